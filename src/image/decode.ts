/**
 * Reading image files into {@link DecodedImage}s.
 *
 * sharp (libvips) decodes PNG, JPEG, TIFF, WebP, GIF and AVIF; BMP, which sharp does not read,
 * goes through fast-bmp. Whatever the file holds (gray, gray+alpha, RGB, RGBA, CMYK, palette),
 * the result is one gray channel of 8 or 16 bits (see `gray.ts` for the formula) with EXIF
 * orientation applied, so that pixel positions match what viewers show and what the tool writes.
 */
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { decode as decodeBmp } from 'fast-bmp';
import { AutothreshError, errorMessage } from '../errors.js';
import { LUMA_WEIGHTS, toGray } from './gray.js';
import type { DecodedImage } from './gray-image.js';

/**
 * Largest image (width × height) decoded by default: 2^28 pixels, about 268 megapixels.
 * A 100-megapixel RGB image needs about 300 MB for its decoded pixels; beyond this limit memory,
 * not the decoder, becomes the problem. Raise it with `maxPixels` (CLI: `--max-pixels`).
 */
export const DEFAULT_MAX_PIXELS = 2 ** 28;

// Each file is decoded once: libvips' operation cache would only hold memory.
sharp.cache(false);

export interface DecodeOptions {
  /** Page (frame) of a multi-page TIFF/GIF/WebP to decode, 0-based. Default 0. */
  page?: number;
  /** Count fully transparent pixels too (by default they are left out). */
  includeTransparent?: boolean;
  /** Refuse images with more pixels than this. Default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
}

/** Reads and decodes an image file. Errors name the file and what is wrong with it. */
export async function readImage(file: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const buffer = await readInputFile(file);
  return decodeImage(buffer, file, options);
}

/** Reads a whole file, turning file-system errors into one-line {@link AutothreshError}s. */
export async function readInputFile(file: string): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      throw new AutothreshError('autothresh.decode', `${file}: is a directory, not an image`);
    }
    size = info.size;
  } catch (error) {
    if (error instanceof AutothreshError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AutothreshError('autothresh.fileNotFound', `${file}: no such file`);
    }
    throw new AutothreshError('autothresh.decode', `${file}: cannot read (${errorMessage(error)})`);
  }
  if (size === 0) throw new AutothreshError('autothresh.decode', `${file}: file is empty (0 bytes)`);
  return readFile(file);
}

/** Decodes an in-memory image; `source` names it in messages. */
export async function decodeImage(
  buffer: Uint8Array,
  source: string,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  if (buffer.length === 0) {
    throw new AutothreshError('autothresh.decode', `${source}: file is empty (0 bytes)`);
  }
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (isBmp(buffer)) return decodeBmpImage(buffer, source, options, maxPixels);
  return decodeWithSharp(buffer, source, options, maxPixels);
}

function isBmp(buffer: Uint8Array): boolean {
  return buffer.length > 2 && buffer[0] === 0x42 && buffer[1] === 0x4d;
}

async function decodeWithSharp(
  buffer: Uint8Array,
  source: string,
  options: DecodeOptions,
  maxPixels: number,
): Promise<DecodedImage> {
  const page = options.page ?? 0;
  const warnings: string[] = [];

  // Header first: format, size, page count, bit depth, before any pixel is decoded.
  let metadata: Metadata;
  try {
    metadata = await sharp(buffer, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeError(source, error);
  }
  const pageCount = metadata.pages ?? 1;
  if (!Number.isInteger(page) || page < 0 || page >= pageCount) {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `${source}: page ${page} does not exist (the file has ${pageCount} page(s), numbered 0–${pageCount - 1})`,
    );
  }
  if (pageCount > 1 && options.page === undefined) {
    warnings.push(`${source}: file has ${pageCount} pages; using page 0 (choose with --page)`);
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width * height > maxPixels) {
    throw new AutothreshError(
      'autothresh.unsupportedImage',
      `${source}: image has ${width}×${height} = ${(width * height / 1e6).toFixed(1)} megapixels, ` +
        `more than the limit of ${(maxPixels / 1e6).toFixed(1)} (raise it with --max-pixels)`,
    );
  }

  // Pixels: oriented, sRGB (CMYK and palettes converted by libvips), 8 or 16 bits.
  const sixteen = is16Bit(metadata.depth);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    const pipeline = sharp(buffer, { page, limitInputPixels: false, failOn: 'error' }).autoOrient();
    const colourspace = outputColourspace(metadata, sixteen);
    if (colourspace === 'srgb' && !metadata.hasAlpha) lumaInLibvips(pipeline);
    else pipeline.toColourspace(colourspace);
    raw = await pipeline.raw(sixteen ? { depth: 'ushort' } : undefined).toBuffer({
      resolveWithObject: true,
    });
  } catch (error) {
    throw decodeError(source, error);
  }

  const { info } = raw;
  const pixels = sixteen
    ? new Uint16Array(raw.data.buffer, raw.data.byteOffset, raw.data.length / 2)
    : new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
  const { gray, included } = toGray(pixels, info.channels, options.includeTransparent ?? false);
  return {
    width: info.width,
    height: info.height,
    bitDepth: sixteen ? 16 : 8,
    data: gray,
    included,
    source,
    format: metadata.format,
    pageCount,
    page,
    warnings,
  };
}

