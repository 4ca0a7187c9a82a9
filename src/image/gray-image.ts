/**
 * The decoded single-channel image that histograms, local methods and pixel metrics read.
 */

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** 8 for `Uint8Array` data, 16 for `Uint16Array` data. */
  readonly bitDepth: 8 | 16;
  /** Gray values, row-major, `width * height` of them. */
  readonly data: Uint8Array | Uint16Array;
  /**
   * Which pixels count (1) and which are left out (0), e.g. fully transparent pixels.
   * `null` when every pixel counts.
   */
  readonly included: Uint8Array | null;
}

/** A gray image plus where it came from and what the decoder noticed. */
export interface DecodedImage extends GrayImage {
  /** The path or name the image was read from, used in messages. */
  readonly source: string;
  /** Input container format as reported by the decoder (png, jpeg, tiff, webp, gif, bmp, …). */
  readonly format: string;
  /** Number of pages (frames) in the file; 1 for single-image formats. */
  readonly pageCount: number;
  /** The page that was decoded (0-based). */
  readonly page: number;
  /** Human-readable notes about choices made while decoding (one line each). */
  readonly warnings: readonly string[];
}

/** Creates a gray image, checking that the buffer length matches the size. */
export function createGrayImage(
  width: number,
  height: number,
  data: Uint8Array | Uint16Array,
  included: Uint8Array | null = null,
): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, received ${width}×${height}`);
  }
  if (data.length !== width * height) {
    throw new RangeError(`image data: expected ${width * height} values, received ${data.length}`);
  }
  if (included !== null && included.length !== data.length) {
    throw new RangeError(
      `included mask: expected ${data.length} values, received ${included.length}`,
    );
  }
  const bitDepth = data instanceof Uint16Array ? 16 : 8;
  return { width, height, bitDepth, data, included };
}
