/**
 * Speed of the global threshold methods, one section of `npm run bench:methods`.
 *
 * 1. Every global method on the real golden histograms (all sets but `pathological`): the time
 *    of each histogram is the best of `rounds` calls after a warm-up pass; printed are the mean,
 *    median and worst (max) of those per-histogram times, in µs, and how many calls ended in
 *    `autothresh.methodFailed` (those are timed too). Target: ≤ 50 µs per histogram, judged on
 *    the mean and, separately, on the worst histogram. multi-otsu runs with its default k = 3.
 *    Every method reads the counts from a Float64Array copy made once per histogram and shared
 *    by all methods (`binCounts`), and the entropy methods share one set of cumulative shares
 *    (`cumulativeShares`), and four methods the counts' common divisor (`countDivisor`); the
 *    repeated calls reuse all three, so their one-time costs are printed on their own lines (the
 *    shares' and the divisor's lines include the counts' copy).
 * 2. Otsu next to OpenCV's WebAssembly build (`@techstark/opencv-js`) on the same decoded 8-bit
 *    gray image: ours = `histogramOf` + `otsuThreshold`; OpenCV = `cv.threshold` with
 *    `THRESH_BINARY | THRESH_OTSU` on a Mat holding the same pixels (it also writes the binary
 *    image, which ours does not). Prints ms per image of both and the ratio.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { histogramOf } from '../src/histogram/count.js';
import { createHistogram, type Histogram } from '../src/histogram/histogram.js';
import { readImage } from '../src/image/decode.js';
import { isAutothreshError } from '../src/errors.js';
import {
  GLOBAL_METHOD_NAMES,
  GLOBAL_METHODS,
  otsuThreshold,
} from '../src/methods/global/index.js';
import { binCounts, countDivisor } from '../src/methods/global/policy.js';
import { cumulativeShares } from '../src/methods/global/shares.js';

export interface GlobalBenchOptions {
  /** The shared folder holding `golden/` and `datasets/`. */
  readonly sharedDir: string;
  /** Timed passes over all histograms per method (after one warm-up pass). */
  readonly rounds?: number;
  /** Image for the OpenCV comparison (default: the first image of dibco2009). */
  readonly image?: string;
}

const TARGET_MICROSECONDS = 50;
/** Calls timed together for one per-histogram figure. */
const CALLS_PER_TIMING = 4;

/** Runs both parts and prints their tables to stdout. */
export async function benchGlobal(options: GlobalBenchOptions): Promise<void> {
  const { cv } = await loadOpenCv();
  const histograms = loadGoldenHistograms(join(options.sharedDir, 'golden'));
  console.log(`global methods: ${histograms.length} golden histograms, `
    + `${options.rounds ?? 5} rounds, target ≤ ${TARGET_MICROSECONDS} µs/call`);
  benchMethods(histograms, options.rounds ?? 5);
  benchCountsCopy(histograms);

  const imagePath = options.image
    ?? join(options.sharedDir, 'datasets', 'dibco2009', 'images', 'H01.png');
  await benchOtsuAgainstOpenCv(cv, imagePath);
}

function loadGoldenHistograms(goldenDir: string): Histogram[] {
  const files = readdirSync(goldenDir)
    .filter((name) => name.endsWith('.json') && name !== 'pathological.json')
    .sort();
  return files.flatMap((name) => {
    const { records } = JSON.parse(readFileSync(join(goldenDir, name), 'utf8')) as {
      records: { histogram: number[] }[];
    };
    return records.map((record) => createHistogram(record.histogram));
  });
}

function benchMethods(histograms: Histogram[], rounds: number): void {
  console.log('method          mean µs  median µs   max µs  failed  mean ≤ target  max ≤ target');
  for (const name of GLOBAL_METHOD_NAMES) {
    const method = GLOBAL_METHODS[name];
    const run = (histogram: Histogram): boolean => {
      try {
        method.threshold(histogram);
        return true;
      } catch (error) {
        if (isAutothreshError(error, 'autothresh.methodFailed')) return false;
        throw error;
      }
    };

    // Warm-up, then per-histogram timings: best of the rounds, each round timing
    // CALLS_PER_TIMING calls so that the clock's own cost (~1 µs) is spread over them.
    let failed = 0;
    for (const histogram of histograms) if (!run(histogram)) failed++;
    const perHistogram = histograms.map((histogram) => {
      let best = Infinity;
      for (let round = 0; round < rounds; round++) {
        const start = process.hrtime.bigint();
        for (let call = 0; call < CALLS_PER_TIMING; call++) run(histogram);
        const elapsed = Number(process.hrtime.bigint() - start) / 1000 / CALLS_PER_TIMING;
        best = Math.min(best, elapsed);
      }
      return best;
    });

    const sorted = perHistogram.slice().sort((a, b) => a - b);
    const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    const median = sorted[Math.floor(sorted.length / 2)];
    const worst = sorted[sorted.length - 1];
    const verdict = (value: number): string => (value <= TARGET_MICROSECONDS ? 'yes' : 'no');
    console.log(`${name.padEnd(14)} ${fixed(mean, 8)} ${fixed(median, 10)} `
      + `${fixed(worst, 8)} ${String(failed).padStart(7)}  ${verdict(mean).padStart(13)}`
      + `  ${verdict(worst).padStart(12)}`);
  }
}

