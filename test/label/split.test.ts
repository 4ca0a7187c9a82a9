import { describe, expect, it } from 'vitest';
import { splitRecords } from '../../src/label/split.js';
import { LABEL_SCHEMA_VERSION, type LabelRecord } from '../../src/label/schema.js';

function records(): LabelRecord[] {
  const list: LabelRecord[] = [];
  for (const dataset of ['docs', 'cells']) {
    for (let image = 0; image < 40; image++) {
      for (let crop = 0; crop < 3; crop++) {
        list.push({
          schemaVersion: LABEL_SCHEMA_VERSION, id: `${dataset}/${image}/${crop}`,
          source: `${dataset}/images/${image}.png`,
          dataset, imageSha256: '0'.repeat(64), width: 1, height: 1,
          histogram: new Array(256).fill(0).map((_, bin) => (bin === 0 ? 1 : 0)),
          polarity: 'dark', bestThreshold: 0, labelKind: 'manual',
        });
      }
    }
  }
  return list;
}

describe('splitRecords', () => {
  const fractions = { train: 0.7, val: 0.15, test: 0.15 };

  it('when splitting then no source lands in two splits and every record is kept', () => {
    const all = records();
    const splits = splitRecords(all, fractions, 1);
    const owner = new Map<string, string>();
    for (const [name, list] of Object.entries(splits)) {
      for (const record of list) {
        expect(owner.get(record.source) ?? name).toBe(name);
        owner.set(record.source, name);
      }
    }
    expect(splits.train.length + splits.val.length + splits.test.length).toBe(all.length);
    // Per dataset: 28 / 6 / 6 sources of 40, 3 records each.
    expect(splits.train.length).toBe(2 * 28 * 3);
    expect(splits.val.length).toBe(2 * 6 * 3);
    for (const list of Object.values(splits)) {
      expect(new Set(list.map((record) => record.dataset))).toEqual(new Set(['docs', 'cells']));
    }
  });

  it('when the seed is the same then the split is the same, else it differs', () => {
    const ids = (seed: number) => splitRecords(records(), fractions, seed).test.map((r) => r.id);
    expect(ids(4)).toEqual(ids(4));
    expect(ids(4)).not.toEqual(ids(5));
  });

  it('when fractions do not sum to 1 then throws a usage error', () => {
    expect(() => splitRecords(records(), { train: 0.7, val: 0.2, test: 0.2 }, 1))
      .toThrow(expect.objectContaining({ code: 'autothresh.usage' }));
  });
});
