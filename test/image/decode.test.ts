import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogramOf } from '../../src/histogram/count.js';
import { binUpperValue } from '../../src/histogram/histogram.js';
import { decodeImage, readImage } from '../../src/image/decode.js';
import { luma16 } from '../../src/image/gray.js';
import { temporaryDirectory, write16BitGray, writeRaw } from '../helpers/images.js';

let folder: string;
beforeAll(() => {
  folder = temporaryDirectory();
});

describe('readImage on bad input', () => {
  it('when the file is missing then fileNotFound names it', async () => {
    const file = join(folder, 'missing.png');
    await expect(readImage(file)).rejects.toMatchObject({
      code: 'autothresh.fileNotFound',
      message: `${file}: no such file`,
    });
  });

  it('when a text file is named .png then it is not a supported image', async () => {
    const file = join(folder, 'text.png');
    writeFileSync(file, 'not an image\n');
    await expect(readImage(file)).rejects.toMatchObject({ code: 'autothresh.decode' });
    await expect(readImage(file)).rejects.toThrow(/text\.png: not a supported image/);
  });

  it('when the file is empty then the error says 0 bytes', async () => {
    const file = join(folder, 'empty.png');
    writeFileSync(file, '');
    await expect(readImage(file)).rejects.toThrow(/empty\.png: file is empty \(0 bytes\)/);
  });

  it('when a PNG is truncated then decoding fails instead of returning partial pixels',
    async () => {
    const whole = await sharp(Buffer.alloc(64 * 64 * 3, 77), {
      raw: { width: 64, height: 64, channels: 3 },
    }).png({ compressionLevel: 0 }).toBuffer();
    const file = join(folder, 'truncated.png');
    writeFileSync(file, whole.subarray(0, whole.length >> 1));
    await expect(readImage(file)).rejects.toMatchObject({ code: 'autothresh.decode' });
  });

  it('when a directory is given as an image then the error says so', async () => {
    await expect(readImage(folder)).rejects.toThrow(/is a directory/);
  });

  it('when the image exceeds the pixel limit then it is refused from the header', async () => {
    const file = await writeRaw(join(folder, 'big.png'), new Uint8Array(100 * 100), 100, 100, 1);
    await expect(readImage(file, { maxPixels: 5000 })).rejects.toThrow(/--max-pixels/);
  });
});

