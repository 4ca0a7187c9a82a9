/**
 * Label-preserving augmentation: more labelled records from one image + mask, each with exact
 * class histograms and a record of how it was made (`augmentation`: crop, steps, seed).
 *
 * - Random crops at several scales (each side 25–100% of the image's), aligned to tiles so that
 *   their class histograms come from a prefix sum of per-tile histograms (see `tiles.ts`): exact
 *   and O(256) per crop, so hundreds of crops per image cost little. Crops of 16-bit images are
 *   binned again on the crop's own value range, as `predict` bins a cropped image (`--range
 *   data`), which costs one pass over the crop's pixels.
 * - Photometric variants of the original and of every crop (gamma, contrast, brightness,
 *   inversion, additive Gaussian noise), applied to the class histograms directly (see
 *   `photometric.ts`); inversion flips the polarity. Noise makes counts fractional (expected
 *   counts); they are rounded with `roundCounts` before the best threshold is searched, so a
 *   record is always self-consistent.
 * - Pixel-level variants (blur, JPEG re-encoding, illumination gradient, in turn) of random
 *   crops, transformed with sharp or in place and counted again (see `pixel-variants.ts`).
 *
 * Limitations: photometric and pixel-level variants need 8-bit data; for 16-bit images only
 * crops are made, and `onWarning` says so. Everything random comes from a generator seeded with
 * `seed` and the record id, so an image's records do not depend on which other images are
 * labelled with it, or in what order.
 */
import { createGrayImage } from '../image/gray-image.js';
import {
  classHistogramsOf, countSum, EXCLUDED, FOREGROUND, type LabelledPixels,
} from './class-histograms.js';
import { recordFromClasses } from './label.js';
import type { Objective } from './objectives.js';
import {
  applySteps, roundCounts, type CountPair, type PhotometricStep,
} from './photometric.js';
import { countClasses, cropPixels, transformPixels, type PixelStep } from './pixel-variants.js';
import type { Augmentation, MaskLabelRecord } from './schema.js';
import {
  buildTileGrid, cropClassHistograms, tileRect, type CropRect, type TileGrid,
} from './tiles.js';
import { createRandom, type Random } from '../util/random.js';

export interface AugmentOptions {
  /** Random tile-aligned crops per image. Default 0. */
  crops?: number;
  /** Photometric variants per record (the original and each crop). Default 0. */
  photometric?: number;
  /** Pixel-level variants (blur, JPEG, gradient in turn), each of a random crop. Default 0. */
  pixelVariants?: number;
  /** Default 1. */
  seed?: number;
  /** Default `fmeasure`. */
  objective?: Objective;
  /** Tile side for crops; default from the image size (`defaultTileSize`). */
  tileSize?: number;
  /** Told when asked-for variants cannot be made (16-bit images: crops only). */
  onWarning?: (message: string) => void;
}

type Steps = Augmentation['steps'];

/** Smallest crop side, as a fraction of the image side. */
const MIN_CROP_SCALE = 0.25;
const CROP_ATTEMPTS = 20;

/** A record to derive variants from: the whole image or a crop. */
interface Variantable {
  id: string;
  classes: CountPair;
  rect?: CropRect;
}

/** Makes one augmented record of the image (see {@link augmentImage}). */
type MakeRecord = (
  id: string, classes: RangedCounts, rect: CropRect | undefined, steps: Steps,
) => MaskLabelRecord;

/**
 * Augmented records of one labelled image (not including `base` itself), in this order: crops,
 * photometric variants of the whole image and of each crop, pixel-level variants. `base` is the
 * record of the whole image (ids, digests, source); `pixels` its per-pixel bins and classes.
 */
export async function augmentImage(
  base: MaskLabelRecord,
  pixels: LabelledPixels,
  options: AugmentOptions = {},
): Promise<MaskLabelRecord[]> {
  const seed = seedFor(options.seed ?? 1, base.id);
  const random = createRandom(seed);
  const eightBit = pixels.values === null;
  if (!eightBit && (options.photometric ?? 0) + (options.pixelVariants ?? 0) > 0) {
    options.onWarning?.(
      `${base.source}: 16-bit image: photometric and pixel-level variants need 8-bit data; ` +
        'made crops only',
    );
  }
  const make: MakeRecord = (id, classes, rect, steps) => recordFromClasses({
    id,
    source: base.source,
    dataset: base.dataset,
    imageSha256: base.imageSha256,
    maskSha256: base.maskSha256,
    width: rect?.width ?? pixels.width,
    height: rect?.height ?? pixels.height,
    classes: { ...classes, range: classes.range ?? pixels.range },
    objective: options.objective ?? base.objective,
    augmentation: { ...(rect === undefined ? {} : { crop: rect }), steps, seed },
    ...(base.synthetic === undefined ? {} : { synthetic: base.synthetic }),
  });

  const whole: Variantable = {
    id: base.id,
    classes: {
      foreground: Float64Array.from(base.foregroundHistogram),
      background: Float64Array.from(base.backgroundHistogram),
    },
  };
  const crops = cropVariantables(base.id, pixels, options, random);
  const photometric = eightBit ? options.photometric ?? 0 : 0;
  const pixelVariants = eightBit ? options.pixelVariants ?? 0 : 0;
  return [
    ...crops.map((crop) => make(crop.id, crop.classes, crop.rect, [])),
    ...[whole, ...crops].flatMap((item) => photometricRecords(item, photometric, make, random)),
    ...await pixelRecords(base.id, pixels, pixelVariants, make, random),
  ];
}

