/**
 * Adaptive Gaussian threshold: the Gaussian-weighted mean of the window minus a constant, as
 * OpenCV's `adaptiveThreshold` with `ADAPTIVE_THRESH_GAUSSIAN_C`.
 *
 * Reference: OpenCV, `cv::adaptiveThreshold` and `cv::getGaussianKernel` (imgproc),
 * https://docs.opencv.org/4.6.0/d7/d1b/group__imgproc__misc.html
 *
 * Threshold, in the image's units:
 *     T(x, y) = roundHalfEven(Gaussian mean around (x, y)) − ceil(c)
 * Kernel: separable, one 1-D kernel per axis of the window's length n, exactly the float32
 * values of `getGaussianKernel(n, sigma ≤ 0)`: OpenCV's fixed binomial-like tables for n = 3, 5,
 * 7, 9, otherwise exp(−x² / (2σ²)) normalized, with σ = 0.3·((n − 1)/2 − 1) + 0.8. OpenCV
 * blurs a float32 copy of the image, converts the result to 8 bits (round half to even) and
 * compares `value > mean − ceil(c)`; `value > T` here is the same comparison. The weighted sums
 * are taken in float64 here, so where OpenCV's float32 sum lands within about 1e-5 of a half
 * the rounded mean can differ by one (a rare tie; exact for n ≤ 9, whose weights are dyadic).
 *
 * Border: the edge pixel is repeated (OpenCV's `BORDER_REPLICATE | BORDER_ISOLATED`).
 * Window: odd side ≥ 3; larger than the image, it is clamped per axis (see `window.ts`), and
 * each axis gets the kernel of its own length.
 * Separable, in two passes: each image row is filtered along x once (into a ring buffer holding
 * the last window-height filtered rows), then every output row is the weighted sum of those rows
 * down the columns. That is about n multiply-adds per pixel for an n-pixel window (each pass
 * adds mirrored pairs, the kernel being symmetric) instead of n² for the direct 2-D sum, which
 * it equals: the kernel is the outer product of the two 1-D kernels.
 * Cost: O(window) per pixel, so a 301-pixel window costs about 10 times a 31-pixel one; unlike
 * the mean-based methods there is no running-sum form for Gaussian weights.
 */
import type { GrayImage } from '../../image/gray-image.js';
import { resolveParams, type LocalParams, type ThresholdMap, windowParameter } from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { borderIndex, windowShape } from './window.js';

export const ADAPTIVE_GAUSSIAN_PARAMETERS = [
  windowParameter(11, ' (OpenCV blockSize; also sets the Gaussian sigma)'),
  {
    name: 'c',
    description: 'constant subtracted from the Gaussian mean, in gray levels; rounded up as OpenCV',
    defaultValue: 2,
    rule: 'finite',
  },
] as const;

/** OpenCV's fixed kernels for sigma ≤ 0 and n ≤ 9, as integer weights over a power of two. */
const FIXED_KERNELS: Readonly<Record<number, { weights: readonly number[]; total: number }>> = {
  1: { weights: [1], total: 1 },
  3: { weights: [1, 2, 1], total: 4 },
  5: { weights: [1, 4, 6, 4, 1], total: 16 },
  7: { weights: [2, 7, 14, 18, 14, 7, 2], total: 64 },
  9: { weights: [4, 13, 30, 51, 60, 51, 30, 13, 4], total: 256 },
};

/**
 * The 1-D Gaussian kernel of odd length `size` that OpenCV's `getGaussianKernel(size, 0,
 * CV_32F)` returns (float32 values, held as numbers).
 */
export function openCvGaussianKernel(size: number): Float64Array {
  const fixed = FIXED_KERNELS[size];
  if (fixed !== undefined) return Float64Array.from(fixed.weights, (w) => w / fixed.total);

  // σ = 0.3·((n − 1)/2 − 1) + 0.8 = 0.15·n + 0.35; x runs over doubled offsets 2i − (n − 1).
  const sigma = size * 0.15 + 0.35;
  const scale = -0.125 / (sigma * sigma);
  const half = (size - 1) / 2;
  const values = new Float64Array(half);
  let total = 1;
  for (let i = 0; i < half; i++) {
    const x = 2 * i - (size - 1);
    values[i] = Math.exp(x * x * scale);
    total += 2 * values[i];
  }

  const normalizer = 1 / total;
  const kernel = new Float64Array(size);
  for (let i = 0; i < half; i++) {
    kernel[i] = Math.fround(values[i] * normalizer);
    kernel[size - 1 - i] = kernel[i];
  }
  kernel[half] = Math.fround(normalizer);
  return kernel;
}

