/**
 * A small hand-made benchmark result for the report tests: two datasets, three methods.
 */
import type { BinarizationMetrics } from '../../src/bench/metrics.js';
import type { BenchResult, ImageResult, MethodSpec } from '../../src/bench/results.js';
import { summarize } from '../../src/bench/summary.js';

function metrics(fmeasure: number): BinarizationMetrics {
  return {
    fmeasure, precision: 0.5, recall: 1, accuracy: 0.9, iou: 0.25, mcc: 0.1234,
    psnr: 12.345, drd: 3.21, thresholdError: 4,
  };
}

export function smallResult(secondDataset = 'set-b'): BenchResult {
  const methods: MethodSpec[] = [
    { name: 'otsu', kind: 'global', method: 'otsu' },
    { name: 'sauvola', kind: 'local', method: 'sauvola' },
    { name: 'oracle', kind: 'oracle', method: 'oracle' },
  ];
  const images = ['x,1', 'y"2', 'z3'].map((id, index) => ({
    id, dataset: index < 2 ? 'set-a' : secondDataset, source: `${id}.png`, width: 4, height: 2,
    truthPolarity: 'dark' as const, bestThreshold: 100, bestThresholds: { dark: 100, bright: 90 },
    histogram: new Array(256).fill(1),
  }));
  const results: ImageResult[] = [];
  images.forEach((_, index) => {
    const local = {
      image: index, method: 'sauvola', kind: 'local' as const, threshold: null, bestThreshold: 100,
    };
    results.push(
      {
        image: index, method: 'otsu', kind: 'global', threshold: 96, polarity: 'dark',
        bestThreshold: 100, metrics: metrics(0.5 + index / 10),
      },
      index === 2
        ? { ...local, polarity: 'dark', metrics: null, error: 'window too large' }
        : { ...local, polarity: 'dark', metrics: { ...metrics(0.9), thresholdError: null } },
      {
        image: index, method: 'oracle', kind: 'oracle', threshold: 100, polarity: 'dark',
        bestThreshold: 100, metrics: metrics(0.95),
      },
    );
  });
  return {
    settings: {
      polarity: 'truth', objective: 'fmeasure', resamples: 100, seed: 1, level: 0.95,
      tieTolerance: 1e-9, reference: 'otsu', roi: false, maskThreshold: 0, maxPixels: 2 ** 28,
      localParams: {},
    },
    methods,
    images,
    results,
    records: 0,
    summaries: summarize(images, methods, results, { resamples: 100 }),
    notes: ['a note'],
    failures: [],
    timing: { seconds: 1, imagesPerSecond: 3, workers: 0 },
  };
}
