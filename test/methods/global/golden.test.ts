/**
 * Agreement with the reference implementations, record by record: the 425 golden records of the
 * 11 dataset files and the 94 synthetic histograms of the committed fixture. Each method follows
 * one reference (see REFERENCE_RULES and the method's doc comment); where that reference gives
 * up (ImageJ logs "not found after 10000 iterations", scikit-image raises), the method must
 * throw `autothresh.methodFailed`. `pathological.json` is checked in pathological.test.ts.
 * min-error is compared in its ImageJ-compatible mode here; its default (exact sums) below.
 */
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../../src/histogram/histogram.js';
import { minErrorThreshold } from '../../../src/methods/global/index.js';
import {
  coverage,
  goldenDatasetRecords,
  imagejMinErrorOverflows,
  mismatches,
  REFERENCE_RULES,
  type ReferenceRecord,
  run,
  syntheticRecords,
} from './references.js';

const golden = goldenDatasetRecords();
const synthetic = syntheticRecords();

describe('golden records of the 11 dataset files', () => {
  it('when loaded then all 425 records are there', () => {
    expect(golden).toHaveLength(425);
  });

  for (const rule of REFERENCE_RULES) {
    it(`when ${rule.method} runs on every record then it equals ${rule.key}`, () => {
      expect(coverage(rule, golden)).toBe(425);
      const wrong = mismatches(rule, golden);
      expect(wrong.slice(0, 10), `${wrong.length} of 425 records differ`).toEqual([]);
    });
  }
});

describe('synthetic histograms (two/three modes, sparse, clipped, huge counts, narrow)', () => {
  it('when loaded then all 94 records are there', () => {
    expect(synthetic).toHaveLength(94);
  });

  for (const rule of REFERENCE_RULES) {
    it(`when ${rule.method} runs on every record then it equals ${rule.key}`, () => {
      expect(coverage(rule, synthetic)).toBe(94);
      const wrong = mismatches(rule, synthetic);
      expect(wrong.slice(0, 10), `${wrong.length} of 94 records differ`).toEqual([]);
    });
  }

  // The references that golden files do not carry.
  const extra = [
    { method: 'triangle', key: 'imagej.Triangle' },
    { method: 'multi-otsu', key: 'skimage.multiotsu2', classes: 2 },
    { method: 'multi-otsu', key: 'skimage.multiotsu4', classes: 4 },
    { method: 'multi-otsu', key: 'skimage.multiotsu5', classes: 5 },
  ] as const;
  for (const { method, key, ...rest } of extra) {
    it(`when ${method} runs on every record then it equals ${key}`, () => {
      const classes = 'classes' in rest ? rest.classes : undefined;
      const wrong = mismatchesWithClasses(method, key, classes);
      expect(wrong.slice(0, 10), `${wrong.length} records differ`).toEqual([]);
    });
  }
});

function mismatchesWithClasses(
  method: 'triangle' | 'multi-otsu',
  key: string,
  classes: number | undefined,
): string[] {
  const records = synthetic.filter((record) => key in record.values);
  expect(records.length).toBeGreaterThanOrEqual(10);
  if (classes === undefined) return mismatches({ method, key }, records);
  return records.flatMap((record) => {
    const expected = record.values[key] ?? 'methodFailed';
    const actual = run('multi-otsu', record.histogram, classes);
    return JSON.stringify(actual) === JSON.stringify(expected)
      ? []
      : [`${record.name}: expected ${JSON.stringify(expected)} (${key}), `
        + `got ${JSON.stringify(actual)}`];
  });
}

/** Records of ImageJ's int products overflowing, and of the default then differing. */
const GOLDEN_OVERFLOWING = 37;
const GOLDEN_DIFFERING = 31;
const SYNTHETIC_OVERFLOWING = 9;
const SYNTHETIC_DIFFERING = 9;

/**
 * ImageJ's MinErrorI iteration written out plainly, with exact sums (no int products): the
 * prefix sums are recomputed for every estimate as ImageJ does. Independent of min-error.ts.
 */
