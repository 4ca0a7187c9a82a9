/**
 * The labelled-record format (one JSON object per line in a `.jsonl` file), versioned and
 * validated with zod. Records made from images + ground-truth masks carry the two class
 * histograms, so any threshold can be scored exactly later; records labelled by eye carry only
 * the chosen threshold and polarity.
 */
import { z } from 'zod';
import { OBJECTIVE_NAMES } from './objectives.js';

/** Version of the record format written by this code. */
export const LABEL_SCHEMA_VERSION = 1;

const counts256 = z
  .array(z.number().nonnegative().finite())
  .length(256, { message: 'must hold exactly 256 counts' });

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a hex SHA-256 digest' });

const bin = z.number().int().min(0).max(255);

/** How an augmented record was made from its source (empty `steps` for the original image). */
export const AugmentationSchema = z.object({
  /** Crop in source pixels, before any photometric step. */
  crop: z.object({
    x: z.number().int().nonnegative(),
    y: z.number().int().nonnegative(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }).optional(),
  /** Photometric steps in the order applied, e.g. `{ kind: 'gamma', value: 0.7 }`. */
  steps: z.array(z.object({ kind: z.string(), value: z.number().optional() }).loose()),
  seed: z.number().int().optional(),
});

export const LabelRecordSchema = z.object({
  schemaVersion: z.literal(LABEL_SCHEMA_VERSION),
  /** Unique within a file. */
  id: z.string().min(1),
  /** Image path relative to the labelled folder's parent (e.g. `dibco2009/images/H01.png`). */
  source: z.string().min(1),
  /** Name of the collection the image belongs to (used to hold out whole datasets). */
  dataset: z.string().min(1),
  imageSha256: sha256,
  maskSha256: sha256.optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  histogram: counts256,
  /** How the 256 bins map to the image's units (omitted for 8-bit images: bin = gray value). */
  valueRange: z.object({
    min: z.number().int().nonnegative(),
    max: z.number().int().nonnegative(),
    bitDepth: z.union([z.literal(8), z.literal(16)]),
  }).optional(),
  foregroundHistogram: counts256.optional(),
  backgroundHistogram: counts256.optional(),
  polarity: z.enum(['dark', 'bright']),
  objective: z.enum(OBJECTIVE_NAMES).optional(),
  bestThreshold: bin,
  bestScore: z.number().min(-1).max(1).optional(),
  bestRange: z.tuple([bin, bin]).optional(),
  /** `mask`: exact label from a ground-truth mask; `manual`: threshold chosen by eye. */
  labelKind: z.enum(['mask', 'manual']),
  augmentation: AugmentationSchema.optional(),
  synthetic: z.boolean().optional(),
}).superRefine((record, context) => {
  if (record.labelKind !== 'mask') return;
  for (const key of ['foregroundHistogram', 'backgroundHistogram', 'objective'] as const) {
    if (record[key] === undefined) {
      context.addIssue({ code: 'custom', path: [key], message: 'required for mask labels' });
    }
  }
});

export type LabelRecord = z.infer<typeof LabelRecordSchema>;
export type Augmentation = z.infer<typeof AugmentationSchema>;
