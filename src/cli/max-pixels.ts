/**
 * `--max-pixels`, shared by the commands that decode images (`predict`, `label`, `bench`).
 */
import { DEFAULT_MAX_PIXELS, MAX_PIXELS_LIMIT } from '../image/decode.js';
import { optionTypes } from './options.js';

export const MAX_PIXELS_FLAGS = '--max-pixels <n>';

/** The option's help; `what` names the files it limits (`image`, `image, mask or ROI`). */
export function maxPixelsHelp(what = 'image'): string {
  return `largest ${what} accepted, in pixels, up to ${MAX_PIXELS_LIMIT} ` +
    `(default ${DEFAULT_MAX_PIXELS})`;
}

/** The option's schema: an integer from 1 to the limit, the default when not given. */
export function maxPixelsOption() {
  return optionTypes.integer(1, MAX_PIXELS_LIMIT).default(DEFAULT_MAX_PIXELS);
}
