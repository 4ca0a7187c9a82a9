import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addResampleSums, bootstrapIntervals, emptyResampleSums, intervalsOf, quantile, resampleSums,
} from '../../src/bench/bootstrap.js';
import { createRandom } from '../../src/util/random.js';

describe('quantile', () => {
  it('when p falls between order statistics then it interpolates linearly', () => {
    const sorted = [1, 2, 4, 8];
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(8);
    expect(quantile(sorted, 0.5)).toBe(3); // position 1.5 between 2 and 4
    expect(quantile(sorted, 0.25)).toBeCloseTo(1.75, 12); // position 0.75
  });
});

describe('bootstrapIntervals', () => {
  it('when every value is equal then the interval is that value', () => {
    const [interval] = bootstrapIntervals([new Float64Array(20).fill(0.7)], { resamples: 200 });
    expect(interval![0]).toBeCloseTo(0.7, 12);
    expect(interval![1]).toBeCloseTo(0.7, 12);
  });

  it('when a column has no value then its interval is null', () => {
    const intervals = bootstrapIntervals([new Float64Array(5).fill(NaN), new Float64Array(5)]);
    expect(intervals[0]).toBeNull();
    expect(intervals[1]).toEqual([0, 0]);
  });

  it('when some values are missing then they are skipped, not counted as 0', () => {
    const values = Float64Array.of(1, NaN, 1, NaN, 1);
    expect(bootstrapIntervals([values], { resamples: 100 })[0]).toEqual([1, 1]);
  });

  it('when the seed is the same then the intervals are the same; another seed differs', () => {
    const random = createRandom(7);
    const values = Float64Array.from({ length: 50 }, () => random.next());
    const first = bootstrapIntervals([values], { seed: 3 });
    expect(bootstrapIntervals([values], { seed: 3 })).toEqual(first);
    expect(bootstrapIntervals([values], { seed: 4 })).not.toEqual(first);
  });

  it('when n is large then the 95% interval matches the normal approximation of the mean', () => {
    const random = createRandom(11);
    const values = Float64Array.from({ length: 400 }, () => random.normal() * 2 + 5);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    const halfWidth = 1.96 * Math.sqrt(variance / values.length); // ≈ 0.196
    const [interval] = bootstrapIntervals([values], { resamples: 2000, seed: 5 });
    expect(interval![0]).toBeLessThan(mean);
    expect(interval![1]).toBeGreaterThan(mean);
    expect((interval![1] - interval![0]) / 2).toBeGreaterThan(0.85 * halfWidth);
    expect((interval![1] - interval![0]) / 2).toBeLessThan(1.15 * halfWidth);
  });

  it('when two columns are resampled together then identical columns get identical intervals',
    () => {
      const values = Float64Array.from({ length: 30 }, (_, index) => (index * 7) % 11);
      const [a, b] = bootstrapIntervals([values, values.slice()], { seed: 9 });
      expect(a).toEqual(b);
    });
});

describe('pooling strata', () => {
  it('when two constant strata are pooled then every resample keeps their sizes (mean 3/4)',
    () => {
      const pooled = emptyResampleSums(1, 50);
      addResampleSums(pooled, resampleSums([Float64Array.of(1, 1, 1)], { resamples: 50 }));
      addResampleSums(pooled, resampleSums([Float64Array.of(0)], { resamples: 50 }));
      expect(intervalsOf(pooled)[0]).toEqual([0.75, 0.75]);
    });
});

describe('resampleSums against a plain resampling loop', () => {
  /** One resample at a time: draw n indices, then sum each column's non-NaN values there. */
  function plainSums(columns: Float64Array[], resamples: number, seed: number) {
    const random = createRandom(seed);
    const n = columns[0].length;
    const sums = columns.map(() => [] as number[]);
    const counts = columns.map(() => [] as number[]);
    for (let r = 0; r < resamples; r++) {
      const picks = Array.from({ length: n }, () => Math.floor(random.next() * n));
      columns.forEach((column, c) => {
        const drawn = picks.map((index) => column[index]).filter((value) => !Number.isNaN(value));
        sums[c].push(drawn.reduce((sum, value) => sum + value, 0));
        counts[c].push(drawn.length);
      });
    }
    return { sums, counts };
  }

  it('when columns with gaps are resampled then sums and counts equal the plain loop', () => {
    const value = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constant(NaN));
    const columns = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 9 }));
    fc.assert(fc.property(columns, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
      const data = raw.map((column) => Float64Array.from(column));
      const fast = resampleSums(data, { resamples: 7 }, createRandom(seed));
      const plain = plainSums(data, 7, seed);
      data.forEach((_, c) => {
        expect(Array.from(fast.counts[c])).toEqual(plain.counts[c]);
        Array.from(fast.sums[c]).forEach((sum, r) => expect(sum).toBeCloseTo(plain.sums[c][r], 12));
      });
    }));
  });
});
