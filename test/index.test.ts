import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from './helpers/images.js';
import { describe, expect, it } from 'vitest';
import * as autothresh from '../src/index.js';

const SAMPLE = new URL('../datasets/samples/images/dibco2009-H03.png', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

describe('the library entry point', () => {
  it('when imported then it exposes the documented functions', () => {
    for (const name of [
      'readImage', 'histogramOf', 'createHistogram', 'globalThreshold', 'otsuThreshold',
      'localThresholdMap', 'thresholdFile', 'labelPair', 'readLabelRecords', 'bestThreshold',
      'loadModel', 'predictThreshold', 'runBench', 'writeHtmlReport',
    ]) {
      expect(typeof (autothresh as Record<string, unknown>)[name], name).toBe('function');
    }
    // Training lives behind its own entry point (it needs TensorFlow.js).
    expect('trainModel' in autothresh).toBe(false);
  });

  it('when an image is thresholded through the library then CLI and library agree', async () => {
    const image = await autothresh.readImage(SAMPLE);
    const histogram = autothresh.histogramOf(image);
    const otsu = autothresh.globalThreshold('otsu', histogram);
    const { result } = await autothresh.thresholdFile(SAMPLE, { method: 'otsu' });
    expect(result.threshold).toBe(otsu);
    const model = await autothresh.loadModel();
    const prediction = autothresh.predictThreshold(model, histogram);
    expect(prediction.threshold).toBeGreaterThanOrEqual(0);
    expect(prediction.threshold).toBeLessThanOrEqual(255);
    expect(['dark', 'bright']).toContain(prediction.polarity);
  });
});

describe('the built package, as a consumer sees it (needs npm run build)', () => {
  it('when imported by its name then the entry point loads and thresholds a file', () => {
    const script = `const a = await import('autothresh');
      const { result } = await a.thresholdFile(${JSON.stringify(SAMPLE)}, { method: 'otsu' });
      console.log(JSON.stringify({ threshold: result.threshold, train: typeof a.trainModel }));`;
    const child = spawnSync('node', ['--input-type=module', '-e', script], {
      cwd: ROOT, encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const { threshold, train } = JSON.parse(child.stdout);
    expect(threshold).toBeGreaterThan(0);
    expect(train).toBe('undefined');
  });

  it('when a consumer type-checks with skipLibCheck false then there is no error', () => {
    // A consumer project elsewhere, with the package linked into its node_modules as an install
    // would put it: its check covers dist/*.d.ts and every declaration they pull in.
    const consumer = temporaryDirectory('autothresh-consumer-');
    mkdirSync(join(consumer, 'node_modules'));
    symlinkSync(ROOT, join(consumer, 'node_modules', 'autothresh'));
    writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_SOURCE);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext',
        strict: true, skipLibCheck: false, noEmit: true, types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: ['consumer.ts'],
    }));
    const child = spawnSync('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p',
      join(consumer, 'tsconfig.json')], { cwd: consumer, encoding: 'utf8' });
    expect(child.stdout + child.stderr).toBe('');
    expect(child.status).toBe(0);
  }, 120_000);
});

const CONSUMER_SOURCE = `
import {
  createHistogram, globalThreshold, readImage, thresholdFile, type Histogram,
  type ThresholdResult,
} from 'autothresh';

export async function firstThreshold(file: string): Promise<number | null> {
  const image = await readImage(file);
  const histogram: Histogram = createHistogram(new Array(256).fill(1));
  const result: ThresholdResult = (await thresholdFile(file, { method: 'otsu' })).result;
  return image.width > 0 ? globalThreshold('otsu', histogram) : result.threshold;
}
`;
