/**
 * Turning `predict`'s arguments (files, directories, globs) into a list of image files.
 * Directories are searched recursively for image extensions in any letter case (`.PNG`,
 * `.Jpg`); a glob is expanded with tinyglobby and matches case-sensitively, as the shell would
 * expand it (`*.JPG` does not match `a.jpg`). A file reached twice (named twice, through a
 * symbolic link, or by overlapping patterns) is kept once, under the first name it was reached
 * by. Problems (a missing path, one behind a folder that may not be entered, an empty name, a
 * folder or glob with no images, a folder that cannot be listed) are returned, not thrown, so
 * that a batch goes on with the inputs that exist.
 */
import type { Dirent } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';

import { hasImageExtension, IMAGE_EXTENSIONS } from '../image/formats.js';
import { fileSystemProblem } from '../util/file-errors.js';
import { folderProblem } from '../util/folders.js';

export { IMAGE_EXTENSIONS };


export interface InputProblem {
  input: string;
  message: string;
}

/** One input file: the path as given or found, and the file it really is. */
export interface InputFile {
  readonly path: string;
  /** Absolute path with every symbolic link resolved. */
  readonly realPath: string;
}

export interface ExpandOptions {
  /**
   * A folder whose files are skipped when found by searching a directory or expanding a
   * pattern (the output folder, so that a second run does not read the first run's outputs).
   * Files inside it that are named explicitly are kept.
   */
  skipFolder?: string;
}

export async function expandInputs(
  inputs: readonly string[],
  options: ExpandOptions = {},
): Promise<{ files: InputFile[]; problems: InputProblem[] }> {
  const files: InputFile[] = [];
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const skipped = await skippedPrefix(options.skipFolder);
  /** Adds a file (once); false when it was found in the skipped folder and left out. */
  const add = async (path: string, found: boolean): Promise<boolean> => {
    const realPath = await realpath(path).catch(() => path);
    if (found && skipped !== null && realPath.startsWith(skipped)) return false;
    if (seen.has(realPath)) return true;
    seen.add(realPath);
    files.push({ path, realPath });
    return true;
  };
  /** Adds what a search found, or says that it found nothing. */
  const addFound = async (input: string, found: readonly string[], nothing: string) => {
    let kept = 0;
    for (const file of found) if (await add(file, true)) kept++;
    if (kept > 0) return;
    const message = found.length === 0 ? nothing : `${nothing} outside the output folder`;
    problems.push({ input, message });
  };

  for (const input of inputs) {
    if (input === '') {
      problems.push({ input: '""', message: 'empty file name' });
      continue;
    }
    const kind = await pathKind(input);
    if (typeof kind === 'object') {
      problems.push({ input, message: `cannot reach it (${fileSystemProblem(kind.unreachable)})` });
    } else if (kind === 'file') {
      await add(input, false);
    } else if (kind === 'directory') {
      // The search skips folders it cannot list; the folder given must not be one of them.
      const problem = await folderProblem(input);
      if (problem === null) {
        const unusable = await unusableEntries(input);
        // The search lists a link to a FIFO as a file: it is reported once, as unusable.
        const reported = new Set(unusable.map((entry) => entry.input));
        const images = (await findImages(input)).filter((file) => !reported.has(file));
        // A folder whose only images are unusable is not also said to hold none.
        if (images.length > 0 || unusable.length === 0) {
          await addFound(input, images, 'directory holds no images');
        }
        for (const found of unusable) {
          // Overlapping inputs (a folder and one inside it) find the same entry twice.
          if (!problems.some((known) => known.input === found.input)) problems.push(found);
        }
      } else {
        problems.push({ input, message: problem });
      }
    } else if (kind === 'loop') {
      problems.push({ input, message: 'symbolic link loop' });
    } else if (await isPattern(input)) {
      const { glob } = await import('tinyglobby');
      // Matches are named like the pattern: absolute for an absolute pattern, else relative.
      const found = (await glob(input, {
        onlyFiles: true, caseSensitiveMatch: true, absolute: isAbsolute(input),
      })).sort();
      await addFound(input, found, 'pattern matches no file');
    } else {
      problems.push({ input, message: 'no such file or directory' });
    }
  }
  return { files, problems };
}

/** `<real path of folder>/`, or null when there is no folder to skip (or it does not exist). */
async function skippedPrefix(folder: string | undefined): Promise<string | null> {
  if (folder === undefined) return null;
  const real = await realpath(folder).catch(() => null);
  return real === null ? null : `${real.replace(/\/+$/, '')}${sep}`;
}

