/**
 * What is wrong with a PNG or TIFF file that libvips refused, found by reading the file's
 * structure, since libvips often does not say: a PNG whose header is invalid or whose checksum
 * fails gives only "corrupt header", a TIFF cut before its image directory "unsupported image
 * format", and one cut inside its image data libtiff's internal read error.
 *
 * PNG: the signature, then each chunk up to IEND: its length, its CRC-32 checksum, the header
 * chunk (IHDR) first and valid, some image data (IDAT). TIFF (classic and BigTIFF): the header
 * and every image directory of the chain, the values they point to and the strips or tiles of
 * image data, all of which must lie inside the file. Nothing is decompressed.
 */

/** A problem found in a file's structure. */
export interface Damage {
  /** `cut`: the file ends before its structure does; `damaged`: the structure is wrong. */
  readonly kind: 'cut' | 'damaged';
  /** The whole problem, naming the format: `PNG cut short (…)`, `damaged TIFF (…)`. */
  readonly text: string;
}

/** Formats recognised by their first bytes, named as in messages. */
export type MagicFormat = 'PNG' | 'JPEG' | 'TIFF' | 'GIF' | 'WebP';

/** The format `bytes` start like, or null when none of {@link MagicFormat}. */
export function formatByMagic(bytes: Uint8Array): MagicFormat | null {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'PNG';
  if (starts(0xff, 0xd8, 0xff)) return 'JPEG';
  if (tiffVersion(bytes) !== null) return 'TIFF';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'GIF';
  if (starts(0x52, 0x49, 0x46, 0x46) && ascii(bytes, 8, 4) === 'WEBP') return 'WebP';
  return null;
}

/** The structural problem of a PNG or TIFF file, or null when none is found (or other format). */
export function findDamage(bytes: Uint8Array): Damage | null {
  const format = formatByMagic(bytes);
  if (format === 'PNG') return pngDamage(bytes);
  if (format === 'TIFF') return tiffDamage(bytes);
  return null;
}

function cut(format: MagicFormat, what: string): Damage {
  return { kind: 'cut', text: `${format} cut short (${what})` };
}

function damaged(format: MagicFormat, what: string): Damage {
  return { kind: 'damaged', text: `damaged ${format} (${what})` };
}

/** `length` bytes from `start` as Latin-1 text. */
function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// PNG ------------------------------------------------------------------------------------------

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Largest chunk length (and width, height) the PNG specification allows: 2^31 − 1. */
const PNG_LARGEST = 2 ** 31 - 1;

/** Walks the chunks up to IEND; the first problem found, or null. */
function pngDamage(bytes: Uint8Array): Damage | null {
  if (bytes.length < PNG_SIGNATURE.length) {
    return cut('PNG', 'the file ends inside its 8-byte signature');
  }
  if (PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) {
    return damaged('PNG', 'its 8-byte signature is wrong');
  }
  const data = view(bytes);
  let seenImageData = false;
  for (let at = PNG_SIGNATURE.length; ; ) {
    if (at + 8 > bytes.length) {
      return cut('PNG', at === bytes.length
        ? 'the file ends before its IEND chunk'
        : `the file ends inside the chunk at byte ${at}`);
    }
    const length = data.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type) || length > PNG_LARGEST) {
      return damaged('PNG', `the chunk at byte ${at} has no valid type or length`);
    }
    const end = at + 12 + length;
    if (end > bytes.length) {
      return cut('PNG', `the file ends inside the ${type} chunk at byte ${at}`);
    }
    if (crc32(bytes, at + 4, at + 8 + length) !== data.getUint32(at + 8 + length)) {
      return damaged('PNG', `the checksum of the ${type} chunk at byte ${at} does not match`);
    }
    const problem = at === PNG_SIGNATURE.length
      ? headerProblem(data, at, type, length)
      : null;
    if (problem !== null) return damaged('PNG', problem);
    if (type === 'IDAT') seenImageData = true;
    if (type === 'IEND') {
      return seenImageData ? null : damaged('PNG', 'it has no image data (IDAT chunk)');
    }
    at = end;
  }
}

