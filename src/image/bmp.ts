/**
 * Windows bitmap (BMP) files, decoded straight to one gray plane (and an inclusion mask when
 * the file carries alpha), without an RGBA copy of the image.
 *
 * sharp (libvips) does not read BMP, and none of the npm decoders tried handles the common
 * variants correctly (palettes are dropped or misapplied, top-down rows crash, 32-bit BI_RGB
 * is refused, RLE output is shifted or refused when an end-of-line precedes the end-of-bitmap
 * marker, and all of them hold 4 bytes per pixel), so this module follows the format
 * description in Microsoft's "Bitmap Storage" documentation (BITMAPINFOHEADER and its V4/V5
 * extensions, BI_RLE8/BI_RLE4 encoding).
 *
 * Supported: headers of 12 (OS/2 1.x), 40, 52, 56, 108 and 124 bytes; 1-, 2-, 4- and 8-bit
 * palettes; 16-bit (5-5-5 by default) and 32-bit (8-8-8 by default) pixels with or without
 * BI_BITFIELDS / BI_ALPHABITFIELDS masks; 24-bit pixels; RLE8 and RLE4; bottom-up and top-down
 * row order. Colours become gray with the formula of `gray.ts`; a channel of n < 8 bits is
 * scaled to 0..255 as round(v · 255 / (2^n − 1)).
 *
 * Limitations: the unused fourth byte of 32-bit BI_RGB pixels is not alpha (as the format
 * says); an alpha mask whose values are all 0 is taken as "no alpha" (writers that leave it
 * empty mean an opaque image); pixels skipped by an RLE delta or left unwritten take palette
 * entry 0; palette indices past the palette's end are black; embedded JPEG/PNG (BI_JPEG,
 * BI_PNG) and OS/2 Huffman / RLE24 compression are refused.
 */
import { AutothreshError } from '../errors.js';
import { counted } from '../util/counts.js';
import { luma8 } from './gray.js';

const FILE_HEADER_BYTES = 14;
const RGB = 0;
const RLE8 = 1;
const RLE4 = 2;
const BITFIELDS = 3;
const ALPHA_BITFIELDS = 6;

/** Channel masks of 16- and 32-bit pixels (0 = channel absent). */
interface ChannelMasks {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  readonly alpha: number;
}

/** What the headers of a BMP file say, read before any pixel is decoded. */
export interface BmpHeader {
  readonly width: number;
  readonly height: number;
  /** Rows stored top row first (negative height in the file). */
  readonly topDown: boolean;
  readonly bitsPerPixel: number;
  /** 0 none, 1 RLE8, 2 RLE4, 3 bit fields, 6 bit fields with alpha. */
  readonly compression: number;
  /** Byte offset of the pixel data. */
  readonly dataOffset: number;
  /** Gray value of each palette entry (palette formats only, else empty). */
  readonly paletteGray: Uint8Array;
  readonly masks: ChannelMasks | null;
}

