/**
 * Training (and fine-tuning) the threshold model on labelled records.
 *
 * One epoch: the training records in an order drawn from the seeded generator, mini-batches,
 * Adam on the weighted loss of `loss.ts`, with the soft-threshold temperature annealed
 * geometrically from `temperature.start` to `temperature.end` bins over the epochs. After each
 * epoch the validation records are scored exactly (integer threshold, predicted polarity); the
 * weights of the best validation score are kept (the exact F-measure, or, when no validation
 * record has class histograms, the threshold error: `validationScore`), and training stops
 * after `patience` epochs without improvement. Same records, config, seed and backend →
 * bit-identical weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { LabelRecord } from '../label/schema.js';
import { createRandom, type Random } from '../util/random.js';
import { applyNetwork, buildNetwork } from './build.js';
import type { LossName, Normalization } from './config.js';
import { evaluatePredictions, validationScore, type ValidationMetrics } from './evaluate.js';
import {
  balanceDatasets, buildExamples, fingerprintRecords, type BaseMethod, type Examples,
} from './examples.js';
import {
  featureDefinition,
  fitNormalization,
  normalizeFeatures,
  type FeatureDefinition,
  type FeatureNormalization,
  type FeatureSetName,
} from './features.js';
import { decodeHeads, type ThresholdPrediction } from './heads.js';
import { totalLoss, type HeadWeights, type LossTargets } from './loss.js';
import {
  headsDescription,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelMetadata,
} from './metadata.js';
import { BIN_COUNT } from '../histogram/histogram.js';
import { OBJECTIVE_NAMES, type Objective } from '../label/objectives.js';

export interface TrainConfig {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hidden: number[];
  normalization: Normalization;
  dropout: number;
  loss: LossName;
  featureSet: FeatureSetName;
  baseMethod: BaseMethod;
  headWeights: HeadWeights;
  /** Soft-threshold temperature (bins) at the first and the last epoch. */
  temperature: { start: number; end: number };
  /** Epochs without a better validation score before stopping (0: never stop early). */
  patience: number;
  /** `dataset`: every dataset weighs the same in the loss; `none`: every record does. */
  balance: 'dataset' | 'none';
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  seed: 1,
  epochs: 60,
  batchSize: 64,
  learningRate: 1e-3,
  hidden: [128, 64],
  normalization: 'none',
  dropout: 0.3,
  loss: 'soft-score',
  featureSet: 'sqrt64-cdf64-stats-classical',
  baseMethod: 'li',
  headWeights: { threshold: 1, polarity: 0.3, quality: 0.3 },
  temperature: { start: 4, end: 0.5 },
  patience: 15,
  balance: 'dataset',
};

/** One epoch's figures, for the progress line. */
export interface EpochLog {
  epoch: number;
  epochs: number;
  loss: number;
  temperature: number;
  validation: ValidationMetrics | null;
  seconds: number;
}

/** A model being trained or fine-tuned, with what the metadata needs. */
export interface TrainedModel {
  model: tf.LayersModel;
  metadata: ModelMetadata;
  history: EpochLog[];
}

export interface TrainInput {
  train: readonly LabelRecord[];
  validation: readonly LabelRecord[];
  /** How the validation records were chosen (recorded in metadata). */
  validationDescription: string;
  /** Start from this model (fine-tuning): its architecture, features and normalization. */
  init?: { model: tf.LayersModel; metadata: ModelMetadata; name: string };
  toolVersion: string;
  onEpoch?: (log: EpochLog) => void;
}

