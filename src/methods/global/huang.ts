/**
 * Huang's fuzzy thresholding: minimize the fuzziness (Shannon entropy of the memberships).
 *
 * Reference: L.-K. Huang and M.-J. J. Wang (1995), "Image Thresholding by Minimizing the
 * Measures of Fuzziness", Pattern Recognition 28(1): 41–51.
 * DOI 10.1016/0031-3203(94)E0043-K.
 *
 * Algorithm: for a split t, a pixel of bin b belongs to its class with membership
 * μ(b) = 1 / (1 + |b − m| / C) (equation 4), m being its class mean and C = last − first. The
 * fuzziness is Σ count_b · S(μ(b)), S(μ) = −μ ln μ − (1 − μ) ln(1 − μ) (equations 6 and 8),
 * where memberships within 10⁻⁶ of 0 or 1 contribute nothing. Returns the t of least fuzziness
 * (the lowest on a tie).
 *
 * Convention: the class of bins ≤ t is the one whose mean is m₀(t).
 *
 * Matches: ImageJ 1.53 `AutoThresholder.Huang` on every golden record: same means (running sums
 * from each end), same cut-offs, same summation order. Empty bins contribute nothing and are
 * skipped, which changes no sum.
 *
 * Deliberate difference: ImageJ also tries t = first − 1 and t ≥ last (one class holding every
 * pixel); those splits do not binarize, so t is searched in `[first, last − 1]` only. No golden
 * record's ImageJ value lies outside that range.
 *
 * Ties: the fuzziness is a weighted sum of logarithms, so its rounding depends on the size of
 * the counts; integer counts are first divided by their greatest common divisor (see
 * `occupiedShape` in policy.ts), so a histogram and its multiples break exact ties (a uniform
 * histogram has mirror-image splits t and first + last − 1 − t of equal fuzziness) alike.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin (ImageJ
 * returns 0: C is 0 and every membership is NaN).
 *
 * Speed: ImageJ evaluates two logarithms for each of the n occupied bins at each of the n splits
 * (≈ 130 000 logarithms, ~1 ms, for a full 8-bit histogram). Here every split is first estimated
 * with g(x) = S(1/(1 + x)), x = |b − m|/C ∈ [0, 1], read from a table of {@link TABLE_CELLS}
 * cells by linear interpolation (no logarithm), together with a bound on the estimate's error:
 * h²/8 · max |g''| per cell of width h, summed over the bins, plus an allowance for rounding.
 * Bins within one cell of the mean, where g is too steep for the table, are computed exactly.
 * Only the splits whose estimate could still be the least fuzziness are then evaluated exactly,
 * in ImageJ's order of operations, and the least of those wins (the lowest on a tie, as ImageJ):
 * any split ImageJ could choose is among them, so the result is ImageJ's. On the golden records
 * 1.3 splits per histogram are evaluated exactly (at most 14).
 *
 * Complexity: still O(n²), now table reads (≈ 65 000 for a full 8-bit histogram, about 4 times
 * faster than the logarithms), plus O(n) logarithms per exactly evaluated split; a few 256-entry
 * Float64Arrays and the shared 48 KiB table. The slowest global method: 0.25–0.45 ms a histogram,
 * above the 50 µs target (see the README's Limitations).
 */
import type { Histogram } from '../../histogram/histogram.js';
import { binCounts, occupiedShape, requireOccupiedBins } from './policy.js';

/** Memberships outside [1e-6, 0.999999] add no fuzziness (ImageJ's cut-offs, as written). */
const MEMBERSHIP_LOW = 1e-6;
const MEMBERSHIP_HIGH = 0.999999;

