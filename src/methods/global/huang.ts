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
 * (≈ 130 000 logarithms, ~1 ms, for a full 8-bit histogram). Here the splits are searched in
 * three stages, none of which can drop a split that ImageJ could choose:
 * 1. Ranges of splits (32 at first) get a lower bound of the fuzziness of every split in them,
 *    from the interval each class mean stays in over the range (see `rangeLowerBound`), read
 *    from a coarser table sized for the first-level cache ({@link lowerBoundTable}); the range
 *    of least bound is halved, best first, down to single splits, and every range whose bound
 *    exceeds the best upper bound found so far is dropped. The two longest sums of a bound
 *    depend on one end of the range only and are kept for the halves that share that end; of
 *    the two others, each half inherits one from its parent and adds only the bins between
 *    the parent's end and its own.
 * 2. Each split reached is estimated with g(x) = S(1/(1 + x)), x = |b − m|/C ∈ [0, 1], read
 *    from a table of {@link TABLE_CELLS} cells by linear interpolation (no logarithm), with a
 *    bound on the estimate's error (h²/8 · max |g''| per cell of width h, summed over the bins,
 *    plus an allowance for rounding); bins within one cell of the mean, where g is too steep for
 *    the table, are computed exactly. Estimate + error is an upper bound for stage 1.
 * 3. When a single split's estimate could still be the least, it is the answer: every other
 *    split's fuzziness exceeds its upper bound. Otherwise the splits that could be the least are
 *    evaluated exactly, in ImageJ's order of operations, and the least of those wins (the lowest
 *    on a tie, as ImageJ).
 * On the golden records about 63 range bounds (about 110 bin terms each, half of a full pass)
 * and 3.2 estimates are needed per histogram, and 85% of them need no exact evaluation at all.
 *
 * Complexity: O(n) per range bound or estimate, O(n²) in the worst case. Memory: the shared
 * tables (48 and 16 KiB) and one set of 256-entry arrays and one queue, allocated once and
 * reused by every call (see {@link SCRATCH}). About 47 µs a histogram on the golden records,
 * with minimum and intermodes one of the three slowest global methods.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { occupiedShape, requireOccupiedBins } from './policy.js';

/** Memberships outside [1e-6, 0.999999] add no fuzziness (ImageJ's cut-offs, as written). */
const MEMBERSHIP_LOW = 1e-6;
const MEMBERSHIP_HIGH = 0.999999;

/** Huang's threshold of `histogram` (a bin index). */
export function huangThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'huang');
  if (first === last) return first;
  // Counts of the occupied range (divided by their common divisor), by offset from `first`.
  const shape = occupiedShape(histogram, first, last, SCRATCH.shape);
  const split = splitOf(shape, first, last);
  const { candidates, bound } = searchSplits(split, shape, first, last);
  const contenders = candidates.filter(({ estimate, error }) => estimate - error <= bound);

  // One contender: every other split's fuzziness exceeds its upper bound, so it is the least.
  if (contenders.length === 1) return contenders[0].t;

  // Exact fuzziness, in ImageJ's arithmetic, of the splits that could be the least, in
  // increasing order (ImageJ keeps the first of equal values).
  let best = first;
  let leastFuzziness = Infinity;
  for (const { t } of contenders) {
    const below = split.belowCount[t - first];
    const { occupied, weights, meanBelow, meanAbove, scale } = split;
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
  /** The occupied bins, increasing (as doubles: the sums' loops convert nothing), and counts. */
  readonly occupied: Float64Array;
  readonly weights: Float64Array;
  /** meanBelow[t]: mean bin of the bins ≤ t; meanAbove[t]: of the bins > t. */
  readonly meanBelow: Float64Array;
  readonly meanAbove: Float64Array;
  /** 1/C, C = last − first. */
  readonly scale: number;
  /** belowCount[t − first]: how many occupied bins are ≤ t. */
  readonly belowCount: Int32Array;
  /** Sum of the counts. */
  readonly total: number;
  /**
   * Per split t (−1 until computed): the range bound's sum over the lower class's bins below
   * meanBelow[t] when t is a range's first split, and over the upper class's bins above
   * meanAbove[t] when t is a range's last split.
   */
  readonly lowerFar: Float64Array;
  readonly upperFar: Float64Array;
  /** The near-run sums of the range bounded last: lower class, upper class. */
  readonly near: Float64Array;
}

