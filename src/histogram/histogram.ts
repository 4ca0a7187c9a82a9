/**
 * The 256-bin gray-level histogram that every threshold method reads.
 *
 * Bins are indexed 0..255. A threshold t is a bin index and splits the bins `≤ t` from the
 * bins `> t`. For 8-bit images bin b holds the pixels of gray value b. For 16-bit images the
 * 256 bins span the image's own value range (see {@link ValueRange}), so a threshold is also
 * reported in the image's units by {@link binUpperValue}.
 */
import { AutothreshError } from '../errors.js';

/**
 * Which side of a threshold t is the foreground: `dark` → values in bins ≤ t,
 * `bright` → values in bins > t.
 */
export type Polarity = 'dark' | 'bright';

/** Number of bins of every histogram in autothresh. */
export const BIN_COUNT = 256;

/** Read-only view of the bin counts (a `Float64Array` underneath; never mutate it). */
export interface ReadonlyCounts extends Iterable<number> {
  readonly [bin: number]: number;
  readonly length: number;
  slice(start?: number, end?: number): Float64Array;
}

/**
 * How bins map back to the image's own units. Bin b covers the native values
 * `v` with `floor((v - min) * 256 / (max - min + 1)) = b`.
 * For 8-bit images `min = 0`, `max = 255`, so bin b is exactly value b.
 */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
  readonly bitDepth: 8 | 16;
}

export interface Histogram {
  /** 256 non-negative counts (may be fractional for derived, e.g. noise-convolved, histograms). */
  readonly counts: ReadonlyCounts;
  /** Sum of the counts. */
  readonly total: number;
  readonly range: ValueRange;
}

export const EIGHT_BIT_RANGE: ValueRange = Object.freeze({ min: 0, max: 255, bitDepth: 8 });

/**
 * Builds a histogram from 256 counts (copied, so later changes to `counts` do not leak in).
 * Throws `autothresh.invalidHistogram` for a wrong length or a negative / non-finite count.
 */
export function createHistogram(
  counts: ArrayLike<number>,
  range: ValueRange = EIGHT_BIT_RANGE,
): Histogram {
  if (counts.length !== BIN_COUNT) {
    throw new AutothreshError(
      'autothresh.invalidHistogram',
      `histogram: expected ${BIN_COUNT} counts, received ${counts.length}`,
    );
  }
  const copy = new Float64Array(BIN_COUNT);
  let total = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    const count = counts[bin];
    if (!Number.isFinite(count) || count < 0) {
      throw new AutothreshError(
        'autothresh.invalidHistogram',
        `histogram: count of bin ${bin} must be a finite number ≥ 0, received ${count}`,
      );
    }
    copy[bin] = count;
    total += count;
  }
  return Object.freeze({ counts: copy as ReadonlyCounts, total, range });
}

/** Index of the first and last bin with a positive count, or `null` for an empty histogram. */
export function occupiedRange(histogram: Histogram): { first: number; last: number } | null {
  const { counts } = histogram;
  let first = 0;
  while (first < BIN_COUNT && counts[first] <= 0) first++;
  if (first === BIN_COUNT) return null;
  let last = BIN_COUNT - 1;
  while (counts[last] <= 0) last--;
  return { first, last };
}

/** Bin of a native value under `range` (values outside the range are clamped to the end bins). */
export function binOfValue(value: number, range: ValueRange): number {
  const span = range.max - range.min + 1;
  const bin = Math.floor(((value - range.min) * BIN_COUNT) / span);
  return Math.min(BIN_COUNT - 1, Math.max(0, bin));
}

/**
 * The largest native value that falls in bin `threshold` or below, so that
 * `value ≤ binUpperValue(t)` exactly when `binOfValue(value) ≤ t`. For 8-bit images this is t.
 * Fractional thresholds (e.g. Li's) are floored first.
 */
export function binUpperValue(threshold: number, range: ValueRange): number {
  const bin = Math.floor(threshold);
  const span = range.max - range.min + 1;
  return range.min + Math.ceil(((bin + 1) * span) / BIN_COUNT) - 1;
}
