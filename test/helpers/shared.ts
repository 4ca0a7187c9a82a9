/**
 * Things some tests need from outside the repository: the shared data folder `../shared` beside
 * the repository root (real images with masks, reference thresholds) and programs such as
 * Debian's Chromium.
 *
 * Policy: locally, a test whose requirement is missing is skipped, with a message on stderr
 * saying what is missing and how to get it. Under continuous integration (`AUTOTHRESH_CI=1`,
 * exported by `.ci/run`) it is not skipped: it runs and fails on {@link Requirement.check}, so
 * a CI machine without the data or the browser cannot pass by skipping.
 *
 *   const dibco = sharedData('datasets/dibco2009');
 *   it.skipIf(dibco.skip)(`when … then …${dibco.suffix}`, async () => {
 *     dibco.check();
 *     … dibco.path …
 *   });
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `../shared` beside the repository root, however the repository was cloned. */
export const SHARED_ROOT = join(REPOSITORY_ROOT, '..', 'shared');

/** True under continuous integration, where missing requirements fail instead of skipping. */
export const IN_CI = process.env.AUTOTHRESH_CI === '1';

export interface Requirement {
  /** Absolute path of the folder, file or program. */
  readonly path: string;
  readonly available: boolean;
  /** Whether tests needing it are skipped: missing, and not under CI. */
  readonly skip: boolean;
  /** Appended to test names: empty, or ` (skipped: … missing)`. */
  readonly suffix: string;
  /** Throws, naming the path and the fix, when it is missing (call first in the test). */
  check(): void;
}

/** A path below `../shared` (e.g. `datasets/dibco2009`). */
export function sharedData(relative: string): Requirement {
  return requirement(
    join(SHARED_ROOT, relative),
    `${relative} under ../shared`,
    'place the shared data folder beside the repository',
  );
}

/** An executable program, e.g. `/usr/bin/chromium`. */
export function program(path: string, install: string): Requirement {
  return requirement(path, path, install);
}

const warned = new Set<string>();

function requirement(path: string, what: string, fix: string): Requirement {
  const available = existsSync(path);
  const skip = !available && !IN_CI;
  if (skip && !warned.has(path)) {
    warned.add(path);
    console.warn(`skipping tests that need ${what} (${path} is missing; ${fix})`);
  }
  return {
    path,
    available,
    skip,
    suffix: skip ? ` (skipped: ${what} missing)` : '',
    check() {
      if (!available) {
        throw new Error(`${path} is missing: this test needs ${what} (${fix}); ` +
          'AUTOTHRESH_CI=1 makes a missing requirement a failure, not a skip');
      }
    },
  };
}
