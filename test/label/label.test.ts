import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/decode.js';
import { classHistogramsOf } from '../../src/label/class-histograms.js';
import { decodeMask, labelPair, loadPair } from '../../src/label/label.js';
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

describe('polarityOfClasses', () => {
  const at = (bins: Record<number, number>): number[] =>
    Array.from({ length: 256 }, (_, bin) => bins[bin] ?? 0);

  it('when the foreground is darker on average then dark, else bright, ties bright', () => {
    expect(polarityOfClasses({ foreground: at({ 10: 1 }), background: at({ 11: 1 }) }))
      .toBe('dark');
    expect(polarityOfClasses({ foreground: at({ 12: 1 }), background: at({ 11: 1 }) }))
      .toBe('bright');
    // Equal means (100 both): the foreground is not darker, so bright.
    expect(polarityOfClasses({ foreground: at({ 50: 1, 150: 1 }), background: at({ 100: 7 }) }))
      .toBe('bright');
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

  it('when the mask is all foreground then throws autothresh.mask: no background', async () => {
    const maskPath = join(directory, 'full.png');
    const raw = { raw: { width: 582, height: 492, channels: 1 as const } };
    await sharp(new Uint8Array(582 * 492).fill(255), raw).png().toFile(maskPath);
    await expect(labelPair(sampleImage('dibco2009-H03'), maskPath)).rejects.toMatchObject({
      code: 'autothresh.mask',
      message: expect.stringMatching(/full\.png: mask has no background pixel \(every value > 0\)/),
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

/** CRC-32 (IEEE, reflected, as PNG chunks use). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG file built by hand from raw scanlines (filter byte + data per row). */
function handMadePng(
  width: number, height: number, bitDepth: number, colourType: number, scanlines: Uint8Array,
): Buffer {
  const chunk = (type: string, body: Uint8Array): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('mask decoding', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'autothresh-mask-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('when the mask is a 1-bit gray PNG then values are 0 and 255', async () => {
    // Two rows of 11 pixels, most significant bit first, padded to whole bytes.
    const scanlines = Uint8Array.from([0, 0b10110000, 0b00100000, 0, 0b01000000, 0b00000000]);
    const mask = await decodeMask(handMadePng(11, 2, 1, 0, scanlines), 'one-bit.png');
    expect([mask.width, mask.height, mask.bitDepth]).toEqual([11, 2, 8]);
    expect(Array.from(mask.data)).toEqual([
      255, 0, 255, 255, 0, 0, 0, 0, 0, 0, 255,
      0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('when the mask is a palette PNG then values are the gray of its colours', async () => {
    const pixels = Buffer.from([0, 0, 0, 200, 200, 200, 200, 200, 200, 0, 0, 0]);
    const png = await sharp(pixels, { raw: { width: 2, height: 2, channels: 3 } })
      .png({ palette: true }).toBuffer();
    expect((await sharp(png).metadata()).isPalette).toBe(true);
    expect(Array.from((await decodeMask(png, 'palette.png')).data)).toEqual([0, 200, 200, 0]);
  });

  it('when mask pixels are transparent then they still count', async () => {
    // Gray 255 with alpha 0 (foreground), gray 0 with alpha 255, then both transparent.
    const pixels = Buffer.from([255, 255, 255, 0, 0, 0, 0, 255, 9, 9, 9, 0, 0, 0, 0, 0]);
    const png = await sharp(pixels, { raw: { width: 4, height: 1, channels: 4 } }).png().toBuffer();
    const mask = await decodeMask(png, 'alpha.png');
    expect(mask.included).toBeNull();
    expect(Array.from(mask.data)).toEqual([255, 0, 9, 0]);
  });

  it('when image and mask carry EXIF orientation 6 then both are rotated alike', async () => {
    const write = async (name: string, values: number[]): Promise<string> => {
      const file = join(directory, name);
      await sharp(Buffer.from(values), { raw: { width: 3, height: 2, channels: 1 } })
        .png().withMetadata({ orientation: 6 }).toFile(file);
      return file;
    };
    // Stored 3×2; the mask marks the stored pixel of value 100 (top right).
    const imagePath = await write('image.png', [0, 50, 100, 150, 200, 250]);
    const maskPath = await write('mask.png', [0, 0, 255, 0, 0, 0]);
    const pair = await loadPair(imagePath, maskPath);
    expect([pair.mask.width, pair.mask.height]).toEqual([2, 3]);
    // 90° clockwise: stored row 0 becomes the right column, so (2, 0) goes to the bottom right.
    expect(Array.from(pair.mask.data)).toEqual([0, 0, 0, 0, 0, 255]);
    expect(pair.image.data[5]).toBe(100);
    const record = await labelPair(imagePath, maskPath);
    expect([record.width, record.height]).toEqual([2, 3]);
    const foreground = record.foregroundHistogram ?? [];
    expect(foreground[100]).toBe(1);
    expect(foreground.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('when the mask file is missing, a folder or empty then the error names it', async () => {
    const image = sampleImage('dibco2009-H03');
    const missing = join(directory, 'missing.png');
    await expect(loadPair(image, missing)).rejects.toMatchObject({
      code: 'autothresh.fileNotFound', message: `${missing}: no such file`,
    });
    await expect(loadPair(image, directory)).rejects.toMatchObject({
      code: 'autothresh.decode', message: `${directory}: is a directory, not an image`,
    });
    const empty = join(directory, 'empty.png');
    await writeFile(empty, '');
    await expect(loadPair(image, empty)).rejects.toMatchObject({
      code: 'autothresh.decode', message: `${empty}: file is empty (0 bytes)`,
    });
  });

  it('when the mask is not an image then throws autothresh.decode naming it', async () => {
    const maskPath = join(directory, 'garbage.png');
    await writeFile(maskPath, 'not an image at all');
    await expect(loadPair(sampleImage('dibco2009-H03'), maskPath)).rejects.toMatchObject({
      code: 'autothresh.decode', message: expect.stringContaining('garbage.png: '),
    });
  });
});