/**
 * The arrays of one call (the counts, {@link Split}'s arrays, an estimate's sums), allocated
 * once: huang runs to completion without calling out, so one set serves every call on a thread
 * (allocating them per call cost about a tenth of its time).
 */
const SCRATCH = {
  shape: new Float64Array(BIN_COUNT),
  occupied: new Float64Array(BIN_COUNT),
  weights: new Float64Array(BIN_COUNT),
  belowCount: new Int32Array(BIN_COUNT),
  meanBelow: new Float64Array(BIN_COUNT),
  meanAbove: new Float64Array(BIN_COUNT),
  lowerFar: new Float64Array(BIN_COUNT),
  upperFar: new Float64Array(BIN_COUNT),
  near: new Float64Array(2),
  sums: new Float64Array(2),
};

/**
 * What every split shares, from the counts of `[first, last]`: one pass up for the occupied
 * bins, their counts, how many are ≤ t and the mean below t; one pass down for the mean above
 * t. The means are ImageJ's running sums from each end (empty bins add 0, which changes none).
 */
function splitOf(shape: Float64Array, first: number, last: number): Split {
  const { occupied, weights, belowCount, meanBelow, meanAbove, lowerFar, upperFar } = SCRATCH;
  lowerFar.fill(-1, first, last + 1);
  upperFar.fill(-1, first, last + 1);
  let n = 0;
  let total = 0;
  let intensity = 0;
  for (let bin = first; bin <= last; bin++) {
    const count = shape[bin - first];
    if (count > 0) {
      occupied[n] = bin;
      weights[n] = count;
      total += count;
      n++;
    }
    belowCount[bin - first] = n;
    intensity += bin * count;
    meanBelow[bin] = intensity / total;
  }
  intensity = 0;
  let count = 0;
  for (let bin = last; bin > first; bin--) {
    intensity += bin * shape[bin - first];
    count += shape[bin - first];
    meanAbove[bin - 1] = intensity / count;
  }
  return {
    occupied: occupied.subarray(0, n),
    weights: weights.subarray(0, n),
    meanBelow,
    meanAbove,
    scale: 1 / (last - first),
    belowCount: belowCount.subarray(0, last - first + 1),
    total,
    lowerFar,
    upperFar,
    near: SCRATCH.near,
  };
}

/** A split that survived the search, with its estimated fuzziness and the estimate's error. */
interface Candidate {
  readonly t: number;
  readonly estimate: number;
  readonly error: number;
}

/** Splits per range in the first round of {@link searchSplits}. */
const FIRST_RANGE = 32;

/**
 * Best-first search over ranges of splits. A range [t1, t2] gets a lower bound of the
 * fuzziness of every split in it ({@link rangeLowerBound}); the range of least bound is halved
 * until it holds one split, which is then estimated ({@link estimateSplit}). A range whose bound
 * exceeds the least upper bound (estimate + error) of a split estimated so far is dropped: none
 * of its splits can have the least fuzziness, nor tie with it. Returns the estimated splits in
 * increasing order and the least upper bound over them.
 */
