/**
 * Thresholding one image end to end: decode → histogram → threshold (classical, local or
 * learned) → polarity → foreground. The CLI's `predict` and the library's `thresholdImage`
 * both go through here.
 *
 * Convention: a threshold t (a bin, 0..255) splits bins ≤ t from bins > t. Polarity `dark`:
 * foreground is ≤ t; `bright`: foreground is > t. The binarized image is white (255) where the
 * value is > t and black (0) elsewhere, whatever the polarity (OpenCV's THRESH_BINARY); the
 * foreground mask is 255 on foreground pixels.
 *
 * With the learned method, `polarityConfidence` is the model's probability of the polarity
 * reported: its own choice under `polarity: 'auto'`, or the side forced by `polarity: 'dark'` or
 * `'bright'`, in which case it may be below 0.5 (the model thinks the other side is foreground).
 */
import { AutothreshError } from './errors.js';
import { histogramOf, type HistogramRange } from './histogram/count.js';
import {
  binUpperValue, occupiedRange, type Histogram, type Polarity,
} from './histogram/histogram.js';
import { readImage, type DecodeOptions } from './image/decode.js';
import type { DecodedImage, GrayImage } from './image/gray-image.js';
import {
  GLOBAL_METHOD_NAMES,
  globalThreshold,
  multiOtsuThresholds,
  type GlobalMethodName,
} from './methods/global/index.js';
import {
  LOCAL_METHOD_NAMES,
  LOCAL_METHODS,
  localThresholdMask,
  type LocalMethodName,
} from './methods/local/index.js';
import { resolveParams } from './methods/local/params.js';
import { windowShape } from './methods/local/window.js';
import { debug } from './util/log.js';

export type MethodName = GlobalMethodName | LocalMethodName | 'learned';

export const METHOD_NAMES: readonly MethodName[] = [
  'learned', ...GLOBAL_METHOD_NAMES, ...LOCAL_METHOD_NAMES,
];

export interface ThresholdOptions {
  method: MethodName;
  /** Which side is foreground; `auto` asks the model (learned) or the smaller-class rule. */
  polarity?: Polarity | 'auto';
  /** Method parameters (window, k, c, percentile, classes, …). */
  params?: Readonly<Record<string, number>>;
  /** Model folder for `learned` (default: the shipped model). */
  model?: string;
  range?: HistogramRange;
}

/** What `predict` reports for one image. */
export interface ThresholdResult {
  file: string;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  method: MethodName;
  /** Threshold as a bin (0..255); `null` for local methods (one threshold per pixel). */
  threshold: number | null;
  /** The threshold in the image's own units (equals `threshold` for 8-bit images). */
  value: number | null;
  /** multi-otsu only: all k−1 thresholds (bins), ascending. */
  thresholds?: number[];
  /** multi-otsu only: `thresholds` in the image's own units (equal to them for 8-bit images). */
  values?: number[];
  polarity: Polarity;
  /**
   * learned only: the model's probability of the reported polarity, in [0, 1]; at least 0.5
   * unless the polarity was forced to the side the model finds less likely.
   */
  polarityConfidence?: number;
  /** learned only: predicted F-measure of the best global threshold, in [0, 1]. */
  quality?: number;
  /** Fraction of counted pixels that are foreground, in [0, 1]. */
  foregroundFraction: number;
  warnings: string[];
}

/** A threshold result together with what is needed to write its images. */
export interface ThresholdedImage {
  result: ThresholdResult;
  image: GrayImage;
  /**
   * Where pixels are cut: for global methods the threshold in the image's own units (a pixel is
   * "above" when its value is greater); for local methods the per-pixel answer, 1 = above.
   */
  cut: number | { above: Uint8Array };
}

/** Decodes `file` and thresholds it. */
export async function thresholdFile(
  file: string,
  options: ThresholdOptions,
  decodeOptions: DecodeOptions = {},
): Promise<ThresholdedImage> {
  const image = await readImage(file, decodeOptions);
  return thresholdDecoded(image, options);
}

