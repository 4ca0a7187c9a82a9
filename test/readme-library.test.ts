/**
 * The README's "Library" example, run as a consumer of the built package would run it: in a
 * folder of its own, with the package linked into its node_modules (needs npm run build).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers/images.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** The first fenced block of `language` in the README section `heading`. */
function fencedBlock(heading: string, language: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README section ${heading}`).toBeGreaterThan(0);
  const section = readme.slice(start + 1).split(/\n## /)[0];
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section);
  expect(match, `a ${language} block in ${heading}`).not.toBeNull();
  return match![1];
}

describe('the README library example', () => {
  it('when run against the built package then it prints what the README shows', () => {
    const folder = temporaryDirectory('autothresh-readme-');
    mkdirSync(join(folder, 'node_modules'));
    symlinkSync(ROOT, join(folder, 'node_modules', 'autothresh'));
    symlinkSync(join(ROOT, 'datasets'), join(folder, 'datasets'));
    writeFileSync(join(folder, 'example.mjs'), fencedBlock('Library', 'js'));
    const child = spawnSync('node', ['example.mjs'], { cwd: folder, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const printed = child.stdout.trimEnd().split('\n');
    const shown = fencedBlock('Library', 'text').trimEnd().split('\n');
    // The image lines are exact; the trained model's line depends on the backend that ran.
    expect(printed.slice(0, 2)).toEqual(shown.slice(0, 2));
    expect(printed[2]).toMatch(/^trained on \w+, validation F 0\.\d{3}, threshold \d+$/);
    expect(shown[2]).toMatch(/^trained on \w+, validation F 0\.\d{3}, threshold \d+$/);
    expect(printed).toHaveLength(3);
  }, 120_000);
});
