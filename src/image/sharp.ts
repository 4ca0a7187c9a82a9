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
