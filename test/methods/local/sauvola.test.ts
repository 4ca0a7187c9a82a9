import { describe, expect, it } from 'vitest';
import { createGrayImage } from '../../../src/image/gray-image.js';
import { binarizeWithMap } from '../../../src/methods/local/binarize.js';
import { sauvolaThresholdMap } from '../../../src/methods/local/sauvola.js';
import {
  agreement, brightMask, bruteForceMap, largestRelativeDifference, meanAndDeviation, parityCases,
  randomImage,
} from './reference.js';

describe('sauvola against scikit-image 0.19.3 threshold_sauvola', () => {
  const cases = parityCases('sauvola');

  it('when the fixtures are loaded then every crop has its cases, one 16-bit', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8 * 3);
    for (const { image } of cases) expect([image.width, image.height]).toEqual([128, 128]);
    expect(cases.some(({ image }) => image.bitDepth === 16)).toBe(true);
  });

  // Measured agreement on the 128×128 crops: 100.000% on all 24 cases (8-bit and 16-bit,
  // default and explicit r);
  // the stored maps match to float32 precision. 99.9% is required because a pixel equal to an
  // exact threshold is decided by floating-point rounding (see niblack.test.ts).
  it.each(cases)('when $label then ≥ 99.9% of the mask equals scikit-image', (entry) => {
    const { image, reference } = entry;
    const map = sauvolaThresholdMap(image, reference.params);
    expect(agreement(binarizeWithMap(image, map, 'bright'), reference.mask))
      .toBeGreaterThanOrEqual(0.999);
    if (reference.map !== null) {
      expect(largestRelativeDifference(map, reference.map)).toBeLessThan(1e-6);
    }
  });
});

describe('sauvola', () => {
  it('when compared with direct window loops (reflect border) then maps and masks agree', () => {
    for (const [seed, bitDepth, window, k, r] of [
      [1, 8, 3, 0.2, 127.5], [2, 8, 15, 0.5, 100], [3, 16, 7, 0.2, 32767.5],
      [4, 16, 31, 0.34, 9000],
    ] as const) {
      const image = randomImage(seed, 18, 23, bitDepth);
      const expected = bruteForceMap(image, Math.min(window, 17), Math.min(window, 23), 'reflect',
        (values) => {
          const { mean, deviation } = meanAndDeviation(values);
          return mean * (1 + k * (deviation / r - 1));
        });
      const map = sauvolaThresholdMap(image, { window, k, r });
      expect(largestRelativeDifference(map, expected)).toBeLessThan(1e-6);
      expect(brightMask(image, map)).toEqual(brightMask(image, expected));
    }
  });

  it('when the window is 3 on the values 0..8 then the centre is m·(1 + k·(s/r − 1))', () => {
    // m = 4, s = 2.5819889; 8-bit r = 127.5: T = 3.2162007; 16-bit r = 32767.5: T = 3.2000630.
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const eight = createGrayImage(3, 3, Uint8Array.from(values));
    const sixteen = createGrayImage(3, 3, Uint16Array.from(values));
    expect(sauvolaThresholdMap(eight, { window: 3 })[4]).toBeCloseTo(3.2162007, 5);
    expect(sauvolaThresholdMap(sixteen, { window: 3 })[4]).toBeCloseTo(3.200063, 5);
  });

  it('when the window is larger than the image then it is clamped per axis', () => {
    const image = randomImage(8, 12, 30);
    const expected = bruteForceMap(image, 11, 21, 'reflect', (values) => {
      const { mean, deviation } = meanAndDeviation(values);
      return mean * (1 + 0.2 * (deviation / 127.5 - 1));
    });
    expect(largestRelativeDifference(sauvolaThresholdMap(image, { window: 21 }), expected))
      .toBeLessThan(1e-6);
  });
});
