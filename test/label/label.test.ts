import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/decode.js';
import { classHistogramsOf } from '../../src/label/class-histograms.js';
import { labelPair } from '../../src/label/label.js';
import {
  bestThreshold, OBJECTIVE_NAMES, polarityOfClasses,
} from '../../src/label/objectives.js';
import { LabelRecordSchema } from '../../src/label/schema.js';
import { createRandom } from '../../src/util/random.js';
import { bruteForceBest, cropImage, SAMPLE_NAMES, sampleImage, sampleMask } from './helpers.js';

interface FixtureRecord {
  name: string;
  crop: { x: number; y: number; width: number; height: number };
  cropPolarity: 'dark' | 'bright';
  cropBest: Record<string, { threshold: number; score: number }>;
}
const fixture: { records: FixtureRecord[] } = JSON.parse(await readFile(
  new URL('../fixtures/label/class-histograms.json', import.meta.url), 'utf8',
));

describe('best threshold from class histograms', () => {
  it.each(SAMPLE_NAMES)('when cropping %s then matches the Python brute force', async (name) => {
    const expected = fixture.records.find((record) => record.name === name) as FixtureRecord;
    const { x, y, width, height } = expected.crop;
    const image = cropImage(await readImage(sampleImage(name)), x, y, width, height);
    const mask = cropImage(await readImage(sampleMask(name)), x, y, width, height);
    const classes = classHistogramsOf(image, mask);
    const polarity = polarityOfClasses(classes);
    expect(polarity).toBe(expected.cropPolarity);
    for (const objective of OBJECTIVE_NAMES) {
      const best = bestThreshold(classes, polarity, objective);
      expect(best.threshold, objective).toBe(expected.cropBest[objective].threshold);
      expect(best.score).toBeCloseTo(expected.cropBest[objective].score, 12);
    }
  });

  it('when binarizing random crops at every threshold then the exact search agrees', async () => {
    const random = createRandom(7);
    for (const name of SAMPLE_NAMES) {
      const fullImage = await readImage(sampleImage(name));
      const fullMask = await readImage(sampleMask(name));
      for (let trial = 0; trial < 3; trial++) {
        const width = random.integer(24, 96);
        const height = random.integer(24, 96);
        const x = random.integer(0, fullImage.width - width);
        const y = random.integer(0, fullImage.height - height);
        const image = cropImage(fullImage, x, y, width, height);
        const mask = cropImage(fullMask, x, y, width, height);
        const truth = Array.from(mask.data, (value) => value > 0);
        if (!truth.includes(true)) continue;
        const classes = classHistogramsOf(image, mask);
        const polarity = polarityOfClasses(classes);
        for (const objective of OBJECTIVE_NAMES) {
          const expected = bruteForceBest(image.data, truth, polarity, objective);
          const best = bestThreshold(classes, polarity, objective);
          expect(best.threshold, `${name} ${objective} @${x},${y}`).toBe(expected.threshold);
          expect(best.score).toBeCloseTo(expected.score, 12);
        }
      }
    }
  });
});

describe('labelPair', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'autothresh-label-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('when labelling a sample then the record is valid, hashed and exact', async () => {
    const name = 'dibco2009-H03';
    const record = await labelPair(sampleImage(name), sampleMask(name), { dataset: 'samples' });
    expect(LabelRecordSchema.parse(record)).toEqual(record);
    const digest = createHash('sha256').update(await readFile(sampleImage(name))).digest('hex');
    expect(record.imageSha256).toBe(digest);
    expect(record).toMatchObject({
      id: name, source: `${name}.png`, dataset: 'samples', polarity: 'dark',
      objective: 'fmeasure', labelKind: 'mask', width: 582, height: 492,
    });
    expect(record.histogram.reduce((a, b) => a + b)).toBe(582 * 492);
    const [low, high] = record.bestRange as [number, number];
    expect(low).toBeLessThanOrEqual(record.bestThreshold);
    expect(high).toBeGreaterThanOrEqual(record.bestThreshold);
  });

  it('when the mask is a JPEG with another extension then it is decoded all the same', async () => {
    const name = 'isbi2012-em-00';
    const maskPath = join(directory, 'mask.weird');
    await writeFile(maskPath, await sharp(sampleMask(name)).jpeg({ quality: 100 }).toBuffer());
    const record = await labelPair(sampleImage(name), maskPath, { maskThreshold: 127 });
    expect(record.polarity).toBe('dark');
  });

  it('when the mask has no foreground then throws autothresh.mask naming the mask', async () => {
    const maskPath = join(directory, 'empty.png');
    const raw = { raw: { width: 582, height: 492, channels: 1 as const } };
    await sharp(new Uint8Array(582 * 492), raw).png().toFile(maskPath);
    await expect(labelPair(sampleImage('dibco2009-H03'), maskPath)).rejects.toMatchObject({
      code: 'autothresh.mask',
      message: expect.stringMatching(/^.*empty\.png: mask has no foreground/),
    });
  });

  it('when the mask size differs then throws autothresh.mask with both sizes', async () => {
    const maskPath = join(directory, 'small.png');
    await copyFile(sampleMask('dsb2018-tissue-0bf33d3d'), maskPath);
    await expect(labelPair(sampleImage('dibco2009-H03'), maskPath)).rejects.toMatchObject({
      code: 'autothresh.mask', message: expect.stringContaining('320×256'),
    });
  });
});
