/**
 * Creating a folder and its missing parents (`mkdir -p`) in a way that always ends.
 *
 * Node's `mkdir(path, { recursive: true })` retries for as long as the file system answers
 * "no such file or directory" for a folder whose parent exists, which is what /proc and some
 * other virtual file systems answer: the call then never returns. Here the missing levels are
 * found first, by walking up to the nearest existing ancestor, and each is created once.
 */
import { randomBytes } from 'node:crypto';
import { readlinkSync, realpathSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileSystemProblem, isFileSystemError } from './file-errors.js';

/**
 * Creates `path` and every missing parent, one level at a time. Resolves when `path` is a
 * folder afterwards (it may exist already). Throws Node's error, whose `path` is the level that
 * failed; a file where a folder is needed is an `ENOTDIR` (inside the path) or `EEXIST` (the
 * path itself) error.
 */
export async function createFolder(path: string): Promise<void> {
  const missing: string[] = [];
  let level = resolve(path);
  for (;;) {
    const info = await stat(level).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (info !== null) {
      // An existing file where a folder is needed: mkdir reports it (EEXIST) in Node's words.
      if (!info.isDirectory()) await mkdir(level);
      break;
    }
    missing.push(level);
    const parent = dirname(level);
    if (parent === level) break;
    level = parent;
  }
  for (const folder of missing.reverse()) await createLevel(folder);
}

/** One `mkdir`; a folder created meanwhile by someone else is fine. */
async function createLevel(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const exists = code === 'EEXIST' && (await stat(folder).catch(() => null))?.isDirectory();
    if (!exists) throw error;
  }
}

/** Where a trial write failed, and why (Node's error). */
export interface TrialFailure {
  /** The folder the trial entry was created in: `folder` or its nearest existing parent. */
  readonly at: string;
  readonly error: unknown;
}

/**
 * Checks that something can be created at `folder` without leaving anything behind: when
 * `folder` exists, a hidden trial file is created in it and removed at once; when it does not,
 * a trial folder is made (and removed) in its nearest existing parent instead. Returns null when
 * that worked. (A virtual file system such as /proc refuses the file with ENOENT on `open`.)
 */
