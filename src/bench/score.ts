/**
 * Scoring every method on one prepared image.
 *
 * Global methods, the model and the oracle pick one threshold t from the histogram; their
 * confusion counts come exactly from the running sums of the class histograms (computed once per
 * image, O(1) per method), their DRD from the DRD-weighted class histograms in O(256). Local
 * methods were run on the pixels while the image was read; here they only pick the outcome of the
 * polarity in use.
 *
 * Polarity (a threshold t splits bins ≤ t from bins > t; `dark`: foreground ≤ t, `bright`:
 * foreground > t). The model always uses its own polarity head. Every other row, the oracle
 * included, uses the polarity in force for the run:
 * - `truth` (default): the ground truth's (the side whose mean gray value is lower is `dark`);
 * - `auto`: the polarity head of the first model, as a user without ground truth would get it.
 *   The oracle is then the best threshold *for that polarity*: the ceiling of a global method
 *   that is told the model's polarity.
 * `|t − best t|` is measured against the best threshold for the polarity the row used, so a
 * wrong polarity shows in the F-measure, not as a large threshold error.
 */
import { errorMessage } from '../errors.js';
import {
  confusionFromCumulative, cumulativeClasses, cumulativeClassesBuffer, type CumulativeClasses,
  type Polarity,
} from '../label/objectives.js';
import { globalThreshold } from '../methods/global/index.js';
import type { ThresholdPrediction } from '../model/index.js';
import { drdAtThreshold } from './drd.js';
import type { PreparedImage } from './inputs.js';
import { binarizationMetrics, type BinarizationMetrics } from './metrics.js';
import type { MethodResult, MethodSpec } from './results.js';

export interface ScoreContext {
  polarity: 'truth' | 'auto';
  /** Model predictions for this image, by learned row name. */
  predictions: ReadonlyMap<string, ThresholdPrediction>;
  /** Polarity of every non-learned row in `auto` mode (the first model's); `null`: none. */
  autoPolarity: Polarity | null;
}

/** The running class sums of the image being scored, reused for every image on this thread. */
const IMAGE_SUMS = cumulativeClassesBuffer();

/** Results of every method on one image (local methods: none for records without pixels). */
export function scoreImage(
  prepared: PreparedImage,
  methods: readonly MethodSpec[],
  context: ScoreContext,
): MethodResult[] {
  const polarity = context.polarity === 'auto' && context.autoPolarity !== null
    ? context.autoPolarity
    : prepared.image.truthPolarity;
  const sums = cumulativeClasses(prepared.classes, IMAGE_SUMS);
  const results: MethodResult[] = [];
  for (const method of methods) {
    const result = method.kind === 'local'
      ? scoreLocal(prepared, method, polarity)
      : scoreHistogramMethod(prepared, sums, method, polarity, context);
    if (result !== null) results.push(result);
  }
  return results;
}

/** A local method's outcome under the polarity in force (it ran once on the pixels). */
function scoreLocal(
  prepared: PreparedImage,
  method: MethodSpec,
  polarity: Polarity,
): MethodResult | null {
  const outcome = prepared.local.get(method.method);
  if (outcome === undefined) return null;
  const base = baseOf(prepared, method, polarity);
  if ('error' in outcome) return failed(base, outcome.error);
  const chosen = outcome[polarity];
  const drd = prepared.drd === null || prepared.drd.blocks === 0
    ? null
    : chosen.drdSum / prepared.drd.blocks;
  const metrics = binarizationMetrics(chosen.confusion, drd, null);
  return { ...base, threshold: null, metrics };
}

function scoreHistogramMethod(
  prepared: PreparedImage,
  sums: CumulativeClasses,
  method: MethodSpec,
  sharedPolarity: Polarity,
  context: ScoreContext,
): MethodResult | null {
  let threshold: number;
  let polarity = sharedPolarity;
  try {
    if (method.kind === 'oracle') {
      threshold = prepared.image.bestThresholds[polarity];
    } else if (method.kind === 'learned') {
      const prediction = context.predictions.get(method.name);
      if (prediction === undefined) return null;
      threshold = prediction.threshold;
      polarity = prediction.polarity;
    } else {
      threshold = globalThreshold(method.method, prepared.histogram);
    }
  } catch (error) {
    return failed(baseOf(prepared, method, polarity), errorMessage(error));
  }
  // Written out rather than spread from baseOf: one object per row instead of two.
  return {
    method: method.name,
    kind: method.kind,
    polarity,
    bestThreshold: prepared.image.bestThresholds[polarity],
    threshold,
    metrics: globalMetrics(prepared, threshold, polarity, sums),
  };
}

/**
 * Every metric of global threshold t under `polarity`, exactly from the histograms; the
 * threshold error is measured against the best threshold for `polarity`.
 */
export function globalMetrics(
  prepared: PreparedImage,
  threshold: number,
  polarity: Polarity,
  sums: CumulativeClasses = cumulativeClasses(prepared.classes),
): BinarizationMetrics {
  return binarizationMetrics(
    confusionFromCumulative(sums, threshold, polarity),
    prepared.drd === null ? null : drdAtThreshold(prepared.drd, threshold, polarity),
    Math.abs(threshold - prepared.image.bestThresholds[polarity]),
  );
}

type ResultBase = Pick<MethodResult, 'method' | 'kind' | 'polarity' | 'bestThreshold'>;

function baseOf(prepared: PreparedImage, method: MethodSpec, polarity: Polarity): ResultBase {
  return {
    method: method.name,
    kind: method.kind,
    polarity,
    bestThreshold: prepared.image.bestThresholds[polarity],
  };
}

function failed(base: ResultBase, message: string): MethodResult {
  return { ...base, threshold: null, metrics: null, error: message };
}
