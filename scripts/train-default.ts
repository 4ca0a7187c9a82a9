/**
 * Trains the shipped model, `models/default`, with the exact recipe of
 * `src/model/recipes.ts` (DEFAULT_MODEL_CONFIG) on the committed datasets:
 *
 *   npm run train:default [-- --out <dir>] [-- --backend wasm|cpu]
 *
 * Training files, in order (missing ones are skipped and named on stderr): datasets/real.jsonl,
 * datasets/augmented.jsonl.gz, datasets/synthetic.jsonl. Every record is used for training
 * (fixed epochs, no early stopping); honest held-out figures come from `npm run eval:model`.
 * Same files, recipe and backend → identical weights.
 */
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadTensorflow, type BackendName } from '../src/model/backend.js';
import { DEFAULT_MODEL_DIRECTORY } from '../src/model/index.js';
import { saveModel } from '../src/model/io.js';
import { DEFAULT_MODEL_CONFIG, defaultTrainingFiles } from '../src/model/recipes.js';
import { trainModel } from '../src/model/train.js';
import { readRecordFiles } from '../src/model/workflow.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: DEFAULT_MODEL_DIRECTORY },
    backend: { type: 'string', default: 'wasm' },
  },
});
const version: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

const tf = await loadTensorflow(values.backend as BackendName);
const files = defaultTrainingFiles();
for (const file of files.filter((file) => !existsSync(file))) {
  process.stderr.write(`skipping ${file}: not found\n`);
}
const records = await readRecordFiles(files.filter(existsSync));
process.stderr.write(`training on ${records.length} records, backend ${tf.getBackend()}\n`);

const started = performance.now();
const trained = await trainModel(DEFAULT_MODEL_CONFIG, {
  train: records,
  validation: [],
  validationDescription: 'none (fixed epochs; see npm run eval:model)',
  toolVersion: version,
  onEpoch: (log) => process.stderr.write(
    `epoch ${log.epoch}/${log.epochs}  loss ${log.loss.toFixed(4)}  ` +
      `(${log.seconds.toFixed(1)} s)\n`,
  ),
});
await saveModel(trained.model, trained.metadata, values.out!);
const seconds = (performance.now() - started) / 1000;
process.stderr.write(`model written to ${values.out} in ${seconds.toFixed(0)} s\n`);
