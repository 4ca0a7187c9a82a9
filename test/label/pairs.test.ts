import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  datasetNameOf, findPairs, jpegMaskWarning, sourceOf,
} from '../../src/label/pairs.js';

describe('findPairs', () => {
  let root: string;
  let images: string;
  let masks: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'autothresh-pairs-'));
    images = join(root, 'docs', 'images');
    masks = join(root, 'docs', 'masks');
    await mkdir(images, { recursive: true });
    await mkdir(masks, { recursive: true });
    for (const file of ['H01.png', 'H02.TIF', 'readme.txt', 'notes.md']) {
      await writeFile(join(images, file), 'x');
    }
    for (const file of ['H01.png', 'H01.bmp', 'H02_gt.png', 'list.csv']) {
      await writeFile(join(masks, file), 'x');
    }
  });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when a folder holds files without an image extension then they are only noted', async () => {
    const found = await findPairs(images, masks);
    expect(found.problems).toEqual([]);
    expect(found.pairs.map((pair) => pair.id)).toEqual(['H01', 'H02']);
    expect(found.warnings).toContain(
      `${images}: left out 2 files without an image extension (notes.md, readme.txt)`,
    );
    expect(found.warnings).toContain(
      `${masks}: left out 1 file without an image extension (list.csv)`,
    );
  });

  it('when two masks share a name then warns and says which one is used', async () => {
    const found = await findPairs(images, masks);
    expect(found.pairs[0].maskPath).toBe(join(masks, 'H01.bmp'));
    expect(found.warnings).toContain(
      `${join(masks, 'H01.png')}: same name as H01.bmp; using H01.bmp`,
    );
    expect(found.pairs[1].maskPath).toBe(join(masks, 'H02_gt.png'));
  });
});

describe('masks that share a name', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-lossless-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when formats differ then lossless beats maybe-lossy beats JPEG, whatever the order',
    async () => {
      const images = join(root, 'images');
      const masks = join(root, 'masks');
      await mkdir(images, { recursive: true });
      await mkdir(masks, { recursive: true });
      const cases: Record<string, string[]> = {
        a: ['a.jpg', 'a.png', 'a.webp'],
        b: ['b.avif', 'b.jpeg'],
        c: ['c.JPG', 'c.tif'],
        d: ['d.bmp', 'd.gif'],
      };
      for (const [id, files] of Object.entries(cases)) {
        await writeFile(join(images, `${id}.png`), 'x');
        for (const file of files) await writeFile(join(masks, file), 'x');
      }
      const found = await findPairs(images, masks);
      expect(found.pairs.map((pair) => pair.maskPath))
        .toEqual(['a.png', 'b.avif', 'c.tif', 'd.bmp'].map((file) => join(masks, file)));
      expect(found.warnings).toContain(
        `${join(masks, 'a.jpg')}: same name as a.png; using a.png (lossless formats are preferred)`,
      );
      // Equals (two lossless formats): the first in sorted order, without the preference note.
      expect(found.warnings).toContain(`${join(masks, 'd.gif')}: same name as d.bmp; using d.bmp`);
    });
});

describe('jpegMaskWarning', () => {
  const pairs = ['x.png', 'y.jpg', 'z.JPEG'].map((file) => ({
    id: file.split('.')[0], imagePath: `/i/${file}`, maskPath: `/m/${file}`,
  }));

  it('when the mask threshold is one JPEG ringing crosses then it names the JPEG masks', () => {
    for (const threshold of [0, 63, 192, 255]) {
      expect(jpegMaskWarning('/m', pairs, threshold), String(threshold)).toBe(
        `/m: 2 masks are JPEG (y.jpg, z.JPEG): compression leaves gray values beside the ` +
          `mask's edges, which --mask-threshold ${threshold} puts on the wrong side; ` +
          '--mask-threshold 127 is advisable (or lossless masks)',
      );
    }
  });

  it('when the threshold is mid-range or no mask is JPEG then there is no warning', () => {
    for (const threshold of [64, 127, 191]) {
      expect(jpegMaskWarning('/m', pairs, threshold)).toBeNull();
    }
    expect(jpegMaskWarning('/m', pairs.slice(0, 1), 0)).toBeNull();
  });
});

describe('datasetNameOf and sourceOf', () => {
  let root: string;
  let start: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'autothresh-names-'));
    await mkdir(join(root, 'cells', 'images'), { recursive: true });
    start = process.cwd();
  });
  afterAll(async () => {
    process.chdir(start);
    await rm(root, { recursive: true, force: true });
  });

  it('when the folder is typed relative, with ./ or a trailing slash then names agree', () => {
    const absolute = join(root, 'cells', 'images');
    const cases: Array<[string, string[]]> = [
      [start, [absolute, `${absolute}/`, relative(start, absolute)]],
      [join(root, 'cells'), ['images', './images/']],
      [absolute, ['.', './']],
    ];
    for (const [directory, typed] of cases) {
      process.chdir(directory);
      for (const folder of typed) {
        expect(datasetNameOf(folder), folder).toBe('cells');
        expect(sourceOf(join(folder, 'a.png'), folder), folder).toBe('cells/images/a.png');
      }
    }
  });

  it('when the folder is not called images then it names the collection itself', () => {
    process.chdir(join(root, 'cells'));
    expect(datasetNameOf('.')).toBe('cells');
    expect(sourceOf('a.png', '.')).toBe('cells/a.png');
  });
});
