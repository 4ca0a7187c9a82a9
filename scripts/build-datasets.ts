/**
 * Rebuilds the labelled datasets from the image + mask folders in ../shared/datasets (beside the
 * repository root), into datasets/ by default:
 *
 *   npm run datasets [-- <options>]
 *
 * | option | meaning | default |
 * |---|---|---|
 * | `--shared <dir>` | folder of sets (`<set>/images`, `<set>/masks`) | `../shared/datasets` |
 * | `--out <dir>` | where the files go | `datasets` |
 * | `--sets <a,b>` | only these sets | every set |
 * | `--crops-per-set <n>` | crops aimed at per set, spread over its images | 240 |
 * | `--min-crops <n>`, `--max-crops <n>` | bounds of the crops per image | 4, 500 |
 * | `--crops-per-image <n>` | exactly n crops per image (overrides the three above) | |
 * | `--photometric <n>` | photometric variants per record (the image and each crop) | 1 |
 * | `--pixel-variants <n>` | pixel-level variants per image (blur, JPEG, gradient in turn) | 3 |
 * | `--seed <n>` | seed of the augmentation and of the synthetic series | 1 |
 * | `--synthetic <n>` | synthetic images (0: no synthetic.jsonl) | 1500 |
 * | `--concurrency <n>` | pairs decoded at once | 2 |
 * | `--skip-samples` | do not write `samples/` (it needs the four source sets) | |
 *
 * For model experiments, bigger sets go elsewhere, e.g.
 * `npm run datasets -- --out /tmp/ds --crops-per-set 2400 --photometric 2 --pixel-variants 6`.
 *
 * Writes `<out>/real.jsonl`: one record per original image (F-measure objective), the records of
 * `autothresh label --images <shared>/<set>/images --masks <shared>/<set>/masks
 * --id-prefix <set>/`, set after set.
 * Writes `<out>/augmented.jsonl.gz`: per set, the augmented records of `autothresh label … --crops
 * <crops per image> --augment --variants <photometric> --pixel-variants <n> --seed <seed>
 * --id-prefix <set>/` (that command's records without the originals, which are in real.jsonl).
 * Writes `<out>/synthetic.jsonl`: the records of `autothresh synth -n <n> -o synthetic --seed
 * <seed>` then `autothresh label --images synthetic/images --masks synthetic/masks --synthetic
 * --id-prefix synthetic/`.
 * Writes `<out>/samples/{images,masks}/<name>.png`: a few small pairs (pixels unchanged, cropped
 * where noted) that tests and examples read.
 * Deterministic: the same inputs and options give byte-identical files.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import sharp from 'sharp';
import { AutothreshError, errorMessage, isAutothreshError } from '../src/errors.js';
import { createGrayImage } from '../src/image/gray-image.js';
import {
  encodeGrayPng, findPairs, labelSettings, loadPair, recordsOfLoadedPair, sha256Of,
  synthesizeImage, writeLabelRecords, type LabelRecord, type LabelSettings, type LoadedPair,
} from '../src/label/index.js';

/** Small committed samples: which pair, and the crop (left, top, width, height) if any. */
const SAMPLES = [
  { name: 'dibco2009-H03', set: 'dibco2009', id: 'H03' },
  { name: 'nuclei-nih3t3-dna-00', set: 'nuclei-nih3t3', id: 'dna-00', crop: [336, 256, 672, 512] },
  { name: 'isbi2012-em-00', set: 'isbi2012-em-membrane', id: '00' },
  {
    name: 'dsb2018-tissue-0bf33d3d',
    set: 'dsb2018-bbbc038',
    id: '0bf33d3db4282d918ec3da7112d0bf0427d4eafe74b3ee0bb419770eefe8d7d6',
  },
] as const;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface BuildOptions {
  shared: string;
  out: string;
  sets: string[] | null;
  cropsPerSet: number;
  minCrops: number;
  maxCrops: number;
  cropsPerImage: number | null;
  photometric: number;
  pixelVariants: number;
  seed: number;
  synthetic: number;
  concurrency: number;
  skipSamples: boolean;
}

