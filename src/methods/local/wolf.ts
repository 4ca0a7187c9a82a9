/**
 * Wolf and Jolion's local threshold: Sauvola's idea with the contrast normalized by the image's
 * own statistics instead of a fixed dynamic range.
 *
 * Reference: C. Wolf, J.-M. Jolion (2004). Extraction and recognition of artificial text in
 * multimedia documents. Pattern Analysis and Applications 6(4), 309–326.
 * doi:10.1007/s10044-003-0197-7
 *
 * Threshold, in the image's units, with m and s the mean and (population) standard deviation
 * of the window centred on the pixel, M the smallest gray value of the image and R the largest
 * s over all windows:
 *     T = (1 − k)·m + k·M + k·(s / R)·(m − M)
 * When every window is flat (R = 0), s / R is taken as 0, so T = (1 − k)·m + k·M.
 * M and R are taken over the included pixels (see `GrayImage.included`) when some are
 * excluded, over every pixel otherwise; window means and deviations always use every pixel.
 * Defaults: k = 0.5 (the authors'); window 41, the authors' program's 40 × 40 made odd.
 *
 * Border: mirrored without repeating the edge pixel (NumPy `reflect`), as for Sauvola.
 * Window: odd side ≥ 3; larger than the image, it is clamped per axis (see `window.ts`).
 * Cost: O(1) per pixel whatever the window; two passes (the first finds R).
 */
import type { GrayImage } from '../../image/gray-image.js';
import {
  float32Threshold, resolveParams, type LocalParams, type ThresholdMap, windowParameter,
} from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { type WindowShape, windowShape } from './window.js';
import { forEachWindowRow } from './window-sums.js';

export const WOLF_PARAMETERS = [
  windowParameter(41),
  {
    name: 'k',
    description: 'weight pulling T from the window mean toward the image minimum, in [0, 1]',
    defaultValue: 0.5,
    rule: 'finite',
  },
] as const;

/** Thresholds of Wolf and Jolion's method, row by row (see the module comment). */
export function wolfThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, k } = resolveParams('wolf', WOLF_PARAMETERS, params);
  const shape = windowShape(window, image);
  const inverseCount = 1 / (shape.width * shape.height);

  // Image statistics: M, the darkest gray value, and R, the largest window deviation.
  const minimum = smallestValue(image);
  const largestDeviation = Math.sqrt(largestVariance(image, shape));
  const deviationWeight = largestDeviation > 0 ? k / largestDeviation : 0;

  const thresholds = new Float32Array(image.width);
  const constants = { inverseCount, k, minimum, deviationWeight };
  forEachWindowRow(image, shape, 'reflect', true, (y, sums, squareSums) => {
    wolfRow(sums, squareSums, constants, thresholds);
    visitRow(y, thresholds);
  });
}

// The per-pixel loop, outside the closure so that its values are read once per row.
function wolfRow(
  sums: Float64Array,
  squareSums: Float64Array,
  constants: { inverseCount: number; k: number; minimum: number; deviationWeight: number },
  thresholds: Float32Array,
): void {
  const { inverseCount, k, minimum, deviationWeight } = constants;
  for (let x = 0; x < sums.length; x++) {
    const mean = sums[x] * inverseCount;
    const variance = squareSums[x] * inverseCount - mean * mean;
    const deviation = variance > 0 ? Math.sqrt(variance) : 0;
    const threshold = (1 - k) * mean + k * minimum + deviationWeight * deviation * (mean - minimum);
    thresholds[x] = float32Threshold(threshold);
  }
}

/** Threshold map of Wolf and Jolion's method (see the module comment). */
export function wolfThresholdMap(image: GrayImage, params: LocalParams = {}): ThresholdMap {
  return thresholdMapFromRows(image, wolfThresholdRows, params);
}

/** Smallest value over the included pixels, or over all pixels when none is marked. */
function smallestValue(image: GrayImage): number {
  const { data, included } = image;
  let smallest = Infinity;
  for (let i = 0; i < data.length; i++) {
    if (included !== null && included[i] === 0) continue;
    if (data[i] < smallest) smallest = data[i];
  }
  if (smallest !== Infinity) return smallest;
  for (let i = 0; i < data.length; i++) if (data[i] < smallest) smallest = data[i];
  return smallest;
}

/** Largest window variance (clamped at 0), over windows centred on included pixels if any. */
function largestVariance(image: GrayImage, shape: WindowShape): number {
  const { included } = image;
  const inverseCount = 1 / (shape.width * shape.height);
  let largestIncluded = -1;
  let largestAll = 0;
  forEachWindowRow(image, shape, 'reflect', true, (y, sums, squareSums) => {
    const rowStart = y * image.width;
    for (let x = 0; x < sums.length; x++) {
      const mean = sums[x] * inverseCount;
      const variance = Math.max(0, squareSums[x] * inverseCount - mean * mean);
      if (variance > largestAll) largestAll = variance;
      if (included !== null && included[rowStart + x] !== 0 && variance > largestIncluded) {
        largestIncluded = variance;
      }
    }
  });
  return largestIncluded >= 0 ? largestIncluded : largestAll;
}
