/**
 * The one policy every global threshold method follows on degenerate input.
 *
 * - An empty histogram (every count 0) throws `autothresh.emptyHistogram`: no method can say
 *   anything about an image without pixels.
 * - A histogram with a single occupied bin returns that bin. The image is constant, so every
 *   threshold ≥ that bin binarizes it the same way; returning the bin itself keeps the result
 *   inside the occupied range. Callers that want to warn use {@link isSingleValued}.
 * - A method that cannot find what it looks for (two modes, a fixed point, k classes) throws
 *   `autothresh.methodFailed`, naming the method, the reason and, for iterative methods, the
 *   number of iterations spent. No method returns −1, NaN or 256.
 * - Every result lies inside the occupied range `[first occupied bin, last occupied bin]`;
 *   methods whose reference can step outside it (Triangle's one-bin shift, Percentile with an
 *   extreme fraction, Moments, MinError) clamp, and say so in their doc comment.
 *
 * Methods never modify the caller's histogram: derived histograms live in `Float64Array`s.
 *
 * Scale: a threshold depends on the shape of the histogram, not on the image size. Methods whose
 * floating-point arithmetic is not exactly scale-free (smoothing, weighted sums of logarithms,
 * products of class sizes) first divide integer counts by their greatest common divisor
 * ({@link occupiedShape}); a histogram and any integer or rational multiple of it then go through
 * bit-identical arithmetic, so near-ties are broken the same way for both. Image histograms
 * almost always have a divisor of 1 and are used as they are, so the references' arithmetic is
 * unchanged on them.
 */
import { AutothreshError } from '../../errors.js';
import { BIN_COUNT, countsArray, type Histogram } from '../../histogram/histogram.js';

/**
 * The counts of `histogram` as a Float64Array (shared with the histogram, see `countsArray`):
 * indexed reads from it are several times faster than from the frozen `counts` array, and every
 * method run on one histogram reads the same array. Never write to the result.
 */
export function binCounts(histogram: Histogram): Float64Array {
  return countsArray(histogram);
}

/** First and last bin with a positive count. */
export interface OccupiedBins {
  readonly first: number;
  readonly last: number;
}

/**
 * The occupied range of `histogram`, or an `autothresh.emptyHistogram` error naming `method`.
 * O(256).
 */
export function requireOccupiedBins(histogram: Histogram, method: string): OccupiedBins {
  const counts = binCounts(histogram);
  let first = 0;
  while (first < BIN_COUNT && !(counts[first] > 0)) first++;
  if (first === BIN_COUNT) {
    throw new AutothreshError(
      'autothresh.emptyHistogram',
      `${method}: expected a histogram with at least one pixel, found all 256 counts 0`,
    );
  }
  let last = BIN_COUNT - 1;
  while (!(counts[last] > 0)) last--;
  return { first, last };
}

/**
 * True when exactly one bin is occupied (a constant image). Every method then returns that
 * bin; the CLI warns that the threshold carries no information. False for an empty histogram.
 */
export function isSingleValued(histogram: Histogram): boolean {
  const counts = binCounts(histogram);
  let occupied = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    if (counts[bin] > 0 && ++occupied > 1) return false;
  }
  return occupied === 1;
}

/** The `autothresh.methodFailed` error for `method`, with `reason` as the rest of the line. */
export function methodFailed(method: string, reason: string): AutothreshError {
  return new AutothreshError('autothresh.methodFailed', `${method}: ${reason}`);
}

/**
 * The counts of bins `first..last` (entry 0 is bin `first`) in a new Float64Array (or the start
 * of `into`, which must hold at least `last − first + 1` entries), divided by
 * their greatest common divisor when every one of them is an integer below 2⁵³; fractional
 * counts of derived histograms are copied as they are. For nearly every image the divisor is 1
 * (found after a few bins) and the counts are copied unchanged. O(n).
 */
export function occupiedShape(
  histogram: Histogram,
  first: number,
  last: number,
  into?: Float64Array<ArrayBuffer>,
): Float64Array<ArrayBuffer> {
  const counts = binCounts(histogram);
  let shape: Float64Array<ArrayBuffer>;
  if (into === undefined) shape = counts.slice(first, last + 1);
  else {
    shape = into.subarray(0, last - first + 1);
    shape.set(counts.subarray(first, last + 1));
  }
  const divisor = countDivisor(histogram);
  if (divisor > 1) for (let i = 0; i < shape.length; i++) shape[i] /= divisor;
  return shape;
}

/**
 * The divisor of the histogram asked about last: four methods ask in turn about the same
 * histogram (histograms are immutable, so the same object has the same divisor).
 */
let lastDivisor: { histogram: Histogram; divisor: number } | null = null;

/**
 * The greatest common divisor of all counts (bins outside the occupied range are 0 and change
 * nothing); 1 when a count is fractional or not below 2⁵³, 0 for an empty histogram.
 */
export function countDivisor(histogram: Histogram): number {
  if (lastDivisor?.histogram === histogram) return lastDivisor.divisor;
  const counts = binCounts(histogram);
  let divisor = 0;
  for (let bin = 0; bin < BIN_COUNT && divisor !== 1; bin++) {
    const count = counts[bin];
    divisor = Number.isSafeInteger(count) ? greatestCommonDivisor(count, divisor) : 1;
  }
  lastDivisor = { histogram, divisor };
  return divisor;
}

/** Euclid's algorithm on non-negative integers. */
function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) {
    const remainder = a % b;
    a = b;
    b = remainder;
  }
  return a;
}

/** `threshold` moved into `[bins.first, bins.last]`. */
export function clampToOccupied(threshold: number, bins: OccupiedBins): number {
  return Math.min(bins.last, Math.max(bins.first, threshold));
}

/**
 * Throws `autothresh.invalidParameter` unless `value` is a finite number in `[min, max]`
 * (and an integer when `integer` is set). `name` is the parameter as the user wrote it.
 */
export function checkParameter(
  method: string,
  name: string,
  value: number,
  min: number,
  max: number,
  integer = false,
): void {
  const valid = Number.isFinite(value) && value >= min && value <= max
    && (!integer || Number.isInteger(value));
  if (valid) return;
  const kind = integer ? 'an integer' : 'a number';
  throw new AutothreshError(
    'autothresh.invalidParameter',
    `${method}: expected ${name} to be ${kind} in [${min}, ${max}], received ${value}`,
  );
}

/** "1 smoothing pass", "12 smoothing passes": for the messages of the smoothing methods. */
export function smoothingPasses(passes: number): string {
  return passes === 1 ? '1 smoothing pass' : `${passes} smoothing passes`;
}
