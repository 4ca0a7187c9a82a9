/**
 * Entry of the benchmark's worker threads (see `pool.ts`): each task is one unit of
 * `work.ts`, run as it would run on the calling thread. Models are loaded once per thread (the
 * model cache of `loadModel`) and kept for the thread's later tasks. Scored records travel back
 * packed (`transfer.ts`).
 */
import type { PairInput } from './inputs.js';
import type { RecordChunk } from './records.js';
import { packScores, type PackedScores } from './transfer.js';
import {
  scorePairs, scoreRecordChunk, type PairOutcome, type RecordChunkOutcome, type ScoreSettings,
} from './work.js';

/** A {@link RecordChunkOutcome} with its scored records packed. */
export type PackedChunkOutcome = Omit<RecordChunkOutcome, 'scored'> & { packed: PackedScores };

export function pairsTask(task: {
  pairs: PairInput[];
  settings: ScoreSettings;
}): Promise<PairOutcome[]> {
  return scorePairs(task.pairs, task.settings);
}

export async function recordsTask(task: {
  chunk: RecordChunk;
  settings: ScoreSettings;
}): Promise<PackedChunkOutcome> {
  const { scored, ...rest } = await scoreRecordChunk(task.chunk, task.settings);
  return { ...rest, packed: packScores(scored, task.settings.methods) };
}
