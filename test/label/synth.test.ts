import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/decode.js';
import {
  gaussianBlur, MAX_FOREGROUND_FRACTION, synthesizeImage, writeSynthetic,
} from '../../src/label/synth.js';

async function hashFolder(directory: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const sub of ['images', 'masks']) {
    for (const name of (await readdir(join(directory, sub))).sort()) {
      const data = await readFile(join(directory, sub, name));
      hashes[`${sub}/${name}`] = createHash('sha256').update(data).digest('hex');
    }
  }
  hashes['params.jsonl'] = createHash('sha256')
    .update(await readFile(join(directory, 'params.jsonl'))).digest('hex');
  return hashes;
}

describe('synthetic images', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-synth-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when written twice with one seed then the files are byte-identical', async () => {
    await writeSynthetic(join(root, 'a'), 6, 42);
    await writeSynthetic(join(root, 'b'), 6, 42);
    await writeSynthetic(join(root, 'c'), 6, 43);
    const a = await hashFolder(join(root, 'a'));
    expect(Object.keys(a)).toHaveLength(13);
    expect(await hashFolder(join(root, 'b'))).toEqual(a);
    expect(await hashFolder(join(root, 'c'))).not.toEqual(a);
  });

  it('when the folder holds files then it is refused; --force replaces synth output', async () => {
    const target = join(root, 'reused');
    await writeSynthetic(target, 4, 5);
    await expect(writeSynthetic(target, 2, 5)).rejects.toMatchObject({
      code: 'autothresh.usage', message: expect.stringMatching(/reused: is a folder that is not empty/),
    });
    // A file that is not the earlier run's stops it: an image its params.jsonl does not list,
    // or a params.jsonl that is not synth's.
    const refusal = (shown: string) => ({
      code: 'autothresh.usage',
      message: `${target}: holds entries that are not earlier synth output (${shown}); --force ` +
        'replaces only a folder of earlier synth output',
    });
    await writeFile(join(target, 'masks', 'synth-00009.png'), 'not from that run');
    await expect(writeSynthetic(target, 2, 5, { force: true }))
      .rejects.toMatchObject(refusal('masks/synth-00009.png'));
    await rm(join(target, 'masks', 'synth-00009.png'));
    const params = await readFile(join(target, 'params.jsonl'), 'utf8');
    await writeFile(join(target, 'params.jsonl'), 'my notes\n');
    await expect(writeSynthetic(target, 2, 5, { force: true })).rejects.toMatchObject(refusal(
      'params.jsonl, images/synth-00001.png, images/synth-00002.png, …'));
    await writeFile(join(target, 'params.jsonl'), params);
    // The earlier run's four images all go: the folder is replaced whole.
    await writeSynthetic(target, 2, 5, { force: true });
    expect((await readdir(join(target, 'images'))).sort())
      .toEqual(['synth-00001.png', 'synth-00002.png']);
    const fresh = join(root, 'fresh');
    await writeSynthetic(fresh, 2, 5);
    expect(await hashFolder(target)).toEqual(await hashFolder(fresh));
    // An empty folder is fine, and no staging folder is left beside the output.
    await mkdir(join(root, 'empty'));
    await writeSynthetic(join(root, 'empty'), 1, 5);
    expect((await readdir(root)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('when decoded then the mask matches the parameters and the PNG is 8-bit gray', async () => {
    const params = await writeSynthetic(join(root, 'd'), 3, 7);
    for (const item of params) {
      const image = await readImage(join(root, 'd', 'images', `${item.id}.png`));
      const mask = await readImage(join(root, 'd', 'masks', `${item.id}.png`));
      expect([image.width, image.height]).toEqual([item.width, item.height]);
      const fraction = mask.data.filter((value) => value === 255).length / mask.data.length;
      expect(fraction).toBeCloseTo(item.foregroundFraction, 4);
      expect(mask.data.every((value) => value === 0 || value === 255)).toBe(true);
    }
  });

  it('when drawing many images then the series covers fractions, polarities and shapes', () => {
    const params = Array.from({ length: 60 }, (_, index) => synthesizeImage(index, 1).params);
    const fractions = params.map((item) => item.foregroundFraction);
    expect(Math.min(...fractions)).toBeLessThan(0.02);
    expect(Math.max(...fractions)).toBeGreaterThan(0.25);
    expect(new Set(params.map((item) => item.polarity))).toEqual(new Set(['dark', 'bright']));
    expect(new Set(params.map((item) => item.shape))).toEqual(new Set(['blobs', 'strokes']));
    const contrasts = params.map((item) => Math.abs(item.object - item.background));
    expect(Math.min(...contrasts)).toBeLessThan(15);
    expect(Math.max(...contrasts)).toBeGreaterThan(100);
    for (const item of params) {
      // Shapes are added until the target is reached; the last one may overshoot a little.
      expect(item.foregroundFraction).toBeGreaterThanOrEqual(item.targetFraction - 1e-4);
      expect(item.foregroundFraction).toBeLessThan(item.targetFraction * 1.3 + 0.03);
    }
  });

  it('when blobs aim near 60% then the last blob never takes the image past 60%', () => {
    // Images of seed 1 whose last blob once overshot (up to 75%), and a spread of others.
    const indices = [104, 163, 679, 1475, ...Array.from({ length: 40 }, (_, index) => index)];
    const fractions = indices.map((index) => synthesizeImage(index, 1).params.foregroundFraction);
    expect(Math.max(...fractions)).toBeLessThanOrEqual(MAX_FOREGROUND_FRACTION);
    expect(Math.max(...fractions)).toBeGreaterThan(0.45);
  });

  it('when blurring a constant or an impulse then the mean is kept', () => {
    const width = 21;
    const values = new Float64Array(width * width);
    values[10 * width + 10] = 100;
    const blurred = gaussianBlur(values, width, width, 1.5);
    expect(blurred.reduce((a, b) => a + b)).toBeCloseTo(100, 9);
    expect(blurred[10 * width + 10]).toBeCloseTo(100 / (2 * Math.PI * 1.5 ** 2), 1);
    const flat = gaussianBlur(new Float64Array(100).fill(7), 10, 10, 2);
    expect(Array.from(flat).every((value) => Math.abs(value - 7) < 1e-12)).toBe(true);
  });
});
