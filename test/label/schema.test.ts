import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordFromClasses } from '../../src/label/label.js';
import { OBJECTIVE_NAMES, type Objective } from '../../src/label/objectives.js';
import { parseLabelRecords } from '../../src/label/records-io.js';
import { LabelRecordSchema, type MaskLabelRecord } from '../../src/label/schema.js';
import { pixelScores } from './helpers.js';

/** Score of threshold t by summing the class histograms directly (no cumulative sums). */
function directScore(
  foreground: readonly number[], background: readonly number[], t: number,
  polarity: 'dark' | 'bright', objective: Objective,
): number {
  let tp = 0; let fp = 0; let fn = 0; let tn = 0;
  for (let bin = 0; bin < 256; bin++) {
    const predicted = polarity === 'dark' ? bin <= t : bin > t;
    if (predicted) { tp += foreground[bin]; fp += background[bin]; }
    else { fn += foreground[bin]; tn += background[bin]; }
  }
  return pixelScores(tp, fp, fn, tn)[objective];
}

function record(
  foreground: number[], background: number[], objective: Objective = 'fmeasure',
): MaskLabelRecord {
  return recordFromClasses({
    id: 'r', source: 'set/images/r.png', dataset: 'set', imageSha256: 'a'.repeat(64),
    maskSha256: 'b'.repeat(64), width: 1000, height: 1000,
    classes: {
      foreground: Float64Array.from(foreground), background: Float64Array.from(background),
    },
    objective,
  });
}

/** Gaussian-ish bump of `count` pixels around `centre`. */
function bump(centre: number, spread: number, count: number): number[] {
  return Array.from({ length: 256 }, (_, bin) =>
    Math.round(count * Math.exp(-(((bin - centre) / spread) ** 2))));
}

const firstProblem = (value: unknown): string | undefined => {
  const result = LabelRecordSchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `${issue.path.join('.')}: ${issue.message}`;
};

