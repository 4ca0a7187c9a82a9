import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, spawnCli } from '../helpers/cli.js';
import { temporaryDirectory, write16BitGray, writeRaw } from '../helpers/images.js';

let folder: string;
let bimodal: string;

/** 40×10 image: left quarter value 20 (dark objects), the rest value 200. */
function bimodalPixels(): Uint8Array {
  const pixels = new Uint8Array(400).fill(200);
  for (let row = 0; row < 10; row++) for (let column = 0; column < 10; column++) {
    pixels[row * 40 + column] = 20;
  }
  return pixels;
}

async function grayPixels(file: string): Promise<Buffer> {
  return sharp(file).toColourspace('b-w').raw().toBuffer();
}

beforeAll(async () => {
  folder = temporaryDirectory();
  bimodal = await writeRaw(join(folder, 'bimodal.png'), bimodalPixels(), 40, 10, 1);
});

describe('autothresh predict', () => {
  it('when given one image with --json then stdout holds one JSON object with the fields', async () => {
    const outcome = await runCli('predict', '--method', 'otsu', '--json', bimodal);
    expect(outcome.code).toBe(0);
    const [record] = jsonLines(outcome.stdout);
    expect(record).toMatchObject({
      file: bimodal, width: 40, height: 10, method: 'otsu', polarity: 'dark',
      foregroundFraction: 0.25,
    });
    // Otsu on two spikes at 20 and 200 puts the threshold between them.
    expect(record.threshold).toBeGreaterThanOrEqual(20);
    expect(record.threshold).toBeLessThan(200);
  });

  it('when --out is given then the binarized PNG is white exactly where value > t', async () => {
    const out = join(folder, 'binarized');
    const outcome = await runCli('predict', '--method', 'otsu', '--out', out, bimodal);
    expect(outcome.code).toBe(0);
    expect((await sharp(join(out, 'bimodal.png')).metadata()).channels).toBe(1);
    const data = await grayPixels(join(out, 'bimodal.png'));
    const pixels = bimodalPixels();
    for (let i = 0; i < pixels.length; i++) expect(data[i]).toBe(pixels[i] > 100 ? 255 : 0);
  });

  it('when --mask is given then the foreground (dark side) is 255', async () => {
    const out = join(folder, 'masks');
    await runCli('predict', '--method', 'otsu', '--out', out, '--mask', bimodal);
    const data = await grayPixels(join(out, 'bimodal.png'));
    expect(data[0]).toBe(255);
    expect(data[39]).toBe(0);
  });

  it('when --polarity bright is forced then the mask flips', async () => {
    const out = join(folder, 'bright');
    const outcome = await runCli('predict', '--method', 'otsu', '--polarity', 'bright', '--json',
      '--out', out, '--mask', bimodal);
    expect(jsonLines(outcome.stdout)[0]).toMatchObject({ polarity: 'bright', foregroundFraction: 0.75 });
    const data = await grayPixels(join(out, 'bimodal.png'));
    expect([data[0], data[39]]).toEqual([0, 255]);
  });

  it('when the file is missing then stderr names it and the exit code is 1', async () => {
    const missing = join(folder, 'nope.png');
    const outcome = await runCli('predict', missing, bimodal);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`${missing}: no such file or directory`);
    expect(outcome.stdout).toContain('bimodal.png');
  });

  it('when a batch holds bad files then the good ones are still processed and failures listed', async () => {
    const batch = join(folder, 'batch');
    mkdirSync(batch);
    writeFileSync(join(batch, 'a-text.png'), 'plain text');
    writeFileSync(join(batch, 'b-empty.png'), '');
    const whole = await sharp(Buffer.alloc(32 * 32, 90), { raw: { width: 32, height: 32, channels: 1 } })
      .png({ compressionLevel: 0 }).toBuffer();
    writeFileSync(join(batch, 'c-truncated.png'), whole.subarray(0, whole.length - 40));
    await writeRaw(join(batch, 'd-good.png'), bimodalPixels(), 40, 10, 1);
    const out = join(folder, 'batch-out');
    const outcome = await runCli('predict', '--method', 'otsu', '--json', '--out', out, batch);
    expect(outcome.code).toBe(1);
    expect(jsonLines(outcome.stdout).map((record) => record.file)).toEqual([join(batch, 'd-good.png')]);
    expect(outcome.stderr).toMatch(/a-text\.png: not a supported image/);
    expect(outcome.stderr).toMatch(/b-empty\.png: file is empty/);
    expect(outcome.stderr).toMatch(/c-truncated\.png: cannot decode/);
    expect(outcome.stderr).toMatch(/3 of 4 image\(s\) failed/);
    // Nothing half-written: only the good image's output, and no temporary files.
    expect(readdirSync(out)).toEqual(['d-good.png']);
  });

  it('when a directory holds no images then it is reported and the exit code is 1', async () => {
    const empty = join(folder, 'empty-dir');
    mkdirSync(empty);
    const outcome = await runCli('predict', empty);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`${empty}: directory holds no images`);
  });

  it('when the image is constant or 1×1 then the threshold is its value, with a warning', async () => {
    const flat = await writeRaw(join(folder, 'flat.png'), new Uint8Array(64).fill(77), 8, 8, 1);
    const single = await writeRaw(join(folder, 'single.png'), new Uint8Array([5]), 1, 1, 1);
    const outcome = await runCli('predict', '--method', 'otsu', '--json', flat, single);
    expect(outcome.code).toBe(0);
    expect(jsonLines(outcome.stdout).map((record) => record.threshold)).toEqual([77, 5]);
    expect(outcome.stderr).toMatch(/single gray value/);
  });

  it('when the image is 16-bit then the threshold is also given in its own units', async () => {
    const values = new Uint16Array(100);
    for (let i = 0; i < 100; i++) values[i] = i < 30 ? 1000 : 3000;
    const file = await write16BitGray(join(folder, 'deep.png'), values, 10, 10);
    const outcome = await runCli('predict', '--method', 'otsu', '--json', file);
    const [record] = jsonLines(outcome.stdout);
    expect(record.bitDepth).toBe(16);
    expect(record.value as number).toBeGreaterThanOrEqual(1000);
    expect(record.value as number).toBeLessThan(3000);
    expect(record.foregroundFraction).toBeCloseTo(0.3, 10);
  });

  it('when an RGBA image has a transparent background then only opaque pixels count', async () => {
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let i = 0; i < 16; i++) {
      const value = i < 4 ? 10 : 240;
      rgba.set([value, value, value, i % 2 === 0 ? 255 : 0], i * 4);
    }
    const file = await writeRaw(join(folder, 'rgba.png'), rgba, 4, 4, 4);
    const [record] = jsonLines((await runCli('predict', '--method', 'otsu', '--json', file)).stdout);
    expect(record.foregroundFraction).toBeCloseTo(2 / 8, 10);
  });

  it('when a method name is mistyped then a usage error suggests the right one (exit 2)', async () => {
    const outcome = await runCli('predict', '--method', 'otsuu', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/unknown method "otsuu" \(did you mean otsu\?\)/);
  });

  it('when an option value is invalid then one line names the option and what it accepts', async () => {
    const outcome = await runCli('predict', '--polarity', 'up', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/option --polarity: expected one of dark, bright, auto, received "up"/);
  });

  it('when a multi-page TIFF is read then a warning names the page count, and --page works', async () => {
    const file = 'test/fixtures/images/three-pages.tif';
    const first = await runCli('predict', '--method', 'mean', '--json', file);
    expect(first.stderr).toMatch(/3 pages; using page 0/);
    const third = await runCli('predict', '--method', 'mean', '--json', '--page', '2', file);
    expect(third.code).toBe(0);
    expect(jsonLines(third.stdout)[0].threshold).toBeGreaterThanOrEqual(200);
  });

  it('when an output would overwrite another input\'s output then it gets a suffix', async () => {
    const other = join(folder, 'other');
    mkdirSync(other);
    const twin = await writeRaw(join(other, 'bimodal.png'), bimodalPixels(), 40, 10, 1);
    const out = join(folder, 'twins');
    await runCli('predict', '--method', 'otsu', '--out', out, bimodal, twin);
    expect(readdirSync(out).sort()).toEqual(['bimodal-2.png', 'bimodal.png']);
  });
});

