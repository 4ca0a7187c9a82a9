import { describe, expect, it } from 'vitest';
import {
  DRD_WEIGHTS, drdAtThreshold, drdClassHistograms, drdOf, flipWeightAt, nonUniformBlockCount,
} from '../../src/bench/drd.js';
import { loadMetricFixtures, thresholdMask } from './metric-fixtures.js';

/** Raw (unnormalized) weights 1/distance summed over the 24 cells of the 5×5 block. */
const RAW_SUM = 4 * 1 + 4 / Math.SQRT2 + 4 / 2 + 8 / Math.sqrt(5) + 4 / Math.sqrt(8);

/** Equal up to summation order: relative difference below 1e-10 (sums of ~10⁴ terms). */
function expectRelative(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(expected)));
}

/** 8×8 ground truth with a 2×2 foreground square at rows and columns 3..4. */
function squareTruth(): Uint8Array {
  const truth = new Uint8Array(64);
  for (const index of [3 * 8 + 3, 3 * 8 + 4, 4 * 8 + 3, 4 * 8 + 4]) truth[index] = 1;
  return truth;
}

describe('DRD weight matrix', () => {
  it('when normalized then the centre is 0, the weights sum to 1 and W(0,1) = 1/Σ', () => {
    expect(DRD_WEIGHTS[12]).toBe(0);
    expect(DRD_WEIGHTS.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 14);
    expect(DRD_WEIGHTS[13]).toBeCloseTo(1 / RAW_SUM, 14);
    expect(DRD_WEIGHTS[0]).toBeCloseTo(1 / Math.sqrt(8) / RAW_SUM, 14);
  });
});

describe('drdOf on hand-computed masks', () => {
  it('when a false foreground pixel is in the corner then DRD_k sums its 8 in-image cells', () => {
    const truth = squareTruth();
    const predicted = truth.slice();
    predicted[0] = 1;
    // In-image cells of the block around (0, 0): offsets (0..2, 0..2) minus the centre.
    const expected = (2 * 1 + 2 * (1 / 2) + 1 / Math.SQRT2 + 2 / Math.sqrt(5) + 1 / Math.sqrt(8))
      / RAW_SUM;
    expect(nonUniformBlockCount(truth, 8, 8)).toBe(1);
    expect(drdOf(truth, predicted, 8, 8)).toBeCloseTo(expected, 14);
  });

  it('when one pixel of the square is missed then only its 3 foreground neighbours weigh', () => {
    const truth = squareTruth();
    const predicted = truth.slice();
    predicted[3 * 8 + 3] = 0;
    // |GT − B(x,y)| with B(x,y) = 0: the neighbours (3,4), (4,3), (4,4) hold foreground.
    expect(drdOf(truth, predicted, 8, 8)).toBeCloseTo((1 + 1 + 1 / Math.SQRT2) / RAW_SUM, 14);
  });

  it('when an isolated false pixel is far from edges then DRD_k is the whole window (1)', () => {
    const truth = new Uint8Array(16 * 16);
    truth[0] = 1; // makes block (0,0) non-uniform
    const predicted = truth.slice();
    predicted[10 * 16 + 10] = 1;
    expect(nonUniformBlockCount(truth, 16, 16)).toBe(1);
    expect(drdOf(truth, predicted, 16, 16)).toBeCloseTo(1, 14);
  });

  it('when an isolated true dot is missed then DRD_k is 0 (its neighbours agree)', () => {
    const truth = new Uint8Array(64);
    truth[27] = 1;
    const predicted = new Uint8Array(64);
    expect(drdOf(truth, predicted, 8, 8)).toBe(0);
  });

  it('when foreground lies only in a partial edge block then NUBN = 0 and DRD is null', () => {
    // 16 × 9: two complete blocks in the first 8 rows, the 9th row is a partial block.
    const truth = new Uint8Array(16 * 9);
    truth[8 * 16 + 3] = 1;
    expect(nonUniformBlockCount(truth, 16, 9)).toBe(0);
    expect(drdOf(truth, new Uint8Array(16 * 9), 16, 9)).toBeNull();
  });

  it('when errors lie outside the scored region then they do not count', () => {
    const truth = squareTruth();
    const predicted = truth.slice();
    predicted[0] = 1;
    const scored = new Uint8Array(64).fill(1);
    scored[0] = 0;
    expect(drdOf(truth, predicted, 8, 8, scored)).toBe(0);
  });
});

describe('DRD against the Python references (DIBCO crops)', () => {
  for (const fixture of loadMetricFixtures()) {
    const { width, height, truth, gray } = fixture;

    it(`when ${fixture.name} is tiled then NUBN matches`, () => {
      expect(nonUniformBlockCount(truth, width, height)).toBe(fixture.nubn);
    });

    const weighted = drdClassHistograms(gray, truth, width, height);
    for (const item of fixture.cases) {
      it(`when ${fixture.name} / ${item.name} is scored on pixels then DRD matches`, () => {
        const predicted = item.mask ?? thresholdMask(gray, item.threshold!, item.polarity);
        expectRelative(drdOf(truth, predicted, width, height)!, item.metrics.drd!);
      });
      if (item.threshold === undefined) continue;
      it(`when ${fixture.name} / ${item.name} is scored from weighted histograms then DRD matches`,
        () => {
          expect(weighted.blocks).toBe(fixture.nubn);
          expectRelative(drdAtThreshold(weighted, item.threshold!, item.polarity)!,
            item.metrics.drd!);
        });
    }
  }

  it('when every threshold is scored both ways on a crop then histogram and pixels agree', () => {
    const [fixture] = loadMetricFixtures();
    const { width, height, truth, gray } = fixture;
    const weighted = drdClassHistograms(gray, truth, width, height);
    for (let t = 0; t < 256; t += 17) {
      for (const polarity of ['dark', 'bright'] as const) {
        const predicted = thresholdMask(gray, t, polarity);
        expectRelative(drdAtThreshold(weighted, t, polarity)!,
          drdOf(truth, predicted, width, height)!);
      }
    }
  });

  it('when flip weights are read at a border pixel then only in-image cells count', () => {
    const truth = new Uint8Array(64);
    expect(flipWeightAt(truth, 8, 8, 0, 0))
      .toBeCloseTo((2 + 1 + 1 / Math.SQRT2 + 2 / Math.sqrt(5) + 1 / Math.sqrt(8)) / RAW_SUM, 14);
  });
});
