import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { drdOf } from '../../src/bench/drd.js';
import { confusionOfMasks, metricsOfConfusion } from '../../src/bench/metrics.js';
import type { BenchResult } from '../../src/bench/results.js';
import { NothingToScoreError, runBench } from '../../src/bench/runner.js';
import { isAutothreshError } from '../../src/errors.js';
import { binarizeWithMap, localThresholdMap } from '../../src/methods/local/index.js';
import { DEFAULT_MODEL_DIRECTORY } from '../../src/model/index.js';
import {
  writeBenchDataset, writeBenchRecords, writeModelVariant, type BenchDataset,
} from '../helpers/bench-data.js';
import { temporaryDirectory, writeRaw } from '../helpers/images.js';
import { loadMetricFixtures, thresholdMask } from './metric-fixtures.js';

const GLOBALS = ['otsu', 'li', 'yen', 'isodata', 'triangle', 'mean', 'moments', 'max-entropy'];

let dataset: BenchDataset;
let result: BenchResult;

beforeAll(async () => {
  dataset = await writeBenchDataset();
  result = await runBench({
    images: [{ images: dataset.images, masks: dataset.masks }],
    methods: [...GLOBALS, 'sauvola', 'oracle'],
  });
});

describe('runBench on image input', () => {
  const fixtures = loadMetricFixtures();

  it('when the crops are read then every image and method has a result', () => {
    expect(result.images.map((image) => image.id).sort()).toEqual(fixtures.map((f) => f.name));
    expect(result.images.every((image) => image.dataset === 'docs')).toBe(true);
    expect(result.results).toHaveLength(fixtures.length * (GLOBALS.length + 2));
    expect(result.failures).toEqual([]);
  });

  it('when global methods are scored from histograms then they equal a pixel pass', () => {
    for (const row of result.results.filter((item) => item.kind !== 'local')) {
      const image = result.images[row.image];
      const fixture = fixtures.find((item) => item.name === image.id)!;
      const predicted = thresholdMask(fixture.gray, row.threshold!, row.polarity!);
      const expected = metricsOfConfusion(confusionOfMasks(fixture.truth, predicted));
      for (const [key, value] of Object.entries(expected)) {
        expect(row.metrics![key as keyof typeof expected], `${row.method} ${key}`)
          .toBeCloseTo(value, 12);
      }
      const drd = drdOf(fixture.truth, predicted, fixture.width, fixture.height)!;
      expect(Math.abs(row.metrics!.drd! - drd)).toBeLessThan(1e-9 * Math.max(1, drd));
      expect(row.metrics!.thresholdError).toBe(Math.abs(row.threshold! - row.bestThreshold!));
      expect(row.bestThreshold).toBe(image.bestThresholds[row.polarity!]);
    }
  });

  it('when a local method is scored then it equals binarizing its map on the pixels', () => {
    for (const row of result.results.filter((item) => item.kind === 'local')) {
      const fixture = fixtures.find((item) => item.name === result.images[row.image].id)!;
      const image = {
        width: fixture.width, height: fixture.height, bitDepth: 8 as const,
        data: fixture.gray, included: null,
      };
      const predicted = binarizeWithMap(image, localThresholdMap('sauvola', image), row.polarity!);
      const expected = metricsOfConfusion(confusionOfMasks(fixture.truth, predicted));
      expect(row.metrics!.fmeasure).toBeCloseTo(expected.fmeasure, 12);
      expect(row.metrics!.psnr).toBeCloseTo(expected.psnr, 12);
      expect(row.metrics!.drd!)
        .toBeCloseTo(drdOf(fixture.truth, predicted, fixture.width, fixture.height)!, 9);
      expect(row.threshold).toBeNull();
      expect(row.metrics!.thresholdError).toBeNull();
    }
  });

  it('when the oracle is scored then no global threshold beats it and it is the brute-force best',
    () => {
      for (const [index, image] of result.images.entries()) {
        const fixture = fixtures.find((item) => item.name === image.id)!;
        let best = -1;
        for (let t = 0; t < 256; t++) {
          const predicted = thresholdMask(fixture.gray, t, 'dark');
          const { fmeasure } = metricsOfConfusion(confusionOfMasks(fixture.truth, predicted));
          best = Math.max(best, fmeasure);
        }
        const rows = result.results.filter((row) => row.image === index && row.kind !== 'local');
        const oracle = rows.find((row) => row.kind === 'oracle')!;
        expect(oracle.metrics!.fmeasure).toBeCloseTo(best, 12);
        for (const row of rows) expect(row.metrics!.fmeasure).toBeLessThanOrEqual(best + 1e-12);
      }
    });

  it('when the same images come as labelled records then global metrics agree, DRD is null',
    async () => {
      const file = writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'));
      const fromRecords = await runBench({
        data: [file], methods: [...GLOBALS, 'sauvola', 'oracle'],
      });
      expect(fromRecords.notes.join(' ')).toMatch(/need pixels/);
      expect(fromRecords.results.some((row) => row.kind === 'local')).toBe(false);
      for (const row of fromRecords.results) {
        const id = fromRecords.images[row.image].id;
        const twin = result.results.find((item) =>
          item.method === row.method && result.images[item.image].id === id)!;
        expect(row.threshold).toBe(twin.threshold);
        expect(row.metrics!.fmeasure).toBeCloseTo(twin.metrics!.fmeasure, 12);
        expect(row.metrics!.psnr).toBeCloseTo(twin.metrics!.psnr, 12);
        expect(row.metrics!.drd).toBeNull();
      }
      // Best thresholds of both polarities: searched on pixels, or taken from the record.
      for (const image of fromRecords.images) {
        const twin = result.images.find((item) => item.id === image.id)!;
        expect(image.bestThresholds).toEqual(twin.bestThresholds);
      }
    });
});

