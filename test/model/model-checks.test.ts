/**
 * What loading a model folder refuses so that the numbers it computes are the ones training
 * meant: metadata numbers a 32-bit float cannot hold, weights manifest entries and layer options
 * that TensorFlow.js would honour and the plain-JS forward pass would not (or that give a tensor
 * another's bytes); and what saving refuses: a diverged network.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../src/errors.js';
import { loadTensorflow } from '../../src/model/backend.js';
import { buildNetwork } from '../../src/model/build.js';
import { DEFAULT_MODEL_DIRECTORY, loadModel } from '../../src/model/index.js';
import { loadTrainableModel, saveModel } from '../../src/model/io.js';
import { checkMetadata, FLOAT32_MAX } from '../../src/model/metadata.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { realSample } from './helpers.js';

let folder: string;

beforeAll(async () => {
  await loadTensorflow('cpu');
  folder = await mkdtemp(join(tmpdir(), 'autothresh-model-checks-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A copy of `source` (default: the shipped model) named `name`, changed by `edit`. */
async function copyModel(
  name: string,
  edit: { metadata?: (json: any) => void; model?: (json: any) => void },
  source = DEFAULT_MODEL_DIRECTORY,
): Promise<string> {
  const directory = join(folder, name);
  await cp(source, directory, { recursive: true });
  for (const [file, change] of [['metadata.json', edit.metadata], ['model.json', edit.model]]) {
    if (change === undefined) continue;
    const path = join(directory, file as string);
    const json = JSON.parse(await readFile(path, 'utf8'));
    (change as (json: any) => void)(json);
    await writeFile(path, JSON.stringify(json));
  }
  return directory;
}

/** Loading's error message for both loaders (they must agree), or 'loaded'. */
async function loadBoth(directory: string): Promise<string> {
  const plain = await loadModel(directory).then(() => 'loaded', (error: Error) => error.message);
  const trainable = await loadTrainableModel(directory).then(
    ({ model }) => { model.dispose(); return 'loaded'; },
    (error: Error) => error.message,
  );
  expect(trainable).toBe(plain);
  return plain;
}

/** The shipped model's manifest entries. */
function entries(modelJson: any): any[] {
  return modelJson.weightsManifest[0].weights;
}

function layers(modelJson: any): any[] {
  return modelJson.modelTopology.config.layers;
}

describe('metadata numbers that a 32-bit float cannot hold', () => {
  it('when a normalization mean or std is beyond float32 then the field and index are named',
    async () => {
      const mean = await copyModel('mean-1e39', {
        metadata: (json) => { json.normalization.mean[3] = 1e39; },
      });
      expect(await loadBoth(mean)).toBe(`${mean}/metadata.json: field normalization.mean.3 is ` +
        '1e+39, which a 32-bit float cannot hold');

      const std = await copyModel('std-1e308', {
        metadata: (json) => { json.normalization.std[5] = 1e308; },
      });
      expect(await loadBoth(std)).toBe(`${std}/metadata.json: field normalization.std.5 is ` +
        '1e+308, which a 32-bit float cannot hold');

      const negative = await copyModel('mean-negative', {
        metadata: (json) => { json.normalization.mean[0] = -4e38; },
      });
      expect(await loadBoth(negative)).toMatch(/field normalization\.mean\.0 is -4e\+38, which/);
    });

  it('when a value is written as 1e400 (Infinity once parsed) then the field is named',
    async () => {
      const directory = await copyModel('mean-infinite', {});
      const path = join(directory, 'metadata.json');
      const text = (await readFile(path, 'utf8')).replace(/("mean": \[\s*)[^,]+,/, '$11e400,');
      await writeFile(path, text);
      expect(await loadBoth(directory)).toMatch(
        /metadata\.json: field normalization\.mean\.0: .*Infinity$/);
    });

  it('when a value is the largest float32 then it loads, and the next double is refused',
    async () => {
      const raw = JSON.parse(
        await readFile(join(DEFAULT_MODEL_DIRECTORY, 'metadata.json'), 'utf8'));
      raw.normalization.mean[9] = FLOAT32_MAX;
      expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX);
      expect(() => checkMetadata(raw, 'm/metadata.json')).not.toThrow();
      raw.normalization.mean[9] = 3.402823466385289e38;
      expect(() => checkMetadata(raw, 'm/metadata.json')).toThrow(
        'm/metadata.json: field normalization.mean.9 is 3.402823466385289e+38, which a 32-bit ' +
          'float cannot hold');
    });

  it('when predict or train --init is given such a model then it fails and writes nothing',
    async () => {
      const model = await copyModel('mean-cli', {
        metadata: (json) => { json.normalization.mean[3] = 1e39; },
      });
      const image = new URL('../fixtures/images/opencv-gray8.bmp', import.meta.url).pathname;
      const predicted = spawnCli('predict', image, '--method', 'learned', '--model', model);
      expect(predicted.code).toBe(2);
      expect(predicted.stdout).not.toMatch(/NaN/);
      expect(predicted.stderr).toContain(
        `${model}/metadata.json: field normalization.mean.3 is 1e+39, which a 32-bit float`);

      const data = join(folder, 'records.jsonl');
      const records = await realSample(2);
      await writeFile(data, records.map((record) => JSON.stringify(record)).join('\n'));
      const out = join(folder, 'tuned-from-1e39');
      const tuned = await runCli('train', '--data', data, '-o', out, '--init', model,
        '--epochs', '1', '--backend', 'cpu', '--quiet');
      expect(tuned.code).toBe(2);
      expect(tuned.stderr).toContain('field normalization.mean.3 is 1e+39');
      expect(existsSync(out)).toBe(false);
    });
});

