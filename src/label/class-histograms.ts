/**
 * Splitting an image's histogram by a ground-truth mask into the histograms of its two classes.
 *
 * A pixel is foreground when its mask value is `> maskThreshold` (default 0: any nonzero mask
 * value), background otherwise. Pixels that the image leaves out (`GrayImage.included`, e.g.
 * fully transparent ones) belong to neither class. The two histograms use exactly the bins of the
 * image's own histogram (`histogramOf`): bin = gray value for 8-bit images, and for 16-bit images
 * the same value-range mapping, so `foreground + background` equals `histogramOf(image).counts`.
 */
import { AutothreshError } from '../errors.js';
import { histogramOf, type HistogramRange } from '../histogram/count.js';
import { BIN_COUNT, binOfValue, EIGHT_BIT_RANGE, type ValueRange } from '../histogram/histogram.js';
import type { GrayImage } from '../image/gray-image.js';

/** Class code of a pixel in a {@link LabelledPixels} map. */
export const BACKGROUND = 0;
export const FOREGROUND = 1;
/** Left out of both classes (not included in the image). */
export const EXCLUDED = 2;

export interface MaskOptions {
  /** Mask values `> maskThreshold` are foreground. Default 0 (any nonzero value). */
  maskThreshold?: number;
  /** Bin placement for 16-bit images, as in `histogramOf`. Default `data`. */
  rangeMode?: HistogramRange;
}

/** Foreground and background histograms (256 bins each) on the image histogram's bins. */
export interface LabelledHistograms {
  readonly foreground: Float64Array;
  readonly background: Float64Array;
  /** How the bins map back to the image's units. */
  readonly range: ValueRange;
}

/**
 * An image reduced to what labelling needs, per pixel: its histogram bin (0..255) and its class
 * ({@link BACKGROUND}, {@link FOREGROUND} or {@link EXCLUDED}). Crops and tiles read this.
 */
export interface LabelledPixels {
  readonly width: number;
  readonly height: number;
  readonly bins: Uint8Array;
  /**
   * The gray values of a 16-bit image (crops are binned again on their own value range, as
   * `histogramOf` bins a cropped image); null for 8-bit images, whose bins are their values.
   */
  readonly values: Uint16Array | null;
  readonly classes: Uint8Array;
  readonly range: ValueRange;
  /** Number of foreground pixels. */
  readonly foregroundCount: number;
}

/** Class histograms of `image` under `mask` (same size). */
export function classHistogramsOf(
  image: GrayImage,
  mask: GrayImage,
  options: MaskOptions = {},
): LabelledHistograms {
  if (image.bitDepth !== 8 || image.included !== null) {
    return classHistogramsOfPixels(labelPixels(image, mask, options));
  }
  checkSizes(image, mask);

  // Fast path (8-bit, every pixel included): one pass, counter index = class * 256 + gray.
  // Mask values are integers: `> 127.5` is `> 127`; beyond −1..65535 every value is on one side.
  const threshold = Math.min(Math.max(Math.floor(options.maskThreshold ?? 0), -1), 65535);
  const counts = countByClass(image.data as Uint8Array, mask.data, threshold);
  return {
    foreground: Float64Array.from(counts.subarray(BIN_COUNT)),
    background: Float64Array.from(counts.subarray(0, BIN_COUNT)),
    range: EIGHT_BIT_RANGE,
  };
}

/**
 * Counts of an 8-bit image split by mask class: index `class * 256 + gray`, foreground (class 1)
 * when the mask value is `> threshold`. The class is the sign bit of `threshold - mask` (both
 * integers, −1 ≤ threshold ≤ 65535), so no pixel takes a branch.
 *
 * With an 8-bit mask and both arrays 4-byte aligned (as decoded buffers are), four pixels are
 * read with one 32-bit load from each array; the same byte position of the two words is the
 * same pixel whatever the platform's byte order. Alternate pixels go to two counter tables,
 * summed at the end, so that runs of equal values do not wait on the previous increment of the
 * same counter. Together this is about 1.7× faster than one byte load of each per pixel.
 */
