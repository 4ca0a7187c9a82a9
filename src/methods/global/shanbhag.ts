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
 * Complexity: O(n²) logarithms for n occupied bins (the membership depends on t, so nothing
 * can be accumulated); the slowest global method. One list of occupied bins.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { occupiedBinList } from './huang.js';
import { requireOccupiedBins } from './policy.js';
import { cumulativeShares } from './shares.js';

/** Shanbhag's threshold of `histogram` (a bin index). */
export function shanbhagThreshold(histogram: Histogram): number {
  const { first, last } = requireOccupiedBins(histogram, 'shanbhag');
  if (first === last) return first;
  const { share, below, above, firstBin, lastBin } = cumulativeShares(histogram);
  const occupied = occupiedBinList(histogram, Math.max(first, 1), last);

  let best = firstBin;
  let leastImbalance = Infinity;
  for (let t = firstBin; t <= lastBin; t++) {
    // Lower class: bins 1..t (ImageJ leaves bin 0 out).
    let scale = 0.5 / below[t];
    let informationBelow = 0;
    let index = 0;
    for (; index < occupied.length && occupied[index] <= t; index++) {
      const bin = occupied[index];
      informationBelow -= share[bin] * Math.log(1 - scale * below[bin - 1]);
    }
    informationBelow *= scale;

    // Upper class: bins t+1..255.
    scale = 0.5 / above[t];
    let informationAbove = 0;
    for (; index < occupied.length; index++) {
      const bin = occupied[index];
      informationAbove -= share[bin] * Math.log(1 - scale * above[bin]);
    }
    informationAbove *= scale;

    const imbalance = Math.abs(informationBelow - informationAbove);
    if (imbalance < leastImbalance) {
      leastImbalance = imbalance;
      best = t;
    }
  }
  return best;
}
