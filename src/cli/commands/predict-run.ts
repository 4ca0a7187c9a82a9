/**
 * The work of `autothresh predict`, loaded only when the command runs.
 *
 * Everything that would fail every image alike is checked before the first image: the method
 * and its parameters, the model (read once), the output folder (created, and skipped when
 * inputs are searched). What remains are failures of single inputs, reported one line each.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import pMap from 'p-map';
import { AutothreshError, errorMessage, isAutothreshError } from '../../errors.js';
import type { Polarity } from '../../histogram/histogram.js';
import { writeGrayPng } from '../../image/encode.js';
import {
  binarizedPixels,
  foregroundMaskPixels,
  METHOD_NAMES,
  thresholdFile,
  type MethodName,
  type ThresholdResult,
} from '../../predict.js';
import { isLocalMethodName, LOCAL_METHODS } from '../../methods/local/index.js';
import { parameterProblemText, resolveParams } from '../../methods/local/params.js';
import { fileProblemAt } from '../../util/file-errors.js';
import {
  brokenLinkOnPath, createFolder, inputUnder, realWriteTargetOf, trialProblem, tryWriteIn,
} from '../../util/folders.js';
import { debug } from '../../util/log.js';
import { InOrder } from '../../util/in-order.js';
import { createProgress } from '../../util/progress.js';
import { closestName } from '../suggest.js';
import { expandInputs, type InputFile } from '../inputs.js';
import { finishBeforeExit, markFailed, type CliContext } from '../io.js';
import type { PredictOptions } from './predict.js';
import { renderTable } from '../table.js';
import { counted } from '../../util/counts.js';
import { printableLine } from '../../util/printable.js';

export async function runPredict(
  context: CliContext,
  inputs: string[],
  options: PredictOptions,
): Promise<void> {
  const method = checkMethod(options.method);
  checkParameters(method, options.params);
  await checkModel(method, options.model);
  if (options.out !== undefined) await prepareOutputFolder(options.out);
  const { io } = context;
  const { files, problems } = await expandInputs(inputs, { skipFolder: options.out });
  for (const problem of problems) {
    io.stderr(printableLine(`${problem.input}: ${problem.message}`));
    markFailed(context);
  }
  if (files.length === 0) {
    throw new AutothreshError('autothresh.noImages', 'no image to process');
  }

  // Model folders are inputs too: an output that is a link into one must not replace its files.
  const modelFolders = options.out === undefined ? [] : [
    (await import('../../model/index.js')).DEFAULT_MODEL_DIRECTORY,
    ...(options.model === undefined ? [] : [options.model]),
  ];
  const outputs = assignOutputs(files, options.out, modelFolders);
  const table: PredictRecord[] = [];
  const failures = await processInOrder(context, files, options, {
    process: (input) => processFile(input.path, method, options, outputs.get(input)),
    emit: (record) => {
      if (!options.quiet) {
        for (const warning of record.warnings) io.stderr(printableLine(`warning: ${warning}`));
      }
      if (options.json) io.stdout(`${JSON.stringify(record)}\n`);
      else table.push(record);
    },
  });
  if (!options.json) printTable(context, table);
  reportFailures(context, failures, files.length, problems.length);
}

/** What `predict` prints for one image: its result and, with `--out`, the file written. */
type PredictRecord = ThresholdResult & { binarized?: string; mask?: string };

/** What is done with each input, and with its record once it is its turn to be printed. */
interface InputWork {
  process(input: InputFile): Promise<PredictRecord>;
  emit(record: PredictRecord): void;
}

/**
 * Processes the inputs, `--concurrency` at once, and emits each record as soon as those of all
 * earlier inputs are out, so that results come in input order while the batch runs. Once
 * stdout is closed no further input is started. Returns the failures, one line each.
 */
async function processInOrder(
  context: CliContext,
  files: readonly InputFile[],
  options: PredictOptions,
  work: InputWork,
): Promise<string[]> {
  const { io } = context;
  // By input index, so that failures are listed in input order whatever finishes first.
  const failures: { index: number; line: string }[] = [];
  const progress = createProgress(files.length, 'predict', {
    // Lines printed as they come would cut through a bar drawn on the same terminal.
    quiet: options.quiet || !io.stderrIsTTY || (options.json && io.stdoutIsTTY === true),
  });
  const inOrder = new InOrder(work.emit);
  await pMap(files.entries(), async ([index, input]) => {
    // Nobody reads the results any more (`… | head -1`): start no further image.
    if (io.stdoutClosed === true) return inOrder.settle(index, null);
    let record: PredictRecord | null = null;
    try {
      record = await work.process(input);
    } catch (error) {
      failures.push({ index, line: failureLine(input.path, errorMessage(error)) });
    } finally {
      progress.tick();
    }
    inOrder.settle(index, record);
  }, { concurrency: options.concurrency });
  progress.stop();
  return failures.sort((a, b) => a.index - b.index).map(({ line }) => line);
}

