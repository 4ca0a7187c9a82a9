/**
 * Speed (and, on request, memory) of `autothresh predict`, next to a Python loop using OpenCV.
 *
 *   npm run bench:predict [-- <image folder>] [--runs 3] [--memory]
 *
 * Prints, for the images of the folder (default ../shared/datasets/dibco2011/images):
 * - wall time, images/s and MB/s (compressed file bytes) of `autothresh predict --method otsu`
 *   over the whole folder, and of the default (learned) method;
 * - the same for `cv2.imread(file, IMREAD_GRAYSCALE)` + `cv2.threshold(…, THRESH_OTSU)` in one
 *   /usr/bin/python3 process, and the ratio autothresh / OpenCV against the target 0.6;
 * - the cold start of `autothresh predict one.png` with the default method (median of 11 runs)
 *   against the target 0.4 s.
 * Each wall time is the best of `--runs` runs after one warm-up run (file cache warm).
 * `--memory` also writes 10000×10000 RGB, RGBA and 16-bit RGB PNGs to a temporary folder and
 * prints the maximum resident memory of `predict` on each (GNU time's %M).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const IMAGE_FILE = /\.(png|jpe?g|tiff?|webp|gif|avif|bmp)$/i;
const BIN = 'dist/bundle/autothresh.js';
const PYTHON = '/usr/bin/python3';
const RATIO_TARGET = 0.6;
const COLD_START_TARGET_SECONDS = 0.4;

interface Arguments {
  folder: string;
  runs: number;
  memory: boolean;
}

function parseArguments(args: readonly string[]): Arguments {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const folder = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--runs')
    ?? '../shared/datasets/dibco2011/images';
  const valid = Number.isInteger(runs) && runs > 0;
  return { folder, runs: valid ? runs : 3, memory: args.includes('--memory') };
}

/** Wall seconds of one run of `command`; throws when it fails (exit code other than 0/1). */
function wallSeconds(command: string, commandArgs: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${command} ${commandArgs.slice(0, 3).join(' ')} failed: ${result.stderr}`);
  }
  return seconds;
}

/** Best of `runs` runs after one warm-up run. */
function bestSeconds(runs: number, command: string, commandArgs: readonly string[]): number {
  wallSeconds(command, commandArgs);
  return Math.min(...Array.from({ length: runs }, () => wallSeconds(command, commandArgs)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function throughput(label: string, seconds: number, images: number, megabytes: number): string {
  return `${label}: ${seconds.toFixed(2)} s, ${(images / seconds).toFixed(1)} images/s, ` +
    `${(megabytes / seconds).toFixed(1)} MB/s`;
}

const OPENCV_LOOP = `
import sys, cv2
for name in sys.argv[1:]:
    gray = cv2.imread(name, cv2.IMREAD_GRAYSCALE)
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    print(name, threshold)
`;

function compareWithOpenCv(
  files: readonly string[],
  ours: number,
  runs: number,
  megabytes: number,
): void {
  if (spawnSync(PYTHON, ['-c', 'import cv2']).status !== 0) {
    console.log(`!!! ${PYTHON} cannot import cv2: the OpenCV comparison was NOT run !!!`);
    return;
  }
  const opencv = bestSeconds(runs, PYTHON, ['-c', OPENCV_LOOP, ...files]);
  console.log(throughput('python3 + OpenCV loop (imread gray + Otsu)', opencv, files.length,
    megabytes));
  const ratio = ours / opencv;
  console.log(`ratio autothresh / OpenCV: ${ratio.toFixed(2)} (target ≤ ${RATIO_TARGET}: ` +
    `${ratio <= RATIO_TARGET ? 'met' : 'NOT met'})`);
}

/** Wall and CPU (user + system) seconds of one run, CPU from GNU time. */
function timedRun(commandArgs: readonly string[]): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', 'node', ...commandArgs], {
    encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'],
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const [user, system] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: user + system };
}

function coldStart(file: string): void {
  // The default method (the learned model), as a user runs it.
  const runs = Array.from({ length: 11 }, () => timedRun([BIN, 'predict', '-q', file]));
  const wall = median(runs.map((run) => run.wall));
  const cpu = median(runs.map((run) => run.cpu));
  const bare = median(Array.from({ length: 5 }, () => timedRun(['-e', '0']).wall));
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
  console.log(`cold start, autothresh predict ${file} (default method), median of 11 runs: ` +
    `${ms(wall)} wall (target < ${ms(COLD_START_TARGET_SECONDS)}: ` +
    `${wall < COLD_START_TARGET_SECONDS ? 'met' : 'NOT met'}), ${ms(cpu)} CPU; ` +
    `bare node: ${ms(bare)} wall`);
}

/** Writes a 10000×10000 test image; alpha 0 on the left fifth of an RGBA one. */
async function writeLargeImage(path: string, channels: 3 | 4, sixteen: boolean): Promise<void> {
  const side = 10_000;
  const length = side * side * channels;
  const pixels = sixteen ? new Uint16Array(length) : Buffer.alloc(length);
  const top = sixteen ? 65535 : 255;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = (y * side + x) * channels;
      pixels[at] = (x * 7) % top;
      pixels[at + 1] = (y * 13) % top;
      pixels[at + 2] = ((x + y) * 3) % top;
      if (channels === 4) pixels[at + 3] = x < side / 5 ? 0 : top;
    }
  }
  let image = sharp(pixels, { raw: { width: side, height: side, channels } });
  if (sixteen) image = image.toColourspace('rgb16');
  await image.png({ compressionLevel: 1 }).toFile(path);
}

async function measureMemory(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'autothresh-memory-'));
  try {
    for (const [name, channels, sixteen] of [
      ['rgb', 3, false], ['rgba', 4, false], ['rgb16', 3, true],
    ] as const) {
      const file = join(folder, `${name}.png`);
      await writeLargeImage(file, channels, sixteen);
      const result = spawnSync('/usr/bin/time', ['-f', '%M %e', 'node', BIN, 'predict', '-m',
        'otsu', '-q', '--json', file], { encoding: 'utf8' });
      const [kilobytes, seconds] = result.stderr.trim().split('\n').pop()!.split(' ');
      console.log(`10000×10000 ${name} PNG: maximum resident memory ` +
        `${(Number(kilobytes) / 1024).toFixed(0)} MB, ${seconds} s`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { folder, runs, memory } = parseArguments(process.argv.slice(2));
  const files = readdirSync(folder).filter((name) => IMAGE_FILE.test(name)).sort()
    .map((name) => join(folder, name));
  if (files.length === 0) throw new Error(`${folder}: no images`);
  const megabytes = files.reduce((sum, file) => sum + statSync(file).size, 0) / 1e6;
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ` +
    `${loadavg().map((load) => load.toFixed(1)).join(' ')}, node ${process.version}, ` +
    `${execFileSync(PYTHON, ['--version']).toString().trim()}`);
  console.log(`folder: ${folder} (${files.length} images, ${megabytes.toFixed(1)} MB)`);

  const ours = bestSeconds(runs, 'node', [BIN, 'predict', '--method', 'otsu', '--json', '-q',
    ...files]);
  console.log(throughput('autothresh predict --method otsu', ours, files.length, megabytes));
  const learned = bestSeconds(runs, 'node', [BIN, 'predict', '--json', '-q', ...files]);
  console.log(throughput('autothresh predict (default: learned)', learned, files.length,
    megabytes));
  compareWithOpenCv(files, ours, runs, megabytes);
  coldStart(files[0]);
  if (memory) await measureMemory();
}

await main();
