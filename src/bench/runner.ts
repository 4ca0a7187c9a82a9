/**
 * The benchmark runner: read the inputs, score every method on every image, summarize.
 *
 *   images + masks ──read once──▶ histograms, class histograms, DRD weights, local results
 *   labelled records ───────────▶ histograms, class histograms
 *                                      │
 *                                      ▼
 *        every global method, the model (one batch) and the oracle, scored in O(256) each
 *                                      ▼
 *                    per-image results ──▶ means, bootstrap intervals, wins vs Otsu
 *
 * Images are read concurrently (decoding runs on libuv's threads while JavaScript computes the
 * previous image's local methods), and memory stays small: only 256-bin summaries are kept.
 */
import { availableParallelism } from 'node:os';
import pMap from 'p-map';
import { AutothreshError, errorMessage } from '../errors.js';
import type { Objective, Polarity } from '../label/objectives.js';
import type { LocalParams } from '../methods/local/index.js';
import {
  loadModel, predictThresholds, type ThresholdModel, type ThresholdPrediction,
} from '../model/index.js';
import type { Progress } from '../util/progress.js';
import {
  listPairs, preparePair, readRecordFile, type ImageSource, type InputProblem, type PreparedImage,
} from './inputs.js';
import { selectMethods } from './methods.js';
import type { BenchResult, ImageResult, MethodSpec } from './results.js';
import { scoreImage } from './score.js';
import { summarize, type SummaryOptions } from './summary.js';

export interface BenchOptions {
  /** Image folders with their masks (and optional ROI masks). */
  images?: readonly ImageSource[];
  /** Labelled record files (`.jsonl`, `.jsonl.gz`). */
  data?: readonly string[];
  /** Method names (default: see `defaultMethodNames`). */
  methods?: readonly string[];
  /** Model folders for `learned` (default: the shipped model). */
  models?: readonly string[];
  /** Polarity of the non-learned methods: from the ground truth or from the model. */
  polarity?: 'truth' | 'auto';
  /** What the oracle maximizes (and what "best threshold" means). Default `fmeasure`. */
  objective?: Objective;
  /** Parameters of the local methods (their defaults otherwise). */
  localParams?: LocalParams;
  /** Images read at once. Default: the number of CPU cores. */
  concurrency?: number;
  /** Bootstrap and comparison settings. */
  summary?: SummaryOptions;
  /** Progress reporting (`createProgress` from util/progress.ts); silent by default. */
  progress?: (total: number, label: string) => Progress;
}

const SILENT: Progress = { tick: () => {}, stop: () => {} };

/** Runs a benchmark. Throws `autothresh.noImages` when no input could be scored. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const objective = options.objective ?? 'fmeasure';
  const polarity = options.polarity ?? 'truth';
  const notes: string[] = [];
  const selection = selectMethods(options.methods, options.models);
  const models = await loadModels(selection.methods, selection.learnedByDefault, notes);
  const methods = selection.methods.filter(
    (method) => method.kind !== 'learned' || models.has(method.name),
  );
  const polarityModel = polarity === 'auto' ? await modelForPolarity(models, notes) : null;

  const { prepared, failures } = await readInputs(options, methods, objective, notes);
  if (prepared.length === 0) {
    const first = failures[0];
    const why = first === undefined ? '' : ` (${failures.length} failed; first: ` +
      `${first.file}: ${first.message})`;
    throw new AutothreshError('autothresh.noImages', `bench: no image or record to score${why}`);
  }
  const results = scoreAll(prepared, methods, models, polarityModel, { objective, polarity });

  const images = prepared.map((item) => item.image);
  const summaries = summarize(images, methods, results, options.summary);
  const seconds = (performance.now() - started) / 1000;
  return {
    settings: {
      polarity,
      objective,
      resamples: options.summary?.resamples ?? 1000,
      seed: options.summary?.seed ?? 1,
      level: options.summary?.level ?? 0.95,
      tieTolerance: options.summary?.tieTolerance ?? 1e-9,
      reference: options.summary?.reference ?? 'otsu',
      roi: (options.images ?? []).some((source) => source.roi !== undefined),
    },
    methods,
    images,
    results,
    summaries,
    notes,
    failures,
    timing: { seconds, imagesPerSecond: images.length / Math.max(seconds, 1e-9) },
  };
}

/**
 * Loads the model of every learned row. A missing shipped model drops the default `learned`
 * row with a note; a model asked for explicitly must load.
 */
