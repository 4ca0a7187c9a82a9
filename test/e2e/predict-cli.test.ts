import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync,
  readFileSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MODEL_DIRECTORY } from '../../src/model/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_BIN, jsonLines, runCli, spawnBuilt, spawnCli, UNPRIVILEGED,
} from '../helpers/cli.js';
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
  it('when given one image with --json then stdout holds one JSON object with the fields',
    async () => {
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
    expect(jsonLines(outcome.stdout)[0])
      .toMatchObject({ polarity: 'bright', foregroundFraction: 0.75 });
    const data = await grayPixels(join(out, 'bimodal.png'));
    expect([data[0], data[39]]).toEqual([0, 255]);
  });

  it('when the file is missing then stderr names it and the exit code is 1', async () => {
    const missing = join(folder, 'nope.png');
    const outcome = await runCli('predict', missing, bimodal);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`${missing}: no such file or directory`);
    expect(outcome.stdout).toContain('bimodal.png');
    expect(outcome.stderr.trim().split('\n').at(-1))
      .toBe('1 problem with the inputs, listed first');
  });

  it('when a threshold leaves every pixel on one side then a warning says so', async () => {
    const outcome = await runCli('predict', '-m', 'percentile', '--fraction', '1', '--json',
      '--polarity', 'bright', bimodal);
    expect(outcome.code).toBe(0);
    expect(jsonLines(outcome.stdout)[0]).toMatchObject({ foregroundFraction: 0 });
    expect(outcome.stderr).toMatch(/warning: .*bimodal\.png: no pixel is foreground at threshold/);
    const usual = await runCli('predict', '-m', 'otsu', bimodal);
    expect(usual.stderr).not.toMatch(/foreground at/);
  });

  it('when a batch has both unusable inputs and failed images then the last line counts both',
    async () => {
    const missing = join(folder, 'nope.png');
    const text = join(folder, 'text-as.png');
    writeFileSync(text, 'plain text');
    const outcome = await runCli('predict', '-m', 'otsu', missing, text, bimodal);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim().split('\n').at(-1))
      .toBe('1 of 2 images failed; 1 problem with the inputs, listed first');
  });

  it('when a batch holds bad files then the good ones are still processed and failures listed',
    async () => {
    const batch = join(folder, 'batch');
    mkdirSync(batch);
    writeFileSync(join(batch, 'a-text.png'), 'plain text');
    writeFileSync(join(batch, 'b-empty.png'), '');
    const whole = await sharp(Buffer.alloc(32 * 32, 90), {
      raw: { width: 32, height: 32, channels: 1 },
    })
      .png({ compressionLevel: 0 }).toBuffer();
    writeFileSync(join(batch, 'c-truncated.png'), whole.subarray(0, whole.length - 40));
    await writeRaw(join(batch, 'd-good.png'), bimodalPixels(), 40, 10, 1);
    const out = join(folder, 'batch-out');
    const outcome = await runCli('predict', '--method', 'otsu', '--json', '--out', out, batch);
    expect(outcome.code).toBe(1);
    expect(jsonLines(outcome.stdout).map((record) => record.file))
      .toEqual([join(batch, 'd-good.png')]);
    expect(outcome.stderr).toMatch(/a-text\.png: not a supported image/);
    expect(outcome.stderr).toMatch(/b-empty\.png: file is empty/);
    expect(outcome.stderr).toMatch(/c-truncated\.png: cannot decode/);
    expect(outcome.stderr).toMatch(/3 of 4 images failed/);
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

  it('when the image is constant or 1×1 then the threshold is its value, with a warning',
    async () => {
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
    const outcome = await runCli('predict', '--method', 'otsu', '--json', file);
    const [record] = jsonLines(outcome.stdout);
    expect(record.foregroundFraction).toBeCloseTo(2 / 8, 10);
  });

  it('when a method name is mistyped then a usage error suggests the right one (exit 2)',
    async () => {
    const outcome = await runCli('predict', '--method', 'otsuu', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/unknown method "otsuu" \(did you mean otsu\?\)/);
  });

  it('when an option value is invalid then one line names the option and what it accepts',
    async () => {
    const outcome = await runCli('predict', '--polarity', 'up', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr)
      .toMatch(/option --polarity: expected one of dark, bright, auto, received "up"/);
  });

  it('when a multi-page TIFF is read then a warning names the page count, and --page works',
    async () => {
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
    expect(outcome.stderr.trim()).toBe(
      'autothresh: option --window: sauvola expects an odd integer ≥ 3 ' +
        '(window side in pixels), received 4');
  });

  it('when a global method is given a parameter it does not take then it says so', async () => {
    const outcome = await runCli('predict', '--method', 'otsu', '--window', '5', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/option --window: method otsu takes no parameter/);
  });
});

/** The CLI as tsc compiles it, before bundling. */
const TSC_BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

