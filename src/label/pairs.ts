/**
 * Matching the images of one folder with the masks of another by file name.
 *
 * An image `name.ext` is paired with the mask whose name without extension is `name` (any
 * extension), or, failing that, `name_mask`, `name-mask`, `name_gt` or `name_GT`. Hidden files
 * (starting with `.`) and subfolders are ignored.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';

export interface ImageMaskPair {
  /** The image's file name without extension. */
  id: string;
  imagePath: string;
  maskPath: string;
}

export interface PairProblem {
  file: string;
  message: string;
}

const MASK_SUFFIXES = ['', '_mask', '-mask', '_gt', '_GT'];

/** Pairs every image of `imagesDir` with its mask in `masksDir`, listing images without one. */
export async function findPairs(
  imagesDir: string,
  masksDir: string,
): Promise<{ pairs: ImageMaskPair[]; problems: PairProblem[] }> {
  const [imageFiles, maskFiles] = await Promise.all([listFiles(imagesDir), listFiles(masksDir)]);
  const masksByStem = new Map<string, string>();
  for (const file of maskFiles) {
    const stem = stemOf(file);
    if (!masksByStem.has(stem)) masksByStem.set(stem, file);
  }

  const pairs: ImageMaskPair[] = [];
  const problems: PairProblem[] = [];
  for (const file of imageFiles) {
    const id = stemOf(file);
    const mask = MASK_SUFFIXES.map((suffix) => masksByStem.get(id + suffix)).find(Boolean);
    const imagePath = join(imagesDir, file);
    if (mask === undefined) {
      problems.push({ file: imagePath, message: `no mask named ${id}.* in ${masksDir}` });
    } else {
      pairs.push({ id, imagePath, maskPath: join(masksDir, mask) });
    }
  }
  return { pairs, problems };
}

/** Visible regular files of a folder, sorted by name. */
async function listFiles(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AutothreshError('autothresh.fileNotFound', `${directory}: no such folder`);
    }
    throw new AutothreshError(
      'autothresh.fileNotFound', `${directory}: cannot list folder (${errorMessage(error)})`,
    );
  }
}

function stemOf(file: string): string {
  return basename(file, extname(file));
}

/**
 * Name of the collection an images folder belongs to: its parent folder's name when the folder
 * is called `images` (`set/images` → `set`), else the folder's own name.
 */
export function datasetNameOf(imagesDir: string): string {
  const folder = basename(imagesDir.replace(/[\\/]+$/, ''));
  if (folder === 'images') return basename(dirname(imagesDir.replace(/[\\/]+$/, ''))) || folder;
  return folder || 'unnamed';
}

/** An image's path relative to the parent of its collection folder (`set/images/x.png`). */
export function sourceOf(imagePath: string, imagesDir: string): string {
  const trimmed = imagesDir.replace(/[\\/]+$/, '');
  const collection = basename(trimmed) === 'images' ? dirname(trimmed) : trimmed;
  return relative(dirname(collection), imagePath).split('\\').join('/');
}
