import { describe, expect, it } from 'vitest';
import { luma16, luma8, toGray } from '../../src/image/gray.js';

describe('gray conversion (BT.601 luma on gamma-encoded values, rounded)', () => {
  it('when given known colours then luma matches 0.299 R + 0.587 G + 0.114 B rounded', () => {
    const cases: Array<[number, number, number, number]> = [
      [255, 0, 0, 76], [0, 255, 0, 150], [0, 0, 255, 29],
      [255, 255, 255, 255], [0, 0, 0, 0], [128, 128, 128, 128], [10, 200, 30, 124],
    ];
    for (const [red, green, blue, expected] of cases) {
      expect(luma8(red, green, blue)).toBe(expected);
      expect(Math.abs(luma8(red, green, blue) - (0.299 * red + 0.587 * green + 0.114 * blue)))
        .toBeLessThanOrEqual(0.5 + 1e-3);
    }
  });

  it('when a colour is gray then its luma is the same value, in 8 and 16 bits', () => {
    for (let value = 0; value < 256; value++) expect(luma8(value, value, value)).toBe(value);
    for (const value of [0, 1, 4095, 32768, 65535]) expect(luma16(value, value, value)).toBe(value);
  });

  it('when pixels carry alpha then alpha 0 is left out and the rest kept', () => {
    const { gray, included } = toGray(new Uint8Array([9, 0, 20, 255]), 2, false);
    expect(Array.from(gray)).toEqual([9, 20]);
    expect(Array.from(included ?? [])).toEqual([0, 1]);
  });

  it('when every pixel is opaque then no inclusion mask is made', () => {
    expect(toGray(new Uint8Array([9, 255, 20, 255]), 2, false).included).toBeNull();
  });
});

describe('decoding colour images (luma computed by libvips)', () => {
  it('when every one of the 2^24 RGB colours is decoded then each equals the integer formula', async () => {
    const { default: sharp } = await import('sharp');
    const { decodeImage } = await import('../../src/image/decode.js');
    const side = 4096;
    const pixels = Buffer.alloc(side * side * 3);
    for (let i = 0; i < side * side; i++) {
      pixels[i * 3] = i >> 16;
      pixels[i * 3 + 1] = (i >> 8) & 255;
      pixels[i * 3 + 2] = i & 255;
    }
    const png = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 1 }).toBuffer();
    const image = await decodeImage(png, 'all-colours.png');
    let mismatches = 0;
    for (let i = 0; i < side * side; i++) {
      if (image.data[i] !== luma8(pixels[i * 3], pixels[i * 3 + 1], pixels[i * 3 + 2])) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