function searchSplits(split: Split, shape: Float64Array, first: number, last: number) {
  const queue = RANGES;
  queue.clear();
  for (let t1 = first; t1 < last; t1 += FIRST_RANGE) {
    const t2 = Math.min(t1 + FIRST_RANGE - 1, last - 1);
    queue.push(rangeLowerBound(split, t1, t2, first, NO_RANGE), t1, t2, split.near);
  }

  const candidates: Candidate[] = [];
  let bound = Infinity;
  while (queue.size > 0) {
    const range = queue.pop();
    if (range.lowerBound > bound) break;
    const { t1, t2 } = range;
    if (t1 < t2) {
      const middle = (t1 + t2) >> 1;
      queue.push(rangeLowerBound(split, t1, middle, first, range), t1, middle, split.near);
      queue.push(rangeLowerBound(split, middle + 1, t2, first, range), middle + 1, t2, split.near);
      continue;
    }
    // An empty bin t leaves both classes and means as at t − 1: the same fuzziness, which never
    // wins (ImageJ keeps the first of equal values).
    if (shape[t1 - first] === 0) continue;
    const candidate = estimateSplit(split, t1, first);
    candidates.push(candidate);
    bound = Math.min(bound, candidate.estimate + candidate.error);
  }
  return { candidates: candidates.sort((a, b) => a.t - b.t), bound };
}

/** A range of splits and the sums of its two near runs (see {@link rangeLowerBound}). */
interface Range {
  readonly lowerBound: number;
  readonly t1: number;
  readonly t2: number;
  readonly lowerNear: number;
  readonly upperNear: number;
}

/** The parent of a first-round range: none, so nothing is inherited. */
const NO_RANGE: Range = { lowerBound: 0, t1: -1, t2: -1, lowerNear: 0, upperNear: 0 };

/**
 * A lower bound of the fuzziness of every split t in [t1, t2]. The class means only grow with
 * t, so for each t they lie in [meanBelow[t1], meanBelow[t2]] and [meanAbove[t1],
 * meanAbove[t2]]; a bin ≤ t1 is always in the lower class, a bin > t2 always in the upper one,
 * and a bin between in either. Its membership distance is thus at least its distance to its
 * class's interval of means (the lesser of the two for a bin between), and g is
 * non-decreasing, so {@link lowerBoundTable} at that distance bounds its term from below. Both
 * means only grow because each split moves the lowest bin of the upper class, above the lower
 * class's mean and below the upper class's, from the upper class to the lower.
 *
 * The bins of each class fall into runs: below its interval of means, inside it (adding 0) and
 * above it. The lower class's run below depends on t1 alone and the upper class's run above on
 * t2 alone: halving a range keeps t1 for one half and t2 for the other, so those two sums, the
 * longest, are kept per split ({@link Split.lowerFar}, {@link Split.upperFar}) and reused.
 * The two near runs (the lower class above its means, the upper class below its means) are
 * inherited from the `parent` range: the upper half keeps the parent's t2, hence its lower
 * class's greatest mean, and its lower near run is the parent's plus the bins in (parent t1,
 * t1]; the lower half keeps the upper class's least mean, and its upper near run is the
 * parent's plus the bins in (t2, parent t2]. The sums of the new range's near runs are written
 * to {@link Split.near}.
 */
