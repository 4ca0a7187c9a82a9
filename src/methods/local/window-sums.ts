/**
 * Window sums and sums of squares for every pixel, at a cost that does not depend on the window
 * size: the integral-image technique of Shafait, Keysers and Breuel, computed one row at a time.
 *
 * Reference: F. Shafait, D. Keysers, T. M. Breuel (2008). Efficient implementation of local
 * adaptive thresholding techniques using integral images. Document Recognition and Retrieval XV,
 * Proc. SPIE 6815, 681510. doi:10.1117/12.767755
 *
 * A window sum is a difference of integral-image entries; differencing along one axis at a time
 * gives the same sums with running totals: per row, each column's vertical window sum gains the
 * row entering the window and loses the row leaving it, then one pass along the row slides the
 * horizontal window over those column sums. Every pixel costs a fixed number of additions
 * whatever the window, and memory is a few rows, not two image-sized float64 integral images
 * (1.6 GB for 100 megapixels).
 *
 * Exactness: all totals are integers held in float64, so they are exact while they stay below
 * 2^53 — a sum of squares of 65535-valued pixels up to a 1447×1447 window; 8-bit images, any
 * window that fits in memory. Larger totals are rounded (relative error about 1e-16), never
 * overflowed. Within the exact range running totals never drift: every addition is exact.
 */
import type { GrayImage } from '../../image/gray-image.js';
import { type BorderMode, borderIndex, type WindowShape } from './window.js';

/**
 * Receives the window sums of row `y`: `sums[x]` is the sum of the pixels in the window centred
 * on (x, y), `squareSums[x]` the sum of their squares (empty when squares were not asked for).
 * The arrays are reused for the next row: read them before returning.
 */
export type WindowRowVisitor = (y: number, sums: Float64Array, squareSums: Float64Array) => void;

/**
 * Calls `visitRow` once per row, top to bottom, with the window sums of that row.
 * `window` must be clamped to the image ({@link windowShape}); pixels outside the image follow
 * `border`. Every pixel takes part, whether `image.included` marks it or not.
 */
export function forEachWindowRow(
  image: GrayImage,
  window: WindowShape,
  border: BorderMode,
  withSquares: boolean,
  visitRow: WindowRowVisitor,
): void {
  const sums = new Float64Array(image.width);
  const squareSums = new Float64Array(withSquares ? image.width : 0);
  forEachColumnSumsRow(image, window, border, withSquares, (y, columnSums, columnSquares) => {
    slideAlongRow(columnSums, window.width, sums);
    if (withSquares) slideAlongRow(columnSquares, window.width, squareSums);
    visitRow(y, sums, squareSums);
  });
}

/**
 * Receives, for row `y`, the totals of every column over the vertical window, padded by the
 * border rule: `columnSums[q]` belongs to image column q − (window.width − 1) / 2, so the window
 * sum of pixel x is `columnSums[x] + … + columnSums[x + window.width − 1]`. Squares likewise
 * (empty when not asked for). The arrays are reused for the next row.
 */
export type ColumnSumsVisitor = (
  y: number,
  columnSums: Float64Array,
  columnSquares: Float64Array,
) => void;

/**
 * The first half of {@link forEachWindowRow}: the vertical running totals, for callers that
 * slide along the row themselves (fused with their own per-pixel work).
 */
export function forEachColumnSumsRow(
  image: GrayImage,
  window: WindowShape,
  border: BorderMode,
  withSquares: boolean,
  visitRow: ColumnSumsVisitor,
): void {
  const { width, height, data } = image;
  const radiusX = (window.width - 1) / 2;
  const radiusY = (window.height - 1) / 2;
  const sourceRow = borderIndex(height, radiusY, border);
  const sourceColumn = borderIndex(width, radiusX, border);

  // Column totals over the vertical window, stored at offset radiusX inside a padded row.
  const paddedWidth = width + 2 * radiusX;
  const columnSums = new Float64Array(paddedWidth);
  const columnSquares = new Float64Array(withSquares ? paddedWidth : 0);

  // Vertical window of row 0: padded rows 0..2·radiusY.
  for (let q = 0; q < window.height; q++) {
    addRow(data, sourceRow[q] * width, width, radiusX, columnSums, columnSquares);
  }

  for (let y = 0; y < height; y++) {
    if (y > 0) {
      const entering = sourceRow[y + window.height - 1] * width;
      const leaving = sourceRow[y - 1] * width;
      if (withSquares) {
        slideSquares(data, entering, leaving, width, radiusX, columnSums, columnSquares);
      } else {
        slideSums(data, entering, leaving, width, radiusX, columnSums);
      }
    }

    fillBorderColumns(columnSums, sourceColumn, width, radiusX);
    if (withSquares) fillBorderColumns(columnSquares, sourceColumn, width, radiusX);
    visitRow(y, columnSums, columnSquares);
  }
}

function addRow(
  data: Uint8Array | Uint16Array,
  rowStart: number,
  width: number,
  offset: number,
  columnSums: Float64Array,
  columnSquares: Float64Array,
): void {
  const squares = columnSquares.length > 0;
  for (let x = 0; x < width; x++) {
    const value = data[rowStart + x];
    columnSums[offset + x] += value;
    if (squares) columnSquares[offset + x] += value * value;
  }
}

function slideSums(
  data: Uint8Array | Uint16Array,
  entering: number,
  leaving: number,
  width: number,
  offset: number,
  columnSums: Float64Array,
): void {
  for (let x = 0; x < width; x++) {
    columnSums[offset + x] += data[entering + x] - data[leaving + x];
  }
}

function slideSquares(
  data: Uint8Array | Uint16Array,
  entering: number,
  leaving: number,
  width: number,
  offset: number,
  columnSums: Float64Array,
  columnSquares: Float64Array,
): void {
  for (let x = 0; x < width; x++) {
    const added = data[entering + x];
    const removed = data[leaving + x];
    columnSums[offset + x] += added - removed;
    columnSquares[offset + x] += added * added - removed * removed;
  }
}

/** Copies the column totals that padded positions outside the image read (border rule). */
function fillBorderColumns(
  padded: Float64Array,
  sourceColumn: Int32Array,
  width: number,
  radius: number,
): void {
  for (let q = 0; q < radius; q++) {
    padded[q] = padded[radius + sourceColumn[q]];
    const right = radius + width + q;
    padded[right] = padded[radius + sourceColumn[right]];
  }
}

/** `out[x]` = sum of `padded[x .. x + windowWidth − 1]`, by a running total. */
function slideAlongRow(padded: Float64Array, windowWidth: number, out: Float64Array): void {
  let total = 0;
  for (let q = 0; q < windowWidth; q++) total += padded[q];
  out[0] = total;
  for (let x = 1; x < out.length; x++) {
    total += padded[x + windowWidth - 1] - padded[x - 1];
    out[x] = total;
  }
}
