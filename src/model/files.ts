/**
 * Reading a model folder's files without TensorFlow.js: `model.json` (layers topology and
 * weights manifest), `weights.bin` (little-endian float32) and `metadata.json`.
 *
 * A folder is checked as a whole before use: the metadata against this code, the layers of
 * `model.json` against the network the metadata describes, and every weight for being finite.
 * The checks cost microseconds (the shipped model has about 30 000 weights).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';
import { fileSystemProblem } from '../util/file-errors.js';
import { checkMetadata, type ModelMetadata } from './metadata.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';

/** One weight tensor as listed in `model.json`. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** The saved `model.json`. */
export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

/** The three files of a model folder, read and parsed (metadata checked against this code). */
export interface ModelFiles {
  modelJson: ModelJson;
  weights: ArrayBuffer;
  metadata: ModelMetadata;
}

/**
 * Reads and checks a model folder. Every problem is an `autothresh.model` error naming the file
 * and what is wrong with it: missing, not JSON, metadata that does not match this code, a weights
 * manifest that is not one float32 file, layers that are not the network the metadata describes,
 * a weights file of the wrong size, a weight that is not a finite number.
 */
export async function readModelFiles(directory: string): Promise<ModelFiles> {
  const modelJson = parseJson(directory, MODEL_FILE, await readText(directory, MODEL_FILE));
  const metadata = checkMetadata(
    parseJson(directory, METADATA_FILE, await readText(directory, METADATA_FILE)),
    join(directory, METADATA_FILE),
  );
  const specs = weightSpecsOf(directory, modelJson);
  checkTopology(join(directory, MODEL_FILE), modelJson as ModelJson, metadata, specs);
  const buffer = await readBinary(directory, WEIGHTS_FILE);
  const expected = 4 * specs.reduce((sum, spec) => sum + sizeOf(spec.shape), 0);
  if (buffer.byteLength !== expected) {
    throw new AutothreshError(
      'autothresh.model',
      `${join(directory, WEIGHTS_FILE)}: expected ${expected} bytes (the weights listed in ` +
        `${MODEL_FILE}), found ${buffer.byteLength}`,
    );
  }
  const weights = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  checkWeightValues(join(directory, WEIGHTS_FILE), specs, weights as ArrayBuffer);
  return { modelJson: modelJson as ModelJson, weights: weights as ArrayBuffer, metadata };
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

function parseJson(directory: string, name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AutothreshError(
      'autothresh.model', `${join(directory, name)}: not valid JSON (${errorMessage(error)})`,
    );
  }
}

/** The weight list of `model.json`: one manifest entry of float32 tensors with integer shapes. */
function weightSpecsOf(directory: string, modelJson: unknown): WeightSpec[] {
  const manifest = (modelJson as Partial<ModelJson> | null)?.weightsManifest;
  const specs = Array.isArray(manifest) && manifest.length === 1 ? manifest[0]?.weights : null;
  const valid = Array.isArray(specs) && specs.every((spec) =>
    typeof spec?.name === 'string' && spec.dtype === 'float32' && Array.isArray(spec.shape) &&
    spec.shape.every((size: unknown) => Number.isInteger(size) && (size as number) >= 0));
  const topology = (modelJson as Partial<ModelJson>).modelTopology;
  if (!valid || typeof topology !== 'object' || topology === null) {
    throw new AutothreshError(
      'autothresh.model',
      `${join(directory, MODEL_FILE)}: expected a layers model with one weights file of ` +
        'float32 tensors (as `autothresh train` writes)',
    );
  }
  return specs as WeightSpec[];
}

/** A layer as `model.json` describes it (the fields read here). */
interface TopologyLayer {
  class_name: string;
  config: {
    name: string;
    units?: unknown;
    use_bias?: unknown;
    activation?: unknown;
    batch_input_shape?: unknown;
  };
}

/** A layer the metadata implies: its class, its width, and where the metadata says so. */
interface ExpectedLayer {
  className: 'Dense' | 'BatchNormalization' | 'LayerNormalization' | 'ReLU';
  units: number;
  /** Why this layer is expected, e.g. `metadata.json: field network.hidden is [128,64]`. */
  source: string;
}

const NORMALIZATION_LAYERS = {
  none: null, batch: 'BatchNormalization', layer: 'LayerNormalization',
} as const;

