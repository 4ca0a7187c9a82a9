/**
 * Scoring predictions on labelled records exactly: the integer threshold and the predicted
 * polarity are scored with the record's class histograms and objective (`label/objectives.ts`).
 */
import { confusionAt, score, type Polarity } from '../label/objectives.js';
import type { LabelRecord } from '../label/schema.js';

/** What is scored of a prediction. */
export interface ScoredPrediction {
  threshold: number;
  polarity: Polarity;
}

export interface ValidationMetrics {
  records: number;
  /**
   * Mean exact score (F-measure for F-measure records) over records with class histograms, or
   * null when none has them (threshold labels only: `thresholdMae` is then the score).
   */
  fmeasure: number | null;
  /** Fraction of records whose polarity is predicted right. */
  polarityAccuracy: number;
  /** Mean |threshold − labelled best threshold|, in bins. */
  thresholdMae: number;
}

/** Exact score of a threshold and polarity on a record with class histograms (else null). */
export function exactScore(record: LabelRecord, prediction: ScoredPrediction): number | null {
  if (record.foregroundHistogram === undefined || record.backgroundHistogram === undefined) {
    return null;
  }
  const classes = {
    foreground: record.foregroundHistogram,
    background: record.backgroundHistogram,
  };
  const confusion = confusionAt(classes, prediction.threshold, prediction.polarity);
  return score(record.objective ?? 'fmeasure', confusion);
}

export function evaluatePredictions(
  records: readonly LabelRecord[],
  predictions: readonly ScoredPrediction[],
): ValidationMetrics {
  let scoreSum = 0;
  let scored = 0;
  let polarityRight = 0;
  let errorSum = 0;
  records.forEach((record, index) => {
    const prediction = predictions[index];
    const value = exactScore(record, prediction);
    if (value !== null) {
      scoreSum += value;
      scored++;
    }
    if (prediction.polarity === record.polarity) polarityRight++;
    errorSum += Math.abs(prediction.threshold - record.bestThreshold);
  });
  const count = Math.max(records.length, 1);
  return {
    records: records.length,
    fmeasure: scored > 0 ? scoreSum / scored : null,
    polarityAccuracy: polarityRight / count,
    thresholdMae: errorSum / count,
  };
}

/**
 * The score that early stopping and `--runs` compare, higher is better: the mean exact score
 * when some validation record has class histograms, else minus the mean threshold error (bins)
 * on records that carry only a threshold label.
 */
export function validationScore(metrics: ValidationMetrics): number {
  return metrics.fmeasure ?? -metrics.thresholdMae;
}
