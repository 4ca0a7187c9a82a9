/**
 * The benchmark's summary tables, as plain cell grids that the terminal, Markdown and HTML
 * renderers share:
 * - the overview: every metric's mean over all images per method, with the F-measure interval,
 *   wins / ties / losses against the reference and, for the model, how often its polarity head
 *   matched the ground truth;
 * - F-measure per dataset: one row per method, one column per dataset.
 */
import type { MetricName } from '../bench/metrics.js';
import { ALL_DATASETS, type BenchResult } from '../bench/results.js';
import { printable } from '../util/printable.js';
import {
  datasetsOf, formatComparison, formatInterval, formatMetric, METRIC_TITLES, summariesOf,
} from './format.js';

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  /** Per column: right-aligned (numbers) or not. */
  numeric: boolean[];
}

/** Metrics of the overview table, in column order. */
export const OVERVIEW_METRICS: readonly MetricName[] = [
  'fmeasure', 'precision', 'recall', 'accuracy', 'iou', 'mcc', 'psnr', 'drd', 'thresholdError',
];

/** What the scored items are called: `records` when all came from --data files. */
function itemsWord(result: BenchResult): 'images' | 'records' {
  return result.images.length > 0 && result.records === result.images.length
    ? 'records'
    : 'images';
}

/** Every metric's mean per method over the images of `dataset` (default: all images). */
export function overviewTable(result: BenchResult, dataset: string = ALL_DATASETS): Table {
  const level = Math.round(result.settings.level * 100);
  const unit = itemsWord(result);
  const header = [
    'method', unit, METRIC_TITLES.fmeasure, `F ${level}% CI`,
    ...OVERVIEW_METRICS.slice(1).map((metric) => METRIC_TITLES[metric]),
    `W/T/L vs ${result.settings.reference}`,
    'polarity %',
  ];
  const rows = summariesOf(result, dataset).map((summary) => [
    summary.method,
    summary.failed > 0 ? `${summary.images} (+${summary.failed} failed)` : String(summary.images),
    formatMetric('fmeasure', summary.metrics.fmeasure.mean),
    formatInterval('fmeasure', summary.metrics.fmeasure.interval),
    ...OVERVIEW_METRICS.slice(1)
      .map((metric) => formatMetric(metric, summary.metrics[metric].mean)),
    formatComparison(summary),
    formatMetric('fmeasure', summary.polarityAccuracy),
  ]);
  const title = dataset === ALL_DATASETS ? `All ${unit}` : `Dataset ${dataset}`;
  return { title, header, rows, numeric: header.map((_, column) => column > 0) };
}

/** Mean of `metric` per method (rows) and dataset (columns), plus all images. */
export function datasetTable(result: BenchResult, metric: MetricName = 'fmeasure'): Table {
  const datasets = datasetsOf(result, ALL_DATASETS);
  const header = ['method', ...datasets, ALL_DATASETS];
  const rows = result.methods.map((method) => [
    method.name,
    ...[...datasets, ALL_DATASETS].map((dataset) => {
      const summary = result.summaries.find(
        (item) => item.dataset === dataset && item.method === method.name,
      );
      return formatMetric(metric, summary?.metrics[metric].mean);
    }),
  ]);
  const counts = [...datasets, ALL_DATASETS].map((dataset) => String(
    dataset === ALL_DATASETS
      ? result.images.length
      : result.images.filter((image) => image.dataset === dataset).length,
  ));
  rows.push([`(${itemsWord(result)})`, ...counts]);
  return {
    title: `${METRIC_TITLES[metric].replace(' %', '')} by dataset` +
      (metric === 'fmeasure' ? ' (%)' : ''),
    header,
    rows,
    numeric: header.map((_, column) => column > 0),
  };
}

/**
 * The table with every title, header and cell {@link printable}: dataset and model folder names
 * come from the file system or from records, and may hold line feeds or escape sequences.
 */
function printableTable(table: Table): Table {
  return {
    ...table,
    title: printable(table.title),
    header: table.header.map(printable),
    rows: table.rows.map((row) => row.map(printable)),
  };
}

/** Renders a table with aligned columns (two spaces apart) and a rule under the header. */
export function renderAligned(shown: Table): string {
  const table = printableTable(shown);
  const widths = table.header.map((title, column) => Math.max(
    title.length, ...table.rows.map((row) => (row[column] ?? '').length),
  ));
  const line = (cells: readonly string[]) => cells
    .map((cell, column) => table.numeric[column]
      ? cell.padStart(widths[column])
      : cell.padEnd(widths[column]))
    .join('  ')
    .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [table.title, line(table.header), rule, ...table.rows.map(line)].join('\n') + '\n';
}

/** Renders a table as GitHub-flavoured Markdown (with a heading). */
export function renderMarkdownTable(shown: Table): string {
  const table = printableTable(shown);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  const rule = `|${table.numeric.map((numeric) => (numeric ? ' ---: ' : ' --- ')).join('|')}|`;
  return [`### ${table.title}`, '', line(table.header), rule, ...table.rows.map(line)].join('\n')
    + '\n';
}
