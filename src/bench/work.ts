/**
 * The units of benchmark work, the same on the calling thread and on a worker thread: read and
 * score image + mask pairs, or parse and score a chunk of labelled records. Inputs and outputs
 * are plain data (structured-clone friendly), so a worker can take a task and send back its
 * results unchanged.
 *
 * Per unit: the models' predictions for all its images in one batch (one forward pass), then
 * every method scored from the 256-bin summaries (see `score.ts`).
 */
import { errorMessage } from '../errors.js';
import type { Objective, Polarity } from '../label/objectives.js';
import type { InvalidLine } from '../label/records-io.js';
import type { LocalParams } from '../methods/local/index.js';
import {
  loadModel, predictThresholds, type ThresholdModel, type ThresholdPrediction,
} from '../model/index.js';
import { preparePair, type InputProblem, type PairInput, type PreparedImage } from './inputs.js';
import { parseRecordChunk, preparedFromRecord, type RecordChunk } from './records.js';
import type { BenchImage, MethodResult, MethodSpec } from './results.js';
import { scoreImage } from './score.js';

/** What every unit needs to know about the run. */
export interface ScoreSettings {
  objective: Objective;
  polarity: 'truth' | 'auto';
  methods: readonly MethodSpec[];
  /** Model folder of each learned row, by row name (`default`: the shipped model). */
  models: Readonly<Record<string, string>>;
  /** Model folder whose polarity head `auto` uses; `null` with `truth`. */
  polarityModel: string | null;
  /** Mask values `> maskThreshold` are foreground (image input). Default 0. */
  maskThreshold?: number;
  /** Images, masks and ROIs of more pixels are refused. Default the decoder's. */
  maxPixels?: number;
  /** Parameters of the local methods; each method takes those it uses. */
  localParams?: LocalParams;
}

/** One scored image or record. */
export interface ScoredImage {
  image: BenchImage;
  results: MethodResult[];
}

export type PairOutcome = { scored: ScoredImage } | { failure: InputProblem };

export interface RecordChunkOutcome {
  scored: ScoredImage[];
  /** Line number of each scored record in its file. */
  lines: number[];
  invalid: InvalidLine[];
  /** Records without class histograms. */
  skipped: number;
}

/**
 * Reads and scores image + mask pairs; a pair that cannot be used becomes a failure, named
 * after the file at fault (the mask or ROI when the message is about it, else the image).
 */
export async function scorePairs(
  pairs: readonly PairInput[],
  settings: ScoreSettings,
): Promise<PairOutcome[]> {
  const localMethods = settings.methods
    .filter((method) => method.kind === 'local')
    .map((method) => method.method);
  const outcomes: PairOutcome[] = [];
  for (const pair of pairs) {
    try {
      const prepared = await preparePair(pair, {
        objective: settings.objective,
        maskThreshold: settings.maskThreshold,
        maxPixels: settings.maxPixels,
        localMethods,
        localParams: settings.localParams,
      });
      const [scored] = await scorePrepared([prepared], settings);
      outcomes.push({ scored });
    } catch (error) {
      outcomes.push({ failure: failureOf(pair, errorMessage(error)) });
    }
  }
  return outcomes;
}

/** `<file>: <what>` of a failed pair: the file a message starts with, or the image. */
function failureOf(pair: PairInput, message: string): InputProblem {
  const files = [pair.mask, ...(pair.roi === undefined ? [] : [pair.roi]), pair.image];
  const file = files.find((path) => message.startsWith(`${path}: `));
  return file === undefined
    ? { file: pair.image, message }
    : { file, message: message.slice(file.length + 2) };
}

/** Parses and scores a chunk of record lines. */
export async function scoreRecordChunk(
  chunk: RecordChunk,
  settings: ScoreSettings,
): Promise<RecordChunkOutcome> {
  const { records, lines, invalid } = parseRecordChunk(chunk);
  const prepared: PreparedImage[] = [];
  const scoredLines: number[] = [];
  records.forEach((record, index) => {
    const item = preparedFromRecord(record, settings.objective);
    if (item === null) return;
    prepared.push(item);
    scoredLines.push(lines[index]);
  });
  const scored = await scorePrepared(prepared, settings);
  return { scored, lines: scoredLines, invalid, skipped: records.length - prepared.length };
}

/** Scores prepared images: the models' batch predictions, then every method per image. */
async function scorePrepared(
  prepared: readonly PreparedImage[],
  settings: ScoreSettings,
): Promise<ScoredImage[]> {
  const byDirectory = new Map<string, (ThresholdPrediction | null)[]>();
  const predict = async (directory: string) => {
    let batch = byDirectory.get(directory);
    if (batch === undefined) {
      batch = predictBatch(prepared, await loadModel(directory));
      byDirectory.set(directory, batch);
    }
    return batch;
  };
  const predictions = new Map<string, (ThresholdPrediction | null)[]>();
  for (const [row, directory] of Object.entries(settings.models)) {
    predictions.set(row, await predict(directory));
  }
  const autoPolarities: (Polarity | null)[] = settings.polarityModel === null
    ? prepared.map(() => null)
    : (await predict(settings.polarityModel)).map((item) => item?.polarity ?? null);

  return prepared.map((item, index) => {
    const forImage = new Map<string, ThresholdPrediction>();
    for (const [row, batch] of predictions) {
      const prediction = batch[index];
      if (prediction !== null) forImage.set(row, prediction);
    }
    const results = scoreImage(item, settings.methods, {
      polarity: settings.polarity, predictions: forImage, autoPolarity: autoPolarities[index],
    });
    return { image: item.image, results };
  });
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
