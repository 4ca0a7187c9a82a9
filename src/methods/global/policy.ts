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
 */
import { AutothreshError } from '../../errors.js';
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';

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
  const { counts } = histogram;
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
  const { counts } = histogram;
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