/** Random tile-aligned crops (exact, from tile prefix sums), ids `<id>/crop<n>`. */
function cropVariantables(
  id: string, pixels: LabelledPixels, options: AugmentOptions, random: Random,
): Variantable[] {
  const count = options.crops ?? 0;
  if (count === 0) return [];
  const grid = buildTileGrid(pixels, options.tileSize);
  return sampleCrops(grid, count, random).map((crop, index) => ({
    id: `${id}/crop${index + 1}`,
    classes: pixels.values === null ? crop.classes : sixteenBitCropClasses(pixels, crop.rect),
    rect: crop.rect,
  }));
}

/**
 * Whether a threshold can tell the classes apart at all: both hold pixels and their pixels
 * occupy at least two bins. A variant whose pixels all fall in one bin (every threshold scores
 * the same) teaches nothing and is not written.
 */
export function isSeparable(classes: CountPair): boolean {
  if (countSum(classes.foreground) === 0 || countSum(classes.background) === 0) return false;
  let occupied = 0;
  for (let bin = 0; bin < classes.foreground.length; bin++) {
    if (classes.foreground[bin] + classes.background[bin] > 0 && ++occupied === 2) return true;
  }
  return false;
}

/**
 * `count` photometric variants of one record, applied to its class histograms; a variant whose
 * pixels land in a single bin is left out (see {@link isSeparable}).
 */
function photometricRecords(
  item: Variantable, count: number, make: MakeRecord, random: Random,
): MaskLabelRecord[] {
  const records: MaskLabelRecord[] = [];
  for (let variant = 1; variant <= count; variant++) {
    const steps = photometricSteps(random);
    const classes = roundPair(applySteps(item.classes, steps));
    // A strong gamma, contrast or brightness step can push every pixel into one bin.
    if (!isSeparable(classes)) continue;
    records.push(make(`${item.id}/photo${variant}`, classes, item.rect, steps));
  }
  return records;
}

/**
 * Pixel-level variants of random crops (any crop, not only tile-aligned ones), skipping a crop
 * that lacks one of the classes or whose pixels land in a single bin.
 */
async function pixelRecords(
  id: string, pixels: LabelledPixels, count: number, make: MakeRecord, random: Random,
): Promise<MaskLabelRecord[]> {
  const records: MaskLabelRecord[] = [];
  for (let variant = 0; variant < count; variant++) {
    const rect = samplePixelRect(pixels, random);
    const step = pixelStep(variant, random);
    const cropped = cropPixels(pixels, rect);
    const classes = countClasses(cropped, await transformPixels(cropped, step));
    if (!isSeparable(classes)) continue;
    records.push(make(`${id}/${step.kind}${variant + 1}`, classes, rect, [step]));
  }
  return records;
}

/** Class histograms, with the value range of their bins when it is not the image's. */
type RangedCounts = CountPair & { range?: LabelledPixels['range'] };

/**
 * Class histograms of a crop of a 16-bit image on the crop's own value range: the crop's pixels
 * and classes made into an image and a mask again, and counted the way a cropped file would be.
 */
export function sixteenBitCropClasses(pixels: LabelledPixels, rect: CropRect): RangedCounts {
  const crop = cropPixels(pixels, rect);
  const included = crop.classes.includes(EXCLUDED)
    ? Uint8Array.from(crop.classes, (kind) => Number(kind !== EXCLUDED))
    : null;
  const maskValues = Uint8Array.from(crop.classes, (kind) => (kind === FOREGROUND ? 1 : 0));
  const image = createGrayImage(rect.width, rect.height, crop.values as Uint16Array, included);
  const mask = createGrayImage(rect.width, rect.height, maskValues);
  return classHistogramsOf(image, mask);
}

