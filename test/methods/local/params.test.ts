import { describe, expect, it } from 'vitest';
import { isAutothreshError } from '../../../src/errors.js';
import {
  float32Threshold, resolveParams, windowParameter,
} from '../../../src/methods/local/params.js';

const DEFINITIONS = [
  windowParameter(15),
  { name: 'k', description: 'weight', defaultValue: 0.2, rule: 'finite' },
  { name: 'r', description: 'range', defaultValue: null, rule: 'positive' },
  { name: 'contrast', description: 'contrast', defaultValue: 15, rule: 'nonNegative' },
] as const;

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('resolveParams', () => {
  it('when parameters are missing or undefined then defaults fill them in', () => {
    expect(resolveParams('m', DEFINITIONS, { k: undefined })).toEqual({
      window: 15, k: 0.2, r: null, contrast: 15,
    });
    expect(resolveParams('m', DEFINITIONS, { window: 31, r: 60, contrast: 0 })).toEqual({
      window: 31, k: 0.2, r: 60, contrast: 0,
    });
  });

  it.each([
    [
      { window: 4 },
      'm: parameter window must be an odd integer ≥ 3 (window side in pixels), received 4',
    ],
    [{ window: 1 }, 'received 1'],
    [{ window: 7.5 }, 'received 7.5'],
    [{ window: Infinity }, 'received Infinity'],
    [{ k: Number.NaN }, 'm: parameter k must be a finite number, received NaN'],
    [{ k: -Infinity }, 'received -Infinity'],
    [{ r: 0 }, 'm: parameter r must be a finite number > 0, received 0'],
    [{ contrast: -1 }, 'm: parameter contrast must be a finite number ≥ 0, received -1'],
  ])('when given %o then autothresh.invalidParameter names it, the rule and the value',
    (params, message) => {
      const error = errorOf(() => resolveParams('m', DEFINITIONS, params));
      expect(isAutothreshError(error, 'autothresh.invalidParameter')).toBe(true);
      expect((error as Error).message).toContain(message);
    });

  it('when a value is a string at run time then the message says so', () => {
    const params = { k: '0.2' as unknown as number };
    expect((errorOf(() => resolveParams('m', DEFINITIONS, params)) as Error).message)
      .toBe('m: parameter k must be a finite number, received "0.2" (a string)');
  });

  it('when a parameter is not one the method takes then it is refused with the list', () => {
    const error = errorOf(() => resolveParams('m', DEFINITIONS, { p: 2 }));
    expect(isAutothreshError(error, 'autothresh.invalidParameter')).toBe(true);
    expect((error as Error).message).toBe(
      'm: parameter p is not used by this method (it takes window, k, r, contrast), received p = 2',
    );
  });
});

describe('float32Threshold', () => {
  it('when t is just below an integer that float32 would round to then it stays below', () => {
    // 169.9999992 rounds to 170 in float32; 170 > 170 would be false, 170 > t is true.
    const stored = float32Threshold(169.9999992);
    expect(stored).toBeLessThan(170);
    expect(stored).toBeGreaterThan(169.9999);
    expect(Math.fround(stored)).toBe(stored);
    expect(float32Threshold(-1e-9)).toBeLessThan(0);
    expect(float32Threshold(-2.00000001)).toBeLessThan(-2);
  });

  it('when integer values are compared then the side is the same as with the float64 t', () => {
    const cases = [0, 1e-12, -1e-12, 12.5, 254.99999999, 255.0000001, 65534.9999999, 3, -0.5];
    for (const t of cases) {
      const stored = float32Threshold(t);
      for (let value = Math.floor(t) - 1; value <= Math.ceil(t) + 1; value++) {
        expect(value > stored).toBe(value > t);
      }
    }
  });
});
