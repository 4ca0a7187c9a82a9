/**
 * Reference thresholds for the global methods: the shared golden files (scikit-image 0.19,
 * OpenCV 4.6, ImageJ 1.53t on the 425 dataset images, plus `pathological.json`) and the
 * committed synthetic fixture `test/fixtures/global/references.json` (same references on 94
 * seeded histograms; see `make-references.py` beside it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAutothreshError } from '../../../src/errors.js';
import { createHistogram, type Histogram } from '../../../src/histogram/histogram.js';
import {
  GLOBAL_METHODS,
  type GlobalMethodName,
  minErrorThreshold,
  multiOtsuThresholds,
} from '../../../src/methods/global/index.js';

const GOLDEN_DIR = new URL('../../../../shared/golden/', import.meta.url).pathname;
const FIXTURE = new URL('../../fixtures/global/references.json', import.meta.url).pathname;

export interface ReferenceRecord {
  /** `<file>:<id>`, for messages. */
  readonly name: string;
  readonly counts: readonly number[];
  readonly histogram: Histogram;
  /** Reference values by key (`skimage.otsu`, `imagej.Huang`, …); null where it raised. */
  readonly values: Readonly<Record<string, unknown>>;
  /** ImageJ's log lines for this histogram. */
  readonly notes: readonly string[];
}

interface RawRecord {
  id: string;
  histogram: number[];
  imagej_notes?: string[];
  [key: string]: unknown;
}

function toRecords(file: string, raw: RawRecord[]): ReferenceRecord[] {
  return raw.map((record) => ({
    name: `${file}:${record.id}`,
    counts: record.histogram,
    histogram: createHistogram(record.histogram),
    values: record,
    notes: record.imagej_notes ?? [],
  }));
}

/** The golden records of the 11 dataset files (everything but `pathological.json`). */
export function goldenDatasetRecords(): ReferenceRecord[] {
  return readdirSync(GOLDEN_DIR)
    .filter((file) => file.endsWith('.json') && file !== 'pathological.json')
    .sort()
    .flatMap((file) => toRecords(file, readJson(GOLDEN_DIR + file).records));
}

/** The records of `pathological.json`, by id. */
export function pathologicalRecords(): Map<string, ReferenceRecord> {
  const raw = readJson(`${GOLDEN_DIR}pathological.json`).records;
  const records = toRecords('pathological.json', raw);
  return new Map(records.map((record) => [record.name.split(':')[1], record]));
}

/** The synthetic fixture's records. */
export function syntheticRecords(): ReferenceRecord[] {
  return toRecords('synthetic', readJson(FIXTURE).records);
}

function readJson(path: string): { records: RawRecord[] } {
  return JSON.parse(readFileSync(path, 'utf8')) as { records: RawRecord[] };
}

/** What a method must return on a record: a bin, several bins, or the methodFailed error. */
export type Expected = number | readonly number[] | 'methodFailed';

/** Which reference each method follows, and how its value becomes a bin. */
export interface ReferenceRule {
  readonly method: GlobalMethodName;
  readonly key: string;
  /** Real-valued references (skimage li, mean) become bins by flooring: `v > t ⇔ v > ⌊t⌋`. */
  readonly floor?: boolean;
  /** ImageJ logs that it gave up and returns 0; the policy is to fail instead. */
  readonly gaveUp?: string;
  /** min-error: run with `{ imagejIntegerOverflow: true }` (ImageJ's wrapped int products). */
  readonly imagejIntegerOverflow?: boolean;
}

export const REFERENCE_RULES: readonly ReferenceRule[] = [
  { method: 'otsu', key: 'skimage.otsu' },
  { method: 'otsu', key: 'opencv.otsu' },
  { method: 'li', key: 'skimage.li', floor: true },
  { method: 'yen', key: 'skimage.yen' },
  { method: 'isodata', key: 'skimage.isodata' },
  { method: 'triangle', key: 'opencv.triangle' },
  { method: 'minimum', key: 'skimage.minimum' },
  { method: 'intermodes', key: 'imagej.Intermodes', gaveUp: 'Intermodes Threshold not found' },
  { method: 'mean', key: 'skimage.mean', floor: true },
  { method: 'percentile', key: 'imagej.Percentile' },
  { method: 'moments', key: 'imagej.Moments' },
  { method: 'huang', key: 'imagej.Huang' },
  { method: 'max-entropy', key: 'imagej.MaxEntropy' },
  { method: 'renyi-entropy', key: 'imagej.RenyiEntropy' },
  { method: 'shanbhag', key: 'imagej.Shanbhag' },
  { method: 'min-error', key: 'imagej.MinError', imagejIntegerOverflow: true },
  { method: 'multi-otsu', key: 'skimage.multiotsu3' },
];

/** The expected result of `rule` on `record`, or undefined when the record lacks the key. */
export function expectedFor(rule: ReferenceRule, record: ReferenceRecord): Expected | undefined {
  if (!(rule.key in record.values)) return undefined;
  if (rule.gaveUp !== undefined && record.notes.some((note) => note.includes(rule.gaveUp!))) {
    return 'methodFailed';
  }
  const value = record.values[rule.key];
  if (value === null) return 'methodFailed';
  if (Array.isArray(value)) return value as number[];
  return rule.floor ? Math.floor(value as number) : (value as number);
}

/** Runs `method` (multi-otsu: all thresholds for `classes`), mapping methodFailed to a tag. */
export function run(method: GlobalMethodName, histogram: Histogram, classes = 3): Expected {
  try {
    return method === 'multi-otsu'
      ? multiOtsuThresholds(histogram, classes)
      : GLOBAL_METHODS[method].threshold(histogram);
  } catch (error) {
    if (isAutothreshError(error, 'autothresh.methodFailed')) return 'methodFailed';
    throw error;
  }
}

/** Runs the method of `rule` (with its options) on `histogram`. */
export function runRule(rule: ReferenceRule, histogram: Histogram): Expected {
  if (rule.imagejIntegerOverflow !== true) return run(rule.method, histogram);
  return minErrorThreshold(histogram, { imagejIntegerOverflow: true });
}

/**
 * True when ImageJ's MinError sums wrap around on these counts: some Java `int` product
 * i·count or i²·count lies outside [−2³¹, 2³¹).
 */
export function imagejMinErrorOverflows(counts: readonly number[]): boolean {
  return counts.some((count, bin) => bin * bin * count >= 2 ** 31);
}

/** "name: expected X (key), got Y" lines for every record where `rule` is not met. */
export function mismatches(rule: ReferenceRule, records: readonly ReferenceRecord[]): string[] {
  const lines: string[] = [];
  for (const record of records) {
    const expected = expectedFor(rule, record);
    if (expected === undefined) continue;
    const actual = runRule(rule, record.histogram);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      lines.push(`${record.name}: expected ${JSON.stringify(expected)} (${rule.key} = `
        + `${JSON.stringify(record.values[rule.key])}), got ${JSON.stringify(actual)}`);
    }
  }
  return lines;
}

/** How many records `rule` applies to. */
export function coverage(rule: ReferenceRule, records: readonly ReferenceRecord[]): number {
  return records.filter((record) => expectedFor(rule, record) !== undefined).length;
}
