/**
 * `loadModel` caches a folder only while it holds the same files: a model folder replaced in
 * place, by renames, or behind a symbolic link that now leads elsewhere is read again.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync,
  utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../src/histogram/histogram.js';
import { DEFAULT_MODEL_DIRECTORY, loadModel, predictThreshold } from '../../src/model/index.js';
import { temporaryDirectory } from '../helpers/images.js';

const FILES = ['model.json', 'weights.bin', 'metadata.json'];

/** A copy of the shipped model in a fresh folder. */
function copyOfDefault(parent: string, name: string): string {
  const folder = join(parent, name);
  mkdirSync(folder);
  for (const file of FILES) copyFileSync(join(DEFAULT_MODEL_DIRECTORY, file), join(folder, file));
  return folder;
}

/** Rewrites `metadata.json` in place with another seed of one digit: same size, same mtime. */
function changeSeedInPlace(folder: string, seed: number): void {
  const path = join(folder, 'metadata.json');
  const before = statSync(path);
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(/"seed": \d,/, `"seed": ${seed},`);
  expect(changed.length).toBe(text.length);
  writeFileSync(path, changed);
  utimesSync(path, before.atime, before.mtime);
}

/** Replaces `weights.bin` by a rename, with the threshold head's bias raised by one. */
function shiftThresholdBiasByRename(folder: string): void {
  const path = join(folder, 'weights.bin');
  const bytes = readFileSync(path);
  const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset +
    bytes.byteLength));
  weights[weights.length - 3] += 1; // heads/bias[0], the threshold output
  writeFileSync(`${path}.new`, new Uint8Array(weights.buffer));
  renameSync(`${path}.new`, path);
}

const BIMODAL = createHistogram(Array.from({ length: 256 }, (_, bin) =>
  Math.round(1000 * Math.exp(-((bin - 60) ** 2) / 200) +
    500 * Math.exp(-((bin - 190) ** 2) / 300))));

describe('loadModel and changed model folders', () => {
  it('when the folder is unchanged then the cached model is returned', async () => {
    const folder = copyOfDefault(temporaryDirectory(), 'model');
    expect(await loadModel(folder)).toBe(await loadModel(folder));
  });

  it('when metadata.json is rewritten in place (same size and mtime) then it is read again',
    async () => {
      const folder = copyOfDefault(temporaryDirectory(), 'model');
      const first = await loadModel(folder);
      expect(first.metadata.seed).toBe(1);
      changeSeedInPlace(folder, 7);
      const second = await loadModel(folder);
      expect(second).not.toBe(first);
      expect(second.metadata.seed).toBe(7);
    });

  it('when weights.bin is replaced by a rename then predictions use the new weights',
    async () => {
      const folder = copyOfDefault(temporaryDirectory(), 'model');
      const before = predictThreshold(await loadModel(folder), BIMODAL);
      shiftThresholdBiasByRename(folder);
      const after = predictThreshold(await loadModel(folder), BIMODAL);
      // The head's output grew by 1: the threshold moves by 32 bins (or to the clip).
      expect(after.rawThreshold).toBeCloseTo(Math.min(255, before.rawThreshold + 32), 3);
    });

  it('when a link is moved to another model folder then the model behind it is read',
    async () => {
      const parent = temporaryDirectory();
      const plain = copyOfDefault(parent, 'plain');
      const changed = copyOfDefault(parent, 'changed');
      changeSeedInPlace(changed, 5);
      const link = join(parent, 'current');
      symlinkSync(plain, link);
      expect((await loadModel(link)).metadata.seed).toBe(1);
      rmSync(link);
      symlinkSync(changed, link);
      expect((await loadModel(link)).metadata.seed).toBe(5);
    });

  it('when a folder failed to load and is then completed then it loads', async () => {
    const folder = copyOfDefault(temporaryDirectory(), 'model');
    renameSync(join(folder, 'weights.bin'), join(folder, 'weights.off'));
    await expect(loadModel(folder)).rejects.toThrow(/weights\.bin/);
    renameSync(join(folder, 'weights.off'), join(folder, 'weights.bin'));
    expect((await loadModel(folder)).metadata.seed).toBe(1);
  });
});
