/**
 * `--polarity auto`: every row but the model takes the first model's predicted polarity, the
 * oracle included (the best threshold *for that polarity*), and |t − best t| is measured
 * against the best threshold for the polarity each row used. Checked with variants of the
 * shipped model whose polarity head is fixed, against brute-force searches over the fixtures'
 * pixels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { confusionOfMasks, metricsOfConfusion } from '../../src/bench/metrics.js';
import type { BenchResult } from '../../src/bench/results.js';
import { runBench } from '../../src/bench/runner.js';
import type { Polarity } from '../../src/label/objectives.js';
import { writeBenchDataset, writeModelVariant, type BenchDataset } from '../helpers/bench-data.js';
import { temporaryDirectory } from '../helpers/images.js';
import { loadMetricFixtures, thresholdMask, type MetricFixture } from './metric-fixtures.js';

const METHODS = ['learned', 'otsu', 'li', 'sauvola', 'oracle'];
const fixtures = loadMetricFixtures();

/** F-measure of every threshold under `polarity`, pixel by pixel. */
function fmeasures(fixture: MetricFixture, polarity: Polarity): number[] {
  return Array.from({ length: 256 }, (_, t) => metricsOfConfusion(
    confusionOfMasks(fixture.truth, thresholdMask(fixture.gray, t, polarity)),
  ).fmeasure);
}

let dataset: BenchDataset;
let models: { bright: string; dark: string };

beforeAll(async () => {
  dataset = await writeBenchDataset();
  const parent = temporaryDirectory();
  models = {
    bright: writeModelVariant(parent, 'always-bright', { polarity: 'bright' }),
    dark: writeModelVariant(parent, 'always-dark', { polarity: 'dark' }),
  };
});

function run(polarity: 'truth' | 'auto', model: string): Promise<BenchResult> {
  return runBench({
    images: [{ images: dataset.images, masks: dataset.masks }],
    methods: METHODS, models: [model], polarity, summary: { resamples: 20 },
  });
}

describe('polarity auto', () => {
  it('when the model says bright on dark text then every row uses bright, the oracle is the '
    + 'best bright threshold and |t − t*| is measured against it', async () => {
    const result = await run('auto', models.bright);
    expect(result.settings.polarity).toBe('auto');
    for (const [index, image] of result.images.entries()) {
      const fixture = fixtures.find((item) => item.name === image.id)!;
      expect(image.truthPolarity).toBe('dark');
      const bright = fmeasures(fixture, 'bright');
      const best = Math.max(...bright);
      const rows = result.results.filter((row) => row.image === index);
      expect(rows.map((row) => row.polarity)).toEqual(METHODS.map(() => 'bright'));

      const oracle = rows.find((row) => row.method === 'oracle')!;
      expect(oracle.metrics!.fmeasure).toBeCloseTo(best, 12);
      expect(bright[oracle.threshold!]).toBeCloseTo(best, 12);
      for (const row of rows.filter((item) => item.threshold !== null)) {
        expect(row.bestThreshold, row.method).toBe(oracle.threshold);
        expect(row.metrics!.thresholdError).toBe(Math.abs(row.threshold! - oracle.threshold!));
        expect(row.metrics!.fmeasure).toBeCloseTo(bright[row.threshold!], 12);
      }
      expect(rows.find((row) => row.method === 'sauvola')!.metrics!.thresholdError).toBeNull();
    }
  });

  it('when the model says dark on dark text then every row equals the truth-polarity run',
    async () => {
      const auto = await run('auto', models.dark);
      const truth = await run('truth', models.dark);
      expect(auto.results).toEqual(truth.results);
      for (const [index] of truth.images.entries()) {
        const fixture = fixtures.find((item) => item.name === truth.images[index].id)!;
        const oracle = truth.results.find((row) => row.image === index && row.kind === 'oracle')!;
        expect(oracle.metrics!.fmeasure).toBeCloseTo(Math.max(...fmeasures(fixture, 'dark')), 12);
      }
    });

  it('when the polarity is truth then the model keeps its own polarity and its own best t',
    async () => {
      const result = await run('truth', models.bright);
      const learned = result.results.filter((row) => row.method === 'learned');
      const otsu = result.results.filter((row) => row.method === 'otsu');
      expect(learned.every((row) => row.polarity === 'bright')).toBe(true);
      expect(otsu.every((row) => row.polarity === 'dark')).toBe(true);
      for (const row of learned) {
        const image = result.images[row.image];
        expect(row.bestThreshold).toBe(image.bestThresholds.bright);
        expect(row.metrics!.thresholdError).toBe(Math.abs(row.threshold! - row.bestThreshold!));
      }
      const summary = result.summaries.find((item) =>
        item.dataset === 'all' && item.method === 'learned')!;
      expect(summary.polarityAccuracy).toBe(0);
    });
});