function countByClass(
  gray: Uint8Array, maskData: Uint8Array | Uint16Array, threshold: number,
): Uint32Array {
  const tables = new Uint32Array(4 * BIN_COUNT);
  const second = 2 * BIN_COUNT;
  const aligned = maskData instanceof Uint8Array &&
    gray.byteOffset % 4 === 0 && maskData.byteOffset % 4 === 0;
  const words = aligned ? gray.length >> 2 : 0;
  const none = new Uint32Array(0);
  const gray4 = aligned ? new Uint32Array(gray.buffer, gray.byteOffset, words) : none;
  const mask4 = aligned ? new Uint32Array(maskData.buffer, maskData.byteOffset, words) : none;
  for (let w = 0; w < words; w++) {
    const g = gray4[w];
    const m = mask4[w];
    tables[(((threshold - (m & 255)) >>> 31) << 8) | (g & 255)]++;
    tables[second + ((((threshold - ((m >>> 8) & 255)) >>> 31) << 8) | ((g >>> 8) & 255))]++;
    tables[(((threshold - ((m >>> 16) & 255)) >>> 31) << 8) | ((g >>> 16) & 255)]++;
    tables[second + ((((threshold - (m >>> 24)) >>> 31) << 8) | (g >>> 24))]++;
  }
  // The rest, or every pixel when the fast layout does not apply (16-bit mask, unaligned).
  for (let i = words * 4; i < gray.length; i++) {
    tables[(((threshold - maskData[i]) >>> 31) << 8) | gray[i]]++;
  }

  const counts = new Uint32Array(2 * BIN_COUNT);
  for (let k = 0; k < counts.length; k++) counts[k] = tables[k] + tables[second + k];
  return counts;
}

function checkSizes(image: GrayImage, mask: GrayImage): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new AutothreshError(
      'autothresh.mask',
      `mask is ${mask.width}×${mask.height} pixels, the image is ${image.width}×${image.height}`,
    );
  }
}

/**
 * Per-pixel bins and classes of `image` under `mask`. Throws `autothresh.mask` when the sizes
 * differ.
 */
export function labelPixels(
  image: GrayImage,
  mask: GrayImage,
  options: MaskOptions = {},
): LabelledPixels {
  checkSizes(image, mask);
  const maskThreshold = options.maskThreshold ?? 0;
  const { bins, range } = binsOf(image, options.rangeMode ?? 'data');

  const classes = new Uint8Array(bins.length);
  const { included } = image;
  const maskData = mask.data;
  let foregroundCount = 0;
  for (let i = 0; i < classes.length; i++) {
    const foreground = maskData[i] > maskThreshold ? FOREGROUND : BACKGROUND;
    classes[i] = foreground;
    foregroundCount += foreground;
  }
  if (included !== null) {
    for (let i = 0; i < classes.length; i++) {
      if (included[i] !== 0) continue;
      foregroundCount -= classes[i];
      classes[i] = EXCLUDED;
    }
  }
  const values = image.bitDepth === 16 ? image.data as Uint16Array : null;
  return {
    width: image.width, height: image.height, bins, values, classes, range, foregroundCount,
  };
}

/** Histogram bin of every pixel, with the bin mapping of `histogramOf(image, rangeMode)`. */
export function binsOf(
  image: GrayImage,
  rangeMode: HistogramRange = 'data',
): { bins: Uint8Array; range: ValueRange } {
  if (image.bitDepth === 8) return { bins: image.data as Uint8Array, range: EIGHT_BIT_RANGE };
  const { range } = histogramOf(image, rangeMode);
  const binOf = new Uint8Array(65536);
  for (let value = 0; value < 65536; value++) binOf[value] = binOfValue(value, range);
  const bins = new Uint8Array(image.data.length);
  for (let i = 0; i < bins.length; i++) bins[i] = binOf[image.data[i]];
  return { bins, range };
}

/** Class histograms of a whole {@link LabelledPixels} map. */
export function classHistogramsOfPixels(pixels: LabelledPixels): LabelledHistograms {
  // One counter table indexed by class * 256 + bin (class 2, excluded, is counted and ignored).
  const counts = new Uint32Array(3 * BIN_COUNT);
  const { bins, classes } = pixels;
  for (let i = 0; i < bins.length; i++) counts[(classes[i] << 8) | bins[i]]++;
  const foreground = counts.subarray(FOREGROUND * BIN_COUNT, (FOREGROUND + 1) * BIN_COUNT);
  const background = counts.subarray(BACKGROUND * BIN_COUNT, (BACKGROUND + 1) * BIN_COUNT);
  return {
    foreground: Float64Array.from(foreground),
    background: Float64Array.from(background),
    range: pixels.range,
  };
}

/** Sum of a count array. */
export function countSum(counts: ArrayLike<number>): number {
  let sum = 0;
  for (let bin = 0; bin < counts.length; bin++) sum += counts[bin];
  return sum;
}
