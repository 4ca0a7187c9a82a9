/**
 * Names of the groups a benchmark summarizes ("datasets"), one or more per input:
 * - an `--images` folder is one dataset, named after the folder (`set/images` → `set`);
 * - a `--data` file whose records all name the same dataset is one dataset, named after the file
 *   (`dibco.jsonl` → `dibco`); a file whose records name several keeps the records' names.
 *
 * Different inputs are never merged silently: when a name comes from more than one input, every
 * use of it is qualified with its input as given on the command line (`dibco2009 (real.jsonl)`,
 * `dibco2009 (shared/dibco2009/images)`), and the same input given twice gets `#2`, `#3`, ….
 */
import { recordFileStem } from './records.js';

/** The group names one input produces, before qualification. */
export interface InputGroups {
  /** The input as given (folder or file path). */
  input: string;
  /** Its group names (distinct). */
  names: readonly string[];
}

export interface QualifiedGroups {
  /** Per input (same order), each of its names and the name it is summarized under. */
  renamed: Map<string, string>[];
  /** One note per name that had to be qualified. */
  notes: string[];
}

/** Qualifies the names that several inputs share (see the module comment). */
export function qualifyGroupNames(inputs: readonly InputGroups[]): QualifiedGroups {
  const owners = new Map<string, number[]>();
  inputs.forEach((input, index) => {
    for (const name of new Set(input.names)) owners.set(name, [...(owners.get(name) ?? []), index]);
  });

  const renamed = inputs.map(() => new Map<string, string>());
  const taken = new Set<string>();
  const shared: [string, number[]][] = [];
  for (const [name, indices] of owners) {
    if (indices.length > 1) shared.push([name, indices]);
    else {
      renamed[indices[0]].set(name, name);
      taken.add(name);
    }
  }
  const notes = shared.map(([name, indices]) => {
    const qualified = indices.map((index) => {
      const base = `${name} (${inputs[index].input})`;
      let candidate = base;
      for (let copy = 2; taken.has(candidate); copy++) candidate = `${base} #${copy}`;
      taken.add(candidate);
      renamed[index].set(name, candidate);
      return candidate;
    });
    return `dataset ${name} comes from ${indices.length} inputs, kept apart as ` +
      qualified.join(', ');
  });
  return { renamed, notes };
}

/**
 * The group names of a record file's records: the file's own name when they all name one
 * dataset, else each record's `dataset`.
 */
export function recordGroupNames(
  file: string,
  recordDatasets: readonly string[],
): Map<string, string> {
  const distinct = [...new Set(recordDatasets)];
  if (distinct.length === 1) return new Map([[distinct[0], recordFileStem(file)]]);
  return new Map(distinct.map((name) => [name, name]));
}
