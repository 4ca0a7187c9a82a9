/**
 * Labelled records turned into the flat arrays that training and evaluation read: features,
 * base thresholds, class histograms (as fractions of the image's pixels) and targets.
 */
import { createHash } from 'node:crypto';
import { createHistogram, BIN_COUNT, type Histogram } from '../histogram/histogram.js';
import { OBJECTIVE_NAMES } from '../label/objectives.js';
import type { LabelRecord } from '../label/schema.js';
import {
  classicalThresholds,
  computeFeatures,
  meanBin,
  type ClassicalMethod,
  type ClassicalThresholds,
  type FeatureDefinition,
} from './features.js';

/** Base methods a threshold correction can start from (`none`: absolute threshold). */
export const BASE_METHODS = [
  'li', 'otsu', 'mean', 'triangle', 'none',
] as const satisfies readonly (ClassicalMethod | 'none')[];
export type BaseMethod = (typeof BASE_METHODS)[number];

/** N records as row-major typed arrays. */
export interface Examples {
  count: number;
  featureSize: number;
  /** [N × featureSize], un-standardized. */
  features: Float32Array;
  /** [N] base threshold (bins); 0 when the base method is `none`. */
  baseThreshold: Float32Array;
  /** [N × 256] class histograms divided by the image's pixel count (zeros without classes). */
  foreground: Float32Array;
  background: Float32Array;
  hasClasses: Float32Array;
  dark: Float32Array;
  bestThreshold: Float32Array;
  bestScore: Float32Array;
  hasScore: Float32Array;
  /** [N × 5] one-hot objective (F-measure when the record names none). */
  objective: Float32Array;
  /** [N] weight of each record in the loss (1 unless datasets are balanced). */
  weight: Float32Array;
}

/** Base threshold of a histogram: the base method's, with failures replaced as in features. */
export function baseThresholdOf(
  classical: ClassicalThresholds | null,
  base: BaseMethod,
): number {
  if (base === 'none' || classical === null) return 0;
  return classical[base];
}

/** Classical thresholds are only computed when the features or the base method need them. */
function needsClassical(definition: FeatureDefinition, base: BaseMethod): boolean {
  return base !== 'none' || definition.blocks.includes('classical');
}

export function histogramOfRecord(record: LabelRecord): Histogram {
  return createHistogram(record.histogram);
}

/** Builds the arrays of `records` (in order). */
export function buildExamples(
  records: readonly LabelRecord[],
  definition: FeatureDefinition,
  base: BaseMethod,
): Examples {
  const count = records.length;
  const examples: Examples = {
    count,
    featureSize: definition.size,
    features: new Float32Array(count * definition.size),
    baseThreshold: new Float32Array(count),
    foreground: new Float32Array(count * BIN_COUNT),
    background: new Float32Array(count * BIN_COUNT),
    hasClasses: new Float32Array(count),
    dark: new Float32Array(count),
    bestThreshold: new Float32Array(count),
    bestScore: new Float32Array(count),
    hasScore: new Float32Array(count),
    objective: new Float32Array(count * OBJECTIVE_NAMES.length),
    weight: new Float32Array(count).fill(1),
  };
  records.forEach((record, index) => fillExample(examples, index, record, definition, base));
  return examples;
}

/**
 * Features and classical thresholds of records already seen, per feature set: the same record
 * object is featurized once however many folds or runs use it.
 */
const featureCache = new WeakMap<LabelRecord, Map<string, CachedFeatures>>();

interface CachedFeatures {
  features: Float32Array;
  classical: ClassicalThresholds | null;
}

function featuresOf(record: LabelRecord, definition: FeatureDefinition, base: BaseMethod) {
  const key = `${definition.name}/${definition.version}/${base === 'none' ? '-' : 'base'}`;
  let perRecord = featureCache.get(record);
  const cached = perRecord?.get(key);
  if (cached !== undefined) return cached;
  const histogram = histogramOfRecord(record);
  const classical = needsClassical(definition, base)
    ? classicalThresholds(histogram, Math.floor(meanBin(histogram)))
    : null;
  const features = computeFeatures(histogram, definition, classical ?? undefined);
  const entry = { features, classical };
  if (perRecord === undefined) featureCache.set(record, (perRecord = new Map()));
  perRecord.set(key, entry);
  return entry;
}

function fillExample(
  examples: Examples,
  index: number,
  record: LabelRecord,
  definition: FeatureDefinition,
  base: BaseMethod,
): void {
  const histogram = histogramOfRecord(record);
  const { features, classical } = featuresOf(record, definition, base);
  examples.features.set(features, index * definition.size);
  examples.baseThreshold[index] = baseThresholdOf(classical, base);

  // Class histograms as fractions of all pixels (the score is scale-invariant).
  const { foregroundHistogram, backgroundHistogram } = record;
  if (foregroundHistogram !== undefined && backgroundHistogram !== undefined) {
    const total = Math.max(histogram.total, 1);
    for (let bin = 0; bin < BIN_COUNT; bin++) {
      examples.foreground[index * BIN_COUNT + bin] = foregroundHistogram[bin] / total;
      examples.background[index * BIN_COUNT + bin] = backgroundHistogram[bin] / total;
    }
    examples.hasClasses[index] = 1;
  }

  examples.dark[index] = record.polarity === 'dark' ? 1 : 0;
  examples.bestThreshold[index] = record.bestThreshold;
  examples.bestScore[index] = Math.max(0, record.bestScore ?? 0);
  examples.hasScore[index] = record.bestScore === undefined ? 0 : 1;
  const objective = OBJECTIVE_NAMES.indexOf(record.objective ?? 'fmeasure');
  examples.objective[index * OBJECTIVE_NAMES.length + objective] = 1;
}

/**
 * Sets record weights so that every dataset weighs the same in the loss, whatever its number of
 * records: weight = N / (D · n_dataset) for N records in D datasets (mean weight 1).
 */
export function balanceDatasets(examples: Examples, records: readonly LabelRecord[]): void {
  const sizes = new Map<string, number>();
  for (const record of records) sizes.set(record.dataset, (sizes.get(record.dataset) ?? 0) + 1);
  records.forEach((record, index) => {
    examples.weight[index] = records.length / (sizes.size * (sizes.get(record.dataset) ?? 1));
  });
}

/** SHA-256 of the records' labelled content, in order: the training data's fingerprint. */
export function fingerprintRecords(records: readonly LabelRecord[]): string {
  const hash = createHash('sha256');
  for (const record of records) {
    hash.update(JSON.stringify([
      record.id, record.dataset, record.histogram, record.foregroundHistogram ?? null,
      record.backgroundHistogram ?? null, record.polarity, record.bestThreshold,
      record.objective ?? null, record.labelKind,
    ]));
    hash.update('\n');
  }
  return hash.digest('hex');
}
