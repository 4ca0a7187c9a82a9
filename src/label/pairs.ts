/**
 * Matching the images of one folder with the masks of another by file name.
 *
 * An image `name.ext` is paired with a mask whose name without extension is `name`, `name_mask`,
 * `name-mask`, `name_gt` or `name_GT` (any image extension). Only files with an image extension
 * ({@link IMAGE_FILE_EXTENSIONS}, any case) take part; other files are left out with one note
 * per folder, as are subfolders (not searched: one note per folder names them); hidden files
 * (starting with `.`) are ignored.
 *
 * When several masks match one image (`H01.jpg` and `H01.png`, or `H01.jpg` and
 * `H01_mask.png`), the format decides first, whatever the name pattern: a lossless format (PNG,
 * TIFF, BMP, GIF) before one that may be lossy (WebP, AVIF: the extension decides, the file is
 * not read, so a lossless WebP counts as possibly lossy), and that before JPEG, whose
 * compression blurs the mask's edges into gray values. Then the name pattern, in the order
 * above (the exact name first), then the first in sorted order. A warning names the image, the
 * masks and the one used.
 */
import type { Dirent } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { AutothreshError } from '../errors.js';
import { hasImageExtension, IMAGE_EXTENSIONS } from '../image/formats.js';
import { fileSystemProblem } from '../util/file-errors.js';
import { counted } from '../util/counts.js';

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
  /** Images without a mask (or the mask folder, when it holds no image file at all). */
  problems: PairProblem[];
  /** How many images have no mask (one problem may stand for all of them). */
  unpaired: number;
  /**
   * How many images were left out because another image has the same name but another
   * extension (they would share an id); each is a problem.
   */
  repeated: number;
  /** Notes that do not stop anything: files left out, several masks for one image. */
  warnings: string[];
}

/**
 * Pairs every image of `imagesDir` with its mask in `masksDir`, listing images without one
 * (`no mask named H01.* in <masks>`; a symbolic link to nothing as the broken link it is).
 */
export async function findPairs(imagesDir: string, masksDir: string): Promise<FoundPairs> {
  const [imageListing, maskListing] = await Promise.all([
    listImageFiles(imagesDir), listImageFiles(masksDir),
  ]);
  const warnings = [imageListing, maskListing].flatMap((listing, index) =>
    leftOutNote([imagesDir, masksDir][index], listing.leftOut, listing.subfolders));
  const masksByStem = new Map<string, string[]>();
  for (const file of maskListing.files) {
    masksByStem.set(stemOf(file), [...(masksByStem.get(stemOf(file)) ?? []), file]);
  }

  const pairs: ImageMaskPair[] = [];
  const problems: PairProblem[] = [];
  // No mask at all: one line for the folder, not one per image.
  if (maskListing.files.length === 0 && imageListing.files.length > 0) {
    problems.push({ file: masksDir, message: 'no image files in this folder' });
    return { pairs, problems, warnings, unpaired: imageListing.files.length, repeated: 0 };
  }
  const unpaired: { id: string; imagePath: string }[] = [];
  const unreadableMasks = await unreadableAmong(masksDir, imageListing.files
    .map((file) => maskCandidates(stemOf(file), masksByStem))
    .filter((candidates) => candidates.length > 1)
    .flatMap((candidates) => candidates.map((candidate) => candidate.file)));
  for (const file of imageListing.files) {
    const id = stemOf(file);
    const imagePath = join(imagesDir, file);
    const candidates = readableFirst(maskCandidates(id, masksByStem), unreadableMasks);
    if (candidates.length === 0) {
      unpaired.push({ id, imagePath });
      continue;
    }
    if (candidates.length > 1) {
      warnings.push(choiceWarning(imagePath, masksDir, candidates, unreadableMasks));
    }
    pairs.push({ id, imagePath, maskPath: join(masksDir, candidates[0].file) });
  }
  // Looked at all at once, as the listing follows links.
  const messages = await Promise.all(unpaired.map(async ({ id, imagePath }) =>
    await brokenLinkProblem(imagePath) ?? `no mask named ${id}.* in ${masksDir}`));
  unpaired.forEach(({ imagePath }, index) => {
    problems.push({ file: imagePath, message: messages[index] });
  });
  const unique = await withUniqueIds(pairs);
  return {
    pairs: unique.kept, problems: [...problems, ...unique.repeated], warnings,
    unpaired: problems.length, repeated: unique.repeated.length,
  };
}

/**
 * Images with the same name but different extensions (`H01.png`, `H01.jpg`) would share an id:
 * one is kept, a file that can be read before a broken link, then as for masks the lossless
 * format first, then the first in sorted order; each other one is a problem (`H01.jpg: same
 * name as H01.png; ids must be unique, image skipped`).
 */
