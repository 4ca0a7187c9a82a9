/**
 * Speed of `autothresh bench`, two figures:
 *
 * 1. images/s of the default comparison (every global method but multi-otsu, sauvola,
 *    adaptive-gaussian, the oracle, and the learned model when one is shipped) over every
 *    image + mask pair under the shared datasets folder (target ≥ 5 images/s on 2 cores);
 * 2. records/s when scoring an already labelled JSONL file with the histogram methods only
 *    (global methods, oracle, learned if available; target ≥ 2,000 records/s), with the time
 *    split into reading, the classical methods themselves, and the rest (scoring, summaries),
 *    and the bench machinery alone (reading, exact scoring, summaries with otsu + oracle).
 *
 *   npm run bench:bench [-- --shared <dir> --data <file.jsonl[.gz]> --copies 4]
 *
 * `--copies` repeats the records (fresh ids) so the JSONL figure is measured on a few thousand
 * records. CPU time (all threads) is printed beside wall-clock time, which is steadier on a busy
 * machine.
 */
import { readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultMethodNames } from '../src/bench/methods.js';
import { preparedFromRecord } from '../src/bench/inputs.js';
import { runBench } from '../src/bench/runner.js';
import { readLabelRecords, writeLabelRecords } from '../src/label/records-io.js';
import { GLOBAL_METHOD_NAMES, globalThreshold } from '../src/methods/global/index.js';
import { createProgress } from '../src/util/progress.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    shared: { type: 'string' },
    data: { type: 'string' },
    copies: { type: 'string', default: '4' },
  },
});
const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared', 'datasets'));
const dataFile = resolve(values.data ?? join(repoRoot, 'datasets', 'real.jsonl'));

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const usage = process.cpuUsage(since);
  return (usage.user + usage.system) / 1e6;
}

async function imageThroughput(): Promise<void> {
  const entries = await readdir(sharedDir, { withFileTypes: true });
  const sets = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runBench({
    images: sets.map((set) => ({
      images: join(sharedDir, set, 'images'), masks: join(sharedDir, set, 'masks'),
    })),
    progress: (total, label) => createProgress(total, label),
  });
  const seconds = (performance.now() - started) / 1000;
  const images = result.images.length;
  const methods = result.methods.map((method) => method.name);
  console.log(`images: ${images} pairs from ${sets.length} sets, ${methods.length} methods ` +
    `(${methods.join(', ')}), ${availableParallelism()} cores`);
  for (const note of result.notes) console.log(`  note: ${note}`);
  console.log(`  ${(images / seconds).toFixed(1)} images/s (${seconds.toFixed(1)} s wall, ` +
    `${(1000 * cpuSeconds(cpu) / images).toFixed(0)} ms CPU per image) — target ≥ 5`);
}

async function recordThroughput(): Promise<void> {
  const original = await readLabelRecords(dataFile);
  const copies = Math.max(1, Number(values.copies));
  const records = Array.from({ length: copies }, (_, copy) =>
    original.map((record) => ({ ...record, id: `${record.id}#${copy}` }))).flat();
  const file = join(tmpdir(), `autothresh-bench-${process.pid}.jsonl`);
  await writeLabelRecords(file, records);
  const methods = defaultMethodNames()
    .filter((name) => !['sauvola', 'adaptive-gaussian'].includes(name));

  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runBench({ data: [file], methods });
  const seconds = (performance.now() - started) / 1000;
  const count = result.images.length;
  console.log(`records: ${count} (${copies} × ${dataFile}), ` +
    `${result.methods.length} methods (${result.methods.map((m) => m.name).join(', ')})`);
  console.log(`  ${(count / seconds).toFixed(0)} records/s (${seconds.toFixed(2)} s wall, ` +
    `${(1e6 * cpuSeconds(cpu) / count).toFixed(0)} µs CPU per record) — target ≥ 2000`);

  // Where the time goes: reading, the classical methods themselves, everything else.
  const readStart = performance.now();
  const reread = await readLabelRecords(file);
  const reading = (performance.now() - readStart) / 1000;
  const histograms = reread.map((record) => preparedFromRecord(record, 'fmeasure')!.histogram);
  const perMethod = GLOBAL_METHOD_NAMES
    .filter((name) => result.methods.some((method) => method.name === name))
    .map((name) => {
      const start = performance.now();
      for (const histogram of histograms) {
        try {
          globalThreshold(name, histogram);
        } catch {
          // failures are timed too
        }
      }
      return { name, seconds: (performance.now() - start) / 1000 };
    });
  const classical = perMethod.reduce((sum, item) => sum + item.seconds, 0);
  const rate = (time: number) => (count / Math.max(time, 1e-9)).toFixed(0);
  console.log(`  reading + validating: ${rate(reading)} records/s; ` +
    `classical methods: ${(1e6 * classical / count).toFixed(0)} µs per record; ` +
    `rest (scoring, model, summaries): ${rate(seconds - reading - classical)} records/s`);
  const slowest = [...perMethod].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  console.log(`  slowest methods (µs per record): ${slowest
    .map((item) => `${item.name} ${(1e6 * item.seconds / count).toFixed(0)}`).join(', ')}`);
  console.log(`  without classical methods: ${rate(seconds - classical)} records/s`);

  // The bench machinery alone: reading, exact scoring, summaries, with two cheap methods.
  const machineryStart = performance.now();
  await runBench({ data: [file], methods: ['otsu', 'oracle'] });
  const machinery = (performance.now() - machineryStart) / 1000;
  console.log(`  reading + scoring + summaries with otsu and oracle only: ${rate(machinery)} ` +
    'records/s');
  await rm(file, { force: true });
}

await imageThroughput();
await recordThroughput();
