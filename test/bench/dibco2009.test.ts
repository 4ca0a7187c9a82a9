/**
 * The DIBCO 2009 contest reported a mean F-measure of 78.72% and a PSNR of 15.34 dB for Otsu's
 * method (Gatos, Ntirogiannis & Pratikakis, ICDAR 2009; F-measure per image, then averaged;
 * text = foreground). The benchmark's Otsu row must land within one point of it, on the shared
 * images (../shared/datasets/dibco2009) and on their labelled records.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/results.js';
import { runBench } from '../../src/bench/runner.js';
import { REPOSITORY_ROOT, sharedData } from '../helpers/shared.js';

const CONTEST_OTSU_FMEASURE = 78.72;
const CONTEST_OTSU_PSNR = 15.34;
const dibco = sharedData('datasets/dibco2009');
const RECORDS = join(REPOSITORY_ROOT, 'datasets', 'real.jsonl');

function otsuSummary(result: BenchResult, dataset: string) {
  const summary = result.summaries.find((item) =>
    item.dataset === dataset && item.method === 'otsu')!;
  expect(summary.images).toBe(10);
  return summary;
}

describe('DIBCO 2009: Otsu as reported by the contest', () => {
  it.skipIf(dibco.skip)(
    `when the 10 images are benchmarked then Otsu is within one point of 78.72${dibco.suffix}`,
    async () => {
      dibco.check();
      const result = await runBench({
        images: [{ images: join(dibco.path, 'images'), masks: join(dibco.path, 'masks') }],
        methods: ['otsu'],
        summary: { resamples: 100 },
      });
      const summary = otsuSummary(result, 'dibco2009');
      const fmeasure = 100 * summary.metrics.fmeasure.mean!;
      expect(Math.abs(fmeasure - CONTEST_OTSU_FMEASURE)).toBeLessThanOrEqual(1);
      expect(Math.abs(summary.metrics.psnr.mean! - CONTEST_OTSU_PSNR)).toBeLessThanOrEqual(0.5);
    },
  );

  it('when the labelled records of the same images are scored then Otsu is within one point too',
    async () => {
      expect(existsSync(RECORDS), `${RECORDS} is committed with the repository`).toBe(true);
      const result = await runBench({
        data: [RECORDS], methods: ['otsu'], summary: { resamples: 100 },
      });
      // real.jsonl holds several datasets: the records' own names are kept.
      const summary = otsuSummary(result, 'dibco2009');
      const fmeasure = 100 * summary.metrics.fmeasure.mean!;
      expect(Math.abs(fmeasure - CONTEST_OTSU_FMEASURE)).toBeLessThanOrEqual(1);
    });
});
