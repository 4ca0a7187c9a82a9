/**
 * `autothresh train --data <jsonl...> -o <dir>`: trains the threshold model on labelled records
 * (or fine-tunes one with `--init`) and writes the model folder.
 */
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError, errorMessage } from '../../errors.js';
import { specialFileKind } from '../../util/atomic-write.js';
import { fileSystemProblem } from '../../util/file-errors.js';
import { longNameProblem } from '../../label/output-paths.js';
import {
  brokenLinkOnPath, inputUnder, realPathOrResolved, trialProblem, tryWriteIn,
} from '../../util/folders.js';
import type { CliContext } from '../io.js';
import { optionTypes, parseDecimal, parseOptions } from '../options.js';

const NORMALIZATIONS = ['none', 'batch', 'layer'] as const;
const LOSSES = ['soft-score', 'huber'] as const;
const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
const FEATURE_SETS = [
  'histogram', 'sqrt-cdf', 'sqrt-cdf-stats', 'histogram-stats-classical',
  'sqrt-cdf-stats-classical', 'sqrt64-cdf64-stats-classical',
] as const;
const BASES = ['li', 'otsu', 'mean', 'triangle', 'none'] as const;

/**
 * The choices of the training options, spelled out here so that `--help` does not load the
 * model code; a test checks them against the model's own lists.
 */
export const TRAINING_CHOICES = {
  normalizations: NORMALIZATIONS, losses: LOSSES, backends: BACKENDS, featureSets: FEATURE_SETS,
  bases: BASES,
};

/** Widest hidden layer accepted (two such layers already hold 16 M weights). */
export const MAX_HIDDEN_WIDTH = 4096;

/** `a,b,…`: the numbers of a comma-separated list, or the first part that is not a number. */
function splitNumbers(text: string): { values: number[] } | { bad: string } {
  const parts = text.split(',').map((part) => part.trim());
  const bad = parts.find((part) => Number.isNaN(parseDecimal(part)));
  return bad === undefined ? { values: parts.map(parseDecimal) } : { bad };
}

/** A text option read by `parse`, which returns the value or what is wrong with the text. */
function listOption<Value>(parse: (text: string) => Value | string) {
  return z.string().transform((text, context): Value => {
    const parsed = parse(text);
    if (typeof parsed !== 'string') return parsed;
    context.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  });
}

const hiddenList = listOption((text): number[] | string => {
  const split = splitNumbers(text);
  if ('bad' in split) {
    return `expected comma-separated widths such as 128,64; "${split.bad}" is not a number`;
  }
  const bad = split.values.find((width) =>
    !Number.isInteger(width) || width < 1 || width > MAX_HIDDEN_WIDTH);
  if (bad !== undefined) {
    return `expected widths that are integers from 1 to ${MAX_HIDDEN_WIDTH}; ${bad} is not one`;
  }
  return split.values;
});

/** `t,p,q`: three weights ≥ 0, not all 0 (the model would learn nothing). */
const headWeightList = listOption((text): number[] | string => {
  const values = countedNumbers(text, 3, 't,p,q such as 1,0.3,0.3');
  if (typeof values === 'string') return values;
  const negative = values.find((value) => value < 0);
  if (negative !== undefined) return `expected weights ≥ 0; ${negative} is negative`;
  if (values.every((value) => value === 0)) {
    return 'expected at least one weight > 0 (with all three 0 nothing is learned)';
  }
  return values;
});

/** `start,end`: two temperatures > 0 (the schedule is geometric from start to end). */
const temperatureList = listOption((text): number[] | string => {
  const values = countedNumbers(text, 2, 'start,end such as 4,0.5');
  if (typeof values === 'string') return values;
  const bad = values.find((value) => !(value > 0));
  if (bad !== undefined) return `expected temperatures > 0 (in bins); ${bad} is not`;
  return values;
});

