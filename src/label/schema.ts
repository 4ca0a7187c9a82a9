/**
 * The labelled-record format (one JSON object per line in a `.jsonl` file), versioned and
 * validated with zod. Two kinds of record, told apart by `labelKind`:
 * - `mask`: labelled from an image and its ground-truth mask. It carries the two class
 *   histograms, so any threshold can be scored exactly later, the objective, the exact best
 *   threshold, its score and `bestRange`;
 * - `manual`: a threshold chosen by eye. It carries only the histogram, the chosen threshold and
 *   the polarity; the fields of mask labels must be absent.
 *
 * Convention: threshold t splits bins ≤ t from bins > t; polarity `dark`: the foreground is ≤ t,
 * `bright`: the foreground is > t.
 *
 * `bestRange` is `[lowest, highest]` of the thresholds scoring within 0.5% of the best score,
 * relative to it (`score(t) ≥ bestScore − |bestScore| · 0.005`). It is not necessarily
 * contiguous: thresholds between its ends may score below that cut-off.
 *
 * Validation goes beyond types for mask labels: `histogram` must equal `foregroundHistogram +
 * backgroundHistogram` bin by bin, both classes must be present, and the scores recomputed from
 * the class histograms must agree with `bestThreshold`, `bestScore` and `bestRange` (within
 * 1e-9). Unique ids are a property of a file, checked by the readers (`records-io.ts`).
 *
 * Versions: 2 (this one) added `labelling` and the checks above and made the fields of mask
 * labels required; version 1 lines are read as version 2 when they pass the same checks.
 */
import { z } from 'zod';
import { bestRangeCutoff, OBJECTIVE_NAMES, scoreAllThresholds } from './objectives.js';

/** Version of the record format written by this code. */
export const LABEL_SCHEMA_VERSION = 2;

/** Older versions that readers accept, read as the current version (same fields). */
export const READABLE_SCHEMA_VERSIONS = [1, LABEL_SCHEMA_VERSION] as const;

/** Largest difference tolerated between a stored and a recomputed score. */
const SCORE_TOLERANCE = 1e-9;

/**
 * 256 finite counts ≥ 0. Checked by one plain loop rather than a schema per element: a record
 * holds up to three such arrays, and reading labelled records is bound by this check.
 */
const counts256 = z.unknown().transform((value, context): number[] => {
  const problem = countsProblem(value);
  if (problem === null) return value as number[];
  context.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
});

/** What is wrong with `value` as 256 counts, or null. */
function countsProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'must be an array of 256 counts';
  if (value.length !== 256) return `must hold exactly 256 counts, not ${value.length}`;
  for (let bin = 0; bin < 256; bin++) {
    const count: unknown = value[bin];
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      const shown = typeof count === 'number' ? String(count) : JSON.stringify(count);
      return `bin ${bin} must be a finite count ≥ 0, not ${shown ?? 'missing'}`;
    }
  }
  return null;
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a hex SHA-256 digest' });

const bin = z.number().int().min(0).max(255);

const positiveInteger = z.number().int().positive();
const count = z.number().int().nonnegative();

/** One transform of an augmented record, with the values that reproduce it. */
export const AugmentationStepSchema = z.discriminatedUnion('kind', [
  /** Photometric (applied to the class histograms): see `photometric.ts`. */
  z.object({ kind: z.literal('gamma'), value: z.number().positive() }),
  z.object({ kind: z.literal('contrast'), value: z.number().positive() }),
  z.object({ kind: z.literal('brightness'), value: z.number().int() }),
  z.object({ kind: z.literal('invert') }),
  z.object({ kind: z.literal('noise'), value: z.number().positive() }),
  /** Pixel-level (applied to the pixels, then counted again): see `pixel-variants.ts`. */
  z.object({ kind: z.literal('blur'), value: z.number().positive() }),
  z.object({ kind: z.literal('jpeg'), value: z.number().int().min(1).max(100) }),
  z.object({ kind: z.literal('gradient'), value: z.number(), angle: z.number() }),
]);

/** How an augmented record was made from its source image. */
export const AugmentationSchema = z.object({
  /** Crop in source pixels, before any step; absent when the whole image was used. */
  crop: z.object({
    x: count,
    y: count,
    width: positiveInteger,
    height: positiveInteger,
  }).optional(),
  /** Steps in the order applied (empty for a plain crop). */
  steps: z.array(AugmentationStepSchema),
  /**
   * Seed of the image's random choices (derived from the run's seed and the image id); every
   * record `label` makes has it.
   */
  seed: count.optional(),
});

