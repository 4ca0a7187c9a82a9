/**
 * Reading a model folder's files without TensorFlow.js: `model.json` (layers topology and
 * weights manifest), `weights.bin` (little-endian float32) and `metadata.json`.
 *
 * A folder is checked as a whole before use: the metadata against this code, the layers of
 * `model.json` against the network the metadata describes, the weights manifest against what
 * tfjs saves for those layers, and every weight for being finite. Two loaders read the folder
 * (the plain-JS pass of `forward.ts` and tfjs in `io.ts`), so whatever tfjs would honour and
 * the plain-JS pass would not (quantized weights, a capped ReLU, ...) is refused. The checks
 * cost microseconds (the shipped model has about 30 000 weights).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';
import { fileSystemProblem } from '../util/file-errors.js';
import { FLOAT32_MAX, checkMetadata, type ModelMetadata } from './metadata.js';

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
 * manifest that is not one file of float32 tensors in the order tfjs saves them, layers that are
 * not the network the metadata describes (or options training never writes), a weights file of
 * the wrong size, a weight that is not a finite number.
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

/** The fields of a weight entry that autothresh writes (tfjs's manifests may hold others). */
const WEIGHT_ENTRY_FIELDS = ['name', 'shape', 'dtype'];

/** The one weights file, as `saveModel` lists it. */
const WEIGHTS_PATHS = [`./${WEIGHTS_FILE}`];

/**
 * The weight list of `model.json`: one manifest group, reading `weights.bin`, of float32
 * tensors with integer shapes and no other field. Both loaders read the manifest (the plain-JS
 * pass in `forward.ts`, tfjs in `io.ts`), and tfjs honours fields the plain-JS pass ignores (a
 * `quantization`, other dtypes, other paths): anything autothresh never writes is refused, so
 * that the two always read the same numbers.
 */
function weightSpecsOf(directory: string, modelJson: unknown): WeightSpec[] {
  const json = modelJson as Partial<ModelJson> | null;
  const manifest = json?.weightsManifest;
  const topology = json?.modelTopology;
  const group = Array.isArray(manifest) ? manifest[0] as unknown : null;
  const specs = (group as { weights?: unknown } | null)?.weights;
  if (!Array.isArray(specs) || typeof topology !== 'object' || topology === null) {
    throw new AutothreshError(
      'autothresh.model',
      `${join(directory, MODEL_FILE)}: expected a layers model with one weights file of ` +
        'float32 tensors (as `autothresh train` writes)',
    );
  }
  const fail = (problem: string): never => {
    throw new AutothreshError('autothresh.model', `${join(directory, MODEL_FILE)}: ${problem}`);
  };
  checkManifestGroup(manifest as unknown[], group as Record<string, unknown>, fail);
  specs.forEach((spec: unknown, index) => checkWeightEntry(spec, index, fail));
  return specs as WeightSpec[];
}

/** One group, with only `paths` (the weights file) and `weights`. */
function checkManifestGroup(
  manifest: readonly unknown[],
  group: Record<string, unknown>,
  fail: (problem: string) => never,
): void {
  if (manifest.length !== 1) {
    fail(`weightsManifest has ${manifest.length} groups, expected one (autothresh writes ` +
      `every weight to ${WEIGHTS_FILE})`);
  }
  const extra = Object.keys(group).find((key) => key !== 'paths' && key !== 'weights');
  if (extra !== undefined) {
    fail(`weightsManifest has field "${extra}", which autothresh never writes`);
  }
  if (JSON.stringify(group.paths) !== JSON.stringify(WEIGHTS_PATHS)) {
    fail(`weightsManifest lists paths ${JSON.stringify(group.paths)}, expected ` +
      `${JSON.stringify(WEIGHTS_PATHS)} (the weights are read from ${WEIGHTS_FILE} only)`);
  }
}

