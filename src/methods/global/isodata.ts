/**
 * IsoData (Ridler–Calvard intermeans): the lowest fixed point t = (μ₀(t) + μ₁(t)) / 2.
 *
 * Reference: T. W. Ridler and S. Calvard (1978), "Picture Thresholding Using an Iterative
 * Selection Method", IEEE Transactions on Systems, Man, and Cybernetics 8(8): 630–632.
 * DOI 10.1109/TSMC.1978.4310039.
 *
 * Convention: μ₀(t) is the mean bin of the pixels ≤ t and μ₁(t) of the pixels > t. Returns the
 * lowest bin t in `[first, last − 1]` with `t ≤ (μ₀(t) + μ₁(t)) / 2 < t + 1`, so t is a fixed
 * point of the iteration t ← ⌊(μ₀ + μ₁)/2⌋ and belongs to the lower class.
 *
 * Matches: scikit-image 0.19 `threshold_isodata` on all golden records (same search, same
 * arithmetic: exact integer sums, then one division per mean). ImageJ differs and is not
 * followed: its `IsoData` scans upward from the first occupied bin + 1 and compares with
 * `Math.round`, so it lands one bin higher or lower on about a third of the golden records (and
 * far away on a few multimodal ones); `IJ_IsoData` is a different iteration altogether.
 * scikit-image was chosen because its rule is the fixed-point definition itself.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin. A fixed
 * point always exists in exact arithmetic (m(t) = (μ₀ + μ₁)/2 never decreases as t grows,
 * m(first) > first and m(last − 1) < last, so m(t) − t cannot jump over [0, 1)); should rounding
 * ever defeat that, `autothresh.methodFailed` is thrown rather than a made-up value.
 *
 * Complexity: O(256) time, O(1) memory.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { binCounts, methodFailed, requireOccupiedBins } from './policy.js';

/** The IsoData threshold of `histogram` (a bin index). */
export function isodataThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'isodata');
  if (first === last) return first;
  const counts = binCounts(histogram);

  // Totals over the occupied range.
  let totalCount = 0;
  let totalIntensity = 0;
  for (let bin = first; bin <= last; bin++) {
    totalCount += counts[bin];
    totalIntensity += bin * counts[bin];
  }

  // The first t whose mean of class means falls in [t, t + 1).
  let countBelow = 0;
  let intensityBelow = 0;
  for (let t = first; t < last; t++) {
    countBelow += counts[t];
    intensityBelow += t * counts[t];
    const meanBelow = intensityBelow / countBelow;
    const meanAbove = (totalIntensity - intensityBelow) / (totalCount - countBelow);
    const distance = (meanBelow + meanAbove) / 2 - t;
    if (distance >= 0 && distance < 1) return t;
  }
  throw methodFailed('isodata', `no bin t in [${first}, ${last - 1}] satisfies `
    + 't ≤ (mean below + mean above)/2 < t + 1');
}