/** Huang's threshold of `histogram` (a bin index). */
export function huangThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'huang');
  if (first === last) return first;
  // Counts of the occupied range (divided by their common divisor), by offset from `first`.
  const shape = occupiedShape(histogram, first, last);
  const occupied = occupiedBinList(histogram, first, last);
  const split: Split = {
    occupied,
    weights: Float64Array.from(occupied, (bin) => shape[bin - first]),
    ...classMeans(shape, first, last),
    scale: 1 / (last - first),
  };
  const { estimates, errors, bound } = estimateSplits(split, shape, first, last);

  // Exact fuzziness, in ImageJ's arithmetic, of the splits that could be the least.
  let best = first;
  let leastFuzziness = Infinity;
  let below = 0;
  for (let t = first; t < last; t++) {
    while (occupied[below] <= t) below++;
    if (estimates[t - first] - errors[t - first] > bound) continue;
    // An empty bin t leaves both classes and means as at t − 1: the same fuzziness, which never
    // wins (ImageJ keeps the first of equal values).
    if (shape[t - first] === 0) continue;
    const { weights, meanBelow, meanAbove, scale } = split;
    const lower = addFuzziness(0, occupied, weights, 0, below, meanBelow[t], scale);
    const fuzziness = addFuzziness(
      lower, occupied, weights, below, occupied.length, meanAbove[t], scale);
    if (fuzziness < leastFuzziness) {
      leastFuzziness = fuzziness;
      best = t;
    }
  }
  return best;
}

/** What every split of one histogram shares. */
interface Split {
  /** The occupied bins, increasing, and their counts. */
  readonly occupied: Int32Array;
  readonly weights: Float64Array;
  /** meanBelow[t]: mean bin of the bins ≤ t; meanAbove[t]: of the bins > t. */
  readonly meanBelow: Float64Array;
  readonly meanAbove: Float64Array;
  /** 1/C, C = last − first. */
  readonly scale: number;
}

/** Class means of every split, from running sums from each end (as ImageJ). */
function classMeans(shape: Float64Array, first: number, last: number) {
  const meanBelow = new Float64Array(last + 1);
  const meanAbove = new Float64Array(last + 1);
  let intensity = 0;
  let count = 0;
  for (let bin = first; bin <= last; bin++) {
    intensity += bin * shape[bin - first];
    count += shape[bin - first];
    meanBelow[bin] = intensity / count;
  }
  intensity = 0;
  count = 0;
  for (let bin = last; bin > first; bin--) {
    intensity += bin * shape[bin - first];
    count += shape[bin - first];
    meanAbove[bin - 1] = intensity / count;
  }
  return { meanBelow, meanAbove };
}

/**
 * The estimated fuzziness of every split t in [first, last − 1] (index t − first), a bound on
 * each estimate's error, and the least estimate + error over all splits.
 */
function estimateSplits(split: Split, shape: Float64Array, first: number, last: number) {
  const { occupied, weights, meanBelow, meanAbove, scale } = split;
  const estimates = new Float64Array(last - first);
  const errors = new Float64Array(last - first);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const sums = new Float64Array(2);
  let below = 0;
  let bound = Infinity;
  for (let t = first; t < last; t++) {
    if (shape[t - first] === 0) {
      // Empty bin: the same classes as at t − 1 (see huangThreshold).
      estimates[t - first] = estimates[t - first - 1];
      errors[t - first] = errors[t - first - 1];
      continue;
    }
    while (occupied[below] <= t) below++;
    sums[0] = 0;
    sums[1] = 0;
    addEstimate(occupied, weights, 0, below, meanBelow[t], scale, sums);
    addEstimate(occupied, weights, below, occupied.length, meanAbove[t], scale, sums);
    estimates[t - first] = sums[0];
    errors[t - first] = sums[1] + ROUNDING_SLACK * (sums[0] + total);
    bound = Math.min(bound, estimates[t - first] + errors[t - first]);
  }
  return { estimates, errors, bound };
}

/**
 * Relative allowance for rounding, in both the estimate and ImageJ's own sum (each a sum of at
 * most 256 positive terms, relative error below 256 · 2⁻⁵³ ≈ 3·10⁻¹⁴): 10⁻¹², times the
 * fuzziness plus the pixel count (the table's own rounding, ~10⁻¹⁵ per pixel).
 */
const ROUNDING_SLACK = 1e-12;
/** Cells of the fuzziness table on x ∈ [0, 1]; cell width h = 1/TABLE_CELLS. */
const TABLE_CELLS = 2048;

