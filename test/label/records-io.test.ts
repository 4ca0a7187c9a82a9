import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabelRecords, writeLabelRecords } from '../../src/label/records-io.js';
import type { LabelRecord } from '../../src/label/schema.js';

function record(id: string): LabelRecord {
  const histogram = new Array(256).fill(0);
  histogram[10] = 3;
  histogram[200] = 5;
  return {
    schemaVersion: 1, id, source: `set/images/${id}.png`, dataset: 'set',
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
    await writeFile(path, `${JSON.stringify({ ...record('m'), labelKind: 'mask' })}\n`);
    await expect(readLabelRecords(path)).rejects.toThrow(/mask\.jsonl:1: foregroundHistogram: /);
  });

  it('when a line is not JSON then says so with its number', async () => {
    const path = join(directory, 'cut.jsonl');
    await writeFile(path, `${JSON.stringify(record('a'))}\n{"schemaVersion":1,"id`);
    await expect(readLabelRecords(path)).rejects.toThrow(/cut\.jsonl:2: not valid JSON/);
  });

  it('when the file is missing then throws autothresh.fileNotFound', async () => {
    await expect(readLabelRecords(join(directory, 'none.jsonl'))).rejects.toMatchObject({
      code: 'autothresh.fileNotFound',
    });
  });
});
