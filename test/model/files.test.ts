import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIRECTORY, loadModel } from '../../src/model/index.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'autothresh-model-files-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A copy of the shipped model, changed by `damage`, then loaded; returns the error message. */
async function loadDamaged(
  name: string,
  damage: (directory: string) => Promise<void>,
): Promise<string> {
  const directory = join(folder, name);
  await cp(DEFAULT_MODEL_DIRECTORY, directory, { recursive: true });
  await damage(directory);
  return loadModel(directory).then(() => 'loaded', (error: Error) => error.message);
}

async function editMetadata(directory: string, edit: (metadata: any) => void): Promise<void> {
  const path = join(directory, 'metadata.json');
  const metadata = JSON.parse(await readFile(path, 'utf8'));
  edit(metadata);
  await writeFile(path, JSON.stringify(metadata));
}

describe('loading a model folder', () => {
  it('when the copy is intact then it loads', async () => {
    expect(await loadDamaged('intact', async () => {})).toBe('loaded');
  });

  it('when the metadata does not match this code then the message names the field', async () => {
    const version = await loadDamaged('version', (directory) =>
      editMetadata(directory, (metadata) => { metadata.formatVersion = 99; }));
    expect(version).toMatch(/metadata\.json: field formatVersion is 99, .* expects 1/);

    const size = await loadDamaged('size', (directory) =>
      editMetadata(directory, (metadata) => { metadata.features.size += 1; }));
    expect(size).toMatch(/metadata\.json: field features\.size is \d+/);

    const statistics = await loadDamaged('statistics', (directory) =>
      editMetadata(directory, (metadata) => { metadata.features.statistics.reverse(); }));
    expect(statistics).toMatch(/field features\.statistics is/);

    const missing = await loadDamaged('missing', (directory) =>
      editMetadata(directory, (metadata) => { delete metadata.heads; }));
    expect(missing).toMatch(/metadata\.json: field heads: /);
  });

  it('when a file is damaged then the message names the file and what is wrong', async () => {
    const json = await loadDamaged('json', (directory) =>
      writeFile(join(directory, 'metadata.json'), '{ corrupted'));
    expect(json).toMatch(/metadata\.json: not valid JSON/);

    const weights = await loadDamaged('weights', (directory) =>
      truncate(join(directory, 'weights.bin'), 1000));
    expect(weights).toMatch(/weights\.bin: expected \d+ bytes .*, found 1000/);

    const topology = await loadDamaged('topology', (directory) =>
      writeFile(join(directory, 'model.json'), '{"weightsManifest": 3}'));
    expect(topology).toMatch(/model\.json: expected a layers model/);

    const absent = await loadDamaged('absent', (directory) =>
      unlink(join(directory, 'model.json')));
    expect(absent).toMatch(/not a model folder \(no model\.json\)/);
  });
});