/** `<input>: <what is wrong>`, once: messages that already start with the input name keep it. */
export function failureLine(input: string, message: string): string {
  return message.startsWith(`${input}: `) ? message : `${input}: ${message}`;
}

/**
 * `--out` must be a folder, or a path where one can be created (it is, with its missing
 * parents), that this process may write into.
 */
async function prepareOutputFolder(out: string): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (info !== null && !info.isDirectory()) {
    const what = info.isFile() ? 'a file' : 'not a folder';
    throw new AutothreshError(
      'autothresh.usage',
      `option --out: expected a folder, received ${JSON.stringify(out)}, which is ${what}`,
    );
  }
  // A link to nothing or a loop, at `out` or above it, would make the folder creation below
  // fail as "already exists".
  const broken = info === null ? await brokenLinkOnPath(out) : null;
  if (broken !== null) {
    const problem = broken.level === out ? `${out} is ${broken.what}`
      : `cannot create ${out} (${broken.level} is ${broken.what})`;
    throw new AutothreshError('autothresh.usage', `option --out: ${problem}`);
  }
  if (info === null) {
    try {
      await createFolder(out);
    } catch (error) {
      throw new AutothreshError(
        'autothresh.usage', `option --out: cannot create ${out} (${fileProblemAt(out, error)})`,
      );
    }
    debug(`created the output folder ${out}`);
  }
  // A trial file, not a permission check: root passes every permission check, and some file
  // systems (/proc, /sys) take no files whatever the permissions say.
  const failure = await tryWriteIn(out);
  if (failure !== null) {
    throw new AutothreshError('autothresh.usage',
      `option --out: cannot write into ${out} (${trialProblem(failure.error)})`);
  }
}

/**
 * The learned method's model is read once, before any image: a broken model folder is one
 * usage error naming the file, not one failure per image. Other methods take no model.
 */
async function checkModel(method: MethodName, directory: string | undefined): Promise<void> {
  if (method !== 'learned') {
    if (directory === undefined) return;
    throw new AutothreshError('autothresh.usage',
      `option --model: method ${method} takes no model (only --method learned does)`);
  }
  const { DEFAULT_MODEL_DIRECTORY, loadModel } = await import('../../model/index.js');
  const folder = directory ?? DEFAULT_MODEL_DIRECTORY;
  try {
    const model = await loadModel(folder);
    debug(`model: ${model.directory}`);
  } catch (error) {
    const message = errorMessage(error);
    const named = message.startsWith(folder) ? message : `${folder}: ${message}`;
    throw new AutothreshError('autothresh.usage', `option --model: ${named}`, { cause: error });
  }
}

function checkMethod(name: string): MethodName {
  if ((METHOD_NAMES as readonly string[]).includes(name)) return name as MethodName;
  const suggestion = closestName(name, METHOD_NAMES);
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  throw new AutothreshError(
    'autothresh.usage',
    `option --method: unknown method "${name}"${hint}; run \`autothresh methods\` for the list`,
  );
}

/** Global methods take only their own parameter; local methods check theirs themselves. */
const GLOBAL_PARAMETERS: Readonly<Record<string, string>> = {
  percentile: 'fraction',
  'multi-otsu': 'classes',
};

function checkParameters(method: MethodName, params: Record<string, number>): void {
  if (isLocalMethodName(method)) {
    // Checked once here, one parameter at a time, so that a bad value is a usage error naming
    // its option rather than a failure of every image.
    const definitions = LOCAL_METHODS[method].parameters;
    for (const [name, value] of Object.entries(params)) {
      try {
        resolveParams(method, definitions, { [name]: value });
      } catch (error) {
        if (!isAutothreshError(error)) throw error;
        throw new AutothreshError('autothresh.usage', `option --${name}: ${method} ` +
          `${parameterProblemText(errorMessage(error), method)}`);
      }
    }
    return;
  }
  for (const name of Object.keys(params)) {
    if (GLOBAL_PARAMETERS[method] === name) continue;
    const own = GLOBAL_PARAMETERS[method];
    throw new AutothreshError(
      'autothresh.usage',
      `option --${name}: method ${method} takes ` +
        `${own === undefined ? 'no parameter' : `only --${own}`}`,
    );
  }
}

async function processFile(
  file: string,
  method: MethodName,
  options: PredictOptions,
  output: OutputPlan | undefined,
): Promise<PredictRecord> {
  if (output !== undefined && 'refused' in output) {
    throw new AutothreshError('autothresh.write', `${file}: ${output.refused}`);
  }
  const thresholded = await thresholdFile(
    file,
    {
      method,
      polarity: options.polarity as Polarity | 'auto',
      params: options.params,
      model: options.model,
      range: options.range,
    },
    {
      page: options.page,
      includeTransparent: options.includeTransparent,
      maxPixels: options.maxPixels,
    },
  );
  if (output === undefined) return thresholded.result;
  const pixels = options.mask ? foregroundMaskPixels(thresholded) : binarizedPixels(thresholded);
  const { width, height } = thresholded.image;
  // A closed stdout ends the process, but not in the middle of this file.
  await finishBeforeExit(writeGrayPng(output.path, pixels, width, height));
  return { ...thresholded.result, [options.mask ? 'mask' : 'binarized']: output.path };
}

