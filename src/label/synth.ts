/**
 * Synthetic images with exact ground-truth masks, covering what the real sets lack: object
 * fractions from 0.5% to 60%, low and high contrast, both polarities, several object gray
 * levels, noise, blur, uneven illumination, textured backgrounds, and two kinds of shapes:
 * stroke-like (handwriting and print) and blob-like (cells, nuclei, defects).
 *
 * Rendering, per image, with every choice drawn from a generator seeded by (seed, index):
 * 1. shapes are drawn into the mask until the foreground reaches the target fraction;
 * 2. gray values: background level plus a smooth value-noise texture, objects at their own
 *    levels (one per shape, spread around the object level) with a weaker copy of the texture,
 *    plus an illumination field (linear ramp or vignette) over everything;
 * 3. Gaussian blur of the image (not the mask), additive Gaussian noise, rounding and clipping
 *    to 0..255.
 * The mask is the drawn shapes before blur, so the labels are what the objects really are.
 * Only plain arithmetic is used (no platform-dependent library), so the same seed gives the
 * same pixels, and PNG encoding (sharp) the same bytes for the same sharp version. The object
 * fraction aimed at is log-uniform in 0.5–58% for blobs and 0.5–30% for strokes; the fraction
 * reached is at least the target and at most 60% ({@link MAX_FOREGROUND_FRACTION}).
 */
