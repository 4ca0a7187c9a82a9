/**
 * Honest quality figures of the learned model, printed as Markdown tables (`npm run eval:model`).
 *
 * 1. Generalist, leave-one-dataset-out: for each dataset, a model is trained (default recipe,
 *    fixed epochs, no early stopping) on the training records of all other datasets and scored
 *    on the original records of the held-out one.
 * 2. Your own images: for each dataset, its images are split in two halves (seeded); the
 *    generalist that never saw the dataset is fine-tuned on one half and scored on the other,
 *    then the halves swap.
 *
 * Scores are exact F-measures from the class histograms (`label/objectives.ts`) at the integer
 * threshold with the model's predicted polarity. Classical methods get the true polarity (an
 * advantage over the model); the oracle is each image's best global threshold (bestScore).
 *
 * Usage: tsx scripts/evaluate-model.ts [--train a.jsonl[,b.jsonl]] [--test real.jsonl]
 *        [--epochs n] [--fine-tune-epochs n] [--only dataset,...] [--skip-fine-tune]
 *        [--config '{"hidden":[128,64]}'] (overrides of the default recipe)
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { createHistogram } from '../src/histogram/histogram.js';
import type { LabelRecord } from '../src/label/schema.js';
import { readLabelRecords } from '../src/label/records-io.js';
import { loadTensorflow } from '../src/model/backend.js';
import { exactScore } from '../src/model/evaluate.js';
import { classicalThresholds, CLASSICAL_METHODS } from '../src/model/features.js';
import { trainModel, type TrainConfig } from '../src/model/train.js';
import { buildExamples } from '../src/model/examples.js';
import {
  normalizeFeatures, featureDefinition, type FeatureSetName,
} from '../src/model/features.js';
import { predictExamples } from '../src/model/train.js';
import { createRandom } from '../src/util/random.js';
import {
  DEFAULT_MODEL_CONFIG, FINE_TUNE_CONFIG, defaultTrainingFiles,
} from '../src/model/recipes.js';
import type * as TF from '@tensorflow/tfjs';
import type { ModelMetadata } from '../src/model/metadata.js';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string', default: 'datasets/real.jsonl' },
    epochs: { type: 'string' },
    'fine-tune-epochs': { type: 'string' },
    only: { type: 'string' },
    'skip-fine-tune': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'auto' },
    config: { type: 'string', default: '{}' },
  },
});

const tf = await loadTensorflow(values.backend as 'auto');
const trainFiles = values.train?.split(',') ?? defaultTrainingFiles().filter(existsSync);
const trainRecords = (await Promise.all(trainFiles.map(readLabelRecords))).flat();
const testRecords = (await readLabelRecords(values.test!)).filter(isOriginal);
const config: TrainConfig = {
  ...DEFAULT_MODEL_CONFIG,
  epochs: Number(values.epochs ?? DEFAULT_MODEL_CONFIG.epochs),
  ...(JSON.parse(values.config!) as Partial<TrainConfig>),
};
const fineTune: TrainConfig = {
  ...FINE_TUNE_CONFIG,
  epochs: Number(values['fine-tune-epochs'] ?? FINE_TUNE_CONFIG.epochs),
};
const datasets = [...new Set(testRecords.map((record) => record.dataset))].sort()
  .filter((name) => values.only === undefined || values.only.split(',').includes(name));

process.stderr.write(
  `backend ${tf.getBackend()}; training files ${trainFiles.join(', ')} ` +
    `(${trainRecords.length} records); test ${values.test} (${testRecords.length} originals)\n`,
);

function isOriginal(record: LabelRecord): boolean {
  return record.synthetic !== true &&
    (record.augmentation === undefined || record.augmentation.steps.length === 0) &&
    record.augmentation?.crop === undefined;
}

/** Exact F of each classical method (true polarity) per record. */
function classicalScores(record: LabelRecord): Record<string, number> {
  const thresholds = classicalThresholds(createHistogram(record.histogram));
  const scores: Record<string, number> = {};
  for (const method of CLASSICAL_METHODS) {
    scores[method] = exactScore(record, {
      threshold: Math.floor(thresholds[method]), polarity: record.polarity,
    }) ?? 0;
  }
  return scores;
}

function predict(
  model: TF.LayersModel,
  metadata: ModelMetadata,
  records: readonly LabelRecord[],
) {
  const definition = featureDefinition(metadata.features.name as FeatureSetName);
  const base = metadata.heads.threshold.baseMethod;
  const examples = buildExamples(records, definition, base);
  normalizeFeatures(examples.features, metadata.normalization);
  return predictExamples(model, examples, base);
}

