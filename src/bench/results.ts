/**
 * What a benchmark run produces: one {@link ImageResult} per image and method, the images'
 * facts, and the summaries. Plain JSON-friendly data, so the report layer can render it any way.
 */
import type { Polarity } from '../label/objectives.js';
import type { BinarizationMetrics } from './metrics.js';

/**
 * How a method picks its binarization:
 * - `global`: a classical method, one threshold from the histogram;
 * - `learned`: the model, threshold and polarity from the histogram;
 * - `oracle`: the best global threshold for the ground truth (the ceiling of any global method);
 * - `local`: a threshold per pixel from its neighbourhood (needs pixels).
 */
export type MethodKind = 'global' | 'learned' | 'oracle' | 'local';

/** One row of the comparison. */
export interface MethodSpec {
  /** Row name (`otsu`, `sauvola`, `learned`, `learned:small`, `oracle`). */
  readonly name: string;
  readonly kind: MethodKind;
  /** The registered method behind the row (`otsu`, `sauvola`); the model folder for `learned`. */
  readonly method: string;
}

/** Facts about one benchmark image (or labelled record). */
export interface BenchImage {
  id: string;
  dataset: string;
  /** Image path (image input) or the record's `source` (JSONL input). */
  source: string;
  width: number;
  height: number;
  /** Polarity of the ground truth (from the class means, or the record's `polarity`). */
  truthPolarity: Polarity;
  /** Best global threshold for the ground truth under the bench objective and its polarity. */
  bestThreshold: number;
  /**
   * Best global threshold under the bench objective for each polarity: what a method that
   * used that polarity is measured against (`|t − best t|`, and the oracle under `auto`).
   */
  bestThresholds: Record<Polarity, number>;
  /** The image histogram (256 counts) the global methods saw. */
  histogram: number[];
  /** Where the pixels are, for image input (the HTML gallery re-reads them). */
  files?: { image: string; mask: string; roi?: string };
  /**
   * SHA-256 of the original image's file (as `label` records it), to find one image given
   * twice: that of an `--images` image or of a record of a whole image; absent for a crop or
   * variant (a record with `augmentation`).
   */
  imageSha256?: string;
}

/** The result of one method on one image. */
export interface ImageResult {
  /** Index of the image in {@link BenchResult.images}. */
  image: number;
  method: string;
  kind: MethodKind;
  /** Threshold bin for global kinds; `null` for local methods and failures. */
  threshold: number | null;
  /** Polarity the binarization used. */
  polarity: Polarity | null;
  /** Best global threshold for that polarity (what `thresholdError` is measured against). */
  bestThreshold: number | null;
  /** `null` when the method failed on this image (see `error`). */
  metrics: BinarizationMetrics | null;
  error?: string;
}

/** A result before the runner has placed its image in {@link BenchResult.images}. */
export type MethodResult = Omit<ImageResult, 'image'>;

/** Mean and bootstrap confidence interval of one metric over a group of images. */
export interface MetricSummary {
  /** Mean over the images the method scored; `null` when it scored none. */
  mean: number | null;
  /** Bootstrap interval of the mean; `null` when not computed for this metric. */
  interval: [number, number] | null;
}

/** Wins, ties and losses of a method against the reference method (per-image F-measure). */
export interface Comparison {
  wins: number;
  ties: number;
  losses: number;
}

/** One method over one group of images (a dataset, or all images). */
export interface MethodSummary {
  /** Dataset name, or {@link ALL_DATASETS} for every image. */
  dataset: string;
  method: string;
  kind: MethodKind;
  /** Images the method scored. */
  images: number;
  /** Images the method failed on (left out of the means). */
  failed: number;
  metrics: Record<string, MetricSummary>;
  /**
   * Against the reference method (Otsu); `null` for the reference itself, without it, or when no
   * image of the group was scored by both.
   */
  versusReference: Comparison | null;
  /** Share of images whose polarity matched the ground truth (learned rows; else `null`). */
  polarityAccuracy: number | null;
}

/** Name of the group that holds every image. */
export const ALL_DATASETS = 'all';

/** Settings of a run, echoed in every output. */
export interface BenchSettings {
  polarity: 'truth' | 'auto';
  objective: string;
  resamples: number;
  seed: number;
  level: number;
  /** Per-image F-measure differences within this count as ties. */
  tieTolerance: number;
  reference: string;
  roi: boolean;
  /** Mask values `> maskThreshold` were foreground (image input). */
  maskThreshold: number;
  /** Largest image, mask or ROI read, in pixels. */
  maxPixels: number;
  /** Local-method parameters given for the run (each local row took those it uses). */
  localParams: Partial<Record<string, number>>;
}

export interface BenchResult {
  settings: BenchSettings;
  methods: MethodSpec[];
  images: BenchImage[];
  /** How many of `images` are labelled records (the last ones); the others are image files. */
  records: number;
  results: ImageResult[];
  summaries: MethodSummary[];
  /** Notes for the reader (skipped methods, fallbacks), one line each. */
  notes: string[];
  /**
   * Inputs that could not be used: file and reason. An entry can stand for several problems
   * (`… and 12 more invalid lines`): `count`, 1 when absent.
   */
  failures: { file: string; message: string; count?: number }[];
  /**
   * Seconds spent reading and scoring, images (and records) per second, and the worker
   * threads used (0: all work on the calling thread).
   */
  timing: { seconds: number; imagesPerSecond: number; workers: number };
}