import { renameSync } from 'node:fs';
import { lstat, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { sharpOfPixels } from '../image/sharp.js';
import { AutothreshError } from '../errors.js';
import { removedIfInterrupted } from '../util/atomic-write.js';
import { fileSystemProblem, isFileSystemError, outputFileError } from '../util/file-errors.js';
import { createFolder, trialProblem, tryWriteIn } from '../util/folders.js';
import { temporaryNameOf, temporaryNameProcess } from '../util/temporary-names.js';
import { createRandom, type Random } from '../util/random.js';
import { counted } from '../util/counts.js';
import { seedFor } from './augment.js';

export type SynthShape = 'blobs' | 'strokes';

/** Everything drawn for one synthetic image (stored beside the images as `params.jsonl`). */
export interface SynthParams {
  id: string;
  width: number;
  height: number;
  shape: SynthShape;
  polarity: 'dark' | 'bright';
  /** Foreground fraction aimed at, and reached. */
  targetFraction: number;
  foregroundFraction: number;
  /** Background and mean object gray levels, and the spread of per-shape object levels. */
  background: number;
  object: number;
  objectSpread: number;
  /** Texture amplitude (gray levels) and feature size (pixels). */
  texture: number;
  textureScale: number;
  illumination: { kind: 'ramp' | 'vignette'; amplitude: number; angle: number };
  /** Blur standard deviation in pixels (0: none) and noise standard deviation in gray levels. */
  blur: number;
  noise: number;
}

export interface SynthImage {
  params: SynthParams;
  /** 8-bit gray pixels and mask (255 foreground, 0 background), row-major. */
  image: Uint8Array;
  mask: Uint8Array;
}

/** Smallest foreground fraction aimed at. */
const MIN_FRACTION = 0.005;
/**
 * Largest foreground fraction aimed at, per shape: strokes (text) stay sparse; blobs aim at most
 * at 58%, which leaves room under the cap for the last blob.
 */
const MAX_TARGET: Record<SynthShape, number> = { blobs: 0.58, strokes: 0.3 };
/** No image has more foreground than this: a blob that would cross it is drawn smaller. */
export const MAX_FOREGROUND_FRACTION = 0.6;

/** Renders synthetic image number `index` (0-based) of the series seeded by `seed`. */
export function synthesizeImage(index: number, seed: number): SynthImage {
  const id = `synth-${String(index + 1).padStart(5, '0')}`;
  const random = createRandom(seedFor(seed, id));
  const width = random.integer(128, 384);
  const height = random.integer(128, 384);
  const shape: SynthShape = random.next() < 0.5 ? 'blobs' : 'strokes';
  const targetFraction = logUniform(random, MIN_FRACTION, MAX_TARGET[shape]);

  // Shapes: coverage grows until the target is reached.
  const levels = new Float32Array(width * height).fill(-1);
  const polarity = random.next() < 0.5 ? 'dark' : 'bright';
  const contrast = logUniform(random, 6, 170);
  const background = polarity === 'dark'
    ? random.uniform(contrast + 5, 250)
    : random.uniform(5, 250 - contrast);
  const object = polarity === 'dark' ? background - contrast : background + contrast;
  const objectSpread = random.uniform(0, 0.35) * contrast;
  // Object levels stay in 0..255 (−1 marks background in `levels`).
  const covered = drawShapes(levels, width, height, shape, targetFraction, () =>
    Math.min(255, Math.max(0, object + objectSpread * (random.next() * 2 - 1))), random);

  // Gray values: levels, texture, illumination, then blur and noise.
  const texture = random.next() < 0.6 ? random.uniform(0, 0.4 * contrast + 15) : 0;
  const textureScale = random.integer(4, 64);
  const illumination = {
    kind: random.next() < 0.5 ? 'ramp' as const : 'vignette' as const,
    amplitude: random.next() < 0.6 ? random.uniform(0, 80) : 0,
    angle: random.uniform(0, 2 * Math.PI),
  };
  const blur = random.next() < 0.5 ? random.uniform(0.4, 2.5) : 0;
  const noise = random.next() < 0.7 ? logUniform(random, 1, 30) : 0;
  const gray = shade(
    levels, width, height, background, texture, textureScale, illumination, random,
  );
  const blurred = blur > 0 ? gaussianBlur(gray, width, height, blur) : gray;
  const image = new Uint8Array(width * height);
  for (let i = 0; i < image.length; i++) {
    const value = Math.round(blurred[i] + noise * random.normal());
    image[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
  const mask = Uint8Array.from(levels, (level) => (level >= 0 ? 255 : 0));

  return {
    params: {
      id, width, height, shape, polarity, targetFraction: round(targetFraction, 4),
      foregroundFraction: round(covered / (width * height), 4), background: round(background, 2),
      object: round(object, 2), objectSpread: round(objectSpread, 2), texture: round(texture, 2),
      textureScale, illumination: {
        kind: illumination.kind, amplitude: round(illumination.amplitude, 2),
        angle: round(illumination.angle, 3),
      },
      blur: round(blur, 3), noise: round(noise, 2),
    },
    image,
    mask,
  };
}

export interface WriteSyntheticOptions {
  /** Replace a folder that is not empty (by default that is refused). */
  force?: boolean;
  /** Called after each image. */
  onImage?: () => void;
}

/**
 * Writes `count` synthetic pairs as `<dir>/images/<id>.png` and `<dir>/masks/<id>.png` (8-bit
 * gray PNG) and their parameters as `<dir>/params.jsonl`. Everything is written into a fresh
 * folder beside `directory`, which then takes its place (renames), so the result never mixes
 * files of two runs and an interrupted run leaves `directory` as it was. A `directory` that
 * exists and is not empty is refused (`autothresh.usage`) unless `force`, which replaces it when
 * it holds earlier synth output only (a `params.jsonl` of synth parameters, and in `images/` and
 * `masks/` only the `<id>.png` files of the images it lists); the current folder, or one that
 * holds it, is always refused. A symbolic link to a folder stays, and the folder it names is
 * replaced. A write that fails (`autothresh.write`) names the file of `directory` it was for
 * (`out/images/synth-00001.png: cannot write (no space left on the device)`), never the
 * staging folder.
 */
export async function writeSynthetic(
  directory: string,
  count: number,
  seed: number,
  options: WriteSyntheticOptions = {},
): Promise<SynthParams[]> {
  const exists = await checkOutputFolder(directory, options.force ?? false);
  // A symbolic link to a folder keeps pointing there: the folder it names is replaced.
  const place = exists ? await realpath(directory) : directory;
  await removeAbandonedStaging(place);
  const staging = siblingPath(place, 'tmp');
  try {
    return await removedIfInterrupted(staging, async () => {
      const all = await renderInto(staging, count, seed, options.onImage);
      await replaceFolder(place, staging, exists);
      return all;
    });
  } catch (error) {
    throw stagedWriteError(directory, staging, error);
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Throws `autothresh.usage` (`<what>: cannot write <dir> (<where>: <problem>)`) unless a folder
 * can be made where {@link writeSynthetic} makes its staging folder: beside `directory` when it
 * exists, else in its nearest existing parent. A trial entry is made there and removed at once,
 * which catches file systems such as /proc and /sys that take no new entries even from root.
 * Then the folder is checked as {@link writeSynthetic} checks it (`force` as there), with
 * messages that start `<what>: <dir>`.
 */
export async function checkSyntheticOutput(
  directory: string,
  what: string,
  force = false,
): Promise<void> {
  const target = resolve(directory);
  const exists = await stat(target).then(() => true, () => false);
  const failure = await tryWriteIn(exists ? dirname(target) : target);
  if (failure !== null) {
    const where = failure.at === target ? '' : `${failure.at}: `;
    throw new AutothreshError(
      'autothresh.usage',
      `${what}: cannot write ${directory} (${where}${trialProblem(failure.error)})`,
    );
  }
  await checkOutputFolder(directory, force, `${what}: ${directory}`);
}

/**
 * A failed write in `staging` as an `autothresh.write` error naming the path it stands for in
 * `directory`; other failures as {@link outputFileError} words them for `directory`.
 */
function stagedWriteError(directory: string, staging: string, error: unknown): AutothreshError {
  const failed = isFileSystemError(error) ? error.path : undefined;
  const inside = failed === undefined ? null : relative(staging, failed);
  if (inside === null || inside.startsWith('..')) return outputFileError(directory, error);
  const real = inside === '' ? directory : join(directory, inside);
  return new AutothreshError(
    'autothresh.write', `${real}: cannot write (${fileSystemProblem(error)})`, { cause: error },
  );
}

async function renderInto(
  directory: string, count: number, seed: number, onImage?: () => void,
): Promise<SynthParams[]> {
  await createFolder(join(directory, 'images'));
  await createFolder(join(directory, 'masks'));
  const all: SynthParams[] = [];
  for (let index = 0; index < count; index++) {
    const { params, image, mask } = synthesizeImage(index, seed);
    const [imagePng, maskPng] = await Promise.all([
      encodeGrayPng(image, params.width, params.height),
      encodeGrayPng(mask, params.width, params.height),
    ]);
    await writeFile(join(directory, 'images', `${params.id}.png`), imagePng);
    await writeFile(join(directory, 'masks', `${params.id}.png`), maskPng);
    all.push(params);
    onImage?.();
  }
  const lines = all.map((params) => `${JSON.stringify(params)}\n`).join('');
  await writeFile(join(directory, 'params.jsonl'), lines);
  return all;
}

/**
 * Whether `directory` exists; throws `autothresh.usage` when it is a file, the current folder or
 * one that holds it, or a folder with entries that `force` does not allow replacing. Messages
 * start with `subject`: `<directory>:` by default, `option --out: <directory>` for the CLI.
 */
async function checkOutputFolder(
  directory: string,
  force: boolean,
  subject = `${directory}:`,
): Promise<boolean> {
  const refuse = (problem: string): never => {
    throw new AutothreshError('autothresh.usage', `${subject} ${problem}`);
  };
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const link = await lstat(directory).then((info) => info.isSymbolicLink(), () => false);
    if (code === 'ENOENT' && !link) return false;
    return refuse(code === 'ENOENT'
      ? 'is a symbolic link to nothing'
      : code === 'ENOTDIR' ? 'exists and is not a folder'
        : `cannot be read (${fileSystemProblem(error)})`);
  }
  if (await holdsCurrentFolder(directory)) {
    refuse('is the current folder or holds it, which synth cannot replace (run from ' +
      'elsewhere, or choose another folder)');
  }
  if (entries.length > 0 && !force) {
    refuse(`is a folder that is not empty (${counted(entries.length, 'entry', 'entries')}); ` +
      'use --force to replace earlier synth output there, or choose another folder');
  }
  const foreign = entries.length > 0 ? await foreignEntries(directory, entries) : [];
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
    refuse(`holds entries that are not earlier synth output (${shown}); --force replaces only ` +
      'a folder of earlier synth output');
  }
  return true;
}

/** What a folder written by {@link writeSynthetic} holds. */
const SYNTH_ENTRIES = ['images', 'masks', 'params.jsonl'];
const SYNTH_ID = /^synth-\d{5,}$/;

/**
 * The entries of `directory` that are not earlier synth output, which `force` may replace: a
 * `params.jsonl` whose every line is the parameters of a synth image, and in `images/` and
 * `masks/` nothing but those images' `<id>.png` files.
 */
async function foreignEntries(directory: string, entries: readonly string[]): Promise<string[]> {
  const foreign = entries.filter((entry) => !SYNTH_ENTRIES.includes(entry));
  const ids = await synthIds(join(directory, 'params.jsonl'));
  if (ids === null && entries.includes('params.jsonl')) foreign.push('params.jsonl');
  for (const folder of ['images', 'masks'].filter((name) => entries.includes(name))) {
    const inside = await readdir(join(directory, folder), { withFileTypes: true })
      .catch(() => null);
    if (inside === null) {
      foreign.push(folder);
      continue;
    }
    for (const entry of inside) {
      const ours = entry.isFile() && entry.name.endsWith('.png') &&
        (ids?.has(entry.name.slice(0, -4)) ?? false);
      if (!ours) foreign.push(`${folder}/${entry.name}`);
    }
  }
  return foreign;
}

/** The image ids of a synth `params.jsonl`, or null when the file is missing or not synth's. */
async function synthIds(file: string): Promise<Set<string> | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let id: unknown;
    try {
      id = (JSON.parse(line) as { id?: unknown }).id;
    } catch {
      return null;
    }
    if (typeof id !== 'string' || !SYNTH_ID.test(id)) return null;
    ids.add(id);
  }
  return ids;
}

/** Whether the folder `directory` is the current folder or holds it. */
async function holdsCurrentFolder(directory: string): Promise<boolean> {
  const [folder, current] = await Promise.all([realpath(directory), realpath(process.cwd())]);
  const inside = relative(folder, current);
  return inside === '' || !(inside.startsWith('..') || isAbsolute(inside));
}

/**
 * Removes the staging folders that earlier runs left beside `place` when they were killed
 * outright (SIGKILL; the other signals remove their own): `.<name>.<pid>.<hex>.tmp` of a process
 * that no longer runs. They hold only drawn images, which any run draws again. A `.old` folder,
 * which may hold the previous output, is never touched.
 */
async function removeAbandonedStaging(place: string): Promise<void> {
  const folder = resolve(place);
  const parent = dirname(folder);
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const owner = temporaryNameProcess(name, basename(folder), 'tmp');
    if (owner === null || processRuns(owner)) continue;
    await rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Whether process `pid` runs (one this user may not signal runs too). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Puts the folder `staging` in place of `directory` (whose old content is removed). */
async function replaceFolder(directory: string, staging: string, exists: boolean): Promise<void> {
  if (!exists) {
    await createFolder(dirname(resolve(directory)));
    await rename(staging, directory);
    return;
  }
  // Both renames with no wait between: an interruption, handled between two steps of the event
  // loop, finds either the old folder in place or the new one, never none.
  const old = siblingPath(directory, 'old');
  renameSync(directory, old);
  renameSync(staging, directory);
  await removedIfInterrupted(old, () => rm(old, { recursive: true, force: true }));
}

/** A fresh hidden name beside `directory`, within the length a name may take. */
function siblingPath(directory: string, kind: string): string {
  const folder = resolve(directory);
  return join(dirname(folder), temporaryNameOf(basename(folder), kind));
}

/** 8-bit one-channel PNG (deterministic settings: compression 9, no adaptive filtering). */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharpOfPixels(pixels, width, height)
    .toColourspace('b-w')
    .png({ compressionLevel: 9, adaptiveFiltering: false })
    .toBuffer();
}

/**
 * Draws shapes into `levels` (−1 = background) until `target` of the pixels are covered, never
 * more than {@link MAX_FOREGROUND_FRACTION} of them.
 */
function drawShapes(
  levels: Float32Array, width: number, height: number, shape: SynthShape, target: number,
  nextLevel: () => number, random: Random,
): number {
  const wanted = Math.max(1, Math.round(target * width * height));
  const cap = Math.floor(MAX_FOREGROUND_FRACTION * width * height);
  const size = Math.min(width, height);
  let covered = 0;
  for (let attempt = 0; attempt < 20_000 && covered < wanted; attempt++) {
    const level = nextLevel();
    covered += shape === 'blobs'
      ? drawBlob(levels, width, height, level, blobRadius(size, target, random), cap - covered,
        random)
      : drawTextLine(levels, width, height, level, Math.min(wanted, cap) - covered, random);
  }
  return covered;
}

/** Blob radius: larger blobs for larger target fractions, 2–25% of the image side. */
function blobRadius(size: number, target: number, random: Random): number {
  const scale = 0.02 + 0.23 * Math.sqrt(target / 0.6);
  return Math.max(2, size * scale * random.uniform(0.5, 1.3));
}

/** A blob's shape: a rotated ellipse with a wavy boundary. */
interface Blob {
  cx: number; cy: number; rx: number; ry: number; theta: number;
  waves: number; waviness: number; phase: number;
}

/**
 * Draws a blob, returning the number of newly covered pixels. A blob that would cover more than
 * `room` new pixels is shrunk about its centre (halving its size, at most 12 times) until it
 * fits; one that never fits is not drawn.
 */
function drawBlob(
  levels: Float32Array, width: number, height: number, level: number, radius: number,
  room: number, random: Random,
): number {
  const blob: Blob = {
    cx: random.uniform(0, width),
    cy: random.uniform(0, height),
    rx: radius * random.uniform(0.6, 1.4),
    ry: radius * random.uniform(0.6, 1.4),
    theta: random.uniform(0, Math.PI),
    waves: random.integer(2, 7),
    waviness: random.uniform(0, 0.25),
    phase: random.uniform(0, 2 * Math.PI),
  };
  for (let shrink = 0; shrink <= 12; shrink++) {
    const pixels = blobPixels(blob, width, height);
    const added = pixels.reduce((count, i) => count + (levels[i] < 0 ? 1 : 0), 0);
    if (added <= room) {
      for (const i of pixels) levels[i] = level;
      return added;
    }
    blob.rx /= 2;
    blob.ry /= 2;
  }
  return 0;
}

/** Indices of the pixels whose centres fall inside `blob`. */
function blobPixels(blob: Blob, width: number, height: number): number[] {
  const { cx, cy, rx, ry, waves, waviness, phase } = blob;
  const reach = Math.ceil(Math.max(rx, ry) * (1 + waviness)) + 1;
  const cos = Math.cos(blob.theta);
  const sin = Math.sin(blob.theta);
  const inside: number[] = [];
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(height, cy + reach); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(width, cx + reach); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * cos + dy * sin) / rx;
      const v = (-dx * sin + dy * cos) / ry;
      const boundary = 1 + waviness * Math.sin(waves * Math.atan2(v, u) + phase);
      if (u * u + v * v <= boundary * boundary) inside.push(y * width + x);
    }
  }
  return inside;
}

