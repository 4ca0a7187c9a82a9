/**
 * Reading image files into {@link DecodedImage}s.
 *
 * sharp (libvips) decodes PNG, JPEG, TIFF, WebP, GIF and AVIF; BMP, which sharp does not read,
 * is decoded by `bmp.ts`. Whatever the file holds (gray, gray+alpha, RGB, RGBA, CMYK, palette),
 * the result is one gray channel of 8 or 16 bits (see `gray.ts` for the formula) with EXIF
 * orientation applied, so that pixel positions match what viewers show and what the tool writes,
 * plus an inclusion mask when fully transparent pixels are left out.
 *
 * Memory: JavaScript holds the gray plane (1 or 2 bytes a pixel), the inclusion mask (1 byte a
 * pixel, only when some pixel is transparent) and, for colour or alpha images, at most
 * {@link STRIP_BYTES} of decoded pixels. Images whose decoded pixels fit in that budget are
 * decoded once and converted in JavaScript (faster than libvips' matrix product). Larger 8-bit
 * images are turned to gray inside libvips (an exact integer version of the formula, see
 * {@link grayInLibvips}), their alpha channel read in a second decoding pass; larger 16-bit
 * colour images (sharp has no 16-bit matrix product) and CMYK images (whose ICC conversion to
 * sRGB sharp applies only to its output) are decoded in strips of rows, libvips decoding the
 * file up to each strip, so they cost a few decoding passes.
 *
 * Damaged files are refused, not decoded as far as they go: libvips runs with sharp's strictest
 * level, `failOn: 'warning'`, because some decoders only warn about corrupt data (libjpeg's
 * "premature end of data segment" fills the rest of the image with gray). When libvips does not
 * say why it refused a PNG or TIFF file, `damage.ts` reads the file's structure to tell.
 */
import { readFile, readlink, stat } from 'node:fs/promises';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { AutothreshError, errorMessage } from '../errors.js';
import { fileSystemProblem } from '../util/file-errors.js';
import { debug } from '../util/log.js';
import { decodeBmpPixels, isBmp, readBmpHeader } from './bmp.js';
import { findDamage, formatByMagic, type MagicFormat } from './damage.js';
import { convertToGray, LUMA_WEIGHTS } from './gray.js';
import { loadSharp } from './sharp.js';
import type { DecodedImage } from './gray-image.js';
import { counted } from '../util/counts.js';

/**
 * Largest image (width × height) decoded by default: 2^28 pixels, about 268 megapixels.
 * Beyond this, memory rather than the decoder becomes the problem. Raise it with `maxPixels`
 * (CLI: `--max-pixels`). libvips' own pixel limit is switched off: this one replaces it, and
 * it is checked on the header, before any pixel is decoded.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 28;

/**
 * Largest `maxPixels` accepted: 2^32 − 1, the most elements one typed array holds here, so a
 * gray image of more pixels could not be held at all.
 */
export const MAX_PIXELS_LIMIT = 2 ** 32 - 1;

/** Most bytes of decoded colour/alpha pixels held at once (see the module comment). */
export const STRIP_BYTES = 2 ** 26;

/**
 * sharp's `failOn` level for every read: a decoder warning (corrupt or truncated data) fails the
 * file, as an error does. sharp recommends this level for untrusted input.
 */
const FAIL_ON = 'warning';

export interface DecodeOptions {
  /** Page (frame) of a multi-page TIFF/GIF/WebP to decode, 0-based. Default 0. */
  page?: number;
  /** Count fully transparent pixels too (by default they are left out). */
  includeTransparent?: boolean;
  /**
   * Refuse images with more pixels than this. Default {@link DEFAULT_MAX_PIXELS}; larger values
   * than {@link MAX_PIXELS_LIMIT} count as that limit.
   */
  maxPixels?: number;
  /** What the file is, in messages (`mask has 9×9 = 81 pixels, …`). Default `image`. */
  role?: string;
  /** Most bytes of decoded pixels held at once; default {@link STRIP_BYTES} (for tests). */
  stripBytes?: number;
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
    // A FIFO, socket or device has no size and may never end: reading it could hang.
    if (!info.isFile()) {
      throw new AutothreshError('autothresh.decode', `${file}: not a regular file`);
    }
    size = info.size;
  } catch (error) {
    if (error instanceof AutothreshError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const problem = await missingProblem(file);
      throw new AutothreshError('autothresh.fileNotFound', `${file}: ${problem}`);
    }
    throw unreadable(file, error);
  }
  if (size === 0) {
    throw new AutothreshError('autothresh.decode', `${file}: file is empty (0 bytes)`);
  }
  try {
    return await readFile(file);
  } catch (error) {
    throw unreadable(file, error);
  }
}

