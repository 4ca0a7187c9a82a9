/**
 * The data block of the HTML report: what the page's script draws, as compact JSON.
 *
 * Every image's histogram is in it (trimmed to its occupied bins), with the threshold and
 * F-measure of every histogram method (global methods, the model, the oracle) on it, so that
 * the page can show any image's histogram with the thresholds marked; charts are drawn only for
 * the image chosen in the selector and the few most disputed ones. F-measures are rounded to
 * four decimals (hundredths of a percent, as the tables show them).
 */
import { ALL_DATASETS, type BenchResult, type MethodSpec } from '../bench/results.js';
import { featuredMethods, mostDisputed } from './gallery.js';

export interface ReportData {
  allDatasets: string;
  methods: { name: string; kind: string; colour: string }[];
  summaries: BenchResult['summaries'];
  /** Per featured method but the oracle: [best threshold for its polarity, its threshold]. */
  scatter: { method: string; points: [number, number][] }[];
  /** Every image: its histogram counts from bin `first` on (trailing empty bins cut). */
  images: { id: string; dataset: string; first: number; counts: number[] }[];
  /** Per histogram method, per image: threshold and F-measure (`null`: failed or not run). */
  thresholds: { method: string; values: (number | null)[]; fmeasures: (number | null)[] }[];
  /** Methods whose thresholds the histogram charts mark (the oracle dashed). */
  featured: string[];
  /** Image indices, most disputed first (largest F-measure spread among featured methods). */
  order: number[];
  /** F-measure spread of each image (`null` when fewer than one featured method scored it). */
  spreads: (number | null)[];
  /** Histogram cards drawn at once: the first `cards` images of `order`. */
  cards: number;
}

const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
  '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd',
  '#e6550d', '#31a354', '#756bb1', '#636363',
];

/** The data block for `result`, with `cards` histogram cards of the most disputed images. */
export function reportData(result: BenchResult, cards: number): ReportData {
  const featured = featuredMethods(result);
  const disputed = mostDisputed(result, featured);
  const spreads: (number | null)[] = result.images.map(() => null);
  for (const { index, spread } of disputed) spreads[index] = round(spread);
  const ranked = new Set(disputed.map(({ index }) => index));
  const order = [
    ...disputed.map(({ index }) => index),
    ...result.images.map((_, index) => index).filter((index) => !ranked.has(index)),
  ];
  return {
    allDatasets: ALL_DATASETS,
    methods: result.methods.map((method, index) => ({
      name: method.name, kind: method.kind, colour: PALETTE[index % PALETTE.length],
    })),
    summaries: result.summaries,
    scatter: scatterData(result, featured.filter((method) => method.kind !== 'oracle')),
    images: result.images.map((image) => ({ id: image.id, dataset: image.dataset,
      ...trimmed(image.histogram) })),
    thresholds: thresholdData(result),
    featured: featured.map((method) => method.name),
    order,
    spreads,
    cards: Math.min(cards, disputed.length),
  };
}

function scatterData(
  result: BenchResult,
  methods: readonly MethodSpec[],
): ReportData['scatter'] {
  return methods.map((method) => ({
    method: method.name,
    points: result.results
      .filter((row) => row.method === method.name && row.threshold !== null)
      .map((row): [number, number] => [row.bestThreshold!, row.threshold!]),
  }));
}

function thresholdData(result: BenchResult): ReportData['thresholds'] {
  const rows = new Map(result.methods
    .filter((method) => method.kind !== 'local')
    .map((method) => [method.name, {
      method: method.name,
      values: result.images.map((): number | null => null),
      fmeasures: result.images.map((): number | null => null),
    }]));
  for (const row of result.results) {
    const target = rows.get(row.method);
    if (target === undefined || row.threshold === null || row.metrics === null) continue;
    target.values[row.image] = row.threshold;
    target.fmeasures[row.image] = round(row.metrics.fmeasure);
  }
  return [...rows.values()];
}

/** Counts without the empty bins at both ends (`first`: the first bin kept). */
function trimmed(counts: readonly number[]): { first: number; counts: number[] } {
  let first = 0;
  while (first < counts.length && counts[first] === 0) first++;
  let last = counts.length - 1;
  while (last > first && counts[last] === 0) last--;
  return { first: Math.min(first, counts.length), counts: counts.slice(first, last + 1) };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
