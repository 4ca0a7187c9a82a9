/**
 * The fast searches of huang and shanbhag (estimates with error bounds, then exact evaluation of
 * the few splits that could win) against ImageJ's direct O(n²) loops, and multi-otsu's pruned
 * three-class search against every pair in scikit-image's float32 arithmetic, all written out
 * plainly here, on random histograms: mixtures, noise, sparse bins and exact ties. Huang's loop
 * runs on the counts divided by their greatest common divisor, as the method does (policy.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../../src/histogram/histogram.js';
import {
  huangThreshold, multiOtsuThresholds, shanbhagThreshold,
} from '../../../src/methods/global/index.js';

function reduced(counts: readonly number[]): number[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const divisor = counts.reduce((d, count) => gcd(count, d), 0);
  return counts.map((count) => count / divisor);
}

/** ImageJ 1.53 Huang over splits first..last − 1, every bin summed, as in the paper. */
function plainHuang(counts: readonly number[]): number {
  const first = counts.findIndex((count) => count > 0);
  let last = 255;
  while (counts[last] === 0) last--;
  const term = 1 / (last - first);
  const meanBelow: number[] = [];
  const meanAbove: number[] = [];
  for (let t = 0, sum = 0, n = 0; t < 256; t++) {
    sum += t * counts[t];
    n += counts[t];
    meanBelow[t] = sum / n;
  }
  for (let t = 255, sum = 0, n = 0; t > 0; t--) {
    sum += t * counts[t];
    n += counts[t];
    meanAbove[t - 1] = sum / n;
  }
  let best = first;
  let least = Infinity;
  for (let t = first; t < last; t++) {
    let entropy = 0;
    for (let bin = 0; bin < 256; bin++) {
      const mean = bin <= t ? meanBelow[t] : meanAbove[t];
      const mu = 1 / (1 + term * Math.abs(bin - mean));
      if (mu < 1e-6 || mu > 0.999999 || counts[bin] === 0) continue;
      entropy += counts[bin] * (-mu * Math.log(mu) - (1 - mu) * Math.log(1 - mu));
    }
    if (entropy < least) {
      least = entropy;
      best = t;
    }
  }
  return best;
}

/** ImageJ 1.53 Shanbhag, every bin summed (empty bins skipped: they add nothing). */
function plainShanbhag(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const p = counts.map((count) => count / total);
  const below: number[] = [];
  const above: number[] = [];
  for (let bin = 0, cumulative = 0; bin < 256; bin++) {
    cumulative += p[bin];
    below[bin] = cumulative;
    above[bin] = 1 - cumulative;
  }
  let firstBin = 0;
  while (firstBin < 255 && Math.abs(below[firstBin]) < 2.220446049250313e-16) firstBin++;
  let lastBin = 255;
  while (lastBin > firstBin && Math.abs(above[lastBin]) < 2.220446049250313e-16) lastBin--;
  let best = firstBin;
  let least = Infinity;
  for (let t = firstBin; t <= lastBin; t++) {
    let term = 0.5 / below[t];
    let lower = 0;
    for (let bin = 1; bin <= t; bin++) {
      if (p[bin] > 0) lower -= p[bin] * Math.log(1 - term * below[bin - 1]);
    }
    lower *= term;
    term = 0.5 / above[t];
    let upper = 0;
    for (let bin = t + 1; bin < 256; bin++) {
      if (p[bin] > 0) upper -= p[bin] * Math.log(1 - term * above[bin]);
    }
    upper *= term;
    const imbalance = Math.abs(lower - upper);
    if (imbalance < least) {
      least = imbalance;
      best = t;
    }
  }
  return best;
}

/**
 * scikit-image 0.19's three-class multi-Otsu on the occupied range, every pair (low, high)
 * tried: float32 shares and cumulative sums, class terms S²/P rounded to float32 (the term of
 * [0, 0] left at 0, the first moment starting at the first share), sums (first + last) + middle.
 */
function plainMultiOtsu3(counts: readonly number[]): number[] {
  const first = counts.findIndex((count) => count > 0);
  let last = 255;
  while (counts[last] === 0) last--;
  const n = last - first + 1;
  const total = counts.reduce((sum, count) => sum + count, 0);
  const share = new Float32Array(n);
  const moment = new Float32Array(n);
  for (let level = 0; level < n; level++) {
    const p = Math.fround(counts[first + level] / total);
    share[level] = level === 0 ? p : share[level - 1] + p;
    moment[level] = level === 0 ? p : moment[level - 1] + Math.fround(level * p);
  }
  const term = (u: number, v: number): number => {
    const s = u === 0 ? share[v] : Math.fround(share[v] - share[u - 1]);
    if (!(s > 0) || v === 0) return 0;
    const m = u === 0 ? moment[v] : Math.fround(moment[v] - moment[u - 1]);
    return Math.fround(Math.fround(m * m) / s);
  };
  let best = [0, 1];
  let bestSum = 0;
  for (let low = 0; low < n - 2; low++) {
    for (let high = low + 1; high < n - 1; high++) {
      const sum = Math.fround(Math.fround(term(0, low) + term(high + 1, n - 1))
        + term(low + 1, high));
      if (sum > bestSum) {
        bestSum = sum;
        best = [low, high];
      }
    }
  }
  return best.map((level) => first + level);
}

const mixture = fc.tuple(
  fc.array(fc.record({
    mean: fc.double({ min: -20, max: 275, noNaN: true }),
    sd: fc.double({ min: 1, max: 50, noNaN: true }),
    weight: fc.double({ min: 0.02, max: 1, noNaN: true }),
  }), { minLength: 1, maxLength: 4 }),
  fc.constantFrom(50, 5000, 1_000_000),
).map(([modes, size]) => Array.from({ length: 256 }, (_, bin) => Math.round(size * modes.reduce(
  (sum, { mean, sd, weight }) => sum + weight * Math.exp(-0.5 * ((bin - mean) / sd) ** 2), 0))));
const noise = fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 256, maxLength: 256 });
const sparse = fc.array(fc.constantFrom(0, 0, 0, 0, 1, 5, 1_000_000), {
  minLength: 256, maxLength: 256,
});
const mirrored = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 128, maxLength: 128 })
  .map((half) => [...half, ...half.slice().reverse()]);
const histograms = fc.oneof(mixture, noise, sparse, mirrored)
  .filter((counts) => counts.filter((count) => count > 0).length >= 2);

describe('fast searches against ImageJ\'s direct loops', () => {
  it('when huang runs on random histograms then it picks ImageJ\'s split', () => {
    fc.assert(fc.property(histograms, (counts) => {
      expect(huangThreshold(createHistogram(counts))).toBe(plainHuang(reduced(counts)));
    }), { seed: 31337, numRuns: 400 });
  });

  it('when shanbhag runs on random histograms then it picks ImageJ\'s split', () => {
    fc.assert(fc.property(histograms, (counts) => {
      expect(shanbhagThreshold(createHistogram(counts))).toBe(plainShanbhag(counts));
    }), { seed: 27182, numRuns: 150 });
  });

  it('when multi-otsu splits random histograms in three then it equals every-pair search', () => {
    fc.assert(fc.property(histograms, (counts) => {
      fc.pre(counts.filter((count) => count > 0).length > 3);
      expect(multiOtsuThresholds(createHistogram(counts), 3)).toEqual(plainMultiOtsu3(counts));
    }), { seed: 16180, numRuns: 150 });
  });
});
