/**
 * `autothresh dataset stats <files...>` and `autothresh dataset split <files...>`: summaries and
 * seeded source-level splits of labelled-record files (.jsonl or .jsonl.gz).
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { AutothreshError } from '../../errors.js';
import type { CliContext } from '../io.js';
import { optionTypes, parseOptions } from '../options.js';
import type { LabelRecord } from '../../label/schema.js';
import type { SplitName } from '../../label/split.js';
import type { DatasetStats, GroupStats, Summary } from '../../label/stats.js';
import { counted } from '../../util/counts.js';
import { printable } from '../../util/printable.js';

export function datasetCommand(context: CliContext): Command {
  return new Command('dataset')
    .description('Inspect and split labelled-record files (.jsonl, .jsonl.gz).')
    .addCommand(statsCommand(context))
    .addCommand(splitCommand(context));
}

const StatsOptionsSchema = z.object({ json: z.boolean().default(false) });

function statsCommand(context: CliContext): Command {
  return new Command('stats')
    .description(
      'Counts per dataset, polarity mix, best thresholds and scores, and how far Otsu lands ' +
        'from the best threshold (|t_otsu − t_best| in bins, F-measure lost). Every line of ' +
        'every file must be a valid record: invalid lines are all listed (exit code 1).',
    )
    .argument('<files...>', 'record files')
    .option('--json', 'one JSON object per dataset, then one for all records (name "all")')
    .action(async (files: string[], raw: Record<string, unknown>) => {
      const options = parseOptions(StatsOptionsSchema, raw);
      const { datasetStats } = await import('../../label/stats.js');
      const records = await readRecords(files);
      const stats = datasetStats(records);
      if (options.json) {
        for (const group of [...stats.datasets, stats.all]) {
          context.io.stdout(`${JSON.stringify(group)}\n`);
        }
      } else {
        context.io.stdout(renderStats(stats, files.length));
      }
    });
}

const SplitOptionsSchema = z.object({
  train: optionTypes.number(0, 1),
  val: optionTypes.number(0, 1),
  test: optionTypes.number(0, 1),
  seed: optionTypes.integer(0, 2 ** 32 - 1),
  out: z.string().min(1),
  json: z.boolean().default(false),
});

function splitCommand(context: CliContext): Command {
  return new Command('split')
    .description(
      'Split records into train/val/test by source image (crops and variants of one image stay ' +
        'together), stratified by dataset and seeded. Writes <dir>/{train,val,test}.jsonl ' +
        '(.jsonl.gz when the first input is gzip-compressed), all three as one (an ' +
        'interruption leaves the old split or the new); the folder and ' +
        'files are checked (a trial file) before anything is read. Every line of every input ' +
        'must be a valid record: invalid lines are all listed, and nothing is written (exit ' +
        'code 1).',
    )
    .argument('<files...>', 'record files')
    .option('--train <fraction>', 'fraction of source images for training', '0.7')
    .option('--val <fraction>', 'fraction for validation', '0.15')
    .option('--test <fraction>', 'fraction for testing', '0.15')
    .option('--seed <n>', 'seed of the shuffle', '1')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--json', 'print one JSON object per split')
    .action(async (files: string[], raw: Record<string, unknown>) => {
      const options = parseOptions(SplitOptionsSchema, raw);
      const { writeLabelRecordFiles } = await import('../../label/records-io.js');
      const { splitRecords } = await import('../../label/split.js');
      const paths = await checkSplitOutput(options.out, files[0].endsWith('.gz'));
      const { inputUnder } = await import('../../util/folders.js');
      for (const path of paths.values()) {
        const input = inputUnder(path, files);
        if (input === undefined) continue;
        throw new AutothreshError('autothresh.usage', `option --out: would write ${path}, which ` +
          `is the input ${input}; choose another folder`);
      }
      const records = await readRecords(files);
      const splits = splitRecords(records, options, options.seed);
      // The three files are written as one, before anything is printed: neither a reader that
      // stops early (`| head`) nor an interruption can leave a split half made, or an older
      // split's file beside the new ones.
      await writeLabelRecordFiles(
        [...paths].map(([name, path]) => ({ path, records: splits[name] })));
      for (const path of paths.values()) {
        // An earlier split in the other format would sit beside the new one, looking current.
        const other = path.endsWith('.gz') ? path.slice(0, -3) : `${path}.gz`;
        if (existsSync(other)) {
          context.io.stderr(`warning: ${other}: an earlier split's file, left beside ${path}\n`);
        }
      }
      const sources = new Set(records.map((record) => record.source)).size;
      for (const [name, path] of paths) {
        if (splits[name].length > 0) continue;
        context.io.stderr(`warning: ${path}: no record (--${name} ${options[name]} of ` +
          `${counted(sources, 'source image')} gives none)\n`);
      }
      for (const [name, path] of paths) {
        const sources = new Set(splits[name].map((record) => record.source)).size;
        const line = { split: name, path, records: splits[name].length, sources };
        const records = line.records === 1 ? 'record ' : 'records';
        const images = sources === 1 ? 'image ' : 'images';
        const text = `${name.padEnd(5)} ${pad(line.records, 7)} ${records} ` +
          `${pad(sources, 6)} ${images}  ${path}`;
        context.io.stdout(`${options.json ? JSON.stringify(line) : text}\n`);
      }
    });
}

/**
 * The file each split goes to in the folder `out` (`.jsonl.gz` when `gzip`), checked before any
 * record is read: `out` must be a folder or creatable as one, and each file must be creatable
 * there and not be a folder (a trial file is made and removed; `autothresh.usage` otherwise).
 */
