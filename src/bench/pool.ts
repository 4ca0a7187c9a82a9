/**
 * Worker threads for the benchmark ([tinypool](https://github.com/tinylibs/tinypool)), so that
 * reading images, local methods, record parsing and the global methods use every core. Each
 * task is a unit of `work.ts`; the calling thread only hands out tasks, gathers the results
 * and summarizes them.
 *
 * From the compiled package the threads load `worker.js` beside this file. From the TypeScript
 * sources (tests, `tsx` scripts) they load `worker.ts` through tsx, a development dependency.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { PairInput } from './inputs.js';
import type { RecordChunk } from './records.js';
import { unpackScores } from './transfer.js';
import type { PairOutcome, RecordChunkOutcome, ScoreSettings } from './work.js';
import type { PackedChunkOutcome } from './worker.js';

/** The work a pool runs (the same signatures as `work.ts`). */
export interface BenchPool {
  readonly threads: number;
  scorePairs(pairs: PairInput[], settings: ScoreSettings): Promise<PairOutcome[]>;
  scoreRecordChunk(chunk: RecordChunk, settings: ScoreSettings): Promise<RecordChunkOutcome>;
  destroy(): Promise<void>;
}

/** Starts `threads` worker threads, all at once (each loads the modules and models it needs). */
export function createBenchPool(threads: number): BenchPool {
  const pool = new Tinypool({
    filename: workerModule(),
    // Threads load the module on start (tinypool resolves this task at start-up).
    name: 'pairsTask',
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    threads,
    scorePairs: (pairs, settings) => pool.run({ pairs, settings }, { name: 'pairsTask' }),
    scoreRecordChunk: async (chunk, settings) => {
      const outcome: PackedChunkOutcome =
        await pool.run({ chunk, settings }, { name: 'recordsTask' });
      const { packed, ...rest } = outcome;
      return { ...rest, scored: unpackScores(packed, settings.methods) };
    },
    destroy: () => pool.destroy(),
  };
}

/** The worker module: `worker.js`, or `worker.ts` loaded through tsx when running from source. */
function workerModule(): string {
  const here = import.meta.url;
  const worker = new URL(`./worker${extname(fileURLToPath(here))}`, here);
  if (!worker.pathname.endsWith('.ts')) return worker.href;
  // A tiny ES module that imports the TypeScript worker with tsx and re-exports its tasks.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = [
    `import { tsImport } from ${JSON.stringify(tsx)};`,
    `const worker = await tsImport(${JSON.stringify(worker.href)}, ${JSON.stringify(here)});`,
    'export const pairsTask = worker.pairsTask;',
    'export const recordsTask = worker.recordsTask;',
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(code)}`;
}