export async function tryWriteIn(folder: string): Promise<TrialFailure | null> {
  const target = resolve(folder);
  const at = await nearestFolder(target);
  const trial = join(at, `.autothresh-trial.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    if (at === target) {
      await (await open(trial, 'wx')).close();
      await rm(trial, { force: true });
    } else {
      await mkdir(trial);
      await rmdir(trial);
    }
    return null;
  } catch (error) {
    return { at, error };
  }
}

/** `folder`, or its nearest parent that exists as a folder. */
export async function nearestFolder(folder: string): Promise<string> {
  let level = folder;
  while (!(await stat(level).then((info) => info.isDirectory(), () => false))) {
    const above = dirname(level);
    if (above === level) break;
    level = above;
  }
  return level;
}

/** A symbolic link where a write would have to create a folder, and what is wrong with it. */
export interface BrokenLink {
  /** The link: `path` itself or one of its parents (absolute then). */
  readonly level: string;
  /** `a symbolic link loop`, or `a symbolic link to "<target>", which does not exist`. */
  readonly what: string;
}

/**
 * The first symbolic link, from `path` up to its nearest existing entry, that leads nowhere (a
 * link to nothing, or a loop), or null. Creating `path` or its missing folders would fail
 * there ("already exists", "symbolic link loop"), after the work; a trial entry, made in the
 * nearest existing folder above, does not find it. Levels above `path` are named absolute.
 */
export async function brokenLinkOnPath(path: string): Promise<BrokenLink | null> {
  let level = resolve(path);
  for (;;) {
    const info = await lstat(level).catch(() => null);
    if (info !== null) {
      if (!info.isSymbolicLink()) return null;
      const what = await brokenLinkProblem(level);
      if (what === null) return null;
      return { level: level === resolve(path) ? path : level, what };
    }
    const parent = dirname(level);
    if (parent === level) return null;
    level = parent;
  }
}

/** What is wrong with the symbolic link `link`, or null when it leads to something. */
async function brokenLinkProblem(link: string): Promise<string | null> {
  const code = await stat(link).then(() => null, (error: NodeJS.ErrnoException) => error.code);
  if (code === null) return null;
  if (code === 'ELOOP') return 'a symbolic link loop';
  if (code !== 'ENOENT' && code !== 'ENOTDIR') return null; // the write itself says what
  const target = await readlink(link).catch(() => null);
  if (target === null) return 'a symbolic link to nothing';
  return `a symbolic link to ${JSON.stringify(target)}, which does not exist`;
}

/** Why a trial entry could not be made: "no such file" in a folder that exists says more. */
export function trialProblem(error: unknown): string {
  if (isFileSystemError(error) && error.code === 'ENOENT' && error.syscall === 'open') {
    return 'the file system takes no new files here';
  }
  return fileSystemProblem(error);
}

/**
 * Why a folder cannot be listed, in a few words (`no such folder`, `cannot list this folder
 * (permission denied)`), or `null` when it can.
 */
export async function folderProblem(folder: string): Promise<string | null> {
  try {
    const info = await stat(folder);
    if (!info.isDirectory()) return 'is a file, not a folder';
    await readdir(folder);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such folder';
    return `cannot list this folder (${fileSystemProblem(error)})`;
  }
}

/**
 * The first of `paths` that names the same file or folder as an earlier one, if any: compared by
 * real path (symbolic links followed) where the path exists, else after `resolve`.
 */
export function repeatedPath(paths: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const path of paths) {
    const identity = realPathOrResolved(path);
    if (seen.has(identity)) return path;
    seen.add(identity);
  }
  return undefined;
}

/**
 * The real path of `path` (symbolic links followed); for a path that does not exist yet, the
 * real path of its nearest existing ancestor followed by the rest of `path`.
 */
export function realPathOrResolved(path: string): string {
  // Not resolved first, and resolved by the system's own realpath (Node's JavaScript one
  // normalizes the text first): `link/..` is where the system takes it, the parent of the
  // link's target, not the folder holding the link.
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      rest.push(basename(existing));
      existing = parent;
    }
  }
}

/** Most symbolic links followed in a row before a write gives up (Linux's own limit). */
const MAX_LINK_HOPS = 40;

/**
 * The file that a write to `path` replaces: `path` itself, or the file that the symbolic link
 * `path` leads to, through a chain of links, each read relative to the real folder it is in (as
 * the system resolves it); for a link to nothing, where its last target would be. Throws ELOOP
 * (`symbolic link loop`) for a chain longer than {@link MAX_LINK_HOPS}, a loop.
 */
export function writeTargetOf(path: string): string {
  let current = path;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    let link: string;
    try {
      link = readlinkSync(current);
    } catch {
      return current; // not a symbolic link, or nothing there yet
    }
    current = resolve(realFolderOf(current), link);
  }
  throw Object.assign(new Error(`ELOOP: symbolic link loop, '${path}'`), { code: 'ELOOP', path });
}

/** {@link writeTargetOf}, or `path` itself on a link loop (for checks that name the loop). */
export function writeTargetOrSelf(path: string): string {
  try {
    return writeTargetOf(path);
  } catch {
    return path;
  }
}

/**
 * The absolute real path where a write to `path` lands ({@link writeTargetOf}, then every link
 * on the way resolved), to compare with inputs that must not be written over. On a link loop,
 * the real path of `path` (the write itself then fails, naming the loop).
 */
export function realWriteTargetOf(path: string): string {
  return realPathOrResolved(writeTargetOrSelf(path));
}

/** The real path of the folder holding `path` (its own parent may be reached through links). */
function realFolderOf(path: string): string {
  try {
    return realpathSync.native(dirname(path));
  } catch {
    return dirname(resolve(path));
  }
}

/**
 * The first of `inputs` that `output` would write over: the same file, or (`output` a folder) a
 * file inside it; compared by real path, with symbolic links followed as a write follows them
 * ({@link realWriteTargetOf}: a link to nothing leads to where it points). Undefined when there
 * is none.
 */
export function inputUnder(output: string, inputs: readonly string[]): string | undefined {
  const target = realWriteTargetOf(output);
  return inputs.find((input) => {
    const path = realWriteTargetOf(input);
    return path === target || path.startsWith(`${target}${sep}`);
  });
}
