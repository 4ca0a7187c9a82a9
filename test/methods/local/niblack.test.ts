import { describe, expect, it } from 'vitest';
import { createGrayImage } from '../../../src/image/gray-image.js';
import { binarizeWithMap } from '../../../src/methods/local/binarize.js';
import { niblackThresholdMap } from '../../../src/methods/local/niblack.js';
import {
  agreement, brightMask, bruteForceMap, largestRelativeDifference, meanAndDeviation, parityCases,
  randomImage,
} from './reference.js';

describe('niblack against scikit-image 0.19.3 threshold_niblack', () => {
  const cases = parityCases('niblack');

  it('when the fixtures are loaded then every crop has its cases, one 16-bit', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8 * 3);
    expect(cases.some(({ image }) => image.bitDepth === 16)).toBe(true);
  });

  // Measured agreement (128×128 crops): 100% on 22 of 24 cases; in the other two (window 5,
  // k = 0.3) one pixel of 16 384 differs (99.994%), each time a pixel lying exactly on the
  // threshold, so rounding decides its side. dsb2018 (62, 73): m = 167.4, s = 2, T = 168 exactly
  // and the pixel is 168; the exact window sums here give T = 168 (168 is not > 168), while
  // scikit-image's floating-point integral images give 167.99999999999974. magnetic-tile
  // (113, 22): m = 49.8, s = 4, T = 51 exactly and the pixel is 51; here 49.8 + 0.3·s rounds to
  // 50.99999999999999 (the pixel is foreground), scikit-image's value rounds to ≥ 51.
  it.each(cases)('when $label then ≥ 99.9% of the mask equals scikit-image', (entry) => {
    const { image, reference } = entry;
    const map = niblackThresholdMap(image, reference.params);
    expect(agreement(binarizeWithMap(image, map, 'bright'), reference.mask))
      .toBeGreaterThanOrEqual(0.999);
    if (reference.map !== null) {
      expect(largestRelativeDifference(map, reference.map)).toBeLessThan(1e-6);
    }
  });
});

describe('niblack', () => {
  it('when compared with direct window loops (reflect border) then maps and masks agree', () => {
    for (const [seed, bitDepth, window, k] of [
      [1, 8, 3, -0.2], [2, 8, 15, 0.5], [3, 16, 7, -0.2], [4, 16, 25, 1.5],
    ] as const) {
      const image = randomImage(seed, 21, 16, bitDepth);
      const expected = bruteForceMap(image, Math.min(window, 21), Math.min(window, 15), 'reflect',
        (values) => {
          const { mean, deviation } = meanAndDeviation(values);
          return mean + k * deviation;
        });
      const map = niblackThresholdMap(image, { window, k });
      expect(largestRelativeDifference(map, expected)).toBeLessThan(1e-6);
      expect(brightMask(image, map)).toEqual(brightMask(image, expected));
    }
  });

  it('when the window is 3 on the values 0..8 then the centre is m + k·s by hand', () => {
    // m = 4, s = sqrt(60 / 9) = 2.5819889; T = 4 − 0.2 · 2.5819889.
    const image = createGrayImage(3, 3, Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(niblackThresholdMap(image, { window: 3 })[4]).toBeCloseTo(3.4836022, 5);
  });

  it('when a window is flat then T is its value and the pixel is not above it', () => {
    const image = createGrayImage(5, 5, new Uint8Array(25).fill(77));
    const map = niblackThresholdMap(image, { window: 3, k: 2 });
    expect(map.every((t) => t === 77)).toBe(true);
    expect(binarizeWithMap(image, map, 'bright').every((bit) => bit === 0)).toBe(true);
  });
});
