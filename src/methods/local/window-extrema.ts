/**
 * Minimum and maximum of the window around every pixel, at a cost that does not depend on the
 * window size: the van Herk / Gil–Werman algorithm, run along columns, then along rows.
 *
 * References:
 * - M. van Herk (1992). A fast algorithm for local minimum and maximum filters on rectangular
 *   and octagonal kernels. Pattern Recognition Letters 13(7), 517–521.
 *   doi:10.1016/0167-8655(92)90069-C
 * - J. Gil, M. Werman (1993). Computing 2-D min, median, and max filters. IEEE Transactions on
 *   Pattern Analysis and Machine Intelligence 15(5), 504–507. doi:10.1109/34.211471
 *
 * Along one axis, cut the (padded) line into blocks of w = window length. Within each block keep
 * the running minimum from the block start (prefix) and from the block end (suffix). A window
 * [i, i + w − 1] spans at most two blocks, so its minimum is min(suffix[i], prefix[i + w − 1]):
 * about three comparisons per pixel and axis, whatever w. The maximum is the same with max.
 *
 * Border: the edge pixels are repeated. For a minimum or maximum this equals taking the window
 * clipped to the image (the edge pixel is always inside the clipped window), and also equals
 * mirroring, so the result does not depend on the border rule.
 */
import type { GrayImage } from '../../image/gray-image.js';
import { borderIndex, type WindowShape } from './window.js';

/**
 * Receives the window extrema of row `y`: `minimum[x]` and `maximum[x]` are the smallest and
 * largest value in the window centred on (x, y). The arrays are reused for the next row.
 */
export type ExtremaRowVisitor = (y: number, minimum: Uint16Array, maximum: Uint16Array) => void;

/**
 * Calls `visitRow` once per row, top to bottom, with the window extrema of that row.
 * `window` must be clamped to the image ({@link windowShape}). Every pixel takes part, whether
 * `image.included` marks it or not.
 */
export function forEachWindowExtremaRow(
  image: GrayImage,
  window: WindowShape,
  visitRow: ExtremaRowVisitor,
): void {
  const { width, height, data } = image;
  const blockHeight = window.height;
  const paddedHeight = height + blockHeight - 1;
  const sourceRow = borderIndex(height, (blockHeight - 1) / 2, 'replicate');
  const horizontal = new RowExtrema(width, window.width);

  // Suffix extrema of the block holding the window's top row, prefix of its bottom row's block.
  const suffixMin = new Uint16Array(blockHeight * width);
  const suffixMax = new Uint16Array(blockHeight * width);
  const prefixMin = new Uint16Array(width);
  const prefixMax = new Uint16Array(width);
  const columnMin = new Uint16Array(width);
  const columnMax = new Uint16Array(width);

  for (let q = 0; q < blockHeight - 1; q++) {
    extendPrefix(data, sourceRow[q] * width, q % blockHeight === 0, prefixMin, prefixMax);
  }

  for (let y = 0; y < height; y++) {
    // Window rows: padded rows y (top) .. y + blockHeight − 1 (bottom).
    const bottom = y + blockHeight - 1;
    extendPrefix(data, sourceRow[bottom] * width, bottom % blockHeight === 0, prefixMin, prefixMax);
    const offsetInBlock = y % blockHeight;
    if (offsetInBlock === 0) {
      const blockEnd = Math.min(y + blockHeight, paddedHeight) - 1;
      fillSuffix(data, sourceRow, width, y, blockEnd, suffixMin, suffixMax);
    }

    const suffixStart = offsetInBlock * width;
    for (let x = 0; x < width; x++) {
      columnMin[x] = smaller(suffixMin[suffixStart + x], prefixMin[x]);
      columnMax[x] = larger(suffixMax[suffixStart + x], prefixMax[x]);
    }

    horizontal.run(columnMin, columnMax);
    visitRow(y, horizontal.minimum, horizontal.maximum);
  }
}

/** Adds one padded row to the running prefix extrema (restarting them at a block start). */
function extendPrefix(
  data: Uint8Array | Uint16Array,
  rowStart: number,
  blockStart: boolean,
  prefixMin: Uint16Array,
  prefixMax: Uint16Array,
): void {
  const width = prefixMin.length;
  if (blockStart) {
    for (let x = 0; x < width; x++) {
      prefixMin[x] = data[rowStart + x];
      prefixMax[x] = data[rowStart + x];
    }
    return;
  }
  for (let x = 0; x < width; x++) {
    const value = data[rowStart + x];
    prefixMin[x] = smaller(value, prefixMin[x]);
    prefixMax[x] = larger(value, prefixMax[x]);
  }
}

