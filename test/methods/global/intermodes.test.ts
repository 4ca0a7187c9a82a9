/**
 * intermodes against ImageJ's loop written out plainly in this file (full 10 000 passes, a fresh
 * two-peak test before every pass, no early stop), and the stop rule it takes early: a
 * log-concave smoothed histogram never shows two peaks again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../../src/histogram/histogram.js';
import { intermodesThreshold } from '../../../src/methods/global/index.js';
import { goldenDatasetRecords, pathologicalRecords, run, syntheticRecords } from './references.js';

/** ImageJ 1.53's Intermodes on the occupied range, as a reader would write it from the paper. */
function imagejIntermodes(counts: readonly number[]): number | 'methodFailed' {
  const first = counts.findIndex((count) => count > 0);
  let last = counts.length - 1;
  while (!(counts[last] > 0)) last--;
  let smooth = Float64Array.from(counts.slice(first, last + 1));
  let before = new Float64Array(smooth.length);
  const peaks = (): number[] => {
    const found: number[] = [];
    for (let bin = 1; bin < smooth.length - 1; bin++) {
      if (smooth[bin - 1] < smooth[bin] && smooth[bin + 1] < smooth[bin]) found.push(bin);
    }
    return found;
  };
  for (let passes = 0; peaks().length !== 2; passes++) {
    if (passes === 10_000) return 'methodFailed';
    [before, smooth] = [smooth, before];
    for (let bin = 0; bin < smooth.length; bin++) {
      const left = bin > 0 ? before[bin - 1] : 0;
      const right = bin < smooth.length - 1 ? before[bin + 1] : 0;
      smooth[bin] = (left + before[bin] + right) / 3;
    }
  }
  const [low, high] = peaks();
  return first + Math.floor((low + high) / 2);
}

/** A three-mode mixture (bins 172..255) with a flat top, where smoothing creates exact ties. */
const FLAT_TOPPED = [
  1, 1, 2, 3, 5, 7, 10, 14, 19, 25, 33, 41, 50, 60, 69, 78, 86, 92, 97, 99, 98, 95, 91, 85, 77,
  70, 62, 56, 50, 45, 42, 40, 39, 40, 41, 43, 46, 49, 53, 56, 60, 63, 66, 69, 71, 73, 75, 76, 76,
  76, 76, 75, 73, 71, 69, 66, 63, 59, 56, 52, 48, 44, 40, 36, 33, 29, 26, 23, 20, 17, 15, 13, 11,
  9, 8, 6, 5, 4, 4, 3, 2, 2, 1, 1,
];

describe('intermodes against a plain full-length ImageJ loop', () => {
  it('when run on every golden, synthetic and pathological record then outcomes are equal', () => {
    const records = [
      ...goldenDatasetRecords(), ...syntheticRecords(), ...pathologicalRecords().values(),
    ].filter((record) => record.counts.filter((count) => count > 0).length >= 2);
    let failures = 0;
    for (const record of records) {
      const expected = imagejIntermodes(record.counts);
      if (expected === 'methodFailed') failures++;
      expect(run('intermodes', record.histogram), record.name).toEqual(expected);
    }
    // The early stop is exercised: ImageJ gives up on these records.
    expect(failures).toBeGreaterThanOrEqual(10);
  });

  it('when histograms are random mixtures or flat runs then the outcomes are equal', () => {
    const mixture = fc.array(fc.record({
      mean: fc.double({ min: 0, max: 255, noNaN: true }),
      sd: fc.double({ min: 2, max: 60, noNaN: true }),
      weight: fc.integer({ min: 50, max: 100_000 }),
    }), { minLength: 1, maxLength: 3 }).map((modes) => Array.from({ length: 256 }, (_, bin) =>
      Math.round(modes.reduce((sum, { mean, sd, weight }) =>
        sum + weight * Math.exp(-0.5 * ((bin - mean) / sd) ** 2), 0))));
    const runs = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 3, max: 56 }),
      fc.integer({ min: 1, max: 9 })).map(([start, width, height]) =>
      Array.from({ length: 256 }, (_, bin) => (bin >= start && bin < start + width ? height : 0)));
    fc.assert(
      fc.property(fc.oneof(mixture, runs), (counts) => {
        fc.pre(counts.filter((count) => count > 0).length >= 2);
        expect(run('intermodes', createHistogram(counts))).toEqual(imagejIntermodes(counts));
      }),
      { seed: 4242, numRuns: 100 },
    );
  });
});

describe('intermodes and scale', () => {
  it('when a flat-topped histogram is multiplied by 10 or 1000 then the threshold stays', () => {
    const counts = new Array<number>(256).fill(0);
    FLAT_TOPPED.forEach((count, i) => { counts[172 + i] = count; });
    const threshold = intermodesThreshold(createHistogram(counts));
    expect(threshold).toBe(imagejIntermodes(counts));
    for (const factor of [10, 1000, 123_457]) {
      const scaled = createHistogram(counts.map((count) => count * factor));
      expect(intermodesThreshold(scaled), `× ${factor}`).toBe(threshold);
    }
  });
});
