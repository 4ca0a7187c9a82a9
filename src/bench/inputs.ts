/**
 * Benchmark inputs reduced to what scoring needs: per image, its histogram, the class
 * histograms of the scored pixels, the DRD-weighted class histograms (image input only) and the
 * confusion counts of every local method.
 *
 * Image input (`--images` + `--masks`, optional `--roi`) reads each image and mask once; every
 * global method is later scored exactly from these 256-bin summaries, without touching pixels
 * again. Local methods are the only per-pixel cost. Labelled records (`--data`, see
 * `records.ts`) already hold the class histograms; they carry no pixels, so no DRD and no local
 * methods.
 *
 * Ground truth: a mask value `> maskThreshold` (default 0) is foreground. A mask without any
 * foreground pixel, or without any background pixel, among the scored pixels is refused (it
 * would score every method 0 or 1 whatever its threshold), as `label` refuses it.
 *
 * Scored pixels: those the image includes (not fully transparent) and, with a region of
 * interest, those inside it (ROI mask value > 0). The methods still see the whole image (its
 * histogram, its pixels): the region only limits where errors are counted.
 */
import { AutothreshError, errorMessage } from '../errors.js';
import { histogramOf } from '../histogram/count.js';
import type { Histogram, ValueRange } from '../histogram/histogram.js';
import { decodeImage, readInputFile } from '../image/decode.js';
import type { DecodedImage, GrayImage } from '../image/gray-image.js';
import { binsOf } from '../label/class-histograms.js';
import { sha256Of } from '../label/label.js';
import {
  bestThreshold, polarityOfClasses, type ClassHistograms, type Confusion, type Objective,
  type Polarity,
} from '../label/objectives.js';
import {
  datasetNameOf, findPairs, imageFilesIn, jpegMaskWarning, sourceOf, type FoundPairs,
} from '../label/pairs.js';
import {
  binarizeWithMap, LOCAL_METHODS, localThresholdMap, type LocalMethodName, type LocalParams,
} from '../methods/local/index.js';
import { folderProblem } from '../util/folders.js';
import { allInOrder } from '../util/in-order.js';
import { drdClassHistograms, drdSumOf, type DrdClassHistograms } from './drd.js';
import { complementConfusion, confusionOfMasks } from './metrics.js';
import type { BenchImage } from './results.js';

/** A folder of images, the folder of their ground-truth masks, and optionally ROI masks. */
export interface ImageSource {
  images: string;
  masks: string;
  roi?: string;
}

/** One image + mask pair to read (with its region of interest, if any). */
export interface PairInput {
  id: string;
  dataset: string;
  source: string;
  image: string;
  mask: string;
  roi?: string;
}

/** A local method's result on one image, under both polarities. */
export interface LocalOutcome {
  dark: { confusion: Confusion; drdSum: number };
  bright: { confusion: Confusion; drdSum: number };
}

/** An image (or record) ready for scoring. */
export interface PreparedImage {
  image: BenchImage;
  histogram: Histogram;
  /** Class histograms of the scored pixels (a record's own arrays for labelled records). */
  classes: ClassHistograms;
  /** `null` for labelled records (no pixels). */
  drd: DrdClassHistograms | null;
  /** Per local method: its outcome, or why it failed. */
  local: Map<string, LocalOutcome | { error: string }>;
}

/** A pair that could not be used, or a record file problem. */
export interface InputProblem {
  file: string;
  message: string;
  /** How many problems the entry stands for (`… and 12 more invalid lines`); default 1. */
  count?: number;
}

/**
 * Lists the pairs of every source; images without a mask (or ROI), and folders without any
 * image, become problems. A folder of a source that cannot be listed (missing, a file, not
 * readable) is a problem too, `<folder>: <what>`, and the source is left out. Warnings: files
 * left out, masks sharing a name, JPEG masks under a `maskThreshold` (mask values
 * `> maskThreshold` are foreground) that their ringing crosses. Throws `autothresh.usage` for a
 * `roi` folder without a single image file (every image of the source would fail), before any
 * image is read.
 */
export async function listPairs(
  sources: readonly ImageSource[],
  maskThreshold = 0,
): Promise<{ pairs: PairInput[]; problems: InputProblem[]; warnings: string[] }> {
  const pairs: PairInput[] = [];
  const problems: InputProblem[] = [];
  const warnings: string[] = [];
  for (const source of sources) {
    const unlisted = await unlistedFolders(source);
    if (unlisted.length > 0) {
      problems.push(...unlisted);
      continue;
    }
    const found = await findPairs(source.images, source.masks);
    for (const problem of found.problems) problems.push(problem);
    for (const warning of found.warnings) warnings.push(warning);
    const jpeg = jpegMaskWarning(source.masks, found.pairs, maskThreshold);
    if (jpeg !== null) warnings.push(jpeg);
    if (found.pairs.length === 0 && found.problems.length === 0) {
      problems.push({ file: source.images, message: 'no image files in this folder' });
    }
    const regions = source.roi === undefined ? null : await regionsOf(source.images, source.roi);
    const roiById = new Map(regions?.pairs.map((pair) => [pair.id, pair.maskPath]));
    const dataset = datasetNameOf(source.images);
    for (const pair of found.pairs) {
      const roi = roiById.get(pair.id);
      if (source.roi !== undefined && roi === undefined) {
        const message = `no ROI mask named ${pair.id}.* in ${source.roi}`;
        problems.push({ file: pair.imagePath, message });
        continue;
      }
      pairs.push({
        id: pair.id,
        dataset,
        source: sourceOf(pair.imagePath, source.images),
        image: pair.imagePath,
        mask: pair.maskPath,
        ...(roi === undefined ? {} : { roi }),
      });
    }
  }
  return { pairs, problems, warnings };
}

