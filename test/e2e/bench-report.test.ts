/**
 * Opens the HTML report of `autothresh bench` in headless Chromium: the charts must render
 * (Chart instances exist, their canvases hold drawn pixels), the histogram selector must show
 * the chosen image, the page must not log errors or request anything from the network, and a
 * screenshot is saved to test-artifacts/bench-report.png. Needs Debian's /usr/bin/chromium:
 * skipped with a message without it, failed under AUTOTHRESH_CI=1 (see test/helpers/shared.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeBenchDataset } from '../helpers/bench-data.js';
import { runCli } from '../helpers/cli.js';
import { temporaryDirectory } from '../helpers/images.js';
import { program } from '../helpers/shared.js';

const chromiumBrowser = program('/usr/bin/chromium', 'apt-get install chromium, or run .ci/run');
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe.skipIf(chromiumBrowser.skip)(`bench HTML report in Chromium${chromiumBrowser.suffix}`,
  () => {
  it('when opened then every chart renders, nothing fails and a screenshot is saved',
    async () => {
      chromiumBrowser.check();
      const dataset = await writeBenchDataset();
      const report = join(temporaryDirectory(), 'report.html');
      const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'otsu,li,yen,sauvola,oracle', '--html', report, '--quiet');
      expect(outcome.code).toBe(0);

      // A fresh profile folder (Playwright passes it to Chromium as --user-data-dir).
      const browser = await chromium.launchPersistentContext(
        temporaryDirectory('autothresh-chromium-'),
        {
          executablePath: chromiumBrowser.path, args: FLAGS, headless: true,
          viewport: { width: 1280, height: 900 },
        },
      );
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('request', (request) => {
          if (!/^(file|data):/.test(request.url())) problems.push(`request: ${request.url()}`);
        });

        await page.goto(pathToFileURL(report).href);
        await page.waitForFunction(
          () => (window as { benchReportReady?: boolean }).benchReportReady,
        );
        const charts = await page.evaluate(() => {
          type WithChart = { Chart: { instances: Record<string, unknown> } };
          const chart = (window as unknown as WithChart).Chart;
          return Object.keys(chart.instances).length;
        });
        // Bar chart, scatter, the histogram selector's chart and one card per image (3).
        expect(charts).toBe(6);

        const drawn = await page.evaluate(() => [...document.querySelectorAll('canvas')].map(
          (canvas) => {
            const { width, height } = canvas;
            const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
            return { id: canvas.id, width, height, painted };
          }));
        for (const canvas of drawn) {
          expect(canvas.width, canvas.id).toBeGreaterThan(100);
          expect(canvas.painted, canvas.id).toBeGreaterThan(500);
        }
        const bars = await page.evaluate(() => {
          const chart = (window as unknown as { Chart: { getChart(id: string): {
            data: { labels: string[]; datasets: { data: number[] }[] };
          } } }).Chart.getChart('fmeasure-chart');
          return { labels: chart.data.labels, values: chart.data.datasets[0].data };
        });
        expect(bars.labels).toEqual(['otsu', 'li', 'yen', 'sauvola', 'oracle']);
        expect(bars.values.every((value) => value > 0 && value <= 100)).toBe(true);
        const thumbnails = await page.evaluate(() =>
          [...document.images].filter((image) => image.complete && image.naturalWidth > 0).length);
        expect(thumbnails).toBe(3 * 4); // input, ground truth, otsu, oracle per image

        // The selector: the last image of the list replaces the first in the chart and table.
        const shown = await page.evaluate(async () => {
          type Point = { x: number; y: number };
          type WithChart = { Chart: { getChart(id: string): {
            data: { datasets: { data: Point[] }[] };
            options: { plugins: { thresholdLines: { lines: { label: string }[] } } };
          } } };
          const data = JSON.parse(document.getElementById('bench-data')!.textContent!);
          const select = document.getElementById('histogram-image') as HTMLSelectElement;
          select.selectedIndex = select.options.length - 1;
          select.dispatchEvent(new Event('change'));
          const chart = (window as unknown as WithChart).Chart.getChart('histogram-explorer');
          const index = Number(select.value);
          return {
            options: select.options.length,
            points: chart.data.datasets[0].data,
            expected: data.images[index],
            lines: chart.options.plugins.thresholdLines.lines.map((line) => line.label),
            rows: document.querySelectorAll('#histogram-table tr').length,
          };
        });
        expect(shown.options).toBe(3);
        expect(shown.points.map((point) => point.y)).toEqual(shown.expected.counts);
        expect(shown.points[0].x).toBe(shown.expected.first);
        expect(shown.lines.map((label) => label.split(' ')[0])).toEqual(['otsu', 'oracle']);
        expect(shown.rows).toBe(4); // otsu, li, yen, oracle (sauvola has no threshold)

        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'bench-report.png'), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });
