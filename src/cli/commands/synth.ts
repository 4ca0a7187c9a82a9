/**
 * `autothresh synth -n <count> -o <dir> --seed <s>`: synthetic images with exact masks
 * (<dir>/images/*.png, <dir>/masks/*.png, <dir>/params.jsonl) to label with `autothresh label`.
 */
import { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';

const SynthOptionsSchema = z.object({
  count: optionTypes.integer(1, 1_000_000),
  out: z.string().min(1),
  seed: optionTypes.integer(0, 2 ** 32 - 1),
  force: z.boolean().default(false),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

export function synthCommand(context: CliContext): Command {
  return new Command('synth')
    .description(
      'Write synthetic gray images with exact ground-truth masks: stroke-like (text) and ' +
        'blob-like (cell) objects covering 0.5–60% of the image, dark or bright, low to high ' +
        'contrast, with texture, uneven illumination, blur and noise. The same seed always ' +
        'gives the same files. Label them with: autothresh label --images <dir>/images ' +
        '--masks <dir>/masks --synthetic -o <file.jsonl>',
    )
    .requiredOption('-n, --count <n>', 'number of images')
    .requiredOption('-o, --out <dir>', 'output folder (images/, masks/, params.jsonl); ' +
      'written whole into a fresh folder, then put in place; checked before any image is made')
    .option('--seed <n>', 'seed of every random choice', '1')
    .option('--force', 'replace an output folder that is not empty, when it holds earlier ' +
      'synth output only (refused otherwise)')
    .option('--json', 'print one JSON object per image (its parameters) on stdout')
    .option('-q, --quiet', 'no progress bar')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseOptions(SynthOptionsSchema, raw);
      const { checkOutputPath } = await import('../../label/output-paths.js');
      const { checkSyntheticOutput, writeSynthetic } = await import('../../label/synth.js');
      await checkOutputPath(options.out, 'folder', 'option --out');
      await checkSyntheticOutput(options.out, 'option --out', options.force);
      const { createProgress } = await import('../../util/progress.js');
      const progress = context.io.stderrIsTTY
        ? createProgress(options.count, 'synth', { quiet: options.quiet })
        : undefined;
      const params = await writeSynthetic(options.out, options.count, options.seed, {
        force: options.force, onImage: () => progress?.tick(),
      });
      progress?.stop();
      if (options.json) {
        for (const item of params) context.io.stdout(`${JSON.stringify(item)}\n`);
      }
      const made = params.length === 1
        ? '1 image and its mask'
        : `${params.length} images and masks`;
      context.io.stderr(`synth: ${made} in ${options.out}\n`);
    });
}
