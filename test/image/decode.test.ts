import { execFileSync } from 'node:child_process';
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
    await expect(readImage(file)).rejects.toMatchObject({
      code: 'autothresh.decode',
      message: `${file}: cannot decode image (truncated or corrupt PNG data: libpng read error)`,
    });
  });

  it('when a directory is given as an image then the error says so', async () => {
    await expect(readImage(folder)).rejects.toThrow(/is a directory/);
  });

  it('when the image exceeds the pixel limit then it is refused from the header', async () => {
    const file = await writeRaw(join(folder, 'big.png'), new Uint8Array(100 * 100), 100, 100, 1);
    await expect(readImage(file, { maxPixels: 5000 })).rejects.toThrow(/--max-pixels/);
    // The message says what the file is for the caller: an image by default, or a mask.
    await expect(readImage(file, { maxPixels: 5000, role: 'mask' })).rejects.toThrow(
      `${file}: mask has 100×100 = 10000 pixels, more than the limit of 5000 (raise it with ` +
        '--max-pixels)');
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

/** value(x, y) = (7 x + 13 y) mod 256 on 13 × 7, as make-fixtures.py writes the gray plane. */
const FIXTURE_GRAY = Array.from({ length: 13 * 7 }, (_, i) => (7 * (i % 13) +
  13 * Math.floor(i / 13)) % 256);

describe('readImage on 8-bit gray+alpha images (Pillow "LA")', () => {
  for (const extension of ['png', 'tif']) {
    const transparent = `test/fixtures/images/gray-alpha-transparent.${extension}`;
    const opaque = `test/fixtures/images/gray-alpha-opaque.${extension}`;

    // stripBytes 1 forces the route of images too large to convert in JavaScript (libvips).
    for (const stripBytes of [undefined, 1]) {
      const route = stripBytes === undefined ? 'in JavaScript' : 'in libvips';
      it(`when a ${extension} has transparent pixels and is converted ${route} then gray is ` +
        'the gray plane and alpha-0 pixels are left out', async () => {
        const image = await readImage(transparent, { stripBytes });
        expect([image.width, image.height, image.bitDepth]).toEqual([13, 7, 8]);
        expect(Array.from(image.data)).toEqual(FIXTURE_GRAY);
        // Alpha is 0 on row 0 only.
        expect(Array.from(image.included ?? [])).toEqual(
          FIXTURE_GRAY.map((_, i) => (i < 13 ? 0 : 1)));
        expect(histogramOf(image).total).toBe(13 * 6);
      });
    }

    it(`when a ${extension} is opaque then every pixel counts and gray is the gray plane`,
      async () => {
        const image = await readImage(opaque);
        expect(Array.from(image.data)).toEqual(FIXTURE_GRAY);
        expect(image.included).toBeNull();
      });

    it(`when a ${extension} is read as a mask (transparent pixels included) then its gray ` +
      'plane is read whole', async () => {
      const image = await readImage(transparent, { includeTransparent: true });
      expect(Array.from(image.data)).toEqual(FIXTURE_GRAY);
      expect(image.included).toBeNull();
    });
  }

  it('when sharp writes a 2-channel PNG then it decodes the same way', async () => {
    const pixels = new Uint8Array([0, 0, 90, 255, 180, 255, 250, 0]);
    const file = await writeRaw(join(folder, 'two-channels.png'), pixels, 2, 2, 2);
    expect((await sharp(file).metadata()).channels).toBe(2);
    const image = await readImage(file);
    expect(Array.from(image.data)).toEqual([0, 90, 180, 250]);
    expect(Array.from(image.included ?? [])).toEqual([0, 1, 1, 0]);
  });
});

describe('readImage on damaged files', () => {
  /** A 96×64 JPEG of noise (the encoder cannot shrink it much), 1 or 3 channels. */
  async function noiseJpeg(channels: 1 | 3): Promise<Buffer> {
    const pixels = Buffer.alloc(96 * 64 * channels);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
    return sharp(pixels, { raw: { width: 96, height: 64, channels } })
      .jpeg({ quality: 90 }).toBuffer();
  }

  it('when a JPEG is cut to a third but keeps its end marker then it is refused, naming the ' +
    'corrupt data', async () => {
    const whole = await noiseJpeg(3);
    const cut = Buffer.concat([whole.subarray(0, Math.floor(whole.length / 3)),
      Buffer.from([0xff, 0xd9])]);
    const file = join(folder, 'cut.jpg');
    writeFileSync(file, cut);
    await expect(readImage(file)).rejects.toMatchObject({
      code: 'autothresh.decode',
      message: `${file}: cannot decode image (corrupt JPEG data: premature end of data segment)`,
    });
    // The whole file is fine, on every decoding route.
    writeFileSync(join(folder, 'whole.jpg'), whole);
    for (const stripBytes of [undefined, 1]) {
      const image = await readImage(join(folder, 'whole.jpg'), { stripBytes });
      expect([image.width, image.height]).toEqual([96, 64]);
    }
  });

  it('when a JPEG has a frame header but no scan then the decoder\'s words come once', async () => {
    // SOI, a baseline frame header (8 bits, 60000 × 60000, one component), EOI: no SOS marker.
    const bytes = Buffer.from([
      0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0xea, 0x60, 0xea, 0x60, 0x01, 0x01, 0x11, 0x00,
      0xff, 0xd9,
    ]);
    const failure = decodeImage(bytes, 'header-only.jpg');
    await expect(failure).rejects.toMatchObject({ code: 'autothresh.decode' });
    const message = await failure.then(() => '', (error: Error) => error.message);
    expect(message.match(/missing SOS marker/gi)).toHaveLength(1);
  });

  it('when a JPEG header claims 60000×60000 pixels then it fails fast, even with the pixel ' +
    'limit raised', async () => {
    const bytes = Buffer.from(await noiseJpeg(1));
    // Baseline (SOF0) or progressive (SOF2) frame header: marker, length (2), precision (1),
    // then height and width, big-endian.
    const frame = bytes.findIndex((byte, i) =>
      byte === 0xff && [0xc0, 0xc2].includes(bytes[i + 1]));
    expect(frame).toBeGreaterThan(0);
    bytes.writeUInt16BE(60000, frame + 5);
    bytes.writeUInt16BE(60000, frame + 7);
    const started = Date.now();
    const failure = decodeImage(bytes, 'huge.jpg', { maxPixels: 4e9 });
    await expect(failure).rejects.toMatchObject({ code: 'autothresh.decode' });
    await expect(failure).rejects.toThrow(/^huge\.jpg: cannot decode image \(.*corrupt/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('when the input is a FIFO then it is refused as not a regular file, without reading it',
    async () => {
      const fifo = join(folder, 'pipe.png');
      execFileSync('mkfifo', [fifo]);
      await expect(readImage(fifo)).rejects.toMatchObject({
        code: 'autothresh.decode', message: `${fifo}: not a regular file`,
      });
    });
});

describe('readImage on floating-point samples', () => {
  it('when a TIFF holds 32-bit floats then they are cast to 16-bit integers, with a warning',
    async () => {
      const image = await readImage('test/fixtures/images/float-values.tif');
      // make-fixtures.py's FLOAT_VALUES, fractions dropped and clipped to 0..65535.
      const values = [0.25, 0.75, 1.0, 1.7, 300.2, 300.6, -5.0, 70000.0, 2.5, 65535.9];
      expect(image.bitDepth).toBe(16);
      expect(Array.from(image.data))
        .toEqual(values.map((value) => Math.min(65535, Math.max(0, Math.trunc(value)))));
      expect(image.warnings).toEqual([
        'test/fixtures/images/float-values.tif: 32-bit floating-point samples cast to 16-bit ' +
          'integers (fractions dropped, values outside 0–65535 clipped)',
      ]);
    });
});

describe('readImage on animated GIF and WebP', () => {
  for (const extension of ['gif', 'webp']) {
    it(`when a ${extension} has three frames then frame 0 is read with a warning, and page ` +
      'picks another', async () => {
      const file = `test/fixtures/images/three-frames.${extension}`;
      const first = await readImage(file);
      expect([first.width, first.height, first.pageCount, first.data[0]]).toEqual([12, 10, 3, 0]);
      expect(first.warnings).toEqual([
        `${file}: file has 3 pages; using page 0 (choose with --page)`,
      ]);
      const third = await readImage(file, { page: 2 });
      expect([third.data[0], third.data[119]]).toEqual([200, 200]);
      expect(third.warnings).toEqual([]);
      await expect(readImage(file, { page: 3 })).rejects.toThrow(/page 3 does not exist/);
    });
  }
});
