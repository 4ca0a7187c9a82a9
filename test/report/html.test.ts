import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/results.js';
import { runBench } from '../../src/bench/runner.js';
import { renderHtml } from '../../src/report/html.js';
import { writeBenchDataset } from '../helpers/bench-data.js';
import { smallResult } from './result-fixture.js';

function dataBlock(html: string): Record<string, unknown> & {
  histograms: { lines: { label: string }[] }[];
  scatter: { method: string; points: number[][] }[];
} {
  const match = /<script type="application\/json" id="bench-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match![1]);
}

describe('renderHtml', () => {
  let result: BenchResult;
  let html: string;

  beforeAll(async () => {
    const dataset = await writeBenchDataset();
    result = await runBench({
      images: [{ images: dataset.images, masks: dataset.masks }],
      methods: ['otsu', 'li', 'oracle'],
    });
    html = await renderHtml(result);
  });

  it('when rendered then the page is one file that loads nothing from the network', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    expect(html).toContain('Chart.js v4'); // the inlined UMD bundle
    expect(html.length).toBeLessThan(1_500_000);
  });

  it('when rendered then the charts have their canvases and data', () => {
    for (const id of ['fmeasure-chart', 'threshold-scatter', 'histogram-0', 'histogram-2']) {
      expect(html).toContain(`<canvas id="${id}">`);
    }
    const data = dataBlock(html);
    expect(data.histograms).toHaveLength(3);
    expect(data.histograms[0].lines.map((line) => line.label.split(' ')[0]))
      .toEqual(['otsu', 'oracle']);
    expect(data.scatter.map((series) => series.method)).toEqual(['otsu']);
    expect(data.scatter[0].points).toHaveLength(3);
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
  });
});
