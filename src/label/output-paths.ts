/**
 * Checking, before any work starts, that a command will be able to write where it was told to.
 *
 * A long run that fails only at its last step (a rename onto a folder, a `mkdir` where a file
 * is) wastes the run and can leave temporary files behind; these checks look at the path and
 * its nearest existing parent folder without writing anything. They cannot rule out every
 * later failure (a full disk, a folder created meanwhile), only the mistakes in the command.
 * Where permissions are not the whole story (/proc, which takes no new files even from root),
 * {@link checkFileCreatable} creates a trial entry and removes it at once.
 */
import { constants } from 'node:fs';
import { access, lstat, readlink, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AutothreshError } from '../errors.js';
import { specialFileKind } from '../util/atomic-write.js';
import {
  brokenLinkOnPath, trialProblem, tryWriteIn, writeTargetOf, writeTargetOrSelf,
} from '../util/folders.js';
import { NAME_MAX } from '../util/temporary-names.js';

/** What the path must be: a file to create or replace, or a folder to create or write into. */
export type OutputKind = 'file' | 'folder';

/**
 * Why `path` cannot be written as a `kind`, in a few words that follow "received <path>, "
 * (`which is a folder`), or `null` when it can. Nothing is written.
 */
export async function outputPathProblem(path: string, kind: OutputKind): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (info !== null) {
    if (kind === 'file' && info.isDirectory()) return 'which is a folder';
    if (kind === 'folder' && !info.isDirectory()) return 'which is a file';
    if (kind === 'file' && !info.isFile()) return `which is ${specialFileKind(info)}, not a file`;
    // A file is replaced by a rename in its folder (the folder of the file a symbolic link
    // leads to: writes go through links); a folder is written into.
    const folder = kind === 'file' ? dirname(resolve(writeTargetOrSelf(path))) : path;
    return (await isWritable(folder)) ? null : `but ${folder} is not writable`;
  }
  if (kind === 'file' && /[/\\]$/.test(path)) return 'which ends in a slash, as a folder does';
  let target: string;
  try {
    target = writeTargetOf(path);
  } catch {
    return 'which is a symbolic link loop';
  }
  return longNameProblem(target) ?? (await brokenLinkProblem(kind === 'file' ? target : path)) ??
    (await parentProblem(resolve(target))) ??
    (kind === 'file' ? await linkFolderProblem(path, target) : null);
}

/**
 * `which is a symbolic link to "<to>", whose folder does not exist` when `path` is a link to
 * nothing in a folder that does not exist: the write goes through the link, as a shell's `>`
 * does, and makes no folder there. Null otherwise.
 */
async function linkFolderProblem(path: string, target: string): Promise<string | null> {
  const link = await lstat(path).then((info) => info.isSymbolicLink(), () => false);
  if (!link) return null;
  const folder = dirname(resolve(target));
  if (await stat(folder).then((info) => info.isDirectory(), () => false)) return null;
  return `which is a symbolic link to ${JSON.stringify(await readlink(path))}, whose folder ` +
    'does not exist';
}

/**
 * A name in `path` longer than a file name may be ({@link NAME_MAX} bytes), which no check of
 * the folders finds and which only the write itself would refuse, or null.
 */
export function longNameProblem(path: string): string | null {
  const names = resolve(path).split(sep);
  const index = names.findIndex((name) => Buffer.byteLength(name) > NAME_MAX);
  if (index === -1) return null;
  const bytes = `${Buffer.byteLength(names[index])} bytes, more than the ${NAME_MAX} a name ` +
    'may take';
  return index === names.length - 1 ? `whose name takes ${bytes}`
    : `in which a folder name takes ${bytes}`;
}

/**
 * A symbolic link to nothing or a loop at `start` or a parent of it, where a write would have
 * to create a folder (`but /x/out is a symbolic link loop`), or null. A file is written through
 * a link to nothing (`start` is where it leads), a folder is not (`start` is the path given).
 */
async function brokenLinkProblem(start: string): Promise<string | null> {
  const broken = await brokenLinkOnPath(start);
  if (broken === null) return null;
  return broken.level === start ? broken.what : `but ${broken.level} is ${broken.what}`;
}

/** The nearest existing parent of a path that does not exist must be a writable folder. */
async function parentProblem(absolutePath: string): Promise<string | null> {
  let parent = dirname(absolutePath);
  for (;;) {
    const info = await stat(parent).catch(() => null);
    if (info !== null) {
      if (!info.isDirectory()) return `but ${parent} is a file, not a folder`;
      return (await isWritable(parent)) ? null : `but ${parent} is not writable`;
    }
    const above = dirname(parent);
    if (above === parent) return `but none of its parent folders exists`;
    parent = above;
  }
}

async function isWritable(folder: string): Promise<boolean> {
  return access(folder, constants.W_OK).then(() => true, () => false);
}

/**
 * Throws `autothresh.usage` (`<what>: expected a file to write, received "x", which is a
 * folder`) when `path` cannot be written as a `kind`; `what` names the option (`option --out`).
 */
export async function checkOutputPath(
  path: string,
  kind: OutputKind,
  what: string,
): Promise<void> {
  const problem = await outputPathProblem(path, kind);
  if (problem === null) return;
  const expected = kind === 'file' ? 'a file to write' : 'a folder to write into';
  const received = `received ${JSON.stringify(path)}, ${problem}`;
  throw new AutothreshError('autothresh.usage', `${what}: expected ${expected}, ${received}`);
}

/** Extensions of labelled-record files (JSON Lines, optionally gzip-compressed). */
export const RECORD_FILE_EXTENSIONS = ['.jsonl', '.jsonl.gz'] as const;

/**
 * Throws `autothresh.usage` (`<what>: cannot write <path> (<problem>)`) when no file can be
 * created where `path` goes. A trial file with a hidden name is created in the path's folder
 * and removed at once; when that folder is missing, a trial folder is made (and removed) in the
 * nearest existing parent instead, so nothing is left behind either way.
 */
export async function checkFileCreatable(path: string, what: string): Promise<void> {
  const folder = dirname(resolve(writeTargetOrSelf(path)));
  const failure = await tryWriteIn(folder);
  if (failure === null) return;
  const where = failure.at === folder ? '' : `${failure.at}: `;
  throw new AutothreshError(
    'autothresh.usage', `${what}: cannot write ${path} (${where}${trialProblem(failure.error)})`,
  );
}

/**
 * Throws `autothresh.usage` unless `path` ends in `.jsonl` or `.jsonl.gz` (lower case: the
 * extension decides whether the records are compressed) and can be written as a file (see
 * {@link checkOutputPath} and {@link checkFileCreatable}). Nothing is left behind.
 */
export async function checkRecordOutputPath(path: string, what: string): Promise<void> {
  const isRecordFile = (name: string) =>
    RECORD_FILE_EXTENSIONS.some((extension) => name.endsWith(extension));
  if (!isRecordFile(path)) {
    throw new AutothreshError(
      'autothresh.usage',
      `${what}: expected a .jsonl or .jsonl.gz file (JSON Lines, optionally gzip-compressed), ` +
        `received ${JSON.stringify(path)}`,
    );
  }
  // A symbolic link is written through: the file it leads to must be a record file too (a
  // link to an image would have the image replaced by records).
  const target = writeTargetOrSelf(path);
  if (!isRecordFile(target)) {
    throw new AutothreshError('autothresh.usage', `${what}: ${path} is a symbolic link to ` +
      `${target}, not a .jsonl or .jsonl.gz file; the records would replace it`);
  }
  await checkOutputPath(path, 'file', what);
  await checkFileCreatable(path, what);
}
