/**
 * Speed of the learned model (`npm run bench:model`):
 * - inference: µs per histogram in batches (features + forward pass, and the forward pass
 *   alone), plain-JS path used by `predict`, and the tfjs path for comparison;
 * - cold start: loadModel + first prediction in a fresh Node process;
 * - training time of the default recipe on the committed datasets (skip with --no-train);
 * - fine-tuning the default model on 10 images.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createHistogram } from '../src/histogram/histogram.js';
import { readLabelRecords } from '../src/label/records-io.js';
import { loadTensorflow } from '../src/model/backend.js';
import { DEFAULT_MODEL_DIRECTORY, loadModel, predictThresholds } from '../src/model/index.js';
import { loadTrainableModel } from '../src/model/io.js';
import { runForward } from '../src/model/forward.js';
import {
  DEFAULT_MODEL_CONFIG, FINE_TUNE_CONFIG, defaultTrainingFiles,
} from '../src/model/recipes.js';
import { trainModel } from '../src/model/train.js';
import { readRecordFiles } from '../src/model/workflow.js';

const { values } = parseArgs({
  options: {
    'no-train': { type: 'boolean', default: false },
    model: { type: 'string', default: DEFAULT_MODEL_DIRECTORY },
    backend: { type: 'string', default: 'wasm' },
  },
});

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  process.stderr.write(`${line}\n`);
};

/** Best µs per histogram over 7 timed rounds of `round` (which handles `count` histograms). */
function bestPerHistogram(round: () => void, count: number): string {
  for (let warmUp = 0; warmUp < 3; warmUp++) round();
  let best = Infinity;
  for (let timed = 0; timed < 7; timed++) {
    const started = performance.now();
    round();
    best = Math.min(best, (performance.now() - started) / count);
  }
  return (1000 * best).toFixed(1);
}

// Inference in batches.
const records = await readLabelRecords(new URL('../datasets/real.jsonl', import.meta.url).pathname);
const histograms = records.map((record) => createHistogram(record.histogram));
const model = await loadModel(values.model);
for (const batch of [1, 64, histograms.length]) {
  const perRound = Math.min(histograms.length, Math.max(batch, 256));
  const round = () => {
    for (let start = 0; start + batch <= perRound; start += batch) {
      predictThresholds(model, histograms.slice(start, start + batch));
    }
  };
  const count = Math.floor(perRound / batch) * batch;
  say(`predict (features + forward, plain JS), batch ${batch}: ` +
    `${bestPerHistogram(round, count)} µs/histogram`);
}
const size = model.features.size;
const input = new Float32Array(histograms.length * size).map((_, index) => Math.sin(index));
say(`forward pass only (plain JS), batch ${histograms.length}: ` +
  `${bestPerHistogram(() => runForward(model.layers, input, histograms.length),
    histograms.length)} µs/histogram`);

const tf = await loadTensorflow(values.backend as 'wasm');
const { model: tfModel } = await loadTrainableModel(values.model!);
const tensor = tf.tensor2d(input, [histograms.length, size]);
const tfRound = () => {
  tf.tidy(() => (tfModel.predict(tensor) as import('@tensorflow/tfjs').Tensor).dataSync());
};
say(`forward pass only (tfjs ${tf.getBackend()}), batch ${histograms.length}: ` +
  `${bestPerHistogram(tfRound, histograms.length)} µs/histogram`);
tensor.dispose();

// Cold start: a fresh process imports the model module, loads the model, predicts once.
const probe = `
const started = performance.now();
const { loadModel, predictThreshold } = await import('./src/model/index.ts');
const { createHistogram } = await import('./src/histogram/histogram.ts');
const counts = Array.from({ length: 256 }, (_, bin) => Math.exp(-((bin - 80) ** 2) / 200) * 1000
  + Math.exp(-((bin - 190) ** 2) / 400) * 4000);
const model = await loadModel(${JSON.stringify(values.model)});
predictThreshold(model, createHistogram(counts));
console.log((performance.now() - started).toFixed(0));
`;
const coldRuns = [0, 1, 2].map(() => Number(execFileSync(
  process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe],
  { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' },
).trim()));
say(`cold start (import + loadModel + first prediction, fresh process, via tsx): ` +
  `${Math.min(...coldRuns)} ms (min of 3: ${coldRuns.join(', ')} ms)`);

// Training the default recipe, and fine-tuning on 10 images.
const files = defaultTrainingFiles().filter(existsSync);
const all = await readRecordFiles(files);
if (!values['no-train']) {
  const started = performance.now();
  const trained = await trainModel(DEFAULT_MODEL_CONFIG, {
    train: all, validation: [], validationDescription: 'bench', toolVersion: 'bench',
  });
  say(`training the default recipe (${all.length} records, ` +
    `${DEFAULT_MODEL_CONFIG.epochs} epochs, ` +
    `${tf.getBackend()}): ${((performance.now() - started) / 1000).toFixed(0)} s`);
  trained.model.dispose();
}
const tenImages = new Set(records.filter((record) => record.dataset === 'nuclei-nih3t3')
  .slice(0, 10).map((record) => record.source));
const tuneRecords = all.filter((record) => tenImages.has(record.source));
const init = await loadTrainableModel(values.model!);
const tuneStarted = performance.now();
await trainModel(FINE_TUNE_CONFIG, {
  train: tuneRecords, validation: [], validationDescription: 'bench',
  init: { ...init, name: 'default' }, toolVersion: 'bench',
});
say(`fine-tuning the default model on 10 images (${tuneRecords.length} records with their ` +
  `variants, ${FINE_TUNE_CONFIG.epochs} epochs): ` +
  `${((performance.now() - tuneStarted) / 1000).toFixed(1)} s`);

process.stdout.write(`${lines.map((line) => `- ${line}`).join('\n')}\n`);
