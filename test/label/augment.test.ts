import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramOf } from '../../src/histogram/count.js';
import { readImage } from '../../src/image/decode.js';
import { createGrayImage } from '../../src/image/gray-image.js';
import {
  augmentImage, isSeparable, minimumTiles, sampleCrops,
} from '../../src/label/augment.js';
import { labelledPixelsOf, loadPair, recordFromClasses } from '../../src/label/label.js';
import {
  classHistogramsOfPixels, labelPixels, type LabelledPixels,
} from '../../src/label/class-histograms.js';
import { LabelRecordSchema, type LabelRecord } from '../../src/label/schema.js';
import { buildTileGrid } from '../../src/label/tiles.js';
import { createRandom } from '../../src/util/random.js';
import { cropImage, sampleImage, sampleMask } from './helpers.js';

async function labelled(name: string) {
  const pair = await loadPair(sampleImage(name), sampleMask(name));
  const pixels = labelledPixelsOf(pair);
  const base = recordFromClasses({
    id: name, source: `samples/images/${name}.png`, dataset: 'samples',
    imageSha256: pair.imageSha256, maskSha256: pair.maskSha256,
    width: pixels.width, height: pixels.height,
    classes: classHistogramsOfPixels(pixels), objective: 'fmeasure',
  });
  return { base, pixels };
}

const sum = (values: number[] | undefined): number => (values ?? []).reduce((a, b) => a + b, 0);

describe('augmentImage', () => {
  it('when augmenting twice with one seed then records are identical and valid', async () => {
    const { base, pixels } = await labelled('isbi2012-em-00');
    const options = { crops: 12, photometric: 2, pixelVariants: 3, seed: 9 };
    const first = await augmentImage(base, pixels, options);
    const second = await augmentImage(base, pixels, options);
    expect(second).toEqual(first);
    expect(first.length).toBe(12 + 13 * 2 + 3);
    for (const record of first) expect(LabelRecordSchema.parse(record)).toEqual(record);
    expect(new Set(first.map((record) => record.id)).size).toBe(first.length);

    const other = await augmentImage(base, pixels, { ...options, seed: 10 });
    expect(other.map((record) => record.augmentation)).not.toEqual(
      first.map((record) => record.augmentation),
    );
  });

  it('when cropping then each crop counts exactly its pixels', async () => {
    const { base, pixels } = await labelled('dibco2009-H03');
    const crops = (await augmentImage(base, pixels, { crops: 20, seed: 2 }))
      .filter((record) => record.augmentation?.steps.length === 0);
    expect(crops.length).toBe(20);
    for (const record of crops) {
      const crop = record.augmentation?.crop as { width: number; height: number };
      expect(record.width).toBe(crop.width);
      expect(sum(record.foregroundHistogram) + sum(record.backgroundHistogram))
        .toBe(crop.width * crop.height);
      expect(crop.width).toBeGreaterThanOrEqual(Math.floor(582 * 0.2));
      expect(sum(record.foregroundHistogram)).toBeGreaterThan(0);
    }
  });

  it('when a variant adds a gradient then its histograms match the pixels', async () => {
    const name = 'nuclei-nih3t3-dna-00';
    const { base, pixels } = await labelled(name);
    const records = await augmentImage(base, pixels, { pixelVariants: 3, seed: 4 });
    const gradient = records.find((record) => record.augmentation?.steps[0].kind === 'gradient');
    expect(gradient).toBeDefined();
    const { crop, steps } = (gradient as LabelRecord).augmentation as unknown as {
      crop: { x: number; y: number; width: number; height: number };
      steps: Array<{ value: number; angle: number }>;
    };
    const { value: amplitude, angle } = steps[0];

    // Recompute from the decoded pixels with the documented formula.
    const image = await readImage(sampleImage(name));
    const mask = await readImage(sampleMask(name));
    const { x, y, width, height } = crop;
    const ends = [0, (width - 1) * Math.cos(angle), (height - 1) * Math.sin(angle),
      (width - 1) * Math.cos(angle) + (height - 1) * Math.sin(angle)];
    const low = Math.min(...ends);
    const span = Math.max(...ends) - low;
    const foreground = new Array(256).fill(0);
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const i = (y + row) * image.width + x + column;
        if (mask.data[i] === 0) continue;
        const s = (column * Math.cos(angle) + row * Math.sin(angle) - low) / span;
        const shifted = Math.round(image.data[i] + amplitude * (s - 0.5));
        foreground[Math.min(255, Math.max(0, shifted))]++;
      }
    }
    expect(gradient?.foregroundHistogram).toEqual(foreground);
  });

  it('when noise is applied then counts are fractional but totals are kept', async () => {
    const { base, pixels } = await labelled('dsb2018-tissue-0bf33d3d');
    const records = await augmentImage(base, pixels, { photometric: 30, seed: 1 });
    const noisy = records.filter((record) =>
      record.augmentation?.steps.some((step) => step.kind === 'noise'));
    expect(noisy.length).toBeGreaterThan(0);
    for (const record of noisy) {
      const total = sum(record.foregroundHistogram) + sum(record.backgroundHistogram);
      expect(Math.abs(total - 320 * 256) / (320 * 256)).toBeLessThan(1e-3);
    }
    const inverted = records.filter((record) =>
      record.augmentation?.steps.some((step) => step.kind === 'invert'));
    expect(inverted.length).toBeGreaterThan(0);
    expect(inverted.every((record) => record.polarity === 'bright')).toBe(true);
  });
});

