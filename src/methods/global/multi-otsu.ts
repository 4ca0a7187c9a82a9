/**
 * Multi-level Otsu: k − 1 thresholds maximizing the between-class variance of k classes.
 *
 * References: N. Otsu (1979), "A Threshold Selection Method from Gray-Level Histograms", IEEE
 * Transactions on Systems, Man, and Cybernetics 9(1): 62–66, DOI 10.1109/TSMC.1979.4310076;
 * P.-S. Liao, T.-S. Chen and P.-C. Chung (2001), "A Fast Algorithm for Multilevel
 * Thresholding", Journal of Information Science and Engineering 17(5): 713–727,
 * DOI 10.6688/JISE.2001.17.5.1 (the lookup table of class terms used here).
 *
 * Algorithm: over the occupied range, with shares p_b, every class [u, v] contributes
 * S(u, v)² / P(u, v) (P: share, S: first moment of the class); the increasing tuple of k − 1
 * splits with the largest sum wins (the first one in lexicographic order on a tie). k ≠ 3
 * tries every tuple; k = 3 returns exactly the pair that trying every pair would, but finds it
 * by branch and bound (see PairSearch): rectangles of pairs are halved and skipped when an
 * upper bound on their sums, computed in float64 with an allowance for every float32 rounding,
 * stays below the best float32 sum found so far.
 *
 * Convention: returns k − 1 increasing bins t₁ < … < t_{k−1}; class i holds the bins in
 * (t_{i−1}, t_i], so each t is the last bin of the class below it.
 *
 * Matches: scikit-image 0.19 `threshold_multiotsu` (`skimage.multiotsu3` in the golden files) on
 * every golden record, by reproducing its arithmetic: shares rounded to float32 and every
 * table entry and sum rounded to float32 (`Math.fround`), the table's class term for [0, 0]
 * left at 0, and the first bin counted at offset 1 in the first moment of classes that start
 * at the first occupied bin (a quirk of its table, kept because float32 ties are common and
 * any other arithmetic picks other tuples on some records). With exactly k occupied bins the
 * thresholds are the first k − 1 of them, as in scikit-image.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → k − 1 copies of
 * that bin (one policy for all methods); more than one but fewer than k occupied bins →
 * `autothresh.methodFailed`; `classes` outside 2..5 → `autothresh.invalidParameter`.
 *
 * Complexity: O(n^(k−1)) tuples over the occupied range of n ≤ 256 bins for k ≠ 3, which
 * first build the table of all class terms, a Float32Array of n(n+1)/2 entries (128 KiB for
 * n = 256), then search it: ~20 ms for k = 4, seconds for k = 5 on a full 8-bit range. k = 3
 * needs no table: O(n) set-up from the cumulative moments, then a search that is O(n²) at
 * worst but, on image histograms, visits a few hundred rectangles and evaluates a few dozen
 * pairs (~5–50 µs in all, against ~60 µs for every pair with cheap pruning).
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { binCounts, checkParameter, methodFailed, requireOccupiedBins } from './policy.js';

export const DEFAULT_CLASSES = 3;
/** Largest k accepted: the exhaustive search costs O(n^(k−1)). */
export const MAX_CLASSES = 5;

/** The k − 1 multi-Otsu thresholds of `histogram`, increasing (bin indices). */
export function multiOtsuThresholds(histogram: Histogram, classes = DEFAULT_CLASSES): number[] {
  checkParameter('multi-otsu', 'classes', classes, 2, MAX_CLASSES, true);
  const { first, last } = requireOccupiedBins(histogram, 'multi-otsu');
  if (first === last) return new Array<number>(classes - 1).fill(first);
  const counts = binCounts(histogram);

  // float32 shares of the occupied range.
  let total = 0;
  for (let bin = first; bin <= last; bin++) total += counts[bin];
  const length = last - first + 1;
  const shares = sharesWork;
  let occupied = 0;
  for (let level = 0; level < length; level++) {
    shares[level] = counts[first + level] / total;
    if (shares[level] > 0) occupied++;
  }

  // Too few gray levels: fail, or split after each occupied level but the last.
  if (occupied < classes) {
    throw methodFailed('multi-otsu', `expected at least ${classes} occupied bins for ${classes}`
      + ` classes, found ${occupied}`);
  }
  if (occupied === classes) {
    const levels: number[] = [];
    for (let level = 0; level < length && levels.length < classes - 1; level++) {
      if (shares[level] > 0) levels.push(first + level);
    }
    return levels;
  }

  const moments = cumulativeMoments(shares, length);
  const splits = classes === 3
    ? pairSearch.best(moments)
    : bestSplitsRecursive(classTermTable(moments), length, classes - 1);
  return splits.map((level) => first + level);
}

