/**
 * The normalized histogram and its cumulative shares, computed exactly as ImageJ's
 * `AutoThresholder` does for its entropy methods (MaxEntropy, RenyiEntropy, Shanbhag), so that
 * the three methods see the same numbers bit for bit.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { binCounts } from './policy.js';

/** ImageJ's "is zero" tolerance on cumulative shares (2⁻⁵², DBL_EPSILON). */
const SHARE_EPSILON = 2.220446049250313e-16;

/** Cumulative shares of one histogram; never write to its arrays (they are shared). */
export interface CumulativeShares {
  /** share[b] = count_b / total. */
  readonly share: Float64Array;
  /** below[b] = share[0] + … + share[b], summed left to right. */
  readonly below: Float64Array;
  /** above[b] = 1 − below[b]. */
  readonly above: Float64Array;
  /** First bin whose `below` is not zero (the first occupied bin). */
  readonly firstBin: number;
  /**
   * Last bin whose `above` is not zero. Usually `last − 1`; it is `last` when rounding leaves
   * `above[last]` at ±2⁻⁵² (ImageJ then also tries the split that puts every pixel below).
   */
  readonly lastBin: number;
}

/** The shares of histograms already seen (histograms are immutable; the three methods share). */
const computed = new WeakMap<Histogram, CumulativeShares>();

/**
 * Shares of a non-empty histogram: O(256) the first time, then the same (read-only) arrays for
 * every method that asks for them.
 */
export function cumulativeShares(histogram: Histogram): CumulativeShares {
  let shares = computed.get(histogram);
  if (shares === undefined) {
    shares = sharesOf(histogram);
    computed.set(histogram, shares);
  }
  return shares;
}

function sharesOf(histogram: Histogram): CumulativeShares {
  const counts = binCounts(histogram);
  let total = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) total += counts[bin];

  const share = new Float64Array(BIN_COUNT);
  const below = new Float64Array(BIN_COUNT);
  const above = new Float64Array(BIN_COUNT);
  let cumulative = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    share[bin] = counts[bin] / total;
    cumulative += share[bin];
    below[bin] = cumulative;
    above[bin] = 1 - cumulative;
  }

  let firstBin = 0;
  while (firstBin < BIN_COUNT - 1 && Math.abs(below[firstBin]) < SHARE_EPSILON) firstBin++;
  let lastBin = BIN_COUNT - 1;
  while (lastBin > firstBin && Math.abs(above[lastBin]) < SHARE_EPSILON) lastBin--;
  return { share, below, above, firstBin, lastBin };
}