/** The folders of a source (images, masks, ROI masks) that cannot be listed, and why. */
async function unlistedFolders(source: ImageSource): Promise<InputProblem[]> {
  const { images, masks, roi } = source;
  const folders = roi === undefined ? [images, masks] : [images, masks, roi];
  const problems: InputProblem[] = [];
  for (const folder of new Set(folders)) {
    const message = await folderProblem(folder);
    if (message !== null) problems.push({ file: folder, message });
  }
  return problems;
}

/** The pairs of a source's images with its ROI masks; refuses a ROI folder without images. */
async function regionsOf(images: string, roi: string): Promise<FoundPairs> {
  const regions = await findPairs(images, roi);
  if (regions.pairs.length === 0 && (await imageFilesIn(roi)).length === 0) {
    throw new AutothreshError(
      'autothresh.usage',
      `option --roi: expected a folder of region-of-interest masks, received ` +
        `${JSON.stringify(roi)}, which holds no image file`,
    );
  }
  return regions;
}

/** Decoded pixels of a pair, as scoring sees them. */
export interface PairPixels {
  image: DecodedImage;
  /** Histogram bin of every pixel (the image histogram's bins). */
  bins: Uint8Array;
  range: ValueRange;
  /** Ground truth, 1 = foreground (mask value > the mask threshold). */
  truth: Uint8Array;
  /** 1 where the pixel is scored; `null` when every pixel is. */
  scored: Uint8Array | null;
  /** SHA-256 of the image file, as `label` takes it (`imageSha256`). */
  imageSha256: string;
}

/**
 * Reads an image, its mask and its ROI (each file once) and checks that the sizes agree. Mask
 * values `> maskThreshold` are foreground; ROI values `> 0` are scored. Files of more than
 * `maxPixels` pixels are refused (default: the decoder's).
 */
export async function readPairPixels(
  pair: PairInput,
  maskThreshold = 0,
  maxPixels?: number,
): Promise<PairPixels> {
  const [imageFile, maskFile, roiFile] = await allInOrder([
    readInputFile(pair.image),
    readInputFile(pair.mask),
    pair.roi === undefined ? null : readInputFile(pair.roi),
  ]);
  const decoding = allInOrder([
    decodeImage(imageFile, pair.image, { maxPixels }),
    decodeImage(maskFile, pair.mask, { includeTransparent: true, maxPixels, role: 'mask' }),
    roiFile === null ? null : decodeImage(roiFile, pair.roi!, {
      includeTransparent: true, maxPixels, role: 'region-of-interest mask',
    }),
  ]);
  // Hashed while libvips decodes (off this thread): under 1 ms for a 1 MB file.
  const imageSha256 = sha256Of(imageFile);
  const [image, mask, roi] = await decoding;
  for (const other of roi === null ? [mask] : [mask, roi]) checkSize(image, other);

  const { bins, range } = binsOf(image);
  const truth = above(mask, maskThreshold);
  const scored = scoredPixels(image, roi);
  return { image, bins, range, truth, scored, imageSha256 };
}

function checkSize(image: GrayImage & { source: string }, other: DecodedImage): void {
  if (image.width === other.width && image.height === other.height) return;
  throw new AutothreshError(
    'autothresh.mask',
    `${other.source}: mask is ${other.width}×${other.height} pixels, ` +
      `expected the image's ${image.width}×${image.height}`,
  );
}

/** 1 where the value is `> threshold`, else 0. */
function above(image: GrayImage, threshold: number): Uint8Array {
  const { data } = image;
  const ones = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) ones[i] = data[i] > threshold ? 1 : 0;
  return ones;
}

function scoredPixels(image: GrayImage, roi: GrayImage | null): Uint8Array | null {
  if (roi === null) return image.included;
  const scored = above(roi, 0);
  if (image.included !== null) {
    for (let i = 0; i < scored.length; i++) scored[i] &= image.included[i];
  }
  return scored;
}

export interface PrepareOptions {
  objective: Objective;
  /** Mask values `> maskThreshold` are foreground. Default 0. */
  maskThreshold?: number;
  /** Refuse files of more pixels. Default the decoder's (`DEFAULT_MAX_PIXELS`). */
  maxPixels?: number;
  /** Local methods to run on the pixels (names from `LOCAL_METHOD_NAMES`). */
  localMethods: readonly string[];
  /** Parameters of the local methods: each method takes those it uses (see `methods.ts`). */
  localParams?: LocalParams;
}

