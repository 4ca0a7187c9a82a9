import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repeatedPath } from '../../src/util/folders.js';
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
