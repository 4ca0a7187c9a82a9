/**
 * Scoring a global threshold exactly from class histograms, without a pass over pixels.
 *
 * The foreground histogram counts the gray values of ground-truth foreground pixels, the
 * background histogram those of background pixels. With cumulative sums, the confusion counts of
 * all 256 thresholds cost O(256), so the exact best threshold comes from an exhaustive search.
 *
 * Convention: threshold t splits bins ≤ t from bins > t. Polarity `dark`: pixels ≤ t are
 * predicted foreground; `bright`: pixels > t are predicted foreground.
 */
import type { Histogram, ReadonlyCounts } from '../histogram/histogram.js';
import { BIN_COUNT } from '../histogram/histogram.js';

export type { Polarity } from '../histogram/histogram.js';
import type { Polarity } from '../histogram/histogram.js';

export const OBJECTIVE_NAMES = [
  'fmeasure', 'accuracy', 'iou', 'mcc', 'balanced-accuracy',
] as const;
export type Objective = (typeof OBJECTIVE_NAMES)[number];

/** Pixel counts of a binarization against ground truth. */
export interface Confusion {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

/** Ground truth split into the gray-level histograms of its two classes. */
export interface ClassHistograms {
  readonly foreground: ReadonlyCounts | ArrayLike<number>;
  readonly background: ReadonlyCounts | ArrayLike<number>;
}

/** Confusion counts of threshold t (an integer bin, 0..255) under `polarity`. */
export function confusionAt(
  classes: ClassHistograms,
  threshold: number,
  polarity: Polarity,
): Confusion {
  let foregroundAtOrBelow = 0;
  let backgroundAtOrBelow = 0;
  let foregroundTotal = 0;
  let backgroundTotal = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    foregroundTotal += classes.foreground[bin];
    backgroundTotal += classes.background[bin];
    if (bin <= threshold) {
      foregroundAtOrBelow += classes.foreground[bin];
      backgroundAtOrBelow += classes.background[bin];
    }
  }
  return confusionFromSums(
    foregroundAtOrBelow, backgroundAtOrBelow, foregroundTotal, backgroundTotal, polarity,
  );
}

/**
 * Running sums of both class histograms: entry t holds the counts of bins 0..t, added in bin
 * order as {@link confusionAt} adds them, so confusion counts read from them are the same numbers.
 */
export interface CumulativeClasses {
  readonly foreground: Float64Array;
  readonly background: Float64Array;
}

/** The running sums, written to `into` when it is given (else to new arrays). */
export function cumulativeClasses(
  classes: ClassHistograms,
  into?: CumulativeClasses,
): CumulativeClasses {
  const foreground = into?.foreground ?? new Float64Array(BIN_COUNT);
  const background = into?.background ?? new Float64Array(BIN_COUNT);
  let foregroundSum = 0;
  let backgroundSum = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    foregroundSum += classes.foreground[bin];
    backgroundSum += classes.background[bin];
    foreground[bin] = foregroundSum;
    background[bin] = backgroundSum;
  }
  return into ?? { foreground, background };
}

/** 256-entry running sums for the caller's own use, to pass as `into`. */
export function cumulativeClassesBuffer(): CumulativeClasses {
  return { foreground: new Float64Array(BIN_COUNT), background: new Float64Array(BIN_COUNT) };
}

/**
 * The running sums and scores the searches below work in, reused by every call on this thread
 * (each call writes all 256 entries before reading them): a histogram pair is searched in
 * microseconds, about what four new arrays cost.
 */
const SEARCH_SUMS = cumulativeClassesBuffer();
const SEARCH_SCORES = new Float64Array(BIN_COUNT);

/** {@link confusionAt} in O(1), from the running sums of the class histograms. */
export function confusionFromCumulative(
  sums: CumulativeClasses,
  threshold: number,
  polarity: Polarity,
): Confusion {
  const last = BIN_COUNT - 1;
  const at = Math.min(Math.floor(threshold), last);
  return confusionFromSums(
    at >= 0 ? sums.foreground[at] : 0,
    at >= 0 ? sums.background[at] : 0,
    sums.foreground[last],
    sums.background[last],
    polarity,
  );
}

/**
 * Confusion counts from the class counts at or below a threshold and the class totals (what a
 * cumulative sum gives), under `polarity`: `dark` predicts the pixels ≤ t as foreground.
 */
export function confusionFromSums(
  foregroundAtOrBelow: number,
  backgroundAtOrBelow: number,
  foregroundTotal: number,
  backgroundTotal: number,
  polarity: Polarity,
): Confusion {
  const truePositive = polarity === 'dark'
    ? foregroundAtOrBelow
    : foregroundTotal - foregroundAtOrBelow;
  const falsePositive = polarity === 'dark'
    ? backgroundAtOrBelow
    : backgroundTotal - backgroundAtOrBelow;
  return {
    truePositive,
    falsePositive,
    falseNegative: foregroundTotal - truePositive,
    trueNegative: backgroundTotal - falsePositive,
  };
}

/**
 * The objective's score in [0, 1] (MCC in [−1, 1]) for the given confusion counts.
 * Undefined ratios (0/0) score 0, except F-measure and IoU with no foreground at all in truth
 * and prediction, which score 1 (nothing to find, nothing found).
 */
