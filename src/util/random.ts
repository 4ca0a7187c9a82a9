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
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** A new independent generator derived from this one. */
  fork(): Random;
}

export function createRandom(seed: number): Random {
  // The state is kept as a signed 32-bit integer (`| 0`), the same bits as mulberry32's unsigned
  // one: an unsigned value above 2^31 would be stored as a heap number, allocated on every call.
  let state = (Math.floor(seed) ^ 0x9e3779b9) | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
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