describe('the built binary', () => {
  it('when run as a process then --version, --help and exit codes work end to end', () => {
    expect(spawnCli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = spawnCli('predict', '--help').stdout;
    expect(help).toMatch(/--polarity/);
    // Defaults read alike, whether commander or the description writes them.
    expect(help).toMatch(/--concurrency <n>\s+images processed at once \(default 2\)/);
    expect(help).not.toMatch(/\(default: "/);
    expect(spawnCli('label', '--help').stdout)
      .toMatch(/--images <dir>\s+folder of images \(required\)/);
    const usage = spawnCli('predict', '--bogus-option', bimodal);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown option '--bogus-option'/);
    const json = spawnCli('predict', '--method', 'otsu', '--json', bimodal);
    expect(json.code).toBe(0);
    expect(jsonLines(json.stdout)).toHaveLength(1);
    // tsc's own entry, unbundled, runs the same program.
    const unbundled = spawnSync('node', [TSC_BIN, 'predict', '--method', 'otsu', '--json', bimodal],
      { encoding: 'utf8', timeout: 20_000 });
    expect(unbundled.status).toBe(0);
    expect(unbundled.stdout).toBe(json.stdout);
    expect(existsSync(bimodal)).toBe(true);
  });
});

describe('the built binary with a stdout that cannot be written', () => {
  it.skipIf(!existsSync('/dev/full'))('when stdout is a full device then one line says so and ' +
    'the exit code is 1', () => {
    for (const args of [['methods'], ['predict', '-m', 'otsu', '--json', bimodal]]) {
      const full = openSync('/dev/full', 'w');
      try {
        const result = spawnSync('node', [BUILT_BIN, ...args],
          { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 20_000 });
        expect(result.status).toBe(1);
        expect(result.stderr).toBe('autothresh: cannot write the results to standard output ' +
          '(no space left on the device)\n');
      } finally {
        closeSync(full);
      }
    }
  });
});

describe('autothresh predict with transparent pixels in the outputs', () => {
  /** 6×2 RGBA: left half transparent (any colour), right half dark 10 / bright 240 opaque. */
  async function transparentFile(name: string): Promise<string> {
    const rgba = new Uint8Array(6 * 2 * 4);
    const gray = [10, 240, 10, 90, 240, 10, 10, 240, 240, 90, 10, 240];
    gray.forEach((value, i) => rgba.set([value, value, value, i % 6 < 3 ? 0 : 255], i * 4));
    return writeRaw(join(folder, name), rgba, 6, 2, 4);
  }

  it('when the mask is written with dark polarity then transparent pixels are 0, not foreground',
    async () => {
      const file = await transparentFile('transparent-dark.png');
      const out = join(folder, 'transparent-dark');
      const outcome = await runCli('predict', '-m', 'otsu', '--polarity', 'dark', '--json',
        '--out', out, '--mask', file);
      expect(outcome.code).toBe(0);
      const threshold = jsonLines(outcome.stdout)[0].threshold as number;
      expect(threshold).toBeGreaterThanOrEqual(10);
      expect(threshold).toBeLessThan(240);
      // Opaque pixels (columns 3..5): 255 where dark (10, and 90, which Otsu puts with 10).
      expect(Array.from(await grayPixels(join(out, 'transparent-dark.png')))).toEqual([
        0, 0, 0, 255, 0, 255,
        0, 0, 0, 255, 255, 0,
      ]);
    });

  it('when the binarized image is written then transparent pixels are 0 as well', async () => {
    const file = await transparentFile('transparent-binary.png');
    const out = join(folder, 'transparent-binary');
    await runCli('predict', '-m', 'otsu', '--out', out, file);
    expect(Array.from(await grayPixels(join(out, 'transparent-binary.png')))).toEqual([
      0, 0, 0, 0, 255, 0,
      0, 0, 0, 0, 0, 255,
    ]);
  });

  it('when a local method writes a dark mask then transparent pixels are 0 too', async () => {
    const file = await transparentFile('transparent-local.png');
    const out = join(folder, 'transparent-local');
    const outcome = await runCli('predict', '-m', 'adaptive-mean', '--window', '3',
      '--polarity', 'dark', '--out', out, '--mask', file);
    expect(outcome.code).toBe(0);
    const mask = await grayPixels(join(out, 'transparent-local.png'));
    for (const i of [0, 1, 2, 6, 7, 8]) expect(mask[i], `pixel ${i}`).toBe(0);
  });
});

describe('autothresh predict outputs and inputs', () => {
  it('when an output in --out is a link to an input then it is refused, the input unchanged',
    async () => {
      const root = temporaryDirectory();
      const store = join(root, 'store');
      const linked = join(root, 'linked');
      mkdirSync(store);
      mkdirSync(linked);
      const input = await writeRaw(join(store, 'page.png'), bimodalPixels(), 40, 10, 1);
      symlinkSync(input, join(linked, 'page.png'));
      const before = readFileSync(input);
      const outcome = await runCli('predict', '-m', 'otsu', '--out', linked, linked);
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(`${join(linked, 'page.png')}: output would overwrite ` +
        'the input');
      expect(readFileSync(input).equals(before)).toBe(true);
    });

  it('when an output in --out is a link into the model folder then it is refused', async () => {
    const root = temporaryDirectory();
    const model = join(root, 'model');
    cpSync(DEFAULT_MODEL_DIRECTORY, model, { recursive: true });
    const out = join(root, 'out');
    mkdirSync(out);
    symlinkSync(join(model, 'weights.bin'), join(out, 'page.png'));
    const input = await writeRaw(join(root, 'page.png'), bimodalPixels(), 40, 10, 1);
    const before = readFileSync(join(model, 'weights.bin'));
    const outcome = await runCli('predict', '--model', model, '--out', out, input);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`${input}: output ${join(out, 'page.png')} would ` +
      `overwrite a file of the model ${model}`);
    expect(readFileSync(join(model, 'weights.bin')).equals(before)).toBe(true);
  });

  it('when a folder holds a link to a FIFO named like an image then it is named once',
    async () => {
      const root = temporaryDirectory();
      writeFileSync(join(root, 'in.png'), readFileSync(bimodal));
      if (spawnSync('mkfifo', [join(root, 'pipe')]).status !== 0) return;
      symlinkSync(join(root, 'pipe'), join(root, 'to-pipe.png'));
      const outcome = await runCli('predict', '-m', 'otsu', '--json', root);
      expect(outcome.stderr).toBe(`${join(root, 'to-pipe.png')}: not a regular file\n` +
        '1 problem with the inputs, listed first\n');
      expect(outcome.code).toBe(1);
    });

  it('when --out is the input\'s own folder then that file is refused and the batch goes on',
    async () => {
      const here = join(folder, 'in-place');
      mkdirSync(here);
      const input = await writeRaw(join(here, 'page.png'), bimodalPixels(), 40, 10, 1);
      const other = await writeRaw(join(here, 'other.jpg'), bimodalPixels(), 40, 10, 1);
      const before = readFileSync(input);
      const outcome = await runCli('predict', '-m', 'otsu', '--out', here, input, other);
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(`${input}: output would overwrite the input`);
      expect(readFileSync(input).equals(before)).toBe(true);
      // other.jpg's output, other.png, overwrites nothing and is written.
      expect(existsSync(join(here, 'other.png'))).toBe(true);

      // Once other.png exists (it could be another image of the user's), it is not replaced.
      const mine = readFileSync(join(here, 'other.png'));
      const again = await runCli('predict', '-m', 'otsu', '--out', here, other);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`${other}: output ${join(here, 'other.png')} exists beside ` +
        'the input (it may be another image); choose another --out');
      expect(readFileSync(join(here, 'other.png')).equals(mine)).toBe(true);
    });

  it('when one file is reached twice, through a link and a loop, then it is processed once',
    async () => {
      const tree = join(folder, 'linked');
      mkdirSync(tree);
      const file = await writeRaw(join(tree, 'one.png'), bimodalPixels(), 40, 10, 1);
      symlinkSync(file, join(tree, 'alias.png'));
      symlinkSync(tree, join(tree, 'loop'));
      const outcome = await runCli('predict', '-m', 'otsu', '--json', tree, file, `${tree}/*.png`);
      expect(outcome.code).toBe(0);
      expect(jsonLines(outcome.stdout)).toHaveLength(1);
    });

  it('when the input has EXIF orientation 6 then the written image is upright (sides swapped)',
    async () => {
      const file = join(folder, 'portrait.jpg');
      // Stored 40×10 with a dark left quarter; shown rotated 90° clockwise: 10×40, dark on top.
      await sharp(Buffer.from(bimodalPixels()), { raw: { width: 40, height: 10, channels: 1 } })
        .jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(file);
      const out = join(folder, 'portrait-out');
      const outcome = await runCli('predict', '-m', 'otsu', '--json', '--out', out, file);
      expect(jsonLines(outcome.stdout)[0]).toMatchObject({ width: 10, height: 40 });
      const written = join(out, 'portrait.png');
      const { width, height, orientation } = await sharp(written).metadata();
      expect([width, height, orientation ?? 1]).toEqual([10, 40, 1]);
      const pixels = await grayPixels(written);
      expect([pixels[0], pixels[9], pixels[10 * 39]]).toEqual([0, 0, 255]);
    });

  it('when multi-otsu runs on a 16-bit image then every threshold is also in the image\'s units',
    async () => {
      const values = new Uint16Array(90).map((_, i) => [1000, 20000, 50000][i % 3]);
      const file = await write16BitGray(join(folder, 'three-levels.png'), values, 9, 10);
      const json = await runCli('predict', '-m', 'multi-otsu', '--range', 'full', '--json', file);
      const [record] = jsonLines(json.stdout);
      const bins = record.thresholds as number[];
      expect(bins).toHaveLength(2);
      // With --range full a bin holds 256 values: bin b ends at 256 b + 255.
      expect(record.values).toEqual(bins.map((bin) => bin * 256 + 255));
      expect(bins[0] * 256 + 255).toBeGreaterThanOrEqual(1000);
      expect(bins[1] * 256 + 255).toBeLessThan(50000);
      const table = await runCli('predict', '-m', 'multi-otsu', '--range', 'full', file);
      const shown = (record.values as number[]).join(', ');
      expect(table.stdout).toContain(`${bins.join(', ')} (${shown})`);
    });

  it('when a local method meets a constant image then the warning does not promise a threshold',
    async () => {
      const pixels = new Uint8Array(64).fill(77);
      const flat = await writeRaw(join(folder, 'flat-local.png'), pixels, 8, 8, 1);
      const outcome = await runCli('predict', '-m', 'sauvola', '--json', flat);
      expect(jsonLines(outcome.stdout)[0].threshold).toBeNull();
      expect(outcome.stderr).toMatch(/single gray value; local thresholds have no contrast/);
      expect(outcome.stderr).not.toMatch(/threshold is that value/);
    });
});

