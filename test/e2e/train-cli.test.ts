/**
 * `autothresh train` and `tune` as the built binary: exit codes and the one stderr line of a
 * refused option, an unusable --init folder or an unwritable --out, checked before training.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIRECTORY } from '../../src/model/index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { realSample } from '../model/helpers.js';

const PACKAGE = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

let folder: string;
let data: string;
let out: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'autothresh-train-e2e-'));
  data = join(folder, 'records.jsonl');
  out = join(folder, 'never');
  const records = await realSample(2);
  await writeFile(data, records.map((record) => JSON.stringify(record)).join('\n'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const SHORT = ['--epochs', '1', '--batch-size', '8', '--backend', 'cpu', '--quiet'];

/** True when the optional native binding is installed (then `--backend tensorflow` works). */
function hasNativeBackend(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('autothresh train (built binary): usage errors exit 2 before training', () => {
  it('when --init has broken metadata then exit 2 names the option and the file', async () => {
    const broken = join(folder, 'mba');
    await cp(DEFAULT_MODEL_DIRECTORY, broken, { recursive: true });
    await writeFile(join(broken, 'metadata.json'), '{ broken');
    const result = spawnCli('train', '--data', data, '--init', broken, '-o', out, ...SHORT);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(
      `^autothresh: option --init: ${broken}/metadata\\.json: not valid JSON \\(.*\\)\\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it('when --init names no folder then exit 2 says so', () => {
    const missing = join(folder, 'nonexist');
    const result = spawnCli('train', '--data', data, '--init', missing, '-o', out, ...SHORT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`autothresh: option --init: ${missing}: no such folder\n`);
  });

  it('when a --data or --val file is given twice then exit 2 names the option', () => {
    const twice = spawnCli('train', '--data', data, data, '-o', out, ...SHORT);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe(`autothresh: option --data: ${data} is given twice ` +
      '(its records would count twice)\n');
    const validation = spawnCli('train', '--data', data, '--val', data, data, '-o', out, ...SHORT);
    expect(validation.code).toBe(2);
    expect(validation.stderr).toBe(`autothresh: option --val: ${data} is given twice ` +
      '(its records would count twice)\n');
  });

  it('when --out holds an input file then exit 2 before training', () => {
    const result = spawnCli('train', '--data', data, '-o', folder, '--force', ...SHORT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`autothresh: option --out: ${folder} holds the input ${data}; ` +
      'choose another folder for the model\n');
    expect(existsSync(data)).toBe(true);
  });

  it('when an option would do nothing then exit 2 names it', async () => {
    const withVal = await runCli('train', '--data', data, '--val', data, '--val-split', '0.3',
      '-o', join(folder, 'unused'));
    expect(withVal.code).toBe(2);
    expect(withVal.stderr).toBe('autothresh: option --val-split: has no effect with --val ' +
      '(the validation records are those files)\n');
    const noValidation = await runCli('train', '--data', data, '--val-split', '0',
      '--patience', '5', '-o', join(folder, 'unused'));
    expect(noValidation.code).toBe(2);
    expect(noValidation.stderr).toBe('autothresh: option --patience: early stopping needs ' +
      'validation records (--val, or --val-split above 0)\n');
  });

  it('when --out is the shipped model folder then exit 2, even with --force', () => {
    const weights = readFileSync(join(DEFAULT_MODEL_DIRECTORY, 'weights.bin'));
    const result = spawnCli('train', '--data', data, '-o', DEFAULT_MODEL_DIRECTORY, '--force',
      ...SHORT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`autothresh: option --out: ${DEFAULT_MODEL_DIRECTORY} is the ` +
      'shipped default model, which predict uses; choose another folder\n');
    expect(readFileSync(join(DEFAULT_MODEL_DIRECTORY, 'weights.bin')).equals(weights)).toBe(true);
  });

  it('when a model file in --out links into the shipped model then exit 2, nothing written',
    async () => {
      const linked = join(folder, 'linked-model');
      await mkdir(linked);
      const weights = join(DEFAULT_MODEL_DIRECTORY, 'weights.bin');
      await symlink(weights, join(linked, 'weights.bin'));
      const before = readFileSync(weights);
      const result = spawnCli('train', '--data', data, '-o', linked, '--force', ...SHORT);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`autothresh: option --out: ${join(linked, 'weights.bin')} is ` +
        `a symbolic link (to ${weights}); a model folder's files are written as one and must ` +
        'be its own, so remove the link or choose another folder\n');
      expect(readFileSync(weights).equals(before)).toBe(true);
    });

  it('when a model file in --out links into another model folder then exit 2, it is kept',
    async () => {
      const other = join(folder, 'other-model');
      await mkdir(other);
      await writeFile(join(other, 'metadata.json'), '{"kept":true}');
      const linked = join(folder, 'into-other');
      await mkdir(linked);
      await symlink(join('..', 'other-model', 'metadata.json'), join(linked, 'metadata.json'));
      const result = await runCli('train', '--data', data, '-o', linked, '--force', ...SHORT);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${join(linked, 'metadata.json')} is a symbolic link (to ` +
        `${join('..', 'other-model', 'metadata.json')})`);
      expect(readFileSync(join(other, 'metadata.json'), 'utf8')).toBe('{"kept":true}');
    });

  it('when a model file in --out is a FIFO then exit 2 before training', async () => {
    const odd = join(folder, 'fifo-model');
    await mkdir(odd);
    if (spawnSync('mkfifo', [join(odd, 'model.json')]).status !== 0) return;
    const result = await runCli('train', '--data', data, '-o', odd, '--force', ...SHORT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`autothresh: option --out: ${join(odd, 'model.json')} is a ` +
      'FIFO, not a file the model can replace; remove it or choose another folder\n');
  });

  it('when --out is, or lies in, a link to nothing or a loop then exit 2 before training',
    async () => {
      const place = join(folder, 'links');
      await mkdir(place);
      await symlink(join(place, 'nowhere'), join(place, 'dangling'));
      await symlink('loop', join(place, 'loop'));
      const nothing = `a symbolic link to ${JSON.stringify(join(place, 'nowhere'))}, which does ` +
        'not exist';
      const dangling = join(place, 'dangling');
      const loop = join(place, 'loop');
      for (const [model, problem] of [
        [dangling, `${dangling} is ${nothing}`],
        [join(dangling, 'm'), `cannot write ${join(dangling, 'm')} (${dangling} is ${nothing})`],
        [loop, `${loop} is a symbolic link loop`],
        [join(loop, 'm'), `cannot write ${join(loop, 'm')} (${loop} is a symbolic link loop)`],
      ]) {
        const result = await runCli('train', '--data', data, '-o', model, ...SHORT);
        expect(result.code, model).toBe(2);
        expect(result.stderr).toBe(`autothresh: option --out: ${problem}\n`);
      }
    });

  it('when a name in --out is longer than 255 bytes then exit 2 before training', async () => {
    const model = join(folder, 'm'.repeat(256));
    const result = await runCli('train', '--data', data, '-o', model, ...SHORT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`autothresh: option --out: cannot write ${model}, whose name ` +
      'takes 256 bytes, more than the 255 a name may take\n');
  });

  it('when --temperature is 0,0 then exit 2 says temperatures must be > 0', () => {
    const result = spawnCli('train', '--data', data, '-o', out, '--temperature', '0,0');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('autothresh: option --temperature: expected temperatures > 0 ' +
      '(in bins); 0 is not, received "0,0"\n');
  });

  it.skipIf(hasNativeBackend())(
    'when --backend tensorflow is not installed then exit 2 names the option', () => {
      for (const command of [['train', '-o', out], ['tune']]) {
        const result = spawnCli(...command, '--data', data, '--backend', 'tensorflow', '--quiet');
        expect(result.code).toBe(2);
        expect(result.stderr).toBe('autothresh: option --backend: expected one of auto, wasm, ' +
          'cpu (tensorflow needs the optional package @tensorflow/tfjs-node), received ' +
          '"tensorflow"\n');
      }
    });

  it.skipIf(!existsSync('/proc/self'))(
    'when --out is on a file system that takes no folders then exit 2 before training', () => {
      const result = spawnCli('train', '--data', data, '-o', '/proc/autothresh-model', ...SHORT);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('autothresh: option --out: cannot write /proc/autothresh-model ' +
        '(/proc: the file system takes no new folders here)\n');
    });

  it('when the options are good then it trains and exits 0', () => {
    const model = join(folder, 'model');
    const result = spawnCli('train', '--data', data, '-o', model, '--hidden', '4', ...SHORT);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(model, 'weights.bin'))).toBe(true);
    const metadata = JSON.parse(readFileSync(join(model, 'metadata.json'), 'utf8'));
    expect(metadata.versions.autothresh).toBe(PACKAGE.version);
  });
});
