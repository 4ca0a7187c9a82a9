/**
 * Speed of `autothresh predict` on real images, next to a Python loop using OpenCV.
 *
 *   npm run bench:predict [-- <image folder>] [--method otsu]
 *
 * Prints: images/s and MB/s (compressed file bytes) of the CLI over the folder, the wall time of
 * `cv2.imread(gray) + cv2.threshold(OTSU)` over the same files (when /usr/bin/python3 has cv2),
 * their ratio, and the cold start of `predict` on one image (median of 10 runs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const methodIndex = args.indexOf('--method');
const method = methodIndex >= 0 ? args[methodIndex + 1] : 'otsu';
const folder = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--method')
  ?? '../shared/datasets/dibco2011/images';
const bin = 'dist/cli/bin.js';

const files = readdirSync(folder).filter((name) => /\.(png|jpe?g|tiff?|webp|bmp)$/i.test(name))
  .map((name) => join(folder, name));
const megabytes = files.reduce((sum, file) => sum + statSync(file).size, 0) / 1e6;

function wallSeconds(command: string, commandArgs: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} failed`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Warm the file cache once, then take the best of three runs of each side.
wallSeconds('node', [bin, 'predict', '--method', method, '--json', '-q', folder]);
const ours = Math.min(...[0, 1, 2].map(() =>
  wallSeconds('node', [bin, 'predict', '--method', method, '--json', '-q', folder])));
console.log(`machine: ${execFileSync('nproc').toString().trim()} cores, node ${process.version}`);
console.log(`folder: ${folder} (${files.length} images, ${megabytes.toFixed(1)} MB)`);
console.log(`autothresh predict --method ${method}: ${ours.toFixed(2)} s, ` +
  `${(files.length / ours).toFixed(1)} images/s, ${(megabytes / ours).toFixed(1)} MB/s`);

const python = `
import sys, cv2
for f in sys.argv[1:]:
    g = cv2.imread(f, cv2.IMREAD_GRAYSCALE)
    t, _ = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    print(f, t)
`;
const hasOpenCv = spawnSync('/usr/bin/python3', ['-c', 'import cv2']).status === 0;
if (hasOpenCv) {
  const opencv = Math.min(...[0, 1, 2].map(() =>
    wallSeconds('/usr/bin/python3', ['-c', python, ...files])));
  console.log(`python3 + OpenCV loop: ${opencv.toFixed(2)} s; ` +
    `ratio autothresh / OpenCV = ${(ours / opencv).toFixed(2)} (target ≤ 0.6)`);
} else {
  console.log('python3 with cv2 not found: OpenCV comparison skipped');
}

const one = files[0];
const coldRuns = Array.from({ length: 10 }, () =>
  wallSeconds('node', [bin, 'predict', '--method', method, '-q', one]));
console.log(`cold start, predict one image (${one}): median ${(median(coldRuns) * 1000).toFixed(0)} ms`);
