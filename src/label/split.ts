/**
 * Seeded train / validation / test splits of labelled records by source image: all records of
 * one `source` (the original, its crops and variants) land in the same split, so no image leaks
 * from training into evaluation. The split is stratified by dataset: within each dataset the
 * sources (sorted, then shuffled with the seed) are dealt out by the fractions, so every dataset
 * with enough images appears in every split.
 */
import { AutothreshError } from '../errors.js';
import { createRandom } from '../util/random.js';
import { seedFor } from './augment.js';
import { assertUniqueIds } from './records-io.js';
import type { LabelRecord } from './schema.js';

export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

export type Splits = Record<SplitName, LabelRecord[]>;

/**
 * Splits `records` by source. Fractions must be ≥ 0 and sum to 1 (within 1e-6). Per dataset with
 * n sources, the train split gets round(n · train) sources, validation round(n · val) (never
 * more than remain), and test the rest. Records keep their input order within each split.
 * Throws `autothresh.dataset` when two records share an id.
 */
export function splitRecords(
  records: readonly LabelRecord[],
  fractions: SplitFractions,
  seed: number,
): Splits {
  checkFractions(fractions);
  assertUniqueIds(records, 'split');

  // Sources per dataset, in a fixed order before shuffling.
  const sourcesByDataset = new Map<string, Set<string>>();
  for (const record of records) {
    const sources = sourcesByDataset.get(record.dataset) ?? new Set<string>();
    sources.add(record.source);
    sourcesByDataset.set(record.dataset, sources);
  }

  const splitOfSource = new Map<string, SplitName>();
  for (const [dataset, sourceSet] of sourcesByDataset) {
    const sources = [...sourceSet].filter((source) => !splitOfSource.has(source)).sort();
    createRandom(seedFor(seed, dataset)).shuffle(sources);
    const train = Math.round(sources.length * fractions.train);
    const val = Math.min(sources.length - train, Math.round(sources.length * fractions.val));
    sources.forEach((source, index) => {
      splitOfSource.set(source, index < train ? 'train' : index < train + val ? 'val' : 'test');
    });
  }

  const splits: Splits = { train: [], val: [], test: [] };
  for (const record of records) splits[splitOfSource.get(record.source) as SplitName].push(record);
  return splits;
}

function checkFractions(fractions: SplitFractions): void {
  const values = SPLIT_NAMES.map((name) => fractions[name]);
  const sum = values.reduce((total, value) => total + value, 0);
  if (values.some((value) => !(value >= 0 && value <= 1)) || Math.abs(sum - 1) > 1e-6) {
    throw new AutothreshError(
      'autothresh.usage',
      `split fractions: expected --train, --val and --test in [0, 1] summing to 1, received ` +
        `${values.join(' + ')} = ${sum}`,
    );
  }
}
