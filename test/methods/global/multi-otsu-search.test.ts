/**
 * The three-class multi-Otsu search of src/methods/global/multi-otsu.ts (pruned) against the
 * brute-force reference of scikit-image's search (multi-otsu-reference.ts), bit for bit: on
 * every golden record (the 425 dataset histograms and pathological.json), on the synthetic
 * fixture, and on 3400 random histograms chosen to stress float32 ties and the pruning bounds
 * (sparse, uniform, symmetric, tiny and huge counts, few occupied bins, combs, plateaus, bins
 * absorbed by float32 rounding, fractional counts with subnormal float32 shares).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../../src/errors.js';
import { createHistogram } from '../../../src/histogram/histogram.js';
import { multiOtsuThresholds } from '../../../src/methods/global/index.js';
import { bruteForceMultiOtsu3 } from './multi-otsu-reference.js';
import { goldenDatasetRecords, pathologicalRecords, syntheticRecords } from './references.js';

function fast(counts: readonly number[]): number[] | 'methodFailed' {
  try {
    return multiOtsuThresholds(createHistogram(counts), 3);
  } catch (error) {
    if (isAutothreshError(error, 'autothresh.methodFailed')) return 'methodFailed';
    throw error;
  }
}

function differences(records: { name: string; counts: readonly number[] }[]): string[] {
  return records.flatMap(({ name, counts }) => {
    const expected = bruteForceMultiOtsu3(counts);
    const actual = fast(counts);
    return JSON.stringify(actual) === JSON.stringify(expected)
      ? []
      : [`${name}: brute force ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  });
}

const BINS = 256;

/** Places `values` at bins offset.. (the rest 0), so that the occupied range varies. */
const placed = (values: fc.Arbitrary<number[]>): fc.Arbitrary<number[]> => fc
  .tuple(values, fc.nat({ max: BINS - 1 }))
  .map(([inner, offset]) => {
    const counts = new Array<number>(BINS).fill(0);
    const start = Math.min(offset, BINS - inner.length);
    inner.forEach((count, i) => { counts[start + i] = count; });
    return counts;
  });

const mixture = fc.tuple(
  fc.array(fc.record({
    mean: fc.double({ min: -20, max: 275, noNaN: true }),
    sd: fc.double({ min: 0.3, max: 60, noNaN: true }),
    weight: fc.double({ min: 0.001, max: 1, noNaN: true }),
  }), { minLength: 1, maxLength: 5 }),
  fc.constantFrom(30, 1000, 100_000, 3_000_000, 2 ** 40),
).map(([modes, size]) => Array.from({ length: BINS }, (_, bin) => Math.round(size * modes.reduce(
  (sum, { mean, sd, weight }) => sum + weight * Math.exp(-0.5 * ((bin - mean) / sd) ** 2), 0))));

/** Runs of 4..256 independent counts in [0, max]. */
const counts = (max: number): fc.Arbitrary<number[]> => placed(fc.array(
  fc.integer({ min: 0, max }), { minLength: 4, maxLength: BINS },
));
const noise = counts(3000);
const tiny = counts(3);
const huge = counts(2 ** 44);
const sparse = fc.array(fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2, 5, 1_000_000), {
  minLength: BINS, maxLength: BINS,
});

/** Few occupied bins, often with equal counts (exact float32 ties). */
const fewBins = fc.tuple(
  fc.uniqueArray(fc.nat({ max: BINS - 1 }), { minLength: 3, maxLength: 9 }),
  fc.array(fc.constantFrom(1, 1, 7, 100, 12_345, 2 ** 30), { minLength: 9, maxLength: 9 }),
).map(([bins, values]) => {
  const counts = new Array<number>(BINS).fill(0);
  bins.forEach((bin, i) => { counts[bin] = values[i]; });
  return counts;
});

/** Equal counts over a range, optionally every `step`-th bin only (combs of exact ties). */
const uniform = fc.tuple(
  fc.integer({ min: 4, max: BINS }),
  fc.constantFrom(1, 1, 2, 3, 5),
  fc.constantFrom(1, 3, 1000, 2 ** 36),
).chain(([width, step, value]) => placed(fc.constant(
  Array.from({ length: width }, (_, i) => (i % step === 0 ? value : 0)),
)));

const symmetric = placed(fc
  .array(fc.integer({ min: 0, max: 200 }), { minLength: 2, maxLength: 128 })
  .map((half) => [...half, ...half.slice().reverse()]));

/** Steps and plateaus: runs of equal counts. */
const plateaus = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom(0, 1, 10, 500, 40_000)),
  { minLength: 2, maxLength: 12 },
).map((runs) => {
  const counts = runs.flatMap(([length, value]) => new Array<number>(length).fill(value));
  return [...counts, ...new Array<number>(BINS).fill(0)].slice(0, BINS);
});

/** One bin so large that float32 rounding absorbs the others in the cumulative sums. */
const absorbed = fc.tuple(
  fc.array(fc.integer({ min: 0, max: 40 }), { minLength: BINS, maxLength: BINS }),
  fc.nat({ max: BINS - 1 }),
  fc.constantFrom(2 ** 26, 2 ** 33, 2 ** 45),
).map(([counts, bin, value]) => counts.map((count, i) => (i === bin ? value : count)));

/** Fractional counts, some so small that their float32 shares are subnormal or 0. */
const fractional = fc.array(
  fc.constantFrom(0, 0, 0, 1e-44, 1e-40, 1e-30, 1e-12, 0.5, 3.7, 12.25, 1e6),
  { minLength: BINS, maxLength: BINS },
);

const families: [string, fc.Arbitrary<number[]>, number][] = [
  ['mixtures', mixture, 500],
  ['noise', noise, 300],
  ['tiny counts', tiny, 300],
  ['huge counts', huge, 300],
  ['sparse', sparse, 300],
  ['few occupied bins', fewBins, 400],
  ['uniform and combs', uniform, 300],
  ['symmetric', symmetric, 300],
  ['plateaus', plateaus, 300],
  ['absorbed bins', absorbed, 200],
  ['fractional counts', fractional, 200],
];

describe('three-class multi-otsu against the brute-force search', () => {
  it('when run on the golden dataset records then every pair equals the brute force', () => {
    const records = goldenDatasetRecords();
    expect(records).toHaveLength(425);
    expect(differences(records)).toEqual([]);
  });

  it('when run on pathological.json and the synthetic fixture then it equals brute force', () => {
    const records = [...pathologicalRecords().values(), ...syntheticRecords()]
      .filter(({ counts }) => counts.some((count) => count > 0));
    expect(differences(records)).toEqual([]);
  });

  families.forEach(([name, family, numRuns], index) => {
    it(`when run on random histograms (${name}) then it equals the brute force`, () => {
      const occupied = family.filter((counts) => counts.some((count) => count > 0));
      fc.assert(fc.property(occupied, (counts) => {
        expect(fast(counts)).toEqual(bruteForceMultiOtsu3(counts));
      }), { seed: 4242 + index, numRuns });
    });
  });
});
