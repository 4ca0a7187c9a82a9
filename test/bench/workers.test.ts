/**
 * Worker threads change where the work runs, not what it gives: a run on the pool must equal
 * the same run on the calling thread, image for image and row for row, for image input (one
 * task per image) and for record files cut into several chunks.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/results.js';
import {
  defaultWorkers, POOL_MIN_IMAGES, POOL_MIN_RECORDS, runBench, type BenchOptions,
} from '../../src/bench/runner.js';
import { writeBenchDataset, writeBenchRecords } from '../helpers/bench-data.js';
import { temporaryDirectory } from '../helpers/images.js';
import { REPOSITORY_ROOT } from '../helpers/shared.js';

/** Everything but the timing. */
function comparable(result: BenchResult): Omit<BenchResult, 'timing'> {
  const { timing: _timing, ...rest } = result;
  return rest;
}

async function bothWays(options: BenchOptions): Promise<[BenchResult, BenchResult]> {
  const inline = await runBench({ ...options, workers: 0 });
  const pooled = await runBench({ ...options, workers: 2 });
  expect(inline.timing.workers).toBe(0);
  expect(pooled.timing.workers).toBe(2);
  return [inline, pooled];
}

describe('runBench on worker threads', () => {
  it('when images are scored on two threads then every result equals the calling thread\'s',
    async () => {
      const dataset = await writeBenchDataset();
      const [inline, pooled] = await bothWays({
        images: [{ images: dataset.images, masks: dataset.masks }],
        methods: ['learned', 'otsu', 'li', 'huang', 'sauvola', 'adaptive-gaussian', 'oracle'],
      });
      expect(inline.results.length).toBe(3 * 7);
      expect(comparable(pooled)).toEqual(comparable(inline));
    });

  it('when records span several chunks and files then the pool gives the same rows in order',
    async () => {
      const extra = writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'));
      const [inline, pooled] = await bothWays({
        data: [join(REPOSITORY_ROOT, 'datasets', 'real.jsonl'), extra],
        methods: ['learned', 'otsu', 'triangle', 'min-error', 'oracle'],
        summary: { resamples: 50 },
      });
      // 425 records in two chunks (256 lines each), then the three of the second file.
      expect(inline.images).toHaveLength(425 + 3);
      expect(inline.images.at(-1)!.dataset).toBe('docs');
      expect(comparable(pooled)).toEqual(comparable(inline));
    });
});

describe('default number of worker threads', () => {
  it('when a run is large then it uses one thread per core, else none', () => {
    expect(defaultWorkers({ pairs: POOL_MIN_IMAGES, records: 0 }, 2)).toBe(2);
    expect(defaultWorkers({ pairs: 0, records: POOL_MIN_RECORDS }, 4)).toBe(4);
    expect(defaultWorkers({ pairs: POOL_MIN_IMAGES - 1, records: POOL_MIN_RECORDS - 1 }, 2))
      .toBe(0);
    expect(defaultWorkers({ pairs: 425, records: 8223 }, 1)).toBe(0);
  });
});
