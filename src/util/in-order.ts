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
