/**
 * `autothresh tune --data <jsonl...>`: compares model designs (width, depth, normalization,
 * dropout, feature sets, losses) with leave-one-dataset-out validation and prints a ranked table.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';
import { addTrainingOptions, TrainingOptionsShape } from './train.js';

const TuneOptionsSchema = z.object({
  ...TrainingOptionsShape,
  data: z.array(optionTypes.text()).min(1, { message: 'expected at least one record file' }),
  grid: optionTypes.choice(['quick', 'full']),
  holdOut: z.array(optionTypes.text()).optional(),
  json: z.boolean().optional(),
});

export type TuneOptions = z.output<typeof TuneOptionsSchema>;

export function tuneCommand(context: CliContext): Command {
  const command = new Command('tune')
    .description(
      'Compare model designs by leave-one-dataset-out validation: for each design and each\n' +
        'dataset (the records\' `dataset` field), train on the other datasets and score the\n' +
        'held-out one\'s original records; print the designs ranked by mean F-measure.',
    )
    .requiredOption('--data <files...>', 'labelled record files (.jsonl or .jsonl.gz)')
    .option('--grid <size>', 'quick (5 designs) or full (17 designs)', 'quick')
    .option('--hold-out <datasets...>', 'hold out only these datasets (default all)')
    .option('--json', 'print one JSON object per design on stdout');
  addTrainingOptions(command);

  return command.action(async (raw: Record<string, unknown>) => {
    const options = parseOptions(TuneOptionsSchema, raw);
    if (options.patience !== undefined) {
      throw new AutothreshError('autothresh.usage', 'option --patience: tune trains every ' +
        'fold for --epochs epochs, without early stopping (the only records it could stop on ' +
        'are the held-out ones it scores)');
    }
    const { runTune } = await import('./tune-run.js');
    await runTune(context, options);
  });
}
