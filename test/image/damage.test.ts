import sharp, { type TiffOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';

/** 64×64 pixels of noise (compresses badly, so cuts land in the image data). */
const NOISE = Buffer.from(Array.from({ length: 64 * 64 }, (_, i) => (i * 2654435761) >>> 24));

async function noisePng(): Promise<Buffer> {
  return sharp(NOISE, { raw: { width: 64, height: 64, channels: 1 } })
    .png({ compressionLevel: 0 }).toBuffer();
}

async function noiseTiff(options: TiffOptions = {}): Promise<Buffer> {
  return sharp(NOISE, { raw: { width: 64, height: 64, channels: 1 } })
    .tiff({ compression: 'none', ...options }).toBuffer();
}

/** CRC-32 as PNG computes it, bit by bit (the code under test uses a table). */
function pngCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** `png` with its IHDR fields changed by `edit` and the IHDR checksum made right again. */
function editedHeader(png: Buffer, edit: (ihdr: Buffer) => void): Buffer {
  const copy = Buffer.from(png);
  // Signature (8), length (4), "IHDR" (4), 13 bytes of fields, CRC over type and fields.
  edit(copy.subarray(16, 29));
  copy.writeUInt32BE(pngCrc(copy.subarray(12, 29)), 29);
  return copy;
}

/** The message `decodeImage` refuses `bytes` with (and that the code is `autothresh.decode`). */
async function refusal(bytes: Uint8Array, name: string): Promise<string> {
  const failure = decodeImage(bytes, name);
  await expect(failure).rejects.toMatchObject({ code: 'autothresh.decode' });
  return failure.then(() => '', (error: Error) => error.message);
}

/**
 * A little-endian TIFF laid out as many writers do (not libvips, which puts the directory last):
 * header, image directory, then one strip of 8-bit gray pixels, uncompressed.
 */
function directoryFirstTiff(width: number, height: number, pixels: Uint8Array): Buffer {
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 3, width], [257, 3, height], [258, 3, 8], [259, 3, 1], [262, 3, 1],
    [273, 4, 0], [277, 3, 1], [278, 3, height], [279, 4, pixels.length],
  ];
  const dataAt = 8 + 2 + entries.length * 12 + 4;
  const bytes = Buffer.alloc(dataAt + pixels.length);
  bytes.write('II', 0, 'latin1');
  bytes.writeUInt16LE(42, 2);
  bytes.writeUInt32LE(8, 4);
  bytes.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    bytes.writeUInt16LE(tag, at);
    bytes.writeUInt16LE(type, at + 2);
    bytes.writeUInt32LE(1, at + 4);
    const stored = tag === 273 ? dataAt : value;
    if (type === 3) bytes.writeUInt16LE(stored, at + 8);
    else bytes.writeUInt32LE(stored, at + 8);
  });
  bytes.set(pixels, dataAt);
  return bytes;
}

describe('damaged PNG files', () => {
  it('when the header says width 0 then the message says so, naming PNG', async () => {
    const zero = editedHeader(await noisePng(), (ihdr) => ihdr.writeUInt32BE(0, 0));
    expect(await refusal(zero, 'zero.png'))
      .toBe('zero.png: damaged PNG (the header says the image is 0×64 pixels)');
    const depth = editedHeader(await noisePng(), (ihdr) => {
      ihdr[8] = 16;
      ihdr[9] = 3;
    });
    expect(await refusal(depth, 'depth.png')).toBe('depth.png: damaged PNG (the header gives ' +
      'colour type 3 with bit depth 16, which PNG does not allow)');
  });

  it('when one byte is flipped then the chunk whose checksum fails is named', async () => {
    const png = await noisePng();
    const header = Buffer.from(png);
    header[20] ^= 0xff; // a byte of the height, inside IHDR
    expect(await refusal(header, 'flip.png'))
      .toBe('flip.png: damaged PNG (the checksum of the IHDR chunk at byte 8 does not match)');
    const data = Buffer.from(png);
    const idat = png.indexOf('IDAT') - 4;
    data[idat + 100] ^= 0x01;
    expect(await refusal(data, 'flip-data.png')).toBe(
      `flip-data.png: damaged PNG (the checksum of the IDAT chunk at byte ${idat} does not match)`);
  });

  it('when a PNG is cut inside its header then it is cut short, not a corrupt header',
    async () => {
      const png = await noisePng();
      expect(await refusal(png.subarray(0, 20), 'head.png'))
        .toBe('head.png: PNG cut short (the file ends inside the IHDR chunk at byte 8)');
      expect(await refusal(png.subarray(0, 8), 'sig.png'))
        .toBe('sig.png: PNG cut short (the file ends before its IEND chunk)');
    });
});

describe('damaged TIFF files', () => {
  it('when a TIFF is cut before its directory then it is cut short, not an unsupported image',
    async () => {
      for (const bigtiff of [false, true]) {
        const tiff = await noiseTiff({ bigtiff });
        // libvips writes the image directory after the pixels.
        const directory = bigtiff ? Number(tiff.readBigUInt64LE(8)) : tiff.readUInt32LE(4);
        expect(directory).toBeGreaterThan(4096);
        const kept = Math.floor(tiff.length / 2);
        expect(await refusal(tiff.subarray(0, kept), 'half.tif')).toBe(`half.tif: TIFF cut ` +
          `short (the file has ${kept} bytes; the image directory starts at byte ${directory})`);
      }
    });

  it('when a strip is cut short then the message says so without libvips\' internals',
    async () => {
      const tiff = directoryFirstTiff(64, 64, NOISE);
      const whole = await decodeImage(tiff, 'whole.tif');
      expect(Array.from(whole.data)).toEqual(Array.from(NOISE));
      // 226 of the strip's 4096 bytes are left.
      const cut = tiff.subarray(0, tiff.length - 4096 + 226);
      const message = await refusal(cut, 'strip.tif');
      expect(message).toBe(`strip.tif: TIFF cut short (the file has ${cut.length} bytes; the ` +
        `image data runs to byte ${tiff.length})`);
      expect(message).not.toMatch(/2vips|scanline/);
    });

  it('when compressed image data is scrambled then it is damaged, in plain words', async () => {
    const tiff = Buffer.from(await noiseTiff({ compression: 'lzw' }));
    for (let at = 20; at < 50; at++) tiff[at] ^= 0x5a;
    expect(await refusal(tiff, 'lzw.tif'))
      .toBe('lzw.tif: damaged TIFF (its image data cannot be read)');
  });

  it('when the directory\'s entry count is damaged then it is not reported as a cut',
    async () => {
      const tiff = Buffer.from(await noiseTiff());
      tiff.writeUInt16LE(23114, tiff.readUInt32LE(4));
      expect(await refusal(tiff, 'count.tif'))
        .toBe('count.tif: damaged TIFF (the image directory claims 23114 entries)');
    });
});
