import { describe, expect, it } from 'vitest';
import { classHistogramsOf } from '../../src/label/class-histograms.js';
import {
  bestThreshold, OBJECTIVE_NAMES, polarityOfClasses, scoreAllThresholds,
} from '../../src/label/objectives.js';
import {
  applySteps, convolveNoise, normalCdf, roundCounts, type PhotometricStep,
} from '../../src/label/photometric.js';
import { createRandom } from '../../src/util/random.js';
import { cropImage, loadSample, SAMPLE_NAMES } from './helpers.js';

/** The transforms written out per pixel, independently of photometric.ts. */
function transformPixel(value: number, step: PhotometricStep): number {
  let result: number;
  if (step.kind === 'gamma') result = Math.round(255 * (value / 255) ** step.value);
  else if (step.kind === 'contrast') result = Math.round(127.5 + step.value * (value - 127.5));
  else if (step.kind === 'brightness') result = Math.round(value + step.value);
  else if (step.kind === 'invert') result = 255 - value;
  else throw new Error('not a lookup table');
  return Math.min(255, Math.max(0, result));
}

const CHAINS: PhotometricStep[][] = [
  [{ kind: 'gamma', value: 0.55 }],
  [{ kind: 'gamma', value: 1.8 }, { kind: 'brightness', value: -30 }],
  [{ kind: 'contrast', value: 1.45 }, { kind: 'invert' }],
  [
    { kind: 'contrast', value: 0.5 }, { kind: 'brightness', value: 37 },
    { kind: 'gamma', value: 1.1 },
  ],
  [{ kind: 'invert' }],
];

describe('lookup-table transforms of class histograms', () => {
  it.each(SAMPLE_NAMES)('when mapping %s then equals the mapped pixels', async (name) => {
    const { image, mask } = await loadSample(name);
    const classes = classHistogramsOf(image, mask);
    for (const steps of CHAINS) {
      const chain = Array.from({ length: 256 }, (_, value) =>
        steps.reduce((current, step) => transformPixel(current, step), value));
      const transformed = Uint8Array.from(image.data, (value) => chain[value]);
      const expected = classHistogramsOf({ ...image, data: transformed }, mask);
      const actual = applySteps(classes, steps);
      expect(Array.from(actual.foreground)).toEqual(Array.from(expected.foreground));
      expect(Array.from(actual.background)).toEqual(Array.from(expected.background));
    }
  });

  it('when inverting then polarity flips and the best threshold t becomes 254 − t', async () => {
    const random = createRandom(5);
    let checked = 0;
    for (const name of SAMPLE_NAMES) {
      const { image, mask } = await loadSample(name);
      for (let trial = 0; trial < 4; trial++) {
        const width = random.integer(40, 200);
        const height = random.integer(40, 200);
        const x = random.integer(0, image.width - width);
        const y = random.integer(0, image.height - height);
        const classes = classHistogramsOf(
          cropImage(image, x, y, width, height), cropImage(mask, x, y, width, height),
        );
        if (classes.foreground.every((count) => count === 0)) continue;
        const inverted = applySteps(classes, [{ kind: 'invert' }]);
        const polarity = polarityOfClasses(classes);
        const flipped = polarityOfClasses(inverted);
        expect(flipped).toBe(polarity === 'dark' ? 'bright' : 'dark');
        for (const objective of OBJECTIVE_NAMES) {
          // Same pixels classified: t ≤ 254 under one polarity is 254 − t under the other.
          const scores = scoreAllThresholds(classes, polarity, objective);
          const mirrored = scoreAllThresholds(inverted, flipped, objective);
          for (let t = 0; t <= 254; t++) expect(mirrored[254 - t]).toBe(scores[t]);

          const before = bestThreshold(classes, polarity, objective);
          const after = bestThreshold(inverted, flipped, objective);
          const unique = scores.filter((value) => value === before.score).length === 1;
          if (unique && before.threshold !== 255 && after.threshold !== 255) {
            expect(after.threshold).toBe(254 - before.threshold);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('Gaussian noise as a convolution', () => {
  it('when spreading one bin then mass, mean, variance and clipping match the Gaussian', () => {
    const delta = new Float64Array(256);
    delta[100] = 1000;
    const sigma = 6;
    const spread = convolveNoise(delta, sigma);
    const total = spread.reduce((a, b) => a + b);
    expect(total).toBeCloseTo(1000, 9);
    const mean = spread.reduce((sum, count, bin) => sum + bin * count, 0) / total;
    const variance = spread.reduce((sum, count, bin) => sum + (bin - mean) ** 2 * count, 0) / total;
    expect(mean).toBeCloseTo(100, 9);
    // Rounding a Gaussian to integers adds about 1/12 to the variance (Sheppard).
    expect(variance).toBeCloseTo(sigma ** 2 + 1 / 12, 2);

    const edge = new Float64Array(256);
    edge[250] = 1;
    // Values ≥ 254.5 after noise land on 255: P(n ≥ 4.5) for σ = 5.
    expect(convolveNoise(edge, 5)[255]).toBeCloseTo(1 - normalCdf(4.5 / 5), 6);
  });

  it('when adding seeded noise to pixels many times then the mean histogram converges', () => {
    const random = createRandom(3);
    const values = Array.from({ length: 400 }, () => random.integer(0, 255));
    const counts = new Float64Array(256);
    for (const value of values) counts[value]++;
    const sigma = 9;
    const expected = convolveNoise(counts, sigma);
    const observed = new Float64Array(256);
    const draws = 500;
    for (let draw = 0; draw < draws; draw++) {
      for (const value of values) {
        const noisy = Math.min(255, Math.max(0, Math.round(value + sigma * random.normal())));
        observed[noisy] += 1 / draws;
      }
    }
    let difference = 0;
    for (let bin = 0; bin < 256; bin++) difference += Math.abs(observed[bin] - expected[bin]);
    expect(difference / values.length).toBeLessThan(0.03);
  });

  it('when rounding fractional counts then keeps 4 significant digits and integers', () => {
    expect(Array.from(roundCounts([3, 0.0004, 12.34567, 999.96, 123456.7, 0.012345])))
      .toEqual([3, 0, 12.35, 1000, 123457, 0.01235]);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });
});