/** A named float32 tensor with integer sizes: no quantization, no field of its own. */
function checkWeightEntry(spec: unknown, index: number, fail: (problem: string) => never): void {
  const entry = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const name = entry.name;
  if (typeof name !== 'string') {
    fail(`entry ${index + 1} of weightsManifest has no name, expected a named tensor`);
  }
  if ('quantization' in entry) fail(`weight ${name} is quantized, which autothresh never writes`);
  const extra = Object.keys(entry).find((key) => !WEIGHT_ENTRY_FIELDS.includes(key));
  if (extra !== undefined) {
    fail(`weight ${name} has field "${extra}", which autothresh never writes`);
  }
  if (entry.dtype !== 'float32') {
    fail(`weight ${name} has dtype ${JSON.stringify(entry.dtype)}, expected "float32"`);
  }
  const shape = entry.shape;
  const sizes = Array.isArray(shape) &&
    shape.every((size: unknown) => Number.isInteger(size) && (size as number) >= 0);
  if (!sizes) {
    fail(`weight ${name} has shape ${JSON.stringify(shape)}, expected a list of sizes`);
  }
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
 * kinds in the same order, with the options training writes, the widths of `network.hidden`
 * and `heads.names`, `features.size` inputs, and each layer's weights listed once, with the
 * shapes it needs, in the order tfjs saves them (and no other weights).
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
  const used: string[] = [];
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
    checkLayerOptions(found, fail);
    if (wanted.className === 'Dense') {
      checkDense(found, wanted, shapes, index === 0 ? inputs : null, fail);
    }
    for (const [name, shape] of weightsOf(found, wanted, inputs)) {
      checkWeight(name, shape, shapes, fail);
      used.push(name);
    }
    inputs = wanted.units;
  }
  const extra = specs.find((spec) => !used.includes(spec.name));
  if (extra !== undefined) fail(`weight ${extra.name} belongs to no layer`);
  checkManifestOrder(used, specs, fail);
}

/** Batch normalization's statistics: the weights tfjs does not train, saved after the others. */
function isMovingStatistic(name: string): boolean {
  return name.endsWith('/moving_mean') || name.endsWith('/moving_variance');
}

/**
 * The manifest lists each weight once, in the order tfjs saves them (`model.weights`): the
 * trainable weights layer by layer (kernel before bias, gamma before beta), then the moving
 * statistics layer by layer. The bytes of `weights.bin` follow the manifest, so two entries
 * swapped (the same shape or not) would give each tensor the other's values.
 */
function checkManifestOrder(
  names: readonly string[],
  specs: readonly WeightSpec[],
  fail: (problem: string) => never,
): void {
  const twice = specs.find((spec, index) =>
    specs.findIndex((other) => other.name === spec.name) < index);
  if (twice !== undefined) fail(`weight ${twice.name} is listed twice in weightsManifest`);
  const order = [
    ...names.filter((name) => !isMovingStatistic(name)), ...names.filter(isMovingStatistic),
  ];
  const index = specs.findIndex((spec, at) => spec.name !== order[at]);
  if (index >= 0) {
    fail(`weight ${specs[index].name} is listed where ${order[index]} belongs (entry ` +
      `${index + 1} of weightsManifest), expected the order TensorFlow.js saves`);
  }
}

/**
 * The `modelTopology.config.layers` list of a sequential model, each layer with a class and a
 * name of its own. tfjs would read a `model_config` in place of the topology, and would wire a
 * functional model's layers by their inbound nodes, not in the order listed.
 */
function topologyLayers(modelJson: ModelJson, fail: (problem: string) => never): TopologyLayer[] {
  const topology = modelJson.modelTopology as {
    class_name?: unknown; config?: { layers?: unknown }; model_config?: unknown;
  };
  if (topology.class_name !== 'Sequential' || topology.model_config !== undefined) {
    fail(`modelTopology is ${JSON.stringify(topology.class_name)}` +
      `${topology.model_config === undefined ? '' : ' with a model_config'}, expected a ` +
      '"Sequential" model (as `autothresh train` writes)');
  }
  const layers = topology.config?.layers;
  const valid = Array.isArray(layers) && layers.every((layer) =>
    typeof layer?.class_name === 'string' && typeof layer.config?.name === 'string');
  if (!valid) fail('expected modelTopology.config.layers, a list of named layers');
  const names = (layers as TopologyLayer[]).map((layer) => layer.config.name);
  const twice = names.find((name, index) => names.indexOf(name) < index);
  if (twice !== undefined) fail(`two layers are named ${twice}, expected names of their own`);
  return layers as TopologyLayer[];
}