/**
 * A line of "handwriting": glyph-sized groups of curved strokes (quadratic Bézier curves drawn
 * with a round pen) along a baseline. Stops early once `budget` pixels are covered.
 */
function drawTextLine(
  levels: Float32Array, width: number, height: number, level: number, budget: number,
  random: Random,
): number {
  const glyph = random.uniform(6, Math.max(8, Math.min(40, height / 4)));
  const pen = Math.max(0.6, glyph * random.uniform(0.05, 0.14));
  const baseline = random.uniform(glyph, Math.max(glyph + 1, height - 2));
  const slant = random.uniform(-0.3, 0.3);
  let x = random.uniform(-glyph, width * 0.5);
  const end = random.uniform(x + 3 * glyph, width + glyph);
  let added = 0;
  while (x < end && added < budget) {
    const strokes = random.integer(1, 3);
    for (let stroke = 0; stroke < strokes; stroke++) {
      const point = (): [number, number] => {
        const dy = -random.uniform(0, glyph);
        return [x + random.uniform(0, glyph * 0.8) - slant * dy, baseline + dy];
      };
      added += drawCurve(
        levels, width, height, level, pen, [point(), point(), point()], budget - added,
      );
    }
    x += glyph * random.uniform(0.7, 1.2) + (random.next() < 0.15 ? glyph : 0);
  }
  return added;
}

