/**
 * Reading and writing labelled-record files: JSON Lines (`.jsonl`), optionally gzip-compressed
 * (`.jsonl.gz`). Every line is validated against {@link LabelRecordSchema}. Ids are unique
 * within a file (and within the files read together by {@link readLabelRecordFiles}): a repeated
 * id is an invalid line. Lines of schema version 1 are read as the current version (see
 * `schema.ts`).
 *
 * Two ways to read: strict ({@link readLabelRecords}, {@link readLabelRecordFiles}, used by
 * `train` and `dataset`) reads every line of every file, then fails when any line is invalid,
 * listing all of them (`file:line: field: problem`) in one {@link InvalidRecordsError}; lenient
 * ({@link readLabelRecordsLenient}, used to resume, and the benchmark's own chunked reader)
 * keeps the valid lines and returns the invalid ones.
 */
import { readFile, stat } from 'node:fs/promises';
import { constants, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import type { z } from 'zod';
import { AutothreshError, errorMessage, type ErrorCode } from '../errors.js';
import { specialFileKind, writeFileAtomic, writeFilesAtomic } from '../util/atomic-write.js';
import { fileSystemProblem } from '../util/file-errors.js';
import { repeatedPath } from '../util/folders.js';
import { printable } from '../util/printable.js';
import {
  LABEL_SCHEMA_VERSION, LabelRecordSchema, ManualLabelRecordSchema, MaskLabelRecordSchema,
  READABLE_SCHEMA_VERSIONS, type LabelRecord,
} from './schema.js';

/** A line that failed validation. */
export interface InvalidLine {
  line: number;
  message: string;
}

/** An invalid line of a named file. */
export interface InvalidFileLine extends InvalidLine {
  file: string;
}

export interface ParsedRecords {
  records: LabelRecord[];
  /** Line number (from 1) of each record. */
  lines: number[];
  invalid: InvalidLine[];
}

/** Invalid lines shown in the message of an {@link InvalidRecordsError} (all are in `lines`). */
export const INVALID_LINES_SHOWN = 20;

/**
 * Record files with invalid lines (code `autothresh.dataset`). `lines` holds every one; the
 * message says how many there are and in which files, then lists them one per line
 * (`file:line: what`), the first {@link INVALID_LINES_SHOWN} and a count of the rest.
 */
export class InvalidRecordsError extends AutothreshError {
  readonly lines: readonly InvalidFileLine[];

  constructor(lines: readonly InvalidFileLine[]) {
    const files = [...new Set(lines.map((line) => line.file))];
    const count = lines.length === 1 ? '1 invalid line' : `${lines.length} invalid lines`;
    const shown = lines.slice(0, INVALID_LINES_SHOWN)
      .map(({ file, line, message }) => `${file}:${line}: ${message}`);
    const more = lines.length - shown.length;
    super('autothresh.dataset', [
      `${files.join(', ')}: ${count}, so no record was used ` +
        '(every line must be a valid record):',
      ...shown,
      ...(more > 0 ? [`… and ${more} more invalid ${more === 1 ? 'line' : 'lines'}`] : []),
    ].join('\n'));
    this.name = 'InvalidRecordsError';
    this.lines = lines;
  }
}

/**
 * Reads every record of a `.jsonl` or `.jsonl.gz` file, strictly: throws an
 * {@link InvalidRecordsError} listing every invalid line, `autothresh.fileNotFound` for a
 * missing file.
 */
export async function readLabelRecords(path: string): Promise<LabelRecord[]> {
  return readLabelRecordFiles([path]);
}

/**
 * Reads several record files as one list, in order, strictly: every line of every file is
 * validated first, then an {@link InvalidRecordsError} lists all invalid lines, including ids
 * that two files share (`b.jsonl:7: duplicate id "x" (also a.jsonl:3; …)`, with a hint at
 * `label --id-prefix`). A missing or
 * unreadable file throws at once, and a file named twice (`autothresh.usage`, naming `option`
 * when given) before any is read.
 */
export async function readLabelRecordFiles(
  paths: readonly string[],
  option?: string,
): Promise<LabelRecord[]> {
  const repeated = repeatedPath(paths);
  if (repeated !== undefined) {
    const named = option === undefined ? '' : `option ${option}: `;
    throw new AutothreshError('autothresh.usage',
      `${named}${repeated} is given twice (its records would count twice)`);
  }
  const files = await Promise.all(paths.map(
    async (path) => parseLabelRecords(await readRecordText(path)),
  ));
  const invalid: InvalidFileLine[] = [];
  const firstSeen = new Map<string, string>();
  files.forEach((parsed, index) => {
    const file = paths[index];
    const lines: InvalidFileLine[] = parsed.invalid.map((line) => ({ file, ...line }));
    parsed.records.forEach((record, position) => {
      const line = parsed.lines[position];
      const first = firstSeen.get(record.id);
      if (first === undefined) {
        firstSeen.set(record.id, `${file}:${line}`);
      } else {
        const message = `duplicate id ${JSON.stringify(record.id)} (also ${first}; label each`
          + ' folder with its own --id-prefix)';
        lines.push({ file, line, message });
      }
    });
    invalid.push(...lines.sort((a, b) => a.line - b.line));
  });
  if (invalid.length > 0) throw new InvalidRecordsError(invalid);
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
  const read = await readRecordFileText(path);
  if ('problem' in read) throw new AutothreshError(read.code, `${path}: ${read.problem}`);
  // The strict reader takes a file whole or not at all.
  if (read.cut) throw new AutothreshError('autothresh.dataset', `${path}: ${GZIP_PROBLEM}`);
  if (read.trailing) {
    throw new AutothreshError('autothresh.dataset', `${path}: ${GZIP_TRAILING}; no record was ` +
      'used (gzip -dc recovers the records before it)');
  }
  return read.text;
}

/** A record file's text, and whether its gzip data was cut short or followed by garbage. */
export interface RecordFileText {
  text: string;
  /** The gzip data ends early: `text` holds what came before the end. */
  cut: boolean;
  /** Data that does not decompress follows the gzip data: `text` holds what came before it. */
  trailing: boolean;
}

/**
 * A record file's text, gunzipped when its bytes start with the gzip magic, or why it cannot be
 * had, in a few words (with the error code to throw it with). gzip data that ends early gives
 * the text before the end, with `cut` set; gzip data followed by data that does not decompress
 * (trailing garbage, a corrupt later member) gives the text of the members before it, with
 * `trailing` set, as `gzip -d` does ({@link gunzipMembers}). The strict reader refuses both,
 * the benchmark scores the lines it has. Refused: a device (reading /dev/zero would never end),
 * a file that cannot be read, gzip data whose first member does not decompress, more text than
 * a string holds, binary data ({@link isBinary}).
 */
export async function readRecordFileText(
  path: string,
): Promise<RecordFileText | { problem: string; code: ErrorCode }> {
  const dataset = (problem: string) => ({ problem, code: 'autothresh.dataset' as const });
  const device = await deviceProblem(path);
  if (device !== null) return dataset(device);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const problem = recordReadProblem(error);
    return missing ? { problem, code: 'autothresh.fileNotFound' } : dataset(problem);
  }
  try {
    const read = isGzip(data) ? gunzipMembers(data) : { data, cut: false, trailing: false };
    if (isBinary(read.data)) return dataset(BINARY_DATA);
    return { text: read.data.toString('utf8'), cut: read.cut, trailing: read.trailing };
  } catch (error) {
    return dataset(decodeProblem(error));
  }
}

