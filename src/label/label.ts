/**
 * Labelling one image + ground-truth mask pair: the exact best global threshold and everything
 * needed to score any other threshold later (the two class histograms), as a {@link LabelRecord}.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { AutothreshError } from '../errors.js';
import type { ValueRange } from '../histogram/histogram.js';
import { decodeImage, readInputFile } from '../image/decode.js';
import { allInOrder } from '../util/in-order.js';
import type { DecodedImage } from '../image/gray-image.js';
import {
  BACKGROUND, classHistogramsOf, countSum, labelPixels, type LabelledHistograms,
  type LabelledPixels,
} from './class-histograms.js';
import {
  bestThreshold, combinedCounts, polarityOfClasses, type Objective, type Polarity,
} from './objectives.js';
import { LABEL_SCHEMA_VERSION, type Augmentation, type MaskLabelRecord } from './schema.js';

export interface LabelOptions {
  /** What "best" means. Default `fmeasure`. */
  objective?: Objective;
  /** Mask values `> maskThreshold` are foreground. Default 0. */
  maskThreshold?: number;
  /** Record id. Default: the image's file name without extension. */
  id?: string;
  /** Record source path. Default: the image's file name. */
  source?: string;
  /** Collection name. Default `unnamed`. */
  dataset?: string;
}

/** An image and its mask, decoded, with the SHA-256 digests of both files. */
export interface LoadedPair {
  image: DecodedImage;
  mask: DecodedImage;
  imageSha256: string;
  maskSha256: string;
}

/**
 * Reads an image and its mask, decodes both concurrently (in libvips' threads) and hashes both
 * files meanwhile; either is refused beyond `maxPixels` (default: the decoder's). See
 * {@link decodeMask} for how mask values are read.
 */
export async function loadPair(
  imagePath: string,
  maskPath: string,
  maxPixels?: number,
): Promise<LoadedPair> {
  const [imageFile, maskFile] = await allInOrder([
    readPairFile(imagePath), readPairFile(maskPath),
  ]);
  const decoding = allInOrder([
    decodeImage(imageFile, imagePath, { maxPixels }), decodeMask(maskFile, maskPath, maxPixels),
  ]);
  const imageSha256 = sha256Of(imageFile);
  const maskSha256 = sha256Of(maskFile);
  const [image, mask] = await decoding;
  return { image, mask, imageSha256, maskSha256 };
}

/**
 * A whole file, read synchronously: for files of a few hundred kilobytes this takes about a
 * tenth of the CPU time of an asynchronous read (one system call sequence, no thread-pool round
 * trips), and decoding, the long part, still runs off the JavaScript thread. Anything but a
 * regular file, and a failed read, goes through `readInputFile` for its one-line messages
 * (missing file, broken link, FIFO, folder, unreadable).
 */
async function readPairFile(path: string): Promise<Buffer> {
  try {
    // Only a regular file: reading a FIFO named like an image would wait for a writer for ever.
    if (statSync(path).isFile()) return readFileSync(path);
  } catch {
    // worded by readInputFile
  }
  return readInputFile(path);
}

/**
 * Decodes a mask file's bytes exactly as images are decoded (`decodeImage`: any format, EXIF
 * orientation applied so that the mask lines up with the oriented image, one gray channel by the
 * documented luma formula, 16-bit masks kept 16-bit), except that transparent pixels are kept:
 * a mask's alpha does not decide what counts.
 */
export function decodeMask(
  buffer: Uint8Array,
  source: string,
  maxPixels?: number,
): Promise<DecodedImage> {
  return decodeImage(buffer, source, { includeTransparent: true, maxPixels, role: 'mask' });
}