function minErrorWithExactSums(counts: readonly number[]): number {
  const sum = (j: number, power: number): number => {
    let total = 0;
    for (let i = 0; i <= Math.min(j, 255); i++) total += i ** power * counts[i];
    return total;
  };
  let threshold = Math.floor(sum(255, 1) / sum(255, 0));
  let previous = -2;
  for (let iteration = 0; threshold !== previous && iteration < 1000; iteration++) {
    const [a, b, c] = [sum(threshold, 0), sum(threshold, 1), sum(threshold, 2)];
    const [aAll, bAll, cAll] = [sum(255, 0), sum(255, 1), sum(255, 2)];
    const mu = b / a;
    const nu = (bAll - b) / (aAll - a);
    const p = a / aAll;
    const q = (aAll - a) / aAll;
    const sigma2 = c / a - mu * mu;
    const tau2 = (cAll - c) / (aAll - a) - nu * nu;
    const w0 = 1 / sigma2 - 1 / tau2;
    const w1 = mu / sigma2 - nu / tau2;
    const w2 = (mu * mu) / sigma2 - (nu * nu) / tau2
      + Math.log10((sigma2 * (q * q)) / (tau2 * (p * p)));
    const discriminant = w1 * w1 - w0 * w2;
    if (discriminant < 0) break;
    const next = Math.floor((w1 + Math.sqrt(discriminant)) / w0);
    if (Number.isNaN(next)) break;
    previous = threshold;
    threshold = next;
  }
  return threshold;
}

describe('min-error by default (exact sums) against ImageJ (wrapped Java int sums)', () => {
  const rule = { method: 'min-error', key: 'imagej.MinError' } as const;

  /** Records where ImageJ's sums wrap, and where the default result differs from ImageJ. */
  function split(records: readonly ReferenceRecord[]) {
    const overflowing = records.filter((record) => imagejMinErrorOverflows(record.counts));
    const exactInImageJ = records.filter((record) => !imagejMinErrorOverflows(record.counts));
    return {
      overflowing,
      differing: mismatches(rule, overflowing),
      differingWithoutOverflow: mismatches(rule, exactInImageJ),
    };
  }

  it('when ImageJ\'s int products do not overflow then the default equals ImageJ', () => {
    const golden = split(goldenDatasetRecords());
    const fixture = split(syntheticRecords());
    expect(golden.differingWithoutOverflow).toEqual([]);
    expect(fixture.differingWithoutOverflow).toEqual([]);
  });

  it('when ImageJ\'s products overflow then the default differs on the stated records', () => {
    // ImageJ forms i²·count as a Java int: a bin above gray level ~200 holding more than
    // ~53 000 pixels wraps it modulo 2³², so ImageJ's statistics of the upper class are wrong
    // and its estimate lands elsewhere. The default sums exactly and keeps the shape's answer.
    const golden = split(goldenDatasetRecords());
    expect(golden.overflowing).toHaveLength(GOLDEN_OVERFLOWING);
    expect(golden.differing).toHaveLength(GOLDEN_DIFFERING);
    const fixture = split(syntheticRecords());
    expect(fixture.overflowing).toHaveLength(SYNTHETIC_OVERFLOWING);
    expect(fixture.differing).toHaveLength(SYNTHETIC_DIFFERING);
  });

  it('when the counts are doubled then only the ImageJ-compatible mode moves', () => {
    const record = goldenDatasetRecords().find((entry) => entry.name === 'dibco2011.json:H02')!;
    const doubled = createHistogram(record.counts.map((count) => 2 * count));
    const imagej = { imagejIntegerOverflow: true };
    expect(minErrorThreshold(record.histogram, imagej)).toBe(189);
    expect(minErrorThreshold(doubled, imagej)).toBe(46);
    expect(minErrorThreshold(record.histogram)).toBe(189);
    expect(minErrorThreshold(doubled)).toBe(189);
  });

  it('when ImageJ\'s products overflow then the default is its iteration on exact sums', () => {
    const overflowing = [...goldenDatasetRecords(), ...syntheticRecords()]
      .filter((record) => imagejMinErrorOverflows(record.counts));
    for (const record of overflowing) {
      expect(run('min-error', record.histogram), record.name)
        .toBe(minErrorWithExactSums(record.counts));
    }
  });
});
