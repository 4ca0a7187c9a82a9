/**
 * Summaries of a benchmark: per method, the mean of every metric over each dataset and over all
 * images (a plain mean over images, as DIBCO averages its per-image F-measures), a bootstrap
 * confidence interval of the headline means, and wins / ties / losses against a reference
 * method on per-image F-measure.
 *
 * Intervals: each dataset is resampled on its own; the interval over all images pools these
 * resamples (a bootstrap stratified by dataset, each dataset keeping its size), so every image
 * is drawn once per resample and the datasets' intervals and the overall one agree.
 */
import {
  addResampleSums, emptyResampleSums, intervalsOf, resampleSums, type ResampleSums,
} from './bootstrap.js';
import { METRIC_NAMES, type MetricName } from './metrics.js';
import {
  ALL_DATASETS,
  type BenchImage, type Comparison, type ImageResult, type MethodSpec, type MethodSummary,
  type MetricSummary,
} from './results.js';
import { createRandom } from '../util/random.js';

export interface SummaryOptions {
  /** Bootstrap resamples. Default 1000. */
  resamples?: number;
  /** Confidence level. Default 0.95. */
  level?: number;
  /** Seed of the resampling. Default 1. */
  seed?: number;
  /**
   * Metrics that get a bootstrap interval. Default: F-measure only (the headline; each metric
   * adds O(resamples × images × methods) work).
   */
  intervalMetrics?: readonly MetricName[];
  /** Method compared against. Default `otsu`. */
  reference?: string;
  /**
   * Per-image F-measures closer than this are a tie. Default 1e-9: ties are exact equalities up
   * to rounding (typically both methods chose the same threshold).
   */
  tieTolerance?: number;
}

export const DEFAULT_INTERVAL_METRICS: readonly MetricName[] = ['fmeasure'];

/** Summaries for every dataset (sorted by name) and then {@link ALL_DATASETS}. */
export function summarize(
  images: readonly BenchImage[],
  methods: readonly MethodSpec[],
  results: readonly ImageResult[],
  options: SummaryOptions = {},
): MethodSummary[] {
  const datasets = [...new Set(images.map((image) => image.dataset))].sort();
  const groups = datasets.map((dataset) => ({
    dataset,
    members: indicesWhere(images, (image) => image.dataset === dataset),
  }));
  const table = resultTable(images.length, methods, results);
  const keys = intervalKeys(methods, options);
  const random = createRandom(options.seed ?? 1);
  const pooled = emptyResampleSums(keys.length, options.resamples ?? 1000);

  const summaries: MethodSummary[] = [];
  for (const group of groups) {
    const columns = intervalColumns(group.members, keys, table);
    const resampled = resampleSums(columns, options, random.fork());
    addResampleSums(pooled, resampled);
    const intervals = intervalMap(keys, resampled, options);
    for (const method of methods) {
      summaries.push(summarizeGroup(group, images, method, table, intervals, options));
    }
  }
  const all = { dataset: ALL_DATASETS, members: images.map((_, index) => index) };
  const intervals = intervalMap(keys, pooled, options);
  for (const method of methods) {
    summaries.push(summarizeGroup(all, images, method, table, intervals, options));
  }
  return summaries;
}

/** The (method, metric) pairs that get an interval. */
function intervalKeys(
  methods: readonly MethodSpec[],
  options: SummaryOptions,
): { method: string; metric: MetricName }[] {
  const metrics = options.intervalMetrics ?? DEFAULT_INTERVAL_METRICS;
  return methods.flatMap((method) => metrics.map((metric) => ({ method: method.name, metric })));
}

function intervalColumns(
  members: number[],
  keys: readonly { method: string; metric: MetricName }[],
  table: ResultTable,
): Float64Array[] {
  return keys.map(({ method, metric }) => {
    const all = table.values.get(method)!.get(metric)!;
    return Float64Array.from(members, (index) => all[index]);
  });
}

function intervalMap(
  keys: readonly { method: string; metric: MetricName }[],
  resampled: ResampleSums,
  options: SummaryOptions,
): Map<string, [number, number] | null> {
  const intervals = intervalsOf(resampled, options.level);
  return new Map(keys.map((key, index) => [`${key.method}/${key.metric}`, intervals[index]]));
}