/** Exactly `count` finite numbers, or what is wrong (`shape`: e.g. "start,end such as 4,0.5"). */
function countedNumbers(text: string, count: number, shape: string): number[] | string {
  const split = splitNumbers(text);
  if ('bad' in split) return `expected ${count} numbers ${shape}; "${split.bad}" is not a number`;
  if (split.values.length !== count) {
    return `expected ${count} numbers ${shape}, found ${split.values.length}`;
  }
  return split.values;
}

/** Options shared by `train` and `tune`. */
export const TrainingOptionsShape = {
  seed: optionTypes.integer(0, 2 ** 31 - 1).optional(),
  epochs: optionTypes.integer(1, 100_000).optional(),
  batchSize: optionTypes.integer(1, 65_536).optional(),
  lr: optionTypes.number(1e-7, 10).optional(),
  hidden: hiddenList.optional(),
  norm: optionTypes.choice(NORMALIZATIONS).optional(),
  dropout: optionTypes.number(0, 0.95).optional(),
  loss: optionTypes.choice(LOSSES).optional(),
  features: optionTypes.choice(FEATURE_SETS).optional(),
  base: optionTypes.choice(BASES).optional(),
  patience: optionTypes.integer(0, 100_000).optional(),
  headWeights: headWeightList.optional(),
  temperature: temperatureList.optional(),
  backend: optionTypes.choice(BACKENDS),
  quiet: z.boolean().optional(),
};

const TrainOptionsSchema = z.object({
  ...TrainingOptionsShape,
  data: z.array(optionTypes.text()).min(1, { message: 'expected at least one record file' }),
  out: optionTypes.text(),
  val: z.array(optionTypes.text()).optional(),
  valSplit: optionTypes.number(0, 0.9).optional(),
  init: optionTypes.text().optional(),
  runs: optionTypes.integer(1, 100),
  json: z.boolean().optional(),
  force: z.boolean().optional(),
});

/** Options that define the network; a fine-tuned model keeps its parent's. */
const ARCHITECTURE_OPTIONS = [
  ['hidden', '--hidden'], ['norm', '--norm'], ['features', '--features'], ['base', '--base'],
] as const;

/**
 * Adds the hyperparameter options shared by `train` and `tune`; `fineTuning`: the command can
 * fine-tune (`--init`), whose defaults differ and are named too.
 */
export function addTrainingOptions(command: Command, fineTuning = false): Command {
  const whenFineTuning = (value: string) => (fineTuning ? `; ${value} when fine-tuning` : '');
  return command
    .option('--seed <n>', 'seed of initialization, shuffling, dropout and splits (default 1)')
    .option('--epochs <n>', `training epochs (default 60${whenFineTuning('30')})`)
    .option('--batch-size <n>', `records per step (default 64${whenFineTuning('32')})`)
    .option('--lr <rate>', `Adam learning rate (default 0.001${whenFineTuning('0.0003')})`)
    .option('--hidden <widths>',
      `hidden layer widths, input side first, each 1..${MAX_HIDDEN_WIDTH} (default 128,64)`)
    .option('--norm <kind>',
      'normalization after each hidden layer: none, batch, layer (default none)')
    .option('--dropout <rate>', 'dropout rate after each hidden layer (default 0.3)')
    .option('--loss <name>',
      'threshold loss: soft-score (soft objective) or huber (default soft-score)')
    .option('--features <set>',
      `input features: ${FEATURE_SETS.join(', ')} (default sqrt64-cdf64-stats-classical)`)
    .option('--base <method>',
      'classical threshold the model corrects: li, otsu, mean, triangle, none (default li)')
    .option('--patience <n>', 'stop after n epochs without a better validation score ' +
      `(0: never; default 15${whenFineTuning('0')})`)
    .option('--head-weights <t,p,q>',
      'weights of the threshold, polarity and quality losses (default 1,0.3,0.3)')
    .option('--temperature <start,end>',
      `soft-threshold temperature in bins, first and last epoch (default 4,0.5` +
        `${whenFineTuning('1,0.5')})`)
    .option('--backend <name>', 'TensorFlow.js backend: auto, tensorflow, wasm, cpu', 'auto')
    .option('-q, --quiet', 'no per-epoch lines on stderr');
}