/** Thresholds of the adaptive Gaussian method, row by row (see the module comment). */
export function adaptiveGaussianThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, c } = resolveParams('adaptive-gaussian', ADAPTIVE_GAUSSIAN_PARAMETERS, params);
  const { width, height, data } = image;
  const shape = windowShape(window, image);
  const offset = Math.ceil(c);
  const thresholds = new Float32Array(width);

  // Rows filtered along x, kept in a ring of window-height rows (source row r in slot r % h).
  const kernelY = openCvGaussianKernel(shape.height);
  const sourceRow = borderIndex(height, (shape.height - 1) / 2, 'replicate');
  const rowFilter = new GaussianRowFilter(width, openCvGaussianKernel(shape.width));
  const ring = new Float64Array(shape.height * width);
  const blurred = new Float64Array(width);
  let nextRow = 0;

  for (let y = 0; y < height; y++) {
    const lastNeeded = sourceRow[y + shape.height - 1];
    for (; nextRow <= lastNeeded; nextRow++) {
      const slot = (nextRow % shape.height) * width;
      rowFilter.run(data, nextRow * width, ring.subarray(slot, slot + width));
    }

    filterColumns(ring, width, sourceRow, y, kernelY, blurred);
    for (let x = 0; x < width; x++) thresholds[x] = roundHalfEven(blurred[x]) - offset;
    visitRow(y, thresholds);
  }
}

/** Threshold map of the adaptive Gaussian method (see the module comment). */
export function adaptiveGaussianThresholdMap(
  image: GrayImage,
  params: LocalParams = {},
): ThresholdMap {
  return thresholdMapFromRows(image, adaptiveGaussianThresholdRows, params);
}

/** Weighted sum of the ring rows of window rows y .. y + n − 1 (symmetric kernel). */
function filterColumns(
  ring: Float64Array,
  width: number,
  sourceRow: Int32Array,
  y: number,
  kernel: Float64Array,
  out: Float64Array,
): void {
  const size = kernel.length;
  const half = (size - 1) / 2;
  const centre = (sourceRow[y + half] % size) * width;
  const centreWeight = kernel[half];
  for (let x = 0; x < width; x++) out[x] = centreWeight * ring[centre + x];

  for (let j = 0; j < half; j++) {
    const upper = (sourceRow[y + j] % size) * width;
    const lower = (sourceRow[y + size - 1 - j] % size) * width;
    const weight = kernel[j];
    for (let x = 0; x < width; x++) out[x] += weight * (ring[upper + x] + ring[lower + x]);
  }
}

/** Filters one image row along x with replicated borders. */
class GaussianRowFilter {
  private readonly kernel: Float64Array;
  private readonly padded: Float64Array;
  private readonly sourceColumn: Int32Array;

  constructor(width: number, kernel: Float64Array) {
    this.kernel = kernel;
    this.padded = new Float64Array(width + kernel.length - 1);
    this.sourceColumn = borderIndex(width, (kernel.length - 1) / 2, 'replicate');
  }

  run(data: Uint8Array | Uint16Array, rowStart: number, out: Float64Array): void {
    const { kernel, padded, sourceColumn } = this;
    for (let q = 0; q < padded.length; q++) padded[q] = data[rowStart + sourceColumn[q]];

    const size = kernel.length;
    const half = (size - 1) / 2;
    const centreWeight = kernel[half];
    for (let x = 0; x < out.length; x++) {
      let total = centreWeight * padded[x + half];
      for (let j = 0; j < half; j++) {
        total += kernel[j] * (padded[x + j] + padded[x + size - 1 - j]);
      }
      out[x] = total;
    }
  }
}

/** Nearest integer, halves to the even neighbour (OpenCV's `cvRound`), for values ≥ 0. */
function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 === 1 ? rounded - 1 : rounded;
}
