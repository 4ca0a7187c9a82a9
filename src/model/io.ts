/**
 * Model folders: `model.json` (the tfjs layers topology and weights manifest), `weights.bin`
 * (little-endian float32 weights) and `metadata.json` (see `metadata.ts`). Every file is written
 * atomically. tfjs's own `file://` handler needs the native tfjs-node binding, so saving goes
 * through a small custom save handler and loading through `tf.io.fromMemory`.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AutothreshError } from '../errors.js';
import { writeFilesAtomic } from '../util/atomic-write.js';
import {
  METADATA_FILE, MODEL_FILE, WEIGHTS_FILE, firstBadWeight, readModelFiles, type ModelFiles,
  type ModelJson, type WeightSpec,
} from './files.js';
import type { ModelMetadata } from './metadata.js';

/**
 * Writes the network and its metadata into `directory` (created if needed). A network whose
 * weights are not all finite (a training that diverged) is refused before anything is written:
 * loading would refuse it, and predicting with it would give NaN.
 */
export async function saveModel(
  model: tf.LayersModel,
  metadata: ModelMetadata,
  directory: string,
): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (artifacts?.weightData === undefined || artifacts.weightSpecs === undefined) {
    throw new AutothreshError('autothresh.write', `${directory}: the model produced no weights`);
  }
  const weightData = tf.io.concatenateArrayBuffers(
    Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
  );
  checkTrainedWeights(directory, artifacts.weightSpecs, weightData);
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
  };
  // The three files as one: an interrupted save leaves the old model or the new, never a mix.
  await writeFilesAtomic([
    { path: join(directory, WEIGHTS_FILE), data: new Uint8Array(weightData) },
    { path: join(directory, MODEL_FILE), data: `${JSON.stringify(modelJson)}\n` },
    { path: join(directory, METADATA_FILE), data: `${JSON.stringify(metadata, null, 2)}\n` },
  ]);
}

/** Refuses weights (all float32) that loading would refuse, naming the first such tensor. */
function checkTrainedWeights(
  directory: string,
  specs: readonly WeightSpec[],
  weightData: ArrayBuffer,
): void {
  const bad = firstBadWeight(specs, weightData);
  if (bad !== null) {
    throw new AutothreshError(
      'autothresh.model',
      `${directory}: training diverged: weight ${bad.spec.name} holds ${bad.value}; ` +
        'nothing was written',
    );
  }
}

/** Loads a model folder as a trainable tfjs model (for fine-tuning and tests). */
export async function loadTrainableModel(
  directory: string,
): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  return trainableModelOf(await readModelFiles(directory));
}

/**
 * A trainable tfjs model built from a model folder's files already read: each call gives a
 * model of its own (training one leaves `files` and the others as they were).
 */
export async function trainableModelOf(
  files: ModelFiles,
): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: files.modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: files.modelJson.weightsManifest[0].weights as tf.io.WeightsManifestEntry[],
    weightData: files.weights,
  }));
  return { model, metadata: files.metadata };
}

