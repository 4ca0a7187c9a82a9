/**
 * Intermodes: smooth the histogram until it has exactly two peaks; the threshold is midway.
 *
 * Reference: J. M. S. Prewitt and M. L. Mendelsohn (1966), "The Analysis of Cell Images",
 * Annals of the New York Academy of Sciences 128(3): 1035–1053.
 * DOI 10.1111/j.1749-6632.1965.tb11715.x.
 *
 * Algorithm (as ImageJ 1.53 `AutoThresholder.Intermodes`): the occupied range `[first, last]`
 * is smoothed by a 3-bin running mean with zero padding at both ends, `(left + centre + right)/3`,
 * until exactly two strict local maxima remain (a bin higher than both neighbours; the end bins
 * never count). The result is `first + ⌊(j + k) / 2⌋` for the two maxima j < k (offsets in the
 * range).
 *
 * Convention: t is the last bin of the lower class (ImageJ's "pixels ≤ t" side), as everywhere
 * in autothresh.
 *
 * Matches: ImageJ 1.53 `Intermodes` on every golden record where ImageJ finds two modes. Where
 * ImageJ gives up ("threshold not found after 10000 iterations") and returns 0, this function
 * throws `autothresh.methodFailed` instead of returning a value that means nothing.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin; not two
 * peaks after 10 000 smoothings (flat or single-peaked histograms, plateaus that never split)
 * → `autothresh.methodFailed` with the iteration count.
 *
 * Complexity: O(256) per smoothing, at most 10 000 smoothings (typically tens); one
 * Float64Array copy of the occupied range.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { methodFailed, requireOccupiedBins } from './policy.js';

/** ImageJ's limit on smoothing passes. */
export const INTERMODES_MAX_ITERATIONS = 10_000;

/** The intermodes threshold of `histogram` (a bin index). */
export function intermodesThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'intermodes');
  if (first === last) return first;

  // Smooth until exactly two strict maxima remain.
  const smooth = Float64Array.from(histogram.counts.slice(first, last + 1));
  let passes = 0;
  while (countStrictMaxima(smooth, 3) !== 2) {
    if (passes === INTERMODES_MAX_ITERATIONS) {
      throw methodFailed('intermodes', `expected two peaks, none or more than two remain after`
        + ` ${passes} smoothing passes`);
    }
    smoothZeroPadded(smooth);
    passes++;
  }

  // Midway between the two maxima, rounded down.
  let modeSum = 0;
  for (let bin = 1; bin < smooth.length - 1; bin++) {
    if (smooth[bin - 1] < smooth[bin] && smooth[bin + 1] < smooth[bin]) modeSum += bin;
  }
  return first + Math.floor(modeSum / 2);
}

/** Number of bins strictly higher than both neighbours, counting stops at `limit`. */
export function countStrictMaxima(values: Float64Array, limit: number): number {
  let maxima = 0;
  for (let bin = 1; bin < values.length - 1; bin++) {
    if (values[bin - 1] < values[bin] && values[bin + 1] < values[bin] && ++maxima === limit) {
      break;
    }
  }
  return maxima;
}

/** In-place 3-bin running mean, zero outside the array: `(left + centre + right) / 3`. */
export function smoothZeroPadded(values: Float64Array): void {
  let previous = 0;
  let current = 0;
  let next = values[0];
  for (let bin = 0; bin < values.length - 1; bin++) {
    previous = current;
    current = next;
    next = values[bin + 1];
    values[bin] = (previous + current + next) / 3;
  }
  values[values.length - 1] = (current + next) / 3;
}
