import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTensorflow } from '../../src/model/backend.js';
import { runForward, type ForwardLayer } from '../../src/model/forward.js';
import { decodeHeads } from '../../src/model/heads.js';
import { loadModel } from '../../src/model/index.js';
import { loadTrainableModel } from '../../src/model/io.js';
import { createRandom } from '../../src/util/random.js';

/** Each layer by its textbook formula, one row and one unit at a time, in float64. */
function naiveForward(layers: ForwardLayer[], input: Float32Array, rows: number): number[] {
  let values = Array.from(input);
  for (const layer of layers) {
    if (layer.kind === 'dense') {
      values = naiveDense(layer, values, rows);
      continue;
    }
    const width = values.length / rows;
    values = values.map((_, index) => {
      const row = Math.floor(index / width);
      return naiveValue(layer, values.slice(row * width, (row + 1) * width), index % width);
    });
  }
  return values;
}

/** A unit's output of a layer that keeps the width. */
function naiveValue(
  layer: Exclude<ForwardLayer, { kind: 'dense' }>,
  row: number[],
  unit: number,
): number {
  const value = row[unit];
  switch (layer.kind) {
    case 'relu':
      return Math.max(0, value);
    case 'batch':
      return (value - layer.mean[unit]) / Math.sqrt(layer.variance[unit] + layer.epsilon)
        * layer.gamma[unit] + layer.beta[unit];
    case 'layer': {
      const mean = row.reduce((sum, entry) => sum + entry, 0) / row.length;
      const variance = row.reduce((sum, entry) => sum + (entry - mean) ** 2, 0) / row.length;
      return (value - mean) / Math.sqrt(variance + layer.epsilon) * layer.gamma[unit]
        + layer.beta[unit];
    }
  }
}

function naiveDense(
  layer: Extract<ForwardLayer, { kind: 'dense' }>,
  values: number[],
  rows: number,
): number[] {
  const next: number[] = [];
  for (let row = 0; row < rows; row++) {
    for (let unit = 0; unit < layer.units; unit++) {
      let sum = layer.bias?.[unit] ?? 0;
      for (let i = 0; i < layer.inputs; i++) {
        sum += values[row * layer.inputs + i] * layer.kernel[i * layer.units + unit];
      }
      next.push(sum);
    }
  }
  return next;
}

const random = createRandom(3);
const uniform = () => random.uniform(-1, 1);
const relu = { kind: 'relu' } as const;

function dense(inputs: number, units: number, withBias: boolean): ForwardLayer {
  return {
    kind: 'dense', inputs, units,
    kernel: Float32Array.from({ length: inputs * units }, uniform),
    bias: withBias ? Float32Array.from({ length: units }, uniform) : null,
  };
}

function batch(width: number): ForwardLayer {
  return {
    kind: 'batch', mean: Float32Array.from({ length: width }, uniform),
    variance: Float32Array.from({ length: width }, () => random.uniform(0.1, 2)),
    gamma: Float32Array.from({ length: width }, uniform),
    beta: Float32Array.from({ length: width }, uniform), epsilon: 1e-3,
  };
}

function layerNorm(width: number): ForwardLayer {
  return {
    kind: 'layer', gamma: Float32Array.from({ length: width }, uniform),
    beta: Float32Array.from({ length: width }, uniform), epsilon: 1e-3,
  };
}

function expectNaive(layers: ForwardLayer[], inputs: number): void {
  // Rows: less than one block of three, whole blocks, and a partial last block.
  for (const rows of [1, 2, 3, 4, 5, 7, 9, 425]) {
    const input = Float32Array.from({ length: rows * inputs }, uniform);
    const fast = Array.from(runForward(layers, input, rows));
    const expected = naiveForward(layers, input, rows);
    expect(fast).toHaveLength(expected.length);
    fast.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
  }
}

describe('plain-JS forward pass', () => {
  it('when rows and units are not multiples of the blocks then it equals the naive loops', () => {
    // 8 and 4 units: whole blocks of three and a remainder; 3 units: one block; 1 unit.
    expectNaive([dense(7, 8, true), relu, dense(8, 4, false), relu, dense(4, 3, true)], 7);
    expectNaive([dense(5, 1, true)], 5);
  });

  it('when a batch normalization follows a dense layer then folding it keeps the outputs', () => {
    expectNaive([dense(7, 8, false), batch(8), relu, dense(8, 5, false), batch(5), relu,
      dense(5, 3, true)], 7);
  });

  it('when normalizations stand alone then they equal the naive loops', () => {
    // Batch normalization of the inputs, layer normalization with a separate ReLU after it.
    expectNaive([batch(7), dense(7, 8, true), layerNorm(8), relu, dense(8, 3, true)], 7);
    expectNaive([relu, layerNorm(7), dense(7, 2, true)], 7);
  });

  it('when no rows are given then the output is empty', () => {
    expect(runForward([dense(4, 3, true)], new Float32Array(0), 0)).toHaveLength(0);
  });
});

describe('plain-JS forward pass of the shipped model', () => {
  let tf: typeof TF;

  beforeAll(async () => {
    tf = await loadTensorflow('cpu');
  });

  it('when given batches of any size then it predicts what TensorFlow.js predicts', async () => {
    const model = await loadModel();
    const { model: tfModel } = await loadTrainableModel(model.directory);
    const size = model.features.size;
    for (const rows of [1, 3, 5, 425]) {
      const input = Float32Array.from({ length: rows * size }, () => random.normal());
      const plain = runForward(model.layers, input, rows);
      const expected = tf.tidy(() =>
        (tfModel.predict(tf.tensor2d(input, [rows, size])) as TF.Tensor).dataSync());
      expect(plain).toHaveLength(expected.length);
      for (let row = 0; row < rows; row++) {
        // The tolerances of the save, load and predict test (test/model/train.test.ts).
        const ours = decodeHeads(plain, row * 3, 100);
        const theirs = decodeHeads(expected, row * 3, 100);
        expect(ours.rawThreshold).toBeCloseTo(theirs.rawThreshold, 3);
        expect(ours.darkProbability).toBeCloseTo(theirs.darkProbability, 5);
        expect(ours.quality).toBeCloseTo(theirs.quality, 5);
      }
    }
    tfModel.dispose();
  });
});
