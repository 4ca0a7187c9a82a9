import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTensorflow } from '../../src/model/backend.js';
import { isAutothreshError } from '../../src/errors.js';
import { DEFAULT_MODEL_DIRECTORY } from '../../src/model/index.js';
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

const SHORT = ['--epochs', '2', '--batch-size', '8', '--backend', 'cpu', '--quiet'];
const TINY = [...SHORT, '--hidden', '8'];

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
    const again = await runCli('train', '--data', data, '-o', tuned, '--init', out, ...SHORT);
    expect(again.code).toBe(0);
    const metadata = JSON.parse(await readFile(join(tuned, 'metadata.json'), 'utf8'));
    expect(metadata.training.init).toBe(out);
    expect(metadata.network.hidden).toEqual([8]);

    // The architecture is the parent's: changing it is a usage error; so is an existing --out.
    const changed = await runCli(
      'train', '--data', data, '-o', join(folder, 'changed'), '--init', out, ...TINY,
    );
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/--hidden: cannot be changed when fine-tuning with --init/);
    const existing = await runCli('train', '--data', data, '-o', tuned, ...TINY);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toMatch(/--out: .* already exists .* --force/);
    const forced = await runCli('train', '--data', data, '-o', tuned, '--force', ...TINY);
    expect(forced.code).toBe(0);
  });

  it('when --init and --out are one folder then every run starts from the model as it was',
    async () => {
      const base = join(folder, 'in-place-base');
      const made = await runCli('train', '--data', data, '-o', base, ...TINY);
      expect(made.code, made.stderr).toBe(0);
      const same = join(folder, 'in-place');
      await cp(base, same, { recursive: true });
      const options = ['--data', data, '--runs', '2', '--epochs', '2', '--batch-size', '8',
        '--backend', 'cpu', '--val-split', '0.3', '--json'];
      const apart = await runCli('train', ...options, '--init', base, '-o', join(folder, 'apart'));
      const inPlace = await runCli('train', ...options, '--init', same, '-o', same, '--force');
      expect(inPlace.code, inPlace.stderr).toBe(0);
      // The second run's losses show where it started: from the first run's save, if re-read.
      const losses = (stderr: string) => [...stderr.matchAll(/epoch \d+\/\d+ +loss (\S+)/g)]
        .map((match) => match[1]);
      expect(losses(inPlace.stderr)).toHaveLength(4);
      expect(losses(inPlace.stderr)).toEqual(losses(apart.stderr));
      expect(JSON.parse(inPlace.stdout).runScores).toEqual(JSON.parse(apart.stdout).runScores);
      const weights = await readFile(join(same, 'weights.bin'));
      expect(weights.equals(await readFile(join(folder, 'apart', 'weights.bin')))).toBe(true);
      expect(weights.equals(await readFile(join(base, 'weights.bin')))).toBe(false);
    });

  it('when --val holds images of --data then it is a usage error',
    async () => {
      const same = await runCli(
        'train', '--data', data, '--val', data, '-o', join(folder, 'leak'), ...TINY,
      );
      expect(same.code).toBe(2);
      expect(same.stderr).toMatch(/option --val: \d+ of \d+ validation records come from images/);
    });

  it('when head weights and temperatures are given then the metadata records them', async () => {
    const out = join(folder, 'weights');
    const result = await runCli(
      'train', '--data', data, '-o', out, '--head-weights', '1,0,0.5', '--temperature', '6,2',
      ...TINY,
    );
    expect(result.code).toBe(0);
    const metadata = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8'));
    expect(metadata.training.headWeights).toEqual({ threshold: 1, polarity: 0, quality: 0.5 });
    expect(metadata.training.temperature).toEqual({ start: 6, end: 2 });
  });

  it('when an option is malformed then it is a usage error naming it', async () => {
    for (const [option, value] of [['--head-weights', '1,2'], ['--temperature', '4,0']]) {
      const bad = await runCli('train', '--data', data, '-o', folder, option, value);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(option);
    }
    const result = await runCli('train', '--data', data, '-o', folder, '--hidden', '8,x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--hidden');
  });

  it('when a list option has the right count but wrong values then the message says what',
    async () => {
      const cases: [string, string, string][] = [
        ['--temperature', '0,0', 'expected temperatures > 0 (in bins); 0 is not'],
        ['--temperature', '4,-1', 'expected temperatures > 0 (in bins); -1 is not'],
        ['--temperature', '4', 'expected 2 numbers start,end such as 4,0.5, found 1'],
        ['--temperature', '4,0x1', 'expected 2 numbers start,end such as 4,0.5; "0x1" is not'],
        ['--head-weights', '0,0,0', 'expected at least one weight > 0'],
        ['--head-weights', '1,-0.5,0', 'expected weights ≥ 0; -0.5 is negative'],
        ['--head-weights', '1,2', 'expected 3 numbers t,p,q such as 1,0.3,0.3, found 2'],
        ['--hidden', '0', 'expected widths that are integers from 1 to 4096; 0 is not one'],
        ['--hidden', '8,1e6', 'expected widths that are integers from 1 to 4096; 1000000 is not'],
        ['--hidden', '8,,4', 'expected comma-separated widths such as 128,64; "" is not a number'],
      ];
      for (const [option, value, message] of cases) {
        for (const command of ['train', 'tune']) {
          const out = command === 'train' ? ['-o', join(folder, 'never')] : [];
          const bad = await runCli(command, '--data', data, ...out, option, value);
          expect(bad.code, `${command} ${option} ${value}`).toBe(2);
          const line = `autothresh: option ${option}: ${message}`;
          expect(bad.stderr.startsWith(line), bad.stderr).toBe(true);
          expect(bad.stderr.endsWith(`, received "${value}"\n`), bad.stderr).toBe(true);
        }
      }
      expect(existsSync(join(folder, 'never'))).toBe(false);
    });

  it('when --out cannot be written then it is a usage error before any training', async () => {
    const file = join(folder, 'a-file');
    await writeFile(file, 'x');
    const inside = await runCli('train', '--data', data, '-o', join(file, 'model'), ...TINY);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toBe(
      `autothresh: option --out: cannot write ${join(file, 'model')} (${file}: is a file, ` +
        'not a folder)\n');
    const itself = await runCli('train', '--data', data, '-o', file, ...TINY);
    expect(itself.stderr).toBe(`autothresh: option --out: ${file} is a file, not a folder\n`);
  });

  it('when --init is not a usable model folder then it is a usage error naming the file',
    async () => {
      const broken = join(folder, 'broken-init');
      await cp(DEFAULT_MODEL_DIRECTORY, broken, { recursive: true });
      await writeFile(join(broken, 'metadata.json'), '{ broken');
      const out = join(folder, 'from-broken');
      const result = await runCli('train', '--data', data, '-o', out, '--init', broken, ...SHORT);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(
        `^autothresh: option --init: ${broken}/metadata\\.json: not valid JSON \\(.*\\)\n$`));

      const missing = await runCli('train', '--data', data, '-o', out, '--init', join(folder, 'x'));
      expect(missing.code).toBe(2);
      expect(missing.stderr)
        .toBe(`autothresh: option --init: ${join(folder, 'x')}: no such folder\n`);
      expect(existsSync(out)).toBe(false);
    });
});

