/**
 * autothresh's training API, apart from the main entry point because it loads TensorFlow.js
 * and its declarations refer to TensorFlow.js types (a consumer type-checking with
 * `skipLibCheck: false` would check all of them). See `autothresh train` for the CLI.
 *
 * Train with {@link trainModel} on labelled records (`readLabelRecords` of the main entry),
 * write the result with {@link saveModel}, and predict with the model it returns or with
 * `loadModel(folder)` of the main entry later.
 */
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AutothreshError } from './errors.js';
import { loadTensorflow, type BackendName } from './model/backend.js';
import { DEFAULT_MODEL_DIRECTORY, loadModel, type ThresholdModel } from './model/index.js';
import { loadTrainableModel as readTrainable, saveModel as writeModelFolder } from './model/io.js';
import {
  trainModel as trainOnBackend,
  type TrainConfig,
  type TrainedModel,
  type TrainInput as ModelTrainInput,
} from './model/train.js';
import { packageVersion } from './util/package-info.js';

export { BACKEND_NAMES, loadTensorflow, type BackendName } from './model/backend.js';
export { FINE_TUNE_CONFIG } from './model/recipes.js';
export {
  DEFAULT_TRAIN_CONFIG, type EpochLog, type TrainConfig, type TrainedModel,
} from './model/train.js';
export { splitBySource } from './model/workflow.js';

/** What {@link trainModel} trains on, besides its configuration. */
export interface TrainInput extends Omit<ModelTrainInput, 'toolVersion'> {
  /**
   * TensorFlow.js backend to train on, started before training as `autothresh train --backend`
   * does: `auto` (the default: tfjs-node, else WebAssembly, else plain JavaScript), `tensorflow`,
   * `wasm` or `cpu`. One that cannot start here is an `autothresh.invalidParameter` error. The
   * metadata records the backend TensorFlow.js then runs on.
   */
  backend?: BackendName;
  /** Version recorded in the metadata (default: this package's). */
  toolVersion?: string;
}

/**
 * Trains a model on labelled records (or fine-tunes `input.init`); see `autothresh train`. The
 * result holds the TensorFlow.js model (free it with `result.model.dispose()` when done), its
 * metadata and the epochs' figures; {@link saveModel} writes it as a model folder.
 */
export async function trainModel(config: TrainConfig, input: TrainInput): Promise<TrainedModel> {
  const { backend, ...rest } = input;
  await loadTensorflow(backend ?? 'auto');
  return trainOnBackend(config, { ...rest, toolVersion: input.toolVersion ?? packageVersion() });
}

/**
 * Reads a model folder (`default`: the shipped model) as a TensorFlow.js model to fine-tune:
 * pass the result as `init` to {@link trainModel}, which keeps its architecture, features and
 * standardization (with `FINE_TUNE_CONFIG`, the recipe of `autothresh train --init`). Starts
 * `backend` first, as {@link trainModel} does. Each call gives a model of its own.
 */
export async function loadTrainableModel(
  directory = 'default',
  backend: BackendName = 'auto',
): Promise<NonNullable<TrainInput['init']>> {
  await loadTensorflow(backend);
  const folder = directory === 'default' ? DEFAULT_MODEL_DIRECTORY : directory;
  const { model, metadata } = await readTrainable(folder);
  return { model, metadata, name: directory };
}

/**
 * Writes a trained model into `directory` (created when missing) as a model folder:
 * `model.json`, `weights.bin` and `metadata.json`, replaced together (an interrupted save leaves
 * the old model or the new, never a mix; other files are left alone). Returns the saved folder
 * loaded for prediction, as `loadModel(directory)` gives it. The shipped model's folder is
 * refused (`autothresh.invalidParameter`).
 */
export async function saveModel(
  trained: Pick<TrainedModel, 'model' | 'metadata'>,
  directory: string,
): Promise<ThresholdModel> {
  await refuseShippedModel(directory);
  await writeModelFolder(trained.model, trained.metadata, directory);
  // `loadModel('default')` means the shipped model, not a folder of that name.
  return loadModel(directory === 'default' ? resolve(directory) : directory);
}

/** Refuses the shipped model's folder (or a link to it) as a place to save a model. */
async function refuseShippedModel(directory: string): Promise<void> {
  const [target, shipped] = await Promise.all([
    realpath(directory).catch(() => null),
    realpath(DEFAULT_MODEL_DIRECTORY).catch(() => DEFAULT_MODEL_DIRECTORY),
  ]);
  if (target !== shipped) return;
  throw new AutothreshError(
    'autothresh.invalidParameter',
    `saveModel: ${directory} is the shipped model's folder; save the model to another folder`,
  );
}
