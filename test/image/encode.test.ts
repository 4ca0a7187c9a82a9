import { describe, expect, it } from 'vitest';
import { encodeGrayPng } from '../../src/image/encode.js';
import { loadSharp } from '../../src/image/sharp.js';

describe('encodeGrayPng', () => {
  it('when the image has more pixels than libvips takes by default then it is still written',
    async () => {
      // 16384 × 16385 = 268,451,840 pixels, just past libvips' default limit of 16383².
      const width = 16_384;
      const height = 16_385;
      const pixels = new Uint8Array(width * height);
      pixels[pixels.length - 1] = 255;
      const png = await encodeGrayPng(pixels, width, height);
      const meta = await loadSharp()(png, { limitInputPixels: false }).metadata();
      expect([meta.width, meta.height, meta.channels]).toEqual([width, height, 1]);
    }, 30_000);
});
