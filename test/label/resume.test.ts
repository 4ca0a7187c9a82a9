import { describe, expect, it } from 'vitest';
import type { LabelSettings } from '../../src/label/label-run.js';
import { settingsMismatch } from '../../src/label/resume.js';
import type { LabelRecord } from '../../src/label/schema.js';

/** The fields of a mask record that `settingsMismatch` reads. */
function recordMadeWith(settings: LabelSettings): LabelRecord {
  const { objective, dataset, synthetic, ...labelling } = settings;
  return {
    id: 'a', labelKind: 'mask', objective, dataset, synthetic,
    labelling: { ...labelling, imageRecords: 1 },
  } as unknown as LabelRecord;
}

const plain: LabelSettings = {
  objective: 'fmeasure', maskThreshold: 0, crops: 0, photometricVariants: 0, pixelVariants: 0,
  seed: 1, idPrefix: '', dataset: 'set', synthetic: false,
};

describe('settingsMismatch', () => {
  it('when nothing is random (no crops, no variants) then another seed still matches', () => {
    expect(settingsMismatch(recordMadeWith({ ...plain, seed: 5 }), plain)).toBeNull();
  });

  it('when crops or variants were drawn then another seed is a mismatch naming --seed', () => {
    for (const drawn of [{ crops: 4 }, { photometricVariants: 2 }, { pixelVariants: 1 }]) {
      const run = { ...plain, ...drawn };
      expect(settingsMismatch(recordMadeWith({ ...run, seed: 5 }), run), JSON.stringify(drawn))
        .toBe('records were made with --seed 5, this run has 1');
    }
  });
});
