import { describe, expect, it } from 'vitest';
import {
  complementConfusion, confusionOfMasks, metricsOfConfusion, psnrOf,
} from '../../src/bench/metrics.js';
import { confusionAt } from '../../src/label/objectives.js';
import {
  classHistograms, loadMetricFixtures, thresholdMask, type MetricReference,
} from './metric-fixtures.js';

const confusion = (tp: number, fp: number, fn: number, tn: number) => ({
  truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn,
});

describe('metricsOfConfusion', () => {
  it('when TP=3 FP=1 FN=2 TN=4 then every metric matches the hand computation', () => {
    const metrics = metricsOfConfusion(confusion(3, 1, 2, 4));
    expect(metrics.precision).toBeCloseTo(0.75, 12);
    expect(metrics.recall).toBeCloseTo(0.6, 12);
    expect(metrics.fmeasure).toBeCloseTo(2 / 3, 12); // 2·0.75·0.6 / 1.35
    expect(metrics.accuracy).toBeCloseTo(0.7, 12);
    expect(metrics.iou).toBeCloseTo(0.5, 12); // 3 / 6
    expect(metrics.mcc).toBeCloseTo(10 / Math.sqrt(600), 12); // (12 − 2) / √(4·5·5·6)
    expect(metrics.psnr).toBeCloseTo(10 * Math.log10(10 / 3), 12);
  });

  it('when a 2×3 prediction is compared pixel by pixel then the counts are right', () => {
    const truth = Uint8Array.of(1, 1, 0, 0, 1, 0);
    const predicted = Uint8Array.of(1, 0, 1, 0, 1, 0);
    expect(confusionOfMasks(truth, predicted)).toEqual(confusion(2, 1, 1, 2));
    // Leaving out the false positive (index 2) and a true negative (index 5).
    const scored = Uint8Array.of(1, 1, 0, 1, 1, 0);
    expect(confusionOfMasks(truth, predicted, scored)).toEqual(confusion(2, 0, 1, 1));
  });

  it('when the prediction is perfect then PSNR is that of one wrong pixel and F, MCC are 1', () => {
    const metrics = metricsOfConfusion(confusion(5, 0, 0, 5));
    expect(metrics.psnr).toBeCloseTo(10, 12); // 10·log10(10 / 1)
    expect(metrics.fmeasure).toBe(1);
    expect(metrics.mcc).toBe(1);
  });

  it('when there is no foreground anywhere then precision, recall and F are 1', () => {
    const metrics = metricsOfConfusion(confusion(0, 0, 0, 9));
    expect([metrics.precision, metrics.recall, metrics.fmeasure]).toEqual([1, 1, 1]);
  });

  it('when nothing is predicted but truth has foreground then precision and F are 0', () => {
    const metrics = metricsOfConfusion(confusion(0, 0, 4, 6));
    expect([metrics.precision, metrics.recall, metrics.fmeasure]).toEqual([0, 0, 0]);
    expect(psnrOf(confusion(0, 0, 4, 6))).toBeCloseTo(10 * Math.log10(10 / 4), 12);
  });

  it('when the polarity flips then the complement swaps TP↔FN and FP↔TN', () => {
    expect(complementConfusion(confusion(1, 2, 3, 4))).toEqual(confusion(3, 4, 1, 2));
  });
});

describe('metrics against the Python references (DIBCO crops)', () => {
  const fixtures = loadMetricFixtures();

  function expectMatches(
    actual: ReturnType<typeof metricsOfConfusion>,
    reference: MetricReference,
  ): void {
    for (const key of ['precision', 'recall', 'fmeasure', 'accuracy', 'iou', 'mcc'] as const) {
      expect(actual[key], key).toBeCloseTo(reference[key], 12);
    }
    expect(reference.psnr).not.toBeNull();
    expect(actual.psnr).toBeCloseTo(reference.psnr!, 10);
  }

  it('when the fixtures are loaded then there are several crops with cases', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
    for (const fixture of fixtures) expect(fixture.cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const fixture of fixtures) {
    for (const item of fixture.cases) {
      it(`when ${fixture.name} / ${item.name} is scored on pixels then it matches`, () => {
        const predicted = item.mask ?? thresholdMask(fixture.gray, item.threshold!, item.polarity);
        const counts = confusionOfMasks(fixture.truth, predicted);
        const { tp, fp, fn, tn } = item.metrics;
        expect(counts).toEqual(confusion(tp, fp, fn, tn));
        expectMatches(metricsOfConfusion(counts), item.metrics);
      });

      if (item.threshold === undefined) continue;
      it(`when ${fixture.name} / ${item.name} is scored from class histograms then it matches`,
        () => {
          const classes = classHistograms(fixture.gray, fixture.truth);
          const counts = confusionAt(classes, item.threshold!, item.polarity);
          expectMatches(metricsOfConfusion(counts), item.metrics);
        });
    }
  }
});
