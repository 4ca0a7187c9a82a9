/**
 * Colour to gray conversion.
 *
 * Formula: ITU-R BT.601 luma on the gamma-encoded (non-linear sRGB) values,
 * `Y = 0.299 R + 0.587 G + 0.114 B`, rounded to the nearest integer (halves up), the same
 * integer arithmetic as Pillow's `convert('L')` (weights 19595, 38470, 7471 over 2^16). This
 * is also what scikit-image and OpenCV users see for 8-bit data up to rounding, and it makes
 * the histograms of autothresh identical to the reference histograms it is tested against.
 * 16-bit colour uses the same weights in floating point, rounded, keeping 16-bit precision.
 */

const RED_WEIGHT = 19595;
const GREEN_WEIGHT = 38470;
const BLUE_WEIGHT = 7471;

/** Luma weights of red, green and blue, in units of 2^-16 (they sum to 65536). */
export const LUMA_WEIGHTS = Object.freeze([RED_WEIGHT, GREEN_WEIGHT, BLUE_WEIGHT] as const);
const HALF = 0x8000;

/** Luma of one 8-bit RGB triple (0..255). */
export function luma8(red: number, green: number, blue: number): number {
  return (red * RED_WEIGHT + green * GREEN_WEIGHT + blue * BLUE_WEIGHT + HALF) >>> 16;
}

/** Luma of one 16-bit RGB triple (0..65535). */
export function luma16(red: number, green: number, blue: number): number {
  return Math.round((red * RED_WEIGHT + green * GREEN_WEIGHT + blue * BLUE_WEIGHT) / 65536);
}

/**
 * Converts interleaved pixels with `channels` channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)
 * to one gray channel. Alpha, when present, is returned as an inclusion mask: pixels with
 * alpha 0 are marked 0 (left out) unless `includeTransparent` is set.
 */
export function toGray(
  pixels: Uint8Array | Uint16Array,
  channels: number,
  includeTransparent: boolean,
): { gray: Uint8Array | Uint16Array; included: Uint8Array | null } {
  // One channel: the decoded buffer already is the gray image; no copy.
  if (channels === 1) return { gray: pixels, included: null };
  const pixelCount = pixels.length / channels;
  const sixteen = pixels instanceof Uint16Array;
  const gray = sixteen ? new Uint16Array(pixelCount) : new Uint8Array(pixelCount);
  const hasAlpha = channels === 2 || channels === 4;
  const included = hasAlpha && !includeTransparent ? new Uint8Array(pixelCount) : null;
  const luma = sixteen ? luma16 : luma8;

  for (let pixel = 0, offset = 0; pixel < pixelCount; pixel++, offset += channels) {
    gray[pixel] = channels >= 3
      ? luma(pixels[offset], pixels[offset + 1], pixels[offset + 2])
      : pixels[offset];
    if (included !== null) included[pixel] = pixels[offset + channels - 1] > 0 ? 1 : 0;
  }

  return { gray, included: included !== null && included.every((v) => v === 1) ? null : included };
}
