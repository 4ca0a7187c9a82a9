/**
 * Facts about the installed package, read from its `package.json` on demand.
 *
 * The file is found relative to this module, which sits two folders below the package root in
 * every layout the code runs from: `src/util/`, `dist/util/` and the bundled CLI in
 * `dist/bundle/` (see `scripts/bundle-cli.mjs`).
 */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The package version, as in `package.json`. */
export function packageVersion(): string {
  if (version === undefined) {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    version = (JSON.parse(text) as { version: string }).version;
  }
  return version;
}
