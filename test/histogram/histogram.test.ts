import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramOf } from '../../src/histogram/count.js';
import {
  binOfValue, binUpperValue, createHistogram, occupiedRange,
} from '../../src/histogram/histogram.js';
import { readImage } from '../../src/image/decode.js';
import { createGrayImage } from '../../src/image/gray-image.js';

const SHARED = new URL('../../../shared/', import.meta.url).pathname;

describe('histogram', () => {
  it('when built then it copies the counts, so later changes to the input do not leak in', () => {
    const counts = new Array(256).fill(1);
    const histogram = createHistogram(counts);
    counts[0] = 99;
    expect(histogram.counts[0]).toBe(1);
    expect(histogram.total).toBe(256);
  });

  it('when counts are negative, non-finite or not 256 then it refuses them', () => {
    expect(() => createHistogram(new Array(255).fill(0))).toThrow(/expected 256 counts/);
    for (const value of [Number.NaN, -1, Infinity, -Infinity]) {
      const bad = new Array(256).fill(0);
      bad[3] = value;
      expect(() => createHistogram(bad), String(value)).toThrow(/bin 3 must be a finite number/);
    }
  });

  it('when the counts add up past 2^53 then it refuses them (sums would no longer be exact)',
    () => {
      const huge = new Array(256).fill(0);
      huge[0] = Number.MAX_SAFE_INTEGER;
      expect(createHistogram(huge).total).toBe(Number.MAX_SAFE_INTEGER);
      huge[255] = 2;
      expect(() => createHistogram(huge)).toThrow(/total count must be at most 2\^53 - 1/);
      expect(() => createHistogram(new Array(256).fill(Number.MAX_VALUE))).toThrow(/total/);
    });

  it('when code writes to the counts then it throws and counts and total stay as they were',
    () => {
      const histogram = createHistogram(new Array(256).fill(2));
      // Test files are ES modules, so strict mode: writes to frozen objects throw.
      expect(() => { (histogram.counts as number[])[0] = 99; }).toThrow(TypeError);
      expect(() => { (histogram.counts as number[]).push(1); }).toThrow(TypeError);
      expect(() => { (histogram as { total: number }).total = 1; }).toThrow(TypeError);
      expect(() => { (histogram.range as { max: number }).max = 9; }).toThrow(TypeError);
      expect([histogram.counts[0], histogram.counts.length, histogram.total])
        .toEqual([2, 256, 512]);
      const copy = histogram.counts.slice(0, 3);
      copy[0] = 5;
      expect(histogram.counts[0]).toBe(2);
    });

  it('when the range is not a valid span of the bit depth then it refuses it', () => {
    const counts = new Array(256).fill(1);
    expect(() => createHistogram(counts, { min: 10, max: 5, bitDepth: 16 })).toThrow(/range/);
    expect(() => createHistogram(counts, { min: 0, max: 300, bitDepth: 8 })).toThrow(/range/);
    expect(createHistogram(counts, { min: 100, max: 4095, bitDepth: 16 }).range)
      .toEqual({ min: 100, max: 4095, bitDepth: 16 });
  });

  it('when empty then occupiedRange is null', () => {
    expect(occupiedRange(createHistogram(new Array(256).fill(0)))).toBeNull();
  });

  it('when a 16-bit range is used then value ≤ binUpperValue(t) exactly when bin ≤ t', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 65000 }), fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 0, max: 255 }), fc.double({ min: 0, max: 1, noNaN: true }),
      (min, width, threshold, where) => {
        const max = Math.min(65535, min + width);
        const range = { min, max, bitDepth: 16 as const };
        const value = min + Math.floor(where * (max - min));
        const inLowSide = binOfValue(value, range) <= threshold;
        return inLowSide === (value <= binUpperValue(threshold, range));
      },
    ));
  });

  it('when counting 8-bit pixels with an inclusion mask then excluded pixels are not counted',
    () => {
    const image = createGrayImage(2, 2, new Uint8Array([1, 1, 2, 3]), new Uint8Array([1, 0, 1, 1]));
    const histogram = histogramOf(image);
    expect([histogram.counts[1], histogram.counts[2], histogram.counts[3]]).toEqual([1, 1, 1]);
  });
});

describe('histogramOf on 8-bit data at any offset and length', () => {
  it('when the pixels start anywhere in their buffer then the counts equal a plain loop', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.integer({ min: 0, max: 7 }),
      fc.boolean(), (pixels, offset, masked) => {
        // The pixels sit at `offset` in a larger buffer, as in a subarray of a decoded image.
        const buffer = new Uint8Array(offset + pixels.length + 3).fill(255);
        buffer.set(pixels, offset);
        const data = buffer.subarray(offset, offset + pixels.length);
        const included = masked ? data.map((value) => value % 3 === 0 ? 0 : 1) : null;
        const image = { width: data.length, height: 1, bitDepth: 8 as const, data, included };
        const expected = new Array<number>(256).fill(0);
        data.forEach((value, i) => {
          if (included === null || included[i] !== 0) expected[value]++;
        });
        expect(Array.from(histogramOf(image).counts)).toEqual(expected);
      },
    ), { numRuns: 300 });
  });
});

describe('histograms of the shared images', () => {
  it('when decoded and counted then they equal the reference histograms exactly', async () => {
    const sets = readdirSync(`${SHARED}datasets`).filter((name) => !name.endsWith('.md'));
    let checked = 0;
    for (const set of sets) {
      const golden = JSON.parse(readFileSync(`${SHARED}golden/${set}.json`, 'utf8'));
      // Three images a set keep the test quick; the full check is in bench/predict.
      for (const record of golden.records.slice(0, 3)) {
        const image = await readImage(`${SHARED}datasets/${set}/images/${record.id}.png`);
        expect(Array.from(histogramOf(image).counts), `${set}/${record.id}`)
          .toEqual(record.histogram);
        checked++;
      }
    }
    expect(checked).toBe(33);
  });
});
