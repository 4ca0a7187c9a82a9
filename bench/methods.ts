/**
 * Speed of the threshold methods, one section per family: global methods (bench/methods-global.ts)
 * then local methods (bench/methods-local.ts).
 *
 *   npm run bench:methods [-- --shared <dir> --rounds 5 --image <file>
 *                            --megapixels 10 --local-rounds 3 --no-opencv]
 *
 * `--shared` is the folder holding `golden/` and `datasets/` (default: `../shared` beside the
 * repository); `--image` is the 8-bit image used for the global OpenCV.js comparison;
 * `--megapixels` the size of the synthetic page of the local section; `--no-opencv` skips the
 * local OpenCV.js comparison.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchGlobal } from './methods-global.js';
import { benchLocal } from './methods-local.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    shared: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    image: { type: 'string' },
    megapixels: { type: 'string', default: '10' },
    'local-rounds': { type: 'string', default: '3' },
    'no-opencv': { type: 'boolean', default: false },
  },
});
const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared'));

// Local (per-pixel) methods first: run after the global section, every local figure came out
// 30–50% slower than in a fresh process (the image-sized allocations then meet a larger heap),
// and a fresh process is what `autothresh predict --method sauvola` runs in.
await benchLocal({
  megapixels: Number(values.megapixels),
  rounds: Number(values['local-rounds']),
  opencv: !values['no-opencv'],
});

// Global (histogram) methods.
console.log('');
await benchGlobal({ sharedDir, rounds: Number(values.rounds), image: values.image });
process.exit(0);