/** The layers `autothresh train` builds for this metadata, in order (see `build.ts`). */
function expectedLayers(metadata: ModelMetadata): ExpectedLayer[] {
  const { hidden, normalization } = metadata.network;
  const widths = `metadata.json: field network.hidden is ${JSON.stringify(hidden)}`;
  const norm = NORMALIZATION_LAYERS[normalization];
  const layers: ExpectedLayer[] = [];
  for (const units of hidden) {
    layers.push({ className: 'Dense', units, source: widths });
    if (norm !== null) {
      layers.push({ className: norm, units, source: normalizationSource(metadata) });
    }
    layers.push({ className: 'ReLU', units, source: 'a ReLU follows each hidden layer' });
  }
  const heads = metadata.heads.names.length;
  layers.push({
    className: 'Dense', units: heads, source: `metadata.json: field heads.names lists ${heads}`,
  });
  return layers;
}

function normalizationSource(metadata: ModelMetadata): string {
  return `metadata.json: field network.normalization is "${metadata.network.normalization}"`;
}

/**
 * Checks that the layers of `model.json` are the network the metadata describes: the same
 * kinds in the same order, the widths of `network.hidden` and `heads.names`, `features.size`
 * inputs, and each layer's weights listed with the shapes it needs (and no other weights).
 */
function checkTopology(
  where: string,
  modelJson: ModelJson,
  metadata: ModelMetadata,
  specs: readonly WeightSpec[],
): void {
  const fail = (problem: string): never => {
    throw new AutothreshError('autothresh.model', `${where}: ${problem}`);
  };
  const layers = topologyLayers(modelJson, fail);
  const hidden = metadata.network.hidden;
  const dense = layers.filter((layer) => layer.class_name === 'Dense').length;
  if (dense !== hidden.length + 1) {
    fail(`has ${dense} dense layers, expected ${hidden.length + 1}: the heads and one per ` +
      `hidden layer (metadata.json: field network.hidden is ${JSON.stringify(hidden)})`);
  }
  const expected = expectedLayers(metadata);
  const shapes = new Map(specs.map((spec) => [spec.name, spec.shape]));
  const used = new Set<string>();
  let inputs = metadata.features.size;
  for (let index = 0; index < Math.max(layers.length, expected.length); index++) {
    const found = layers[index];
    const wanted = expected[index];
    if (wanted === undefined) {
      fail(`layer ${found.config.name} (${found.class_name}) comes after the heads layer, ` +
        'expected no further layer');
    }
    if (found === undefined) {
      fail(`ends after ${layers.length} layers, expected a ${wanted.className} layer next ` +
        `(${wanted.source})`);
    }
    if (found.class_name !== wanted.className) {
      const normalizing = Object.values(NORMALIZATION_LAYERS).includes(found.class_name as never);
      fail(`layer ${found.config.name} is ${found.class_name}, expected ${wanted.className} ` +
        `(${normalizing ? normalizationSource(metadata) : wanted.source})`);
    }
    if (wanted.className === 'Dense') {
      checkDense(found, wanted, shapes, index === 0 ? inputs : null, fail);
    }
    for (const [name, shape] of weightsOf(found, wanted, inputs)) {
      checkWeight(name, shape, shapes, fail);
      used.add(name);
    }
    inputs = wanted.units;
  }
  const extra = specs.find((spec) => !used.has(spec.name));
  if (extra !== undefined) fail(`weight ${extra.name} belongs to no layer`);
}

/** The `modelTopology.config.layers` list, each with a class and a name. */
function topologyLayers(modelJson: ModelJson, fail: (problem: string) => never): TopologyLayer[] {
  const layers = (modelJson.modelTopology as { config?: { layers?: unknown } }).config?.layers;
  const valid = Array.isArray(layers) && layers.every((layer) =>
    typeof layer?.class_name === 'string' && typeof layer.config?.name === 'string');
  if (!valid) fail('expected modelTopology.config.layers, a list of named layers');
  return layers as TopologyLayer[];
}

/**
 * A dense layer's width and activation; for the first layer (`featureSize` given), its input
 * width (from `batch_input_shape` and from the kernel) is the feature size.
 */