export function trainCommand(context: CliContext): Command {
  const command = new Command('train')
    .description(
      'Train the threshold model on labelled records (JSONL from `autothresh label`) and write\n' +
        'a model folder (model.json, weights.bin, metadata.json). Same data, seed and backend\n' +
        'give identical weights.',
    )
    .requiredOption('--data <files...>', 'labelled record files (.jsonl or .jsonl.gz)')
    .requiredOption('-o, --out <dir>', 'model folder to write')
    .option('--val <files...>', 'validation record files (default: --val-split of the images)')
    .option('--val-split <fraction>', 'share of source images held back for validation', '0.15')
    .option('--init <dir>', 'fine-tune this model folder (`default`: the shipped model)')
    .option('--runs <n>', 'train n seeds (seed, seed+1, …), report mean ± std; saves the first',
      '1')
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('--force', 'write into a folder that is not empty (the model files are replaced)');
  addTrainingOptions(command, true);

  return command.action(async (raw: Record<string, unknown>) => {
    const options = parseOptions(TrainOptionsSchema, raw);
    checkTrainOptions(options, command.getOptionValueSource('valSplit') !== 'default');
    await checkOut(options);
    if (options.init !== undefined) await checkInitModel(options.init);
    const { runTrain } = await import('./train-run.js');
    await runTrain(context, options);
  });
}

export type TrainOptions = z.output<typeof TrainOptionsSchema>;

/**
 * Options that would do nothing are refused: `--val-split` beside `--val` (the validation
 * records are those files), `--patience` without any validation record. The architecture of a
 * fine-tuned model is its parent's.
 */
function checkTrainOptions(options: TrainOptions, valSplitGiven: boolean): void {
  const validationFiles = (options.val ?? []).length > 0;
  if (validationFiles && valSplitGiven) {
    throw new AutothreshError('autothresh.usage', 'option --val-split: has no effect with --val ' +
      '(the validation records are those files)');
  }
  if (options.patience !== undefined && options.patience > 0 && !validationFiles &&
    options.valSplit === 0) {
    throw new AutothreshError('autothresh.usage', 'option --patience: early stopping needs ' +
      'validation records (--val, or --val-split above 0)');
  }
  if (options.init === undefined) return;
  const given = ARCHITECTURE_OPTIONS.find(([key]) => options[key] !== undefined);
  if (given !== undefined) {
    throw new AutothreshError(
      'autothresh.usage',
      `option ${given[1]}: cannot be changed when fine-tuning with --init (the model keeps the ` +
        'architecture and features of the one it starts from)',
    );
  }
}

/**
 * The model to fine-tune is read and checked before any training (without loading
 * TensorFlow.js): an unusable folder is a usage error naming the file and what is wrong.
 */
async function checkInitModel(init: string): Promise<void> {
  const { DEFAULT_MODEL_DIRECTORY, loadModel } = await import('../../model/index.js');
  const folder = init === 'default' ? DEFAULT_MODEL_DIRECTORY : init;
  try {
    await loadModel(folder);
  } catch (error) {
    const message = errorMessage(error);
    const named = message.startsWith(folder) ? message : `${folder}: ${message}`;
    throw new AutothreshError('autothresh.usage', `option --init: ${named}`, { cause: error });
  }
}

/**
 * Throws `autothresh.usage` when a model file already in `out` cannot be replaced: a folder, a
 * device or FIFO, or a symbolic link. A model folder's three files are written as one, so they
 * must be its own: writing through a link would replace a file of another folder (the shipped
 * model, another model, an input) and pair it with this model's other files.
 */
