import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBenchDataset, type BenchDataset } from '../helpers/bench-data.js';
import { jsonLines, runCli } from '../helpers/cli.js';
import { temporaryDirectory, writeRaw } from '../helpers/images.js';

let dataset: BenchDataset;
const METHODS = 'otsu,li,sauvola,oracle';

beforeAll(async () => {
  dataset = await writeBenchDataset();
});

describe('autothresh bench', () => {
  it('when run on images and masks then stdout holds the aligned summary table', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', METHODS);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^autothresh bench: 3 images in 1 dataset\(s\); polarity truth/);
    expect(outcome.stdout).toMatch(/\notsu\s+3\s+\d+\.\d\d\s/);
    expect(outcome.stdout).toMatch(/\noracle\s+3\s+/);
    expect(outcome.stdout).toContain('W/T/L vs otsu');
  });

  it('when --json is given then stdout is JSON Lines with image rows and summaries', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', METHODS, '--json', '--quiet');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    const lines = jsonLines(outcome.stdout);
    expect(lines[0].type).toBe('settings');
    const images = lines.filter((line) => line.type === 'image');
    expect(images).toHaveLength(3 * 4);
    const otsu = images.find((line) => line.method === 'otsu')!;
    expect(otsu).toMatchObject({ dataset: 'docs', kind: 'global', polarity: 'dark' });
    expect(typeof otsu.drd).toBe('number');
    const summary = lines.find((line) =>
      line.type === 'summary' && line.dataset === 'all' && line.method === 'li');
    expect(summary).toMatchObject({ images: 3, failed: 0 });
  });

  it('when --csv is given then there is a header and one line per image and method', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', METHODS, '--csv');
    const lines = outcome.stdout.trim().split('\n');
    expect(lines).toHaveLength(1 + 12);
    expect(lines[0]).toMatch(/^dataset,id,source,method,kind,threshold,polarity/);
  });

  it('when --markdown is given then stdout holds Markdown tables', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu,oracle', '--markdown');
    expect(outcome.stdout).toContain('## autothresh bench');
    expect(outcome.stdout).toMatch(/\| otsu \| 3 \| \d+\.\d\d \|/);
  });

  it('when --data is given then labelled records are scored and dataset names kept', async () => {
    const file = join(temporaryDirectory(), 'records.jsonl');
    const lines = readFileSync(new URL('../../datasets/real.jsonl', import.meta.url), 'utf8')
      .split('\n').filter((line) => line.includes('"dataset":"dibco2009"'));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const outcome = await runCli('bench', '--data', file, '--methods', 'otsu,oracle', '--json');
    expect(outcome.code).toBe(0);
    const summary = jsonLines(outcome.stdout).find((line) =>
      line.type === 'summary' && line.dataset === 'dibco2009' && line.method === 'otsu') as
      { metrics: { fmeasure: { mean: number }; drd: { mean: number | null } } };
    expect(100 * summary.metrics.fmeasure.mean).toBeCloseTo(78.6, 0);
    expect(summary.metrics.drd.mean).toBeNull();
  });

  it('when a method name is mistyped then it exits 2 with a suggestion', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu,sauvolla');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/unknown method "sauvolla" \(did you mean sauvola\?\)/);
  });

  it('when --masks does not pair with --images or no input is given then it exits 2', async () => {
    expect((await runCli('bench', '--images', dataset.images)).code).toBe(2);
    const none = await runCli('bench', '--methods', 'otsu');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/expected --images <dir> with --masks <dir>, or --data/);
    const two = await runCli('bench', '--data', 'x.jsonl', '--json', '--csv');
    expect(two.code).toBe(2);
  });

  it('when one image has no usable mask then it is reported, the rest scored, exit 1', async () => {
    const broken = await writeBenchDataset();
    await writeRaw(join(broken.images, 'extra.png'), new Uint8Array(16).fill(9), 4, 4, 1);
    const outcome = await runCli('bench', '--images', broken.images, '--masks', broken.masks,
      '--methods', 'otsu', '--json');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/extra\.png: no mask named extra\.\*/);
    expect(jsonLines(outcome.stdout).filter((line) => line.type === 'image')).toHaveLength(3);
  });

  it('when --html is given then the report is written and named on stderr', async () => {
    const file = join(temporaryDirectory(), 'report.html');
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu,oracle', '--html', file);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain(`wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toContain('<canvas id="fmeasure-chart">');
  });
});
