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
 * S(u, v)² / P(u, v) (P: share, S: first moment of the class); all increasing tuples of k − 1
 * splits are tried and the tuple with the largest sum wins (the first one in lexicographic order
 * on a tie).
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
 * Complexity: O(n^(k−1)) tuples over the occupied range of n ≤ 256 bins. k = 3 runs in O(n²)
 * straight from the cumulative moments, with no table (tens of µs): rows whose sums provably
 * stay below the best so far are skipped (a Cauchy–Schwarz bound on the middle class), and so
 * are single pairs, before any float32 rounding or division; larger k first build the
 * table of all class terms, a Float32Array of n(n+1)/2 entries (128 KiB for n = 256), then
 * search it: ~20 ms for k = 4, seconds for k = 5 on a full 8-bit range.
 */
import type { Histogram } from '../../histogram/histogram.js';
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
  const shares = new Float32Array(length);
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

  const moments = cumulativeMoments(shares);
  const splits = classes === 3
    ? bestTwoSplits(moments)
    : bestSplitsRecursive(classTermTable(moments), length, classes - 1);
  return splits.map((level) => first + level);
}

/** float32 cumulative share and first moment of levels 0..v, as scikit-image sums them. */
interface CumulativeMoments {
  readonly share: Float32Array;
  readonly moment: Float32Array;
}

function cumulativeMoments(shares: Float32Array): CumulativeMoments {
  const n = shares.length;
  const share = new Float32Array(n);
  const moment = new Float32Array(n);
  // The reference starts the first moment at shares[0] (not 0 · shares[0]).
  share[0] = shares[0];
  moment[0] = shares[0];
  for (let v = 1; v < n; v++) {
    share[v] = share[v - 1] + shares[v];
    moment[v] = moment[v - 1] + Math.fround(v * shares[v]);
  }
  return { share, moment };
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
  const n = moments.share.length;
  const table = new Float32Array((n * (n + 1)) / 2);
  let index = 0;
  for (let u = 0; u < n; u++) {
    for (let v = u; v < n; v++) table[index++] = classTerm(moments, u, v);
  }
  return table;
}

/**
 * k = 3: all pairs low < high ≤ n − 2, in the reference's order, with its float32 sum
 * (first + last) + middle; the first pair with the largest sum wins. The middle class term
 * S(low + 1, high)² / P(low + 1, high) comes straight from the cumulative moments, so the inner
 * loop is a few float32 operations and one division per pair: O(n²) in all.
 */
function bestTwoSplits(moments: CumulativeMoments): number[] {
  const { share, moment } = moments;
  const n = share.length;
  const lastTerms = new Float32Array(n);
  for (let u = 1; u < n; u++) lastTerms[u] = classTerm(moments, u, n - 1);

  const rowBounds = middleTermBounds(moments, lastTerms);
  let bestLow = 0;
  let bestHigh = 1;
  let bestSum = 0;
  for (let low = 0; low < n - 2; low++) {
    const firstTerm = classTerm(moments, 0, low);
    // No pair of this row can beat bestSum (see middleTermBounds).
    if (rowBounds !== null && (firstTerm + rowBounds[low]) * ROW_BOUND_MARGIN < bestSum) continue;
    const shareBelow = share[low];
    const momentBelow = moment[low];
    for (let high = low + 1; high < n - 1; high++) {
      // Skip the pair when it provably cannot win, from float64 values and without rounding to
      // float32: with d_S and d_M the class share and moment as float64 differences and
      // headroom = bestSum − (first + last)·(1 + 2⁻²⁴) ≤ bestSum − outer, d_M² below
      // 0.9999 · headroom · d_S keeps the float32 middle term below headroom whatever the
      // rounding (each float32 rounding changes a value by at most 2⁻²⁴ of it, float64 ones by
      // 2⁻⁵³), so the float32 sum cannot exceed bestSum.
      const outerSum = firstTerm + lastTerms[high + 1];
      const shareDifference = share[high] - shareBelow;
      const momentDifference = moment[high] - momentBelow;
      const headroom = bestSum - outerSum * (1 + 2 ** -24);
      const squaredMoment = momentDifference * momentDifference;
      if (headroom > 0 && squaredMoment < 0.9999 * headroom * shareDifference) continue;

      // classTerm(low + 1, high), inlined: float32 class share and moment, 0 when empty.
      const outer = Math.fround(outerSum);
      const classShare = Math.fround(shareDifference);
      let middle = 0;
      if (classShare > 0) {
        const classMoment = Math.fround(momentDifference);
        middle = Math.fround(Math.fround(classMoment * classMoment) / classShare);
      }
      const sum = Math.fround(outer + middle);
      if (sum > bestSum) {
        bestSum = sum;
        bestLow = low;
        bestHigh = high;
      }
    }
  }
  return [bestLow, bestHigh];
}

/** Allowance for every float32 and float64 rounding in a row's bound (far above 10 of them). */
const ROW_BOUND_MARGIN = 1 + 1e-5;

/**
 * For each `low`, an upper bound on lastTerm(high + 1) + middleTerm(low + 1, high) over every
 * high of its row, so that firstTerm(low) plus it bounds the row's sums. By Cauchy–Schwarz a
 * class term S²/P is at most Σ_l δm_l² / δs_l over its levels, δs_l and δm_l being the steps of
 * the cumulative share and moment at level l (for exact weights, Σ p_l·l²); the bound is
 * max over high ≥ low + 1 of (lastTerm(high + 1) + Q(high)) − Q(low), with Q the running sum of
 * δm_l² / δs_l, found for all rows from one suffix maximum. Null when some level has a moment
 * step but no share step (rounding absorbed a tiny share), where no such bound holds.
 */
function middleTermBounds(
  { share, moment }: CumulativeMoments,
  lastTerms: Float32Array,
): Float64Array | null {
  const n = share.length;
  const running = new Float64Array(n);
  for (let level = 1; level < n; level++) {
    const shareStep = share[level] - share[level - 1];
    const momentStep = moment[level] - moment[level - 1];
    if (shareStep > 0) {
      running[level] = running[level - 1] + (momentStep * momentStep) / shareStep;
    } else if (momentStep === 0) {
      running[level] = running[level - 1];
    } else {
      return null;
    }
  }
  const bounds = new Float64Array(n);
  let suffixMaximum = -Infinity;
  for (let low = n - 3; low >= 0; low--) {
    const high = low + 1;
    suffixMaximum = Math.max(suffixMaximum, lastTerms[high + 1] + running[high]);
    bounds[low] = suffixMaximum - running[low];
  }
  return bounds;
}

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
