/**
 * The built CLI end to end for the threshold methods: `autothresh methods` (every method with
 * its reference and defaults), a method that finds no answer on one input (one line, the batch
 * goes on, exit 1), and the local parameters `--c` and `--k` reaching the methods (outputs
 * checked against thresholds computed here by direct window loops).
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, spawnCli } from '../helpers/cli.js';
import { temporaryDirectory, writeRaw } from '../helpers/images.js';

/** Every method name, in the order `methods` lists them. */
const ALL_METHODS = [
  'learned',
  'otsu', 'li', 'yen', 'isodata', 'triangle', 'minimum', 'intermodes', 'mean', 'percentile',
  'moments', 'huang', 'max-entropy', 'renyi-entropy', 'shanbhag', 'min-error', 'multi-otsu',
  'adaptive-mean', 'adaptive-gaussian', 'niblack', 'sauvola', 'wolf', 'bernsen', 'phansalkar',
];

/** The documented defaults, as the parameters column shows them. */
const DEFAULTS: Record<string, string> = {
  percentile: '--fraction 0.5',
  'multi-otsu': '--classes 3',
  'adaptive-mean': '--window 11 --c 2',
  'adaptive-gaussian': '--window 11 --c 2',
  niblack: '--window 15 --k -0.2',
  sauvola: '--window 15 --k 0.2 --r (half the bit-depth range: 127.5 (8-bit), 32767.5 (16-bit))',
  wolf: '--window 41 --k 0.5',
  bernsen: '--window 31 --contrast 15',
  phansalkar: '--window 31 --k 0.25 --r 0.5 --p 2 --q 10',
};

/** A few references that must appear on their method's line. */
const REFERENCES: Record<string, RegExp> = {
  otsu: /Otsu 1979/,
  'max-entropy': /Kapur, Sahoo & Wong 1985/,
  'min-error': /Kittler & Illingworth 1986/,
  'multi-otsu': /Liao, Chen & Chung 2001/,
  'adaptive-mean': /OpenCV cv::adaptiveThreshold/,
  sauvola: /Sauvola & Pietikäinen 2000/,
  phansalkar: /Phansalkar et al\. 2011/,
};

describe('autothresh methods', () => {
  it('when run then every method has a line with its family, defaults and reference', () => {
    const outcome = spawnCli('methods');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    const lines = outcome.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^method +family +parameters \(defaults\) +description +reference$/);
    const rows = lines.slice(2);
    expect(rows.map((line) => line.split(/ +/)[0])).toEqual(ALL_METHODS);
    for (const line of rows) {
      const [name, family] = line.split(/ +/);
      expect(family, name).toBe(name === 'learned' ? 'learned'
        : ALL_METHODS.indexOf(name) <= 16 ? 'global' : 'local');
      // Every reference names a year or the implementation it follows.
      expect(line, name).toMatch(/(19|20)\d\d|OpenCV|autothresh/);
      if (name in DEFAULTS) expect(line, name).toContain(` ${DEFAULTS[name]} `);
      if (name in REFERENCES) expect(line, name).toMatch(REFERENCES[name]);
    }
  });

  it('when --json is given then each method is one object with structured parameters', () => {
    const outcome = spawnCli('methods', '--json');
    expect(outcome.code).toBe(0);
    const rows = jsonLines(outcome.stdout);
    expect(rows.map((row) => row.name)).toEqual(ALL_METHODS);
    const sauvola = rows.find((row) => row.name === 'sauvola')!;
    expect(sauvola.parameters).toEqual([
      { option: '--window', default: 15 },
      { option: '--k', default: 0.2 },
      { option: '--r', default: null,
        derived: 'half the bit-depth range: 127.5 (8-bit), 32767.5 (16-bit)' },
    ]);
    expect(rows.find((row) => row.name === 'otsu')!.parameters).toEqual([]);
    for (const row of rows) {
      expect(row.description, String(row.name)).toMatch(/^[^\n]{10,}$/);
      expect(row.reference, String(row.name)).toMatch(/^[^\n]{5,}$/);
    }
  });
});

let folder: string;

/** Seeded pseudo-random 8-bit pixels (a linear congruential generator, so the test owns it). */
function noisyPixels(width: number, height: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    pixels[i] = state % 256;
  }
  return pixels;
}

/** The gray pixels of a written PNG. */
async function pngPixels(file: string): Promise<Buffer> {
  return sharp(file).toColourspace('b-w').raw().toBuffer();
}

/** Index of the pixel that position p reads along a line of n pixels, by the border rule. */
function borderSource(p: number, n: number, border: 'replicate' | 'reflect'): number {
  if (p >= 0 && p < n) return p;
  if (border === 'replicate') return p < 0 ? 0 : n - 1;
  return p < 0 ? -p : 2 * (n - 1) - p;
}