/**
 * A quadratic Bézier curve (start, control, finish) drawn with a round pen; stops once `budget`
 * new pixels are covered.
 */
function drawCurve(
  levels: Float32Array, width: number, height: number, level: number, pen: number,
  [start, control, finish]: Array<[number, number]>, budget: number,
): number {
  const length = Math.hypot(control[0] - start[0], control[1] - start[1]) +
    Math.hypot(finish[0] - control[0], finish[1] - control[1]);
  const steps = Math.max(2, Math.ceil(length * 2));
  let added = 0;
  for (let step = 0; step <= steps && added < budget; step++) {
    const t = step / steps;
    const a = (1 - t) * (1 - t);
    const b = 2 * (1 - t) * t;
    const c = t * t;
    const px = a * start[0] + b * control[0] + c * finish[0];
    const py = a * start[1] + b * control[1] + c * finish[1];
    added += drawDisc(levels, width, height, level, px, py, pen);
  }
  return added;
}

function drawDisc(
  levels: Float32Array, width: number, height: number, level: number,
  cx: number, cy: number, radius: number,
): number {
  let added = 0;
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius));
  const x0 = Math.max(0, Math.floor(cx - radius));
  const x1 = Math.min(width - 1, Math.ceil(cx + radius));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy > radius * radius) continue;
      const i = y * width + x;
      if (levels[i] < 0) added++;
      levels[i] = level;
    }
  }
  return added;
}

