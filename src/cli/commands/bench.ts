/**
 * `autothresh bench`: compare threshold methods against ground truth, on images + masks and/or
 * labelled records, and print (or write) the results.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import type { LocalParams } from '../../methods/local/params.js';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';
import { inputUnder, repeatedPath } from '../../util/folders.js';
import { DEFAULT_MODEL_DIRECTORY } from '../../model/index.js';
import {
  addLocalParameterOptions, givenLocalParameters, localParameterShape,
} from './local-parameter-options.js';
import { MAX_PIXELS_FLAGS, maxPixelsHelp, maxPixelsOption } from '../max-pixels.js';

const OBJECTIVES = ['fmeasure', 'accuracy', 'iou', 'mcc', 'balanced-accuracy'] as const;

/** Repeatable options collect their values in order. */
const collect = (value: string, previous: string[] | undefined): string[] =>
  [...(previous ?? []), value];

export function benchCommand(context: CliContext): Command {
  const command = new Command('bench')
    .description(
      'Score threshold methods against ground truth (foreground = mask value > ' +
        '--mask-threshold): F-measure, precision, recall, accuracy, IoU, MCC, PSNR, DRD and ' +
        '|t − best t|, per image, per dataset and overall, with bootstrap intervals and ' +
        'wins/ties/losses against Otsu. Global methods are scored exactly from class ' +
        'histograms, local methods on pixels; each local row takes the local parameters ' +
        '(--window, --k, …) it uses. Inputs that cannot be used (an image without ' +
        'a mask, a mask without foreground or background, a missing folder, an invalid ' +
        'record line) are reported as `<file>: <what>` and the rest scored (exit code 1).',
    )
    .option('--images <dir>', 'folder of images (repeatable; pairs with --masks in order)',
      collect)
    .option('--masks <dir>', 'folder of ground-truth masks, matched by base name (H01.png ↔ '
      + 'H01.tif, H01_mask.png, H01_gt.png …; repeatable)', collect)
    .option('--mask-threshold <value>', 'mask values above this are foreground (for JPEG '
      + 'masks, whose compression blurs the edges, 127 is advisable)', '0')
    .option('--roi <dir>', 'folder of region-of-interest masks: only pixels inside are scored '
      + '(repeatable, one per --images)', collect)
    .option(MAX_PIXELS_FLAGS, maxPixelsHelp('image, mask or ROI'))
    .option('--data <file>', 'labelled records (.jsonl or .jsonl.gz, from `autothresh label`; '
      + 'repeatable)', collect)
    .option('--methods <list>', 'comma-separated methods (default: learned, every global method '
      + 'but multi-otsu, sauvola, adaptive-gaussian, oracle)')
    .option('--model <dir>', 'model folder for learned (repeatable: one row per model)',
      collect)
    .option('--polarity <mode>', 'foreground side of every method but the model: truth (from '
      + 'the ground truth) or auto (the model\'s polarity head; the oracle is then the best '
      + 'threshold for that side)', 'truth')
    .option('--objective <name>', `what the oracle maximizes: ${OBJECTIVES.join(', ')}`, 'fmeasure')
    .option('--json', 'print JSON Lines (settings, one object per image and method, summaries)')
    .option('--csv', 'print CSV, one row per image and method')
    .option('--markdown', 'print the summary tables as Markdown')
    .option('--html <file>', 'also write a self-contained HTML report (charts, gallery); '
      + 'checked before the run')
    .option('--seed <n>', 'seed of the bootstrap resampling', '1')
    .option('--resamples <n>', 'bootstrap resamples', '1000')
    .option('--workers <n>', 'worker threads (default: one per CPU core from 8 images or '
      + '5,000 labelled records on, else none; 0: none)')
    .option('--concurrency <n>', 'images read at once without worker threads (default: CPU '
      + 'cores)')
    .option('-q, --quiet', 'no progress bar or notes on stderr');
  return addLocalParameterOptions(command)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseBenchOptions(raw);
      const { runBenchCommand } = await import('./bench-run.js');
      await runBenchCommand(context, options);
    });
}

const BenchOptionsSchema = z.object({
  images: z.array(z.string().min(1)).default([]),
  masks: z.array(z.string().min(1)).default([]),
  maskThreshold: optionTypes.number(0, 65535),
  maxPixels: maxPixelsOption(),
  roi: z.array(z.string().min(1)).default([]),
  data: z.array(z.string().min(1)).default([]),
  methods: z.string().optional(),
  model: z.array(z.string().min(1)).default([]),
  polarity: optionTypes.choice(['truth', 'auto']),
  objective: optionTypes.choice(OBJECTIVES),
  json: z.boolean().default(false),
  csv: z.boolean().default(false),
  markdown: z.boolean().default(false),
  html: z.string().min(1).optional(),
  seed: optionTypes.integer(0, 2 ** 32 - 1),
  resamples: optionTypes.integer(10, 1_000_000),
  workers: optionTypes.integer(0, 64).optional(),
  concurrency: optionTypes.integer(1, 64).optional(),
  quiet: z.boolean().default(false),
  ...localParameterShape,
});