/**
 * The settings of the `autothresh label` run that made a record, and how many records that run
 * made from the record's image. `--resume` continues a file only with the same settings, and
 * treats an image as done only when all `imageRecords` of its records are present.
 */
export const LabellingSchema = z.object({
  /** Mask values `> maskThreshold` were foreground. */
  maskThreshold: z.number(),
  /** Crops asked for per image (fewer when an image has too few crops with both classes). */
  crops: count,
  /** Photometric variants per record (the whole image and each crop). */
  photometricVariants: count,
  /** Pixel-level variants per image (blur, JPEG, illumination gradient in turn). */
  pixelVariants: count,
  seed: count,
  /** Prefix put before every id (e.g. `dibco2009/`). */
  idPrefix: z.string(),
  /** Records the run made from this image: its own and its augmented ones. */
  imageRecords: positiveInteger,
});

/** Fields every record has. */
const commonFields = {
  schemaVersion: z.literal(LABEL_SCHEMA_VERSION, {
    message: `expected ${LABEL_SCHEMA_VERSION} (or 1, read as ${LABEL_SCHEMA_VERSION}); ` +
      'a newer autothresh may have written this file',
  }),
  /** Unique within a file. */
  id: z.string().min(1),
  /** Image path relative to the labelled folder's parent (e.g. `dibco2009/images/H01.png`). */
  source: z.string().min(1),
  /** Name of the collection the image belongs to (used to hold out whole datasets). */
  dataset: z.string().min(1),
  imageSha256: sha256,
  width: positiveInteger,
  height: positiveInteger,
  histogram: counts256,
  /** How the 256 bins map to the image's units (omitted for 8-bit images: bin = gray value). */
  valueRange: z.object({
    min: count,
    max: count,
    bitDepth: z.union([z.literal(8), z.literal(16)]),
  }).refine((range) => range.min <= range.max, { message: 'min must not exceed max' })
    .optional(),
  polarity: z.enum(['dark', 'bright']),
  bestThreshold: bin,
  /** How the record was made from `source`; absent for the whole, unchanged image. */
  augmentation: AugmentationSchema.optional(),
  synthetic: z.boolean().optional(),
};

/**
 * Order of the fields in a record, as `recordFromClasses` writes them and as parsing returns
 * them, so that a record read and written again keeps its bytes.
 */
const FIELD_ORDER = [
  'schemaVersion', 'id', 'source', 'dataset', 'imageSha256', 'maskSha256', 'width', 'height',
  'histogram', 'valueRange', 'foregroundHistogram', 'backgroundHistogram', 'polarity',
  'objective', 'bestThreshold', 'bestScore', 'bestRange', 'labelKind', 'augmentation',
  'synthetic', 'labelling',
] as const;

function inFieldOrder<Shape extends Record<(typeof FIELD_ORDER)[number], z.ZodType>>(
  shape: Shape,
): Shape {
  return Object.fromEntries(FIELD_ORDER.map((key) => [key, shape[key]])) as Shape;
}

/** A field that only mask labels may have. */
const onlyForMasks = z.undefined({ message: 'only mask labels (labelKind "mask") have it' })
  .optional();

export const MaskLabelRecordSchema = z.object(inFieldOrder({
  ...commonFields,
  /** Exact label from a ground-truth mask. */
  labelKind: z.literal('mask'),
  maskSha256: sha256,
  foregroundHistogram: counts256,
  backgroundHistogram: counts256,
  objective: z.enum(OBJECTIVE_NAMES),
  /** The objective's score at `bestThreshold` (MCC in [−1, 1], the others in [0, 1]). */
  bestScore: z.number().min(-1).max(1),
  /** Lowest and highest threshold scoring within 0.5% of `bestScore` (not always contiguous). */
  bestRange: z.tuple([bin, bin]),
  labelling: LabellingSchema.optional(),
}));

export const ManualLabelRecordSchema = z.object(inFieldOrder({
  ...commonFields,
  /** Threshold chosen by eye. */
  labelKind: z.literal('manual'),
  maskSha256: onlyForMasks,
  foregroundHistogram: onlyForMasks,
  backgroundHistogram: onlyForMasks,
  objective: onlyForMasks,
  bestScore: onlyForMasks,
  bestRange: onlyForMasks,
  labelling: onlyForMasks,
}));

export const LabelRecordSchema = z
  .discriminatedUnion('labelKind', [MaskLabelRecordSchema, ManualLabelRecordSchema])
  .superRefine((record, context) => {
    const problem = record.labelKind === 'mask'
      ? maskLabelProblem(record)
      : cropProblem(record);
    if (problem !== null) context.addIssue({ code: 'custom', ...problem });
  });

