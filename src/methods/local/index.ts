/**
 * The local (adaptive) threshold methods: names, descriptions, references, parameters, and two
 * entry points, {@link localThresholdMap} and {@link localThresholdMask}.
 *
 * Each method maps a gray image (8- or 16-bit) to a per-pixel threshold map in the image's own
 * units; {@link binarizeWithMap} turns a map into a foreground mask under a polarity
 * (`dark`: value ≤ T, `bright`: value > T), and {@link localThresholdMask} goes straight to the
 * mask without holding the map. Parameters share one set of names, which are also
 * the CLI options: `--window`, `--k`, `--c`, `--r`, `--contrast`, `--p`, `--q`; a method
 * refuses a parameter it does not take. A window larger than the image is clamped (see
 * `window.ts`).
 */
import { AutothreshError } from '../../errors.js';
import type { GrayImage } from '../../image/gray-image.js';
import {
  ADAPTIVE_GAUSSIAN_PARAMETERS, adaptiveGaussianThresholdMap, adaptiveGaussianThresholdRows,
} from './adaptive-gaussian.js';
import {
  ADAPTIVE_MEAN_PARAMETERS, adaptiveMeanThresholdMap, adaptiveMeanThresholdMask,
  adaptiveMeanThresholdRows,
} from './adaptive-mean.js';
import { BERNSEN_PARAMETERS, bernsenThresholdMap, bernsenThresholdRows } from './bernsen.js';
import type { Polarity } from './binarize.js';
import { NIBLACK_PARAMETERS, niblackThresholdMap, niblackThresholdRows } from './niblack.js';
import type {
  LocalParameterDefinition, LocalParams, LocalThresholdMethod, ThresholdMap,
} from './params.js';
import {
  PHANSALKAR_PARAMETERS, phansalkarThresholdMap, phansalkarThresholdRows,
} from './phansalkar.js';
import { SAUVOLA_PARAMETERS, sauvolaThresholdMap, sauvolaThresholdRows } from './sauvola.js';
import { type LocalThresholdRows, thresholdMaskFromRows } from './threshold-rows.js';
import { WOLF_PARAMETERS, wolfThresholdMap, wolfThresholdRows } from './wolf.js';

export { binarizeWithMap, type Polarity } from './binarize.js';
export { adaptiveGaussianThresholdMap } from './adaptive-gaussian.js';
export { adaptiveMeanThresholdMap } from './adaptive-mean.js';
export { bernsenThresholdMap } from './bernsen.js';
export { niblackThresholdMap } from './niblack.js';
export { phansalkarThresholdMap } from './phansalkar.js';
export { sauvolaThresholdMap } from './sauvola.js';
export { wolfThresholdMap } from './wolf.js';
export {
  LOCAL_PARAMETER_NAMES, type LocalParameterDefinition, type LocalParameterName,
  type LocalParams, type LocalThresholdMethod, type ParameterRule, type ThresholdMap,
} from './params.js';
export type { LocalThresholdRows, ThresholdRowVisitor } from './threshold-rows.js';

/** CLI names of the local methods. */
export const LOCAL_METHOD_NAMES = [
  'adaptive-mean',
  'adaptive-gaussian',
  'niblack',
  'sauvola',
  'wolf',
  'bernsen',
  'phansalkar',
] as const;

export type LocalMethodName = (typeof LOCAL_METHOD_NAMES)[number];

export interface LocalMethodInfo {
  readonly name: LocalMethodName;
  /** One line: what the threshold is. */
  readonly description: string;
  /** Short citation (authors, year, venue) or the implementation followed. */
  readonly reference: string;
  /**
   * How windows reaching past the image edge are filled: `reflect` (mirrored, edge pixel not
   * repeated), `replicate` (edge pixel repeated) or `clipped window` (see `window.ts`).
   */
  readonly border: 'reflect' | 'replicate' | 'clipped window';
  /** Parameters the method takes, with defaults (`null`: derived from the image). */
  readonly parameters: readonly LocalParameterDefinition[];
  readonly thresholdMap: LocalThresholdMethod;
  /** The same thresholds streamed row by row (see `threshold-rows.ts`). */
  readonly thresholdRows: LocalThresholdRows;
  /** A faster way to the same foreground mask, for methods that have one. */
  readonly thresholdMask?: (
    image: GrayImage,
    params: LocalParams,
    polarity: Polarity,
  ) => Uint8Array;
}

