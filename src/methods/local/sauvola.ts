/**
 * Sauvola's local threshold: the window mean, lowered where the window's standard deviation is
 * small relative to its dynamic range.
 *
 * Reference: J. Sauvola, M. Pietikäinen (2000). Adaptive document image binarization. Pattern
 * Recognition 33(2), 225–236. doi:10.1016/S0031-3203(99)00055-2
 *
 * Threshold, in the image's units, with m and s the mean and (population) standard deviation
 * of the window centred on the pixel:
 *     T = m · (1 + k · (s / r − 1))
 * Defaults follow scikit-image's `threshold_sauvola`: window 15, k = 0.2, and r = half the range
 * of the image's bit depth (127.5 for 8-bit, 32767.5 for 16-bit images).
 *
 * Border: mirrored without repeating the edge pixel (NumPy `reflect`), as scikit-image pads.
 * Window: odd side ≥ 3; larger than the image, it is clamped per axis (see `window.ts`).
 * Cost: O(1) per pixel whatever the window (running window sums).
 */
import type { GrayImage } from '../../image/gray-image.js';
import {
  float32Threshold, maxValueOf, resolveParams, type LocalParams, type ThresholdMap, windowParameter,
} from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { windowShape } from './window.js';
import { forEachWindowRow } from './window-sums.js';

export const SAUVOLA_PARAMETERS = [
  windowParameter(15),
  {
    name: 'k',
    description: 'weight of the normalized deviation (s/r − 1), usually 0.2–0.5',
    defaultValue: 0.2,
    rule: 'finite',
  },
  {
    name: 'r',
    description: 'dynamic range of s, in gray levels; default half the bit depth range (127.5)',
    defaultValue: null,
    derivedDefault: 'half the bit-depth range: 127.5 (8-bit), 32767.5 (16-bit)',
    rule: 'positive',
  },
] as const;

/** Thresholds of Sauvola's method, row by row (see the module comment). */
export function sauvolaThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, k, r } = resolveParams('sauvola', SAUVOLA_PARAMETERS, params);
  const inverseRange = 1 / (r ?? maxValueOf(image) / 2);
  const shape = windowShape(window, image);
  const inverseCount = 1 / (shape.width * shape.height);
  const thresholds = new Float32Array(image.width);

  forEachWindowRow(image, shape, 'reflect', true, (y, sums, squareSums) => {
    sauvolaRow(sums, squareSums, inverseCount, k, inverseRange, thresholds);
    visitRow(y, thresholds);
  });
}

// The per-pixel loop takes its values as arguments, which keeps them in registers (inside the
// closure above they would be reloaded from the closure on every pixel).
function sauvolaRow(
  sums: Float64Array,
  squareSums: Float64Array,
  inverseCount: number,
  k: number,
  inverseRange: number,
  thresholds: Float32Array,
): void {
  for (let x = 0; x < sums.length; x++) {
    const mean = sums[x] * inverseCount;
    // Rounding can leave E[v²] − m² slightly negative on flat windows: clamp at 0.
    const variance = squareSums[x] * inverseCount - mean * mean;
    const deviation = variance > 0 ? Math.sqrt(variance) : 0;
    thresholds[x] = float32Threshold(mean * (1 + k * (deviation * inverseRange - 1)));
  }
}

/** Threshold map of Sauvola's method (see the module comment). */
export function sauvolaThresholdMap(image: GrayImage, params: LocalParams = {}): ThresholdMap {
  return thresholdMapFromRows(image, sauvolaThresholdRows, params);
}
