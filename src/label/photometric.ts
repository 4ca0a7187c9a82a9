/**
 * Photometric transforms of the image alone, applied directly to class histograms.
 *
 * A transform that maps each gray value v to f(v) (a lookup table on 0..255) moves the count of
 * bin v to bin f(v) in both class histograms; the mask is untouched, so the result equals the
 * class histograms of the transformed pixels exactly. Lookup tables (8-bit data, rounding halves
 * up, clipped to 0..255):
 * - gamma γ: `f(v) = round(255 · (v / 255)^γ)`;
 * - contrast g (gain about mid-gray): `f(v) = round(127.5 + g · (v − 127.5))`;
 * - brightness b (offset in gray levels): `f(v) = round(v + b)`;
 * - inversion: `f(v) = 255 − v`. It swaps which class is darker, so the polarity flips, and a
 *   threshold t ≤ 254 under one polarity classifies exactly like 254 − t under the other
 *   (`v ≤ t` ⇔ `255 − v > 254 − t`); t = 255 (all pixels on one side) has no counterpart.
 *
 * Additive Gaussian noise of standard deviation σ (gray levels) cannot be a lookup table: each
 * pixel spreads over several bins. Its *expected* class histograms are the convolution of each
 * class histogram with the discretized noise distribution
 * `p(k) = Φ((k + ½) / σ) − Φ((k − ½) / σ)` for k in [−⌈5σ⌉, ⌈5σ⌉] (renormalized), with values
 * pushed below 0 or above 255 piled onto bins 0 and 255 (clipping). The resulting counts are
 * fractional (expected counts, not a sample); their total is unchanged.
 */
import { BIN_COUNT } from '../histogram/histogram.js';

/** One recorded step (stored in `augmentation.steps`). */
export type PhotometricStep =
  | { kind: 'gamma'; value: number }
  | { kind: 'contrast'; value: number }
  | { kind: 'brightness'; value: number }
  | { kind: 'invert' }
  | { kind: 'noise'; value: number };

export interface CountPair {
  foreground: Float64Array;
  background: Float64Array;
}

/** The lookup table of a step (null for noise, which is not one). */
export function lookupTable(step: PhotometricStep): Uint8Array | null {
  if (step.kind === 'noise') return null;
  const table = new Uint8Array(BIN_COUNT);
  for (let v = 0; v < BIN_COUNT; v++) table[v] = clampGray(mapValue(step, v));
  return table;
}

function mapValue(step: Exclude<PhotometricStep, { kind: 'noise' }>, v: number): number {
  switch (step.kind) {
    case 'gamma':
      return Math.round(255 * Math.pow(v / 255, step.value));
    case 'contrast':
      return Math.round(127.5 + step.value * (v - 127.5));
    case 'brightness':
      return Math.round(v + step.value);
    case 'invert':
      return 255 - v;
  }
}

function clampGray(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/** Moves each bin's count through `table` (exact for integer and fractional counts). */
export function applyLookupTable(counts: ArrayLike<number>, table: Uint8Array): Float64Array {
  const mapped = new Float64Array(BIN_COUNT);
  for (let v = 0; v < BIN_COUNT; v++) mapped[table[v]] += counts[v];
  return mapped;
}

/** Discretized zero-mean Gaussian: weights of offsets −radius..radius, summing to 1. */
export function noiseKernel(sigma: number): { radius: number; weights: Float64Array } {
  const radius = Math.max(1, Math.ceil(5 * sigma));
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const weight = normalCdf((k + 0.5) / sigma) - normalCdf((k - 0.5) / sigma);
    weights[k + radius] = weight;
    sum += weight;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return { radius, weights };
}

/** Expected histogram after adding Gaussian noise of `sigma` gray levels, clipped to 0..255. */
export function convolveNoise(counts: ArrayLike<number>, sigma: number): Float64Array {
  const { radius, weights } = noiseKernel(sigma);
  const result = new Float64Array(BIN_COUNT);
  for (let v = 0; v < BIN_COUNT; v++) {
    const count = counts[v];
    if (count === 0) continue;
    for (let k = -radius; k <= radius; k++) {
      result[clampGray(v + k)] += count * weights[k + radius];
    }
  }
  return result;
}

/** Applies steps in order to both class histograms. */
export function applySteps(classes: CountPair, steps: readonly PhotometricStep[]): CountPair {
  let { foreground, background } = classes;
  for (const step of steps) {
    if (step.kind === 'noise') {
      foreground = convolveNoise(foreground, step.value);
      background = convolveNoise(background, step.value);
      continue;
    }
    const table = lookupTable(step) as Uint8Array;
    foreground = applyLookupTable(foreground, table);
    background = applyLookupTable(background, table);
  }
  return { foreground, background };
}

/**
 * Rounds fractional counts for compact storage: values below 0.001 become 0, values below 1000
 * keep 4 significant digits, larger ones are rounded to integers. Integer counts are unchanged.
 */
export function roundCounts(counts: ArrayLike<number>): Float64Array {
  const rounded = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const value = counts[i];
    if (Number.isInteger(value)) rounded[i] = value;
    else if (value < 0.001) rounded[i] = 0;
    else if (value < 1000) rounded[i] = Number(value.toPrecision(4));
    else rounded[i] = Math.round(value);
  }
  return rounded;
}

/**
 * Standard normal CDF through a Chebyshev-fitted complementary error function (Press et al.,
 * Numerical Recipes in C, 2nd ed., 1992, §6.2; fractional error < 1.2e-7 everywhere).
 */
export function normalCdf(z: number): number {
  return 0.5 * complementaryError(-z / Math.SQRT2);
}

function complementaryError(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const polynomial = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(polynomial);
  return x >= 0 ? value : 2 - value;
}
