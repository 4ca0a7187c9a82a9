import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../src/histogram/histogram.js';
import { exactScore } from '../../src/model/evaluate.js';
import { DEFAULT_FEATURE_SET } from '../../src/model/features.js';
import { loadModel, predictThresholds } from '../../src/model/index.js';
import { realSample } from './helpers.js';

describe('the shipped default model', () => {
  it('when loaded without a folder then it reads models/default and predicts sanely', async () => {
    const model = await loadModel();
    expect(model.metadata.features.name).toBe(DEFAULT_FEATURE_SET);
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

describe('degenerate histograms', () => {
  it('when the image is constant then the threshold is its value and quality is 0', async () => {
    const model = await loadModel();
    for (const value of [0, 77, 128, 255]) {
      const counts = new Array(256).fill(0);
      counts[value] = 1000;
      const [prediction] = predictThresholds(model, [createHistogram(counts)]);
      expect(prediction.threshold).toBe(value);
      expect(prediction.quality).toBe(0);
      // Nothing tells the foreground's side: an even chance, whichever side is reported.
      expect(prediction.polarityConfidence).toBe(0.5);
      expect(prediction.darkProbability).toBe(0.5);
    }
  });

  it('when the histogram is empty then it is an error, not a threshold', async () => {
    const model = await loadModel();
    expect(() => predictThresholds(model, [createHistogram(new Array(256).fill(0))]))
      .toThrow(/at least one pixel/);
  });
});

describe('the shipped model and its recipe', () => {
  it('when compared with the committed data and recipe then they are what it was trained on',
    async () => {
      const { defaultTrainingFiles, DEFAULT_MODEL_CONFIG } = await import(
        '../../src/model/recipes.js'
      );
      const { readRecordFiles } = await import('../../src/model/workflow.js');
      const { fingerprintRecords } = await import('../../src/model/examples.js');
      const model = await loadModel();
      const records = await readRecordFiles(defaultTrainingFiles());
      expect(model.metadata.data.records).toBe(records.length);
      expect(model.metadata.data.sha256).toBe(fingerprintRecords(records));

      const { training, network, seed, features, heads } = model.metadata;
      expect(seed).toBe(DEFAULT_MODEL_CONFIG.seed);
      expect(features.name).toBe(DEFAULT_MODEL_CONFIG.featureSet);
      expect(heads.threshold.baseMethod).toBe(DEFAULT_MODEL_CONFIG.baseMethod);
      expect(network).toEqual({
        hidden: DEFAULT_MODEL_CONFIG.hidden,
        normalization: DEFAULT_MODEL_CONFIG.normalization,
        dropout: DEFAULT_MODEL_CONFIG.dropout,
      });
      expect(training).toMatchObject({
        epochs: DEFAULT_MODEL_CONFIG.epochs,
        batchSize: DEFAULT_MODEL_CONFIG.batchSize,
        learningRate: DEFAULT_MODEL_CONFIG.learningRate,
        loss: DEFAULT_MODEL_CONFIG.loss,
        headWeights: DEFAULT_MODEL_CONFIG.headWeights,
        temperature: DEFAULT_MODEL_CONFIG.temperature,
        balance: DEFAULT_MODEL_CONFIG.balance,
      });
    });
});