/** Decompressed gzip data, and how the compressed data ended. */
interface Gunzipped {
  data: Buffer;
  /** The last member is cut short: `data` ends where the compressed data does. */
  cut: boolean;
  /** Data that does not decompress follows the last whole member; it was left out. */
  trailing: boolean;
}

/**
 * Decompresses gzip data member after member, as `gzip -d` does: zero bytes after the last
 * member are padding, ignored; any other data after it, which does not start a member or
 * starts one that does not decompress, is left out (`trailing`), and a member cut short gives
 * its text before the cut (`cut`). Throws zlib's error when the first member does not
 * decompress. Whole files take one call; only a file that fails it is walked member by member.
 */
function gunzipMembers(data: Buffer): Gunzipped {
  try {
    // zlib reads members one after the other and stops, without an error, at a zero byte.
    const { buffer, engine } = gunzipSync(data, { info: true }) as unknown as ZlibInfo;
    return { data: buffer, cut: false, trailing: !onlyZeros(data.subarray(engine.bytesWritten)) };
  } catch (error) {
    if (!isZlibError(error)) throw error;
  }
  const parts: Buffer[] = [];
  const done = (cut: boolean, trailing: boolean) =>
    ({ data: Buffer.concat(parts), cut, trailing });
  for (let offset = 0; offset < data.length;) {
    const rest = data.subarray(offset);
    if (!startsMember(rest)) return done(false, !onlyZeros(rest));
    const member = decodeMember(rest);
    if ('error' in member) {
      if (offset === 0) throw member.error;
      return done(false, true);
    }
    parts.push(member.data);
    if (member.length === undefined) return done(true, false);
    offset += member.length;
  }
  return done(false, false);
}

