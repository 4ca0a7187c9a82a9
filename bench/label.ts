/**
 * Speed of `label` (originals, no augmentation) next to the floor it cannot beat by much:
 * decoding each image and thresholding it with Otsu (`readImage` + `histogramOf` + otsu).
 * Labelling also reads, hashes and decodes the mask and writes the record file.
 *
 *   npm run bench:label [-- --set dibco2011 --shared <dir> --rounds 7]
 *
 * Prints images/s of both and their ratio (target ≥ 0.8), and CPU time per image (all threads),
 * which is steadier than wall-clock time on a busy machine. Both run with 2 images in flight.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { histogramOf } from '../src/histogram/count.js';
import { readImage } from '../src/image/decode.js';
import { labelFolder } from '../src/label/label-folder.js';
import { globalThreshold } from '../src/methods/global/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'isbi2012-em-membrane' },
    shared: { type: 'string' },
    rounds: { type: 'string', default: '7' },
  },
});
const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared', 'datasets'));
const setDir = join(sharedDir, values.set);
const imagesDir = join(setDir, 'images');
const rounds = Number(values.rounds);

async function decodeAndOtsu(): Promise<number> {
  const files = (await readdir(imagesDir)).sort().map((name) => join(imagesDir, name));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const image = await readImage(files[next++]);
      globalThreshold('otsu', histogramOf(image));
    }
  };
  await Promise.all([worker(), worker()]);
  return files.length;
}

async function label(output: string): Promise<number> {
  const summary = await labelFolder({
    images: imagesDir, masks: join(setDir, 'masks'), output, concurrency: 2,
  });
  return summary.labelled;
}

interface Measure { rate: number; cpuMs: number }

/** Images/s (wall clock) and CPU milliseconds per image (all threads) of one run. */
async function measure(task: () => Promise<number>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const count = await task();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: count / seconds, cpuMs: (used.user + used.system) / 1000 / count };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}

const scratch = await mkdtemp(join(tmpdir(), 'autothresh-bench-label-'));
try {
  const output = join(scratch, 'out.jsonl');
  await decodeAndOtsu();
  await label(output);
  // Interleaved rounds, so that load from other processes hits both alike.
  const floor: Measure[] = [];
  const labelling: Measure[] = [];
  for (let round = 0; round < rounds; round++) {
    floor.push(await measure(decodeAndOtsu));
    labelling.push(await measure(() => label(output)));
  }
  const floorRate = median(floor.map((m) => m.rate));
  const labelRate = median(labelling.map((m) => m.rate));
  const floorCpu = median(floor.map((m) => m.cpuMs));
  const labelCpu = median(labelling.map((m) => m.cpuMs));
  console.log(`set: ${values.set} (${imagesDir}), median of ${rounds} rounds`);
  const line = (rate: number, cpuMs: number): string =>
    `${rate.toFixed(1)} images/s, ${cpuMs.toFixed(2)} CPU ms/image`;
  console.log(`decode + otsu: ${line(floorRate, floorCpu)}`);
  console.log(`label:         ${line(labelRate, labelCpu)}`);
  console.log(`ratio:         ${(labelRate / floorRate).toFixed(2)} by wall clock, ` +
    `${(floorCpu / labelCpu).toFixed(2)} by CPU time (target ≥ 0.8)`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