/** Gray values before blur and noise. */
function shade(
  levels: Float32Array, width: number, height: number, background: number,
  texture: number, textureScale: number,
  illumination: { kind: 'ramp' | 'vignette'; amplitude: number; angle: number },
  random: Random,
): Float64Array {
  const field = valueNoise(width, height, textureScale, random);
  const gray = new Float64Array(width * height);
  const cos = Math.cos(illumination.angle);
  const sin = Math.sin(illumination.angle);
  const diagonal = Math.hypot(width, height) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const dx = x - width / 2;
      const dy = y - height / 2;
      const light = illumination.kind === 'ramp'
        ? illumination.amplitude * ((dx * cos + dy * sin) / (2 * diagonal))
        : -illumination.amplitude * ((dx * dx + dy * dy) / (diagonal * diagonal) - 0.5);
      const base = levels[i] >= 0
        ? levels[i] + 0.3 * texture * field[i]
        : background + texture * field[i];
      gray[i] = base + light;
    }
  }
  return gray;
}

/** Smooth random field in [−1, 1]: two octaves of smoothstep-interpolated lattice noise. */
function valueNoise(width: number, height: number, scale: number, random: Random): Float64Array {
  const field = new Float64Array(width * height);
  for (const [cell, weight] of [[scale, 0.7], [Math.max(2, scale / 3), 0.3]] as const) {
    const columns = Math.ceil(width / cell) + 2;
    const rows = Math.ceil(height / cell) + 2;
    const lattice = Float64Array.from({ length: columns * rows }, () => random.next() * 2 - 1);
    for (let y = 0; y < height; y++) {
      const gy = y / cell;
      const row = Math.floor(gy);
      const fy = smoothstep(gy - row);
      for (let x = 0; x < width; x++) {
        const gx = x / cell;
        const column = Math.floor(gx);
        const fx = smoothstep(gx - column);
        const at = (r: number, c: number): number => lattice[r * columns + c];
        const top = at(row, column) + (at(row, column + 1) - at(row, column)) * fx;
        const bottom = at(row + 1, column) + (at(row + 1, column + 1) - at(row + 1, column)) * fx;
        field[y * width + x] += weight * (top + (bottom - top) * fy);
      }
    }
  }
  return field;
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Separable Gaussian blur with edge clamping (radius ⌈3σ⌉). */
export function gaussianBlur(
  values: Float64Array, width: number, height: number, sigma: number,
): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
    sum += kernel[k + radius];
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;

  const horizontal = new Float64Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let total = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = Math.min(width - 1, Math.max(0, x + k));
        total += kernel[k + radius] * values[y * width + xx];
      }
      horizontal[y * width + x] = total;
    }
  }
  const result = new Float64Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let total = 0;
      for (let k = -radius; k <= radius; k++) {
        const yy = Math.min(height - 1, Math.max(0, y + k));
        total += kernel[k + radius] * horizontal[yy * width + x];
      }
      result[y * width + x] = total;
    }
  }
  return result;
}

function logUniform(random: Random, low: number, high: number): number {
  return Math.exp(random.uniform(Math.log(low), Math.log(high)));
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