function rangeLowerBound(
  split: Split,
  t1: number,
  t2: number,
  first: number,
  parent: Range,
): number {
  const { occupied, meanBelow, meanAbove, belowCount } = split;
  const lowFrom = meanBelow[t1];
  const lowTo = meanBelow[t2];
  const highFrom = meanAbove[t1];
  const highTo = meanAbove[t2];

  // Occupied bins [0, alwaysLower) are ≤ t1, [eitherEnd, n) are > t2, the others between.
  const alwaysLower = belowCount[t1 - first];
  const eitherEnd = belowCount[t2 - first];
  const n = occupied.length;

  // Lower class: bins < lowFrom, then bins > lowTo (and ≤ t1).
  const lowerFarEnd = occupiedAtOrBelow(belowCount, Math.ceil(lowFrom) - 1, first);
  let lowerFar = split.lowerFar[t1];
  if (lowerFar < 0) {
    lowerFar = runBelow(split, 0, lowerFarEnd, lowFrom);
    split.lowerFar[t1] = lowerFar;
  }
  const lowerNearStart =
    Math.max(lowerFarEnd, occupiedAtOrBelow(belowCount, Math.floor(lowTo), first));
  const lowerNear = parent.t2 === t2
    ? parent.lowerNear + runAbove(split,
      Math.max(lowerNearStart, belowCount[parent.t1 - first]), alwaysLower, lowTo)
    : runAbove(split, lowerNearStart, alwaysLower, lowTo);

  // Upper class: bins < highFrom (and > t2), then bins > highTo.
  const upperNearEnd = Math.min(n, occupiedAtOrBelow(belowCount, Math.ceil(highFrom) - 1, first));
  const upperNear = parent.t1 === t1
    ? parent.upperNear + runBelow(split,
      eitherEnd, Math.min(upperNearEnd, belowCount[parent.t2 - first]), highFrom)
    : runBelow(split, eitherEnd, upperNearEnd, highFrom);
  let upperFar = split.upperFar[t2];
  if (upperFar < 0) {
    const upperFarStart =
      Math.max(eitherEnd, occupiedAtOrBelow(belowCount, Math.floor(highTo), first));
    upperFar = runAbove(split, upperFarStart, n, highTo);
    split.upperFar[t2] = upperFar;
  }
  split.near[0] = lowerNear;
  split.near[1] = upperNear;
  let sum = lowerFar + lowerNear + upperNear + upperFar;

  const { weights, scale } = split;
  const table = lowerBoundTable();
  const cells = scale * BOUND_CELLS;
  for (let i = alwaysLower; i < eitherEnd; i++) {
    const bin = occupied[i];
    const distance = Math.min(
      distanceToInterval(bin, lowFrom, lowTo), distanceToInterval(bin, highFrom, highTo));
    const position = cells * distance;
    const cell = position | 0;
    sum += weights[i] * (table[2 * cell] + (position - cell) * table[2 * cell + 1]);
  }
  return sum * (1 - ROUNDING_SLACK);
}

/**
 * Σ count_b · (lower bound of g at distance `from` − b) over the occupied bins
 * `occupied[start..end)`, all below `from`, read from {@link lowerBoundTable}.
 */
function runBelow(split: Split, start: number, end: number, from: number): number {
  const { occupied, weights, scale } = split;
  const table = lowerBoundTable();
  const cells = scale * BOUND_CELLS;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const position = cells * (from - occupied[i]);
    const cell = position | 0;
    sum += weights[i] * (table[2 * cell] + (position - cell) * table[2 * cell + 1]);
  }
  return sum;
}

/** As {@link runBelow}, for occupied bins all above `to`, at distance b − `to`. */
function runAbove(split: Split, start: number, end: number, to: number): number {
  const { occupied, weights, scale } = split;
  const table = lowerBoundTable();
  const cells = scale * BOUND_CELLS;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const position = cells * (occupied[i] - to);
    const cell = position | 0;
    sum += weights[i] * (table[2 * cell] + (position - cell) * table[2 * cell + 1]);
  }
  return sum;
}

/** How many occupied bins are ≤ `bin` (any integer; `belowCount` covers [first, last]). */
function occupiedAtOrBelow(belowCount: Int32Array, bin: number, first: number): number {
  if (bin < first) return 0;
  return belowCount[Math.min(bin - first, belowCount.length - 1)];
}

function distanceToInterval(bin: number, from: number, to: number): number {
  if (bin < from) return from - bin;
  return bin > to ? bin - to : 0;
}

/** The estimated fuzziness of split t and a bound on the estimate's error (see addEstimate). */
function estimateSplit(split: Split, t: number, first: number): Candidate {
  const { occupied, weights, meanBelow, meanAbove, scale, belowCount, total } = split;
  const below = belowCount[t - first];
  const sums = SCRATCH.sums.fill(0);
  addEstimate(occupied, weights, 0, below, meanBelow[t], scale, sums);
  addEstimate(occupied, weights, below, occupied.length, meanAbove[t], scale, sums);
  return { t, estimate: sums[0], error: sums[1] + ROUNDING_SLACK * (sums[0] + total) };
}

