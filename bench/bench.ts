/**
 * Speed of `autothresh bench`, against the two targets (2-core machine):
 *
 * 1. images/s of the default comparison (learned, every global method but multi-otsu, sauvola,
 *    adaptive-gaussian, oracle) over every image + mask pair under the shared datasets folder:
 *    target ≥ 5 images/s, with a progress bar when stderr is a terminal;
 * 2. records/s scoring an already labelled JSONL file with the global methods only: target
 *    ≥ 2,000 records/s; then the same with the model and the oracle added, and the CPU time of
 *    the global methods themselves (one thread, no bench machinery) for comparison.
 *
 *   npm run build && npm run bench:bench [-- --shared <dir> --data <file.jsonl[.gz]>
 *     --copies 4 --workers 2]
 *
 * It measures the compiled package (dist/), as users run it: build first. From the TypeScript
 * sources the worker threads would load through tsx, which costs far more than the work.
 *
 * `--copies` repeats the records (fresh ids) so that the JSONL figures are measured on a few
 * thousand records. Without `--data`, the global methods are then also timed on the 8,223
 * records of `datasets/augmented.jsonl.gz`, enough for the run to use worker threads. Every
 * figure is wall-clock time including the worker threads' start, with the CPU time of all
 * threads beside it, and the load average before the run: on a busy machine wall-clock rates
 * drop while CPU time per item stays steadier.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchOptions } from '../src/bench/runner.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A module of the compiled package, typed as its source. */
async function compiled<T>(module: string): Promise<T> {
  const file = join(repoRoot, 'dist', `${module}.js`);
  if (!existsSync(file)) {
    console.error(`bench: ${file} is missing; run \`npm run build\` first`);
    process.exit(2);
  }
  const source = join(repoRoot, 'src', `${module}.ts`);
  if (statSync(source).mtimeMs > statSync(file).mtimeMs) {
    console.warn(`bench: ${source} is newer than its build; run \`npm run build\` first`);
  }
  return import(pathToFileURL(file).href) as Promise<T>;
}

const { runBench } = await compiled<typeof import('../src/bench/runner.js')>('bench/runner');
const { LEARNED, NOT_BINARIZATIONS, ORACLE } =
  await compiled<typeof import('../src/bench/methods.js')>('bench/methods');
const { readLabelRecords, writeLabelRecords } =
  await compiled<typeof import('../src/label/records-io.js')>('label/records-io');
const { createHistogram } =
  await compiled<typeof import('../src/histogram/histogram.js')>('histogram/histogram');
const { GLOBAL_METHOD_NAMES, globalThreshold } =
  await compiled<typeof import('../src/methods/global/index.js')>('methods/global/index');
const { createProgress } =
  await compiled<typeof import('../src/util/progress.js')>('util/progress');
const { values } = parseArgs({
  options: {
    shared: { type: 'string' },
    data: { type: 'string' },
    copies: { type: 'string', default: '4' },
    workers: { type: 'string' },
  },
});
const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared', 'datasets'));
const dataFile = resolve(values.data ?? join(repoRoot, 'datasets', 'real.jsonl'));
const workers = values.workers === undefined ? undefined : Number(values.workers);
const GLOBALS = GLOBAL_METHOD_NAMES.filter((name) => !NOT_BINARIZATIONS.includes(name));

interface Measured {
  items: number;
  seconds: number;
  cpuSeconds: number;
  workers: number;
}

/** Runs one benchmark and measures wall-clock and CPU time (all threads of the process). */
async function measure(options: BenchOptions): Promise<Measured & { notes: string[] }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runBench({ ...(workers === undefined ? {} : { workers }), ...options });
  const seconds = (performance.now() - started) / 1000;
  const usage = process.cpuUsage(cpu);
  return {
    items: result.images.length,
    seconds,
    cpuSeconds: (usage.user + usage.system) / 1e6,
    workers: result.timing.workers,
    notes: result.notes,
  };
}

