/**
 * The policy of test/helpers/shared.ts for tests that need things from outside the repository:
 * skipped locally with a message, failed under AUTOTHRESH_CI=1.
 */
import { basename, dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function freshHelper(ci: boolean) {
  vi.resetModules();
  vi.stubEnv('AUTOTHRESH_CI', ci ? '1' : '');
  return import('../helpers/shared.js');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('requirements of tests', () => {
  it('when a program is missing locally then tests skip and a message says what is missing',
    async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const { program } = await freshHelper(false);
      const missing = program('/nonexistent/browser', 'install it');
      expect(missing).toMatchObject({ available: false, skip: true });
      expect(missing.suffix).toBe(' (skipped: /nonexistent/browser missing)');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('/nonexistent/browser is missing'));
      expect(() => missing.check()).toThrow(/\/nonexistent\/browser is missing/);
    });

  it('when a requirement is missing under CI then tests run and check() fails them', async () => {
    const { sharedData, IN_CI } = await freshHelper(true);
    expect(IN_CI).toBe(true);
    const missing = sharedData('no-such-folder');
    expect(missing).toMatchObject({ available: false, skip: false, suffix: '' });
    expect(() => missing.check()).toThrow(/AUTOTHRESH_CI=1 makes a missing requirement a failure/);
  });

  it('when located then the shared folder is ../shared beside the repository root', async () => {
    const { SHARED_ROOT, REPOSITORY_ROOT } = await freshHelper(false);
    expect(basename(SHARED_ROOT)).toBe('shared');
    expect(dirname(SHARED_ROOT)).toBe(dirname(resolve(REPOSITORY_ROOT)));
  });
});
