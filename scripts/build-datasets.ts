/**
 * Rebuilds the committed datasets under datasets/ from the image + mask folders in
 * ../shared/datasets (beside the repository root; another folder with `--shared <dir>`).
 *
 *   npm run datasets [-- --shared <dir>]
 *
 * Writes datasets/real.jsonl: one record per original image, labelled with the F-measure
 * objective (`dataset` = folder name, `source` = `<set>/images/<id>.png`, `id` = `<set>/<id>`).
 * Writes datasets/augmented.jsonl.gz: per image, tile-aligned crops (4–24, more for small sets),
 * one photometric variant of the image and of every crop, and two pixel-level variants (blur,
 * JPEG), all with seed 1; the originals are not repeated there.
 * Writes datasets/synthetic.jsonl: the 1500 images of `autothresh synth -n 1500 --seed 1`,
 * labelled like the originals (`dataset` = `synthetic`, `synthetic: true`).
 * Writes datasets/samples/{images,masks}/<name>.png: a few small pairs (pixels unchanged,
 * cropped where noted) that tests and examples read.
 * Deterministic: the same inputs give byte-identical files.
 */
import { mkdir, readdir } from 'node:fs/promises';
import sharp from 'sharp';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGrayImage } from '../src/image/gray-image.js';
import {
  augmentImage, classHistogramsOfPixels, encodeGrayPng, findPairs, labelledPixelsOf, labelPixels,
  loadPair, recordFromClasses, sha256Of, synthesizeImage, writeLabelRecords, type LabelRecord,
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { shared: { type: 'string' }, out: { type: 'string' } },
  });
  const sharedDir = resolve(values.shared ?? join(repoRoot, '..', 'shared', 'datasets'));
  const outDir = resolve(values.out ?? join(repoRoot, 'datasets'));

  await writeSamples(sharedDir, join(outDir, 'samples'));
  const sets = await listSets(sharedDir);
  const { real, augmented } = await labelSets(sharedDir, sets);
  await writeLabelRecords(join(outDir, 'real.jsonl'), real);
  process.stderr.write(`real.jsonl: ${real.length} records from ${sets.length} sets\n`);
  await writeLabelRecords(join(outDir, 'augmented.jsonl.gz'), augmented);
  process.stderr.write(`augmented.jsonl.gz: ${augmented.length} records\n`);
  const synthetic = await labelSynthetic(SYNTHETIC_COUNT, SYNTHETIC_SEED);
  await writeLabelRecords(join(outDir, 'synthetic.jsonl'), synthetic);
  process.stderr.write(`synthetic.jsonl: ${synthetic.length} records\n`);
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

async function listSets(sharedDir: string): Promise<string[]> {
  const entries = await readdir(sharedDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/**
 * Crops per image of a set: more for small sets so that every set contributes a similar number
 * of augmented records (about 240 crops per set, 4 to 24 per image).
 */
function cropsPerImage(imageCount: number): number {
  return Math.min(24, Math.max(4, Math.ceil(240 / imageCount)));
}

/** Photometric variants per record (original and crops) and pixel-level variants per image. */
const PHOTOMETRIC_VARIANTS = 1;
const PIXEL_VARIANTS = 2;
const AUGMENT_SEED = 1;

async function labelSets(
  sharedDir: string, sets: string[],
): Promise<{ real: LabelRecord[]; augmented: LabelRecord[] }> {
  const real: LabelRecord[] = [];
  const augmented: LabelRecord[] = [];
  for (const set of sets) {
    const { pairs, problems } = await findPairs(
      join(sharedDir, set, 'images'), join(sharedDir, set, 'masks'),
    );
    for (const problem of problems) process.stderr.write(`${problem.file}: ${problem.message}\n`);
    const crops = cropsPerImage(pairs.length);
    const labelled = await mapLimit(pairs, 2, async (pair) => {
      const loaded = await loadPair(pair.imagePath, pair.maskPath);
      const pixels = labelledPixelsOf(loaded);
      const base = recordFromClasses({
        id: `${set}/${pair.id}`,
        source: `${set}/images/${basename(pair.imagePath)}`,
        dataset: set,
        imageSha256: loaded.imageSha256,
        maskSha256: loaded.maskSha256,
        width: pixels.width,
        height: pixels.height,
        classes: classHistogramsOfPixels(pixels),
        objective: 'fmeasure',
      });
      const extra = await augmentImage(base, pixels, {
        crops, photometric: PHOTOMETRIC_VARIANTS, pixelVariants: PIXEL_VARIANTS, seed: AUGMENT_SEED,
      });
      return { base, extra };
    });
    for (const { base, extra } of labelled) {
      real.push(base);
      augmented.push(...extra);
    }
    const added = labelled.reduce((count, item) => count + item.extra.length, 0);
    process.stderr.write(`${set}: ${labelled.length} images, ${added} augmented records\n`);
  }
  return { real, augmented };
}

/** Synthetic images: as many, and the same files, as `autothresh synth -n 1500 --seed 1`. */
const SYNTHETIC_COUNT = 1500;
const SYNTHETIC_SEED = 1;

/**
 * Records of the synthetic series, labelled from the rendered pixels (the same pixels as the
 * PNG files `synth` writes; the digests are those of the encoded files).
 */
async function labelSynthetic(count: number, seed: number): Promise<LabelRecord[]> {
  const indices = Array.from({ length: count }, (_, index) => index);
  return mapLimit(indices, 2, async (index) => {
    const { params, image, mask } = synthesizeImage(index, seed);
    const { width, height } = params;
    const [imagePng, maskPng] = await Promise.all([
      encodeGrayPng(image, width, height), encodeGrayPng(mask, width, height),
    ]);
    const pixels = labelPixels(
      createGrayImage(width, height, image), createGrayImage(width, height, mask),
    );
    return recordFromClasses({
      id: `synthetic/${params.id}`,
      source: `synthetic/images/${params.id}.png`,
      dataset: 'synthetic',
      imageSha256: sha256Of(imagePng),
      maskSha256: sha256Of(maskPng),
      width,
      height,
      classes: classHistogramsOfPixels(pixels),
      objective: 'fmeasure',
      synthetic: true,
    });
  });
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
async function mapLimit<T, R>(
  items: readonly T[], limit: number, task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

await main();
