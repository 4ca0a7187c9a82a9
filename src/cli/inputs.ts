/**
 * Turning `predict`'s arguments (files, directories, globs) into a list of image files.
 * Directories are searched recursively for image extensions; a glob is expanded with tinyglobby.
 * Problems (missing path, a folder or glob with no images) are returned, not thrown, so that a
 * batch goes on with the inputs that exist.
 */
import { stat } from 'node:fs/promises';
import { glob, isDynamicPattern } from 'tinyglobby';

/** File extensions treated as images when searching directories. */
export const IMAGE_EXTENSIONS = [
  'png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'gif', 'avif', 'bmp',
] as const;

const IMAGE_PATTERN = `**/*.{${IMAGE_EXTENSIONS.join(',')}}`;

export interface InputProblem {
  input: string;
  message: string;
}

export async function expandInputs(
  inputs: readonly string[],
): Promise<{ files: string[]; problems: InputProblem[] }> {
  const files: string[] = [];
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };

  for (const input of inputs) {
    const kind = await pathKind(input);
    if (kind === 'file') {
      add(input);
    } else if (kind === 'directory') {
      const found = await findImages(input);
      if (found.length === 0) problems.push({ input, message: 'directory holds no images' });
      found.forEach(add);
    } else if (isDynamicPattern(input)) {
      const found = (await glob(input, { onlyFiles: true, caseSensitiveMatch: false })).sort();
      if (found.length === 0) problems.push({ input, message: 'pattern matches no file' });
      found.forEach(add);
    } else {
      problems.push({ input, message: 'no such file or directory' });
    }
  }
  return { files, problems };
}

async function pathKind(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

async function findImages(directory: string): Promise<string[]> {
  const found = await glob(IMAGE_PATTERN, {
    cwd: directory,
    onlyFiles: true,
    caseSensitiveMatch: false,
    absolute: false,
  });
  return found.sort().map((file) => `${directory.replace(/\/+$/, '')}/${file}`);
}