/**
 * Why a path that `stat` did not find is missing: `no such file`, or, for a symbolic link
 * whose target does not exist (what a file not fetched by git-annex or LFS looks like),
 * `broken symbolic link (to <target>)`.
 */
async function missingProblem(file: string): Promise<string> {
  const target = await readlink(file).catch(() => null);
  return target === null ? 'no such file' : `broken symbolic link (to ${target})`;
}

/** `<file>: cannot read (<problem>)`, the problem in a few words (`permission denied`). */
function unreadable(file: string, error: unknown): AutothreshError {
  return new AutothreshError(
    'autothresh.decode', `${file}: cannot read (${fileSystemProblem(error)})`, { cause: error },
  );
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
  const maxPixels = Math.min(options.maxPixels ?? DEFAULT_MAX_PIXELS, MAX_PIXELS_LIMIT);
  if (isBmp(buffer)) return decodeBmpImage(buffer, source, options, maxPixels);
  return decodeWithSharp(buffer, source, options, maxPixels);
}

function checkPixelLimit(
  source: string,
  width: number,
  height: number,
  maxPixels: number,
  role: string,
): void {
  const pixels = width * height;
  if (pixels <= maxPixels) return;
  // Raising the limit helps only an image under the most it can be raised to.
  let limit = `the limit of ${maxPixels}`;
  if (maxPixels >= MAX_PIXELS_LIMIT) limit += ', the most one image can hold';
  else if (pixels > MAX_PIXELS_LIMIT) {
    limit += ` and than ${MAX_PIXELS_LIMIT}, the most one image can hold`;
  } else limit += ' (raise it with --max-pixels)';
  throw new AutothreshError(
    'autothresh.unsupportedImage',
    `${source}: ${role} has ${width}×${height} = ${pixels} pixels, more than ${limit}`,
  );
}

/** What the header says, before any pixel is decoded. */
interface SharpLayout {
  readonly page: number;
  readonly pageCount: number;
  /** Size after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** Samples reach JavaScript as 16-bit integers (else 8-bit). */
  readonly sixteen: boolean;
  /**
   * The file's samples are neither 8- nor 16-bit unsigned integers (floating point, 32-bit or
   * signed integers): they are cast, fractions dropped and values outside the range clipped.
   */
  readonly cast: boolean;
  /** libvips' name of the sample format (`uchar`, `ushort`, `float`, …). */
  readonly depth: string;
  /** libvips' interpretation of the decoded bands (`b-w`, `grey16`, `srgb`, `cmyk`, …). */
  readonly space: string;
  readonly colour: boolean;
  /** CMYK input: its conversion to sRGB needs the ICC transform of the output stage. */
  readonly cmyk: boolean;
  readonly alpha: boolean;
  readonly format: string;
}

async function decodeWithSharp(
  buffer: Uint8Array,
  source: string,
  options: DecodeOptions,
  maxPixels: number,
): Promise<DecodedImage> {
  const warnings: string[] = [];
  const layout = await readLayout(buffer, source, options);
  if (layout.pageCount > 1 && options.page === undefined) {
    warnings.push(`${source}: file has ${layout.pageCount} pages; using page 0 ` +
      '(choose with --page)');
  }
  if (layout.cast) warnings.push(`${source}: ${castNote(layout)}`);
  checkPixelLimit(source, layout.width, layout.height, maxPixels, options.role ?? 'image');

  let planes: { gray: Uint8Array | Uint16Array; included: Uint8Array | null };
  try {
    planes = await decodePlanes(buffer, layout, options, source);
  } catch (error) {
    throw decodeError(source, error, buffer);
  }
  const { gray: data, included } = planes;
  return {
    width: layout.width, height: layout.height, bitDepth: layout.sixteen ? 16 : 8,
    data, included, source, format: layout.format, pageCount: layout.pageCount,
    page: layout.page, warnings,
  };
}

