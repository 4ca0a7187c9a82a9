/**
 * Bernsen's local threshold: the mid-range of the window, where the window has enough contrast.
 *
 * Reference: J. Bernsen (1986). Dynamic thresholding of grey-level images. Proceedings of the
 * 8th International Conference on Pattern Recognition (ICPR), Paris, 1251–1255.
 * Rules follow G. Landini's ImageJ plugin Auto_Local_Threshold (Bernsen).
 *
 * With lo and hi the smallest and largest value of the window centred on a pixel:
 * - contrast hi − lo ≥ `contrast`: the pixel is on the bright side when value ≥ mid, with
 *   mid = floor((lo + hi) / 2); the map holds T = mid − 1, so `value > T` is `value ≥ mid`;
 * - lower contrast (a flat window): the whole window is one class, bright when mid ≥ half the
 *   bit-depth range (128, or 32768 for 16-bit): the map holds T = −1 (every value is above it),
 *   else T = 255 or 65535 (no value is above it).
 * `contrast` is on the 8-bit scale (default 15, Bernsen's and ImageJ's) and is multiplied by
 * 257 for 16-bit images. Defaults: window 31 (ImageJ's radius 15), contrast 15.
 * Difference from ImageJ: a square window instead of ImageJ's circular one.
 *
 * Border: the window is clipped to the image (the same minimum and maximum as repeating or
 * mirroring the edge). Window: odd side ≥ 3; larger than the image, it is clamped per axis
 * (see `window.ts`). Cost: O(1) per pixel whatever the window (van Herk / Gil–Werman).
 */
import type { GrayImage } from '../../image/gray-image.js';
import {
  maxValueOf, resolveParams, type LocalParams, type ThresholdMap, windowParameter,
} from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { windowShape } from './window.js';
import { forEachWindowExtremaRow } from './window-extrema.js';

export const BERNSEN_PARAMETERS = [
  windowParameter(31, ' (ImageJ radius 15 = window 31)'),
  {
    name: 'contrast',
    description: 'smallest window contrast max − min, 8-bit gray levels (×257 for 16-bit)',
    defaultValue: 15,
    rule: 'nonNegative',
  },
] as const;

/** Thresholds of Bernsen's method, row by row (see the module comment). */
export function bernsenThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, contrast } = resolveParams('bernsen', BERNSEN_PARAMETERS, params);
  const maxValue = maxValueOf(image);
  const minimumContrast = image.bitDepth === 16 ? contrast * 257 : contrast;
  const halfRange = (maxValue + 1) / 2;
  const thresholds = new Float32Array(image.width);

  forEachWindowExtremaRow(image, windowShape(window, image), (y, lows, highs) => {
    for (let x = 0; x < lows.length; x++) {
      const low = lows[x];
      const high = highs[x];
      const mid = (low + high) >>> 1;
      if (high - low >= minimumContrast) {
        thresholds[x] = mid - 1;
      } else {
        thresholds[x] = mid >= halfRange ? -1 : maxValue;
      }
    }
    visitRow(y, thresholds);
  });
}

/** Threshold map of Bernsen's method (see the module comment). */
export function bernsenThresholdMap(image: GrayImage, params: LocalParams = {}): ThresholdMap {
  return thresholdMapFromRows(image, bernsenThresholdRows, params);
}
