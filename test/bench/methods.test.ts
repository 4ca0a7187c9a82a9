import { describe, expect, it } from 'vitest';
import {
  defaultMethodNames, knownMethodNames, selectMethods,
} from '../../src/bench/methods.js';
import { isAutothreshError } from '../../src/errors.js';
import { GLOBAL_METHOD_NAMES } from '../../src/methods/global/index.js';

function usageError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(isAutothreshError(error, 'autothresh.usage')).toBe(true);
    return error as Error;
  }
  throw new Error('expected a usage error');
}

describe('selectMethods', () => {
  it('when no names are given then the default set is learned, globals but multi-otsu, two '
    + 'local methods and the oracle last', () => {
    const names = defaultMethodNames();
    expect(names[0]).toBe('learned');
    expect(names.at(-1)).toBe('oracle');
    expect(names).not.toContain('multi-otsu');
    expect(names).toContain('sauvola');
    expect(names).toContain('adaptive-gaussian');
    for (const name of GLOBAL_METHOD_NAMES) {
      if (name !== 'multi-otsu') expect(names).toContain(name);
    }
    const { methods, learnedByDefault } = selectMethods(undefined);
    expect(learnedByDefault).toBe(true);
    expect(methods.find((method) => method.name === 'sauvola')?.kind).toBe('local');
    expect(methods.find((method) => method.name === 'otsu')?.kind).toBe('global');
    expect(methods.find((method) => method.name === 'oracle')?.kind).toBe('oracle');
  });

  it('when a name is mistyped then a usage error suggests the closest one', () => {
    expect(usageError(() => selectMethods(['otsu', 'savuola'])).message)
      .toMatch(/did you mean sauvola/);
  });

  it('when a name is listed twice then it is a usage error', () => {
    usageError(() => selectMethods(['otsu', 'otsu']));
  });

  it('when --model is given without learned then it is a usage error', () => {
    usageError(() => selectMethods(['otsu'], ['models/a']));
  });

  it('when several models are given then each gets its own learned row', () => {
    const { methods } = selectMethods(['learned', 'otsu'], ['runs/a', 'runs/b/', 'other/a']);
    expect(methods.map((method) => method.name))
      .toEqual(['learned:a', 'learned:b', 'learned:a-2', 'otsu']);
    expect(methods[1]).toMatchObject({ kind: 'learned', method: 'runs/b/' });
  });

  it('when one model is given then the row is simply learned', () => {
    const { methods, learnedByDefault } = selectMethods(['learned'], ['runs/a']);
    expect(methods).toEqual([{ name: 'learned', kind: 'learned', method: 'runs/a' }]);
    expect(learnedByDefault).toBe(false);
  });

  it('when listing known names then multi-otsu may still be asked for explicitly', () => {
    expect(knownMethodNames()).toContain('multi-otsu');
    expect(selectMethods(['multi-otsu']).methods[0].kind).toBe('global');
  });
});
