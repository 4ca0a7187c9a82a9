/**
 * Labelling a folder of images against a folder of masks into one record file, with optional
 * augmentation, per-pair error reporting, periodic atomic checkpoints and resuming.
 *
 * Output order: records already in the file (when resuming), then the new pairs in file-name
 * order, each image's own record followed by its augmented records. Every write replaces the
 * whole file atomically (temporary file + rename); during a run the file is rewritten at most
 * every `checkpointSeconds`, always with whole images, so an interrupted run leaves a valid file
 * that `resume` continues without duplicates.
 */
import { stat } from 'node:fs/promises';
import pMap from 'p-map';
import { AutothreshError, errorMessage } from '../errors.js';
import { augmentImage, type AugmentOptions } from './augment.js';
import { classHistogramsOfPixels } from './class-histograms.js';
import {
  classHistogramsOfPair, labelledPixelsOf, loadPair, recordFromClasses,
} from './label.js';
import type { Objective } from './objectives.js';
import { datasetNameOf, findPairs, sourceOf, type ImageMaskPair } from './pairs.js';
import { readLabelRecordsLenient, writeLabelRecords } from './records-io.js';
import type { LabelRecord } from './schema.js';

export interface LabelFolderOptions {
  images: string;
  masks: string;
  /** Output `.jsonl` or `.jsonl.gz` file. */
  output: string;
  objective?: Objective;
  maskThreshold?: number;
  /** Collection name; default from the images folder (see `datasetNameOf`). */
  dataset?: string;
  /** Random crops per image. */
  crops?: number;
  /** Photometric variants per record and pixel-level variants per image (0 for none). */
  photometric?: number;
  pixelVariants?: number;
  seed?: number;
  /** Mark every record `synthetic: true` (images made by `synth`). */
  synthetic?: boolean;
  /** Keep the valid records already in `output` and skip their images. */
  resume?: boolean;
  /** Pairs decoded at once. Default 2. */
  concurrency?: number;
  /** Seconds between checkpoint writes. Default 10. */
  checkpointSeconds?: number;
  /** Called for each pair that is skipped, with a `<file>: <what>` message. */
  onProblem?: (message: string) => void;
  /** Called with the number of pairs to do, then once per pair done. */
  onStart?: (total: number) => void;
  onPairDone?: () => void;
}

export interface LabelFolderSummary {
  output: string;
  /** Image files found. */
  images: number;
  /** Images labelled in this run. */
  labelled: number;
  /** Images skipped because of a problem. */
  skipped: number;
  /** Images already labelled in the output and not redone (`resume`). */
  resumed: number;
  /** Invalid lines dropped from the output when resuming. */
  droppedLines: number;
  /** Records in the output file. */
  records: number;
}

export async function labelFolder(options: LabelFolderOptions): Promise<LabelFolderSummary> {
  const report = options.onProblem ?? (() => {});
  const { pairs, problems } = await findPairs(options.images, options.masks);
  if (pairs.length + problems.length === 0) {
    throw new AutothreshError('autothresh.noImages', `${options.images}: no image files found`);
  }
  for (const problem of problems) report(`${problem.file}: ${problem.message}`);
  const unique = dropDuplicateIds(pairs, report);

  // Resume: keep what the output already holds, skip the images it covers.
  const { existing, droppedLines } = options.resume
    ? await readExisting(options.output, report)
    : { existing: [], droppedLines: 0 };
  const done = new Set(existing.map((record) => record.id));
  const todo = unique.pairs.filter((pair) => !done.has(pair.id));

  options.onStart?.(todo.length);
  const results: Array<LabelRecord[] | null> = new Array(todo.length).fill(null);
  const checkpoint = createCheckpoint(options, existing, results);
  let skipped = problems.length + unique.skipped;
  // Several pairs in flight: libvips decodes some while JavaScript counts others.
  await pMap(todo, async (pair, index) => {
    try {
      results[index] = await labelOne(pair, options);
    } catch (error) {
      skipped++;
      report(describeFailure(pair, error));
    }
    options.onPairDone?.();
    await checkpoint.maybeWrite();
  }, { concurrency: options.concurrency ?? 2 });

  const records = await checkpoint.writeFinal();
  return {
    output: options.output,
    images: pairs.length + problems.length,
    labelled: results.filter((result) => result !== null).length,
    skipped,
    resumed: unique.pairs.length - todo.length,
    droppedLines,
    records,
  };
}

