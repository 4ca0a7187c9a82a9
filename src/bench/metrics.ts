/**
 * Quality metrics of a binarization against ground truth, from its confusion counts.
 *
 * Foreground is the positive class (text in documents, nuclei in microscopy). All ratios are in
 * [0, 1] (MCC in [−1, 1]); tables show the first five as percentages, as the DIBCO contests do.
 * F-measure, IoU, accuracy and MCC are those of `label/objectives.ts` (one definition each).
 *
 * - precision = TP / (TP + FP), recall = TP / (TP + FN), F-measure = 2·P·R / (P + R);
 * - accuracy = (TP + TN) / N, IoU = TP / (TP + FP + FN), MCC (Matthews 1975);
 * - PSNR = 10·log10(C² / MSE) in dB with C = 1, the difference between foreground and background
 *   in a binary image, and MSE = (FP + FN) / N, the fraction of wrong pixels (DIBCO's
 *   definition; Gatos, Ntirogiannis & Pratikakis, ICDAR 2009, doi:10.1109/ICDAR.2009.246).
 *
 * Undefined ratios (0/0) follow one rule: 1 when neither the truth nor the prediction holds any
 * foreground (nothing to find, nothing found), else 0. A perfect binarization (MSE = 0) would
 * have an infinite PSNR; it gets 10·log10(N) dB instead, the PSNR of a single wrong pixel, so
 * that means over images stay finite (a perfect image still scores above any imperfect one).
 *
 * DRD needs the pixels around each error, not just counts: see `drd.ts`.
 */
import { score, type Confusion } from '../label/objectives.js';

export type { Confusion };

/** Metrics computed from confusion counts alone. */
export interface ConfusionMetrics {
  fmeasure: number;
  precision: number;
  recall: number;
  accuracy: number;
  iou: number;
  mcc: number;
  /** dB; capped at 10·log10(N) for a binarization without error. */
  psnr: number;
}

/** Every metric of one binarization (DRD and the threshold error may be unavailable). */
export interface BinarizationMetrics extends ConfusionMetrics {
  /** Distance-reciprocal distortion (lower is better); `null` without pixels or NUBN = 0. */
  drd: number | null;
  /** |t − best t| in bins, for global methods; `null` for local methods. */
  thresholdError: number | null;
}

/** Names of all metrics, in the order tables show them. */
export const METRIC_NAMES = [
  'fmeasure', 'precision', 'recall', 'accuracy', 'iou', 'mcc', 'psnr', 'drd', 'thresholdError',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Whether a larger value of the metric is better (DRD and threshold error: smaller). */
export function higherIsBetter(metric: MetricName): boolean {
  return metric !== 'drd' && metric !== 'thresholdError';
}

/** Precision, recall, F-measure, accuracy, IoU, MCC and PSNR of the confusion counts. */
export function metricsOfConfusion(confusion: Confusion): ConfusionMetrics {
  const { drd: _drd, thresholdError: _thresholdError, ...metrics } =
    binarizationMetrics(confusion, null, null);
  return metrics;
}

/**
 * Every metric of one binarization: those of the confusion counts, plus its DRD and threshold
 * error as given. One object literal, as a benchmark builds one per image and method.
 */
export function binarizationMetrics(
  confusion: Confusion,
  drd: number | null,
  thresholdError: number | null,
): BinarizationMetrics {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn } = confusion;
  const nothingAnywhere = tp + fp + fn === 0;
  return {
    fmeasure: score('fmeasure', confusion),
    precision: tp + fp === 0 ? (nothingAnywhere ? 1 : 0) : tp / (tp + fp),
    recall: tp + fn === 0 ? (nothingAnywhere ? 1 : 0) : tp / (tp + fn),
    accuracy: score('accuracy', confusion),
    iou: score('iou', confusion),
    mcc: score('mcc', confusion),
    psnr: psnrOf(confusion),
    drd,
    thresholdError,
  };
}

/**
 * PSNR in dB of a binary image (C = 1): 10·log10(N / (FP + FN)); without error, 10·log10(N)
 * (as if one pixel were wrong). 0 for an empty image.
 */
export function psnrOf(confusion: Confusion): number {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn } = confusion;
  const total = tp + fp + fn + tn;
  if (total === 0) return 0;
  return 10 * Math.log10(total / Math.max(fp + fn, 1));
}

/**
 * Confusion counts of a predicted mask against a true one (both 1 = foreground, 0 = background,
 * same length). Pixels where `scored` is 0 are left out; `null` scores every pixel.
 */
export function confusionOfMasks(
  truth: Uint8Array,
  predicted: Uint8Array,
  scored: Uint8Array | null = null,
): Confusion {
  // counts[2·truth + predicted]: 0 = TN, 1 = FP, 2 = FN, 3 = TP.
  const counts = new Float64Array(4);
  if (scored === null) {
    for (let i = 0; i < truth.length; i++) counts[(truth[i] << 1) | predicted[i]]++;
  } else {
    for (let i = 0; i < truth.length; i++) {
      if (scored[i] !== 0) counts[(truth[i] << 1) | predicted[i]]++;
    }
  }
  return {
    truePositive: counts[3],
    falsePositive: counts[1],
    falseNegative: counts[2],
    trueNegative: counts[0],
  };
}

/**
 * The confusion counts of the opposite polarity: the complement of a mask swaps TP with FN and
 * FP with TN.
 */
export function complementConfusion(confusion: Confusion): Confusion {
  return {
    truePositive: confusion.falseNegative,
    falsePositive: confusion.trueNegative,
    falseNegative: confusion.truePositive,
    trueNegative: confusion.falsePositive,
  };
}
