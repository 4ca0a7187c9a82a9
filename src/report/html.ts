/**
 * The benchmark's HTML report: one self-contained file that needs no network to view. Chart.js
 * (its UMD bundle) and the drawing script are inlined, the data sits in a JSON block, and the
 * gallery thumbnails are data: URIs.
 *
 * Sections: settings and notes; mean F-measure per method (bar chart with bootstrap whiskers,
 * per dataset); the overview and per-dataset tables; predicted versus best threshold (scatter);
 * histograms of the most disputed images with the featured thresholds marked; a gallery of
 * input / ground truth / binarizations for the most disputed images that have pixels.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ALL_DATASETS, type BenchResult, type MethodSpec } from '../bench/results.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { describeRun, datasetsOf } from './format.js';
import { buildGallery, featuredMethods, mostDisputed, type GalleryEntry } from './gallery.js';
import { CLIENT_SCRIPT } from './html-client.js';
import { datasetTable, overviewTable, type Table } from './tables.js';

export interface HtmlOptions {
  /** Gallery images (most disputed first). Default 6. */
  galleryCount?: number;
  /** Histograms shown (most disputed first). Default 12. */
  histogramCount?: number;
  /** Longest side of a gallery thumbnail, pixels. Default 240. */
  thumbnailSide?: number;
}

/** Renders the report and writes it atomically. */
export async function writeHtmlReport(
  path: string,
  result: BenchResult,
  options: HtmlOptions = {},
): Promise<void> {
  await writeFileAtomic(path, await renderHtml(result, options));
}

/** The report as one HTML string. */
export async function renderHtml(result: BenchResult, options: HtmlOptions = {}): Promise<string> {
  const gallery = await buildGallery(result, {
    count: options.galleryCount ?? 6,
    maxSide: options.thumbnailSide ?? 240,
  });
  const data = reportData(result, options.histogramCount ?? 12);
  return page(result, data, gallery);
}

const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
  '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd',
  '#e6550d', '#31a354', '#756bb1', '#636363',
];

function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length];
}

interface HistogramData {
  id: string;
  dataset: string;
  counts: number[];
  lines: { threshold: number; colour: string; label: string; dashed: boolean }[];
}

interface ReportData {
  allDatasets: string;
  methods: { name: string; kind: string; colour: string }[];
  summaries: BenchResult['summaries'];
  scatter: { method: string; points: [number, number][] }[];
  histograms: HistogramData[];
}

function reportData(result: BenchResult, histogramCount: number): ReportData {
  const methods = result.methods.map((method, index) => ({
    name: method.name, kind: method.kind, colour: colourOf(index),
  }));
  const colours = new Map(methods.map((method) => [method.name, method.colour]));
  const featured = featuredMethods(result);
  return {
    allDatasets: ALL_DATASETS,
    methods,
    summaries: result.summaries,
    scatter: scatterData(result, featured.filter((method) => method.kind !== 'oracle')),
    histograms: mostDisputed(result, featured).slice(0, histogramCount).map(({ index }) => ({
      id: result.images[index].id,
      dataset: result.images[index].dataset,
      counts: result.images[index].histogram,
      lines: featured.flatMap((method) => {
        const row = result.results.find(
          (item) => item.image === index && item.method === method.name,
        );
        if (row?.threshold == null) return [];
        return [{
          threshold: row.threshold,
          colour: colours.get(method.name)!,
          label: `${method.name} ${row.threshold}`,
          dashed: method.kind === 'oracle',
        }];
      }),
    })),
  };
}

function scatterData(
  result: BenchResult,
  methods: readonly MethodSpec[],
): { method: string; points: [number, number][] }[] {
  return methods.map((method) => ({
    method: method.name,
    points: result.results
      .filter((row) => row.method === method.name && row.threshold !== null)
      .map((row): [number, number] => [result.images[row.image].bestThreshold, row.threshold!]),
  }));
}