/** White (255) where value > T(x, y), T from the window values around each pixel. */
function expectedBinarized(
  pixels: Uint8Array, width: number, height: number, window: number,
  border: 'replicate' | 'reflect', threshold: (values: number[]) => number,
): number[] {
  const radius = (window - 1) / 2;
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const values: number[] = [];
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const sx = borderSource(x + dx, width, border);
          const sy = borderSource(y + dy, height, border);
          values.push(pixels[sy * width + sx]);
        }
      }
      out.push(pixels[y * width + x] > threshold(values) ? 255 : 0);
    }
  }
  return out;
}

function meanAndDeviation(values: number[]): { mean: number; deviation: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, deviation: Math.sqrt(variance) };
}

const WIDTH = 13;
const HEIGHT = 9;
let noisy: string;

beforeAll(async () => {
  folder = temporaryDirectory('autothresh-methods-');
  const pixels = noisyPixels(WIDTH, HEIGHT, 7);
  noisy = await writeRaw(join(folder, 'noisy.png'), pixels, WIDTH, HEIGHT, 1);
});

describe('autothresh predict with a method that finds no answer', () => {
  it('when intermodes meets a one-peak image then one line names it, the rest go on', async () => {
    // Gray levels counted as a rounded Gaussian around 128: one peak, rising then falling, and
    // smoothing such a histogram never makes two.
    const levels: number[] = [];
    for (let value = 0; value < 256; value++) {
      const count = Math.round(60 * Math.exp(-0.5 * ((value - 128) / 12) ** 2));
      for (let i = 0; i < count; i++) levels.push(value);
    }
    const onePeak = await writeRaw(join(folder, 'one-peak.png'), Uint8Array.from(levels),
      levels.length, 1, 1);
    const twoPeaks = new Uint8Array(64 * 64)
      .map((_, i) => (i % 64 < 20 ? 30 + (i % 7) : 200 + (i % 5)));
    const bimodal = await writeRaw(join(folder, 'two-peaks.png'), twoPeaks, 64, 64, 1);

    const outcome = spawnCli('predict', '--method', 'intermodes', '--json', onePeak, bimodal);
    expect(outcome.code).toBe(1);
    expect(jsonLines(outcome.stdout).map((record) => record.file)).toEqual([bimodal]);
    const aboutOnePeak = outcome.stderr.split('\n').filter((line) => line.includes('one-peak'));
    expect(aboutOnePeak).toHaveLength(1);
    expect(aboutOnePeak[0]).toMatch(new RegExp(
      `^${onePeak.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: intermodes: expected two peaks`));
    expect(outcome.stderr).toMatch(/1 of 2 images failed/);
  });
});

describe('autothresh predict with local parameters', () => {
  it('when --c is given then adaptive-mean subtracts it, rounded up, from the mean', async () => {
    const pixels = noisyPixels(WIDTH, HEIGHT, 7);
    for (const c of ['5', '-2.5']) {
      const out = join(folder, `mean-c${c}`);
      const outcome = spawnCli('predict', '--method', 'adaptive-mean', '--window', '3', '--c', c,
        '--out', out, noisy);
      expect(outcome.code, outcome.stderr).toBe(0);
      // OpenCV's rule: T = round(window mean) − ceil(c), edge pixels repeated.
      const expected = expectedBinarized(pixels, WIDTH, HEIGHT, 3, 'replicate', (values) =>
        Math.round(meanAndDeviation(values).mean) - Math.ceil(Number(c)));
      expect([...(await pngPixels(join(out, 'noisy.png')))], `c = ${c}`).toEqual(expected);
    }
  });

  it('when --k is given then niblack and sauvola use it', async () => {
    const pixels = noisyPixels(WIDTH, HEIGHT, 7);
    const cases = [
      { method: 'niblack', k: '0.7', threshold: (m: number, s: number) => m + 0.7 * s },
      { method: 'niblack', k: '-1.2', threshold: (m: number, s: number) => m - 1.2 * s },
      { method: 'sauvola', k: '0.45', threshold: (m: number, s: number) =>
        m * (1 + 0.45 * (s / 127.5 - 1)) },
    ];
    for (const { method, k, threshold } of cases) {
      const out = join(folder, `${method}-k${k}`);
      const outcome = spawnCli('predict', '--method', method, '--window', '5', '--k', k,
        '--out', out, noisy);
      expect(outcome.code, outcome.stderr).toBe(0);
      const expected = expectedBinarized(pixels, WIDTH, HEIGHT, 5, 'reflect', (values) => {
        const { mean, deviation } = meanAndDeviation(values);
        return threshold(mean, deviation);
      });
      expect([...(await pngPixels(join(out, 'noisy.png')))], `${method} k = ${k}`)
        .toEqual(expected);
    }
  });

  it('when --k is not a number then it is a usage error naming the option (exit 2)', () => {
    const outcome = spawnCli('predict', '--method', 'sauvola', '--k', 'big', noisy);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/--k/);
  });
});
