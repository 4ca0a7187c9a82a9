import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { decodeMask, decodePlainPng } from '../../src/label/plain-png.js';
import { SAMPLE_NAMES, sampleImage, sampleMask } from './helpers.js';

const SHARED = new URL('../../../shared/datasets/', import.meta.url).pathname;

async function expectSameAsDecodeImage(buffer: Uint8Array): Promise<void> {
  const plain = decodePlainPng(buffer);
  expect(plain).not.toBeNull();
  const reference = await decodeImage(buffer, 'reference', { includeTransparent: true });
  expect([plain?.width, plain?.height]).toEqual([reference.width, reference.height]);
  expect(Buffer.from(plain?.data as Uint8Array).equals(Buffer.from(reference.data))).toBe(true);
}

/** CRC-32 (IEEE, reflected, as PNG chunks use). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG file from raw scanlines (filter byte + data per row), built by hand. */
function handMadePng(width: number, height: number, bitDepth: number, colourType: number,
  scanlines: Uint8Array, extra: Array<[string, Uint8Array]> = []): Buffer {
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
    chunk('IHDR', header), ...extra.map(([type, body]) => chunk(type, body)),
    chunk('IDAT', deflateSync(scanlines)), chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('plain PNG fast path', () => {
  it.each(SAMPLE_NAMES)('when decoding sample %s then equals decodeImage', async (name) => {
    await expectSameAsDecodeImage(await readFile(sampleMask(name)));
    await expectSameAsDecodeImage(await readFile(sampleImage(name)));
  });

  it('when rows use every filter type on RGB and gray data then equals decodeImage', async () => {
    const width = 37;
    const height = 23;
    for (const channels of [1, 3] as const) {
      const pixels = new Uint8Array(width * height * channels);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 97 + ((i / 7) | 0) * 31) % 256;
      // sharp chooses filters adaptively; without them it writes filter 0 only.
      for (const adaptiveFiltering of [true, false]) {
        const png = await sharp(pixels, { raw: { width, height, channels } })
          .png({ adaptiveFiltering, compressionLevel: 6 }).toBuffer();
        await expectSameAsDecodeImage(png);
      }
      // By hand: rows cycling through filters 0–4 with arbitrary bytes (valid in any case).
      const rowBytes = width * channels;
      const scanlines = new Uint8Array((rowBytes + 1) * height);
      for (let y = 0; y < height; y++) {
        scanlines[y * (rowBytes + 1)] = y % 5;
        for (let x = 0; x < rowBytes; x++) {
          scanlines[y * (rowBytes + 1) + 1 + x] = (x * 13 + y * 7) % 256;
        }
      }
      const colourType = channels === 1 ? 0 : 2;
      await expectSameAsDecodeImage(handMadePng(width, height, 8, colourType, scanlines));
    }
  });

  it('when the mask is 1-bit then values are 0 and 255', async () => {
    const width = 11;
    const scanlines = Uint8Array.from([0, 0b10110000, 0b00100000, 0, 0b01000000, 0b00000000]);
    const png = handMadePng(width, 2, 1, 0, scanlines);
    const plain = decodePlainPng(png);
    expect(Array.from(plain?.data ?? [])).toEqual([
      255, 0, 255, 255, 0, 0, 0, 0, 0, 0, 255,
      0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    await expectSameAsDecodeImage(png);
  });

  it('when a chunk could change values then falls back to decodeImage', async () => {
    const scanlines = Uint8Array.from([0, 10, 20, 0, 30, 40]);
    const gamma: [string, Uint8Array] = ['gAMA', Buffer.from([0, 0, 0xb1, 0x8f])];
    const withGamma = handMadePng(2, 2, 8, 0, scanlines, [gamma]);
    expect(decodePlainPng(withGamma)).toBeNull();
    const palette = await sharp(Buffer.alloc(12, 9), { raw: { width: 2, height: 2, channels: 3 } })
      .png({ palette: true }).toBuffer();
    expect(decodePlainPng(palette)).toBeNull();
    expect((await decodeMask(palette, 'palette.png')).width).toBe(2);
    expect(decodePlainPng(Buffer.from('not a png at all, not at all, not at all'))).toBeNull();
    await expect(decodeMask(Buffer.from('garbage'), 'garbage.png')).rejects.toMatchObject({
      code: 'autothresh.decode',
    });
  });

  const sharedPresent = existsSync(SHARED);
  it.runIf(sharedPresent)('when decoding every shared set then equals decodeImage', async () => {
    for (const set of readdirSync(SHARED).filter((name) => !name.includes('.'))) {
      for (const kind of ['images', 'masks']) {
        const file = readdirSync(`${SHARED}${set}/${kind}`).sort()[0];
        await expectSameAsDecodeImage(await readFile(`${SHARED}${set}/${kind}/${file}`));
      }
    }
  });
});
