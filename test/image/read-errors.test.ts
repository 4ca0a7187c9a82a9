import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Reading fails after `stat` succeeded, as for a file this user may not read (root, as in many
// containers, may read anything, so the failure is simulated).
vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return {
    ...actual,
    readFile: async (path: string) => {
      if (String(path).endsWith('locked.png')) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`),
          { code: 'EACCES', syscall: 'open', path });
      }
      return actual.readFile(path);
    },
  };
});

const { readImage } = await import('../../src/image/decode.js');

describe('readImage on a file that cannot be read', () => {
  it('when reading is refused then one line says so without Node\'s error text', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'autothresh-read-'));
    try {
      const file = join(folder, 'locked.png');
      writeFileSync(file, 'not empty');
      await expect(readImage(file)).rejects.toMatchObject({
        code: 'autothresh.decode',
        message: `${file}: cannot read (permission denied)`,
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
