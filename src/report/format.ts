/**
 * How metric values are shown in tables: ratios as percentages with two decimals (as the DIBCO
 * contests print them), PSNR in dB, DRD and threshold errors as plain numbers, missing values
 * as an en dash.
 */
import type { MetricName } from '../bench/metrics.js';
import type { BenchResult, MethodSummary } from '../bench/results.js';
import { counted } from '../util/counts.js';

/** Column titles of the metrics in tables. */
export const METRIC_TITLES: Record<MetricName, string> = {
  fmeasure: 'F %',
  precision: 'P %',
  recall: 'R %',
  accuracy: 'Acc %',
  iou: 'IoU %',
  mcc: 'MCC',
  psnr: 'PSNR dB',
  drd: 'DRD',
  thresholdError: '|t−t*|',
};

const PERCENT_METRICS: ReadonlySet<MetricName> = new Set([
  'fmeasure', 'precision', 'recall', 'accuracy', 'iou',
]);

export const MISSING = '–';

/** One metric value as a table cell. */
export function formatMetric(metric: MetricName, value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  if (PERCENT_METRICS.has(metric)) return (100 * value).toFixed(2);
  if (metric === 'mcc') return value.toFixed(3);
  if (metric === 'thresholdError') return value.toFixed(1);
  return value.toFixed(2);
}

/** A metric's bootstrap interval as `[low, high]` in the metric's display units. */
export function formatInterval(metric: MetricName, interval: [number, number] | null): string {
  if (interval === null) return MISSING;
  return `${formatMetric(metric, interval[0])}–${formatMetric(metric, interval[1])}`;
}

/** Wins/ties/losses against the reference, or a dash for the reference itself. */
export function formatComparison(summary: MethodSummary): string {
  const comparison = summary.versusReference;
  if (comparison === null) return MISSING;
  return `${comparison.wins}/${comparison.ties}/${comparison.losses}`;
}

/** One line describing the run (inputs, settings). */
export function describeRun(result: BenchResult): string {
  const datasets = new Set(result.images.map((image) => image.dataset)).size;
  const { settings } = result;
  const level = Math.round(settings.level * 100);
  const polarity = settings.polarity === 'auto'
    ? 'polarity auto (every row but the model takes the side the model predicts; |t−t*| and ' +
      'the oracle use the best threshold for that side)'
    : 'polarity truth (every row but the model takes the ground truth\'s side)';
  const fromFiles = result.images.length - result.records;
  const images = result.records === 0 ? counted(fromFiles, 'image')
    : fromFiles === 0 ? counted(result.records, 'record')
    : `${counted(fromFiles, 'image')} and ${counted(result.records, 'record')}`;
  const compared = result.methods.some((method) => method.name === settings.reference)
    ? `; W/T/L = per-image F-measure against ${settings.reference} (ties within ` +
      `${settings.tieTolerance})`
    : '';
  return `${images} in ${counted(datasets, 'dataset')}; ${polarity}; ` +
    `best threshold t* by ${settings.objective}; ${level}% intervals from ${settings.resamples} ` +
    `bootstrap resamples (seed ${settings.seed})${compared}` +
    (settings.roi ? '; scored inside the regions of interest' : '') +
    (settings.maskThreshold === 0 ? '' : `; foreground = mask value > ${settings.maskThreshold}`) +
    localParamsText(settings.localParams);
}

/** `; local methods with window 31, k 0.3` for the parameters given, or nothing. */
function localParamsText(params: BenchResult['settings']['localParams']): string {
  const given = Object.entries(params).filter(([, value]) => value !== undefined);
  if (given.length === 0) return '';
  return `; local methods with ${given.map(([name, value]) => `${name} ${value}`).join(', ')}`;
}

/** Summaries of one dataset (or all images), in method order. */
export function summariesOf(result: BenchResult, dataset: string): MethodSummary[] {
  return result.methods
    .map((method) => result.summaries.find(
      (summary) => summary.dataset === dataset && summary.method === method.name,
    ))
    .filter((summary): summary is MethodSummary => summary !== undefined);
}

/** Dataset names in the summaries, sorted, without the all-images group. */
export function datasetsOf(result: BenchResult, all: string): string[] {
  return [...new Set(result.summaries.map((summary) => summary.dataset))]
    .filter((dataset) => dataset !== all)
    .sort();
}
