/**
 * Adaptive mean threshold: the mean of the window minus a constant, as OpenCV's
 * `adaptiveThreshold` with `ADAPTIVE_THRESH_MEAN_C`.
 *
 * Reference: OpenCV, `cv::adaptiveThreshold` (imgproc, "Miscellaneous Image Transformations"),
 * https://docs.opencv.org/4.6.0/d7/d1b/group__imgproc__misc.html
 *
 * Threshold, in the image's units:
 *     T(x, y) = round(mean of the window centred on (x, y)) − ceil(c)
 * OpenCV computes the mean as an 8-bit image (rounded to the nearest integer; the window holds
 * an odd number of pixels, so there is never a half to break) and compares
 * `value − mean > −ceil(c)` through a lookup table; `value > T` here is the same comparison, so
 * the bright side of the map equals OpenCV's THRESH_BINARY output pixel for pixel. 16-bit images
 * follow the same rule in 16-bit units (OpenCV itself takes 8-bit images only).
 *
 * Border: the edge pixel is repeated (OpenCV's `BORDER_REPLICATE | BORDER_ISOLATED`).
 * Window: odd side ≥ 3; larger than the image, it is clamped (see `window.ts`).
 * Cost: O(1) per pixel whatever the window (running window sums). The mask has its own fused
 * path ({@link adaptiveMeanThresholdMask}), which compares while it slides the window.
 */
import type { GrayImage } from '../../image/gray-image.js';
import { checkPolarity, type Polarity } from './binarize.js';
import { resolveParams, type LocalParams, type ThresholdMap, windowParameter } from './params.js';
import { type ThresholdRowVisitor, thresholdMapFromRows } from './threshold-rows.js';
import { windowShape } from './window.js';
import { forEachColumnSumsRow, forEachWindowRow } from './window-sums.js';

export const ADAPTIVE_MEAN_PARAMETERS = [
  windowParameter(11, ' (OpenCV blockSize)'),
  {
    name: 'c',
    description: 'constant subtracted from the window mean, in gray levels; rounded up (OpenCV)',
    defaultValue: 2,
    rule: 'finite',
  },
] as const;

/** Thresholds of the adaptive mean method, row by row (see the module comment). */
export function adaptiveMeanThresholdRows(
  image: GrayImage,
  params: LocalParams,
  visitRow: ThresholdRowVisitor,
): void {
  const { window, c } = resolveParams('adaptive-mean', ADAPTIVE_MEAN_PARAMETERS, params);
  const shape = windowShape(window, image);
  const inverseCount = 1 / (shape.width * shape.height);
  const offset = Math.ceil(c);
  const thresholds = new Float32Array(image.width);

  // The pixel count is odd, so sum / count is never a half: rounding half up is exact rounding
  // (and truncating with | 0 is flooring, the sums being ≥ 0).
  forEachWindowRow(image, shape, 'replicate', false, (y, sums) => {
    for (let x = 0; x < sums.length; x++) {
      thresholds[x] = ((sums[x] * inverseCount + 0.5) | 0) - offset;
    }
    visitRow(y, thresholds);
  });
}

/** Threshold map of the adaptive mean method (see the module comment). */
export function adaptiveMeanThresholdMap(image: GrayImage, params: LocalParams = {}): ThresholdMap {
  return thresholdMapFromRows(image, adaptiveMeanThresholdRows, params);
}

/**
 * Foreground mask of the adaptive mean method (1 = foreground), the same as binarizing its
 * threshold map under `polarity` but without the map: each pixel is compared as the window
 * slides, in exact integer arithmetic without a division (see {@link compareRow}); the same
 * as `value > T`. Excluded pixels are 0.
 */
export function adaptiveMeanThresholdMask(
  image: GrayImage,
  params: LocalParams,
  polarity: Polarity,
): Uint8Array {
  checkPolarity(polarity);
  const { window, c } = resolveParams('adaptive-mean', ADAPTIVE_MEAN_PARAMETERS, params);
  const { width, data, included } = image;
  const shape = windowShape(window, image);
  const count = shape.width * shape.height;
  const offset = Math.ceil(c);
  const bright = polarity === 'bright';
  const mask = new Uint8Array(width * image.height);
  const lookup = new Float64Array(image.bitDepth === 16 ? 65536 : 256);
  for (let value = 0; value < lookup.length; value++) {
    lookup[value] = 2 * count * (value + offset) - count;
  }

  forEachColumnSumsRow(image, shape, 'replicate', false, (y, columnSums) => {
    compareRow(data, y * width, columnSums, shape.width, lookup, bright, mask);
  });
  if (included !== null) {
    for (let i = 0; i < mask.length; i++) if (included[i] === 0) mask[i] = 0;
  }
  return mask;
}

/**
 * One row of the fused mask: slides the window total along `columnSums` and compares each
 * pixel, in exact integer arithmetic. With n pixels in the window (odd) and window total S,
 * round(S / n) = ⌊(2S + n) / 2n⌋, and for an integer w, ⌊(2S + n) / 2n⌋ < w ⇔ 2S + n < 2n·w;
 * so bright (value + ceil(c) > round(mean)) is 2S < 2n·(value + ceil(c)) − n, with no division.
 * `lookup[v]` holds 2n·(v + ceil(c)) − n for every gray value v of the bit depth.
 */
function compareRow(
  data: Uint8Array | Uint16Array,
  rowStart: number,
  columnSums: Float64Array,
  windowWidth: number,
  lookup: Float64Array,
  bright: boolean,
  mask: Uint8Array,
): void {
  const width = columnSums.length - windowWidth + 1;
  const last = windowWidth - 1;
  // 1 where bright, flipped to 0 for the dark side (the other side of the same comparison).
  const flip = bright ? 0 : 1;
  // `partial` holds the window's first windowWidth − 1 columns, and the window totals are
  // computed from it off the running chain, which takes one addition per two pixels (integer
  // totals in float64: every regrouping is exact).
  let partial = 0;
  for (let q = 0; q < last; q++) partial += columnSums[q];
  let x = 0;
  for (const pairs = width & ~1; x < pairs; x += 2) {
    const entering = columnSums[x + last];
    const next = columnSums[x + last + 1];
    const step = entering - columnSums[x];
    const at = rowStart + x;
    mask[at] = Number(2 * (partial + entering) < lookup[data[at]]) ^ flip;
    mask[at + 1] = Number(2 * (partial + step + next) < lookup[data[at + 1]]) ^ flip;
    partial += step + (next - columnSums[x + 1]);
  }
  if (x < width) {
    const at = rowStart + x;
    mask[at] = Number(2 * (partial + columnSums[x + last]) < lookup[data[at]]) ^ flip;
  }
}
