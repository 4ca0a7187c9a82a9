/**
 * Record files cut into chunks: whatever the chunk size, the records and the invalid lines (with
 * their line numbers in the file) are those of parsing the whole file at once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  duplicateIdLines, parseRecordChunk, readRecordChunks, recordFileStem,
} from '../../src/bench/records.js';
import { parseLabelRecords } from '../../src/label/records-io.js';
import { writeBenchRecords } from '../helpers/bench-data.js';
import { temporaryDirectory } from '../helpers/images.js';

/** A file of three records, with a blank line, an invalid line and a line that is not JSON. */
function mixedFile(): { file: string; text: string } {
  const file = join(temporaryDirectory(), 'mixed.jsonl');
  const records = writeBenchRecords(join(temporaryDirectory(), 'r.jsonl'));
  const [a, b, c] = readLines(records);
  const text = [a, '', '{"schemaVersion":2}', b, 'not json', '  ', c, ''].join('\n');
  writeFileSync(file, text);
  return { file, text };
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split('\n');
}

describe('readRecordChunks and parseRecordChunk', () => {
  it('when chunked at any size then records and invalid lines equal a whole-file parse',
    async () => {
      const { file, text } = mixedFile();
      const whole = parseLabelRecords(text);
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 9 }), async (size) => {
        const read = await readRecordChunks(file, size);
        if (!('chunks' in read)) throw new Error('expected chunks');
        const parsed = read.chunks.map(parseRecordChunk);
        expect(parsed.flatMap((item) => item.records)).toEqual(whole.records);
        expect(parsed.flatMap((item) => item.lines)).toEqual(whole.lines);
        expect(parsed.flatMap((item) => item.invalid)).toEqual(whole.invalid);
        expect(read.chunks.reduce((sum, chunk) => sum + chunk.lines, 0)).toBe(5);
      }), { numRuns: 9 });
    });

  it('when the file is gzip-compressed then it reads the same', async () => {
    const { file, text } = mixedFile();
    const gzipped = `${file}.gz`;
    writeFileSync(gzipped, gzipSync(text));
    const [plain, packed] = await Promise.all([readRecordChunks(file), readRecordChunks(gzipped)]);
    expect('chunks' in packed && packed.chunks.map((chunk) => chunk.text))
      .toEqual('chunks' in plain && plain.chunks.map((chunk) => chunk.text));
  });

  it('when the file is missing or holds no record then it is a problem naming the file',
    async () => {
      const missing = join(temporaryDirectory(), 'missing.jsonl');
      expect(await readRecordChunks(missing))
        .toEqual({ problem: { file: missing, message: 'no such file' } });
      const empty = join(temporaryDirectory(), 'empty.jsonl');
      writeFileSync(empty, '\n  \n');
      expect(await readRecordChunks(empty))
        .toEqual({ problem: { file: empty, message: 'no records in this file' } });
    });

  it('when the file is a folder or broken gzip then the problem is in plain words', async () => {
    const folder = temporaryDirectory();
    expect(await readRecordChunks(folder))
      .toEqual({ problem: { file: folder, message: 'cannot read (is a folder)' } });
    const { file, text } = mixedFile();
    const truncated = `${file}.gz`;
    writeFileSync(truncated, gzipSync(text).subarray(0, 20));
    expect(await readRecordChunks(truncated)).toEqual({ problem: {
      file: truncated, message: 'cannot decompress (the gzip data is truncated or corrupt)',
    } });
    const corrupt = `${file}.corrupt.gz`;
    const bytes = gzipSync(text);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(corrupt, bytes);
    expect(await readRecordChunks(corrupt)).toEqual({ problem: {
      file: corrupt, message: 'cannot decompress (the gzip data is truncated or corrupt)',
    } });
  });

  it('when gzip data is cut short then the lines before the cut are read and the cut reported',
    async () => {
      const records = readLines(writeBenchRecords(join(temporaryDirectory(), 'r.jsonl')));
      const text = Array.from({ length: 40 }, () => records).flat().join('\n');
      const whole = gzipSync(text);
      const cut = join(temporaryDirectory(), 'cut.jsonl.gz');
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const read = await readRecordChunks(cut, 16);
      expect(read.problem).toEqual({
        file: cut,
        message: 'the gzip data is cut short (truncated): '
          + 'the lines before the cut were read, the rest is missing',
      });
      if (!('chunks' in read)) throw new Error('expected the lines before the cut');
      const lines = read.chunks.map((chunk) => chunk.text).join('\n').split('\n');
      expect(lines.length).toBeGreaterThan(8);
      expect(lines.length).toBeLessThan(text.split('\n').length);
      // Every line but the cut one is a whole line of the file, in order.
      expect(lines.slice(0, -1)).toEqual(text.split('\n').slice(0, lines.length - 1));
      expect(text.split('\n')[lines.length - 1].startsWith(lines.at(-1)!)).toBe(true);
    });

  it('when gzip data is followed by garbage then the lines before it are read, the rest noted',
    async () => {
      const [a, b, c] = readLines(writeBenchRecords(join(temporaryDirectory(), 'r.jsonl')));
      const members = Buffer.concat([gzipSync(`${a}\n`), gzipSync(`${b}\n`)]);
      const corrupt = gzipSync(`${c}\n`);
      corrupt[corrupt.length - 6] ^= 0xff; // its CRC
      // As gzip -d: text, a lone byte, a corrupt member, a member after zero bytes.
      const endings = [Buffer.from('garbage\n'), Buffer.from('x'), corrupt,
        Buffer.concat([Buffer.alloc(8), gzipSync(`${c}\n`)])];
      for (const [index, ending] of endings.entries()) {
        const file = join(temporaryDirectory(), `trailing-${index}.jsonl.gz`);
        writeFileSync(file, Buffer.concat([members, ending]));
        const read = await readRecordChunks(file);
        expect(read.problem).toEqual({
          file,
          message: 'the gzip data is followed by data that does not decompress (trailing ' +
            'garbage): the lines before it were read, the trailing data ignored',
        });
        if (!('chunks' in read)) throw new Error('expected the lines before the garbage');
        expect(read.chunks.map((chunk) => chunk.text).join('\n')).toBe(`${a}\n${b}\n`);
      }
    });

  it('when a later gzip member is cut short then the cut is reported, the lines before it read',
    async () => {
      const [a, b] = readLines(writeBenchRecords(join(temporaryDirectory(), 'r.jsonl')));
      const second = gzipSync(`${b}\n`);
      const file = join(temporaryDirectory(), 'cut-member.jsonl.gz');
      writeFileSync(file, Buffer.concat([gzipSync(`${a}\n`), second.subarray(0, 6)]));
      const read = await readRecordChunks(file);
      expect(read.problem?.message).toMatch(/^the gzip data is cut short/);
      expect('chunks' in read && read.chunks.map((chunk) => chunk.text)).toEqual([`${a}\n`]);
    });
});

describe('duplicateIdLines and recordFileStem', () => {
  it('when an id comes back on a later line then that line is reported, the first kept', () => {
    expect(duplicateIdLines([
      { id: 'b', line: 9 }, { id: 'a', line: 2 }, { id: 'a', line: 7 }, { id: 'b', line: 4 },
    ])).toEqual([
      { line: 7, message: 'duplicate id "a" (first on line 2)' },
      { line: 9, message: 'duplicate id "b" (first on line 4)' },
    ]);
  });

  it('when a file name ends in .jsonl or .jsonl.gz then the stem drops it', () => {
    expect(['/x/dibco.jsonl', 'a.b.jsonl.gz', 'plain.txt'].map(recordFileStem))
      .toEqual(['dibco', 'a.b', 'plain.txt']);
  });
});