/** A labelled image of random bins whose classes alternate in stripes (both in every crop). */
function stripes(width: number, height: number): LabelledPixels {
  const image = createGrayImage(width, height, Uint8Array.from(
    { length: width * height }, (_, i) => (i * 37) % 256,
  ));
  const mask = createGrayImage(width, height, Uint8Array.from(
    { length: width * height }, (_, i) => (i % width) % 2 * 255,
  ));
  return labelPixels(image, mask);
}

describe('isSeparable', () => {
  const counts = (bins: Record<number, number>): Float64Array => {
    const values = new Float64Array(256);
    for (const [bin, count] of Object.entries(bins)) values[Number(bin)] = count;
    return values;
  };

  it('when both classes fill one and the same bin then no threshold separates them', () => {
    expect(isSeparable({ foreground: counts({ 0: 5 }), background: counts({ 0: 9 }) })).toBe(false);
    expect(isSeparable({ foreground: counts({ 255: 1 }), background: counts({ 255: 3 }) }))
      .toBe(false);
  });

  it('when a class is empty then it is not separable, whatever the bins', () => {
    expect(isSeparable({ foreground: counts({}), background: counts({ 3: 1, 200: 2 }) }))
      .toBe(false);
  });

  it('when the pixels occupy two bins then it is separable, even mixed', () => {
    expect(isSeparable({ foreground: counts({ 0: 1 }), background: counts({ 255: 1 }) }))
      .toBe(true);
    expect(isSeparable({ foreground: counts({ 7: 2, 8: 1 }), background: counts({ 7: 1 }) }))
      .toBe(true);
  });
});

