/**
 * Small images made on the fly for tests: exact pixels, every awkward format the decoder must
 * handle, written to a fresh temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll } from 'vitest';

/** The folders made by {@link temporaryDirectory}, removed after the test file's last test. */
const temporaryFolders: string[] = [];
afterAll(() => {
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, removed with everything in it after the test file has run. */
export function temporaryDirectory(prefix = 'autothresh-test-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

/**
 * Writes an 8-bit image from raw interleaved bytes with `channels` channels: 2 is written as
 * gray+alpha; 1 is written by sharp as RGB with three equal channels, the same gray values.
 */
export async function writeRaw(
  path: string,
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
): Promise<string> {
  const raw = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  // Without a colour space sharp would write two channels as RGBA.
  const image = channels === 2 ? raw.toColourspace('b-w') : raw;
  const format = path.split('.').pop();
  if (format === 'jpg' || format === 'jpeg') await image.jpeg({ quality: 100 }).toFile(path);
  else await image.png().toFile(path);
  return path;
}

/** A 16-bit single-channel PNG with the given values. */
export async function write16BitGray(
  path: string,
  values: Uint16Array,
  width: number,
  height: number,
): Promise<string> {
  // A Uint16Array (not a Buffer) tells sharp the raw samples are 16-bit.
  await sharp(values, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toFile(path);
  return path;
}

/** A file with arbitrary bytes. */
export function writeBytes(path: string, bytes: Uint8Array | string): string {
  writeFileSync(path, bytes);
  return path;
}

/** Gray ramp 0..255 repeated, `width * height` bytes. */
export function ramp(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i % 256;
  return pixels;
}

/** Fields of a hand-built BMP file (see {@link buildBmp}). */
export interface BmpParts {
  width: number;
  /** Negative for top-down row order. */
  height: number;
  bitsPerPixel: number;
  /** The pixel data exactly as stored (rows with padding, or an RLE stream). */
  data: Uint8Array;
  /** Palette as [red, green, blue] triples. */
  palette?: ReadonlyArray<readonly [number, number, number]>;
  /** 0 none, 1 RLE8, 2 RLE4, 3 bit fields, 6 bit fields with alpha. */
  compression?: number;
  /** Red, green, blue (and alpha) masks, written after a 40-byte header or inside a V5 one. */
  masks?: readonly number[];
  /** 40 (BITMAPINFOHEADER) or 124 (BITMAPV5HEADER). */
  headerSize?: 40 | 124;
}

/**
 * Builds a BMP file byte by byte from the format description (file header, info header,
 * optional masks and palette, pixel data), independently of any decoder.
 */
export function buildBmp(parts: BmpParts): Uint8Array {
  const headerSize = parts.headerSize ?? 40;
  const palette = parts.palette ?? [];
  const masks = parts.masks ?? [];
  const maskBytes = headerSize === 40 ? masks.length * 4 : 0;
  const offset = 14 + headerSize + maskBytes + palette.length * 4;
  const bytes = new Uint8Array(offset + parts.data.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, headerSize, true);
  view.setInt32(18, parts.width, true);
  view.setInt32(22, parts.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, parts.bitsPerPixel, true);
  view.setUint32(30, parts.compression ?? 0, true);
  view.setUint32(34, parts.data.length, true);
  view.setUint32(46, palette.length, true);
  // Masks follow a 40-byte header, or fill bytes 40..55 of a V5 header.
  masks.forEach((mask, index) => view.setUint32(54 + index * 4, mask >>> 0, true));
  palette.forEach(([red, green, blue], index) => {
    bytes.set([blue, green, red, 0], 14 + headerSize + maskBytes + index * 4);
  });
  bytes.set(parts.data, offset);
  return bytes;
}

/** Stored rows (bottom row first unless `topDown`), each padded to a multiple of 4 bytes. */
export function bmpRows(rows: ReadonlyArray<ArrayLike<number>>, topDown = false): Uint8Array {
  const ordered = topDown ? [...rows] : [...rows].reverse();
  const stride = Math.ceil(ordered[0].length / 4) * 4;
  const data = new Uint8Array(stride * ordered.length);
  ordered.forEach((row, index) => data.set(Array.from(row), index * stride));
  return data;
}
