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
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin (ImageJ
 * returns 0: C is 0 and every membership is NaN).
 *
 * Complexity: O(n²) logarithms for n occupied bins (≈ 65 000 for a full 8-bit histogram); two
 * 256-entry Float64Arrays. The slowest global method after Shanbhag.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { requireOccupiedBins } from './policy.js';

/** Memberships outside [1e-6, 0.999999] add no fuzziness (ImageJ's cut-offs, as written). */
const MEMBERSHIP_LOW = 1e-6;
const MEMBERSHIP_HIGH = 0.999999;

/** Huang's threshold of `histogram` (a bin index). */
export function huangThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'huang');
  if (first === last) return first;
  const { counts } = histogram;
  const occupied = occupiedBinList(histogram, first, last);
  const scale = 1 / (last - first);

  // Class means: meanBelow[t] over bins ≤ t, meanAbove[t] over bins > t.
  const meanBelow = new Float64Array(last + 1);
  const meanAbove = new Float64Array(last + 1);
  let intensity = 0;
  let count = 0;
  for (let bin = first; bin <= last; bin++) {
    intensity += bin * counts[bin];
    count += counts[bin];
    meanBelow[bin] = intensity / count;
  }
  intensity = 0;
  count = 0;
  for (let bin = last; bin > first; bin--) {
    intensity += bin * counts[bin];
    count += counts[bin];
    meanAbove[bin - 1] = intensity / count;
  }

  // Least fuzziness over the splits; empty bins add nothing and are skipped.
  const occupiedCounts = Float64Array.from(occupied, (bin) => counts[bin]);
  let best = first;
  let leastFuzziness = Infinity;
  let below = 0;
  for (let t = first; t < last; t++) {
    while (occupied[below] <= t) below++;
    const lower = addFuzziness(0, occupied, occupiedCounts, 0, below, meanBelow[t], scale);
    const fuzziness = addFuzziness(
      lower, occupied, occupiedCounts, below, occupied.length, meanAbove[t], scale);
    if (fuzziness < leastFuzziness) {
      leastFuzziness = fuzziness;
      best = t;
    }
  }
  return best;
}

/**
 * `sum` plus Σ count_b · S(μ_b) over the occupied bins `bins[from..to)` of a class with mean
 * `mean`, added term by term (ImageJ adds both classes into one running sum, in bin order).
 */
function addFuzziness(
  sum: number,
  bins: Int32Array,
  binCounts: Float64Array,
  from: number,
  to: number,
  mean: number,
  scale: number,
): number {
  let fuzziness = sum;
  for (let i = from; i < to; i++) {
    const membership = 1 / (1 + scale * Math.abs(bins[i] - mean));
    if (membership < MEMBERSHIP_LOW || membership > MEMBERSHIP_HIGH) continue;
    fuzziness += binCounts[i]
      * (-membership * Math.log(membership) - (1 - membership) * Math.log(1 - membership));
  }
  return fuzziness;
}

/** The occupied bins of `[first, last]`, in increasing order. */
export function occupiedBinList(histogram: Histogram, first: number, last: number): Int32Array {
  const { counts } = histogram;
  let n = 0;
  for (let bin = first; bin <= last; bin++) if (counts[bin] > 0) n++;
  const list = new Int32Array(n);
  n = 0;
  for (let bin = first; bin <= last; bin++) if (counts[bin] > 0) list[n++] = bin;
  return list;
}