/**
 * Work arrays for the shares and cumulative sums of up to 256 levels, reused by every call:
 * allocating typed arrays costs more than the three-class search itself. A call writes every
 * entry it reads, and nothing here runs re-entrantly.
 */
const sharesWork = new Float32Array(BIN_COUNT);
const shareWork = new Float32Array(BIN_COUNT);
const momentWork = new Float32Array(BIN_COUNT);

/** float32 cumulative share and first moment of levels 0..v < length, as scikit-image sums them. */
interface CumulativeMoments {
  readonly share: Float32Array;
  readonly moment: Float32Array;
  readonly length: number;
}

function cumulativeMoments(shares: Float32Array, length: number): CumulativeMoments {
  const share = shareWork;
  const moment = momentWork;
  // The reference starts the first moment at shares[0] (not 0 · shares[0]).
  share[0] = shares[0];
  moment[0] = shares[0];
  for (let v = 1; v < length; v++) {
    share[v] = share[v - 1] + shares[v];
    moment[v] = moment[v - 1] + Math.fround(v * shares[v]);
  }
  return { share, moment, length };
}

/**
 * The class term S(u, v)² / P(u, v) of levels [u, v] in float32, 0 for an empty class. The
 * reference's table never fills [0, 0], so that term is 0 too.
 */
function classTerm({ share, moment }: CumulativeMoments, u: number, v: number): number {
  const classShare = u === 0 ? share[v] : Math.fround(share[v] - share[u - 1]);
  if (!(classShare > 0) || v === 0) return 0;
  const classMoment = u === 0 ? moment[v] : Math.fround(moment[v] - moment[u - 1]);
  return Math.fround(Math.fround(classMoment * classMoment) / classShare);
}

/**
 * Every class term in one Float32Array, upper triangle row by row: (u, v) at rowStart(u) + v
 * with rowStart(u) = u(2n − u + 1)/2 − u (the reference's lookup-table layout).
 */
function classTermTable(moments: CumulativeMoments): Float32Array {
  const n = moments.length;
  const table = new Float32Array((n * (n + 1)) / 2);
  let index = 0;
  for (let u = 0; u < n; u++) {
    for (let v = u; v < n; v++) table[index++] = classTerm(moments, u, v);
  }
  return table;
}

/** Rectangles up to this many pairs are evaluated pair by pair. */
const LEAF_PAIRS = 16;
/** The center bound is tried on rectangles of at most this many rows + columns (its cost). */
const CENTER_SPAN = 16;
/** Most rounds of Lloyd's iteration for the first guess (it usually stops after a few). */
const SEED_ROUNDS = 20;
/** (1 + 2⁻²⁰) covers the float32 roundings of a pair's sum and the float64 ones of a bound. */
const BOUND_MARGIN = 1 + 2 ** -20;

