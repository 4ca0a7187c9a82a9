import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistogram } from '../../src/histogram/histogram.js';
import { isAutothreshError } from '../../src/errors.js';
import type { LabelRecord } from '../../src/label/schema.js';
import { loadTensorflow } from '../../src/model/backend.js';
import { buildExamples } from '../../src/model/examples.js';
import {
  featureDefinition, normalizeFeatures, type FeatureSetName,
} from '../../src/model/features.js';
import { evaluatePredictions } from '../../src/model/evaluate.js';
import { loadModel, predictThreshold, predictThresholds } from '../../src/model/index.js';
import { loadTrainableModel, saveModel } from '../../src/model/io.js';
import { predictExamples, trainModel, type TrainConfig } from '../../src/model/train.js';
import { realSample, TINY_CONFIG } from './helpers.js';

let records: LabelRecord[];
let folder: string;

beforeAll(async () => {
  await loadTensorflow('cpu');
  records = await realSample(3);
  folder = await mkdtemp(join(tmpdir(), 'autothresh-model-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function train(config: TrainConfig, validation: LabelRecord[] = []) {
  return trainModel(config, {
    train: records, validation, validationDescription: 'test', toolVersion: 'test',
  });
}

function weightHash(model: tf.LayersModel): string {
  const hash = createHash('sha256');
  for (const tensor of model.getWeights()) hash.update(new Uint8Array(tensor.dataSync().buffer));
  return hash.digest('hex');
}

describe('training', () => {
  it('when a few seeded epochs run on a toy set then the loss goes down', async () => {
    const trained = await train({ ...TINY_CONFIG, epochs: 8, temperature: { start: 2, end: 2 } });
    const losses = trained.history.map((log) => log.loss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    trained.model.dispose();
  });

  it('when trained twice with the same seed then the weights are bit-identical', async () => {
    const first = await train(TINY_CONFIG);
    const second = await train(TINY_CONFIG);
    const third = await train({ ...TINY_CONFIG, seed: TINY_CONFIG.seed + 1 });
    expect(weightHash(first.model)).toBe(weightHash(second.model));
    expect(weightHash(third.model)).not.toBe(weightHash(first.model));
    for (const trained of [first, second, third]) trained.model.dispose();
  });

  it('when validation records are given then early stopping keeps the best epoch', async () => {
    const trained = await train({ ...TINY_CONFIG, epochs: 4, patience: 2 }, records.slice(0, 6));
    const best = Math.max(...trained.history.map((log) => log.validation!.fmeasure!));
    expect(trained.metadata.validation!.fmeasure).toBe(best);
    trained.model.dispose();
  });
});

describe('training on threshold labels only', () => {
  it('when no validation record has class histograms then the least threshold error wins',
    async () => {
      const manual = records.slice(0, 8).map((record) => ({
        schemaVersion: record.schemaVersion, id: record.id, source: record.source,
        dataset: record.dataset, imageSha256: record.imageSha256, width: record.width,
        height: record.height, histogram: record.histogram, polarity: record.polarity,
        bestThreshold: record.bestThreshold, labelKind: 'manual' as const,
      }));
      const trained = await train({ ...TINY_CONFIG, epochs: 8, patience: 3 }, manual);
      const errors = trained.history.map((log) => log.validation!.thresholdMae);
      expect(trained.history.every((log) => log.validation!.fmeasure === null)).toBe(true);
      expect(trained.metadata.validation!.thresholdMae).toBe(Math.min(...errors));
      expect(trained.metadata.training.bestEpoch).toBe(errors.indexOf(Math.min(...errors)) + 1);
      // The weights kept are that epoch's.
      const { metadata } = trained;
      const examples = buildExamples(manual, featureDefinition(metadata.features.name as
        FeatureSetName), metadata.heads.threshold.baseMethod);
      normalizeFeatures(examples.features, metadata.normalization);
      const kept = evaluatePredictions(manual, predictExamples(trained.model, examples,
        metadata.heads.threshold.baseMethod));
      expect(kept.thresholdMae).toBe(Math.min(...errors));
      trained.model.dispose();
    });
});

describe('saving, loading and predicting', () => {
  it('when saved and loaded then tfjs, reloaded tfjs and plain JS agree', async () => {
    for (const normalization of ['none', 'batch', 'layer'] as const) {
      const trained = await train({ ...TINY_CONFIG, normalization });
      const directory = join(folder, normalization);
      await saveModel(trained.model, trained.metadata, directory);

      // tfjs predictions of the trained model on the records.
      const definition = featureDefinition(trained.metadata.features.name as never);
      const examples = buildExamples(records, definition, 'li');
      normalizeFeatures(examples.features, trained.metadata.normalization);
      const expected = predictExamples(trained.model, examples, 'li');

      const reloaded = await loadTrainableModel(directory);
      const again = predictExamples(reloaded.model, examples, 'li');
      const plain = predictThresholds(
        await loadModel(directory), records.map((record) => createHistogram(record.histogram)),
      );
      expected.forEach((prediction, index) => {
        expect(again[index].rawThreshold).toBeCloseTo(prediction.rawThreshold, 4);
        expect(plain[index].rawThreshold).toBeCloseTo(prediction.rawThreshold, 3);
        expect(plain[index].darkProbability).toBeCloseTo(prediction.darkProbability, 5);
        expect(plain[index].quality).toBeCloseTo(prediction.quality, 5);
      });
      trained.model.dispose();
      reloaded.model.dispose();
    }
  });

  it('when predicting then no tensor is left behind and the result is well formed', async () => {
    const trained = await train(TINY_CONFIG);
    const directory = join(folder, 'leak');
    await saveModel(trained.model, trained.metadata, directory);
    const model = await loadModel(directory);
    const histogram = createHistogram(records[0].histogram);

    const before = tf.memory().numTensors;
    const prediction = predictThreshold(model, histogram);
    const definition = featureDefinition(trained.metadata.features.name as never);
    const examples = buildExamples(records.slice(0, 2), definition, 'li');
    predictExamples(trained.model, examples, 'li');
    expect(tf.memory().numTensors).toBe(before);

    expect(Number.isInteger(prediction.threshold)).toBe(true);
    expect(prediction.threshold).toBe(Math.floor(prediction.rawThreshold + 0.5));
    expect(prediction.polarityConfidence).toBeGreaterThanOrEqual(0.5);
    expect(prediction.polarityConfidence).toBeCloseTo(
      prediction.polarity === 'dark' ? prediction.darkProbability : 1 - prediction.darkProbability,
    );
    trained.model.dispose();
  });

  it('when metadata does not match the code then loading names the field', async () => {
    const trained = await train(TINY_CONFIG);
    const directory = join(folder, 'mismatch');
    await saveModel(trained.model, trained.metadata, directory);
    trained.model.dispose();
    const path = join(directory, 'metadata.json');
    const metadata = JSON.parse(await readFile(path, 'utf8'));
    metadata.features.version = 999;
    await writeFile(path, JSON.stringify(metadata));
    const error = await loadModel(directory).catch((caught: unknown) => caught);
    expect(isAutothreshError(error, 'autothresh.model')).toBe(true);
    expect((error as Error).message).toContain('features.version');

    metadata.features.version = 1;
    metadata.heads.threshold.scale = 7;
    await writeFile(path, JSON.stringify(metadata));
    const second = await loadModel(directory).catch((caught: unknown) => caught);
    expect((second as Error).message).toContain('heads.threshold.scale');
  });

  it('when a batch-normalized model is saved then it loads, and a negative variance is refused',
    async () => {
      const trained = await train({ ...TINY_CONFIG, epochs: 1, normalization: 'batch' });
      const directory = join(folder, 'batch-variance');
      await saveModel(trained.model, trained.metadata, directory);
      trained.model.dispose();
      expect((await loadTrainableModel(directory)).metadata.network.normalization).toBe('batch');

      const modelJson = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
      const specs: { name: string; shape: number[] }[] = modelJson.weightsManifest[0].weights;
      const at = specs.findIndex((spec) => spec.name === 'norm0/moving_variance');
      const offset = specs.slice(0, at).reduce((sum, spec) =>
        sum + spec.shape.reduce((product, size) => product * size, 1), 0);
      const weights = await readFile(join(directory, 'weights.bin'));
      weights.writeFloatLE(-0.5, 4 * (offset + 1));
      await writeFile(join(directory, 'weights.bin'), weights);
      const error = await loadTrainableModel(directory).catch((caught: Error) => caught.message);
      expect(error).toMatch(/weights\.bin: weight norm0\/moving_variance holds -0\.5 /);
      expect(error).toMatch(/\(value 2 of 16\), expected a finite number ≥ 0$/);
    });

  it('when the folder is not a model then loading says so', async () => {
    await mkdir(join(folder, 'nothing-here'));
    const error = await loadModel(join(folder, 'nothing-here')).catch((caught: unknown) => caught);
    expect(isAutothreshError(error, 'autothresh.model')).toBe(true);
    expect((error as Error).message).toMatch(/not a model folder/);
  });
});
