import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { luma8 } from '../../src/image/gray.js';
import { bmpRows, buildBmp } from '../helpers/images.js';

const FIXTURES = new URL('../fixtures/images/', import.meta.url).pathname;
const WIDTH = 13;
const HEIGHT = 7;

/** `f(x, y)` for every pixel, row-major. */
function grid(width: number, height: number, f: (x: number, y: number) => number): number[] {
  return Array.from({ length: width * height }, (_, i) => f(i % width, Math.floor(i / width)));
}

function rowsOf(values: readonly number[], width: number): number[][] {
  return Array.from({ length: values.length / width },
    (_, row) => values.slice(row * width, (row + 1) * width));
}

/** Packs palette indices of `bits` bits, leftmost pixel in the high bits. */
function packIndices(indices: readonly number[], bits: number): number[] {
  const perByte = 8 / bits;
  const bytes = new Array<number>(Math.ceil(indices.length / perByte)).fill(0);
  indices.forEach((index, x) => {
    bytes[Math.floor(x / perByte)] |= index << (8 - bits * ((x % perByte) + 1));
  });
  return bytes;
}

async function decodedGray(bytes: Uint8Array, includeTransparent = false) {
  const image = await decodeImage(bytes, 'test.bmp', { includeTransparent });
  expect(image.format).toBe('bmp');
  return { data: Array.from(image.data), included: image.included, image };
}

describe('BMP files written by OpenCV', () => {
  it('when OpenCV writes 8-bit gray then every pixel is the value it was given', async () => {
    const image = await decodeImage(readFileSync(`${FIXTURES}opencv-gray8.bmp`), 'gray8.bmp');
    expect([image.width, image.height]).toEqual([WIDTH, HEIGHT]);
    expect(Array.from(image.data)).toEqual(grid(WIDTH, HEIGHT, (x, y) => (7 * x + 13 * y) % 256));
  });

  it('when OpenCV writes 24-bit BGR then every pixel is the luma of its colour', async () => {
    const image = await decodeImage(readFileSync(`${FIXTURES}opencv-bgr24.bmp`), 'bgr24.bmp');
    expect(Array.from(image.data)).toEqual(grid(WIDTH, HEIGHT,
      (x, y) => luma8((5 * x) % 256, (11 * y) % 256, (3 * (x + y)) % 256)));
  });
});