async function checkModelFiles(out: string): Promise<void> {
  const { MODEL_FILE, WEIGHTS_FILE, METADATA_FILE } = await import('../../model/files.js');
  for (const name of [MODEL_FILE, WEIGHTS_FILE, METADATA_FILE]) {
    const file = join(out, name);
    const link = await lstat(file).then((info) => info.isSymbolicLink(), () => false);
    if (link) {
      const target = await readlink(file).catch(() => '?');
      throw new AutothreshError('autothresh.usage', `option --out: ${file} is a symbolic link ` +
        `(to ${target}); a model folder's files are written as one and must be its own, so ` +
        'remove the link or choose another folder');
    }
    const info = await stat(file).catch(() => null);
    if (info !== null && !info.isFile()) {
      const what = info.isDirectory() ? 'a folder' : specialFileKind(info);
      throw new AutothreshError('autothresh.usage', `option --out: ${file} is ${what}, not a ` +
        'file the model can replace; remove it or choose another folder');
    }
  }
}

/**
 * `--out` is checked before any work: it may not hold an input file nor be the shipped model, a
 * folder that is not empty is only written into with `--force` (the model's files are replaced,
 * other files kept), and the folder must be writable. A trial
 * entry with a hidden name is made and removed at once (a file in `out` when it exists, else a
 * folder in its nearest existing parent), so that a training run does not end on an unwritable
 * path.
 */
async function checkOut({ out, force, data, val }: TrainOptions): Promise<void> {
  const input = inputUnder(out, [...data, ...(val ?? [])]);
  if (input !== undefined) {
    throw new AutothreshError('autothresh.usage', `option --out: ${out} holds the input ` +
      `${input}; choose another folder for the model`);
  }
  // The shipped model is what `predict` and `--init default` use: it is remade only by
  // `npm run train:default`, never replaced by a training run.
  const { DEFAULT_MODEL_DIRECTORY } = await import('../../model/index.js');
  if (realPathOrResolved(out) === realPathOrResolved(DEFAULT_MODEL_DIRECTORY)) {
    throw new AutothreshError('autothresh.usage', `option --out: ${out} is the shipped ` +
      'default model, which predict uses; choose another folder');
  }
  await checkModelFiles(out);
  await checkOutFolder(out, force);
}

/** Throws `autothresh.usage`: `option --out: <problem>`. */
function refuse(problem: string): never {
  throw new AutothreshError('autothresh.usage', `option --out: ${problem}`);
}

/**
 * `--out` is a folder (empty, or `force`) or can be made one, and a trial entry can be made
 * there; a name longer than a file name may be is refused, and so is a symbolic link to nothing or a loop, at `out` or above it, is refused (the model
 * folder would be made through it, which fails only once the model is trained).
 */
async function checkOutFolder(out: string, force: boolean | undefined): Promise<void> {
  const long = longNameProblem(out);
  if (long !== null) refuse(`cannot write ${out}, ${long}`);
  const broken = await brokenLinkOnPath(out);
  if (broken !== null) {
    refuse(broken.level === out ? `${out} is ${broken.what}`
      : `cannot write ${out} (${broken.level} is ${broken.what})`);
  }
  let existing = out;
  while (dirname(existing) !== existing && (await stat(existing).catch(() => null)) === null) {
    existing = dirname(existing);
  }
  const isFolder = await stat(existing).then((info) => info.isDirectory(), () => false);
  if (existing === out) {
    if (!isFolder) refuse(`${out} is a file, not a folder`);
    const entries = await readdir(out).catch((error: unknown) =>
      refuse(`cannot write ${out} (${fileSystemProblem(error)})`));
    if (!force && entries.length > 0) {
      refuse(`${out} already exists and is not empty; pass --force to write the model into it ` +
        '(its model files are replaced, other files kept)');
    }
  } else if (!isFolder) {
    refuse(`cannot write ${out} (${existing}: is a file, not a folder)`);
  }
  const failure = await tryWriteIn(out);
  if (failure !== null) {
    const where = failure.at === resolve(out) ? '' : `${failure.at}: `;
    refuse(`cannot write ${out} (${where}${trialProblem(failure.error)})`);
  }
}