/** True when `bytes` starts like a BMP file ("BM"). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Reads the file and info headers (and the palette). Throws a one-line `autothresh.decode`. */
export function readBmpHeader(bytes: Uint8Array, source: string): BmpHeader {
  const fail = (what: string) => bmpError(source, what);
  if (bytes.length < FILE_HEADER_BYTES + 12) fail('file is too short for a BMP header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerBytes = view.getUint32(14, true);
  if (headerBytes !== 12 && headerBytes < 40) fail(`unknown info header size ${headerBytes}`);
  if (FILE_HEADER_BYTES + headerBytes > bytes.length) fail('info header is truncated');

  const core = headerBytes === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const storedHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? RGB : view.getUint32(30, true);
  if (width <= 0 || storedHeight === 0) fail(`invalid size ${width}×${storedHeight}`);
  checkEncoding(bitsPerPixel, compression, headerBytes, fail);

  const masks = readMasks(view, headerBytes, bitsPerPixel, compression, fail);
  const maskBytes = headerBytes === 40 && masks !== null && compression !== RGB
    ? (compression === ALPHA_BITFIELDS ? 16 : 12)
    : 0;
  const paletteStart = FILE_HEADER_BYTES + headerBytes + maskBytes;
  const colourCount = bitsPerPixel <= 8 && !core ? view.getUint32(46, true) : 0;
  const paletteGray = readPalette(bytes, paletteStart, dataOffset, bitsPerPixel, colourCount, core);
  if (dataOffset >= bytes.length) fail('pixel data is missing (file is truncated)');
  return {
    width,
    height: Math.abs(storedHeight),
    topDown: storedHeight < 0,
    bitsPerPixel,
    compression,
    dataOffset,
    paletteGray,
    masks,
  };
}

function checkEncoding(
  bitsPerPixel: number,
  compression: number,
  headerBytes: number,
  fail: (what: string) => never,
): void {
  if (![1, 2, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    fail(`unsupported ${bitsPerPixel} bits per pixel`);
  }
  const allowed = compression === RGB ||
    (compression === RLE8 && bitsPerPixel === 8) ||
    (compression === RLE4 && bitsPerPixel === 4) ||
    ((compression === BITFIELDS || compression === ALPHA_BITFIELDS) &&
      (bitsPerPixel === 16 || bitsPerPixel === 32));
  if (!allowed || (headerBytes === 64 && compression > RLE4)) {
    fail(`unsupported compression ${compression} with ${bitsPerPixel} bits per pixel ` +
      '(supported: none, RLE8, RLE4, bit fields)');
  }
}

/** Masks of 16/32-bit pixels: from the file for bit fields, else the format's defaults. */
function readMasks(
  view: DataView,
  headerBytes: number,
  bitsPerPixel: number,
  compression: number,
  fail: (what: string) => never,
): ChannelMasks | null {
  if (bitsPerPixel !== 16 && bitsPerPixel !== 32) return null;
  if (compression === RGB) {
    return bitsPerPixel === 16
      ? { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 }
      : { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0 };
  }
  const start = FILE_HEADER_BYTES + 40;
  const hasAlpha = compression === ALPHA_BITFIELDS || headerBytes >= 56;
  if (start + (hasAlpha ? 16 : 12) > view.byteLength) fail('bit-field masks are truncated');
  return {
    red: view.getUint32(start, true),
    green: view.getUint32(start + 4, true),
    blue: view.getUint32(start + 8, true),
    alpha: hasAlpha ? view.getUint32(start + 12, true) : 0,
  };
}

/** Gray value of each palette entry, 2^bits entries (missing ones black). */
function readPalette(
  bytes: Uint8Array,
  start: number,
  dataOffset: number,
  bitsPerPixel: number,
  colourCount: number,
  core: boolean,
): Uint8Array {
  if (bitsPerPixel > 8) return new Uint8Array(0);
  const entryBytes = core ? 3 : 4;
  const declared = colourCount === 0 ? 2 ** bitsPerPixel : Math.min(colourCount, 2 ** bitsPerPixel);
  const end = Math.min(dataOffset, bytes.length);
  const available = Math.max(0, Math.floor((end - start) / entryBytes));
  const gray = new Uint8Array(2 ** bitsPerPixel);
  for (let entry = 0; entry < Math.min(declared, available); entry++) {
    const at = start + entry * entryBytes;
    // Entries are stored blue, green, red (, reserved).
    gray[entry] = luma8(bytes[at + 2], bytes[at + 1], bytes[at]);
  }
  return gray;
}

/** The decoded gray plane and inclusion mask (`null` when every pixel counts). */
export interface BmpPixels {
  readonly gray: Uint8Array;
  readonly included: Uint8Array | null;
}

/**
 * Decodes the pixels described by `header` (check the size against the pixel limit first).
 * Rows come out top row first whatever the stored order. Throws `autothresh.decode` when the
 * pixel data is shorter than the header promises, or its RLE stream is damaged.
 */
export function decodeBmpPixels(
  bytes: Uint8Array,
  header: BmpHeader,
  source: string,
  includeTransparent = false,
): BmpPixels {
  const gray = new Uint8Array(header.width * header.height);
  if (header.compression === RLE8 || header.compression === RLE4) {
    decodeRunLengths(bytes, header, gray, source);
    return { gray, included: null };
  }
  checkLength(bytes, header, source);
  if (header.bitsPerPixel <= 8) {
    decodeIndexed(bytes, header, gray);
    return { gray, included: null };
  }
  if (header.bitsPerPixel === 24) {
    decodeRgb24(bytes, header, gray);
    return { gray, included: null };
  }
  const alpha = header.masks !== null && header.masks.alpha !== 0 && !includeTransparent
    ? new Uint8Array(gray.length)
    : null;
  const leftOut = decodeMasked(bytes, header, gray, alpha);
  // Every alpha 0: the writer did not use alpha, the image is opaque.
  const used = alpha !== null && leftOut > 0 && leftOut < gray.length;
  return { gray, included: used ? alpha : null };
}

/** Bytes per stored row: whole pixels, padded to a multiple of 4 bytes. */
function rowStride(header: BmpHeader): number {
  return Math.floor((header.bitsPerPixel * header.width + 31) / 32) * 4;
}

/** Image row (top = 0) of stored row `stored`. */
function imageRow(header: BmpHeader, stored: number): number {
  return header.topDown ? stored : header.height - 1 - stored;
}

function checkLength(bytes: Uint8Array, header: BmpHeader, source: string): void {
  // The last row's padding may be missing; its pixels may not.
  const needed = header.dataOffset + rowStride(header) * (header.height - 1) +
    Math.ceil((header.bitsPerPixel * header.width) / 8);
  if (needed > bytes.length) {
    bmpCutShort(source, `the file has ${bytes.length} of the ${needed} bytes its pixels need`);
  }
}

function decodeIndexed(bytes: Uint8Array, header: BmpHeader, gray: Uint8Array): void {
  const { width, bitsPerPixel, paletteGray } = header;
  const stride = rowStride(header);
  const perByte = 8 / bitsPerPixel;
  const indexMask = (1 << bitsPerPixel) - 1;
  for (let stored = 0; stored < header.height; stored++) {
    const rowStart = header.dataOffset + stored * stride;
    const out = imageRow(header, stored) * width;
    for (let x = 0; x < width; x++) {
      const byte = bytes[rowStart + Math.floor(x / perByte)];
      // The leftmost pixel sits in the most significant bits.
      const shift = 8 - bitsPerPixel * ((x % perByte) + 1);
      gray[out + x] = paletteGray[(byte >> shift) & indexMask];
    }
  }
}

function decodeRgb24(bytes: Uint8Array, header: BmpHeader, gray: Uint8Array): void {
  const { width } = header;
  const stride = rowStride(header);
  for (let stored = 0; stored < header.height; stored++) {
    let at = header.dataOffset + stored * stride;
    const out = imageRow(header, stored) * width;
    for (let x = 0; x < width; x++, at += 3) {
      gray[out + x] = luma8(bytes[at + 2], bytes[at + 1], bytes[at]);
    }
  }
}

/** One colour channel of a masked pixel: its bits, scaled to 0..255. */
interface ChannelReader {
  readonly mask: number;
  readonly shift: number;
  readonly maximum: number;
}

function channelReader(mask: number): ChannelReader {
  if (mask === 0) return { mask: 0, shift: 0, maximum: 1 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask: mask >>> 0, shift, maximum: mask >>> shift };
}

function readChannel(pixel: number, channel: ChannelReader): number {
  if (channel.mask === 0) return 0;
  const value = ((pixel & channel.mask) >>> 0) >>> channel.shift;
  return channel.maximum === 255 ? value : Math.round((value * 255) / channel.maximum);
}

/** 16- and 32-bit pixels; returns how many pixels have alpha 0 (when `alpha` is tracked). */
function decodeMasked(
  bytes: Uint8Array,
  header: BmpHeader,
  gray: Uint8Array,
  alpha: Uint8Array | null,
): number {
  const masks = header.masks as ChannelMasks;
  const [red, green, blue] = [masks.red, masks.green, masks.blue].map(channelReader);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sixteen = header.bitsPerPixel === 16;
  const stride = rowStride(header);
  let leftOut = 0;
  for (let stored = 0; stored < header.height; stored++) {
    const rowStart = header.dataOffset + stored * stride;
    const out = imageRow(header, stored) * header.width;
    for (let x = 0; x < header.width; x++) {
      const pixel = sixteen
        ? view.getUint16(rowStart + 2 * x, true)
        : view.getUint32(rowStart + 4 * x, true);
      gray[out + x] = luma8(readChannel(pixel, red), readChannel(pixel, green),
        readChannel(pixel, blue));
      if (alpha !== null) {
        const counted = (pixel & masks.alpha) !== 0 ? 1 : 0;
        alpha[out + x] = counted;
        leftOut += 1 - counted;
      }
    }
  }
  return leftOut;
}

/** Where an RLE stream is: the next byte, and the pixel the next index goes to. */
interface RleCursor {
  at: number;
  /** Column of the next pixel; `width` once a row is full. */
  x: number;
  /** Stored row (0 = the first stored, the bottom one unless top-down). */
  row: number;
}

/**
 * RLE8 / RLE4: pairs (count, value) repeat `value` (RLE4: its two nibbles in turn) `count`
 * times; (0, 0) ends a row, (0, 1) the bitmap, (0, 2, dx, dy) moves right and down, and
 * (0, n ≥ 3) is followed by n literal indices, padded to an even number of bytes.
 *
 * Damaged streams are refused rather than guessed at: a run or literal run that passes the end
 * of its row (decoders disagree on whether it is cut off or wraps onto the next row) and a move
 * that leaves the image. A stream without an end-of-bitmap marker is accepted only when it
 * fills every row (as Pillow does); one that stops earlier is cut short.
 */
function decodeRunLengths(
  bytes: Uint8Array,
  header: BmpHeader,
  gray: Uint8Array,
  source: string,
): void {
  gray.fill(header.paletteGray[0]);
  const cursor: RleCursor = { at: header.dataOffset, x: 0, row: 0 };
  while (cursor.at + 1 < bytes.length && cursor.row < header.height) {
    const count = bytes[cursor.at];
    const value = bytes[cursor.at + 1];
    cursor.at += 2;
    if (count > 0) {
      checkRowRoom(header, cursor, count, 'a run', source);
      for (let i = 0; i < count; i++) {
        putIndex(header, gray, cursor, nibbleOrByte(header, value, i));
      }
    } else if (value === 0) {
      cursor.x = 0;
      cursor.row++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      if (!moveBy(bytes, header, cursor, source)) break;
    } else if (!copyLiterals(bytes, header, gray, cursor, value, source)) {
      break;
    }
  }
  const filled = cursor.row >= header.height ||
    (cursor.row === header.height - 1 && cursor.x >= header.width);
  if (!filled) {
    bmpCutShort(source, `the RLE pixel data ends after ${cursor.row} of ${header.height} rows, ` +
      'with no end-of-bitmap marker');
  }
}

/** Index `i` of a run: RLE8 repeats the byte, RLE4 alternates its high and low nibble. */
function nibbleOrByte(header: BmpHeader, value: number, i: number): number {
  if (header.compression !== RLE4) return value;
  return i % 2 === 0 ? value >> 4 : value & 15;
}

/** Writes palette entry `index` at the cursor (room checked by the caller) and moves on. */
function putIndex(header: BmpHeader, gray: Uint8Array, cursor: RleCursor, index: number): void {
  gray[imageRow(header, cursor.row) * header.width + cursor.x] = header.paletteGray[index];
  cursor.x++;
}

/** Refuses a run of `count` pixels that does not fit in what is left of the cursor's row. */
function checkRowRoom(
  header: BmpHeader,
  cursor: RleCursor,
  count: number,
  what: string,
  source: string,
): void {
  if (cursor.x + count <= header.width) return;
  bmpDamaged(source, `${what} of ${counted(count, 'pixel')} passes the end of row ` +
    `${imageRow(header, cursor.row)}`);
}

/**
 * The delta escape: moves the cursor `dx` right and `dy` rows on. Refuses a move out of the
 * image; returns false when the stream ends inside the escape.
 */
function moveBy(bytes: Uint8Array, header: BmpHeader, cursor: RleCursor, source: string): boolean {
  if (cursor.at + 1 >= bytes.length) return false;
  const dx = bytes[cursor.at];
  const dy = bytes[cursor.at + 1];
  cursor.at += 2;
  if (cursor.x + dx > header.width || cursor.row + dy >= header.height) {
    bmpDamaged(source, `a jump of ${dx} columns and ${dy} rows from row ` +
      `${imageRow(header, cursor.row)}, column ${cursor.x} leaves the ` +
      `${header.width}×${header.height} image`);
  }
  cursor.x += dx;
  cursor.row += dy;
  return true;
}

/**
 * `count` literal indices (RLE4: two a byte), padded to an even number of bytes. Refuses a
 * literal run past the row's end; returns false when the stream ends inside it.
 */
function copyLiterals(
  bytes: Uint8Array,
  header: BmpHeader,
  gray: Uint8Array,
  cursor: RleCursor,
  count: number,
  source: string,
): boolean {
  const four = header.compression === RLE4;
  const literalBytes = four ? Math.ceil(count / 2) : count;
  if (cursor.at + literalBytes > bytes.length) return false;
  checkRowRoom(header, cursor, count, 'a literal run', source);
  for (let i = 0; i < count; i++) {
    const byte = bytes[cursor.at + (four ? i >> 1 : i)];
    putIndex(header, gray, cursor, nibbleOrByte(header, byte, i));
  }
  cursor.at += literalBytes + (literalBytes % 2);
  return true;
}

function bmpError(source: string, what: string): never {
  throw new AutothreshError('autothresh.decode', `${source}: cannot decode BMP (${what})`);
}

/** `<source>: damaged BMP (<what>)`: the pixel data contradicts the header. */
function bmpDamaged(source: string, what: string): never {
  throw new AutothreshError('autothresh.decode', `${source}: damaged BMP (${what})`);
}

/** `<source>: BMP cut short (<what>)`: the pixel data stops before the image is complete. */
function bmpCutShort(source: string, what: string): never {
  throw new AutothreshError('autothresh.decode', `${source}: BMP cut short (${what})`);
}
