/**
 * Reading a model folder's files without TensorFlow.js: `model.json` (layers topology and
 * weights manifest), `weights.bin` (little-endian float32) and `metadata.json`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';
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
 * manifest that is not one float32 file, or a weights file of the wrong size.
 */
export async function readModelFiles(directory: string): Promise<ModelFiles> {
  const modelJson = parseJson(directory, MODEL_FILE, await readText(directory, MODEL_FILE));
  const metadata = checkMetadata(
    parseJson(directory, METADATA_FILE, await readText(directory, METADATA_FILE)),
    join(directory, METADATA_FILE),
  );
  const specs = weightSpecsOf(directory, modelJson);
  const buffer = await readBinary(directory, WEIGHTS_FILE);
  const expected = 4 * specs.reduce(
    (sum, spec) => sum + spec.shape.reduce((product, size) => product * size, 1), 0,
  );
  if (buffer.byteLength !== expected) {
    throw new AutothreshError(
      'autothresh.model',
      `${join(directory, WEIGHTS_FILE)}: expected ${expected} bytes (the weights listed in ` +
        `${MODEL_FILE}), found ${buffer.byteLength}`,
    );
  }
  const weights = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  return { modelJson: modelJson as ModelJson, weights: weights as ArrayBuffer, metadata };
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
  if (!valid || typeof (modelJson as Partial<ModelJson>).modelTopology !== 'object') {
    throw new AutothreshError(
      'autothresh.model',
      `${join(directory, MODEL_FILE)}: expected a layers model with one weights file of ` +
        'float32 tensors (as `autothresh train` writes)',
    );
  }
  return specs as WeightSpec[];
}

async function readText(directory: string, name: string): Promise<string> {
  return (await readBinary(directory, name)).toString('utf8');
}

async function readBinary(directory: string, name: string): Promise<Buffer> {
  const path = join(directory, name);
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AutothreshError(
        'autothresh.model', `${directory}: not a model folder (no ${name}); train one with ` +
          '`autothresh train`',
      );
    }
    throw new AutothreshError('autothresh.model', `${path}: cannot read (${errorMessage(error)})`);
  }
}
