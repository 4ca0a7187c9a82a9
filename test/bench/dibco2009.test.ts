/**
 * The DIBCO 2009 contest reported a mean F-measure of 78.72% for Otsu's method (Gatos,
 * Ntirogiannis & Pratikakis, ICDAR 2009; F-measure per image, then averaged; text = foreground).
 * The benchmark's Otsu row must land within one point of it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/runner.js';

const CONTEST_OTSU_FMEASURE = 78.72;
const SHARED = '/work/shared/datasets/dibco2009';
const RECORDS = fileURLToPath(new URL('../../datasets/real.jsonl', import.meta.url));

function otsuMean(result: Awaited<ReturnType<typeof runBench>>): number {
  const summary = result.summaries.find((item) =>
    item.dataset === 'dibco2009' && item.method === 'otsu')!;
  expect(summary.images).toBe(10);
  return 100 * summary.metrics.fmeasure.mean!;
}

describe('DIBCO 2009: Otsu as reported by the contest', () => {
  it.skipIf(!existsSync(SHARED))(
    'when the 10 images are benchmarked then Otsu is within one point of 78.72 (skipped '
      + `without ${SHARED})`,
    async () => {
      const result = await runBench({
        images: [{ images: `${SHARED}/images`, masks: `${SHARED}/masks` }],
        methods: ['otsu'],
        summary: { resamples: 100 },
      });
      expect(Math.abs(otsuMean(result) - CONTEST_OTSU_FMEASURE)).toBeLessThanOrEqual(1);
      // PSNR reported by the contest for Otsu: 15.34 dB.
      const psnr = result.summaries.find((item) => item.method === 'otsu')!.metrics.psnr.mean!;
      expect(Math.abs(psnr - 15.34)).toBeLessThanOrEqual(0.5);
    },
  );

  it.skipIf(!existsSync(RECORDS))(
    'when the labelled records of the same images are scored then Otsu is within one point too',
    async () => {
      const result = await runBench({
        data: [RECORDS], methods: ['otsu'], summary: { resamples: 100 },
      });
      expect(Math.abs(otsuMean(result) - CONTEST_OTSU_FMEASURE)).toBeLessThanOrEqual(1);
    },
  );
});
