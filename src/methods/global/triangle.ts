/**
 * Triangle method: the bin farthest below the line from the histogram peak to the far end.
 *
 * Reference: G. W. Zack, W. E. Rogers and S. A. Latt (1977), "Automatic Measurement of Sister
 * Chromatid Exchange Frequency", Journal of Histochemistry and Cytochemistry 25(7): 741–753.
 * DOI 10.1177/25.7.70454.
 *
 * Algorithm (as OpenCV 4.6 `THRESH_TRIANGLE`): the line runs from the peak (first highest bin)
 * to the empty bin just outside the occupied range on the side with more bins (`first − 1`,
 * or `last + 1` when the far side is on the right; the histogram is then read mirrored). The
 * split is the bin between them, peak included, with the largest positive distance to the
 * line (first one on a tie, measured in the mirrored reading); the result is the split moved
 * one bin towards the far end (OpenCV's and ImageJ's `split − 1` in the mirrored reading), so
 * that the split bin itself lands on the peak's side.
 *
 * Matches: OpenCV 4.6 `THRESH_TRIANGLE` and ImageJ 1.53 `Triangle` (they agree on every golden
 * record). scikit-image 0.19 `threshold_triangle` omits the one-bin move and does not widen the
 * range by one bin, so it differs by one bin on most records (usually +1 when the long tail is
 * on the left, −1 when it is on the right) and is not followed: OpenCV is the reference users
 * meet most, and its result keeps the bin of largest distance with the peak's class.
 *
 * Deliberate difference: the result is clamped to the occupied range `[first, last]`. OpenCV
 * can return `first − 2`…`first − 1` (or `last + 1`…`last + 2`, even 256) when no bin lies below
 * the line, e.g. for a flat histogram, where OpenCV returns 256.
 *
 * Degenerate input: empty → `autothresh.emptyHistogram`; one occupied bin → that bin
 * (OpenCV returns the bin − 1).
 *
 * Complexity: O(256) time, O(1) memory; the histogram is never reversed in place.
 */
import { BIN_COUNT, type Histogram } from '../../histogram/histogram.js';
import { binCounts, clampToOccupied, requireOccupiedBins } from './policy.js';

/** The triangle threshold of `histogram` (a bin index). */
export function triangleThreshold(histogram: Histogram): number {
  const bins = requireOccupiedBins(histogram, 'triangle');
  if (bins.first === bins.last) return bins.first;
  const counts = binCounts(histogram);

  // Line end points: the empty bins just outside the occupied range, and the first peak.
  const lowEnd = Math.max(bins.first - 1, 0);
  const highEnd = Math.min(bins.last + 1, BIN_COUNT - 1);
  let peak = 0;
  for (let bin = 1; bin < BIN_COUNT; bin++) if (counts[bin] > counts[peak]) peak = bin;
  const peakHeight = counts[peak];

  // Work in the mirrored reading when the longer side is on the right.
  const mirrored = peak - lowEnd < highEnd - peak;
  const at = (position: number): number => counts[mirrored ? BIN_COUNT - 1 - position : position];
  const start = mirrored ? BIN_COUNT - 1 - highEnd : lowEnd;
  const top = mirrored ? BIN_COUNT - 1 - peak : peak;

  // Largest distance below the line (constants dropped: only the argmax matters).
  const slope = start - top;
  let split = start;
  let bestDistance = 0;
  for (let position = start + 1; position <= top; position++) {
    const distance = peakHeight * position + slope * at(position);
    if (distance > bestDistance) {
      bestDistance = distance;
      split = position;
    }
  }

  // One bin towards the far end, back to the original reading, inside the occupied range.
  const shifted = split - 1;
  return clampToOccupied(mirrored ? BIN_COUNT - 1 - shifted : shifted, bins);
}