/** 32-bit seed of one image: FNV-1a of `seed:id`. */
export function seedFor(seed: number, id: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${id}`) {
    hash ^= char.codePointAt(0) as number;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Distinct tile-aligned crops with both classes present; each side 25–100% of the image's
 * (in whole tiles, never under 25% in pixels even with the narrower last tile). Fewer than
 * `count` when the image has too few distinct crops.
 */
export function sampleCrops(
  grid: TileGrid,
  count: number,
  random: Random,
): Array<{ rect: CropRect; classes: CountPair }> {
  const crops: Array<{ rect: CropRect; classes: CountPair }> = [];
  const seen = new Set<string>();
  const whole = `0,0,${grid.columns},${grid.rows}`;
  seen.add(whole);
  for (let index = 0; index < count; index++) {
    for (let attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
      const columns = tilesAtScale(grid.columns, minimumTiles(grid.width, grid), random);
      const rows = tilesAtScale(grid.rows, minimumTiles(grid.height, grid), random);
      const column0 = random.integer(0, grid.columns - columns);
      const row0 = random.integer(0, grid.rows - rows);
      const key = `${column0},${row0},${columns},${rows}`;
      if (seen.has(key)) continue;
      const rect = tileRect(grid, column0, row0, column0 + columns, row0 + rows);
      const classes = cropClassHistograms(grid, rect);
      if (!isSeparable(classes)) continue;
      seen.add(key);
      crops.push({ rect, classes });
      break;
    }
  }
  return crops;
}

function tilesAtScale(tiles: number, minimum: number, random: Random): number {
  const scale = random.uniform(MIN_CROP_SCALE, 1);
  return Math.min(tiles, Math.max(minimum, Math.round(scale * tiles)));
}

/**
 * Fewest tiles along a side of `side` pixels such that any run of them, the narrower last tile
 * included, spans at least 25% of the side: (n − 1) whole tiles + the last tile ≥ ⌈side / 4⌉.
 */
export function minimumTiles(side: number, grid: Pick<TileGrid, 'tileSize'>): number {
  const tiles = Math.ceil(side / grid.tileSize);
  const lastTile = side - (tiles - 1) * grid.tileSize;
  const needed = Math.ceil(side * MIN_CROP_SCALE);
  return Math.min(tiles, Math.max(1, 1 + Math.ceil((needed - lastTile) / grid.tileSize)));
}

/** A random side of a pixel-level crop: 25–100% of the image side, at least ⌈25%⌉ pixels. */
function cropSide(side: number, random: Random): number {
  const minimum = Math.ceil(side * MIN_CROP_SCALE);
  return Math.min(side, Math.max(minimum, Math.round(random.uniform(MIN_CROP_SCALE, 1) * side)));
}

function samplePixelRect(pixels: LabelledPixels, random: Random): CropRect {
  const width = cropSide(pixels.width, random);
  const height = cropSide(pixels.height, random);
  return {
    x: random.integer(0, pixels.width - width),
    y: random.integer(0, pixels.height - height),
    width,
    height,
  };
}

/**
 * A random chain of photometric steps (at least one), values rounded so that the recorded
 * values reproduce the transform exactly: gamma 0.5–2 (log-uniform), contrast gain 0.5–1.5,
 * brightness −40..40 gray levels, inversion (one chain in four), noise σ 2–20 gray levels.
 */
export function photometricSteps(random: Random): PhotometricStep[] {
  const steps: PhotometricStep[] = [];
  const gamma = (): PhotometricStep =>
    ({ kind: 'gamma', value: round(Math.exp(random.uniform(Math.log(0.5), Math.log(2))), 2) });
  const contrast = (): PhotometricStep =>
    ({ kind: 'contrast', value: round(random.uniform(0.5, 1.5), 2) });
  const brightness = (): PhotometricStep =>
    ({ kind: 'brightness', value: random.integer(-40, 40) });
  const noise = (): PhotometricStep => ({ kind: 'noise', value: round(random.uniform(2, 20), 1) });

  if (random.next() < 0.5) steps.push(gamma());
  if (random.next() < 0.5) steps.push(contrast());
  if (random.next() < 0.4) steps.push(brightness());
  if (random.next() < 0.25) steps.push({ kind: 'invert' });
  if (random.next() < 0.35) steps.push(noise());
  if (steps.length === 0) steps.push([gamma, contrast, brightness, noise][random.integer(0, 3)]());
  return steps;
}

/** Blur σ 0.6–2.5 px, JPEG quality 20–85, gradient ±20–80 gray levels, in turn. */
function pixelStep(variant: number, random: Random): PixelStep {
  switch (variant % 3) {
    case 0:
      return { kind: 'blur', value: round(random.uniform(0.6, 2.5), 2) };
    case 1:
      return { kind: 'jpeg', value: random.integer(20, 85) };
    default: {
      const magnitude = random.integer(20, 80);
      return {
        kind: 'gradient',
        value: random.next() < 0.5 ? -magnitude : magnitude,
        angle: round(random.uniform(0, 2 * Math.PI), 3),
      };
    }
  }
}

function roundPair(classes: CountPair): CountPair {
  return {
    foreground: roundCounts(classes.foreground),
    background: roundCounts(classes.background),
  };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
