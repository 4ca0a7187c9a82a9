/**
 * The training loss: a weighted sum of the three heads' losses.
 *
 * Threshold head, records with class histograms (`labelKind: 'mask'`): the soft score.
 * The hard rule "bin b is at or below threshold t" (b ≤ round(t), see `heads.ts`) becomes the
 * logistic
 *
 *     below_b(t) = σ((t + 0.5 − b) / τ),        σ(z) = 1 / (1 + e^(−z)),  τ > 0 in bins,
 *
 * and the predicted-foreground weight of bin b is w_b = below_b(t) for dark polarity
 * (foreground ≤ t) and w_b = 1 − below_b(t) for bright polarity (foreground > t). With the
 * class histograms F_b (foreground) and B_b (background), divided by the image's pixel count:
 *
 *     TP = Σ_b F_b w_b,   FP = Σ_b B_b w_b,   FN = Σ_b F_b − TP,   TN = Σ_b B_b − FP,
 *
 * and the soft score is the record's objective evaluated on these soft counts, e.g. the
 * F-measure 2TP / (2TP + FP + FN) (in [0, 1]). The loss is 1 − score (in [0, 1]; [0, 2] for
 * MCC). It is differentiable in t because σ is smooth and the score is a ratio of sums of
 * smooth functions of t with a positive denominator (a small ε keeps it away from 0). The half
 * bin makes τ → 0 exact: below_b → 1 for b < t + 0.5, → 0 for b > t + 0.5, i.e. exactly the
 * bins ≤ round(t), so the soft score tends to the exact integer-threshold score of
 * `label/objectives.ts` (for t not within a rounding tie). Training anneals τ from a few bins
 * (smooth, long-range gradient) down to half a bin.
 *
 * Threshold head, records with only a threshold (`labelKind: 'manual'`), or every record with
 * the `huber` loss choice: Huber loss of (t − label) / 8 bins with δ = 1 (in [0, ∞)).
 *
 * Polarity head: binary cross-entropy of the dark-foreground logit (in [0, ∞)).
 * Quality head: squared error between σ(logit) and the record's best score (in [0, 1]);
 * records without a best score are left out of this term.
 * Every term is a weighted mean over the batch with the records' weights (dataset balance).
 */
import * as tf from '@tensorflow/tfjs';
import { BIN_COUNT } from '../histogram/histogram.js';
import { OBJECTIVE_NAMES, type Objective } from '../label/objectives.js';
import type { LossName } from './config.js';
import { THRESHOLD_CENTER, THRESHOLD_SCALE } from './heads.js';


/** Weights of the heads' losses in the total. */
export interface HeadWeights {
  threshold: number;
  polarity: number;
  quality: number;
}

export const DEFAULT_HEAD_WEIGHTS: HeadWeights = { threshold: 1, polarity: 0.3, quality: 0.3 };

/** Labels of a batch of B records, as tensors. */
export interface LossTargets {
  /** [B] base classical threshold of each record (bins); NaN-free. */
  baseThreshold: tf.Tensor1D;
  /** [B, 256] foreground / background class histograms divided by the pixel count (0 rows
   * for manual records). */
  foreground: tf.Tensor2D;
  background: tf.Tensor2D;
  /** [B] 1 for records with class histograms, else 0. */
  hasClasses: tf.Tensor1D;
  /** [B] 1 when the foreground is dark. */
  dark: tf.Tensor1D;
  /** [B] labelled best threshold (bins). */
  bestThreshold: tf.Tensor1D;
  /** [B] best score in [0, 1] and 1 where it is known. */
  bestScore: tf.Tensor1D;
  hasScore: tf.Tensor1D;
  /** [B, 5] one-hot of the record's objective in the order of OBJECTIVE_NAMES. */
  objective: tf.Tensor2D;
  /** [B] weight of each record in the batch means (e.g. to balance datasets). */
  weight: tf.Tensor1D;
}

export interface LossOptions {
  loss: LossName;
  weights: HeadWeights;
  /** Temperature τ of the soft threshold, in bins (> 0). */
  temperature: number;
  /** Whether the threshold head is a correction to a base classical threshold. */
  hasBase: boolean;
  /** Objectives of the records (default: all); only these soft scores are computed. */
  objectives?: readonly Objective[];
}

const EPSILON = 1e-9;
const HUBER_SCALE = 8;

/** Total loss of a batch (a scalar tensor), from the raw heads [B, 3]. */
export function totalLoss(
  heads: tf.Tensor2D,
  targets: LossTargets,
  options: LossOptions,
): tf.Scalar {
  return tf.tidy(() => {
    const [thresholdRaw, polarityLogit, qualityLogit] = tf.split(heads, 3, 1)
      .map((column) => column.reshape([-1]) as tf.Tensor1D);
    const threshold = thresholdFromHead(thresholdRaw, targets.baseThreshold, options.hasBase);

    const thresholdLoss = thresholdHeadLoss(threshold, targets, options);
    const polarityLoss = weightedMean(
      tf.losses.sigmoidCrossEntropy(
        targets.dark, polarityLogit, undefined, undefined, tf.Reduction.NONE,
      ),
      targets.weight,
    );
    const qualityError = tf.square(tf.sub(tf.sigmoid(qualityLogit), targets.bestScore));
    const qualityLoss = weightedMean(qualityError, tf.mul(targets.weight, targets.hasScore));

    return tf.addN([
      tf.mul(thresholdLoss, options.weights.threshold),
      tf.mul(polarityLoss, options.weights.polarity),
      tf.mul(qualityLoss, options.weights.quality),
    ]) as tf.Scalar;
  });
}