/**
 * k = 3: the pair (low, high), low < high ≤ n − 2, with the largest float32 sum
 * (first + last) + middle, the first in lexicographic order on a tie: exactly what trying every
 * pair in the reference's order returns, found by branch and bound. A first guess sets bestSum;
 * then rectangles [L0, L1] × [H0, H1] of pairs are halved (on their heavier side), the half
 * with the larger upper bound first, down to ≤ 16 pairs that are evaluated one by one, and a
 * rectangle is skipped when its bound proves that none of its pairs reaches bestSum. One
 * instance serves every call (its work arrays are reused).
 *
 * Notation: P and M are the float32 cumulative share and moment, read as exact reals
 * (P₋₁ = M₋₁ = 0; P_T, M_T those of the last level n − 1). Level i has the steps
 * δP_i = P_i − P_{i−1} ≥ 0 and δM_i = M_i − M_{i−1} ≥ 0; class [u, v] has the share
 * P(u, v) = Σ δP_i and moment S(u, v) = Σ δM_i, the very differences the reference rounds, and
 * the exact term T(u, v) = S²/P, 0 when P = 0 as the reference's (the bounds use +∞ when
 * P = 0 < S, which only loosens them). A pair's exact sum is E(l, h) = T(0, l) + T(l + 1, h) +
 * T(h + 1, n − 1) (the reference's [0, 0] term, 0, is below T(0, 0)). A level with
 * δP_i = 0 < δM_i is "absorbed" (float32 rounding swallowed its share, which takes more than
 * 2²⁵ pixels); A is the moment of all of them, x_max the largest δM_i/δP_i of the other
 * levels, P_min their smallest positive δP_i.
 *
 * Why no skipped pair is the one the exhaustive search returns:
 * 1. Rounding. With ε = 2⁻²⁴(1 + 2⁻²⁹) (a float64 operation, then Math.fround), each float32
 *    term is at most (1 + ε)⁴/(1 − ε)·T (its share, moment, square and quotient rounded) and
 *    the two float32 sums add (1 + ε)², so a pair's float32 sum is G ≤ (1 + 2⁻²¹)·E + α,
 *    where α = 2⁻¹⁴⁷(1 + 1/P_min) covers results in float32's subnormal range (2⁻¹⁵⁰ each at
 *    most; a difference of two float32 values that lands there is exact). For integer counts,
 *    α < 2⁻⁶⁰.
 * 2. Cauchy bound. By Cauchy–Schwarz a class cut into pieces of positive share has
 *    S²/P ≤ Σ S_j²/P_j. Cutting the classes of every pair of the rectangle at L0, L1, H0 and
 *    H1 (L1 < H0) gives E ≤ T(0, L0) + C(L0, L1) + T(L1 + 1, H0) + C(H0, H1) + T(H1 + 1, n − 1),
 *    with C(a, b) = Σ_{a<i≤b} δM_i²/δP_i over levels with δP_i > 0 (each level of the run a
 *    piece of its own); when L1 ≥ H0 the middle piece is dropped and the runs merge. Absorbed
 *    levels cannot be pieces: a class whose other levels G have positive share has
 *    T ≤ T(G) + S_absorbed·(2·x_max + A/P_min), so R = A·(2·x_max + A/P_min) is added once
 *    for all of them (and T(G ∩ piece) ≤ T(piece)).
 * 3. Center bound (L1 < H0). For any c and a class of positive share,
 *    S²/P = (2cS − c²P) + (S − cP)²/P. With c₁, c₂, c₃ the class means of the rectangle's
 *    center pair, the first parts of a pair's three classes add up to K + f(l) + g(h), where
 *    f(l) = 2(c₁ − c₂)M_l − (c₁² − c₂²)P_l, g(h) = 2(c₂ − c₃)M_h − (c₂² − c₃²)P_h and
 *    K = 2c₃M_T − c₃²P_T, so to at most K + max f + max g over the rows and the columns. Each
 *    second part is at most (largest |S − cP|)² / (least P) over the rectangle, with
 *    S − c₁P = M_l − c₁P_l, S − c₂P = (M_h − c₂P_h) − (M_l − c₂P_l),
 *    S − c₃P = (M_T − M_h) − c₃(P_T − P_h), and least shares P_L0, P_H0 − P_L1, P_T − P_H1
 *    (+∞ when a class can be empty). Unlike bound 2 it is tight to second order around the
 *    center, but it scans the rows and the columns, so it is tried on small rectangles only.
 * 4. float64. The bounds are computed in float64 from the float32 sums: each T is within 2⁻⁵⁰
 *    of itself, each C, from prefix sums, within 2⁻⁴² of Q = C(0, n − 1), the center scans
 *    within 2⁻⁴⁶(1 + c₁² + c₂² + c₃²)(1 + P_T + M_T), added 2⁻⁴⁰ of that per term; all other
 *    roundings are relative, far inside the room between 2⁻²¹ and 2⁻²⁰.
 * So a rectangle is skipped only when (bound + slack)·(1 + 2⁻²⁰) < bestSum, with
 * slack = R + 2⁻⁴⁰·Q + α and bestSum the float32 sum of a pair already evaluated: then every
 * pair in it has G < bestSum ≤ max G. A pair of a small rectangle is skipped by the same test
 * on its own E, as S² < (limit − T_first − T_last)·P with limit = bestSum/(1 + 2⁻²⁰) − slack
 * (no division, no float32 rounding).
 * 5. Dominance. A level that changes neither P nor M (an empty bin) leaves every float32 term
 *    as it is: the pair (l, h) with such a level l ≥ 2, or such a level h ≥ l + 2, has the same
 *    sum as (l − 1, h), or (l, h − 1), which comes first: such pairs are never the answer and
 *    are skipped (so are rectangles without any other pair), which keeps ties of sparse
 *    histograms cheap. (l = 1 is kept: the [0, 0] term is 0, not T(0, 0).)
 * 6. Ties. Pairs are evaluated out of order: one replaces the best on a larger sum, or on an
 *    equal one when it comes first; the start, (0, 1) with sum 0, is the reference's.
 */