/** Trains a model; see the module comment. */
export async function trainModel(config: TrainConfig, input: TrainInput): Promise<TrainedModel> {
  const init = input.init;
  const definition = init
    ? featureDefinition(init.metadata.features.name as FeatureSetName)
    : featureDefinition(config.featureSet);
  const baseMethod = init ? init.metadata.heads.threshold.baseMethod : config.baseMethod;
  const effective: TrainConfig = init
    ? {
      ...config,
      featureSet: definition.name,
      baseMethod,
      hidden: init.metadata.network.hidden,
      normalization: init.metadata.network.normalization,
    }
    : config;

  // Examples and feature standardization (a fine-tuned model keeps its parent's statistics).
  const train = buildExamples(input.train, definition, baseMethod);
  if (effective.balance === 'dataset') balanceDatasets(train, input.train);
  const normalization = init
    ? init.metadata.normalization
    : fitNormalization(train.features, definition.size);
  normalizeFeatures(train.features, normalization);
  const validation = buildExamples(input.validation, definition, baseMethod);
  normalizeFeatures(validation.features, normalization);

  const model = init?.model ?? buildNetwork({
    inputSize: definition.size,
    hidden: effective.hidden,
    normalization: effective.normalization,
    dropout: effective.dropout,
    seed: effective.seed,
  });
  const history = await fitModel(model, effective, train, validation, input);
  const best = bestEpoch(history);

  const metadata = describeModel(effective, input, definition, normalization, history, best);
  return { model, metadata, history };
}

async function fitModel(
  model: tf.LayersModel,
  config: TrainConfig,
  train: Examples,
  validation: Examples,
  input: TrainInput,
): Promise<EpochLog[]> {
  const random = createRandom(config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const objectives = recordObjectives(input.train);
  const history: EpochLog[] = [];
  let bestScore = -Infinity;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;

  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const started = performance.now();
    const temperature = annealedTemperature(config, epoch);
    const loss = runEpoch(
      model, optimizer, variables, config, train, { temperature, objectives }, random,
    );
    await tf.nextFrame();

    // Validation: exact scores of the integer thresholds and predicted polarities.
    const metrics = validation.count > 0
      ? evaluatePredictions(input.validation, predictExamples(model, validation, config.baseMethod))
      : null;
    const log: EpochLog = {
      epoch, epochs: config.epochs, loss, temperature, validation: metrics,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(log);
    input.onEpoch?.(log);

    // Early stopping on the validation score; keep the best weights.
    if (metrics === null) continue;
    if (validationScore(metrics) > bestScore) {
      bestScore = validationScore(metrics);
      bestWeights?.forEach((tensor) => tensor.dispose());
      bestWeights = model.getWeights().map((tensor) => tensor.clone());
      sinceBest = 0;
    } else if (config.patience > 0 && ++sinceBest >= config.patience) {
      break;
    }
  }
  optimizer.dispose();
  if (bestWeights !== null) {
    model.setWeights(bestWeights);
    bestWeights.forEach((tensor) => tensor.dispose());
  }
  return history;
}

export function annealedTemperature(config: TrainConfig, epoch: number): number {
  const { start, end } = config.temperature;
  const progress = config.epochs <= 1 ? 1 : (epoch - 1) / (config.epochs - 1);
  return start * (end / start) ** progress;
}

/** One pass over the shuffled training examples; returns the mean batch loss. */
function runEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  config: TrainConfig,
  train: Examples,
  { temperature, objectives }: { temperature: number; objectives: readonly Objective[] },
  random: Random,
): number {
  const order = random.shuffle(Array.from({ length: train.count }, (_, index) => index));
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < order.length; start += config.batchSize) {
    const rows = order.slice(start, start + config.batchSize);
    if (rows.length < 2 && config.normalization === 'batch') continue;
    const masks = dropoutMasks(model, config.dropout, rows.length, random);
    const cost = tf.tidy(() => {
      const batch = batchTensors(train, rows);
      return optimizer.minimize(() => {
        const heads = applyNetwork(model, batch.features, true, masks);
        return totalLoss(heads, batch.targets, {
          loss: config.loss,
          weights: config.headWeights,
          temperature,
          hasBase: config.baseMethod !== 'none',
          objectives,
        });
      }, true, variables) as tf.Scalar;
    });
    masks.forEach((mask) => mask.dispose());
    lossSum += cost.dataSync()[0];
    cost.dispose();
    batches++;
  }
  return batches > 0 ? lossSum / batches : 0;
}

