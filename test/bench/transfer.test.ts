/**
 * Packing scored images for the trip between threads loses nothing: unpacking gives back equal
 * objects, nulls, failures and all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, type BinarizationMetrics } from '../../src/bench/metrics.js';
import type { MethodResult, MethodSpec } from '../../src/bench/results.js';
import { packScores, unpackScores } from '../../src/bench/transfer.js';
import type { ScoredImage } from '../../src/bench/work.js';

const METHODS: MethodSpec[] = [
  { name: 'learned', kind: 'learned', method: 'default' },
  { name: 'otsu', kind: 'global', method: 'otsu' },
  { name: 'sauvola', kind: 'local', method: 'sauvola' },
  { name: 'oracle', kind: 'oracle', method: 'oracle' },
];

const bin = fc.integer({ min: 0, max: 255 });
const polarity = fc.constantFrom('dark' as const, 'bright' as const);
const value = fc.double({ noNaN: true, noDefaultInfinity: true });
/** DRD and the threshold error may be null; the other metrics are always numbers. */
const NULLABLE: readonly string[] = ['drd', 'thresholdError'];
const metrics = fc.tuple(...METRIC_NAMES.map((name) =>
  (NULLABLE.includes(name) ? fc.option(value, { nil: null }) : value)))
  .map((values) => Object.fromEntries(METRIC_NAMES.map((name, k) => [name, values[k]])) as
    unknown as BinarizationMetrics);

const row: fc.Arbitrary<MethodResult> = fc.record({
  method: fc.constantFrom(...METHODS),
  threshold: fc.option(bin, { nil: null }),
  polarity: fc.option(polarity, { nil: null }),
  bestThreshold: fc.option(bin, { nil: null }),
  failure: fc.option(fc.string(), { nil: undefined }),
  metrics,
}).map(({ method, failure, metrics: values, ...rest }) => ({
  ...rest, method: method.name, kind: method.kind,
  ...(failure === undefined ? { metrics: values } : { metrics: null, error: failure }),
}));

const scoredImage: fc.Arbitrary<ScoredImage> = fc.record({
  image: fc.record({
    id: fc.string(), dataset: fc.string(), source: fc.string(),
    width: fc.integer({ min: 1, max: 5000 }), height: fc.integer({ min: 1, max: 5000 }),
    truthPolarity: polarity, bestThreshold: bin,
    bestThresholds: fc.record({ dark: bin, bright: bin }),
    histogram: fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }),
      { minLength: 256, maxLength: 256 }),
  }),
  results: fc.array(row, { maxLength: 6 }),
});

describe('packScores / unpackScores', () => {
  it('when scored images are packed and unpacked then they come back equal', () => {
    fc.assert(fc.property(fc.array(scoredImage, { maxLength: 5 }), (scored) => {
      const packed = packScores(scored, METHODS);
      expect(packed.rows).toBeInstanceOf(Float64Array);
      expect(unpackScores(structuredClone(packed), METHODS)).toEqual(scored);
    }), { numRuns: 200 });
  });
});