describe('crop sizes', () => {
  it('when sides and tiles are random then every crop side is at least 25% of the image', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 400 }), fc.integer({ min: 2, max: 400 }),
      fc.constantFrom(8, 16, 32), fc.integer({ min: 0, max: 1000 }),
      (width, height, tileSize, seed) => {
        const grid = buildTileGrid(stripes(width, height), tileSize);
        for (const { rect } of sampleCrops(grid, 12, createRandom(seed))) {
          expect(rect.width).toBeGreaterThanOrEqual(width / 4);
          expect(rect.height).toBeGreaterThanOrEqual(height / 4);
          expect(rect.x + rect.width).toBeLessThanOrEqual(width);
        }
      },
    ), { numRuns: 80, seed: 5 });
  });

  it('when counting tiles by brute force then minimumTiles is the fewest that reach 25%', () => {
    for (const tileSize of [8, 16, 32]) {
      for (let side = 1; side <= 300; side++) {
        const tiles = Math.ceil(side / tileSize);
        // Narrowest run of n tiles: the one that ends with the (narrower) last tile.
        const narrowest = (n: number): number => side - (tiles - n) * tileSize;
        const fewest = Array.from({ length: tiles }, (_, index) => index + 1)
          .find((n) => narrowest(n) >= side / 4);
        expect(minimumTiles(side, { tileSize }), `${side} px, ${tileSize}-px tiles`)
          .toBe(fewest);
      }
    }
  });

  it('when pixel-level variants are cropped then each side is at least 25%', async () => {
    const { base, pixels } = await labelled('isbi2012-em-00');
    const records = await augmentImage(base, pixels, { pixelVariants: 30, seed: 3 });
    expect(records.length).toBeGreaterThan(20);
    for (const record of records) {
      expect(record.width).toBeGreaterThanOrEqual(512 / 4);
      expect(record.height).toBeGreaterThanOrEqual(512 / 4);
    }
  });
});

describe('16-bit images', () => {
  async function sixteenBit() {
    // A 12-bit-like image: the sample's gray values spread over 0..4080 plus a gradient, so
    // crops have value ranges of their own.
    const gray = await readImage(sampleImage('nuclei-nih3t3-dna-00'));
    const truth = await readImage(sampleMask('nuclei-nih3t3-dna-00'));
    const values = Uint16Array.from(gray.data, (value, i) =>
      value * 16 + Math.floor((i % gray.width) / 8));
    const image = createGrayImage(gray.width, gray.height, values);
    const pixels = labelPixels(image, truth);
    const base = recordFromClasses({
      id: 'deep', source: 'deep/images/deep.png', dataset: 'deep', imageSha256: 'a'.repeat(64),
      maskSha256: 'b'.repeat(64), width: gray.width, height: gray.height,
      classes: classHistogramsOfPixels(pixels), objective: 'fmeasure',
    });
    return { image, truth, pixels, base };
  }

  it('when cropping then each crop is binned on its own range, as a cropped file', async () => {
    const { image, truth, pixels, base } = await sixteenBit();
    const crops = await augmentImage(base, pixels, { crops: 6, seed: 2 });
    expect(crops).toHaveLength(6);
    for (const record of crops) {
      const { x, y, width, height } = record.augmentation?.crop as {
        x: number; y: number; width: number; height: number;
      };
      const croppedImage = cropImage(image, x, y, width, height);
      const croppedTruth = cropImage(truth, x, y, width, height);
      const expected = histogramOf(croppedImage, 'data');
      expect(record.valueRange).toEqual(expected.range);
      expect(record.histogram).toEqual(Array.from(expected.counts));
      const foreground = new Array(256).fill(0);
      const binned = Array.from(croppedImage.data, (value) => Math.floor(
        ((value - expected.range.min) * 256) / (expected.range.max - expected.range.min + 1)));
      binned.forEach((bin, i) => { if (croppedTruth.data[i] > 0) foreground[bin]++; });
      expect(record.foregroundHistogram).toEqual(foreground);
      expect(LabelRecordSchema.safeParse(record).success).toBe(true);
    }
  });

  it('when variants are asked for then only crops are made and a warning says so', async () => {
    const { pixels, base } = await sixteenBit();
    const warnings: string[] = [];
    const records = await augmentImage(base, pixels, {
      crops: 2, photometric: 2, pixelVariants: 3, seed: 1, onWarning: (line) => warnings.push(line),
    });
    expect(records.every((record) => record.augmentation?.steps.length === 0)).toBe(true);
    expect(warnings).toEqual([
      'deep/images/deep.png: 16-bit image: photometric and pixel-level variants need 8-bit ' +
        'data; made crops only',
    ]);
  });
});
