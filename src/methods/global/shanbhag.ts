/**
 * Shanbhag's information measure: balance the fuzzy information of the two classes.
 *
 * Reference: A. G. Shanbhag (1994), "Utilization of Information Measure as a Means of Image
 * Thresholding", CVGIP: Graphical Models and Image Processing 56(5): 414–419.
 * DOI 10.1006/cgip.1994.1037.
 *
 * Algorithm: with p_b the normalized histogram and P(t) = Σ_{b≤t} p_b, the information of the
 * lower class is I₀(t) = −(½P(t))⁻¹·Σ_{b≤t} p_b ln(1 − P(b−1)/(2P(t))) and of the upper class
 * I₁(t) = −(½(1−P(t)))⁻¹·Σ_{b>t} p_b ln(1 − (1−P(b))/(2(1−P(t)))) (the membership of a pixel
 * grows with its distance from the split). Returns the t minimizing |I₀ − I₁|, the lowest on a
 * tie.
 *
 * Matches: ImageJ 1.53 `AutoThresholder.Shanbhag` on every golden record, including its quirk
 * of leaving bin 0 out of I₀ (its lower-class sum starts at bin 1), kept for agreement; it only
 * matters for images with pixels at gray level 0. Same shares, same summation order; empty
 * bins, which add nothing, are skipped.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin (ImageJ
 * returns 0). The search range is ImageJ's (see {@link cumulativeShares}).
 *
 * Speed: ImageJ evaluates n logarithms for each of the n splits (O(n²), ~1 ms for a full 8-bit
 * histogram). Here every split is first estimated in O(K) from the series
 * −ln(1 − u) = Σ_{k≥1} u^k / k: in the lower class u = P(b−1) / (2P(t)) ≤ ½, so
 * Σ_b p_b·(−ln(1 − u_b)) = Σ_k (2P(t))^{−k}/k · Σ_{b≤t} p_b·P(b−1)^k, and the inner sums are
 * running sums over b, shared by every t (the upper class likewise, with 1 − P(b) summed from
 * the top). With K = {@link SERIES_TERMS} terms the truncation error is below 2^{−K}·2/(K + 1)
 * of the class information; adding a generous bound for rounding in both computations, only the
 * splits whose estimate could still be the least imbalance are then evaluated exactly, in
 * ImageJ's order of operations, and the least of those wins (the lowest on a tie, as ImageJ).
 * Any split ImageJ could choose is among them, so the result is ImageJ's; usually one or two
 * splits are evaluated exactly. Splits where 1 − P(t) is too close to 0 for the series (the last
 * bins, where rounding leaves 1 − P(b) slightly negative) are always evaluated exactly.
 *
 * Complexity: O(K·n) for the estimates plus O(n) per exactly evaluated split; two Float64Arrays
 * (allocated once per thread) besides the shares.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { requireOccupiedBins } from './policy.js';
import { cumulativeShares, type CumulativeShares } from './shares.js';

/** Terms of the logarithm series used for the estimates: truncation error < 2⁻²⁵. */
const SERIES_TERMS = 20;
/** 1/k for k = 1..SERIES_TERMS (index k − 1). */
const INVERSE_K = Float64Array.from({ length: SERIES_TERMS }, (_, k) => 1 / (k + 1));
/**
 * Bound on |estimate − ImageJ's value| of one class information: series truncation
 * (½ · 2^{−K−1} · 2/(K + 1) = 2⁻²¹/21 < 2.3·10⁻⁸ for u ≤ ½) plus rounding in both evaluations
 * (each below 10⁻¹³ for values ≤ ½ ln 2 summed over 256 bins).
 */
const ESTIMATE_ERROR = 2.3e-8 + 1e-12;

/**
 * Smallest share above a split for which the upper series is used: below it, 1 − P(t) carries
 * too few correct digits for the error bound, and the split is evaluated exactly.
 */
const MIN_SERIES_SHARE = 1e-6;

