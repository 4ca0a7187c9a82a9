/**
 * Reading and writing labelled-record files: JSON Lines (`.jsonl`), optionally gzip-compressed
 * (`.jsonl.gz`). Every line is validated against {@link LabelRecordSchema}; an invalid line is an
 * error naming the file, the line number and the field. Ids are unique within a file (and within
 * the files read together by {@link readLabelRecordFiles}): a repeated id is an invalid line.
 * Lines of schema version 1 are read as the current version (see `schema.ts`).
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { z } from 'zod';
import { AutothreshError, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import {
  LABEL_SCHEMA_VERSION, LabelRecordSchema, READABLE_SCHEMA_VERSIONS, type LabelRecord,
} from './schema.js';

/** A line that failed validation. */
export interface InvalidLine {
  line: number;
  message: string;
}

export interface ParsedRecords {
  records: LabelRecord[];
  /** Line number (from 1) of each record. */
  lines: number[];
  invalid: InvalidLine[];
}

/**
 * Reads every record of a `.jsonl` or `.jsonl.gz` file. Throws `autothresh.dataset` at the first
 * invalid line (`file:line: field: problem`) and `autothresh.fileNotFound` for a missing file.
 */
export async function readLabelRecords(path: string): Promise<LabelRecord[]> {
  return (await readValidFile(path)).records;
}

async function readValidFile(path: string): Promise<ParsedRecords> {
  const parsed = parseLabelRecords(await readRecordText(path));
  if (parsed.invalid.length > 0) {
    const { line, message } = parsed.invalid[0];
    throw new AutothreshError('autothresh.dataset', `${path}:${line}: ${message}`);
  }
  return parsed;
}

/**
 * Reads several record files as one list, in order. Throws like {@link readLabelRecords}, and
 * also when two files hold the same id (`b.jsonl:7: duplicate id "x" (also a.jsonl:3)`).
 */
export async function readLabelRecordFiles(paths: readonly string[]): Promise<LabelRecord[]> {
  const files = await Promise.all(paths.map(readValidFile));
  const firstSeen = new Map<string, string>();
  files.forEach(({ records, lines }, file) => {
    records.forEach((record, index) => {
      const here = `${paths[file]}:${lines[index]}`;
      const first = firstSeen.get(record.id);
      if (first !== undefined) {
        const message = `${here}: duplicate id ${JSON.stringify(record.id)} (also ${first})`;
        throw new AutothreshError('autothresh.dataset', message);
      }
      firstSeen.set(record.id, here);
    });
  });
  return files.flatMap((file) => file.records);
}

/**
 * Throws `autothresh.dataset` when two records share an id (`what` names the caller, e.g.
 * `split`): summaries and splits of such a list would count one record twice.
 */
export function assertUniqueIds(records: readonly LabelRecord[], what: string): void {
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.id)) {
      throw new AutothreshError(
        'autothresh.dataset', `${what}: duplicate id ${JSON.stringify(record.id)} in the records`,
      );
    }
    seen.add(record.id);
  }
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

/**
 * Parses JSON Lines text; blank lines are skipped. Line numbers count from 1. A line whose id
 * an earlier line already has is invalid (`duplicate id "x" (first on line 3)`).
 */
export function parseLabelRecords(text: string): ParsedRecords {
  const records: LabelRecord[] = [];
  const lineNumbers: number[] = [];
  const invalid: InvalidLine[] = [];
  const firstLineOf = new Map<string, number>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    const parsed = parseLine(line);
    const first = parsed.ok ? firstLineOf.get(parsed.record.id) : undefined;
    if (!parsed.ok) {
      invalid.push({ line: index + 1, message: parsed.message });
    } else if (first !== undefined) {
      const id = JSON.stringify(parsed.record.id);
      invalid.push({ line: index + 1, message: `duplicate id ${id} (first on line ${first})` });
    } else {
      firstLineOf.set(parsed.record.id, index + 1);
      records.push(parsed.record);
      lineNumbers.push(index + 1);
    }
  }
  return { records, lines: lineNumbers, invalid };
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
  const result = LabelRecordSchema.safeParse(migrate(value));
  if (result.success) return { ok: true, record: result.data };
  const kind = (value as { labelKind?: unknown } | null)?.labelKind;
  return { ok: false, message: describeIssue(result.error.issues[0], kind) };
}

/** A line of an older readable version, relabelled as the current one (same fields). */
function migrate(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('schemaVersion' in value)) return value;
  const version = (value as { schemaVersion: unknown }).schemaVersion;
  const readable = (READABLE_SCHEMA_VERSIONS as readonly unknown[]).includes(version);
  return readable ? { ...value, schemaVersion: LABEL_SCHEMA_VERSION } : value;
}

/** `field: problem`; a missing field of a mask label says that mask labels need it. */
function describeIssue(issue: z.core.$ZodIssue, labelKind: unknown): string {
  const path = issue.path.length === 0 ? 'record' : issue.path.map(String).join('.');
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `${path}: missing${labelKind === 'mask' ? ' (required for mask labels)' : ''}`;
  }
  return `${path}: ${issue.message}`;
}

/** One record as a JSON line (with the trailing newline). */
export function formatLabelRecord(record: LabelRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Records as JSON Lines text, gzip-compressed when `path` ends in `.gz`. */
export function encodeLabelRecords(records: readonly LabelRecord[], path: string): string | Buffer {
  return encodeRecordText(records.map(formatLabelRecord).join(''), path);
}

/** JSON Lines text as stored at `path`: gzip-compressed (level 9) when it ends in `.gz`. */
export function encodeRecordText(text: string, path: string): string | Buffer {
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
