/**
 * The note on images given twice: originals with the same digest in different inputs are
 * counted once each, with the first pair found as the example; repeats within an input and
 * images without a digest (crops, variants) are not.
 */
import { describe, expect, it } from 'vitest';
import { repeatedImagesNote, type InputImages } from '../../src/bench/duplicates.js';
import type { BenchImage } from '../../src/bench/results.js';

/** An input named `name` whose images have these digests (undefined: a crop or variant). */
function input(name: string, digests: readonly (string | undefined)[]): InputImages {
  const images = digests.map((imageSha256, index) => ({
    id: `${name}${index}`, ...(imageSha256 === undefined ? {} : { imageSha256 }),
  }) as BenchImage);
  return { images, where: (index) => `${name}:${index + 1}` };
}

describe('repeatedImagesNote', () => {
  it('when no digest is in two inputs then there is no note', () => {
    expect(repeatedImagesNote([input('a', ['x', 'x', 'y']), input('b', ['z', undefined])]))
      .toBeNull();
    expect(repeatedImagesNote([input('a', [undefined]), input('b', [undefined])])).toBeNull();
    expect(repeatedImagesNote([])).toBeNull();
  });

  it('when digests are in two inputs then each image is counted once, the first pair shown',
    () => {
      expect(repeatedImagesNote([input('a', ['x', 'y', 'x']), input('b', ['q', 'y', 'x', 'y'])]))
        .toBe('2 images appear twice (same content), e.g. a:2 and b:2; each copy is scored');
      expect(repeatedImagesNote([input('a', ['x']), input('b', [undefined, 'x'])]))
        .toBe('1 image appears twice (same content), e.g. a:1 and b:2; each copy is scored');
    });

  it('when a digest is in three inputs then the note says twice or more', () => {
    expect(repeatedImagesNote([input('a', ['x', 'y']), input('b', ['x', 'y']), input('c', ['x'])]))
      .toBe('2 images appear twice or more (same content), e.g. a:1 and b:1; ' +
        'each copy is scored');
  });
});
