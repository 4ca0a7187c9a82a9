/**
 * Atomic file writes: data goes to a temporary file beside the target, which is then renamed
 * over it. A reader (or a crash) never sees a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { outputFileError } from './file-errors.js';
import { createFolder } from './folders.js';

/**
 * Writes `data` to `path`, creating missing folders. Every failure is one `autothresh.write`
 * error naming `path` (never the temporary file) and the problem, e.g.
 * `out/a.png: cannot write (permission denied)`; the temporary file is removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await createFolder(directory);
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw outputFileError(path, error);
  }
}
