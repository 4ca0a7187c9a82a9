/**
 * Datasets of a run: named after the folder, the record file (one dataset in it) or the
 * records' own names (several), and never merged across inputs: names several inputs share
 * are qualified with the input.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualifyGroupNames, recordGroupNames } from '../../src/bench/datasets.js';
import { runBench } from '../../src/bench/runner.js';
import { writeBenchDataset, writeBenchRecords } from '../helpers/bench-data.js';
import { temporaryDirectory } from '../helpers/images.js';
import { loadMetricFixtures } from './metric-fixtures.js';

describe('qualifyGroupNames', () => {
  it('when no name is shared then every name stays as it is, without notes', () => {
    const { renamed, notes } = qualifyGroupNames([
      { input: 'a/images', names: ['a'] }, { input: 'real.jsonl', names: ['x', 'y'] },
    ]);
    expect(renamed.map((map) => Object.fromEntries(map)))
      .toEqual([{ a: 'a' }, { x: 'x', y: 'y' }]);
    expect(notes).toEqual([]);
  });

  it('when two inputs share a name then both uses are qualified and a note says so', () => {
    const { renamed, notes } = qualifyGroupNames([
      { input: 'shared/dibco2009/images', names: ['dibco2009'] },
      { input: 'datasets/real.jsonl', names: ['dibco2009', 'hdibco2010'] },
    ]);
    expect(renamed[0].get('dibco2009')).toBe('dibco2009 (shared/dibco2009/images)');
    expect(renamed[1].get('dibco2009')).toBe('dibco2009 (datasets/real.jsonl)');
    expect(renamed[1].get('hdibco2010')).toBe('hdibco2010');
    expect(notes).toEqual(['dataset dibco2009 comes from 2 inputs, kept apart as ' +
      'dibco2009 (shared/dibco2009/images), dibco2009 (datasets/real.jsonl)']);
  });

  it('when the same input is given twice then the second copy is numbered', () => {
    const { renamed } = qualifyGroupNames([
      { input: 'x.jsonl', names: ['x'] }, { input: 'x.jsonl', names: ['x'] },
    ]);
    expect(renamed.map((map) => map.get('x'))).toEqual(['x (x.jsonl)', 'x (x.jsonl) #2']);
  });

  it('when names are random then different (input, name) pairs never share a final name', () => {
    const name = fc.constantFrom('a', 'b', 'a (x)', 'a (x) #2', 'c');
    const input = fc.record({
      input: fc.constantFrom('x', 'y', 'x'),
      names: fc.uniqueArray(name, { maxLength: 4 }),
    });
    fc.assert(fc.property(fc.array(input, { maxLength: 5 }), (inputs) => {
      const { renamed } = qualifyGroupNames(inputs);
      const finals = renamed.flatMap((map) => [...map.values()]);
      expect(new Set(finals).size).toBe(finals.length);
      inputs.forEach((item, index) => {
        expect([...renamed[index].keys()].sort()).toEqual([...item.names].sort());
      });
    }));
  });
});

describe('recordGroupNames', () => {
  it('when a file holds one dataset then the group is named after the file', () => {
    expect(Object.fromEntries(recordGroupNames('/d/dibco.jsonl.gz', ['dibco2009', 'dibco2009'])))
      .toEqual({ dibco2009: 'dibco' });
  });

  it('when a file holds several datasets then the records\' names are kept', () => {
    expect(Object.fromEntries(recordGroupNames('real.jsonl', ['a', 'b', 'a'])))
      .toEqual({ a: 'a', b: 'b' });
  });
});

describe('runBench inputs', () => {
  it('when a folder and a record file hold the same dataset name then they stay apart',
    async () => {
      const dataset = await writeBenchDataset();
      const directory = temporaryDirectory();
      // Records named "docs" in a file with two datasets: the records' names are kept.
      const file = join(directory, 'mixed.jsonl');
      const docs = writeBenchRecords(join(directory, 'a.jsonl'), 'docs');
      const other = writeBenchRecords(join(directory, 'b.jsonl'), 'other');
      const other2 = readFileSync(other, 'utf8').replace(/"id":"/g, '"id":"other-');
      writeFileSync(file, readFileSync(docs, 'utf8') + other2);

      const result = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }],
        data: [file],
        methods: ['otsu'],
        summary: { resamples: 20 },
      });
      const names = [...new Set(result.images.map((image) => image.dataset))];
      expect(names).toEqual([`docs (${dataset.images})`, `docs (${file})`, 'other']);
      expect(result.notes.join('\n')).toMatch(/dataset docs comes from 2 inputs/);
      const groups = result.summaries.filter((item) => item.method === 'otsu');
      expect(groups.map((item) => [item.dataset, item.images])).toEqual([
        [`docs (${dataset.images})`, 3], [`docs (${file})`, 3], ['other', 3], ['all', 9],
      ]);
    });

  it('when record lines are invalid or repeat an id then each is a failure naming its line',
    async () => {
      const file = writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'));
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      writeFileSync(file, [lines[0], '{"not": "a record"}', '', lines[1], lines[0], lines[2]]
        .join('\n'));
      const result = await runBench({
        data: [file], methods: ['otsu'], summary: { resamples: 20 },
      });
      expect(result.images.map((image) => image.id))
        .toEqual(loadMetricFixtures().map((fixture) => fixture.name));
      expect(result.failures.map((failure) => failure.file)).toEqual([`${file}:2`, `${file}:5`]);
      expect(result.failures[1].message).toMatch(/^duplicate id "[^"]+" \(first on line 1\)$/);
      expect(result.images.every((image) => image.dataset === 'docs')).toBe(true);
    });

  it('when an images folder is empty then the failure names the folder', async () => {
    const root = temporaryDirectory();
    const images = join(root, 'empty', 'images');
    const masks = join(root, 'empty', 'masks');
    mkdirSync(images, { recursive: true });
    mkdirSync(masks, { recursive: true });
    const error = await runBench({ images: [{ images, masks }], methods: ['otsu'] })
      .catch((caught: Error) => caught);
    expect((error as Error).message)
      .toBe(`bench: no image or record to score (1 failed; first: ${images}: no image files ` +
        'in this folder)');
    const dataset = await writeBenchDataset();
    const partly = await runBench({
      images: [{ images, masks }, { images: dataset.images, masks: dataset.masks }],
      methods: ['otsu'], summary: { resamples: 20 },
    });
    expect(partly.failures).toEqual([{ file: images, message: 'no image files in this folder' }]);
    expect(partly.images).toHaveLength(3);
  });

  it('when otsu is not among the methods then W/T/L is left empty, without a note', async () => {
    const dataset = await writeBenchDataset();
    const result = await runBench({
      images: [{ images: dataset.images, masks: dataset.masks }], methods: ['li', 'oracle'],
      summary: { resamples: 20 },
    });
    expect(result.summaries.every((item) => item.versusReference === null)).toBe(true);
    // The tables explain the empty column themselves (see report/text.ts).
    expect(result.notes.join('\n')).not.toContain('W/T/L');
  });
});