/** The gray plane and inclusion mask, by the cheapest route that fits the memory budget. */
async function decodePlanes(
  buffer: Uint8Array,
  fileLayout: SharpLayout,
  options: DecodeOptions,
  source: string,
): Promise<{ gray: Uint8Array | Uint16Array; included: Uint8Array | null }> {
  const keepAlpha = fileLayout.alpha && !(options.includeTransparent ?? false);
  const layout = decodedLayout(fileLayout, keepAlpha);
  const pixels = layout.width * layout.height;
  const channels = (layout.colour ? 3 : 1) + (layout.alpha ? 1 : 0);
  const budget = options.stripBytes ?? STRIP_BYTES;
  if (channels === 1) {
    // The decoded buffer is the gray plane: no copy, no conversion.
    debug(`${source}: ${layout.format} ${layout.space} ${layout.depth}, gray decoded by libvips`);
    return { gray: toTyped(await decodeRows(buffer, layout), layout.sixteen), included: null };
  }
  if (!layout.sixteen && !layout.cmyk && pixels * channels > budget) {
    debug(`${source}: ${layout.format} ${layout.space}, ${channels} channels of ` +
      `${pixels * channels} bytes: turned to gray inside libvips` +
      (keepAlpha ? ', alpha read in a second pass' : ''));
    const [gray, alpha] = await Promise.all([
      grayInLibvips(buffer, layout),
      keepAlpha ? alphaInLibvips(buffer, layout) : null,
    ]);
    return { gray, included: alpha === null ? null : alphaToIncluded(alpha) };
  }
  const gray = layout.sixteen ? new Uint16Array(pixels) : new Uint8Array(pixels);
  const included = keepAlpha ? new Uint8Array(pixels) : null;
  const leftOut = await decodeInStrips(
    buffer, layout, { gray, included }, channels, budget, source,
  );
  return { gray, included: leftOut > 0 ? included : null };
}

/**
 * The layout pixels are decoded in. libvips hands a `b-w` image over as its first band only, so
 * an 8-bit gray+alpha image would lose its alpha channel: when the alpha is needed it is
 * decoded as sRGB + alpha instead (red = green = blue = gray, whose luma is that gray exactly),
 * and when it is not, as plain gray.
 */
function decodedLayout(layout: SharpLayout, keepAlpha: boolean): SharpLayout {
  if (!layout.alpha || layout.colour || outputSpace(layout) !== 'b-w') return layout;
  return keepAlpha ? { ...layout, colour: true } : { ...layout, alpha: false };
}

async function readLayout(
  buffer: Uint8Array,
  source: string,
  options: DecodeOptions,
): Promise<SharpLayout> {
  const first = await readMetadata(buffer, source, 0);
  const page = options.page ?? 0;
  const pageCount = first.pages ?? 1;
  if (!Number.isInteger(page) || page < 0 || page >= pageCount) {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `${source}: page ${page} does not exist (the file has ${counted(pageCount, 'page')}, ` +
        `numbered 0–${pageCount - 1})`,
    );
  }
  // Pages of a TIFF may differ in size: read the chosen page's own header.
  const metadata = page === 0 ? first : await readMetadata(buffer, source, page);
  // EXIF orientations 5–8 turn the image by 90°.
  const turned = (metadata.orientation ?? 1) >= 5;
  const storedWidth = metadata.width ?? 0;
  const storedHeight = metadata.pageHeight ?? metadata.height ?? 0;
  const depth = metadata.depth ?? 'uchar';
  return {
    page,
    pageCount,
    width: turned ? storedHeight : storedWidth,
    height: turned ? storedWidth : storedHeight,
    sixteen: depth !== 'uchar' && depth !== 'char',
    cast: depth !== 'uchar' && depth !== 'ushort',
    depth,
    space: metadata.space ?? 'srgb',
    colour: !isGray(metadata),
    cmyk: metadata.space === 'cmyk',
    alpha: metadata.hasAlpha === true,
    format: metadata.format ?? 'unknown',
  };
}