/** zlib's result with `info: true`: the output, and how many input bytes the engine read. */
interface ZlibInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/**
 * The first gzip member of `bytes`, decompressed and checked (CRC and size), with its length in
 * bytes; a member cut short gives its text before the cut, without a length; a member that
 * does not decompress (corrupt, or cut short and corrupt) gives zlib's error. Other errors
 * (more text than a buffer holds) are thrown.
 */
function decodeMember(bytes: Buffer): { data: Buffer; length?: number } | { error: unknown } {
  try {
    const length = memberLength(bytes);
    if (length !== null && length <= bytes.length) {
      return { data: gunzipSync(bytes.subarray(0, length)), length };
    }
  } catch (error) {
    if (!isZlibError(error)) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') return { error };
  }
  try {
    return { data: gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) };
  } catch (error) {
    if (!isZlibError(error)) throw error;
    return { error };
  }
}

/**
 * The length in bytes of the gzip member at the start of `bytes` (RFC 1952: header, deflate
 * data, 8-byte trailer), or null when its header is cut short. Throws zlib's error when its
 * deflate data is cut short (`Z_BUF_ERROR`) or corrupt. The member itself is not checked.
 */
function memberLength(bytes: Buffer): number | null {
  const header = headerLength(bytes);
  if (header === null) return null;
  const raw = inflateRawSync(bytes.subarray(header), { info: true }) as unknown as ZlibInfo;
  return header + raw.engine.bytesWritten + 8;
}

/** Header flags (RFC 1952): a CRC of the header, extra field, file name, comment. */
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/** The length of the gzip header at the start of `bytes`, or null when it is cut short. */
function headerLength(bytes: Uint8Array): number | null {
  if (bytes.length < 10) return null;
  const flags = bytes[3];
  let at = 10;
  if ((flags & FEXTRA) !== 0) {
    if (bytes.length < at + 2) return null;
    at += 2 + (bytes[at] | (bytes[at + 1] << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if ((flags & flag) === 0) continue;
    const end = bytes.indexOf(0, at);
    if (end < 0) return null;
    at = end + 1;
  }
  if ((flags & FHCRC) !== 0) at += 2;
  return at <= bytes.length ? at : null;
}

/** Whether `bytes` start a gzip member, or as much of its magic number as they hold. */
function startsMember(bytes: Uint8Array): boolean {
  return isGzip(bytes) || (bytes.length === 1 && bytes[0] === 0x1f);
}

function onlyZeros(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0) return false;
  return true;
}

/**
 * Why a file's bytes could not be made into text: gzip data that does not decompress
 * (truncated or corrupt), or more text than a string holds.
 */
function decodeProblem(error: unknown): string {
  if (isZlibError(error)) return GZIP_PROBLEM;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ERR_STRING_TOO_LONG' || error instanceof RangeError) return RECORDS_TOO_LARGE;
  return `cannot read (${errorMessage(error)})`;
}

/** What is said of a record file whose bytes are not text (an image given by mistake). */
export const BINARY_DATA = 'not a JSON Lines file (it holds binary data)';

/**
 * Whether bytes are binary data rather than JSON Lines: a NUL byte among the first 8 KiB (as
 * `git` and `grep` decide; images and archives hold some) in data that does not start as JSON
 * Lines do, with `{` (after blanks and a byte-order mark). Records followed by zeros, as a crash
 * can leave an appended file, are not binary: their lines are read, the zeros reported.
 */
export function isBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  if (!head.includes(0)) return false;
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (start < head.length && BLANKS.includes(head[start])) start++;
  return head[start] !== 0x7b; // `{`
}

/** Space, tab, line feed, carriage return. */
const BLANKS: readonly number[] = [0x20, 0x09, 0x0a, 0x0d];

/**
 * `is a device, not a record file` (or a socket) when `path` is one: reading a device such as
 * /dev/zero could never end. A pipe (a FIFO, `<(gunzip -c x.jsonl.gz)`) is read to its end.
 * Null otherwise, also when `path` cannot be looked at (reading it then says why).
 */