describe('hand-built BMP files', () => {
  const indices = grid(WIDTH, HEIGHT, (x, y) => (x * 3 + y * 5) % 16);

  it('when a 1-bit palette is inverted (index 0 white) then the palette is applied', async () => {
    const bits = grid(WIDTH, HEIGHT, (x, y) => (x + y) % 2);
    const data = bmpRows(rowsOf(bits, WIDTH).map((row) => packIndices(row, 1)));
    const bytes = buildBmp({
      width: WIDTH, height: HEIGHT, bitsPerPixel: 1, data, palette: [[255, 255, 255], [0, 0, 0]],
    });
    expect((await decodedGray(bytes)).data).toEqual(bits.map((bit) => (bit ? 0 : 255)));
  });

  it('when a 4-bit palette holds colours then each index becomes its colour\'s luma', async () => {
    const palette = Array.from({ length: 16 }, (_, i) =>
      [(i * 40) % 256, (i * 90) % 256, 255 - i * 10] as const);
    const data = bmpRows(rowsOf(indices, WIDTH).map((row) => packIndices(row, 4)));
    const bytes = buildBmp({ width: WIDTH, height: HEIGHT, bitsPerPixel: 4, data, palette });
    expect((await decodedGray(bytes)).data).toEqual(indices.map((i) => luma8(...palette[i])));
  });

  it('when an 8-bit palette image is stored top-down (negative height) then rows stay in order',
    async () => {
      const palette = Array.from({ length: 256 }, (_, i) => [255 - i, i, (i * 7) % 256] as const);
      const values = grid(WIDTH, HEIGHT, (x, y) => (x * 19 + y * 31) % 256);
      const data = bmpRows(rowsOf(values, WIDTH), true);
      const bytes = buildBmp({ width: WIDTH, height: -HEIGHT, bitsPerPixel: 8, data, palette });
      expect((await decodedGray(bytes)).data).toEqual(values.map((i) => luma8(...palette[i])));
    });

  it('when a 24-bit image is top-down then it decodes without crashing, rows in order',
    async () => {
      const colours = grid(WIDTH, HEIGHT, (x, y) => x * 16 + y);
      const rows = rowsOf(colours, WIDTH).map((row) => row.flatMap((c) => [c, 255 - c, 40]));
      const bytes = buildBmp({
        width: WIDTH, height: -HEIGHT, bitsPerPixel: 24, data: bmpRows(rows, true),
      });
      // Stored order is blue, green, red.
      expect((await decodedGray(bytes)).data).toEqual(colours.map((c) => luma8(40, 255 - c, c)));
    });

  it('when a 32-bit BI_RGB image has junk in its fourth byte then it is not taken as alpha',
    async () => {
      const colours = grid(WIDTH, HEIGHT, (x, y) => (x * 20 + y * 3) % 256);
      const rows = rowsOf(colours, WIDTH).map((row) => row.flatMap((c) => [c, 100, 200, c % 2]));
      const bytes = buildBmp({
        width: WIDTH, height: HEIGHT, bitsPerPixel: 32, data: bmpRows(rows),
      });
      const { data, included } = await decodedGray(bytes);
      expect(data).toEqual(colours.map((c) => luma8(200, 100, c)));
      expect(included).toBeNull();
    });

  it('when a V5 32-bit image has an alpha mask then alpha-0 pixels are left out', async () => {
    const alpha = grid(WIDTH, HEIGHT, (x) => (x < 4 ? 0 : 255));
    const rows = rowsOf(alpha, WIDTH).map((row) => row.flatMap((a, x) => [x * 9, 50, 150, a]));
    const parts = {
      width: WIDTH, height: HEIGHT, bitsPerPixel: 32, data: bmpRows(rows), compression: 3,
      masks: [0xff0000, 0xff00, 0xff, 0xff000000], headerSize: 124,
    } as const;
    const { data, included } = await decodedGray(buildBmp(parts));
    expect(data).toEqual(grid(WIDTH, HEIGHT, (x) => luma8(150, 50, x * 9)));
    expect(Array.from(included ?? [])).toEqual(alpha.map((a) => (a > 0 ? 1 : 0)));
    expect((await decodedGray(buildBmp(parts), true)).included).toBeNull();
    // An alpha channel that is 0 everywhere means the writer did not use it: opaque.
    const empty = rowsOf(alpha, WIDTH).map((row) => row.flatMap((_, x) => [x * 9, 50, 150, 0]));
    expect((await decodedGray(buildBmp({ ...parts, data: bmpRows(empty) }))).included).toBeNull();
  });

  it('when pixels are 16-bit (5-5-5 default, 5-6-5 bit fields) then channels scale to 0..255',
    async () => {
      const fives = grid(WIDTH, HEIGHT, (x, y) => (x * 5 + y * 3) % 32);
      const word = (value: number) => [value & 255, value >> 8];
      const scale = (value: number, max: number) => Math.round((value * 255) / max);
      const rgb555 = rowsOf(fives, WIDTH)
        .map((row) => row.flatMap((v) => word((v << 10) | ((31 - v) << 5) | 7)));
      const bytes555 = buildBmp({
        width: WIDTH, height: HEIGHT, bitsPerPixel: 16, data: bmpRows(rgb555),
      });
      expect((await decodedGray(bytes555)).data)
        .toEqual(fives.map((v) => luma8(scale(v, 31), scale(31 - v, 31), scale(7, 31))));

      const rgb565 = rowsOf(fives, WIDTH)
        .map((row) => row.flatMap((v) => word((v << 11) | ((v * 2) << 5) | (31 - v))));
      const bytes565 = buildBmp({
        width: WIDTH, height: HEIGHT, bitsPerPixel: 16, data: bmpRows(rgb565), compression: 3,
        masks: [0xf800, 0x07e0, 0x001f],
      });
      expect((await decodedGray(bytes565)).data)
        .toEqual(fives.map((v) => luma8(scale(v, 31), scale(v * 2, 63), scale(31 - v, 31))));
    });

  it('when RLE8 has runs, literals, a delta and end-of-line before end-of-bitmap then it decodes',
    async () => {
      const palette: Array<[number, number, number]> = [
        [0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 0, 255],
      ];
      // Stored bottom row first; width 5, height 3.
      const stream = [
        2, 1, 0, 3, 2, 3, 2, 0, // bottom row: 1 1, literals 2 3 2 (odd: one pad byte)
        0, 0, // end of line
        2, 3, 0, 2, 2, 0, 1, 1, 0, 0, // middle row: 3 3, move right 2, then 1
        5, 2, 0, 0, // top row: five 2s, end of line
        0, 1, // end of bitmap
      ];
      const bytes = buildBmp({
        width: 5, height: 3, bitsPerPixel: 8, data: Uint8Array.from(stream), palette,
        compression: 1,
      });
      const gray = palette.map((colour) => luma8(...colour));
      // Skipped pixels take palette entry 0.
      expect((await decodedGray(bytes)).data).toEqual([
        2, 2, 2, 2, 2,
        3, 3, 0, 0, 1,
        1, 1, 2, 3, 2,
      ].map((index) => gray[index]));
    });

  it('when RLE4 has alternating runs and an odd literal run then nibbles come out in order',
    async () => {
      const palette = Array.from({ length: 16 }, (_, i) => [i * 16, i * 16, i * 16] as const);
      const stream = [
        5, 0x12, 0, 3, 0x34, 0x50, 0, 0, // bottom row: 1 2 1 2 1, literals 3 4 5, end of line
        0, 0, // an empty middle row
        4, 0xf0, 0, 1, // top row: 15 0 15 0, end of bitmap
      ];
      const bytes = buildBmp({
        width: 8, height: 3, bitsPerPixel: 4, data: Uint8Array.from(stream), palette,
        compression: 2,
      });
      expect((await decodedGray(bytes)).data).toEqual([
        15, 0, 15, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        1, 2, 1, 2, 1, 3, 4, 5,
      ].map((index) => index * 16));
    });
});

