/**
 * What `predictThreshold` and `predictThresholds` accept: a loaded model first, then histograms
 * made by `createHistogram` / `histogramOf`, or plain objects of the same shape once checked.
 */
import { describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../src/errors.js';
import { createHistogram, type Histogram } from '../../src/histogram/histogram.js';
import { loadModel, predictThreshold, predictThresholds } from '../../src/model/index.js';

const COUNTS = Array.from({ length: 256 }, (_, bin) =>
  Math.round(1000 * Math.exp(-((bin - 60) ** 2) / 200) +
    500 * Math.exp(-((bin - 190) ** 2) / 300)));
const TOTAL = COUNTS.reduce((sum, count) => sum + count, 0);

/** A plain object in the shape of a histogram (not made by createHistogram). */
function plain(counts: ArrayLike<number>, total: unknown): Histogram {
  return { counts, total } as unknown as Histogram;
}

/** The error `call` throws (it must throw). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('plain histogram objects', () => {
  it('when valid then the prediction is that of the same createHistogram', async () => {
    const model = await loadModel();
    const expected = predictThreshold(model, createHistogram(COUNTS));
    expect(predictThreshold(model, plain(COUNTS, TOTAL))).toEqual(expected);
    expect(predictThreshold(model, plain(Uint32Array.from(COUNTS), TOTAL))).toEqual(expected);
  });

  it('when changed between two calls then each call reads its current counts', async () => {
    const model = await loadModel();
    const counts = COUNTS.slice();
    const histogram = { counts, total: TOTAL };
    predictThreshold(model, histogram as unknown as Histogram);
    const shifted = COUNTS.map((_, bin) => COUNTS[Math.max(0, bin - 40)]);
    counts.splice(0, 256, ...shifted);
    histogram.total = shifted.reduce((sum, count) => sum + count, 0);
    expect(predictThreshold(model, histogram as unknown as Histogram))
      .toEqual(predictThreshold(model, createHistogram(shifted)));
  });

  it.each([
    ['255 counts', plain(COUNTS.slice(1), TOTAL), /^histogram: expected 256 counts, received 255$/],
    ['no counts', { total: TOTAL }, /^histogram: expected 256 counts, received counts undefined$/],
    ['a negative count', plain(COUNTS.map((count, bin) => (bin === 3 ? -5 : count)), TOTAL),
      /^histogram: count of bin 3 must be a finite number ≥ 0, received -5$/],
    ['a NaN count', plain(COUNTS.map((count, bin) => (bin === 5 ? Number.NaN : count)), TOTAL),
      /^histogram: count of bin 5 must be a finite number ≥ 0, received NaN$/],
    ['a count that is a string', plain(COUNTS.map(String) as never, TOTAL),
      /^histogram: count of bin 0 must be a finite number ≥ 0, received "0"$/],
    ['a total twice the counts', plain(COUNTS, 2 * TOTAL),
      new RegExp(`^histogram: total must be the sum of the counts \\(${TOTAL}\\), received ` +
        `${2 * TOTAL}$`)],
    ['no total', plain(COUNTS, undefined), /total must be the sum of the counts .*undefined$/],
    ['null', null, /^histogram: expected a histogram \(from createHistogram or histogramOf\)/],
    ['an array of counts', [1, 2, 3],
      /^histogram: expected a histogram \(from .*\), received an array of 3$/],
  ])('when given %s then it is refused as an invalid histogram', async (_, histogram, message) => {
    const model = await loadModel();
    const error = thrown(() => predictThreshold(model, histogram as unknown as Histogram));
    expect(isAutothreshError(error, 'autothresh.invalidHistogram'), String(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('when one histogram of a batch is invalid then the message names it', async () => {
    const model = await loadModel();
    const bad = plain(COUNTS.map((count, bin) => (bin === 9 ? Infinity : count)), TOTAL);
    const error = thrown(() => predictThresholds(model, [createHistogram(COUNTS), bad]));
    expect(error.message).toBe(
      'histograms[1]: count of bin 9 must be a finite number ≥ 0, received Infinity',
    );
  });

  it('when a total is a sum in another order then it is accepted', async () => {
    const model = await loadModel();
    const counts = COUNTS.map((count) => count / 3);
    const reversed = counts.slice().reverse().reduce((sum, count) => sum + count, 0);
    expect(predictThreshold(model, plain(counts, reversed)).threshold)
      .toBe(predictThreshold(model, createHistogram(counts)).threshold);
  });
});

describe('the model argument', () => {
  it('when the model is left out then the error says the model comes first', () => {
    const histogram = createHistogram(COUNTS);
    const call = predictThreshold as unknown as (histogram: Histogram) => unknown;
    const error = thrown(() => call(histogram));
    expect(isAutothreshError(error, 'autothresh.invalidParameter')).toBe(true);
    expect(error.message).toBe('predictThreshold: expected a model from loadModel() as the ' +
      'first argument, received a histogram (call predictThreshold(await loadModel(), …))');
  });

  it('when the model is not a loaded model then the error names what it was', () => {
    const batch = predictThresholds as unknown as (model: unknown, h: Histogram[]) => unknown;
    expect(() => batch('default', [createHistogram(COUNTS)])).toThrow(
      'predictThresholds: expected a model from loadModel() as the first argument, ' +
        'received "default"',
    );
  });
});