/**
 * g(x) = S(1/(1 + x)) tabulated at x = i/TABLE_CELLS, the slope to the next entry, and the
 * linear-interpolation error bound of each cell, h²/8 · max|g''| = h²/8 · |g''(x_i)| (|g''| falls
 * as x grows: g''(x) = (2 ln x − (1 + x)/x) / (1 + x)³), plus 10⁻¹⁵ for rounding. Built on first
 * use (8 192 logarithms, once per process).
 */
interface FuzzinessTable {
  readonly value: Float64Array;
  readonly slope: Float64Array;
  readonly error: Float64Array;
}
let table: FuzzinessTable | undefined;

function fuzzinessTable(): FuzzinessTable {
  if (table !== undefined) return table;
  const value = new Float64Array(TABLE_CELLS + 2);
  const slope = new Float64Array(TABLE_CELLS + 2);
  const error = new Float64Array(TABLE_CELLS + 2);
  const width = 1 / TABLE_CELLS;
  for (let i = 0; i <= TABLE_CELLS + 1; i++) value[i] = membershipFuzziness(i * width);
  for (let i = 1; i <= TABLE_CELLS + 1; i++) {
    slope[i] = value[i + 1] - value[i];
    const x = i * width;
    const curvature = ((1 + x) / x - 2 * Math.log(x)) / (1 + x) ** 3;
    error[i] = (width * width / 8) * curvature + 1e-15;
  }
  slope[TABLE_CELLS + 1] = 0;
  table = { value, slope, error };
  return table;
}

/** S(μ) of the membership μ = 1/(1 + x), 0 outside ImageJ's cut-offs, as ImageJ computes it. */
function membershipFuzziness(x: number): number {
  const membership = 1 / (1 + x);
  if (membership < MEMBERSHIP_LOW || membership > MEMBERSHIP_HIGH) return 0;
  return -membership * Math.log(membership) - (1 - membership) * Math.log(1 - membership);
}

/**
 * Adds to `sums[0]` the estimate of Σ count_b · S(μ_b) over `bins[from..to)` (counts in
 * `weights`) for a class with mean `mean`, by linear interpolation in the table, and to
 * `sums[1]` a bound on its error.
 * Memberships in the first cell (within C/TABLE_CELLS bins of the mean, where g is too steep for
 * the table) are computed exactly instead.
 */
function addEstimate(
  bins: Int32Array,
  weights: Float64Array,
  from: number,
  to: number,
  mean: number,
  scale: number,
  sums: Float64Array,
): void {
  const { value, slope, error } = fuzzinessTable();
  const cellsPerBin = scale * TABLE_CELLS;
  let fuzziness = 0;
  let bound = 0;
  for (let i = from; i < to; i++) {
    const position = cellsPerBin * Math.abs(bins[i] - mean);
    const cell = position | 0;
    if (cell === 0) {
      fuzziness += weights[i] * membershipFuzziness(scale * Math.abs(bins[i] - mean));
      continue;
    }
    fuzziness += weights[i] * (value[cell] + (position - cell) * slope[cell]);
    bound += weights[i] * error[cell];
  }
  sums[0] += fuzziness;
  sums[1] += bound;
}

/**
 * `sum` plus Σ count_b · S(μ_b) over the occupied bins `bins[from..to)` (counts in `weights`) of
 * a class with mean `mean`, added term by term (ImageJ adds both classes into one running sum,
 * in bin order; memberships outside the cut-offs add 0, which changes no sum).
 */
function addFuzziness(
  sum: number,
  bins: Int32Array,
  weights: Float64Array,
  from: number,
  to: number,
  mean: number,
  scale: number,
): number {
  let fuzziness = sum;
  for (let i = from; i < to; i++) {
    fuzziness += weights[i] * membershipFuzziness(scale * Math.abs(bins[i] - mean));
  }
  return fuzziness;
}

/** The occupied bins of `[first, last]`, in increasing order. */
export function occupiedBinList(histogram: Histogram, first: number, last: number): Int32Array {
  const counts = binCounts(histogram);
  let n = 0;
  for (let bin = first; bin <= last; bin++) if (counts[bin] > 0) n++;
  const list = new Int32Array(n);
  n = 0;
  for (let bin = first; bin <= last; bin++) if (counts[bin] > 0) list[n++] = bin;
  return list;
}