/** Seeded inverted-dropout masks (entries 0 or 1 / (1 − rate)), one per hidden layer. */
function dropoutMasks(
  model: tf.LayersModel,
  rate: number,
  rows: number,
  random: Random,
): tf.Tensor2D[] {
  if (rate <= 0) return [];
  const keep = 1 / (1 - rate);
  return model.layers
    .filter((layer) => layer.name.startsWith('relu'))
    .map((layer) => {
      const width = (layer.outputShape as number[])[1];
      const values = new Float32Array(rows * width);
      for (let index = 0; index < values.length; index++) {
        values[index] = random.next() < rate ? 0 : keep;
      }
      return tf.tensor2d(values, [rows, width]);
    });
}

function batchTensors(
  examples: Examples,
  rows: readonly number[],
): { features: tf.Tensor2D; targets: LossTargets } {
  const gather = (source: Float32Array, width: number): Float32Array => {
    const out = new Float32Array(rows.length * width);
    rows.forEach((row, index) =>
      out.set(source.subarray(row * width, (row + 1) * width), index * width));
    return out;
  };
  const matrix = (source: Float32Array, width: number) =>
    tf.tensor2d(gather(source, width), [rows.length, width]);
  const vector = (source: Float32Array) => tf.tensor1d(gather(source, 1));
  return {
    features: matrix(examples.features, examples.featureSize),
    targets: {
      baseThreshold: vector(examples.baseThreshold),
      foreground: matrix(examples.foreground, BIN_COUNT),
      background: matrix(examples.background, BIN_COUNT),
      hasClasses: vector(examples.hasClasses),
      dark: vector(examples.dark),
      bestThreshold: vector(examples.bestThreshold),
      bestScore: vector(examples.bestScore),
      hasScore: vector(examples.hasScore),
      objective: matrix(examples.objective, OBJECTIVE_NAMES.length),
      weight: vector(examples.weight),
    },
  };
}

/** Predictions of a tfjs model on standardized examples (inference mode). */
export function predictExamples(
  model: tf.LayersModel,
  examples: Examples,
  baseMethod: BaseMethod,
): ThresholdPrediction[] {
  if (examples.count === 0) return [];
  const outputs = tf.tidy(() => {
    const input = tf.tensor2d(examples.features, [examples.count, examples.featureSize]);
    return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
  });
  return Array.from({ length: examples.count }, (_, index) =>
    decodeHeads(outputs, index * 3, baseMethod === 'none' ? null : examples.baseThreshold[index]));
}

/** The objectives the records are labelled with, in the order of OBJECTIVE_NAMES. */
function recordObjectives(records: readonly LabelRecord[]): Objective[] {
  const present = new Set(records.map((record) => record.objective ?? 'fmeasure'));
  return OBJECTIVE_NAMES.filter((objective) => present.has(objective));
}

function bestEpoch(history: readonly EpochLog[]): EpochLog | null {
  let best: EpochLog | null = null;
  for (const log of history) {
    if (log.validation === null) continue;
    if (best === null || validationScore(log.validation) > validationScore(best.validation!)) {
      best = log;
    }
  }
  return best;
}

function describeModel(
  config: TrainConfig,
  input: TrainInput,
  definition: FeatureDefinition,
  normalization: FeatureNormalization,
  history: readonly EpochLog[],
  best: EpochLog | null,
): ModelMetadata {
  const objectives = [...new Set(input.train.map((record) => record.objective ?? 'fmeasure'))];
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    features: definition,
    normalization,
    network: {
      hidden: config.hidden, normalization: config.normalization, dropout: config.dropout,
    },
    heads: headsDescription(config.baseMethod),
    seed: config.seed,
    training: {
      epochs: config.epochs,
      epochsRun: history.length,
      bestEpoch: best?.epoch ?? history.length,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      loss: config.loss,
      objectives: objectives.sort(),
      headWeights: config.headWeights,
      temperature: config.temperature,
      validation: input.validationDescription,
      patience: config.patience,
      balance: config.balance,
      init: input.init?.name ?? null,
      backend: tf.getBackend(),
    },
    data: {
      sha256: fingerprintRecords(input.train),
      records: input.train.length,
      datasets: [...new Set(input.train.map((record) => record.dataset))].sort(),
    },
    validation: best?.validation ?? null,
    versions: { autothresh: input.toolVersion, tfjs: tf.version.tfjs },
  };
}
