/**
 * The network: a pure builder from a configuration object, and the forward pass used in
 * training (with seeded dropout).
 *
 * Layout: input (standardized features, see `features.ts`) → for each hidden width w:
 * dense(w) → normalization (none | batch | layer) → ReLU → dropout (training only) →
 * … →
 * dense(3) = the raw heads, in the order of {@link HEAD_NAMES}:
 * - `threshold`: a correction, in units of {@link THRESHOLD_SCALE} bins, added to the base
 *   classical threshold (or to bin 127.5 when there is no base method), see `heads.ts`;
 * - `polarity`: the logit of the probability that the foreground is dark;
 * - `quality`: the logit of the F-measure the best global threshold reaches on the image.
 *
 * Dropout is not a layer of the saved model: tfjs's seeded dropout draws the same mask at every
 * step, so training multiplies by masks drawn from our own seeded generator instead.
 */
import * as tf from '@tensorflow/tfjs';
import { AutothreshError } from '../errors.js';
import { HEAD_NAMES, NORMALIZATIONS, type Normalization } from './config.js';


export interface NetworkConfig {
  /** Number of input features. */
  inputSize: number;
  /** Widths of the hidden layers, input side first; default [128, 64]. */
  hidden: number[];
  normalization: Normalization;
  /** Dropout rate after each hidden layer, in [0, 1). */
  dropout: number;
  /** Seed of the weight initializers. */
  seed: number;
}


/** Builds an untrained network. Same config (and backend) → same initial weights. */
export function buildNetwork(config: NetworkConfig): tf.LayersModel {
  checkConfig(config);
  const model = tf.sequential({ name: 'autothresh' });
  config.hidden.forEach((width, index) => {
    model.add(tf.layers.dense({
      name: `hidden${index}`,
      units: width,
      inputShape: index === 0 ? [config.inputSize] : undefined,
      useBias: config.normalization !== 'batch',
      kernelInitializer: tf.initializers.heNormal({ seed: config.seed * 101 + index }),
      biasInitializer: 'zeros',
    }));
    if (config.normalization === 'batch') {
      model.add(tf.layers.batchNormalization({ name: `norm${index}`, momentum: 0.9 }));
    }
    if (config.normalization === 'layer') {
      model.add(tf.layers.layerNormalization({ name: `norm${index}` }));
    }
    model.add(tf.layers.reLU({ name: `relu${index}` }));
  });
  model.add(tf.layers.dense({
    name: 'heads',
    units: HEAD_NAMES.length,
    inputShape: config.hidden.length === 0 ? [config.inputSize] : undefined,
    kernelInitializer: tf.initializers.randomNormal({ stddev: 0.01, seed: config.seed * 101 + 99 }),
    biasInitializer: 'zeros',
  }));
  return model;
}

function checkConfig(config: NetworkConfig): void {
  const problems: string[] = [];
  if (!Number.isInteger(config.inputSize) || config.inputSize < 1) problems.push('inputSize ≥ 1');
  if (config.hidden.some((width) => !Number.isInteger(width) || width < 1)) {
    problems.push('hidden widths integers ≥ 1');
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) problems.push('dropout in [0, 1)');
  if (!NORMALIZATIONS.includes(config.normalization)) {
    problems.push(`normalization one of ${NORMALIZATIONS.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `network config: expected ${problems.join('; ')}, received ${JSON.stringify(config)}`,
    );
  }
}

/**
 * Forward pass. In training mode batch normalization uses (and updates) batch statistics and
 * each hidden activation is multiplied by the matching entry of `dropoutMasks` (already scaled
 * by 1 / (1 − rate)); outside training this equals `model.predict(input)`.
 */
export function applyNetwork(
  model: tf.LayersModel,
  input: tf.Tensor2D,
  training: boolean,
  dropoutMasks: tf.Tensor2D[] = [],
): tf.Tensor2D {
  let output: tf.Tensor = input;
  let block = 0;
  for (const layer of model.layers) {
    output = training && layer.getClassName() === 'Dense'
      ? denseForTraining(layer, output as tf.Tensor2D)
      : layer.apply(output, { training }) as tf.Tensor;
    if (layer.name.startsWith('relu') && training && dropoutMasks[block] !== undefined) {
      output = tf.mul(output, dropoutMasks[block]);
    }
    if (layer.name.startsWith('relu')) block++;
  }
  return output as tf.Tensor2D;
}

/**
 * A dense layer's output computed from its variables, with gradients that multiply by explicitly
 * transposed matrices. TensorFlow.js's own MatMul gradient passes transpose flags, which the
 * WebAssembly backend runs 10–20 times slower than a plain product (measured on a 64 × 553
 * batch); transposing first keeps backpropagation on the fast kernel. Same values, same
 * determinism.
 */
function denseForTraining(layer: tf.layers.Layer, input: tf.Tensor2D): tf.Tensor2D {
  const [kernel, bias] = layer.trainableWeights.map((weight) => weight.read());
  const product = matMulTransposedGradients(input, kernel as tf.Tensor2D);
  return bias === undefined ? product : tf.add(product, bias);
}

const matMulTransposedGradients = tf.customGrad<tf.Tensor2D>((...inputs) => {
  const [a, b, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, [savedA, savedB]) => [
      tf.matMul(dy, tf.transpose(savedB as tf.Tensor2D)),
      tf.matMul(tf.transpose(savedA as tf.Tensor2D), dy),
    ],
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
