/**
 * The learned threshold model, for prediction: load a model folder, predict thresholds.
 *
 * Prediction runs a plain-JavaScript forward pass over the saved weights (see `forward.ts`), so
 * this module never imports TensorFlow.js: `autothresh predict` starts fast. Training lives in
 * `train.ts` (and needs tfjs).
 */
import { fileURLToPath } from 'node:url';
import { AutothreshError } from '../errors.js';
import { countsArray, type Histogram } from '../histogram/histogram.js';
import { readModelFiles } from './files.js';
import { forwardLayers, runForward, type ForwardLayer } from './forward.js';
import { baseThresholdOf } from './examples.js';
import {
  classicalThresholds,
  computeFeatures,
  featureDefinition,
  meanBin,
  normalizeFeatures,
  type FeatureDefinition,
  type FeatureSetName,
} from './features.js';
import { decodeHeads, type ThresholdPrediction } from './heads.js';
import type { ModelMetadata } from './metadata.js';

export type { ThresholdPrediction } from './heads.js';
export type { ModelMetadata } from './metadata.js';

/** A model ready for prediction. */
export interface ThresholdModel {
  /** Folder the model was read from. */
  readonly directory: string;
  readonly metadata: ModelMetadata;
  readonly features: FeatureDefinition;
  readonly layers: readonly ForwardLayer[];
}

/** The shipped model's folder: `models/default` in the package root. */
export const DEFAULT_MODEL_DIRECTORY = fileURLToPath(
  new URL('../../models/default', import.meta.url),
);

const cache = new Map<string, Promise<ThresholdModel>>();

/**
 * Loads a model folder (default: the shipped model). Throws `autothresh.model` naming the file
 * and what is wrong when the folder is missing or incomplete, its metadata does not match this
 * version (naming the field) or holds a std below training's floor, its layers are not the
 * network the metadata describes, or a weight is not finite. Loaded models are cached per folder.
 */
export function loadModel(directory: string = DEFAULT_MODEL_DIRECTORY): Promise<ThresholdModel> {
  const resolved = directory === 'default' ? DEFAULT_MODEL_DIRECTORY : directory;
  let loading = cache.get(resolved);
  if (loading === undefined) {
    loading = readModel(resolved);
    loading.catch(() => cache.delete(resolved));
    cache.set(resolved, loading);
  }
  return loading;
}

/** Reads a checked model folder (see `readModelFiles`) into forward-pass layers. */
async function readModel(directory: string): Promise<ThresholdModel> {
  const files = await readModelFiles(directory);
  const features = featureDefinition(files.metadata.features.name as FeatureSetName);
  const layers = forwardLayers(files, directory);
  return { directory, metadata: files.metadata, features, layers };
}

/** Threshold, polarity and quality of one histogram. */
export function predictThreshold(model: ThresholdModel, histogram: Histogram): ThresholdPrediction {
  return predictThresholds(model, [histogram])[0];
}

/** Batch variant of {@link predictThreshold} (one forward pass for all histograms). */
export function predictThresholds(
  model: ThresholdModel,
  histograms: readonly Histogram[],
): ThresholdPrediction[] {
  const { features: definition, metadata } = model;
  const baseMethod = metadata.heads.threshold.baseMethod;
  const needsClassical = baseMethod !== 'none' || definition.blocks.includes('classical');
  const input = new Float32Array(histograms.length * definition.size);
  const bases = histograms.map((histogram, index) => {
    if (!(histogram.total > 0)) {
      throw new AutothreshError(
        'autothresh.emptyHistogram',
        'learned: expected a histogram with at least one pixel, found all 256 counts 0',
      );
    }
    const classical = needsClassical
      ? classicalThresholds(histogram, Math.floor(meanBin(histogram)))
      : null;
    computeFeatures(histogram, definition, classical ?? undefined, input, index * definition.size);
    return baseMethod === 'none' ? null : baseThresholdOf(classical, baseMethod);
  });
  normalizeFeatures(input, metadata.normalization);
  const outputs = runForward(model.layers, input, histograms.length);
  return bases.map((base, index) => {
    const prediction = decodeHeads(outputs, index * 3, base);
    const single = singleOccupiedBin(histograms[index]);
    return single === null ? prediction : constantImagePrediction(prediction, single);
  });
}

/** The one occupied bin of a constant image's histogram, or null. */
function singleOccupiedBin(histogram: Histogram): number | null {
  const counts = countsArray(histogram);
  let found: number | null = null;
  for (let bin = 0; bin < counts.length; bin++) {
    if (counts[bin] <= 0) continue;
    if (found !== null) return null;
    found = bin;
  }
  return found;
}

/**
 * A constant image follows the policy of every method: the threshold is its one value. No
 * threshold separates anything there, so the expected quality is 0, and nothing tells the
 * foreground's side: the polarity head's side is kept (it decides the mask), with a confidence
 * of one half.
 */
function constantImagePrediction(
  prediction: ThresholdPrediction,
  bin: number,
): ThresholdPrediction {
  return {
    ...prediction, threshold: bin, rawThreshold: bin, quality: 0, polarityConfidence: 0.5,
    darkProbability: 0.5,
  };
}