async function withUniqueIds(pairs: readonly ImageMaskPair[]): Promise<{
  kept: ImageMaskPair[]; repeated: PairProblem[];
}> {
  const byId = new Map<string, ImageMaskPair[]>();
  for (const pair of pairs) byId.set(pair.id, [...(byId.get(pair.id) ?? []), pair]);
  const shared = pairs.filter((pair) => byId.get(pair.id)!.length > 1);
  const unreadable = await unreadableAmong('', shared.map((pair) => pair.imagePath));
  const broken = new Set(shared.filter((pair) => unreadable.has(pair.imagePath)));
  const rank = (pair: ImageMaskPair) => (broken.has(pair) ? 3 : lossRank(pair.imagePath));
  const chosen = new Map([...byId].map(([id, group]) => [id, [...group].sort((a, b) =>
    rank(a) - rank(b) ||
    (a.imagePath < b.imagePath ? -1 : a.imagePath > b.imagePath ? 1 : 0))[0]]));
  const repeated = pairs.filter((pair) => chosen.get(pair.id) !== pair).map((pair) => ({
    file: pair.imagePath,
    message: `same name as ${chosen.get(pair.id)!.imagePath}; ids must be unique, image ` +
      `skipped (${broken.has(pair) ? 'it cannot be read'
        : repeatReason(pair, chosen.get(pair.id)!)})`,
  }));
  return { kept: pairs.filter((pair) => chosen.get(pair.id) === pair), repeated };
}

function repeatReason(skipped: ImageMaskPair, kept: ImageMaskPair): string {
  if (lossRank(kept.imagePath) < lossRank(skipped.imagePath)) {
    return lossRank(kept.imagePath) === 0 ? 'lossless formats are preferred' : 'JPEG comes last';
  }
  return 'the first readable one in sorted order is kept';
}

/**
 * `broken symbolic link (to <target>)` when `path` is a symbolic link to nothing (what a file
 * that git-annex or LFS has not fetched looks like), else null: an image without a mask is
 * reported as the broken link it is, which no mask would make readable.
 */
async function brokenLinkProblem(path: string): Promise<string | null> {
  const missing = await stat(path).then(() => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT');
  if (!missing) return null;
  const target = await readlink(path).catch(() => null);
  return target === null ? null : `broken symbolic link (to ${target})`;
}

/**
 * Those of `files` (in `folder`) that cannot be read as a file: a symbolic link to nothing or a
 * loop, a FIFO, a socket, a device or a folder. Looked at all at once, as listings follow links.
 */
async function unreadableAmong(folder: string, files: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(files)];
  const readable = await Promise.all(unique.map((file) =>
    stat(join(folder, file)).then((info) => info.isFile(), () => false)));
  return new Set(unique.filter((_, index) => !readable[index]));
}

/** Candidates in their order, those that cannot be read moved last. */
function readableFirst(
  candidates: MaskCandidate[], unreadable: ReadonlySet<string>,
): MaskCandidate[] {
  return [...candidates].sort((a, b) =>
    Number(unreadable.has(a.file)) - Number(unreadable.has(b.file)));
}

/** A mask file that matches an image, and which name pattern it matched (index in suffixes). */
interface MaskCandidate {
  file: string;
  pattern: number;
}

/**
 * The masks matching image `id`, best first: lossless formats before maybe-lossy ones before
 * JPEG, then by name pattern (the exact name first), then in sorted order.
 */
