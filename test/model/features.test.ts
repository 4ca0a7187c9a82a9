import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../src/histogram/histogram.js';
import { GLOBAL_METHOD_NAMES } from '../../src/methods/global/index.js';
import {
  CLASSICAL_METHODS, FEATURE_SET_NAMES, STATISTIC_NAMES, classicalThresholds, computeFeatures,
  featureDefinition, fitNormalization, normalizeFeatures,
} from '../../src/model/features.js';
import { realSample } from './helpers.js';

/** Two bins: 1 pixel at bin 10, 3 pixels at bin 20. */
const TWO_BINS = (() => {
  const counts = new Array(256).fill(0);
  counts[10] = 1;
  counts[20] = 3;
  return counts;
})();

describe('features', () => {
  it('when a feature set is defined then its size is the sum of its blocks', () => {
    for (const name of FEATURE_SET_NAMES) {
      const definition = featureDefinition(name);
      const histogram = createHistogram(TWO_BINS);
      expect(computeFeatures(histogram, definition)).toHaveLength(definition.size);
    }
    const full = featureDefinition('sqrt-cdf-stats-classical');
    expect(full.size).toBe(256 + 256 + STATISTIC_NAMES.length + 2 * CLASSICAL_METHODS.length);
  });

  it('when computed by hand on two bins then sqrt, cdf and stats match', () => {
    const values = computeFeatures(createHistogram(TWO_BINS), featureDefinition('sqrt-cdf-stats'));
    // sqrt block: √(1/4) at bin 10, √(3/4) at bin 20.
    expect(values[10]).toBeCloseTo(0.5, 6);
    expect(values[20]).toBeCloseTo(Math.sqrt(0.75), 6);
    expect(values[11]).toBe(0);
    // cdf block: 0 below 10, 1/4 from 10, 1 from 20.
    expect(values[256 + 9]).toBe(0);
    expect(values[256 + 15]).toBeCloseTo(0.25, 6);
    expect(values[256 + 255]).toBeCloseTo(1, 6);
    // stats: mean 17.5, std √(0.25·56.25 + 0.75·6.25) = √18.75, entropy of (1/4, 3/4).
    const stats = values.slice(512);
    const at = (name: (typeof STATISTIC_NAMES)[number]) => stats[STATISTIC_NAMES.indexOf(name)];
    expect(at('mean') * 255).toBeCloseTo(17.5, 3);
    expect(at('std') * 255).toBeCloseTo(Math.sqrt(18.75), 3);
    expect(at('entropy') * 8).toBeCloseTo(-(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75)), 5);
    expect(at('first') * 255).toBeCloseTo(10, 4);
    expect(at('last') * 255).toBeCloseTo(20, 4);
    expect(at('q50') * 255).toBeCloseTo(20, 4);
    expect(at('mode') * 255).toBeCloseTo(20, 4);
    expect(at('modeHeight')).toBeCloseTo(0.75, 6);
  });

  it('when every count is scaled by k then the features do not change', async () => {
    const [record] = await realSample(1);
    const definition = featureDefinition('sqrt-cdf-stats-classical');
    const once = computeFeatures(createHistogram(record.histogram), definition);
    const scaled = computeFeatures(
      createHistogram(record.histogram.map((count) => count * 7)), definition,
    );
    once.forEach((value, index) => expect(scaled[index]).toBeCloseTo(value, 5));
  });

  it('when a classical method fails then its feature is the mean bin (documented fallback)', () => {
    expect(CLASSICAL_METHODS.every((method) =>
      (GLOBAL_METHOD_NAMES as readonly string[]).includes(method))).toBe(true);
    // Two occupied bins far apart: smoothing-based methods (minimum) find no two modes.
    const thresholds = classicalThresholds(createHistogram(TWO_BINS), 13);
    for (const method of CLASSICAL_METHODS) {
      expect(thresholds[method]).toBeGreaterThanOrEqual(10);
      expect(thresholds[method]).toBeLessThanOrEqual(20);
    }
  });

  it('when standardized with fitted statistics then each column has mean 0 and std 1', () => {
    const rows = new Float32Array([1, 10, 3, 30, 5, 50]);
    const normalization = fitNormalization(rows, 2);
    expect(normalization.mean).toEqual([3, 30]);
    normalizeFeatures(rows, normalization);
    expect(rows[0]).toBeCloseTo(-Math.sqrt(1.5), 5);
    expect(rows[1]).toBeCloseTo(-Math.sqrt(1.5), 5);
    expect(rows[2]).toBeCloseTo(0, 6);
  });
});
