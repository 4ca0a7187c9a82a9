/**
 * Inference without TensorFlow.js: the saved weights are read into typed arrays and the forward
 * pass (dense, batch/layer normalization, ReLU) is a few plain loops, over weights packed once
 * per model (`forward-plan.ts`). Prediction thus needs no tfjs import and starts in
 * milliseconds; tests check that it equals tfjs's `predict`.
 */
import { AutothreshError } from '../errors.js';
import type { ModelFiles } from './files.js';
import {
  BLOCK, forwardPlan, type DenseStep, type ForwardPlan, type LayerNormStep, type ReluStep,
  type ScaleStep,
} from './forward-plan.js';

/** One step of the forward pass. */
export type ForwardLayer =
  | { kind: 'dense'; inputs: number; units: number; kernel: Float32Array;
      bias: Float32Array | null }
  | { kind: 'batch'; mean: Float32Array; variance: Float32Array; gamma: Float32Array;
      beta: Float32Array; epsilon: number }
  | { kind: 'layer'; gamma: Float32Array; beta: Float32Array; epsilon: number }
  | { kind: 'relu' };

interface TopologyLayer {
  class_name: string;
  config: { name: string; epsilon?: number; units?: number };
}

/** Reads the layers of a saved sequential model, with their weights, in order. */
export function forwardLayers(files: ModelFiles, where: string): ForwardLayer[] {
  const weights = weightsByName(files);
  const topology = files.modelJson.modelTopology as { config?: { layers?: TopologyLayer[] } };
  const layers = topology.config?.layers ?? [];
  const take = (name: string): Float32Array => {
    const value = weights.get(name);
    if (value === undefined) {
      throw new AutothreshError('autothresh.model', `${where}: weights of ${name} are missing`);
    }
    return value;
  };
  return layers.map((layer): ForwardLayer => {
    const name = layer.config.name;
    switch (layer.class_name) {
      case 'Dense': {
        const bias = weights.get(`${name}/bias`) ?? null;
        const kernel = take(`${name}/kernel`);
        const units = layer.config.units ?? 0;
        return { kind: 'dense', inputs: kernel.length / units, units, kernel, bias };
      }
      case 'BatchNormalization':
        return {
          kind: 'batch',
          mean: take(`${name}/moving_mean`),
          variance: take(`${name}/moving_variance`),
          gamma: take(`${name}/gamma`),
          beta: take(`${name}/beta`),
          epsilon: layer.config.epsilon ?? 1e-3,
        };
      case 'LayerNormalization':
        return {
          kind: 'layer', gamma: take(`${name}/gamma`), beta: take(`${name}/beta`),
          epsilon: layer.config.epsilon ?? 1e-3,
        };
      case 'ReLU':
        return { kind: 'relu' };
      default:
        throw new AutothreshError(
          'autothresh.model', `${where}: layer ${name} has unsupported type ${layer.class_name}`,
        );
    }
  });
}

function weightsByName(files: ModelFiles): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of files.modelJson.weightsManifest[0].weights) {
    const size = spec.shape.reduce((product, dimension) => product * dimension, 1);
    weights.set(spec.name, new Float32Array(files.weights, offset, size));
    offset += size * 4;
  }
  return weights;
}

/**
 * Runs `rows` standardized feature vectors (row-major in `input`) through the layers and
 * returns the outputs, row-major. The rows go through all the layers a block of three at a
 * time, in float64 (only the outputs are rounded to float32); the layers are compiled into a
 * plan on the first call with a given list and kept for the next calls.
 */
export function runForward(
  layers: readonly ForwardLayer[],
  input: Float32Array,
  rows: number,
): Float32Array {
  if (rows === 0) return new Float32Array(0);
  const plan = forwardPlan(layers, input.length / rows);
  const output = new Float32Array(rows * plan.outputWidth);
  for (let first = 0; first < rows; first += BLOCK) {
    const count = Math.min(BLOCK, rows - first);
    loadBlock(plan, input, first, count);
    const slot = runSteps(plan);
    storeBlock(plan, slot, output, first, count);
  }
  return output;
}

/**
 * Copies `count` rows from row `first` into the first slot, zeros in place of the rows past the
 * end (rows never mix, so these only keep the values of a short last block finite).
 */
function loadBlock(plan: ForwardPlan, input: Float32Array, first: number, count: number): void {
  const { inputWidth: width, workspace, slots } = plan;
  for (let lane = 0; lane < BLOCK; lane++) {
    const base = (first + lane) * width;
    for (let unit = 0; unit < width; unit++) {
      workspace[slots[0] + unit * BLOCK + lane] = lane < count ? input[base + unit] : 0;
    }
  }
}

/** Applies the steps to the block in the first slot; returns the slot that holds the outputs. */
function runSteps(plan: ForwardPlan): number {
  const { workspace, slots } = plan;
  let current = 0;
  for (const step of plan.steps) {
    const at = slots[current];
    switch (step.kind) {
      case 'dense':
        denseStep(workspace, step, at, slots[1 - current]);
        current = 1 - current;
        break;
      case 'relu':
        reluStep(workspace, step, at);
        break;
      case 'scale':
        scaleStep(workspace, step, at);
        break;
      case 'layer':
        layerNormStep(workspace, step, at);
        break;
    }
  }
  return slots[current];
}

