/**
 * Minimum: smooth the histogram until two peaks remain, then take the valley between them.
 *
 * Reference: J. M. S. Prewitt and M. L. Mendelsohn (1966), "The Analysis of Cell Images",
 * Annals of the New York Academy of Sciences 128(3): 1035–1053.
 * DOI 10.1111/j.1749-6632.1965.tb11715.x.
 *
 * Algorithm (as scikit-image 0.19 `threshold_minimum`): the occupied range `[first, last]` is
 * smoothed repeatedly by a 3-bin running mean whose ends reflect (the edge bin counts twice),
 * computed as SciPy's `uniform_filter1d` does (a running sum updated by the entering bin minus
 * the leaving one, divided by 3), until fewer than three peaks remain. A peak is the last bin of
 * a rise followed by a fall, so plateaus count once. With exactly two peaks, the result is the
 * lowest bin of the smoothed histogram between them (the first one on a tie).
 *
 * Convention: the valley bin belongs to the lower class (bins ≤ t).
 *
 * Matches: scikit-image 0.19 `threshold_minimum` on every golden record where it returns a
 * value, and fails (`autothresh.methodFailed`) on exactly the records where it raises. ImageJ's
 * `Minimum` smooths the whole 256-bin range with zero padding and takes the first valley, which
 * often lands elsewhere; it is not followed.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin; one peak
 * or still more than two after `maxIterations` smoothings → `autothresh.methodFailed`, naming
 * the number of peaks and smoothings.
 *
 * Ties: smoothing rounds differently for larger counts, so integer counts are first divided by
 * their greatest common divisor (see `occupiedShape` in policy.ts).
 *
 * Complexity: O(n) per smoothing for n = last − first + 1 bins (one loop, no allocation); up
 * to `maxIterations` (10 000) smoothings, typically tens to a few hundred. Two 256-entry
 * Float64Arrays, allocated once per thread.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import {
  methodFailed, occupiedShape, requireOccupiedBins, smoothingPasses,
} from './policy.js';

/** SciPy/scikit-image's default limit on smoothing passes. */
export const MINIMUM_MAX_ITERATIONS = 10_000;

/** The two smoothing buffers (input and output of a pass), reused by every call on this thread. */
const SMOOTHED = [new Float64Array(BIN_COUNT), new Float64Array(BIN_COUNT)] as const;

/** The minimum-method threshold of `histogram` (a bin index). */
export function minimumThreshold(
  histogram: Histogram,
  maxIterations = MINIMUM_MAX_ITERATIONS,
): number {
  const { first, last } = requireOccupiedBins(histogram, 'minimum');
  if (first === last) return first;

  // Smooth the occupied range until fewer than three peaks remain.
  let smooth = occupiedShape(histogram, first, last, SMOOTHED[0]);
  let spare = SMOOTHED[1].subarray(0, smooth.length);
  let peaks = 0;
  let passes = 0;
  while (passes < maxIterations) {
    peaks = smoothReflected(smooth, spare);
    [smooth, spare] = [spare, smooth];
    passes++;
    if (peaks < 3) break;
  }
  if (peaks !== 2 || passes === maxIterations) {
    const found = peaks === 1 ? '1 peak' : `${peaks} peaks`;
    throw methodFailed('minimum', `expected two peaks in the smoothed histogram, found ${found}`
      + ` after ${smoothingPasses(passes)}`);
  }

  // The lowest smoothed bin between the two peaks.
  const firstPeak = nextPeak(smooth, 0);
  const secondPeak = nextPeak(smooth, firstPeak + 1);
  let valley = firstPeak;
  for (let bin = firstPeak + 1; bin <= secondPeak; bin++) {
    if (smooth[bin] < smooth[valley]) valley = bin;
  }
  return first + valley;
}

/**
 * 3-bin running mean with reflected ends (SciPy `uniform_filter1d(size=3, mode='reflect')`),
 * written into `output`; returns the number of peaks of the output, counted in the same loop
 * (scikit-image's peaks: the last bin of every rise, or of the start, that is followed by a
 * fall, so a plateau counts once). The running-sum form is kept so that results agree bit for
 * bit.
 */
export function smoothReflected(input: Float64Array, output: Float64Array): number {
  const last = input.length - 1;
  let sum = input[0] + input[0] + input[Math.min(1, last)];
  let previous = sum / 3;
  output[0] = previous;
  if (last === 0) return 0;
  // The same running sum as `sum += input[min(b + 1, last)] − input[max(b − 2, 0)]`, with the
  // two clamped ends taken out of the loop; `state` tracks the peaks (see nextPeakState).
  sum += input[Math.min(2, last)] - input[0];
  let value = sum / 3;
  output[1] = value;
  let state = nextPeakState(RISING, previous, value);
  for (let bin = 2; bin < last; bin++) {
    sum += input[bin + 1] - input[bin - 2];
    previous = value;
    value = sum / 3;
    output[bin] = value;
    state = nextPeakState(state, previous, value);
  }
  if (last >= 2) {
    sum += input[last] - input[last - 2];
    const end = sum / 3;
    output[last] = end;
    state = nextPeakState(state, value, end);
  }
  return state >> 1;
}

/** Peak-search state: twice the peaks found so far, plus 1 while the values are rising. */
const RISING = 1;

/**
 * scikit-image's peak search, one step from `from` to `to`: while rising, a fall ends a peak
 * (at `from`); while falling, a rise starts the next climb.
 */
function nextPeakState(state: number, from: number, to: number): number {
  if ((state & RISING) !== 0) return to < from ? state + 1 : state;
  return to > from ? state | RISING : state;
}

/** The first peak (as in {@link smoothReflected}) at or after `from`, which must follow one. */
function nextPeak(values: Float64Array, from: number): number {
  let bin = from;
  // After a peak the values fall first; skip the fall, then find the end of the next rise.
  if (from > 0) while (bin < values.length - 1 && !(values[bin + 1] > values[bin])) bin++;
  while (bin < values.length - 1 && !(values[bin + 1] < values[bin])) bin++;
  return bin;
}