describe('runBench details', () => {
  it('when a region of interest is given then errors outside it are not counted', async () => {
    // 16×8 image: text (value 30) in column 2 of every row, background 220; one dark speck
    // (value 30, background in truth) at column 12, outside the ROI (left half).
    const root = temporaryDirectory();
    const width = 16;
    const gray = new Uint8Array(width * 8).fill(220);
    const mask = new Uint8Array(width * 8);
    const roi = new Uint8Array(width * 8);
    for (let y = 0; y < 8; y++) {
      gray[y * width + 2] = 30;
      mask[y * width + 2] = 255;
      for (let x = 0; x < 8; x++) roi[y * width + x] = 255;
    }
    gray[3 * width + 12] = 30;
    for (const [folder, pixels] of [['images', gray], ['masks', mask], ['roi', roi]] as const) {
      mkdirSync(join(root, 'set', folder), { recursive: true });
      await writeRaw(join(root, 'set', folder, 'a.png'), pixels, width, 8, 1);
    }
    const source = { images: join(root, 'set', 'images'), masks: join(root, 'set', 'masks') };
    const whole = await runBench({ images: [source], methods: ['otsu'] });
    const inside = await runBench({
      images: [{ ...source, roi: join(root, 'set', 'roi') }], methods: ['otsu'],
    });
    // Whole image: 8 text pixels found, 1 false (the speck): precision 8/9, 128 pixels.
    expect(whole.results[0].metrics!.precision).toBeCloseTo(8 / 9, 12);
    expect(whole.results[0].metrics!.accuracy).toBeCloseTo(127 / 128, 12);
    // Inside the ROI (64 pixels) the binarization is perfect.
    expect(inside.results[0].metrics!.precision).toBe(1);
    expect(inside.results[0].metrics!.accuracy).toBe(1);
    expect(inside.results[0].metrics!.psnr).toBeCloseTo(10 * Math.log10(64), 12);
    expect(inside.settings.roi).toBe(true);
  });

  it('when a mask has the wrong size then that image fails and the others are scored', async () => {
    const broken = await writeBenchDataset();
    const [first] = loadMetricFixtures();
    await writeRaw(join(broken.masks, `${first.name}.png`), new Uint8Array(100), 10, 10, 1);
    const outcome = await runBench({
      images: [{ images: broken.images, masks: broken.masks }], methods: ['otsu'],
    });
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0].file).toContain(first.name);
    expect(outcome.failures[0].message).toMatch(/mask is 10×10 pixels/);
    expect(outcome.images).toHaveLength(loadMetricFixtures().length - 1);
  });

  it('when an explicitly given model folder does not exist then it is a usage error naming it',
    async () => {
      const missing = join(temporaryDirectory(), 'missing');
      const error = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }],
        methods: ['learned', 'otsu'], models: [missing],
      }).catch((caught: unknown) => caught);
      expect(isAutothreshError(error, 'autothresh.usage')).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`^option --model: ${missing}: `));
    });

  it('when a model folder has a broken metadata.json then the error names that file',
    async () => {
      const model = writeModelVariant(temporaryDirectory(), 'broken');
      writeFileSync(join(model, 'metadata.json'), '{"schemaVersion": ');
      let read = 0;
      const error = await runBench({
        data: [writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'))],
        methods: ['learned', 'otsu'], models: [model],
        progress: () => ({ tick: () => void read++, stop: () => {} }),
      }).catch((caught: unknown) => caught);
      expect(isAutothreshError(error, 'autothresh.usage')).toBe(true);
      expect((error as Error).message)
        .toMatch(new RegExp(`^option --model: ${join(model, 'metadata.json')}: `));
      expect(read).toBe(0);
    });

  it('when an images, masks or ROI folder cannot be listed then it is a failure, the rest scored',
    async () => {
      const root = temporaryDirectory();
      const missing = join(root, 'missing');
      const file = join(root, 'file.png');
      writeFileSync(file, '');
      const outcome = await runBench({
        images: [
          { images: missing, masks: dataset.masks },
          { images: dataset.images, masks: file },
          { images: dataset.images, masks: dataset.masks, roi: join(root, 'roi') },
          { images: dataset.images, masks: dataset.masks },
        ],
        methods: ['otsu'],
      });
      expect(outcome.failures).toEqual([
        { file: missing, message: 'no such folder' },
        { file, message: 'is a file, not a folder' },
        { file: join(root, 'roi'), message: 'no such folder' },
      ]);
      expect(outcome.images).toHaveLength(loadMetricFixtures().length);
    });

  it('when records alone are scored with the default methods then local rows are left out',
    async () => {
      const file = writeBenchRecords(join(temporaryDirectory(), 'docs.jsonl'));
      const outcome = await runBench({ data: [file] });
      expect(outcome.methods.some((method) => method.kind === 'local')).toBe(false);
      expect(outcome.methods.some((method) => method.name === 'otsu')).toBe(true);
      expect(outcome.notes).toContain('local methods (sauvola, adaptive-gaussian) left out: ' +
        'they need pixels, and records (--data) have none');
      const named = await runBench({ data: [file], methods: ['otsu', 'sauvola'] });
      expect(named.methods.map((method) => method.name)).toEqual(['otsu', 'sauvola']);
      expect(named.notes).toContain('local methods (sauvola) need pixels: not run on records ' +
        '(no image was scored: their rows are empty)');
      const error = await runBench({ data: [file], localParams: { window: 31 } })
        .catch((caught: unknown) => caught);
      expect(isAutothreshError(error, 'autothresh.usage')).toBe(true);
      expect((error as Error).message).toMatch(/^option --window: sets a parameter of the local/);
    });

  it('when learned comes from the default set then a missing shipped model only drops it',
    async () => {
      const outcome = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }],
      });
      const hasModel = existsSync(join(DEFAULT_MODEL_DIRECTORY, 'model.json'));
      expect(outcome.methods.some((method) => method.name === 'learned')).toBe(hasModel);
      if (!hasModel) expect(outcome.notes.join(' ')).toMatch(/learned: skipped/);
    });

  it('when a mask has no foreground or no background pixel then that image fails by its mask',
    async () => {
      const broken = await writeBenchDataset();
      const [first, second] = loadMetricFixtures();
      const size = first.width * first.height;
      await writeRaw(join(broken.masks, `${first.name}.png`), new Uint8Array(size),
        first.width, first.height, 1);
      await writeRaw(join(broken.masks, `${second.name}.png`),
        new Uint8Array(second.width * second.height).fill(255), second.width, second.height, 1);
      const outcome = await runBench({
        images: [{ images: broken.images, masks: broken.masks }], methods: ['otsu', 'oracle'],
      });
      expect(outcome.failures).toEqual([
        { file: join(broken.masks, `${first.name}.png`),
          message: 'mask has no foreground pixel (no value > 0)' },
        { file: join(broken.masks, `${second.name}.png`),
          message: 'mask has no background pixel (every value > 0)' },
      ]);
      expect(outcome.images.map((image) => image.id))
        .toEqual(loadMetricFixtures().slice(2).map((fixture) => fixture.name));
    });

  it('when no input can be scored then the error holds every failure, not only the first',
    async () => {
      const broken = await writeBenchDataset();
      const fixtures = loadMetricFixtures();
      for (const fixture of fixtures) {
        await writeRaw(join(broken.masks, `${fixture.name}.png`),
          new Uint8Array(fixture.width * fixture.height), fixture.width, fixture.height, 1);
      }
      const error = await runBench({
        images: [{ images: broken.images, masks: broken.masks }], methods: ['otsu'],
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NothingToScoreError);
      expect(isAutothreshError(error, 'autothresh.noImages')).toBe(true);
      expect((error as NothingToScoreError).failures.map((failure) => failure.file))
        .toEqual(fixtures.map((fixture) => join(broken.masks, `${fixture.name}.png`)));
    });

  it('when a --roi folder holds no image then the run is refused before any image is read',
    async () => {
      const emptyRoi = join(temporaryDirectory(), 'roi');
      mkdirSync(emptyRoi);
      const error = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks, roi: emptyRoi }],
        methods: ['otsu'],
      }).catch((caught: unknown) => caught);
      expect(isAutothreshError(error, 'autothresh.usage')).toBe(true);
      expect((error as Error).message).toBe('option --roi: expected a folder of ' +
        `region-of-interest masks, received ${JSON.stringify(emptyRoi)}, which holds no ` +
        'image file');
    });

  it('when a mask threshold is given then mask values up to it are background', async () => {
    // 8×4 image: gray 20 in the left half, 200 in the right; mask 255 at x 0–1, 100 at x 2–3.
    const root = temporaryDirectory();
    const gray = new Uint8Array(32);
    const mask = new Uint8Array(32);
    for (let i = 0; i < 32; i++) {
      gray[i] = i % 8 < 4 ? 20 : 200;
      mask[i] = i % 8 < 2 ? 255 : i % 8 < 4 ? 100 : 0;
    }
    for (const [folder, pixels] of [['images', gray], ['masks', mask]] as const) {
      mkdirSync(join(root, 'set', folder), { recursive: true });
      await writeRaw(join(root, 'set', folder, 'a.png'), pixels, 8, 4, 1);
    }
    const source = { images: join(root, 'set', 'images'), masks: join(root, 'set', 'masks') };
    const loose = await runBench({ images: [source], methods: ['otsu'] });
    const strict = await runBench({ images: [source], methods: ['otsu'], maskThreshold: 127 });
    // Otsu separates 20 from 200: the whole left half is predicted foreground (dark).
    expect(loose.results[0].metrics!.fmeasure).toBe(1);
    // With values ≤ 127 as background, 8 of the 16 predicted pixels are false positives.
    expect(strict.results[0].metrics!.precision).toBeCloseTo(8 / 16, 12);
    expect(strict.results[0].metrics!.recall).toBe(1);
    expect(strict.settings.maskThreshold).toBe(127);
  });
});