class PairSearch {
  private bestLow = 0;
  private bestHigh = 1;
  private bestSum = 0;
  private n = 0;
  private moments: CumulativeMoments = { share: shareWork, moment: momentWork, length: 0 };
  private share: Float32Array = shareWork;
  private moment: Float32Array = momentWork;
  /** cauchy[v] = C(0, v) = Σ_{1≤i≤v} δM_i²/δP_i over levels with δP_i > 0. */
  private readonly cauchy = new Float64Array(BIN_COUNT);
  /** changes[v]: how many of levels 0..v change P or M (level 0 counts). */
  private readonly changes = new Int32Array(BIN_COUNT);
  /** Exact T(0, l) and T(u, n − 1) in float64. */
  private readonly firstExact = new Float64Array(BIN_COUNT);
  private readonly lastExact = new Float64Array(BIN_COUNT);
  /** The reference's float32 terms of [0, l] and [u, n − 1], computed when first needed. */
  private readonly firstTerms = new Float32Array(BIN_COUNT);
  private readonly lastTerms = new Float32Array(BIN_COUNT);
  /** R + 2⁻⁴⁰·Q + α (see above). */
  private slack = 0;
  /** bestSum / (1 + 2⁻²⁰) − slack: pairs of exact sum below it cannot reach bestSum. */
  private limit = 0;

  /** The best pair (low, high) of levels. */
  best(moments: CumulativeMoments): number[] {
    const n = moments.length;
    this.moments = moments;
    this.share = moments.share;
    this.moment = moments.moment;
    this.n = n;
    this.bestLow = 0;
    this.bestHigh = 1;
    this.bestSum = 0;
    this.limit = -Infinity;
    this.firstTerms.fill(NaN, 0, n);
    this.lastTerms.fill(NaN, 0, n);
    this.scanLevels();
    this.scanClasses();
    this.seed();
    this.visit(0, n - 3, 1, n - 2, this.bound(0, n - 3, 1, n - 2));
    return [this.bestLow, this.bestHigh];
  }

  /**
   * A good first bestSum, so that the search prunes from the start: Lloyd's iteration of 1-D
   * k-means (each split moves to the midpoint of the means of the classes beside it, levels
   * standing in for positions) from the share terciles, then the pairs around where it stops.
   * Only a head start: any pair would do, since all pairs are offered alike.
   */
  private seed(): void {
    const { n, share, moment } = this;
    const total = share[n - 1];
    let low = 0;
    while (low < n - 3 && share[low] < total / 3) low++;
    let high = low + 1;
    while (high < n - 2 && share[high] < (2 * total) / 3) high++;
    for (let round = 0; round < SEED_ROUNDS; round++) {
      const first = moment[low] / share[low];
      const middle = (moment[high] - moment[low]) / (share[high] - share[low]);
      const last = (moment[n - 1] - moment[high]) / (total - share[high]);
      const nextLow = Math.min(n - 3, Math.max(0, Math.floor((first + middle) / 2)));
      const nextHigh = Math.min(n - 2, Math.max(nextLow + 1, Math.floor((middle + last) / 2)));
      if (!(nextLow >= 0 && nextHigh > nextLow) || (nextLow === low && nextHigh === high)) break;
      low = nextLow;
      high = nextHigh;
    }
    for (let l = Math.max(0, low - 1); l <= Math.min(n - 3, low + 1); l++) {
      for (let h = Math.max(l + 1, high - 1); h <= Math.min(n - 2, high + 1); h++) {
        this.tryPair(l, h);
      }
    }
  }

