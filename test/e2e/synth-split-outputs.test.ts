/**
 * `autothresh synth` and `autothresh dataset split` check where they write before any work: a
 * folder on a file system that takes no new entries (/proc, /sys) or an output file that is a
 * folder is a usage error (exit 2) in one line naming the option, and nothing is left behind.
 * The built CLI runs with a kill timer, so a run that never ends fails instead of hanging.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_BIN, runCli, spawnBuilt } from '../helpers/cli.js';

/** Long enough for a real run of these commands, short enough to catch one that never ends. */
const KILL_AFTER_MS = 20_000;
const REAL = new URL('../../datasets/real.jsonl', import.meta.url).pathname;
const HAS_PROC = existsSync('/proc/self');
const HAS_SYS = existsSync('/sys/kernel');

describe('autothresh synth -o', () => {
  it.skipIf(!HAS_PROC)('when -o is in /proc then exits 2 at once instead of hanging', () => {
    for (const out of ['/proc/autothresh-syn', '/proc/autothresh-a/b']) {
      const result = spawnBuilt(['synth', '-n', '3', '-o', out], { timeout: KILL_AFTER_MS });
      expect(result.code, out).toBe(2);
      expect(result.stderr).toBe(`autothresh: option --out: cannot write ${out} (/proc: the ` +
        'file system takes no new folders here)\n');
    }
  });

  it.skipIf(!HAS_SYS)('when -o is in /sys then exits 2 up front, naming no temporary path', () => {
    const result = spawnBuilt(['synth', '-n', '1', '-o', '/sys/autothresh-syn'],
      { timeout: KILL_AFTER_MS });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^autothresh: option --out: cannot write \/sys\/autothresh-syn \(\/sys: [^()]+\)\n$/);
    expect(result.stderr).not.toContain('.tmp');
  });
});

describe('autothresh synth interrupted', () => {
  it('when SIGINT arrives while images are drawn then no staging folder is left', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'autothresh-synth-int-'));
    const child = spawn(process.execPath, [BUILT_BIN, 'synth', '-n', '400', '-o',
      join(parent, 'syn')], { stdio: 'ignore' });
    // Wait until the staging folder beside the output holds a few drawn images.
    const started = Date.now();
    for (;;) {
      const names = await readdir(parent);
      const staged = await Promise.all(names.map((name) =>
        readdir(join(parent, name, 'images')).catch(() => [])));
      if (staged.some((images) => images.length >= 3)) break;
      if (Date.now() - started > KILL_AFTER_MS) throw new Error('synth drew nothing');
      await new Promise((done) => setTimeout(done, 20));
    }
    const ended = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => done(signal)));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    const left = await readdir(parent);
    await rm(parent, { recursive: true, force: true });
    expect(left).toEqual([]);
  });
});

describe('autothresh dataset split -o', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-split-out-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it.skipIf(!HAS_PROC)('when -o is in /proc then exits 2 in one line with no nesting', () => {
    const result = spawnBuilt(['dataset', 'split', REAL, '-o', '/proc/autothresh-sp'],
      { timeout: KILL_AFTER_MS });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('autothresh: option --out: cannot write ' +
      '/proc/autothresh-sp/train.jsonl (/proc: the file system takes no new folders here)\n');
  });

  it.skipIf(!HAS_SYS)('when -o is in /sys then exits 2 in one line with no nesting', () => {
    const result = spawnBuilt(['dataset', 'split', REAL, '-o', '/sys/autothresh-sp'],
      { timeout: KILL_AFTER_MS });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^autothresh: option --out: cannot write /);
    expect(result.stderr.match(/cannot write/g)).toHaveLength(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('when -o is, or lies in, a link to nothing or a loop then exits 2 before reading',
    async () => {
      const place = join(root, 'links');
      await mkdir(place);
      await symlink(join(place, 'nowhere'), join(place, 'dangling'));
      await symlink('loop', join(place, 'loop'));
      const nothing = `a symbolic link to ${JSON.stringify(join(place, 'nowhere'))}, which does ` +
        'not exist';
      for (const [out, problem] of [
        ['dangling', nothing], ['dangling/splits', `but ${join(place, 'dangling')} is ${nothing}`],
        ['loop', 'which is a symbolic link loop'],
        ['loop/splits', `but ${join(place, 'loop')} is a symbolic link loop`],
      ]) {
        // A missing input shows the output is refused first, before any record is read.
        const result = await runCli('dataset', 'split', join(place, 'missing.jsonl'), '-o',
          join(place, out));
        expect(result.code, out).toBe(2);
        expect(result.stderr).toBe('autothresh: option --out: expected a folder to write into, ' +
          `received ${JSON.stringify(join(place, out))}, ${problem}\n`);
      }
      expect((await readdir(place)).sort()).toEqual(['dangling', 'loop']);
    });

  it('when an output file of the split is a folder then exits 2 before writing any', async () => {
    const out = join(root, 'sp2');
    await mkdir(join(out, 'train.jsonl'), { recursive: true });
    const result = await runCli('dataset', 'split', REAL, '-o', out);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('autothresh: option --out: expected a file to write, received ' +
      `${JSON.stringify(join(out, 'train.jsonl'))}, which is a folder\n`);
    expect(await readdir(out)).toEqual(['train.jsonl']);
  });

  it('when the input is gzip-compressed then the .jsonl.gz files are the ones checked',
    async () => {
      const out = join(root, 'gz');
      await mkdir(join(out, 'val.jsonl.gz'), { recursive: true });
      const augmented = new URL('../../datasets/augmented.jsonl.gz', import.meta.url).pathname;
      const result = await runCli('dataset', 'split', augmented, '-o', out);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${JSON.stringify(join(out, 'val.jsonl.gz'))}, which is a`);
      expect(await readdir(out)).toEqual(['val.jsonl.gz']);
    });

  it('when a split file would be the input then exits 2 and the input is kept', async () => {
    const out = join(root, 'over');
    await mkdir(out);
    const input = join(out, 'train.jsonl');
    await copyFile(REAL, input);
    const result = await runCli('dataset', 'split', input, '-o', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`autothresh: option --out: would write ${input}, which is the ` +
      `input ${input}; choose another folder\n`);
    expect(await readFile(input, 'utf8')).toBe(await readFile(REAL, 'utf8'));
  });

  it('when stdout is closed after the first line then all three files are written', async () => {
    if (!existsSync(BUILT_BIN)) throw new Error(`${BUILT_BIN} is missing: run npm run build`);
    const out = join(root, 'closed');
    const child = spawn('node', [BUILT_BIN, 'dataset', 'split', REAL, '-o', out]);
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['test.jsonl', 'train.jsonl', 'val.jsonl']);
  });
});
