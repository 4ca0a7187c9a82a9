/**
 * Reading and writing labelled-record files: JSON Lines (`.jsonl`), optionally gzip-compressed
 * (`.jsonl.gz`). Every line is validated against {@link LabelRecordSchema}; an invalid line is an
 * error naming the file, the line number and the field.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { z } from 'zod';
import { AutothreshError, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { LabelRecordSchema, type LabelRecord } from './schema.js';

/** A line that failed validation. */
export interface InvalidLine {
  line: number;
  message: string;
}

export interface ParsedRecords {
  records: LabelRecord[];
  invalid: InvalidLine[];
}

/**
 * Reads every record of a `.jsonl` or `.jsonl.gz` file. Throws `autothresh.dataset` at the first
 * invalid line (`file:line: field: problem`) and `autothresh.fileNotFound` for a missing file.
 */
export async function readLabelRecords(path: string): Promise<LabelRecord[]> {
  const { records, invalid } = parseLabelRecords(await readRecordText(path));
  if (invalid.length > 0) {
    const { line, message } = invalid[0];
    throw new AutothreshError('autothresh.dataset', `${path}:${line}: ${message}`);
  }
  return records;
}

/** Reads a record file, keeping the valid lines and listing the invalid ones (for resuming). */
export async function readLabelRecordsLenient(path: string): Promise<ParsedRecords> {
  return parseLabelRecords(await readRecordText(path));
}

async function readRecordText(path: string): Promise<string> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AutothreshError('autothresh.fileNotFound', `${path}: no such file`);
    }
    const reason = errorMessage(error);
    throw new AutothreshError('autothresh.dataset', `${path}: cannot read (${reason})`);
  }
  if (!isGzip(buffer)) return buffer.toString('utf8');
  try {
    return gunzipSync(buffer).toString('utf8');
  } catch (error) {
    throw new AutothreshError(
      'autothresh.dataset', `${path}: cannot decompress gzip data (${errorMessage(error)})`,
    );
  }
}

function isGzip(buffer: Uint8Array): boolean {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/** Parses JSON Lines text; blank lines are skipped. Line numbers count from 1. */
export function parseLabelRecords(text: string): ParsedRecords {
  const records: LabelRecord[] = [];
  const invalid: InvalidLine[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    const parsed = parseLine(line);
    if (parsed.ok) records.push(parsed.record);
    else invalid.push({ line: index + 1, message: parsed.message });
  }
  return { records, invalid };
}

function parseLine(
  line: string,
): { ok: true; record: LabelRecord } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `not valid JSON (${errorMessage(error)})` };
  }
  const result = LabelRecordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  return { ok: false, message: describeIssue(result.error.issues[0]) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? 'record' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}

/** One record as a JSON line (with the trailing newline). */
export function formatLabelRecord(record: LabelRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Records as JSON Lines text, gzip-compressed when `path` ends in `.gz`. */
export function encodeLabelRecords(records: readonly LabelRecord[], path: string): string | Buffer {
  const text = records.map(formatLabelRecord).join('');
  return path.endsWith('.gz') ? gzipSync(Buffer.from(text, 'utf8'), { level: 9 }) : text;
}

/** Writes records atomically (temporary file + rename), gzip-compressed for `.gz` paths. */
export async function writeLabelRecords(
  path: string,
  records: readonly LabelRecord[],
): Promise<void> {
  try {
    await writeFileAtomic(path, encodeLabelRecords(records, path));
  } catch (error) {
    throw new AutothreshError('autothresh.write', `${path}: cannot write (${errorMessage(error)})`);
  }
}
