/**
 * Writing single-channel 8-bit images (binarizations, masks) as PNG, atomically.
 */
import { sharpOfPixels } from './sharp.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Encodes `pixels` (one byte per pixel, row-major) as a grayscale PNG. */
export async function encodeGrayPng(
  pixels: Uint8Array,
  width: number,
  height: number,
): Promise<Buffer> {
  return sharpOfPixels(pixels, width, height)
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Encodes and writes a grayscale PNG; the file appears whole or not at all. */
export async function writeGrayPng(
  path: string,
  pixels: Uint8Array,
  width: number,
  height: number,
): Promise<void> {
  await writeFileAtomic(path, await encodeGrayPng(pixels, width, height));
}
