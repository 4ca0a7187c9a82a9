import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confusionAt, confusionFromCumulative, cumulativeClasses, score, scoreAllThresholds,
  type Polarity,
} from '../../src/label/objectives.js';

const counts = fc.array(fc.oneof(fc.nat(1000), fc.double({ min: 0, max: 1e6, noNaN: true })), {
  minLength: 256, maxLength: 256,
});
const threshold = fc.oneof(
  fc.integer({ min: -2, max: 258 }),
  fc.double({ min: -3, max: 259, noNaN: true }),
  fc.constant(Number.NaN),
);
const polarity = fc.constantFrom<Polarity>('dark', 'bright');

/** Confusion counts by definition: a plain sum over the bins on each side of t. */
function byDefinition(foreground: number[], background: number[], t: number, side: Polarity) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let bin = 0; bin < 256; bin++) {
    const predicted = side === 'dark' ? bin <= t : !(bin <= t);
    if (predicted) {
      tp += foreground[bin];
      fp += background[bin];
    } else {
      fn += foreground[bin];
      tn += background[bin];
    }
  }
  return { tp, fp, fn, tn };
}

describe('confusion counts from running sums', () => {
  it('are exactly those of confusionAt, for any threshold and polarity', () => {
    fc.assert(fc.property(counts, counts, threshold, polarity, (fg, bg, t, side) => {
      const classes = { foreground: fg, background: bg };
      expect(confusionFromCumulative(cumulativeClasses(classes), t, side))
        .toEqual(confusionAt(classes, t, side));
    }), { numRuns: 400 });
  });

  it('agree with the definition on integer counts', () => {
    fc.assert(fc.property(
      fc.array(fc.nat(5000), { minLength: 256, maxLength: 256 }),
      fc.array(fc.nat(5000), { minLength: 256, maxLength: 256 }),
      threshold,
      polarity,
      (fg, bg, t, side) => {
        const got = confusionFromCumulative(
          cumulativeClasses({ foreground: fg, background: bg }), t, side);
        const want = byDefinition(fg, bg, t, side);
        expect([got.truePositive, got.falsePositive, got.falseNegative, got.trueNegative])
          .toEqual([want.tp, want.fp, want.fn, want.tn]);
      },
    ), { numRuns: 300 });
  });
});

describe('scores of all thresholds', () => {
  it('are, for F-measure, exactly score() of each threshold\'s confusion counts', () => {
    // Sparse histograms too, and an empty foreground: no foreground in truth makes F 0/0.
    const sparse = fc.array(fc.oneof(fc.constant(0), fc.nat(50)), {
      minLength: 256, maxLength: 256,
    });
    const empty = fc.constant(new Array<number>(256).fill(0));
    fc.assert(fc.property(fc.oneof(counts, sparse, empty), fc.oneof(counts, sparse), polarity,
      (foreground, background, side) => {
        const classes = { foreground, background };
        const scores = scoreAllThresholds(classes, side, 'fmeasure');
        for (let t = 0; t < 256; t++) {
          const expected = score('fmeasure', confusionAt(classes, t, side));
          expect(Object.is(scores[t], expected)).toBe(true);
        }
      }), { numRuns: 200 });
  });
});
