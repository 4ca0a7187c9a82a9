/**
 * Otsu's method: the threshold that maximizes the between-class variance.
 *
 * Reference: N. Otsu (1979), "A Threshold Selection Method from Gray-Level Histograms",
 * IEEE Transactions on Systems, Man, and Cybernetics 9(1): 62–66.
 * DOI 10.1109/TSMC.1979.4310076.
 *
 * Convention: returns the bin t maximizing `w₀(t)·w₁(t)·(μ₀(t) − μ₁(t))²`, where class 0 holds
 * the bins ≤ t and class 1 the bins > t (w: pixel counts, μ: mean bins). On a tie the lowest t
 * wins, so a run of empty bins after t never moves the result.
 *
 * Matches: scikit-image 0.19 `threshold_otsu` (same formula on raw counts, same tie rule) and
 * OpenCV 4.6 `THRESH_OTSU` on all golden records. ImageJ's `Otsu` differs by one to four bins
 * on a few records (it keeps the *last* maximum, `>=`) and is not followed. OpenCV skips
 * classes lighter than `FLT_EPSILON` of the image; this implementation does not, which only
 * matters for images of more than ~8 million pixels with a handful of outliers.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin.
 * The result lies in `[first, last − 1]` of the occupied range.
 *
 * Complexity: O(256) time, O(1) extra memory.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { binCounts, requireOccupiedBins } from './policy.js';

/** Otsu's threshold of `histogram` (a bin index). */
export function otsuThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'otsu');
  if (first === last) return first;
  const counts = binCounts(histogram);

  // Totals over the occupied range.
  let totalCount = 0;
  let totalIntensity = 0;
  for (let bin = first; bin <= last; bin++) {
    totalCount += counts[bin];
    totalIntensity += bin * counts[bin];
  }

  // Scan t over [first, last − 1]; both classes are non-empty there.
  let countBelow = 0;
  let intensityBelow = 0;
  let best = first;
  let bestVariance = -Infinity;
  for (let t = first; t < last; t++) {
    countBelow += counts[t];
    intensityBelow += t * counts[t];
    const countAbove = totalCount - countBelow;
    const meanBelow = intensityBelow / countBelow;
    const meanAbove = (totalIntensity - intensityBelow) / countAbove;
    const betweenClassVariance = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (betweenClassVariance > bestVariance) {
      bestVariance = betweenClassVariance;
      best = t;
    }
  }
  return best;
}