  /** Fills cauchy and changes, then the slack. */
  private scanLevels(): void {
    const { n, share, moment, cauchy, changes } = this;
    let smallestShare = share[0] > 0 ? share[0] : Infinity;
    let absorbed = 0;
    changes[0] = 1;
    cauchy[0] = 0;
    for (let level = 1; level < n; level++) {
      const shareStep = share[level] - share[level - 1];
      const momentStep = moment[level] - moment[level - 1];
      let sum = cauchy[level - 1];
      if (shareStep > 0) {
        sum += (momentStep * momentStep) / shareStep;
        if (shareStep < smallestShare) smallestShare = shareStep;
      } else {
        absorbed += momentStep;
      }
      cauchy[level] = sum;
      changes[level] = changes[level - 1] + (shareStep > 0 || momentStep > 0 ? 1 : 0);
    }
    const fromAbsorbed = absorbed === 0 ? 0
      : absorbed * (2 * this.largestPosition() + absorbed / smallestShare) * (1 + 2 ** -40);
    this.slack = fromAbsorbed + 2 ** -40 * cauchy[n - 1] + 2 ** -147 * (1 + 1 / smallestShare);
  }

  /** x_max: the largest δM_i/δP_i over levels with δP_i > 0. */
  private largestPosition(): number {
    const { n, share, moment } = this;
    let largest = share[0] > 0 ? moment[0] / share[0] : 0;
    for (let level = 1; level < n; level++) {
      const shareStep = share[level] - share[level - 1];
      if (shareStep > 0) {
        largest = Math.max(largest, (moment[level] - moment[level - 1]) / shareStep);
      }
    }
    return largest;
  }

  /** Fills firstExact and lastExact. */
  private scanClasses(): void {
    const { n, share, moment, firstExact, lastExact } = this;
    const totalShare = share[n - 1];
    const totalMoment = moment[n - 1];
    for (let v = 0; v < n; v++) {
      firstExact[v] = exactTerm(share[v], moment[v]);
    }
    for (let u = 1; u < n; u++) {
      lastExact[u] = exactTerm(totalShare - share[u - 1], totalMoment - moment[u - 1]);
    }
  }

  /** Exact T(u, v), u ≥ 1, in float64 from the float32 sums. */
  private middleExact(u: number, v: number): number {
    return exactTerm(this.share[v] - this.share[u - 1], this.moment[v] - this.moment[u - 1]);
  }

  /** The smaller of the bounds 2 and 3 above on E over [L0, L1] × [H0, H1], before slack. */
  private bound(L0: number, L1: number, H0: number, H1: number): number {
    const { cauchy } = this;
    const outer = this.firstExact[L0] + this.lastExact[H1 + 1];
    if (L1 >= H0) return outer + (cauchy[H1] - cauchy[L0]);
    const core = this.middleExact(L1 + 1, H0);
    const bound = outer + (cauchy[L1] - cauchy[L0]) + core + (cauchy[H1] - cauchy[H0]);
    if (L1 - L0 + H1 - H0 + 2 > CENTER_SPAN || this.beaten(bound)) return bound;
    const center = this.centerBound(L0, L1, H0, H1);
    return center < bound ? center : bound; // not when center is NaN
  }