describe('autothresh predict option errors', () => {
  const cases: Array<[string[], string]> = [
    [['--page', '-1'], 'option --page: expected an integer ≥ 0, received "-1"'],
    [['--k', 'abc'], 'option --k: expected a number, received "abc"'],
    [['--out', ''], 'option --out: expected a non-empty value, received ""'],
    [['-m', 'percentile', '--fraction', '2'],
      'option --fraction: expected a number from 0 to 1, received "2"'],
    [['-m', 'multi-otsu', '--classes', '9'],
      'option --classes: expected an integer from 2 to 5, received "9"'],
    [['-m', 'sauvola', '--contrast', '3'],
      'option --contrast: sauvola does not use this option (it takes window, k, r)'],
  ];
  for (const [args, message] of cases) {
    it(`when given ${args.join(' ')} then exit 2 with one line: ${message}`, async () => {
      const outcome = await runCli('predict', ...args, bimodal);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toBe(`autothresh: ${message}\n`);
    });
  }

  it('when the pixel limit is tiny then the image fails with both sizes in pixels', async () => {
    const outcome = await runCli('predict', '--max-pixels', '10', '-m', 'otsu', bimodal);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(
      `${bimodal}: image has 40×10 = 400 pixels, more than the limit of 10 (raise it with ` +
        '--max-pixels)');
  });

  it('when --out names a file then it is a usage error', async () => {
    const outcome = await runCli('predict', '-m', 'otsu', '--out', bimodal, bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/option --out: expected a folder/);
  });
});