/** Copies the first `count` rows of the block at `at` to the outputs, from row `first`. */
function storeBlock(
  plan: ForwardPlan,
  at: number,
  output: Float32Array,
  first: number,
  count: number,
): void {
  const { outputWidth: width, workspace } = plan;
  for (let lane = 0; lane < count; lane++) {
    const base = (first + lane) * width;
    for (let unit = 0; unit < width; unit++) {
      output[base + unit] = workspace[at + unit * BLOCK + lane];
    }
  }
}

/**
 * Dense layer on one block: output = input · kernel + bias, at least the step's floor (a fused
 * ReLU). For three units at a time, nine sums (three rows × three units) stay in registers
 * while the inner loop reads three activations and three weights per input, both contiguous.
 * What the loop costs is V8's work per read (a bounds check, index arithmetic) and the sums
 * it spills to the stack, hence:
 * - a 3 × 3 block, the fastest of those measured (4 × 4, 4 × 3, 3 × 4, 4 × 2, 2 × 4, 3 × 2):
 *   V8 computes all the products of an input before adding them, so that larger blocks spill
 *   more sums;
 * - activations and weights in one array, so that V8 checks it and loads its length and
 *   address once per input instead of twice (5–13% faster than two arrays here);
 * - indices kept in int32 with `| 0`, which spares an overflow check per read.
 * The loop's step of 3 is BLOCK written out: an imported constant is reloaded on every pass.
 */
function denseStep(workspace: Float64Array, step: DenseStep, from: number, to: number): void {
  const { inputs, units, bias, floor } = step;
  const end = from + inputs * BLOCK;
  let w = step.kernelAt;
  for (let unit = 0; unit < units; unit += BLOCK) {
    let a0 = 0; let a1 = 0; let a2 = 0;
    let b0 = 0; let b1 = 0; let b2 = 0;
    let c0 = 0; let c1 = 0; let c2 = 0;
    for (let x = from; x < end; x = (x + 3) | 0, w = (w + 3) | 0) {
      const x0 = workspace[x];
      const x1 = workspace[(x + 1) | 0];
      const x2 = workspace[(x + 2) | 0];
      const wa = workspace[w];
      a0 += x0 * wa; a1 += x1 * wa; a2 += x2 * wa;
      const wb = workspace[(w + 1) | 0];
      b0 += x0 * wb; b1 += x1 * wb; b2 += x2 * wb;
      const wc = workspace[(w + 2) | 0];
      c0 += x0 * wc; c1 += x1 * wc; c2 += x2 * wc;
    }

    const at = to + unit * BLOCK;
    storeUnit(workspace, at, a0 + bias[unit], a1 + bias[unit], a2 + bias[unit], floor);
    storeUnit(workspace, at + BLOCK, b0 + bias[unit + 1], b1 + bias[unit + 1],
      b2 + bias[unit + 1], floor);
    storeUnit(workspace, at + 2 * BLOCK, c0 + bias[unit + 2], c1 + bias[unit + 2],
      c2 + bias[unit + 2], floor);
  }
}

/** One unit's values of the three rows, at least `floor`. */
function storeUnit(
  workspace: Float64Array,
  at: number,
  row0: number,
  row1: number,
  row2: number,
  floor: number,
): void {
  workspace[at] = Math.max(row0, floor);
  workspace[at + 1] = Math.max(row1, floor);
  workspace[at + 2] = Math.max(row2, floor);
}

/** A ReLU that does not follow a dense layer. */
function reluStep(workspace: Float64Array, step: ReluStep, at: number): void {
  for (let index = at; index < at + step.width * BLOCK; index++) {
    workspace[index] = Math.max(workspace[index], 0);
  }
}

function scaleStep(workspace: Float64Array, step: ScaleStep, at: number): void {
  const { scale, shift } = step;
  for (let unit = 0; unit < scale.length; unit++) {
    for (let lane = 0; lane < BLOCK; lane++) {
      const index = at + unit * BLOCK + lane;
      workspace[index] = workspace[index] * scale[unit] + shift[unit];
    }
  }
}

/** Normalizes each row over its units (mean 0, variance 1), then gamma · value + beta. */
function layerNormStep(workspace: Float64Array, step: LayerNormStep, at: number): void {
  const { gamma, beta, epsilon } = step;
  const width = gamma.length;
  for (let lane = 0; lane < BLOCK; lane++) {
    const base = at + lane;
    let mean = 0;
    for (let unit = 0; unit < width; unit++) mean += workspace[base + unit * BLOCK];
    mean /= width;
    let variance = 0;
    for (let unit = 0; unit < width; unit++) {
      variance += (workspace[base + unit * BLOCK] - mean) ** 2;
    }
    variance /= width;

    const scale = 1 / Math.sqrt(variance + epsilon);
    for (let unit = 0; unit < width; unit++) {
      const index = base + unit * BLOCK;
      workspace[index] = (workspace[index] - mean) * scale * gamma[unit] + beta[unit];
    }
  }
}