export type LabelRecord = z.infer<typeof LabelRecordSchema>;
export type MaskLabelRecord = z.infer<typeof MaskLabelRecordSchema>;
export type ManualLabelRecord = z.infer<typeof ManualLabelRecordSchema>;
export type Augmentation = z.infer<typeof AugmentationSchema>;
export type AugmentationStep = z.infer<typeof AugmentationStepSchema>;
export type Labelling = z.infer<typeof LabellingSchema>;

interface Problem {
  path: Array<string | number>;
  message: string;
}

/** The first inconsistency of a mask label, or null. */
function maskLabelProblem(record: MaskLabelRecord): Problem | null {
  return cropProblem(record) ?? sumProblem(record) ?? classesProblem(record) ??
    bestProblem(record);
}

function cropProblem(record: LabelRecord): Problem | null {
  const crop = record.augmentation?.crop;
  if (crop === undefined || (crop.width === record.width && crop.height === record.height)) {
    return null;
  }
  return {
    path: ['augmentation', 'crop'],
    message: `is ${crop.width}×${crop.height}, the record ${record.width}×${record.height}`,
  };
}

function sumProblem(record: MaskLabelRecord): Problem | null {
  const { histogram, foregroundHistogram: foreground, backgroundHistogram: background } = record;
  let total = 0;
  for (let bin = 0; bin < 256; bin++) {
    const sum = foreground[bin] + background[bin];
    total += histogram[bin];
    if (Math.abs(histogram[bin] - sum) > 1e-9 * Math.max(1, sum)) {
      return {
        path: ['histogram', bin],
        message: `is ${histogram[bin]}, but foregroundHistogram + backgroundHistogram = ${sum}`,
      };
    }
  }
  // Noise variants hold expected (rounded) counts: their total may differ a little.
  const pixels = record.width * record.height;
  if (total > pixels * (1 + 1e-3)) {
    return {
      path: ['histogram'],
      message: `counts ${total} pixels, more than width × height = ${pixels}`,
    };
  }
  return null;
}

function classesProblem(record: MaskLabelRecord): Problem | null {
  const sum = (counts: readonly number[]): number => {
    let total = 0;
    for (let bin = 0; bin < counts.length; bin++) total += counts[bin];
    return total;
  };
  if (sum(record.foregroundHistogram) <= 0) {
    return { path: ['foregroundHistogram'], message: 'is empty: no foreground pixel' };
  }
  if (sum(record.backgroundHistogram) <= 0) {
    return { path: ['backgroundHistogram'], message: 'is empty: no background pixel' };
  }
  return null;
}

/** The scores {@link bestProblem} checks, reused by every record validated on this thread. */
const BEST_SCORES = new Float64Array(256);

/** `bestThreshold`, `bestScore` and `bestRange` against the scores of all 256 thresholds. */
function bestProblem(record: MaskLabelRecord): Problem | null {
  const classes = {
    foreground: record.foregroundHistogram, background: record.backgroundHistogram,
  };
  const scores = scoreAllThresholds(classes, record.polarity, record.objective, BEST_SCORES);
  let best = -Infinity;
  for (let t = 0; t < scores.length; t++) best = Math.max(best, scores[t]);
  const [low, high] = record.bestRange;
  if (Math.abs(record.bestScore - best) > SCORE_TOLERANCE) {
    return {
      path: ['bestScore'],
      message: `is ${record.bestScore}, but the best ${record.objective} over all thresholds ` +
        `is ${best}`,
    };
  }
  if (Math.abs(scores[record.bestThreshold] - best) > SCORE_TOLERANCE) {
    return {
      path: ['bestThreshold'],
      message: `scores ${scores[record.bestThreshold]}, not the best score ${best}`,
    };
  }
  if (!(low <= record.bestThreshold && record.bestThreshold <= high)) {
    return {
      path: ['bestRange'],
      message: `[${low}, ${high}] must be ordered and contain bestThreshold ` +
        `${record.bestThreshold}`,
    };
  }
  const cutoff = bestRangeCutoff(best);
  const within = (t: number): boolean => scores[t] >= cutoff - SCORE_TOLERANCE;
  const outside = (t: number): boolean => scores[t] < cutoff + SCORE_TOLERANCE;
  for (let t = 0; t < 256; t++) {
    const wrong = t === low || t === high ? !within(t) : (t < low || t > high) && !outside(t);
    if (wrong) {
      return {
        path: ['bestRange'],
        message: `[${low}, ${high}] is not the lowest and highest threshold scoring within ` +
          `0.5% of the best (threshold ${t} scores ${scores[t]}, cut-off ${cutoff})`,
      };
    }
  }
  return null;
}
