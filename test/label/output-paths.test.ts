import { spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkFileCreatable, checkOutputPath, checkRecordOutputPath, outputPathProblem,
} from '../../src/label/output-paths.js';
import { temporaryDirectory } from '../helpers/images.js';

/** A folder holding `folder/` and the file `file`. */
function place(): { root: string; folder: string; file: string } {
  const root = temporaryDirectory('autothresh-outputs-');
  const folder = join(root, 'folder');
  const file = join(root, 'file');
  mkdirSync(folder);
  writeFileSync(file, 'x');
  return { root, folder, file };
}

describe('outputPathProblem', () => {
  it('when the path fits its kind or does not exist yet then there is no problem', async () => {
    const { root, folder, file } = place();
    expect(await outputPathProblem(file, 'file')).toBeNull();
    expect(await outputPathProblem(join(root, 'new', 'deeper', 'out.jsonl'), 'file')).toBeNull();
    expect(await outputPathProblem(folder, 'folder')).toBeNull();
    expect(await outputPathProblem(join(root, 'new-folder'), 'folder')).toBeNull();
  });

  it('when a file is a folder, a folder a file, or a parent a file then it says so',
    async () => {
      const { folder, file } = place();
      expect(await outputPathProblem(folder, 'file')).toBe('which is a folder');
      expect(await outputPathProblem(file, 'folder')).toBe('which is a file');
      expect(await outputPathProblem(join(file, 'sub', 'out.html'), 'file'))
        .toBe(`but ${file} is a file, not a folder`);
      expect(await outputPathProblem(join(file, 'splits'), 'folder'))
        .toBe(`but ${file} is a file, not a folder`);
    });

  it('when a file is a link into a folder that does not exist then it says so; else none',
    async () => {
      const links = temporaryDirectory('autothresh-outputs-');
      symlinkSync(join('nodir', 'r.html'), join(links, 'report.html'));
      expect(await outputPathProblem(join(links, 'report.html'), 'file')).toBe('which is a ' +
        `symbolic link to ${JSON.stringify(join('nodir', 'r.html'))}, whose folder does not exist`);
      symlinkSync('made.html', join(links, 'here.html'));
      expect(await outputPathProblem(join(links, 'here.html'), 'file')).toBeNull();
    });

  it('when a file would replace a device or a FIFO, or ends in a slash, then it says so',
    async () => {
      const { root } = place();
      expect(await outputPathProblem('/dev/null', 'file'))
        .toBe('which is a device, not a file');
      expect(await outputPathProblem(join(root, 'new') + '/', 'file'))
        .toBe('which ends in a slash, as a folder does');
      const fifo = join(root, 'pipe');
      if (spawnSync('mkfifo', [fifo]).status === 0) {
        expect(await outputPathProblem(fifo, 'file')).toBe('which is a FIFO, not a file');
      }
    });

  it('when the file is a symbolic link then the folder of its target is checked', async () => {
    const { root, file } = place();
    symlinkSync(file, join(root, 'link'));
    symlinkSync(join(file, 'below'), join(root, 'through-a-file'));
    expect(await outputPathProblem(join(root, 'link'), 'file')).toBeNull();
    expect(await outputPathProblem(join(root, 'through-a-file'), 'file'))
      .toBe(`but ${file} is a file, not a folder`);
  });

  it('when a folder would be made through a link to nothing or a loop then it names the link',
    async () => {
      const { root } = place();
      const dangling = join(root, 'dangling');
      const loop = join(root, 'loop');
      symlinkSync(join(root, 'nowhere'), dangling);
      symlinkSync('loop', loop);
      const nothing = `a symbolic link to ${JSON.stringify(join(root, 'nowhere'))}, which does ` +
        'not exist';
      expect(await outputPathProblem(join(dangling, 'x.jsonl'), 'file'))
        .toBe(`but ${dangling} is ${nothing}`);
      expect(await outputPathProblem(join(dangling, 'splits'), 'folder'))
        .toBe(`but ${dangling} is ${nothing}`);
      expect(await outputPathProblem(dangling, 'folder')).toBe(nothing);
      expect(await outputPathProblem(join(loop, 'r.html'), 'file'))
        .toBe(`but ${loop} is a symbolic link loop`);
      expect(await outputPathProblem(join(loop, 'splits'), 'folder'))
        .toBe(`but ${loop} is a symbolic link loop`);
      expect(await outputPathProblem(loop, 'folder')).toBe('which is a symbolic link loop');
      // A file is written through a link to nothing: where it leads is checked instead.
      expect(await outputPathProblem(dangling, 'file')).toBeNull();
      symlinkSync(join(dangling, 'x.html'), join(root, 'via'));
      expect(await outputPathProblem(join(root, 'via'), 'file'))
        .toBe(`but ${dangling} is ${nothing}`);
    });

  it('when a name in the path is longer than 255 bytes then it says so; 255 bytes are fine',
    async () => {
      const { root } = place();
      const longest = `${'€'.repeat(83)}.jsonl`; // 255 bytes
      expect(await outputPathProblem(join(root, longest), 'file')).toBeNull();
      expect(await outputPathProblem(join(root, `${longest}.partial`), 'file'))
        .toBe('whose name takes 263 bytes, more than the 255 a name may take');
      expect(await outputPathProblem(join(root, 'x'.repeat(256), 'splits'), 'folder'))
        .toBe('in which a folder name takes 256 bytes, more than the 255 a name may take');
    });

  const asRoot = process.getuid?.() === 0;
  const unwritable = 'when the folder cannot be written then it names it (not as root)';
  it.skipIf(asRoot)(unwritable, async () => {
    const { folder } = place();
    chmodSync(folder, 0o500);
    try {
      expect(await outputPathProblem(join(folder, 'out.jsonl'), 'file'))
        .toBe(`but ${folder} is not writable`);
      expect(await outputPathProblem(folder, 'folder')).toBe(`but ${folder} is not writable`);
    } finally {
      chmodSync(folder, 0o700);
    }
  });
});

