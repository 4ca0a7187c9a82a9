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

export async function readModelFiles(directory: string): Promise<ModelFiles> {
  const modelJson = JSON.parse(await readText(directory, MODEL_FILE)) as ModelJson;
  const metadata = checkMetadata(JSON.parse(await readText(directory, METADATA_FILE)), directory);
  const buffer = await readBinary(directory, WEIGHTS_FILE);
  const weights = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  if (!Array.isArray(modelJson.weightsManifest) || modelJson.weightsManifest.length !== 1) {
    throw new AutothreshError(
      'autothresh.model', `${directory}: ${MODEL_FILE} must list one weights file`,
    );
  }
  return { modelJson, weights: weights as ArrayBuffer, metadata };
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