/** Where one input's output goes, or why it may not be written. */
type OutputPlan = { path: string } | { refused: string };

/**
 * `<out>/<input basename>.png`; a second input with the same basename gets `-2`, `-3`, …
 * An output that would replace an input file (say `--out .` next to `a.png`) is refused, and so
 * is one that would replace any existing file in the input's own folder (`a.png` beside the
 * input `a.jpg`) or a file of a model folder (`modelFolders`). Where an output lands is found
 * as the write finds it: through symbolic links.
 */
function assignOutputs(
  files: readonly InputFile[],
  out: string | undefined,
  modelFolders: readonly string[],
): Map<InputFile, OutputPlan> {
  const plans = new Map<InputFile, OutputPlan>();
  if (out === undefined) return plans;
  const inputsByPath = new Map(files.map((file) => [file.realPath, file]));
  const used = new Set<string>();
  for (const file of files) {
    const stem = basename(file.path, extname(file.path));
    let name = `${stem}.png`;
    for (let copy = 2; used.has(name); copy++) name = `${stem}-${copy}.png`;
    used.add(name);
    const path = join(out, name);
    // Where the write lands: an existing output that is a symbolic link is written through.
    const target = realWriteTargetOf(path);
    const clash = inputsByPath.get(target);
    const model = modelFolders.find((folder) => inputUnder(folder, [target]) !== undefined);
    if (model !== undefined) {
      plans.set(file, { refused: `output ${path} would overwrite a file of the model ${model}` });
    } else if (clash === undefined && dirname(file.realPath) === dirname(target) &&
      existsSync(target)) {
      // Beside the input, an existing file of that name may be another image of the user's.
      plans.set(file, { refused: `output ${path} exists beside the input (it may be another ` +
        'image); choose another --out' });
    } else if (clash === undefined) plans.set(file, { path });
    else if (clash === file) plans.set(file, { refused: 'output would overwrite the input' });
    else plans.set(file, { refused: `output ${path} would overwrite the input ${clash.path}` });
  }
  return plans;
}

/** The plain output: one table of every result, its columns as wide as their widest cell. */
function printTable(context: CliContext, results: readonly ThresholdResult[]): void {
  if (results.length === 0) return;
  const rows = results.map((result) => [
    result.file,
    `${result.width}×${result.height}`,
    result.method,
    formatThreshold(result),
    result.polarity + (result.polarityConfidence === undefined
      ? ''
      : ` (${(result.polarityConfidence * 100).toFixed(0)}%)`),
    percentOfPixels(result.foregroundFraction),
    result.quality === undefined ? '' : result.quality.toFixed(2),
  ]);
  const header = ['file', 'size', 'method', 'threshold', 'polarity', 'foreground', 'quality'];
  const hasQuality = results.some((result) => result.quality !== undefined);
  const columns = hasQuality ? header.length : header.length - 1;
  context.io.stdout(renderTable(header.slice(0, columns), rows.map((row) => row.slice(0, columns)),
    ['left', 'right', 'left', 'right', 'left', 'right', 'right']));
}

/**
 * A share of the pixels to one decimal; a share that would round to 0.0% or 100.0% but is not
 * says so (`<0.1%`, `>99.9%`): those ends are kept for no pixel and every pixel.
 */
function percentOfPixels(fraction: number): string {
  if (fraction > 0 && fraction < 0.0005) return '<0.1%';
  if (fraction < 1 && fraction >= 0.9995) return '>99.9%';
  return `${(fraction * 100).toFixed(1)}%`;
}

function formatThreshold(result: ThresholdResult): string {
  if (result.threshold === null) return 'local';
  if (result.thresholds !== undefined) {
    const bins = result.thresholds.join(', ');
    return result.bitDepth === 16 ? `${bins} (${(result.values ?? []).join(', ')})` : bins;
  }
  if (result.bitDepth === 16) return `${result.threshold} (${result.value})`;
  return String(result.threshold);
}

/**
 * The failed images, then one line counting them and the problems with the inputs themselves
 * (missing files, folders without images or that cannot be listed: reported before any image).
 */
function reportFailures(
  context: CliContext,
  failures: string[],
  total: number,
  unusableInputs: number,
): void {
  if (failures.length === 0 && unusableInputs === 0) return;
  for (const failure of failures) context.io.stderr(printableLine(failure));
  const parts = [];
  if (failures.length > 0) parts.push(`${failures.length} of ${counted(total, 'image')} failed`);
  if (unusableInputs > 0) {
    parts.push(`${counted(unusableInputs, 'problem')} with the inputs, listed first`);
  }
  context.io.stderr(`${parts.join('; ')}\n`);
  markFailed(context);
}