/** Suffix extrema of padded rows first..last (one block), stored block-relative. */
function fillSuffix(
  data: Uint8Array | Uint16Array,
  sourceRow: Int32Array,
  width: number,
  first: number,
  last: number,
  suffixMin: Uint16Array,
  suffixMax: Uint16Array,
): void {
  const lastStart = (last - first) * width;
  const lastSource = sourceRow[last] * width;
  for (let x = 0; x < width; x++) {
    suffixMin[lastStart + x] = data[lastSource + x];
    suffixMax[lastStart + x] = data[lastSource + x];
  }
  for (let q = last - 1; q >= first; q--) {
    const start = (q - first) * width;
    const source = sourceRow[q] * width;
    for (let x = 0; x < width; x++) {
      const value = data[source + x];
      suffixMin[start + x] = smaller(value, suffixMin[start + width + x]);
      suffixMax[start + x] = larger(value, suffixMax[start + width + x]);
    }
  }
}

/** The same algorithm along one row, with the row's buffers kept between rows. */
class RowExtrema {
  readonly minimum: Uint16Array;
  readonly maximum: Uint16Array;
  private readonly windowWidth: number;
  private readonly paddedMin: Uint16Array;
  private readonly paddedMax: Uint16Array;
  private readonly prefixMin: Uint16Array;
  private readonly prefixMax: Uint16Array;
  private readonly suffixMin: Uint16Array;
  private readonly suffixMax: Uint16Array;

  constructor(width: number, windowWidth: number) {
    const paddedWidth = width + windowWidth - 1;
    this.windowWidth = windowWidth;
    this.minimum = new Uint16Array(width);
    this.maximum = new Uint16Array(width);
    this.paddedMin = new Uint16Array(paddedWidth);
    this.paddedMax = new Uint16Array(paddedWidth);
    this.prefixMin = new Uint16Array(paddedWidth);
    this.prefixMax = new Uint16Array(paddedWidth);
    this.suffixMin = new Uint16Array(paddedWidth);
    this.suffixMax = new Uint16Array(paddedWidth);
  }

  /** Window extrema along the row of column extrema `lows` / `highs`. */
  run(lows: Uint16Array, highs: Uint16Array): void {
    const { windowWidth, paddedMin, paddedMax, prefixMin, prefixMax, suffixMin, suffixMax } = this;
    const width = lows.length;
    const paddedWidth = paddedMin.length;

    // Pad by repeating the end values.
    const radius = (windowWidth - 1) / 2;
    paddedMin.set(lows, radius);
    paddedMax.set(highs, radius);
    paddedMin.fill(lows[0], 0, radius);
    paddedMax.fill(highs[0], 0, radius);
    paddedMin.fill(lows[width - 1], radius + width);
    paddedMax.fill(highs[width - 1], radius + width);

    // Prefix and suffix extrema within each block of windowWidth positions.
    for (let blockStart = 0; blockStart < paddedWidth; blockStart += windowWidth) {
      const blockEnd = Math.min(blockStart + windowWidth, paddedWidth);
      let low = paddedMin[blockStart];
      let high = paddedMax[blockStart];
      for (let q = blockStart; q < blockEnd; q++) {
        if (paddedMin[q] < low) low = paddedMin[q];
        if (paddedMax[q] > high) high = paddedMax[q];
        prefixMin[q] = low;
        prefixMax[q] = high;
      }
      low = paddedMin[blockEnd - 1];
      high = paddedMax[blockEnd - 1];
      for (let q = blockEnd - 1; q >= blockStart; q--) {
        if (paddedMin[q] < low) low = paddedMin[q];
        if (paddedMax[q] > high) high = paddedMax[q];
        suffixMin[q] = low;
        suffixMax[q] = high;
      }
    }

    const { minimum, maximum } = this;
    for (let x = 0, end = windowWidth - 1; x < width; x++, end++) {
      minimum[x] = smaller(suffixMin[x], prefixMin[end]);
      maximum[x] = larger(suffixMax[x], prefixMax[end]);
    }
  }
}

// Branch-free minimum and maximum of two integers in 0..65535: with gap = a − b,
// gap & (gap >> 31) is gap when a < b and 0 otherwise. On noisy images the comparisons are
// unpredictable, and mispredicted branches cost more than these few integer operations.
function smaller(a: number, b: number): number {
  const gap = a - b;
  return b + (gap & (gap >> 31));
}

function larger(a: number, b: number): number {
  const gap = a - b;
  return a - (gap & (gap >> 31));
}
