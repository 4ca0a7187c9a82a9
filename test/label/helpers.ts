/** Shared test helpers for the labelling tests: sample paths and small image utilities. */
import { fileURLToPath } from 'node:url';
import { readImage } from '../../src/image/decode.js';
import { createGrayImage, type DecodedImage, type GrayImage } from '../../src/image/gray-image.js';

export const SAMPLES_DIR = fileURLToPath(new URL('../../datasets/samples/', import.meta.url));
export const SAMPLE_NAMES = [
  'dibco2009-H03', 'nuclei-nih3t3-dna-00', 'isbi2012-em-00', 'dsb2018-tissue-0bf33d3d',
] as const;

export const sampleImage = (name: string): string => `${SAMPLES_DIR}images/${name}.png`;
export const sampleMask = (name: string): string => `${SAMPLES_DIR}masks/${name}.png`;

/** A sample's image and mask, decoded with the project's decoder. */
export async function loadSample(
  name: string,
): Promise<{ image: DecodedImage; mask: DecodedImage }> {
  const [image, mask] = await Promise.all([
    readImage(sampleImage(name)), readImage(sampleMask(name)),
  ]);
  return { image, mask };
}

/** The pixels of a rectangle of an image (included mask cropped too). */
export function cropImage(
  image: GrayImage, x: number, y: number, width: number, height: number,
): GrayImage {
  const size = width * height;
  const data = image.bitDepth === 8 ? new Uint8Array(size) : new Uint16Array(size);
  const included = image.included === null ? null : new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const from = (y + row) * image.width + x + column;
      data[row * width + column] = image.data[from];
      if (included !== null) included[row * width + column] = (image.included as Uint8Array)[from];
    }
  }
  return createGrayImage(width, height, data, included);
}

/** Plain pixel-level scores, written independently of src/label/objectives.ts. */
export function pixelScores(
  tp: number, fp: number, fn: number, tn: number,
): Record<string, number> {
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return {
    fmeasure: tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    iou: tp + fp + fn === 0 ? 1 : tp / (tp + fp + fn),
    accuracy: (tp + tn) / (tp + fp + fn + tn),
    'balanced-accuracy': ((tp + fn === 0 ? 0 : tp / (tp + fn)) +
      (tn + fp === 0 ? 0 : tn / (tn + fp))) / 2,
    mcc: denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator,
  };
}

/**
 * Best threshold by binarizing the pixels at every t and counting (no histograms): ties go to
 * the middle (lower median) threshold.
 */
export function bruteForceBest(
  gray: ArrayLike<number>,
  truth: ArrayLike<boolean>,
  polarity: 'dark' | 'bright',
  objective: string,
): { threshold: number; score: number } {
  const values: number[] = [];
  for (let t = 0; t < 256; t++) {
    let tp = 0; let fp = 0; let fn = 0; let tn = 0;
    for (let i = 0; i < gray.length; i++) {
      const predicted = polarity === 'dark' ? gray[i] <= t : gray[i] > t;
      if (predicted && truth[i]) tp++;
      else if (predicted) fp++;
      else if (truth[i]) fn++;
      else tn++;
    }
    values.push(pixelScores(tp, fp, fn, tn)[objective]);
  }
  const top = Math.max(...values);
  const tied = values.flatMap((value, t) => (value === top ? [t] : []));
  return { threshold: tied[(tied.length - 1) >> 1], score: top };
}
