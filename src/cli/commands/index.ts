/**
 * Every subcommand of the CLI, in the order `--help` lists them.
 *
 * A run loads only the module of the command it runs: the other commands are registered as
 * stubs carrying their name and one-line summary, which is all the top-level `--help` and
 * "did you mean …?" need. Each module exports a factory that builds its commander `Command`
 * for a run's {@link CliContext}.
 */
import type { Command } from 'commander';
import type { CliContext } from '../io.js';

type CommandFactory = (context: CliContext) => Command;

export interface CommandEntry {
  readonly name: string;
  /** One line for the top-level `--help`. */
  readonly summary: string;
  /** Imports the command's module and returns its factory. */
  readonly load: () => Promise<CommandFactory>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'predict',
    summary: 'threshold images: a table or JSON Lines, binarized images or foreground masks',
    load: async () => (await import('./predict.js')).predictCommand,
  },
  {
    name: 'methods',
    summary: 'list every threshold method with its description and reference',
    load: async () => (await import('./methods.js')).methodsCommand,
  },
  {
    name: 'label',
    summary: 'label images with their exact best threshold against ground-truth masks',
    load: async () => (await import('./label.js')).labelCommand,
  },
  {
    name: 'dataset',
    summary: 'inspect and split labelled-record files',
    load: async () => (await import('./dataset.js')).datasetCommand,
  },
  {
    name: 'synth',
    summary: 'write synthetic images with exact ground-truth masks',
    load: async () => (await import('./synth.js')).synthCommand,
  },
  {
    name: 'train',
    summary: 'train or fine-tune the threshold model on labelled records',
    load: async () => (await import('./train.js')).trainCommand,
  },
  {
    name: 'tune',
    summary: 'compare model designs by leave-one-dataset-out validation',
    load: async () => (await import('./tune.js')).tuneCommand,
  },
  {
    name: 'bench',
    summary: 'score threshold methods against ground truth',
    load: async () => (await import('./bench.js')).benchCommand,
  },
];
