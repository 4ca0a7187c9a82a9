import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readLabelRecordFiles, readLabelRecords, readLabelRecordsLenient, writeLabelRecords,
} from '../../src/label/records-io.js';
import { LABEL_SCHEMA_VERSION, type LabelRecord } from '../../src/label/schema.js';

function record(id: string): LabelRecord {
  const histogram = new Array(256).fill(0);
  histogram[10] = 3;
  histogram[200] = 5;
  return {
    schemaVersion: LABEL_SCHEMA_VERSION, id, source: `set/images/${id}.png`, dataset: 'set',
    imageSha256: 'a'.repeat(64), width: 4, height: 2, histogram,
    polarity: 'dark', bestThreshold: 10, labelKind: 'manual',
  };
}

describe('record files', () => {
  let directory: string;
  beforeAll(async () => { directory = await mkdtemp(join(tmpdir(), 'autothresh-records-')); });
  afterAll(async () => { await rm(directory, { recursive: true, force: true }); });

  it('when writing .jsonl and .jsonl.gz then reading gives the records back', async () => {
    const records = [record('a'), record('b')];
    for (const name of ['r.jsonl', 'r.jsonl.gz']) {
      await writeLabelRecords(join(directory, name), records);
      expect(await readLabelRecords(join(directory, name))).toEqual(records);
    }
    const text = gunzipSync(await readFile(join(directory, 'r.jsonl.gz'))).toString('utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
  });

  it('when a line is invalid then the error names file, line and field', async () => {
    const bad = { ...record('c'), histogram: [1, 2, 3] };
    const path = join(directory, 'bad.jsonl');
    await writeFile(path, `${JSON.stringify(record('a'))}\n\n${JSON.stringify(bad)}\n`);
    await expect(readLabelRecords(path)).rejects.toMatchObject({
      code: 'autothresh.dataset',
      message: `${path}:3: histogram: must hold exactly 256 counts`,
    });
  });

  it('when a mask label lacks class histograms then the error names the field', async () => {
    const path = join(directory, 'mask.jsonl');
    const mask = { ...record('m'), labelKind: 'mask', maskSha256: 'b'.repeat(64) };
    await writeFile(path, `${JSON.stringify(mask)}\n`);
    await expect(readLabelRecords(path)).rejects.toThrow(
      /mask\.jsonl:1: foregroundHistogram: missing \(required for mask labels\)$/,
    );
  });

  it('when a line is not JSON then says so with its number', async () => {
    const path = join(directory, 'cut.jsonl');
    await writeFile(path, `${JSON.stringify(record('a'))}\n{"schemaVersion":1,"id`);
    await expect(readLabelRecords(path)).rejects.toThrow(/cut\.jsonl:2: not valid JSON/);
  });

  it('when an id repeats in a file then the reader names both lines', async () => {
    const path = join(directory, 'twice.jsonl');
    const lines = [record('a'), record('b'), record('a')].map((item) => JSON.stringify(item));
    await writeFile(path, `${lines.join('\n')}\n`);
    await expect(readLabelRecords(path)).rejects.toMatchObject({
      code: 'autothresh.dataset', message: `${path}:3: duplicate id "a" (first on line 1)`,
    });
    const lenient = await readLabelRecordsLenient(path);
    expect(lenient.records.map((item) => item.id)).toEqual(['a', 'b']);
    expect(lenient.invalid).toEqual([{ line: 3, message: 'duplicate id "a" (first on line 1)' }]);
  });

  it('when two files hold one id then reading them together names both places', async () => {
    const first = join(directory, 'one.jsonl');
    const second = join(directory, 'two.jsonl');
    await writeLabelRecords(first, [record('a'), record('b')]);
    await writeLabelRecords(second, [record('c'), record('b')]);
    await expect(readLabelRecordFiles([first, second])).rejects.toMatchObject({
      code: 'autothresh.dataset', message: `${second}:2: duplicate id "b" (also ${first}:2)`,
    });
    await writeLabelRecords(second, [record('c')]);
    expect((await readLabelRecordFiles([first, second])).map((item) => item.id))
      .toEqual(['a', 'b', 'c']);
  });

  it('when a line has schema version 1 then it is read as the current version', async () => {
    const path = join(directory, 'old.jsonl');
    await writeFile(path, `${JSON.stringify({ ...record('v'), schemaVersion: 1 })}\n`);
    expect(await readLabelRecords(path)).toEqual([record('v')]);
    await writeFile(path, `${JSON.stringify({ ...record('v'), schemaVersion: 9 })}\n`);
    await expect(readLabelRecords(path)).rejects.toThrow(/old\.jsonl:1: schemaVersion: expected 2/);
  });

  it('when the file is missing then throws autothresh.fileNotFound', async () => {
    await expect(readLabelRecords(join(directory, 'none.jsonl'))).rejects.toMatchObject({
      code: 'autothresh.fileNotFound',
    });
  });
});
