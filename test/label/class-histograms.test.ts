import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { histogramOf } from '../../src/histogram/count.js';
import { createGrayImage } from '../../src/image/gray-image.js';
import { classHistogramsOf, labelPixels } from '../../src/label/class-histograms.js';
import { createRandom } from '../../src/util/random.js';
import { loadSample, SAMPLE_NAMES } from './helpers.js';

interface FixtureRecord { name: string; foreground: number[]; background: number[] }
const fixture: { records: FixtureRecord[] } = JSON.parse(readFileSync(
  new URL('../fixtures/label/class-histograms.json', import.meta.url), 'utf8',
));

describe('classHistogramsOf', () => {
  it.each(SAMPLE_NAMES)('when labelling sample %s then matches Pillow counts', async (name) => {
    const { image, mask } = await loadSample(name);
    const classes = classHistogramsOf(image, mask);
    const expected = fixture.records.find((record) => record.name === name) as FixtureRecord;
    expect(Array.from(classes.foreground)).toEqual(expected.foreground);
    expect(Array.from(classes.background)).toEqual(expected.background);

    const whole = histogramOf(image).counts;
    for (let bin = 0; bin < 256; bin++) {
      expect(classes.foreground[bin] + classes.background[bin]).toBe(whole[bin]);
    }
  });

  it('when the mask threshold is raised then only mask values above it are foreground', () => {
    const image = createGrayImage(4, 1, Uint8Array.from([10, 20, 30, 40]));
    const mask = createGrayImage(4, 1, Uint8Array.from([0, 100, 127, 128]));
    const classes = classHistogramsOf(image, mask, { maskThreshold: 127 });
    expect(classes.foreground[40]).toBe(1);
    expect(classes.foreground.reduce((a, b) => a + b)).toBe(1);
    expect(classes.background[20] + classes.background[30] + classes.background[10]).toBe(3);
  });

  it('when the image is 16-bit with excluded pixels then uses the image histogram bins', () => {
    const width = 50;
    const height = 40;
    const data = new Uint16Array(width * height);
    const included = new Uint8Array(width * height).fill(1);
    const mask = new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) {
      data[i] = 1000 + ((i * 7919) % 3001);
      if (i % 13 === 0) included[i] = 0;
      if (i % 5 === 0) mask[i] = 255;
    }
    data[0] = 60000; // excluded: must not stretch the range or count anywhere
    const image = createGrayImage(width, height, data, included);
    const classes = classHistogramsOf(image, createGrayImage(width, height, mask));

    // Independent bin mapping: 256 bins over the included pixels' min..max.
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      if (included[i]) { min = Math.min(min, data[i]); max = Math.max(max, data[i]); }
    }
    const foreground = new Array(256).fill(0);
    const background = new Array(256).fill(0);
    for (let i = 0; i < data.length; i++) {
      if (!included[i]) continue;
      const bin = Math.floor(((data[i] - min) * 256) / (max - min + 1));
      (mask[i] ? foreground : background)[bin]++;
    }
    expect(Array.from(classes.foreground)).toEqual(foreground);
    expect(Array.from(classes.background)).toEqual(background);
    expect(classes.range).toEqual(histogramOf(image).range);
  });

  it('when arrays are unaligned, odd-sized or the mask 16-bit then counts pixel by pixel', () => {
    const random = createRandom(11);
    for (const [width, height] of [[1, 1], [3, 1], [7, 5], [64, 33]]) {
      const size = width * height;
      // One spare element in front, so that `subarray(1)` starts off a 4-byte boundary.
      const grayStore = new Uint8Array(size + 1);
      const wideStore = new Uint16Array(size + 1);
      for (let i = 0; i <= size; i++) {
        grayStore[i] = random.integer(0, 255);
        const large = random.integer(0, 3) === 0;
        wideStore[i] = large ? random.integer(0, 65535) : random.integer(0, 2);
      }
      const narrowStore = Uint8Array.from(wideStore, (value) => value & 255);
      for (const threshold of [0, 1, 1.5, 200, -3, 65535, 1e9]) {
        for (const shift of [0, 1]) {
          const gray = grayStore.subarray(shift, shift + size);
          const masks = [narrowStore, wideStore];
          for (const maskData of masks.map((store) => store.subarray(shift, shift + size))) {
            const foreground = new Array(256).fill(0);
            const background = new Array(256).fill(0);
            for (let i = 0; i < size; i++) {
              (maskData[i] > threshold ? foreground : background)[gray[i]]++;
            }
            const classes = classHistogramsOf(
              createGrayImage(width, height, gray),
              createGrayImage(width, height, maskData),
              { maskThreshold: threshold },
            );
            const label = `${width}×${height} shift ${shift} threshold ${threshold}`;
            expect(Array.from(classes.foreground), label).toEqual(foreground);
            expect(Array.from(classes.background), label).toEqual(background);
          }
        }
      }
    }
  });

  it('when mask and image sizes differ then throws autothresh.mask', () => {
    const image = createGrayImage(3, 2, new Uint8Array(6));
    const mask = createGrayImage(2, 3, new Uint8Array(6));
    expect(() => labelPixels(image, mask))
      .toThrow(expect.objectContaining({ code: 'autothresh.mask' }));
  });
});