/** Bit depths each PNG colour type allows. */
const PNG_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** What is wrong with the first chunk, which must be a valid 13-byte IHDR; null if nothing. */
function headerProblem(data: DataView, at: number, type: string, length: number): string | null {
  if (type !== 'IHDR' || length !== 13) return 'its first chunk is not a valid header (IHDR)';
  const width = data.getUint32(at + 8);
  const height = data.getUint32(at + 12);
  if (width === 0 || height === 0 || width > PNG_LARGEST || height > PNG_LARGEST) {
    return `the header says the image is ${width}×${height} pixels`;
  }
  const depth = data.getUint8(at + 16);
  const colourType = data.getUint8(at + 17);
  if (!(PNG_DEPTHS[colourType] ?? []).includes(depth)) {
    return `the header gives colour type ${colourType} with bit depth ${depth}, which PNG ` +
      'does not allow';
  }
  const methods = [at + 18, at + 19].map((offset) => data.getUint8(offset));
  if (methods.some((method) => method !== 0) || data.getUint8(at + 20) > 1) {
    return 'the header gives an unknown compression, filter or interlace method';
  }
  return null;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as PNG uses) of `bytes[start..end)`. */
function crc32(bytes: Uint8Array, start: number, end: number): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// TIFF -----------------------------------------------------------------------------------------

/** Most image directories followed (a chain longer than this is not checked further). */
const MAX_DIRECTORIES = 65536;

/**
 * Most entries one image directory is taken to have (libtiff's sanity limit): more means the
 * directory offset or its count is damaged, not that the file was cut inside it.
 */
const MAX_ENTRIES = 4096;

/** Tags whose values are the positions and sizes of image data: strips, then tiles. */
const DATA_TAGS = [{ offsets: 273, sizes: 279 }, { offsets: 324, sizes: 325 }] as const;

/** Bytes of one value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, …). */
const TYPE_BYTES: Readonly<Record<number, number>> = {
  1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
  16: 8, 17: 8, 18: 8,
};

/** 42 (classic TIFF) or 43 (BigTIFF) when `bytes` start with a TIFF header, else null. */
function tiffVersion(bytes: Uint8Array): 42 | 43 | null {
  const little = bytes[0] === 0x49 && bytes[1] === 0x49;
  if (!little && !(bytes[0] === 0x4d && bytes[1] === 0x4d)) return null;
  const version = little ? bytes[2] | (bytes[3] << 8) : (bytes[2] << 8) | bytes[3];
  return version === 42 || version === 43 ? version : null;
}

/** Reads the numbers of a TIFF file in its byte order and offset size. */
class TiffReader {
  readonly big: boolean;
  private readonly data: DataView;
  private readonly little: boolean;

  constructor(readonly bytes: Uint8Array) {
    this.data = view(bytes);
    this.little = bytes[0] === 0x49;
    this.big = tiffVersion(bytes) === 43;
  }

  /** Bytes of an offset or count: 4, or 8 in BigTIFF. */
  get wordBytes(): number {
    return this.big ? 8 : 4;
  }

  /** An unsigned value of `size` (1, 2, 4 or 8) bytes at `at`; beyond 2^53 it is inexact. */
  unsigned(at: number, size: number): number {
    if (size === 1) return this.data.getUint8(at);
    if (size === 2) return this.data.getUint16(at, this.little);
    if (size === 4) return this.data.getUint32(at, this.little);
    return Number(this.data.getBigUint64(at, this.little));
  }

  word(at: number): number {
    return this.unsigned(at, this.wordBytes);
  }
}

/** One entry of an image directory. */
interface TiffEntry {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** Where the values are: inside the entry, or at the offset it holds. */
  readonly valuesAt: number;
  /** Bytes of the values (0 for an unknown type). */
  readonly valueBytes: number;
}