async function loadModels(
  methods: readonly MethodSpec[],
  learnedByDefault: boolean,
  notes: string[],
): Promise<Map<string, ThresholdModel>> {
  const models = new Map<string, ThresholdModel>();
  const learned = methods.filter((method) => method.kind === 'learned');
  if (learned.length === 0) return models;
  for (const row of learned) {
    try {
      models.set(row.name, await loadModel(row.method === 'default' ? undefined : row.method));
    } catch (error) {
      if (!learnedByDefault) throw error;
      const reason = errorMessage(error);
      notes.push(`learned: skipped, the shipped model could not be loaded (${reason})`);
    }
  }
  return models;
}

async function modelForPolarity(
  models: Map<string, ThresholdModel>,
  notes: string[],
): Promise<ThresholdModel> {
  const first = models.values().next();
  if (!first.done) return first.value;
  try {
    const model = await loadModel();
    notes.push('polarity auto: from the shipped model');
    return model;
  } catch (error) {
    throw new AutothreshError(
      'autothresh.usage',
      `option --polarity auto: needs a model, and the shipped one could not be loaded ` +
        `(${errorMessage(error)}); use --polarity truth or give --model`,
    );
  }
}

async function readInputs(
  options: BenchOptions,
  methods: readonly MethodSpec[],
  objective: Objective,
  notes: string[],
): Promise<{ prepared: PreparedImage[]; failures: InputProblem[] }> {
  const localMethods = methods.filter((method) => method.kind === 'local').map((m) => m.method);
  const { pairs, problems } = await listPairs(options.images ?? []);
  const failures: InputProblem[] = [...problems];
  const progress = options.progress?.(pairs.length, 'bench') ?? SILENT;

  const fromImages = await pMap(pairs, async (pair) => {
    try {
      return await preparePair(pair, { objective, localMethods, localParams: options.localParams });
    } catch (error) {
      const message = errorMessage(error).replace(`${pair.image}: `, '');
      failures.push({ file: pair.image, message });
      return null;
    } finally {
      progress.tick();
    }
  }, { concurrency: options.concurrency ?? availableParallelism() });
  progress.stop();

  const prepared = fromImages.filter((item): item is PreparedImage => item !== null);
  for (const file of options.data ?? []) {
    const { prepared: records, skipped } = await readRecordFile(file, objective);
    prepared.push(...records);
    if (skipped > 0) notes.push(`${file}: ${skipped} record(s) without class histograms skipped`);
  }
  if (localMethods.length > 0 && (options.data ?? []).length > 0) {
    notes.push(`local methods (${localMethods.join(', ')}) need pixels: not run on records`);
  }
  return { prepared, failures };
}

function scoreAll(
  prepared: readonly PreparedImage[],
  methods: readonly MethodSpec[],
  models: ReadonlyMap<string, ThresholdModel>,
  polarityModel: ThresholdModel | null,
  settings: { objective: Objective; polarity: 'truth' | 'auto' },
): ImageResult[] {
  const predictions = predictAll(prepared, models);
  const autoPolarities: (Polarity | null)[] = polarityModel === null
    ? prepared.map(() => null)
    : predictBatch(prepared, polarityModel).map((prediction) => prediction?.polarity ?? null);

  const results: ImageResult[] = [];
  prepared.forEach((item, index) => {
    const forImage = new Map<string, ThresholdPrediction>();
    for (const [name, batch] of predictions) {
      const prediction = batch[index];
      if (prediction !== null) forImage.set(name, prediction);
    }
    results.push(...scoreImage(item, index, methods, {
      ...settings,
      predictions: forImage,
      autoPolarity: autoPolarities[index],
    }));
  });
  return results;
}

function predictAll(
  prepared: readonly PreparedImage[],
  models: ReadonlyMap<string, ThresholdModel>,
): Map<string, (ThresholdPrediction | null)[]> {
  const predictions = new Map<string, (ThresholdPrediction | null)[]>();
  for (const [name, model] of models) predictions.set(name, predictBatch(prepared, model));
  return predictions;
}

/** One forward pass for all images; empty histograms (nothing to predict) give `null`. */
function predictBatch(
  prepared: readonly PreparedImage[],
  model: ThresholdModel,
): (ThresholdPrediction | null)[] {
  const usable = prepared
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => item.histogram.total > 0);
  const outputs: (ThresholdPrediction | null)[] = prepared.map(() => null);
  if (usable.length === 0) return outputs;
  const batch = predictThresholds(model, usable.map(({ item }) => item.histogram));
  usable.forEach(({ index }, k) => {
    outputs[index] = batch[k];
  });
  return outputs;
}