function parseBuildOptions(): BuildOptions {
  const { values } = parseArgs({
    options: {
      shared: { type: 'string' },
      out: { type: 'string' },
      sets: { type: 'string' },
      'crops-per-set': { type: 'string', default: '240' },
      'min-crops': { type: 'string', default: '4' },
      'max-crops': { type: 'string', default: '500' },
      'crops-per-image': { type: 'string' },
      photometric: { type: 'string', default: '1' },
      'pixel-variants': { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      synthetic: { type: 'string', default: '1500' },
      concurrency: { type: 'string', default: '2' },
      'skip-samples': { type: 'boolean', default: false },
    },
  });
  const integer = (name: keyof typeof values, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) {
      const received = JSON.stringify(values[name]);
      throw new AutothreshError(
        'autothresh.usage', `option --${name}: expected an integer ≥ ${min}, received ${received}`,
      );
    }
    return value;
  };
  return {
    shared: resolve(values.shared ?? join(repoRoot, '..', 'shared', 'datasets')),
    out: resolve(values.out ?? join(repoRoot, 'datasets')),
    sets: values.sets === undefined ? null : values.sets.split(','),
    cropsPerSet: integer('crops-per-set', 0),
    minCrops: integer('min-crops', 0),
    maxCrops: integer('max-crops', 0),
    cropsPerImage: values['crops-per-image'] === undefined ? null : integer('crops-per-image', 0),
    photometric: integer('photometric', 0),
    pixelVariants: integer('pixel-variants', 0),
    seed: integer('seed', 0),
    synthetic: integer('synthetic', 0),
    concurrency: integer('concurrency', 1),
    skipSamples: values['skip-samples'] ?? false,
  };
}

async function main(): Promise<void> {
  const options = parseBuildOptions();
  if (!options.skipSamples) await writeSamples(options.shared, join(options.out, 'samples'));
  const sets = await listSets(options.shared, options.sets);
  const real: LabelRecord[] = [];
  const augmented: LabelRecord[] = [];
  for (const set of sets) {
    const records = await labelSet(options, set);
    real.push(...records.real);
    augmented.push(...records.augmented);
  }
  await writeLabelRecords(join(options.out, 'real.jsonl'), real);
  process.stderr.write(`real.jsonl: ${real.length} records from ${sets.length} sets\n`);
  await writeLabelRecords(join(options.out, 'augmented.jsonl.gz'), augmented);
  process.stderr.write(`augmented.jsonl.gz: ${augmented.length} records\n`);
  if (options.synthetic > 0) {
    const synthetic = await labelSynthetic(options);
    await writeLabelRecords(join(options.out, 'synthetic.jsonl'), synthetic);
    process.stderr.write(`synthetic.jsonl: ${synthetic.length} records\n`);
  }
}

async function writeSamples(sharedDir: string, samplesDir: string): Promise<void> {
  for (const kind of ['images', 'masks']) {
    await mkdir(join(samplesDir, kind), { recursive: true });
    for (const sample of SAMPLES) {
      const file = join(sharedDir, sample.set, kind, `${sample.id}.png`);
      let pipeline = sharp(file);
      // libvips would write gray sources as RGB: keep one channel for gray files.
      if ((await sharp(file).metadata()).channels === 1) pipeline = pipeline.toColourspace('b-w');
      if ('crop' in sample) {
        const [left, top, width, height] = sample.crop;
        pipeline = pipeline.extract({ left, top, width, height });
      }
      const target = join(samplesDir, kind, `${sample.name}.png`);
      await pipeline.png({ compressionLevel: 9 }).toFile(target);
    }
  }
}

async function listSets(sharedDir: string, only: string[] | null): Promise<string[]> {
  const entries = await readdir(sharedDir, { withFileTypes: true });
  const all = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const unknown = (only ?? []).filter((set) => !all.includes(set));
  if (unknown.length > 0) {
    throw new AutothreshError(
      'autothresh.usage', `option --sets: no set ${unknown.join(', ')} in ${sharedDir}`,
    );
  }
  return only === null ? all : all.filter((set) => only.includes(set));
}

