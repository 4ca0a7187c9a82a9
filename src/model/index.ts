/**
 * The learned threshold model, for prediction: load a model folder, predict thresholds.
 *
 * Prediction runs a plain-JavaScript forward pass over the saved weights (see `forward.ts`), so
 * this module never imports TensorFlow.js: `autothresh predict` starts fast. Training lives in
 * `train.ts` (and needs tfjs).
 */
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutothreshError } from '../errors.js';
import {
  BIN_COUNT, countsArray, createHistogram, EIGHT_BIT_RANGE, type Histogram,
} from '../histogram/histogram.js';
import { METADATA_FILE, MODEL_FILE, readModelFiles, WEIGHTS_FILE } from './files.js';
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

/** A loaded (or loading) model folder and the stamp of its files when it was read. */
interface CacheEntry {
  readonly stamp: string;
  readonly loading: Promise<ThresholdModel>;
}

const cache = new Map<string, CacheEntry>();

/**
 * Loads a model folder (default: the shipped model). Throws `autothresh.model` naming the file
 * and what is wrong when the folder is missing or incomplete, its metadata does not match this
 * version (naming the field) or holds a std below training's floor, its layers are not the
 * network the metadata describes, or a weight is not finite.
 *
 * Loaded models are cached per folder, for as long as the folder holds the same files: each call
 * compares the folder's real path and the inode, size, modification and change times of its
 * three files (a few microseconds) with those of the cached model, and reads the folder again
 * when any differs, e.g. after `autothresh train --force` or `saveModel` replaced the model.
 */
export async function loadModel(
  directory: string = DEFAULT_MODEL_DIRECTORY,
): Promise<ThresholdModel> {
  const resolved = directory === 'default' ? DEFAULT_MODEL_DIRECTORY : directory;
  const stamp = await folderStamp(resolved);
  // An unreadable folder is not cached: reading it gives the error that names the problem.
  if (stamp === null) return readModel(resolved);
  const cached = cache.get(resolved);
  if (cached?.stamp === stamp) return cached.loading;
  const loading = readModel(resolved);
  cache.set(resolved, { stamp, loading });
  loading.catch(() => {
    if (cache.get(resolved)?.loading === loading) cache.delete(resolved);
  });
  return loading;
}

/**
 * What identifies the contents of a model folder without reading them: its real path, and for
 * each of its three files the inode, size and modification and change times (nanoseconds). A
 * file replaced by a rename has a new inode; one rewritten in place, a new change time. Null
 * when the folder or a file cannot be examined.
 */
async function folderStamp(directory: string): Promise<string | null> {
  try {
    const [real, ...files] = await Promise.all([
      realpath(directory),
      ...[MODEL_FILE, WEIGHTS_FILE, METADATA_FILE].map((name) =>
        stat(join(directory, name), { bigint: true })),
    ]);
    const parts = files.map((file) =>
      `${file.dev}:${file.ino}:${file.size}:${file.mtimeNs}:${file.ctimeNs}`);
    return [real, ...parts].join('\u0000');
  } catch {
    return null;
  }
}

/** Reads a checked model folder (see `readModelFiles`) into forward-pass layers. */
async function readModel(directory: string): Promise<ThresholdModel> {
  const files = await readModelFiles(directory);
  const features = featureDefinition(files.metadata.features.name as FeatureSetName);
  const layers = forwardLayers(files, directory);
  return { directory, metadata: files.metadata, features, layers };
}

/**
 * Threshold, polarity and quality of one histogram, by `model` (from {@link loadModel}: the
 * model always comes first; there is no default model here, since loading one is asynchronous).
 *
 * `histogram` is normally made by `createHistogram` or `histogramOf`; a plain object of the same
 * shape is accepted once checked: `counts` must be 256 finite numbers ≥ 0 and `total` their sum
 * (`autothresh.invalidHistogram` otherwise). An empty histogram is `autothresh.emptyHistogram`.
 */
export function predictThreshold(model: ThresholdModel, histogram: Histogram): ThresholdPrediction {
  checkModel(model, 'predictThreshold');
  return predictChecked(model, [checkedHistogram(histogram, 'histogram')])[0];
}

