/**
 * Atomic file writes: data goes to a temporary file beside the target, which is then renamed
 * over it. A reader (or a crash) never sees a half-written file, and an interrupted run
 * (Ctrl-C, `kill`, a closed terminal) leaves no temporary file behind.
 *
 * A write goes through a symbolic link, as a shell's `>` does: the file the link leads to is
 * replaced and the link is kept. A target that is not a regular file (a device such as
 * /dev/null, a FIFO, a socket) is refused, never renamed over.
 */
import {
  lstatSync, readlinkSync, renameSync, rmSync, statSync, type Stats,
} from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { outputFileError } from './file-errors.js';
import { createFolder, realPathOrResolved, writeTargetOf } from './folders.js';
import { temporaryNameOf } from './temporary-names.js';

/** Temporary files and folders being written by this process. */
const temporaries = new Set<string>();

/** Signals after which the temporaries are removed before the process ends. */
const INTERRUPTIONS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let watching = false;

/**
 * On an interruption, removes the temporary files in progress, then lets the signal end the
 * process as it would have (exit status 128 + signal number, as shells report it). Installed on
 * the first write, in the main thread only (worker threads receive no signals).
 */
function removeTemporariesOnInterruption(): void {
  if (watching || !isMainThread) return;
  watching = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const path of temporaries) rmSync(path, { recursive: true, force: true });
    temporaries.clear();
    for (const name of INTERRUPTIONS) process.removeListener(name, onSignal);
    process.kill(process.pid, signal);
  };
  for (const name of INTERRUPTIONS) process.on(name, onSignal);
}

/**
 * Runs `work`, which writes the temporary file or folder `path`, so that an interruption during
 * it removes `path` (see {@link writeFileAtomic}); the caller still removes `path` itself when
 * `work` ends.
 */
export async function removedIfInterrupted<T>(path: string, work: () => Promise<T>): Promise<T> {
  removeTemporariesOnInterruption();
  temporaries.add(path);
  try {
    return await work();
  } finally {
    temporaries.delete(path);
  }
}

/**
 * Writes `data` to `path`, creating missing folders, except where a symbolic link at `path`
 * leads (as a shell's `>`, the file it leads to is written in a folder that exists). Every
 * failure is one `autothresh.write` error naming `path` (never the temporary file) and the
 * problem, e.g. `out/a.png: cannot write (permission denied)`; the temporary file is removed.
 * With `throughLinks: false` a symbolic link at `path` is itself replaced (for files of the
 * tool's own, such as a partial file, that nothing else should be reached through).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { throughLinks?: boolean } = {},
): Promise<void> {
  const target = options.throughLinks === false
    ? join(realPathOrResolved(dirname(path)), basename(path))
    : targetOrThrow(path);
  const temporary = temporaryPathOf(target);
  await removedIfInterrupted(temporary, async () => {
    try {
      refuseSpecialFile(target);
      await prepareFolder(path, target, options.throughLinks !== false);
      await writeFile(temporary, data);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw outputFileError(path, error, target);
    }
  });
}

/**
 * The absolute real path a write to `path` lands on ({@link writeTargetOf}, then resolved as the
 * system resolves it: `..` after a linked folder climbs from where the folder really is), its
 * failure worded as a write's: `<path>: cannot write (symbolic link loop)`.
 */
function targetOrThrow(path: string): string {
  try {
    return realPathOrResolved(writeTargetOf(path));
  } catch (error) {
    throw outputFileError(path, error);
  }
}

/**
 * Makes the folder `target` is written in, with its missing parents; but when `path` itself is a
 * symbolic link that the write goes through (`throughLinks`), makes none: as a shell's `>`, the
 * file a link leads to is written in a folder that exists, else the write is refused.
 */
async function prepareFolder(path: string, target: string, throughLinks: boolean): Promise<void> {
  if (throughLinks && isLink(path)) refuseMissingFolder(path, target);
  else await createFolder(dirname(target));
}

/** Whether `path` itself is a symbolic link (to something or to nothing). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Throws `is a symbolic link to "<to>", whose folder does not exist` when the file that the link
 * `path` leads to lies in a folder that does not exist: the write makes no folder there.
 */
function refuseMissingFolder(path: string, target: string): void {
  if (statSync(dirname(target), { throwIfNoEntry: false })?.isDirectory() === true) return;
  const to = readlinkSync(path);
  throw new Error(`is a symbolic link to ${JSON.stringify(to)}, whose folder does not exist`);
}

/** Throws `is a FIFO, not a regular file` (a device, a socket) when `target` is one. */
function refuseSpecialFile(target: string): void {
  let info: Stats | undefined;
  try {
    info = statSync(target, { throwIfNoEntry: false });
  } catch {
    return; // a path through a file: the write itself says where
  }
  if (info === undefined || info.isFile() || info.isDirectory()) return;
  throw new Error(`is ${specialFileKind(info)}, not a regular file`);
}

/** `a FIFO`, `a socket` or `a device`: what an entry that is neither file nor folder is. */
export function specialFileKind(info: Stats): string {
  return info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device';
}

/**
 * A fresh temporary name beside `path` (hidden, with this process's id), never longer than a
 * file name may be (see {@link temporaryNameOf}).
 */
function temporaryPathOf(path: string): string {
  return join(dirname(path), temporaryNameOf(basename(path)));
}

/**
 * Writes several files as one: every file's data goes to its temporary file first, and only
 * when all are written are they renamed over their targets, one right after the other with no
 * wait between (an interruption, handled between two steps of the event loop, cannot fall
 * among the renames). A reader or an interruption sees all the old files or all the new ones;
 * a folder in a target's place is refused before any rename.
 * Failures are worded as by {@link writeFileAtomic}; every temporary file is removed.
 */
export async function writeFilesAtomic(
  files: readonly { path: string; data: string | Uint8Array }[],
): Promise<void> {
  removeTemporariesOnInterruption();
  const written = files.map((file) => {
    const target = targetOrThrow(file.path);
    return { ...file, target, temporary: temporaryPathOf(target) };
  });
  for (const { temporary } of written) temporaries.add(temporary);
  try {
    for (const { path, data, target, temporary } of written) {
      try {
        refuseSpecialFile(target);
        await prepareFolder(path, target, true);
        await writeFile(temporary, data);
      } catch (error) {
        throw outputFileError(path, error, target);
      }
    }
    // A folder in a target's place would fail its rename after others were done: refuse first.
    for (const { path } of written) {
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
        const error = Object.assign(new Error('is a folder'), { code: 'EISDIR', path });
        throw outputFileError(path, error);
      }
    }
    for (const { path, target, temporary } of written) {
      try {
        renameSync(temporary, target);
      } catch (error) {
        throw outputFileError(path, error, target);
      }
    }
  } finally {
    for (const { temporary } of written) {
      temporaries.delete(temporary);
      // A temporary that could not be made (a loop, a file on the path) must not hide why.
      try {
        rmSync(temporary, { force: true });
      } catch {
        // nothing to remove
      }
    }
  }
}
