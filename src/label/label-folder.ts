/**
 * Labelling a folder of images against a folder of masks into one record file, with optional
 * augmentation, per-pair error reporting and resuming.
 *
 * Writing: records are appended, image by image and in file-name order, to a partial file beside
 * the output (`<output>.partial`, plain JSON Lines whatever the output's extension). When the run
 * ends, the partial file becomes the output in one atomic step (a rename; for `.gz` outputs, and
 * for an output that is a symbolic link, whose file is replaced and the link kept, the text is
 * written to a temporary file beside that file, which is renamed). The output is therefore always
 * either the previous file or the complete new one, never half-written, and each image costs one
 * append rather than a rewrite of everything so far. A run that ends without a single record
 * (every pair skipped) writes nothing: no output is made or replaced, and the partial file of
 * an earlier run is left as it was. A write failure names the output, never the partial file.
 *
 * Resuming (`resume`) reads the output and the partial file an interrupted run left, keeps the
 * whole images (see `resume.ts`), writes them to a new partial file and labels the rest. The
 * output holds the kept records first, then the new ones in file-name order, so a run
 * interrupted and resumed gives the same bytes as one that was not. A kept image whose image or
 * mask file no longer has the SHA-256 of its record is labelled again (its records come last).
 */
import { open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import pMap from 'p-map';
import { AutothreshError, errorMessage, isAutothreshError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeTargetOrSelf } from '../util/folders.js';
import { InOrder } from '../util/in-order.js';
import { fileProblemAt, fileSystemProblem, isFileSystemError } from '../util/file-errors.js';
import {
  labelPairRecords, labelSettings, recordIdOf, type LabelSettings,
} from './label-run.js';
import type { Objective } from './objectives.js';
import { checkOutputPath, checkRecordOutputPath } from './output-paths.js';
import { findPairs, jpegMaskWarning, sourceOf, type ImageMaskPair } from './pairs.js';
import { encodeRecordText, formatLabelRecord } from './records-io.js';
import { readResumeState, type ResumeState } from './resume.js';
import type { LabelRecord, MaskLabelRecord } from './schema.js';
import { sha256Of } from './label.js';

export interface LabelFolderOptions {
  images: string;
  masks: string;
  /** Output `.jsonl` or `.jsonl.gz` file. */
  output: string;
  objective?: Objective;
  maskThreshold?: number;
  /** Collection name; default from the images folder (see `datasetNameOf`). */
  dataset?: string;
  /** Put before every id (e.g. `dibco2009/`). Default none. */
  idPrefix?: string;
  /** Random crops per image. */
  crops?: number;
  /** Photometric variants per record and pixel-level variants per image (0 for none). */
  photometric?: number;
  pixelVariants?: number;
  seed?: number;
  /** Mark every record `synthetic: true` (images made by `synth`). */
  synthetic?: boolean;
  /** Keep the whole images already in `output` (and its partial file) and label the rest. */
  resume?: boolean;
  /** Pairs decoded at once. Default 2. */
  concurrency?: number;
  /** Refuse images and masks of more pixels. Default the decoder's (`DEFAULT_MAX_PIXELS`). */
  maxPixels?: number;
  /** Called for each pair that is skipped, with a `<file>: <what>` message. */
  onProblem?: (message: string) => void;
  /** Called with notes that do not skip anything (files left out, 16-bit images). */
  onWarning?: (message: string) => void;
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
  /** Images found incomplete when resuming, labelled again. */
  redone: number;
  /** Images whose image or mask file changed since they were labelled, labelled again. */
  changed: number;
  /** Invalid lines dropped from the output when resuming. */
  droppedLines: number;
  /** Records in the output file (0 when it was not written). */
  records: number;
  /**
   * False when there was no record to write (every pair skipped): then the output is neither
   * made nor replaced, and an earlier run's output and partial file are left as they were.
   */
  written: boolean;
}

/** The file an interrupted run of `output` leaves behind. */
export function partialPathOf(output: string): string {
  return `${output}.partial`;
}

/**
 * Labels every pair of `images` and `masks` into `output`. Before anything is read, the output
 * is checked (`autothresh.usage`): a `.jsonl` or `.jsonl.gz` file that can be created (a trial
 * file is made and removed), not a folder, with no folder in the way of its partial file. When
 * no record is made, nothing is written (`written: false` in the summary).
 */
export async function labelFolder(options: LabelFolderOptions): Promise<LabelFolderSummary> {
  await checkRecordOutputPath(options.output, 'output');
  await checkOutputPath(partialPathOf(options.output), 'file', 'partial output');
  const report = options.onProblem ?? (() => {});
  const warn = options.onWarning ?? (() => {});
  const settings = labelSettings(options.images, {
    objective: options.objective,
    maskThreshold: options.maskThreshold,
    crops: options.crops,
    photometricVariants: options.photometric,
    pixelVariants: options.pixelVariants,
    seed: options.seed,
    idPrefix: options.idPrefix,
    dataset: options.dataset,
    synthetic: options.synthetic,
  });
  const found = await findPairs(options.images, options.masks);
  // Said first: when nothing is found, the subfolders left out are often why.
  found.warnings.forEach(warn);
  if (found.pairs.length + found.problems.length === 0) {
    throw new AutothreshError(
      'autothresh.noImages', `${options.images}: no image files in this folder`);
  }
  const jpeg = jpegMaskWarning(options.masks, found.pairs, settings.maskThreshold);
  if (jpeg !== null) warn(jpeg);
  for (const problem of found.problems) report(`${problem.file}: ${problem.message}`);

  // Resume: keep the whole images the output and the partial file hold, skip their pairs.
  const partial = partialPathOf(options.output);
  const state: ResumeState = options.resume
    ? await readResumeState([options.output, partial], settings, report)
    : { kept: [], droppedLines: 0, incompleteImages: 0 };
  if (!options.resume && await stat(partial).then(() => true, () => false)) {
    warn(`${partial}: left by an interrupted run; starting over (--resume continues it)`);
  }
  const changed = await changedSinceLabelled(found.pairs, state.kept, options.images);
  for (const imagePath of changed.values()) {
    warn(`${imagePath}: its image or mask changed since it was labelled; labelling it again`);
  }
  const kept = state.kept.filter((record) => !changed.has(record.source));
  const { todo, clashes } = pairsToDo(found.pairs, kept, options.images, settings, report);

  const writer = await RecordAppender.start(options.output, kept);
  options.onStart?.(todo.length);
  const labelled = await labelInOrder(todo, settings, writer, options);
  const records = await writer.finish();
  return {
    output: options.output,
    written: records > 0,
    images: found.pairs.length + found.unpaired + found.repeated,
    labelled,
    skipped: found.unpaired + found.repeated + clashes + todo.length - labelled,
    resumed: found.pairs.length - todo.length - clashes,
    redone: state.incompleteImages,
    changed: changed.size,
    droppedLines: state.droppedLines,
    records,
  };
}

/**
 * Labels `todo`, a few pairs in flight (libvips decodes some while JavaScript counts others),
 * appending each pair's records, and reporting its warnings, in order; a pair that fails is
 * reported (in order too) and skipped. Returns
 * the number labelled. On an error that stops the run, the partial file is left for `--resume`.
 */
async function labelInOrder(
  todo: readonly ImageMaskPair[],
  settings: LabelSettings,
  writer: RecordAppender,
  options: LabelFolderOptions,
): Promise<number> {
  let labelled = 0;
  // Each pair's warnings and failure are said in pair order, whichever pair finishes first.
  const messages = new InOrder<{ warnings: string[]; problem: string | null }>((said) => {
    for (const warning of said.warnings) options.onWarning?.(warning);
    if (said.problem !== null) options.onProblem?.(said.problem);
  });
  try {
    await pMap(todo, async (pair, index) => {
      let records: LabelRecord[] = [];
      const warnings: string[] = [];
      let problem: string | null = null;
      try {
        records = await labelPairRecords(
          pair, options.images, settings, (warning) => warnings.push(warning), options.maxPixels);
        labelled++;
      } catch (error) {
        problem = describeFailure(pair, error);
      }
      messages.settle(index, { warnings, problem });
      await writer.add(index, records);
      options.onPairDone?.();
    }, { concurrency: options.concurrency ?? 2 });
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  return labelled;
}

/**
 * Pairs that kept records do not cover. A pair whose id belongs to a kept record of another
 * image (`H01.png` labelled, now `H01.tif`) is reported and skipped: ids stay unique.
 */
function pairsToDo(
  pairs: ImageMaskPair[],
  kept: readonly LabelRecord[],
  images: string,
  settings: LabelSettings,
  report: (message: string) => void,
): { todo: ImageMaskPair[]; clashes: number } {
  const sourceOfId = new Map<string, string>();
  for (const record of kept) {
    if (record.augmentation === undefined) sourceOfId.set(record.id, record.source);
  }
  const todo: ImageMaskPair[] = [];
  let clashes = 0;
  for (const pair of pairs) {
    const id = recordIdOf(pair, settings);
    const keptSource = sourceOfId.get(id);
    if (keptSource === undefined) {
      todo.push(pair);
    } else if (keptSource !== sourceOf(pair.imagePath, images)) {
      clashes++;
      report(`${pair.imagePath}: id ${JSON.stringify(id)} is already labelled from ` +
        `${keptSource}; image skipped`);
    }
  }
  return { todo, clashes };
}

/**
 * The kept images (by source) whose image or mask file no longer has the SHA-256 its record
 * holds, each with its image path: their records are dropped and they are labelled again, so a
 * resumed run gives what a fresh one would. A file that cannot be read counts as changed (its
 * labelling then reports why).
 */
async function changedSinceLabelled(
  pairs: readonly ImageMaskPair[],
  kept: readonly MaskLabelRecord[],
  images: string,
): Promise<Map<string, string>> {
  const original = new Map<string, MaskLabelRecord>();
  for (const record of kept) {
    if (record.augmentation === undefined) original.set(record.source, record);
  }
  const changed = new Map<string, string>();
  for (const pair of pairs) {
    const source = sourceOf(pair.imagePath, images);
    const record = original.get(source);
    if (record === undefined) continue;
    const [image, mask] = await Promise.all([
      readFile(pair.imagePath).catch(() => null), readFile(pair.maskPath).catch(() => null),
    ]);
    const same = image !== null && mask !== null && sha256Of(image) === record.imageSha256 &&
      sha256Of(mask) === record.maskSha256;
    if (!same) changed.set(source, pair.imagePath);
  }
  return changed;
}

function describeFailure(pair: ImageMaskPair, error: unknown): string {
  if (error instanceof AutothreshError) return error.message;
  return `${pair.imagePath}: ${errorMessage(error)}`;
}

/**
 * Appends each pair's records to the partial file in pair order, whatever order the pairs
 * finish in (a finished pair waits for the ones before it), one write per image. The partial
 * file is made only when there is a record to put in it, so a run without any record leaves
 * the partial file and the output of an earlier run as they were. Every failure names the
 * output, never the partial file.
 */
class RecordAppender {
  /** Records of pairs that are next in order, not yet handed to a write. */
  private ready = '';
  private readonly ordered = new InOrder<LabelRecord[]>((records) => {
    this.ready += records.map(formatLabelRecord).join('');
    this.count += records.length;
  });
  private count = 0;
  private abandoned = false;
  private handle: FileHandle | null = null;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly output: string, private readonly path: string) {}

  /** An appender for the partial file of `output`, holding `kept` first (if any). */
  static async start(output: string, kept: readonly LabelRecord[]): Promise<RecordAppender> {
    const appender = new RecordAppender(output, partialPathOf(output));
    if (kept.length > 0) await appender.append(kept.map(formatLabelRecord).join(''));
    appender.count = kept.length;
    return appender;
  }

  /** Records of pair number `index` (empty when it was skipped); ignored once abandoned. */
  add(index: number, records: LabelRecord[]): Promise<void> {
    if (this.abandoned) return Promise.resolve();
    this.ordered.settle(index, records);
    const text = this.ready;
    this.ready = '';
    if (text !== '') this.writing = this.writing.then(() => this.append(text));
    return this.writing;
  }

  /** Writes `text` at the end of the partial file, made (empty, atomically) on first use. */
  private async append(text: string): Promise<void> {
    try {
      if (this.handle === null) {
        // The partial file is the tool's own: a link in its place is replaced, never followed.
        await writeFileAtomic(this.path, '', { throughLinks: false });
        this.handle = await open(this.path, 'a');
      }
      await this.handle.write(text);
    } catch (error) {
      throw writeError(this.output, error);
    }
  }

  /**
   * Closes the partial file and puts it in place of the output; returns the record count. With
   * no record, nothing was written and nothing is: the output is neither made nor replaced.
   */
  async finish(): Promise<number> {
    await this.writing;
    if (this.handle === null) return 0;
    await this.handle.close();
    try {
      // Compressed, or through a symbolic link (its file may be on another file system, where
      // the partial file cannot be renamed to): written anew, atomically.
      if (this.output.endsWith('.gz') || writeTargetOrSelf(this.output) !== this.output) {
        const text = await readFile(this.path, 'utf8');
        await writeFileAtomic(this.output, encodeRecordText(text, this.output));
        await rm(this.path);
      } else {
        await rename(this.path, this.output);
      }
    } catch (error) {
      throw writeError(this.output, error);
    }
    return this.count;
  }

  /** Closes the partial file after a failure, leaving it for `--resume`. */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await this.writing.catch(() => {});
    await this.handle?.close();
  }
}

/**
 * `<output>: cannot write (<problem>)`, whichever file failed: the partial file and the
 * temporary files are the output's own business (`label/out.jsonl: cannot write (no space
 * left on the device)`); a parent folder that failed is named (`… (label: permission denied)`).
 */
function writeError(output: string, error: unknown): AutothreshError {
  const cause = isAutothreshError(error, 'autothresh.write') && error.cause !== undefined
    ? error.cause : error;
  if (cause instanceof AutothreshError) return cause;
  const failed = isFileSystemError(cause) ? cause.path : undefined;
  const partial = failed !== undefined && resolve(failed) === resolve(partialPathOf(output));
  const problem = partial
    ? fileSystemProblem(cause)
    : fileProblemAt(output, cause, writeTargetOrSelf(output));
  return new AutothreshError('autothresh.write', `${output}: cannot write (${problem})`, { cause });
}
