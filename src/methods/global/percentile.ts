/**
 * Percentile (p-tile): the bin where the fraction of pixels at or below it is closest to p.
 *
 * Reference: W. Doyle (1962), "Operations Useful for Similarity-Invariant Pattern
 * Recognition", Journal of the ACM 9(2): 259–267. DOI 10.1145/321119.321123.
 *
 * Convention: with F(t) = (pixels ≤ t) / (all pixels), returns the bin t minimizing
 * |F(t) − fraction|, the lowest t on a tie. `fraction` ∈ [0, 1] is the share of pixels on the
 * lower side (bins ≤ t); ImageJ fixes it at 0.5 (the median split).
 *
 * Matches: ImageJ 1.53 `AutoThresholder.Percentile` (fraction 0.5) on every golden record.
 *
 * Deliberate difference: the result is clamped to the occupied range `[first, last]`. ImageJ
 * scans all 256 bins, so for a fraction below the first bin's share it can return a bin below
 * `first` (never with the default 0.5, where the result is always in `[first, last − 1]`).
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin; fraction
 * outside [0, 1] → `autothresh.invalidParameter`.
 *
 * Complexity: O(256) time, O(1) memory.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { binCounts, checkParameter, clampToOccupied, requireOccupiedBins } from './policy.js';

/** ImageJ's fraction of pixels at or below the threshold. */
export const DEFAULT_PERCENTILE_FRACTION = 0.5;

/** The percentile threshold of `histogram` (a bin index). */
export function percentileThreshold(
  histogram: Histogram,
  fraction = DEFAULT_PERCENTILE_FRACTION,
): number {
  checkParameter('percentile', 'fraction', fraction, 0, 1);
  const bins = requireOccupiedBins(histogram, 'percentile');
  if (bins.first === bins.last) return bins.first;
  const counts = binCounts(histogram);

  // Total, summed from bin 0 as ImageJ does.
  let total = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) total += counts[bin];

  // Closest cumulative share; the running best starts at 1, ImageJ's initial value.
  let cumulative = 0;
  let best = 0;
  let bestGap = 1;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    cumulative += counts[bin];
    const gap = Math.abs(cumulative / total - fraction);
    if (gap < bestGap) {
      bestGap = gap;
      best = bin;
    }
  }
  return clampToOccupied(best, bins);
}
