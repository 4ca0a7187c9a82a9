/**
 * `metadata.json`, written beside `model.json`: everything needed to use the weights (feature
 * definition, standardization statistics, the heads' meaning) and to know where they came from
 * (seed, training configuration, data fingerprint, validation metrics, versions). Validated with
 * zod when loading; a model whose metadata disagrees with this code is refused, naming the field.
 */
import { z } from 'zod';
import { AutothreshError } from '../errors.js';
import { OBJECTIVE_NAMES } from '../label/objectives.js';
import { HEAD_NAMES, LOSS_NAMES, NORMALIZATIONS } from './config.js';
import { BASE_METHODS } from './examples.js';
import {
  FEATURE_BLOCKS, FEATURE_SET_NAMES, MIN_FEATURE_STD, featureDefinition,
} from './features.js';
import { THRESHOLD_CENTER, THRESHOLD_SCALE } from './heads.js';

export const MODEL_FORMAT = 'autothresh-model';
export const MODEL_FORMAT_VERSION = 1;

const finite = z.number().finite();

/** The largest finite 32-bit float, 2^128 − 2^104. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export const ModelMetadataSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.number().int(),
  features: z.object({
    name: z.enum(FEATURE_SET_NAMES as [string, ...string[]]),
    version: z.number().int(),
    blocks: z.array(z.enum(FEATURE_BLOCKS)),
    size: z.number().int().positive(),
    classicalMethods: z.array(z.string()),
    statistics: z.array(z.string()),
  }),
  normalization: z.object({ mean: z.array(finite), std: z.array(finite) }),
  network: z.object({
    hidden: z.array(z.number().int().positive()),
    normalization: z.enum(NORMALIZATIONS),
    dropout: z.number().min(0).max(1),
  }),
  heads: z.object({
    names: z.array(z.string()),
    threshold: z.object({
      baseMethod: z.enum(BASE_METHODS),
      scale: finite,
      center: finite,
      rounding: z.string(),
    }),
    polarity: z.string(),
    quality: z.string(),
  }),
  seed: z.number().int(),
  training: z.object({
    epochs: z.number().int(),
    epochsRun: z.number().int(),
    bestEpoch: z.number().int(),
    batchSize: z.number().int(),
    learningRate: finite,
    loss: z.enum(LOSS_NAMES),
    objectives: z.array(z.enum(OBJECTIVE_NAMES)),
    headWeights: z.object({ threshold: finite, polarity: finite, quality: finite }),
    temperature: z.object({ start: finite, end: finite }),
    validation: z.string(),
    patience: z.number().int(),
    balance: z.enum(['dataset', 'none']),
    init: z.string().nullable(),
    backend: z.string(),
  }),
  data: z.object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    records: z.number().int().nonnegative(),
    datasets: z.array(z.string()),
  }),
  validation: z.object({
    records: z.number().int().nonnegative(),
    fmeasure: finite.nullable(),
    polarityAccuracy: finite,
    thresholdMae: finite,
  }).nullable(),
  versions: z.object({ autothresh: z.string(), tfjs: z.string() }),
});

export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

/** How the heads are described in metadata (constants of this code). */
export function headsDescription(baseMethod: ModelMetadata['heads']['threshold']['baseMethod']) {
  return {
    names: [...HEAD_NAMES],
    threshold: {
      baseMethod,
      scale: THRESHOLD_SCALE,
      center: THRESHOLD_CENTER,
      rounding: 'floor(t + 0.5) clipped to 0..255 (bins <= t vs > t)',
    },
    polarity: 'sigmoid(output) = probability that the foreground is dark (<= t)',
    quality: 'sigmoid(output) = predicted best-threshold score of the image, in [0, 1]',
  };
}

/**
 * Validates parsed `metadata.json` and checks that it matches this code (format version,
 * feature definition, heads) and that its standardization is one training can write. Throws
 * `autothresh.model` naming the first differing field.
 */
export function checkMetadata(raw: unknown, where: string): ModelMetadata {
  const parsed = ModelMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AutothreshError(
      'autothresh.model',
      `${where}: field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const metadata = parsed.data;
  const expected = featureDefinition(metadata.features.name as never);
  const description = headsDescription(metadata.heads.threshold.baseMethod);
  const pairs: [string, unknown, unknown][] = [
    ['formatVersion', metadata.formatVersion, MODEL_FORMAT_VERSION],
    ...Object.entries(expected).map(([key, value]): [string, unknown, unknown] =>
      [`features.${key}`, (metadata.features as Record<string, unknown>)[key], value]),
    ['heads.names', metadata.heads.names, description.names],
    ['heads.threshold.scale', metadata.heads.threshold.scale, THRESHOLD_SCALE],
    ['heads.threshold.center', metadata.heads.threshold.center, THRESHOLD_CENTER],
    ['normalization.mean length', metadata.normalization.mean.length, expected.size],
    ['normalization.std length', metadata.normalization.std.length, expected.size],
  ];
  for (const [field, found, wanted] of pairs) {
    if (JSON.stringify(found) !== JSON.stringify(wanted)) {
      throw new AutothreshError(
        'autothresh.model',
        `${where}: field ${field} is ${JSON.stringify(found)}, ` +
          `this version of autothresh expects ${JSON.stringify(wanted)}`,
      );
    }
  }
  checkFloat32(metadata.normalization, where);
  checkStandardization(metadata.normalization.std, where);
  return metadata;
}

/**
 * Every standardization mean and std is a finite 32-bit float, as training writes them: the
 * features are standardized in float32 (by prediction and fine-tuning alike), where a larger
 * value makes them infinite and every output NaN. (The schema has already refused Infinity, what
 * `JSON.parse` gives for 1e400; the other numbers the computation reads,
 * `heads.threshold.scale` and `center`, must equal this code's constants.)
 */
function checkFloat32(normalization: ModelMetadata['normalization'], where: string): void {
  for (const field of ['mean', 'std'] as const) {
    const values = normalization[field];
    const index = values.findIndex((value) => !(Math.abs(value) <= FLOAT32_MAX));
    if (index >= 0) {
      throw new AutothreshError(
        'autothresh.model',
        `${where}: field normalization.${field}.${index} is ${values[index]}, which a 32-bit ` +
          'float cannot hold',
      );
    }
  }
}

/**
 * Every std is at least the floor training gives a constant feature (stored as float32): a
 * smaller one (0 included) is not a model training wrote, and would blow features up. A mean
 * or std that is not a finite float32 is already refused ({@link checkFloat32}).
 */
function checkStandardization(std: readonly number[], where: string): void {
  const floor = Math.fround(MIN_FEATURE_STD);
  const index = std.findIndex((value) => !(value >= floor));
  if (index >= 0) {
    throw new AutothreshError(
      'autothresh.model',
      `${where}: field normalization.std.${index} is ${std[index]}, expected at least ` +
        `${MIN_FEATURE_STD} (training's floor for a constant feature)`,
    );
  }
}