/** The record of one pair and its augmented records. */
async function labelOne(pair: ImageMaskPair, options: LabelFolderOptions): Promise<LabelRecord[]> {
  const loaded = await loadPair(pair.imagePath, pair.maskPath);
  const maskThreshold = options.maskThreshold ?? 0;
  const augment: AugmentOptions = {
    crops: options.crops ?? 0,
    photometric: options.photometric ?? 0,
    pixelVariants: options.pixelVariants ?? 0,
    seed: options.seed ?? 1,
    objective: options.objective ?? 'fmeasure',
  };
  const augmenting = (augment.crops ?? 0) + (augment.photometric ?? 0) +
    (augment.pixelVariants ?? 0) > 0;
  // Per-pixel classes only when augmenting; otherwise one counting pass is enough.
  const pixels = augmenting ? labelledPixelsOf(loaded, maskThreshold) : null;
  const base = recordFromClasses({
    id: pair.id,
    source: sourceOf(pair.imagePath, options.images),
    dataset: options.dataset ?? datasetNameOf(options.images),
    imageSha256: loaded.imageSha256,
    maskSha256: loaded.maskSha256,
    width: loaded.image.width,
    height: loaded.image.height,
    classes: pixels === null
      ? classHistogramsOfPair(loaded, maskThreshold)
      : classHistogramsOfPixels(pixels),
    objective: augment.objective as Objective,
    ...(options.synthetic ? { synthetic: true } : {}),
  });
  return pixels === null ? [base] : [base, ...await augmentImage(base, pixels, augment)];
}

function describeFailure(pair: ImageMaskPair, error: unknown): string {
  if (error instanceof AutothreshError) return error.message;
  return `${pair.imagePath}: ${errorMessage(error)}`;
}

/** Two images with the same name but different extensions would share an id: keep the first. */
function dropDuplicateIds(
  pairs: ImageMaskPair[], report: (message: string) => void,
): { pairs: ImageMaskPair[]; skipped: number } {
  const seen = new Map<string, string>();
  const kept: ImageMaskPair[] = [];
  for (const pair of pairs) {
    const first = seen.get(pair.id);
    if (first === undefined) {
      seen.set(pair.id, pair.imagePath);
      kept.push(pair);
    } else {
      report(`${pair.imagePath}: same name as ${first}; ids must be unique, image skipped`);
    }
  }
  return { pairs: kept, skipped: pairs.length - kept.length };
}

async function readExisting(
  output: string, report: (message: string) => void,
): Promise<{ existing: LabelRecord[]; droppedLines: number }> {
  const exists = await stat(output).then(() => true, () => false);
  if (!exists) return { existing: [], droppedLines: 0 };
  const { records, invalid } = await readLabelRecordsLenient(output);
  for (const line of invalid) {
    report(`${output}:${line.line}: invalid record dropped (${line.message})`);
  }
  // Duplicate ids (should not happen) keep their first occurrence.
  const seen = new Set<string>();
  const existing = records.filter((record) => !seen.has(record.id) && seen.add(record.id));
  return { existing, droppedLines: invalid.length + records.length - existing.length };
}

/** Periodic atomic rewrites of the output with every finished image. */
function createCheckpoint(
  options: LabelFolderOptions,
  existing: LabelRecord[],
  results: Array<LabelRecord[] | null>,
): { maybeWrite(): Promise<void>; writeFinal(): Promise<number> } {
  const interval = (options.checkpointSeconds ?? 10) * 1000;
  let lastWrite = Date.now();
  let writing: Promise<void> = Promise.resolve();
  const collect = (): LabelRecord[] => [
    ...existing, ...results.flatMap((result) => result ?? []),
  ];
  const write = (): Promise<void> => {
    const records = collect();
    writing = writing.then(() => writeLabelRecords(options.output, records));
    return writing;
  };
  return {
    async maybeWrite() {
      if (Date.now() - lastWrite < interval) return;
      lastWrite = Date.now();
      await write();
    },
    async writeFinal() {
      await write();
      return collect().length;
    },
  };
}
