import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
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
    expect(result.stderr).toContain('1 labelled, 3 skipped');
    expect((await readLabelRecords(out)).map((record) => record.id)).toEqual(['good']);
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
});
