/**
 * Node.js file-system errors in plain words, for one-line messages that name the path a user
 * gave and say what is wrong with it (`out/a.png: cannot write (permission denied)`), instead
 * of Node's own text (`EACCES: permission denied, open 'out/.a.png.4242.9f3c.tmp'`), which
 * shows an internal temporary name and an error code.
 */
import { basename, resolve } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';
import { isTemporaryNameOf } from './temporary-names.js';

/** What each error code means, in a few words. */
const PROBLEMS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  EISDIR: 'is a folder',
  ENOTDIR: 'part of the path is a file, not a folder',
  ENOENT: 'no such file or folder',
  ENOTEMPTY: 'folder is not empty',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'symbolic link loop',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'busy',
  EIO: 'input/output error',
  EXDEV: 'on another file system',
  EFBIG: 'file too large',
};

/** True for an error of Node's file-system calls (one with a known `code`). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return error instanceof Error && typeof code === 'string' && code in PROBLEMS;
}

/**
 * The problem, in a few words, without any path: "permission denied". `mkdir` failing with
 * ENOENT although the parent exists (a file system such as /proc that takes no new folders)
 * reads "the file system takes no new folders here".
 */
export function fileSystemProblem(error: unknown): string {
  if (!isFileSystemError(error)) return errorMessage(error);
  if (error.code === 'ENOENT' && error.syscall === 'mkdir') {
    return 'the file system takes no new folders here';
  }
  return PROBLEMS[error.code as string];
}

/**
 * {@link fileSystemProblem} for an operation on `path`, preceded by the path the failing call
 * was about when that is another one than `path`, `target` (the file a symbolic link `path`
 * leads to) or their temporary files (a parent folder that could not be created):
 * "out: permission denied".
 */
export function fileProblemAt(path: string, error: unknown, target = path): string {
  const failed = isFileSystemError(error) ? error.path : undefined;
  const ours = (candidate: string) => [path, target].some((known) =>
    candidate === known || candidate === resolve(known) || isTemporaryOf(candidate, known));
  const elsewhere = failed !== undefined && !ours(failed);
  return `${elsewhere ? `${failed}: ` : ''}${fileSystemProblem(error)}`;
}

/**
 * `<path>: cannot write (<problem>)` as an `autothresh.write` error, the problem as
 * {@link fileProblemAt} words it: `out/a.png: cannot write (out: permission denied)`.
 */
export function outputFileError(path: string, error: unknown, target = path): AutothreshError {
  if (error instanceof AutothreshError) return error;
  const problem = fileProblemAt(path, error, target);
  return new AutothreshError(
    'autothresh.write', `${path}: cannot write (${problem})`, { cause: error },
  );
}

/**
 * True for the temporary name `writeFileAtomic` gives `path` (`.<name>.<pid>.<hex>.tmp`, the
 * name shortened when it is long).
 */
function isTemporaryOf(candidate: string, path: string): boolean {
  return isTemporaryNameOf(basename(candidate), basename(path));
}
