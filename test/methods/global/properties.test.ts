/**
 * Properties every global method must have on any histogram (fast-check, fixed seeds):
 * invariance to scaling all counts, results inside the occupied range, no mutation of the
 * input, failures only as `autothresh.methodFailed`; and the defining property of Otsu
 * (maximal between-class variance, checked by exact brute force) and IsoData (a fixed point,
 * the lowest one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHistogram, type Histogram } from '../../../src/histogram/histogram.js';
import {
  GLOBAL_METHOD_NAMES,
  isodataThreshold,
  otsuThreshold,
} from '../../../src/methods/global/index.js';
import { run } from './references.js';

// Counts up to a million per bin (a 256-megapixel image holds ~10⁶ pixels per gray level).
const MAX_COUNT = 1_000_000;

/** A few occupied bins anywhere, including the ends. */
const sparseCounts = fc
  .uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 40 })
  .chain((bins) => fc
    .array(fc.integer({ min: 1, max: MAX_COUNT }), {
      minLength: bins.length,
      maxLength: bins.length,
    })
    .map((values) => {
      const counts = new Array<number>(256).fill(0);
      bins.forEach((bin, i) => { counts[bin] = values[i]; });
      return counts;
    }));

/** Noise over a random sub-range, with holes; the level sets the size of the counts. */
const denseCounts = fc
  .tuple(
    fc.integer({ min: 0, max: 200 }),
    fc.integer({ min: 2, max: 256 }),
    fc.constantFrom(10, 600, MAX_COUNT),
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 256, maxLength: 256 }),
  )
  .map(([start, width, level, noise]) => noise.map((value, bin) =>
    bin >= start && bin < start + width ? Math.round(value * level) : 0))
  .filter((counts) => counts.filter((count) => count > 0).length >= 2);

/** Two or three Gaussian modes, rounded to counts (what images look like), small or huge. */
const mixtureCounts = fc
  .tuple(
    fc.array(
      fc.record({
        mean: fc.double({ min: -20, max: 275, noNaN: true }),
        sd: fc.double({ min: 1.5, max: 40, noNaN: true }),
        weight: fc.double({ min: 0.05, max: 1, noNaN: true }),
      }),
      { minLength: 2, maxLength: 3 },
    ),
    fc.constantFrom(600, 20_000, MAX_COUNT),
  )
  .map(([modes, peak]) => {
    const density = Array.from({ length: 256 }, (_, bin) => modes.reduce(
      (sum, { mean, sd, weight }) => sum + weight * Math.exp(-0.5 * ((bin - mean) / sd) ** 2), 0));
    const scale = (peak * 40) / density.reduce((sum, value) => sum + value, 0);
    return density.map((value) => Math.min(peak, Math.round(value * scale)));
  })
  .filter((counts) => counts.filter((count) => count > 0).length >= 2);

/**
 * Histograms full of exact ties: a flat run of equal counts, a shape mirrored about its centre,
 * or a few repeated count values (every split then has a twin of equal merit, or several).
 */
const tieCounts = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 250 }), fc.integer({ min: 2, max: 256 }),
    fc.integer({ min: 1, max: MAX_COUNT }))
    .map(([start, width, count]) => Array.from({ length: 256 }, (_, bin) =>
      bin >= start && bin < start + width ? count : 0)),
  fc.array(fc.integer({ min: 0, max: MAX_COUNT }), { minLength: 128, maxLength: 128 })
    .map((half) => [...half, ...half.slice().reverse()])
    .filter((counts) => counts.filter((count) => count > 0).length >= 2),
  fc.tuple(fc.array(fc.constantFrom(0, 1, 7, 7, 1000), { minLength: 256, maxLength: 256 }))
    .map(([counts]) => counts)
    .filter((counts) => counts.filter((count) => count > 0).length >= 2),
);

const anyCounts = fc.oneof(sparseCounts, denseCounts, mixtureCounts, tieCounts);

/** Integer scale factors from 2 to 10⁴, most of them large. */
const scaleFactors = fc.oneof(
  fc.integer({ min: 2, max: 50 }),
  fc.integer({ min: 51, max: 10_000 }),
  fc.constantFrom(7, 10, 1000),
);

function occupied(counts: readonly number[]): { first: number; last: number } {
  const first = counts.findIndex((count) => count > 0);
  const last = counts.length - 1 - [...counts].reverse().findIndex((count) => count > 0);
  return { first, last };
}

