import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTensorflow } from '../../src/model/backend.js';
import { isAutothreshError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { realSample } from './helpers.js';

let folder: string;
let data: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'autothresh-train-cli-'));
  data = join(folder, 'records.jsonl');
  const records = await realSample(3);
  await writeFile(data, records.map((record) => JSON.stringify(record)).join('\n'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const TINY = ['--epochs', '2', '--hidden', '8', '--batch-size', '8', '--backend', 'cpu', '--quiet'];

describe('autothresh train', () => {
  it('when given records then it writes a model folder and reports validation', async () => {
    const out = join(folder, 'model');
    const result = await runCli('train', '--data', data, '-o', out, '--val-split', '0.3', ...TINY);
    expect(result.code).toBe(0);
    for (const file of ['model.json', 'weights.bin', 'metadata.json']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    expect(result.stdout).toMatch(/validation \(\d+ records\): F-measure 0\.\d{4}/);
    const metadata = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8'));
    expect(metadata.network.hidden).toEqual([8]);
    expect(metadata.data.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when --runs 2 then it prints mean ± std and fine-tunes with --init', async () => {
    const out = join(folder, 'runs');
    const result = await runCli(
      'train', '--data', data, '-o', out, '--runs', '2', '--json', ...TINY,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.runScores).toHaveLength(2);
    expect(summary.std).not.toBeNull();

    const tuned = join(folder, 'tuned');
    const again = await runCli('train', '--data', data, '-o', tuned, '--init', out, ...TINY);
    expect(again.code).toBe(0);
    const metadata = JSON.parse(await readFile(join(tuned, 'metadata.json'), 'utf8'));
    expect(metadata.training.init).toBe(out);
  });

  it('when an option is malformed then it is a usage error naming it', async () => {
    const result = await runCli('train', '--data', data, '-o', folder, '--hidden', '8,x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--hidden');
  });
});

describe('autothresh tune', () => {
  it('when run on two held-out datasets then it prints a ranked table', async () => {
    const result = await runCli(
      'tune', '--data', data, '--hold-out', 'dibco2009', 'nuclei-nih3t3', ...TINY,
      '--epochs', '1', '--hidden', '4',
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/rank\s+design\s+F-measure/);
    expect(lines).toHaveLength(6);
    const ranks = lines.slice(1).map((line) => line.trim().split(/\s+/)[0]);
    expect(ranks).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('backend choice', () => {
  it('when the native backend is asked for but not installed then it says so', async () => {
    const outcome = await loadTensorflow('tensorflow')
      .then(() => 'loaded', (error: unknown) => error);
    if (outcome === 'loaded') return; // tfjs-node is installed on this machine
    expect(isAutothreshError(outcome, 'autothresh.invalidParameter')).toBe(true);
    expect((outcome as Error).message).toContain('"tensorflow" is not available');
  });

  it('when wasm is asked for then it starts from the installed files', async () => {
    const tf = await loadTensorflow('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