/** Shanbhag's threshold of `histogram` (a bin index). */
export function shanbhagThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'shanbhag');
  if (first === last) return first;
  const shares = cumulativeShares(histogram);
  const { firstBin, lastBin } = shares;

  // Estimated imbalance of every split; NaN where only the exact value will do.
  const imbalance = estimatedImbalances(shares, Math.max(first, 1), last);

  // Splits whose imbalance could be the least, evaluated exactly in increasing order.
  let bound = Infinity;
  for (let t = firstBin; t <= lastBin; t++) {
    if (imbalance[t] + 2 * ESTIMATE_ERROR < bound) bound = imbalance[t] + 2 * ESTIMATE_ERROR;
  }
  let best = firstBin;
  let leastImbalance = Infinity;
  for (let t = firstBin; t <= lastBin; t++) {
    if (imbalance[t] - 2 * ESTIMATE_ERROR > bound) continue; // false for NaN: evaluated
    // An empty bin t leaves both classes as at t − 1: the same imbalance, which never wins
    // (ImageJ keeps the first of equal values).
    if (t > firstBin && shares.share[t] === 0) continue;
    const exact = exactImbalance(shares, t, Math.max(first, 1), last);
    if (exact < leastImbalance) {
      leastImbalance = exact;
      best = t;
    }
  }
  return best;
}

/** The estimates and the series sums, reused by every call on this thread. */
const IMBALANCE = new Float64Array(BIN_COUNT);
const SERIES_SUMS = new Float64Array(SERIES_TERMS);

/**
 * |I₀(t) − I₁(t)| for every split t in [firstBin, lastBin] from the logarithm series (see the
 * module comment), NaN where the upper series does not apply. `from..last` are the bins summed.
 */
function estimatedImbalances(shares: CumulativeShares, from: number, last: number): Float64Array {
  const { share, below, above, firstBin, lastBin } = shares;
  // Zero where neither loop writes (ImageJ's range can end above `last`, see lastBin).
  const imbalance = IMBALANCE.fill(0);
  const sums = SERIES_SUMS.fill(0);

  // Upper class, from the top: sums[k] = Σ_{b>t} p_b·(1 − P(b))^{k+1}.
  let lowestAbove = 0;
  for (let b = from; b <= last; b++) lowestAbove = Math.min(lowestAbove, above[b]);
  for (let t = last; t >= firstBin; t--) {
    if (t < last) {
      const p = share[t + 1];
      const q = above[t + 1];
      let power = p;
      for (let k = 0; k < SERIES_TERMS; k++) {
        power *= q;
        sums[k] += power;
      }
    }
    if (t > lastBin) continue;
    const usable = above[t] >= MIN_SERIES_SHARE && -lowestAbove < above[t];
    imbalance[t] = usable ? seriesInformation(sums, 0.5 / above[t]) : NaN;
  }

  // Lower class, from the bottom: sums[k] = Σ_{from≤b≤t} p_b·P(b−1)^{k+1}.
  sums.fill(0);
  for (let t = firstBin; t <= lastBin; t++) {
    if (t >= from) addPowers(sums, share[t], below[t - 1]);
    imbalance[t] = Math.abs(seriesInformation(sums, 0.5 / below[t]) - imbalance[t]);
  }
  return imbalance;
}

/** sums[k] += p·w^{k+1} for every k. */
function addPowers(sums: Float64Array, p: number, w: number): void {
  let power = p;
  for (let k = 0; k < SERIES_TERMS; k++) {
    power *= w;
    sums[k] += power;
  }
}

/** scale · Σ_k scale^{k+1} · sums[k] / (k + 1): one class information from its series. */
function seriesInformation(sums: Float64Array, scale: number): number {
  let power = scale;
  let total = 0;
  for (let k = 0; k < SERIES_TERMS; k++) {
    total += power * sums[k] * INVERSE_K[k];
    power *= scale;
  }
  return total * scale;
}

/** |I₀(t) − I₁(t)| as ImageJ computes it (bins from..last; empty bins add nothing). */
function exactImbalance(shares: CumulativeShares, t: number, from: number, last: number): number {
  const { share, below, above } = shares;

  // Lower class: bins 1..t (ImageJ leaves bin 0 out).
  let scale = 0.5 / below[t];
  let informationBelow = 0;
  for (let bin = from; bin <= t; bin++) {
    if (share[bin] > 0) informationBelow -= share[bin] * Math.log(1 - scale * below[bin - 1]);
  }
  informationBelow *= scale;

  // Upper class: bins t+1..255.
  scale = 0.5 / above[t];
  let informationAbove = 0;
  for (let bin = Math.max(t + 1, from); bin <= last; bin++) {
    if (share[bin] > 0) informationAbove -= share[bin] * Math.log(1 - scale * above[bin]);
  }
  informationAbove *= scale;
  return Math.abs(informationBelow - informationAbove);
}
