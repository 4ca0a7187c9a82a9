/**
 * `autothresh predict <inputs...>`: the threshold of each image, as a table or JSON Lines, and
 * optionally the binarized image or foreground mask of each input.
 *
 * This module only declares the command and validates its options; the work (decoding, the
 * methods, the model) is in `predict-run.ts`, loaded when the command runs.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import { MAX_PIXELS_FLAGS, maxPixelsHelp, maxPixelsOption } from '../max-pixels.js';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';
import {
  addLocalParameterOptions, givenLocalParameters, localParameterShape,
} from './local-parameter-options.js';

/** Method used when `--method` is not given. */
export const DEFAULT_METHOD = 'learned';

/** Largest `--classes` of multi-otsu (the method's own limit, `MAX_CLASSES`). */
const MAX_CLASSES = 5;

/**
 * Numeric parameters of the global methods that `predict` passes through to the method: flag,
 * value name, help, and what values are accepted. The local methods' parameters come from
 * `local-parameter-options.ts` (each method checks its own values).
 */
const GLOBAL_PARAMETER_OPTIONS = [
  ['fraction', '<0..1>', 'percentile: share of pixels at or below the threshold (default 0.5)',
    optionTypes.number(0, 1)],
  ['classes', '<k>', `multi-otsu: number of classes, 2..${MAX_CLASSES} (default 3)`,
    optionTypes.integer(2, MAX_CLASSES)],
] as const;

export function predictCommand(context: CliContext): Command {
  const command = new Command('predict')
    .summary('threshold images: a table or JSON Lines, binarized images or foreground masks')
    .description(
      'Threshold images. A threshold t splits gray values ≤ t from > t; with polarity dark the ' +
        'foreground is ≤ t, with bright it is > t. Binarized outputs are white where the value ' +
        'is > t; foreground masks are white on the foreground. A bad file is reported as ' +
        '`<file>: <what is wrong>` and the batch goes on (exit code 1).',
    )
    .argument('<inputs...>', 'image files, directories (searched recursively) or glob patterns')
    .option('-m, --method <name>', 'threshold method (see `autothresh methods`)', DEFAULT_METHOD)
    .option('--polarity <side>', 'foreground side: dark, bright or auto', 'auto')
    .option('--json', 'print one JSON object per image on stdout')
    .option('-o, --out <dir>', 'write the binarized image of each input as <dir>/<name>.png')
    .option('--mask', 'with --out: write the foreground mask (foreground 255) instead')
    .option('--page <n>', 'page of multi-page TIFF/GIF/WebP inputs, from 0 (default 0)')
    .option('--include-transparent', 'count fully transparent pixels too')
    .option('--range <mode>', '16-bit images: bins span the data range or the full range',
      'data')
    .option(MAX_PIXELS_FLAGS, maxPixelsHelp())
    .option('--model <dir>', 'model folder for --method learned (default: the shipped model)')
    .option('--concurrency <n>', 'images processed at once', '2')
    .option('-q, --quiet', 'no progress bar or warnings on stderr');
  addLocalParameterOptions(command);
  for (const [name, value, help] of GLOBAL_PARAMETER_OPTIONS) {
    command.option(`--${name} ${value}`, help);
  }

  return command.action(async (inputs: string[], raw: Record<string, unknown>) => {
    const options = parsePredictOptions(raw);
    const { runPredict } = await import('./predict-run.js');
    await runPredict(context, inputs, options);
  });
}

const globalParameterShape = {
  fraction: GLOBAL_PARAMETER_OPTIONS[0][3].optional(),
  classes: GLOBAL_PARAMETER_OPTIONS[1][3].optional(),
};

const PredictOptionsSchema = z.object({
  method: optionTypes.text(),
  polarity: optionTypes.choice(['dark', 'bright', 'auto']),
  json: z.boolean().default(false),
  out: optionTypes.text().optional(),
  mask: z.boolean().default(false),
  page: optionTypes.integer(0).optional(),
  includeTransparent: z.boolean().default(false),
  range: optionTypes.choice(['data', 'full']),
  maxPixels: maxPixelsOption(),
  model: optionTypes.text().optional(),
  concurrency: optionTypes.integer(1, 64),
  quiet: z.boolean().default(false),
  ...localParameterShape,
  ...globalParameterShape,
});

export type PredictOptions = z.output<typeof PredictOptionsSchema> & {
  params: Record<string, number>;
};

function parsePredictOptions(raw: Record<string, unknown>): PredictOptions {
  const options = parseOptions(PredictOptionsSchema, raw);
  if (options.mask && options.out === undefined) {
    throw new AutothreshError('autothresh.usage', 'option --mask: needs --out <dir>');
  }
  const params: Record<string, number> = { ...givenLocalParameters(options) };
  if (options.fraction !== undefined) params.fraction = options.fraction;
  if (options.classes !== undefined) params.classes = options.classes;
  return { ...options, params };
}