export function sha256Of(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Per-pixel bins and classes of a loaded pair (what crops and pixel-level variants need).
 * Errors (`autothresh.mask`) name the mask file: a size different from the image's, no
 * foreground pixel at all, or no background pixel at all (a threshold needs both classes).
 */
export function labelledPixelsOf(pair: LoadedPair, maskThreshold = 0): LabelledPixels {
  checkPairSizes(pair);
  const pixels = labelPixels(pair.image, pair.mask, { maskThreshold });
  let background = 0;
  for (const kind of pixels.classes) if (kind === BACKGROUND) background++;
  checkBothClasses(pair, maskThreshold, pixels.foregroundCount, background);
  return pixels;
}

/** Class histograms of a loaded pair (one pass; same errors as {@link labelledPixelsOf}). */
export function classHistogramsOfPair(pair: LoadedPair, maskThreshold = 0): LabelledHistograms {
  checkPairSizes(pair);
  const classes = classHistogramsOf(pair.image, pair.mask, { maskThreshold });
  checkBothClasses(
    pair, maskThreshold, countSum(classes.foreground), countSum(classes.background),
  );
  return classes;
}

function checkPairSizes({ image, mask }: LoadedPair): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new AutothreshError(
      'autothresh.mask',
      `${mask.source}: mask is ${mask.width}×${mask.height} pixels, ` +
        `expected the image's ${image.width}×${image.height}`,
    );
  }
}

function checkBothClasses(
  pair: LoadedPair, maskThreshold: number, foreground: number, background: number,
): void {
  const what = foreground === 0
    ? `no foreground pixel (no value > ${maskThreshold})`
    : background === 0
      ? `no background pixel (every value > ${maskThreshold})`
      : null;
  if (what !== null) {
    throw new AutothreshError('autothresh.mask', `${pair.mask.source}: mask has ${what}`);
  }
}

/** Labels one image + mask pair (files of any decodable format). */
export async function labelPair(
  imagePath: string,
  maskPath: string,
  options: LabelOptions = {},
): Promise<MaskLabelRecord> {
  const pair = await loadPair(imagePath, maskPath);
  const classes = classHistogramsOfPair(pair, options.maskThreshold ?? 0);
  const name = basename(imagePath);
  return recordFromClasses({
    id: options.id ?? basename(name, extname(name)),
    source: options.source ?? name,
    dataset: options.dataset ?? 'unnamed',
    imageSha256: pair.imageSha256,
    maskSha256: pair.maskSha256,
    width: pair.image.width,
    height: pair.image.height,
    classes,
    objective: options.objective ?? 'fmeasure',
  });
}

/** What a record needs besides its class histograms. */
export interface RecordFields {
  id: string;
  source: string;
  dataset: string;
  imageSha256: string;
  maskSha256: string;
  width: number;
  height: number;
  classes: Pick<LabelledHistograms, 'foreground' | 'background'> & { range?: ValueRange };
  objective: Objective;
  augmentation?: Augmentation;
  synthetic?: boolean;
  /** Polarity to score under; default: from the class means ({@link polarityOfClasses}). */
  polarity?: Polarity;
}

/**
 * A mask label record from class histograms: polarity from the class means, exact best
 * threshold, its score and `bestRange`, the lowest and highest threshold scoring within 0.5% of
 * the best score (relative: `≥ best − |best| · 0.005`; not necessarily contiguous).
 * Throws `autothresh.mask` when either class is empty.
 */
export function recordFromClasses(fields: RecordFields): MaskLabelRecord {
  const { classes } = fields;
  const named = [['foreground', classes.foreground], ['background', classes.background]] as const;
  for (const [name, counts] of named) {
    if (countSum(counts) <= 0) {
      throw new AutothreshError('autothresh.mask', `${fields.source}: no ${name} pixel`);
    }
  }
  const polarity = fields.polarity ?? polarityOfClasses(classes);
  const best = bestThreshold(classes, polarity, fields.objective);
  const range = classes.range;
  return {
    schemaVersion: LABEL_SCHEMA_VERSION,
    id: fields.id,
    source: fields.source,
    dataset: fields.dataset,
    imageSha256: fields.imageSha256,
    maskSha256: fields.maskSha256,
    width: fields.width,
    height: fields.height,
    histogram: Array.from(combinedCounts(classes)),
    ...(range === undefined || range.bitDepth === 8
      ? {}
      : { valueRange: { min: range.min, max: range.max, bitDepth: range.bitDepth } }),
    foregroundHistogram: Array.from(classes.foreground),
    backgroundHistogram: Array.from(classes.background),
    polarity,
    objective: fields.objective,
    bestThreshold: best.threshold,
    bestScore: best.score,
    bestRange: best.range,
    labelKind: 'mask',
    ...(fields.augmentation === undefined ? {} : { augmentation: fields.augmentation }),
    ...(fields.synthetic === undefined ? {} : { synthetic: fields.synthetic }),
  };
}
