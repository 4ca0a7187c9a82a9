import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_FEATURE_STD, fitNormalization } from '../../src/model/features.js';
import { DEFAULT_MODEL_DIRECTORY, loadModel } from '../../src/model/index.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'autothresh-model-files-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A copy of the shipped model, changed by `damage`, then loaded; returns the error message. */
async function loadDamaged(
  name: string,
  damage: (directory: string) => Promise<void>,
): Promise<string> {
  const directory = join(folder, name);
  await cp(DEFAULT_MODEL_DIRECTORY, directory, { recursive: true });
  await damage(directory);
  return loadModel(directory).then(() => 'loaded', (error: Error) => error.message);
}

async function editJson(path: string, edit: (json: any) => void): Promise<void> {
  const json = JSON.parse(await readFile(path, 'utf8'));
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

async function editMetadata(directory: string, edit: (metadata: any) => void): Promise<void> {
  await editJson(join(directory, 'metadata.json'), edit);
}

async function editModelJson(directory: string, edit: (modelJson: any) => void): Promise<void> {
  await editJson(join(directory, 'model.json'), edit);
}

/** Writes `value` as the float32 at `index` of weights.bin. */
async function setWeight(directory: string, index: number, value: number): Promise<void> {
  const path = join(directory, 'weights.bin');
  const weights = await readFile(path);
  weights.writeFloatLE(value, 4 * index);
  await writeFile(path, weights);
}

describe('loading a model folder', () => {
  it('when the copy is intact then it loads', async () => {
    expect(await loadDamaged('intact', async () => {})).toBe('loaded');
  });

  it('when the metadata does not match this code then the message names the field', async () => {
    const version = await loadDamaged('version', (directory) =>
      editMetadata(directory, (metadata) => { metadata.formatVersion = 99; }));
    expect(version).toMatch(/metadata\.json: field formatVersion is 99, .* expects 1/);

    const size = await loadDamaged('size', (directory) =>
      editMetadata(directory, (metadata) => { metadata.features.size += 1; }));
    expect(size).toMatch(/metadata\.json: field features\.size is \d+/);

    const statistics = await loadDamaged('statistics', (directory) =>
      editMetadata(directory, (metadata) => { metadata.features.statistics.reverse(); }));
    expect(statistics).toMatch(/field features\.statistics is/);

    const missing = await loadDamaged('missing', (directory) =>
      editMetadata(directory, (metadata) => { delete metadata.heads; }));
    expect(missing).toMatch(/metadata\.json: field heads: /);
  });

  it('when a file is damaged then the message names the file and what is wrong', async () => {
    const json = await loadDamaged('json', (directory) =>
      writeFile(join(directory, 'metadata.json'), '{ corrupted'));
    expect(json).toMatch(/metadata\.json: not valid JSON/);

    const weights = await loadDamaged('weights', (directory) =>
      truncate(join(directory, 'weights.bin'), 1000));
    expect(weights).toMatch(/weights\.bin: expected \d+ bytes .*, found 1000/);

    const topology = await loadDamaged('topology', (directory) =>
      writeFile(join(directory, 'model.json'), '{"weightsManifest": 3}'));
    expect(topology).toMatch(/model\.json: expected a layers model/);

    const absent = await loadDamaged('absent', (directory) =>
      unlink(join(directory, 'model.json')));
    expect(absent).toMatch(/not a model folder \(no model\.json\)/);
  });
});

describe('checking a model folder for what training never writes', () => {
  it('when a std is 0 or below the floor of a constant feature then the field is named',
    async () => {
      const zero = await loadDamaged('std-zero', (directory) =>
        editMetadata(directory, (metadata) => {
          metadata.normalization.std = metadata.normalization.std.map(() => 0);
        }));
      expect(zero).toMatch(
        /metadata\.json: field normalization\.std\.0 is 0, expected at least 0\.000001 /);

      const tiny = await loadDamaged('std-tiny', (directory) =>
        editMetadata(directory, (metadata) => { metadata.normalization.std[7] = 1e-9; }));
      expect(tiny).toMatch(/field normalization\.std\.7 is 1e-9/);

      const negative = await loadDamaged('std-negative', (directory) =>
        editMetadata(directory, (metadata) => { metadata.normalization.std[2] = -1; }));
      expect(negative).toMatch(/field normalization\.std\.2 is -1/);
    });

  it('when a feature was constant in training then its std is the floor and it loads',
    async () => {
      const { std } = fitNormalization(new Float32Array([5, 5, 5, 5]), 1);
      expect(std[0]).toBe(Math.fround(MIN_FEATURE_STD));
      const floor = await loadDamaged('std-floor', (directory) =>
        editMetadata(directory, (metadata) => { metadata.normalization.std[0] = std[0]; }));
      expect(floor).toBe('loaded');
    });

  it('when a mean is not a number then the field is named', async () => {
    const mean = await loadDamaged('mean-null', (directory) =>
      editMetadata(directory, (metadata) => { metadata.normalization.mean[4] = null; }));
    expect(mean).toMatch(/metadata\.json: field normalization\.mean\.4: /);
  });

  it('when metadata hidden widths differ from model.json then the layer and field are named',
    async () => {
      const widths = await loadDamaged('hidden-widths', (directory) =>
        editMetadata(directory, (metadata) => { metadata.network.hidden = [64, 64]; }));
      expect(widths).toMatch(new RegExp('hidden-widths/model\\.json: layer hidden0 has 128 ' +
        'units, expected 64 \\(metadata\\.json: field network\\.hidden is \\[64,64\\]\\)$'));

      const depth = await loadDamaged('hidden-depth', (directory) =>
        editMetadata(directory, (metadata) => { metadata.network.hidden = [128]; }));
      expect(depth).toMatch(
        /model\.json: has 3 dense layers, expected 2: .*field network\.hidden is \[128\]/);
    });

  it('when metadata normalization differs from the layers then the field is named', async () => {
    const norm = await loadDamaged('norm', (directory) =>
      editMetadata(directory, (metadata) => { metadata.network.normalization = 'layer'; }));
    expect(norm).toMatch(
      /model\.json: layer relu0 is ReLU, expected LayerNormalization \(metadata/);
    expect(norm).toContain('field network.normalization is "layer"');
  });

  it('when model.json layers or weights disagree with the metadata then the file says how',
    async () => {
      const heads = await loadDamaged('heads', (directory) =>
        editModelJson(directory, (modelJson) => {
          modelJson.modelTopology.config.layers[4].config.units = 2;
        }));
      expect(heads).toMatch(
        /model\.json: layer heads has 2 units, expected 3 \(metadata\.json: field heads\.names/);

      const inputs = await loadDamaged('inputs', (directory) =>
        editModelJson(directory, (modelJson) => {
          modelJson.modelTopology.config.layers[0].config.batch_input_shape = [null, 170];
        }));
      expect(inputs).toMatch(
        /model\.json: layer hidden0 takes 170 inputs, expected 169 \(metadata\.json: field f/);

      const shape = await loadDamaged('shape', (directory) =>
        editModelJson(directory, (modelJson) => {
          modelJson.weightsManifest[0].weights[3].shape = [32, 2];
        }));
      expect(shape).toMatch(
        /model\.json: weight hidden1\/bias has shape \[32,2\], expected \[64\]/);

      const extra = await loadDamaged('extra', (directory) =>
        editModelJson(directory, (modelJson) => {
          modelJson.weightsManifest[0].weights.push({ name: 'x/y', shape: [0], dtype: 'float32' });
        }));
      expect(extra).toMatch(/model\.json: weight x\/y belongs to no layer/);

      const kind = await loadDamaged('kind', (directory) =>
        editModelJson(directory, (modelJson) => {
          modelJson.modelTopology.config.layers[1].class_name = 'Dropout';
        }));
      expect(kind).toMatch(/model\.json: layer relu0 is Dropout, expected ReLU/);
    });

  it('when a weight is NaN or infinite then weights.bin names the tensor', async () => {
    const nan = await loadDamaged('nan', (directory) => setWeight(directory, 169 * 128 + 2, NaN));
    expect(nan).toMatch(
      /nan\/weights\.bin: weight hidden0\/bias holds NaN \(value 3 of 128\), expected a finite/);

    const size = 169 * 128 + 128 + 128 * 64 + 64;
    const infinite = await loadDamaged('infinite', (directory) =>
      setWeight(directory, size + 5, -Infinity));
    expect(infinite).toMatch(
      /weights\.bin: weight heads\/kernel holds -Infinity \(value 6 of 192\)/);
  });

  it('when the folder is missing or a file then the message says which', async () => {
    const missing = await loadModel(join(folder, 'no-such')).catch((error: Error) => error.message);
    expect(missing).toBe(`${join(folder, 'no-such')}: no such folder`);
    const file = join(folder, 'a-file');
    await writeFile(file, 'x');
    const notFolder = await loadModel(file).catch((error: Error) => error.message);
    expect(notFolder).toBe(`${file}: is a file, not a model folder`);
  });
});