/**
 * A layer option tfjs honours but the plain-JS pass does not read, with the values training
 * writes (as JSON; `absent`: the field left out, which tfjs reads as its default, the same).
 */
const FIXED_OPTIONS: Record<string, Record<string, readonly string[]>> = {
  all: { trainable: ['true', 'absent'], dtype: ['"float32"', 'absent'] },
  Dense: { use_bias: ['true', 'false', 'absent'] },
  ReLU: { max_value: ['null', 'absent'] },
  BatchNormalization: {
    axis: ['-1', 'absent'], center: ['true', 'absent'], scale: ['true', 'absent'],
  },
  LayerNormalization: {
    axis: ['[1]', '[-1]', '-1', 'absent'], center: ['true', 'absent'], scale: ['true', 'absent'],
  },
};

/**
 * The options that would make tfjs (fine-tuning) and the plain-JS pass (prediction) compute
 * different things hold the values training writes: a ReLU without a cap, normalizations over
 * the last axis with both gamma and beta, trainable float32 layers, and an epsilon (which both
 * read) that is a positive 32-bit float.
 */
function checkLayerOptions(layer: TopologyLayer, fail: (problem: string) => never): void {
  const config = layer.config as Record<string, unknown>;
  const fixed = { ...FIXED_OPTIONS.all, ...FIXED_OPTIONS[layer.class_name] };
  for (const [option, allowed] of Object.entries(fixed)) {
    const found = JSON.stringify(config[option]) ?? 'absent';
    if (!allowed.includes(found)) {
      fail(`layer ${config.name} has ${option} ${found}, which autothresh never writes ` +
        `(expected ${allowed.filter((value) => value !== 'absent').join(' or ')})`);
    }
  }
  const epsilon = config.epsilon;
  const positive = typeof epsilon === 'number' && epsilon > 0 && epsilon <= FLOAT32_MAX;
  if (epsilon !== undefined && !positive) {
    fail(`layer ${config.name} has epsilon ${JSON.stringify(epsilon)}, expected a positive ` +
      '32-bit float');
  }
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

/** A weight value training never writes: where it is and what it is. */
export interface BadWeight {
  spec: WeightSpec;
  /** Its position in the tensor, from 0. */
  index: number;
  value: number;
  /** True for a batch normalization's moving variance (which must also be ≥ 0). */
  variance: boolean;
}

/**
 * The first weight that is not a finite float32, or a negative batch-normalization moving
 * variance (the forward pass takes its square root); null when there is none, as training
 * writes. The scans are the typed arrays' own `includes` (native loops: a fraction of a
 * millisecond even on first use); only a tensor that fails is searched for the value to name.
 */
export function firstBadWeight(
  specs: readonly WeightSpec[],
  weights: ArrayBuffer,
): BadWeight | null {
  let offset = 0;
  for (const spec of specs) {
    const size = sizeOf(spec.shape);
    const values = new Float32Array(weights, offset, size);
    const variance = spec.name.endsWith('/moving_variance');
    const finite = !values.includes(Number.NaN) && !values.includes(Infinity) &&
      !values.includes(-Infinity);
    if (!finite || (variance && values.some((value) => value < 0))) {
      const index = values.findIndex((value) => !Number.isFinite(value) || (variance && value < 0));
      return { spec, index, value: values[index], variance };
    }
    offset += 4 * size;
  }
  return null;
}

/** Every weight is one training can write (see {@link firstBadWeight}). */
function checkWeightValues(where: string, specs: readonly WeightSpec[], weights: ArrayBuffer) {
  const bad = firstBadWeight(specs, weights);
  if (bad === null) return;
  const { spec, index, value, variance } = bad;
  throw new AutothreshError(
    'autothresh.model',
    `${where}: weight ${spec.name} holds ${value} (value ${index + 1} of ` +
      `${sizeOf(spec.shape)}), expected ${variance ? 'a finite number ≥ 0' : 'a finite number'}`,
  );
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
