/**
 * Speed of the threshold methods, one section per family.
 *
 *   npm run bench:methods [-- --shared <dir> --rounds 5 --image <file>]
 *
 * `--shared` is the folder holding `golden/` and `datasets/` (default: `../shared` beside the
 * repository); `--image` is the 8-bit image used for the OpenCV.js comparison.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchGlobal } from './methods-global.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    shared: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    image: { type: 'string' },
  },
});
const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared'));

// Global (histogram) methods.
await benchGlobal({ sharedDir, rounds: Number(values.rounds), image: values.image });
