/**
 * What `autothresh label --resume` keeps of an earlier run: the records of the output file and of
 * the partial file an interrupted run leaves beside it (see `label-folder.ts`).
 *
 * - Every line is validated; invalid lines (a truncated last line, a repeated id) are dropped
 *   and reported.
 * - The records must have been made with this run's settings (`labelling`, `objective`,
 *   `dataset`, `synthetic`); otherwise resuming would mix records of two kinds, so it is refused
 *   with a usage error naming the first difference.
 * - An image counts as done only when its own record and all `labelling.imageRecords` of its
 *   records are present; the records of an image with any missing are dropped, and the image
 *   is labelled again, so no id is ever written twice.
 */
import { stat } from 'node:fs/promises';
import { AutothreshError } from '../errors.js';
import type { LabelSettings } from './label-run.js';
import { readLabelRecordsLenient } from './records-io.js';
import type { LabelRecord, MaskLabelRecord } from './schema.js';

export interface ResumeState {
  /** Records of whole images, in file order (output first, then the partial file). */
  kept: MaskLabelRecord[];
  /** Invalid lines dropped. */
  droppedLines: number;
  /** Images whose records were incomplete: their records are dropped and they are redone. */
  incompleteImages: number;
}

/** Reads and checks what `files` (those that exist) hold for a resumed run. */
export async function readResumeState(
  files: readonly string[],
  settings: LabelSettings,
  report: (message: string) => void,
): Promise<ResumeState> {
  const records: MaskLabelRecord[] = [];
  const seen = new Set<string>();
  let droppedLines = 0;
  for (const file of files) {
    if (!(await stat(file).then((info) => info.isFile(), () => false))) continue;
    const parsed = await readLabelRecordsLenient(file);
    for (const line of parsed.invalid) {
      report(`${file}:${line.line}: invalid record dropped (${line.message})`);
    }
    droppedLines += parsed.invalid.length;
    for (const record of parsed.records) {
      if (seen.has(record.id)) continue;
      const mismatch = settingsMismatch(record, settings);
      if (mismatch !== null) {
        throw new AutothreshError(
          'autothresh.usage',
          `${file}: ${mismatch}; resume with the same options or write another file`,
        );
      }
      seen.add(record.id);
      records.push(record as MaskLabelRecord);
    }
  }
  return keepWholeImages(records, droppedLines);
}

/** Drops the records of every image whose records are not all present. */
function keepWholeImages(records: MaskLabelRecord[], droppedLines: number): ResumeState {
  const bySource = new Map<string, MaskLabelRecord[]>();
  for (const record of records) {
    const group = bySource.get(record.source) ?? [];
    group.push(record);
    bySource.set(record.source, group);
  }
  const complete = new Set<string>();
  for (const [source, group] of bySource) {
    const own = group.filter((record) => record.augmentation === undefined);
    const expected = own.length === 1 ? own[0].labelling?.imageRecords : undefined;
    if (expected === group.length) complete.add(source);
  }
  return {
    kept: records.filter((record) => complete.has(record.source)),
    droppedLines,
    incompleteImages: bySource.size - complete.size,
  };
}

/** Option flags of `autothresh label`, by setting, for messages. */
const FLAGS: Record<Exclude<keyof LabelSettings, 'synthetic'>, string> = {
  objective: '--objective',
  maskThreshold: '--mask-threshold',
  crops: '--crops',
  photometricVariants: '--variants (with --augment; 0 without)',
  pixelVariants: '--pixel-variants (with --augment; 0 without)',
  seed: '--seed',
  idPrefix: '--id-prefix',
  dataset: '--dataset',
};

/** How a record's settings differ from this run's, or null when they are the same. */
export function settingsMismatch(record: LabelRecord, settings: LabelSettings): string | null {
  if (record.labelKind !== 'mask' || record.labelling === undefined) {
    return `record ${JSON.stringify(record.id)} does not say how it was labelled ` +
      '(no labelling settings: made by another tool or an older version)';
  }
  if ((record.synthetic === true) !== settings.synthetic) {
    const had = record.synthetic === true ? 'with' : 'without';
    const run = settings.synthetic ? 'has it' : 'has not';
    return `records were made ${had} --synthetic, this run ${run}`;
  }
  const stored: Omit<LabelSettings, 'synthetic'> = {
    ...record.labelling, objective: record.objective, dataset: record.dataset,
  };
  // The seed only places crops and draws variants: without either, records of any seed agree.
  const seeded = stored.crops > 0 || stored.photometricVariants > 0 || stored.pixelVariants > 0;
  for (const key of Object.keys(FLAGS) as Array<keyof typeof FLAGS>) {
    if (key === 'seed' && !seeded) continue;
    if (stored[key] !== settings[key]) {
      return `records were made with ${FLAGS[key]} ${JSON.stringify(stored[key])}, ` +
        `this run has ${JSON.stringify(settings[key])}`;
    }
  }
  return null;
}