describe('LabelRecordSchema', () => {
  const good = record(bump(60, 15, 900), bump(190, 20, 4000));

  it('when a record comes from recordFromClasses then it is valid', () => {
    expect(firstProblem(good)).toBeUndefined();
  });

  it('when a record is parsed and written again then its JSON is unchanged', () => {
    const labelling = {
      maskThreshold: 0, crops: 2, photometricVariants: 1, pixelVariants: 3, seed: 1,
      idPrefix: 'set/', imageRecords: 9,
    };
    const full = { ...good, synthetic: true, labelling };
    expect(JSON.stringify(LabelRecordSchema.parse(full))).toBe(JSON.stringify(full));
  });

  it('when a count is negative, not finite, not a number or missing then names the bin', () => {
    const cases: Array<[unknown, string]> = [
      [-1, '-1'], [Number.NaN, 'NaN'], ['5', '"5"'], [undefined, 'missing'],
    ];
    for (const [bad, shown] of cases) {
      const foregroundHistogram: unknown[] = [...good.foregroundHistogram];
      foregroundHistogram[7] = bad;
      expect(firstProblem({ ...good, foregroundHistogram }), String(bad))
        .toBe(`foregroundHistogram: bin 7 must be a finite count ≥ 0, not ${shown}`);
    }
    expect(firstProblem({ ...good, histogram: 'many' }))
      .toBe('histogram: must be an array of 256 counts');
  });

  it('when the histogram is not foreground + background then names the bin', () => {
    const histogram = [...good.histogram];
    histogram[60] += 1;
    expect(firstProblem({ ...good, histogram })).toMatch(/^histogram\.60: is \d+, but /);
  });

  it('when bestRange is unordered or misses bestThreshold then it is refused', () => {
    const [low, high] = good.bestRange;
    expect(firstProblem({ ...good, bestRange: [high, low] })).toMatch(/^bestRange: .*ordered/);
    expect(firstProblem({ ...good, bestRange: [good.bestThreshold + 1, 255] }))
      .toMatch(/^bestRange: /);
  });

  it('when bestRange is narrower or wider than the 0.5% definition then it is refused', () => {
    const [low, high] = good.bestRange;
    expect(low).toBeLessThan(good.bestThreshold);
    expect(firstProblem({ ...good, bestRange: [low + 1, high] })).toMatch(/not the lowest/);
    expect(firstProblem({ ...good, bestRange: [low - 1, high] })).toMatch(/not the lowest/);
  });

  it('when bestScore or bestThreshold is not the best then it is refused', () => {
    expect(firstProblem({ ...good, bestScore: good.bestScore - 0.01 })).toMatch(/^bestScore: /);
    expect(firstProblem({ ...good, bestThreshold: good.bestRange[0] }))
      .toMatch(/^bestThreshold: scores /);
  });

  it('when a class is empty then it is refused', () => {
    const zeros = new Array(256).fill(0);
    const noBackground = {
      ...good, backgroundHistogram: zeros, histogram: good.foregroundHistogram,
    };
    expect(firstProblem(noBackground))
      .toBe('backgroundHistogram: is empty: no background pixel');
  });

  it('when a manual label carries a mask field then it is refused', () => {
    const manual = {
      schemaVersion: good.schemaVersion, id: 'm', source: 's', dataset: 'd',
      imageSha256: good.imageSha256, width: 4, height: 4, histogram: good.histogram,
      polarity: 'dark', bestThreshold: 100, labelKind: 'manual',
    };
    expect(firstProblem(manual)).toBeUndefined();
    expect(firstProblem({ ...manual, bestScore: 0.9 })).toMatch(/^bestScore: only mask labels/);
  });

  it('when a mask label lacks a field then the reader says mask labels need it', () => {
    const { bestScore: _dropped, ...partial } = good;
    expect(parseLabelRecords(JSON.stringify(partial)).invalid[0].message)
      .toBe('bestScore: missing (required for mask labels)');
  });

  it('when a crop is not the record size then it is refused', () => {
    const crop = { x: 0, y: 0, width: 10, height: 10 };
    expect(firstProblem({ ...good, augmentation: { crop, steps: [], seed: 1 } }))
      .toMatch(/^augmentation\.crop: is 10×10, the record 1000×1000/);
  });

  it('when two peaks surround a dip then bestRange spans thresholds below the cut-off', () => {
    // Dark foreground at 50 and 150, background at 100 and 200: t in 50..99 and t in 150..199
    // make 500 errors each, t in 100..149 makes 1000.
    const foreground = new Array(256).fill(0);
    const background = new Array(256).fill(0);
    foreground[50] = 500; foreground[150] = 500; background[100] = 500; background[200] = 4000;
    const dip = record(foreground, background, 'accuracy');
    expect(firstProblem(dip)).toBeUndefined();
    const [low, high] = dip.bestRange;
    expect([low, dip.bestThreshold, high]).toEqual([50, 99, 199]);
    const cutoff = dip.bestScore - Math.abs(dip.bestScore) * 0.005;
    const inside = Array.from({ length: high - low + 1 }, (_, index) => low + index);
    expect(inside.some((t) =>
      directScore(foreground, background, t, dip.polarity, 'accuracy') < cutoff)).toBe(true);
  });

  it('when class histograms are random then bestRange is the lowest and highest t within 0.5%',
    () => {
      const counts = fc.array(fc.nat({ max: 50 }), { minLength: 256, maxLength: 256 });
      fc.assert(fc.property(
        counts, counts, fc.constantFrom(...OBJECTIVE_NAMES),
        (foreground, background, objective) => {
          fc.pre(foreground.some((value) => value > 0) && background.some((value) => value > 0));
          const made = record(foreground, background, objective);
          expect(firstProblem(made)).toBeUndefined();
          const scores = Array.from({ length: 256 }, (_, t) =>
            directScore(foreground, background, t, made.polarity, objective));
          const best = Math.max(...scores);
          const within = scores.flatMap((value, t) =>
            (value >= best - Math.abs(best) * 0.005 - 1e-12 ? [t] : []));
          expect(made.bestScore).toBeCloseTo(best, 12);
          expect(made.bestRange).toEqual([within[0], within.at(-1)]);
        },
      ), { numRuns: 150, seed: 11 });
    });
});