describe('runBench local-method parameters', () => {
  const fixtures = loadMetricFixtures();
  const asImage = (fixture: (typeof fixtures)[number]) => ({
    width: fixture.width, height: fixture.height, bitDepth: 8 as const,
    data: fixture.gray, included: null,
  });

  it('when parameters are given then each local row uses those it takes, and only those',
    async () => {
      const params = { window: 31, k: 0.3 };
      const run = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }],
        methods: ['sauvola', 'adaptive-gaussian'], localParams: params,
      });
      expect(run.settings.localParams).toEqual(params);
      for (const row of run.results) {
        const fixture = fixtures.find((item) => item.name === run.images[row.image].id)!;
        const image = asImage(fixture);
        // adaptive-gaussian takes window and c: k is not passed to it.
        const own = row.method === 'sauvola' ? params : { window: params.window };
        const map = localThresholdMap(row.method as 'sauvola', image, own);
        const predicted = binarizeWithMap(image, map, row.polarity!);
        const expected = metricsOfConfusion(confusionOfMasks(fixture.truth, predicted));
        expect(row.metrics!.fmeasure, row.method).toBeCloseTo(expected.fmeasure, 12);
      }
      const defaults = result.results.filter((row) => row.method === 'sauvola');
      const changed = run.results.filter((row) => row.method === 'sauvola');
      expect(changed.map((row) => row.metrics!.fmeasure))
        .not.toEqual(defaults.map((row) => row.metrics!.fmeasure));
    });

  it.each([
    [{ window: 4 }, ['sauvola'], /^option --window: sauvola expects an odd integer ≥ 3/],
    [{ k: 0.2 }, ['otsu'], /^option --k: sets a parameter of the local methods, and --methods/],
    [{ k: 0.2 }, ['adaptive-gaussian'],
      /^option --k: no local method of this run uses it \(adaptive-gaussian takes window, c\)/],
    [{ r: -1 }, ['sauvola', 'wolf'],
      /^option --r: sauvola expects a finite number > 0/],
  ] as const)('when %j is given for %j then the run is refused naming the option',
    async (params, methods, message) => {
      const error = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }],
        methods, localParams: params,
      }).catch((caught: unknown) => caught);
      expect(isAutothreshError(error, 'autothresh.usage')).toBe(true);
      expect((error as Error).message).toMatch(message);
    });
});