interface Row {
  dataset: string;
  images: number;
  model: number;
  /** The model's thresholds scored with the true polarity (threshold quality alone). */
  modelTruePolarity: number;
  polarity: number;
  /** Mean |predicted quality − best score|. */
  qualityError: number;
  classical: Record<string, number>;
  oracle: number;
}

const mean = (numbers: readonly number[]) =>
  numbers.reduce((sum, value) => sum + value, 0) / Math.max(numbers.length, 1);

// 1. Generalist, leave-one-dataset-out.
const generalistRows: Row[] = [];
const fineTuneRows: { dataset: string; images: number; otsu: number; generalist: number;
  tuned: number; oracle: number; seconds: number }[] = [];
for (const dataset of datasets) {
  const started = performance.now();
  const held = testRecords.filter((record) => record.dataset === dataset);
  const train = trainRecords.filter((record) => record.dataset !== dataset);
  const generalist = await trainModel(config, {
    train, validation: [], validationDescription: 'none (fixed epochs)',
    toolVersion: 'eval',
  });
  const predictions = predict(generalist.model, generalist.metadata, held);
  const classical = held.map(classicalScores);
  generalistRows.push({
    dataset,
    images: held.length,
    model: mean(held.map((record, index) => exactScore(record, predictions[index]) ?? 0)),
    modelTruePolarity: mean(held.map((record, index) => exactScore(record, {
      threshold: predictions[index].threshold, polarity: record.polarity,
    }) ?? 0)),
    polarity: mean(held.map((record, index) =>
      Number(predictions[index].polarity === record.polarity))),
    qualityError: mean(held.map((record, index) =>
      Math.abs(predictions[index].quality - (record.bestScore ?? 0)))),
    classical: Object.fromEntries(CLASSICAL_METHODS.map((method) =>
      [method, mean(classical.map((scores) => scores[method]))])),
    oracle: mean(held.map((record) => record.bestScore ?? 0)),
  });
  process.stderr.write(
    `${dataset}: generalist F ${generalistRows.at(-1)!.model.toFixed(4)} ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );

  // 2. Fine-tuning on half of the dataset's images, scored on the other half (both ways).
  if (!values['skip-fine-tune']) {
    const tuneStarted = performance.now();
    const sources = [...new Set(held.map((record) => record.source))].sort();
    createRandom(7).shuffle(sources);
    const halves = [sources.slice(0, sources.length >> 1), sources.slice(sources.length >> 1)];
    const saved = generalist.model.getWeights().map((tensor) => tensor.clone());
    const scores: { otsu: number; generalist: number; tuned: number; oracle: number }[] = [];
    for (let fold = 0; fold < 2; fold++) {
      const trainSources = new Set(halves[fold]);
      const testSources = new Set(halves[1 - fold]);
      const tuneRecords = trainRecords.filter((record) =>
        record.dataset === dataset && trainSources.has(record.source));
      const testHalf = held.filter((record) => testSources.has(record.source));
      generalist.model.setWeights(saved);
      const before = predict(generalist.model, generalist.metadata, testHalf);
      const tuned = await trainModel(fineTune, {
        train: tuneRecords, validation: [], validationDescription: 'none (fixed epochs)',
        init: { model: generalist.model, metadata: generalist.metadata, name: 'generalist' },
        toolVersion: 'eval',
      });
      const after = predict(tuned.model, tuned.metadata, testHalf);
      testHalf.forEach((record, index) => scores.push({
        otsu: classicalScores(record).otsu,
        generalist: exactScore(record, before[index]) ?? 0,
        tuned: exactScore(record, after[index]) ?? 0,
        oracle: record.bestScore ?? 0,
      }));
    }
    saved.forEach((tensor) => tensor.dispose());
    fineTuneRows.push({
      dataset,
      images: scores.length,
      otsu: mean(scores.map((score) => score.otsu)),
      generalist: mean(scores.map((score) => score.generalist)),
      tuned: mean(scores.map((score) => score.tuned)),
      oracle: mean(scores.map((score) => score.oracle)),
      seconds: (performance.now() - tuneStarted) / 1000,
    });
    process.stderr.write(`${dataset}: fine-tuned F ${fineTuneRows.at(-1)!.tuned.toFixed(4)}\n`);
  }
  generalist.model.dispose();
}

// Tables.
const percent = (value: number) => (100 * value).toFixed(1);
const bestSingle = CLASSICAL_METHODS
  .map((method) => ({ method, score: mean(generalistRows.map((row) => row.classical[method])) }))
  .sort((a, b) => b.score - a.score)[0];
const imageWeighted = (pick: (row: Row) => number) =>
  generalistRows.reduce((sum, row) => sum + pick(row) * row.images, 0) /
    generalistRows.reduce((sum, row) => sum + row.images, 0);

const lines: string[] = [];
lines.push('### Generalist (leave-one-dataset-out), F-measure %', '');
lines.push(`| dataset | images | Otsu | Li | ${bestSingle.method} (best single) | ` +
  'best classical for the set | learned | learned, true polarity | oracle | polarity right | ' +
  'quality error |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of generalistRows) {
  const best = CLASSICAL_METHODS.reduce((a, b) => (row.classical[a] >= row.classical[b] ? a : b));
  lines.push(`| ${row.dataset} | ${row.images} | ${percent(row.classical.otsu)} | ` +
    `${percent(row.classical.li)} | ${percent(row.classical[bestSingle.method])} | ` +
    `${percent(row.classical[best])} (${best}) | **${percent(row.model)}** | ` +
    `${percent(row.modelTruePolarity)} | ${percent(row.oracle)} | ${percent(row.polarity)} | ` +
    `${percent(row.qualityError)} |`);
}
const macro = (pick: (row: Row) => number) => percent(mean(generalistRows.map(pick)));
const bestPerSet = (row: Row) => Math.max(...CLASSICAL_METHODS.map((m) => row.classical[m]));
const imageCount = generalistRows.reduce((sum, row) => sum + row.images, 0);
lines.push(`| **mean of datasets** | ${imageCount} | ` +
  `${macro((row) => row.classical.otsu)} | ${macro((row) => row.classical.li)} | ` +
  `${macro((row) => row.classical[bestSingle.method])} | ${macro(bestPerSet)} | ` +
  `**${macro((row) => row.model)}** | ${macro((row) => row.modelTruePolarity)} | ` +
  `${macro((row) => row.oracle)} | ${macro((row) => row.polarity)} | ` +
  `${macro((row) => row.qualityError)} |`);
lines.push(`| **mean of images** | | ${percent(imageWeighted((row) => row.classical.otsu))} | ` +
  `${percent(imageWeighted((row) => row.classical.li))} | ` +
  `${percent(imageWeighted((row) => row.classical[bestSingle.method]))} | ` +
  `${percent(imageWeighted(bestPerSet))} | **${percent(imageWeighted((row) => row.model))}** | ` +
  `${percent(imageWeighted((row) => row.modelTruePolarity))} | ` +
  `${percent(imageWeighted((row) => row.oracle))} | ` +
  `${percent(imageWeighted((row) => row.polarity))} | ` +
  `${percent(imageWeighted((row) => row.qualityError))} |`);

if (fineTuneRows.length > 0) {
  lines.push('',
    '### Fine-tuned on half of a set, scored on the other half (2-fold), F-measure %', '');
  lines.push(
    '| dataset | images | Otsu | generalist | fine-tuned | oracle | gap closed | seconds |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  const gap = (row: { otsu: number; tuned: number; oracle: number }) =>
    row.oracle - row.otsu > 1e-9
      ? `${percent((row.tuned - row.otsu) / (row.oracle - row.otsu))}%`
      : '–';
  for (const row of fineTuneRows) {
    lines.push(`| ${row.dataset} | ${row.images} | ${percent(row.otsu)} | ` +
      `${percent(row.generalist)} | **${percent(row.tuned)}** | ${percent(row.oracle)} | ` +
      `${gap(row)} | ${row.seconds.toFixed(0)} |`);
  }
  const overall = {
    otsu: mean(fineTuneRows.map((row) => row.otsu)),
    generalist: mean(fineTuneRows.map((row) => row.generalist)),
    tuned: mean(fineTuneRows.map((row) => row.tuned)),
    oracle: mean(fineTuneRows.map((row) => row.oracle)),
  };
  lines.push(`| **mean of datasets** | | ${percent(overall.otsu)} | ` +
    `${percent(overall.generalist)} | ` +
    `**${percent(overall.tuned)}** | ${percent(overall.oracle)} | ${gap(overall)} | |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
