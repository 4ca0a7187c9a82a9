/**
 * One image given twice: the same original image scored from two inputs, as `--data a.jsonl
 * --data a.jsonl.gz` (the same records), or `--images` beside a `--data` file of records
 * labelled from those images. Each copy is scored, so the image counts twice in the means and
 * intervals; a note says so, once, with a count and an example.
 *
 * Images are compared by the SHA-256 digest of their file (a record's `imageSha256`, which
 * `label` takes the same way), originals only: the crops and variants of an image share its
 * digest without being the same sample, and their own note covers them (see `runner.ts`).
 * Images within one input are not compared: an input is one set as its maker gave it.
 */
import { counted } from '../util/counts.js';
import type { BenchImage } from './results.js';

/** The scored images of one input, and where each comes from. */
export interface InputImages {
  images: readonly BenchImage[];
  /** Where the image at `index` comes from, in messages (`a.jsonl:3`, `set/images/x.png`). */
  where: (index: number) => string;
}

/** The first copy of an image seen, and how many inputs hold it. */
interface Seen {
  input: number;
  index: number;
  /** The last input it was seen in. */
  last: number;
  inputs: number;
}

/**
 * A note when original images appear in more than one input (`425 images appear twice (same
 * content), e.g. a.jsonl:3 and images/x.png; each copy is scored`), or null. Images without
 * `imageSha256` (crops, variants) are left out.
 */
export function repeatedImagesNote(inputs: readonly InputImages[]): string | null {
  const seen = new Map<string, Seen>();
  let example: string | null = null;
  inputs.forEach(({ images, where }, input) => {
    images.forEach(({ imageSha256 }, index) => {
      if (imageSha256 === undefined) return;
      const first = seen.get(imageSha256);
      if (first === undefined) {
        seen.set(imageSha256, { input, index, last: input, inputs: 1 });
      } else if (first.last !== input) {
        first.last = input;
        first.inputs++;
        example ??= `${inputs[first.input].where(first.index)} and ${where(index)}`;
      }
    });
  });
  if (example === null) return null;
  let repeated = 0;
  let most = 0;
  for (const item of seen.values()) {
    if (item.inputs > 1) repeated++;
    most = Math.max(most, item.inputs);
  }
  const verb = repeated === 1 ? 'appears' : 'appear';
  return `${counted(repeated, 'image')} ${verb} ${most === 2 ? 'twice' : 'twice or more'}` +
    ` (same content), e.g. ${example}; each copy is scored`;
}
