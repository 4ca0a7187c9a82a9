import { spawnSync } from 'node:child_process';
import {
  chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync,
  unlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  writeBenchDataset, writeBenchRecords, writeModelVariant, type BenchDataset,
} from '../helpers/bench-data.js';
import { DEFAULT_MODEL_DIRECTORY } from '../../src/model/index.js';
import { BUILT_BIN, jsonLines, runCli, spawnBuilt, UNPRIVILEGED } from '../helpers/cli.js';
import { temporaryDirectory, writeRaw } from '../helpers/images.js';
import { REPOSITORY_ROOT } from '../helpers/shared.js';

let dataset: BenchDataset;
const METHODS = 'otsu,li,sauvola,oracle';

beforeAll(async () => {
  dataset = await writeBenchDataset();
});

describe('autothresh bench', () => {
  it('when run on images and masks then stdout holds the aligned summary table', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', METHODS);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^autothresh bench: 3 images in 1 dataset; polarity truth/);
    expect(outcome.stdout).toMatch(/\notsu\s+3\s+\d+\.\d\d\s/);
    expect(outcome.stdout).toMatch(/\noracle\s+3\s+/);
    expect(outcome.stdout).toContain('W/T/L vs otsu');
  });

  it('when --json is given then stdout is JSON Lines with image rows and summaries', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', METHODS, '--json', '--quiet');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    const lines = jsonLines(outcome.stdout);
    expect(lines[0].type).toBe('settings');
    const images = lines.filter((line) => line.type === 'image');
    expect(images).toHaveLength(3 * 4);
    const otsu = images.find((line) => line.method === 'otsu')!;
    expect(otsu).toMatchObject({ dataset: 'docs', kind: 'global', polarity: 'dark' });
    expect(typeof otsu.drd).toBe('number');
    const summary = lines.find((line) =>
      line.type === 'summary' && line.dataset === 'all' && line.method === 'li');
    expect(summary).toMatchObject({ images: 3, failed: 0 });
  });

  it('when --csv is given then there is a header and one line per image and method', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', METHODS, '--csv');
    const lines = outcome.stdout.trim().split('\n');
    expect(lines).toHaveLength(1 + 12);
    expect(lines[0]).toMatch(/^dataset,id,source,method,kind,threshold,polarity/);
  });

  it('when --markdown is given then stdout holds Markdown tables', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu,oracle', '--markdown');
    expect(outcome.stdout).toContain('## autothresh bench');
    expect(outcome.stdout).toMatch(/\| otsu \| 3 \| \d+\.\d\d \|/);
  });

  it('when --data is given then records are scored, grouped by file or by their dataset',
    async () => {
      const file = join(temporaryDirectory(), 'records.jsonl');
      const lines = readFileSync(new URL('../../datasets/real.jsonl', import.meta.url), 'utf8')
        .split('\n').filter((line) => line.includes('"dataset":"dibco2009"'));
      writeFileSync(file, `${lines.join('\n')}\n`);
      const outcome = await runCli('bench', '--data', file, '--methods', 'otsu,oracle', '--json');
      expect(outcome.code).toBe(0);
      // One dataset in the file: the group is named after the file.
      const summary = jsonLines(outcome.stdout).find((line) =>
        line.type === 'summary' && line.dataset === 'records' && line.method === 'otsu') as
        { images: number; metrics: { fmeasure: { mean: number }; drd: { mean: number | null } } };
      expect(summary.images).toBe(10);
      expect(100 * summary.metrics.fmeasure.mean).toBeCloseTo(78.6, 0);
      expect(summary.metrics.drd.mean).toBeNull();

      const real = fileURLToPath(new URL('../../datasets/real.jsonl', import.meta.url));
      const both = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--data', real, '--methods', 'otsu', '--json');
      const groups = new Set(jsonLines(both.stdout)
        .filter((line) => line.type === 'summary').map((line) => line.dataset));
      expect(groups.has('dibco2009')).toBe(true); // the file holds eleven datasets
      expect(groups.has('docs')).toBe(true);
      expect(groups.size).toBe(1 + 11 + 1); // docs, the eleven, all
    });

  it('when --polarity auto is given then every row takes the model\'s side, the oracle too',
    async () => {
      const model = writeModelVariant(temporaryDirectory(), 'bright', { polarity: 'bright' });
      const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'learned,otsu,sauvola,oracle', '--model', model, '--polarity', 'auto',
        '--json');
      expect(outcome.code).toBe(0);
      const lines = jsonLines(outcome.stdout);
      expect(lines[0]).toMatchObject({ type: 'settings', polarity: 'auto' });
      const rows = lines.filter((line) => line.type === 'image');
      expect(rows).toHaveLength(3 * 4);
      expect(rows.every((row) => row.polarity === 'bright' && row.truthPolarity === 'dark'))
        .toBe(true);
      for (const row of rows.filter((item) => item.method === 'oracle')) {
        expect(row.threshold).toBe(row.bestThreshold);
      }
      const terminal = await runCli('bench', '--images', dataset.images, '--masks',
        dataset.masks, '--methods', 'otsu,oracle', '--polarity', 'auto');
      expect(terminal.stdout).toContain('polarity auto (every row but the model takes the side');
      expect(terminal.stderr).toContain('polarity auto: from the shipped model');
    });

  it('when --model is repeated then each model gets its own row, named after its folder',
    async () => {
      const parent = temporaryDirectory();
      const base = writeModelVariant(parent, 'base');
      const shifted = writeModelVariant(parent, 'plus8', { thresholdShift: 8 });
      const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'learned,otsu', '--model', base, '--model', shifted, '--json');
      expect(outcome.code).toBe(0);
      const lines = jsonLines(outcome.stdout);
      expect((lines[0].methods as { name: string }[]).map((method) => method.name))
        .toEqual(['learned:base', 'learned:plus8', 'otsu']);
      const rows = lines.filter((line) => line.type === 'image');
      for (const id of new Set(rows.map((row) => row.id))) {
        const of = (method: string) => rows.find((row) => row.id === id && row.method === method)!;
        const shift = (of('learned:plus8').threshold as number) -
          (of('learned:base').threshold as number);
        expect(Math.abs(shift - 8)).toBeLessThanOrEqual(1);
      }
      const summaries = lines.filter((line) => line.type === 'summary' && line.dataset === 'all');
      expect(summaries.map((line) => line.method))
        .toEqual(['learned:base', 'learned:plus8', 'otsu']);

      // Two folders of the same name, in different places: the second row gets a suffix.
      const namesake = writeModelVariant(temporaryDirectory(), 'base');
      const same = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'learned', '--model', base, '--model', namesake, '--csv');
      const methods = same.stdout.trim().split('\n').slice(1).map((line) => line.split(',')[3]);
      expect(new Set(methods)).toEqual(new Set(['learned:base', 'learned:base-2']));
    });

  it('when an images folder is empty then the message names it and the run exits 1',
    async () => {
      const root = temporaryDirectory();
      const empty = join(root, 'empty');
      const emptyMasks = join(root, 'empty-masks');
      mkdirSync(empty);
      mkdirSync(emptyMasks);
      const alone = await runCli('bench', '--images', empty, '--masks', emptyMasks);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toBe(`${empty}: no image files in this folder\n` +
        'autothresh: bench: no image or record to score (1 problem, listed above)\n');
      const mixed = await runCli('bench', '--images', empty, '--masks', emptyMasks,
        '--images', dataset.images, '--masks', dataset.masks, '--methods', 'otsu');
      expect(mixed.code).toBe(1);
      expect(mixed.stderr).toContain(`${empty}: no image files in this folder`);
    });

  it('when otsu is not among --methods then the table explains the empty W/T/L column',
    async () => {
      const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'li,oracle');
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toContain('W/T/L: – because otsu, the reference, is not among');
      expect(outcome.stdout).toContain('Per image: --csv or --json');
      // The run's description does not promise a comparison that was not made.
      expect(outcome.stdout.split('\n')[0]).not.toContain('W/T/L');
      const compared = await runCli('bench', '--images', dataset.images, '--masks',
        dataset.masks, '--methods', 'otsu,li');
      expect(compared.stdout.split('\n')[0]).toContain('W/T/L = per-image F-measure against otsu');
    });

  it('when --verbose is given then it says where the work ran', () => {
    const records = writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'));
    const inline = spawnBuilt(['--verbose', 'bench', '--data', records, '--methods', 'otsu'],
      { timeout: 30_000 });
    expect(inline.stderr).toContain('autothresh: bench: 0 image pairs and 3 records, on the ' +
      'main thread (the default for this size)');
    // Records alone are called records in the tables.
    expect(inline.stdout).toMatch(/^All records\nmethod +records +F %/m);
    const pooled = spawnBuilt(['--verbose', 'bench', '--data', records, '--methods', 'otsu',
      '--workers', '2'], { timeout: 30_000 });
    expect(pooled.stderr).toContain('records, on 2 worker threads\n');
  });

  it('when --workers is out of range then it exits 2 naming the option', async () => {
    const outcome = await runCli('bench', '--data', 'x.jsonl', '--workers', '-1');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/option --workers: expected an integer from 0 to 64/);
  });

  it('when a method name is mistyped then it exits 2 with a suggestion', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu,sauvolla');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/unknown method "sauvolla" \(did you mean sauvola\?\)/);
  });

  it('when --masks does not pair with --images or no input is given then it exits 2', async () => {
    expect((await runCli('bench', '--images', dataset.images)).code).toBe(2);
    const none = await runCli('bench', '--methods', 'otsu');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/expected --images <dir> with --masks <dir>, or --data/);
    const two = await runCli('bench', '--data', 'x.jsonl', '--json', '--csv');
    expect(two.code).toBe(2);
  });

  it('when one image has no usable mask then it is reported, the rest scored, exit 1', async () => {
    const broken = await writeBenchDataset();
    await writeRaw(join(broken.images, 'extra.png'), new Uint8Array(16).fill(9), 4, 4, 1);
    const outcome = await runCli('bench', '--images', broken.images, '--masks', broken.masks,
      '--methods', 'otsu', '--json');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/extra\.png: no mask named extra\.\*/);
    const lines = jsonLines(outcome.stdout);
    expect(lines.filter((line) => line.type === 'image')).toHaveLength(3);
    expect(lines[0].failures).toEqual([{
      file: join(broken.images, 'extra.png'), message: `no mask named extra.* in ${broken.masks}`,
    }]);
  });

  it('when --html is given then the report is written and named on stderr', async () => {
    const file = join(temporaryDirectory(), 'report.html');
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu,oracle', '--html', file);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain(`wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toContain('<canvas id="fmeasure-chart">');
  });

  it('when --html names a folder then it exits 2 before the run, writing nothing', async () => {
    const folder = temporaryDirectory();
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu', '--html', folder);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toBe(`autothresh: option --html: expected a file to write, received ` +
      `${JSON.stringify(folder)}, which is a folder\n`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('when the --html folder takes no new files then it exits 2 before the run', async () => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'otsu', '--html', '/proc/r.html');
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    // As root /proc looks writable and only a file created there fails; otherwise it is not.
    const asRoot = 'cannot write /proc/r.html (the file system takes no new files here)';
    const asUser = 'expected a file to write, received "/proc/r.html", but /proc is not writable';
    expect([asRoot, asUser].map((problem) => `autothresh: option --html: ${problem}\n`))
      .toContain(outcome.stderr);
  });

  it('when the --html folder is missing then it is created and the report written',
    async () => {
      const file = join(temporaryDirectory(), 'new', 'sub', 'report.html');
      const outcome = await runCli('bench', '--images', dataset.images, '--masks',
        dataset.masks, '--methods', 'otsu', '--html', file, '--quiet');
      expect(outcome.code).toBe(0);
      expect(readdirSync(join(file, '..'))).toEqual(['report.html']);
    });

  it('when an --images folder is missing then it is reported and the rest scored, exit 1',
    async () => {
      const missing = join(temporaryDirectory(), 'nope');
      const outcome = await runCli('bench', '--images', dataset.images, '--masks',
        dataset.masks, '--images', missing, '--masks', dataset.masks, '--methods', 'otsu',
        '--json', '--quiet');
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toBe(`${missing}: no such folder\n`);
      expect(jsonLines(outcome.stdout).filter((line) => line.type === 'image')).toHaveLength(3);
    });

  it.skipIf(UNPRIVILEGED === null)('when the --images and --masks folders may not be listed ' +
    'then a line says so for each and the records are scored (exit 1)', () => {
    const shared = temporaryDirectory('autothresh-unprivileged-');
    chmodSync(shared, 0o755);
    const records = writeBenchRecords(join(shared, 'docs.jsonl'));
    chmodSync(records, 0o644);
    const locked = join(shared, 'locked');
    const lockedMasks = join(shared, 'locked-masks');
    for (const folder of [locked, lockedMasks]) {
      mkdirSync(folder);
      chmodSync(folder, 0o311);
    }
    const outcome = spawnBuilt(['bench', '--images', locked, '--masks', lockedMasks, '--data',
      records, '--methods', 'otsu', '--csv', '--quiet'], { unprivileged: true, timeout: 30_000 });
    expect(outcome.stderr).toBe(`${locked}: cannot list this folder (permission denied)\n` +
      `${lockedMasks}: cannot list this folder (permission denied)\n`);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout.trim().split('\n')).toHaveLength(1 + 3);
  });

  it('when --data names a folder then its line says so in plain words', async () => {
    const folder = temporaryDirectory();
    const outcome = await runCli('bench', '--data', folder, '--methods', 'otsu');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(`${folder}: cannot read (is a folder)\n` +
      'autothresh: bench: no image or record to score (1 problem, listed above)\n');
  });

  it.each([
    ['otsu,,li', 'expected method names separated by single commas, received "otsu,,li", ' +
      'which has an empty entry'],
    ['otsu,', 'expected method names separated by single commas, received "otsu,", which ' +
      'has an empty entry'],
    [' , ', 'expected a comma-separated list of method names, received " , "'],
    ['otsu,li,otsu', '"otsu" is listed twice'],
  ])('when --methods is %j then it exits 2 saying what is wrong', async (list, message) => {
    const outcome = await runCli('bench', '--data', 'x.jsonl', '--methods', list);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(`autothresh: option --methods: ${message}\n`);
  });

  it('when the same --model folder is given twice then it exits 2 before reading anything',
    async () => {
      const outcome = await runCli('bench', '--data', 'x.jsonl', '--model', 'models/default',
        '--model', './models/default/');
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toBe('autothresh: option --model: ./models/default/ is given twice ' +
        '(each model is one row)\n');
      const named = await runCli('bench', '--data', 'x.jsonl', '--model', 'default',
        '--model', 'models/default');
      expect(named.code).toBe(2);
      expect(named.stderr).toBe('autothresh: option --model: models/default is given twice ' +
        `(each model is one row; default is ${DEFAULT_MODEL_DIRECTORY})\n`);
    });

  it.each([
    [['--data', 'x.jsonl', '--data', './x.jsonl'], '--data', './x.jsonl', 'its records'],
    [['--images', 'a', '--masks', 'm', '--images', 'a/', '--masks', 'n'], '--images', 'a/',
      'its images'],
  ])('when an input is given twice (%j) then it exits 2: it would count twice',
    async (args, option, repeated, what) => {
      const outcome = await runCli('bench', ...args);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toBe(`autothresh: option ${option}: ${repeated} is given twice ` +
        `(${what} would count twice)\n`);
    });

  it('when --max-pixels is below the images\' size then each pair fails naming the limit',
    async () => {
      const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'otsu', '--max-pixels', '10');
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toMatch(/more than the limit of 10 \(raise it with --max-pixels\)/);
      expect(outcome.stderr).toContain('bench: no image or record to score');
    });

  it('when --html would write over a record file or into an input folder then it exits 2',
    async () => {
      const records = writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'));
      const before = readFileSync(records, 'utf8');
      const over = await runCli('bench', '--data', records, '--html', records);
      expect(over.code).toBe(2);
      expect(over.stderr).toBe(`autothresh: option --html: ${records} is the record file ` +
        `${records}; write the report elsewhere\n`);
      expect(readFileSync(records, 'utf8')).toBe(before);
      const mask = join(dataset.masks, readdirSync(dataset.masks)[0]);
      const inside = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--html', mask);
      expect(inside.code).toBe(2);
      expect(inside.stderr).toBe(`autothresh: option --html: ${mask} lies in the input folder ` +
        `${dataset.masks}; write the report elsewhere\n`);
      // Through a symbolic link to an input folder, and into a model folder, the shipped one too.
      const link = join(temporaryDirectory(), 'link');
      symlinkSync(dataset.images, link);
      const linked = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--html', join(link, 'new.html'));
      expect(linked.code).toBe(2);
      expect(linked.stderr).toContain(`lies in the input folder ${dataset.images}`);
      const shipped = join(REPOSITORY_ROOT, 'models', 'default', 'metadata.json');
      const model = await runCli('bench', '--data', records, '--html', shipped);
      expect(model.code).toBe(2);
      expect(model.stderr).toContain('lies in the input folder');
    });

  it('when --masks is the --images folder then it exits 2: every image would be its own mask',
    async () => {
      const outcome = await runCli('bench', '--images', dataset.images, '--masks',
        `${dataset.images}/`);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toBe(`autothresh: option --masks: ${dataset.images}/ is the ` +
        '--images folder it pairs with; the masks need a folder of their own\n');
    });

  it('when the --model folder does not load then it exits 2 naming the option, reading nothing',
    async () => {
      const missing = join(temporaryDirectory(), 'nonexist');
      const outcome = await runCli('bench', '--images', dataset.images, '--masks',
        dataset.masks, '--methods', 'learned,otsu', '--model', missing);
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toMatch(new RegExp(`^autothresh: option --model: ${missing}: .+\n$`));
    });

  it('when records alone are scored with the default methods then no local row is shown',
    async () => {
      const file = join(temporaryDirectory(), 'docs.jsonl');
      writeBenchRecords(file);
      const outcome = await runCli('bench', '--data', file);
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toMatch(/\notsu\s+3\s/);
      expect(outcome.stdout).not.toMatch(/sauvola|adaptive-gaussian/);
      expect(outcome.stderr).toContain('warning: local methods (sauvola, adaptive-gaussian) ' +
        'left out: they need pixels, and records (--data) have none\n');
    });

  it('when a mask has no foreground pixel then its line names the mask, the rest is scored',
    async () => {
      const broken = await writeBenchDataset();
      const [name] = readdirSync(broken.masks);
      const empty = join(broken.masks, name);
      await writeRaw(empty, new Uint8Array(200 * 200), 200, 200, 1);
      const outcome = await runCli('bench', '--images', broken.images, '--masks', broken.masks,
        '--methods', 'otsu,oracle', '--json', '--quiet');
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toBe(`${empty}: mask has no foreground pixel (no value > 0)\n`);
      const rows = jsonLines(outcome.stdout).filter((line) => line.type === 'image');
      expect(new Set(rows.map((row) => row.id)).size).toBe(2);
    });

  it('when every input fails then every failure is printed, then the summary', async () => {
    const root = temporaryDirectory();
    const noMasks = join(root, 'none');
    mkdirSync(noMasks);
    // A mask of no image: every image is left without one.
    const [someMask] = readdirSync(dataset.masks);
    cpSync(join(dataset.masks, someMask), join(noMasks, 'unrelated.png'));
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', noMasks,
      '--methods', 'otsu');
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3).map((line) => line.replace(/^.*\/images\//, '')))
      .toEqual(readdirSync(dataset.images).sort().map((file) =>
        `${file}: no mask named ${file.replace('.png', '')}.* in ${noMasks}`));
    expect(lines[3]).toBe('autothresh: bench: no image or record to score (3 problems, ' +
      'listed above)');
    expect(lines).toHaveLength(4);
  });

  it('when the masks folder holds no image file then one line names it', async () => {
    const empty = join(temporaryDirectory(), 'empty');
    mkdirSync(empty);
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', empty,
      '--methods', 'otsu');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(`${empty}: no image files in this folder\n` +
      'autothresh: bench: no image or record to score (1 problem, listed above)\n');
  });

  it('when the --roi folder holds no image then it exits 2 with one line', async () => {
    const emptyRoi = join(temporaryDirectory(), 'roi');
    mkdirSync(emptyRoi);
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--roi', emptyRoi, '--methods', 'otsu');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('autothresh: option --roi: expected a folder of ' +
      `region-of-interest masks, received ${JSON.stringify(emptyRoi)}, which holds no image ` +
      'file\n');
  });

  it('when local parameters are given then the local rows use them and the settings say so',
    async () => {
      const args = ['bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'sauvola', '--json'];
      const plain = jsonLines((await runCli(...args)).stdout);
      const tuned = await runCli(...args, '--window', '31', '--k', '0.3');
      expect(tuned.code).toBe(0);
      const lines = jsonLines(tuned.stdout);
      expect(lines[0]).toMatchObject({ type: 'settings', localParams: { window: 31, k: 0.3 } });
      const scores = (rows: typeof lines) => rows.filter((line) => line.type === 'image')
        .map((line) => line.fmeasure);
      expect(scores(lines)).not.toEqual(scores(plain));
      const table = await runCli(...args.slice(0, -1), '--window', '31');
      expect(table.stdout).toContain('local methods with window 31');
    });

  it.each([
    [['--window', '4'], /^autothresh: option --window: sauvola expects an odd integer ≥ 3/],
    [['--window', 'wide'], /^autothresh: option --window: expected a number, received "wide"/],
    [['--c', '3', '--methods', 'sauvola'],
      /^autothresh: option --c: no local method of this run uses it \(sauvola takes window, k/],
    [['--k', '0.2', '--methods', 'otsu'], /^autothresh: option --k: sets a parameter of the local/],
  ])('when %j is given then it exits 2 naming the option', async (extra, message) => {
    const outcome = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
      '--methods', 'sauvola,otsu', ...extra);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('when masks are JPEG then a note advises --mask-threshold, and lossless masks win',
    async () => {
      const jpeg = await writeBenchDataset();
      const names = readdirSync(jpeg.masks);
      for (const name of names) {
        const file = join(jpeg.masks, name);
        await sharp(file).jpeg({ quality: 75 }).toFile(file.replace('.png', '.jpg'));
      }
      unlinkSync(join(jpeg.masks, names[0]));
      const outcome = await runCli('bench', '--images', jpeg.images, '--masks', jpeg.masks,
        '--methods', 'otsu', '--csv');
      expect(outcome.code).toBe(0);
      expect(outcome.stderr).toContain(`${jpeg.masks}: 1 mask is JPEG (${names[0].replace(
        '.png', '.jpg')}): compression leaves gray values beside the mask's edges, which ` +
        '--mask-threshold 0 puts on the wrong side; --mask-threshold 127 is advisable');
      expect(outcome.stderr).toContain(`${join(jpeg.images, names[1])}: masks ` +
        `${names[1].replace('.png', '.jpg')}, ${names[1]} in ${jpeg.masks} match; using ` +
        `${names[1]} (lossless formats are preferred)`);
      const quiet = await runCli('bench', '--images', jpeg.images, '--masks', jpeg.masks,
        '--methods', 'otsu', '--csv', '--mask-threshold', '127');
      expect(quiet.stderr).not.toContain('is JPEG');
    });

  it('when stdout is closed early (| head) then the --html report is still written',
    async () => {
      // More CSV than a pipe holds (64 KiB), so that writing it meets the closed pipe.
      const file = join(temporaryDirectory(), 'report.html');
      const records = join(REPOSITORY_ROOT, 'datasets', 'real.jsonl');
      const command = `node ${BUILT_BIN} bench --data ${records} --methods otsu,li,oracle ` +
        `--csv --html ${file} | head -c 1`;
      // pipefail: the status is autothresh's (0: a closed stdout ends it quietly), not head's.
      const result = spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain('<canvas id="fmeasure-chart">');
    });

  it('when --html is a device, a FIFO or ends in a slash then it exits 2 and replaces nothing',
    async () => {
      const root = temporaryDirectory();
      const fifo = join(root, 'pipe.html');
      const made = spawnSync('mkfifo', [fifo]).status === 0;
      const targets = [
        ['/dev/null', 'which is a device, not a file'],
        ...(made ? [[fifo, 'which is a FIFO, not a file']] : []),
        [`${root}/new/`, 'which ends in a slash, as a folder does'],
      ];
      for (const [target, problem] of targets) {
        const outcome = await runCli('bench', '--images', dataset.images, '--masks',
          dataset.masks, '--methods', 'otsu', '--html', target);
        expect(outcome.code).toBe(2);
        expect(outcome.stderr).toBe('autothresh: option --html: expected a file to write, ' +
          `received ${JSON.stringify(target)}, ${problem}\n`);
      }
      expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
      if (made) expect(statSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(root).sort()).toEqual(made ? ['pipe.html'] : []);
    });

  it('when --html is a symbolic link then the file it leads to is written, the link kept',
    async () => {
      const root = temporaryDirectory();
      mkdirSync(join(root, 'site'));
      const link = join(root, 'report.html');
      symlinkSync(join('site', 'published.html'), link);
      const outcome = await runCli('bench', '--images', dataset.images, '--masks',
        dataset.masks, '--methods', 'otsu', '--html', link, '--quiet');
      expect(outcome.code).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(root, 'site', 'published.html'), 'utf8')).toContain('<canvas');
      expect(readdirSync(join(root, 'site'))).toEqual(['published.html']);
    });

  it('when --html lies in a link to nothing or a loop then exit 2 before any image is scored',
    async () => {
      const root = temporaryDirectory();
      symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
      symlinkSync('loop', join(root, 'loop'));
      const nothing = `a symbolic link to ${JSON.stringify(join(root, 'nowhere'))}, which does ` +
        'not exist';
      for (const [folder, what] of [['loop', 'a symbolic link loop'], ['dangling', nothing]]) {
        const html = join(root, folder, 'r.html');
        const outcome = await runCli('bench', '--images', dataset.images, '--masks',
          dataset.masks, '--methods', 'otsu', '--html', html, '--quiet');
        expect(outcome.code).toBe(2);
        expect(outcome.stdout).toBe('');
        expect(outcome.stderr).toBe('autothresh: option --html: expected a file to write, ' +
          `received ${JSON.stringify(html)}, but ${join(root, folder)} is ${what}\n`);
      }
      expect(readdirSync(root).sort()).toEqual(['dangling', 'loop']);
    });

  it('when --data is a device then it is refused unread; an --html link into inputs exit 2',
    async () => {
      const device = await runCli('bench', '--data', '/dev/zero', '--methods', 'otsu');
      expect(device.code).toBe(1);
      expect(device.stderr.split('\n')[0]).toBe('/dev/zero: is a device, not a record file');
      // A link to nothing that points into the masks folder would create a file there.
      const link = join(temporaryDirectory(), 'report.html');
      symlinkSync(join(dataset.masks, 'new.html'), link);
      const into = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'otsu', '--html', link);
      expect(into.code).toBe(2);
      expect(into.stderr).toBe(`autothresh: option --html: ${link} lies in the input folder ` +
        `${dataset.masks}; write the report elsewhere\n`);
      expect(readdirSync(dataset.masks)).not.toContain('new.html');
      // `..` after a linked folder climbs from the folder's real place: into the masks' parent.
      const elsewhere = temporaryDirectory();
      symlinkSync(dataset.images, join(elsewhere, 'pages'));
      mkdirSync(join(elsewhere, 'masks'));
      const climbed = `${elsewhere}/pages/../masks/r.html`; // not join(): it drops `pages/..`
      const up = await runCli('bench', '--images', dataset.images, '--masks', dataset.masks,
        '--methods', 'otsu', '--html', climbed);
      expect(up.code).toBe(2);
      expect(up.stderr).toContain('lies in the input folder');
    });

  it('when --data is binary (an image given by mistake) then one line says so', async () => {
    const [image] = readdirSync(dataset.images);
    const outcome = await runCli('bench', '--data', join(dataset.images, image),
      '--methods', 'otsu');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.split('\n')[0]).toBe(`${join(dataset.images, image)}: not a JSON ` +
      'Lines file (it holds binary data)');
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(2);
  });

  it('when a record file has many invalid lines then the first 20 are listed, the rest counted',
    async () => {
      const file = join(temporaryDirectory(), 'mixed.jsonl');
      writeBenchRecords(file);
      writeFileSync(file, readFileSync(file, 'utf8') + '{bad\n'.repeat(25));
      const outcome = await runCli('bench', '--data', file, '--methods', 'otsu', '--json');
      expect(outcome.code).toBe(1);
      const lines = outcome.stderr.trimEnd().split('\n');
      expect(lines.filter((line) => line.includes(': not valid JSON'))).toHaveLength(20);
      expect(lines).toContain(`${file}: … and 5 more invalid lines`);
      expect(lines.at(-1)).toBe('bench: 25 problems with the inputs, listed above');
      expect(jsonLines(outcome.stdout).some((line) => line.type === 'image')).toBe(true);
    });

  it('when image folders hold symbolic links then they are followed, a broken one reported',
    async () => {
      const root = temporaryDirectory();
      const images = join(root, 'linked', 'images');
      const masks = join(root, 'linked', 'masks');
      mkdirSync(images, { recursive: true });
      mkdirSync(masks);
      const [image] = readdirSync(dataset.images);
      symlinkSync(join(dataset.images, image), join(images, image));
      symlinkSync(join(dataset.masks, image), join(masks, image));
      symlinkSync(join(root, 'not-fetched.png'), join(images, 'missing.png'));
      cpSync(join(dataset.masks, image), join(masks, 'missing.png'));
      // Without a mask either: still the broken link, not a missing mask.
      symlinkSync('../annex/unfetched.png', join(images, 'unfetched.png'));
      const outcome = await runCli('bench', '--images', images, '--masks', masks,
        '--methods', 'otsu', '--json');
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(`${join(images, 'missing.png')}: broken symbolic link ` +
        `(to ${join(root, 'not-fetched.png')})`);
      expect(outcome.stderr).toContain(`${join(images, 'unfetched.png')}: broken symbolic ` +
        'link (to ../annex/unfetched.png)');
      expect(outcome.stderr).not.toContain('no mask named');
      expect(jsonLines(outcome.stdout).filter((line) => line.type === 'image')).toHaveLength(1);
    });
});
