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
});