/**
 * libvips converts to 8-bit sRGB unless told otherwise: keep gray inputs gray (1 channel) and
 * 16-bit inputs 16-bit; CMYK and palette inputs become sRGB.
 */
function outputColourspace(metadata: Metadata, sixteen: boolean): string {
  const gray = metadata.space === 'b-w' || metadata.space === 'grey16' ||
    (metadata.channels <= 2 && metadata.space !== 'cmyk' && !metadata.isPalette);
  if (gray) return sixteen ? 'grey16' : 'b-w';
  return sixteen ? 'rgb16' : 'srgb';
}

/**
 * 8-bit colour without alpha: libvips computes the luma itself, so that only one gray byte per
 * pixel ever reaches JavaScript (a 100-megapixel RGB image needs 100 MB, not 400 MB). The
 * weights are those of `gray.ts` over 2^16; every partial sum is an integer multiple of 2^-16
 * below 2^8, exact in float, and adding 0.5 before libvips truncates to uchar gives the same
 * rounding as the integer formula: identical results for all 2^24 colours (tested).
 */
function lumaInLibvips(pipeline: Sharp): void {
  const weights: [number, number, number] = [
    LUMA_WEIGHTS[0] / 65536, LUMA_WEIGHTS[1] / 65536, LUMA_WEIGHTS[2] / 65536,
  ];
  pipeline
    .toColourspace('srgb')
    .recomb([weights, weights, weights])
    .linear(1, 0.5)
    .extractChannel(0)
    .toColourspace('b-w');
}

function is16Bit(depth: string | undefined): boolean {
  return depth === 'ushort' || depth === 'short' || depth === 'uint' || depth === 'int' ||
    depth === 'float' || depth === 'double';
}

function decodeBmpImage(
  buffer: Uint8Array,
  source: string,
  options: DecodeOptions,
  maxPixels: number,
): DecodedImage {
  let decoded: ReturnType<typeof decodeBmp>;
  try {
    decoded = decodeBmp(buffer);
  } catch (error) {
    throw decodeError(source, error);
  }
  const { width, height, channels } = decoded;
  if (width * height > maxPixels) {
    throw new AutothreshError(
      'autothresh.unsupportedImage',
      `${source}: image has ${width}×${height} pixels, more than the limit (raise it with --max-pixels)`,
    );
  }
  const data = (decoded as unknown as { data: Uint8Array }).data;
  if (!(data instanceof Uint8Array) || data.length < width * height * channels) {
    throw new AutothreshError('autothresh.decode', `${source}: BMP pixel data is truncated`);
  }
  const pixels = expandBits(data, width, height, channels, decoded.bitsPerPixel);
  const { gray, included } = toGray(pixels, channels, options.includeTransparent ?? false);
  return {
    width, height, bitDepth: 8, data: gray, included, source, format: 'bmp',
    pageCount: 1, page: 0, warnings: [],
  };
}

/** 1-bit BMPs come back as 0/1 values: scale them to 0/255 like other decoders. */
function expandBits(
  data: Uint8Array, width: number, height: number, channels: number, bitsPerPixel: number,
): Uint8Array {
  const length = width * height * channels;
  if (bitsPerPixel !== 1) return data.subarray(0, length);
  const scaled = new Uint8Array(length);
  for (let i = 0; i < length; i++) scaled[i] = data[i] ? 255 : 0;
  return scaled;
}

function decodeError(source: string, error: unknown): AutothreshError {
  const detail = errorMessage(error)
    .replace(/^Input (buffer|file) (contains|has) /i, '')
    .replace(/^Input buffer /i, '');
  const known = /unsupported image format/i.test(detail)
    ? 'not a supported image (PNG, JPEG, TIFF, WebP, GIF, AVIF, BMP)'
    : `cannot decode image (${detail})`;
  return new AutothreshError('autothresh.decode', `${source}: ${known}`, { cause: error });
}
