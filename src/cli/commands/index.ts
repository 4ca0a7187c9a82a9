/**
 * Every subcommand of the CLI, in the order `--help` lists them. Each module exports a factory
 * that builds its commander `Command` for a run's {@link CliContext}.
 */
import type { Command } from 'commander';
import type { CliContext } from '../io.js';
import { predictCommand } from './predict.js';
import { methodsCommand } from './methods.js';
import { labelCommand } from './label.js';
import { datasetCommand } from './dataset.js';
import { synthCommand } from './synth.js';
import { trainCommand } from './train.js';
import { tuneCommand } from './tune.js';
import { benchCommand } from './bench.js';

export const COMMANDS: ReadonlyArray<(context: CliContext) => Command> = [
  predictCommand,
  methodsCommand,
  labelCommand,
  datasetCommand,
  synthCommand,
  trainCommand,
  tuneCommand,
  benchCommand,
];
