/**
 * Speed of `label` (originals, no augmentation) next to the floor it cannot beat by much:
 * thresholding the same images with Otsu, which decodes each image and counts its histogram.
 * Labelling also reads, hashes and decodes the mask, and writes the record file.
 *
 *   npm run bench:label [-- --sets dibco2011,… --shared <dir> --rounds 3 --mode cli|library|both]
 *
 * `cli` (run `npm run build` first; `npm run bench:label` does) times the built command lines
 * as a user runs them, start-up included:
 *   node dist/bundle/autothresh.js predict --method otsu -q --json <images>
 *   node dist/bundle/autothresh.js label --images <images> --masks <masks> -o <scratch>.jsonl -q
 * `library` times the same work inside this process: `thresholdFile(…, otsu)` over the images
 * with p-map at concurrency 2 (as `predict` runs it) against `labelFolder` (2 pairs in flight).
 *
 * Rounds alternate the two sides (and which one goes first), so that load from other processes
 * hits both alike. Per side: best of the rounds in images/s (wall clock) and in CPU ms per image
 * (all threads; for `cli` the child processes' user + system time from /proc/self/stat). CPU
 * time is the steadier figure on a busy machine. Target: label / otsu ≥ 0.8.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import { labelFolder } from '../src/label/label-folder.js';
import { thresholdFile } from '../src/predict.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repoRoot, 'dist', 'bundle', 'autothresh.js');
const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'isbi2012-em-membrane,dibco2011,dsb2018-bbbc038' },
    shared: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'both' },
  },
});
const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared', 'datasets'));
const rounds = Number(values.rounds);
const modes = values.mode === 'both' ? ['cli', 'library'] : [values.mode as string];

interface Run { images: number; seconds: number; cpuSeconds: number }
type Side = (output: string) => Promise<Run>;

/** User + system seconds of this process's finished children (NaN where /proc is missing). */
function childCpuSeconds(): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  // Fields after the command name (which may hold spaces): cutime, cstime are 14th and 15th.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

function runCli(args: string[]): { stdout: string; seconds: number; cpuSeconds: number } {
  const cpuBefore = childCpuSeconds();
  const start = performance.now();
  const result = spawnSync('node', [bin, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) {
    throw new Error(`autothresh ${args[0]} exited ${result.status}: ${result.stderr.trim()}`);
  }
  return { stdout: result.stdout, seconds, cpuSeconds: childCpuSeconds() - cpuBefore };
}

function cliSides(imagesDir: string, masksDir: string): Record<'otsu' | 'label', Side> {
  return {
    otsu: async () => {
      const run = runCli(['predict', '--method', 'otsu', '-q', '--json', imagesDir]);
      const images = run.stdout.split('\n').filter((line) => line !== '').length;
      return { images, seconds: run.seconds, cpuSeconds: run.cpuSeconds };
    },
    label: async (output) => {
      const run = runCli([
        'label', '--images', imagesDir, '--masks', masksDir, '-o', output, '-q', '--json',
      ]);
      const images = (JSON.parse(run.stdout) as { labelled: number }).labelled;
      return { images, seconds: run.seconds, cpuSeconds: run.cpuSeconds };
    },
  };
}

async function timed(task: () => Promise<number>): Promise<Run> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const images = await task();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { images, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function librarySides(imagesDir: string, masksDir: string): Record<'otsu' | 'label', Side> {
  return {
    otsu: () => timed(async () => {
      const files = (await readdir(imagesDir)).sort().map((name) => join(imagesDir, name));
      const options = { method: 'otsu', polarity: 'auto' } as const;
      await pMap(files, (file) => thresholdFile(file, options), { concurrency: 2 });
      return files.length;
    }),
    label: (output) => timed(async () => {
      const summary = await labelFolder({
        images: imagesDir, masks: masksDir, output, concurrency: 2,
      });
      return summary.labelled;
    }),
  };
}

interface Best { rate: number; cpuMs: number; images: number }

async function compare(
  sides: Record<'otsu' | 'label', Side>, output: string,
): Promise<Record<'otsu' | 'label', Best>> {
  // Warm-up (file cache, JIT), then interleaved rounds.
  await sides.otsu(output);
  await sides.label(output);
  const runs: Record<'otsu' | 'label', Run[]> = { otsu: [], label: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['otsu', 'label'] as const) : (['label', 'otsu'] as const);
    for (const side of order) runs[side].push(await sides[side](output));
  }
  const best = (list: Run[]): Best => ({
    images: list[0].images,
    rate: Math.max(...list.map((run) => run.images / run.seconds)),
    cpuMs: Math.min(...list.map((run) => (run.cpuSeconds * 1000) / run.images)),
  });
  return { otsu: best(runs.otsu), label: best(runs.label) };
}

const scratch = await mkdtemp(join(tmpdir(), 'autothresh-bench-label-'));
try {
  if (modes.includes('cli') && !existsSync(bin)) {
    throw new Error(`${bin} not found: run \`npm run build\` first`);
  }
  console.log(`best of ${rounds} interleaved rounds each; target ratio ≥ 0.8`);
  for (const set of (values.sets as string).split(',')) {
    const imagesDir = join(sharedDir, set, 'images');
    const masksDir = join(sharedDir, set, 'masks');
    for (const mode of modes) {
      const sides = mode === 'cli'
        ? cliSides(imagesDir, masksDir)
        : librarySides(imagesDir, masksDir);
      const { otsu, label } = await compare(sides, join(scratch, `${set}.jsonl`));
      const line = (best: Best): string => `${best.rate.toFixed(1).padStart(6)} images/s, ` +
        `${best.cpuMs.toFixed(2).padStart(6)} CPU ms/image`;
      console.log(`${set} (${otsu.images} images), ${mode}:`);
      console.log(`  otsu  ${line(otsu)}`);
      console.log(`  label ${line(label)}`);
      console.log(`  ratio ${(label.rate / otsu.rate).toFixed(2)} by wall clock, ` +
        `${(otsu.cpuMs / label.cpuMs).toFixed(2)} by CPU time`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
