import { describe, expect, it } from 'vitest';
import { runForward, type ForwardLayer } from '../../src/model/forward.js';
import { createRandom } from '../../src/util/random.js';

/** Input · kernel + bias, then ReLU between layers, by the textbook triple loop. */
function naiveForward(layers: ForwardLayer[], input: Float32Array, rows: number): number[] {
  let values = Array.from(input);
  for (const layer of layers) {
    if (layer.kind === 'relu') {
      values = values.map((value) => Math.max(0, value));
      continue;
    }
    if (layer.kind !== 'dense') throw new Error('only dense and relu here');
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
    values = next;
  }
  return values;
}

describe('plain-JS forward pass', () => {
  it('when rows and units are not multiples of the blocks then it equals the naive loops', () => {
    const random = createRandom(3);
    const uniform = () => random.uniform(-1, 1);
    const dense = (inputs: number, units: number, withBias: boolean): ForwardLayer => ({
      kind: 'dense', inputs, units,
      kernel: Float32Array.from({ length: inputs * units }, uniform),
      bias: withBias ? Float32Array.from({ length: units }, uniform) : null,
    });
    for (const rows of [1, 3, 4, 7, 9]) {
      // 9 and 6 units: a block of four and a remainder; 3 units: no block at all.
      const layers = [
        dense(7, 9, true), { kind: 'relu' } as const, dense(9, 6, false),
        { kind: 'relu' } as const, dense(6, 3, true),
      ];
      const input = Float32Array.from({ length: rows * 7 }, uniform);
      const fast = Array.from(runForward(layers, input, rows));
      const expected = naiveForward(layers, input, rows);
      expect(fast).toHaveLength(expected.length);
      fast.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
    }
  });
});
