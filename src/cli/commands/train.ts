/**
 * `autothresh train --data <jsonl...> -o <dir>`: trains the threshold model on labelled records
 * (or fine-tunes one with `--init`) and writes the model folder.
 */
import { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';

const NORMALIZATIONS = ['none', 'batch', 'layer'] as const;
const LOSSES = ['soft-score', 'huber'] as const;
const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
const FEATURE_SETS = [
  'histogram', 'sqrt-cdf', 'sqrt-cdf-stats', 'histogram-stats-classical',
  'sqrt-cdf-stats-classical',
] as const;
const BASES = ['li', 'otsu', 'mean', 'triangle', 'none'] as const;

const hiddenList = z.string().transform((text, context) => {
  const widths = text.split(',').map((part) => Number(part.trim()));
  if (text.trim() === '' || widths.some((width) => !Number.isInteger(width) || width < 1)) {
    context.addIssue({ code: 'custom', message: 'expected comma-separated widths such as 128,64' });
    return z.NEVER;
  }
  return widths;
});

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
});

/** Adds the hyperparameter options shared by `train` and `tune`. */
export function addTrainingOptions(command: Command): Command {
  return command
    .option('--seed <n>', 'seed of initialization, shuffling, dropout and splits (default 1)')
    .option('--epochs <n>', 'training epochs (default 60; 30 when fine-tuning)')
    .option('--batch-size <n>', 'records per step (default 64)')
    .option('--lr <rate>', 'Adam learning rate (default 0.001; 0.0003 when fine-tuning)')
    .option('--hidden <widths>', 'hidden layer widths, input side first (default 256,128,64)')
    .option('--norm <kind>', 'normalization after each hidden layer: none, batch, layer')
    .option('--dropout <rate>', 'dropout rate after each hidden layer (default 0.1)')
    .option('--loss <name>', 'threshold loss: soft-score (soft objective) or huber')
    .option('--features <set>', `input features: ${FEATURE_SETS.join(', ')}`)
    .option('--base <method>', 'classical threshold the model corrects (default li; none)')
    .option('--patience <n>', 'stop after n epochs without a better validation score (0: never)')
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
    .option('--json', 'print the summary as one JSON object on stdout');
  addTrainingOptions(command);

  return command.action(async (raw: Record<string, unknown>) => {
    const options = parseOptions(TrainOptionsSchema, raw);
    const { runTrain } = await import('./train-run.js');
    await runTrain(context, options);
  });
}

export type TrainOptions = z.output<typeof TrainOptionsSchema>;
