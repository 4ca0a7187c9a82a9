/**
 * Labelled records (`--data`) as benchmark inputs.
 *
 * A record file (`.jsonl`, or gzip-compressed `.jsonl.gz`) is read once and cut into chunks of
 * whole lines; each chunk is parsed and validated where it is scored (on a worker thread when
 * the run has them), so parsing runs in parallel too. Line numbers are kept, so an invalid line
 * is reported as `file:line: field: problem` and the other lines are still scored. A gzip file
 * cut short is treated like a plain file cut short: the lines before the cut are scored, and the
 * cut is reported (the line it falls in is invalid, as in a plain file). gzip data followed by
 * trailing garbage is read as `gzip -d` reads it: the lines before the garbage are scored, and
 * the garbage is reported.
 *
 * A record carries its histogram and its two class histograms: every global method is scored
 * exactly from them. It carries no pixels: no DRD, no local methods. Records without class
 * histograms (thresholds chosen by eye) cannot be scored and are counted as skipped.
 */
import { basename } from 'node:path';
import { createHistogram, EIGHT_BIT_RANGE } from '../histogram/histogram.js';
import type { Objective } from '../label/objectives.js';
import {
  GZIP_PROBLEM, GZIP_TRAILING, parseLabelRecords, readRecordFileText, type InvalidLine,
} from '../label/records-io.js';
import type { LabelRecord } from '../label/schema.js';
import { bestThresholdsOf, type InputProblem, type PreparedImage } from './inputs.js';

/** Consecutive lines of one record file. */
export interface RecordChunk {
  file: string;
  /** The lines, joined by `\n`. */
  text: string;
  /** Line number (from 1) of the chunk's first line in the file. */
  firstLine: number;
  /** Non-blank lines in the chunk (for progress). */
  lines: number;
}

/** Lines per chunk: large enough that handing a chunk to a thread costs little. */
export const RECORDS_PER_CHUNK = 256;

/**
 * Reads a record file and cuts it into chunks; an unreadable file or one without a single
 * record becomes a problem instead. A gzip file cut short, or followed by trailing garbage,
 * gives the chunks of the lines before the cut (or the garbage) and a problem.
 */
export async function readRecordChunks(
  file: string,
  linesPerChunk = RECORDS_PER_CHUNK,
): Promise<{ chunks: RecordChunk[]; problem?: InputProblem } | { problem: InputProblem }> {
  const read = await readRecordFileText(file);
  if ('problem' in read) return { problem: { file, message: read.problem } };
  const { text, cut, trailing } = read;
  const chunks: RecordChunk[] = [];
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start += linesPerChunk) {
    const part = lines.slice(start, start + linesPerChunk);
    const count = part.reduce((sum, line) => sum + (line.trim() === '' ? 0 : 1), 0);
    if (count > 0) chunks.push({ file, text: part.join('\n'), firstLine: start + 1, lines: count });
  }
  if (cut || trailing) {
    if (chunks.length === 0) return { problem: { file, message: GZIP_PROBLEM } };
    return { chunks, problem: { file, message: cut ? GZIP_CUT : GZIP_TRAILING_IGNORED } };
  }
  if (chunks.length === 0) return { problem: { file, message: 'no records in this file' } };
  return { chunks };
}

/** What is said of a gzip file cut short whose readable lines were scored. */
export const GZIP_CUT = 'the gzip data is cut short (truncated): the lines before the cut were ' +
  'read, the rest is missing';

/** What is said of gzip data followed by trailing garbage whose readable lines were scored. */
export const GZIP_TRAILING_IGNORED = `${GZIP_TRAILING}: the lines before it were read, the ` +
  'trailing data ignored';

/**
 * A chunk's valid records (with their line numbers) and its invalid lines, numbered as in the
 * file. Each line is validated on its own; repeated ids are a property of the whole file,
 * checked by {@link duplicateIdLines} once every chunk is back.
 */
export function parseRecordChunk(chunk: RecordChunk): {
  records: LabelRecord[];
  lines: number[];
  invalid: InvalidLine[];
} {
  const records: LabelRecord[] = [];
  const lines: number[] = [];
  const invalid: InvalidLine[] = [];
  chunk.text.split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    const line = chunk.firstLine + index;
    const parsed = parseLabelRecords(text);
    if (parsed.invalid.length > 0) invalid.push({ line, message: parsed.invalid[0].message });
    else {
      records.push(parsed.records[0]);
      lines.push(line);
    }
  });
  return { records, lines, invalid };
}

/**
 * The lines of one file whose record's id an earlier line already has, each with its message
 * `duplicate id "x" (first on line k)`.
 */
export function duplicateIdLines(records: readonly { id: string; line: number }[]): InvalidLine[] {
  const firstLine = new Map<string, number>();
  const duplicates: InvalidLine[] = [];
  for (const { id, line } of [...records].sort((a, b) => a.line - b.line)) {
    const first = firstLine.get(id);
    if (first === undefined) firstLine.set(id, line);
    else {
      const message = `duplicate id ${JSON.stringify(id)} (first on line ${first})`;
      duplicates.push({ line, message });
    }
  }
  return duplicates;
}

/**
 * A record ready for scoring, or `null` when it has no class histograms. The best thresholds
 * follow the bench objective: the record's own `bestThreshold` is used when it was labelled
 * for that objective (validation checked it against the class histograms), every other one is
 * searched (O(256)).
 */
export function preparedFromRecord(
  record: LabelRecord,
  objective: Objective,
): PreparedImage | null {
  if (record.foregroundHistogram === undefined || record.backgroundHistogram === undefined) {
    return null;
  }
  const classes = {
    foreground: record.foregroundHistogram,
    background: record.backgroundHistogram,
  };
  const bestThresholds = bestThresholdsOf(classes, objective, record.objective === objective
    ? { polarity: record.polarity, threshold: record.bestThreshold }
    : undefined);
  return {
    image: {
      id: record.id,
      dataset: record.dataset,
      source: record.source,
      width: record.width,
      height: record.height,
      truthPolarity: record.polarity,
      bestThreshold: bestThresholds[record.polarity],
      bestThresholds,
      histogram: record.histogram,
      // Crops and variants share their image's digest without being that image.
      ...(record.augmentation === undefined ? { imageSha256: record.imageSha256 } : {}),
    },
    histogram: createHistogram(record.histogram, record.valueRange ?? EIGHT_BIT_RANGE),
    classes,
    drd: null,
    local: new Map(),
  };
}

/** The name a record file gives its dataset when it holds one: the file name without `.jsonl`. */
export function recordFileStem(file: string): string {
  const name = basename(file);
  return name.replace(/\.jsonl(\.gz)?$/i, '').replace(/\.gz$/i, '') || name;
}
