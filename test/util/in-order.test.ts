import { describe, expect, it } from 'vitest';
import { allInOrder, InOrder } from '../../src/util/in-order.js';

const later = <T>(ms: number, value: T) =>
  new Promise<T>((done) => setTimeout(() => done(value), ms));
const failingAfter = (ms: number, message: string) =>
  new Promise<never>((_, fail) => setTimeout(() => fail(new Error(message)), ms));

describe('allInOrder', () => {
  it('when every promise succeeds then the values come in argument order', async () => {
    expect(await allInOrder([later(20, 'image'), later(1, 'mask'), null])).toEqual(
      ['image', 'mask', null]);
  });

  it('when several fail then the first in argument order is thrown, not the first to fail',
    async () => {
      await expect(allInOrder([failingAfter(30, 'image'), failingAfter(1, 'mask')]))
        .rejects.toThrow('image');
      await expect(allInOrder([later(1, 'image'), failingAfter(5, 'mask')]))
        .rejects.toThrow('mask');
    });
});

describe('InOrder', () => {
  it('when items settle out of order then they are handed on in order, failures skipped', () => {
    const emitted: string[] = [];
    const ordered = new InOrder<string>((value) => emitted.push(value));
    ordered.settle(2, 'c');
    ordered.settle(0, 'a');
    expect(emitted).toEqual(['a']);
    ordered.settle(1, null);
    expect(emitted).toEqual(['a', 'c']);
  });
});
