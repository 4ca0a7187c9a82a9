/**
 * Scored images in a compact form for the trip from a worker thread back to the calling
 * thread: the histograms and the result rows as flat Float64Arrays (copied as blocks of bytes)
 * instead of tens of small objects per record, which would cost more to copy than to compute.
 *
 * A row is {@link ROW_WIDTH} numbers: the method's index in the run's method list, the threshold,
 * the polarity (0 dark, 1 bright), the best threshold for it, then the metrics in
 * `METRIC_NAMES` order. `null` travels as NaN (no metric value is ever NaN); a failed row has
 * NaN metrics and its message in `errors`.
 */
import { BIN_COUNT } from '../histogram/histogram.js';
import type { Polarity } from '../label/objectives.js';
import { METRIC_NAMES, type BinarizationMetrics } from './metrics.js';
import type { BenchImage, MethodResult, MethodSpec } from './results.js';
import type { ScoredImage } from './work.js';

/** Numbers per result row. */
export const ROW_WIDTH = 4 + METRIC_NAMES.length;

export interface PackedScores {
  /** The images without their histograms. */
  images: Omit<BenchImage, 'histogram'>[];
  /** `images.length × 256` counts. */
  histograms: Float64Array;
  /** Rows of each image. */
  rowCounts: Uint16Array;
  rows: Float64Array;
  /** Messages of failed rows, by row number. */
  errors: Record<number, string>;
}

const POLARITIES: readonly Polarity[] = ['dark', 'bright'];

/** Packs scored images whose rows all name methods of `methods`. */
export function packScores(
  scored: readonly ScoredImage[],
  methods: readonly MethodSpec[],
): PackedScores {
  const indexOf = new Map(methods.map((method, index) => [method.name, index]));
  const total = scored.reduce((sum, item) => sum + item.results.length, 0);
  const packed: PackedScores = {
    images: [],
    histograms: new Float64Array(scored.length * BIN_COUNT),
    rowCounts: new Uint16Array(scored.length),
    rows: new Float64Array(total * ROW_WIDTH),
    errors: {},
  };
  let row = 0;
  scored.forEach(({ image, results }, index) => {
    const { histogram, ...facts } = image;
    packed.images.push(facts);
    packed.histograms.set(histogram, index * BIN_COUNT);
    packed.rowCounts[index] = results.length;
    for (const result of results) {
      writeRow(packed.rows, row * ROW_WIDTH, result, indexOf.get(result.method)!);
      if (result.error !== undefined) packed.errors[row] = result.error;
      row++;
    }
  });
  return packed;
}

function writeRow(rows: Float64Array, at: number, result: MethodResult, method: number): void {
  rows[at] = method;
  rows[at + 1] = result.threshold ?? NaN;
  rows[at + 2] = result.polarity === null ? NaN : POLARITIES.indexOf(result.polarity);
  rows[at + 3] = result.bestThreshold ?? NaN;
  const metrics = result.metrics;
  if (metrics === null) {
    rows.fill(NaN, at + 4, at + ROW_WIDTH);
    return;
  }
  // Field by field, in METRIC_NAMES order (checked by the round-trip test).
  rows[at + 4] = metrics.fmeasure;
  rows[at + 5] = metrics.precision;
  rows[at + 6] = metrics.recall;
  rows[at + 7] = metrics.accuracy;
  rows[at + 8] = metrics.iou;
  rows[at + 9] = metrics.mcc;
  rows[at + 10] = metrics.psnr;
  rows[at + 11] = metrics.drd ?? NaN;
  rows[at + 12] = metrics.thresholdError ?? NaN;
}

/** The scored images back as objects, equal to those packed. */
export function unpackScores(packed: PackedScores, methods: readonly MethodSpec[]): ScoredImage[] {
  let row = 0;
  return packed.images.map((facts, index) => {
    const histogram = new Array<number>(BIN_COUNT);
    for (let bin = 0, at = index * BIN_COUNT; bin < BIN_COUNT; bin++) {
      histogram[bin] = packed.histograms[at + bin];
    }
    const image: BenchImage = { ...facts, histogram };
    const results: MethodResult[] = [];
    for (let k = 0; k < packed.rowCounts[index]; k++, row++) {
      results.push(readRow(packed.rows, row * ROW_WIDTH, methods, packed.errors[row]));
    }
    return { image, results };
  });
}

function readRow(
  rows: Float64Array,
  at: number,
  methods: readonly MethodSpec[],
  error: string | undefined,
): MethodResult {
  const method = methods[rows[at]];
  const polarity = orNull(rows[at + 2]);
  // One object literal per outcome (a spread of a shared base would copy it again).
  const metrics: BinarizationMetrics | null = error !== undefined ? null : {
    fmeasure: rows[at + 4],
    precision: rows[at + 5],
    recall: rows[at + 6],
    accuracy: rows[at + 7],
    iou: rows[at + 8],
    mcc: rows[at + 9],
    psnr: rows[at + 10],
    drd: orNull(rows[at + 11]),
    thresholdError: orNull(rows[at + 12]),
  };
  const result: MethodResult = {
    method: method.name,
    kind: method.kind,
    threshold: orNull(rows[at + 1]),
    polarity: polarity === null ? null : POLARITIES[polarity],
    bestThreshold: orNull(rows[at + 3]),
    metrics,
  };
  if (error !== undefined) result.error = error;
  return result;
}

function orNull(value: number): number | null {
  return value === value ? value : null;
}