export type BenchCommandOptions = z.output<typeof BenchOptionsSchema> & {
  methodNames: string[] | undefined;
  /** The local parameters given (`--window`, `--k`, …), by name. */
  localParams: LocalParams;
};

function parseBenchOptions(raw: Record<string, unknown>): BenchCommandOptions {
  const options = parseOptions(BenchOptionsSchema, raw);
  const usage = (message: string) => new AutothreshError('autothresh.usage', message);
  if (options.images.length === 0 && options.data.length === 0) {
    throw usage('bench: expected --images <dir> with --masks <dir>, or --data <file.jsonl>');
  }
  if (options.images.length !== options.masks.length) {
    throw usage(`option --masks: expected one per --images (${options.images.length}), ` +
      `received ${options.masks.length}`);
  }
  if (options.roi.length > 0 && options.roi.length !== options.images.length) {
    throw usage(`option --roi: expected one per --images (${options.images.length}), ` +
      `received ${options.roi.length}`);
  }
  const formats = ['json', 'csv', 'markdown'].filter((name) => options[name as 'json']);
  if (formats.length > 1) {
    throw usage(`options --${formats.join(', --')}: expected at most one output format`);
  }
  // `default` names the shipped folder, which may also be given by its path.
  const modelFolders = options.model.map((folder) =>
    (folder === 'default' ? DEFAULT_MODEL_DIRECTORY : folder));
  refuseRepeats('--model', modelFolders, options.model.includes('default')
    ? `each model is one row; default is ${DEFAULT_MODEL_DIRECTORY}`
    : 'each model is one row');
  refuseRepeats('--images', options.images, 'its images would count twice');
  refuseRepeats('--data', options.data, 'its records would count twice');
  options.images.forEach((images, index) => {
    if (repeatedPath([images, options.masks[index]]) === undefined) return;
    throw usage(`option --masks: ${options.masks[index]} is the --images folder it pairs with; ` +
      'the masks need a folder of their own');
  });
  if (options.html !== undefined) refuseHtmlOverInput(options.html, options);
  const methodNames = options.methods === undefined ? undefined : methodList(options.methods);
  return { ...options, methodNames, localParams: givenLocalParameters(options) };
}

/**
 * Throws `autothresh.usage` when the report would write over a record file, or into a folder of
 * images, masks, ROIs or a model (the shipped one included).
 */
function refuseHtmlOverInput(
  html: string,
  inputs: { data: readonly string[]; images: readonly string[]; masks: readonly string[];
    roi: readonly string[]; model: readonly string[] },
): void {
  const file = inputUnder(html, inputs.data);
  const folders = [
    ...inputs.images, ...inputs.masks, ...inputs.roi, ...inputs.model, DEFAULT_MODEL_DIRECTORY,
  ];
  // A folder the report would be written into (the report is "under" it).
  const folder = folders.find((input) => inputUnder(input, [html]) !== undefined);
  if (file === undefined && folder === undefined) return;
  const what = file !== undefined
    ? `is the record file ${file}`
    : `lies in the input folder ${folder}`;
  throw new AutothreshError('autothresh.usage', `option --html: ${html} ${what}; write the ` +
    'report elsewhere');
}

/** Throws `autothresh.usage` when two values of a repeatable path option name one path. */
function refuseRepeats(option: string, paths: readonly string[], why: string): void {
  const repeated = repeatedPath(paths);
  if (repeated !== undefined) {
    throw new AutothreshError('autothresh.usage',
      `option ${option}: ${repeated} is given twice (${why})`);
  }
}

/**
 * The names of a `--methods` list (spaces around a name are dropped). Throws `autothresh.usage`
 * for an empty list or an empty entry (`otsu,,li`, a trailing comma); a repeated name is
 * refused later, by `selectMethods`, with the other name checks.
 */
function methodList(list: string): string[] {
  const names = list.split(',').map((name) => name.trim());
  if (names.every((name) => name === '')) {
    throw new AutothreshError('autothresh.usage',
      `option --methods: expected a comma-separated list of method names, received ` +
        JSON.stringify(list));
  }
  if (names.includes('')) {
    throw new AutothreshError('autothresh.usage',
      `option --methods: expected method names separated by single commas, received ` +
        `${JSON.stringify(list)}, which has an empty entry`);
  }
  return names;
}
