/**
 * The committed record files against datasets/README.md: the counts it states, every set, and
 * every kind of augmentation present.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLabelRecords } from '../../src/label/records-io.js';
import type { LabelRecord } from '../../src/label/schema.js';

const datasets = new URL('../../datasets/', import.meta.url);
const readme = readFileSync(new URL('README.md', datasets), 'utf8');
const files = new Map<string, Promise<LabelRecord[]>>();
const read = (name: string): Promise<LabelRecord[]> => {
  if (!files.has(name)) files.set(name, readLabelRecords(new URL(name, datasets).pathname));
  return files.get(name) as Promise<LabelRecord[]>;
};
const number = (text: string): number => Number(text.replace(/,/g, ''));

/** Rows `| a | b | … |` of the README table whose header starts with `header`. */
function tableRows(header: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.startsWith(header));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

describe('committed datasets', () => {
  it('when counted then every file has the records datasets/README.md says', async () => {
    for (const [file, count] of tableRows('| file | records |')) {
      if (!file.endsWith('l`') && !file.endsWith('gz`')) continue;
      expect((await read(file.replaceAll('`', ''))).length, file).toBe(number(count));
    }
  });

  it('when augmented records are counted per set then they match the README table', async () => {
    const records = await read('augmented.jsonl.gz');
    const rows = tableRows('| set | crops per image |');
    expect(rows).toHaveLength(11);
    for (const [set, , count, dark, bright] of rows) {
      const ofSet = records.filter((record) => record.dataset === set);
      expect(ofSet.length, set).toBe(number(count));
      expect(ofSet.filter((record) => record.polarity === 'dark').length, set).toBe(number(dark));
      expect(ofSet.filter((record) => record.polarity === 'bright').length).toBe(number(bright));
    }
  });

  it('when augmented records are read then the pixels of each occupy at least two bins',
    async () => {
      const records = await read('augmented.jsonl.gz');
      const oneBin = records.filter((record) =>
        record.histogram.filter((count) => count > 0).length < 2).map((record) => record.id);
      expect(oneBin).toEqual([]);
    });

  it('when augmented records are read then every kind of augmentation is there', async () => {
    const records = await read('augmented.jsonl.gz');
    const kinds = new Set(records.flatMap((record) =>
      record.augmentation?.steps.map((step) => step.kind) ?? []));
    for (const kind of [
      'gamma', 'contrast', 'brightness', 'invert', 'noise', 'blur', 'jpeg', 'gradient',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(records.some((record) =>
      record.augmentation?.crop !== undefined && record.augmentation.steps.length === 0))
      .toBe(true);
    const real = await read('real.jsonl');
    const sources = new Set(real.map((record) => record.source));
    expect(records.every((record) => sources.has(record.source))).toBe(true);
  });
});
