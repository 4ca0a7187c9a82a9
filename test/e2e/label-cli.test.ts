import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import {
  copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { labelFolder, partialPathOf } from '../../src/label/label-folder.js';
import { readLabelRecords } from '../../src/label/records-io.js';
import { SAMPLE_NAMES, sampleImage, sampleMask } from '../label/helpers.js';

interface Captured { code: number; stdout: string; stderr: string }

async function cli(...args: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => { stdout += text; },
    stderr: (text: string) => { stderr += text; },
    stderrIsTTY: false,
  };
  const code = await run(['node', 'autothresh', ...args], io);
  return { code, stdout, stderr };
}

describe('autothresh label', () => {
  let root: string;
  let images: string;
  let masks: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'autothresh-label-cli-'));
    images = join(root, 'mini', 'images');
    masks = join(root, 'mini', 'masks');
    await mkdir(images, { recursive: true });
    await mkdir(masks, { recursive: true });
    for (const name of SAMPLE_NAMES) {
      await copyFile(sampleImage(name), join(images, `${name}.png`));
      await copyFile(sampleMask(name), join(masks, `${name}.png`));
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('when labelling a folder then writes one valid record per image', async () => {
    const out = join(root, 'plain.jsonl');
    const result = await cli('label', '--images', images, '--masks', masks, '-o', out, '--json');
    expect(result.code).toBe(0);
    const records = await readLabelRecords(out);
    expect(records.map((record) => record.id).sort()).toEqual([...SAMPLE_NAMES].sort());
    expect(new Set(records.map((record) => record.dataset))).toEqual(new Set(['mini']));
    expect(records[0].source).toMatch(/^mini\/images\/.+\.png$/);
    expect(JSON.parse(result.stdout)).toMatchObject({ labelled: 4, skipped: 0, records: 4 });
    expect(result.stderr).toContain('4 labelled, 0 skipped');
  });

  it('when -o is a symbolic link then the file it leads to is written, the link kept',
    async () => {
      const store = join(root, 'store');
      await mkdir(store, { recursive: true });
      const link = join(root, 'linked.jsonl');
      await symlink(join(store, 'records.jsonl'), link);
      const result = await cli('label', '--images', images, '--masks', masks, '-o', link);
      expect(result.code).toBe(0);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await readLabelRecords(join(store, 'records.jsonl'))).toHaveLength(4);
      expect(await readdir(store)).toEqual(['records.jsonl']);
    });

  it('when the partial file left beside -o is a link then the link is replaced, not followed',
    async () => {
      const image = join(images, `${SAMPLE_NAMES[0]}.png`);
      const out = join(root, 'partial-link.jsonl');
      await symlink(image, `${out}.partial`);
      const before = await readFile(image);
      const result = await cli('label', '--images', images, '--masks', masks, '-o', out);
      expect(result.code).toBe(0);
      expect((await readFile(image)).equals(before)).toBe(true);
      expect(await readLabelRecords(out)).toHaveLength(4);
      expect((await lstat(out)).isFile()).toBe(true);
    });

  it('when -o is a link to an image then exit 2: the records would replace the image',
    async () => {
      const image = join(images, `${SAMPLE_NAMES[0]}.png`);
      const link = join(root, 'to-image.jsonl');
      await symlink(image, link);
      const before = await readFile(image);
      const result = await cli('label', '--images', images, '--masks', masks, '-o', link);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`autothresh: option --out: ${link} is a symbolic link to ` +
        `${image}, not a .jsonl or .jsonl.gz file; the records would replace it\n`);
      expect((await readFile(image)).equals(before)).toBe(true);
    });

  it('when -o lies in a link to nothing or a loop then exit 2 before any image is labelled',
    async () => {
      const place = join(root, 'broken-links');
      await mkdir(place);
      await symlink(join(place, 'nowhere'), join(place, 'dangling'));
      await symlink('loop', join(place, 'loop'));
      const nothing = `a symbolic link to ${JSON.stringify(join(place, 'nowhere'))}, which does ` +
        'not exist';
      for (const [folder, what] of [['dangling', nothing], ['loop', 'a symbolic link loop']]) {
        const out = join(place, folder, 'x.jsonl');
        const result = await cli('label', '--images', images, '--masks', masks, '-o', out);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe('autothresh: option --out: expected a file to write, ' +
          `received ${JSON.stringify(out)}, but ${join(place, folder)} is ${what}\n`);
      }
      expect((await readdir(place)).sort()).toEqual(['dangling', 'loop']);
    });

  it('when a mask is missing or broken then reports the file, skips it and exits 1', async () => {
    const brokenImages = join(root, 'broken', 'images');
    const brokenMasks = join(root, 'broken', 'masks');
    await mkdir(brokenImages, { recursive: true });
    await mkdir(brokenMasks, { recursive: true });
    await copyFile(sampleImage('dibco2009-H03'), join(brokenImages, 'good.png'));
    await copyFile(sampleMask('dibco2009-H03'), join(brokenMasks, 'good.png'));
    await copyFile(sampleImage('dibco2009-H03'), join(brokenImages, 'nomask.png'));
    await copyFile(sampleImage('dibco2009-H03'), join(brokenImages, 'wrongsize.png'));
    await copyFile(sampleMask('isbi2012-em-00'), join(brokenMasks, 'wrongsize.png'));
    await writeFile(join(brokenImages, 'garbage.png'), 'not an image');
    await copyFile(sampleMask('isbi2012-em-00'), join(brokenMasks, 'garbage.png'));

    const out = join(root, 'broken.jsonl');
    const result = await cli('label', '--images', brokenImages, '--masks', brokenMasks, '-o', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nomask\.png: no mask named nomask/);
    expect(result.stderr).toMatch(/wrongsize\.png: mask is 512×512 pixels/);
    expect(result.stderr).toMatch(/garbage\.png: /);
    // In the pairs' order, whichever failed first.
    expect(result.stderr.indexOf('garbage.png: ')).toBeLessThan(
      result.stderr.indexOf('wrongsize.png: '));
    expect(result.stderr).toContain('1 labelled, 3 skipped');
    expect((await readLabelRecords(out)).map((record) => record.id)).toEqual(['good']);
  });

  it('when the masks folder is empty then one line names it and every image counts as skipped',
    async () => {
      const noMasks = join(root, 'no-masks');
      await mkdir(noMasks, { recursive: true });
      const out = join(root, 'no-masks.jsonl');
      const result = await cli('label', '--images', images, '--masks', noMasks, '-o', out,
        '--json');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${noMasks}: no image files in this folder\n`);
      expect(result.stderr).not.toMatch(/no mask named/);
      expect(JSON.parse(result.stdout)).toMatchObject({ images: 4, labelled: 0, skipped: 4 });
    });

  it('when augmenting then every extra record says how it was made', async () => {
    const out = join(root, 'augmented.jsonl.gz');
    const result = await cli(
      'label', '--images', images, '--masks', masks, '-o', out, '--crops', '5', '--augment',
      '--variants', '1', '--pixel-variants', '3', '--seed', '3', '--dataset', 'samples',
    );
    expect(result.code).toBe(0);
    const records = await readLabelRecords(out);
    const augmented = records.filter((record) => record.augmentation !== undefined);
    expect(records.length - augmented.length).toBe(4);
    // 4 × (5 crops + 6 photometric + 3 pixel-level) when every crop has both classes.
    expect(augmented.length).toBeGreaterThan(40);
    for (const record of augmented) {
      expect(record.augmentation?.seed).toBeTypeOf('number');
      expect(record.dataset).toBe('samples');
      expect(record.id.startsWith(`${record.source.split('/').pop()?.replace('.png', '')}/`))
        .toBe(true);
    }
    const kinds = new Set(augmented.flatMap((record) =>
      record.augmentation?.steps.map((step) => step.kind)));
    for (const kind of ['blur', 'jpeg', 'gradient']) expect(kinds).toContain(kind);
    expect(augmented.some((record) => record.augmentation?.crop !== undefined)).toBe(true);

    const again = join(root, 'augmented-again.jsonl.gz');
    await cli(
      'label', '--images', images, '--masks', masks, '-o', again, '--crops', '5', '--augment',
      '--variants', '1', '--pixel-variants', '3', '--seed', '3', '--dataset', 'samples',
    );
    expect(await readLabelRecords(again)).toEqual(records);
  });

  it('when resuming an interrupted output then keeps valid records, no duplicates', async () => {
    const out = join(root, 'resume.jsonl');
    await cli('label', '--images', images, '--masks', masks, '-o', out);
    const full = await readFile(out, 'utf8');
    const lines = full.trimEnd().split('\n');
    // Interrupted: two whole records and a half-written third.
    await writeFile(out, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 100)}`);

    const result = await cli('label', '--images', images, '--masks', masks, '-o', out, '--resume');
    expect(result.stderr).toMatch(/resume\.jsonl:3: invalid record dropped/);
    expect(result.stderr).toContain('2 labelled, 0 skipped, 2 already labelled');
    const records = await readLabelRecords(out);
    expect(records.map((record) => record.id).sort()).toEqual([...SAMPLE_NAMES].sort());
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
  });

  const augmentArgs = ['--crops', '3', '--augment', '--variants', '1', '--pixel-variants', '3'];
  const labelArgs = (out: string, ...extra: string[]): string[] =>
    ['label', '--images', images, '--masks', masks, '-o', out, ...extra];

  it('when the last line is cut inside an image then that image is redone, same bytes',
    async () => {
      const out = join(root, 'cut.jsonl');
      expect((await cli(...labelArgs(out, ...augmentArgs))).code).toBe(0);
      const full = await readFile(out, 'utf8');
      // Cut the last record in half: its image's own record is still complete.
      await writeFile(out, full.slice(0, full.trimEnd().lastIndexOf('\n') + 40));
      const result = await cli(...labelArgs(out, ...augmentArgs, '--resume'));
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/cut\.jsonl:\d+: invalid record dropped \(not valid JSON/);
      expect(result.stderr).toContain('1 labelled, 0 skipped, 3 already labelled, 1 incomplete');
      expect(await readFile(out, 'utf8')).toBe(full);
    });

  it('when an image has lost its own record then it is redone without duplicate ids',
    async () => {
      const out = join(root, 'lost.jsonl');
      await cli(...labelArgs(out, ...augmentArgs));
      const full = await readLabelRecords(out);
      const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
      const own = full.findIndex((record) => record.id === SAMPLE_NAMES[1]);
      await writeFile(out, `${lines.filter((_, index) => index !== own).join('\n')}\n`);
      const result = await cli(...labelArgs(out, ...augmentArgs, '--resume'));
      expect(result.code).toBe(0);
      const resumed = await readLabelRecords(out);
      const byId = (list: typeof full) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(resumed)).toEqual(byId(full));
    });

  it('when resuming with other options then exits 2 and leaves the file alone', async () => {
    const out = join(root, 'options.jsonl');
    await cli(...labelArgs(out, ...augmentArgs));
    const before = await readFile(out, 'utf8');
    for (const changed of [
      ['--objective', 'iou', ...augmentArgs], ['--crops', '4', '--augment', '--variants', '1'],
      augmentArgs.slice(0, 2), [...augmentArgs, '--seed', '2'], [...augmentArgs, '--synthetic'],
    ]) {
      const result = await cli(...labelArgs(out, ...changed, '--resume'));
      expect(result.code, changed.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/options\.jsonl: records were made with/);
    }
    const objective = await cli(...labelArgs(out, '--objective', 'iou', ...augmentArgs,
      '--resume'));
    expect(objective.stderr).toContain('--objective "fmeasure", this run has "iou"');
    expect(await readFile(out, 'utf8')).toBe(before);
  });

  it.each(['run.jsonl', 'run.jsonl.gz'])(
    'when %s is interrupted then only the partial file exists; resuming gives the same bytes',
    async (name) => {
      const whole = join(root, `whole-${name}`);
      await cli(...labelArgs(whole, ...augmentArgs));
      const out = join(root, name);
      let done = 0;
      const interrupted = labelFolder({
        images, masks, output: out, crops: 3, photometric: 1, pixelVariants: 3,
        onPairDone: () => { if (++done === 2) throw new Error('interrupted'); },
      });
      await expect(interrupted).rejects.toThrow('interrupted');
      expect(existsSync(out)).toBe(false);
      const partial = (await readFile(partialPathOf(out), 'utf8')).trimEnd().split('\n');
      expect(new Set(partial.map((line) => JSON.parse(line).source)).size).toBe(2);

      const result = await cli(...labelArgs(out, ...augmentArgs, '--resume'));
      expect(result.stderr).toContain('2 labelled, 0 skipped, 2 already labelled');
      expect(await readFile(out)).toEqual(await readFile(whole));
      expect(existsSync(partialPathOf(out))).toBe(false);
    });

  it('when a labelled image changed since then --resume labels it again, as a fresh run would',
    async () => {
      const own = join(root, 'changed');
      await mkdir(join(own, 'images'), { recursive: true });
      await mkdir(join(own, 'masks'));
      for (const name of SAMPLE_NAMES) {
        await copyFile(join(images, `${name}.png`), join(own, 'images', `${name}.png`));
        await copyFile(join(masks, `${name}.png`), join(own, 'masks', `${name}.png`));
      }
      const out = join(root, 'changed.jsonl');
      const args = ['label', '--images', join(own, 'images'), '--masks', join(own, 'masks'),
        '--dataset', 'samples'];
      expect((await cli(...args, '-o', out)).code).toBe(0);
      // The same pixels, stored with other bytes: its SHA-256 changes.
      const changed = join(own, 'images', `${SAMPLE_NAMES[0]}.png`);
      const reencoded = await sharp(changed).png({ compressionLevel: 1 }).toBuffer();
      await writeFile(changed, reencoded);

      const result = await cli(...args, '-o', out, '--resume');
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`warning: ${changed}: its image or mask changed since it ` +
        'was labelled; labelling it again');
      expect(result.stderr).toContain(`1 labelled, 0 skipped, ${SAMPLE_NAMES.length - 1} already ` +
        'labelled, 1 changed since last labelled');
      const fresh = join(root, 'changed-fresh.jsonl');
      await cli(...args, '-o', fresh);
      const byId = (list: { id: string }[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(await readLabelRecords(out))).toEqual(byId(await readLabelRecords(fresh)));
    });

  it('when a partial file is left and --resume is not given then it starts over', async () => {
    const out = join(root, 'over.jsonl');
    await writeFile(partialPathOf(out), '{"half a reco');
    const result = await cli(...labelArgs(out));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/over\.jsonl\.partial: left by an interrupted run; starting/);
    expect(await readLabelRecords(out)).toHaveLength(4);
  });

  it('when the images folder holds a text file then it is noted, not a failure', async () => {
    const noteImages = join(root, 'noted', 'images');
    await mkdir(noteImages, { recursive: true });
    await copyFile(sampleImage('dibco2009-H03'), join(noteImages, 'dibco2009-H03.png'));
    await writeFile(join(noteImages, 'readme.txt'), 'about these images');
    const out = join(root, 'noted.jsonl');
    const result = await cli('label', '--images', noteImages, '--masks', masks, '-o', out);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('left out 1 file without an image extension (readme.txt)');
    expect(result.stderr).toContain('1 labelled, 0 skipped');
  });

  it('when the images folder is typed relative then dataset and source use its real name',
    async () => {
      const start = process.cwd();
      const out = join(root, 'relative.jsonl');
      try {
        process.chdir(images);
        expect((await cli('label', '--images', '.', '--masks', '../masks', '-o', out)).code)
          .toBe(0);
      } finally {
        process.chdir(start);
      }
      const records = await readLabelRecords(out);
      expect(new Set(records.map((record) => record.dataset))).toEqual(new Set(['mini']));
      expect(records[0].source).toBe(`mini/images/${[...SAMPLE_NAMES].sort()[0]}.png`);
    });

  it.each([
    ['an existing folder', 'folder.jsonl', 'expected a file to write, received "{out}", which ' +
      'is a folder'],
    ['a path through a file', 'afile/out.jsonl', 'expected a file to write, received "{out}", ' +
      'but {root}/afile is a file, not a folder'],
    ['another extension', 'out.txt', 'expected a .jsonl or .jsonl.gz file (JSON Lines, ' +
      'optionally gzip-compressed), received "{out}"'],
  ])('when -o is %s then exits 2 at once, naming the option, writing nothing',
    async (_case, name, expected) => {
      const place = join(root, 'outputs');
      await rm(place, { recursive: true, force: true });
      await mkdir(join(place, 'folder.jsonl'), { recursive: true });
      await writeFile(join(place, 'afile'), 'a file');
      const out = join(place, name);
      const before = (await readdir(place)).sort();
      const result = await cli('label', '--images', images, '--masks', masks, '-o', out);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`autothresh: option --out: ${expected
        .replace('{out}', out).replace('{root}', place)}\n`);
      expect((await readdir(place)).sort()).toEqual(before);
      expect(await readdir(join(place, 'folder.jsonl'))).toEqual([]);
    });

  it('when the library is given a folder as output then it refuses before labelling', async () => {
    const folder = join(root, 'as-output.jsonl');
    await mkdir(folder, { recursive: true });
    let started = false;
    await expect(labelFolder({
      images, masks, output: folder, onStart: () => { started = true; },
    })).rejects.toMatchObject({
      code: 'autothresh.usage',
      message: `output: expected a file to write, received ${JSON.stringify(folder)}, which is ` +
        'a folder',
    });
    expect(started).toBe(false);
    expect(existsSync(partialPathOf(folder))).toBe(false);
  });

  it('when a mask comes as JPEG and PNG then the PNG is used; JPEG alone gets a warning',
    async () => {
      const jpegImages = join(root, 'jpeg', 'images');
      const jpegMasks = join(root, 'jpeg', 'masks');
      await mkdir(jpegImages, { recursive: true });
      await mkdir(jpegMasks, { recursive: true });
      for (const name of ['both', 'alone']) {
        await copyFile(sampleImage('dibco2009-H03'), join(jpegImages, `${name}.png`));
        await sharp(sampleMask('dibco2009-H03')).jpeg({ quality: 75 })
          .toFile(join(jpegMasks, `${name}.jpg`));
      }
      await copyFile(sampleMask('dibco2009-H03'), join(jpegMasks, 'both.png'));
      const out = join(root, 'jpeg.jsonl');
      const result = await cli('label', '--images', jpegImages, '--masks', jpegMasks, '-o', out);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`warning: ${join(jpegImages, 'both.png')}: masks ` +
        `both.jpg, both.png in ${jpegMasks} match; using both.png (lossless formats are ` +
        'preferred)\n');
      expect(result.stderr).toContain(`warning: ${jpegMasks}: 1 mask is JPEG (alone.jpg): ` +
        'compression leaves gray values beside the mask\'s edges, which --mask-threshold 0 ' +
        'puts on the wrong side; --mask-threshold 127 is advisable (or lossless masks)\n');
      const byId = new Map((await readLabelRecords(out)).map((record) => [record.id, record]));
      const png = await readFile(join(jpegMasks, 'both.png'));
      expect(byId.get('both')?.maskSha256).toBe(createHash('sha256').update(png).digest('hex'));
      // The lossless mask is the real one: its record is that of the sample's own mask.
      const sample = await cli('label', '--images', images, '--masks', masks, '-o',
        join(root, 'sample.jsonl'));
      expect(sample.code).toBe(0);
      const reference = (await readLabelRecords(join(root, 'sample.jsonl')))
        .find((record) => record.id === 'dibco2009-H03');
      expect(byId.get('both')?.foregroundHistogram).toEqual(reference?.foregroundHistogram);

      const advised = await cli('label', '--images', jpegImages, '--masks', jpegMasks, '-o',
        join(root, 'jpeg-127.jsonl'), '--mask-threshold', '127');
      expect(advised.stderr).not.toContain('is JPEG');
    });

  it('when the JPEG mask has the exact name and a PNG one _mask then the PNG is used, warned',
    async () => {
      const suffixImages = join(root, 'suffix', 'images');
      const suffixMasks = join(root, 'suffix', 'masks');
      await mkdir(suffixImages, { recursive: true });
      await mkdir(suffixMasks, { recursive: true });
      await copyFile(sampleImage('dibco2009-H03'), join(suffixImages, 'H01.jpg'));
      await sharp(sampleMask('dibco2009-H03')).jpeg({ quality: 75 })
        .toFile(join(suffixMasks, 'H01.jpg'));
      await copyFile(sampleMask('dibco2009-H03'), join(suffixMasks, 'H01_mask.png'));
      const out = join(root, 'suffix.jsonl');
      const result = await cli('label', '--images', suffixImages, '--masks', suffixMasks,
        '-o', out);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`warning: ${join(suffixImages, 'H01.jpg')}: masks ` +
        `H01.jpg, H01_mask.png in ${suffixMasks} match; using H01_mask.png (lossless formats ` +
        'are preferred)\n');
      expect(result.stderr).not.toContain('is JPEG');
      const png = await readFile(join(suffixMasks, 'H01_mask.png'));
      expect((await readLabelRecords(out))[0].maskSha256)
        .toBe(createHash('sha256').update(png).digest('hex'));
    });

  it.skipIf(!existsSync('/proc/self'))(
    'when -o is where no file can be made (/proc) then exits 2 before reading any image',
    async () => {
      const result = await cli('label', '--images', images, '--masks', masks,
        '-o', '/proc/x.jsonl');
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('autothresh: option --out: cannot write /proc/x.jsonl (the ' +
        'file system takes no new files here)\n');
    });

  it('when --images holds only subfolders then the warning names them before the error',
    async () => {
      const parent = join(root, 'mini');
      const result = await cli('label', '--images', parent, '--masks', masks,
        '-o', join(root, 'none.jsonl'));
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`warning: ${parent}: left out 2 subfolders (images, masks): ` +
        `only the folder's own files are read\nautothresh: ${parent}: no image files in this ` +
        'folder\n');
    });

  it('when --max-pixels is below an image\'s size then that pair is skipped, naming the limit',
    async () => {
      const out = join(root, 'max-pixels.jsonl');
      const result = await cli('label', '--images', images, '--masks', masks, '-o', out,
        '--max-pixels', '100');
      expect(result.code).toBe(1);
      expect(result.stderr)
        .toMatch(/pixels, more than the limit of 100 \(raise it with --max-pixels\)/);
      // Image and mask are both too large: the image is named, whichever decoder ends first.
      for (const name of SAMPLE_NAMES) {
        expect(result.stderr).toContain(`${join(images, `${name}.png`)}: image has `);
      }
      expect(result.stderr).not.toContain('mask has');
      expect(existsSync(out)).toBe(false);
    });

  it('when an image entry is a FIFO or a broken link then each is named, never read (exit 1)',
    async () => {
      const folder = join(root, 'odd', 'images');
      await mkdir(folder, { recursive: true });
      await copyFile(sampleImage(SAMPLE_NAMES[0]), join(folder, `${SAMPLE_NAMES[0]}.png`));
      await symlink(join(root, 'not-fetched.png'), join(folder, `${SAMPLE_NAMES[1]}.png`));
      const fifo = spawnSync('mkfifo', [join(folder, `${SAMPLE_NAMES[2]}.png`)]).status === 0;
      const out = join(root, 'odd.jsonl');
      const result = await cli('label', '--images', folder, '--masks', masks, '-o', out);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${join(folder, `${SAMPLE_NAMES[1]}.png`)}: broken ` +
        `symbolic link (to ${join(root, 'not-fetched.png')})`);
      if (fifo) {
        expect(result.stderr).toContain(
          `${join(folder, `${SAMPLE_NAMES[2]}.png`)}: not a regular file`);
      }
      expect(await readLabelRecords(out)).toHaveLength(1);
    });

  it('when --images or --masks is not a folder, or both are one, then exits 2 in one line',
    async () => {
      const file = join(images, `${SAMPLE_NAMES[0]}.png`);
      const missing = join(root, 'no-such-masks');
      for (const [args, message] of [
        [['--images', file, '--masks', masks], `option --images: ${file} is a file, not a folder`],
        [['--images', images, '--masks', missing], `option --masks: ${missing} does not exist`],
        [['--images', images, '--masks', `${images}/`], `option --masks: ${images}/ is the ` +
          '--images folder; the masks need a folder of their own'],
      ] as const) {
        const out = join(root, 'not-a-folder.jsonl');
        const result = await cli('label', ...args, '-o', out);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(`autothresh: ${message}\n`);
        expect(existsSync(out)).toBe(false);
      }
    });

  it.each([
    [['--variants', '3'], 'option --variants: needs --augment'],
    [['--pixel-variants', '0'], 'option --pixel-variants: needs --augment'],
    [['--seed', '7'], 'option --seed: needs --crops or --augment'],
    [['--crops', '0', '--seed', '7'], 'option --seed: needs --crops or --augment'],
  ])('when %j is given without the option it needs then exits 2 naming both',
    async (extra, message) => {
      const out = join(root, 'unused.jsonl');
      const result = await cli(...labelArgs(out, ...extra));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^autothresh: ${message} \\(`));
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    });

  it('when --seed comes with --crops or --augment then it is taken', async () => {
    for (const extra of [['--crops', '1', '--seed', '7'], ['--augment', '--seed', '7']]) {
      const out = join(root, `seeded-${extra[1].replace(/-/g, '')}.jsonl`);
      const result = await cli(...labelArgs(out, ...extra));
      expect(result.code, extra.join(' ')).toBe(0);
      expect((await readLabelRecords(out))[0].labelling?.seed).toBe(7);
    }
  });

  describe('when every pair is skipped', () => {
    let failing: string;
    beforeAll(async () => {
      failing = join(root, 'failing', 'images');
      await mkdir(failing, { recursive: true });
      for (const name of SAMPLE_NAMES.slice(0, 2)) {
        await writeFile(join(failing, `${name}.png`), 'not an image');
      }
    });
    const failArgs = (out: string, ...extra: string[]): string[] =>
      ['label', '--images', failing, '--masks', masks, '-o', out, ...extra];

    it.each(['none.jsonl', 'none.jsonl.gz'])(
      'when writing %s then nothing is written and stderr says so, exit 1', async (name) => {
        const out = join(root, 'failing', name);
        const result = await cli(...failArgs(out, '--json'));
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`label: 0 labelled, 2 skipped; no record, so nothing ` +
          `was written to ${out}\n`);
        expect(JSON.parse(result.stdout)).toMatchObject({ records: 0, written: false });
        expect(existsSync(out)).toBe(false);
        expect(existsSync(partialPathOf(out))).toBe(false);
      });

    it('when an output and a partial file exist then both are left as they were',
      async () => {
        const out = join(root, 'failing', 'kept.jsonl');
        await writeFile(out, 'earlier output\n');
        await writeFile(partialPathOf(out), 'earlier partial\n');
        for (const extra of [[], ['--resume']]) {
          const result = await cli(...failArgs(out, ...extra));
          expect(result.code, extra.join(' ')).toBe(1);
          expect(await readFile(out, 'utf8')).toBe('earlier output\n');
          expect(await readFile(partialPathOf(out), 'utf8')).toBe('earlier partial\n');
        }
      });
  });

  it('when writing fails during the run then the message names the output, not the partial',
    async () => {
      const out = join(root, 'late-failure.jsonl');
      const run = labelFolder({
        images, masks, output: out,
        // A folder appears where the partial file goes after the checks.
        onStart: () => { mkdirSync(partialPathOf(out)); },
      });
      const error = await run.then(() => null, (failure: unknown) => failure as Error);
      expect(error).toMatchObject({ code: 'autothresh.write' });
      expect(error?.message.startsWith(`${out}: cannot write (`)).toBe(true);
      expect(error?.message).not.toMatch(/partial|\.tmp/);
      expect(existsSync(out)).toBe(false);
    });

  it('when an option is invalid then exits 2 naming it', async () => {
    const result = await cli(
      'label', '--images', images, '--masks', masks, '-o', 'x.jsonl', '--objective', 'dice',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--objective');
  });
});