/** Per method and metric, the value for every image (`NaN` where the method failed). */
interface ResultTable {
  values: Map<string, Map<MetricName, Float64Array>>;
  rows: Map<string, (ImageResult | undefined)[]>;
}

function resultTable(
  imageCount: number,
  methods: readonly MethodSpec[],
  results: readonly ImageResult[],
): ResultTable {
  const values = new Map<string, Map<MetricName, Float64Array>>();
  const rows = new Map<string, (ImageResult | undefined)[]>();
  // Per method, its rows and its columns in METRIC_NAMES order: one lookup per result.
  const filled = new Map<string, { rows: (ImageResult | undefined)[]; columns: Float64Array[] }>();
  for (const method of methods) {
    const columns = METRIC_NAMES.map(() => new Float64Array(imageCount).fill(NaN));
    values.set(method.name, new Map(METRIC_NAMES.map((metric, m) => [metric, columns[m]])));
    rows.set(method.name, new Array(imageCount));
    filled.set(method.name, { rows: rows.get(method.name)!, columns });
  }
  for (const result of results) {
    const target = filled.get(result.method);
    if (target === undefined) continue;
    target.rows[result.image] = result;
    if (result.metrics === null) continue;
    for (let m = 0; m < METRIC_NAMES.length; m++) {
      const value = result.metrics[METRIC_NAMES[m]];
      if (value !== null) target.columns[m][result.image] = value;
    }
  }
  return { values, rows };
}

function summarizeGroup(
  { dataset, members }: { dataset: string; members: number[] },
  images: readonly BenchImage[],
  method: MethodSpec,
  table: ResultTable,
  intervals: Map<string, [number, number] | null>,
  options: SummaryOptions,
): MethodSummary {
  const rows = table.rows.get(method.name)!;
  const metrics: Record<string, MetricSummary> = {};
  for (const metric of METRIC_NAMES) {
    const all = table.values.get(method.name)!.get(metric)!;
    metrics[metric] = {
      mean: meanOf(members, all),
      interval: intervals.get(`${method.name}/${metric}`) ?? null,
    };
  }

  const scored = members.filter((index) => rows[index]?.metrics != null).length;
  const attempted = members.filter((index) => rows[index] !== undefined).length;
  const reference = options.reference ?? 'otsu';
  return {
    dataset,
    method: method.name,
    kind: method.kind,
    images: scored,
    failed: attempted - scored,
    metrics,
    versusReference: method.name === reference || !table.values.has(reference)
      ? null
      : compare(members, table, method.name, reference, options.tieTolerance ?? 1e-9),
    polarityAccuracy: method.kind === 'learned' ? polarityAccuracy(members, rows, images) : null,
  };
}

/** Mean of the members' values, skipping `NaN`; `null` when there is none. */
function meanOf(members: number[], values: Float64Array): number | null {
  let sum = 0;
  let count = 0;
  for (const index of members) {
    const value = values[index];
    if (value !== value) continue;
    sum += value;
    count++;
  }
  return count === 0 ? null : sum / count;
}

function compare(
  members: number[],
  table: ResultTable,
  method: string,
  reference: string,
  tolerance: number,
): Comparison | null {
  const mine = table.values.get(method)!.get('fmeasure')!;
  const theirs = table.values.get(reference)!.get('fmeasure')!;
  const comparison: Comparison = { wins: 0, ties: 0, losses: 0 };
  for (const index of members) {
    const difference = mine[index] - theirs[index];
    if (difference !== difference) continue; // one of them failed on this image
    if (Math.abs(difference) <= tolerance) comparison.ties++;
    else if (difference > 0) comparison.wins++;
    else comparison.losses++;
  }
  // No image that both scored: nothing was compared (shown as –, not 0/0/0).
  return comparison.wins + comparison.ties + comparison.losses === 0 ? null : comparison;
}

function polarityAccuracy(
  members: number[],
  rows: (ImageResult | undefined)[],
  images: readonly BenchImage[],
): number | null {
  let right = 0;
  let counted = 0;
  for (const index of members) {
    const row = rows[index];
    if (row?.polarity == null) continue;
    counted++;
    if (row.polarity === images[index].truthPolarity) right++;
  }
  return counted === 0 ? null : right / counted;
}

function indicesWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number[] {
  const indices: number[] = [];
  items.forEach((item, index) => {
    if (predicate(item)) indices.push(index);
  });
  return indices;
}
