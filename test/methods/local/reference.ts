/**
 * Test helpers for the local methods: the committed OpenCV / scikit-image fixtures, seeded
 * random images, and brute-force references that loop over every window directly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGrayImage, type GrayImage } from '../../../src/image/gray-image.js';
import type { LocalParams } from '../../../src/methods/local/params.js';
import { createRandom } from '../../../src/util/random.js';

const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/local/', import.meta.url));

export interface ReferenceCase {
  readonly method: string;
  readonly params: LocalParams;
  readonly call: string;
  /** Bright-side mask of the reference (1 where image > T). */
  readonly mask: Uint8Array;
  /** Reference threshold map (float32), when stored. */
  readonly map: Float32Array | null;
}

export interface LocalFixture {
  readonly name: string;
  readonly image: GrayImage;
  readonly cases: readonly ReferenceCase[];
}

interface FixtureFile {
  bitDepth: 8 | 16;
  crop: { width: number; height: number };
  pixels: string;
  cases: { method: string; params: LocalParams; call: string; mask: string; map?: string }[];
}

/** Every fixture of test/fixtures/local (made by scripts/fixtures/make-local-fixtures.py). */
export function loadLocalFixtures(): LocalFixture[] {
  const files = readdirSync(FIXTURE_DIR).filter((file) => file.endsWith('.json')).sort();
  return files.map((file) => {
    const raw = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as FixtureFile;
    const { width, height } = raw.crop;
    const bytes = Buffer.from(raw.pixels, 'base64');
    const data = raw.bitDepth === 16 ? littleEndianUint16(bytes) : new Uint8Array(bytes);
    const cases = raw.cases.map((entry) => ({
      method: entry.method,
      params: entry.params,
      call: entry.call,
      mask: unpackBits(Buffer.from(entry.mask, 'base64'), width * height),
      map: entry.map === undefined ? null : littleEndianFloat32(Buffer.from(entry.map, 'base64')),
    }));
    const image = createGrayImage(width, height, data);
    return { name: file.replace(/\.json$/, ''), image, cases };
  });
}

function littleEndianUint16(bytes: Buffer): Uint16Array {
  const values = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readUInt16LE(2 * i);
  return values;
}

function littleEndianFloat32(bytes: Buffer): Float32Array {
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(4 * i);
  return values;
}

/** numpy.packbits order: 8 pixels per byte, most significant bit first. */
function unpackBits(bytes: Buffer, count: number): Uint8Array {
  const bits = new Uint8Array(count);
  for (let i = 0; i < count; i++) bits[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return bits;
}

/** Fraction of positions where two masks agree. */
export function agreement(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** A seeded random gray image; `levels` limits values to 0..levels − 1 (many ties if small). */
export function randomImage(
  seed: number,
  width: number,
  height: number,
  bitDepth: 8 | 16 = 8,
  levels = bitDepth === 16 ? 65536 : 256,
): GrayImage {
  const random = createRandom(seed);
  const data = bitDepth === 16 ? new Uint16Array(width * height) : new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = random.integer(0, levels - 1);
  return createGrayImage(width, height, data);
}

export type ReferenceBorder = 'reflect' | 'replicate';

/** Image position that padded position `position` reads along a line of `length` pixels. */
function sourceOf(position: number, length: number, border: ReferenceBorder): number {
  if (position >= 0 && position < length) return position;
  if (border === 'replicate') return position < 0 ? 0 : length - 1;
  return position < 0 ? -position : 2 * (length - 1) - position;
}

/** The values of the windowWidth × windowHeight window centred on (x, y), border filled. */
export function windowValues(
  image: GrayImage,
  x: number,
  y: number,
  windowWidth: number,
  windowHeight: number,
  border: ReferenceBorder,
): number[] {
  const values: number[] = [];
  const rx = (windowWidth - 1) / 2;
  const ry = (windowHeight - 1) / 2;
  for (let dy = -ry; dy <= ry; dy++) {
    for (let dx = -rx; dx <= rx; dx++) {
      const sx = sourceOf(x + dx, image.width, border);
      const sy = sourceOf(y + dy, image.height, border);
      values.push(image.data[sy * image.width + sx]);
    }
  }
  return values;
}

/** Mean and population standard deviation, by the two-pass textbook formula. */
export function meanAndDeviation(values: readonly number[]): { mean: number; deviation: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean, deviation: Math.sqrt(squares / values.length) };
}

/** Applies `threshold(values, x, y)` to every window; the result is a float64 map. */
export function bruteForceMap(
  image: GrayImage,
  windowWidth: number,
  windowHeight: number,
  border: ReferenceBorder,
  threshold: (values: number[], x: number, y: number) => number,
): Float64Array {
  const map = new Float64Array(image.width * image.height);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const values = windowValues(image, x, y, windowWidth, windowHeight, border);
      map[y * image.width + x] = threshold(values, x, y);
    }
  }
  return map;
}

/** Bright-side mask (1 where value > T) of a map. */
export function brightMask(image: GrayImage, map: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(image.data, (value, i) => (value > map[i] ? 1 : 0));
}

/** Largest |a − b| / max(1, |b|) over two maps. */
export function largestRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (difference > largest) largest = difference;
  }
  return largest;
}

export interface ParityCase {
  readonly label: string;
  readonly image: GrayImage;
  readonly reference: ReferenceCase;
}

/** The fixture cases of one method, labelled for test names. */
export function parityCases(method: string): ParityCase[] {
  return loadLocalFixtures().flatMap((fixture) =>
    fixture.cases
      .filter((entry) => entry.method === method)
      .map((entry) => ({
        label: `${fixture.name} ${JSON.stringify(entry.params)}`,
        image: fixture.image,
        reference: entry,
      })),
  );
}
