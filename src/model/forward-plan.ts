/**
 * The forward pass compiled once per list of layers, for the loops of `forward.ts`: each dense
 * layer's kernel is packed in the order its inner loop reads it, a batch normalization that
 * follows a dense layer is folded into that layer's kernel and bias, and a ReLU that follows a
 * dense layer (or its folded batch normalization) is fused into the layer's output.
 *
 * Everything the dense loops read lives in one float64 workspace: the packed kernels, then two
 * slots for the activations of one block of {@link BLOCK} rows (a dense step reads one slot and
 * writes the other; the other steps work in place). In a slot, row `k` of the block has the
 * value of unit `u` at `u · BLOCK + k`.
 */
import type { ForwardLayer } from './forward.js';

/** Rows of a block, and units of a dense layer that one pass of its inner loop computes. */
export const BLOCK = 3;

/** A dense layer (with the batch normalization that followed it folded in, if any). */
export interface DenseStep {
  kind: 'dense';
  inputs: number;
  units: number;
  /**
   * Where the packed kernel starts in the workspace: for each block of BLOCK units (the last
   * one padded with zero weights), for each input, the weights of those units.
   */
  kernelAt: number;
  /** One value a unit, padded with zeros like the kernel. */
  bias: Float64Array;
  /** The outputs' lower bound: 0 with a fused ReLU, else -Infinity. */
  floor: number;
}

/** A batch normalization that does not follow a dense layer: value · scale + shift. */
export interface ScaleStep {
  kind: 'scale';
  scale: Float64Array;
  shift: Float64Array;
}

export interface LayerNormStep {
  kind: 'layer';
  gamma: Float64Array;
  beta: Float64Array;
  epsilon: number;
}

export interface ReluStep {
  kind: 'relu';
  width: number;
}

export type ForwardStep = DenseStep | ScaleStep | LayerNormStep | ReluStep;

export interface ForwardPlan {
  inputWidth: number;
  outputWidth: number;
  steps: ForwardStep[];
  workspace: Float64Array;
  /** Where the two activation slots start in the workspace. */
  slots: [number, number];
}

type DenseLayer = Extract<ForwardLayer, { kind: 'dense' }>;
type BatchLayer = Extract<ForwardLayer, { kind: 'batch' }>;

/** A batch normalization as the affine map it is at inference: value · scale + shift. */
interface Affine {
  scale: Float64Array;
  shift: Float64Array;
}

/** A dense layer's kernel, to pack at `at` (its columns scaled by a folded normalization). */
interface KernelCopy {
  layer: DenseLayer;
  folded: Affine | null;
  at: number;
}

/** Plans by list of layers: the weights are read once, later changes to them are not seen. */
const plans = new WeakMap<readonly ForwardLayer[], ForwardPlan>();

/** The plan of `layers` for rows of `inputWidth` values, compiled on first use. */
export function forwardPlan(layers: readonly ForwardLayer[], inputWidth: number): ForwardPlan {
  const cached = plans.get(layers);
  if (cached !== undefined && cached.inputWidth === inputWidth) return cached;
  const plan = compilePlan(layers, inputWidth);
  plans.set(layers, plan);
  return plan;
}

function compilePlan(layers: readonly ForwardLayer[], inputWidth: number): ForwardPlan {
  const steps: ForwardStep[] = [];
  const copies: KernelCopy[] = [];
  let width = inputWidth;
  let widest = inputWidth;
  let kernelsSize = 0;
  for (let index = 0; index < layers.length; index++) {
    const layer = layers[index];
    if (layer.kind !== 'dense') {
      steps.push(otherStep(layer, width));
      continue;
    }

    const next = layers[index + 1];
    const folded = next?.kind === 'batch' ? batchAffine(next) : null;
    if (folded !== null) index++;
    const fusedRelu = layers[index + 1]?.kind === 'relu';
    if (fusedRelu) index++;
    steps.push({
      kind: 'dense', inputs: layer.inputs, units: layer.units, kernelAt: kernelsSize,
      bias: denseBias(layer, folded), floor: fusedRelu ? 0 : -Infinity,
    });
    copies.push({ layer, folded, at: kernelsSize });
    kernelsSize += layer.inputs * paddedUnits(layer.units);
    width = layer.units;
    widest = Math.max(widest, paddedUnits(width));
  }

  const slotSize = BLOCK * widest;
  const workspace = new Float64Array(kernelsSize + 2 * slotSize);
  for (const copy of copies) packKernel(copy, workspace);
  const slots: [number, number] = [kernelsSize, kernelsSize + slotSize];
  return { inputWidth, outputWidth: width, steps, workspace, slots };
}

/** Units rounded up to whole blocks. */
function paddedUnits(units: number): number {
  return Math.ceil(units / BLOCK) * BLOCK;
}

/** The step of a layer that is not dense (nor a batch normalization folded into one). */
function otherStep(layer: Exclude<ForwardLayer, DenseLayer>, width: number): ForwardStep {
  switch (layer.kind) {
    case 'relu':
      return { kind: 'relu', width };
    case 'batch':
      return { kind: 'scale', ...batchAffine(layer) };
    case 'layer':
      return {
        kind: 'layer', gamma: Float64Array.from(layer.gamma), beta: Float64Array.from(layer.beta),
        epsilon: layer.epsilon,
      };
  }
}

/** (value − mean) · gamma / √(variance + epsilon) + beta, as value · scale + shift. */
function batchAffine(batch: BatchLayer): Affine {
  const { mean, variance, gamma, beta, epsilon } = batch;
  const scale = Float64Array.from(
    gamma, (factor, unit) => factor / Math.sqrt(variance[unit] + epsilon),
  );
  const shift = Float64Array.from(beta, (offset, unit) => offset - mean[unit] * scale[unit]);
  return { scale, shift };
}

/** The bias, padded; with a folded batch normalization, bias · scale + shift. */
function denseBias(layer: DenseLayer, folded: Affine | null): Float64Array {
  const bias = new Float64Array(paddedUnits(layer.units));
  for (let unit = 0; unit < layer.units; unit++) {
    const value = layer.bias === null ? 0 : layer.bias[unit];
    bias[unit] = folded === null ? value : value * folded.scale[unit] + folded.shift[unit];
  }
  return bias;
}

/** Packs a kernel [inputs × units] into the workspace, as {@link DenseStep.kernelAt} says. */
function packKernel({ layer, folded, at }: KernelCopy, workspace: Float64Array): void {
  const { inputs, units, kernel } = layer;
  for (let first = 0; first < units; first += BLOCK) {
    const blockAt = at + first * inputs;
    for (let input = 0; input < inputs; input++) {
      for (let unit = first; unit < Math.min(first + BLOCK, units); unit++) {
        const weight = kernel[input * units + unit];
        workspace[blockAt + input * BLOCK + unit - first] =
          folded === null ? weight : weight * folded.scale[unit];
      }
    }
  }
}
