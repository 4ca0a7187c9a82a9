import { describe, expect, it } from 'vitest';
import { createGrayImage } from '../../../src/image/gray-image.js';
import {
  adaptiveMeanThresholdMap, adaptiveMeanThresholdMask,
} from '../../../src/methods/local/adaptive-mean.js';
import { binarizeWithMap } from '../../../src/methods/local/binarize.js';
import { agreement, bruteForceMap, parityCases, randomImage } from './reference.js';

const RAMP = createGrayImage(3, 3, Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90]));

describe('adaptive-mean against OpenCV 4.6 adaptiveThreshold (MEAN_C, THRESH_BINARY)', () => {
  const cases = parityCases('adaptive-mean');

  it('when the fixtures are loaded then every crop has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7 * 4);
  });

  // The rounded integer mean and the ceil(c) offset reproduce OpenCV's lookup table exactly:
  // measured agreement 100.000% on every crop, so equality is required.
  it.each(cases)('when $label then the bright mask equals OpenCV', ({ image, reference }) => {
    const map = adaptiveMeanThresholdMap(image, reference.params);
    const mask = binarizeWithMap(image, map, 'bright');
    expect(agreement(mask, reference.mask)).toBe(1);
    // The fused mask path gives the same pixels, and its dark side is the complement.
    expect(adaptiveMeanThresholdMask(image, reference.params, 'bright')).toEqual(reference.mask);
    const dark = adaptiveMeanThresholdMask(image, reference.params, 'dark');
    expect(dark.every((bit, i) => bit === 1 - reference.mask[i])).toBe(true);
  });
});

describe('adaptive-mean', () => {
  it('when compared with direct window loops (replicate border) then the maps are equal', () => {
    for (const [seed, bitDepth, window, c] of [
      [1, 8, 3, 0], [2, 8, 7, 2.5], [3, 16, 5, -1.5], [4, 16, 9, 300], [5, 8, 41, 1],
    ] as const) {
      const image = randomImage(seed, 19, 13, bitDepth);
      const height = Math.min(window, 13);
      const width = Math.min(window, 19);
      const expected = bruteForceMap(image, width, height, 'replicate', (values) => {
        const mean = values.reduce((a, v) => a + v, 0) / values.length;
        return Math.round(mean) - Math.ceil(c);
      });
      expect(adaptiveMeanThresholdMap(image, { window, c })).toEqual(Float32Array.from(expected));
    }
  });

  it('when the window is 3 on a ramp then thresholds are the hand-computed rounded means', () => {
    // Centre: mean 50. Corner (0, 0), edge repeated: (4·10 + 2·20 + 2·40 + 50) / 9 = 23.3 → 23.
    const map = adaptiveMeanThresholdMap(RAMP, { window: 3, c: 2 });
    expect(map[4]).toBe(48);
    expect(map[0]).toBe(21);
  });

  it('when c is fractional then it is rounded up, as OpenCV does', () => {
    expect(adaptiveMeanThresholdMap(RAMP, { window: 3, c: 2.5 })[4]).toBe(47);
    expect(adaptiveMeanThresholdMap(RAMP, { window: 3, c: -1.5 })[4]).toBe(51);
  });

  it('when the window is larger than the image then it is clamped to the image', () => {
    const clamped = adaptiveMeanThresholdMap(RAMP, { window: 15 });
    expect(clamped).toEqual(adaptiveMeanThresholdMap(RAMP, { window: 3 }));
  });

  it('when parameters are left out then window 11 and c 2 are used', () => {
    const image = randomImage(9, 30, 20);
    expect(adaptiveMeanThresholdMap(image)).toEqual(
      adaptiveMeanThresholdMap(image, { window: 11, c: 2 }),
    );
  });
});
