import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinkOnPath, repeatedPath } from '../../src/util/folders.js';
import { temporaryDirectory } from '../helpers/images.js';

describe('repeatedPath', () => {
  it('when two paths name one file or folder, by spelling or by a link, then the second is named',
    () => {
      const root = temporaryDirectory();
      mkdirSync(join(root, 'images'));
      writeFileSync(join(root, 'a.jsonl'), '');
      symlinkSync(join(root, 'images'), join(root, 'link'));
      expect(repeatedPath([join(root, 'images'), `${root}/./images/`])).toBe(`${root}/./images/`);
      expect(repeatedPath([join(root, 'images'), join(root, 'link')])).toBe(join(root, 'link'));
      expect(repeatedPath([join(root, 'a.jsonl'), join(root, 'images')])).toBeUndefined();
      // Paths that do not exist are compared as written, resolved.
      expect(repeatedPath(['missing/x', './missing/x'])).toBe('./missing/x');
      expect(repeatedPath(['missing/x', 'missing/y'])).toBeUndefined();
    });
});

describe('brokenLinkOnPath', () => {
  /** A folder holding a link to nothing, a loop of two links, a link to a folder, a file. */
  function links(): string {
    const root = temporaryDirectory();
    mkdirSync(join(root, 'folder'));
    writeFileSync(join(root, 'file'), '');
    symlinkSync('nowhere', join(root, 'dangling'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    symlinkSync('folder', join(root, 'good'));
    return root;
  }

  it('when the path or a parent is a link to nothing then that link is named', async () => {
    const root = links();
    const what = 'a symbolic link to "nowhere", which does not exist';
    const dangling = join(root, 'dangling');
    expect(await brokenLinkOnPath(dangling)).toEqual({ level: dangling, what });
    expect(await brokenLinkOnPath(join(dangling, 'a', 'b.jsonl')))
      .toEqual({ level: dangling, what });
  });

  it('when the path or a parent is a symbolic link loop then that link is named', async () => {
    const root = links();
    const loop = join(root, 'loop1');
    expect(await brokenLinkOnPath(loop)).toEqual({ level: loop, what: 'a symbolic link loop' });
    expect(await brokenLinkOnPath(join(loop, 'r.html')))
      .toEqual({ level: loop, what: 'a symbolic link loop' });
  });

  it('when every link on the path leads somewhere, or nothing exists, then there is none',
    async () => {
      const root = links();
      for (const path of [join(root, 'good'), join(root, 'good', 'new', 'x'), join(root, 'file'),
        join(root, 'new', 'deeper'), 'relative/new']) {
        expect(await brokenLinkOnPath(path), path).toBeNull();
      }
    });
});
