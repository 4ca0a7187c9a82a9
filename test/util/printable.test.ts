import { describe, expect, it } from 'vitest';
import { printable, printableLine } from '../../src/util/printable.js';

describe('printable', () => {
  it('when text holds control characters then each is an escape, other text unchanged', () => {
    expect(printable('a\nb\tc\rd\u001b[31me\u007f\u009bé')).toBe(
      'a\\nb\\tc\\rd\\u001b[31me\\u007f\\u009bé');
    expect(printableLine('x\ny')).toBe('x\\ny\n');
  });
});
