/**
 * Names of the temporary files that atomic writes make beside their targets:
 * `.<name>.<pid>.<hex>.tmp`, hidden, and fresh for each write (the process id and random hex).
 *
 * A file name may hold at most {@link NAME_MAX} bytes, so a target whose name is close to that
 * would have a temporary name that is too long, and the write would fail at its very end. The
 * target's name is then shortened in the temporary name, to whole UTF-8 characters, until it
 * fits; the process id and random hex keep it unique.
 */
import { randomBytes } from 'node:crypto';

/** Most bytes in one file name (Linux's NAME_MAX, and that of most file systems). */
export const NAME_MAX = 255;

/**
 * A fresh temporary name for a file named `name` (not a path): `.<name>.<pid>.<hex>.<kind>`,
 * `kind` being `tmp` for files written atomically (folders staged whole use others).
 */
export function temporaryNameOf(name: string, kind = 'tmp'): string {
  return withTail(name, `.${process.pid}.${randomBytes(4).toString('hex')}.${kind}`);
}

/**
 * True for a temporary name (`.<stem>.<pid>.<hex>.tmp`) of the file `name`, or of a file named
 * after it (`<name>.partial`), or the same shortened by {@link temporaryNameOf}.
 */
export function isTemporaryNameOf(candidate: string, name: string): boolean {
  const parts = partsOf(candidate, 'tmp');
  if (parts === null) return false;
  const { stem } = parts;
  return stem === name || stem.startsWith(`${name}.`) || isShortened(candidate, stem, name);
}

/**
 * The process id in `candidate` when it is a temporary name of kind `kind` that
 * {@link temporaryNameOf} gives `name` itself (shortened or not), else null.
 */
export function temporaryNameProcess(candidate: string, name: string, kind: string): number | null {
  const parts = partsOf(candidate, kind);
  if (parts === null) return null;
  return parts.stem === name || isShortened(candidate, parts.stem, name) ? parts.pid : null;
}

/** The stem and process id of a name `.<stem>.<pid>.<hex>.<kind>`, or null. */
function partsOf(candidate: string, kind: string): { stem: string; pid: number } | null {
  const tail = new RegExp(`\\.(\\d+)\\.[0-9a-f]{8}\\.${kind}$`).exec(candidate);
  if (tail === null || !candidate.startsWith('.')) return null;
  return { stem: candidate.slice(1, candidate.length - tail[0].length), pid: Number(tail[1]) };
}

/**
 * Whether `stem` is `name` shortened by {@link temporaryNameOf}: a start of it, in a candidate
 * within a character (4 bytes) of NAME_MAX, which only a shortened name is.
 */
function isShortened(candidate: string, stem: string, name: string): boolean {
  return stem !== '' && name.startsWith(stem) && Buffer.byteLength(candidate) > NAME_MAX - 4;
}

/** `.<name><tail>`, the name shortened as much as needed to keep it within NAME_MAX bytes. */
function withTail(name: string, tail: string): string {
  return `.${truncatedToBytes(name, NAME_MAX - 1 - Buffer.byteLength(tail))}${tail}`;
}

/**
 * The longest start of `text` that takes at most `maxBytes` bytes in UTF-8: whole characters
 * only, never a part of one.
 */
export function truncatedToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
