/**
 * Comparing designs with leave-one-dataset-out validation: for each candidate configuration and
 * each dataset, a model is trained (fixed epochs, no early stopping) on the records of every
 * other dataset and scored on the original records of the held-out one. A candidate's score is
 * the mean over datasets of the held-out mean F-measure. Holding out whole datasets is what
 * ranks designs the way they behave on new kinds of images; crops of held-back images of the
 * training datasets did not (measured).
 */
import { AutothreshError } from '../errors.js';
import type { LabelRecord } from '../label/schema.js';
import { evaluatePredictions } from './evaluate.js';
import { buildExamples } from './examples.js';
import { featureDefinition, normalizeFeatures, type FeatureSetName } from './features.js';
import { predictExamples, trainModel, type TrainConfig } from './train.js';
import { isOriginal } from './workflow.js';

export interface Candidate {
  name: string;
  config: TrainConfig;
}

/** One variation at a time around `base`: width, depth, normalization, dropout, features, loss. */
export function candidateGrid(base: TrainConfig, size: 'quick' | 'full'): Candidate[] {
  const variant = (name: string, change: Partial<TrainConfig>): Candidate =>
    ({ name, config: { ...base, ...change } });
  const quick = [
    variant('baseline', {}),
    variant('norm layer', { normalization: 'layer' }),
    variant('dropout 0.1', { dropout: 0.1 }),
    variant('features sqrt-cdf-stats-classical', { featureSet: 'sqrt-cdf-stats-classical' }),
    variant('loss huber', { loss: 'huber' }),
  ];
  if (size === 'quick') return quick;
  return [
    ...quick,
    variant('hidden 64,32', { hidden: [64, 32] }),
    variant('hidden 256,128,64', { hidden: [256, 128, 64] }),
    variant('hidden 128', { hidden: [128] }),
    variant('hidden 128,64,32', { hidden: [128, 64, 32] }),
    variant('norm batch', { normalization: 'batch' }),
    variant('dropout 0', { dropout: 0 }),
    variant('features sqrt-cdf-stats', { featureSet: 'sqrt-cdf-stats' }),
    variant('features histogram', { featureSet: 'histogram' }),
    variant('features histogram-stats-classical', { featureSet: 'histogram-stats-classical' }),
    variant('base otsu', { baseMethod: 'otsu' }),
    variant('base none', { baseMethod: 'none' }),
    variant('balance none', { balance: 'none' }),
  ];
}

/**
 * Leave-one-dataset-out needs every held-out dataset to have original records labelled from
 * masks (`present`), and at least one other dataset to train on.
 */
function checkHeldOut(present: string[], heldOut: string[], all: Set<string>): void {
  const unknown = heldOut.find((dataset) => !present.includes(dataset));
  if (unknown !== undefined) {
    throw new AutothreshError(
      'autothresh.usage',
      `option --hold-out: no original records labelled from masks in dataset '${unknown}' ` +
        '(threshold labels alone give no F-measure); datasets with such records: ' +
        `${present.join(', ') || 'none'}`,
    );
  }
  if (all.size < 2) {
    throw new AutothreshError(
      'autothresh.usage',
      'option --data: leave-one-dataset-out needs records of at least two datasets, found ' +
        `${all.size}${all.size === 1 ? ` (${[...all][0]})` : ''}`,
    );
  }
  if (heldOut.length === 0) {
    throw new AutothreshError('autothresh.usage', 'option --data: no dataset has original ' +
      'records labelled from masks, so none can be held out and scored by F-measure');
  }
}

export interface TuneResult {
  name: string;
  config: TrainConfig;
  /** Mean over held-out datasets of the mean exact F-measure. */
  fmeasure: number;
  /** Standard deviation of the per-dataset F-measures. */
  std: number;
  polarityAccuracy: number;
  perDataset: Record<string, number>;
  seconds: number;
}

export interface TuneOptions {
  /** Hold out only these datasets (default: every dataset with original records). */
  datasets?: string[];
  onFold?: (candidate: string, dataset: string, fmeasure: number) => void;
}

/** Scores every candidate; results sorted best first. */
export async function tuneCandidates(
  records: readonly LabelRecord[],
  candidates: readonly Candidate[],
  options: TuneOptions,
): Promise<TuneResult[]> {
  // Scored by exact F-measure, which needs class histograms (records labelled from masks).
  const originals = records.filter((record) => isOriginal(record) &&
    record.foregroundHistogram !== undefined && record.backgroundHistogram !== undefined);
  const present = [...new Set(originals.map((record) => record.dataset))].sort();
  const datasets = options.datasets ?? present;
  checkHeldOut(present, datasets, new Set(records.map((record) => record.dataset)));
  const results: TuneResult[] = [];
  for (const candidate of candidates) {
    const started = performance.now();
    const perDataset: Record<string, number> = {};
    const polarity: number[] = [];
    for (const dataset of datasets) {
      const test = originals.filter((record) => record.dataset === dataset);
      const train = records.filter((record) => record.dataset !== dataset);
      const trained = await trainModel({ ...candidate.config, patience: 0 }, {
        train, validation: [], validationDescription: 'none', toolVersion: 'tune',
      });
      const { metadata } = trained;
      const definition = featureDefinition(metadata.features.name as FeatureSetName);
      const base = metadata.heads.threshold.baseMethod;
      const examples = buildExamples(test, definition, base);
      normalizeFeatures(examples.features, metadata.normalization);
      const metrics = evaluatePredictions(test, predictExamples(trained.model, examples, base));
      trained.model.dispose();
      const fmeasure = metrics.fmeasure ?? 0; // never null: `test` has class histograms
      perDataset[dataset] = fmeasure;
      polarity.push(metrics.polarityAccuracy);
      options.onFold?.(candidate.name, dataset, fmeasure);
    }
    const scores = Object.values(perDataset);
    const mean = scores.reduce((sum, value) => sum + value, 0) / Math.max(scores.length, 1);
    const variance = scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) /
      Math.max(scores.length - 1, 1);
    results.push({
      name: candidate.name,
      config: candidate.config,
      fmeasure: mean,
      std: Math.sqrt(variance),
      polarityAccuracy:
        polarity.reduce((sum, value) => sum + value, 0) / Math.max(polarity.length, 1),
      perDataset,
      seconds: (performance.now() - started) / 1000,
    });
  }
  return results.sort((a, b) => b.fmeasure - a.fmeasure);
}
