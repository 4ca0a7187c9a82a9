/**
 * Kittler–Illingworth minimum error thresholding, iterative form.
 *
 * References: J. Kittler and J. Illingworth (1986), "Minimum Error Thresholding", Pattern
 * Recognition 19(1): 41–47, DOI 10.1016/0031-3203(86)90030-0; the iteration is the one given by
 * C. A. Glasbey (1993), "An Analysis of Histogram-Based Thresholding Algorithms", CVGIP:
 * Graphical Models and Image Processing 55(6): 532–537, DOI 10.1006/cgip.1993.1040.
 *
 * Algorithm: the classes ≤ t and > t are modelled as normal distributions (shares p, q, means
 * μ, ν, variances σ², τ²). The next t is the integer part of the larger root of the quadratic
 * where the two weighted densities are equal:
 * `w₀t² − 2w₁t + w₂ = 0` with w₀ = 1/σ² − 1/τ², w₁ = μ/σ² − ν/τ²,
 * w₂ = μ²/σ² − ν²/τ² + log₁₀(σ²q² / (τ²p²)), i.e. t = ⌊(w₁ + √(w₁² − w₀w₂)) / w₀⌋.
 * It starts at the mean (⌊μ_all⌋) and stops when t repeats.
 *
 * Convention: t is the last bin of the lower class (ImageJ's "pixels ≤ t" side).
 *
 * Matches: ImageJ 1.53 `AutoThresholder.MinErrorI` on every golden record where ImageJ's own
 * arithmetic is exact, including the ones where ImageJ logs "not converging": when the quadratic
 * has no real root (w₁² < w₀w₂) the current estimate is returned, as ImageJ does; it is still a
 * usable split.
 *
 * Integer overflow in ImageJ: ImageJ forms the class sums from Java `int` products i·count and
 * i²·count, which wrap around modulo 2³² once i²·count reaches 2³¹ (a bin above gray level 200
 * holding more than ~53 000 pixels, common in scans of a few megapixels). Its answer then depends
 * on the image size rather than on the histogram's shape: doubling every count moves the
 * threshold of dibco2011 H02 from 189 to 46. By default this function sums exactly (float64,
 * exact for integer counts below 2⁵³ / 65 025 ≈ 1.4·10¹¹ pixels), so the threshold depends on
 * the shape alone and scaling all counts leaves it unchanged. `{ imagejIntegerOverflow: true }`
 * reproduces ImageJ's wrapped products instead (see {@link javaIntProduct}), for comparisons
 * with ImageJ; the two agree on every histogram where no product reaches 2³¹.
 *
 * Deliberate differences: the result is clamped to `[first, last]` (an estimate outside the
 * occupied range leaves a class empty, after which ImageJ keeps that estimate); a cycle between
 * estimates, on which ImageJ would loop for ever, stops after 10 000 iterations with
 * `autothresh.methodFailed`.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin.
 *
 * Complexity: O(256) once for the prefix sums (ImageJ recomputes them at every iteration), then
 * O(1) per iteration; usually a handful of iterations.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { histogramMean } from './mean.js';
import {
  binCounts, clampToOccupied, methodFailed, occupiedShape, requireOccupiedBins,
} from './policy.js';

const MAX_ITERATIONS = 10_000;

export interface MinErrorOptions {
  /**
   * Reproduce ImageJ's Java `int` products i·count and i²·count, which wrap around modulo 2³²
   * on large images (default false: exact sums). For comparisons with ImageJ only.
   */
  readonly imagejIntegerOverflow?: boolean;
}

/** Kittler–Illingworth threshold of `histogram` (a bin index). */
export function minErrorThreshold(
  histogram: Histogram,
  options: MinErrorOptions = {},
): number {
  const bins = requireOccupiedBins(histogram, 'min-error');
  if (bins.first === bins.last) return bins.first;
  const sums = classSums(histogram, options.imagejIntegerOverflow === true);

  // Initial estimate: the mean, rounded down (ImageJ's Mean).
  let threshold = Math.floor(histogramMean(histogram, bins.first, bins.last));
  let previous = -2;
  let iterations = 0;
  while (threshold !== previous) {
    if (++iterations > MAX_ITERATIONS) {
      throw methodFailed('min-error',
        `estimates still changing after ${MAX_ITERATIONS} iterations`);
    }
    const next = nextEstimate(sums, threshold);
    if (next === null) break;
    previous = threshold;
    threshold = next;
  }
  return clampToOccupied(threshold, bins);
}

