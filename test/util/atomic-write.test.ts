import { spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFilesAtomic } from '../../src/util/atomic-write.js';
import { outputFileError } from '../../src/util/file-errors.js';
import { createFolder, writeTargetOf } from '../../src/util/folders.js';
import {
  isTemporaryNameOf, NAME_MAX, temporaryNameOf,
} from '../../src/util/temporary-names.js';
import { UNPRIVILEGED } from '../helpers/cli.js';
import { temporaryDirectory } from '../helpers/images.js';

let folder: string;
beforeAll(() => {
  folder = temporaryDirectory();
});

describe('createFolder', () => {
  it('when several levels are missing then all are created, and a second call is fine',
    async () => {
      const deep = join(folder, 'a', 'b', 'c');
      await createFolder(deep);
      await createFolder(deep);
      expect(readdirSync(join(folder, 'a', 'b'))).toEqual(['c']);
    });

  it('when a file stands where a folder is needed then Node\'s error names it', async () => {
    const file = join(folder, 'plain.txt');
    writeFileSync(file, 'x');
    await expect(createFolder(file)).rejects.toMatchObject({ code: 'EEXIST', path: file });
    await expect(createFolder(join(file, 'below'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.skipIf(!existsSync('/proc/self'))('when the file system takes no new folders (/proc) ' +
    'then it fails once instead of retrying forever', async () => {
    await expect(createFolder('/proc/autothresh-test/sub')).rejects.toMatchObject({
      code: 'ENOENT', syscall: 'mkdir', path: '/proc/autothresh-test',
    });
  });
});

describe('writeFileAtomic', () => {
  it('when the folders are missing then they are created and the file appears whole',
    async () => {
      const path = join(folder, 'new', 'nested', 'data.txt');
      await writeFileAtomic(path, 'content');
      expect(readFileSync(path, 'utf8')).toBe('content');
      expect(readdirSync(join(folder, 'new', 'nested'))).toEqual(['data.txt']);
    });

  it('when the target is a folder then the error names the target, and no temporary is left',
    async () => {
      const target = join(folder, 'taken');
      mkdirSync(target);
      await expect(writeFileAtomic(target, 'x')).rejects.toMatchObject({
        code: 'autothresh.write', message: `${target}: cannot write (is a folder)`,
      });
      expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });

  it('when a parent folder cannot be created then the error names that parent', async () => {
    const file = join(folder, 'parent-file');
    writeFileSync(file, 'x');
    const target = join(file, 'sub', 'out.png');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(
      `${target}: cannot write (${join(file, 'sub')}: part of the path is a file, not a folder)`);
  });

  it.skipIf(UNPRIVILEGED === null)('when the folder is not writable for this user then the ' +
    'error names the target, never the temporary file', () => {
    const shared = temporaryDirectory('autothresh-unprivileged-');
    const locked = join(shared, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(shared, 0o755);
    const target = join(locked, 'out.png');
    const module = new URL('../../dist/util/atomic-write.js', import.meta.url).href;
    const script = `import { writeFileAtomic } from ${JSON.stringify(module)};
      writeFileAtomic(${JSON.stringify(target)}, 'x').catch((error) => {
        process.stdout.write(error.code + ' ' + error.message);
      });`;
    const [program, ...prefix] = [...(UNPRIVILEGED ?? []), 'node'];
    const result = spawnSync(program, [...prefix, '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 20_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`autothresh.write ${target}: cannot write (permission denied)`);
  });
});

describe('writeFileAtomic and symbolic links, FIFOs', () => {
  it('when the path is a symbolic link then its file is replaced and the link kept', async () => {
    const root = temporaryDirectory('autothresh-links-');
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'elsewhere', 'real.txt'), 'old');
    symlinkSync(join('elsewhere', 'real.txt'), join(root, 'link.txt'));
    await writeFileAtomic(join(root, 'link.txt'), 'new');
    expect(lstatSync(join(root, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, 'elsewhere', 'real.txt'), 'utf8')).toBe('new');
    expect(readdirSync(join(root, 'elsewhere'))).toEqual(['real.txt']);
  });

  it('when the link leads to nothing then its target is created', async () => {
    const root = temporaryDirectory('autothresh-links-');
    symlinkSync('made.txt', join(root, 'link.txt'));
    await writeFilesAtomic([{ path: join(root, 'link.txt'), data: 'made' }]);
    expect(lstatSync(join(root, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, 'made.txt'), 'utf8')).toBe('made');
  });

  it('when the link leads into a folder that does not exist then no folder is made there',
    async () => {
      const root = temporaryDirectory('autothresh-links-');
      symlinkSync(join('nodir', 'deeper', 'x.txt'), join(root, 'link.txt'));
      const refusal = `${join(root, 'link.txt')}: cannot write (is a symbolic link to ` +
        `${JSON.stringify(join('nodir', 'deeper', 'x.txt'))}, whose folder does not exist)`;
      await expect(writeFileAtomic(join(root, 'link.txt'), 'x')).rejects.toMatchObject(
        { code: 'autothresh.write', message: refusal });
      await expect(writeFilesAtomic([{ path: join(root, 'link.txt'), data: 'x' }]))
        .rejects.toMatchObject({ message: refusal });
      expect(readdirSync(root)).toEqual(['link.txt']);
      // A linked folder on the way is no link at the file itself: folders below it are made.
      mkdirSync(join(root, 'real'));
      symlinkSync('real', join(root, 'dir'));
      await writeFileAtomic(join(root, 'dir', 'sub', 'y.txt'), 'y');
      expect(readFileSync(join(root, 'real', 'sub', 'y.txt'), 'utf8')).toBe('y');
    });

  it('when links chain, loop or climb out of a linked folder then the system\'s resolution ' +
    'is followed', async () => {
    const root = temporaryDirectory('autothresh-links-');
    // a → b → c, c missing: c is created, both links kept.
    symlinkSync('b', join(root, 'a'));
    symlinkSync('c', join(root, 'b'));
    await writeFileAtomic(join(root, 'a'), 'chained');
    expect(readFileSync(join(root, 'c'), 'utf8')).toBe('chained');
    expect(lstatSync(join(root, 'b')).isSymbolicLink()).toBe(true);
    // A loop is refused, naming the path given.
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    await expect(writeFileAtomic(join(root, 'loop1'), 'x')).rejects.toMatchObject(
      { message: `${join(root, 'loop1')}: cannot write (symbolic link loop)` });
    expect(lstatSync(join(root, 'loop2')).isSymbolicLink()).toBe(true);
    // `..` in a link inside a linked folder climbs from the folder's real place.
    mkdirSync(join(root, 'srv', 'site', 'out'), { recursive: true });
    symlinkSync(join('srv', 'site', 'out'), join(root, 'out'));
    symlinkSync(join('..', 'published.html'), join(root, 'out', 'link.html'));
    expect(writeTargetOf(join(root, 'out', 'link.html')))
      .toBe(join(root, 'srv', 'site', 'published.html'));
    // A plain `..` after the linked folder lands there too, with its temporary beside it.
    await writeFileAtomic(`${root}/out/../climbed.txt`, 'up'); // not join(): it drops `out/..`
    expect(readFileSync(join(root, 'srv', 'site', 'climbed.txt'), 'utf8')).toBe('up');
    expect(readdirSync(root).sort()).toEqual(['a', 'b', 'c', 'loop1', 'loop2', 'out', 'srv']);
    // Files written as one into a looping folder: the loop is named, not a temporary file.
    await expect(writeFilesAtomic([{ path: join(root, 'loop1', 'w.bin'), data: 'x' }]))
      .rejects.toMatchObject({ message: expect.not.stringContaining('.tmp') });
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)('when the path is a FIFO then ' +
    'the write is refused naming it, and the FIFO is left as it was', async () => {
    const root = temporaryDirectory('autothresh-fifo-');
    const fifo = join(root, 'pipe.html');
    spawnSync('mkfifo', [fifo]);
    await expect(writeFileAtomic(fifo, 'x')).rejects.toMatchObject(
      { message: `${fifo}: cannot write (is a FIFO, not a regular file)` });
    await expect(writeFilesAtomic([{ path: fifo, data: 'x' }])).rejects.toMatchObject(
      { message: `${fifo}: cannot write (is a FIFO, not a regular file)` });
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(root)).toEqual(['pipe.html']);
  });
});

describe('outputFileError', () => {
  /** A Node-style file-system error. */
  function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`${code}: something, ${syscall} '${path}'`),
      { code, syscall, path });
  }

  it('when the failing call was about the temporary file then only the target is named', () => {
    const error = fsError('ENOSPC', 'write', 'out/.a.png.4242.9f3c01ab.tmp');
    expect(outputFileError('out/a.png', error).message)
      .toBe('out/a.png: cannot write (no space left on the device)');
  });

  it('when the error is not a file-system error then its message is kept on one line', () => {
    expect(outputFileError('out/a.png', new Error('encoder\nfailed')).message)
      .toBe('out/a.png: cannot write (encoder failed)');
  });
});

describe('temporary files of long names', () => {
  /** Names of 250 ASCII bytes, and of 2-, 3- and 4-byte UTF-8 characters up to 255 bytes. */
  const LONG_NAMES = [
    'a'.repeat(246) + '.txt', 'é'.repeat(127), '€'.repeat(85), `${'😀'.repeat(63)}abc`,
  ];

  it('when a name is near 255 bytes then the temporary name fits, whole characters only', () => {
    for (const name of LONG_NAMES) {
      const temporary = temporaryNameOf(name);
      expect(Buffer.byteLength(temporary), name).toBeLessThanOrEqual(NAME_MAX);
      expect(Buffer.from(temporary).toString()).toBe(temporary); // no character cut in two
      expect(temporary).toMatch(/^\..+\.\d+\.[0-9a-f]{8}\.tmp$/);
      expect(name.startsWith(temporary.slice(1).replace(/\.\d+\.[0-9a-f]{8}\.tmp$/, '')))
        .toBe(true);
      expect(temporaryNameOf(name)).not.toBe(temporary);
      expect(isTemporaryNameOf(temporary, name)).toBe(true);
      expect(isTemporaryNameOf(temporary, 'x.png')).toBe(false);
      // A file named after it (label's `<name>.partial`) counts as the file's own too.
      expect(isTemporaryNameOf(temporaryNameOf(`${name}.partial`), name)).toBe(true);
    }
    expect(temporaryNameOf('a.png')).toMatch(/^\.a\.png\.\d+\.[0-9a-f]{8}\.tmp$/);
  });

  it('when a name is near 255 bytes then writeFileAtomic and writeFilesAtomic write it',
    async () => {
      const root = temporaryDirectory();
      for (const name of LONG_NAMES) {
        await writeFileAtomic(join(root, name), `one ${name}`);
        expect(readFileSync(join(root, name), 'utf8')).toBe(`one ${name}`);
      }
      await writeFilesAtomic(LONG_NAMES.map((name) => ({ path: join(root, name), data: name })));
      for (const name of LONG_NAMES) expect(readFileSync(join(root, name), 'utf8')).toBe(name);
      expect(readdirSync(root).sort()).toEqual([...LONG_NAMES].sort());
    });

  it('when the failing call was about a shortened temporary then only the target is named',
    () => {
      const path = join('out', 'b'.repeat(250));
      const error = Object.assign(new Error('ENOSPC: no space'), {
        code: 'ENOSPC', syscall: 'write', path: join('out', temporaryNameOf(basename(path))),
      });
      expect(outputFileError(path, error).message)
        .toBe(`${path}: cannot write (no space left on the device)`);
    });
});

describe('writeFileAtomic when the process is interrupted', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'when %s arrives during a large write then no temporary file is left', (signal) => {
      const target = temporaryDirectory('autothresh-signal-');
      const moduleUrl = new URL('../../dist/util/atomic-write.js', import.meta.url).href;
      // The signal is sent once the temporary file has started to grow; 400 MB take long
      // enough to write that it comes while the write is still going on.
      const script = `
        const { readdirSync, statSync } = await import('node:fs');
        const { writeFileAtomic } = await import(${JSON.stringify(moduleUrl)});
        const folder = ${JSON.stringify(target)};
        const data = new Uint8Array(400 * 1024 * 1024);
        setInterval(() => {
          const growing = readdirSync(folder).some((name) =>
            name.endsWith('.tmp') && statSync(folder + '/' + name).size > 0);
          if (growing) process.kill(process.pid, ${JSON.stringify(signal)});
        }, 1);
        await writeFileAtomic(folder + '/big.bin', data);
        console.log('finished');
        process.exit(0);
      `;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8', timeout: 60_000,
      });
      expect(child.signal, child.stderr).toBe(signal);
      expect(child.stdout).not.toContain('finished');
      expect(readdirSync(target)).toEqual([]);
    });
});

