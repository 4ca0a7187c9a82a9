import { describe, expect, it } from 'vitest';
import { createGrayImage } from '../../../src/image/gray-image.js';
import { binarizeWithMap } from '../../../src/methods/local/binarize.js';
import {
  type LocalThresholdRows, thresholdMapFromRows, thresholdMaskFromRows,
} from '../../../src/methods/local/threshold-rows.js';

// A stand-in method: row y has thresholds 10·y + x, written into one reused row buffer.
const ramp: LocalThresholdRows = (image, _params, visitRow) => {
  const thresholds = new Float32Array(image.width);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) thresholds[x] = 10 * y + x;
    visitRow(y, thresholds);
  }
};

const IMAGE = createGrayImage(3, 2, Uint8Array.from([0, 1, 5, 10, 12, 11]));

describe('thresholdMapFromRows', () => {
  it('when rows arrive in a reused buffer then each lands in its own place', () => {
    expect([...thresholdMapFromRows(IMAGE, ramp, {})]).toEqual([0, 1, 2, 10, 11, 12]);
  });
});

describe('thresholdMaskFromRows', () => {
  it('when binarizing row by row then the mask equals binarizing the whole map', () => {
    const map = thresholdMapFromRows(IMAGE, ramp, {});
    for (const polarity of ['dark', 'bright'] as const) {
      expect(thresholdMaskFromRows(IMAGE, ramp, {}, polarity))
        .toEqual(binarizeWithMap(IMAGE, map, polarity));
    }
    // By hand, bright = value > T: 0>0 no, 1>1 no, 5>2 yes, 10>10 no, 12>11 yes, 11>12 no.
    expect([...thresholdMaskFromRows(IMAGE, ramp, {}, 'bright')]).toEqual([0, 0, 1, 0, 1, 0]);
  });
});
