/**
 * Method parameters and the policy helpers, on small hand-computed histograms.
 */
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../../src/histogram/histogram.js';
import {
  isSingleValued,
  multiOtsuThresholds,
  percentileThreshold,
  requireOccupiedBins,
} from '../../../src/methods/global/index.js';

/** counts[bin] = value for the given bins, 0 elsewhere. */
function histogramOf(entries: Record<number, number>) {
  const counts = new Array<number>(256).fill(0);
  for (const [bin, count] of Object.entries(entries)) counts[Number(bin)] = count;
  return createHistogram(counts);
}

/** 10 pixels in each of bins 100..109: the share at or below 100 + i is (i + 1)/10. */
const steps = histogramOf(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [100 + i, 10])));

describe('percentile fraction', () => {
  it.each([
    [0.5, 104], // share 0.5 at bin 104 exactly
    [0.33, 102], // 0.3 is closest
    [0.87, 108], // 0.9
    [1, 109],
  ])('when the fraction is %s then the threshold is %s', (fraction, expected) => {
    expect(percentileThreshold(steps, fraction)).toBe(expected);
  });

  it('when the fraction is below the first bin\'s share then the result is the first bin', () => {
    // ImageJ's scan would stop below the occupied range (share 0 is closest to 0.01).
    expect(percentileThreshold(steps, 0.01)).toBe(100);
    expect(percentileThreshold(steps, 0)).toBe(100);
  });

  it.each([-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'when the fraction is %s then it throws autothresh.invalidParameter',
    (fraction) => {
      expect(() => percentileThreshold(steps, fraction)).toThrowError(
        expect.objectContaining({
          code: 'autothresh.invalidParameter',
          message: expect.stringMatching(
            /^percentile: expected fraction to be a number in \[0, 1\]/,
          ),
        }),
      );
    },
  );
});

describe('multi-otsu classes', () => {
  it.each([1, 6, 2.5, Number.NaN])('when classes is %s then it throws invalidParameter', (k) => {
    expect(() => multiOtsuThresholds(steps, k)).toThrowError(
      expect.objectContaining({ code: 'autothresh.invalidParameter' }),
    );
  });

  it('when exactly k bins are occupied then the thresholds are the first k − 1 of them', () => {
    expect(multiOtsuThresholds(histogramOf({ 3: 5, 90: 1, 200: 7 }), 3)).toEqual([3, 90]);
  });

  it('when fewer than k bins are occupied then it throws autothresh.methodFailed', () => {
    expect(() => multiOtsuThresholds(histogramOf({ 3: 5, 90: 1 }), 3)).toThrowError(
      expect.objectContaining({
        code: 'autothresh.methodFailed',
        message: 'multi-otsu: expected at least 3 occupied bins for 3 classes, found 2',
      }),
    );
  });

  it('when three well separated groups are split then each threshold closes a group', () => {
    const groups = histogramOf({ 10: 50, 11: 60, 12: 50, 100: 40, 101: 40, 200: 70, 201: 70 });
    expect(multiOtsuThresholds(groups, 3)).toEqual([12, 101]);
    expect(multiOtsuThresholds(groups, 2)).toHaveLength(1);
  });
});

describe('policy helpers', () => {
  it('when one bin is occupied then the histogram is single-valued', () => {
    expect(isSingleValued(histogramOf({ 7: 3 }))).toBe(true);
    expect(isSingleValued(histogramOf({ 7: 3, 8: 1 }))).toBe(false);
  });

  it('when bins are occupied then the occupied range is found, fractional counts included', () => {
    expect(requireOccupiedBins(histogramOf({ 0: 0.5, 255: 2 }), 'test')).toEqual({
      first: 0,
      last: 255,
    });
  });

  it('when no bin is occupied then the error names the method', () => {
    expect(() => requireOccupiedBins(histogramOf({}), 'huang')).toThrowError(
      'huang: expected a histogram with at least one pixel, found all 256 counts 0',
    );
  });
});
