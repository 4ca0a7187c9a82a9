/**
 * Window geometry shared by the local methods: the window actually used on an image, and how
 * pixels outside the image are filled in.
 *
 * Window larger than the image: the side is clamped, per axis, to the largest odd length that
 * fits the image (a 31-pixel window on a 20×100 image becomes 19 wide and 31 tall; a 2-pixel
 * wide image gets a 1-pixel wide window). Clamping keeps every window inside one reflection of
 * the image, so each border rule below stays well defined. OpenCV and scikit-image instead fold
 * the border again and again, so results differ from theirs only when a window is clamped.
 */

/** Width and height of a window, both odd, in pixels. */
export interface WindowShape {
  readonly width: number;
  readonly height: number;
}

/**
 * How a window reaching past the image edge is filled:
 * - `reflect`: mirrored about the edge pixel, which is not repeated (`dcb|abcd|cba`);
 *   NumPy's `np.pad(mode='reflect')`, used by scikit-image's Niblack and Sauvola;
 * - `replicate`: the edge pixel repeated (`aaa|abcd|ddd`); OpenCV's `BORDER_REPLICATE`, and the
 *   nearest-edge-pixel rule of ImageJ's rank filters.
 */
export type BorderMode = 'reflect' | 'replicate';

/** The window used for a `window`-pixel square on `image`, clamped per axis (see above). */
export function windowShape(
  window: number,
  image: { readonly width: number; readonly height: number },
): WindowShape {
  return { width: clampSide(window, image.width), height: clampSide(window, image.height) };
}

function clampSide(window: number, side: number): number {
  const largestOdd = side % 2 === 1 ? side : side - 1;
  return Math.min(window, largestOdd);
}

/**
 * Source index of every position of a line of `length` pixels padded by `radius` on both
 * sides: entry q holds the pixel that padded position q (image position q − radius) reads.
 * `radius` must be below `length` (true for clamped windows).
 */
export function borderIndex(length: number, radius: number, border: BorderMode): Int32Array {
  const index = new Int32Array(length + 2 * radius);
  const last = length - 1;
  for (let q = 0; q < index.length; q++) {
    const position = q - radius;
    if (border === 'replicate') {
      index[q] = Math.min(last, Math.max(0, position));
    } else {
      index[q] = position < 0 ? -position : position > last ? 2 * last - position : position;
    }
  }
  return index;
}
