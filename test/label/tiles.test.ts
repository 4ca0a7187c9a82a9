import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/decode.js';
import { labelPixels } from '../../src/label/class-histograms.js';
import { buildTileGrid, cropClassHistograms, tileRect } from '../../src/label/tiles.js';
import { createRandom } from '../../src/util/random.js';
import { loadSample, SAMPLE_NAMES, sampleImage, sampleMask } from './helpers.js';

describe('tile prefix sums', () => {
  it.each(SAMPLE_NAMES)('when cropping %s on tiles then sums equal direct counts', async (name) => {
    const { image, mask } = await loadSample(name);
    const pixels = labelPixels(image, mask);
    const random = createRandom(11);
    for (const tileSize of [8, 16, 32]) {
      const grid = buildTileGrid(pixels, tileSize);
      for (let trial = 0; trial < 8; trial++) {
        const column0 = random.integer(0, grid.columns - 1);
        const row0 = random.integer(0, grid.rows - 1);
        const column1 = random.integer(column0 + 1, grid.columns);
        const row1 = random.integer(row0 + 1, grid.rows);
        const rect = tileRect(grid, column0, row0, column1, row1);
        const fromTiles = cropClassHistograms(grid, rect);

        const foreground = new Array(256).fill(0);
        const background = new Array(256).fill(0);
        for (let y = rect.y; y < rect.y + rect.height; y++) {
          for (let x = rect.x; x < rect.x + rect.width; x++) {
            const i = y * image.width + x;
            (mask.data[i] > 0 ? foreground : background)[image.data[i]]++;
          }
        }
        expect(Array.from(fromTiles.foreground)).toEqual(foreground);
        expect(Array.from(fromTiles.background)).toEqual(background);
      }
    }
  });

  it('when the crop reaches the ragged last tile then it ends at the image edge', async () => {
    const [image, mask] = await Promise.all([
      readImage(sampleImage('dibco2009-H03')), readImage(sampleMask('dibco2009-H03')),
    ]);
    const grid = buildTileGrid(labelPixels(image, mask), 32);
    const rect = tileRect(grid, 0, 0, grid.columns, grid.rows);
    expect(rect).toEqual({ x: 0, y: 0, width: 582, height: 492 });
    const whole = cropClassHistograms(grid, rect);
    const total = [...whole.foreground, ...whole.background].reduce((a, b) => a + b);
    expect(total).toBe(582 * 492);
  });

  it('when the crop is not tile-aligned then throws RangeError', async () => {
    const [image, mask] = await Promise.all([
      readImage(sampleImage('isbi2012-em-00')), readImage(sampleMask('isbi2012-em-00')),
    ]);
    const grid = buildTileGrid(labelPixels(image, mask), 32);
    expect(() => cropClassHistograms(grid, { x: 5, y: 0, width: 32, height: 32 }))
      .toThrow(RangeError);
    expect(() => cropClassHistograms(grid, { x: 0, y: 0, width: 40, height: 32 }))
      .toThrow(RangeError);
  });
});
