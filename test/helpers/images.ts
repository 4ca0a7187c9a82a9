/**
 * Small images made on the fly for tests: exact pixels, every awkward format the decoder must
 * handle, written to a fresh temporary folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export function temporaryDirectory(prefix = 'autothresh-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes an 8-bit image with `channels` channels from raw interleaved bytes. */
export async function writeRaw(
  path: string,
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
): Promise<string> {
  const image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
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
