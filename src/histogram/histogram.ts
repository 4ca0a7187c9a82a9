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

/**
 * The bin counts of a histogram: a frozen plain array, so that writing to it throws in strict
 * code (and does nothing elsewhere) instead of silently changing the counts behind `total`.
 */
export interface ReadonlyCounts extends Iterable<number> {
  readonly [bin: number]: number;
  readonly length: number;
  /** A mutable copy of bins `start`..`end - 1`. */
  slice(start?: number, end?: number): number[];
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

/** A 256-bin histogram; the object, its counts and its range are frozen. */
export interface Histogram {
  /** 256 non-negative counts (may be fractional for derived, e.g. noise-convolved, histograms). */
  readonly counts: ReadonlyCounts;
  /** Sum of the counts, at most 2^53 (`Number.MAX_SAFE_INTEGER`) so that it stays exact. */
  readonly total: number;
  /** The native values the bins cover. */
  readonly range: ValueRange;
}

export const EIGHT_BIT_RANGE: ValueRange = Object.freeze({ min: 0, max: 255, bitDepth: 8 });

/**
 * Builds a histogram from 256 counts (copied, so later changes to `counts` do not leak in).
 * Throws `autothresh.invalidHistogram` for a wrong length, a negative or non-finite count, a
 * total above 2^53 (`Number.MAX_SAFE_INTEGER`, beyond which sums of counts are no longer exact),
 * or an invalid range.
 */
export function createHistogram(
  counts: ArrayLike<number>,
  range: ValueRange = EIGHT_BIT_RANGE,
): Histogram {
  if (counts.length !== BIN_COUNT) {
    throw invalidHistogram(`expected ${BIN_COUNT} counts, received ${counts.length}`);
  }
  const copy = new Array<number>(BIN_COUNT);
  const values = new Float64Array(BIN_COUNT);
  let total = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    const count = counts[bin];
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw invalidHistogram(
        `count of bin ${bin} must be a finite number ≥ 0, received ${count}`,
      );
    }
    copy[bin] = count;
    values[bin] = count;
    total += count;
  }
  if (total > Number.MAX_SAFE_INTEGER) {
    throw invalidHistogram(`total count must be at most 2^53 - 1, received ${total}`);
  }
  const histogram: Histogram = Object.freeze({
    counts: Object.freeze(copy) as ReadonlyCounts,
    total,
    range: checkedRange(range),
  });
  typedCounts.set(histogram, values);
  return histogram;
}

const typedCounts = new WeakMap<Histogram, Float64Array>();

/**
 * The counts of `histogram` as a Float64Array, for the library's own inner loops: reading a
 * typed array is several times faster than reading the frozen `counts` array. The array is
 * shared: callers must treat it as read-only. Histograms not made by {@link createHistogram}
 * (plain objects of the same shape) get a copy, made once.
 */
export function countsArray(histogram: Histogram): Float64Array {
  let values = typedCounts.get(histogram);
  if (values === undefined) {
    values = Float64Array.from(histogram.counts);
    typedCounts.set(histogram, values);
  }
  return values;
}

function checkedRange(range: ValueRange): ValueRange {
  const { min, max, bitDepth } = range;
  const top = bitDepth === 16 ? 65535 : 255;
  if ((bitDepth !== 8 && bitDepth !== 16) || !Number.isInteger(min) || !Number.isInteger(max) ||
    min < 0 || min > max || max > top) {
    throw invalidHistogram(
      `range must be integers 0 ≤ min ≤ max ≤ ${top} with bitDepth 8 or 16, ` +
        `received ${JSON.stringify(range)}`,
    );
  }
  return range === EIGHT_BIT_RANGE ? range : Object.freeze({ min, max, bitDepth });
}

function invalidHistogram(detail: string): AutothreshError {
  return new AutothreshError('autothresh.invalidHistogram', `histogram: ${detail}`);
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
