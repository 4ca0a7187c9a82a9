/**
 * What the network's three outputs mean, in plain numbers (no TensorFlow.js here, so that
 * prediction stays light).
 *
 * - threshold: t = base + THRESHOLD_SCALE · h₀ (bins), where base is the base classical method's
 *   threshold on the same histogram (default Li); with no base method, t = 127.5 + 127.5 · h₀.
 *   `rawThreshold` is t clipped to [0, 255]. The reported integer threshold follows the
 *   convention "bins ≤ t vs bins > t" and the half-bin of the training loss: bin b counts as
 *   ≤ t when b < t + 0.5, so the threshold is round-to-nearest, halves up: ⌊t + 0.5⌋, clipped
 *   to 0..255.
 * - polarity: darkProbability = σ(h₁), the probability that the foreground is dark (≤ t).
 * - quality: σ(h₂), the predicted F-measure that the best global threshold reaches, in [0, 1].
 */
import type { Polarity } from '../label/objectives.js';

/** Bins per unit of the threshold head when it corrects a base threshold. */
export const THRESHOLD_SCALE = 32;
/** Centre and half-range of the threshold head without a base method. */
export const THRESHOLD_CENTER = 127.5;

export interface ThresholdPrediction {
  /** The threshold as a bin (0..255): bins ≤ threshold vs bins > threshold. */
  threshold: number;
  /** The continuous threshold, in bins, clipped to [0, 255]. */
  rawThreshold: number;
  polarity: Polarity;
  /** Probability of the returned polarity, in [0.5, 1]. */
  polarityConfidence: number;
  /** Probability that the foreground is dark, in [0, 1]. */
  darkProbability: number;
  /** Predicted F-measure of the best global threshold, in [0, 1]. */
  quality: number;
}

/** Continuous threshold (bins, unclipped) from the threshold head's output. */
export function thresholdFromOutput(output: number, base: number | null): number {
  return base === null
    ? THRESHOLD_CENTER + THRESHOLD_CENTER * output
    : base + THRESHOLD_SCALE * output;
}

/** The integer threshold of a continuous one: ⌊t + 0.5⌋ within 0..255. */
export function roundThreshold(threshold: number): number {
  return Math.min(255, Math.max(0, Math.floor(threshold + 0.5)));
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** A prediction from the three raw outputs and the base threshold (null: no base method). */
export function decodeHeads(
  outputs: ArrayLike<number>,
  offset: number,
  base: number | null,
): ThresholdPrediction {
  const continuous = thresholdFromOutput(outputs[offset], base);
  const rawThreshold = Math.min(255, Math.max(0, continuous));
  const darkProbability = sigmoid(outputs[offset + 1]);
  const polarity: Polarity = darkProbability >= 0.5 ? 'dark' : 'bright';
  return {
    threshold: roundThreshold(continuous),
    rawThreshold,
    polarity,
    polarityConfidence: polarity === 'dark' ? darkProbability : 1 - darkProbability,
    darkProbability,
    quality: sigmoid(outputs[offset + 2]),
  };
}
