/**
 * Mean: the threshold is the mean gray level of the image.
 *
 * Reference: C. A. Glasbey (1993), "An Analysis of Histogram-Based Thresholding Algorithms",
 * CVGIP: Graphical Models and Image Processing 55(6): 532–537. DOI 10.1006/cgip.1993.1040.
 *
 * Convention and rounding rule: scikit-image returns the mean μ as a real number and calls
 * pixels `> μ` foreground. For integer bins, `v > μ` holds exactly when `v > ⌊μ⌋`, so
 * returning `t = ⌊μ⌋` gives the same binarization as a bin index (pixels ≤ t vs > t).
 * μ is computed as (Σ b·count_b) / (Σ count_b) with exact integer sums, as NumPy does.
 *
 * Matches: scikit-image 0.19 `threshold_mean` after the floor, on all golden records. ImageJ's
 * `Mean` is the same floor and agrees as well.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin.
 * The result lies in `[first, last − 1]` of the occupied range (μ < last unless constant).
 *
 * Complexity: O(256) time, O(1) memory.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { binCounts, requireOccupiedBins } from './policy.js';

/** The mean of `histogram`, rounded down to a bin index. */
export function meanThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'mean');
  if (first === last) return first;
  return Math.floor(histogramMean(histogram, first, last));
}

/** The mean bin (a real number) of the occupied range `[first, last]`. */
export function histogramMean(histogram: Histogram, first: number, last: number): number {
  const counts = binCounts(histogram);
  let totalCount = 0;
  let totalIntensity = 0;
  for (let bin = first; bin <= last; bin++) {
    totalCount += counts[bin];
    totalIntensity += bin * counts[bin];
  }
  return totalIntensity / totalCount;
}
