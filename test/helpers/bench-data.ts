/**
 * A small benchmark dataset on disk, made from the committed metric fixtures (200×200 crops of
 * DIBCO pages with their ground truth): `<root>/docs/images/*.png` and `<root>/docs/masks/*.png`
 * (mask 255 = text). Used by the bench, report and end-to-end tests; and variants of the
 * shipped model, to compare models and to fix the polarity the model predicts.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordFromClasses } from '../../src/label/label.js';
import { DEFAULT_MODEL_DIRECTORY } from '../../src/model/index.js';
import { classHistograms, loadMetricFixtures } from '../bench/metric-fixtures.js';
import { temporaryDirectory, writeRaw } from './images.js';

export interface BenchDataset {
  root: string;
  images: string;
  masks: string;
}

export async function writeBenchDataset(name = 'docs'): Promise<BenchDataset> {
  const root = temporaryDirectory('autothresh-bench-');
  const images = join(root, name, 'images');
  const masks = join(root, name, 'masks');
  mkdirSync(images, { recursive: true });
  mkdirSync(masks, { recursive: true });
  for (const fixture of loadMetricFixtures()) {
    const mask = Uint8Array.from(fixture.truth, (bit) => bit * 255);
    const { width, height } = fixture;
    await writeRaw(join(images, `${fixture.name}.png`), fixture.gray, width, height, 1);
    await writeRaw(join(masks, `${fixture.name}.png`), mask, width, height, 1);
  }
  return { root, images, masks };
}

/**
 * A copy of the shipped model (`models/default`) in `<parent>/<name>`, changed in its output
 * layer: the threshold head's bias raised by `thresholdShift / 32` (so every continuous
 * threshold moves by `thresholdShift` bins: t = base + 32 · output), and, with `polarity`, the
 * polarity head fixed to that side (its weights zeroed, its bias ±20: σ(±20) = 1 − 2·10⁻⁹ or
 * 2·10⁻⁹).
 * The output layer is the last one in `weights.bin`: a 64 × 3 kernel, then 3 biases, float32.
 */
export function writeModelVariant(
  parent: string,
  name: string,
  change: { thresholdShift?: number; polarity?: 'dark' | 'bright' } = {},
): string {
  const directory = join(parent, name);
  cpSync(DEFAULT_MODEL_DIRECTORY, directory, { recursive: true });
  const file = join(directory, 'weights.bin');
  const bytes = readFileSync(file);
  const weights = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const biases = weights.length - 3;
  const kernel = biases - 64 * 3;
  weights[biases] += (change.thresholdShift ?? 0) / 32;
  if (change.polarity !== undefined) {
    for (let unit = 0; unit < 64; unit++) weights[kernel + unit * 3 + 1] = 0;
    weights[biases + 1] = change.polarity === 'dark' ? 20 : -20;
  }
  writeFileSync(file, bytes);
  return directory;
}

/**
 * The fixtures of {@link writeBenchDataset} as labelled records (exact class histograms), one
 * JSON line each, in `file`; `dataset` is every record's `dataset` field.
 */
export function writeBenchRecords(file: string, dataset = 'docs'): string {
  const lines = loadMetricFixtures().map((fixture) => JSON.stringify(recordFromClasses({
    id: fixture.name, source: `${dataset}/images/${fixture.name}.png`, dataset,
    imageSha256: '0'.repeat(64), maskSha256: '1'.repeat(64),
    width: fixture.width, height: fixture.height,
    classes: classHistograms(fixture.gray, fixture.truth), objective: 'fmeasure',
  })));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
