/**
 * What any threshold rule that reads only the histogram could gain over the classical methods on
 * the shared datasets, measured without training anything (`npm run eval:ceilings`, seconds).
 *
 * For each dataset of the labelled original images (exact F-measures from the class histograms,
 * thresholds rounded down; the methods and the oracle, in both tables, get the true polarity):
 * - the best single global method over all datasets, and the best one for each dataset (a
 *   choice made knowing the answers);
 * - the per-image method choice: each image scored with whichever of the 16 global methods is
 *   best on it (a ceiling for a model that picks among the classical thresholds);
 * - the oracle, each image's best global threshold (a ceiling for every global method);
 * - two polarity rules: the set's majority side for every image (the best any rule that gives
 *   one answer per set can do) and "the foreground is the smaller side of Li's threshold";
 * - how often the two classes are barely apart in gray level (means less than half the
 *   background's standard deviation apart), where polarity is close to a coin toss.
 *
 * A second table asks how far learning from a set's *own* labels gets, with more of them than
 * fine-tuning on half a set has: each original image is predicted from its k nearest
 * neighbours among the set's other images and their augmented records (`--augmented`), by
 * Euclidean distance between the model's input features (`features.ts`, standardized over the
 * set). Its polarity is the neighbours' majority; its threshold is Li's plus the offset
 * (−64..64 bins) whose mean exact F-measure over the neighbours, each at its own Li threshold
 * and true polarity, is highest. That threshold is rounded as the model's is (⌊t + 0.5⌋) and
 * scored with the predicted polarity, as the model is.
 *
 * Usage: tsx scripts/model-ceilings.ts [--test datasets/real.jsonl]
 *        [--augmented datasets/augmented.jsonl.gz] [--neighbours 15]
 */
import { parseArgs } from 'node:util';
import { createHistogram } from '../src/histogram/histogram.js';
import { GLOBAL_METHOD_NAMES, globalThreshold } from '../src/methods/global/index.js';
import { isAutothreshError } from '../src/errors.js';
import { readLabelRecords } from '../src/label/records-io.js';
import type { LabelRecord } from '../src/label/schema.js';
import { exactScore } from '../src/model/evaluate.js';
import {
  classicalThresholds, computeFeatures, DEFAULT_FEATURE_SET, featureDefinition,
  fitNormalization, normalizeFeatures,
} from '../src/model/features.js';
import { roundThreshold } from '../src/model/heads.js';
import { scoreAllThresholds, type Polarity } from '../src/label/objectives.js';

const { values } = parseArgs({
  options: {
    test: { type: 'string', default: 'datasets/real.jsonl' },
    augmented: { type: 'string', default: 'datasets/augmented.jsonl.gz' },
    neighbours: { type: 'string', default: '15' },
  },
});

const NEIGHBOURS = Number(values.neighbours);
if (!Number.isInteger(NEIGHBOURS) || NEIGHBOURS < 1) {
  throw new Error(`--neighbours: expected a whole number of at least 1, ` +
    `got "${values.neighbours}"`);
}

const records = (await readLabelRecords(values.test!)).filter(isOriginal);
const augmented = await readLabelRecords(values.augmented!);
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

/** |foreground mean − background mean| / background standard deviation, in gray levels. */
function classSeparation(record: LabelRecord): number {
  const moments = (counts: readonly number[]) => {
    let total = 0;
    let sum = 0;
    let squares = 0;
    counts.forEach((count, bin) => {
      total += count;
      sum += count * bin;
      squares += count * bin * bin;
    });
    const average = sum / total;
    return { average, deviation: Math.sqrt(Math.max(squares / total - average * average, 0)) };
  };
  const foreground = moments(record.foregroundHistogram!);
  const background = moments(record.backgroundHistogram!);
  return Math.abs(foreground.average - background.average) / Math.max(background.deviation, 1e-9);
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
  /** Share of images whose classes' mean gray levels are less than half a background std apart. */
  classesClose: number;
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
    classesClose: mean(held.map((record) => Number(classSeparation(record) < 0.5))),
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
    'polarity: smaller side of Li | classes less than half a background std apart |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const row of rows) {
  const best = bestForSet(row);
  lines.push(`| ${row.dataset} | ${row.images} | ${percent(row.methods[bestSingle.index])} | ` +
    `${percent(best.score)} (${best.method}) | ${percent(row.perImageChoice)} | ` +
    `${percent(row.oracle)} | ${percent(row.majorityPolarity)} | ` +
    `${percent(row.smallerSidePolarity)} | ${percent(row.classesClose)} |`);
}
const macro = (pick: (row: Row) => number) => percent(mean(rows.map(pick)));
lines.push(`| **mean of datasets** | ${records.length} | ` +
  `${macro((row) => row.methods[bestSingle.index])} | ${macro((row) => bestForSet(row).score)} | ` +
  `${macro((row) => row.perImageChoice)} | ${macro((row) => row.oracle)} | ` +
  `${macro((row) => row.majorityPolarity)} | ${macro((row) => row.smallerSidePolarity)} | ` +
  `${macro((row) => row.classesClose)} |`);
