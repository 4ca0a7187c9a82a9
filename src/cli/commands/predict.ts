/**
 * `autothresh predict <inputs...>`: the threshold of each image, as a table or JSON Lines, and
 * optionally the binarized image or foreground mask of each input.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import { markFailed, type CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';

/** Method used when `--method` is not given. */
export const DEFAULT_METHOD = 'learned';

/** Numeric method parameters that `predict` passes through to the method. */
const PARAMETER_OPTIONS = [
  ['window', '<pixels>', 'local methods: odd window (block) size in pixels'],
  ['k', '<number>', 'niblack, sauvola, wolf, phansalkar: weight of the local deviation'],
  ['c', '<number>', 'adaptive-mean, adaptive-gaussian: constant subtracted from the mean'],
  ['r', '<number>', 'sauvola, phansalkar: dynamic range of the standard deviation'],
  ['contrast', '<gray>', 'bernsen: minimum local contrast'],
  ['p', '<number>', 'phansalkar: exponential weight p'],
  ['q', '<number>', 'phansalkar: exponential decay q'],
  ['fraction', '<0..1>', 'percentile: fraction of pixels at or below the threshold'],
  ['classes', '<k>', 'multi-otsu: number of classes (2..5)'],
] as const;

export function predictCommand(context: CliContext): Command {
  const command = new Command('predict')
    .description(
      'Threshold images. A threshold t splits gray values ≤ t from > t; with polarity dark the\n' +
        'foreground is ≤ t, with bright it is > t. Binarized outputs are white where value > t.',
    )
    .argument('<inputs...>', 'image files, directories (searched recursively) or glob patterns')
    .option('-m, --method <name>', 'threshold method (see `autothresh methods`)', DEFAULT_METHOD)
    .option('--polarity <side>', 'foreground side: dark, bright or auto', 'auto')
    .option('--json', 'print one JSON object per image on stdout')
    .option('-o, --out <dir>', 'write the binarized image of each input as <dir>/<name>.png')
    .option('--mask', 'with --out: write the foreground mask (foreground 255) instead')
    .option('--page <n>', 'page of multi-page TIFF/GIF inputs, from 0')
    .option('--include-transparent', 'count fully transparent pixels too')
    .option('--range <mode>', '16-bit images: bins span the image\'s data range or the full range', 'data')
    .option('--max-pixels <n>', 'largest image accepted, in pixels', String(2 ** 28))
    .option('--model <dir>', 'model folder for --method learned (default: the shipped model)')
    .option('--concurrency <n>', 'images processed at once', '2')
    .option('-q, --quiet', 'no progress bar or warnings on stderr');
  for (const [name, value, help] of PARAMETER_OPTIONS) command.option(`--${name} ${value}`, help);

  return command.action(async (inputs: string[], raw: Record<string, unknown>) => {
    const { runPredict } = await import('./predict-run.js');
    await runPredict(context, inputs, parsePredictOptions(raw));
  });
}

const parameterShape = Object.fromEntries(
  PARAMETER_OPTIONS.map(([name]) => [name, optionTypes.number().optional()]),
) as Record<(typeof PARAMETER_OPTIONS)[number][0], z.ZodOptional<ReturnType<typeof optionTypes.number>>>;

const PredictOptionsSchema = z.object({
  method: z.string(),
  polarity: optionTypes.choice(['dark', 'bright', 'auto']),
  json: z.boolean().default(false),
  out: z.string().min(1).optional(),
  mask: z.boolean().default(false),
  page: optionTypes.integer(0).optional(),
  includeTransparent: z.boolean().default(false),
  range: optionTypes.choice(['data', 'full']),
  maxPixels: optionTypes.integer(1),
  model: z.string().min(1).optional(),
  concurrency: optionTypes.integer(1, 64),
  quiet: z.boolean().default(false),
  ...parameterShape,
});

export type PredictOptions = z.output<typeof PredictOptionsSchema> & {
  params: Record<string, number>;
};

function parsePredictOptions(raw: Record<string, unknown>): PredictOptions {
  const options = parseOptions(PredictOptionsSchema, raw);
  if (options.mask && options.out === undefined) {
    throw new AutothreshError('autothresh.usage', 'option --mask: needs --out <dir>');
  }
  const params: Record<string, number> = {};
  for (const [name] of PARAMETER_OPTIONS) {
    const value = options[name];
    if (value !== undefined) params[name] = value;
  }
  return { ...options, params };
}

export { markFailed };
