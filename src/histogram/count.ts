/**
 * Counting a gray image into a {@link Histogram}.
 */
import type { GrayImage } from '../image/gray-image.js';
import {
  BIN_COUNT, createHistogram, EIGHT_BIT_RANGE, type Histogram, type ValueRange,
} from './histogram.js';

/**
 * How the 256 bins of a 16-bit image are placed:
 * - `data`: they span the image's own minimum..maximum (of the counted pixels), so a 12-bit
 *   microscope image uses all 256 bins (the default, like scikit-image's `nbins=256`);
 * - `full`: they span 0..65535, 256 values per bin (bin = value >> 8).
 * 8-bit images always use bin = gray value.
 */
export type HistogramRange = 'data' | 'full';

/** Counts the pixels of `image` that are included (see `GrayImage.included`). */
export function histogramOf(image: GrayImage, rangeMode: HistogramRange = 'data'): Histogram {
  if (image.bitDepth === 8) return createHistogram(count8(image), EIGHT_BIT_RANGE);
  const range = rangeMode === 'full'
    ? { min: 0, max: 65535, bitDepth: 16 as const }
    : dataRange16(image);
  return createHistogram(count16(image, range), range);
}

function count8(image: GrayImage): Float64Array {
  const counts = new Float64Array(BIN_COUNT);
  const { data, included } = image;
  // Integer counters are faster than Float64 in the hot loop, and exact below 2^32 per bin.
  const fast = new Uint32Array(BIN_COUNT);
  if (data instanceof Uint8Array) {
    if (included === null) countBytes(data, fast);
    else countIncludedBytes(data, included, fast);
  } else {
    for (let i = 0; i < data.length; i++) {
      if (included === null || included[i] !== 0) fast[data[i]]++;
    }
  }
  counts.set(fast);
  return counts;
}

/**
 * Counting into four interleaved sub-histograms, summed at the end: consecutive pixels of equal
 * value (large uniform backgrounds) then increment different counters, so the increments do not
 * wait on each other. The aligned middle of the data is read four bytes at a time through a
 * 32-bit view (one load for four pixels); which byte of a word lands in which sub-histogram
 * depends on the platform's byte order, which does not matter since they are summed. About
 * four times faster than one counter array on document images.
 * Kept apart so that the loop sees only one array type (V8 then keeps it monomorphic).
 */
function countBytes(data: Uint8Array, counts: Uint32Array): void {
  const lanes = new Uint32Array(4 * BIN_COUNT);
  const head = Math.min(data.length, (4 - (data.byteOffset % 4)) % 4);
  const wordCount = (data.length - head) >> 2;
  for (let i = 0; i < head; i++) lanes[data[i]]++;

  // Short data may have no aligned word at all (and no aligned start for the view).
  const words = wordCount === 0
    ? new Uint32Array(0)
    : new Uint32Array(data.buffer, data.byteOffset + head, wordCount);
  // Two words a pass, and the lane offsets as literals (an imported constant is read from its
  // module binding on every pass): together about 20% faster on document pages.
  const pairs = wordCount & ~1;
  for (let k = 0; k < pairs; k += 2) {
    const word = words[k];
    const next = words[k + 1];
    lanes[word & 0xff]++;
    lanes[256 + ((word >>> 8) & 0xff)]++;
    lanes[512 + ((word >>> 16) & 0xff)]++;
    lanes[768 + (word >>> 24)]++;
    lanes[next & 0xff]++;
    lanes[256 + ((next >>> 8) & 0xff)]++;
    lanes[512 + ((next >>> 16) & 0xff)]++;
    lanes[768 + (next >>> 24)]++;
  }
  if (pairs < wordCount) {
    const word = words[pairs];
    lanes[word & 0xff]++;
    lanes[256 + ((word >>> 8) & 0xff)]++;
    lanes[512 + ((word >>> 16) & 0xff)]++;
    lanes[768 + (word >>> 24)]++;
  }

  for (let i = head + 4 * wordCount; i < data.length; i++) lanes[data[i]]++;
  sumLanes(lanes, counts);
}

function countIncludedBytes(data: Uint8Array, included: Uint8Array, counts: Uint32Array): void {
  const lanes = new Uint32Array(4 * BIN_COUNT);
  const end = data.length - (data.length % 4);
  let i = 0;
  for (; i < end; i += 4) {
    lanes[data[i]] += included[i] === 0 ? 0 : 1;
    lanes[256 + data[i + 1]] += included[i + 1] === 0 ? 0 : 1;
    lanes[512 + data[i + 2]] += included[i + 2] === 0 ? 0 : 1;
    lanes[768 + data[i + 3]] += included[i + 3] === 0 ? 0 : 1;
  }
  for (; i < data.length; i++) lanes[data[i]] += included[i] === 0 ? 0 : 1;
  sumLanes(lanes, counts);
}

function sumLanes(lanes: Uint32Array, counts: Uint32Array): void {
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    counts[bin] = lanes[bin] + lanes[BIN_COUNT + bin] + lanes[2 * BIN_COUNT + bin] +
      lanes[3 * BIN_COUNT + bin];
  }
}

function dataRange16(image: GrayImage): ValueRange {
  const { data, included } = image;
  let min = 65535;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    if (included !== null && included[i] === 0) continue;
    const value = data[i];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return { min: 0, max: 65535, bitDepth: 16 };
  return { min, max, bitDepth: 16 };
}

function count16(image: GrayImage, range: ValueRange): Float64Array {
  const counts = new Float64Array(BIN_COUNT);
  const { data, included } = image;
  const span = range.max - range.min + 1;
  // bin = floor((value - min) * 256 / span), precomputed per value for speed.
  const binOf = new Uint8Array(65536);
  for (let value = range.min; value <= range.max; value++) {
    binOf[value] = Math.floor(((value - range.min) * BIN_COUNT) / span);
  }
  for (let i = 0; i < data.length; i++) {
    if (included !== null && included[i] === 0) continue;
    const value = data[i];
    if (value < range.min || value > range.max) {
      counts[value < range.min ? 0 : BIN_COUNT - 1]++;
    } else {
      counts[binOf[value]]++;
    }
  }
  return counts;
}