describe('readImage on awkward but valid input', () => {
  it('when the image is 1×1 then it decodes to one pixel', async () => {
    const file = await writeRaw(join(folder, 'one.png'), new Uint8Array([42]), 1, 1, 1);
    const image = await readImage(file);
    expect([image.width, image.height, Array.from(image.data)]).toEqual([1, 1, [42]]);
  });

  it('when the image is constant then the histogram has a single occupied bin', async () => {
    const file = await writeRaw(join(folder, 'flat.png'), new Uint8Array(50).fill(9), 10, 5, 1);
    const histogram = histogramOf(await readImage(file));
    expect(histogram.counts[9]).toBe(50);
    expect(histogram.total).toBe(50);
  });

  it('when the PNG is 16-bit gray then values keep 16 bits and the range is the data range',
    async () => {
    const values = new Uint16Array([0, 1000, 4095, 30000, 65535, 12]);
    const file = await write16BitGray(join(folder, 'deep.png'), values, 3, 2);
    const image = await readImage(file);
    expect(image.bitDepth).toBe(16);
    expect(Array.from(image.data)).toEqual(Array.from(values));
    const histogram = histogramOf(image);
    expect(histogram.range).toEqual({ min: 0, max: 65535, bitDepth: 16 });
    expect(histogram.counts[0]).toBe(2); // 0 and 12 fall in bin 0 (256 values a bin)
    expect(histogram.counts[3]).toBe(1); // 1000 >> 8 = 3
  });

  it('when a 16-bit image uses 12 bits then the 256 bins span only its data range', async () => {
    const values = new Uint16Array([100, 4095, 2000, 100]);
    const image = await readImage(await write16BitGray(join(folder, 'twelve.png'), values, 2, 2));
    const histogram = histogramOf(image);
    expect(histogram.range).toMatchObject({ min: 100, max: 4095 });
    expect(histogram.counts[0]).toBe(2);
    expect(histogram.counts[255]).toBe(1);
    // Every value at or below binUpperValue(t) is in a bin ≤ t.
    const cut = binUpperValue(127, histogram.range);
    expect(Math.floor(((2000 - 100) * 256) / 3996) <= 127).toBe(2000 <= cut);
  });

  it('when an RGBA PNG has a transparent background then those pixels are left out', async () => {
    const rgba = new Uint8Array([255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 255, 255, 10, 10, 10, 0]);
    const file = await writeRaw(join(folder, 'alpha.png'), rgba, 2, 2, 4);
    const image = await readImage(file);
    expect(Array.from(image.included ?? [])).toEqual([0, 1, 1, 0]);
    expect(histogramOf(image).total).toBe(2);
    const everything = await readImage(file, { includeTransparent: true });
    expect(everything.included).toBeNull();
    expect(histogramOf(everything).total).toBe(4);
  });

  it('when the JPEG is CMYK then it is converted to sRGB before gray, not inverted', async () => {
    const rgb = new Uint8Array([230, 230, 230, 20, 20, 20, 230, 230, 230, 20, 20, 20]);
    const file = join(folder, 'cmyk.jpg');
    await sharp(Buffer.from(rgb), { raw: { width: 2, height: 2, channels: 3 } })
      .toColourspace('cmyk').jpeg({ quality: 100 }).toFile(file);
    expect((await sharp(file).metadata()).space).toBe('cmyk');
    const image = await readImage(file);
    expect(image.data[0]).toBeGreaterThan(180);
    expect(image.data[1]).toBeLessThan(70);
    // Large CMYK images, decoded in strips, convert the same way.
    const inStrips = await readImage(file, { stripBytes: 1 });
    expect(Array.from(inStrips.data)).toEqual(Array.from(image.data));
  });

  it('when a TIFF has three pages then page 0 is read with a warning, and --page picks another',
    async () => {
    const file = 'test/fixtures/images/three-pages.tif';
    const first = await readImage(file);
    expect(first.pageCount).toBe(3);
    expect(first.warnings.join()).toMatch(/3 pages; using page 0/);
    expect(first.data[0]).toBe(0);
    const third = await readImage(file, { page: 2 });
    expect(third.data[0]).toBe(200);
    expect(third.warnings).toEqual([]);
    await expect(readImage(file, { page: 3 })).rejects.toThrow(/page 3 does not exist/);
  });

  it('when the pages of a TIFF differ in size then --page reads the chosen page at its size',
    async () => {
      const file = 'test/fixtures/images/two-sizes.tif';
      const first = await readImage(file);
      expect([first.width, first.height, first.data[0]]).toEqual([4, 3, 10]);
      const second = await readImage(file, { page: 1 });
      expect([second.width, second.height, second.pageCount]).toEqual([6, 5, 2]);
      // Pillow wrote value(x, y) = 20 x + y.
      expect(Array.from(second.data)).toEqual(
        Array.from({ length: 30 }, (_, i) => 20 * (i % 6) + Math.floor(i / 6)));
    });

  it('when the image has EXIF orientation 6 then pixels are rotated 90° clockwise', async () => {
    for (const extension of ['png', 'jpg']) {
      const file = join(folder, `rotated.${extension}`);
      await sharp(Buffer.from([0, 50, 100, 150, 200, 250]), {
        raw: { width: 3, height: 2, channels: 1 },
      }).toFormat(extension === 'png' ? 'png' : 'jpeg', { quality: 100 })
        .withMetadata({ orientation: 6 }).toFile(file);
      const image = await readImage(file);
      expect([image.width, image.height]).toEqual([2, 3]);
      // Row 0 of the stored image (0, 50, 100) becomes the right column, top to bottom.
      const rightColumn = [image.data[1], image.data[3], image.data[5]];
      rightColumn.forEach((value, index) => {
        expect(Math.abs(value - [0, 50, 100][index])).toBeLessThan(4);
      });
    }
  });

  it('when a 16-bit RGB(A) image is decoded in strips then it equals the 16-bit formula',
    async () => {
      const width = 9;
      const height = 23;
      const values = new Uint16Array(width * height * 4);
      for (let i = 0; i < values.length; i++) values[i] = (i * 40503) % 65536;
      for (let i = 0; i < width * height; i++) if (i % 5 === 0) values[i * 4 + 3] = 0;
      const file = join(folder, 'deep-colour.png');
      await sharp(values, { raw: { width, height, channels: 4 } }).toColourspace('rgb16').png()
        .toFile(file);
      const expected = Array.from({ length: width * height }, (_, i) =>
        luma16(values[i * 4], values[i * 4 + 1], values[i * 4 + 2]));
      // 200 bytes a strip: 3 rows of 9 pixels × 4 channels × 2 bytes.
      for (const stripBytes of [undefined, 200]) {
        const image = await readImage(file, { stripBytes });
        expect(image.bitDepth).toBe(16);
        expect(Array.from(image.data)).toEqual(expected);
        expect(Array.from(image.included ?? [])).toEqual(
          Array.from({ length: width * height }, (_, i) => (values[i * 4 + 3] > 0 ? 1 : 0)));
      }
    });

  it('when a rotated colour image is decoded in strips or in libvips then rows stay oriented',
    async () => {
      const eight = join(folder, 'rotated-colour.png');
      const sixteen = join(folder, 'rotated-colour-16.png');
      const pixels = new Uint16Array(5 * 8 * 3).map((_, i) => (i * 7919) % 65536);
      await sharp(pixels, { raw: { width: 5, height: 8, channels: 3 } }).toColourspace('rgb16')
        .withMetadata({ orientation: 6 }).png().toFile(sixteen);
      await sharp(sixteen).toColourspace('srgb').withMetadata({ orientation: 6 }).png()
        .toFile(eight);
      for (const file of [eight, sixteen]) {
        const whole = await readImage(file);
        expect([whole.width, whole.height]).toEqual([8, 5]);
        // One oriented row (8 pixels) a strip for 16-bit; the libvips route for 8-bit.
        const parts = await readImage(file, { stripBytes: 8 * 3 * 2 });
        expect(Array.from(parts.data)).toEqual(Array.from(whole.data));
      }
    });
});
