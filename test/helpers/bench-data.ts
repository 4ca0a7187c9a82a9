/**
 * A small benchmark dataset on disk, made from the committed metric fixtures (200×200 crops of
 * DIBCO pages with their ground truth): `<root>/docs/images/*.png` and `<root>/docs/masks/*.png`
 * (mask 255 = text). Used by the bench, report and end-to-end tests.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadMetricFixtures } from '../bench/metric-fixtures.js';
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