/** Reads and reduces one image + mask pair. */
export async function preparePair(
  pair: PairInput,
  options: PrepareOptions,
): Promise<PreparedImage> {
  const maskThreshold = options.maskThreshold ?? 0;
  const pixels = await readPairPixels(pair, maskThreshold, options.maxPixels);
  const { image, bins, truth, scored } = pixels;
  const classes = classHistogramsOf(bins, truth, scored);
  checkBothClasses(pair, classes, maskThreshold);
  const truthPolarity = polarityOfClasses(classes);
  const drd = drdClassHistograms(bins, truth, image.width, image.height, scored);
  const local = runLocalMethods(pixels, drd, options);
  const histogram = histogramOf(image);
  const bestThresholds = bestThresholdsOf(classes, options.objective);
  return {
    image: {
      id: pair.id,
      dataset: pair.dataset,
      source: pair.source,
      width: image.width,
      height: image.height,
      truthPolarity,
      bestThreshold: bestThresholds[truthPolarity],
      bestThresholds,
      histogram: Array.from(histogram.counts),
      files: {
        image: pair.image,
        mask: pair.mask,
        ...(pair.roi === undefined ? {} : { roi: pair.roi }),
      },
      imageSha256: pixels.imageSha256,
    },
    histogram,
    classes,
    drd,
    local,
  };
}

/**
 * The best threshold under `objective` for each polarity (an O(256) search each), but for the
 * one already `known` (an exact best threshold found by the same search, e.g. in labelling).
 */
export function bestThresholdsOf(
  classes: ClassHistograms,
  objective: Objective,
  known?: { polarity: Polarity; threshold: number },
): Record<Polarity, number> {
  const search = (polarity: Polarity) => known?.polarity === polarity
    ? known.threshold
    : bestThreshold(classes, polarity, objective).threshold;
  return { dark: search('dark'), bright: search('bright') };
}

function classHistogramsOf(
  bins: Uint8Array,
  truth: Uint8Array,
  scored: Uint8Array | null,
): { foreground: Float64Array; background: Float64Array } {
  const foreground = new Uint32Array(256);
  const background = new Uint32Array(256);
  for (let i = 0; i < bins.length; i++) {
    if (scored !== null && scored[i] === 0) continue;
    if (truth[i] === 1) foreground[bins[i]]++;
    else background[bins[i]]++;
  }
  return { foreground: Float64Array.from(foreground), background: Float64Array.from(background) };
}

/**
 * Throws `autothresh.mask` naming the mask when no pixel is scored, or when the scored pixels
 * hold no foreground or no background pixel.
 */
function checkBothClasses(
  pair: PairInput,
  classes: { foreground: Float64Array; background: Float64Array },
  maskThreshold: number,
): void {
  const foreground = countOf(classes.foreground);
  const background = countOf(classes.background);
  const inside = pair.roi === undefined ? '' : ` inside the region of interest (${pair.roi})`;
  const problem = foreground + background === 0
    ? `no pixel left to score${inside}`
    : foreground === 0
      ? `mask has no foreground pixel (no value > ${maskThreshold})${inside}`
      : background === 0
        ? `mask has no background pixel (every value > ${maskThreshold})${inside}`
        : null;
  if (problem !== null) throw new AutothreshError('autothresh.mask', `${pair.mask}: ${problem}`);
}

function countOf(counts: Float64Array): number {
  let sum = 0;
  for (const count of counts) sum += count;
  return sum;
}

/**
 * Runs each local method once (dark polarity) and derives the bright outcome: on scored pixels
 * the bright mask is the complement of the dark one (`value > T` versus `value ≤ T`).
 */
function runLocalMethods(
  pixels: PairPixels,
  drd: DrdClassHistograms,
  options: PrepareOptions,
): Map<string, LocalOutcome | { error: string }> {
  const outcomes = new Map<string, LocalOutcome | { error: string }>();
  const { image, truth, scored } = pixels;
  const totalWeight = countOf(drd.foreground) + countOf(drd.background);

  for (const name of options.localMethods) {
    try {
      const params = paramsOfMethod(name as LocalMethodName, options.localParams ?? {});
      const map = localThresholdMap(name as LocalMethodName, image, params);
      const predicted = binarizeWithMap(image, map, 'dark');
      const confusion = confusionOfMasks(truth, predicted, scored);
      const drdSum = drdSumOf(truth, predicted, image.width, image.height, scored);
      outcomes.set(name, {
        dark: { confusion, drdSum },
        bright: { confusion: complementConfusion(confusion), drdSum: totalWeight - drdSum },
      });
    } catch (error) {
      outcomes.set(name, { error: errorMessage(error) });
    }
  }
  return outcomes;
}

/** The parameters among `params` that local method `name` takes. */
export function paramsOfMethod(name: LocalMethodName, params: LocalParams): LocalParams {
  const taken = new Set<string>(LOCAL_METHODS[name].parameters.map((parameter) => parameter.name));
  return Object.fromEntries(Object.entries(params).filter(([key]) => taken.has(key)));
}