/** Continuous thresholds [B] (bins) from the threshold head, as in `heads.ts`. */
export function thresholdFromHead(
  output: tf.Tensor1D,
  base: tf.Tensor1D,
  hasBase: boolean,
): tf.Tensor1D {
  return hasBase
    ? tf.add(base, tf.mul(output, THRESHOLD_SCALE))
    : tf.add(THRESHOLD_CENTER, tf.mul(output, THRESHOLD_CENTER));
}

/** Mean threshold-head loss: 1 − soft score on records with classes, Huber elsewhere. */
function thresholdHeadLoss(
  threshold: tf.Tensor1D,
  targets: LossTargets,
  options: LossOptions,
): tf.Scalar {
  const huber = huberLoss(threshold, targets.bestThreshold);
  if (options.loss === 'huber') return weightedMean(huber, targets.weight);
  const soft = tf.sub(1, softScore(threshold, targets, options.temperature, options.objectives));
  return weightedMean(tf.where(tf.greater(targets.hasClasses, 0.5), soft, huber), targets.weight);
}

/** Σ w·x / Σ w (0 when every weight is 0). */
function weightedMean(values: tf.Tensor, weight: tf.Tensor1D): tf.Scalar {
  return tf.div(tf.sum(tf.mul(values, weight)), tf.maximum(tf.sum(weight), 1e-12)) as tf.Scalar;
}

function huberLoss(threshold: tf.Tensor1D, label: tf.Tensor1D): tf.Tensor1D {
  const residual = tf.abs(tf.div(tf.sub(threshold, label), HUBER_SCALE));
  const quadratic = tf.minimum(residual, 1);
  return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.sub(residual, quadratic)) as tf.Tensor1D;
}

/** Soft confusion counts [B] each, at continuous thresholds [B] with temperature τ. */
export function softConfusion(
  threshold: tf.Tensor1D,
  foreground: tf.Tensor2D,
  background: tf.Tensor2D,
  dark: tf.Tensor1D,
  temperature: number,
): { tp: tf.Tensor1D; fp: tf.Tensor1D; fn: tf.Tensor1D; tn: tf.Tensor1D } {
  const bins = tf.range(0, BIN_COUNT, 1, 'float32').reshape([1, BIN_COUNT]);
  const offset = tf.sub(tf.add(threshold.reshape([-1, 1]), 0.5), bins);
  const below = tf.sigmoid(tf.div(offset, temperature));
  const darkColumn = dark.reshape([-1, 1]);
  // w = below for dark polarity, 1 − below for bright: w = bright + (2·dark − 1)·below.
  const weight = tf.add(tf.sub(1, darkColumn), tf.mul(tf.sub(tf.mul(darkColumn, 2), 1), below));
  const tp = tf.sum(tf.mul(foreground, weight), 1) as tf.Tensor1D;
  const fp = tf.sum(tf.mul(background, weight), 1) as tf.Tensor1D;
  const fn = tf.sub(tf.sum(foreground, 1), tp) as tf.Tensor1D;
  const tn = tf.sub(tf.sum(background, 1), fp) as tf.Tensor1D;
  return { tp, fp, fn, tn };
}

/**
 * Soft score [B] of each record's objective (see the module comment). `objectives` lists the
 * objectives that occur among the records; with a single one, every record is taken to have it
 * and the one-hot `targets.objective` is not read.
 */
export function softScore(
  threshold: tf.Tensor1D,
  targets: Pick<LossTargets, 'foreground' | 'background' | 'dark' | 'objective'>,
  temperature: number,
  objectives: readonly Objective[] = OBJECTIVE_NAMES,
): tf.Tensor1D {
  return tf.tidy(() => {
    const { tp, fp, fn, tn } = softConfusion(
      threshold, targets.foreground, targets.background, targets.dark, temperature,
    );
    if (objectives.length === 1) return objectiveScore(objectives[0], tp, fp, fn, tn);
    const scores = objectives.map((objective) => objectiveScore(objective, tp, fp, fn, tn));
    const columns = objectives.map((objective) => OBJECTIVE_NAMES.indexOf(objective));
    const chosen = tf.gather(targets.objective, columns, 1);
    return tf.sum(tf.mul(tf.stack(scores, 1), chosen), 1) as tf.Tensor1D;
  });
}

function objectiveScore(
  objective: Objective,
  tp: tf.Tensor1D,
  fp: tf.Tensor1D,
  fn: tf.Tensor1D,
  tn: tf.Tensor1D,
): tf.Tensor1D {
  const ratio = (numerator: tf.Tensor, denominator: tf.Tensor, empty: number): tf.Tensor1D =>
    tf.div(tf.add(numerator, EPSILON * empty), tf.add(denominator, EPSILON)) as tf.Tensor1D;
  switch (objective) {
    case 'fmeasure':
      return ratio(tf.mul(tp, 2), tf.addN([tf.mul(tp, 2), fp, fn]), 1);
    case 'iou':
      return ratio(tp, tf.addN([tp, fp, fn]), 1);
    case 'accuracy':
      return ratio(tf.add(tp, tn), tf.addN([tp, fp, fn, tn]), 0);
    case 'balanced-accuracy':
      return tf.mul(tf.add(ratio(tp, tf.add(tp, fn), 0), ratio(tn, tf.add(tn, fp), 0)), 0.5);
    case 'mcc': {
      const product = tf.mul(
        tf.mul(tf.add(tp, fp), tf.add(tp, fn)),
        tf.mul(tf.add(tn, fp), tf.add(tn, fn)),
      );
      const numerator = tf.sub(tf.mul(tp, tn), tf.mul(fp, fn));
      return ratio(numerator, tf.sqrt(tf.add(product, EPSILON * EPSILON)), 0);
    }
  }
}
