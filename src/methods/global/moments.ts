/**
 * Moment-preserving threshold: the binary image keeps the first three moments of the gray one.
 *
 * Reference: W.-H. Tsai (1985), "Moment-Preserving Thresholding: A New Approach", Computer
 * Vision, Graphics, and Image Processing 29(3): 377–393. DOI 10.1016/0734-189X(85)90133-1.
 *
 * Algorithm: with m₁, m₂, m₃ the moments of the normalized histogram (m₀ = 1), the two gray
 * levels z₀ < z₁ of the moment-preserving binary image are the roots of z² + c₁z + c₀ = 0
 * (Tsai's appendix), and p₀ = (z₁ − m₁)/(z₁ − z₀) is the share of the lower level. The result
 * is the first bin where the cumulative share exceeds p₀.
 *
 * Convention: bins ≤ t hold just over a share p₀ of the pixels (the p₀-tile, ImageJ's rule).
 *
 * Matches: ImageJ 1.53 `AutoThresholder.Moments` on every golden record (same arithmetic, in
 * the same order).
 *
 * Deliberate difference: should p₀ reach 1 through rounding, ImageJ finds no bin and returns 0;
 * this function returns the last occupied bin instead (the result is always clamped to
 * `[first, last]`).
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin (ImageJ
 * returns 0 there: the variance is 0 and p₀ is NaN).
 *
 * Complexity: O(256) time, O(1) memory.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { binCounts, requireOccupiedBins } from './policy.js';

/** The moment-preserving threshold of `histogram` (a bin index). */
export function momentsThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'moments');
  if (first === last) return first;
  const counts = binCounts(histogram);

  // Moments of the normalized histogram.
  let total = 0;
  for (let bin = first; bin <= last; bin++) total += counts[bin];
  const m0 = 1;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  for (let bin = first; bin <= last; bin++) {
    const p = counts[bin] / total;
    m1 += bin * p;
    m2 += bin * bin * p;
    m3 += bin * bin * bin * p;
  }

  // Gray levels z0 < z1 of the binary image and the share p0 of the lower one.
  const cd = m0 * m2 - m1 * m1;
  const c0 = (-m2 * m2 + m1 * m3) / cd;
  const c1 = (m0 * -m3 + m2 * m1) / cd;
  const root = Math.sqrt(c1 * c1 - 4 * c0);
  const z0 = 0.5 * (-c1 - root);
  const z1 = 0.5 * (-c1 + root);
  const p0 = (z1 - m1) / (z1 - z0);

  // The p0-tile of the histogram.
  let cumulative = 0;
  for (let bin = first; bin <= last; bin++) {
    cumulative += counts[bin] / total;
    if (cumulative > p0) return bin;
  }
  return last;
}
