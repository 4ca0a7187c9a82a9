/**
 * The registry of global methods (src/methods/global/index.ts): names, table, dispatch,
 * "did you mean" suggestions, and that the module stays import-light.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../../src/histogram/histogram.js';
import {
  editDistance,
  GLOBAL_METHOD_NAMES,
  GLOBAL_METHODS,
  globalThreshold,
  isGlobalMethodName,
  multiOtsuThresholds,
  otsuThreshold,
  percentileThreshold,
  suggestMethodName,
} from '../../../src/methods/global/index.js';

const SOURCE_DIR = new URL('../../../src/methods/global/', import.meta.url).pathname;

/** Two modes: 300 pixels around 40, 100 around 200. */
const bimodal = createHistogram(Array.from({ length: 256 }, (_, bin) =>
  Math.round(300 * Math.exp(-0.5 * ((bin - 40) / 8) ** 2)
    + 100 * Math.exp(-0.5 * ((bin - 200) / 12) ** 2))));

describe('GLOBAL_METHODS', () => {
  it('when listed then the table has exactly the names of GLOBAL_METHOD_NAMES, in order', () => {
    expect(Object.keys(GLOBAL_METHODS)).toEqual([...GLOBAL_METHOD_NAMES]);
    for (const name of GLOBAL_METHOD_NAMES) expect(GLOBAL_METHODS[name].name).toBe(name);
  });

  it('when described then every method has a one-line description and a citation', () => {
    for (const name of GLOBAL_METHOD_NAMES) {
      const { description, reference } = GLOBAL_METHODS[name];
      expect(description, name).toMatch(/^[^\n]{10,90}$/);
      expect(reference, name).toMatch(/^[^\n]+ (19|20)\d\d\b/);
    }
  });

  it('when every method has a file then each file exports its function', () => {
    const files = readdirSync(SOURCE_DIR).filter((file) => file.endsWith('.ts'));
    for (const name of GLOBAL_METHOD_NAMES) expect(files, name).toContain(`${name}.ts`);
  });

  it('when imported then the modules pull in nothing heavier than the histogram type', () => {
    const allowed = /^(\.\/[a-z-]+\.js|\.\.\/\.\.\/(errors|histogram\/histogram)\.js)$/;
    for (const file of readdirSync(SOURCE_DIR).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(SOURCE_DIR + file, 'utf8');
      for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(allowed);
      }
    }
  });

  it('when multi-otsu runs through the table then threshold is the lowest threshold', () => {
    const method = GLOBAL_METHODS['multi-otsu'];
    expect(method.thresholds(bimodal, 4)).toEqual(multiOtsuThresholds(bimodal, 4));
    expect(method.threshold(bimodal, { classes: 4 })).toBe(multiOtsuThresholds(bimodal, 4)[0]);
    expect(method.threshold(bimodal)).toBe(multiOtsuThresholds(bimodal)[0]);
  });
});

describe('globalThreshold', () => {
  it('when a method is named then it runs that method with its parameters', () => {
    expect(globalThreshold('otsu', bimodal)).toBe(otsuThreshold(bimodal));
    expect(globalThreshold('percentile', bimodal, { fraction: 0.9 }))
      .toBe(percentileThreshold(bimodal, 0.9));
    expect(globalThreshold('percentile', bimodal)).toBe(percentileThreshold(bimodal, 0.5));
  });

  it('when the name is unknown then it throws autothresh.usage with a suggestion', () => {
    expect(() => globalThreshold('maxentropy', bimodal)).toThrowError(
      expect.objectContaining({
        code: 'autothresh.usage',
        message: expect.stringMatching(/received 'maxentropy' \(did you mean max-entropy\?\)$/),
      }),
    );
    expect(() => globalThreshold('sauvola', bimodal)).toThrowError(/received 'sauvola'$/);
  });

  it('when a name is checked then only the registry names pass', () => {
    expect(isGlobalMethodName('min-error')).toBe(true);
    expect(isGlobalMethodName('minError')).toBe(false);
    expect(isGlobalMethodName('constructor')).toBe(false);
  });
});

describe('suggestMethodName', () => {
  it.each([
    ['otsu2', 'otsu'],
    ['Otsu', 'otsu'],
    ['triangel', 'triangle'],
    ['max_entropy', 'max-entropy'],
    ['minerror', 'min-error'],
    ['multiotsu', 'multi-otsu'],
    ['isodta', 'isodata'],
    ['renyi', 'renyi-entropy'],
    ['kapur', 'max-entropy'],
    ['Kittler', 'min-error'],
    ['shan', 'shanbhag'],
  ])('when the user typed %s then it suggests %s', (typo, name) => {
    expect(suggestMethodName(typo)).toBe(name);
  });

  it.each(['sauvola', 'x', 'constructor', 'toString', 'min'])(
    'when nothing is close to %s then it suggests nothing',
    (typo) => {
      expect(suggestMethodName(typo)).toBeUndefined();
    },
  );

  it('when distances are measured then swaps, insertions and substitutions count 1', () => {
    expect(editDistance('otsu', 'otsu')).toBe(0);
    expect(editDistance('tosu', 'otsu')).toBe(1);
    expect(editDistance('ots', 'otsu')).toBe(1);
    expect(editDistance('otsa', 'otsu')).toBe(1);
    expect(editDistance('', 'mean')).toBe(4);
  });
});