async function checkSplitOutput(out: string, gzip: boolean): Promise<Map<SplitName, string>> {
  const { join } = await import('node:path');
  const { checkOutputPath, checkRecordOutputPath } = await import('../../label/output-paths.js');
  const { SPLIT_NAMES } = await import('../../label/split.js');
  await checkOutputPath(out, 'folder', 'option --out');
  const paths = new Map<SplitName, string>();
  for (const name of SPLIT_NAMES) {
    const path = join(out, `${name}${gzip ? '.jsonl.gz' : '.jsonl'}`);
    await checkRecordOutputPath(path, 'option --out');
    paths.set(name, path);
  }
  return paths;
}

/**
 * The records of `files`, read strictly: any invalid line fails the command (exit 1), listing
 * every one; so does a set of files without a single record.
 */
async function readRecords(files: readonly string[]): Promise<LabelRecord[]> {
  const { readLabelRecordFiles } = await import('../../label/records-io.js');
  const records = await readLabelRecordFiles(files);
  if (records.length === 0) {
    throw new AutothreshError('autothresh.dataset', `${files.join(', ')}: no records`);
  }
  return records;
}

function renderStats(stats: DatasetStats, fileCount: number): string {
  const { all } = stats;
  const lines = [
    `${counted(all.records, 'record')} in ${counted(fileCount, 'file')}: ` +
      `${counted(all.originals, 'original')}, ` +
      `${all.augmented} augmented, ${all.synthetic} synthetic`,
    '',
    `${'dataset'.padEnd(24)} ${'records'.padStart(7)} ${'orig'.padStart(5)} ` +
      `${'dark'.padStart(6)} ${'bright'.padStart(6)} ${'best t'.padStart(7)} ` +
      `${'score'.padStart(6)} ${'|otsu-t|'.padStart(8)} ${'F lost'.padStart(7)}`,
  ];
  for (const group of [...stats.datasets, all]) lines.push(renderRow(group));
  lines.push(
    '(best t and score: medians; |otsu-t| and F lost: means)',
    '',
    `polarity: ${all.dark} dark (${percent(all.dark, all.records)}), ` +
      `${all.bright} bright (${percent(all.bright, all.records)})`,
    `best threshold: ${renderSummary(all.bestThreshold, 0)}`,
  );
  if (all.bestScore !== null) lines.push(`best score:     ${renderSummary(all.bestScore, 3)}`);
  if (all.otsuDistance !== null) {
    lines.push(`|otsu − best|:  ${renderSummary(all.otsuDistance, 1)} (bins)`);
  }
  if (all.otsuFmeasureLost !== null) {
    lines.push(`F lost by otsu: ${renderSummary(all.otsuFmeasureLost, 3)}`);
  }
  if (all.otsuFailures > 0) lines.push(`otsu failed on ${counted(all.otsuFailures, 'histogram')}`);
  lines.push('', 'best thresholds (bands of 16 bins):', ...renderBands(all.thresholdBands));
  return `${lines.join('\n')}\n`;
}

function renderRow(group: GroupStats): string {
  const median = (summary: Summary | null, digits: number): string =>
    summary === null ? '-' : summary.median.toFixed(digits);
  const mean = (summary: Summary | null, digits: number): string =>
    summary === null ? '-' : summary.mean.toFixed(digits);
  return `${printable(group.name).padEnd(24)} ${pad(group.records, 7)} ${pad(group.originals, 5)} ` +
    `${pad(group.dark, 6)} ${pad(group.bright, 6)} ` +
    `${median(group.bestThreshold, 0).padStart(7)} ${median(group.bestScore, 3).padStart(6)} ` +
    `${mean(group.otsuDistance, 1).padStart(8)} ${mean(group.otsuFmeasureLost, 3).padStart(7)}`;
}

function renderSummary(summary: Summary, digits: number): string {
  const f = (value: number): string => value.toFixed(digits);
  return `mean ${f(summary.mean)}  min ${f(summary.min)}  p10 ${f(summary.p10)}  ` +
    `median ${f(summary.median)}  p90 ${f(summary.p90)}  max ${f(summary.max)}`;
}

function renderBands(bands: readonly number[]): string[] {
  const largest = Math.max(1, ...bands);
  return bands.map((count, band) => {
    const label = `${String(band * 16).padStart(3)}–${String(band * 16 + 15).padEnd(3)}`;
    const bar = '█'.repeat(Math.round((count / largest) * 40));
    return `  ${label} ${pad(count, 6)} ${bar}`;
  });
}

function pad(value: number, width: number): string {
  return String(value).padStart(width);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(0)}%`;
}
