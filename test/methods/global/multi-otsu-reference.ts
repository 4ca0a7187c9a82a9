/**
 * Test-only brute-force reference of scikit-image 0.19's three-class multi-Otsu search, in its
 * float32 arithmetic, with no pruning: every pair (low, high) of the occupied range is tried in
 * lexicographic order and the first one with the largest float32 sum wins. This is the
 * exhaustive k = 3 logic that src/methods/global/multi-otsu.ts had before its search was
 * pruned, written out plainly so that the fast search can be checked against it bit for bit.
 *
 * Arithmetic (as scikit-image): shares count / total rounded to float32, float32 cumulative
 * share and first moment (the moment starts at shares[0], not 0 · shares[0]), class terms
 * S(u, v)² / P(u, v) rounded to float32 after every operation, 0 for an empty class and for the
 * class [0, 0], and sums (first + last) + middle rounded to float32.
 */

/** The two thresholds (bins), or 'methodFailed' when fewer than 3 bins are occupied. */
export function bruteForceMultiOtsu3(counts: ArrayLike<number>): number[] | 'methodFailed' {
  let first = 0;
  while (first < counts.length && !(counts[first] > 0)) first++;
  let last = counts.length - 1;
  while (last > first && !(counts[last] > 0)) last--;
  if (first === counts.length) throw new Error('empty histogram');
  if (first === last) return [first, first];

  let total = 0;
  for (let bin = first; bin <= last; bin++) total += counts[bin];
  const n = last - first + 1;
  const shares = new Float32Array(n);
  const occupiedLevels: number[] = [];
  for (let level = 0; level < n; level++) {
    shares[level] = counts[first + level] / total;
    if (shares[level] > 0) occupiedLevels.push(level);
  }
  if (occupiedLevels.length < 3) return 'methodFailed';
  if (occupiedLevels.length === 3) return occupiedLevels.slice(0, 2).map((l) => first + l);

  const share = new Float32Array(n);
  const moment = new Float32Array(n);
  share[0] = shares[0];
  moment[0] = shares[0];
  for (let v = 1; v < n; v++) {
    share[v] = share[v - 1] + shares[v];
    moment[v] = moment[v - 1] + Math.fround(v * shares[v]);
  }
  const term = (u: number, v: number): number => {
    const classShare = u === 0 ? share[v] : Math.fround(share[v] - share[u - 1]);
    if (!(classShare > 0) || v === 0) return 0;
    const classMoment = u === 0 ? moment[v] : Math.fround(moment[v] - moment[u - 1]);
    return Math.fround(Math.fround(classMoment * classMoment) / classShare);
  };

  let bestLow = 0;
  let bestHigh = 1;
  let bestSum = 0;
  for (let low = 0; low < n - 2; low++) {
    for (let high = low + 1; high < n - 1; high++) {
      const outer = Math.fround(term(0, low) + term(high + 1, n - 1));
      const sum = Math.fround(outer + term(low + 1, high));
      if (sum > bestSum) {
        bestSum = sum;
        bestLow = low;
        bestHigh = high;
      }
    }
  }
  return [first + bestLow, first + bestHigh];
}
