import { describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../../src/errors.js';
import { createGrayImage } from '../../../src/image/gray-image.js';
import {
  binarizeWithMap, isLocalMethodName, LOCAL_METHOD_NAMES, LOCAL_METHODS, LOCAL_PARAMETER_NAMES,
  localThresholdMap, localThresholdMask, type LocalMethodName, type Polarity,
} from '../../../src/methods/local/index.js';
import { sauvolaThresholdMap } from '../../../src/methods/local/sauvola.js';
import { randomImage } from './reference.js';

describe('LOCAL_METHODS', () => {
  it('when listed then the table holds exactly the named methods, each under its own name', () => {
    expect(Object.keys(LOCAL_METHODS).sort()).toEqual([...LOCAL_METHOD_NAMES].sort());
    for (const name of LOCAL_METHOD_NAMES) expect(LOCAL_METHODS[name].name).toBe(name);
  });

  it('when described then every entry has one-line text and known parameter names', () => {
    for (const name of LOCAL_METHOD_NAMES) {
      const { description, reference, parameters } = LOCAL_METHODS[name];
      expect(description).not.toMatch(/\n/);
      expect(reference.length).toBeGreaterThan(10);
      expect(parameters[0].name).toBe('window');
      for (const parameter of parameters) {
        expect(LOCAL_PARAMETER_NAMES).toContain(parameter.name);
        expect(parameter.description).not.toMatch(/\n/);
      }
    }
  });

  it.each(LOCAL_METHOD_NAMES)('when %s runs with its defaults then it gives a full map', (name) => {
    const image = randomImage(5, 40, 33);
    const map = localThresholdMap(name, image);
    expect(map).toBeInstanceOf(Float32Array);
    expect(map.length).toBe(40 * 33);
    expect(map.every(Number.isFinite)).toBe(true);
    const mask = binarizeWithMap(image, map, 'dark');
    expect(mask.length).toBe(40 * 33);
  });

  it.each(LOCAL_METHOD_NAMES)('when %s gets its stated defaults explicitly then nothing changes',
    (name) => {
      const image = randomImage(6, 25, 31, 16);
      const explicit = Object.fromEntries(LOCAL_METHODS[name].parameters
        .filter((parameter) => parameter.defaultValue !== null)
        .map((parameter) => [parameter.name, parameter.defaultValue]));
      expect(localThresholdMap(name, image, explicit)).toEqual(localThresholdMap(name, image));
    });

  it('when a window is even, too small or not finite then every method refuses it', () => {
    const image = randomImage(1, 10, 10);
    for (const name of LOCAL_METHOD_NAMES) {
      for (const window of [4, 1, Number.NaN]) {
        expect(() => localThresholdMap(name, image, { window })).toThrow(
          `${name}: parameter window must be an odd integer ≥ 3 (window side in pixels)`,
        );
      }
    }
  });
});

describe('localThresholdMap', () => {
  it('when dispatching then it calls the method itself', () => {
    const image = randomImage(2, 30, 20);
    expect(localThresholdMap('sauvola', image, { window: 7, k: 0.4 }))
      .toEqual(sauvolaThresholdMap(image, { window: 7, k: 0.4 }));
  });

  it('when the name is unknown then autothresh.invalidParameter lists the names', () => {
    let error: unknown;
    try {
      localThresholdMap('savuola' as LocalMethodName, randomImage(1, 5, 5));
    } catch (caught) {
      error = caught;
    }
    expect(isAutothreshError(error, 'autothresh.invalidParameter')).toBe(true);
    expect((error as Error).message).toBe(
      'local method: expected one of adaptive-mean, adaptive-gaussian, niblack, sauvola, wolf, ' +
        'bernsen, phansalkar, received "savuola"',
    );
  });

  it('when a parameter belongs to another method then it is refused', () => {
    expect(() => localThresholdMap('niblack', randomImage(1, 5, 5), { contrast: 15 }))
      .toThrow('niblack: parameter contrast is not used by this method (it takes window, k)');
  });

  it('when checking names then only the listed ones pass', () => {
    expect(isLocalMethodName('bernsen')).toBe(true);
    expect(isLocalMethodName('otsu')).toBe(false);
  });
});

describe('localThresholdMask', () => {
  it.each(LOCAL_METHOD_NAMES)('when %s streams rows then the mask equals map + binarize',
    (name) => {
      const noisy = randomImage(12, 37, 29, 16, 4000);
      const included = Uint8Array.from(noisy.data, (_, i) => (i % 7 === 3 ? 0 : 1));
      const image = createGrayImage(37, 29, noisy.data, included);
      for (const polarity of ['dark', 'bright'] as const) {
        const map = localThresholdMap(name, image, { window: 9 });
        expect(localThresholdMask(name, image, { window: 9 }, polarity))
          .toEqual(binarizeWithMap(image, map, polarity));
      }
    });

  it('when the polarity is unknown then it is refused before any work', () => {
    expect(() => localThresholdMask('sauvola', randomImage(1, 5, 5), {}, 'up' as Polarity))
      .toThrow('polarity: expected "dark" or "bright", received "up"');
  });
});
