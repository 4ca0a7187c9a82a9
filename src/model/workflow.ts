/**
 * The steps behind `autothresh train`: read record files, split off validation records, train
 * one or more seeds, save the model folder.
 */
import { readLabelRecordFiles } from '../label/records-io.js';
import type { LabelRecord } from '../label/schema.js';
import { AutothreshError } from '../errors.js';
import { createRandom } from '../util/random.js';
import { loadTensorflow, type BackendName } from './backend.js';
import { readModelFiles, type ModelFiles } from './files.js';
import { saveModel, trainableModelOf } from './io.js';
import { DEFAULT_MODEL_DIRECTORY } from './index.js';
import { trainModel, type EpochLog, type TrainConfig, type TrainedModel } from './train.js';

/**
 * Reads and concatenates record files (JSONL or JSONL.gz), in the order given; an id repeated
 * within or across the files is refused.
 */
export async function readRecordFiles(
  files: readonly string[],
  option = '--data',
): Promise<LabelRecord[]> {
  return readLabelRecordFiles(files, option);
}

/**
 * Splits records into training and validation by source image: all records of one image
 * (originals, crops, photometric variants) fall on the same side. `fraction` of the images that
 * can be validated, drawn with the seeded generator, go to validation; of those, only the
 * whole-image records are validated (augmented variants of validation images are dropped from
 * both sides). The images that can be validated are the real ones (with an original record);
 * synthetic images always train, unless there is no real image at all, in which case the
 * synthetic images stand in for them.
 */
export function splitBySource(
  records: readonly LabelRecord[],
  fraction: number,
  seed: number,
): { train: LabelRecord[]; validation: LabelRecord[] } {
  const validated = records.some(isOriginal) ? isOriginal : isWholeImage;
  const sources = [...new Set(records.filter(validated).map(sourceKey))].sort();
  createRandom(seed).shuffle(sources);
  const held = new Set(sources.slice(0, Math.round(sources.length * fraction)));
  return {
    train: records.filter((record) => !held.has(sourceKey(record))),
    validation: records.filter((record) => held.has(sourceKey(record)) && validated(record)),
  };
}

function sourceKey(record: LabelRecord): string {
  return `${record.dataset}\u0000${record.source}`;
}

/** True for a record of a whole, unmodified image (not a crop, variant or synthetic image). */
export function isOriginal(record: LabelRecord): boolean {
  return record.synthetic !== true && isWholeImage(record);
}

/** True for a record of a whole, unmodified image, real or synthetic. */
function isWholeImage(record: LabelRecord): boolean {
  const augmentation = record.augmentation;
  return augmentation === undefined ||
    (augmentation.crop === undefined && augmentation.steps.length === 0);
}

export interface TrainRequest {
  data: string[];
  /** Validation records from files; when empty, `valSplit` of the images is held back. */
  validationFiles: string[];
  valSplit: number;
  out: string;
  config: TrainConfig;
  /** Model folder to fine-tune (`default`: the shipped model), or null. */
  init: string | null;
  runs: number;
  backend: BackendName;
  toolVersion: string;
  onEpoch?: (log: EpochLog, run: number) => void;
}

export interface TrainSummary {
  model: TrainedModel;
  /**
   * Best validation score of each run (one per seed), in run order: the exact F-measure, or the
   * mean threshold error in bins when no validation record has class histograms (`runScore`).
   */
  runScores: number[];
  /** What `runScores` holds. */
  runScore: 'fmeasure' | 'thresholdError';
  /** What the caller should be told before trusting the model (one line each). */
  warnings: string[];
  trainRecords: number;
  validationRecords: number;
  /** Augmented records of validation images, used by neither side (no leak into training). */
  unusedRecords: number;
  backend: string;
}

/**
 * Trains `runs` models with seeds seed, seed+1, …, and saves the first one (the one of `seed`)
 * to `out`. Returns each run's validation score.
 */
