import { describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../../src/errors.js';
import { createGrayImage } from '../../../src/image/gray-image.js';
import { binarizeWithMap, type Polarity } from '../../../src/methods/local/binarize.js';

const IMAGE = createGrayImage(4, 1, Uint8Array.from([9, 10, 11, 200]));
const MAP = Float32Array.from([10, 10, 10, 10]);

describe('binarizeWithMap', () => {
  it('when a pixel equals its threshold then it is dark (≤ T), not bright (> T)', () => {
    expect([...binarizeWithMap(IMAGE, MAP, 'bright')]).toEqual([0, 0, 1, 1]);
    expect([...binarizeWithMap(IMAGE, MAP, 'dark')]).toEqual([1, 1, 0, 0]);
  });

  it('when thresholds are fractional then value > T decides', () => {
    const map = Float32Array.from([8.5, 10.25, 11.75, -1]);
    expect([...binarizeWithMap(IMAGE, map, 'bright')]).toEqual([1, 0, 0, 1]);
  });

  it('when pixels are excluded then they are background under either polarity', () => {
    const image = createGrayImage(4, 1, IMAGE.data, Uint8Array.from([1, 0, 1, 0]));
    expect([...binarizeWithMap(image, MAP, 'bright')]).toEqual([0, 0, 1, 0]);
    expect([...binarizeWithMap(image, MAP, 'dark')]).toEqual([1, 0, 0, 0]);
  });

  it('when the image is 16-bit then values are compared in 16-bit units', () => {
    const image = createGrayImage(2, 1, Uint16Array.from([40000, 40001]));
    expect([...binarizeWithMap(image, Float32Array.from([40000, 40000]), 'bright')])
      .toEqual([0, 1]);
  });

  it('when the map has the wrong length then autothresh.invalidParameter names both sizes', () => {
    let error: unknown;
    try {
      binarizeWithMap(IMAGE, new Float32Array(3), 'bright');
    } catch (caught) {
      error = caught;
    }
    expect(isAutothreshError(error, 'autothresh.invalidParameter')).toBe(true);
    expect((error as Error).message).toBe('threshold map: expected 4 values (4×1), received 3');
  });

  it('when the polarity is unknown then it is refused', () => {
    expect(() => binarizeWithMap(IMAGE, MAP, 'light' as Polarity)).toThrow(
      'polarity: expected "dark" or "bright", received "light"',
    );
  });
});
