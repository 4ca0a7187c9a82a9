/**
 * Speed of the local (adaptive) threshold methods, one section of `npm run bench:methods`;
 * also runs alone: `npx tsx bench/methods-local.ts [--megapixels 10] [--rounds 3] [--no-opencv]`.
 *
 * Input: a seeded synthetic 8-bit page of about 10 megapixels (uneven lighting, noise, dark
 * strokes), so the figures do not depend on a file. Every figure is the best of `rounds` runs on
 * one core (JavaScript and OpenCV.js are both single-threaded here), as wall-clock and as CPU
 * seconds of the process; targets are judged on CPU seconds, which other work on a busy machine
 * does not inflate (on an idle machine the two agree).
 * 1. Sauvola with a 31- and a 301-pixel window: seconds each (target ≤ 0.3 s) and their ratio
 *    (target ≤ 1.3: the cost must not grow with the window).
 * 2. adaptive-mean next to OpenCV's WebAssembly build (`@techstark/opencv-js`), both with block
 *    size 31 and C = 2, image in, binary mask out: ours = `localThresholdMask` (thresholds
 *    streamed row by row into the mask), OpenCV.js =
 *    `cv.adaptiveThreshold(ADAPTIVE_THRESH_MEAN_C, THRESH_BINARY)` on a Mat holding the same
 *    pixels (created outside the timing). Prints both, the ratio (goal ≤ 1) and how many mask
 *    pixels agree (expected: all); also the two-step map + `binarizeWithMap`, for reference.
 * 3. Every local method at its defaults, for reference.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGrayImage, type GrayImage } from '../src/image/gray-image.js';
import {
  binarizeWithMap, LOCAL_METHOD_NAMES, localThresholdMap, localThresholdMask,
} from '../src/methods/local/index.js';
import { createRandom } from '../src/util/random.js';

export interface LocalBenchOptions {
  /** Size of the synthetic image, in megapixels. Default 10. */
  readonly megapixels?: number;
  /** Timed runs per figure (the best is kept). Default 3. */
  readonly rounds?: number;
  /** Compare with OpenCV.js (loading it takes a few seconds). Default true. */
  readonly opencv?: boolean;
}

/** Best wall-clock and best CPU time of a task, in seconds. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

export interface LocalBenchResult {
  readonly width: number;
  readonly height: number;
  readonly sauvola: { readonly window31: Timing; readonly window301: Timing };
  /** Ours and OpenCV.js for adaptive-mean; `null` when OpenCV.js was skipped. */
  readonly adaptiveMean: {
    readonly ours: Timing;
    readonly openCv: Timing | null;
    readonly agreement: number | null;
  };
  readonly defaults: Readonly<Record<string, Timing>>;
}

const SAUVOLA_TARGET_SECONDS = 0.3;
const WINDOW_RATIO_TARGET = 1.3;

/** Runs the three parts and prints their figures to stdout. */
export async function benchLocal(options: LocalBenchOptions = {}): Promise<LocalBenchResult> {
  const rounds = options.rounds ?? 3;
  const image = syntheticPage(options.megapixels ?? 10, 20240601);
  const megapixels = (image.width * image.height) / 1e6;
  console.log(`local methods: ${image.width}×${image.height} (${megapixels.toFixed(1)} Mpx) `
    + `8-bit synthetic page, best of ${rounds} runs, one core`);

  // Warm-up on a small image so that the timed runs use optimized code.
  const small = syntheticPage(0.25, 1);
  for (const name of LOCAL_METHOD_NAMES) localThresholdMap(name, small);

  // 1. Sauvola: absolute speed and independence from the window size.
  const window31 = best(rounds, () => localThresholdMap('sauvola', image, { window: 31 }));
  const window301 = best(rounds, () => localThresholdMap('sauvola', image, { window: 301 }));
  const ratio = window301.cpu / window31.cpu;
  console.log(`sauvola window 31:  ${show(window31)}  (target ≤ ${SAUVOLA_TARGET_SECONDS} s CPU: `
    + `${window31.cpu <= SAUVOLA_TARGET_SECONDS ? 'met' : 'missed'})`);
  console.log(`sauvola window 301: ${show(window301)}  (ratio 301/31 ${ratio.toFixed(2)}, `
    + `target ≤ ${WINDOW_RATIO_TARGET}: ${ratio <= WINDOW_RATIO_TARGET ? 'met' : 'missed'})`);

  // 2. adaptive-mean against OpenCV.js.
  const adaptiveMean = await benchAdaptiveMean(image, rounds, options.opencv ?? true);

  // 3. Every method at its defaults.
  console.log('method at its defaults   wall s    CPU s   Mpx/s (CPU)');
  const defaults: Record<string, Timing> = {};
  for (const name of LOCAL_METHOD_NAMES) {
    const timing = best(rounds, () => localThresholdMap(name, image));
    defaults[name] = timing;
    console.log(`${name.padEnd(22)}${timing.wall.toFixed(3).padStart(9)}`
      + `${timing.cpu.toFixed(3).padStart(9)}${(megapixels / timing.cpu).toFixed(1).padStart(8)}`);
  }

  return {
    width: image.width,
    height: image.height,
    sauvola: { window31, window301 },
    adaptiveMean,
    defaults,
  };
}

