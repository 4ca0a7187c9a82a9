/**
 * Where `writeSynthetic` and `writeLabelRecords` write, and how their late failures read: the
 * output path the caller gave, the problem once, never the staging folder or a temporary file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeLabelRecords } from '../../src/label/records-io.js';
import { checkSyntheticOutput, writeSynthetic } from '../../src/label/synth.js';
import { temporaryNameOf } from '../../src/util/temporary-names.js';

/** File names ending so fail to be written with "no space left" while `failing` is set. */
const full = vi.hoisted(() => ({ failing: null as string | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  const writeFile: typeof actual.writeFile = async (path, ...rest) => {
    if (full.failing !== null && String(path).endsWith(full.failing)) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(path)}'`),
        { code: 'ENOSPC', syscall: 'open', path: String(path) });
    }
    return actual.writeFile(path, ...rest);
  };
  return { ...actual, writeFile };
});

const BUILT_SYNTH = new URL('../../dist/label/synth.js', import.meta.url).href;

describe('writeSynthetic output', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-synth-out-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when a file fails to be written then the error names its place in the output folder',
    async () => {
      const out = join(root, 'series');
      full.failing = 'synth-00002.png';
      try {
        await expect(writeSynthetic(out, 3, 1)).rejects.toMatchObject({
          code: 'autothresh.write',
          message: `${join(out, 'images', 'synth-00002.png')}: cannot write (no space left ` +
            'on the device)',
        });
      } finally {
        full.failing = null;
      }
      expect(await readdir(root)).toEqual([]);
    });

  it('when an earlier run was killed outright then its staging folder is removed, others kept',
    async () => {
      // A process that has ended, and this one, which runs.
      const ended = spawnSync('node', ['-e', '0']).pid;
      const place = join(root, 'after-kill');
      const abandoned = join(root, `.after-kill.${ended}.0123abcd.tmp`);
      const running = join(root, `.after-kill.${process.pid}.89abcdef.tmp`);
      const previous = join(root, `.after-kill.${ended}.0123abcd.old`);
      for (const folder of [abandoned, running, previous]) await mkdir(folder);
      await writeSynthetic(place, 1, 1);
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(running)).toBe(true);
      expect(existsSync(previous)).toBe(true);
      for (const folder of [place, running, previous]) await rm(folder, { recursive: true });
    });

  it('when the folder name takes 250 bytes then it is written and replaced, staging and all',
    async () => {
      const place = join(root, 's'.repeat(250));
      await writeSynthetic(place, 1, 1);
      await writeSynthetic(place, 2, 1, { force: true });
      expect((await readdir(join(place, 'images'))).length).toBe(2);
      expect(await readdir(root)).toEqual([basename(place)]);
      await rm(place, { recursive: true });
    });

  it('when a killed run left the shortened staging folder of a long name then it is removed',
    async () => {
      const ended = spawnSync('node', ['-e', '0']).pid!;
      const place = join(root, 'l'.repeat(250));
      const shortened = temporaryNameOf(basename(place)).replace(/\.\d+\.([0-9a-f]{8})\.tmp$/,
        `.${ended}.$1.tmp`);
      const abandoned = join(root, shortened);
      await mkdir(abandoned);
      await writeSynthetic(place, 1, 1);
      expect(existsSync(abandoned)).toBe(false);
      await rm(place, { recursive: true });
    });

  it.skipIf(!existsSync('/proc/self'))(
    'when the folder is in /proc then writing fails at once naming it (no endless mkdir)', () => {
      const script = `import { writeSynthetic } from ${JSON.stringify(BUILT_SYNTH)};
        writeSynthetic('/proc/autothresh-syn/a', 1, 1).catch((error) => {
          process.stdout.write(error.code + ' ' + error.message);
        });`;
      const result = spawnSync('node', ['--input-type=module', '-e', script],
        { encoding: 'utf8', timeout: 20_000 });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('autothresh.write /proc/autothresh-syn/a: cannot write ' +
        '(/proc/autothresh-syn: the file system takes no new folders here)');
    });

  it.skipIf(!existsSync('/sys/kernel'))(
    'when the folder is in /sys then the error names it, not the staging folder', async () => {
      const error = await writeSynthetic('/sys/autothresh-syn', 1, 1).catch((caught) => caught);
      expect(error).toMatchObject({ code: 'autothresh.write' });
      expect(error.message).toMatch(/^\/sys\/autothresh-syn: cannot write \([^()]+\)$/);
    });
});

describe('checkSyntheticOutput', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-synth-check-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when the folder can be made or replaced then passes, leaving nothing behind', async () => {
    await checkSyntheticOutput(join(root, 'new', 'deeper'), 'option --out');
    await mkdir(join(root, 'old'));
    await checkSyntheticOutput(join(root, 'old'), 'option --out');
    expect(await readdir(root)).toEqual(['old']);
    expect(await readdir(join(root, 'old'))).toEqual([]);
  });

  it.skipIf(!existsSync('/proc/self'))(
    'when the folder is in /proc then it is a usage error naming the option', async () => {
      await expect(checkSyntheticOutput('/proc/autothresh-syn', 'option --out')).rejects
        .toMatchObject({
          code: 'autothresh.usage',
          message: 'option --out: cannot write /proc/autothresh-syn (/proc: the file system ' +
            'takes no new folders here)',
        });
      // An existing folder there is replaced through its parent, which takes no new files.
      await expect(checkSyntheticOutput('/proc/self', 'option --out')).rejects.toMatchObject({
        code: 'autothresh.usage',
        message: 'option --out: cannot write /proc/self (/proc: the file system takes no new ' +
          'files here)',
      });
    });
});

describe('writeLabelRecords errors', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'autothresh-records-out-')); });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('when the path is a folder then the error says so once, with no nested cannot write',
    async () => {
      const path = join(root, 'train.jsonl');
      await mkdir(path);
      await expect(writeLabelRecords(path, [])).rejects.toMatchObject({
        code: 'autothresh.write', message: `${path}: cannot write (is a folder)`,
      });
    });

  it('when a parent is a file then the error names that parent once', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const path = join(file, 'sub', 'train.jsonl');
    await expect(writeLabelRecords(path, [])).rejects.toMatchObject({
      code: 'autothresh.write',
      message: `${path}: cannot write (${join(file, 'sub')}: part of the path is a file, not ` +
        'a folder)',
    });
  });
});
