/**
 * `autothresh train --data <jsonl...> -o <dir>`: trains the threshold model on labelled records
 * (or fine-tunes one with `--init`) and writes the model folder.
 */
import { readdirSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';

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

const hiddenList = z.string().transform((text, context) => {
  const widths = text.split(',').map((part) => Number(part.trim()));
  if (text.trim() === '' || widths.some((width) => !Number.isInteger(width) || width < 1)) {
    context.addIssue({ code: 'custom', message: 'expected comma-separated widths such as 128,64' });
    return z.NEVER;
  }
  return widths;
});

/** `a,b,…` with exactly `count` finite numbers ≥ 0 (and the first one > 0 when `positive`). */
function numberList(count: number, example: string, positive: boolean) {
  return z.string().transform((text, context) => {
    const values = text.split(',').map((part) => Number(part.trim()));
    const valid = values.length === count && text.trim() !== '' &&
      values.every((value) => Number.isFinite(value) && value >= 0) &&
      (!positive || values.every((value) => value > 0));
    if (!valid) {
      context.addIssue({ code: 'custom', message: `expected ${count} numbers such as ${example}` });
      return z.NEVER;
    }
    return values;
  });
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
  headWeights: numberList(3, '1,0.3,0.3', false).optional(),
  temperature: numberList(2, '4,0.5', true).optional(),
  backend: optionTypes.choice(BACKENDS),
  quiet: z.boolean().optional(),
};

const TrainOptionsSchema = z.object({
  ...TrainingOptionsShape,
  data: z.array(z.string()).min(1, { message: 'expected at least one record file' }),
  out: z.string().min(1),
  val: z.array(z.string()).optional(),
  valSplit: optionTypes.number(0, 0.9).optional(),
  init: z.string().optional(),
  runs: optionTypes.integer(1, 100),
  json: z.boolean().optional(),
  force: z.boolean().optional(),
});

/** Options that define the network; a fine-tuned model keeps its parent's. */
const ARCHITECTURE_OPTIONS = [
  ['hidden', '--hidden'], ['norm', '--norm'], ['features', '--features'], ['base', '--base'],
] as const;

/** Adds the hyperparameter options shared by `train` and `tune`. */
export function addTrainingOptions(command: Command): Command {
  return command
    .option('--seed <n>', 'seed of initialization, shuffling, dropout and splits (default 1)')
    .option('--epochs <n>', 'training epochs (default 60; 30 when fine-tuning)')
    .option('--batch-size <n>', 'records per step (default 64; 32 when fine-tuning)')
    .option('--lr <rate>', 'Adam learning rate (default 0.001; 0.0003 when fine-tuning)')
    .option('--hidden <widths>', 'hidden layer widths, input side first (default 128,64)')
    .option('--norm <kind>', 'normalization after each hidden layer: none, batch, layer')
    .option('--dropout <rate>', 'dropout rate after each hidden layer (default 0.3)')
    .option('--loss <name>', 'threshold loss: soft-score (soft objective) or huber')
    .option('--features <set>', `input features: ${FEATURE_SETS.join(', ')}`)
    .option('--base <method>', 'classical threshold the model corrects: li (default), otsu, mean, triangle, none')
    .option('--patience <n>', 'stop after n epochs without a better validation score (0: never)')
    .option('--head-weights <t,p,q>',
      'weights of the threshold, polarity and quality losses (default 1,0.3,0.3)')
    .option('--temperature <start,end>',
      'soft-threshold temperature in bins, first and last epoch (default 4,0.5; 1,0.5 when ' +
        'fine-tuning)')
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
    .option('--force', 'replace an existing model folder');
  addTrainingOptions(command);

  return command.action(async (raw: Record<string, unknown>) => {
    const options = parseOptions(TrainOptionsSchema, raw);
    checkTrainOptions(options);
    const { runTrain } = await import('./train-run.js');
    await runTrain(context, options);
  });
}

export type TrainOptions = z.output<typeof TrainOptionsSchema>;

/**
 * Cross-option rules: the architecture of a fine-tuned model is its parent's, and an existing
 * model folder (or another file) at `--out` is only replaced with `--force`.
 */
function checkTrainOptions(options: TrainOptions): void {
  if (options.init !== undefined) {
    const given = ARCHITECTURE_OPTIONS.find(([key]) => options[key] !== undefined);
    if (given !== undefined) {
      throw new AutothreshError(
        'autothresh.usage',
        `${given[1]}: cannot be changed when fine-tuning with --init (the model keeps the ` +
          'architecture and features of the one it starts from)',
      );
    }
  }
  const existing = statSync(options.out, { throwIfNoEntry: false });
  if (existing !== undefined && !existing.isDirectory()) {
    throw new AutothreshError('autothresh.usage', `--out: ${options.out} is a file, not a folder`);
  }
  if (existing !== undefined && !options.force && readdirSync(options.out).length > 0) {
    throw new AutothreshError(
      'autothresh.usage',
      `--out: ${options.out} already exists and is not empty; pass --force to replace the model`,
    );
  }
}