/** The header of page `page` (size, bands, colour space, pages, orientation). */
async function readMetadata(buffer: Uint8Array, source: string, page: number): Promise<Metadata> {
  try {
    return await loadSharp()(buffer, { page, limitInputPixels: false, failOn: FAIL_ON })
      .metadata();
  } catch (error) {
    throw decodeError(source, error, buffer);
  }
}

/** Gray inputs stay gray; CMYK and palette inputs are converted to sRGB by libvips. */
function isGray(metadata: Metadata): boolean {
  return metadata.space === 'b-w' || metadata.space === 'grey16' ||
    ((metadata.channels ?? 3) <= 2 && metadata.space !== 'cmyk' && !metadata.isPalette);
}

const SAMPLE_FORMATS: Readonly<Record<string, string>> = {
  char: '8-bit signed integer',
  short: '16-bit signed integer',
  uint: '32-bit unsigned integer',
  int: '32-bit signed integer',
  float: '32-bit floating-point',
  double: '64-bit floating-point',
};

/** The warning of a cast image: what its samples were and what they became. */
function castNote(layout: SharpLayout): string {
  const format = SAMPLE_FORMATS[layout.depth] ?? `${layout.depth}`;
  const [bits, largest] = layout.sixteen ? [16, 65535] : [8, 255];
  return `${format} samples cast to ${bits}-bit integers (fractions dropped, values outside ` +
    `0–${largest} clipped)`;
}

/**
 * The colour space pixels are handed over in: sRGB or gray of the input's bit depth, CMYK and
 * palette inputs converted to sRGB. Cast inputs keep their own interpretation, so that the cast
 * is a plain one: converting `b-w` to `grey16` would also scale the values by 257.
 */
function outputSpace(layout: SharpLayout): string {
  if (layout.cast) {
    const kept = layout.colour ? ['srgb', 'rgb16'] : ['b-w', 'grey16'];
    return kept.includes(layout.space) ? layout.space : kept[0];
  }
  if (layout.colour) return layout.sixteen ? 'rgb16' : 'srgb';
  return layout.sixteen ? 'grey16' : 'b-w';
}

/**
 * A pipeline decoding the chosen page, oriented. With `output` (the default) pixels come out in
 * {@link outputSpace}; without, the caller sets the colour space (see {@link grayInLibvips}).
 */
function orientedPipeline(buffer: Uint8Array, layout: SharpLayout, output = true): Sharp {
  const input: SharpOptions = {
    page: layout.page, limitInputPixels: false, failOn: FAIL_ON, sequentialRead: true,
  };
  const pipeline = loadSharp()(buffer, input).autoOrient();
  return output ? pipeline.toColourspace(outputSpace(layout)) : pipeline;
}

/** Rows `top`..`top + rows - 1` (default: all) of the oriented page, raw, interleaved. */
async function decodeRows(
  buffer: Uint8Array,
  layout: SharpLayout,
  top = 0,
  rows = layout.height,
): Promise<Buffer> {
  const pipeline = orientedPipeline(buffer, layout);
  if (rows < layout.height) pipeline.extract({ left: 0, top, width: layout.width, height: rows });
  return pipeline.raw(layout.sixteen ? { depth: 'ushort' } : undefined).toBuffer();
}

/**
 * 8-bit gray plane of a colour image (gray+alpha ones are decoded as colour, see
 * {@link decodedLayout}) computed by libvips, so that only one byte a pixel reaches JavaScript.
 * The weights are those of `gray.ts` over 2^16; every partial sum is an integer multiple of
 * 2^-16 below 2^8, exact in float, and adding 0.5 before libvips truncates to uchar gives the
 * same rounding as the integer formula: identical results for all 2^24 colours (tested).
 */