describe('runBench notes on how to read the means', () => {
  const real = new URL('../../datasets/real.jsonl', import.meta.url).pathname;

  it('when a method fails on some records then a note says its means leave them out',
    async () => {
      const result = await runBench({
        data: [real], methods: ['otsu', 'minimum'], summary: { resamples: 20 },
      });
      const failed = result.results.filter((row) => row.method === 'minimum' && row.error);
      expect(failed.length).toBeGreaterThan(0);
      const note = result.notes.find((text) => text.startsWith('minimum failed on'));
      const first = result.images[failed[0].image].source;
      const why = failed[0].error!.replace(/^minimum: /, '');
      expect(note).toBe(`minimum failed on ${failed.length} of 425 images (first on ${first}: ` +
        `${why}); its means, intervals and W/T/L are over the ${425 - failed.length} it scored`);
      expect(result.notes.some((text) => text.startsWith('otsu failed'))).toBe(false);
    });

  it('when records share a source image then a note says the intervals are too narrow',
    async () => {
      const [line] = readFileSync(real, 'utf8').split('\n');
      const record = JSON.parse(line) as { id: string };
      const file = join(temporaryDirectory(), 'crops.jsonl');
      writeFileSync(file, [line, JSON.stringify({ ...record, id: `${record.id}#2` })].join('\n'));
      const shared = await runBench({
        data: [file], methods: ['otsu'], summary: { resamples: 20 },
      });
      expect(shared.notes).toContain('the 2 records come from 1 source image: crops, ' +
        'variants and copies of one image are correlated, so the intervals, which treat every record as ' +
        'independent, are too narrow (score the original records alone for honest intervals)');
      const own = await runBench({ data: [real], methods: ['otsu'], summary: { resamples: 20 } });
      expect(own.notes.some((text) => text.includes('source image'))).toBe(false);
    });
});

