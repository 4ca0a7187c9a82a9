/**
 * The `autothresh/train` entry point: train, save, load and predict, with the backend that
 * really ran recorded in the metadata.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAutothreshError } from '../src/errors.js';
import { createHistogram } from '../src/histogram/histogram.js';
import type { LabelRecord } from '../src/label/schema.js';
import { DEFAULT_MODEL_DIRECTORY, loadModel, predictThreshold } from '../src/model/index.js';
import * as training from '../src/train.js';
import { packageVersion } from '../src/util/package-info.js';
import { temporaryDirectory } from './helpers/images.js';
import { realSample, TINY_CONFIG } from './model/helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SHIPPED_FILES = ['model.json', 'weights.bin', 'metadata.json'];

let records: LabelRecord[];
let shipped: Buffer[];

beforeAll(async () => {
  records = await realSample(3);
  shipped = SHIPPED_FILES.map((file) => readFileSync(join(DEFAULT_MODEL_DIRECTORY, file)));
});

// The refusal test must never leave the shipped model changed, even if the refusal broke.
afterAll(() => {
  SHIPPED_FILES.forEach((file, index) => {
    const path = join(DEFAULT_MODEL_DIRECTORY, file);
    if (!readFileSync(path).equals(shipped[index])) writeFileSync(path, shipped[index]);
  });
});

/** A tiny model trained on a few real records, with `input`'s other fields. */
function trainTiny(input: Partial<training.TrainInput> = {}, seed = TINY_CONFIG.seed) {
  return training.trainModel({ ...TINY_CONFIG, seed }, {
    train: records, validation: [], validationDescription: 'test', ...input,
  });
}

describe('the training entry point', () => {
  it('when imported then it exposes what training, saving and fine-tuning need', () => {
    for (const name of ['trainModel', 'saveModel', 'loadTensorflow', 'loadTrainableModel',
      'splitBySource']) {
      expect(typeof (training as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(training.DEFAULT_TRAIN_CONFIG.epochs).toBeGreaterThan(0);
    expect(training.FINE_TUNE_CONFIG.epochs).toBeGreaterThan(0);
    expect(training.BACKEND_NAMES).toContain('auto');
  });

  it('when a backend is named then training runs on it and the metadata records it',
    async () => {
      await training.loadTensorflow('cpu');
      const trained = await trainTiny({ backend: 'wasm' });
      expect(tf.getBackend()).toBe('wasm');
      expect(trained.metadata.training.backend).toBe('wasm');
      trained.model.dispose();

      const onCpu = await trainTiny({ backend: 'cpu' });
      expect(onCpu.metadata.training.backend).toBe('cpu');
      expect(onCpu.metadata.versions.autothresh).toBe(packageVersion());
      onCpu.model.dispose();
    });

  it('when no backend is named then the best available one is used and recorded', async () => {
    await training.loadTensorflow('cpu');
    const trained = await trainTiny();
    expect(trained.metadata.training.backend).toBe(tf.getBackend());
    expect(tf.getBackend()).not.toBe('cpu');
    trained.model.dispose();
  });

  it('when saved then the returned model and loadModel of the folder predict alike',
    async () => {
      const folder = join(temporaryDirectory(), 'mine');
      const trained = await trainTiny({ backend: 'cpu' });
      const saved = await training.saveModel(trained, folder);
      trained.model.dispose();
      const histogram = createHistogram(records[0].histogram);
      const prediction = predictThreshold(saved, histogram);
      expect(predictThreshold(await loadModel(folder), histogram)).toEqual(prediction);
      expect(saved.metadata.training.backend).toBe('cpu');

      // Retrained into the same folder: the new model is what loadModel gives.
      const again = await trainTiny({ backend: 'cpu' }, TINY_CONFIG.seed + 1);
      await training.saveModel(again, folder);
      again.model.dispose();
      const reloaded = await loadModel(folder);
      expect(reloaded.metadata.seed).toBe(TINY_CONFIG.seed + 1);
      expect(predictThreshold(reloaded, histogram)).not.toEqual(prediction);
    });

  it('when the shipped model is fine-tuned then the metadata names it as the start',
    async () => {
      const init = await training.loadTrainableModel('default', 'cpu');
      const tuned = await training.trainModel({ ...training.FINE_TUNE_CONFIG, epochs: 1 }, {
        train: records, validation: [], validationDescription: 'test', init,
      });
      expect(tuned.metadata.training.init).toBe('default');
      expect(tuned.metadata.network.hidden).toEqual([128, 64]);
      tuned.model.dispose();
    });

  it('when asked to save over the shipped model then it is refused', async () => {
    const trained = await trainTiny({ backend: 'cpu' });
    const error = await training.saveModel(trained, DEFAULT_MODEL_DIRECTORY).catch((e) => e);
    trained.model.dispose();
    expect(isAutothreshError(error, 'autothresh.invalidParameter'), String(error)).toBe(true);
    expect(error.message).toMatch(/is the shipped model's folder/);
    SHIPPED_FILES.forEach((file, index) =>
      expect(readFileSync(join(DEFAULT_MODEL_DIRECTORY, file)).equals(shipped[index])).toBe(true));
  });
});

describe('the built package (needs npm run build)', () => {
  it('when autothresh/train is imported by name then saving and loading are there', () => {
    const script = `const t = await import('autothresh/train');
      console.log([t.trainModel, t.saveModel, t.loadTensorflow].map((f) => typeof f).join());`;
    const child = spawnSync('node', ['--input-type=module', '-e', script], {
      cwd: ROOT, encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('function,function,function');
  });
});
