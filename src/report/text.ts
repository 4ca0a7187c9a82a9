/**
 * Text renderings of a benchmark result:
 * - terminal: the overview and the per-dataset F-measure table, aligned, and pointers to the
 *   other formats for the rest;
 * - Markdown: the same tables, and the overview of each dataset, for a README or a pull request;
 * - JSON Lines: one `settings` object, one `image` object per image and method, one `summary`
 *   object per method and dataset (all images: dataset `all`);
 * - CSV: one row per image and method (RFC 4180 quoting), metrics as raw numbers (ratios in
 *   [0, 1], PSNR in dB).
 */
import { METRIC_NAMES } from '../bench/metrics.js';
import { ALL_DATASETS, type BenchResult } from '../bench/results.js';
import { printable } from '../util/printable.js';
import { datasetsOf, describeRun } from './format.js';
import { datasetTable, overviewTable, renderAligned, renderMarkdownTable } from './tables.js';

/**
 * The terminal report (what `autothresh bench` prints by default): the overview, F-measure by
 * dataset when there are several, and where to find the rest.
 */
export function renderTerminal(result: BenchResult): string {
  const parts = [
    `autothresh bench: ${printable(describeRun(result))}`,
    '',
    renderAligned(overviewTable(result)),
  ];
  const datasets = new Set(result.images.map((image) => image.dataset)).size;
  if (datasets > 1) parts.push(renderAligned(datasetTable(result)));
  const missing = referenceNote(result);
  if (missing !== null) parts.push(missing);
  parts.push(datasets > 1
    ? 'Every metric per dataset, with intervals and W/T/L: --markdown, --json or --html <file>; '
      + 'per image: --csv.\n'
    : 'Per image: --csv or --json; charts: --html <file>.\n');
  return parts.join('\n');
}

/** Why the W/T/L column is empty, or `null` when the reference method was run. */
export function referenceNote(result: BenchResult): string | null {
  const { reference } = result.settings;
  if (result.methods.some((method) => method.name === reference)) return null;
  return `W/T/L: – because ${reference}, the reference, is not among the methods ` +
    `(add it to --methods).\n`;
}

/** The Markdown report. */
export function renderMarkdown(result: BenchResult): string {
  const parts = [
    '## autothresh bench',
    '',
    printable(describeRun(result)),
    '',
    renderMarkdownTable(overviewTable(result)),
    renderMarkdownTable(datasetTable(result)),
  ];
  const datasets = datasetsOf(result, ALL_DATASETS);
  if (datasets.length > 1) {
    parts.push(...datasets.map((dataset) => renderMarkdownTable(overviewTable(result, dataset))));
  }
  if (result.notes.length > 0) {
    parts.push(result.notes.map((note) => `- ${printable(note)}`).join('\n') + '\n');
  }
  return parts.join('\n');
}

/** JSON Lines: settings, then every image result, then every summary. */
export function renderJsonLines(result: BenchResult): string {
  const lines: unknown[] = [{
    type: 'settings',
    ...result.settings,
    methods: result.methods,
    images: result.images.length,
    records: result.records,
    notes: result.notes,
    failures: result.failures,
    seconds: result.timing.seconds,
    workers: result.timing.workers,
  }];
  for (const row of imageRows(result)) lines.push({ type: 'image', ...row });
  for (const summary of result.summaries) lines.push({ type: 'summary', ...summary });
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/** One flat object per image and method. */
export function imageRows(result: BenchResult): Record<string, string | number | null>[] {
  return result.results.map((row) => {
    const image = result.images[row.image];
    const metrics = Object.fromEntries(
      METRIC_NAMES.map((metric) => [metric, row.metrics?.[metric] ?? null]),
    );
    return {
      dataset: image.dataset,
      id: image.id,
      source: image.source,
      method: row.method,
      kind: row.kind,
      threshold: row.threshold,
      polarity: row.polarity,
      truthPolarity: image.truthPolarity,
      bestThreshold: row.bestThreshold,
      ...metrics,
      error: row.error ?? null,
    };
  });
}

const CSV_COLUMNS = [
  'dataset', 'id', 'source', 'method', 'kind', 'threshold', 'polarity', 'truthPolarity',
  'bestThreshold', ...METRIC_NAMES, 'error',
] as const;

/** CSV with a header row, one row per image and method. */
export function renderCsv(result: BenchResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of imageRows(result)) {
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