/** What `path` is; `unreachable` (with Node's error) when a folder on its way is closed. */
async function pathKind(
  path: string,
): Promise<'file' | 'directory' | 'loop' | 'missing' | { unreachable: unknown }> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : 'file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'loop';
    return code === 'EACCES' || code === 'EPERM' ? { unreachable: error } : 'missing';
  }
}

async function isPattern(input: string): Promise<boolean> {
  const { isDynamicPattern } = await import('tinyglobby');
  return isDynamicPattern(input);
}

/**
 * What the image search of `directory` passes over in silence, each as a problem: visible
 * subfolders, at any depth (those reached through symbolic links too), that cannot be listed,
 * and visible entries named like images that are not files it can read: a symbolic link to
 * nothing (what a file that git-annex or LFS did not fetch looks like), a FIFO, a socket or a
 * device. A folder reached twice (a link back up the tree) is looked at once.
 */
async function unusableEntries(directory: string): Promise<InputProblem[]> {
  const problems: InputProblem[] = [];
  const looked = new Set<string>();
  const pending = [directory.replace(/\/+$/, '') || '/'];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const real = await realpath(folder).catch(() => folder);
    if (looked.has(real)) continue;
    looked.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      const problem = fileSystemProblem(error);
      problems.push({ input: folder, message: `cannot list this folder (${problem})` });
      continue;
    }
    const visible = entries.filter((entry) => !entry.name.startsWith('.'));
    const paths = visible.map((entry) =>
      (folder === '/' ? `/${entry.name}` : `${folder}/${entry.name}`));
    // Links are followed all at once: a folder of thousands of links (git-annex) lists fast.
    const folders = await Promise.all(visible.map((entry, index) =>
      leadsToFolder(paths[index], entry)));
    const messages = await Promise.all(visible.map((entry, index) =>
      (folders[index] || entry.isFile() || !hasImageExtension(entry.name)
        ? null : unreadableEntryProblem(paths[index], entry))));
    visible.forEach((_, index) => {
      if (folders[index]) pending.push(paths[index]);
      const message = messages[index];
      if (message !== null) problems.push({ input: paths[index], message });
    });
  }
  return problems.sort((a, b) => a.input.localeCompare(b.input));
}

/** Whether an entry is a folder, or a symbolic link to one. */
async function leadsToFolder(path: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** Why an entry that is not a plain file cannot be read as an image, or null when it can. */
async function unreadableEntryProblem(path: string, entry: Dirent): Promise<string | null> {
  if (!entry.isSymbolicLink()) return 'not a regular file';
  const info = await stat(path).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (!(info instanceof Error)) {
    return info.isFile() || info.isDirectory() ? null : 'not a regular file';
  }
  if (info.code === 'ELOOP') return 'symbolic link loop';
  if (info.code !== 'ENOENT') return `cannot reach it (${fileSystemProblem(info)})`;
  const target = await readlink(path).catch(() => '?');
  return `broken symbolic link (to ${target})`;
}

/**
 * The image files under `directory`, at any depth, sorted by their path below it: visible
 * entries (not starting with `.`) whose extension is an image's, in any letter case. Folders are
 * listed with `readdir`, not matched with a glob, so that a name holding a backslash, a line
 * feed or any other character is found like any other. Symbolic links are followed; a folder
 * reached twice (a link back up the tree, two links to one folder) is searched once. Folders
 * that cannot be listed are passed over here ({@link unusableEntries} names them).
 */
async function findImages(directory: string): Promise<string[]> {
  const prefix = directory.replace(/\/+$/, '');
  const searched = new Set<string>();
  const found: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const below = pending.pop()!;
    const folder = below === '' ? prefix || '/' : `${prefix}/${below}`;
    const real = await realpath(folder).catch(() => null);
    if (real === null || searched.has(real)) continue;
    searched.add(real);
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => [] as Dirent[]);
    const visible = entries.filter((entry) => !entry.name.startsWith('.'));
    const kinds = await Promise.all(visible.map((entry) => entryKind(`${folder}/${entry.name}`,
      entry)));
    visible.forEach((entry, index) => {
      const path = below === '' ? entry.name : `${below}/${entry.name}`;
      if (kinds[index] === 'folder') pending.push(path);
      else if (kinds[index] === 'file' && hasImageExtension(entry.name)) found.push(path);
    });
  }
  return found.sort().map((file) => `${prefix}/${file}`);
}

/** A folder, a regular file, or something else, following a symbolic link. */
async function entryKind(path: string, entry: Dirent): Promise<'folder' | 'file' | 'other'> {
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  const info = await stat(path).catch(() => null);
  return info?.isDirectory() ? 'folder' : info?.isFile() ? 'file' : 'other';
}