describe('broken and oversized BMP files', () => {
  const gray8 = (height: number) => buildBmp({
    width: 4, height, bitsPerPixel: 8, data: new Uint8Array(16),
    palette: Array.from({ length: 256 }, (_, i) => [i, i, i] as const),
  });

  it('when the pixel data is cut short then it is an error, not a partial image', async () => {
    const whole = gray8(4);
    await expect(decodeImage(whole.subarray(0, whole.length - 6), 'cut.bmp'))
      .rejects.toThrow('cut.bmp: BMP cut short (the file has 1088 of the 1094 bytes its pixels ' +
        'need)');
    const rle = buildBmp({
      width: 4, height: 4, bitsPerPixel: 8, data: Uint8Array.from([4, 1, 0, 0]), compression: 1,
      palette: [[0, 0, 0], [9, 9, 9]],
    });
    await expect(decodeImage(rle, 'cut-rle.bmp')).rejects.toThrow('cut-rle.bmp: BMP cut short ' +
      '(the RLE pixel data ends after 1 of 4 rows, with no end-of-bitmap marker)');
  });

  it('when the header claims more pixels than the limit then it is refused before decoding',
    async () => {
      const bytes = gray8(4);
      // 100000 × 100000 with 16 bytes of pixels: decoding would allocate 10 GB first.
      new DataView(bytes.buffer).setInt32(18, 100_000, true);
      new DataView(bytes.buffer).setInt32(22, 100_000, true);
      // Past what any limit allows: raising it would not help, so it is not suggested.
      await expect(decodeImage(bytes, 'huge.bmp')).rejects.toMatchObject({
        code: 'autothresh.unsupportedImage',
        message: 'huge.bmp: image has 100000×100000 = 10000000000 pixels, more than the limit ' +
          `of ${2 ** 28} and than 4294967295, the most one image can hold`,
      });
      new DataView(bytes.buffer).setInt32(18, 50_000, true);
      new DataView(bytes.buffer).setInt32(22, 50_000, true);
      await expect(decodeImage(bytes, 'big.bmp')).rejects.toMatchObject({
        code: 'autothresh.unsupportedImage',
        message: expect.stringMatching(
          /big\.bmp: image has 50000×50000 .*\(raise it with --max-pixels\)/),
      });
      new DataView(bytes.buffer).setInt32(18, 100_000, true);
      new DataView(bytes.buffer).setInt32(22, 100_000, true);
      // A limit raised past what one typed array holds counts as that hard limit.
      await expect(decodeImage(bytes, 'huge.bmp', { maxPixels: 1e10 })).rejects.toMatchObject({
        code: 'autothresh.unsupportedImage',
        message: 'huge.bmp: image has 100000×100000 = 10000000000 pixels, more than the limit ' +
          'of 4294967295, the most one image can hold',
      });
    });

  it('when the compression is not supported then the message names it', async () => {
    const bytes = gray8(4);
    new DataView(bytes.buffer).setUint32(30, 4, true);
    await expect(decodeImage(bytes, 'jpeg.bmp')).rejects.toThrow(/unsupported compression 4/);
  });
});