async function benchAdaptiveMean(image: GrayImage, rounds: number, withOpenCv: boolean) {
  const params = { window: 31, c: 2 };
  const ours = () => localThresholdMask('adaptive-mean', image, params, 'bright');
  const twoStep = best(rounds, () =>
    binarizeWithMap(image, localThresholdMap('adaptive-mean', image, params), 'bright'));
  console.log(`adaptive-mean (block 31, C 2), map then mask: ${show(twoStep)}`);
  const oursTiming = best(rounds, ours);
  console.log(`adaptive-mean (block 31, C 2), mask:          ${show(oursTiming)}`);
  if (!withOpenCv) return { ours: oursTiming, openCv: null, agreement: null };

  const loadStart = performance.now();
  const { cv } = await loadOpenCv();
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const source = new cv.Mat(image.height, image.width, cv.CV_8UC1);
  const binary = new cv.Mat();
  try {
    source.data.set(image.data);
    const theirs = () => cv.adaptiveThreshold(
      source, binary, 1, cv.ADAPTIVE_THRESH_MEAN_C, cv.THRESH_BINARY, params.window, params.c,
    );
    const openCvTiming = best(rounds, theirs);
    const agreement = maskAgreement(ours(), binary.data);
    console.log(`OpenCV.js adaptiveThreshold MEAN_C:            ${show(openCvTiming)} `
      + `(loaded in ${loadSeconds.toFixed(1)} s)`);
    console.log(`ratio ours / OpenCV.js (CPU): ${(oursTiming.cpu / openCvTiming.cpu).toFixed(2)} `
      + `(goal ≤ 1); masks agree on ${(100 * agreement).toFixed(4)}% of pixels`);
    return { ours: oursTiming, openCv: openCvTiming, agreement };
  } finally {
    source.delete();
    binary.delete();
  }
}

/** A page-like 8-bit image: lighting gradient, noise and dark strokes (seeded). */
function syntheticPage(megapixels: number, seed: number): GrayImage {
  const side = Math.round(Math.sqrt(megapixels * 1e6));
  const random = createRandom(seed);
  const data = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const lighting = 150 + 70 * Math.sin((x + 2 * y) / side * Math.PI);
      const noisy = Math.round(lighting + 12 * (random.next() - 0.5));
      data[y * side + x] = Math.max(0, Math.min(255, noisy));
    }
  }
  // Strokes: short dark horizontal and vertical bars, one per 400 pixels.
  for (let stroke = 0; stroke < (side * side) / 400; stroke++) {
    const x0 = random.integer(0, side - 30);
    const y0 = random.integer(0, side - 30);
    const horizontal = random.next() < 0.5;
    for (let step = 0; step < 25; step++) {
      for (let across = 0; across < 3; across++) {
        const x = horizontal ? x0 + step : x0 + across;
        const y = horizontal ? y0 + across : y0 + step;
        data[y * side + x] = Math.round(data[y * side + x] * 0.3);
      }
    }
  }
  return createGrayImage(side, side, data);
}

function best(rounds: number, task: () => unknown): Timing {
  let wall = Infinity;
  let cpu = Infinity;
  for (let round = 0; round < rounds; round++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    task();
    const used = process.cpuUsage(startCpu);
    wall = Math.min(wall, (performance.now() - start) / 1000);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { wall, cpu };
}

function show(timing: Timing): string {
  return `${timing.wall.toFixed(3)} s wall, ${timing.cpu.toFixed(3)} s CPU`;
}

function maskAgreement(ours: Uint8Array, theirs: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < ours.length; i++) if (ours[i] === theirs[i]) same++;
  return same / ours.length;
}

// The parts of OpenCV.js this benchmark uses.
interface OpenCvMat {
  readonly data: Uint8Array;
  delete(): void;
}
interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => OpenCvMat;
  CV_8UC1: number;
  ADAPTIVE_THRESH_MEAN_C: number;
  THRESH_BINARY: number;
  adaptiveThreshold(
    src: OpenCvMat, dst: OpenCvMat, maxValue: number, method: number, type: number,
    blockSize: number, c: number,
  ): void;
  onRuntimeInitialized?: () => void;
}

/**
 * Loads OpenCV.js and waits for its WebAssembly runtime. The module object has a `then` of its
 * own that hands back the module itself, so a promise resolved *with* the module — awaiting it,
 * or returning it from an async function — recurses forever and starves the event loop. The
 * module is therefore returned inside a plain wrapper object.
 */
async function loadOpenCv(): Promise<{ readonly cv: OpenCv }> {
  const require = createRequire(import.meta.url);
  const cv = require('@techstark/opencv-js') as OpenCv;
  if (typeof cv.Mat !== 'function') {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = () => resolve();
    });
  }
  return { cv };
}

// Run alone: npx tsx bench/methods-local.ts [--megapixels N] [--rounds N] [--no-opencv]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      megapixels: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      'no-opencv': { type: 'boolean', default: false },
    },
  });
  await benchLocal({
    megapixels: Number(values.megapixels),
    rounds: Number(values.rounds),
    opencv: !values['no-opencv'],
  });
  process.exit(0);
}