/** Follows the chain of image directories; the first problem found, or null. */
function tiffDamage(bytes: Uint8Array): Damage | null {
  const reader = new TiffReader(bytes);
  const headerBytes = reader.big ? 16 : 8;
  if (bytes.length < headerBytes) {
    return cut('TIFF', `the file ends inside its ${headerBytes}-byte header`);
  }
  const seen = new Set<number>();
  let offset = reader.word(reader.big ? 8 : 4);
  for (let page = 0; offset !== 0 && page < MAX_DIRECTORIES && !seen.has(offset); page++) {
    seen.add(offset);
    const found = directoryDamage(reader, offset, page);
    if (typeof found !== 'number') return found;
    offset = found;
  }
  return null;
}

/**
 * Checks the image directory at `offset` (page `page`): the problem found, or the offset of
 * the next directory (0 at the last one).
 */
function directoryDamage(reader: TiffReader, offset: number, page: number): Damage | number {
  const { bytes } = reader;
  const where = page === 0 ? 'the image directory' : `the directory of page ${page}`;
  const cutAt = (what: string) => cut('TIFF', `the file has ${bytes.length} bytes; ${what}`);
  const countBytes = reader.big ? 8 : 2;
  if (offset + countBytes > bytes.length) return cutAt(`${where} starts at byte ${offset}`);
  const count = reader.unsigned(offset, countBytes);
  if (count > MAX_ENTRIES) return damaged('TIFF', `${where} claims ${count} entries`);
  const entryBytes = reader.big ? 20 : 12;
  const end = offset + countBytes + count * entryBytes + reader.wordBytes;
  if (end > bytes.length) return cutAt(`${where} runs to byte ${end}`);
  const entries = Array.from({ length: count },
    (_, i) => readEntry(reader, offset + countBytes + i * entryBytes));
  const valuesEnd = Math.max(0, ...entries.map((entry) => entry.valuesAt + entry.valueBytes));
  if (valuesEnd > bytes.length) return cutAt(`${where} refers to data up to byte ${valuesEnd}`);
  const dataEnd = imageDataEnd(reader, entries);
  if (dataEnd > bytes.length) {
    const data = page === 0 ? 'the image data' : `the image data of page ${page}`;
    return cutAt(`${data} runs to byte ${dataEnd}`);
  }
  return reader.word(end - reader.wordBytes);
}

function readEntry(reader: TiffReader, at: number): TiffEntry {
  const tag = reader.unsigned(at, 2);
  const type = reader.unsigned(at + 2, 2);
  const count = reader.word(at + 4);
  const valueBytes = count * (TYPE_BYTES[type] ?? 0);
  const field = at + 4 + reader.wordBytes;
  const valuesAt = valueBytes <= reader.wordBytes ? field : reader.word(field);
  return { tag, type, count, valuesAt, valueBytes };
}

/** The values of a SHORT, LONG or LONG8 entry (checked to lie inside the file). */
function entryValues(reader: TiffReader, entry: TiffEntry): number[] {
  const size = TYPE_BYTES[entry.type];
  if (![3, 4, 16].includes(entry.type)) return [];
  return Array.from({ length: entry.count },
    (_, i) => reader.unsigned(entry.valuesAt + i * size, size));
}

/** Where the last strip or tile of image data ends (0 when the directory gives none). */
function imageDataEnd(reader: TiffReader, entries: readonly TiffEntry[]): number {
  let end = 0;
  for (const tags of DATA_TAGS) {
    const offsets = entries.find((entry) => entry.tag === tags.offsets);
    const sizes = entries.find((entry) => entry.tag === tags.sizes);
    if (offsets === undefined || sizes === undefined) continue;
    const starts = entryValues(reader, offsets);
    const lengths = entryValues(reader, sizes);
    starts.forEach((start, i) => {
      end = Math.max(end, start + (lengths[i] ?? 0));
    });
  }
  return end;
}