function maskCandidates(id: string, masksByStem: ReadonlyMap<string, string[]>): MaskCandidate[] {
  const candidates = MASK_SUFFIXES.flatMap((suffix, pattern) =>
    (masksByStem.get(id + suffix) ?? []).map((file) => ({ file, pattern })));
  return candidates.sort((a, b) => lossRank(a.file) - lossRank(b.file) ||
    a.pattern - b.pattern || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * `<image>: masks a.jpg, a_mask.png in <masks> match; using a_mask.png (why)`, for candidates
 * sorted best first; the reason is what puts the chosen mask before the runner-up.
 */
function choiceWarning(
  imagePath: string,
  masksDir: string,
  candidates: readonly MaskCandidate[],
  unreadable: ReadonlySet<string>,
): string {
  const [chosen, runnerUp] = candidates;
  const names = candidates.map((candidate) => candidate.file).sort().join(', ');
  const reason = unreadable.has(runnerUp.file) && !unreadable.has(chosen.file)
    ? `${runnerUp.file} cannot be read` : choiceReason(chosen, runnerUp);
  return `${imagePath}: masks ${names} in ${masksDir} match; using ${chosen.file} (${reason})`;
}

function choiceReason(chosen: MaskCandidate, runnerUp: MaskCandidate): string {
  if (lossRank(chosen.file) < lossRank(runnerUp.file)) {
    return lossRank(chosen.file) === 0 ? 'lossless formats are preferred' : 'JPEG comes last';
  }
  if (chosen.pattern < runnerUp.pattern) {
    return chosen.pattern === 0 ? 'the exact name comes first'
      : `name patterns in order: ${MASK_SUFFIXES.map((suffix) => suffix || 'exact').join(', ')}`;
  }
  return 'the first in sorted order';
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

function leftOutNote(directory: string, leftOut: string[], subfolders: string[]): string[] {
  const notes: string[] = [];
  if (leftOut.length > 0) {
    notes.push(`${directory}: left out ${counted(leftOut.length, 'file')} without an image ` +
      `extension (${shown(leftOut)})`);
  }
  if (subfolders.length > 0) {
    notes.push(`${directory}: left out ${counted(subfolders.length, 'subfolder')} ` +
      `(${shown(subfolders)}): only the folder's own files are read`);
  }
  return notes;
}

/** The first three names, and an ellipsis when there are more. */
function shown(names: readonly string[]): string {
  return names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
}

/** The image files of a folder (visible, with an image extension), sorted by name. */
export async function imageFilesIn(directory: string): Promise<string[]> {
  return (await listImageFiles(directory)).files;
}

/**
 * The visible entries of a folder, sorted by name: files with an image extension, the other
 * files left out, and subfolders (not searched). Symbolic links are followed: one to a folder
 * is a subfolder, any other is a file. Entries that are not regular files (a link to nothing,
 * a FIFO, a device) are files too, so that one named like an image is reported when it is read
 * (`broken symbolic link`, `not a regular file`), not skipped without a word.
 */
async function listImageFiles(
  directory: string,
): Promise<{ files: string[]; leftOut: string[]; subfolders: string[] }> {
  const { files: names, subfolders } = await listFiles(directory);
  return {
    files: names.filter(hasImageExtension),
    leftOut: names.filter((name) => !hasImageExtension(name)),
    subfolders,
  };
}

async function listFiles(directory: string): Promise<{ files: string[]; subfolders: string[] }> {
  let entries: Dirent[];
  try {
    entries = (await readdir(directory, { withFileTypes: true }))
      .filter((entry) => !entry.name.startsWith('.'));
  } catch (error) {
    const problem = await folderProblem(directory, error) ?? fileSystemProblem(error);
    throw new AutothreshError('autothresh.fileNotFound', `${directory}: ${problem}`);
  }
  // Links are followed all at once: a folder of thousands of links (git-annex) lists fast.
  const isSubfolder = await Promise.all(entries.map((entry) => entry.isDirectory() ||
    (entry.isSymbolicLink() && isFolder(join(directory, entry.name)))));
  const names = (subfolder: boolean) => entries
    .filter((_, index) => isSubfolder[index] === subfolder).map((entry) => entry.name).sort();
  return { files: names(false), subfolders: names(true) };
}

/** Whether `path` (a symbolic link) leads to a folder; a link to nothing does not. */
async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** What keeps a folder from being listed: it is missing, is a file, or cannot be read. */
type FolderTrouble =
  | { kind: 'missing' }
  | { kind: 'file' }
  | { kind: 'unlisted'; problem: string };

/**
 * Why `directory` cannot be listed, or null when it can. `error` is the listing's own failure,
 * when there was one (it is not listed again).
 */
async function folderTrouble(directory: string, error?: unknown): Promise<FolderTrouble | null> {
  const info = await stat(directory).catch((failure: unknown) => failure as Error);
  if (info instanceof Error) {
    const code = (info as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'missing' }
      : { kind: 'unlisted', problem: fileSystemProblem(info) };
  }
  if (!info.isDirectory()) return { kind: 'file' };
  const failure = error ?? await readdir(directory).then(() => undefined, (cause) => cause);
  return failure === undefined ? null : { kind: 'unlisted', problem: fileSystemProblem(failure) };
}

/**
 * Why `directory` cannot be listed, in a few words that follow "<folder>: " (`no such folder`,
 * `is a file, not a folder`, `cannot list folder (permission denied)`), or null when it can.
 */
async function folderProblem(directory: string, error?: unknown): Promise<string | null> {
  const trouble = await folderTrouble(directory, error);
  if (trouble === null) return null;
  if (trouble.kind === 'missing') return 'no such folder';
  if (trouble.kind === 'file') return 'is a file, not a folder';
  return `cannot list folder (${trouble.problem})`;
}

/**
 * Throws `autothresh.usage` unless `directory` is a folder that can be listed; `what` names the
 * option: `option --images: data/x.png is a file, not a folder`, `… data/x does not exist`,
 * `… cannot list data/x (permission denied)`.
 */
export async function checkImageFolder(directory: string, what: string): Promise<void> {
  const trouble = await folderTrouble(directory);
  if (trouble === null) return;
  const sentence = trouble.kind === 'missing' ? `${directory} does not exist`
    : trouble.kind === 'file' ? `${directory} is a file, not a folder`
      : `cannot list ${directory} (${trouble.problem})`;
  throw new AutothreshError('autothresh.usage', `${what}: ${sentence}`);
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