describe('writeFilesAtomic', () => {
  it('when every file is written then all are replaced and no temporary file is left', async () => {
    const folder = temporaryDirectory();
    writeFileSync(join(folder, 'a.txt'), 'old a');
    await writeFilesAtomic([
      { path: join(folder, 'a.txt'), data: 'new a' },
      { path: join(folder, 'sub', 'b.txt'), data: new Uint8Array([98]) },
    ]);
    expect(readFileSync(join(folder, 'a.txt'), 'utf8')).toBe('new a');
    expect(readFileSync(join(folder, 'sub', 'b.txt'), 'utf8')).toBe('b');
    expect(readdirSync(folder).sort()).toEqual(['a.txt', 'sub']);
  });

  it('when one file cannot be written then none is replaced, and the error names it',
    async () => {
      const folder = temporaryDirectory();
      writeFileSync(join(folder, 'a.txt'), 'old a');
      mkdirSync(join(folder, 'b.txt', 'inside'), { recursive: true });
      await expect(writeFilesAtomic([
        { path: join(folder, 'a.txt'), data: 'new a' },
        { path: join(folder, 'b.txt'), data: 'new b' },
      ])).rejects.toMatchObject({
        code: 'autothresh.write', message: `${join(folder, 'b.txt')}: cannot write (is a folder)`,
      });
      expect(readFileSync(join(folder, 'a.txt'), 'utf8')).toBe('old a');
      expect(readdirSync(folder).sort()).toEqual(['a.txt', 'b.txt']);
    });

  it('when SIGINT arrives while the last file is written then every old file is kept',
    () => {
      const target = temporaryDirectory('autothresh-signal-');
      writeFileSync(join(target, 'first.txt'), 'old first');
      writeFileSync(join(target, 'big.bin'), 'old big');
      const moduleUrl = new URL('../../dist/util/atomic-write.js', import.meta.url).href;
      const script = `
        const { readdirSync, statSync } = await import('node:fs');
        const { writeFilesAtomic } = await import(${JSON.stringify(moduleUrl)});
        const folder = ${JSON.stringify(target)};
        setInterval(() => {
          const growing = readdirSync(folder).some((name) =>
            name.startsWith('.big.bin') && statSync(folder + '/' + name).size > 0);
          if (growing) process.kill(process.pid, 'SIGINT');
        }, 1);
        await writeFilesAtomic([
          { path: folder + '/first.txt', data: 'new first' },
          { path: folder + '/big.bin', data: new Uint8Array(400 * 1024 * 1024) },
        ]);
        console.log('finished');
        process.exit(0);
      `;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8', timeout: 60_000,
      });
      expect(child.signal, child.stderr).toBe('SIGINT');
      expect(readdirSync(target).sort()).toEqual(['big.bin', 'first.txt']);
      expect(readFileSync(join(target, 'first.txt'), 'utf8')).toBe('old first');
      expect(readFileSync(join(target, 'big.bin'), 'utf8')).toBe('old big');
    });
});
