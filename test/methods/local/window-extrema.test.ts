import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../../src/image/gray-image.js';
import { windowShape } from '../../../src/methods/local/window.js';
import { forEachWindowExtremaRow } from '../../../src/methods/local/window-extrema.js';
import { randomImage } from './reference.js';

function collect(image: GrayImage, window: number) {
  const minimum = new Uint16Array(image.width * image.height);
  const maximum = new Uint16Array(image.width * image.height);
  forEachWindowExtremaRow(image, windowShape(window, image), (y, low, high) => {
    minimum.set(low, y * image.width);
    maximum.set(high, y * image.width);
  });
  return { minimum, maximum };
}

/** Extrema of the window clipped to the image, by direct loops. */
function bruteExtrema(image: GrayImage, x: number, y: number, width: number, height: number) {
  let low = Infinity;
  let high = -Infinity;
  const rx = (width - 1) / 2;
  const ry = (height - 1) / 2;
  for (let sy = Math.max(0, y - ry); sy <= Math.min(image.height - 1, y + ry); sy++) {
    for (let sx = Math.max(0, x - rx); sx <= Math.min(image.width - 1, x + rx); sx++) {
      const value = image.data[sy * image.width + sx];
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  return { low, high };
}

describe('forEachWindowExtremaRow (van Herk / Gil–Werman)', () => {
  it('when compared with direct loops over the clipped window then extrema are equal', () => {
    const sizes = fc.record({
      width: fc.integer({ min: 1, max: 29 }),
      height: fc.integer({ min: 1, max: 29 }),
      window: fc.integer({ min: 1, max: 20 }).map((half) => 2 * half + 1),
      sixteen: fc.boolean(),
      levels: fc.constantFrom(3, 256),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(sizes, ({ width, height, window, sixteen, levels, seed }) => {
        const image = randomImage(seed, width, height, sixteen ? 16 : 8, sixteen ? 65536 : levels);
        const shape = windowShape(window, image);
        const { minimum, maximum } = collect(image, window);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const { low, high } = bruteExtrema(image, x, y, shape.width, shape.height);
            expect(minimum[y * width + x]).toBe(low);
            expect(maximum[y * width + x]).toBe(high);
          }
        }
      }),
      { seed: 20240602, numRuns: 80 },
    );
  });

  it('when the image is a single row then the window is one pixel tall', () => {
    const image = randomImage(11, 9, 1);
    const { minimum, maximum } = collect(image, 3);
    for (let x = 0; x < 9; x++) {
      const { low, high } = bruteExtrema(image, x, 0, 3, 1);
      expect([minimum[x], maximum[x]]).toEqual([low, high]);
    }
  });
});