function page(result: BenchResult, data: ReportData, gallery: GalleryEntry[]): string {
  const datasets = datasetsOf(result, ALL_DATASETS);
  const options = [ALL_DATASETS, ...datasets]
    .map((name) => `<option value="${escapeHtml(name)}">${escapeHtml(name)}</option>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>autothresh bench report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>autothresh bench</h1>
<p class="lead">${escapeHtml(describeRun(result))}.</p>
${notesHtml(result)}
<section>
<h2>Mean F-measure per method</h2>
<p>Whiskers: ${Math.round(result.settings.level * 100)}% bootstrap interval of the mean.
Dataset: <select id="dataset-select">${options}</select></p>
<div class="chart wide"><canvas id="fmeasure-chart"></canvas></div>
</section>
<section>
<h2>Summary</h2>
${tableHtml(overviewTable(result))}
${datasets.length > 1 ? tableHtml(datasetTable(result)) : ''}
</section>
<section>
<h2>Predicted versus best threshold</h2>
<p>Each point is one image: its best global threshold for the ground truth (x) and the
method's threshold (y). Points on the dashed diagonal are exact.</p>
<div class="chart square"><canvas id="threshold-scatter"></canvas></div>
</section>
<section>
<h2>Histograms of the most disputed images</h2>
<p>The ${data.histograms.length} images where the featured methods' F-measures differ most;
vertical lines mark their thresholds (oracle dashed).</p>
<div class="grid">${data.histograms.map(histogramCard).join('\n')}</div>
</section>
${galleryHtml(gallery)}
<footer>Generated by autothresh. Thresholds are histogram bins; a threshold t splits bins ≤ t
from bins &gt; t. Ratios are in percent.</footer>
<script type="application/json" id="bench-data">${jsonForScript(data)}</script>
<script>${chartBundle()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

function notesHtml(result: BenchResult): string {
  const lines = [
    ...result.notes,
    ...result.failures.map((failure) => `${failure.file}: ${failure.message}`),
  ];
  if (lines.length === 0) return '';
  return `<ul class="notes">${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
}

function tableHtml(table: Table): string {
  const cell = (tag: string, text: string, numeric: boolean) =>
    `<${tag}${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  const line = (tag: string, cells: string[]) =>
    cells.map((text, column) => cell(tag, text, table.numeric[column])).join('');
  const head = line('th', table.header);
  const body = table.rows.map((row) => `<tr>${line('td', row)}</tr>`).join('\n');
  return `<h3>${escapeHtml(table.title)}</h3>
<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>`;
}

function histogramCard(histogram: HistogramData, index: number): string {
  return `<figure class="card">
<div class="chart small"><canvas id="histogram-${index}"></canvas></div>
<figcaption>${escapeHtml(histogram.dataset)} / ${escapeHtml(histogram.id)}</figcaption></figure>`;
}

function galleryHtml(gallery: GalleryEntry[]): string {
  if (gallery.length === 0) return '';
  const rows = gallery.map((entry) => {
    const panels = entry.panels.map((panel) => {
      const alt = escapeHtml(`${panel.label}: ${entry.image.id}`);
      const caption = `<b>${escapeHtml(panel.label)}</b><br>${escapeHtml(panel.caption)}`;
      return `<figure><img src="${panel.dataUri}" alt="${alt}"><figcaption>${caption}` +
        '</figcaption></figure>';
    }).join('');
    return `<h3>${escapeHtml(entry.image.dataset)} / ${escapeHtml(entry.image.id)} ` +
      `<small>F-measure spread ${(100 * entry.spread).toFixed(2)} points</small></h3>
<div class="gallery">${panels}</div>`;
  });
  return `<section>
<h2>Gallery: where the methods differ most</h2>
<p>Binarizations as error maps: <span class="key tp">foreground found</span>
<span class="key fp">false foreground</span> <span class="key fn">missed foreground</span>
<span class="key tn">background</span> <span class="key un">not scored</span></p>
${rows.join('\n')}
</section>`;
}

/** Chart.js's UMD bundle, without its source-map comment (the page must not fetch anything). */
function chartBundle(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  const bundle = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
  return bundle.replace(/\/\/# sourceMappingURL=\S+\s*$/, '').replace(/<\/script/gi, '<\\/script');
}

/** JSON safe inside a script element (no `</script>`, no HTML comment openers). */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px;
  padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.lead { color: #555; }
.notes { background: #fff8e1; border: 1px solid #f0d890; padding: 0.5em 1.5em; }
.chart { position: relative; }
.chart.wide { height: 360px; }
.chart.square { height: 480px; max-width: 560px; }
.chart.small { height: 170px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1em; }
.card { margin: 0; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.5em; }
.card figcaption { font-size: 12px; color: #555; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-bottom: 1em; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #eee; white-space: nowrap; }
th { background: #f6f6f6; text-align: left; }
.num { text-align: right; }
.gallery { display: flex; gap: 0.6em; align-items: flex-start; }
.gallery figure { margin: 0; flex: 1 1 0; min-width: 0; max-width: 250px; }
.gallery img { display: block; max-width: 100%; border: 1px solid #ccc; image-rendering: auto; }
.gallery figcaption { font-size: 12px; color: #444; }
.key { display: inline-block; padding: 0 0.4em; margin-right: 0.3em; border: 1px solid #999; }
.key.tp { background: #000; color: #fff; }
.key.fp { background: rgb(220, 40, 40); color: #fff; }
.key.fn { background: rgb(40, 90, 220); color: #fff; }
.key.tn { background: #fff; }
.key.un { background: rgb(215, 215, 215); }
footer { margin-top: 3em; color: #777; font-size: 12px; }
`;
