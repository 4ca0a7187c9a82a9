/**
 * Agreement with the reference implementations, record by record: the 425 golden records of the
 * 11 dataset files and the 94 synthetic histograms of the committed fixture. Each method follows
 * one reference (see REFERENCE_RULES and the method's doc comment); where that reference gives
 * up (ImageJ logs "not found after 10000 iterations", scikit-image raises), the method must
 * throw `autothresh.methodFailed`. `pathological.json` is checked in pathological.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  coverage,
  goldenDatasetRecords,
  mismatches,
  REFERENCE_RULES,
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
