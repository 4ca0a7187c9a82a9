import { describe, expect, it } from 'vitest';
import { errorColours, featuredMethods, mostDisputed } from '../../src/report/gallery.js';
import { smallResult } from './result-fixture.js';

describe('errorColours', () => {
  it('when a threshold binarizes four pixels then each gets its error colour', () => {
    // bins 10, 10, 200, 200; truth 1, 0, 1, 0; dark polarity at t = 100:
    // TP black, FP red, FN blue, TN white. The last pixel is not scored: light gray.
    const colours = errorColours(
      Uint8Array.of(10, 10, 200, 200, 200), Uint8Array.of(1, 0, 1, 0, 0),
      Uint8Array.of(1, 1, 1, 1, 0), 100, 'dark',
    );
    expect(Array.from(colours)).toEqual([
      0, 0, 0, 220, 40, 40, 40, 90, 220, 255, 255, 255, 215, 215, 215,
    ]);
  });

  it('when the polarity is bright then the sides swap', () => {
    const colours = errorColours(Uint8Array.of(10, 200), Uint8Array.of(1, 1), null, 100, 'bright');
    expect(Array.from(colours)).toEqual([40, 90, 220, 0, 0, 0]);
  });
});

describe('choosing what to show', () => {
  const result = smallResult();

  it('when Otsu and the oracle are compared then the reference and oracle are featured', () => {
    expect(featuredMethods(result).map((method) => method.name)).toEqual(['otsu', 'oracle']);
  });

  it('when ranking images then the largest F-measure spread comes first', () => {
    // otsu 0.5, 0.6, 0.7 against oracle 0.95: spreads 0.45, 0.35, 0.25.
    expect(mostDisputed(result, featuredMethods(result)).map((item) => item.index))
      .toEqual([0, 1, 2]);
    expect(mostDisputed(result, featuredMethods(result))[0].spread).toBeCloseTo(0.45, 12);
  });
});
