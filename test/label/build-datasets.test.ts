/**
 * `scripts/build-datasets.ts` against the command lines datasets/README.md gives for each file:
 * on two small sets made of the samples, every file must hold exactly the records of those
 * commands, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { formatLabelRecord, readLabelRecords } from '../../src/label/records-io.js';
import { sampleImage, sampleMask } from './helpers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SETS: Record<string, string[]> = {
  cells: ['dsb2018-tissue-0bf33d3d', 'nuclei-nih3t3-dna-00'],
  docs: ['dibco2009-H03', 'isbi2012-em-00'],
};

async function cli(...args: string[]): Promise<number> {
  const quiet = { stdout: () => {}, stderr: () => {}, stderrIsTTY: false };
  return run(['node', 'autothresh', ...args], quiet);
}

describe('npm run datasets', () => {
  let root: string;
  let shared: string;
  let out: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'autothresh-build-'));
    shared = join(root, 'shared');
    out = join(root, 'out');
    for (const [set, names] of Object.entries(SETS)) {
      await mkdir(join(shared, set, 'images'), { recursive: true });
      await mkdir(join(shared, set, 'masks'), { recursive: true });
      for (const name of names) {
        await copyFile(sampleImage(name), join(shared, set, 'images', `${name}.png`));
        await copyFile(sampleMask(name), join(shared, set, 'masks', `${name}.png`));
      }
    }
    const built = spawnSync('npx', [
      'tsx', 'scripts/build-datasets.ts', '--shared', shared, '--out', out, '--skip-samples',
      '--crops-per-set', '6', '--min-crops', '0', '--synthetic', '2', '--seed', '3',
    ], { cwd: repoRoot, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toContain('cells: 2 images, 3 crops per image');
  }, 240_000);
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  /** Records of `label` on one set with `extra` options, as JSON Lines text. */
  async function labelSet(set: string, extra: string[], keep = (_: string) => true) {
    const file = join(root, `${set}-${extra.length}.jsonl`);
    const code = await cli('label', '--images', join(shared, set, 'images'),
      '--masks', join(shared, set, 'masks'), '--id-prefix', `${set}/`, '-o', file, ...extra);
    expect(code).toBe(0);
    return (await readLabelRecords(file))
      .filter((record) => keep(record.augmentation === undefined ? 'own' : 'variant'))
      .map(formatLabelRecord).join('');
  }

  it('when real.jsonl is rebuilt then it holds the plain label records of every set', async () => {
    const expected = (await labelSet('cells', [])) + (await labelSet('docs', []));
    expect(await readFile(join(out, 'real.jsonl'), 'utf8')).toBe(expected);
  });

  it('when augmented.jsonl.gz is rebuilt then it holds the augmented label records', async () => {
    const options = [
      '--crops', '3', '--augment', '--variants', '1', '--pixel-variants', '3', '--seed', '3',
    ];
    const variants = (kind: string) => kind === 'variant';
    const expected = (await labelSet('cells', options, variants)) +
      (await labelSet('docs', options, variants));
    const text = gunzipSync(await readFile(join(out, 'augmented.jsonl.gz'))).toString('utf8');
    expect(text).toBe(expected);
    const kinds = new Set(text.trimEnd().split('\n').flatMap((line) =>
      (JSON.parse(line).augmentation.steps as Array<{ kind: string }>).map((step) => step.kind)));
    for (const kind of ['blur', 'jpeg', 'gradient']) expect(kinds).toContain(kind);
  });

  it('when synthetic.jsonl is rebuilt then it holds the records of synth + label', async () => {
    const folder = join(root, 'synthetic');
    expect(await cli('synth', '-n', '2', '-o', folder, '--seed', '3')).toBe(0);
    const file = join(root, 'synthetic.jsonl');
    expect(await cli('label', '--images', join(folder, 'images'), '--masks',
      join(folder, 'masks'), '--synthetic', '--id-prefix', 'synthetic/', '-o', file)).toBe(0);
    expect(await readFile(join(out, 'synthetic.jsonl'), 'utf8'))
      .toBe(await readFile(file, 'utf8'));
  });
});