function describe(measured: Measured, unit: string, target: number): string {
  const rate = measured.items / measured.seconds;
  const perItem = 1e3 * measured.cpuSeconds / measured.items;
  const verdict = rate >= target ? 'meets' : 'MISSES';
  return `${rate.toFixed(rate < 100 ? 1 : 0)} ${unit}/s (${measured.seconds.toFixed(2)} s wall, ` +
    `${perItem.toFixed(perItem < 10 ? 2 : 0)} ms CPU per item, ${measured.workers} worker ` +
    `threads) — ${verdict} the target of ≥ ${target}`;
}

async function imageThroughput(): Promise<void> {
  const sets = readdirSync(sharedDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const measured = await measure({
    images: sets.map((set) => ({
      images: join(sharedDir, set, 'images'), masks: join(sharedDir, set, 'masks'),
    })),
    progress: (total, label) => createProgress(total, label),
  });
  console.log(`images: ${measured.items} pairs from ${sets.length} sets in ${sharedDir}, ` +
    'the default methods');
  for (const note of measured.notes) console.log(`  note: ${note}`);
  console.log(`  ${describe(measured, 'images', 5)}`);
}

async function recordThroughput(): Promise<void> {
  const original = await readLabelRecords(dataFile);
  const copies = Math.max(1, Number(values.copies));
  const records = Array.from({ length: copies }, (_, copy) =>
    original.map((record) => ({ ...record, id: `${record.id}#${copy}` }))).flat();
  const file = join(tmpdir(), `autothresh-bench-${process.pid}.jsonl`);
  await writeLabelRecords(file, records);
  try {
    console.log(`records: ${records.length} (${copies} × ${dataFile})`);
    const globalsOnly = await measure({ data: [file], methods: GLOBALS });
    console.log(`  ${GLOBALS.length} global methods: ${describe(globalsOnly, 'records', 2000)}`);
    const withModel = await measure({ data: [file], methods: [LEARNED, ...GLOBALS, ORACLE] });
    console.log(`  with learned and oracle too: ${describe(withModel, 'records', 2000)}`);
    methodCost(records.map((record) => record.histogram));
  } finally {
    await rm(file, { force: true });
  }
  if (values.data === undefined) await largeFileThroughput();
}

/** The largest labelled file the repository ships, where worker threads start by default. */
async function largeFileThroughput(): Promise<void> {
  const file = join(repoRoot, 'datasets', 'augmented.jsonl.gz');
  const measured = await measure({ data: [file], methods: GLOBALS });
  console.log(`records: ${measured.items} in ${file}`);
  console.log(`  ${GLOBALS.length} global methods: ${describe(measured, 'records', 2000)}`);
}

/** CPU time of the global methods alone, one thread: the floor under the bench's own cost. */
function methodCost(histograms: readonly number[][]): void {
  const prepared = histograms.map((counts) => createHistogram(counts));
  const perMethod = GLOBALS.map((name) => {
    const start = performance.now();
    for (const histogram of prepared) {
      try {
        globalThreshold(name, histogram);
      } catch {
        // a method that finds no threshold is timed too
      }
    }
    return { name, microseconds: 1e3 * (performance.now() - start) / prepared.length };
  });
  const total = perMethod.reduce((sum, item) => sum + item.microseconds, 0);
  const slowest = [...perMethod].sort((a, b) => b.microseconds - a.microseconds).slice(0, 4);
  console.log(`  the global methods alone, one thread: ${total.toFixed(0)} µs per record ` +
    `(slowest: ${slowest.map((item) => `${item.name} ${item.microseconds.toFixed(0)}`)
      .join(', ')})`);
}

const load = loadavg().map((value) => value.toFixed(1)).join(', ');
console.log(`machine: ${availableParallelism()} cores, load average ${load} before the run` +
  (loadavg()[0] > availableParallelism() / 2 ? ' (busy: wall-clock rates are low)' : ''));
await imageThroughput();
await recordThroughput();
