/**
 * Niblack's local threshold: the window mean shifted by a multiple of the window's standard
 * deviation.
 *
 * Reference: W. Niblack (1986). An Introduction to Digital Image Processing. Prentice-Hall,
 * Englewood Cliffs, NJ, pp. 115–116.
 *
 * Threshold, in the image's units, with m and s the mean and (population) standard deviation
 * of the window centred on the pixel:
 *     T = m + k·s
 * This is Niblack's own form (also ImageJ's and OpenCV-contrib's). scikit-image writes
 * T = m − k·s, so its `threshold_niblack(k = κ)` equals this method with k = −κ; the default
 * k = −0.2 (Niblack's suggestion for dark print) gives scikit-image's default map.
 *
 * Border: mirrored without repeating the edge pixel (NumPy `reflect`), as scikit-image pads.
 * Window: odd side ≥ 3, default 15 as scikit-image; larger than the image, it is clamped per
 * axis (see `window.ts`). Cost: O(1) per pixel whatever the window (running window sums).
 */
import type { GrayImage } from '../../image/gray-image.js';
import {
  float32Threshold, resolveParams, type LocalParams, type ThresholdMap, windowParameter,
} from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { windowShape } from './window.js';
import { forEachWindowRow } from './window-sums.js';

export const NIBLACK_PARAMETERS = [
  windowParameter(15),
  {
    name: 'k',
    description: 'weight of the standard deviation in T = m + k·s (scikit-image k = −this)',
    defaultValue: -0.2,
    rule: 'finite',
  },
] as const;

/** Thresholds of Niblack's method, row by row (see the module comment). */
export function niblackThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, k } = resolveParams('niblack', NIBLACK_PARAMETERS, params);
  const shape = windowShape(window, image);
  const inverseCount = 1 / (shape.width * shape.height);
  const thresholds = new Float32Array(image.width);

  forEachWindowRow(image, shape, 'reflect', true, (y, sums, squareSums) => {
    niblackRow(sums, squareSums, inverseCount, k, thresholds);
    visitRow(y, thresholds);
  });
}

// The per-pixel loop takes its values as arguments, which keeps them in registers.
function niblackRow(
  sums: Float64Array,
  squareSums: Float64Array,
  inverseCount: number,
  k: number,
  thresholds: Float32Array,
): void {
  for (let x = 0; x < sums.length; x++) {
    const mean = sums[x] * inverseCount;
    // Rounding can leave E[v²] − m² slightly negative on flat windows: clamp at 0.
    const variance = squareSums[x] * inverseCount - mean * mean;
    const deviation = variance > 0 ? Math.sqrt(variance) : 0;
    thresholds[x] = float32Threshold(mean + k * deviation);
  }
}

/** Threshold map of Niblack's method (see the module comment). */
export function niblackThresholdMap(image: GrayImage, params: LocalParams = {}): ThresholdMap {
  return thresholdMapFromRows(image, niblackThresholdRows, params);
}