describe('help texts', () => {
  for (const command of ['predict', 'methods', 'label', 'dataset', 'synth', 'train', 'tune',
    'bench']) {
    it(`when ${command} --help is shown then its description is one reflowed paragraph`,
      async () => {
        const { stdout, code } = await runCli(command, '--help');
        expect(code).toBe(0);
        // Lines 2.. up to the first blank line after the description: every line but the
        // last of the paragraph runs close to the wrap width (a hard line break would not).
        const lines = stdout.split('\n');
        const start = lines.findIndex((line, index) => index > 0 && line.trim() !== '');
        const end = lines.findIndex((line, index) => index > start && line.trim() === '');
        for (const line of lines.slice(start, end - 1)) {
          expect(line.length, line).toBeGreaterThan(60);
        }
      });
  }
});

describe('the built binary with a closed stdout', () => {
  it('when stdout is closed before the results are written then it exits quietly', async () => {
    const flat = await writeRaw(join(temporaryDirectory(), 'flat.png'),
      new Uint8Array(64).fill(77), 8, 8, 1);
    const child = spawn('node', [BUILT_BIN, 'predict', '-m', 'otsu', '--json', bimodal, bimodal,
      flat], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close the reading end at once: the results (written later) meet a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(code).toBe(0);
  });
});

describe('autothresh predict on gray+alpha, damaged and special inputs', () => {
  it('when an 8-bit gray+alpha PNG or TIFF is given then it is thresholded like RGBA (alpha ' +
    'rule)', async () => {
    for (const extension of ['png', 'tif']) {
      const file = `test/fixtures/images/gray-alpha-transparent.${extension}`;
      const outcome = await runCli('predict', '-m', 'otsu', '--json', file);
      expect(outcome.code, outcome.stderr).toBe(0);
      const [record] = jsonLines(outcome.stdout);
      // Row 0 (alpha 0) is left out: the counted pixels are rows 1..6 of value (7x + 13y) mod 256.
      const counted = Array.from({ length: 13 * 6 }, (_, i) => (7 * (i % 13) +
        13 * (1 + Math.floor(i / 13))) % 256);
      const threshold = record.threshold as number;
      const side = record.polarity === 'dark'
        ? counted.filter((value) => value <= threshold)
        : counted.filter((value) => value > threshold);
      expect(record.foregroundFraction).toBeCloseTo(side.length / counted.length, 12);
    }
  });

  it('when a JPEG is cut but keeps its end marker then it fails with one line and exit 1',
    async () => {
      const pixels = new Uint8Array(96 * 64 * 3).map((_, i) => (i * 2654435761) >>> 24);
      const whole = join(folder, 'whole-noise.jpg');
      await writeRaw(whole, pixels, 96, 64, 3);
      const bytes = readFileSync(whole);
      const cut = join(folder, 'cut-noise.jpg');
      writeFileSync(cut, Buffer.concat([bytes.subarray(0, bytes.length / 3),
        Buffer.from([0xff, 0xd9])]));
      const outcome = await runCli('predict', '-m', 'otsu', '--json', whole, cut);
      expect(outcome.code).toBe(1);
      expect(jsonLines(outcome.stdout).map((record) => record.file)).toEqual([whole]);
      // Two images are decoded at once, and libvips keeps decoder messages in one buffer for
      // the whole process: the decoder's own words may have been cleared by the other image.
      const line = outcome.stderr.split('\n').find((text) => text.startsWith(`${cut}: `));
      expect(line).toMatch(new RegExp('cannot decode image \\((corrupt JPEG data: premature end ' +
        'of data segment|corrupt or incomplete data: the decoder warned)\\)$'));
    });

  it('when a FIFO is given as an input then it is "not a regular file" and nothing hangs',
    async () => {
      const fifo = join(folder, 'input-pipe.png');
      execFileSync('mkfifo', [fifo]);
      const outcome = await runCli('predict', '-m', 'otsu', fifo);
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(`${fifo}: not a regular file\n`);
    });

  for (const extension of ['gif', 'webp']) {
    it(`when an animated ${extension} has three frames then a warning names the page count`,
      async () => {
        const file = `test/fixtures/images/three-frames.${extension}`;
        const first = await runCli('predict', '-m', 'mean', '--json', file);
        expect(first.stderr).toContain(`warning: ${file}: file has 3 pages; using page 0`);
        const third = await runCli('predict', '-m', 'mean', '--json', '--page', '2', file);
        expect(third.stderr).not.toMatch(/pages/);
        expect(jsonLines(third.stdout)[0].threshold).toBe(200);
      });
  }

  it('when a floating-point TIFF is given then a warning says its values were cast', async () => {
    const outcome = await runCli('predict', '-m', 'otsu', 'test/fixtures/images/float-values.tif');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(/32-bit floating-point samples cast to 16-bit integers/);
  });

  it('when a 16-bit image is thresholded then only global methods warn about 256 bins',
    async () => {
      const values = new Uint16Array(100).map((_, i) => (i < 30 ? 1000 : 3000));
      const file = await write16BitGray(join(folder, 'deep-local.png'), values, 10, 10);
      const global = await runCli('predict', '-m', 'otsu', file);
      expect(global.stderr).toMatch(/16-bit values 1000\.\.3000 mapped onto 256 bins/);
      const local = await runCli('predict', '-m', 'sauvola', '--window', '3', file);
      expect(local.code).toBe(0);
      expect(local.stderr).not.toMatch(/256 bins/);
    });
});

describe('autothresh predict output folders', () => {
  it('when run twice with --out inside the input folder then the outputs are not read back',
    async () => {
      const images = join(folder, 'rerun');
      mkdirSync(images);
      await writeRaw(join(images, 'good.png'), bimodalPixels(), 40, 10, 1);
      const out = join(images, 'out');
      for (const run of [1, 2]) {
        const outcome = await runCli('predict', '-m', 'otsu', '--json', '--out', out, images);
        expect(outcome.code, `run ${run}: ${outcome.stderr}`).toBe(0);
        expect(jsonLines(outcome.stdout).map((record) => record.file))
          .toEqual([join(images, 'good.png')]);
      }
      expect(readdirSync(out)).toEqual(['good.png']);
      // Named explicitly, a file inside --out is an input, and its output would replace it.
      const named = await runCli('predict', '-m', 'otsu', '--out', out, join(out, 'good.png'));
      expect(named.code).toBe(1);
      expect(named.stderr).toContain(`${join(out, 'good.png')}: output would overwrite the input`);
      // A pattern reaching into --out skips it too.
      const pattern = await runCli('predict', '-m', 'otsu', '--json', '--out', out,
        `${images}/**/*.png`);
      expect(jsonLines(pattern.stdout)).toHaveLength(1);
    });

  it('when --out is under /proc then it fails at once with one line (exit 2), not a hang', () => {
    const outcome = spawnBuilt(['predict', '-m', 'otsu', '--out', '/proc/autothresh-out',
      bimodal], { timeout: 20_000 });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('autothresh: option --out: cannot create /proc/autothresh-out ' +
      '(the file system takes no new folders here)\n');
  });

  it('when --out lies under a file then the line names the file problem (exit 2)', async () => {
    const outcome = await runCli('predict', '-m', 'otsu', '--out', join(bimodal, 'sub'), bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(`autothresh: option --out: cannot create ${join(bimodal, 'sub')} ` +
      '(part of the path is a file, not a folder)\n');
  });

  it('when nested --out folders are missing then they are all created', async () => {
    const out = join(folder, 'deep', 'er', 'out');
    const outcome = await runCli('predict', '-m', 'otsu', '--out', out, bimodal);
    expect(outcome.code).toBe(0);
    expect(readdirSync(out)).toEqual(['bimodal.png']);
  });

  it('when an output path is a folder then the line names the output, not a temporary file',
    async () => {
      const out = join(folder, 'blocked');
      mkdirSync(join(out, 'bimodal.png'), { recursive: true });
      const outcome = await runCli('predict', '-m', 'otsu', '--out', out, bimodal);
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(
        `${bimodal}: ${join(out, 'bimodal.png')}: cannot write (is a folder)\n`);
      expect(outcome.stderr).not.toMatch(/\.tmp|unexpected error|EISDIR/);
      expect(readdirSync(out)).toEqual(['bimodal.png']);
    });

  it('when an output name is taken by a folder and the input is named bare then the line ' +
    'names the input once and the output whole', () => {
    const folder = mkdtempSync(join(tmpdir(), 'autothresh-bare-'));
    try {
      writeFileSync(join(folder, 'a.png'), readFileSync(bimodal));
      mkdirSync(join(folder, 'out', 'a.png'), { recursive: true });
      const outcome = spawnBuilt(['predict', '-m', 'otsu', '--out', 'out', 'a.png'],
        { cwd: folder });
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toMatch(/^a\.png: out\/a\.png: cannot write \(is a folder\)$/m);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0 || !existsSync('/sys/fs'))('when --out is a folder of a ' +
    'file system that takes no files then even root is refused up front (exit 2)', () => {
    const outcome = spawnBuilt(['predict', '-m', 'otsu', '--out', '/sys/fs', bimodal]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^autothresh: option --out: cannot write into \/sys\/fs \(/);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(UNPRIVILEGED === null)('when an input sits in a folder this user may not enter ' +
    'then it says so, not that the file is missing (exit 1)', () => {
    const shared = temporaryDirectory('autothresh-unprivileged-');
    const closed = join(shared, 'closed');
    mkdirSync(closed);
    writeFileSync(join(closed, 'in.png'), readFileSync(bimodal));
    chmodSync(shared, 0o755);
    chmodSync(closed, 0o700);
    const input = join(closed, 'in.png');
    const outcome = spawnBuilt(['predict', '-m', 'otsu', input],
      { unprivileged: true, timeout: 20_000 });
    expect(outcome.stderr).toContain(`${input}: cannot reach it (permission denied)\n`);
    expect(outcome.code).toBe(1);
  });

  it('when --out is a link to nothing or a device then the line says which', async () => {
    const root = temporaryDirectory();
    const dangling = join(root, 'dangling');
    symlinkSync(join(root, 'nowhere'), dangling);
    const linked = await runCli('predict', '-m', 'otsu', '--out', dangling, bimodal);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toBe(`autothresh: option --out: ${dangling} is a symbolic link to ` +
      `${JSON.stringify(join(root, 'nowhere'))}, which does not exist\n`);
    const device = await runCli('predict', '-m', 'otsu', '--out', '/dev/null', bimodal);
    expect(device.code).toBe(2);
    expect(device.stderr).toBe('autothresh: option --out: expected a folder, received ' +
      '"/dev/null", which is not a folder\n');
  });

  it('when --out lies in a link to nothing or a loop then the line names that link', async () => {
    const root = temporaryDirectory();
    const dangling = join(root, 'dangling');
    symlinkSync(join(root, 'nowhere'), dangling);
    const loop = join(root, 'loop');
    symlinkSync(loop, loop);
    const below = await runCli('predict', '-m', 'otsu', '--out', join(dangling, 'sub'), bimodal);
    expect(below.code).toBe(2);
    expect(below.stderr).toBe(`autothresh: option --out: cannot create ${join(dangling, 'sub')} ` +
      `(${dangling} is a symbolic link to ${JSON.stringify(join(root, 'nowhere'))}, which does ` +
      'not exist)\n');
    const looped = await runCli('predict', '-m', 'otsu', '--out', loop, bimodal);
    expect(looped.code).toBe(2);
    expect(looped.stderr).toBe(`autothresh: option --out: ${loop} is a symbolic link loop\n`);
  });

  it('when a file name holds a line feed or a tab then every line stays one line', async () => {
    const root = temporaryDirectory();
    const broken = join(root, 'bad\nname.png');
    writeFileSync(broken, 'not an image');
    const tabbed = join(root, 'ok\tname.png');
    writeFileSync(tabbed, readFileSync(bimodal));
    const outcome = await runCli('predict', '-m', 'otsu', broken, tabbed);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.split('\n')[0]).toBe(`${join(root, 'bad\\nname.png')}: not a ` +
      'supported image (PNG, JPEG, TIFF, WebP, GIF, AVIF, BMP)');
    expect(outcome.stdout.split('\n')[2]).toMatch(/^\S*ok\\tname\.png +\d+×\d+ +otsu/);
    expect(outcome.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('when folder names hold a backslash, a line feed or a return then their images are found',
    async () => {
      const root = temporaryDirectory();
      const top = join(root, 'x\\by');
      for (const sub of ['', 'a\nb', 'c\rd', 'e\\f']) {
        mkdirSync(join(top, sub), { recursive: true });
        writeFileSync(join(top, sub, 'in.png'), readFileSync(bimodal));
      }
      const outcome = await runCli('predict', '-m', 'otsu', '--json', top);
      expect(outcome.stderr).toBe('');
      expect(outcome.code).toBe(0);
      const files = outcome.stdout.trim().split('\n').map((line) => JSON.parse(line).file);
      expect(files).toEqual(['a\nb', 'c\rd', 'e\\f', ''].map((sub) => join(top, sub, 'in.png')));
    });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)(
    'when a linked subfolder holds a broken link and a FIFO then both are reported, once',
    async () => {
      const root = temporaryDirectory();
      const outside = join(root, 'ext');
      mkdirSync(outside);
      writeFileSync(join(outside, 'ok.png'), readFileSync(bimodal));
      symlinkSync('gone.png', join(outside, 'broken.png'));
      spawnSync('mkfifo', [join(outside, 'fifo.png')]);
      const input = join(root, 'in');
      mkdirSync(input);
      symlinkSync(join('..', 'ext'), join(input, 'lnk'));
      symlinkSync('.', join(outside, 'again')); // a loop: looked at once
      const outcome = await runCli('predict', '-m', 'otsu', '--json', input);
      expect(outcome.code).toBe(1);
      const lines = outcome.stderr.trim().split('\n');
      expect(lines.filter((line) => line.includes('broken.png'))).toEqual(
        [`${join(input, 'lnk', 'broken.png')}: broken symbolic link (to gone.png)`]);
      expect(lines.filter((line) => line.includes('fifo.png'))).toEqual(
        [`${join(input, 'lnk', 'fifo.png')}: not a regular file`]);
      expect(outcome.stdout.trim().split('\n')).toHaveLength(1);
    });

  it('when a few pixels are foreground then the table does not show 0.0%', async () => {
    // The 0th percentile of this page is its darkest gray: a handful of its 286,344 pixels.
    const page = 'datasets/samples/images/dibco2009-H03.png';
    const outcome = await runCli('predict', '-m', 'percentile', '--fraction', '0', page);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/ <0\.1%\n$/);
  });

  it('when an input name is empty then it is named as such', async () => {
    const outcome = await runCli('predict', '-m', 'otsu', '', bimodal);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/^"": empty file name$/m);
  });

  it.skipIf(UNPRIVILEGED === null)('when --out is a folder this user may not write then it ' +
    'fails up front with one line (exit 2)', () => {
    const shared = temporaryDirectory('autothresh-unprivileged-');
    const input = join(shared, 'in.png');
    writeFileSync(input, readFileSync(bimodal));
    const locked = join(shared, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(shared, 0o755);
    chmodSync(input, 0o644);
    const outcome = spawnBuilt(['predict', '-m', 'otsu', '--out', locked, input],
      { unprivileged: true, timeout: 20_000 });
    expect(outcome.stderr).toBe(
      `autothresh: option --out: cannot write into ${locked} (permission denied)\n`);
    expect(outcome.code).toBe(2);
  });

  it.skipIf(UNPRIVILEGED === null)('when a folder given cannot be listed then it says so, not '
    + 'that the folder holds no images (exit 1)', () => {
    const shared = temporaryDirectory('autothresh-unprivileged-');
    try {
      const locked = join(shared, 'locked');
      mkdirSync(locked);
      writeFileSync(join(locked, 'in.png'), readFileSync(bimodal));
      chmodSync(locked, 0o700);
      chmodSync(shared, 0o755);
      const outcome = spawnBuilt(['predict', '-m', 'otsu', locked],
        { unprivileged: true, timeout: 20_000 });
      expect(outcome.stderr).toContain(
        `${locked}: cannot list this folder (permission denied)\n`);
      expect(outcome.code).toBe(1);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('when a folder holds a broken link or a FIFO named like an image then each is named ' +
    'and the other images are processed (exit 1)', async () => {
    const root = temporaryDirectory();
    writeFileSync(join(root, 'in.png'), readFileSync(bimodal));
    symlinkSync(join(root, 'not-fetched.png'), join(root, 'link.png'));
    const fifo = spawnSync('mkfifo', [join(root, 'pipe.png')]).status === 0;
    const outcome = await runCli('predict', '-m', 'otsu', '--json', root);
    expect(outcome.stderr).toBe(
      `${join(root, 'link.png')}: broken symbolic link (to ${join(root, 'not-fetched.png')})\n` +
      (fifo ? `${join(root, 'pipe.png')}: not a regular file\n` : '') +
      `${fifo ? '2 problems' : '1 problem'} with the inputs, listed first\n`);
    expect(jsonLines(outcome.stdout).map((line) => line.file)).toEqual([join(root, 'in.png')]);
    expect(outcome.code).toBe(1);
  });

  it.skipIf(UNPRIVILEGED === null)('when a subfolder of a folder given cannot be listed then it '
    + 'is named and the other images are processed (exit 1)', () => {
    const shared = temporaryDirectory('autothresh-unprivileged-');
    try {
      const open = join(shared, 'open');
      const locked = join(shared, 'deep', 'locked');
      mkdirSync(open);
      mkdirSync(locked, { recursive: true });
      writeFileSync(join(open, 'in.png'), readFileSync(bimodal));
      writeFileSync(join(locked, 'hidden.png'), readFileSync(bimodal));
      for (const folder of [shared, open, join(shared, 'deep')]) chmodSync(folder, 0o755);
      chmodSync(join(open, 'in.png'), 0o644);
      chmodSync(locked, 0o700);
      const outcome = spawnBuilt(['predict', '-m', 'otsu', '--json', shared],
        { unprivileged: true, timeout: 20_000 });
      expect(outcome.stderr).toBe(`${locked}: cannot list this folder (permission denied)\n` +
        '1 problem with the inputs, listed first\n');
      expect(jsonLines(outcome.stdout).map((line) => line.file)).toEqual([join(open, 'in.png')]);
      expect(outcome.code).toBe(1);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe('autothresh predict with a model folder', () => {
  const images = ['datasets/samples/images/nuclei-nih3t3-dna-00.png',
    'datasets/samples/images/isbi2012-em-00.png'];

  function brokenModel(name: string, breakIt: (model: string) => void): string {
    const model = join(folder, name);
    cpSync('models/default', model, { recursive: true });
    breakIt(model);
    return model;
  }

  it('when metadata.json is not JSON then one line names the file, before any image (exit 2)',
    async () => {
      const model = brokenModel('model-bad-json', (at) =>
        writeFileSync(join(at, 'metadata.json'), '{ x'));
      const outcome = await runCli('predict', '--model', model, ...images);
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).toBe('');
      const lines = outcome.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(
        `^autothresh: option --model: ${model}/metadata\\.json: not valid JSON`));
    });

  it('when weights.bin is truncated then one line names it (exit 2)', async () => {
    const model = brokenModel('model-short-weights', (at) => {
      const weights = join(at, 'weights.bin');
      writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    });
    const outcome = await runCli('predict', '--model', model, ...images);
    expect(outcome.code).toBe(2);
    const lines = outcome.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^autothresh: option --model: .*weights\.bin/);
  });

  it('when --model is given to a method that takes none then it is a usage error', async () => {
    const outcome = await runCli('predict', '-m', 'otsu', '--model', 'models/default', bimodal);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('autothresh: option --model: method otsu takes no model ' +
      '(only --method learned does)\n');
  });

  it('when the polarity is forced then the confidence is the model\'s probability of that side',
    async () => {
      const [auto] = jsonLines((await runCli('predict', '--json', images[0])).stdout);
      const chosen = auto.polarity as string;
      const other = chosen === 'dark' ? 'bright' : 'dark';
      const confidence = auto.polarityConfidence as number;
      expect(confidence).toBeGreaterThanOrEqual(0.5);
      for (const [side, expected] of [[chosen, confidence], [other, 1 - confidence]] as const) {
        const forced = await runCli('predict', '--json', '--polarity', side, images[0]);
        const [record] = jsonLines(forced.stdout);
        expect(record.polarity).toBe(side);
        expect(record.polarityConfidence as number).toBeCloseTo(expected, 12);
        const table = await runCli('predict', '--polarity', side, images[0]);
        expect(table.stdout).toContain(`${side} (${(expected * 100).toFixed(0)}%)`);
      }
    });
});

describe('autothresh predict argument handling', () => {
  it('when an integer or number option is not plain decimal then it is a usage error',
    async () => {
      for (const [option, value] of [['--window', '0x1f'], ['--concurrency', '0b11'],
        ['--k', 'Infinity'], ['--page', '1e']]) {
        const outcome = await runCli('predict', '-m', 'sauvola', option, value, bimodal);
        expect(outcome.code, `${option} ${value}`).toBe(2);
        expect(outcome.stderr).toMatch(new RegExp(`^autothresh: option ${option}: expected `));
      }
      // Decimal exponents are decimal: --max-pixels 4e9 is 4000000000.
      const outcome = await runCli('predict', '-m', 'otsu', '--max-pixels', '4e9', bimodal);
      expect(outcome.code).toBe(0);
    });

  it('when commander rejects the arguments then its line starts with autothresh: too',
    async () => {
      const unknown = await runCli('predict', '--bogus', bimodal);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('autothresh: unknown option \'--bogus\'\n');
      const typo = await runCli('predict', '--polarty', 'dark', bimodal);
      expect(typo.stderr).toBe(
        'autothresh: unknown option \'--polarty\' (did you mean --polarity?)\n');
      const missing = await runCli('predict');
      expect(missing.stderr).toBe('autothresh: missing required argument \'inputs\'\n');
    });

  it('when a glob names an extension then it matches case-sensitively; folders take any case',
    async () => {
      const tree = join(folder, 'cases');
      mkdirSync(tree);
      for (const name of ['a.JPG', 'b.jpg', 'c.JpG']) {
        await writeRaw(join(tree, name), bimodalPixels(), 40, 10, 1);
      }
      const pattern = await runCli('predict', '-m', 'otsu', '--json', `${tree}/*.JPG`);
      expect(jsonLines(pattern.stdout).map((record) => record.file))
        .toEqual([join(tree, 'a.JPG')]);
      const directory = await runCli('predict', '-m', 'otsu', '--json', tree);
      expect(jsonLines(directory.stdout)).toHaveLength(3);
    });

  it('when --verbose is given then the tool\'s own choices are logged on stderr', () => {
    const outcome = spawnCli('--verbose', 'predict', '-m', 'sauvola', '--window', '31', bimodal);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain(
      `autothresh: ${bimodal}: sauvola window 31 clamped to 31×9 (width × height) to fit the ` +
        '40×10 image');
    expect(outcome.stderr).toMatch(/autothresh: .*bimodal\.png: png .*decoded/);
    const quiet = spawnCli('predict', '-m', 'sauvola', '--window', '31', bimodal);
    expect(quiet.stderr).toBe('');
  });
});

describe('autothresh predict on damaged BMP, PNG and TIFF files', () => {
  it('when inputs are damaged or cut short then each fails with one plain line and exit 1',
    async () => {
      const batch = join(folder, 'damaged-batch');
      mkdirSync(batch);
      // 40×20 RLE8 (file header 14, info header 40, no palette): every row one run of 255.
      const rle = Buffer.alloc(54 + 20 * 4 + 2);
      rle.write('BM', 0, 'latin1');
      rle.writeUInt32LE(rle.length, 2);
      rle.writeUInt32LE(54, 10);
      rle.writeUInt32LE(40, 14);
      rle.writeInt32LE(40, 18);
      rle.writeInt32LE(20, 22);
      rle.writeUInt16LE(1, 26);
      rle.writeUInt16LE(8, 28);
      rle.writeUInt32LE(1, 30);
      for (let row = 0; row < 20; row++) rle.set([255, row, 0, 0], 54 + row * 4);
      rle.set([0, 1], 54 + 80);
      writeFileSync(join(batch, 'a-runs.bmp'), rle);
      const png = await sharp(Buffer.alloc(16 * 16, 90), {
        raw: { width: 16, height: 16, channels: 1 },
      }).png().toBuffer();
      png[20] ^= 0xff; // inside IHDR: its checksum no longer matches
      writeFileSync(join(batch, 'b-flipped.png'), png);
      const tiff = await sharp(Buffer.alloc(64 * 64 * 3, 90), {
        raw: { width: 64, height: 64, channels: 3 },
      }).tiff({ compression: 'none' }).toBuffer();
      writeFileSync(join(batch, 'c-cut.tif'), tiff.subarray(0, 4000));
      await writeRaw(join(batch, 'd-good.png'), bimodalPixels(), 40, 10, 1);
      const outcome = await runCli('predict', '--method', 'otsu', '--json', batch);
      expect(outcome.code).toBe(1);
      expect(jsonLines(outcome.stdout).map((record) => record.file))
        .toEqual([join(batch, 'd-good.png')]);
      const lines = outcome.stderr.split('\n');
      expect(lines).toContain(`${join(batch, 'a-runs.bmp')}: damaged BMP (a run of 255 pixels ` +
        'passes the end of row 19)');
      expect(lines).toContain(`${join(batch, 'b-flipped.png')}: damaged PNG (the checksum of ` +
        'the IHDR chunk at byte 8 does not match)');
      expect(lines).toContain(`${join(batch, 'c-cut.tif')}: TIFF cut short (the file has 4000 ` +
        `bytes; the image directory starts at byte ${tiff.readUInt32LE(4)})`);
    });
});
