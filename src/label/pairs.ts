/**
 * Matching the images of one folder with the masks of another by file name.
 *
 * An image `name.ext` is paired with the mask whose name without extension is `name` (any image
 * extension), or, failing that, `name_mask`, `name-mask`, `name_gt` or `name_GT`. Only files
 * with an image extension ({@link IMAGE_FILE_EXTENSIONS}, any case) take part; other files are
 * left out with one note per folder, and hidden files (starting with `.`) and subfolders are
 * ignored. Two masks with the same name (`H01.bmp`, `H01.png`): the first in sorted order is
 * used, with a warning saying which.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';

/** Extensions of the image files that pairing looks at (formats the decoder reads). */
export const IMAGE_FILE_EXTENSIONS = [
  'png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'gif', 'avif', 'bmp',
] as const;

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

export interface FoundPairs {
  pairs: ImageMaskPair[];
  /** Images without a mask. */
  problems: PairProblem[];
  /** Notes that do not stop anything: files left out, two masks of one name. */
  warnings: string[];
}

/** Pairs every image of `imagesDir` with its mask in `masksDir`, listing images without one. */
export async function findPairs(imagesDir: string, masksDir: string): Promise<FoundPairs> {
  const [imageListing, maskListing] = await Promise.all([
    listImageFiles(imagesDir), listImageFiles(masksDir),
  ]);
  const warnings = [imageListing, maskListing].flatMap((listing, index) =>
    leftOutNote([imagesDir, masksDir][index], listing.leftOut));
  const masksByStem = new Map<string, string>();
  for (const file of maskListing.files) {
    const stem = stemOf(file);
    const first = masksByStem.get(stem);
    if (first === undefined) masksByStem.set(stem, file);
    else warnings.push(`${join(masksDir, file)}: same name as ${first}; using ${first}`);
  }
  const imageFiles = imageListing.files;

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
  return { pairs, problems, warnings };
}

function leftOutNote(directory: string, leftOut: string[]): string[] {
  if (leftOut.length === 0) return [];
  const shown = leftOut.slice(0, 3).join(', ') + (leftOut.length > 3 ? ', …' : '');
  const files = `${leftOut.length} ${leftOut.length === 1 ? 'file' : 'files'}`;
  return [`${directory}: left out ${files} without an image extension (${shown})`];
}

/** True when `file` ends in one of {@link IMAGE_FILE_EXTENSIONS} (any case). */
export function hasImageExtension(file: string): boolean {
  const extension = extname(file).slice(1).toLowerCase();
  return (IMAGE_FILE_EXTENSIONS as readonly string[]).includes(extension);
}

/** Visible regular files of a folder, sorted by name: images, and the others left out. */
async function listImageFiles(directory: string): Promise<{ files: string[]; leftOut: string[] }> {
  const names = await listFiles(directory);
  return {
    files: names.filter(hasImageExtension),
    leftOut: names.filter((name) => !hasImageExtension(name)),
  };
}

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
 * is called `images` (`set/images` → `set`), else the folder's own name. The folder is resolved
 * first, so `images`, `./images/` and `/data/set/images` all give `set`.
 */
export function datasetNameOf(imagesDir: string): string {
  const folder = resolve(imagesDir);
  const name = basename(folder);
  if (name === 'images') return basename(dirname(folder)) || name;
  return name || 'unnamed';
}

/**
 * An image's path relative to the parent of its collection folder (`set/images/x.png`), from
 * the resolved paths, so it does not depend on how the folder was typed.
 */
export function sourceOf(imagePath: string, imagesDir: string): string {
  const folder = resolve(imagesDir);
  const collection = basename(folder) === 'images' ? dirname(folder) : folder;
  return relative(dirname(collection), resolve(imagePath)).split('\\').join('/');
}
