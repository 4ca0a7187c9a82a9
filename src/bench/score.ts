/**
 * Scoring every method on one prepared image.
 *
 * Global methods, the model and the oracle pick one threshold t from the histogram; their
 * confusion counts come exactly from the class histograms (`confusionAt`), their DRD from the
 * DRD-weighted class histograms, in O(256) each. Local methods were run on the pixels while the
 * image was read; here they only pick the outcome of the polarity in use.
 *
 * Polarity: the oracle always uses the ground truth's; the model its own polarity head. Other
 * methods use the ground truth's (`truth`, the default) or the model's prediction (`auto`).
 */
import { errorMessage } from '../errors.js';
import { confusionAt, type Objective, type Polarity } from '../label/objectives.js';
import { globalThreshold } from '../methods/global/index.js';
import type { ThresholdPrediction } from '../model/index.js';
import { drdAtThreshold } from './drd.js';
import type { PreparedImage } from './inputs.js';
import { metricsOfConfusion, type BinarizationMetrics } from './metrics.js';
import type { ImageResult, MethodSpec } from './results.js';

export interface ScoreContext {
  objective: Objective;
  polarity: 'truth' | 'auto';
  /** Model predictions for this image, by learned row name. */
  predictions: ReadonlyMap<string, ThresholdPrediction>;
  /** Polarity for the non-learned methods in `auto` mode (the first model's). */
  autoPolarity: Polarity | null;
}

/** Results of every method on one image (local methods: none for records without pixels). */
export function scoreImage(
  prepared: PreparedImage,
  index: number,
  methods: readonly MethodSpec[],
  context: ScoreContext,
): ImageResult[] {
  const results: ImageResult[] = [];
  for (const method of methods) {
    const result = scoreMethod(prepared, index, method, context);
    if (result !== null) results.push(result);
  }
  return results;
}

function scoreMethod(
  prepared: PreparedImage,
  index: number,
  method: MethodSpec,
  context: ScoreContext,
): ImageResult | null {
  const { truthPolarity } = prepared.image;
  const sharedPolarity = context.polarity === 'auto' && context.autoPolarity !== null
    ? context.autoPolarity
    : truthPolarity;
  const base = { image: index, method: method.name, kind: method.kind };

  if (method.kind === 'local') {
    const outcome = prepared.local.get(method.method);
    if (outcome === undefined) return null;
    if ('error' in outcome) return failed(base, sharedPolarity, outcome.error);
    const chosen = outcome[sharedPolarity];
    const metrics: BinarizationMetrics = {
      ...metricsOfConfusion(chosen.confusion),
      drd: prepared.drd === null || prepared.drd.blocks === 0
        ? null
        : chosen.drdSum / prepared.drd.blocks,
      thresholdError: null,
    };
    return { ...base, threshold: null, polarity: sharedPolarity, metrics };
  }

  let threshold: number;
  let polarity: Polarity = sharedPolarity;
  try {
    if (method.kind === 'oracle') {
      threshold = prepared.image.bestThreshold;
      polarity = truthPolarity;
    } else if (method.kind === 'learned') {
      const prediction = context.predictions.get(method.name);
      if (prediction === undefined) return null;
      threshold = prediction.threshold;
      polarity = prediction.polarity;
    } else {
      threshold = globalThreshold(method.method, prepared.histogram);
    }
  } catch (error) {
    return failed(base, polarity, errorMessage(error));
  }
  return { ...base, threshold, polarity, metrics: globalMetrics(prepared, threshold, polarity) };
}

/** Every metric of global threshold t under `polarity`, exactly from the histograms. */
export function globalMetrics(
  prepared: PreparedImage,
  threshold: number,
  polarity: Polarity,
): BinarizationMetrics {
  return {
    ...metricsOfConfusion(confusionAt(prepared.classes, threshold, polarity)),
    drd: prepared.drd === null ? null : drdAtThreshold(prepared.drd, threshold, polarity),
    thresholdError: Math.abs(threshold - prepared.image.bestThreshold),
  };
}

function failed(
  base: Pick<ImageResult, 'image' | 'method' | 'kind'>,
  polarity: Polarity,
  message: string,
): ImageResult {
  return { ...base, threshold: null, polarity, metrics: null, error: message };
}