describe('weights manifest entries that the two loaders would read differently', () => {
  it('when a weight entry is quantized then it is refused, naming the weight', async () => {
    const directory = await copyModel('quantized', {
      model: (json) => { entries(json)[0].quantization = { dtype: 'uint8', min: 0, scale: 1 }; },
    });
    expect(await loadBoth(directory)).toBe(
      `${directory}/model.json: weight hidden0/kernel is quantized, which autothresh never writes`);
  });

  it('when two entries are swapped then both are named', async () => {
    const directory = await copyModel('swapped', {
      model: (json) => {
        const list = entries(json);
        [list[2], list[3]] = [list[3], list[2]];
      },
    });
    expect(await loadBoth(directory)).toBe(`${directory}/model.json: weight hidden1/bias is ` +
      'listed where hidden1/kernel belongs (entry 3 of weightsManifest), expected the order ' +
      'TensorFlow.js saves');
  });

  it('when an entry is listed twice then it is named', async () => {
    const directory = await copyModel('twice', {
      model: (json) => { entries(json).push({ ...entries(json)[5] }); },
    });
    expect(await loadBoth(directory)).toMatch(
      /model\.json: weight heads\/bias is listed twice in weightsManifest$/);
  });

  it('when an entry has a dtype or field autothresh never writes then it is named', async () => {
    const dtype = await copyModel('dtype', {
      model: (json) => { entries(json)[1].dtype = 'int32'; },
    });
    expect(await loadBoth(dtype)).toMatch(
      /model\.json: weight hidden0\/bias has dtype "int32", expected "float32"$/);

    const field = await copyModel('entry-field', {
      model: (json) => { entries(json)[4].group = 'other'; },
    });
    expect(await loadBoth(field)).toMatch(
      /model\.json: weight heads\/kernel has field "group", which autothresh never writes$/);
  });

  it('when the manifest has other paths, fields or groups then it is refused', async () => {
    const paths = await copyModel('paths', {
      model: (json) => { json.weightsManifest[0].paths = ['./weights.bin', './more.bin']; },
    });
    expect(await loadBoth(paths)).toMatch(new RegExp('model\\.json: weightsManifest lists paths ' +
      '\\["\\./weights\\.bin","\\./more\\.bin"\\], expected \\["\\./weights\\.bin"\\]'));

    const field = await copyModel('group-field', {
      model: (json) => { json.weightsManifest[0].dtype = 'float16'; },
    });
    expect(await loadBoth(field)).toMatch(
      /model\.json: weightsManifest has field "dtype", which autothresh never writes$/);

    const groups = await copyModel('groups', {
      model: (json) => { json.weightsManifest.push({ paths: ['./b.bin'], weights: [] }); },
    });
    expect(await loadBoth(groups)).toMatch(
      /model\.json: weightsManifest has 2 groups, expected one \(autothresh writes every/);
  });
});

describe('layer options that the two loaders would read differently', () => {
  it('when a ReLU is capped or a layer is frozen or not float32 then the option is named',
    async () => {
      const capped = await copyModel('capped', {
        model: (json) => { layers(json)[1].config.max_value = 0.5; },
      });
      expect(await loadBoth(capped)).toBe(`${capped}/model.json: layer relu0 has max_value ` +
        '0.5, which autothresh never writes (expected null)');

      const frozen = await copyModel('frozen', {
        model: (json) => { layers(json)[2].config.trainable = false; },
      });
      expect(await loadBoth(frozen)).toMatch(
        /model\.json: layer hidden1 has trainable false, which autothresh never writes/);

      const dtype = await copyModel('layer-dtype', {
        model: (json) => { layers(json)[0].config.dtype = 'int32'; },
      });
      expect(await loadBoth(dtype)).toMatch(/layer hidden0 has dtype "int32", which autothresh/);
    });

  it('when the topology is not a plain sequential model then it is refused', async () => {
    const functional = await copyModel('functional', {
      model: (json) => { json.modelTopology.class_name = 'Model'; },
    });
    expect(await loadBoth(functional)).toMatch(
      /model\.json: modelTopology is "Model", expected a "Sequential" model/);

    const nested = await copyModel('model-config', {
      model: (json) => { json.modelTopology.model_config = { ...json.modelTopology }; },
    });
    expect(await loadBoth(nested)).toMatch(
      /model\.json: modelTopology is "Sequential" with a model_config, expected a "Sequential"/);

    const names = await copyModel('same-names', {
      model: (json) => { layers(json)[3].config.name = 'relu0'; },
    });
    expect(await loadBoth(names)).toMatch(/model\.json: two layers are named relu0, expected/);
  });
});

describe('a batch-normalized model', () => {
  let saved: string;

  beforeAll(async () => {
    const network = buildNetwork({
      inputSize: 169, hidden: [8], normalization: 'batch', dropout: 0, seed: 1,
    });
    const metadata = JSON.parse(
      await readFile(join(DEFAULT_MODEL_DIRECTORY, 'metadata.json'), 'utf8'));
    metadata.network = { hidden: [8], normalization: 'batch', dropout: 0 };
    saved = join(folder, 'batch');
    await saveModel(network, metadata, saved);
    network.dispose();
  });

  it('when saved then it loads (moving statistics listed after the trained weights)',
    async () => {
      const modelJson = JSON.parse(await readFile(join(saved, 'model.json'), 'utf8'));
      expect(entries(modelJson).map((entry) => entry.name)).toEqual([
        'hidden0/kernel', 'norm0/gamma', 'norm0/beta', 'heads/kernel', 'heads/bias',
        'norm0/moving_mean', 'norm0/moving_variance',
      ]);
      expect(await loadBoth(saved)).toBe('loaded');
    });

  it('when two entries of the same shape are swapped then both are named', async () => {
    const swapped = await copyModel('batch-swapped', {
      model: (json) => {
        const list = entries(json);
        [list[1], list[2]] = [list[2], list[1]];
      },
    }, saved);
    expect(await loadBoth(swapped)).toMatch(/model\.json: weight norm0\/beta is listed where/);
    expect(await loadBoth(swapped)).toContain('where norm0/gamma belongs (entry 2 of');
  });

  it('when an epsilon is not a positive float32 or an option differs then it is named',
    async () => {
      const epsilon = await copyModel('batch-epsilon', {
        model: (json) => { layers(json)[1].config.epsilon = -1; },
      }, saved);
      expect(await loadBoth(epsilon)).toMatch(
        /model\.json: layer norm0 has epsilon -1, expected a positive 32-bit float$/);

      const center = await copyModel('batch-center', {
        model: (json) => { layers(json)[1].config.center = false; },
      }, saved);
      expect(await loadBoth(center)).toMatch(
        /model\.json: layer norm0 has center false, which autothresh never writes/);
    });
});

describe('saving a network whose weights are not all finite', () => {
  /** A network of the shipped model's shape with `value` at the start of tensor `index`. */
  function networkHolding(index: number, value: number): tf.LayersModel {
    const network = buildNetwork({
      inputSize: 169, hidden: [128, 64], normalization: 'none', dropout: 0, seed: 1,
    });
    const weights = network.getWeights();
    const values = weights[index].dataSync().slice();
    values[0] = value;
    network.setWeights(weights.map((tensor, at) =>
      at === index ? tf.tensor(values, tensor.shape) : tensor));
    return network;
  }

  it('when a weight is NaN or infinite then nothing is written and the tensor is named',
    async () => {
      const metadata = checkMetadata(JSON.parse(
        await readFile(join(DEFAULT_MODEL_DIRECTORY, 'metadata.json'), 'utf8')), 'metadata.json');
      const out = join(folder, 'diverged');
      const error = await saveModel(networkHolding(0, NaN), metadata, out)
        .catch((caught: unknown) => caught);
      expect(isAutothreshError(error, 'autothresh.model')).toBe(true);
      expect((error as Error).message).toBe(
        `${out}: training diverged: weight hidden0/kernel holds NaN; nothing was written`);
      expect(existsSync(out)).toBe(false);

      // Over an existing model (train --force): the old files stay as they were.
      const existing = join(folder, 'kept');
      await mkdir(existing);
      await cp(DEFAULT_MODEL_DIRECTORY, existing, { recursive: true });
      const before = await readFile(join(existing, 'weights.bin'));
      const infinite = await saveModel(networkHolding(5, -Infinity), metadata, existing)
        .catch((caught: Error) => caught.message);
      expect(infinite).toBe(`${existing}: training diverged: weight heads/bias holds -Infinity; ` +
        'nothing was written');
      expect((await readFile(join(existing, 'weights.bin'))).equals(before)).toBe(true);
    });

  it('when every weight is finite then it saves and loads', async () => {
    const metadata = checkMetadata(JSON.parse(
      await readFile(join(DEFAULT_MODEL_DIRECTORY, 'metadata.json'), 'utf8')), 'metadata.json');
    const out = join(folder, 'finite');
    await saveModel(networkHolding(0, 0.25), metadata, out);
    expect(await loadBoth(out)).toBe('loaded');
  });
});
