import { describe, expect, it } from 'vitest';
import { borderIndex, windowShape } from '../../../src/methods/local/window.js';

describe('windowShape', () => {
  it('when the window fits then it is used as given', () => {
    expect(windowShape(15, { width: 100, height: 40 })).toEqual({ width: 15, height: 15 });
  });

  it('when the window is wider or taller than the image then each side is clamped to odd', () => {
    expect(windowShape(31, { width: 20, height: 100 })).toEqual({ width: 19, height: 31 });
    expect(windowShape(31, { width: 21, height: 7 })).toEqual({ width: 21, height: 7 });
    expect(windowShape(3, { width: 2, height: 1 })).toEqual({ width: 1, height: 1 });
  });
});

describe('borderIndex', () => {
  // Hand-written from NumPy: np.pad(np.arange(5), 3, mode='reflect') and mode='edge'.
  it('when reflecting then the edge pixel is not repeated (NumPy reflect)', () => {
    expect([...borderIndex(5, 3, 'reflect')]).toEqual([3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1]);
  });

  it('when replicating then the edge pixel is repeated (OpenCV BORDER_REPLICATE)', () => {
    expect([...borderIndex(5, 3, 'replicate')]).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4]);
  });

  it('when the radius is 0 then every position reads itself', () => {
    expect([...borderIndex(1, 0, 'reflect')]).toEqual([0]);
    expect([...borderIndex(3, 0, 'replicate')]).toEqual([0, 1, 2]);
  });
});