/** Thresholds an already decoded image. */
export async function thresholdDecoded(
  image: DecodedImage,
  options: ThresholdOptions,
): Promise<ThresholdedImage> {
  const warnings = [...image.warnings];
  const histogram = histogramOf(image, options.range);
  const occupied = occupiedRange(histogram);
  if (occupied === null) {
    throw new AutothreshError(
      'autothresh.emptyHistogram',
      `${image.source}: no pixel to threshold (every pixel is transparent)`,
    );
  }
  if (occupied.first === occupied.last) {
    warnings.push(isLocal(options.method)
      ? `${image.source}: image has a single gray value; local thresholds have no contrast to ` +
        'work with, so the whole image falls on one side'
      : `${image.source}: image has a single gray value; threshold is that value`);
  }
  // Local methods threshold the pixels themselves, at full depth: no bins are involved.
  if (image.bitDepth === 16 && !isLocal(options.method)) {
    const { min, max } = histogram.range;
    warnings.push(`${image.source}: 16-bit values ${min}..${max} mapped onto 256 bins`);
  }

  const base = {
    file: image.source, width: image.width, height: image.height, bitDepth: image.bitDepth,
    method: options.method, warnings,
  };
  const thresholded = isLocal(options.method)
    ? await thresholdLocal(image, options, base)
    : await thresholdGlobal(image, histogram, options, base);
  const sideWarning = oneSidedWarning(thresholded.result);
  if (sideWarning !== null && occupied.first !== occupied.last) warnings.push(sideWarning);
  return thresholded;
}

/**
 * A threshold that leaves every counted pixel on one side (a percentile of 1, an extreme
 * constant C) binarizes nothing: said, since the numbers alone look like any other result.
 */
function oneSidedWarning(result: ThresholdResult): string | null {
  const where = result.threshold === null
    ? 'the local thresholds'
    : `threshold ${result.threshold}`;
  if (result.foregroundFraction === 0) {
    return `${result.file}: no pixel is foreground at ${where} (polarity ${result.polarity})`;
  }
  if (result.foregroundFraction === 1) {
    return `${result.file}: every pixel is foreground at ${where} (polarity ${result.polarity})`;
  }
  return null;
}

type ResultBase = Pick<
  ThresholdResult, 'file' | 'width' | 'height' | 'bitDepth' | 'method' | 'warnings'
>;

function isLocal(method: MethodName): method is LocalMethodName {
  return (LOCAL_METHOD_NAMES as readonly string[]).includes(method);
}

async function thresholdGlobal(
  image: GrayImage,
  histogram: Histogram,
  options: ThresholdOptions,
  base: ResultBase,
): Promise<ThresholdedImage> {
  let threshold: number;
  let thresholds: number[] | undefined;
  let polarity: Polarity | undefined = options.polarity === 'auto' ? undefined : options.polarity;
  let learned: Pick<ThresholdResult, 'polarityConfidence' | 'quality'> = {};

  if (options.method === 'learned') {
    // loadModel keeps the folder it read while its files stay as they are.
    const { loadModel, predictThreshold } = await import('./model/index.js');
    const model = await (options.model === undefined ? loadModel() : loadModel(options.model));
    const prediction = predictThreshold(model, histogram);
    threshold = prediction.threshold;
    polarity ??= prediction.polarity;
    const { darkProbability } = prediction;
    learned = {
      polarityConfidence: polarity === 'dark' ? darkProbability : 1 - darkProbability,
      quality: prediction.quality,
    };
  } else if (options.method === 'multi-otsu') {
    thresholds = multiOtsuThresholds(histogram, options.params?.classes ?? 3);
    threshold = thresholds[0];
  } else {
    threshold = globalThreshold(options.method, histogram, options.params);
  }

  const cut = binUpperValue(threshold, histogram.range);
  const atOrBelow = countAtOrBelow(histogram, threshold);
  if (polarity === undefined) {
    polarity = atOrBelow <= histogram.total - atOrBelow ? 'dark' : 'bright';
    debug(`${base.file}: polarity ${polarity} by the smaller-class rule`);
  }
  const foreground = polarity === 'dark' ? atOrBelow : histogram.total - atOrBelow;
  return {
    result: {
      ...base,
      threshold,
      value: cut,
      ...(thresholds
        ? { thresholds, values: thresholds.map((bin) => binUpperValue(bin, histogram.range)) }
        : {}),
      polarity,
      ...learned,
      foregroundFraction: foreground / histogram.total,
    },
    image,
    cut,
  };
}