describe('runBench on one image given twice', () => {
  /** Records of the bench dataset's images, each with the SHA-256 of its PNG (as `label`). */
  function labelledRecords(file: string, images: string): string[] {
    const lines = readFileSync(writeBenchRecords(file), 'utf8').trim().split('\n')
      .map((line) => {
        const record = JSON.parse(line) as { id: string };
        const png = readFileSync(join(images, `${record.id}.png`));
        return JSON.stringify({ ...record, imageSha256: sha256(png) });
      });
    writeFileSync(file, `${lines.join('\n')}\n`);
    return lines;
  }

  function sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  const twice = (count: number, first: string, second: string) =>
    `${count} images appear twice (same content), e.g. ${first} and ${second}; ` +
    'each copy is scored';

  it('when one record file is given as .jsonl and .jsonl.gz then a note counts the images',
    async () => {
      const plain = join(temporaryDirectory(), 'docs.jsonl');
      const lines = labelledRecords(plain, dataset.images);
      const packed = `${plain}.gz`;
      writeFileSync(packed, gzipSync(`${lines.join('\n')}\n`));
      const result = await runBench({ data: [plain, packed], methods: ['otsu'] });
      expect(result.images).toHaveLength(2 * lines.length);
      expect(result.notes).toContain(twice(lines.length, `${plain}:1`, `${packed}:1`));
    });

  it('when records are labelled from the --images given too then a note names both copies',
    async () => {
      const file = join(temporaryDirectory(), 'docs.jsonl');
      const [first] = labelledRecords(file, dataset.images);
      const id = (JSON.parse(first) as { id: string }).id;
      const result = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }], data: [file],
        methods: ['otsu'],
      });
      const count = loadMetricFixtures().length;
      expect(result.images).toHaveLength(2 * count);
      expect(result.notes).toContain(twice(count, join(dataset.images, `${id}.png`), `${file}:1`));
    });

  it('when the records are crops of the images or share a digest within a file then no note',
    async () => {
      const crops = join(temporaryDirectory(), 'crops.jsonl');
      const lines = labelledRecords(crops, dataset.images).map((line) => JSON.stringify({
        ...JSON.parse(line) as object, augmentation: { steps: [{ kind: 'invert' }] },
      }));
      writeFileSync(crops, `${lines.join('\n')}\n`);
      // Every record of writeBenchRecords has the same placeholder digest.
      const placeholders = writeBenchRecords(join(temporaryDirectory(), 'same.jsonl'));
      const result = await runBench({
        images: [{ images: dataset.images, masks: dataset.masks }], data: [crops, placeholders],
        methods: ['otsu'],
      });
      expect(result.failures).toEqual([]);
      expect(result.notes.filter((note) => note.includes('same content'))).toEqual([]);
    });
});
