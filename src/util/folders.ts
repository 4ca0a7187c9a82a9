/**
 * Creating a folder and its missing parents (`mkdir -p`) in a way that always ends.
 *
 * Node's `mkdir(path, { recursive: true })` retries for as long as the file system answers
 * "no such file or directory" for a folder whose parent exists, which is what /proc and some
 * other virtual file systems answer: the call then never returns. Here the missing levels are
 * found first, by walking up to the nearest existing ancestor, and each is created once.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

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
