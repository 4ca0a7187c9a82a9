/**
 * Work done out of order (a few items in flight), handed on in order.
 */

/**
 * Hands values on in index order as they come: each one as soon as all before it are settled,
 * holding back only those that settled ahead of an earlier one.
 */
export class InOrder<T> {
  private next = 0;
  private readonly waiting = new Map<number, T | null>();

  constructor(private readonly emit: (value: T) => void) {}

  /** Item `index` is done: with its value, or `null` when it has none (failed, not started). */
  settle(index: number, value: T | null): void {
    this.waiting.set(index, value);
    for (; this.waiting.has(this.next); this.next++) {
      const ready = this.waiting.get(this.next) ?? null;
      this.waiting.delete(this.next);
      if (ready !== null) this.emit(ready);
    }
  }
}

/**
 * `Promise.all`, except that when several fail, the error thrown is that of the first in
 * argument order, not of the first to fail: an image and its mask read side by side report the
 * image's problem first, whichever decoder finished first.
 */
export async function allInOrder<const T extends readonly unknown[]>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as
    { -readonly [K in keyof T]: Awaited<T[K]> };
}
