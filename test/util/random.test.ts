import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/util/random.js';

/** mulberry32 as usually written (unsigned state), seeded as createRandom documents. */
function referenceMulberry32(seed: number): () => number {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createRandom', () => {
  it('when seeded then it draws the same numbers as the unsigned mulberry32 formula', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 }), (seed) => {
      const random = createRandom(seed);
      const reference = referenceMulberry32(seed);
      for (let draw = 0; draw < 200; draw++) expect(random.next()).toBe(reference());
    }), { numRuns: 200 });
  });

  it('when integers are filled in then they are the reference draws and the stream goes on', () => {
    fc.assert(fc.property(
      fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      (seed, length, bound) => {
        const random = createRandom(seed);
        const reference = referenceMulberry32(seed);
        random.next();
        reference();
        const filled = random.fillIntegers(new Int32Array(length), bound);
        for (const value of filled) expect(value).toBe(Math.floor(reference() * bound));
        expect(random.next()).toBe(reference());
      },
    ), { numRuns: 200 });
  });

  it('when draws are made then each lies in [0, 1)', () => {
    const random = createRandom(7);
    for (let draw = 0; draw < 100_000; draw++) {
      const value = random.next();
      expect(value >= 0 && value < 1).toBe(true);
    }
  });
});
