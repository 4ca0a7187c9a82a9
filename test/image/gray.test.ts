import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertToGray, luma16, luma8, toGray } from '../../src/image/gray.js';

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

describe('8-bit RGB conversion at any offset and length', () => {
  it('when the pixels start anywhere in their buffer then each gray is luma8 of its triple',
    () => {
      fc.assert(fc.property(
        fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 7 }), fc.nat(),
        (pixelCount, offset, seed) => {
          // The triples sit at `offset` in a larger buffer, as in a strip of a decoded image.
          const buffer = new Uint8Array(offset + 3 * pixelCount + 5)
            .map((_, i) => (Math.imul(i + 1, 2654435761) + seed) >>> 24);
          const pixels = buffer.subarray(offset, offset + 3 * pixelCount);
          const gray = new Uint8Array(pixelCount + 2);
          convertToGray(pixels, 3, { gray, included: null }, 2);
          for (let pixel = 0; pixel < pixelCount; pixel++) {
            const [red, green, blue] = pixels.subarray(3 * pixel, 3 * pixel + 3);
            expect(gray[2 + pixel]).toBe(luma8(red, green, blue));
          }
        },
      ), { numRuns: 300 });
    });
});

describe('decoding colour images', () => {
  const side = 4096;
  /** Every 24-bit colour once; alpha (RGBA only) cycles through 0..255 with stride 7. */
  async function allColours(channels: 3 | 4) {
    const { default: sharp } = await import('sharp');
    const pixels = Buffer.alloc(side * side * channels);
    for (let i = 0; i < side * side; i++) {
      pixels.set([i >> 16, (i >> 8) & 255, i & 255], i * channels);
      if (channels === 4) pixels[i * 4 + 3] = (i * 7) & 255;
    }
    const png = await sharp(pixels, { raw: { width: side, height: side, channels } })
      .png({ compressionLevel: 1 }).toBuffer();
    return { pixels, png };
  }

  function countMismatches(gray: ArrayLike<number>, pixels: Buffer, channels: number): number {
    let mismatches = 0;
    for (let i = 0; i < side * side; i++) {
      const at = i * channels;
      if (gray[i] !== luma8(pixels[at], pixels[at + 1], pixels[at + 2])) mismatches++;
    }
    return mismatches;
  }

  // stripBytes 1 forces the path taken by images too large to convert in JavaScript.
  for (const [path, stripBytes] of [['in JavaScript', undefined], ['in libvips', 1]] as const) {
    it(`when all 2^24 RGB colours are converted ${path} then each equals the integer formula`,
      async () => {
        const { decodeImage } = await import('../../src/image/decode.js');
        const { pixels, png } = await allColours(3);
        const image = await decodeImage(png, 'all-colours.png', { stripBytes });
        expect(countMismatches(image.data, pixels, 3)).toBe(0);
      });
  }

  it('when all 2^24 colours carry alpha and go through libvips then gray and mask are exact',
    async () => {
      const { decodeImage } = await import('../../src/image/decode.js');
      const { pixels, png } = await allColours(4);
      const image = await decodeImage(png, 'all-colours-alpha.png', { stripBytes: 1 });
      expect(countMismatches(image.data, pixels, 4)).toBe(0);
      let maskMismatches = 0;
      for (let i = 0; i < side * side; i++) {
        if (image.included?.[i] !== (pixels[i * 4 + 3] > 0 ? 1 : 0)) maskMismatches++;
      }
      expect(maskMismatches).toBe(0);
    });
});
