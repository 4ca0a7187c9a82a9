import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/results.js';
import { runBench } from '../../src/bench/runner.js';
import { renderHtml } from '../../src/report/html.js';
import type { ReportData } from '../../src/report/html-data.js';
import { writeBenchDataset } from '../helpers/bench-data.js';
import { REPOSITORY_ROOT } from '../helpers/shared.js';
import { smallResult } from './result-fixture.js';

function dataBlock(html: string): ReportData {
  const match = /<script type="application\/json" id="bench-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match![1]);
}

/** The page without the licence comments (`/*! … *\/`) of the inlined libraries. */
function withoutLicenceComments(html: string): string {
  return html.replace(/\/\*![\s\S]*?\*\//g, '');
}

/**
 * Every way a page can reach the network: elements with a source or a link, style URLs, and
 * the script APIs that fetch; then any http(s) URL left anywhere.
 */
function networkReferences(html: string): string[] {
  const text = withoutLicenceComments(html);
  const patterns = [
    /<script\b[^>]*\bsrc\s*=/gi,
    /<link\b/gi,
    new RegExp('<(img|iframe|source|video|audio|embed|object)\\b[^>]*\\b(src|srcset|data)'
      + '\\s*=(?!\\s*["\']?data:)', 'gi'),
    /\b(href|action|formaction|poster)\s*=\s*(?!["']?(#|data:))/gi,
    /\burl\(\s*(?!["']?(data:|#))/gi,
    /@import\b/gi,
    /\bfetch\s*\(/g,
    /\bXMLHttpRequest\b/g,
    /\bWebSocket\b/g,
    /\bEventSource\b/g,
    /\bsendBeacon\b/g,
    /\bimport\s*\(/g,
    /\bhttps?:\/\//gi,
    /sourceMappingURL/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) =>
    `${pattern.source}: …${text.slice(Math.max(0, match.index! - 40), match.index! + 60)}…`));
}

describe('renderHtml', () => {
  let result: BenchResult;
  let html: string;

  beforeAll(async () => {
    const dataset = await writeBenchDataset();
    result = await runBench({
      images: [{ images: dataset.images, masks: dataset.masks }],
      methods: ['otsu', 'li', 'sauvola', 'oracle'],
    });
    html = await renderHtml(result);
  });

  it('when rendered then the page holds no reference to the network outside licence comments',
    () => {
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('Chart.js v4'); // the inlined UMD bundle, licence kept
      expect(networkReferences(html)).toEqual([]);
    });

  it('when a page does reach the network then the check finds each way', () => {
    const bad = [
      '<script src="x.js"></script>', '<link rel="stylesheet" href="a.css">',
      '<img src="https://x/y.png">', 'fetch("/data")', 'body { background: url(a.png) }',
      '<a href="https://example.org">', '// see http://example.org',
    ];
    for (const snippet of bad) {
      expect(networkReferences(`<p>${snippet}</p>`), snippet).not.toEqual([]);
    }
    expect(networkReferences('<img src="data:image/png;base64,AA=="> /*! https://x.org */'))
      .toEqual([]);
  });

  it('when rendered then every chart has its canvas and the selector its controls', () => {
    for (const id of ['fmeasure-chart', 'threshold-scatter', 'histogram-explorer',
      'histogram-0', 'histogram-2']) {
      expect(html).toContain(`<canvas id="${id}">`);
    }
    for (const id of ['histogram-dataset', 'histogram-image', 'histogram-previous']) {
      expect(html).toContain(`id="${id}"`);
    }
  });

  it('when rendered then every image\'s histogram and every histogram method\'s threshold '
    + 'are in the data block', () => {
    const data = dataBlock(html);
    expect(data.images).toHaveLength(result.images.length);
    data.images.forEach((image, index) => {
      const counts = new Array(256).fill(0);
      image.counts.forEach((count, offset) => { counts[image.first + offset] = count; });
      expect(counts).toEqual(result.images[index].histogram);
    });
    expect(data.thresholds.map((row) => row.method)).toEqual(['otsu', 'li', 'oracle']);
    for (const row of result.results.filter((item) => item.kind !== 'local')) {
      const stored = data.thresholds.find((item) => item.method === row.method)!;
      expect(stored.values[row.image]).toBe(row.threshold);
      expect(stored.fmeasures[row.image]).toBeCloseTo(row.metrics!.fmeasure, 4);
    }
    expect(data.featured).toEqual(['otsu', 'oracle']);
    expect([...data.order].sort()).toEqual([0, 1, 2]);
    expect(data.cards).toBe(3);
    expect(data.scatter.map((series) => series.method)).toEqual(['otsu']);
    expect(data.scatter[0].points).toEqual(result.results
      .filter((row) => row.method === 'otsu').map((row) => [row.bestThreshold, row.threshold]));
  });

  it('when images have pixels then the gallery embeds thumbnails as data: URIs', () => {
    // 3 images × (input, ground truth, otsu, oracle).
    expect(html.match(/<img src="data:image\/(png|jpeg);base64,/g)).toHaveLength(12);
  });

  it('when ids hold markup then it is escaped in the page and in the data block', async () => {
    const tricky = smallResult();
    tricky.images[0].id = '</script><b>x</b>';
    const page = await renderHtml(tricky);
    expect(page).not.toContain('</script><b>');
    expect(page).toContain('&lt;/script&gt;&lt;b&gt;');
    expect(page).not.toContain('<img src="data:'); // no pixels, no gallery
    expect(networkReferences(page)).toEqual([]);
  });
});

describe('renderHtml on many images', () => {
  it('when 425 records are reported then each has its histogram and the page stays small',
    async () => {
      const result = await runBench({
        data: [join(REPOSITORY_ROOT, 'datasets', 'real.jsonl')],
        methods: ['otsu', 'li', 'triangle', 'yen', 'oracle'], summary: { resamples: 20 },
      });
      const html = await renderHtml(result);
      const data = dataBlock(html);
      expect(data.images).toHaveLength(425);
      expect(data.cards).toBe(12);
      expect(new Set(data.order).size).toBe(425);
      // Chart.js (~200 kB) plus about 1 kB of histogram and thresholds per image.
      expect(html.length).toBeLessThan(1_000_000);
    });
});
