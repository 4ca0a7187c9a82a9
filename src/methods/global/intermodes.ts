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
 * range). Each pass smooths in place and counts the maxima of its output in the same loop.
 *
 * Convention: t is the last bin of the lower class (ImageJ's "pixels ≤ t" side), as everywhere
 * in autothresh.
 *
 * Matches: ImageJ 1.53 `Intermodes` on every golden record where ImageJ finds two modes. Where
 * ImageJ gives up ("threshold not found after 10000 iterations") and returns 0, this function
 * throws `autothresh.methodFailed` instead of returning a value that means nothing.
 *
 * Stopping early: after every {@link LOG_CONCAVITY_CHECK_INTERVAL} passes without two peaks, the
 * smoothed histogram s is tested for log-concavity with a margin: every s_b > 0 and
 * s_b² ≥ (1 + 10⁻⁹)·s_{b−1}·s_{b+1}. When it passes, the method fails at once instead of running
 * ImageJ's remaining passes. Why this is safe: the 3-bin mean is a convolution with the
 * log-concave sequence 1, 1, 1, a convolution of log-concave sequences without internal zeros
 * is log-concave (T. M. Hoggar (1974), "Chromatic Polynomials and Logarithmic Concavity", J.
 * Combinatorial Theory B 16: 248–254), cutting the result back to the range keeps it so, and a
 * log-concave sequence has at most one strict maximum; so in exact arithmetic no later pass has
 * two peaks. In floating point every pass adds at most 3 units in the last place to each value
 * relative to that value (all terms are positive), so 10 000 passes move any value by less than
 * 10⁻¹¹ of itself, a hundredth of the margin. What is not proven here is that the margin itself
 * survives further smoothing (it does for Gaussian-like shapes, where it shrinks like
 * 1/(1/margin + passes)); a test therefore runs ImageJ's full 10 000 passes on every golden and
 * synthetic record and on random histograms and finds the same outcome every time. On the golden
 * records that ImageJ gives up on, the test passes after 99 to 3 052 passes; a histogram that
 * never passes it still runs all 10 000 (about 2 ms).
 *
 * Ties: smoothing rounds differently for larger counts, so integer counts are first divided by
 * their greatest common divisor (see `occupiedShape` in policy.ts): a histogram and its multiples
 * then smooth bit for bit alike.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin; not two
 * peaks after 10 000 smoothings, or provably never (see above) → `autothresh.methodFailed`.
 *
 * Complexity: O(n) per smoothing pass for n = last − first + 1 bins, at most 10 000 passes
 * (typically tens); the occupied range is copied into a buffer allocated once per thread.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import {
  methodFailed, occupiedShape, requireOccupiedBins, smoothingPasses,
} from './policy.js';

/** ImageJ's limit on smoothing passes. */
export const INTERMODES_MAX_ITERATIONS = 10_000;
/** Passes between two log-concavity tests (the test costs about one pass). */
export const LOG_CONCAVITY_CHECK_INTERVAL = 8;
/** Relative margin of the log-concavity test. */
const LOG_CONCAVITY_MARGIN = 1 + 1e-9;

/** The histogram being smoothed in place, reused by every call on this thread. */
const SMOOTHED = new Float64Array(BIN_COUNT);

/** The intermodes threshold of `histogram` (a bin index). */
export function intermodesThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'intermodes');
  if (first === last) return first;

  // Smooth until exactly two strict maxima remain.
  const smooth = occupiedShape(histogram, first, last, SMOOTHED);
  let maxima = countStrictMaxima(smooth, 3);
  let passes = 0;
  while (maxima !== 2) {
    if (passes === INTERMODES_MAX_ITERATIONS) {
      throw methodFailed('intermodes', `expected two peaks, none or more than two remain after`
        + ` ${smoothingPasses(passes)}`);
    }
    if (passes % LOG_CONCAVITY_CHECK_INTERVAL === 0 && maxima < 2 && isLogConcave(smooth)) {
      throw methodFailed('intermodes', `expected two peaks, the histogram has one after`
        + ` ${smoothingPasses(passes)} and keeps one (it is log-concave)`);
    }
    maxima = smoothAndCountMaxima(smooth);
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

/**
 * One in-place 3-bin running mean, zero outside the array: `(left + centre + right) / 3`, in
 * ImageJ's order of operations. Returns the number of strict maxima of the result (all of them).
 */
export function smoothAndCountMaxima(values: Float64Array): number {
  const last = values.length - 1;
  let previous = 0;
  let current = 0;
  let next = values[0];
  // Output values two and one bins back, to test the bin before the one just written; starting
  // at +∞, they keep the first two bins from being tested (neither has two neighbours yet).
  let twoBack = Infinity;
  let oneBack = Infinity;
  let maxima = 0;
  for (let bin = 0; bin < last; bin++) {
    previous = current;
    current = next;
    next = values[bin + 1];
    const smoothed = (previous + current + next) / 3;
    values[bin] = smoothed;
    // Counted without a branch: a mispredicted one costs more than the whole step.
    maxima += +(twoBack < oneBack) & +(smoothed < oneBack);
    twoBack = oneBack;
    oneBack = smoothed;
  }
  const end = (current + next) / 3;
  values[last] = end;
  maxima += +(twoBack < oneBack) & +(end < oneBack);
  return maxima;
}

/** True when every value is > 0 and v_b² ≥ (1 + 10⁻⁹)·v_{b−1}·v_{b+1} (zero outside). */
function isLogConcave(values: Float64Array): boolean {
  const last = values.length - 1;
  for (let bin = 0; bin <= last; bin++) {
    if (!(values[bin] > 0)) return false;
  }
  for (let bin = 1; bin < last; bin++) {
    const value = values[bin];
    if (!(value * value >= LOG_CONCAVITY_MARGIN * values[bin - 1] * values[bin + 1])) return false;
  }
  return true;
}
