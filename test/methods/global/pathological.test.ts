/**
 * The degenerate-input policy (src/methods/global/policy.ts) on `pathological.json` and on an
 * empty histogram:
 * - empty histogram → `autothresh.emptyHistogram` from every method;
 * - one occupied bin → that bin from every method (multi-otsu: k − 1 copies of it);
 * - no answer → `autothresh.methodFailed`;
 * - every other pathological record follows the method's reference, except where the reference
 *   returns a value outside the occupied range or one that does not split it (listed below).
 */
import { describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../../src/errors.js';
import { createHistogram } from '../../../src/histogram/histogram.js';
import {
  GLOBAL_METHOD_NAMES,
  GLOBAL_METHODS,
  isSingleValued,
  multiOtsuThresholds,
} from '../../../src/methods/global/index.js';
import { expectedFor, pathologicalRecords, REFERENCE_RULES, run } from './references.js';

const records = pathologicalRecords();

describe('empty histogram', () => {
  const empty = createHistogram(new Array<number>(256).fill(0));

  for (const name of GLOBAL_METHOD_NAMES) {
    it(`when ${name} gets no pixels then it throws autothresh.emptyHistogram`, () => {
      expect(() => GLOBAL_METHODS[name].threshold(empty)).toThrowError(
        expect.objectContaining({ code: 'autothresh.emptyHistogram' }),
      );
    });
  }

  it('when multi-otsu thresholds get no pixels then they throw too', () => {
    expect(() => multiOtsuThresholds(empty, 4)).toThrowError(/all 256 counts 0/);
  });

  it('when the histogram is empty then it is not single-valued', () => {
    expect(isSingleValued(empty)).toBe(false);
  });
});

describe('one occupied bin (constant images)', () => {
  // The references return junk here and are not followed: ImageJ Otsu 254 and Default 128 on
  // every constant image, ImageJ Huang/Intermodes/Minimum/Moments/Shanbhag/… 0, OpenCV Otsu 0
  // and Triangle bin − 1, while scikit-image raises for triangle, minimum and multi-otsu. One
  // answer keeps every method inside the occupied range: the bin itself (the image is
  // constant, so any t ≥ bin binarizes it the same way).
  const constants = ['constant-0', 'constant-128', 'constant-255', 'single-pixel'];

  it('when the records are read then the references disagree as described', () => {
    const constant128 = records.get('constant-128')!.values;
    expect(constant128['imagej.Otsu']).toBe(254);
    expect(constant128['opencv.otsu']).toBe(0);
    expect(constant128['opencv.triangle']).toBe(127);
    expect(constant128['skimage.minimum']).toBeNull();
  });

  for (const id of constants) {
    const record = records.get(id)!;
    const bin = record.counts.findIndex((count) => count > 0);

    it(`when the image is ${id} then it is single-valued`, () => {
      expect(isSingleValued(record.histogram)).toBe(true);
    });

    it(`when the image is ${id} then every method returns bin ${bin}`, () => {
      const results = GLOBAL_METHOD_NAMES.map((name) => [
        name,
        GLOBAL_METHODS[name].threshold(record.histogram),
      ]);
      expect(Object.fromEntries(results)).toEqual(
        Object.fromEntries(GLOBAL_METHOD_NAMES.map((name) => [name, bin])),
      );
      expect(multiOtsuThresholds(record.histogram, 4)).toEqual([bin, bin, bin]);
    });
  }
});

describe('other pathological records', () => {
  const ids = ['two-adjacent-17-18', 'uniform', 'unimodal-gaussian', 'tiny-dark-object'];

  // Where autothresh does not return the reference's value, and why.
  const deviations: Record<string, string> = {
    // ImageJ starts its running maximum above 0; with one bin per class both entropies are 0,
    // so it reports no maximum and returns 0, a bin outside the occupied range. The only split
    // is the first bin.
    'two-adjacent-17-18 max-entropy': 'imagej.MaxEntropy = 0, autothresh 17',
    'two-adjacent-17-18 renyi-entropy': 'imagej.RenyiEntropy = 0, autothresh 17',
    'tiny-dark-object max-entropy': 'imagej.MaxEntropy = 0, autothresh 30',
    'tiny-dark-object renyi-entropy': 'imagej.RenyiEntropy = 0, autothresh 30',
    // OpenCV finds no bin below its line on a flat histogram and returns 256, outside 0..255;
    // the result is clamped to the last occupied bin.
    'uniform triangle': 'opencv.triangle = 256, autothresh 255',
    // Splits 126 and 128 mirror each other on a flat 0..255 histogram, so their fuzziness is
    // equal; rounding decides which one ImageJ takes (128 at 40 pixels a bin). autothresh
    // reduces the counts to 1 a bin first and takes the lower split at every size.
    'uniform huang': 'imagej.Huang = 128, autothresh 126',
  };

  it('when every method runs then it follows its reference except the listed deviations', () => {
    const found: Record<string, string> = {};
    for (const id of ids) {
      const record = records.get(id)!;
      for (const rule of REFERENCE_RULES) {
        const expected = expectedFor(rule, record);
        const actual = run(rule.method, record.histogram);
        if (expected === undefined || JSON.stringify(actual) === JSON.stringify(expected)) continue;
        found[`${id} ${rule.method}`] = `${rule.key} = ${JSON.stringify(expected)}, `
          + `autothresh ${JSON.stringify(actual)}`;
      }
    }
    expect(found).toEqual(deviations);
  });

  it('when a reference gives up then the method throws autothresh.methodFailed', () => {
    // ImageJ logs "Intermodes Threshold not found after 10000 iterations" and returns 0;
    // scikit-image raises "Unable to find two maxima" and "only 2 different values".
    const failures = ids.flatMap((id) => GLOBAL_METHOD_NAMES
      .filter((name) => run(name, records.get(id)!.histogram) === 'methodFailed')
      .map((name) => `${id} ${name}`));
    expect(failures).toEqual([
      'two-adjacent-17-18 minimum',
      'two-adjacent-17-18 intermodes',
      'two-adjacent-17-18 multi-otsu',
      'uniform minimum',
      'uniform intermodes',
      'tiny-dark-object minimum',
      'tiny-dark-object multi-otsu',
    ]);
  });

  it('when a method fails then its message names the method, the reason and the effort', () => {
    const uniform = records.get('uniform')!.histogram;
    let caught: unknown;
    try {
      GLOBAL_METHODS.intermodes.threshold(uniform);
    } catch (error) {
      caught = error;
    }
    expect(isAutothreshError(caught, 'autothresh.methodFailed')).toBe(true);
    // The flat histogram becomes log-concave (one peak for good) after 744 passes.
    expect((caught as Error).message).toBe('intermodes: expected two peaks, the histogram has one'
      + ' after 744 smoothing passes and keeps one (it is log-concave)');
  });

  it('when the histogram is uniform then huang takes the lower of two tied splits', () => {
    const uniform = records.get('uniform')!.counts;
    for (const pixelsPerBin of [1, 7, 40, 280, 1_000_003]) {
      const counts = uniform.map((count) => (count > 0 ? pixelsPerBin : 0));
      expect(GLOBAL_METHODS.huang.threshold(createHistogram(counts)), `${pixelsPerBin}`).toBe(126);
    }
  });

  it('when a method answers then the answer lies inside the occupied range', () => {
    for (const id of ids) {
      const record = records.get(id)!;
      const first = record.counts.findIndex((count) => count > 0);
      const last = 255 - [...record.counts].reverse().findIndex((count) => count > 0);
      for (const name of GLOBAL_METHOD_NAMES) {
        const result = run(name, record.histogram);
        if (result === 'methodFailed') continue;
        for (const t of [result].flat()) {
          expect(t, `${id} ${name}`).toBeGreaterThanOrEqual(first);
          expect(t, `${id} ${name}`).toBeLessThanOrEqual(last);
        }
      }
    }
  });
});
