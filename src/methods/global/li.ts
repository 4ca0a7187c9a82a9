/**
 * Li's minimum cross-entropy threshold, iterative form.
 *
 * References: C. H. Li and C. K. Lee (1993), "Minimum Cross Entropy Thresholding", Pattern
 * Recognition 26(4): 617–625, DOI 10.1016/0031-3203(93)90115-D; C. H. Li and P. K. S. Tam
 * (1998), "An Iterative Algorithm for Minimum Cross Entropy Thresholding", Pattern
 * Recognition Letters 19(8): 771–776, DOI 10.1016/S0167-8655(98)00057-9.
 *
 * Algorithm: gray levels are shifted so that the first occupied bin is 0 (the logarithms need
 * positive means). Starting from the mean, t ← (μ_b − μ_f) / (ln μ_b − ln μ_f), where μ_b is
 * the mean of the bins ≤ t and μ_f of the bins > t (equation 7 of Li & Tam), until t moves by
 * at most 0.5 (half a bin). The iteration runs on the real t, as scikit-image does.
 *
 * Convention and rounding rule: scikit-image returns the real t and calls pixels `> t`
 * foreground; for integer bins `v > t` ⇔ `v > ⌊t⌋`, so this function returns `⌊t⌋`, which
 * binarizes identically. ImageJ's `Li` rounds t at every step instead and often ends one or
 * two bins higher; it is not followed.
 *
 * Matches: scikit-image 0.19 `threshold_li` (integer-image branch) after the floor, on all
 * golden records.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin; more
 * than 1000 iterations without converging → `autothresh.methodFailed` (never seen on real
 * histograms, where it converges in a few dozen steps). The result lies in `[first, last − 1]`.
 *
 * Complexity: O(256) to set up, then O(1) per iteration.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { binCounts, methodFailed, requireOccupiedBins } from './policy.js';

/** Stop when t moves by at most this much (bins); scikit-image's value for integer images. */
const TOLERANCE = 0.5;
const MAX_ITERATIONS = 1000;

/**
 * Running sums of the shifted levels, reused by every call on this thread (each call writes the
 * entries it reads first): a new pair of arrays per histogram cost more than the iteration.
 */
const CUMULATIVE_COUNT = new Float64Array(BIN_COUNT);
const CUMULATIVE_INTENSITY = new Float64Array(BIN_COUNT);

/** Li's threshold of `histogram`, rounded down to a bin index. */
export function liThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'li');
  if (first === last) return first;
  const counts = binCounts(histogram);

  // Cumulative counts and intensities of the shifted levels 0..length−1.
  const length = last - first + 1;
  const cumulativeCount = CUMULATIVE_COUNT;
  const cumulativeIntensity = CUMULATIVE_INTENSITY;
  let count = 0;
  let intensity = 0;
  for (let level = 0; level < length; level++) {
    count += counts[first + level];
    intensity += level * counts[first + level];
    cumulativeCount[level] = count;
    cumulativeIntensity[level] = intensity;
  }

  // Iterate from the mean until t moves by at most the tolerance.
  let next = intensity / count;
  let current = -2 * TOLERANCE;
  let iterations = 0;
  while (Math.abs(next - current) > TOLERANCE) {
    if (++iterations > MAX_ITERATIONS) {
      throw methodFailed('li', `t did not settle within ${MAX_ITERATIONS} iterations`);
    }
    current = next;
    // current lies between two class means, so split < length − 1; the min only guards it.
    const split = Math.min(Math.floor(current), length - 2);
    const meanBack = cumulativeIntensity[split] / cumulativeCount[split];
    const meanFore = (intensity - cumulativeIntensity[split]) / (count - cumulativeCount[split]);
    next = (meanBack - meanFore) / (Math.log(meanBack) - Math.log(meanFore));
  }
  return Math.floor(next + first);
}