/**
 * Batch variant of {@link predictThreshold} (one forward pass for all histograms), with the same
 * checks of each histogram; a message names the failing one as `histograms[i]`.
 */
export function predictThresholds(
  model: ThresholdModel,
  histograms: readonly Histogram[],
): ThresholdPrediction[] {
  checkModel(model, 'predictThresholds');
  if (!Array.isArray(histograms)) {
    throw new AutothreshError(
      'autothresh.invalidHistogram',
      `histograms: expected an array of histograms, received ${describeValue(histograms)}`,
    );
  }
  return predictChecked(model, histograms.map((histogram, index) =>
    checkedHistogram(histogram, `histograms[${index}]`)));
}

/**
 * Refuses a `model` argument that is not a loaded model, saying so when it is a histogram (a
 * call that left out the model, as in `predictThreshold(histogram)`).
 */
function checkModel(model: unknown, name: string): void {
  const candidate = model as Partial<ThresholdModel> | null | undefined;
  if (Array.isArray(candidate?.layers) && typeof candidate?.metadata === 'object') return;
  const received = typeof (model as Partial<Histogram> | null)?.counts === 'object'
    ? `a histogram (call ${name}(await loadModel(), …))`
    : describeValue(model);
  throw new AutothreshError(
    'autothresh.invalidParameter',
    `${name}: expected a model from loadModel() as the first argument, received ${received}`,
  );
}

/**
 * `histogram` when it is a usable histogram (refused with the wording of `createHistogram`
 * otherwise): 256 counts, each a finite number ≥ 0, whose sum is `total` (within 1e-9 of it,
 * relatively: a plain object's total may have been summed in another order) and at most
 * 2^53 - 1. A histogram that could still change (not frozen, as plain objects are) is copied
 * into a frozen one, since the methods keep a copy of each histogram's counts.
 */
function checkedHistogram(histogram: Histogram, name: string): Histogram {
  checkCounts(histogram, name);
  const frozen = Object.isFrozen(histogram) && Object.isFrozen(histogram.counts);
  return frozen ? histogram : createHistogram(histogram.counts, histogram.range ?? EIGHT_BIT_RANGE);
}

/** Refuses anything but 256 finite counts ≥ 0 whose sum is the histogram's total. */
function checkCounts(histogram: Histogram, name: string): void {
  if (histogram === null || typeof histogram !== 'object' || Array.isArray(histogram)) {
    throw invalidHistogram(name, 'expected a histogram (from createHistogram or histogramOf), ' +
      `received ${describeValue(histogram)}`);
  }
  const counts = histogram.counts as Partial<Histogram['counts']> | null | undefined;
  if (counts === null || typeof counts !== 'object' || counts.length !== BIN_COUNT) {
    const found = typeof counts?.length === 'number'
      ? String(counts.length)
      : `counts ${describeValue(counts)}`;
    throw invalidHistogram(name, `expected ${BIN_COUNT} counts, received ${found}`);
  }
  let sum = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    const count = counts[bin];
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw invalidHistogram(
        name, `count of bin ${bin} must be a finite number ≥ 0, received ${describeValue(count)}`,
      );
    }
    sum += count;
  }
  checkTotal(name, histogram.total, sum);
}

/** Refuses a total that is not the sum of the counts, or too large for exact sums. */
function checkTotal(name: string, total: unknown, sum: number): void {
  if (sum > Number.MAX_SAFE_INTEGER) {
    throw invalidHistogram(name, `total count must be at most 2^53 - 1, received ${sum}`);
  }
  if (typeof total !== 'number' || !(Math.abs(total - sum) <= sum * 1e-9)) {
    throw invalidHistogram(
      name, `total must be the sum of the counts (${sum}), received ${describeValue(total)}`,
    );
  }
}

function invalidHistogram(name: string, detail: string): AutothreshError {
  return new AutothreshError('autothresh.invalidHistogram', `${name}: ${detail}`);
}

/** A short description of a value for an error message. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Predictions for histograms already checked. */
function predictChecked(
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
