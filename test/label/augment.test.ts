import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/decode.js';
import { augmentImage } from '../../src/label/augment.js';
import { labelledPixelsOf, loadPair, recordFromClasses } from '../../src/label/label.js';
import { classHistogramsOfPixels } from '../../src/label/class-histograms.js';
import { LabelRecordSchema, type LabelRecord } from '../../src/label/schema.js';
import { sampleImage, sampleMask } from './helpers.js';

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
