/**
 * Names shared by training and prediction (no TensorFlow.js import here, so that prediction,
 * which reads these, stays light).
 */

/** Normalization after each hidden dense layer. */
export const NORMALIZATIONS = ['none', 'batch', 'layer'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

/** The network's outputs, in order (see `heads.ts` for their meaning). */
export const HEAD_NAMES = ['threshold', 'polarity', 'quality'] as const;
export type HeadName = (typeof HEAD_NAMES)[number];

/** Threshold-head loss: the soft objective score (default) or Huber on the labelled threshold. */
export const LOSS_NAMES = ['soft-score', 'huber'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Default hidden widths, input side first. */
export const DEFAULT_HIDDEN = [128, 64];
