/**
 * Summaries of labelled-record sets: counts per dataset, polarity mix, the distributions of best
 * thresholds and best scores, and how far Otsu's threshold lands from the best one.
 *
 * "F-measure lost" is, per record with class histograms, the best F-measure over all thresholds
 * (under the record's polarity) minus the F-measure at Otsu's threshold: 0 when Otsu is as good
 * as possible, up to 1.
 */
import { AutothreshError } from '../errors.js';
import { createHistogram } from '../histogram/histogram.js';
import { globalThreshold } from '../methods/global/index.js';
import { bestThreshold, confusionAt, score } from './objectives.js';
import { assertUniqueIds } from './records-io.js';
import type { LabelRecord } from './schema.js';

/** Minimum, quartiles, 10th/90th percentiles, maximum and mean of a sample. */
export interface Summary {
  count: number;
  mean: number;
  min: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
}

export interface GroupStats {
  /** Dataset name, or `all`. */
  name: string;
  records: number;
  /** Records of whole original images (no `augmentation`, not synthetic). */
  originals: number;
  augmented: number;
  synthetic: number;
  dark: number;
  bright: number;
  bestThreshold: Summary;
  bestScore: Summary | null;
  /** Counts of best thresholds in 16 bands of 16 bins (0–15, 16–31, …). */
  thresholdBands: number[];
  /** |t_otsu − t_best| in bins. */
  otsuDistance: Summary | null;
  /** Best F-measure minus F-measure at Otsu's threshold (records with class histograms). */
  otsuFmeasureLost: Summary | null;
  /** Records whose histogram Otsu could not threshold (e.g. empty). */
  otsuFailures: number;
}

export interface DatasetStats {
  all: GroupStats;
  datasets: GroupStats[];
}

/**
 * Summaries per dataset and of all records. Throws `autothresh.dataset` on a repeated id, and
 * when there is no record (every summary would be undefined).
 */
export function datasetStats(records: readonly LabelRecord[]): DatasetStats {
  if (records.length === 0) throw new AutothreshError('autothresh.dataset', 'stats: no records');
  assertUniqueIds(records, 'stats');
  const byDataset = new Map<string, LabelRecord[]>();
  for (const record of records) {
    const group = byDataset.get(record.dataset) ?? [];
    group.push(record);
    byDataset.set(record.dataset, group);
  }
  const names = [...byDataset.keys()].sort();
  return {
    all: groupStats('all', records),
    datasets: names.map((name) => groupStats(name, byDataset.get(name) as LabelRecord[])),
  };
}

function groupStats(name: string, records: readonly LabelRecord[]): GroupStats {
  const thresholds = records.map((record) => record.bestThreshold);
  const scores = records.flatMap((record) =>
    (record.bestScore === undefined ? [] : [record.bestScore]));
  const bands = new Array(16).fill(0);
  for (const threshold of thresholds) bands[threshold >> 4]++;

  const distances: number[] = [];
  const lost: number[] = [];
  let otsuFailures = 0;
  for (const record of records) {
    const comparison = compareWithOtsu(record);
    if (comparison === null) {
      otsuFailures++;
      continue;
    }
    distances.push(comparison.distance);
    if (comparison.fmeasureLost !== undefined) lost.push(comparison.fmeasureLost);
  }

  const synthetic = records.filter((record) => record.synthetic === true).length;
  const augmented = records.filter((record) =>
    record.synthetic !== true && record.augmentation !== undefined).length;
  return {
    name,
    records: records.length,
    originals: records.length - synthetic - augmented,
    augmented,
    synthetic,
    dark: records.filter((record) => record.polarity === 'dark').length,
    bright: records.filter((record) => record.polarity === 'bright').length,
    bestThreshold: summarize(thresholds),
    bestScore: scores.length === 0 ? null : summarize(scores),
    thresholdBands: bands,
    otsuDistance: distances.length === 0 ? null : summarize(distances),
    otsuFmeasureLost: lost.length === 0 ? null : summarize(lost),
    otsuFailures,
  };
}

/** Otsu's threshold against the record's best one; null when Otsu fails on the histogram. */
export function compareWithOtsu(
  record: LabelRecord,
): { otsu: number; distance: number; fmeasureLost?: number } | null {
  let otsu: number;
  try {
    otsu = globalThreshold('otsu', createHistogram(record.histogram));
  } catch {
    return null;
  }
  const distance = Math.abs(otsu - record.bestThreshold);
  const { foregroundHistogram: foreground, backgroundHistogram: background } = record;
  if (foreground === undefined || background === undefined) return { otsu, distance };

  const classes = { foreground, background };
  const best = bestThreshold(classes, record.polarity, 'fmeasure').score;
  const atOtsu = score('fmeasure', confusionAt(classes, otsu, record.polarity));
  return { otsu, distance, fmeasureLost: best - atOtsu };
}

/** Summary statistics (linear-interpolated quantiles) of a non-empty sample. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const quantile = (q: number): number => {
    if (sorted.length === 0) return Number.NaN;
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  };
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    min: quantile(0),
    p10: quantile(0.1),
    p25: quantile(0.25),
    median: quantile(0.5),
    p75: quantile(0.75),
    p90: quantile(0.9),
    max: quantile(1),
  };
}
