import { describe, expect, it } from 'vitest';
import { compareWithOtsu, datasetStats, summarize } from '../../src/label/stats.js';
import { LABEL_SCHEMA_VERSION, type LabelRecord } from '../../src/label/schema.js';

/** Two-level image: `dark` pixels at gray 40 (foreground), `light` at gray 200. */
function twoLevel(id: string, dataset: string, dark: number, light: number): LabelRecord {
  const foreground = new Array(256).fill(0);
  const background = new Array(256).fill(0);
  foreground[40] = dark;
  background[200] = light;
  return {
    schemaVersion: LABEL_SCHEMA_VERSION, id, source: `${dataset}/${id}.png`, dataset,
    imageSha256: 'f'.repeat(64), maskSha256: 'e'.repeat(64), width: dark + light, height: 1,
    histogram: foreground.map((count, bin) => count + background[bin]),
    foregroundHistogram: foreground, backgroundHistogram: background,
    polarity: 'dark', objective: 'fmeasure', bestThreshold: 120, bestScore: 1,
    bestRange: [40, 199], labelKind: 'mask',
  };
}

describe('datasetStats', () => {
  it('when Otsu splits two levels then it loses no F-measure', () => {
    const comparison = compareWithOtsu(twoLevel('a', 'x', 10, 30));
    // Any t in 40..199 separates the two levels; Otsu returns one of them.
    expect(comparison?.otsu).toBeGreaterThanOrEqual(40);
    expect(comparison?.otsu).toBeLessThan(200);
    expect(comparison?.fmeasureLost).toBe(0);
  });

  it('when summarizing then counts per dataset and quantiles are right', () => {
    const stats = datasetStats([
      twoLevel('a', 'x', 10, 30), twoLevel('b', 'x', 5, 5),
      { ...twoLevel('c', 'y', 1, 1), polarity: 'bright', bestThreshold: 7, synthetic: true },
    ]);
    expect(stats.datasets.map((group) => [group.name, group.records]))
      .toEqual([['x', 2], ['y', 1]]);
    expect(stats.all).toMatchObject({ records: 3, dark: 2, bright: 1, synthetic: 1, originals: 2 });
    expect(stats.all.thresholdBands[7]).toBe(2);
    expect(stats.all.thresholdBands[0]).toBe(1);
    expect(summarize([1, 2, 3, 4, 5]))
      .toMatchObject({ median: 3, p25: 2, mean: 3, min: 1, max: 5 });
    expect(summarize([0, 10]).p10).toBeCloseTo(1, 12);
  });

  it('when there is no record then it refuses rather than summarize nothing', () => {
    expect(() => datasetStats([])).toThrow(expect.objectContaining({
      code: 'autothresh.dataset', message: 'stats: no records',
    }));
  });
});
