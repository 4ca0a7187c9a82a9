/**
 * What any threshold rule that reads only the histogram could gain over the classical methods on
 * the shared datasets, measured without training anything (`npm run eval:ceilings`, seconds).
 *
 * For each dataset of the labelled original images (exact F-measures from the class histograms,
 * thresholds rounded down, every method given the true polarity):
 * - the best single global method over all datasets, and the best one for each dataset (a
 *   choice made knowing the answers);
 * - the per-image method choice: each image scored with whichever of the 16 global methods is
 *   best on it (a ceiling for a model that picks among the classical thresholds);
 * - the oracle, each image's best global threshold (a ceiling for every global method);
 * - two polarity rules: the set's majority side for every image (the best any rule that gives
 *   one answer per set can do) and "the foreground is the smaller side of Li's threshold".
 *
 * Usage: tsx scripts/model-ceilings.ts [--test datasets/real.jsonl]
 */
import { parseArgs } from 'node:util';
import { createHistogram } from '../src/histogram/histogram.js';
import { GLOBAL_METHOD_NAMES, globalThreshold } from '../src/methods/global/index.js';
import { isAutothreshError } from '../src/errors.js';
import { readLabelRecords } from '../src/label/records-io.js';
import type { LabelRecord } from '../src/label/schema.js';
import { exactScore } from '../src/model/evaluate.js';

const { values } = parseArgs({
  options: { test: { type: 'string', default: 'datasets/real.jsonl' } },
});

const records = (await readLabelRecords(values.test!)).filter(isOriginal);
const datasets = [...new Set(records.map((record) => record.dataset))].sort();

function isOriginal(record: LabelRecord): boolean {
  return record.synthetic !== true &&
    (record.augmentation === undefined || record.augmentation.steps.length === 0) &&
    record.augmentation?.crop === undefined;
}

/** Exact F of every global method on a record (true polarity); a failed method scores 0. */
function methodScores(record: LabelRecord): number[] {
  const histogram = createHistogram(record.histogram);
  return GLOBAL_METHOD_NAMES.map((method) => {
    try {
      const threshold = Math.floor(globalThreshold(method, histogram));
      return exactScore(record, { threshold, polarity: record.polarity }) ?? 0;
    } catch (error) {
      if (!isAutothreshError(error, 'autothresh.methodFailed')) throw error;
      return 0;
    }
  });
}

/** Whether the foreground is the smaller side of Li's threshold and that side is its polarity. */
function smallerSideOfLiIsRight(record: LabelRecord): boolean {
  const histogram = createHistogram(record.histogram);
  const threshold = Math.floor(globalThreshold('li', histogram));
  let below = 0;
  let total = 0;
  record.histogram.forEach((count, bin) => {
    total += count;
    if (bin <= threshold) below += count;
  });
  const dark = below < total - below;
  return (record.polarity === 'dark') === dark;
}

const mean = (numbers: readonly number[]) =>
  numbers.reduce((sum, value) => sum + value, 0) / Math.max(numbers.length, 1);

interface Row {
  dataset: string;
  images: number;
  methods: number[];
  perImageChoice: number;
  oracle: number;
  majorityPolarity: number;
  smallerSidePolarity: number;
}

const rows: Row[] = datasets.map((dataset) => {
  const held = records.filter((record) => record.dataset === dataset);
  const scores = held.map(methodScores);
  const dark = mean(held.map((record) => Number(record.polarity === 'dark')));
  return {
    dataset,
    images: held.length,
    methods: GLOBAL_METHOD_NAMES.map((_, index) => mean(scores.map((s) => s[index]))),
    perImageChoice: mean(scores.map((s) => Math.max(...s))),
    oracle: mean(held.map((record) => record.bestScore ?? 0)),
    majorityPolarity: Math.max(dark, 1 - dark),
    smallerSidePolarity: mean(held.map((record) => Number(smallerSideOfLiIsRight(record)))),
  };
});

const percent = (value: number) => (100 * value).toFixed(1);
const bestSingle = GLOBAL_METHOD_NAMES
  .map((method, index) => ({ method, index, score: mean(rows.map((row) => row.methods[index])) }))
  .sort((a, b) => b.score - a.score)[0];
const bestForSet = (row: Row) => {
  const index = row.methods.indexOf(Math.max(...row.methods));
  return { score: row.methods[index], method: GLOBAL_METHOD_NAMES[index] };
};

const lines = [
  '| dataset | images | ' + `${bestSingle.method} (best single) | best method for the set | ` +
    'best method per image | oracle | polarity: majority of the set | ' +
    'polarity: smaller side of Li |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const row of rows) {
  const best = bestForSet(row);
  lines.push(`| ${row.dataset} | ${row.images} | ${percent(row.methods[bestSingle.index])} | ` +
    `${percent(best.score)} (${best.method}) | ${percent(row.perImageChoice)} | ` +
    `${percent(row.oracle)} | ${percent(row.majorityPolarity)} | ` +
    `${percent(row.smallerSidePolarity)} |`);
}
const macro = (pick: (row: Row) => number) => percent(mean(rows.map(pick)));
lines.push(`| **mean of datasets** | ${records.length} | ` +
  `${macro((row) => row.methods[bestSingle.index])} | ${macro((row) => bestForSet(row).score)} | ` +
  `${macro((row) => row.perImageChoice)} | ${macro((row) => row.oracle)} | ` +
  `${macro((row) => row.majorityPolarity)} | ${macro((row) => row.smallerSidePolarity)} |`);
process.stdout.write(`${lines.join('\n')}\n`);