/** The records of `file` as threshold labels only (no mask, no class histograms). */
async function manualCopy(file: string, out: string): Promise<string> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    for (const field of ['maskSha256', 'foregroundHistogram', 'backgroundHistogram',
      'objective', 'bestScore', 'bestRange', 'labelling']) delete record[field];
    return JSON.stringify({ ...record, labelKind: 'manual' });
  });
  await writeFile(out, `${lines.join('\n')}\n`);
  return out;
}

describe('autothresh train on threshold labels, few images, several runs', () => {
  it('when validation has threshold labels only then the best epoch has the least error',
    async () => {
      const manual = await manualCopy(data, join(folder, 'manual.jsonl'));
      const out = join(folder, 'manual-model');
      const result = await runCli('train', '--data', manual, '-o', out, '--val-split', '0.3',
        '--json', ...TINY, '--epochs', '6', '--runs', '2');
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.validation.fmeasure).toBeNull();
      expect(summary.runScore).toBe('thresholdError');
      expect(summary.runScores).toHaveLength(2);
      expect(summary.runScores[0]).toBe(summary.validation.thresholdMae);
      expect(summary.epochs).toBe(6);
      expect(summary.epochsRun).toBe(6);
      expect(summary.bestEpoch).toBeGreaterThanOrEqual(1);
      const metadata = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8'));
      expect(metadata.validation.fmeasure).toBeNull();

      const text = await runCli('train', '--data', manual, '-o', join(folder, 'manual-text'),
        '--val-split', '0.3', ...TINY, '--epochs', '2', '--runs', '2');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('threshold labels only (no class histograms)');
      expect(text.stdout).toMatch(/\nepochs: 2 of 2 run; the weights of epoch [12], the best on /);
      expect(text.stdout).toMatch(/2 runs: validation mean \|threshold error\| \(bins\) \d/);
    });

  it('when several runs have no validation record then it refuses before training',
    async () => {
      const result = await runCli('train', '--data', data, '-o', join(folder, 'no-val'),
        '--runs', '2', '--val-split', '0', ...TINY);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('autothresh: option --runs: runs are compared by their ' +
        'validation scores, and there is no validation record (with --val-split 0); give ' +
        '--val files\n');
      expect(existsSync(join(folder, 'no-val'))).toBe(false);
    });

  it('when trained from scratch on one histogram then it refuses, on a few images it warns',
    async () => {
      const one = join(folder, 'one.jsonl');
      await writeFile(one, `${(await readFile(data, 'utf8')).split('\n')[0]}\n`);
      const single = await runCli('train', '--data', one, '-o', join(folder, 'one-model'),
        ...TINY);
      expect(single.code).toBe(1);
      expect(single.stderr).toBe('autothresh: option --data: the one training record has one ' +
        'histogram, from which a model trained from scratch learns nothing; fine-tune the ' +
        'shipped model instead (--init default)\n');
      const tuned = await runCli('train', '--data', one, '-o', join(folder, 'one-tuned'),
        '--init', 'default', ...SHORT);
      expect(tuned.code).toBe(0);

      const few = join(folder, 'few.jsonl');
      const lines = (await readFile(data, 'utf8')).trim().split('\n').slice(0, 4);
      await writeFile(few, `${lines.join('\n')}\n`);
      const warned = await runCli('train', '--data', few, '-o', join(folder, 'few-model'),
        '--val-split', '0', ...TINY);
      expect(warned.code).toBe(0);
      expect(warned.stdout).toContain('\nepochs: 2 of 2 run; the last epoch\'s weights kept (no ' +
        'validation)\n');
      expect(warned.stderr).toContain('warning: training from scratch on 4 source images: a ' +
        'model learns little from so few; fine-tune the shipped model instead (--init default)');
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

  it('when --patience is given, or no held-out set has class histograms, then it refuses',
    async () => {
      const patience = await runCli('tune', '--data', data, '--patience', '3', ...TINY);
      expect(patience.code).toBe(2);
      expect(patience.stderr).toMatch(/^autothresh: option --patience: tune trains every fold/);
      const manual = await manualCopy(data, join(folder, 'manual-tune.jsonl'));
      const unscored = await runCli('tune', '--data', manual, ...TINY);
      expect(unscored.code).toBe(2);
      expect(unscored.stderr).toBe('autothresh: option --data: no dataset has original ' +
        'records labelled from masks, so none can be held out and scored by F-measure\n');
    });

  it('when a held-out dataset is unknown or only one dataset is given then it refuses',
    async () => {
      const unknown = await runCli('tune', '--data', data, '--hold-out', 'nope', ...TINY);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr)
        .toMatch(/--hold-out: no original records labelled from masks in dataset 'nope'/);

      const single = join(folder, 'single.jsonl');
      const records = (await realSample(3)).filter((record) => record.dataset === 'dibco2009');
      await writeFile(single, records.map((record) => JSON.stringify(record)).join('\n'));
      const one = await runCli('tune', '--data', single, ...TINY);
      expect(one.code).toBe(2);
      expect(one.stderr).toMatch(/at least two datasets, found 1 \(dibco2009\)/);
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

describe('training option choices', () => {
  it('when listed by the CLI then they are exactly the model code choices', async () => {
    const { TRAINING_CHOICES } = await import('../../src/cli/commands/train.js');
    const { NORMALIZATIONS, LOSS_NAMES } = await import('../../src/model/config.js');
    const { BACKEND_NAMES } = await import('../../src/model/backend.js');
    const { FEATURE_SET_NAMES } = await import('../../src/model/features.js');
    const { BASE_METHODS } = await import('../../src/model/examples.js');
    expect(TRAINING_CHOICES.normalizations).toEqual(NORMALIZATIONS);
    expect(TRAINING_CHOICES.losses).toEqual(LOSS_NAMES);
    expect(TRAINING_CHOICES.backends).toEqual(BACKEND_NAMES);
    expect(TRAINING_CHOICES.featureSets).toEqual(FEATURE_SET_NAMES);
    expect(TRAINING_CHOICES.bases).toEqual(BASE_METHODS);
  });
});

describe('tune grid', () => {
  it('when the help names the grid sizes then they are the sizes of the grids', async () => {
    const { candidateGrid } = await import('../../src/model/tune.js');
    const { DEFAULT_TRAIN_CONFIG } = await import('../../src/model/train.js');
    const help = await runCli('tune', '--help');
    const quick = candidateGrid(DEFAULT_TRAIN_CONFIG, 'quick').length;
    const full = candidateGrid(DEFAULT_TRAIN_CONFIG, 'full').length;
    expect(help.stdout).toContain(`quick (${quick} designs) or full (${full} designs)`);
  });
});
