import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../src/histogram/histogram.js';
import { exactScore } from '../../src/model/evaluate.js';
import { loadModel, predictThresholds } from '../../src/model/index.js';
import { realSample } from './helpers.js';

describe('the shipped default model', () => {
  it('when loaded without a folder then it reads models/default and predicts sanely', async () => {
    const model = await loadModel();
    expect(model.metadata.features.name).toBe('sqrt-cdf-stats-classical');
    expect(await loadModel('default')).toBe(model);

    // Smoke test on images it was trained on: polarity right, F-measure close to the oracle.
    const records = await realSample(2);
    const predictions = predictThresholds(
      model, records.map((record) => createHistogram(record.histogram)),
    );
    const polarityRight = predictions.filter((prediction, index) =>
      prediction.polarity === records[index].polarity).length;
    expect(polarityRight).toBeGreaterThanOrEqual(records.length - 1);
    const gaps = records.map((record, index) =>
      (record.bestScore ?? 0) - (exactScore(record, predictions[index]) ?? 0));
    expect(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length).toBeLessThan(0.15);
  });
});
