/**
 * The one way autothresh's image code loads sharp.
 *
 * sharp is loaded through `require` on first use: its ES-module entry reaches the same native
 * library through a second module graph and costs about 100 ms more at start-up, which every
 * `autothresh predict` run would pay. libvips' operation cache is switched off, since each file
 * is decoded once and the cache would only hold memory.
 */
import { createRequire } from 'node:module';

export type SharpFunction = typeof import('sharp').default;

let loaded: SharpFunction | undefined;

export function loadSharp(): SharpFunction {
  if (loaded === undefined) {
    loaded = createRequire(import.meta.url)('sharp') as SharpFunction;
    loaded.cache(false);
  }
  return loaded;
}

/**
 * A sharp pipeline over pixels autothresh holds in memory (one byte per channel, row-major),
 * or over an image it encoded itself. libvips' own pixel limit (about 268 million) is off: the
 * image these pixels come from has passed `--max-pixels` already, and encoding a result must
 * not refuse what decoding took.
 */
export function sharpOfPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3 = 1,
): ReturnType<SharpFunction> {
  return loadSharp()(pixels, { raw: { width, height, channels }, limitInputPixels: false });
}

/** A sharp pipeline over an encoded image that autothresh made itself (no pixel limit). */
export function sharpOfOwnImage(encoded: Buffer): ReturnType<SharpFunction> {
  return loadSharp()(encoded, { limitInputPixels: false });
}