  /**
   * Bound 3 above (L1 < H0): c₁, c₂, c₃ the class means of the rectangle's center pair; one
   * scan of its rows and one of its columns. NaN or +∞ when a class of the rectangle can be
   * empty (then not used).
   */
  private centerBound(L0: number, L1: number, H0: number, H1: number): number {
    const { share, moment, n } = this;
    const low = (L0 + L1) >> 1;
    const high = (H0 + H1) >> 1;
    const totalShare = share[n - 1];
    const totalMoment = moment[n - 1];
    const c1 = moment[low] / share[low];
    const c2 = (moment[high] - moment[low]) / (share[high] - share[low]);
    const c3 = (totalMoment - moment[high]) / (totalShare - share[high]);
    // Rows: f(l) = 2(c₁ − c₂)M_l − (c₁² − c₂²)P_l, |M_l − c₁P_l| and M_l − c₂P_l.
    const rowSlope = 2 * (c1 - c2);
    const rowShare = c1 * c1 - c2 * c2;
    let rowMost = -Infinity;
    let firstDeviation = 0;
    let rowLeast = Infinity;
    let rowLargest = -Infinity;
    for (let l = L0; l <= L1; l++) {
      const m = moment[l];
      const p = share[l];
      rowMost = Math.max(rowMost, rowSlope * m - rowShare * p);
      firstDeviation = Math.max(firstDeviation, Math.abs(m - c1 * p));
      rowLeast = Math.min(rowLeast, m - c2 * p);
      rowLargest = Math.max(rowLargest, m - c2 * p);
    }
    // Columns: g(h) = 2(c₂ − c₃)M_h − (c₂² − c₃²)P_h, |S₃ − c₃P₃| and M_h − c₂P_h.
    const columnSlope = 2 * (c2 - c3);
    const columnShare = c2 * c2 - c3 * c3;
    let columnMost = -Infinity;
    let lastDeviation = 0;
    let columnLeast = Infinity;
    let columnLargest = -Infinity;
    for (let h = H0; h <= H1; h++) {
      const m = moment[h];
      const p = share[h];
      columnMost = Math.max(columnMost, columnSlope * m - columnShare * p);
      lastDeviation = Math.max(lastDeviation, Math.abs(totalMoment - m - c3 * (totalShare - p)));
      columnLeast = Math.min(columnLeast, m - c2 * p);
      columnLargest = Math.max(columnLargest, m - c2 * p);
    }
    // Absolute allowance for the float64 roundings of the scans (see 4 above).
    const error = 2 ** -40 * (1 + c1 * c1 + c2 * c2 + c3 * c3) * (1 + totalShare + totalMoment);
    const middleDeviation = Math.max(columnLargest - rowLeast, rowLargest - columnLeast) + error;
    const linear = 2 * c3 * totalMoment - c3 * c3 * totalShare + rowMost + columnMost;
    const remainder = (firstDeviation + error) ** 2 / share[L0]
      + middleDeviation ** 2 / (share[H0] - share[L1])
      + (lastDeviation + error) ** 2 / (totalShare - share[H1]);
    return linear + remainder + 4 * error;
  }

  /** True when no pair under `bound` can reach bestSum (see 4 above). */
  private beaten(bound: number): boolean {
    return (bound + this.slack) * BOUND_MARGIN < this.bestSum;
  }

  /** True when [L0, L1] × [H0, H1] holds a pair that dominance (5 above) does not skip. */
  private hasCandidates(L0: number, L1: number, H0: number, H1: number): boolean {
    const { changes } = this;
    const rows = L0 <= 1 || changes[L1] > changes[L0 - 1];
    return rows && (H0 <= L1 + 1 || changes[H1] > changes[H0 - 1]);
  }

  /** Searches [L0, L1] × [H0, H1] (clipped to low < high), whose bound is `bound`. */
  private visit(L0: number, L1: number, H0: number, H1: number, bound: number): void {
    if (this.beaten(bound) || !this.hasCandidates(L0, L1, H0, H1)) return;
    const rows = L1 - L0 + 1;
    const columns = H1 - H0 + 1;
    if (rows * columns <= LEAF_PAIRS) {
      this.evaluate(L0, L1, H0, H1);
      return;
    }
    // Halves, clipped to low < high; both are non-empty.
    let a1 = L1;
    let a3 = H1;
    let b0 = L0;
    let b2 = H0;
    if (columns === 1 || (rows > 1 && this.heavierRows(L0, L1, H0, H1))) {
      a1 = (L0 + L1) >> 1;
      b0 = a1 + 1;
      b2 = Math.max(H0, b0 + 1);
    } else {
      a3 = (H0 + H1) >> 1;
      b2 = a3 + 1;
      a1 = Math.min(L1, a3 - 1);
    }
    const boundA = this.bound(L0, a1, H0, a3);
    const boundB = this.bound(b0, L1, b2, H1);
    if (boundA >= boundB) {
      this.visit(L0, a1, H0, a3, boundA);
      this.visit(b0, L1, b2, H1, boundB);
    } else {
      this.visit(b0, L1, b2, H1, boundB);
      this.visit(L0, a1, H0, a3, boundA);
    }
  }

