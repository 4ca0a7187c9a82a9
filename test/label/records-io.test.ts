import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INVALID_LINES_SHOWN, InvalidRecordsError, isBinary, parseLabelRecords, readLabelRecordFiles,
  readLabelRecords, readLabelRecordsLenient, writeLabelRecords,
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

const PREFIX_HINT = 'label each folder with its own --id-prefix';

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
      lines: [{ file: path, line: 3, message: 'histogram: must hold exactly 256 counts, not 3' }],
      message: `${path}: 1 invalid line, so no record was used ` +
        '(every line must be a valid record):\n' +
        `${path}:3: histogram: must hold exactly 256 counts, not 3`,
    });
  });

  it('when lines of two files are bad then every one is listed, in file and line order',
    async () => {
      const first = join(directory, 'first.jsonl');
      const second = join(directory, 'second.jsonl');
      await writeFile(first, [
        JSON.stringify(record('a')), '{"id":"x"}', 'not json', JSON.stringify(record('b')),
      ].join('\n'));
      await writeFile(second, [
        JSON.stringify({ ...record('c'), labelKind: 'auto' }), JSON.stringify(record('a')),
        JSON.stringify(record('d')), JSON.stringify({ ...record('e'), width: 0 }),
      ].join('\n'));
      const error = await readLabelRecordFiles([first, second]).catch((thrown) => thrown);
      expect(error).toBeInstanceOf(InvalidRecordsError);
      expect(error.code).toBe('autothresh.dataset');
      expect((error as InvalidRecordsError).lines.map(({ file, line }) => `${file}:${line}`))
        .toEqual([`${first}:2`, `${first}:3`, `${second}:1`, `${second}:2`, `${second}:4`]);
      const text = (error as Error).message.split('\n');
      expect(text[0]).toBe(`${first}, ${second}: 5 invalid lines, so no record was used ` +
        '(every line must be a valid record):');
      expect(text.slice(1)).toEqual([
        `${first}:2: missing fields: schemaVersion, source, dataset, imageSha256, width, ` +
          'height, histogram, polarity, bestThreshold, labelKind ("mask" or "manual")',
        expect.stringMatching(/^.*first\.jsonl:3: not valid JSON \(/),
        `${second}:1: labelKind: expected "mask" or "manual", received "auto"`,
        `${second}:2: duplicate id "a" (also ${first}:1; ${PREFIX_HINT})`,
        `${second}:4: width: Too small: expected number to be >0`,
      ]);
    });

  it('when more lines are bad than the message shows then it counts the rest', async () => {
    const path = join(directory, 'many.jsonl');
    const total = INVALID_LINES_SHOWN + 7;
    await writeFile(path, Array.from({ length: total }, (_, index) => `{"id":"${index}"}`)
      .join('\n'));
    const error = await readLabelRecords(path).catch((thrown) => thrown) as InvalidRecordsError;
    expect(error.lines).toHaveLength(total);
    const text = error.message.split('\n');
    expect(text).toHaveLength(1 + INVALID_LINES_SHOWN + 1);
    expect(text[INVALID_LINES_SHOWN]).toMatch(new RegExp(`many\\.jsonl:${INVALID_LINES_SHOWN}: `));
    expect(text.at(-1)).toBe('… and 7 more invalid lines');
  });

  it('when a mask label lacks class histograms then the error names every missing field',
    async () => {
      const path = join(directory, 'mask.jsonl');
      const mask = { ...record('m'), labelKind: 'mask', maskSha256: 'b'.repeat(64) };
      await writeFile(path, `${JSON.stringify(mask)}\n`);
      await expect(readLabelRecords(path)).rejects.toThrow(
        new RegExp('mask\\.jsonl:1: missing fields \\(required for mask labels\\): ' +
          'foregroundHistogram, backgroundHistogram, objective, bestScore, bestRange$'),
      );
    });

  it('when a line is not an object then says what it is instead', () => {
    const messages = ['[1, 2]', '7', 'null', '"text"']
      .map((line) => parseLabelRecords(line).invalid[0].message);
    expect(messages).toEqual([
      'record: expected a JSON object, received an array',
      'record: expected a JSON object, received a number',
      'record: expected a JSON object, received null',
      'record: expected a JSON object, received a string',
    ]);
  });

  it('when a line is not JSON then says so with its number', async () => {
    const path = join(directory, 'cut.jsonl');
    await writeFile(path, `${JSON.stringify(record('a'))}\n{"schemaVersion":1,"id`);
    await expect(readLabelRecords(path)).rejects.toThrow(/cut\.jsonl:2: not valid JSON/);
    // A control character in the line is written as an escape: the message stays one line.
    const control = join(directory, 'control.jsonl');
    await writeFile(control, '\u001f\r');
    const message = await readLabelRecords(control)
      .then(() => '', (caught: Error) => caught.message);
    expect(message).toContain("Unexpected token '\\u001f'");
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('when a line holds a C1 control character then it is escaped too', async () => {
    const path = join(directory, 'c1.jsonl');
    await writeFile(path, '\u009b31m');
    const message = await readLabelRecords(path)
      .then(() => '', (caught: Error) => caught.message);
    expect(message).toContain('\\u009b');
    expect(message).not.toMatch(/[\u0080-\u009f]/);
  });

  it('when the file is binary data (an image, gzipped or not) then one line says so',
    async () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
      for (const [name, bytes] of [['image.jsonl', png], ['image.jsonl.gz', gzipSync(png)]]) {
        const path = join(directory, name as string);
        await writeFile(path, bytes);
        await expect(readLabelRecords(path)).rejects.toMatchObject(
          { message: `${path}: not a JSON Lines file (it holds binary data)` });
      }
      expect(isBinary(new TextEncoder().encode('{"id":"a"}\n'))).toBe(false);
      // Records with a zero-filled tail (a crash during an append) are read as lines.
      expect(isBinary(new TextEncoder().encode('\ufeff {"id":"a"}\n\u0000\u0000'))).toBe(false);
    });

  it('when an appended file ends in zeros (a crash) then the records before them are kept',
    async () => {
      const path = join(directory, 'crashed.jsonl.partial');
      await writeFile(path, Buffer.concat([
        Buffer.from(`${JSON.stringify(record('a'))}\n`), Buffer.alloc(2000),
      ]));
      const parsed = await readLabelRecordsLenient(path);
      expect(parsed.records.map((kept) => kept.id)).toEqual(['a']);
      expect(parsed.invalid.map((line) => line.line)).toEqual([2]);
    });

  it('when an id repeats in a file then the reader names both lines', async () => {
    const path = join(directory, 'twice.jsonl');
    const lines = [record('a'), record('b'), record('a')].map((item) => JSON.stringify(item));
    await writeFile(path, `${lines.join('\n')}\n`);
    await expect(readLabelRecords(path)).rejects.toMatchObject({
      code: 'autothresh.dataset',
      lines: [{ file: path, line: 3, message: 'duplicate id "a" (first on line 1)' }],
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
      code: 'autothresh.dataset',
      lines: [{
        file: second, line: 2, message: `duplicate id "b" (also ${first}:2; ${PREFIX_HINT})`,
      }],
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

  it('when a .jsonl.gz file is cut short then the error says it does not decompress', async () => {
    const whole = join(directory, 'whole.jsonl.gz');
    await writeLabelRecords(whole, [record('a'), record('b')]);
    const bytes = await readFile(whole);
    const cut = join(directory, 'cut.jsonl.gz');
    await writeFile(cut, bytes.subarray(0, bytes.length - 12));
    await expect(readLabelRecords(cut)).rejects.toThrow(
      `${cut}: cannot decompress (the gzip data is truncated or corrupt)`);
  });

  it('when gzip data is followed by garbage or a corrupt member then one line refuses it',
    async () => {
      const gzipped = (records: LabelRecord[]) =>
        gzipSync(records.map((item) => `${JSON.stringify(item)}\n`).join(''));
      const corrupt = gzipped([record('c')]);
      corrupt[corrupt.length - 6] ^= 0xff; // its CRC
      const endings = [Buffer.from('garbage\n'), Buffer.from('x'), corrupt,
        Buffer.concat([Buffer.alloc(4), gzipped([record('c')])])];
      for (const [index, ending] of endings.entries()) {
        const path = join(directory, `trailing-${index}.jsonl.gz`);
        await writeFile(path, Buffer.concat([gzipped([record('a')]), gzipped([record('b')]),
          ending]));
        await expect(readLabelRecords(path)).rejects.toMatchObject({
          code: 'autothresh.dataset',
          message: `${path}: the gzip data is followed by data that does not decompress ` +
            '(trailing garbage); no record was used (gzip -dc recovers the records before it)',
        });
      }
    });

  it('when gzip members follow one another or zeros pad the end then every record is read',
    async () => {
      const path = join(directory, 'members.jsonl.gz');
      const members = ['a', 'b', 'c'].map((id) => gzipSync(`${JSON.stringify(record(id))}\n`));
      await writeFile(path, Buffer.concat([...members, Buffer.alloc(512)]));
      expect((await readLabelRecords(path)).map((item) => item.id)).toEqual(['a', 'b', 'c']);
    });

  it('when the file is missing then throws autothresh.fileNotFound', async () => {
    await expect(readLabelRecords(join(directory, 'none.jsonl'))).rejects.toMatchObject({
      code: 'autothresh.fileNotFound',
      message: `${join(directory, 'none.jsonl')}: no such file`,
    });
  });

  it('when the path is a folder then the error says so in plain words', async () => {
    await expect(readLabelRecords(directory)).rejects.toMatchObject({
      code: 'autothresh.dataset',
      message: `${directory}: cannot read (is a folder)`,
    });
  });
});
