/**
 * Fast exact class histograms of many crops of one labelled image.
 *
 * The image is cut into square tiles (the last column and row may be narrower). The class
 * histograms of every tile are counted once, in one pass over the pixels, and accumulated into a
 * two-dimensional prefix sum over tiles (a summed-area table whose cells are histograms). The
 * class histograms of any tile-aligned crop then cost four lookups per bin: O(256), whatever the
 * crop's size, and they are exact (integer counts of exactly the crop's pixels).
 *
 * Memory: (columns + 1) × (rows + 1) × 512 float64 values; about 14 MB for a 2700 × 1300 image
 * with 32-pixel tiles.
 */
import { BIN_COUNT } from '../histogram/histogram.js';
import { BACKGROUND, FOREGROUND, type LabelledPixels } from './class-histograms.js';

/** A crop in source pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TileGrid {
  readonly width: number;
  readonly height: number;
  /** Side of a tile in pixels. */
  readonly tileSize: number;
  readonly columns: number;
  readonly rows: number;
  /**
   * Prefix sums: cell (r, c) holds the class histograms of tiles [0, r) × [0, c); layout
   * `((r * (columns + 1) + c) * 2 + class) * 256 + bin` with class 0 = background, 1 = foreground.
   */
  readonly prefix: Float64Array;
}

/** Tile side for an image: 32 px, smaller for small images so crops keep some variety. */
export function defaultTileSize(width: number, height: number): number {
  const side = Math.min(width, height);
  if (side >= 512) return 32;
  if (side >= 128) return 16;
  return 8;
}

/** Counts per-tile class histograms once and builds their prefix sums. */
export function buildTileGrid(pixels: LabelledPixels, tileSize?: number): TileGrid {
  const { width, height, bins, classes } = pixels;
  const size = tileSize ?? defaultTileSize(width, height);
  const columns = Math.ceil(width / size);
  const rows = Math.ceil(height / size);
  const stride = columns + 1;
  const cell = 2 * BIN_COUNT;
  const prefix = new Float64Array((rows + 1) * stride * cell);

  // Per-tile counts, written at the cell (r + 1, c + 1) they will be summed into.
  for (let y = 0; y < height; y++) {
    const rowBase = ((((y / size) | 0) + 1) * stride + 1) * cell;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const kind = classes[i];
      if (kind !== BACKGROUND && kind !== FOREGROUND) continue;
      prefix[rowBase + ((x / size) | 0) * cell + kind * BIN_COUNT + bins[i]]++;
    }
  }

  // Summed-area accumulation: P(r, c) += P(r - 1, c) + P(r, c - 1) - P(r - 1, c - 1).
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= columns; c++) {
      const here = (r * stride + c) * cell;
      const up = ((r - 1) * stride + c) * cell;
      const left = (r * stride + c - 1) * cell;
      const diagonal = ((r - 1) * stride + c - 1) * cell;
      for (let k = 0; k < cell; k++) {
        prefix[here + k] += prefix[up + k] + prefix[left + k] - prefix[diagonal + k];
      }
    }
  }
  return { width, height, tileSize: size, columns, rows, prefix };
}

/** Tile range [column0, column1) × [row0, row1) → crop in pixels (clipped at the image edge). */
export function tileRect(
  grid: TileGrid, column0: number, row0: number, column1: number, row1: number,
): CropRect {
  const x = column0 * grid.tileSize;
  const y = row0 * grid.tileSize;
  return {
    x,
    y,
    width: Math.min(column1 * grid.tileSize, grid.width) - x,
    height: Math.min(row1 * grid.tileSize, grid.height) - y,
  };
}

/**
 * Exact class histograms of a tile-aligned crop: `x`, `y` multiples of the tile size, the right
 * and bottom edges on a tile boundary or the image edge. Throws RangeError otherwise.
 */
export function cropClassHistograms(
  grid: TileGrid,
  rect: CropRect,
): { foreground: Float64Array; background: Float64Array } {
  const { tileSize, columns, rows } = grid;
  const column0 = rect.x / tileSize;
  const row0 = rect.y / tileSize;
  const column1 = Math.ceil((rect.x + rect.width) / tileSize);
  const row1 = Math.ceil((rect.y + rect.height) / tileSize);
  const aligned = Number.isInteger(column0) && Number.isInteger(row0) &&
    column1 <= columns && row1 <= rows && column0 < column1 && row0 < row1 &&
    sameRect(tileRect(grid, column0, row0, column1, row1), rect);
  if (!aligned) {
    throw new RangeError(
      `crop ${rect.x},${rect.y} ${rect.width}×${rect.height} is not aligned to ` +
        `${tileSize}-px tiles`,
    );
  }

  const stride = columns + 1;
  const cell = 2 * BIN_COUNT;
  const a = (row1 * stride + column1) * cell;
  const b = (row0 * stride + column1) * cell;
  const c = (row1 * stride + column0) * cell;
  const d = (row0 * stride + column0) * cell;
  const { prefix } = grid;
  const background = new Float64Array(BIN_COUNT);
  const foreground = new Float64Array(BIN_COUNT);
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    background[bin] = prefix[a + bin] - prefix[b + bin] - prefix[c + bin] + prefix[d + bin];
    const f = BIN_COUNT + bin;
    foreground[bin] = prefix[a + f] - prefix[b + f] - prefix[c + f] + prefix[d + f];
  }
  return { foreground, background };
}

function sameRect(a: CropRect, b: CropRect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
