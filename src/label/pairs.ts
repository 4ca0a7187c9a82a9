/**
 * Matching the images of one folder with the masks of another by file name.
 *
 * An image `name.ext` is paired with the mask whose name without extension is `name` (any image
 * extension), or, failing that, `name_mask`, `name-mask`, `name_gt` or `name_GT`. Only files
 * with an image extension ({@link IMAGE_FILE_EXTENSIONS}, any case) take part; other files are
 * left out with one note per folder, and hidden files (starting with `.`) and subfolders are
 * ignored. Two masks with the same name (`H01.jpg`, `H01.png`): a lossless format (PNG, TIFF,
 * BMP, GIF) is preferred to one that may be lossy (WebP, AVIF), and that to JPEG, whose
 * compression blurs the mask's edges into gray values; among equals the first in sorted order
 * is used. A warning says which.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { AutothreshError, errorMessage } from '../errors.js';
import { IMAGE_EXTENSIONS } from '../image/formats.js';

/** Extensions of the image files that pairing looks at (formats the decoder reads). */
export const IMAGE_FILE_EXTENSIONS = IMAGE_EXTENSIONS;

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
  const byPreference = [...maskListing.files].sort((a, b) => lossRank(a) - lossRank(b));
  for (const file of byPreference) {
    const stem = stemOf(file);
    const chosen = masksByStem.get(stem);
    if (chosen === undefined) {
      masksByStem.set(stem, file);
    } else {
      const why = lossRank(chosen) < lossRank(file) ? ' (lossless formats are preferred)' : '';
      warnings.push(`${join(masksDir, file)}: same name as ${chosen}; using ${chosen}${why}`);
    }
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

/** Extensions of formats that are always lossy (JPEG) or may be (WebP, AVIF). */
const LOSSY_EXTENSIONS: readonly string[] = ['jpg', 'jpeg'];
const MAYBE_LOSSY_EXTENSIONS: readonly string[] = ['webp', 'avif'];

/** 0 for lossless formats, 1 for those that may be lossy, 2 for JPEG (sorts stably). */
function lossRank(file: string): number {
  const extension = extname(file).slice(1).toLowerCase();
  if (LOSSY_EXTENSIONS.includes(extension)) return 2;
  return MAYBE_LOSSY_EXTENSIONS.includes(extension) ? 1 : 0;
}

/**
 * Mask thresholds that JPEG's ringing does not cross: compressing a 0/255 mask leaves gray
 * values near its edges, up to a few dozen levels away from 0 and from 255.
 */
export const JPEG_SAFE_MASK_THRESHOLDS = { min: 64, max: 191 } as const;

/**
 * A warning when some of the pairs' masks are JPEG files and `maskThreshold` (mask values
 * `> maskThreshold` are foreground) lies outside {@link JPEG_SAFE_MASK_THRESHOLDS}, or null.
 * `option` is the flag that sets the threshold.
 */
export function jpegMaskWarning(
  masksDir: string,
  pairs: readonly ImageMaskPair[],
  maskThreshold: number,
  option = '--mask-threshold',
): string | null {
  const { min, max } = JPEG_SAFE_MASK_THRESHOLDS;
  if (maskThreshold >= min && maskThreshold <= max) return null;
  const jpeg = pairs.map((pair) => basename(pair.maskPath))
    .filter((file) => LOSSY_EXTENSIONS.includes(extname(file).slice(1).toLowerCase()));
  if (jpeg.length === 0) return null;
  const shown = jpeg.slice(0, 3).join(', ') + (jpeg.length > 3 ? ', …' : '');
  const count = jpeg.length === 1 ? '1 mask is' : `${jpeg.length} masks are`;
  return `${masksDir}: ${count} JPEG (${shown}): compression leaves gray values beside the ` +
    `mask's edges, which ${option} ${maskThreshold} puts on the wrong side; ${option} 127 ` +
    `is advisable (or lossless masks)`;
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

/** The image files of a folder (visible, with an image extension), sorted by name. */
export async function imageFilesIn(directory: string): Promise<string[]> {
  return (await listImageFiles(directory)).files;
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