function checkDense(
  layer: TopologyLayer,
  wanted: ExpectedLayer,
  shapes: ReadonlyMap<string, readonly number[]>,
  featureSize: number | null,
  fail: (problem: string) => never,
): void {
  const { name, units, activation, batch_input_shape: inputShape } = layer.config;
  if (units !== wanted.units) {
    fail(`layer ${name} has ${JSON.stringify(units)} units, expected ${wanted.units} ` +
      `(${wanted.source})`);
  }
  if (activation !== undefined && activation !== 'linear') {
    fail(`layer ${name} has activation ${JSON.stringify(activation)}, expected "linear"`);
  }
  if (featureSize === null) return;
  const declared = Array.isArray(inputShape) ? inputShape[inputShape.length - 1] : featureSize;
  const kernel = shapes.get(`${name}/kernel`)?.[0] ?? featureSize;
  for (const found of [declared, kernel]) {
    if (found !== featureSize) {
      fail(`layer ${name} takes ${JSON.stringify(found)} inputs, expected ${featureSize} ` +
        `(metadata.json: field features.size is ${featureSize})`);
    }
  }
}

/** The weights a layer needs, by name, with their shapes (`inputs`: the layer's input width). */
function weightsOf(
  layer: TopologyLayer,
  wanted: ExpectedLayer,
  inputs: number,
): [string, number[]][] {
  const name = layer.config.name;
  const units = wanted.units;
  switch (wanted.className) {
    case 'Dense':
      return layer.config.use_bias === false
        ? [[`${name}/kernel`, [inputs, units]]]
        : [[`${name}/kernel`, [inputs, units]], [`${name}/bias`, [units]]];
    case 'BatchNormalization':
      return ['gamma', 'beta', 'moving_mean', 'moving_variance']
        .map((part) => [`${name}/${part}`, [units]]);
    case 'LayerNormalization':
      return ['gamma', 'beta'].map((part) => [`${name}/${part}`, [units]]);
    case 'ReLU':
      return [];
  }
}

function checkWeight(
  name: string,
  shape: readonly number[],
  shapes: ReadonlyMap<string, readonly number[]>,
  fail: (problem: string) => never,
): void {
  const found = shapes.get(name);
  if (found === undefined) fail(`weight ${name} is missing`);
  if (JSON.stringify(found) !== JSON.stringify(shape)) {
    fail(`weight ${name} has shape ${JSON.stringify(found)}, expected ${JSON.stringify(shape)}`);
  }
}

/**
 * Every weight is a finite float32, and batch normalization's moving variances are ≥ 0 (the
 * forward pass takes their square root): training writes nothing else. The scans are the typed
 * arrays' own `includes` (native loops: a fraction of a millisecond even on first use); only a
 * tensor that fails is searched for the value to name.
 */
function checkWeightValues(where: string, specs: readonly WeightSpec[], weights: ArrayBuffer) {
  let offset = 0;
  for (const spec of specs) {
    const size = sizeOf(spec.shape);
    const values = new Float32Array(weights, offset, size);
    const variance = spec.name.endsWith('/moving_variance');
    const finite = !values.includes(Number.NaN) && !values.includes(Infinity) &&
      !values.includes(-Infinity);
    if (!finite || (variance && values.some((value) => value < 0))) {
      const index = values.findIndex((value) => !Number.isFinite(value) || (variance && value < 0));
      throw new AutothreshError(
        'autothresh.model',
        `${where}: weight ${spec.name} holds ${values[index]} (value ${index + 1} of ${size}), ` +
          `expected ${variance ? 'a finite number ≥ 0' : 'a finite number'}`,
      );
    }
    offset += 4 * size;
  }
}

async function readText(directory: string, name: string): Promise<string> {
  return (await readBinary(directory, name)).toString('utf8');
}

/** A file of the folder; a folder that is missing or not one is named as such. */
async function readBinary(directory: string, name: string): Promise<Buffer> {
  const path = join(directory, name);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw await missingFile(directory, name);
    throw new AutothreshError(
      'autothresh.model', `${path}: cannot read (${fileSystemProblem(error)})`, { cause: error },
    );
  }
}

/** Why `directory/name` is not there: no such folder, not a folder, or no such file. */
async function missingFile(directory: string, name: string): Promise<AutothreshError> {
  const folder = await stat(directory).catch(() => null);
  const problem = folder === null
    ? 'no such folder'
    : folder.isDirectory()
      ? `not a model folder (no ${name}); train one with \`autothresh train\``
      : 'is a file, not a model folder';
  return new AutothreshError('autothresh.model', `${directory}: ${problem}`);
}