/** More ranges than one search can hold: 2 per halving (at most 255) plus the first round. */
const QUEUE_CAPACITY = 1024;

/**
 * Ranges of splits by increasing lower bound: a binary heap of bounds and range numbers, the
 * ranges' ends and near-run sums kept by number beside it. One queue, {@link RANGES}, emptied
 * by {@link RangeQueue.clear}, serves every search (see {@link SCRATCH}).
 */
class RangeQueue {
  private readonly bounds = new Float64Array(QUEUE_CAPACITY);
  private readonly ids = new Int32Array(QUEUE_CAPACITY);
  private readonly starts = new Int32Array(QUEUE_CAPACITY);
  private readonly ends = new Int32Array(QUEUE_CAPACITY);
  private readonly lowerNears = new Float64Array(QUEUE_CAPACITY);
  private readonly upperNears = new Float64Array(QUEUE_CAPACITY);
  /** Ranges in the heap, and ranges ever pushed since the last clear (the next number). */
  size = 0;
  private pushed = 0;

  clear(): void {
    this.size = 0;
    this.pushed = 0;
  }

  /** Adds [t1, t2] with its lower bound and near-run sums (`near[0]` lower, `near[1]` upper). */
  push(lowerBound: number, t1: number, t2: number, near: Float64Array): void {
    const { bounds, ids } = this;
    const id = this.pushed++;
    this.starts[id] = t1;
    this.ends[id] = t2;
    this.lowerNears[id] = near[0];
    this.upperNears[id] = near[1];
    let at = this.size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (bounds[parent] <= lowerBound) break;
      bounds[at] = bounds[parent];
      ids[at] = ids[parent];
      at = parent;
    }
    bounds[at] = lowerBound;
    ids[at] = id;
  }

  /** Removes and returns the range of least lower bound. */
  pop(): Range {
    const { bounds, ids } = this;
    const id = ids[0];
    const top: Range = {
      lowerBound: bounds[0],
      t1: this.starts[id],
      t2: this.ends[id],
      lowerNear: this.lowerNears[id],
      upperNear: this.upperNears[id],
    };
    const size = --this.size;
    const lastBound = bounds[size];
    const lastId = ids[size];
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const least = right < size && bounds[right] < bounds[left] ? right : left;
      if (bounds[least] >= lastBound) break;
      bounds[at] = bounds[least];
      ids[at] = ids[least];
      at = least;
    }
    bounds[at] = lastBound;
    ids[at] = lastId;
    return top;
  }
}

/** The queue of every search. */
const RANGES = new RangeQueue();

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

/** Cells of the lower-bound table on x ∈ [0, 1] (see lowerBoundTable). */
const BOUND_CELLS = 1024;
let boundTable: Float64Array | undefined;

/**
 * A lower bound of g(x) for x ∈ [0, 1] as a piecewise-linear function of BOUND_CELLS cells:
 * entry 2i is g(i/BOUND_CELLS) and entry 2i + 1 the rise to the next cell, so a cell's two
 * numbers share a cache line, and the table (16 KiB) stays in the first-level cache, which the
 * bound's scattered reads need. The chords lie below g where g is concave (all of (0, 1]); the
 * first cell, where ImageJ's cut-off makes g jump from 0, is 0. Coarser than the estimate's
 * table: a looser bound only costs a few more ranges.
 */
function lowerBoundTable(): Float64Array {
  if (boundTable !== undefined) return boundTable;
  const entries = new Float64Array(2 * (BOUND_CELLS + 2));
  for (let i = 1; i <= BOUND_CELLS + 1; i++) {
    const value = membershipFuzziness(i / BOUND_CELLS);
    entries[2 * i] = value;
    entries[2 * i + 1] = i <= BOUND_CELLS ? membershipFuzziness((i + 1) / BOUND_CELLS) - value : 0;
  }
  boundTable = entries;
  return entries;
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
  bins: Float64Array,
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
  bins: Float64Array,
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
