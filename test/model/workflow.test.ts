import { describe, expect, it } from 'vitest';
import type { LabelRecord } from '../../src/label/schema.js';
import { isOriginal, splitBySource } from '../../src/model/workflow.js';
import { realSample } from './helpers.js';

describe('validation split', () => {
  it('when split by source then all variants of an image fall on the same side', async () => {
    const originals = await realSample(4);
    const variants: LabelRecord[] = originals.flatMap((record) => [record, {
      ...record,
      id: `${record.id}/crop1`,
      augmentation: { crop: { x: 0, y: 0, width: 8, height: 8 }, steps: [], seed: 1 },
    }]);
    const { train, validation } = splitBySource(variants, 0.3, 5);
    const trainSources = new Set(train.map((record) => record.source));
    expect(validation.length).toBeGreaterThan(0);
    for (const record of validation) {
      expect(trainSources.has(record.source)).toBe(false);
      expect(isOriginal(record)).toBe(true);
    }
    // Same seed, same split; the held-out share is about 30% of the images.
    expect(splitBySource(variants, 0.3, 5).validation).toEqual(validation);
    expect(validation.length).toBe(Math.round(originals.length * 0.3));
  });

  it('when synthetic images are mixed in then they always train and none is dropped', async () => {
    const real = (await realSample(1)).slice(0, 6);
    const synthetic: LabelRecord[] = real.map((record, index) => ({
      ...record, id: `synth-${index}`, source: `synth/images/${index}.png`, synthetic: true,
    }));
    const records = [...real, ...synthetic];
    const { train, validation } = splitBySource(records, 0.5, 3);
    expect(validation.length).toBe(3);
    expect(validation.every((record) => record.synthetic !== true)).toBe(true);
    expect(train.length + validation.length).toBe(records.length);
    expect(train.filter((record) => record.synthetic === true)).toHaveLength(6);
  });

  it('when every image is synthetic then the synthetic images are validated', async () => {
    const synthetic: LabelRecord[] = (await realSample(1)).slice(0, 6).map((record, index) => ({
      ...record, id: `synth-${index}`, source: `synth/images/${index}.png`, synthetic: true,
    }));
    const { train, validation } = splitBySource(synthetic, 0.5, 3);
    expect(validation).toHaveLength(3);
    expect(train).toHaveLength(3);
  });
});