function countAtOrBelow(histogram: Histogram, threshold: number): number {
  let count = 0;
  for (let bin = 0; bin <= threshold; bin++) count += histogram.counts[bin];
  return count;
}

async function thresholdLocal(
  image: GrayImage,
  options: ThresholdOptions,
  base: ResultBase,
): Promise<ThresholdedImage> {
  // The bright-side mask is "value > local threshold" (0 on left-out pixels); the map itself
  // is never held whole, which matters on 100-megapixel images.
  const method = options.method as LocalMethodName;
  const params = options.params ?? {};
  const above = localThresholdMask(method, image, params, 'bright');
  logWindow(method, params, image, base.file);
  const { counted, aboveCount } = countAbove(image, above);
  // Smaller-class rule: the side with fewer counted pixels is the foreground.
  const byRule = options.polarity === undefined || options.polarity === 'auto';
  const polarity = byRule
    ? (counted - aboveCount <= aboveCount ? 'dark' : 'bright')
    : options.polarity as Polarity;
  if (byRule) debug(`${base.file}: polarity ${polarity} by the smaller-class rule`);
  const foreground = polarity === 'dark' ? counted - aboveCount : aboveCount;
  return {
    result: {
      ...base,
      threshold: null,
      value: null,
      polarity,
      foregroundFraction: counted === 0 ? 0 : foreground / counted,
    },
    image,
    cut: { above },
  };
}

/** Says, under `--verbose`, when a window larger than the image was clamped to fit it. */
function logWindow(
  method: LocalMethodName,
  params: Readonly<Record<string, number>>,
  image: GrayImage,
  file: string,
): void {
  const resolved = resolveParams(method, LOCAL_METHODS[method].parameters, params);
  const { window } = resolved as { window: number };
  const used = windowShape(window, image);
  if (used.width === window && used.height === window) return;
  debug(`${file}: ${method} window ${window} clamped to ${used.width}×${used.height} ` +
    `(width × height) to fit the ${image.width}×${image.height} image`);
}

function countAbove(image: GrayImage, above: Uint8Array): { counted: number; aboveCount: number } {
  const { included } = image;
  let aboveCount = 0;
  for (let i = 0; i < above.length; i++) aboveCount += above[i];
  if (included === null) return { counted: above.length, aboveCount };
  let counted = 0;
  for (let i = 0; i < included.length; i++) counted += included[i] === 0 ? 0 : 1;
  return { counted, aboveCount };
}

/** Binarized image: 255 where value > threshold, 0 elsewhere (OpenCV THRESH_BINARY). */
export function binarizedPixels(thresholded: ThresholdedImage): Uint8Array {
  return pixelsAbove(thresholded, 255, 0, 0);
}

/** Foreground mask: 255 on foreground pixels (by polarity), 0 elsewhere and on left-out pixels. */
export function foregroundMaskPixels(thresholded: ThresholdedImage): Uint8Array {
  return thresholded.result.polarity === 'bright'
    ? pixelsAbove(thresholded, 255, 0, 0)
    : pixelsAbove(thresholded, 0, 255, 0);
}

function pixelsAbove(
  { image, cut }: ThresholdedImage,
  aboveValue: number,
  belowValue: number,
  excludedValue: number,
): Uint8Array {
  const { data, included } = image;
  const pixels = new Uint8Array(data.length);
  if (typeof cut === 'number') {
    for (let i = 0; i < data.length; i++) pixels[i] = data[i] > cut ? aboveValue : belowValue;
  } else {
    const { above } = cut;
    for (let i = 0; i < data.length; i++) pixels[i] = above[i] === 1 ? aboveValue : belowValue;
  }
  // Left-out pixels get `excludedValue` whichever side of the threshold their value lies.
  if (included !== null) {
    for (let i = 0; i < data.length; i++) if (included[i] === 0) pixels[i] = excludedValue;
  }
  return pixels;
}

export { GLOBAL_METHOD_NAMES, LOCAL_METHOD_NAMES };
