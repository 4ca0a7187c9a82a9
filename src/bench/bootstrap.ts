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

  // Row-major copies, one row per image: the values (NaN as 0) and whether each is present, so
  // that a drawn image adds its whole row without a branch.
  const values = new Float64Array(count * width);
  columns.forEach((column, c) => {
    for (let k = 0; k < count; k++) {
      const value = column[k];
      if (value === value) values[k * width + c] = value;
    }
  });
  // Only the columns with missing values need their drawn values counted (the others count
  // every draw); `present` holds, per row, 1 or 0 for each of those columns in turn.
  const gappy = columns.flatMap((column, c) => (column.some(Number.isNaN) ? [c] : []));
  const present = new Float64Array(count * gappy.length);
  gappy.forEach((c, g) => {
    for (let k = 0; k < count; k++) {
      present[k * gappy.length + g] = Number.isNaN(columns[c][k]) ? 0 : 1;
    }
  });

  const rowSums = new Float64Array(width);
  const gappyCounts = new Float64Array(gappy.length);
  for (let r = 0; r < resamples; r++) {
    rowSums.fill(0);
    gappyCounts.fill(0);
    for (let k = 0; k < count; k++) {
      const drawn = Math.floor(random.next() * count);
      const row = drawn * width;
      for (let c = 0; c < width; c++) rowSums[c] += values[row + c];
      const presence = drawn * gappy.length;
      for (let g = 0; g < gappy.length; g++) gappyCounts[g] += present[presence + g];
    }
    for (let c = 0; c < width; c++) {
      sums[c][r] = rowSums[c];
      counts[c][r] = count;
    }
    gappy.forEach((c, g) => {
      counts[c][r] = gappyCounts[g];
    });
  }
  return { sums, counts };
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
    const means: number[] = [];
    for (let r = 0; r < sums.length; r++) if (counts[r] > 0) means.push(sums[r] / counts[r]);
    if (means.length === 0) return null;
    const sorted = Float64Array.from(means).sort();
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
