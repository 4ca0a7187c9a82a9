import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkImageFolder, datasetNameOf, findPairs, jpegMaskWarning, sourceOf,
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
    expect(found.warnings).toContain(`${join(images, 'H01.png')}: masks H01.bmp, H01.png in ` +
      `${masks} match; using H01.bmp (the first in sorted order)`);
    expect(found.pairs[1].maskPath).toBe(join(masks, 'H02_gt.png'));
  });
});

describe('images that share a name', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-same-image-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when a PNG and a JPEG share a name then the PNG is kept and the JPEG is a problem',
    async () => {
      const images = join(root, 'images');
      const masks = join(root, 'masks');
      await mkdir(images);
      await mkdir(masks);
      for (const file of ['H01.jpg', 'H01.png', 'H02.tif', 'H02.webp', 'H03.png']) {
        await writeFile(join(images, file), 'x');
      }
      for (const file of ['H01.png', 'H02.png', 'H03.png']) await writeFile(join(masks, file), 'x');
      const found = await findPairs(images, masks);
      expect(found.pairs.map((pair) => pair.imagePath)).toEqual(
        ['H01.png', 'H02.tif', 'H03.png'].map((file) => join(images, file)));
      expect(found.problems).toEqual([
        { file: join(images, 'H01.jpg'), message: `same name as ${join(images, 'H01.png')}; ` +
          'ids must be unique, image skipped (lossless formats are preferred)' },
        { file: join(images, 'H02.webp'), message: `same name as ${join(images, 'H02.tif')}; ` +
          'ids must be unique, image skipped (lossless formats are preferred)' },
      ]);
      expect(found.repeated).toBe(2);
      expect(found.unpaired).toBe(0);
    });

  it('when a broken link shares a name with readable images then a readable one is kept',
    async () => {
      const images = join(root, 'linked-images');
      const masks = join(root, 'linked-masks');
      await mkdir(images);
      await mkdir(masks);
      await symlink(join(root, 'nowhere.gif'), join(images, 'H02.gif'));
      for (const file of ['H02.png', 'H02.tif']) await writeFile(join(images, file), 'x');
      await writeFile(join(masks, 'H02.png'), 'x');
      const found = await findPairs(images, masks);
      expect(found.pairs.map((pair) => pair.imagePath)).toEqual([join(images, 'H02.png')]);
      expect(found.problems.map((problem) => problem.message)).toEqual([
        `same name as ${join(images, 'H02.png')}; ids must be unique, image skipped (it ` +
          'cannot be read)',
        `same name as ${join(images, 'H02.png')}; ids must be unique, image skipped (the first ` +
          'readable one in sorted order is kept)',
      ]);
    });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)(
    'when a FIFO shares a name with an image, or a broken link with a mask, the readable wins',
    async () => {
      const images = join(root, 'fifo-images');
      const masks = join(root, 'fifo-masks');
      await mkdir(images);
      await mkdir(masks);
      spawnSync('mkfifo', [join(images, 'H03.png')]);
      await writeFile(join(images, 'H03.tif'), 'x');
      await symlink(join(root, 'nowhere.png'), join(masks, 'H03.png'));
      await writeFile(join(masks, 'H03.tif'), 'x');
      const found = await findPairs(images, masks);
      expect(found.pairs).toEqual([{
        id: 'H03', imagePath: join(images, 'H03.tif'), maskPath: join(masks, 'H03.tif'),
      }]);
      expect(found.problems.map((problem) => problem.file)).toEqual([join(images, 'H03.png')]);
      expect(found.warnings).toContain(`${join(images, 'H03.tif')}: masks H03.png, H03.tif in ` +
        `${masks} match; using H03.tif (H03.png cannot be read)`);
    });
});