process.stdout.write(`${lines.join('\n')}\n`);

// Learning from the set's own labels: leave one image out, k nearest neighbours.

/** Offsets from Li's threshold (bins) among which the neighbours choose. */
const OFFSETS = Array.from({ length: 129 }, (_, index) => index - 64);

/** What the neighbours need of a record: features, Li's threshold, F at every offset. */
interface Labelled {
  record: LabelRecord;
  /** The model's input features, standardized over the set once the set is gathered. */
  features: Float32Array;
  li: number;
  /** Exact F-measure (true polarity) at Li's threshold plus each offset of OFFSETS. */
  offsetScores: Float64Array;
}

const definition = featureDefinition(DEFAULT_FEATURE_SET);

function labelled(record: LabelRecord): Labelled {
  const histogram = createHistogram(record.histogram);
  const classical = classicalThresholds(histogram);
  const li = classical.li;
  const all = scoreAllThresholds({
    foreground: record.foregroundHistogram!, background: record.backgroundHistogram!,
  }, record.polarity, record.objective ?? 'fmeasure');
  return {
    record,
    features: computeFeatures(histogram, definition, classical),
    li,
    offsetScores: Float64Array.from(OFFSETS, (offset) => all[roundThreshold(li + offset)]),
  };
}

/** Standardizes every feature over `items` (as training does over its records), in place. */
function standardize(items: readonly Labelled[]): void {
  const size = definition.size;
  const table = new Float32Array(items.length * size);
  items.forEach((item, row) => table.set(item.features, row * size));
  normalizeFeatures(table, fitNormalization(table, size));
  items.forEach((item, row) => item.features.set(table.subarray(row * size, (row + 1) * size)));
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += (a[index] - b[index]) ** 2;
  return sum;
}

/** Polarity and threshold of `image` from its nearest neighbours among other images' items. */
function predictFromNeighbours(
  image: Labelled,
  pool: readonly Labelled[],
): { threshold: number; polarity: Polarity } {
  const neighbours = pool
    .filter((item) => item.record.source !== image.record.source)
    .map((item) => ({ item, distance: squaredDistance(item.features, image.features) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, NEIGHBOURS)
    .map(({ item }) => item);
  const dark = neighbours.filter((item) => item.record.polarity === 'dark').length;
  let best = 0;
  let bestScore = -1;
  OFFSETS.forEach((offset, index) => {
    const score = mean(neighbours.map((item) => item.offsetScores[index]));
    if (score > bestScore) {
      bestScore = score;
      best = offset;
    }
  });
  return {
    threshold: roundThreshold(image.li + best),
    polarity: 2 * dark >= neighbours.length ? 'dark' : 'bright',
  };
}

interface InSetRow {
  dataset: string;
  polarity: number;
  fmeasure: number;
  otsu: number;
  oracle: number;
}

const inSetRows: InSetRow[] = datasets.map((dataset) => {
  const originals = records.filter((record) => record.dataset === dataset).map(labelled);
  const pool = [
    ...originals,
    ...augmented.filter((record) => record.dataset === dataset).map(labelled),
  ];
  standardize(pool);
  const predictions = originals.map((image) => predictFromNeighbours(image, pool));
  const globalRow = rows.find((row) => row.dataset === dataset)!;
  return {
    dataset,
    polarity: mean(originals.map((image, index) =>
      Number(predictions[index].polarity === image.record.polarity))),
    fmeasure: mean(originals.map((image, index) => exactScore(image.record, predictions[index])!)),
    otsu: globalRow.methods[GLOBAL_METHOD_NAMES.indexOf('otsu')],
    oracle: globalRow.oracle,
  };
});

const gapClosed = (row: { fmeasure: number; otsu: number; oracle: number }) =>
  row.oracle - row.otsu > 1e-9
    ? `${percent((row.fmeasure - row.otsu) / (row.oracle - row.otsu))}%`
    : '–';
const inSetLines = [
  '',
  `Learning from the set's own labels (leave one image out, ${NEIGHBOURS} nearest neighbours ` +
    'among its other images and their augmented records):',
  '',
  '| dataset | polarity right | F-measure | Otsu | oracle | Otsu → oracle gap closed |',
  '|---|---:|---:|---:|---:|---:|',
  ...inSetRows.map((row) => `| ${row.dataset} | ${percent(row.polarity)} | ` +
    `${percent(row.fmeasure)} | ${percent(row.otsu)} | ${percent(row.oracle)} | ` +
    `${gapClosed(row)} |`),
];
const overall = {
  fmeasure: mean(inSetRows.map((row) => row.fmeasure)),
  otsu: mean(inSetRows.map((row) => row.otsu)),
  oracle: mean(inSetRows.map((row) => row.oracle)),
};
const meanPolarity = percent(mean(inSetRows.map((row) => row.polarity)));
inSetLines.push(`| **mean of datasets** | ${meanPolarity} | ` +
  `${percent(overall.fmeasure)} | ${percent(overall.otsu)} | ${percent(overall.oracle)} | ` +
  `${gapClosed(overall)} |`);
process.stdout.write(`${inSetLines.join('\n')}\n`);
