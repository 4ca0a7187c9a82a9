/**
 * Kapur's maximum entropy: maximize the sum of the Shannon entropies of the two classes.
 *
 * Reference: J. N. Kapur, P. K. Sahoo and A. K. C. Wong (1985), "A New Method for Gray-Level
 * Picture Thresholding Using the Entropy of the Histogram", Computer Vision, Graphics, and
 * Image Processing 29(3): 273–285. DOI 10.1016/0734-189X(85)90125-2.
 *
 * Convention: with p_b the normalized histogram and P(t) = Σ_{b≤t} p_b, the class entropies are
 * H₀(t) = −Σ_{b≤t} (p_b/P) ln(p_b/P) and H₁(t) = −Σ_{b>t} (p_b/(1−P)) ln(p_b/(1−P)). Returns the
 * t maximizing H₀ + H₁, the lowest on a tie (empty bins repeat the value of the bin before).
 *
 * Matches: ImageJ 1.53 `AutoThresholder.MaxEntropy` on every golden record with at least three
 * occupied bins. ImageJ sums the logarithms afresh for every t (O(n²)); here each class entropy
 * is rewritten as ln P − (Σ p ln p)/P with running sums of p ln p, which is O(n) and equal up to
 * rounding (~10⁻¹⁵ relative). The search range is ImageJ's: from the first occupied bin to the
 * last bin whose share above is not zero (2⁻⁵²), computed from the same cumulative shares.
 *
 * Deliberate difference: on a two-bin histogram both entropies are 0 at the only split; ImageJ
 * then reports no maximum and returns 0, this function returns the split (the first bin).
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin.
 *
 * Complexity: O(256) time; one 256-entry Float64Array, allocated once per thread.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { requireOccupiedBins } from './policy.js';
import { cumulativeShares, type CumulativeShares } from './shares.js';

/** Kapur's maximum-entropy threshold of `histogram` (a bin index). */
export function maxEntropyThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'max-entropy');
  if (first === last) return first;
  return kapurSplit(cumulativeShares(histogram), last);
}

/** Σ p ln p above each split, reused by every call on this thread (written before it is read). */
const PLOGP_ABOVE = new Float64Array(BIN_COUNT);

/**
 * The split maximizing H₀ + H₁ over ImageJ's range `[firstBin, lastBin]` of `shares`; `last`
 * is the last occupied bin (above it the upper class is empty and H₁ is 0).
 */
export function kapurSplit(shares: CumulativeShares, last: number): number {
  const { share, below, above, firstBin, lastBin } = shares;

  // plogpAbove[t] = Σ_{b>t} p_b ln p_b, summed from the top (empty bins add nothing).
  const plogpAbove = PLOGP_ABOVE.fill(0, last);
  for (let t = last - 1; t >= firstBin; t--) {
    plogpAbove[t] = plogpAbove[t + 1] + plogp(share[t + 1]);
  }

  let plogpBelow = 0;
  let best = firstBin;
  let bestEntropy = -Infinity;
  for (let t = firstBin; t <= lastBin; t++) {
    plogpBelow += plogp(share[t]);
    const entropyBelow = Math.log(below[t]) - plogpBelow / below[t];
    const entropyAbove = t < last ? Math.log(above[t]) - plogpAbove[t] / above[t] : 0;
    const entropy = entropyBelow + entropyAbove;
    if (entropy > bestEntropy) {
      bestEntropy = entropy;
      best = t;
    }
  }
  return best;
}

/** p ln p, with 0 ln 0 = 0. */
function plogp(p: number): number {
  return p > 0 ? p * Math.log(p) : 0;
}