describe('symbolic links in image folders', () => {
  it('when entries are links then files are paired, folders noted, and a broken link kept ' +
    'to be named when it is read', async () => {
    const root = await mkdtemp(join(tmpdir(), 'autothresh-links-'));
    try {
      const [store, images, masks] = ['store', 'images', 'masks'].map((name) => join(root, name));
      for (const folder of [store, images, masks]) await mkdir(folder);
      await writeFile(join(store, 'a.png'), 'x');
      await writeFile(join(store, 'a-mask.png'), 'x');
      await symlink(join(store, 'a.png'), join(images, 'a.png'));
      await symlink(join(store, 'a-mask.png'), join(masks, 'a.png'));
      await symlink(join(root, 'gone.png'), join(images, 'b.png'));
      await writeFile(join(masks, 'b.png'), 'x');
      await symlink(store, join(images, 'more'));
      const found = await findPairs(images, masks);
      expect(found.pairs.map((pair) => pair.id)).toEqual(['a', 'b']);
      expect(found.warnings).toEqual([
        `${images}: left out 1 subfolder (more): only the folder's own files are read`,
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('when a link to nothing has no mask either then it is reported as the broken link',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'autothresh-links-'));
      try {
        const [images, masks] = ['images', 'masks'].map((name) => join(root, name));
        for (const folder of [images, masks]) await mkdir(folder);
        await writeFile(join(images, 'a.png'), 'x');
        await writeFile(join(masks, 'a.png'), 'x');
        await symlink('../annex/gone.png', join(images, 'b.png'));
        await writeFile(join(images, 'c.png'), 'x');
        const found = await findPairs(images, masks);
        expect(found.pairs.map((pair) => pair.id)).toEqual(['a']);
        expect(found.problems).toEqual([
          { file: join(images, 'b.png'), message: 'broken symbolic link (to ../annex/gone.png)' },
          { file: join(images, 'c.png'), message: `no mask named c.* in ${masks}` },
        ]);
        expect(found.unpaired).toBe(2);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
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
      expect(found.warnings).toContain(`${join(images, 'a.png')}: masks a.jpg, a.png, a.webp ` +
        `in ${masks} match; using a.png (lossless formats are preferred)`);
      expect(found.warnings).toContain(`${join(images, 'b.png')}: masks b.avif, b.jpeg ` +
        `in ${masks} match; using b.avif (JPEG comes last)`);
      // Equals (two lossless formats): the first in sorted order.
      expect(found.warnings).toContain(`${join(images, 'd.png')}: masks d.bmp, d.gif in ` +
        `${masks} match; using d.bmp (the first in sorted order)`);
    });

  it('when a JPEG has the exact name and a lossless mask a suffix then the lossless one wins',
    async () => {
      const images = join(root, 'suffix', 'images');
      const masks = join(root, 'suffix', 'masks');
      await mkdir(images, { recursive: true });
      await mkdir(masks, { recursive: true });
      await writeFile(join(images, 'H01.jpg'), 'x');
      for (const file of ['H01.jpg', 'H01_mask.png']) await writeFile(join(masks, file), 'x');
      const found = await findPairs(images, masks);
      expect(found.pairs).toEqual([
        { id: 'H01', imagePath: join(images, 'H01.jpg'), maskPath: join(masks, 'H01_mask.png') },
      ]);
      expect(found.warnings).toEqual([`${join(images, 'H01.jpg')}: masks H01.jpg, ` +
        `H01_mask.png in ${masks} match; using H01_mask.png (lossless formats are preferred)`]);
    });

  it('when lossless masks match by different names then the exact name, then pattern order',
    async () => {
      const images = join(root, 'patterns', 'images');
      const masks = join(root, 'patterns', 'masks');
      await mkdir(images, { recursive: true });
      await mkdir(masks, { recursive: true });
      for (const id of ['a', 'b']) await writeFile(join(images, `${id}.png`), 'x');
      for (const file of ['a_mask.bmp', 'a.tif', 'b_gt.png', 'b-mask.png']) {
        await writeFile(join(masks, file), 'x');
      }
      const found = await findPairs(images, masks);
      expect(found.pairs.map((pair) => pair.maskPath))
        .toEqual(['a.tif', 'b-mask.png'].map((file) => join(masks, file)));
      expect(found.warnings).toEqual([
        `${join(images, 'a.png')}: masks a.tif, a_mask.bmp in ${masks} match; using a.tif ` +
          '(the exact name comes first)',
        `${join(images, 'b.png')}: masks b-mask.png, b_gt.png in ${masks} match; using ` +
          'b-mask.png (name patterns in order: exact, _mask, -mask, _gt, _GT)',
      ]);
    });

  it('when one mask matches then there is no warning', async () => {
    const images = join(root, 'single', 'images');
    const masks = join(root, 'single', 'masks');
    await mkdir(images, { recursive: true });
    await mkdir(masks, { recursive: true });
    await writeFile(join(images, 'x.png'), 'x');
    await writeFile(join(masks, 'x_GT.jpg'), 'x');
    const found = await findPairs(images, masks);
    expect(found.pairs.map((pair) => pair.maskPath)).toEqual([join(masks, 'x_GT.jpg')]);
    expect(found.warnings).toEqual([]);
  });
});

describe('folders that cannot be listed', () => {
  let root: string;
  let file: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'autothresh-folders-'));
    file = join(root, 'good.png');
    await writeFile(file, 'x');
    await mkdir(join(root, 'masks'));
  });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when a folder is a file or missing then findPairs says so in one line', async () => {
    const masks = join(root, 'masks');
    await expect(findPairs(file, masks)).rejects.toMatchObject({
      code: 'autothresh.fileNotFound', message: `${file}: is a file, not a folder`,
    });
    await expect(findPairs(masks, join(root, 'none'))).rejects.toMatchObject({
      code: 'autothresh.fileNotFound', message: `${join(root, 'none')}: no such folder`,
    });
  });

  it('when an option names a file, a missing folder or a path through a file then usage error',
    async () => {
      const cases: Array<[string, string]> = [
        [file, `${file} is a file, not a folder`],
        [join(root, 'none'), `${join(root, 'none')} does not exist`],
        [join(file, 'sub'), `cannot list ${join(file, 'sub')} (part of the path is a file, ` +
          'not a folder)'],
      ];
      for (const [folder, message] of cases) {
        await expect(checkImageFolder(folder, 'option --images')).rejects.toMatchObject({
          code: 'autothresh.usage', message: `option --images: ${message}`,
        });
      }
      await expect(checkImageFolder(join(root, 'masks'), 'option --masks')).resolves
        .toBeUndefined();
    });

  it.skipIf(process.getuid?.() === 0)('when a folder cannot be read then it says so (not as root)',
    async () => {
      const locked = join(root, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o000);
      try {
        await expect(checkImageFolder(locked, 'option --masks')).rejects.toMatchObject({
          message: `option --masks: cannot list ${locked} (permission denied)`,
        });
        await expect(findPairs(locked, locked)).rejects.toMatchObject({
          message: `${locked}: cannot list folder (permission denied)`,
        });
      } finally {
        await chmod(locked, 0o700);
      }
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