/**
 * Crops per image of a set: `--crops-per-set` spread over its images (rounded up), within
 * `--min-crops`..`--max-crops`, so that small sets contribute about as much as large ones.
 */
function cropsPerImage(options: BuildOptions, imageCount: number): number {
  if (options.cropsPerImage !== null) return options.cropsPerImage;
  const spread = Math.ceil(options.cropsPerSet / Math.max(1, imageCount));
  return Math.min(options.maxCrops, Math.max(options.minCrops, spread));
}

/** The originals of a set (plain run) and its augmented records (augmented run, no originals). */
async function labelSet(
  options: BuildOptions, set: string,
): Promise<{ real: LabelRecord[]; augmented: LabelRecord[] }> {
  const images = join(options.shared, set, 'images');
  const { pairs, problems, warnings } = await findPairs(images, join(options.shared, set, 'masks'));
  for (const line of [...warnings, ...problems.map((item) => `${item.file}: ${item.message}`)]) {
    process.stderr.write(`${line}\n`);
  }
  const crops = cropsPerImage(options, pairs.length);
  const plain = labelSettings(images, { idPrefix: `${set}/` });
  const augmenting = labelSettings(images, {
    idPrefix: `${set}/`, crops, photometricVariants: options.photometric,
    pixelVariants: options.pixelVariants, seed: options.seed,
  });
  const warn = (message: string): void => void process.stderr.write(`warning: ${message}\n`);
  const labelled = await pMap(pairs, async (pair) => {
    const loaded = await loadPair(pair.imagePath, pair.maskPath);
    const [own] = await recordsOfLoadedPair(loaded, pair, images, plain, warn);
    const variants = await recordsOfLoadedPair(loaded, pair, images, augmenting, warn);
    return { own, variants: variants.slice(1) };
  }, { concurrency: options.concurrency });
  const augmented = labelled.flatMap((item) => item.variants);
  process.stderr.write(
    `${set}: ${labelled.length} images, ${crops} crops per image, ` +
      `${augmented.length} augmented records\n`,
  );
  return { real: labelled.map((item) => item.own), augmented };
}

/**
 * Records of the synthetic series, labelled from the rendered pixels: the pixels of the PNG
 * files `synth` writes (lossless), with those files' digests.
 */
async function labelSynthetic(options: BuildOptions): Promise<LabelRecord[]> {
  const images = 'synthetic/images';
  const settings: LabelSettings = labelSettings(images, {
    idPrefix: 'synthetic/', synthetic: true,
  });
  const indices = Array.from({ length: options.synthetic }, (_, index) => index);
  const labelled = await pMap(indices, async (index) => {
    const { params, image, mask } = synthesizeImage(index, options.seed);
    const { width, height } = params;
    const [imagePng, maskPng] = await Promise.all([
      encodeGrayPng(image, width, height), encodeGrayPng(mask, width, height),
    ]);
    const decoded = (data: Uint8Array, source: string) => ({
      ...createGrayImage(width, height, data), source, format: 'png', pageCount: 1, page: 0,
      warnings: [],
    });
    const pair = {
      id: params.id,
      imagePath: join(images, `${params.id}.png`),
      maskPath: join('synthetic/masks', `${params.id}.png`),
    };
    const loaded: LoadedPair = {
      image: decoded(image, pair.imagePath), mask: decoded(mask, pair.maskPath),
      imageSha256: sha256Of(imagePng), maskSha256: sha256Of(maskPng),
    };
    return recordsOfLoadedPair(loaded, pair, images, settings);
  }, { concurrency: options.concurrency });
  return labelled.flat();
}

try {
  await main();
} catch (error) {
  process.stderr.write(`build-datasets: ${errorMessage(error)}\n`);
  const parseError = String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  process.exitCode = parseError || isAutothreshError(error, 'autothresh.usage') ? 2 : 1;
}