export const LOCAL_METHODS = Object.freeze({
  'adaptive-mean': {
    name: 'adaptive-mean',
    description: 'window mean minus c (OpenCV ADAPTIVE_THRESH_MEAN_C)',
    reference: 'OpenCV cv::adaptiveThreshold, ADAPTIVE_THRESH_MEAN_C',
    border: 'replicate',
    parameters: ADAPTIVE_MEAN_PARAMETERS,
    thresholdMap: adaptiveMeanThresholdMap,
    thresholdRows: adaptiveMeanThresholdRows,
    thresholdMask: adaptiveMeanThresholdMask,
  },
  'adaptive-gaussian': {
    name: 'adaptive-gaussian',
    description: 'Gaussian-weighted window mean minus c (OpenCV ADAPTIVE_THRESH_GAUSSIAN_C)',
    reference: 'OpenCV cv::adaptiveThreshold, ADAPTIVE_THRESH_GAUSSIAN_C',
    border: 'replicate',
    parameters: ADAPTIVE_GAUSSIAN_PARAMETERS,
    thresholdMap: adaptiveGaussianThresholdMap,
    thresholdRows: adaptiveGaussianThresholdRows,
  },
  niblack: {
    name: 'niblack',
    description: 'window mean plus k window standard deviations, T = m + k·s',
    reference: 'Niblack 1986, An Introduction to Digital Image Processing, pp. 115–116',
    border: 'reflect',
    parameters: NIBLACK_PARAMETERS,
    thresholdMap: niblackThresholdMap,
    thresholdRows: niblackThresholdRows,
  },
  sauvola: {
    name: 'sauvola',
    description: 'window mean scaled by the relative deviation, T = m·(1 + k·(s/r − 1))',
    reference: 'Sauvola & Pietikäinen 2000, Pattern Recognition 33(2):225–236',
    border: 'reflect',
    parameters: SAUVOLA_PARAMETERS,
    thresholdMap: sauvolaThresholdMap,
    thresholdRows: sauvolaThresholdRows,
  },
  wolf: {
    name: 'wolf',
    description: 'Sauvola normalized by the image minimum and largest window deviation',
    reference: 'Wolf & Jolion 2004, Pattern Analysis and Applications 6(4):309–326',
    border: 'reflect',
    parameters: WOLF_PARAMETERS,
    thresholdMap: wolfThresholdMap,
    thresholdRows: wolfThresholdRows,
  },
  bernsen: {
    name: 'bernsen',
    description: 'window mid-range (min + max) / 2 where the window contrast is high enough',
    reference: 'Bernsen 1986, Proc. 8th ICPR:1251–1255; ImageJ Auto_Local_Threshold rules',
    border: 'clipped window',
    parameters: BERNSEN_PARAMETERS,
    thresholdMap: bernsenThresholdMap,
    thresholdRows: bernsenThresholdRows,
  },
  phansalkar: {
    name: 'phansalkar',
    description: 'Sauvola on [0, 1] values, raised in dark windows by p·exp(−q·m)',
    reference: 'Phansalkar et al. 2011, ICCSP:218–220; ImageJ Auto_Local_Threshold',
    border: 'replicate',
    parameters: PHANSALKAR_PARAMETERS,
    thresholdMap: phansalkarThresholdMap,
    thresholdRows: phansalkarThresholdRows,
  },
} as const satisfies Record<LocalMethodName, LocalMethodInfo>);

/** True when `name` is one of {@link LOCAL_METHOD_NAMES}. */
export function isLocalMethodName(name: string): name is LocalMethodName {
  return (LOCAL_METHOD_NAMES as readonly string[]).includes(name);
}

/**
 * Threshold map of local method `name` on `image` (one threshold per pixel, image units).
 * Throws `autothresh.invalidParameter` for an unknown method, a parameter the method does not
 * take, or a value outside what a parameter accepts.
 */
export function localThresholdMap(
  name: LocalMethodName,
  image: GrayImage,
  params: LocalParams = {},
): ThresholdMap {
  return localMethod(name).thresholdMap(image, params);
}

/**
 * Foreground mask (1 = foreground) of local method `name` on `image` under `polarity`, equal to
 * `binarizeWithMap(image, localThresholdMap(name, image, params), polarity)` but computed row by
 * row, so the threshold map is never held in memory. Pixels left out by `image.included` are
 * background. Throws like {@link localThresholdMap}, and for an unknown polarity.
 */
export function localThresholdMask(
  name: LocalMethodName,
  image: GrayImage,
  params: LocalParams,
  polarity: Polarity,
): Uint8Array {
  const method = localMethod(name);
  if (method.thresholdMask !== undefined) return method.thresholdMask(image, params, polarity);
  return thresholdMaskFromRows(image, method.thresholdRows, params, polarity);
}

function localMethod(name: LocalMethodName): LocalMethodInfo {
  if (!isLocalMethodName(name)) {
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `local method: expected one of ${LOCAL_METHOD_NAMES.join(', ')}, ` +
        `received ${JSON.stringify(name)}`,
    );
  }
  return LOCAL_METHODS[name];
}
