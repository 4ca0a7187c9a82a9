import { describe, expect, it } from 'vitest';
import { counted } from '../../src/util/counts.js';

describe('counted', () => {
  it('says one noun in the singular and any other number in the plural', () => {
    expect(counted(1, 'image')).toBe('1 image');
    expect(counted(0, 'image')).toBe('0 images');
    expect(counted(3, 'record')).toBe('3 records');
    expect(counted(2, 'pass', 'passes')).toBe('2 passes');
    expect(counted(1, 'pass', 'passes')).toBe('1 pass');
  });
});