describe('autothresh dataset', () => {
  const real = new URL('../../datasets/real.jsonl', import.meta.url).pathname;
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-dataset-cli-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when asked for stats then prints datasets, polarity and the Otsu gap', async () => {
    const result = await cli('dataset', 'stats', real);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^425 records in 1 file/);
    expect(result.stdout).toContain('dibco2009');
    expect(result.stdout).toMatch(/polarity: \d+ dark/);
    expect(result.stdout).toMatch(/F lost by otsu: mean 0\.\d{3}/);

    const json = await cli('dataset', 'stats', real, '--json');
    const lines = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    // The table's columns are the medians and means its note says they are.
    expect(result.stdout).toContain('(best t and score: medians; |otsu-t| and F lost: means)');
    const dibco = lines.find((line) => line.name === 'dibco2009');
    const row = result.stdout.split('\n').find((line) => line.startsWith('dibco2009 '))!;
    expect(row.trim().split(/\s+/).slice(5)).toEqual([
      dibco.bestThreshold.median.toFixed(0), dibco.bestScore.median.toFixed(3),
      dibco.otsuDistance.mean.toFixed(1), dibco.otsuFmeasureLost.mean.toFixed(3),
    ]);
    expect(lines.at(-1)).toMatchObject({ name: 'all', records: 425 });
    expect(lines.find((line) => line.name === 'nuclei-nih3t3')).toMatchObject({ bright: 18 });
  });

  it('when splitting then writes three files with disjoint sources', async () => {
    const out = join(root, 'split');
    const result = await cli('dataset', 'split', real, '--seed', '3', '-o', out, '--json');
    expect(result.code).toBe(0);
    const splits = await Promise.all(['train', 'val', 'test'].map((name) =>
      readLabelRecords(join(out, `${name}.jsonl`))));
    expect(splits.reduce((total, list) => total + list.length, 0)).toBe(425);
    const sources = splits.map((list) => new Set(list.map((record) => record.source)));
    for (const source of sources[0]) {
      expect(sources[1].has(source) || sources[2].has(source)).toBe(false);
    }
    expect(splits[0].length / 425).toBeGreaterThan(0.65);

    const bad = await cli('dataset', 'split', real, '--train', '0.9', '-o', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('summing to 1');
  });

  it('when an earlier split in the other format is in -o then a warning names its files',
    async () => {
      const out = join(root, 'split-formats');
      expect((await cli('dataset', 'split', real, '-o', out)).code).toBe(0);
      const gzipped = join(root, 'real-copy.jsonl.gz');
      await writeFile(gzipped, gzipSync(await readFile(real)));
      const result = await cli('dataset', 'split', gzipped, '-o', out);
      expect(result.code).toBe(0);
      for (const name of ['train', 'val', 'test']) {
        expect(result.stderr).toContain(`warning: ${join(out, `${name}.jsonl`)}: an earlier ` +
          `split's file, left beside ${join(out, `${name}.jsonl.gz`)}`);
      }
    });

  it('when a split gets no record then a warning names its file', async () => {
    const out = join(root, 'split-all-train');
    const result = await cli('dataset', 'split', real, '--train', '1', '--val', '0', '--test',
      '0', '-o', out);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `warning: ${join(out, 'val.jsonl')}: no record (--val 0 of 425 source images gives none)\n` +
      `warning: ${join(out, 'test.jsonl')}: no record (--test 0 of 425 source images gives ` +
      'none)\n');
  });

  it('when two files repeat an id then stats and split refuse them, naming both', async () => {
    const copy = join(root, 'copy.jsonl');
    await copyFile(real, copy);
    for (const command of [['stats'], ['split', '-o', join(root, 'twice')]]) {
      const result = await cli('dataset', ...command, real, copy);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/copy\.jsonl:1: duplicate id "[^"]+" \(also .*real\.jsonl:1; /);
      expect(result.stderr).toContain('label each folder with its own --id-prefix)');
    }
  });

  it('when one file is named twice then stats and split say so (exit 2), reading nothing',
    async () => {
      for (const command of [['stats'], ['split', '-o', join(root, 'twice')]]) {
        const result = await cli('dataset', ...command, real, real);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          `${real} is given twice (its records would count twice)`);
      }
    });
  it('when lines are invalid then stats and split list every one, exit 1, write nothing',
    async () => {
      const [first, second, third] = (await readFile(real, 'utf8')).split('\n');
      const file = join(root, 'mixed.jsonl');
      await writeFile(file, [first, '{"id":"x"}', second, 'not json', third, first].join('\n'));
      const out = join(root, 'mixed-split');
      for (const command of [['stats'], ['split', '-o', out]]) {
        const result = await cli('dataset', ...command, file);
        expect(result.code, command[0]).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines[0]).toBe(`autothresh: ${file}: 3 invalid lines, so no record was used ` +
          '(every line must be a valid record):');
        expect(lines.slice(1).map((line) => line.slice(0, line.indexOf(': ') + 2))).toEqual([
          `${file}:2: `, `${file}:4: `, `${file}:6: `,
        ]);
        expect(lines[1]).toBe(`${file}:2: missing fields: schemaVersion, source, dataset, ` +
          'imageSha256, width, height, histogram, polarity, bestThreshold, labelKind ("mask" ' +
          'or "manual")');
        expect(lines[3]).toMatch(/:6: duplicate id "[^"]+" \(first on line 1\)$/);
      }
      expect(existsSync(out)).toBe(false);
    });

  it('when the files hold no record then stats and split say so and exit 1', async () => {
    const file = join(root, 'empty.jsonl');
    await writeFile(file, '\n\n');
    const out = join(root, 'empty-split');
    for (const command of [['stats'], ['split', '-o', out]]) {
      const result = await cli('dataset', ...command, file);
      expect(result.code, command[0]).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`autothresh: ${file}: no records\n`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('when split -o is a file then exits 2 naming the option, before reading', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a folder');
    const result = await cli('dataset', 'split', join(root, 'missing.jsonl'), '-o', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('autothresh: option --out: expected a folder to write into, ' +
      `received ${JSON.stringify(file)}, which is a file\n`);
    expect(await readFile(file, 'utf8')).toBe('not a folder');
  });
});

describe('autothresh synth', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-synth-cli-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when the output folder is not empty then exits 2 unless --force', async () => {
    const out = join(root, 'series');
    expect((await cli('synth', '-n', '2', '-o', out, '--seed', '4')).code).toBe(0);
    const refused = await cli('synth', '-n', '1', '-o', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^autothresh: option --out: .*series is a folder that is not empty .*--force/);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    const forced = await cli('synth', '-n', '1', '-o', out, '--force', '--json');
    expect(forced.code).toBe(0);
    expect(forced.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('when --force meets a folder that is not synth output, or the current one, then exits 2',
    async () => {
      const own = await mkdtemp(join(tmpdir(), 'autothresh-synth-force-'));
      const other = join(own, 'other');
      await mkdir(join(other, 'images'), { recursive: true });
      await writeFile(join(other, 'notes.txt'), 'keep me');
      const refused = await cli('synth', '-n', '1', '-o', other, '--force');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`autothresh: option --out: ${other} holds entries that are ` +
        'not earlier synth output (notes.txt); --force replaces only a folder of earlier synth ' +
        'output\n');
      expect(await readFile(join(other, 'notes.txt'), 'utf8')).toBe('keep me');

      const series = join(own, 'here');
      expect((await cli('synth', '-n', '1', '-o', series)).code).toBe(0);
      const cwd = process.cwd();
      process.chdir(series);
      try {
        const current = await cli('synth', '-n', '1', '-o', '.', '--force');
        expect(current.code).toBe(2);
        expect(current.stderr).toBe('autothresh: option --out: . is the current folder or holds ' +
          'it, which synth cannot replace (run from elsewhere, or choose another folder)\n');
      } finally {
        process.chdir(cwd);
      }
      expect((await readdir(series)).sort()).toEqual(['images', 'masks', 'params.jsonl']);

      // A dataset folder has synth's layout but not its files: it is not replaced either.
      const dataset = join(own, 'dataset');
      await mkdir(join(dataset, 'images'), { recursive: true });
      await mkdir(join(dataset, 'masks'));
      await writeFile(join(dataset, 'images', 'H01.png'), 'mine');
      const mine = await cli('synth', '-n', '1', '-o', dataset, '--force');
      expect(mine.code).toBe(2);
      expect(mine.stderr).toBe(`autothresh: option --out: ${dataset} holds entries that are not ` +
        'earlier synth output (images/H01.png); --force replaces only a folder of earlier ' +
        'synth output\n');
      expect(await readFile(join(dataset, 'images', 'H01.png'), 'utf8')).toBe('mine');

      // An empty current folder is refused too, before anything is drawn.
      const empty = join(own, 'empty');
      await mkdir(empty);
      process.chdir(empty);
      try {
        const here = await cli('synth', '-n', '1', '-o', empty);
        expect(here.code).toBe(2);
        expect(here.stderr).toContain('is the current folder or holds it');
      } finally {
        process.chdir(cwd);
      }
      expect(await readdir(empty)).toEqual([]);
      await rm(own, { recursive: true, force: true });
    });

  it('when -o is a symbolic link to a folder then the link stays and its folder is filled',
    async () => {
      const own = await mkdtemp(join(tmpdir(), 'autothresh-synth-link-'));
      const target = join(own, 'target');
      await mkdir(target);
      await symlink(target, join(own, 'link'));
      const result = await cli('synth', '-n', '1', '-o', join(own, 'link'));
      expect(result.code).toBe(0);
      expect((await lstat(join(own, 'link'))).isSymbolicLink()).toBe(true);
      expect((await readdir(target)).sort()).toEqual(['images', 'masks', 'params.jsonl']);

      // A link to nothing is refused before anything is drawn.
      await symlink(join(own, 'nowhere'), join(own, 'dangling'));
      const dangling = await cli('synth', '-n', '1', '-o', join(own, 'dangling'));
      expect(dangling.code).toBe(2);
      expect(dangling.stderr).toBe('autothresh: option --out: expected a folder to write into, ' +
        `received ${JSON.stringify(join(own, 'dangling'))}, a symbolic link to ` +
        `${JSON.stringify(join(own, 'nowhere'))}, which does not exist\n`);
      await rm(own, { recursive: true, force: true });
    });

  it('when -o is a file or lies in one then exits 2 naming the option, writing nothing',
    async () => {
      const file = join(root, 'a-file');
      await writeFile(file, 'not a folder');
      for (const [out, problem] of [
        [file, 'which is a file'], [join(file, 'sub'), `but ${file} is a file, not a folder`],
      ]) {
        const result = await cli('synth', '-n', '1', '-o', out);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe('autothresh: option --out: expected a folder to write ' +
          `into, received ${JSON.stringify(out)}, ${problem}\n`);
      }
      expect((await readdir(root)).sort()).toEqual(['a-file', 'series']);
    });
});