export function score(objective: Objective, confusion: Confusion): number {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn } = confusion;
  switch (objective) {
    case 'fmeasure':
      return tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
    case 'iou':
      return tp + fp + fn === 0 ? 1 : tp / (tp + fp + fn);
    case 'accuracy': {
      const total = tp + fp + fn + tn;
      return total === 0 ? 0 : (tp + tn) / total;
    }
    case 'balanced-accuracy': {
      const sensitivity = tp + fn === 0 ? 0 : tp / (tp + fn);
      const specificity = tn + fp === 0 ? 0 : tn / (tn + fp);
      return (sensitivity + specificity) / 2;
    }
    case 'mcc': {
      const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
      return denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator;
    }
  }
}

/**
 * Scores of all 256 thresholds, index = threshold, written to `into` when it is given (else to a
 * new array). O(256).
 */
export function scoreAllThresholds(
  classes: ClassHistograms,
  polarity: Polarity,
  objective: Objective,
  into: Float64Array = new Float64Array(BIN_COUNT),
): Float64Array {
  const sums = cumulativeClasses(classes, SEARCH_SUMS);
  if (objective === 'fmeasure') return fmeasureOfAllThresholds(sums, polarity, into);
  const last = BIN_COUNT - 1;
  const scores = into;
  for (let threshold = 0; threshold < BIN_COUNT; threshold++) {
    const confusion = confusionFromSums(
      sums.foreground[threshold], sums.background[threshold],
      sums.foreground[last], sums.background[last], polarity,
    );
    scores[threshold] = score(objective, confusion);
  }
  return scores;
}

/**
 * {@link score}'s F-measure of every threshold, the same operations on the same numbers
 * written out for the default objective: labelling and every benchmarked record need it, and
 * the general loop's confusion record and objective switch per threshold cost about as much
 * as the arithmetic.
 */
function fmeasureOfAllThresholds(
  sums: CumulativeClasses,
  polarity: Polarity,
  scores: Float64Array,
): Float64Array {
  const last = BIN_COUNT - 1;
  const foregroundTotal = sums.foreground[last];
  const backgroundTotal = sums.background[last];
  const dark = polarity === 'dark';
  for (let threshold = 0; threshold < BIN_COUNT; threshold++) {
    const foreground = sums.foreground[threshold];
    const background = sums.background[threshold];
    const truePositive = dark ? foreground : foregroundTotal - foreground;
    const falsePositive = dark ? background : backgroundTotal - background;
    const falseNegative = foregroundTotal - truePositive;
    scores[threshold] = truePositive + falsePositive + falseNegative === 0
      ? 1
      : (2 * truePositive) / (2 * truePositive + falsePositive + falseNegative);
  }
  return scores;
}

/** The exact best threshold of a labelled histogram pair and how flat the optimum is. */
export interface BestThreshold {
  /** The best threshold; among exactly tied thresholds, the middle one (lower median). */
  threshold: number;
  score: number;
  /**
   * Lowest and highest threshold scoring within 0.5% of the best score, relative to it: every
   * t with `score(t) ≥ best − |best| · 0.005` lies in the range. The range is not necessarily
   * contiguous: thresholds inside it may score below that cut-off (a dip between two peaks).
   */
  range: [number, number];
}

/** Relative tolerance that defines {@link BestThreshold.range}. */
export const BEST_RANGE_TOLERANCE = 0.005;

/** The lowest score counted in {@link BestThreshold.range}: `best − |best| · 0.005`. */
export function bestRangeCutoff(best: number): number {
  return best - Math.abs(best) * BEST_RANGE_TOLERANCE;
}

/** Exhaustive search over all 256 thresholds (exact; ties broken to the middle). */
export function bestThreshold(
  classes: ClassHistograms,
  polarity: Polarity,
  objective: Objective,
): BestThreshold {
  const scores = scoreAllThresholds(classes, polarity, objective, SEARCH_SCORES);
  let best = -Infinity;
  let tied = 0;
  for (let t = 0; t < BIN_COUNT; t++) {
    if (scores[t] > best) {
      best = scores[t];
      tied = 1;
    } else if (scores[t] === best) tied++;
  }
  const threshold = nthThresholdScoring(scores, best, (tied - 1) >> 1);

  const floor = bestRangeCutoff(best);
  let low = threshold;
  let high = threshold;
  for (let t = 0; t < BIN_COUNT; t++) {
    if (scores[t] >= floor) {
      low = Math.min(low, t);
      high = Math.max(high, t);
    }
  }
  return { threshold, score: best, range: [low, high] };
}

/** The threshold of the (n+1)-th lowest index whose score is exactly `value`. */
function nthThresholdScoring(scores: Float64Array, value: number, n: number): number {
  let seen = 0;
  for (let t = 0; t < BIN_COUNT; t++) {
    if (scores[t] === value && seen++ === n) return t;
  }
  return -1;
}

/**
 * Polarity of ground truth: `dark` when the mean gray value of the foreground is strictly below
 * that of the background, else `bright` (equal means, which no threshold can separate better
 * one way than the other, count as `bright`).
 */
export function polarityOfClasses(classes: ClassHistograms): Polarity {
  return meanBin(classes.foreground) < meanBin(classes.background) ? 'dark' : 'bright';
}

function meanBin(counts: ArrayLike<number>): number {
  let sum = 0;
  let weighted = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    sum += counts[bin];
    weighted += bin * counts[bin];
  }
  return sum === 0 ? 0 : weighted / sum;
}

/** Sum of two class histograms: the histogram of the whole image. */
export function combinedCounts(classes: ClassHistograms): Float64Array {
  const counts = new Float64Array(BIN_COUNT);
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    counts[bin] = classes.foreground[bin] + classes.background[bin];
  }
  return counts;
}

export type { Histogram };
