/**
 * Turning `predict`'s arguments (files, directories, globs) into a list of image files.
 * Directories are searched recursively for image extensions; a glob is expanded with tinyglobby.
 * A file reached twice (named twice, through a symbolic link, or by overlapping patterns) is
 * kept once, under the first name it was reached by. Problems (missing path, a folder or glob
 * with no images) are returned, not thrown, so that a batch goes on with the inputs that exist.
 */
import { realpath, stat } from 'node:fs/promises';

/** File extensions treated as images when searching directories. */
export const IMAGE_EXTENSIONS = [
  'png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'gif', 'avif', 'bmp',
] as const;

const IMAGE_PATTERN = `**/*.{${IMAGE_EXTENSIONS.join(',')}}`;

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

export async function expandInputs(
  inputs: readonly string[],
): Promise<{ files: InputFile[]; problems: InputProblem[] }> {
  const files: InputFile[] = [];
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const add = async (path: string) => {
    const realPath = await realpath(path).catch(() => path);
    if (seen.has(realPath)) return;
    seen.add(realPath);
    files.push({ path, realPath });
  };

  for (const input of inputs) {
    const kind = await pathKind(input);
    if (kind === 'file') {
      await add(input);
    } else if (kind === 'directory') {
      const found = await findImages(input);
      if (found.length === 0) problems.push({ input, message: 'directory holds no images' });
      for (const file of found) await add(file);
    } else if (kind === 'loop') {
      problems.push({ input, message: 'symbolic link loop' });
    } else if (await isPattern(input)) {
      const { glob } = await import('tinyglobby');
      const found = (await glob(input, { onlyFiles: true, caseSensitiveMatch: false })).sort();
      if (found.length === 0) problems.push({ input, message: 'pattern matches no file' });
      for (const file of found) await add(file);
    } else {
      problems.push({ input, message: 'no such file or directory' });
    }
  }
  return { files, problems };
}

async function pathKind(path: string): Promise<'file' | 'directory' | 'loop' | 'missing'> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : 'file';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : 'missing';
  }
}

async function isPattern(input: string): Promise<boolean> {
  const { isDynamicPattern } = await import('tinyglobby');
  return isDynamicPattern(input);
}

async function findImages(directory: string): Promise<string[]> {
  const { glob } = await import('tinyglobby');
  // Symbolic links are followed; a link back up the tree is not entered twice.
  const found = await glob(IMAGE_PATTERN, {
    cwd: directory,
    onlyFiles: true,
    caseSensitiveMatch: false,
    absolute: false,
  });
  return found.sort().map((file) => `${directory.replace(/\/+$/, '')}/${file}`);
}
