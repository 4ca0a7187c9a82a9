/**
 * Seeded pseudo-random numbers. Every random step in autothresh draws from one of these, so the
 * same seed always gives the same crops, splits, synthetic images and model weights.
 *
 * Generator: mulberry32 (a 32-bit state, period 2^32), enough for sampling, not for cryptography.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  integer(min: number, max: number): number;
  /**
   * Fills `into` with uniform integers in [0, `bound`), `bound` ≤ 2³¹ (an Int32Array holds
   * them): the numbers `integer(0, bound − 1)` would give one by one, drawn in one loop.
   * Returns `into`.
   */
  fillIntegers(into: Int32Array, bound: number): Int32Array;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** A new independent generator derived from this one. */
  fork(): Random;
}

/** mulberry32's step between two states. */
const STATE_STEP = 0x6d2b79f5;

/** mulberry32's output for `state`, as a number in [0, 1). */
function uniformOf(state: number): number {
  let value = Math.imul(state ^ (state >>> 15), state | 1);
  value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
}

export function createRandom(seed: number): Random {
  // The state is kept as a signed 32-bit integer (`| 0`), the same bits as mulberry32's unsigned
  // one: an unsigned value above 2^31 would be stored as a heap number, allocated on every call.
  let state = (Math.floor(seed) ^ 0x9e3779b9) | 0;
  const next = (): number => {
    state = (state + STATE_STEP) | 0;
    return uniformOf(state);
  };
  const random: Random = {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    fillIntegers: (into, bound) => {
      // The state in a local variable while the loop runs: the closure's copy is written once.
      let local = state;
      for (let i = 0; i < into.length; i++) {
        local = (local + STATE_STEP) | 0;
        into[i] = Math.floor(uniformOf(local) * bound);
      }
      state = local;
      return into;
    },
    uniform: (min, max) => min + next() * (max - min),
    normal: () => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
  return random;
}