interface ClassSums {
  /** zeroth[j] = Σ_{i≤j} count_i. */
  readonly zeroth: Float64Array;
  /** first[j] = Σ_{i≤j} i·count_i (optionally as Java ints, see {@link javaIntProduct}). */
  readonly first: Float64Array;
  /** second[j] = Σ_{i≤j} i²·count_i (optionally as Java ints). */
  readonly second: Float64Array;
}

/**
 * The counts and their prefix sums, reused by every call on this thread (every entry is written
 * before it is read): one histogram's arrays cost more to allocate than the iteration takes.
 */
const SCRATCH = {
  counts: new Float64Array(BIN_COUNT),
  zeroth: new Float64Array(BIN_COUNT),
  first: new Float64Array(BIN_COUNT),
  second: new Float64Array(BIN_COUNT),
};

/**
 * Prefix sums of the counts. Exact mode sums the counts divided by their common divisor (see
 * `occupiedShape` in policy.ts), which keeps the sums small and exact and makes multiples of a
 * histogram give bit-identical statistics; Java-int mode sums the raw counts, as ImageJ does.
 */
function classSums(histogram: Histogram, javaInts: boolean): ClassSums {
  const counts = javaInts
    ? binCounts(histogram)
    : occupiedShape(histogram, 0, BIN_COUNT - 1, SCRATCH.counts);
  const { zeroth, first, second } = SCRATCH;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    a += counts[bin];
    b += javaInts ? javaIntProduct(bin, counts[bin]) : bin * counts[bin];
    c += javaInts ? javaIntProduct(bin * bin, counts[bin]) : bin * bin * counts[bin];
    zeroth[bin] = a;
    first[bin] = b;
    second[bin] = c;
  }
  return { zeroth, first, second };
}

/**
 * `factor * count` as Java's `int` multiplication computes it (wrapping modulo 2³²) when
 * `count` is an integer; fractional counts (derived histograms) are multiplied exactly.
 */
export function javaIntProduct(factor: number, count: number): number {
  return Number.isInteger(count) ? Math.imul(factor, count) : factor * count;
}

/**
 * The next estimate from `threshold`, or null when the quadratic has no real root (ImageJ
 * then keeps `threshold`). A NaN root (an empty class) also keeps `threshold`.
 */
function nextEstimate(sums: ClassSums, threshold: number): number | null {
  const all = BIN_COUNT - 1;
  const j = Math.min(threshold, all);
  const a = j < 0 ? 0 : sums.zeroth[j];
  const b = j < 0 ? 0 : sums.first[j];
  const c = j < 0 ? 0 : sums.second[j];
  const [aAll, bAll, cAll] = [sums.zeroth[all], sums.first[all], sums.second[all]];

  // Class statistics.
  const mu = b / a;
  const nu = (bAll - b) / (aAll - a);
  const p = a / aAll;
  const q = (aAll - a) / aAll;
  const sigma2 = c / a - mu * mu;
  const tau2 = (cAll - c) / (aAll - a) - nu * nu;

  // The quadratic's terms and its larger root.
  const w0 = 1 / sigma2 - 1 / tau2;
  const w1 = mu / sigma2 - nu / tau2;
  const w2 = (mu * mu) / sigma2 - (nu * nu) / tau2
    + Math.log10((sigma2 * (q * q)) / (tau2 * (p * p)));
  const discriminant = w1 * w1 - w0 * w2;
  if (discriminant < 0) return null;
  const root = (w1 + Math.sqrt(discriminant)) / w0;
  return Number.isNaN(root) ? threshold : Math.floor(root);
}