async function grayInLibvips(buffer: Uint8Array, layout: SharpLayout): Promise<Uint8Array> {
  // No output colour space: converting the one-band result "to b-w" is a slow no-op.
  const row = LUMA_WEIGHTS.map((weight) => weight / 65536) as [number, number, number];
  const raw = await orientedPipeline(buffer, layout, false)
    .pipelineColourspace('srgb').removeAlpha().recomb([row, row, row]).linear(1, 0.5)
    .extractChannel(0).raw().toBuffer();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

/**
 * 8-bit alpha plane of a colour image, extracted by libvips: channel 3 of the sRGB + alpha
 * pixels that sharp hands over by default.
 */
async function alphaInLibvips(buffer: Uint8Array, layout: SharpLayout): Promise<Uint8Array> {
  const raw = await orientedPipeline(buffer, layout, false).extractChannel(3).raw().toBuffer();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

/** Turns an alpha plane into the inclusion mask in place; `null` when nothing is left out. */
function alphaToIncluded(alpha: Uint8Array): Uint8Array | null {
  let leftOut = 0;
  for (let i = 0; i < alpha.length; i++) {
    const counted = alpha[i] > 0 ? 1 : 0;
    alpha[i] = counted;
    leftOut += 1 - counted;
  }
  return leftOut > 0 ? alpha : null;
}

/** Decodes strips of at most `stripBytes` and converts each into `target`. */
async function decodeInStrips(
  buffer: Uint8Array,
  layout: SharpLayout,
  target: Parameters<typeof convertToGray>[2],
  channels: number,
  stripBytes: number,
  source: string,
): Promise<number> {
  const rowBytes = layout.width * channels * (layout.sixteen ? 2 : 1);
  const rowsPerStrip = Math.max(1, Math.floor(stripBytes / rowBytes));
  const strips = Math.ceil(layout.height / rowsPerStrip);
  debug(`${source}: ${layout.format} ${layout.space} ${layout.depth}, ${channels} channels ` +
    `decoded in ${counted(strips, 'strip')} of up to ${rowsPerStrip} rows, converted to gray in ` +
    'JavaScript');
  let leftOut = 0;
  for (let top = 0; top < layout.height; top += rowsPerStrip) {
    const rows = Math.min(rowsPerStrip, layout.height - top);
    const raw = await decodeRows(buffer, layout, top, rows);
    if (raw.length !== rows * rowBytes) {
      const given = raw.length / rows / layout.width;
      throw new Error(`expected ${channels} channels, libvips gave ${given}`);
    }
    leftOut += convertToGray(toTyped(raw, layout.sixteen), channels, target, top * layout.width);
  }
  return leftOut;
}

function toTyped(raw: Buffer, sixteen: boolean): Uint8Array | Uint16Array {
  return sixteen
    ? new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2)
    : new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

function decodeBmpImage(
  buffer: Uint8Array,
  source: string,
  options: DecodeOptions,
  maxPixels: number,
): DecodedImage {
  if (options.page !== undefined && options.page !== 0) {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `${source}: page ${options.page} does not exist (the file has 1 page, numbered 0–0)`,
    );
  }
  const header = readBmpHeader(buffer, source);
  checkPixelLimit(source, header.width, header.height, maxPixels, options.role ?? 'image');
  debug(`${source}: BMP, decoded by autothresh's own decoder`);
  const { gray, included } = decodeBmpPixels(
    buffer, header, source, options.includeTransparent ?? false,
  );
  return {
    width: header.width, height: header.height, bitDepth: 8, data: gray, included, source,
    format: 'bmp', pageCount: 1, page: 0, warnings: [],
  };
}

/** The one-line error of a file libvips refused; `buffer` is the file, read for a diagnosis. */
function decodeError(source: string, error: unknown, buffer: Uint8Array): AutothreshError {
  if (error instanceof AutothreshError) return error;
  const problem = decodeProblem(buffer, error);
  return new AutothreshError('autothresh.decode', `${source}: ${problem}`, { cause: error });
}

/**
 * What is wrong with a file libvips refused. A problem found in the file's structure (see
 * `damage.ts`) is named, unless it is a cut that the decoder's own words already report; the
 * decoder's words often say nothing ("corrupt header"), something wrong ("unsupported image
 * format" for a TIFF cut before its directory) or only libvips' internals. Without such a
 * problem, the decoder's words are quoted, with plain words in place of empty or internal ones.
 */
function decodeProblem(buffer: Uint8Array, error: unknown): string {
  const detail = decoderDetail(error);
  const damage = findDamage(buffer);
  if (damage !== null && (damage.kind === 'damaged' || !REPORTS_CUT.test(detail))) {
    return damage.text;
  }
  const raw = error instanceof Error ? error.message : String(error);
  return decoderProblem(detail, INTERNAL_DETAIL.test(raw), formatByMagic(buffer));
}

/**
 * The decoder's words (see {@link decoderDetail}) as a problem; `internal` when they are
 * libvips' loader talking, `format` what the file starts like.
 */
function decoderProblem(detail: string, internal: boolean, format: MagicFormat | null): string {
  if (/unsupported image format/i.test(detail)) {
    if (format === null) return 'not a supported image (PNG, JPEG, TIFF, WebP, GIF, AVIF, BMP)';
    const part = format === 'TIFF' ? 'its image directory' : 'its header';
    return `damaged ${format} (${part} cannot be read)`;
  }
  if (detail === '') {
    return format === null
      ? 'cannot decode image (its header is not valid)'
      : `damaged ${format} (its header is not valid)`;
  }
  if (internal && format !== null) return `damaged ${format} (its image data cannot be read)`;
  return `cannot decode image (${detail})`;
}

/** Decoder words saying that the data ends early. */
const REPORTS_CUT = /truncated|premature end|unexpected end/i;

/** libvips' loaders (`tiff2vips`, …) speak in their own terms ("Read error at scanline …"). */
const INTERNAL_DETAIL = /\b\w+2vips\b/i;

/** Most distinct decoder lines quoted in a message. */
const DETAIL_LINES = 2;

/**
 * What is said when libvips only reports "Warning treated as error due to failOn setting": the
 * decoder's own warning goes to libvips' process-wide error buffer, which another image decoded
 * at the same time can clear first.
 */
const UNNAMED_WARNING = 'corrupt or incomplete data: the decoder warned';

/** sharp's "Input buffer has corrupt header: " with no reason after it (once trimmed). */
const BARE_HEADER_LINE = /^corrupt header:?$/i;

/** Decoder lines that say too little on their own, with what they mean. */
const TERSE_DECODER_LINES: Readonly<Record<string, string>> = {
  'libpng read error': 'truncated or corrupt PNG data: libpng read error',
};

/**
 * The decoder's own words, on one line: sharp's prefixes ("Input buffer has corrupt header: ",
 * "VipsJpeg: ") and its "Warning treated as error" line left out, repeated lines (or lines
 * another one contains) said once; empty when sharp's "corrupt header" comes without a reason.
 */
function decoderDetail(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n')
    .map((line) => line.trim()
      .replace(/^Input (buffer|file) (contains|has) /i, '')
      .replace(/^Input buffer /i, '')
      .replace(/\bvips\w*: /gi, '')
      .replace(/^[A-Z](?=[a-z])/, (letter) => letter.toLowerCase()))
    .filter((line) => line !== '' && !/^warning treated as error/i.test(line) &&
      !BARE_HEADER_LINE.test(line));
  // A line another one already contains (libjpeg's message under sharp's "corrupt header: …")
  // is said once.
  const lower = lines.map((line) => line.toLowerCase());
  const contained = (index: number): boolean => lower.some((other, at) =>
    at !== index && other.length > lower[index].length && other.includes(lower[index]));
  const distinct = [...new Set(lines.filter((_, index) => !contained(index)))]
    .map((line) => TERSE_DECODER_LINES[line] ?? line);
  if (distinct.length === 0 && /warning treated as error/i.test(text)) return UNNAMED_WARNING;
  if (distinct.length === 0 && /corrupt header/i.test(text)) return '';
  const shown = distinct.slice(0, DETAIL_LINES).join('; ');
  return distinct.length > DETAIL_LINES ? `${shown}; …` : shown || errorMessage(error);
}