export async function trainAndSave(request: TrainRequest): Promise<TrainSummary> {
  const tf = await loadTensorflow(request.backend);
  const records = await readRecordFiles(request.data);
  if (records.length === 0) {
    throw new AutothreshError(
      'autothresh.dataset', `option --data: no records in ${request.data.join(', ')}`,
    );
  }
  const { train, validation, description } = await chooseValidation(request, records);
  if (train.length === 0) {
    throw new AutothreshError(
      'autothresh.usage', 'option --val-split: no training record is left; lower the fraction',
    );
  }
  refuseRunsWithoutValidation(request, validation.length);
  const warnings = request.init === null ? scratchWarnings(train) : [];

  // Read once, before any run: the first run's save may replace the very model every run
  // starts from (`--init M -o M --force`).
  const initFiles = request.init === null ? null : await readInit(request.init);
  let first: TrainedModel | undefined;
  const runScores: number[] = [];
  let runScore: TrainSummary['runScore'] = 'fmeasure';
  for (let run = 0; run < request.runs; run++) {
    const config = { ...request.config, seed: request.config.seed + run };
    const init = initFiles === null ? undefined : await initModelOf(initFiles);
    const trained = await trainModel(config, {
      train, validation, validationDescription: description, init,
      toolVersion: request.toolVersion,
      onEpoch: (log) => request.onEpoch?.(log, run),
    });
    const metrics = trained.metadata.validation;
    if (metrics !== null) {
      runScore = metrics.fmeasure === null ? 'thresholdError' : 'fmeasure';
      runScores.push(metrics.fmeasure ?? metrics.thresholdMae);
    }
    if (run === 0) {
      await saveModel(trained.model, trained.metadata, request.out);
      first = trained;
    } else {
      trained.model.dispose();
    }
  }
  return {
    model: first!,
    runScores,
    runScore,
    warnings,
    trainRecords: train.length,
    validationRecords: validation.length,
    unusedRecords: request.validationFiles.length > 0
      ? 0
      : records.length - train.length - validation.length,
    backend: tf.getBackend(),
  };
}

/**
 * `--runs` compares seeds by their validation scores: several runs without a validation record
 * (`--val-split 0`, or too few images to hold one back) are refused before any training.
 */
function refuseRunsWithoutValidation(request: TrainRequest, validationRecords: number): void {
  if (request.runs <= 1 || validationRecords > 0) return;
  const why = request.valSplit <= 0 ? 'with --val-split 0'
    : `--val-split ${request.valSplit} held back no image (too few images)`;
  throw new AutothreshError('autothresh.usage', `option --runs: runs are compared by their ` +
    `validation scores, and there is no validation record (${why}); give --val files`);
}

/** Fewest source images that a model trained from scratch is not warned about. */
export const FEW_IMAGES_FROM_SCRATCH = 10;

/**
 * A model trained from scratch learns its feature standardization from the training records:
 * records that all share one histogram leave nothing to learn (refused); few source images
 * give a model that knows little beyond them (a warning that points to fine-tuning).
 */
function scratchWarnings(train: readonly LabelRecord[]): string[] {
  const histograms = new Set(train.map((record) => record.histogram.join(','))).size;
  if (histograms < 2) {
    const records = train.length === 1 ? 'one training record has'
      : `${train.length} training records share`;
    throw new AutothreshError('autothresh.dataset', `option --data: the ${records}` +
      ' one histogram, from which a model trained from scratch learns nothing; fine-tune the ' +
      'shipped model instead (--init default)');
  }
  const sources = new Set(train.map(sourceKey)).size;
  if (sources >= FEW_IMAGES_FROM_SCRATCH) return [];
  return [`training from scratch on ${sources} source image${sources === 1 ? '' : 's'}: a model ` +
    'learns little from so few; fine-tune the shipped model instead (--init default)'];
}

async function chooseValidation(
  request: TrainRequest,
  records: LabelRecord[],
): Promise<{ train: LabelRecord[]; validation: LabelRecord[]; description: string }> {
  if (request.validationFiles.length > 0) {
    const validation = await readRecordFiles(request.validationFiles, '--val');
    refuseSharedImages(records, validation);
    const description = `files ${request.validationFiles.join(', ')}`;
    return { train: records, validation, description };
  }
  if (request.valSplit <= 0) return { train: records, validation: [], description: 'none' };
  const split = splitBySource(records, request.valSplit, request.config.seed);
  return { ...split, description: `${request.valSplit} of the source images (seeded)` };
}

/** Validation records must come from images the training records do not (any variant of). */
function refuseSharedImages(train: readonly LabelRecord[], validation: readonly LabelRecord[]) {
  const trainImages = new Set(train.map(sourceKey));
  const shared = validation.filter((record) => trainImages.has(sourceKey(record)));
  if (shared.length > 0) {
    throw new AutothreshError(
      'autothresh.usage',
      `option --val: ${shared.length} of ${validation.length} validation records come from ` +
        `images that --data also holds (e.g. ${shared[0].source}); validation must use other ` +
        'images',
    );
  }
}

/** The files of the model folder to fine-tune (`default`: the shipped model), read whole. */
async function readInit(name: string): Promise<{ files: ModelFiles; name: string }> {
  const directory = name === 'default' ? DEFAULT_MODEL_DIRECTORY : name;
  return { files: await readModelFiles(directory), name };
}

/** A fresh trainable copy of the model to fine-tune, for one run. */
async function initModelOf(init: { files: ModelFiles; name: string }) {
  const { model, metadata } = await trainableModelOf(init.files);
  return { model, metadata, name: init.name };
}
