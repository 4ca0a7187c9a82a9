/**
 * The records `autothresh label` makes from one image + mask pair under a run's settings: the
 * image's own record, then its augmented records (crops, photometric and pixel-level variants),
 * every one carrying the run's settings and the image's record count in `labelling`.
 *
 * `scripts/build-datasets.ts` builds the committed datasets with these functions, so its records
 * are exactly those of the equivalent `autothresh label` command lines.
 */
import { augmentImage } from './augment.js';
import { classHistogramsOfPixels } from './class-histograms.js';
import {
  classHistogramsOfPair, labelledPixelsOf, loadPair, recordFromClasses, type LoadedPair,
} from './label.js';
import type { Objective } from './objectives.js';
import { datasetNameOf, sourceOf, type ImageMaskPair } from './pairs.js';
import type { Labelling, MaskLabelRecord } from './schema.js';

/** Everything that decides the records of a run (all of it is checked when resuming). */
export interface LabelSettings {
  objective: Objective;
  /** Mask values `> maskThreshold` are foreground. */
  maskThreshold: number;
  /** Random crops per image. */
  crops: number;
  /** Photometric variants per record (the whole image and each crop). */
  photometricVariants: number;
  /** Pixel-level variants per image. */
  pixelVariants: number;
  seed: number;
  /** Put before every id (e.g. `dibco2009/`). */
  idPrefix: string;
  /** Collection name of every record. */
  dataset: string;
  /** Mark the records `synthetic: true`. */
  synthetic: boolean;
}

/** Settings from optional parts, with the defaults of `autothresh label`. */
export function labelSettings(
  images: string, options: Partial<LabelSettings> = {},
): LabelSettings {
  return {
    objective: options.objective ?? 'fmeasure',
    maskThreshold: options.maskThreshold ?? 0,
    crops: options.crops ?? 0,
    photometricVariants: options.photometricVariants ?? 0,
    pixelVariants: options.pixelVariants ?? 0,
    seed: options.seed ?? 1,
    idPrefix: options.idPrefix ?? '',
    dataset: options.dataset ?? datasetNameOf(images),
    synthetic: options.synthetic ?? false,
  };
}

/** True when the settings ask for any augmented record. */
export function augments(settings: LabelSettings): boolean {
  return settings.crops + settings.photometricVariants + settings.pixelVariants > 0;
}

/** The `labelling` field of an image's records. */
export function labellingOf(settings: LabelSettings, imageRecords: number): Labelling {
  return {
    maskThreshold: settings.maskThreshold,
    crops: settings.crops,
    photometricVariants: settings.photometricVariants,
    pixelVariants: settings.pixelVariants,
    seed: settings.seed,
    idPrefix: settings.idPrefix,
    imageRecords,
  };
}

/** The id of a pair's own record. */
export function recordIdOf(pair: ImageMaskPair, settings: LabelSettings): string {
  return `${settings.idPrefix}${pair.id}`;
}

/** Reads, decodes and labels one pair: its own record first, then its augmented ones. */
export async function labelPairRecords(
  pair: ImageMaskPair,
  images: string,
  settings: LabelSettings,
  onWarning?: (message: string) => void,
  maxPixels?: number,
): Promise<MaskLabelRecord[]> {
  const loaded = await loadPair(pair.imagePath, pair.maskPath, maxPixels);
  return recordsOfLoadedPair(loaded, pair, images, settings, onWarning);
}

/** {@link labelPairRecords} for a pair already decoded. */
export async function recordsOfLoadedPair(
  loaded: LoadedPair,
  pair: ImageMaskPair,
  images: string,
  settings: LabelSettings,
  onWarning?: (message: string) => void,
): Promise<MaskLabelRecord[]> {
  // Per-pixel classes only when augmenting; otherwise one counting pass is enough.
  const pixels = augments(settings) ? labelledPixelsOf(loaded, settings.maskThreshold) : null;
  const base = recordFromClasses({
    id: recordIdOf(pair, settings),
    source: sourceOf(pair.imagePath, images),
    dataset: settings.dataset,
    imageSha256: loaded.imageSha256,
    maskSha256: loaded.maskSha256,
    width: loaded.image.width,
    height: loaded.image.height,
    classes: pixels === null
      ? classHistogramsOfPair(loaded, settings.maskThreshold)
      : classHistogramsOfPixels(pixels),
    objective: settings.objective,
    ...(settings.synthetic ? { synthetic: true } : {}),
  });
  const augmented = pixels === null ? [] : await augmentImage(base, pixels, {
    crops: settings.crops,
    photometric: settings.photometricVariants,
    pixelVariants: settings.pixelVariants,
    seed: settings.seed,
    objective: settings.objective,
    onWarning,
  });
  const labelling = labellingOf(settings, 1 + augmented.length);
  return [base, ...augmented].map((record) => ({ ...record, labelling }));
}
