/**
 * Pixel-level variants of a crop of an 8-bit labelled image: transforms whose effect on the
 * histogram depends on neighbouring pixels, so they are applied to pixels and counted again.
 * The mask is never changed, so the labels stay exact for the transformed image.
 * - `blur`: Gaussian blur of standard deviation `value` pixels (sharp / libvips);
 * - `jpeg`: JPEG encoding at quality `value` (1–100) and decoding back (sharp / libjpeg);
 * - `gradient`: uneven illumination, a linear ramp across the crop in direction `angle`
 *   (radians) from −value/2 to +value/2 gray levels: `v' = round(v + value · (s − ½))` clipped to
 *   0..255, where s ∈ [0, 1] is the pixel's normalized position along the direction.
 */
import type { Sharp } from 'sharp';
import { sharpOfOwnImage, sharpOfPixels } from '../image/sharp.js';
import { BIN_COUNT } from '../histogram/histogram.js';
import {
  BACKGROUND, FOREGROUND, type LabelledPixels,
} from './class-histograms.js';
import type { CountPair } from './photometric.js';
import type { CropRect } from './tiles.js';

export type PixelStep =
  | { kind: 'blur'; value: number }
  | { kind: 'jpeg'; value: number }
  | { kind: 'gradient'; value: number; angle: number };

/**
 * The pixels of `rect` (bins, classes and 16-bit values if any), as a new labelled image. The
 * bins are those of the whole image; see `augment.ts` for crops of 16-bit images.
 */
export function cropPixels(pixels: LabelledPixels, rect: CropRect): LabelledPixels {
  const bins = cropArray(pixels.bins, pixels.width, rect);
  const classes = cropArray(pixels.classes, pixels.width, rect);
  const values = pixels.values === null ? null : cropArray(pixels.values, pixels.width, rect);
  let foregroundCount = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i] === FOREGROUND) foregroundCount++;
  return {
    width: rect.width, height: rect.height, bins, values, classes, range: pixels.range,
    foregroundCount,
  };
}

function cropArray<T extends Uint8Array | Uint16Array>(
  array: T, width: number, rect: CropRect,
): T {
  const cropped = new (array.constructor as new (length: number) => T)(rect.width * rect.height);
  for (let row = 0; row < rect.height; row++) {
    const from = (rect.y + row) * width + rect.x;
    cropped.set(array.subarray(from, from + rect.width), row * rect.width);
  }
  return cropped;
}

/** Applies one pixel step to the gray values (bins) of an 8-bit labelled image. */
export async function transformPixels(
  pixels: LabelledPixels,
  step: PixelStep,
): Promise<Uint8Array> {
  const { width, height, bins } = pixels;
  switch (step.kind) {
    case 'blur':
      return grayOf(sharpOfPixels(bins, width, height).blur(step.value));
    case 'jpeg': {
      const jpeg = await sharpOfPixels(bins, width, height).jpeg({ quality: step.value })
        .toBuffer();
      return grayOf(sharpOfOwnImage(jpeg));
    }
    case 'gradient':
      return illuminationGradient(pixels, step.value, step.angle);
  }
}

/** One gray channel out of a sharp pipeline (libvips would otherwise give sRGB). */
async function grayOf(pipeline: Sharp): Promise<Uint8Array> {
  const { data } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

function illuminationGradient(
  pixels: LabelledPixels, amplitude: number, angle: number,
): Uint8Array {
  const { width, height, bins } = pixels;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const right = (width - 1) * cos;
  const bottom = (height - 1) * sin;
  const corners = [0, right, bottom, right + bottom];
  const low = Math.min(...corners);
  const span = Math.max(...corners) - low || 1;
  const result = new Uint8Array(bins.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const position = (x * cos + y * sin - low) / span;
      const value = Math.round(bins[y * width + x] + amplitude * (position - 0.5));
      result[y * width + x] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return result;
}

/** Class histograms of new gray values under the classes of `pixels`. */
export function countClasses(pixels: LabelledPixels, gray: Uint8Array): CountPair {
  const foreground = new Float64Array(BIN_COUNT);
  const background = new Float64Array(BIN_COUNT);
  const { classes } = pixels;
  for (let i = 0; i < gray.length; i++) {
    if (classes[i] === FOREGROUND) foreground[gray[i]]++;
    else if (classes[i] === BACKGROUND) background[gray[i]]++;
  }
  return { foreground, background };
}
