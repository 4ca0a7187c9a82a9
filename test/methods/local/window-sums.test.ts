import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGrayImage, type GrayImage } from '../../../src/image/gray-image.js';
import { type BorderMode, windowShape } from '../../../src/methods/local/window.js';
import { forEachWindowRow } from '../../../src/methods/local/window-sums.js';
import { randomImage, windowValues } from './reference.js';

/** All window sums of an image, collected from the row visitor. */
function collect(image: GrayImage, window: number, border: BorderMode, withSquares = true) {
  const sums = new Float64Array(image.width * image.height);
  const squares = new Float64Array(image.width * image.height);
  const rows: number[] = [];
  forEachWindowRow(image, windowShape(window, image), border, withSquares, (y, s, q) => {
    rows.push(y);
    sums.set(s, y * image.width);
    if (withSquares) squares.set(q, y * image.width);
  });
  return { sums, squares, rows };
}

describe('forEachWindowRow', () => {
  it('when compared with direct window loops then sums and squares are equal', () => {
    const sizes = fc.record({
      width: fc.integer({ min: 1, max: 23 }),
      height: fc.integer({ min: 1, max: 23 }),
      window: fc.integer({ min: 1, max: 17 }).map((half) => 2 * half + 1),
      border: fc.constantFrom<BorderMode>('reflect', 'replicate'),
      sixteen: fc.boolean(),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(sizes, ({ width, height, window, border, sixteen, seed }) => {
        const image = randomImage(seed, width, height, sixteen ? 16 : 8);
        const shape = windowShape(window, image);
        const { sums, squares } = collect(image, window, border);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const values = windowValues(image, x, y, shape.width, shape.height, border);
            expect(sums[y * width + x]).toBe(values.reduce((a, v) => a + v, 0));
            expect(squares[y * width + x]).toBe(values.reduce((a, v) => a + v * v, 0));
          }
        }
      }),
      { seed: 20240601, numRuns: 60 },
    );
  });

  it('when squares are not asked for then the sums are the same and squares are empty', () => {
    const image = randomImage(7, 17, 9);
    const withSquares = collect(image, 5, 'replicate', true);
    const withoutSquares = collect(image, 5, 'replicate', false);
    expect(withoutSquares.sums).toEqual(withSquares.sums);
    forEachWindowRow(image, windowShape(5, image), 'replicate', false, (_y, _s, squares) => {
      expect(squares.length).toBe(0);
    });
  });

  it('when rows are visited then each row comes once, top to bottom', () => {
    expect(collect(randomImage(3, 4, 6), 3, 'reflect').rows).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('when a 16-bit image is all 65535 under a large window then totals stay exact', () => {
    const image = createGrayImage(300, 260, new Uint16Array(300 * 260).fill(65535));
    const { sums, squares } = collect(image, 201, 'reflect');
    const count = 201 * 201;
    expect(sums.every((sum) => sum === 65535 * count)).toBe(true);
    expect(squares.every((sum) => sum === 65535 * 65535 * count)).toBe(true);
  });
});
