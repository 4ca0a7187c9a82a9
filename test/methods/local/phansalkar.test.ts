import { describe, expect, it } from 'vitest';
import { createGrayImage } from '../../../src/image/gray-image.js';
import { phansalkarThresholdMap } from '../../../src/methods/local/phansalkar.js';
import {
  brightMask, bruteForceMap, largestRelativeDifference, meanAndDeviation, randomImage,
} from './reference.js';

describe('phansalkar', () => {
  it('when compared with direct window loops (replicate border) then maps and masks agree', () => {
    for (const [seed, bitDepth, window, k, r, p, q] of [
      [1, 8, 3, 0.25, 0.5, 2, 10], [2, 8, 15, 0.4, 0.3, 3, 5], [3, 16, 7, 0.25, 0.5, 2, 10],
      [4, 16, 31, 0.1, 0.7, 1, 20],
    ] as const) {
      const image = randomImage(seed, 20, 14, bitDepth);
      const scale = bitDepth === 16 ? 65535 : 255;
      const expected = bruteForceMap(image, Math.min(window, 19), Math.min(window, 13), 'replicate',
        (values) => {
          const { mean, deviation } = meanAndDeviation(values.map((value) => value / scale));
          return scale * mean * (1 + p * Math.exp(-q * mean) + k * (deviation / r - 1));
        });
      const map = phansalkarThresholdMap(image, { window, k, r, p, q });
      expect(largestRelativeDifference(map, expected)).toBeLessThan(1e-6);
      expect(brightMask(image, map)).toEqual(brightMask(image, expected));
    }
  });

  it('when the image is flat at 51 (0.2) then T = 255·0.2·(1 + 2e^−2 − 0.25) by hand', () => {
    // s = 0, so T' = 0.2 · (0.75 + 2·e^(−2)) = 0.2041341; T = 52.0541989: 51 is on the dark side.
    const image = createGrayImage(5, 5, new Uint8Array(25).fill(51));
    const map = phansalkarThresholdMap(image);
    expect(map[12]).toBeCloseTo(52.0541989, 4);
    expect(brightMask(image, map).every((bit) => bit === 0)).toBe(true);
  });
});
