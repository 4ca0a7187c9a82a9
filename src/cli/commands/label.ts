/**
 * `autothresh label --images <dir> --masks <dir> -o <file.jsonl>`: the exact best threshold of
 * every image against its ground-truth mask, as labelled records (JSON Lines), optionally with
 * augmented records (crops, photometric and pixel-level variants).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import { markFailed, type CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';
import { counted } from '../../util/counts.js';
import { MAX_PIXELS_FLAGS, maxPixelsHelp, maxPixelsOption } from '../max-pixels.js';
import { printableLine } from '../../util/printable.js';

const OBJECTIVES = ['fmeasure', 'accuracy', 'iou', 'mcc', 'balanced-accuracy'] as const;

/** Photometric and pixel-level variants per record and per image with `--augment`. */
const DEFAULT_VARIANTS = 2;
const DEFAULT_PIXEL_VARIANTS = 3;

const LabelOptionsSchema = z.object({
  images: z.string().min(1),
  masks: z.string().min(1),
  out: z.string().min(1),
  maskThreshold: optionTypes.number(0, 65535),
  objective: optionTypes.choice(OBJECTIVES),
  crops: optionTypes.integer(0, 10_000),
  augment: z.boolean().default(false),
  variants: optionTypes.integer(0, 100).optional(),
  pixelVariants: optionTypes.integer(0, 100).optional(),
  seed: optionTypes.integer(0, 2 ** 32 - 1).optional(),
  dataset: z.string().min(1).optional(),
  idPrefix: z.string().regex(/^[^\s]*$/, { message: 'expected a prefix without spaces' })
    .default(''),
  synthetic: z.boolean().default(false),
  resume: z.boolean().default(false),
  concurrency: optionTypes.integer(1, 64),
  maxPixels: maxPixelsOption(),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

export function labelCommand(context: CliContext): Command {
  return new Command('label')
    .description(
      'Label images with the exact best global threshold against ground-truth masks. ' +
        'Masks are matched by file name (any image format, lossless ones first when several ' +
        'share a name; files without an image extension are left out); a mask value > ' +
        '--mask-threshold is foreground. The threshold t splits ' +
        'gray values ≤ t from > t; the polarity is dark (foreground ≤ t) when the foreground ' +
        'is darker on average than the background, else bright (foreground > t). Each record ' +
        'holds the histogram, the foreground and background histograms, the best threshold ' +
        'and score, and bestRange: the lowest and highest threshold scoring within 0.5% of ' +
        'the best, relative to it (score ≥ best − |best| × 0.005; thresholds between the two ' +
        'may score less). Problem pairs are reported as `<file>: <what>` and skipped (exit ' +
        'code 1). Records are appended to <file>.partial as images are done; the output ' +
        'appears, whole, when the run ends; when no record was made, nothing is written.',
    )
    .requiredOption('--images <dir>', 'folder of images')
    .requiredOption('--masks <dir>',
      'folder of masks (values > --mask-threshold are foreground)')
    .requiredOption('-o, --out <file>', 'output file ending in .jsonl (or .jsonl.gz: ' +
      'gzip-compressed), written atomically; checked before anything is labelled')
    .option('--mask-threshold <value>', 'mask values above this are foreground (for JPEG ' +
      'masks, whose compression blurs the edges, 127 is advisable)', '0')
    .option('--objective <name>', `what "best" means: ${OBJECTIVES.join(', ')}`, 'fmeasure')
    .option('--crops <n>', 'random crops per image (25–100% of each side)', '0')
    .option('--augment', 'add photometric variants (gamma, contrast, brightness, inversion, ' +
      'noise) of every record and pixel-level variants (blur, JPEG, illumination gradient); ' +
      '8-bit images only: 16-bit images get crops only, with a warning')
    .option('--variants <n>', 'with --augment: photometric variants per record (default ' +
      `${DEFAULT_VARIANTS}; refused without --augment)`)
    .option('--pixel-variants <n>', 'with --augment: pixel-level variants per image (default ' +
      `${DEFAULT_PIXEL_VARIANTS}; refused without --augment)`)
    .option('--seed <n>', 'with --crops or --augment: seed of every random choice (default 1; ' +
      'refused without them)')
    .option('--dataset <name>', 'collection name (default: the images folder, or its parent ' +
      'when it is named images)')
    .option('--id-prefix <prefix>', 'put before every record id (e.g. dibco2009/)', '')
    .option('--synthetic', 'mark the records as synthetic (images made by `autothresh synth`)')
    .option('--resume', 'continue an interrupted run: keep the whole images already in the ' +
      'output and its .partial file, label the rest (refused when the options differ)')
    .option('--concurrency <n>', 'pairs decoded at once', '2')
    .option(MAX_PIXELS_FLAGS, maxPixelsHelp('image or mask'))
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('-q, --quiet', 'no progress bar')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseOptions(LabelOptionsSchema, raw);
      refuseUnusedOptions(options);
      const { checkImageFolder } = await import('../../label/pairs.js');
      await checkImageFolder(options.images, 'option --images');
      await checkImageFolder(options.masks, 'option --masks');
      const { repeatedPath } = await import('../../util/folders.js');
      if (repeatedPath([options.images, options.masks]) !== undefined) {
        throw new AutothreshError('autothresh.usage', `option --masks: ${options.masks} is ` +
          'the --images folder; the masks need a folder of their own');
      }
      const { checkRecordOutputPath } = await import('../../label/output-paths.js');
      await checkRecordOutputPath(options.out, 'option --out');
      const { labelFolder } = await import('../../label/label-folder.js');
      const { createProgress } = await import('../../util/progress.js');
      let progress: { tick(): void; stop(): void } | undefined;
      const summary = await labelFolder({
        images: options.images,
        masks: options.masks,
        output: options.out,
        objective: options.objective,
        maskThreshold: options.maskThreshold,
        dataset: options.dataset,
        idPrefix: options.idPrefix,
        crops: options.crops,
        photometric: options.augment ? options.variants ?? DEFAULT_VARIANTS : 0,
        pixelVariants: options.augment ? options.pixelVariants ?? DEFAULT_PIXEL_VARIANTS : 0,
        seed: options.seed,
        synthetic: options.synthetic,
        resume: options.resume,
        concurrency: options.concurrency,
        maxPixels: options.maxPixels,
        onProblem: (message) => context.io.stderr(printableLine(message)),
        onWarning: (message) => context.io.stderr(printableLine(`warning: ${message}`)),
        onStart: (total) => {
          progress = context.io.stderrIsTTY
            ? createProgress(total, 'label', { quiet: options.quiet })
            : undefined;
        },
        onPairDone: () => progress?.tick(),
      });
      progress?.stop();

      if (summary.skipped > 0) markFailed(context);
      if (options.json) context.io.stdout(`${JSON.stringify(summary)}\n`);
      const resumed = (summary.resumed > 0 ? `, ${summary.resumed} already labelled` : '') +
        (summary.redone > 0 ? `, ${summary.redone} incomplete redone` : '') +
        (summary.changed > 0 ? `, ${summary.changed} changed since last labelled` : '');
      const result = summary.written ? `${counted(summary.records, 'record')} in ${summary.output}`
        : `no record, so nothing was written to ${summary.output}`;
      context.io.stderr(
        `label: ${summary.labelled} labelled, ${summary.skipped} skipped${resumed}; ${result}\n`,
      );
    });
}

type LabelOptions = z.output<typeof LabelOptionsSchema>;

/**
 * Options that would change nothing are refused, as `predict` refuses unused parameters:
 * `--variants` and `--pixel-variants` without `--augment`, `--seed` with neither `--crops`
 * (above 0) nor `--augment` (nothing random is drawn then).
 */
function refuseUnusedOptions(options: LabelOptions): void {
  if (!options.augment) {
    if (options.variants !== undefined) throw needs('--variants', '--augment');
    if (options.pixelVariants !== undefined) throw needs('--pixel-variants', '--augment');
  }
  if (options.seed !== undefined && !options.augment && (options.crops ?? 0) === 0) {
    throw needs('--seed', '--crops or --augment', 'without them nothing is random');
  }
}

function needs(option: string, other: string, why = 'it has no effect without it'): Error {
  return new AutothreshError('autothresh.usage', `option ${option}: needs ${other} (${why})`);
}
