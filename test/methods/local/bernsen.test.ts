import { describe, expect, it } from 'vitest';
import { createGrayImage, type GrayImage } from '../../../src/image/gray-image.js';
import { bernsenThresholdMap } from '../../../src/methods/local/bernsen.js';
import { randomImage } from './reference.js';

/** Bernsen with ImageJ's rules, by direct loops over the window clipped to the image. */
function bruteBernsen(image: GrayImage, window: number, contrast: number): Float32Array {
  const maxValue = image.bitDepth === 16 ? 65535 : 255;
  const minimumContrast = image.bitDepth === 16 ? contrast * 257 : contrast;
  const map = new Float32Array(image.width * image.height);
  const rx = (Math.min(window, image.width % 2 ? image.width : image.width - 1) - 1) / 2;
  const ry = (Math.min(window, image.height % 2 ? image.height : image.height - 1) - 1) / 2;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      let low = Infinity;
      let high = -Infinity;
      for (let sy = Math.max(0, y - ry); sy <= Math.min(image.height - 1, y + ry); sy++) {
        for (let sx = Math.max(0, x - rx); sx <= Math.min(image.width - 1, x + rx); sx++) {
          low = Math.min(low, image.data[sy * image.width + sx]);
          high = Math.max(high, image.data[sy * image.width + sx]);
        }
      }
      const mid = Math.floor((low + high) / 2);
      // ImageJ: bright ("object") when value ≥ mid; flat window: bright when mid ≥ half range.
      const flatBright = mid >= (maxValue + 1) / 2;
      const flatThreshold = flatBright ? -1 : maxValue;
      map[y * image.width + x] = high - low >= minimumContrast ? mid - 1 : flatThreshold;
    }
  }
  return map;
}

describe('bernsen', () => {
  it('when compared with direct window loops then the maps are equal', () => {
    for (const [seed, bitDepth, window, contrast, levels] of [
      [1, 8, 3, 15, 256], [2, 8, 9, 15, 40], [3, 8, 31, 60, 256], [4, 16, 5, 15, 65536],
      [5, 16, 11, 200, 20000], [6, 8, 7, 0, 3],
    ] as const) {
      const image = randomImage(seed, 24, 17, bitDepth, levels);
      expect(bernsenThresholdMap(image, { window, contrast }))
        .toEqual(bruteBernsen(image, window, contrast));
    }
  });

  it('when one row is 10, 50, 200, 60, 60 then T is the hand-computed mid-range − 1', () => {
    // Window 3×1: {10,50} mid 30; {10,50,200} 105; {50,200,60} 125; {200,60,60} 130;
    // {60,60}: contrast 0 < 15 and mid 60 < 128, so no value is on the bright side (T = 255).
    const image = createGrayImage(5, 1, Uint8Array.from([10, 50, 200, 60, 60]));
    expect([...bernsenThresholdMap(image, { window: 3 })]).toEqual([29, 104, 124, 129, 255]);
  });

  it('when a window is flat and bright then every pixel is on the bright side (T = −1)', () => {
    const image = createGrayImage(4, 4, new Uint8Array(16).fill(128));
    expect(bernsenThresholdMap(image).every((t) => t === -1)).toBe(true);
  });

  it('when the image is 16-bit then contrast is on the 8-bit scale (×257)', () => {
    // Contrast 3000 < 15·257 = 3855: flat, dark (mid 11500 < 32768); 4000 is enough.
    const low = createGrayImage(3, 1, Uint16Array.from([10000, 13000, 10000]));
    const high = createGrayImage(3, 1, Uint16Array.from([10000, 14000, 10000]));
    expect(bernsenThresholdMap(low, { window: 3 })[1]).toBe(65535);
    expect(bernsenThresholdMap(high, { window: 3 })[1]).toBe(11999);
  });
});
