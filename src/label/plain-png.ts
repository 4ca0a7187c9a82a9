/**
 * A fast path for decoding masks stored as plain PNG files, as most ground truth is.
 *
 * Labelling decodes two files per pair; the mask is the extra cost over plain thresholding. A
 * mask PNG is mostly flat runs, so its row filters are cheap to undo, and for such small inputs
 * the fixed cost of a sharp pipeline (header parse, libvips setup, RGB expansion of gray data,
 * gray conversion) dominates. For a plain PNG — 8-bit gray, 1-bit gray or 8-bit RGB, not
 * interlaced, and no chunk that could change pixel values (colour profile, gamma, transparency,
 * EXIF orientation, …) — inflating (node:zlib) and unfiltering here gives exactly the gray
 * values of `decodeImage`: gray is stored as is, 1-bit values become 0 / 255, and RGB goes
 * through the same integer luma (`luma8`). Anything else, including damaged files, goes to
 * `decodeImage`, which also reports the errors.
 *
 * Not used for images: photographs are mostly Paeth-filtered, which libpng undoes much faster
 * than JavaScript can.
 */
import { inflateSync } from 'node:zlib';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import type { DecodedImage } from '../image/gray-image.js';
import { luma8 } from '../image/gray.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Chunks that never change decoded pixel values; any other chunk means "not plain". */
const HARMLESS_CHUNKS = new Set([
  'IHDR', 'IDAT', 'IEND', 'tEXt', 'zTXt', 'iTXt', 'pHYs', 'tIME', 'sRGB', 'bKGD',
]);

/**
 * Decodes a mask file's bytes: the plain-PNG fast path, else `decodeImage` (transparent pixels
 * included: a mask's alpha does not decide what counts).
 */
export async function decodeMask(buffer: Uint8Array, source: string): Promise<DecodedImage> {
  const plain = decodePlainPng(buffer);
  if (plain === null) return decodeImage(buffer, source, { includeTransparent: true });
  return {
    ...plain, bitDepth: 8, included: null, source, format: 'png', pageCount: 1, page: 0,
    warnings: [],
  };
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  /** 1 for gray, 3 for RGB. */
  channels: number;
}

/** Gray pixels of a plain PNG (see the module comment), or null for any other input. */
export function decodePlainPng(
  buffer: Uint8Array,
): { width: number; height: number; data: Uint8Array } | null {
  if (buffer.length < 33 || PNG_SIGNATURE.some((byte, i) => buffer[i] !== byte)) return null;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);

  // Chunks: IHDR first, IDATs concatenated, stop at IEND.
  let header: Header | null = null;
  const parts: Uint8Array[] = [];
  for (let offset = 8; offset + 8 <= buffer.length;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...buffer.subarray(offset + 4, offset + 8));
    const body = offset + 8;
    if (body + length + 4 > buffer.length || !HARMLESS_CHUNKS.has(type)) return null;
    if (type === 'IHDR') header = plainHeader(view, body);
    if (type === 'IHDR' && header === null) return null;
    if (type === 'IDAT') parts.push(buffer.subarray(body, body + length));
    if (type === 'IEND') break;
    offset = body + length + 4;
  }
  if (header === null || parts.length === 0) return null;

  // Pixel data: inflate, unfilter, then gray values.
  const { width, height, bitDepth, channels } = header;
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(parts));
  } catch {
    return null;
  }
  if (raw.length < (rowBytes + 1) * height) return null;
  const rows = unfilter(raw, rowBytes, height, bitDepth === 8 ? channels : 1);
  if (rows === null) return null;
  if (bitDepth === 1) return { width, height, data: expandBits(rows, width, height, rowBytes) };
  if (channels === 1) return { width, height, data: rows };
  const gray = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3) {
    gray[i] = luma8(rows[j], rows[j + 1], rows[j + 2]);
  }
  return { width, height, data: gray };
}

/** The IHDR of a plain PNG, or null when the layout is not one the fast path handles. */
function plainHeader(view: DataView, body: number): Header | null {
  const width = view.getUint32(body);
  const height = view.getUint32(body + 4);
  const bitDepth = view.getUint8(body + 8);
  const colourType = view.getUint8(body + 9);
  const interlace = view.getUint8(body + 12);
  if (width === 0 || height === 0 || width * height > DEFAULT_MAX_PIXELS || interlace !== 0) {
    return null;
  }
  if (colourType === 0 && (bitDepth === 8 || bitDepth === 1)) {
    return { width, height, bitDepth, channels: 1 };
  }
  if (colourType === 2 && bitDepth === 8) return { width, height, bitDepth, channels: 3 };
  return null;
}

/**
 * Reverses the PNG row filters; `step` is the filter's byte distance to the "left" pixel
 * (bytes per pixel, at least 1). Null for an unknown filter type. Stores into a Uint8Array wrap
 * modulo 256, which is the arithmetic the filters are defined with.
 */
function unfilter(
  raw: Uint8Array, rowBytes: number, height: number, step: number,
): Uint8Array | null {
  const out = new Uint8Array(rowBytes * height);
  const zeros = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const line = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    const row = out.subarray(y * rowBytes, (y + 1) * rowBytes);
    const up = y > 0 ? out.subarray((y - 1) * rowBytes, y * rowBytes) : zeros;
    const first = Math.min(step, rowBytes);
    switch (filter) {
      case 0:
        row.set(line);
        break;
      case 1:
        for (let x = 0; x < first; x++) row[x] = line[x];
        for (let x = step; x < rowBytes; x++) row[x] = line[x] + row[x - step];
        break;
      case 2:
        for (let x = 0; x < rowBytes; x++) row[x] = line[x] + up[x];
        break;
      case 3:
        for (let x = 0; x < first; x++) row[x] = line[x] + (up[x] >> 1);
        for (let x = step; x < rowBytes; x++) row[x] = line[x] + ((row[x - step] + up[x]) >> 1);
        break;
      case 4:
        for (let x = 0; x < first; x++) row[x] = line[x] + up[x];
        unfilterPaeth(line, row, up, step, rowBytes);
        break;
      default:
        return null;
    }
  }
  return out;
}

/**
 * Paeth predictor (PNG spec §9.4): of left a, up b and upper-left c, the one closest to
 * a + b − c, preferring a, then b. Distances: |b − c|, |a − c|, |a + b − 2c|.
 */
function unfilterPaeth(
  line: Uint8Array, row: Uint8Array, up: Uint8Array, step: number, rowBytes: number,
): void {
  for (let x = step; x < rowBytes; x++) {
    const left = row[x - step];
    const above = up[x];
    const corner = up[x - step];
    const towardsUp = above - corner;
    const towardsLeft = left - corner;
    const distanceLeft = towardsUp < 0 ? -towardsUp : towardsUp;
    const distanceUp = towardsLeft < 0 ? -towardsLeft : towardsLeft;
    const sum = towardsUp + towardsLeft;
    const distanceCorner = sum < 0 ? -sum : sum;
    const predictor = distanceLeft <= distanceUp && distanceLeft <= distanceCorner
      ? left
      : distanceUp <= distanceCorner ? above : corner;
    row[x] = line[x] + predictor;
  }
}

/** 1-bit rows (most significant bit first) to 0 / 255 bytes. */
function expandBits(rows: Uint8Array, width: number, height: number, rowBytes: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = (rows[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
      data[y * width + x] = bit * 255;
    }
  }
  return data;
}
