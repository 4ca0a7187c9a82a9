/**
 * Choosing and drawing the images a report shows: those where the compared methods disagree
 * most, with small thumbnails of the input, the ground truth and each method's binarization.
 *
 * Binarizations are drawn as error maps: true foreground black, true background white, false
 * foreground (FP) red, missed foreground (FN) blue, unscored pixels (outside the region of
 * interest) light gray. Thumbnails are downscaled with sharp (longest side ≤ `maxSide` pixels)
 * and embedded as data: URIs, the input as JPEG and the maps as 16-colour palette PNGs (five
 * colours and their blends at the edges), so a report with six images stays under a megabyte.
 * Pixels are read again only for the chosen images.
 */
import { sharpOfPixels } from '../image/sharp.js';
import { readPairPixels, type PairInput } from '../bench/inputs.js';
import type { BenchImage, BenchResult, MethodSpec } from '../bench/results.js';
import type { Polarity } from '../label/objectives.js';

/** One panel of a gallery row. */
export interface GalleryPanel {
  label: string;
  caption: string;
  dataUri: string;
}

export interface GalleryEntry {
  image: BenchImage;
  /** Largest minus smallest F-measure among the shown methods on this image. */
  spread: number;
  panels: GalleryPanel[];
}

/**
 * Methods whose thresholds a report shows per image: the learned rows, the reference (Otsu) and
 * the oracle; without any of them, the first three global methods.
 */
export function featuredMethods(result: BenchResult): MethodSpec[] {
  const chosen = result.methods.filter((method) => method.kind === 'learned'
    || method.kind === 'oracle' || method.name === result.settings.reference);
  if (chosen.some((method) => method.kind !== 'oracle')) return chosen;
  const globals = result.methods.filter((method) => method.kind === 'global').slice(0, 3);
  return [...globals, ...chosen];
}

/** Image indices sorted by decreasing disagreement (F-measure spread) among `methods`. */
export function mostDisputed(
  result: BenchResult,
  methods: readonly MethodSpec[],
  filter: (image: BenchImage) => boolean = () => true,
): { index: number; spread: number }[] {
  const names = new Set(methods.map((method) => method.name));
  const low = new Float64Array(result.images.length).fill(Infinity);
  const high = new Float64Array(result.images.length).fill(-Infinity);
  for (const row of result.results) {
    if (!names.has(row.method) || row.metrics === null) continue;
    low[row.image] = Math.min(low[row.image], row.metrics.fmeasure);
    high[row.image] = Math.max(high[row.image], row.metrics.fmeasure);
  }
  return result.images
    .map((image, index) => ({ index, spread: high[index] - low[index], image }))
    .filter(({ spread, image }) => Number.isFinite(spread) && filter(image))
    .sort((a, b) => b.spread - a.spread || a.index - b.index)
    .map(({ index, spread }) => ({ index, spread }));
}

export interface GalleryOptions {
  /** Images shown. Default 6. */
  count?: number;
  /** Longest thumbnail side in pixels. Default 240. */
  maxSide?: number;
}

/** Gallery rows for the most disputed images that have pixels (image input). */
export async function buildGallery(
  result: BenchResult,
  options: GalleryOptions = {},
): Promise<GalleryEntry[]> {
  const methods = featuredMethods(result);
  const chosen = mostDisputed(result, methods, (image) => image.files !== undefined)
    .slice(0, options.count ?? 6);
  const entries: GalleryEntry[] = [];
  for (const { index, spread } of chosen) {
    const image = result.images[index];
    const panels = await panelsOf(result, index, methods, options.maxSide ?? 240);
    entries.push({ image, spread, panels });
  }
  return entries;
}

async function panelsOf(
  result: BenchResult,
  index: number,
  methods: readonly MethodSpec[],
  maxSide: number,
): Promise<GalleryPanel[]> {
  const image = result.images[index];
  const files = image.files!;
  const pair: PairInput = {
    id: image.id, dataset: image.dataset, source: image.source,
    image: files.image, mask: files.mask, ...(files.roi === undefined ? {} : { roi: files.roi }),
  };
  const pixels = await readPairPixels(
    pair, result.settings.maskThreshold, result.settings.maxPixels);
  const { width, height } = pixels.image;
  const size = thumbnailSize(width, height, maxSide);

  const panels: GalleryPanel[] = [
    {
      label: 'input',
      caption: `${width}×${height}`,
      dataUri: await grayThumbnail(pixels.bins, width, height, size),
    },
    {
      label: 'ground truth',
      caption: `foreground ${image.truthPolarity}`,
      dataUri: await mapThumbnail(truthColours(pixels.truth, pixels.scored), width, height, size),
    },
  ];
  for (const method of methods) {
    const row = result.results.find((item) => item.image === index && item.method === method.name);
    if (row?.threshold == null || row.polarity === null || row.metrics === null) continue;
    const { bins, truth, scored } = pixels;
    const colours = errorColours(bins, truth, scored, row.threshold, row.polarity);
    panels.push({
      label: method.name,
      caption: `t = ${row.threshold} (${row.polarity}), ` +
        `F = ${(100 * row.metrics.fmeasure).toFixed(2)}%`,
      dataUri: await mapThumbnail(colours, width, height, size),
    });
  }
  return panels;
}

function thumbnailSize(
  width: number,
  height: number,
  maxSide: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

async function grayThumbnail(
  bins: Uint8Array,
  width: number,
  height: number,
  size: { width: number; height: number },
): Promise<string> {
  const buffer = await sharpOfPixels(bins, width, height)
    .resize(size.width, size.height, { fit: 'fill' })
    .jpeg({ quality: 75 })
    .toBuffer();
  return `data:image/jpeg;base64,${buffer.toString('base64')}`;
}

async function mapThumbnail(
  rgb: Uint8Array,
  width: number,
  height: number,
  size: { width: number; height: number },
): Promise<string> {
  const buffer = await sharpOfPixels(rgb, width, height, 3)
    .resize(size.width, size.height, { fit: 'fill' })
    .png({ palette: true, colours: 16, compressionLevel: 9 })
    .toBuffer();
  return `data:image/png;base64,${buffer.toString('base64')}`;
}

const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];
const FALSE_FOREGROUND = [220, 40, 40];
const MISSED_FOREGROUND = [40, 90, 220];
const UNSCORED = [215, 215, 215];

function truthColours(truth: Uint8Array, scored: Uint8Array | null): Uint8Array {
  const rgb = new Uint8Array(truth.length * 3);
  for (let i = 0; i < truth.length; i++) {
    const colour = scored !== null && scored[i] === 0 ? UNSCORED : truth[i] === 1 ? BLACK : WHITE;
    rgb.set(colour, i * 3);
  }
  return rgb;
}

/** Error map of global threshold t under `polarity` (see the module comment for colours). */
export function errorColours(
  bins: Uint8Array,
  truth: Uint8Array,
  scored: Uint8Array | null,
  threshold: number,
  polarity: Polarity,
): Uint8Array {
  const rgb = new Uint8Array(truth.length * 3);
  for (let i = 0; i < truth.length; i++) {
    let colour: number[];
    if (scored !== null && scored[i] === 0) colour = UNSCORED;
    else {
      const atOrBelow = bins[i] <= threshold;
      const predicted = polarity === 'dark' ? atOrBelow : !atOrBelow;
      if (truth[i] === 1) colour = predicted ? BLACK : MISSED_FOREGROUND;
      else colour = predicted ? FALSE_FOREGROUND : WHITE;
    }
    rgb.set(colour, i * 3);
  }
  return rgb;
}
