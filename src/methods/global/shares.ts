/**
 * The normalized histogram and its cumulative shares, computed exactly as ImageJ's
 * `AutoThresholder` does for its entropy methods (MaxEntropy, RenyiEntropy, Shanbhag), so that
 * the three methods see the same numbers bit for bit.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { binCounts } from './policy.js';

/** ImageJ's "is zero" tolerance on cumulative shares (2⁻⁵², DBL_EPSILON). */
const SHARE_EPSILON = 2.220446049250313e-16;

/**
 * Cumulative shares of one histogram. Never write to its arrays: they are shared by the methods
 * and hold these shares only until another histogram's are asked for (read them within one
 * method call).
 */
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

/**
 * The arrays every histogram's shares are written to, allocated once per thread. The three
 * methods are usually asked about the same histogram one after another, so the shares of the
 * last histogram are kept (histograms are immutable: the same object has the same shares).
 */
const SHARE = new Float64Array(BIN_COUNT);
const BELOW = new Float64Array(BIN_COUNT);
const ABOVE = new Float64Array(BIN_COUNT);
let lastShares: { histogram: Histogram; shares: CumulativeShares } | null = null;

/**
 * Shares of a non-empty histogram: O(256), or nothing when they are those of the histogram asked
 * about last.
 */
export function cumulativeShares(histogram: Histogram): CumulativeShares {
  if (lastShares?.histogram !== histogram) {
    lastShares = { histogram, shares: sharesOf(histogram) };
  }
  return lastShares.shares;
}

function sharesOf(histogram: Histogram): CumulativeShares {
  const counts = binCounts(histogram);
  let total = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) total += counts[bin];

  const share = SHARE;
  const below = BELOW;
  const above = ABOVE;
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