async function deviceProblem(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (info === null || info.isFile() || info.isDirectory() || info.isFIFO()) return null;
  return `is ${specialFileKind(info)}, not a record file`;
}

/**
 * Why a record file could not be read, in a few words: `no such file`, `cannot read (is a
 * folder)`, `cannot read (permission denied)`.
 */
export function recordReadProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ERR_FS_FILE_TOO_LARGE') return RECORDS_TOO_LARGE;
  return `cannot read (${fileSystemProblem(error)})`;
}

/** What is said of a record file too large to read into memory at once. */
export const RECORDS_TOO_LARGE = 'cannot read (too large: split it into several files)';

/** What is said of a `.gz` record file that does not decompress. */
export const GZIP_PROBLEM = 'cannot decompress (the gzip data is truncated or corrupt)';

/**
 * What is said of gzip data followed by data that does not decompress: bytes that do not start
 * a gzip member, or a member that is corrupt (`gzip -d` ignores them with a warning).
 */
export const GZIP_TRAILING = 'the gzip data is followed by data that does not decompress ' +
  '(trailing garbage)';

/** Whether `error` is zlib's (its codes start with `Z_`). */
export function isZlibError(error: unknown): boolean {
  return ((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_');
}

/** Whether the bytes start with the gzip magic number. */
export function isGzip(buffer: Uint8Array): boolean {
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
    return { ok: false, message: `not valid JSON (${printable(errorMessage(error))})` };
  }
  const result = LabelRecordSchema.safeParse(migrate(value));
  if (result.success) return { ok: true, record: result.data };
  return { ok: false, message: describeProblem(value, result.error.issues[0]) };
}

/** A line of an older readable version, relabelled as the current one (same fields). */
function migrate(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('schemaVersion' in value)) return value;
  const version = (value as { schemaVersion: unknown }).schemaVersion;
  const readable = (READABLE_SCHEMA_VERSIONS as readonly unknown[]).includes(version);
  return readable ? { ...value, schemaVersion: LABEL_SCHEMA_VERSION } : value;
}

const LABEL_KINDS = '"mask" or "manual"';

/**
 * What is wrong with a line that failed validation: every missing field when fields are
 * missing (`source: missing`, or `missing fields: a, b, c`), else the first issue
 * (`field: problem`). Without a valid `labelKind` the fields every record needs are listed;
 * with one, those of that kind (mask labels need more).
 */
function describeProblem(value: unknown, issue: z.core.$ZodIssue): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const type = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return `record: expected a JSON object, received ${type}`;
  }
  const kind = (value as { labelKind?: unknown }).labelKind;
  if (kind !== undefined && kind !== 'mask' && kind !== 'manual') {
    return `labelKind: expected ${LABEL_KINDS}, received ${JSON.stringify(kind)}`;
  }
  const schema = kind === 'mask' ? MaskLabelRecordSchema : ManualLabelRecordSchema;
  const missing = requiredFields(schema).filter((field) => !(field in value))
    .map((field) => (field === 'labelKind' ? `labelKind (${LABEL_KINDS})` : field));
  const note = kind === 'mask' ? ' (required for mask labels)' : '';
  if (missing.length === 1) return `${missing[0]}: missing${note}`;
  if (missing.length > 1) return `missing fields${note}: ${missing.join(', ')}`;
  const path = issue.path.length === 0 ? 'record' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}

/** The fields of an object schema that may not be left out, in the schema's order. */
function requiredFields(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
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

/**
 * Writes records atomically (temporary file + rename), gzip-compressed for `.gz` paths. A
 * failure is one `autothresh.write` error, `<path>: cannot write (<problem>)`.
 */
export async function writeLabelRecords(
  path: string,
  records: readonly LabelRecord[],
): Promise<void> {
  await writeFileAtomic(path, encodeLabelRecords(records, path));
}

/**
 * Writes several record files as one ({@link writeFilesAtomic}): all the old files or all the
 * new ones, also when the run is interrupted (a train/val/test split never comes out mixed).
 */
export async function writeLabelRecordFiles(
  outputs: readonly { path: string; records: readonly LabelRecord[] }[],
): Promise<void> {
  await writeFilesAtomic(outputs.map(({ path, records }) => ({
    path, data: encodeLabelRecords(records, path),
  })));
}