/** Time of the one-time counts copy, on fresh histogram objects (so that nothing is cached). */
function benchCountsCopy(histograms: Histogram[]): void {
  const shared = [
    { what: 'counts copied', by: 'every method', compute: binCounts },
    {
      what: 'cumulative shares', by: 'max-entropy, renyi-entropy, shanbhag',
      compute: (histogram: Histogram) => { binCounts(histogram); cumulativeShares(histogram); },
    },
    {
      what: 'counts\' common divisor', by: 'huang, minimum, intermodes, min-error',
      compute: (histogram: Histogram) => { binCounts(histogram); countDivisor(histogram); },
    },
  ];
  for (const { what, by, compute } of shared) {
    const fresh = (): Histogram[] => histograms.map((histogram) =>
      createHistogram(histogram.counts, histogram.range));
    for (const histogram of fresh()) compute(histogram);
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const copies = fresh();
      const start = process.hrtime.bigint();
      for (const histogram of copies) compute(histogram);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / copies.length);
    }
    console.log(`${what} once per histogram (shared by ${by}): ${best.toFixed(1)} µs`);
  }
}

async function benchOtsuAgainstOpenCv(cv: OpenCv, imagePath: string): Promise<void> {
  const image = await readImage(imagePath);
  if (image.bitDepth !== 8) throw new Error(`${imagePath}: expected an 8-bit image`);

  // The same pixels in an OpenCV Mat (created once, outside the timing).
  const source = new cv.Mat(image.height, image.width, cv.CV_8UC1);
  source.data.set(image.data);
  const binary = new cv.Mat();
  try {
    const ours = (): number => otsuThreshold(histogramOf(image));
    const theirs = (): number =>
      cv.threshold(source, binary, 0, 255, cv.THRESH_BINARY | cv.THRESH_OTSU);
    const oursMs = bestMilliseconds(ours);
    const theirsMs = bestMilliseconds(theirs);
    const pixels = image.width * image.height;
    console.log(`\notsu vs OpenCV.js on ${imagePath} (${image.width}×${image.height}, `
      + `${(pixels / 1e6).toFixed(2)} Mpx): thresholds ${ours()} and ${theirs()}`);
    console.log(`  autothresh histogramOf + otsuThreshold: ${oursMs.toFixed(3)} ms/image`);
    console.log(`  OpenCV.js cv.threshold THRESH_OTSU:     ${theirsMs.toFixed(3)} ms/image`);
    console.log(`  ratio (ours / OpenCV.js): ${(oursMs / theirsMs).toFixed(2)}`);
  } finally {
    source.delete();
    binary.delete();
  }
}

/** Best time of 20 runs after 3 warm-up runs, in ms. */
function bestMilliseconds(task: () => unknown): number {
  for (let i = 0; i < 3; i++) task();
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    task();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

// The parts of OpenCV.js this benchmark uses.
interface OpenCvMat {
  readonly data: Uint8Array;
  delete(): void;
}
interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => OpenCvMat;
  CV_8UC1: number;
  THRESH_BINARY: number;
  THRESH_OTSU: number;
  threshold(src: OpenCvMat, dst: OpenCvMat, thresh: number, max: number, type: number): number;
  onRuntimeInitialized?: () => void;
}

/**
 * Loads OpenCV.js and waits until its WebAssembly runtime is ready. The module object has a
 * `then` method that hands back the module itself, so it must never pass through a promise:
 * awaiting it, or returning it from an async function, re-adopts it for ever (a microtask loop
 * that starves the event loop). It is therefore wrapped in a plain object, and readiness is
 * awaited through `onRuntimeInitialized` unless `Mat` already exists.
 */
async function loadOpenCv(): Promise<{ cv: OpenCv }> {
  const loaded = (await import('@techstark/opencv-js')) as { default?: OpenCv } & OpenCv;
  const cv = loaded.default ?? loaded;
  if (typeof cv.Mat !== 'function') {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = () => resolve();
    });
  }
  return { cv };
}

function fixed(value: number, width: number): string {
  return value.toFixed(1).padStart(width);
}