describe('checkOutputPath and checkRecordOutputPath', () => {
  it('when the path cannot be written then a usage error names the option and the path',
    async () => {
      const { folder } = place();
      await expect(checkOutputPath(folder, 'file', 'option --html')).rejects.toMatchObject({
        code: 'autothresh.usage',
        message: `option --html: expected a file to write, received ${JSON.stringify(folder)}, ` +
          'which is a folder',
      });
    });

  it('when a record file does not end in .jsonl or .jsonl.gz then it is refused', async () => {
    const { root } = place();
    for (const name of ['out.txt', 'out.json', 'out.gz', 'out.JSONL', 'out.jsonl.zip']) {
      await expect(checkRecordOutputPath(join(root, name), 'option --out'), name)
        .rejects.toMatchObject({ code: 'autothresh.usage', message: expect.stringContaining(
          'expected a .jsonl or .jsonl.gz file') });
    }
    for (const name of ['out.jsonl', 'out.jsonl.gz']) {
      await expect(checkRecordOutputPath(join(root, name), 'option --out')).resolves
        .toBeUndefined();
    }
  });
});

describe('checkFileCreatable', () => {
  it('when the folder takes files or can be created then it passes, leaving nothing behind',
    async () => {
      const { root } = place();
      const before = readdirSync(root).sort();
      await expect(checkFileCreatable(join(root, 'out.jsonl'), 'option --out')).resolves
        .toBeUndefined();
      await expect(checkFileCreatable(join(root, 'new', 'deeper', 'out.jsonl'), 'option --out'))
        .resolves.toBeUndefined();
      expect(readdirSync(root).sort()).toEqual(before);
    });

  it.skipIf(!existsSync('/proc/self'))(
    'when the file system takes no new files (/proc) then a usage error names the output',
    async () => {
      await expect(checkRecordOutputPath('/proc/x.jsonl', 'option --out')).rejects
        .toMatchObject({
          code: 'autothresh.usage',
          message: 'option --out: cannot write /proc/x.jsonl (the file system takes no new ' +
            'files here)',
        });
      await expect(checkFileCreatable('/proc/sub/x.jsonl', 'option --out')).rejects
        .toMatchObject({
          code: 'autothresh.usage',
          message: 'option --out: cannot write /proc/sub/x.jsonl (/proc: the file system takes ' +
            'no new folders here)',
        });
    });
});
