/**
 * The benchmark's metrics on whole shared images (documents in gray and colour, a fluorescence
 * image with bright nuclei) against the values NumPy and scikit-image computed on the same
 * images (scripts/fixtures/make-metric-fixtures.py; numbers in test/fixtures/metrics/whole).
 * The images are read from ../shared, the way `autothresh bench` reads them; skipped with a
 * message without ../shared, failed under AUTOTHRESH_CI=1 (see test/helpers/shared.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drdOf } from '../../src/bench/drd.js';
import { preparePair, readPairPixels, type PairInput } from '../../src/bench/inputs.js';
import { globalMetrics } from '../../src/bench/score.js';
import { sharedData } from '../helpers/shared.js';
import { thresholdMask, type MetricReference } from './metric-fixtures.js';

interface WholeImageFixture {
  source: string;
  mask: string;
  width: number;
  height: number;
  grayHistogram: number[];
  truthPixels: number;
  nubn: number;
  cases: {
    name: string;
    threshold: number;
    polarity: 'dark' | 'bright';
    metrics: MetricReference;
  }[];
}

const DIRECTORY = fileURLToPath(new URL('../fixtures/metrics/whole/', import.meta.url));
const FIXTURES = readdirSync(DIRECTORY).filter((file) => file.endsWith('.json')).sort()
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    ...(JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8')) as WholeImageFixture),
  }));
const datasets = sharedData('datasets');

/** Equal within `relative` of the reference (sums of up to 10⁶ terms in another order). */
function expectClose(actual: number | null, expected: number | null, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(expected, what).not.toBeNull();
  const tolerance = 1e-10 * Math.max(1, Math.abs(expected!));
  expect(Math.abs(actual! - expected!), `${what}: ${actual} vs ${expected}`)
    .toBeLessThanOrEqual(tolerance);
}

describe('metrics on whole shared images against NumPy / scikit-image', () => {
  it('when the fixtures are loaded then several images of both polarities are covered', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(4);
    const sides = new Set(FIXTURES.flatMap((item) => item.cases.map((c) => c.polarity)));
    expect([...sides].sort()).toEqual(['bright', 'dark']);
  });

  for (const fixture of FIXTURES) {
    it.skipIf(datasets.skip)(
      `when ${fixture.name} is read and scored then F, PSNR, DRD and the rest match` +
        datasets.suffix,
      async () => {
        datasets.check();
        const pair: PairInput = {
          id: fixture.name, dataset: 'whole', source: fixture.source,
          image: join(datasets.path, fixture.source), mask: join(datasets.path, fixture.mask),
        };
        const prepared = await preparePair(pair, { objective: 'fmeasure', localMethods: [] });
        // The decoders agree first: same gray values, same ground truth.
        expect(prepared.image.histogram).toEqual(fixture.grayHistogram);
        expect(prepared.drd!.blocks).toBe(fixture.nubn);
        const pixels = await readPairPixels(pair);
        expect(pixels.truth.reduce((sum, bit) => sum + bit, 0)).toBe(fixture.truthPixels);

        for (const item of fixture.cases) {
          const what = `${fixture.name} / ${item.name}`;
          // The bench's path: exact, from the class histograms and DRD-weighted histograms.
          const metrics = globalMetrics(prepared, item.threshold, item.polarity);
          for (const key of ['fmeasure', 'precision', 'recall', 'accuracy', 'iou', 'mcc',
            'psnr', 'drd'] as const) {
            expectClose(metrics[key], item.metrics[key], `${what} ${key}`);
          }
          // The pixel path of local methods: DRD of the binarized mask.
          const predicted = thresholdMask(pixels.bins, item.threshold, item.polarity);
          expectClose(drdOf(pixels.truth, predicted, fixture.width, fixture.height),
            item.metrics.drd, `${what} drd on pixels`);
        }
      },
    );
  }
});
