/**
 * Percentile bootstrap confidence intervals of means (Efron & Tibshirani 1993, "An Introduction
 * to the Bootstrap", ch. 13 and, for strata, ch. 6.3).
 *
 * The images of a group are resampled with replacement `resamples` times; each resample's mean
 * is computed, and the interval is the (1 − level)/2 and (1 + level)/2 quantiles of those means
 * (linear interpolation between order statistics). All columns of a group (every method) are
 * resampled together, image by image, so their intervals are paired, and a seed fixes them all.
 *
 * Groups can be pooled: adding the per-resample sums of several groups gives the stratified
 * bootstrap of their union (each stratum resampled within itself, its size kept), which is how
 * the interval over all images is formed from the per-dataset resamples.
 * Cost: O(resamples × images × columns); memory O(resamples × columns).
 */
import { createRandom, type Random } from '../util/random.js';

export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  resamples?: number;
  /** Confidence level in (0, 1). Default 0.95. */
  level?: number;
  /** Seed of the resampling (when no generator is given). Default 1. */
  seed?: number;
}

/** Per column and resample: the sum and the number of values drawn (`NaN`s skipped). */
export interface ResampleSums {
  readonly sums: Float64Array[];
  readonly counts: Uint32Array[];
}

/**
 * Resamples the rows of `columns` (each one value per image of the group; `NaN` marks an image
 * the column has no value for, skipped in every mean).
 */
export function resampleSums(
  columns: readonly Float64Array[],
  options: BootstrapOptions = {},
  random: Random = createRandom(options.seed ?? 1),
): ResampleSums {
  const resamples = options.resamples ?? 1000;
  const count = columns[0]?.length ?? 0;
  const width = columns.length;
  const sums = columns.map(() => new Float64Array(resamples));
  const counts = columns.map(() => new Uint32Array(resamples));
  if (count === 0) return { sums, counts };

  // Per column, the values with NaN as 0, so that a drawn image adds without a branch; only
  // the columns with missing values need their drawn values counted (the others count every
  // draw), from a 1-or-0 presence column each. Every column summed, and where its sums go.
  const gappy = columns.flatMap((column, c) => (column.some(Number.isNaN) ? [c] : []));
  const summed = [
    ...columns.map((column) => column.map((value) => (value === value ? value : 0))),
    ...gappy.map((c) => columns[c].map((value) => (value === value ? 1 : 0))),
  ];
  // Drawn-value counts are summed as doubles too (exact far beyond any image count) and copied
  // into `counts` at the end: one element type in the summing loop, which is then compiled for it
  // alone (a mix recompiled it, or left it to the interpreter, at every resample).
  const drawnCounts = gappy.map(() => new Float64Array(resamples));
  const targets: Float64Array[] = [...sums, ...drawnCounts];
  for (const column of counts) column.fill(count);
  // Padded to whole groups of eight with columns of zeros (their sums go nowhere useful).
  while (summed.length % 8 !== 0) {
    summed.push(new Float64Array(count));
    targets.push(new Float64Array(resamples));
  }

  // Row-major, one row per image, so that the eight values a pass reads from a drawn image
  // lie side by side, in one or two cache lines (row offsets fit an Int32Array long before the
  // rows fit in memory).
  const stride = summed.length;
  const rows = new Float64Array(count * stride);
  summed.forEach((column, c) => {
    for (let k = 0; k < count; k++) rows[k * stride + c] = column[k];
  });

  // Each resample draws its images once; then every column sums its drawn values in draw
  // order, eight columns per pass over the draws: independent running sums keep the adder busy
  // (one sum alone waits on each addition before the next), and each pass reads the draws once
  // for all eight.
  const drawn = new Int32Array(count);
  for (let r = 0; r < resamples; r++) {
    random.fillIntegers(drawn, count);
    for (let k = 0; k < count; k++) drawn[k] *= stride;
    for (let c = 0; c < stride; c += 8) sumEightAt(rows, c, drawn, targets, r);
  }
  gappy.forEach((c, k) => counts[c].set(drawnCounts[k]));
  return { sums, counts };
}

/**
 * Σ over the draws of the values of columns `c` to `c + 7` in the drawn rows (`drawn` holds
 * each drawn row's offset in `rows`), added in draw order, written to `sums[c…c + 7][r]`.
 */
function sumEightAt(
  rows: Float64Array,
  c: number,
  drawn: Int32Array,
  sums: readonly Float64Array[],
  r: number,
): void {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let sum4 = 0;
  let sum5 = 0;
  let sum6 = 0;
  let sum7 = 0;
  for (let k = 0; k < drawn.length; k++) {
    const at = drawn[k] + c;
    sum0 += rows[at];
    sum1 += rows[at + 1];
    sum2 += rows[at + 2];
    sum3 += rows[at + 3];
    sum4 += rows[at + 4];
    sum5 += rows[at + 5];
    sum6 += rows[at + 6];
    sum7 += rows[at + 7];
  }
  sums[c][r] = sum0;
  sums[c + 1][r] = sum1;
  sums[c + 2][r] = sum2;
  sums[c + 3][r] = sum3;
  sums[c + 4][r] = sum4;
  sums[c + 5][r] = sum5;
  sums[c + 6][r] = sum6;
  sums[c + 7][r] = sum7;
}

/** Adds `other` into `total` (same columns and resamples): the stratified union. */
export function addResampleSums(total: ResampleSums, other: ResampleSums): void {
  total.sums.forEach((sums, c) => {
    for (let r = 0; r < sums.length; r++) {
      sums[r] += other.sums[c][r];
      total.counts[c][r] += other.counts[c][r];
    }
  });
}

/** Zeroed sums for `columns` columns and `resamples` resamples. */
export function emptyResampleSums(columns: number, resamples: number): ResampleSums {
  return {
    sums: Array.from({ length: columns }, () => new Float64Array(resamples)),
    counts: Array.from({ length: columns }, () => new Uint32Array(resamples)),
  };
}

/** The percentile interval of each column's resample means; `null` for a column never drawn. */
export function intervalsOf(
  resampled: ResampleSums,
  level = 0.95,
): ([number, number] | null)[] {
  return resampled.sums.map((sums, c) => {
    const counts = resampled.counts[c];
    // The means of the resamples that drew the column at least once.
    const means = new Float64Array(sums.length);
    let used = 0;
    for (let r = 0; r < sums.length; r++) {
      if (counts[r] > 0) means[used++] = sums[r] / counts[r];
    }
    if (used === 0) return null;
    const sorted = means.subarray(0, used).sort();
    const tail = (1 - level) / 2;
    return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
  });
}

/** Bootstrap intervals of the means of `columns` (one group). */
export function bootstrapIntervals(
  columns: readonly Float64Array[],
  options: BootstrapOptions = {},
  random?: Random,
): ([number, number] | null)[] {
  return intervalsOf(resampleSums(columns, options, random), options.level);
}

/** Quantile p of sorted values, linear interpolation between order statistics. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const fraction = position - below;
  if (fraction === 0) return sorted[below];
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}