  /**
   * True when the rows' run (L0, L1] holds more share than the columns' (H0, H1]: most of a
   * bound's slack comes from the heavier run, so that is the side to halve.
   */
  private heavierRows(L0: number, L1: number, H0: number, H1: number): boolean {
    const { share } = this;
    return share[L1] - share[L0] >= share[H1] - share[H0];
  }

  /**
   * Every pair of the rectangle but the dominated ones (5 above) and those whose exact sum is
   * below limit (4 above); the others get the reference's arithmetic.
   */
  private evaluate(L0: number, L1: number, H0: number, H1: number): void {
    const { share, moment, changes, lastExact } = this;
    for (let low = L0; low <= L1; low++) {
      if (low >= 2 && changes[low] === changes[low - 1]) continue;
      const shareBelow = share[low];
      const momentBelow = moment[low];
      const firstExact = this.firstExact[low];
      for (let high = Math.max(H0, low + 1); high <= H1; high++) {
        if (high > low + 1 && changes[high] === changes[high - 1]) continue;
        const shareDifference = share[high] - shareBelow;
        const momentDifference = moment[high] - momentBelow;
        const headroom = this.limit - firstExact - lastExact[high + 1];
        if (momentDifference * momentDifference < headroom * shareDifference) continue;
        this.tryPair(low, high);
      }
    }
  }

  /** The reference's float32 sum of (low, high), offered as the best. */
  private tryPair(low: number, high: number): void {
    const { share, moment } = this;
    // classTerm(low + 1, high), inlined: float32 class share and moment, 0 when empty.
    const outer = Math.fround(this.firstTerm(low) + this.lastTerm(high + 1));
    const classShare = Math.fround(share[high] - share[low]);
    let middle = 0;
    if (classShare > 0) {
      const classMoment = Math.fround(moment[high] - moment[low]);
      middle = Math.fround(Math.fround(classMoment * classMoment) / classShare);
    }
    const sum = Math.fround(outer + middle);
    if (sum < this.bestSum || (sum === this.bestSum
      && (low > this.bestLow || (low === this.bestLow && high > this.bestHigh)))) return;
    // Larger, or equal and first: the new best.
    this.bestSum = sum;
    this.bestLow = low;
    this.bestHigh = high;
    this.limit = sum / BOUND_MARGIN - this.slack;
  }

  /** The reference's float32 term of [0, low] (classTerm), cached. */
  private firstTerm(low: number): number {
    let value = this.firstTerms[low];
    if (value !== value) {
      value = classTerm(this.moments, 0, low);
      this.firstTerms[low] = value;
    }
    return value;
  }

  /** The reference's float32 term of [start, n − 1] (classTerm), cached. */
  private lastTerm(start: number): number {
    let value = this.lastTerms[start];
    if (value !== value) {
      value = classTerm(this.moments, start, this.n - 1);
      this.lastTerms[start] = value;
    }
    return value;
  }
}

/** S²/P in float64: 0 for an empty class, +∞ for a class of absorbed levels only. */
function exactTerm(classShare: number, classMoment: number): number {
  if (classShare > 0) return (classMoment * classMoment) / classShare;
  return classMoment > 0 ? Infinity : 0;
}

/** The one three-class search, reused by every call (see PairSearch). */
const pairSearch = new PairSearch();

/** Any number of splits: depth-first over increasing tuples, in lexicographic order. */
function bestSplitsRecursive(table: Float32Array, n: number, splitCount: number): number[] {
  const rowStart = (u: number): number => (u * (2 * n - u + 1)) / 2 - u;
  const current = new Array<number>(splitCount).fill(0);
  let best = current.slice();
  let bestSum = 0;

  const visit = (depth: number, start: number): void => {
    if (depth < splitCount) {
      for (let split = start; split < n - splitCount + depth; split++) {
        current[depth] = split;
        visit(depth + 1, split + 1);
      }
      return;
    }
    const lastStart = current[splitCount - 1] + 1;
    let sum = Math.fround(table[current[0]] + table[rowStart(lastStart) + n - 1]);
    for (let i = 0; i < splitCount - 1; i++) {
      sum = Math.fround(sum + table[rowStart(current[i] + 1) + current[i + 1]]);
    }
    if (sum > bestSum) {
      bestSum = sum;
      best = current.slice();
    }
  };
  visit(0, 0);
  return best;
}
