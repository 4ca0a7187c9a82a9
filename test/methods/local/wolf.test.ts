import { describe, expect, it } from 'vitest';
import { createGrayImage, type GrayImage } from '../../../src/image/gray-image.js';
import { wolfThresholdMap } from '../../../src/methods/local/wolf.js';
import {
  brightMask, bruteForceMap, largestRelativeDifference, meanAndDeviation, randomImage,
  windowValues,
} from './reference.js';

/** Wolf–Jolion by direct loops: M and R found first, then T per window (reflect border). */
function bruteWolf(image: GrayImage, width: number, height: number, k: number): Float64Array {
  const statistics = (x: number, y: number) =>
    meanAndDeviation(windowValues(image, x, y, width, height, 'reflect'));
  const minimum = Math.min(...image.data);
  let largest = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) largest = Math.max(largest, statistics(x, y).deviation);
  }
  return bruteForceMap(image, width, height, 'reflect', (values) => {
    const { mean, deviation } = meanAndDeviation(values);
    const ratio = largest > 0 ? deviation / largest : 0;
    return (1 - k) * mean + k * minimum + k * ratio * (mean - minimum);
  });
}

describe('wolf', () => {
  it('when compared with direct window loops then maps and masks agree', () => {
    for (const [seed, bitDepth, window, k, levels] of [
      [1, 8, 3, 0.5, 256], [2, 8, 9, 0.3, 256], [3, 16, 5, 0.5, 65536], [4, 8, 7, 0.8, 4],
      [5, 16, 41, 0.5, 65536],
    ] as const) {
      const image = randomImage(seed, 15, 20, bitDepth, levels);
      const expected = bruteWolf(image, Math.min(window, 15), Math.min(window, 19), k);
      const map = wolfThresholdMap(image, { window, k });
      expect(largestRelativeDifference(map, expected)).toBeLessThan(1e-6);
      expect(brightMask(image, map)).toEqual(brightMask(image, expected));
    }
  });

  it('when one row holds 0, 6, 12 then T follows the formula by hand', () => {
    // Window 3×1 (clamped), mirrored edges: windows {6,0,6}, {0,6,12}, {6,12,6};
    // m = 4, 6, 8; s = √8, √24, √8; M = 0, R = √24; k = 0.5:
    // T = 0.5·m + 0.5·(s/R)·m = 3.1547005, 6, 6.3094011.
    const image = createGrayImage(3, 1, Uint8Array.from([0, 6, 12]));
    const map = wolfThresholdMap(image, { window: 3 });
    expect(map[0]).toBeCloseTo(3.1547005, 5);
    expect(map[1]).toBeCloseTo(6, 5);
    expect(map[2]).toBeCloseTo(6.3094011, 5);
  });

  it('when the image is flat then R = 0 and T is the gray value', () => {
    const image = createGrayImage(6, 4, new Uint8Array(24).fill(90));
    expect(wolfThresholdMap(image, { window: 3 }).every((t) => t === 90)).toBe(true);
  });

  it('when pixels are excluded then M and R ignore them', () => {
    // The excluded dark pixel would pull M to 0; with it left out, M = 100 and the flat
    // included area gives T = 100 away from the excluded pixel's windows.
    const data = new Uint8Array(49).fill(100);
    data[0] = 0;
    const included = new Uint8Array(49).fill(1);
    included[0] = 0;
    const withMask = wolfThresholdMap(createGrayImage(7, 7, data, included), { window: 3 });
    const withoutMask = wolfThresholdMap(createGrayImage(7, 7, data), { window: 3 });
    expect(withMask[48]).toBe(100);
    expect(withoutMask[48]).toBe(50);
  });
});
