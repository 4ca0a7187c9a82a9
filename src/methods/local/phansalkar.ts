/**
 * Phansalkar's local threshold: Sauvola's threshold raised where the window is dark, for
 * low-contrast microscopy images.
 *
 * Reference: N. Phansalkar, S. More, A. Sabale, M. Joshi (2011). Adaptive local thresholding
 * for detection of nuclei in diversity stained cytology images. International Conference on
 * Communications and Signal Processing (ICCSP), 218–220. doi:10.1109/ICCSP.2011.5739305
 * Parameters and normalization follow G. Landini's ImageJ plugin Auto_Local_Threshold.
 *
 * Gray values are first normalized to [0, 1] (divided by 255, or 65535 for 16-bit images); with
 * m and s the mean and (population) standard deviation of the normalized window:
 *     T' = m · (1 + p·exp(−q·m) + k·(s / r − 1))
 * and the map holds T = T' · 255 (or · 65535), in the image's units. Defaults are the paper's
 * and ImageJ's: p = 2, q = 10, k = 0.25, r = 0.5, window 31 (ImageJ's radius 15).
 * Differences from ImageJ: a square window instead of ImageJ's circular one, and float64
 * statistics instead of float32.
 *
 * Border: the edge pixel is repeated, as ImageJ's rank filters do.
 * Window: odd side ≥ 3; larger than the image, it is clamped per axis (see `window.ts`).
 * Cost: O(1) per pixel whatever the window (running window sums), plus one exp per pixel.
 */
import type { GrayImage } from '../../image/gray-image.js';
import {
  float32Threshold, maxValueOf, resolveParams, type LocalParams, type ThresholdMap, windowParameter,
} from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { windowShape } from './window.js';
import { forEachWindowRow } from './window-sums.js';

export const PHANSALKAR_PARAMETERS = [
  windowParameter(31, ' (ImageJ radius 15 = window 31)'),
  {
    name: 'k',
    description: 'weight of the normalized deviation (s/r − 1)',
    defaultValue: 0.25,
    rule: 'finite',
  },
  {
    name: 'r',
    description: 'dynamic range of s on the [0, 1] scale',
    defaultValue: 0.5,
    rule: 'positive',
  },
  {
    name: 'p',
    description: 'height of the boost p·exp(−q·m) given to dark windows',
    defaultValue: 2,
    rule: 'finite',
  },
  {
    name: 'q',
    description: 'decay rate of that boost with the window mean m on the [0, 1] scale',
    defaultValue: 10,
    rule: 'finite',
  },
] as const;

/** Thresholds of Phansalkar's method, row by row (see the module comment). */
export function phansalkarThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, k, r, p, q } = resolveParams('phansalkar', PHANSALKAR_PARAMETERS, params);
  const scale = maxValueOf(image);
  const shape = windowShape(window, image);
  const inverseCount = 1 / (shape.width * shape.height);
  const thresholds = new Float32Array(image.width);

  const constants = { inverseCount, scale, k, r, p, q };
  forEachWindowRow(image, shape, 'replicate', true, (y, sums, squareSums) => {
    phansalkarRow(sums, squareSums, constants, thresholds);
    visitRow(y, thresholds);
  });
}

// The per-pixel loop, outside the closure so that its values are read once per row.
function phansalkarRow(
  sums: Float64Array,
  squareSums: Float64Array,
  constants: { inverseCount: number; scale: number; k: number; r: number; p: number; q: number },
  thresholds: Float32Array,
): void {
  const { inverseCount, scale, k, r, p, q } = constants;
  const inverseScale = 1 / scale;
  for (let x = 0; x < sums.length; x++) {
    // Window statistics on the [0, 1] scale.
    const mean = sums[x] * inverseCount * inverseScale;
    const variance = squareSums[x] * inverseCount * inverseScale * inverseScale - mean * mean;
    const deviation = variance > 0 ? Math.sqrt(variance) : 0;
    const threshold = mean * (1 + p * Math.exp(-q * mean) + k * (deviation / r - 1));
    thresholds[x] = float32Threshold(threshold * scale);
  }
}

/** Threshold map of Phansalkar's method (see the module comment). */
export function phansalkarThresholdMap(image: GrayImage, params: LocalParams = {}): ThresholdMap {
  return thresholdMapFromRows(image, phansalkarThresholdRows, params);
}