describe('damaged RLE BMP files', () => {
  const WIDE = 40;
  const TALL = 20;
  const grays = Array.from({ length: 256 }, (_, i) => [i, i, i] as const);

  /** A 40×20 RLE8 (or, with `four`, RLE4) file holding `stream`. */
  function rleBmp(stream: readonly number[], four = false): Uint8Array {
    return buildBmp({
      width: WIDE, height: TALL, bitsPerPixel: four ? 4 : 8, data: Uint8Array.from(stream),
      palette: four ? grays.slice(0, 16) : grays, compression: four ? 2 : 1,
    });
  }

  /** Stored row `r` (0 = bottom) of every row, concatenated. */
  function everyRow(entries: (r: number) => number[]): number[] {
    return Array.from({ length: TALL }, (_, r) => entries(r)).flat();
  }

  /** Row values of a stream of one run per row: stored row r holds r + 1, image row y 20 − y. */
  const filled = grid(WIDE, TALL, (_, y) => TALL - y);

  it('when RLE8 or RLE4 runs of 255 pixels overrun the 40-pixel rows then the file is refused',
    async () => {
      const overrun = [...everyRow((r) => [255, r + 1, 0, 0]), 0, 1];
      // The first stored row is the bottom one, image row 19.
      await expect(decodeImage(rleBmp(overrun), 'x.bmp')).rejects.toMatchObject({
        code: 'autothresh.decode',
        message: 'x.bmp: damaged BMP (a run of 255 pixels passes the end of row 19)',
      });
      // Without end-of-line markers the runs would all land in one row.
      const unbroken = [255, 1, 255, 2, 255, 3, 255, 4, 0, 1];
      await expect(decodeImage(rleBmp(unbroken), 'y.bmp'))
        .rejects.toThrow('y.bmp: damaged BMP (a run of 255 pixels passes the end of row 19)');
      await expect(decodeImage(rleBmp(overrun, true), 'x4.bmp'))
        .rejects.toThrow('x4.bmp: damaged BMP (a run of 255 pixels passes the end of row 19)');
      // A run that fits after others in the row, then one pixel too many.
      const oneOver = [30, 1, 10, 2, 1, 3, 0, 1];
      await expect(decodeImage(rleBmp(oneOver), 'z.bmp'))
        .rejects.toThrow('z.bmp: damaged BMP (a run of 1 pixel passes the end of row 19)');
    });

  it('when a literal run passes the end of its row then the file is refused', async () => {
    const literal = [35, 1, 0, 7, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 1];
    await expect(decodeImage(rleBmp(literal), 'lit.bmp'))
      .rejects.toThrow('lit.bmp: damaged BMP (a literal run of 7 pixels passes the end of row 19)');
    const literal4 = [35, 0x11, 0, 7, 0x12, 0x34, 0x56, 0x70, 0, 0, 0, 1];
    await expect(decodeImage(rleBmp(literal4, true), 'lit4.bmp'))
      .rejects.toThrow('lit4.bmp: damaged BMP (a literal run of 7 pixels passes the end of row ' +
        '19)');
  });

  it('when a delta jumps (250, 250) out of the image then the file is refused', async () => {
    const jump = [40, 100, 0, 0, 0, 2, 250, 250, 40, 200, 0, 0, 0, 1];
    for (const four of [false, true]) {
      await expect(decodeImage(rleBmp(jump, four), 'jump.bmp')).rejects.toMatchObject({
        code: 'autothresh.decode',
        message: 'jump.bmp: damaged BMP (a jump of 250 columns and 250 rows from row 18, ' +
          'column 0 leaves the 40×20 image)',
      });
    }
    // Onto the last row, or to the end of a row, is inside the image.
    const edges = [0, 2, 40, 0, 0, 0, 0, 2, 0, TALL - 2, 40, 7, 0, 1];
    const image = await decodeImage(rleBmp(edges), 'edges.bmp');
    expect(Array.from(image.data)).toEqual(grid(WIDE, TALL, (_, y) => (y === 0 ? 7 : 0)));
    // Past the last row (by one), or past a row's end (by one column), is not.
    await expect(decodeImage(rleBmp([0, 2, 0, TALL, 0, 1]), 'below.bmp'))
      .rejects.toThrow(/below\.bmp: damaged BMP \(a jump of 0 columns and 20 rows from row 19/);
    await expect(decodeImage(rleBmp([20, 1, 0, 2, 21, 0, 0, 1]), 'right.bmp'))
      .rejects.toThrow(/right\.bmp: damaged BMP \(a jump of 21 columns and 0 rows from row 19,/);
  });

  it('when the end-of-bitmap marker is missing but every row is filled then it decodes (as ' +
    'Pillow does)', async () => {
    const withLineEnds = everyRow((r) => [WIDE, r + 1, 0, 0]);
    expect(Array.from((await decodeImage(rleBmp(withLineEnds), 'a.bmp')).data)).toEqual(filled);
    // The last row filled, without its end of line.
    const lastOpen = withLineEnds.slice(0, -2);
    expect(Array.from((await decodeImage(rleBmp(lastOpen), 'b.bmp')).data)).toEqual(filled);
    // The end-of-bitmap marker may also come early: the rest takes palette entry 0.
    const early = [WIDE, 1, 0, 1];
    expect(Array.from((await decodeImage(rleBmp(early), 'c.bmp')).data))
      .toEqual(grid(WIDE, TALL, (_, y) => (y === TALL - 1 ? 1 : 0)));
  });

  it('when the end-of-bitmap marker is missing and rows are unfilled then it is cut short',
    async () => {
      const withLineEnds = everyRow((r) => [WIDE, r + 1, 0, 0]);
      // Stops after the 19th row's end of line: the top row was never written.
      await expect(decodeImage(rleBmp(withLineEnds.slice(0, -4)), 'top.bmp')).rejects.toThrow(
        'top.bmp: BMP cut short (the RLE pixel data ends after 19 of 20 rows, with no ' +
          'end-of-bitmap marker)');
      // Stops half-way through the top row.
      const half = [...withLineEnds.slice(0, -4), WIDE / 2, 9];
      await expect(decodeImage(rleBmp(half, true), 'half.bmp'))
        .rejects.toThrow(/half\.bmp: BMP cut short \(the RLE pixel data ends after 19 of 20 rows/);
    });
});