describe('every global method', () => {
  it('when all counts are multiplied by an integer k then the threshold is unchanged', () => {
    fc.assert(
      fc.property(anyCounts, scaleFactors, (counts, k) => {
        const original = createHistogram(counts);
        const scaled = createHistogram(counts.map((count) => count * k));
        for (const name of GLOBAL_METHOD_NAMES) {
          expect(run(name, scaled), `${name}, k = ${k}`).toEqual(run(name, original));
        }
      }),
      { seed: 1729, numRuns: 300 },
    );
  });

  it('when all counts are multiplied by k then the four-class multi-otsu is unchanged', () => {
    // Separate and shorter: k = 4 costs ~20 ms a histogram.
    fc.assert(
      fc.property(anyCounts, scaleFactors, (counts, k) => {
        const scaled = createHistogram(counts.map((count) => count * k));
        expect(run('multi-otsu', scaled, 4)).toEqual(run('multi-otsu', createHistogram(counts), 4));
      }),
      { seed: 1730, numRuns: 40 },
    );
  });

  it('when a method answers then every threshold lies in [first, last] occupied bin', () => {
    fc.assert(
      fc.property(anyCounts, (counts) => {
        const { first, last } = occupied(counts);
        const histogram = createHistogram(counts);
        for (const name of GLOBAL_METHOD_NAMES) {
          const result = run(name, histogram); // any error but methodFailed fails the test
          if (result === 'methodFailed') continue;
          const thresholds = [result].flat();
          for (const t of thresholds) {
            expect(Number.isInteger(t), `${name} returned ${t}`).toBe(true);
            expect(t, name).toBeGreaterThanOrEqual(first);
            expect(t, name).toBeLessThanOrEqual(last);
          }
          // multi-otsu: strictly increasing
          thresholds.slice(1).forEach((t, i) => expect(t).toBeGreaterThan(thresholds[i]));
        }
      }),
      { seed: 314159, numRuns: 150 },
    );
  });

  it('when a method runs then the caller\'s histogram is left as it was', () => {
    fc.assert(
      fc.property(anyCounts, (counts) => {
        const histogram = createHistogram(counts);
        const before = Array.from(histogram.counts);
        const total = histogram.total;
        for (const name of GLOBAL_METHOD_NAMES) run(name, histogram);
        run('multi-otsu', histogram, 4);
        expect(Array.from(histogram.counts)).toEqual(before);
        expect(histogram.total).toBe(total);
      }),
      { seed: 2718, numRuns: 60 },
    );
  });
});

describe('otsu', () => {
  it('when checked by exact brute force then no split has a larger between-class variance', () => {
    fc.assert(
      fc.property(anyCounts, (counts) => {
        const histogram = createHistogram(counts);
        const best = betweenClassVariances(counts);
        const ours = best.get(otsuThreshold(histogram))!;
        const maximum = Math.max(...best.values());
        expect(ours).toBeGreaterThanOrEqual(maximum * (1 - 1e-12));
      }),
      { seed: 1618, numRuns: 200 },
    );
  });

  it('when two splits tie then the lower one is returned', () => {
    // Three equal peaks at 0, 10, 20: splitting after 0 or after 10 gives the same variance.
    const counts = new Array<number>(256).fill(0);
    counts[0] = 10;
    counts[10] = 10;
    counts[20] = 10;
    const variances = betweenClassVariances(counts);
    expect(variances.get(0)).toBe(variances.get(10));
    expect(otsuThreshold(createHistogram(counts))).toBe(0);
  });
});

/**
 * Between-class variance of every split t in [first, last − 1], from exact integer sums:
 * w₀w₁(μ₀ − μ₁)² / N² = (S₀w₁ − S₁w₀)² / (w₀w₁N²), evaluated with BigInt up to the final division.
 */
function betweenClassVariances(counts: readonly number[]): Map<number, number> {
  const { first, last } = occupied(counts);
  const total = counts.reduce((sum, count) => sum + count, 0);
  const variances = new Map<number, number>();
  for (let t = first; t < last; t++) {
    let w0 = 0n;
    let s0 = 0n;
    let w1 = 0n;
    let s1 = 0n;
    counts.forEach((count, bin) => {
      if (bin <= t) {
        w0 += BigInt(count);
        s0 += BigInt(bin * count);
      } else {
        w1 += BigInt(count);
        s1 += BigInt(bin * count);
      }
    });
    const numerator = (s0 * w1 - s1 * w0) ** 2n;
    variances.set(t, Number(numerator) / (Number(w0 * w1) * total * total));
  }
  return variances;
}

describe('isodata', () => {
  /** (μ₀(t) + μ₁(t)) / 2 computed from scratch. */
  function meanOfMeans(histogram: Histogram, t: number): number {
    let w0 = 0;
    let s0 = 0;
    let w1 = 0;
    let s1 = 0;
    for (let bin = 0; bin < 256; bin++) {
      const count = histogram.counts[bin];
      if (bin <= t) {
        w0 += count;
        s0 += bin * count;
      } else {
        w1 += count;
        s1 += bin * count;
      }
    }
    return (s0 / w0 + s1 / w1) / 2;
  }

  it('when t is returned then t ≤ (μ₀ + μ₁)/2 < t + 1 and no lower bin satisfies it', () => {
    fc.assert(
      fc.property(anyCounts, (counts) => {
        const histogram = createHistogram(counts);
        const { first } = occupied(counts);
        const t = isodataThreshold(histogram);
        const m = meanOfMeans(histogram, t);
        expect(m).toBeGreaterThanOrEqual(t);
        expect(m).toBeLessThan(t + 1);
        for (let lower = first; lower < t; lower++) {
          const other = meanOfMeans(histogram, lower);
          expect(other >= lower && other < lower + 1, `bin ${lower} is also a fixed point`)
            .toBe(false);
        }
      }),
      { seed: 1414, numRuns: 200 },
    );
  });
});