describe('autothresh predict with local methods', () => {
  it('when sauvola runs then threshold is null and the binarization is written', async () => {
    const out = join(folder, 'local');
    const outcome = await runCli('predict', '--method', 'sauvola', '--window', '5', '--json',
      '--out', out, bimodal);
    expect(outcome.code).toBe(0);
    const [record] = jsonLines(outcome.stdout);
    expect(record).toMatchObject({ method: 'sauvola', threshold: null, value: null });
    expect(existsSync(join(out, 'bimodal.png'))).toBe(true);
  });

  it('when a local parameter is invalid then it is a usage error before any image', async () => {
    const outcome = await runCli('predict', '--method', 'sauvola', '--window', '4', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/window must be an odd integer ≥ 3/);
  });

  it('when a global method is given a parameter it does not take then it says so', async () => {
    const outcome = await runCli('predict', '--method', 'otsu', '--window', '5', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/option --window: method otsu takes no parameter/);
  });
});

describe('the built binary', () => {
  it('when run as a process then --version, --help and exit codes work end to end', () => {
    expect(spawnCli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(spawnCli('predict', '--help').stdout).toMatch(/--polarity/);
    const usage = spawnCli('predict', '--bogus-option', bimodal);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown option '--bogus-option'/);
    const json = spawnCli('predict', '--method', 'otsu', '--json', bimodal);
    expect(json.code).toBe(0);
    expect(jsonLines(json.stdout)).toHaveLength(1);
    expect(existsSync(bimodal)).toBe(true);
  });
});
