import { describe, expect, it } from 'vitest';
import type { BinarizationMetrics } from '../../src/bench/metrics.js';
import type { BenchImage, ImageResult, MethodSpec } from '../../src/bench/results.js';
import { summarize } from '../../src/bench/summary.js';

function image(id: string, dataset: string): BenchImage {
  return {
    id, dataset, source: id, width: 1, height: 1, truthPolarity: 'dark', bestThreshold: 100,
    bestThresholds: { dark: 100, bright: 100 }, histogram: [],
  };
}

function metrics(fmeasure: number, drd: number | null = null): BinarizationMetrics {
  return {
    fmeasure, precision: fmeasure, recall: fmeasure, accuracy: fmeasure, iou: fmeasure,
    mcc: fmeasure, psnr: 10 * fmeasure, drd, thresholdError: 1,
  };
}

const methods: MethodSpec[] = [
  { name: 'otsu', kind: 'global', method: 'otsu' },
  { name: 'li', kind: 'global', method: 'li' },
  { name: 'learned', kind: 'learned', method: 'default' },
];

// Two datasets: a (images 0, 1, 2) and b (images 3, 4).
const images = [
  image('a1', 'a'), image('a2', 'a'), image('a3', 'a'), image('b1', 'b'), image('b2', 'b'),
];
const otsu = [0.8, 0.6, 0.5, 0.9, 0.4];
const li = [0.9, 0.6 + 1e-12, 0.4, null, 0.7]; // a tie within 1e-9 on a2, a failure on b1
const results: ImageResult[] = [
  ...otsu.map((value, index): ImageResult => ({
    image: index, method: 'otsu', kind: 'global', threshold: 100, polarity: 'dark',
    bestThreshold: 100, metrics: metrics(value, index),
  })),
  ...li.map((value, index): ImageResult => ({
    image: index, method: 'li', kind: 'global', threshold: value === null ? null : 90,
    polarity: 'dark', bestThreshold: 100, metrics: value === null ? null : metrics(value),
    ...(value === null ? { error: 'no answer' } : {}),
  })),
  ...[0, 1, 2, 3, 4].map((index): ImageResult => ({
    image: index, method: 'learned', kind: 'learned', threshold: 95,
    polarity: index === 4 ? 'bright' : 'dark', bestThreshold: 100, metrics: metrics(0.5),
  })),
];

describe('summarize', () => {
  const summaries = summarize(images, methods, results, { resamples: 200, seed: 2 });
  const find = (dataset: string, method: string) =>
    summaries.find((item) => item.dataset === dataset && item.method === method)!;

  it('when grouped then there is one summary per dataset and method, then all images', () => {
    expect(summaries.map((item) => `${item.dataset}/${item.method}`)).toEqual([
      'a/otsu', 'a/li', 'a/learned', 'b/otsu', 'b/li', 'b/learned',
      'all/otsu', 'all/li', 'all/learned',
    ]);
  });

  it('when averaging then means are plain means over the scored images', () => {
    expect(find('a', 'otsu').metrics.fmeasure.mean).toBeCloseTo((0.8 + 0.6 + 0.5) / 3, 12);
    expect(find('all', 'otsu').metrics.fmeasure.mean).toBeCloseTo(3.2 / 5, 12);
    expect(find('all', 'otsu').metrics.drd.mean).toBeCloseTo((0 + 1 + 2 + 3 + 4) / 5, 12);
    // li failed on b1: left out of the mean, counted as failed.
    expect(find('b', 'li').metrics.fmeasure.mean).toBeCloseTo(0.7, 12);
    expect(find('b', 'li')).toMatchObject({ images: 1, failed: 1 });
    expect(find('all', 'li').metrics.drd.mean).toBeNull();
  });

  it('when compared with Otsu then wins, ties (within 1e-9) and losses are counted per image',
    () => {
      // a1 0.9 > 0.8 win, a2 tie, a3 0.4 < 0.5 loss; b1 failed (skipped), b2 0.7 > 0.4 win.
      expect(find('a', 'li').versusReference).toEqual({ wins: 1, ties: 1, losses: 1 });
      expect(find('all', 'li').versusReference).toEqual({ wins: 2, ties: 1, losses: 1 });
      expect(find('all', 'otsu').versusReference).toBeNull();
    });

  it('when a learned row is summarized then its polarity accuracy is reported', () => {
    expect(find('all', 'learned').polarityAccuracy).toBeCloseTo(4 / 5, 12);
    expect(find('a', 'learned').polarityAccuracy).toBe(1);
    expect(find('all', 'otsu').polarityAccuracy).toBeNull();
  });

  it('when intervals are computed then only F-measure gets one by default, around its mean',
    () => {
      const { fmeasure, psnr } = find('all', 'otsu').metrics;
      expect(psnr.interval).toBeNull();
      expect(fmeasure.interval![0]).toBeLessThanOrEqual(fmeasure.mean!);
      expect(fmeasure.interval![1]).toBeGreaterThanOrEqual(fmeasure.mean!);
      expect(fmeasure.interval![0]).toBeGreaterThanOrEqual(0.4);
      expect(fmeasure.interval![1]).toBeLessThanOrEqual(0.9);
    });
});

describe('summarize when a method scored none of a dataset', () => {
  it('when every image of a dataset failed then its W/T/L is null, not 0/0/0', () => {
    const failing = results.map((row) => (row.method === 'li' && row.image >= 3
      ? { ...row, threshold: null, metrics: null, error: 'no answer' }
      : row));
    const summaries = summarize(images, methods, failing, { resamples: 20, seed: 1 });
    const of = (dataset: string) =>
      summaries.find((item) => item.dataset === dataset && item.method === 'li')!;
    expect(of('b').versusReference).toBeNull();
    expect(of('b').images).toBe(0);
    expect(of('a').versusReference).toEqual({ wins: 1, ties: 1, losses: 1 });
  });
});

describe('summarize with one dataset', () => {
  it('when there is a single dataset then its interval and the all-images one coincide', () => {
    const single = images.map((item) => ({ ...item, dataset: 'only' }));
    const summaries = summarize(single, methods, results, { resamples: 100, seed: 4 });
    const only = summaries.find((item) => item.dataset === 'only' && item.method === 'otsu')!;
    const all = summaries.find((item) => item.dataset === 'all' && item.method === 'otsu')!;
    expect(all.metrics.fmeasure.interval).toEqual(only.metrics.fmeasure.interval);
    expect(all.metrics.fmeasure.mean).toBeCloseTo(only.metrics.fmeasure.mean!, 15);
  });
});
