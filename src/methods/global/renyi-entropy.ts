/**
 * Rényi entropy thresholding: combine the maximum-entropy splits for Rényi orders ½, 1 and 2.
 *
 * Reference: P. K. Sahoo, C. Wilkins and J. Yeager (1997), "Threshold Selection Using Renyi's
 * Entropy", Pattern Recognition 30(1): 71–84. DOI 10.1016/S0031-3203(96)00065-9. (ImageJ's
 * source cites Kapur, Sahoo and Wong 1985, whose order-1 case this generalizes.)
 *
 * Algorithm: for order α the class entropy is ln(Σ (p_b/P)^α) / (1 − α) (order 1: Shannon,
 * i.e. {@link kapurSplit}); t₁ ≤ t₂ ≤ t₃ are the splits maximizing the sum of the two class
 * entropies for α = ½, 1, 2, sorted. With ω = P(t₃) − P(t₁) and weights (β₁, β₂, β₃) chosen by
 * how close the three splits are (within 5 bins: (1, 2, 1), (0, 1, 3) or (3, 1, 0)), the result
 * is ⌊t₁(P(t₁) + ¼ωβ₁) + ¼t₂ωβ₂ + t₃(1 − P(t₃) + ¼ωβ₃)⌋ (equation 17 of Sahoo et al.).
 *
 * Matches: ImageJ 1.53 `AutoThresholder.RenyiEntropy` on every golden record with at least three
 * occupied bins. The per-order sums are computed in O(n) from running sums of √p and p²
 * (ImageJ recomputes them for every t), equal up to rounding.
 *
 * Deliberate differences: on a two-bin histogram all entropies are 0; ImageJ returns 0, this
 * function returns the only split (the first bin). The result is clamped to `[first, last]`.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin.
 *
 * Complexity: O(n) for n occupied bins; 256-entry Float64Arrays allocated once per thread.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { kapurSplit } from './max-entropy.js';
import { clampToOccupied, requireOccupiedBins } from './policy.js';
import { cumulativeShares, type CumulativeShares } from './shares.js';

/** Splits closer than this many bins count as "close" when choosing the weights. */
const CLOSE_BINS = 5;

/** The Rényi-entropy threshold of `histogram` (a bin index). */
export function renyiEntropyThreshold(histogram: Histogram): number {
  const bins = requireOccupiedBins(histogram, 'renyi-entropy');
  if (bins.first === bins.last) return bins.first;
  const shares = cumulativeShares(histogram);

  // The best split for each order, sorted.
  const [t1, t2, t3] = [
    renyiSplit(shares, 0.5, bins.last),
    kapurSplit(shares, bins.last),
    renyiSplit(shares, 2, bins.last),
  ].sort((a, b) => a - b);

  // Weights from how close the splits are (Sahoo et al., section 3).
  const lowClose = Math.abs(t1 - t2) <= CLOSE_BINS;
  const highClose = Math.abs(t2 - t3) <= CLOSE_BINS;
  const [beta1, beta2, beta3] = lowClose === highClose ? [1, 2, 1]
    : lowClose ? [0, 1, 3] : [3, 1, 0];

  // Weighted combination, in ImageJ's order of operations.
  const { below, above } = shares;
  const omega = below[t3] - below[t1];
  const combined = t1 * (below[t1] + 0.25 * omega * beta1) + 0.25 * t2 * omega * beta2
    + t3 * (above[t3] + 0.25 * omega * beta3);
  return clampToOccupied(Math.trunc(combined), bins);
}

/** Σ p^α above each split, reused by every call on this thread (written before it is read). */
const POWER_ABOVE = new Float64Array(BIN_COUNT);

/**
 * The split maximizing the sum of the order-`alpha` Rényi entropies of the two classes
 * (alpha ≠ 1), over ImageJ's range; the lowest split on a tie. `last` is the last occupied bin.
 */
function renyiSplit(shares: CumulativeShares, alpha: 0.5 | 2, last: number): number {
  const { share, below, above, firstBin, lastBin } = shares;
  const half = alpha === 0.5;

  // powerAbove[t] = Σ_{b>t} p_b^α, summed from the top (the empty bins above `last` add 0).
  // Zero from `last` up: ImageJ's range can end above it (see lastBin), where nothing is above.
  const powerAbove = POWER_ABOVE.fill(0, last);
  for (let t = last - 1; t >= firstBin; t--) {
    const p = share[t + 1];
    powerAbove[t] = powerAbove[t + 1] + (half ? Math.sqrt(p) : p * p);
  }

  // Σ (p_b / P)^α = (Σ p_b^α) / P^α for each class; ImageJ starts the maximum at 0.
  let powerBelow = 0;
  let best = firstBin;
  let bestEntropy = 0;
  for (let t = firstBin; t <= lastBin; t++) {
    const p = share[t];
    const lower = below[t];
    const upper = above[t];
    powerBelow += half ? Math.sqrt(p) : p * p;
    const product = half
      ? (powerBelow / Math.sqrt(lower)) * (powerAbove[t] / Math.sqrt(upper))
      : (powerBelow / (lower * lower)) * (powerAbove[t] / (upper * upper));
    const entropy = product > 0 ? Math.log(product) / (1 - alpha) : 0;
    if (entropy > bestEntropy) {
      bestEntropy = entropy;
      best = t;
    }
  }
  return best;
}
