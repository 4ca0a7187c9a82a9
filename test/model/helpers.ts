/**
 * Shared inputs of the model tests: a few real labelled records (from the committed
 * datasets/real.jsonl) and a toy record set small enough for seconds-long training.
 */
import { readLabelRecords } from '../../src/label/records-io.js';
import type { LabelRecord } from '../../src/label/schema.js';
import type { TrainConfig } from '../../src/model/train.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/model/train.js';

export const REAL_RECORDS = new URL('../../datasets/real.jsonl', import.meta.url).pathname;

let cached: LabelRecord[] | undefined;

/** `perDataset` records of each dataset of the real set (first ones, in file order). */
export async function realSample(perDataset: number): Promise<LabelRecord[]> {
  cached ??= await readLabelRecords(REAL_RECORDS);
  const taken = new Map<string, number>();
  return cached.filter((record) => {
    const count = taken.get(record.dataset) ?? 0;
    taken.set(record.dataset, count + 1);
    return count < perDataset;
  });
}

/** A tiny, fast configuration for tests. */
export const TINY_CONFIG: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  seed: 3,
  epochs: 3,
  batchSize: 8,
  hidden: [16, 8],
  dropout: 0.1,
  patience: 0,
};
