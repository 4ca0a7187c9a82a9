/**
 * Binarizing an image with per-pixel thresholds.
 */
import { AutothreshError } from '../../errors.js';
import type { GrayImage } from '../../image/gray-image.js';
import type { ThresholdMap } from './params.js';

/** Which side of the threshold is foreground: `dark` is value ≤ T, `bright` is value > T. */
export type { Polarity } from '../../histogram/histogram.js';
import type { Polarity } from '../../histogram/histogram.js';

/**
 * Foreground mask of `image` under the per-pixel thresholds `map` (same size, image units):
 * 1 = foreground, 0 = background. Polarity `dark`: foreground where value ≤ map; `bright`:
 * foreground where value > map — the convention of the global methods, with the threshold taken
 * per pixel. The bright-side mask equals OpenCV's `adaptiveThreshold(..., THRESH_BINARY)` and
 * scikit-image's `image > threshold_sauvola(image)` given the same map.
 * Pixels left out by `image.included` are background (0) under either polarity.
 */
export function binarizeWithMap(
  image: GrayImage,
  map: ThresholdMap | Float64Array,
  polarity: Polarity,
): Uint8Array {
  if (map.length !== image.data.length) {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `threshold map: expected ${image.data.length} values (${image.width}×${image.height}), ` +
        `received ${map.length}`,
    );
  }
  checkPolarity(polarity);
  const mask = new Uint8Array(image.data.length);
  binarizeRow(image, 0, map, polarity, mask);
  return mask;
}

/** Throws `autothresh.invalidParameter` unless `polarity` is `dark` or `bright`. */
export function checkPolarity(polarity: Polarity): void {
  if (polarity !== 'dark' && polarity !== 'bright') {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `polarity: expected "dark" or "bright", received ${JSON.stringify(polarity)}`,
    );
  }
}

/**
 * Writes `mask[start + i]` for the pixels `start .. start + thresholds.length − 1` compared with
 * `thresholds[i]`; excluded pixels get 0.
 */
export function binarizeRow(
  image: GrayImage,
  start: number,
  thresholds: ArrayLike<number>,
  polarity: Polarity,
  mask: Uint8Array,
): void {
  const { data, included } = image;
  const count = thresholds.length;
  // Number(comparison) compiles without a branch; a ?: would mispredict on noisy images.
  if (polarity === 'bright') {
    for (let i = 0; i < count; i++) mask[start + i] = Number(data[start + i] > thresholds[i]);
  } else {
    for (let i = 0; i < count; i++) mask[start + i] = Number(data[start + i] <= thresholds[i]);
  }
  if (included !== null) {
    for (let i = 0; i < count; i++) if (included[start + i] === 0) mask[start + i] = 0;
  }
}
