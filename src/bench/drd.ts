/**
 * Distance-reciprocal distortion (DRD) of a binarization, as the DIBCO contests compute it.
 *
 * Reference: H. Lu, A. C. Kot & Y. Q. Shi (2004), "Distance-reciprocal distortion measure for
 * binary document images", IEEE Signal Processing Letters 11(2), 228–231,
 * doi:10.1109/LSP.2003.821748; used since DIBCO 2011 (Pratikakis, Gatos & Ntirogiannis).
 *
 *   DRD = Σ_k DRD_k / NUBN
 *   DRD_k = Σ_{i,j ∈ −2..2} |GT(x_k + i, y_k + j) − B(x_k, y_k)| · W(i, j)
 *
 * k runs over the pixels where the binarization B differs from the ground truth GT. Note that
 * every cell of the 5×5 block is compared with the *flipped pixel's* value B(x_k, y_k), not with
 * B at that cell: DRD_k is the weighted share of GT neighbours whose class the error contradicts.
 * W is the 5×5 normalized weight matrix: 1 / (distance to the centre), 0 at the centre, divided
 * by the sum of its 24 weights. NUBN is the number of non-uniform (holding both classes) 8×8
 * blocks of GT, tiled from the top-left corner.
 *
 * Two conventions the paper leaves open, chosen here (and in the independent NumPy reference of
 * scripts/fixtures/make-metric-fixtures.py): block cells outside the image contribute nothing
 * (no padding value is assumed), and only complete 8×8 blocks count in NUBN (a partial block at
 * the right or bottom edge is ignored). On the shared document images the second choice changes
 * NUBN by at most one block in a thousand (see the whole-image fixtures).
 *
 * Because B(x_k, y_k) = 1 − GT(x_k, y_k) at an error, DRD_k depends on GT alone: it is the
 * {@link flipWeightAt} of the pixel. So the DRD of every global threshold comes exactly from two
 * weighted class histograms ({@link drdClassHistograms}), without a pass over the pixels.
 *
 * With a scoring region (`scored`, 1 = scored), errors count only inside it, and NUBN counts the
 * blocks whose scored pixels hold both classes; GT neighbours outside the region still weigh.
 * Lower is better; 0 means no error. Undefined (`null`) when NUBN = 0 (a uniform ground truth).
 */
import { BIN_COUNT } from '../histogram/histogram.js';
import type { Polarity } from '../label/objectives.js';

/** Side of the weight matrix (5) and of the NUBN blocks (8), in pixels. */
export const DRD_WINDOW = 5;
export const DRD_BLOCK = 8;

const RADIUS = (DRD_WINDOW - 1) / 2;

/** The normalized 5×5 weight matrix W, row-major (W[2·5 + 2] = 0 is the centre). */
export const DRD_WEIGHTS: Float64Array = makeWeights();

function makeWeights(): Float64Array {
  const weights = new Float64Array(DRD_WINDOW * DRD_WINDOW);
  let sum = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) {
    for (let j = -RADIUS; j <= RADIUS; j++) {
      if (i === 0 && j === 0) continue;
      const weight = 1 / Math.hypot(i, j);
      weights[(i + RADIUS) * DRD_WINDOW + (j + RADIUS)] = weight;
      sum += weight;
    }
  }
  for (let k = 0; k < weights.length; k++) weights[k] /= sum;
  return weights;
}

/** Sum of all 24 weights after normalization (1 up to rounding): DRD_k of an isolated error. */
const INTERIOR_WEIGHT = DRD_WEIGHTS.reduce((sum, weight) => sum + weight, 0);

/**
 * DRD_k of flipping pixel (x, y): Σ W over the in-image 5×5 neighbours whose GT class equals
 * the pixel's own GT class (`truth` is 1 = foreground, 0 = background, row-major).
 */
export function flipWeightAt(
  truth: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
): number {
  const own = truth[y * width + x];
  let sum = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) {
    const row = y + i;
    if (row < 0 || row >= height) continue;
    for (let j = -RADIUS; j <= RADIUS; j++) {
      const column = x + j;
      if (column < 0 || column >= width) continue;
      if (truth[row * width + column] === own) {
        sum += DRD_WEIGHTS[(i + RADIUS) * DRD_WINDOW + (j + RADIUS)];
      }
    }
  }
  return sum;
}

/**
 * NUBN: the number of complete 8×8 blocks of `truth` that hold both classes (among their scored
 * pixels when `scored` is given).
 */
export function nonUniformBlockCount(
  truth: Uint8Array,
  width: number,
  height: number,
  scored: Uint8Array | null = null,
): number {
  let count = 0;
  for (let top = 0; top + DRD_BLOCK <= height; top += DRD_BLOCK) {
    for (let left = 0; left + DRD_BLOCK <= width; left += DRD_BLOCK) {
      if (blockIsMixed(truth, width, left, top, scored)) count++;
    }
  }
  return count;
}

function blockIsMixed(
  truth: Uint8Array,
  width: number,
  left: number,
  top: number,
  scored: Uint8Array | null,
): boolean {
  let seen = 0; // bit 0: a background pixel, bit 1: a foreground pixel
  for (let y = top; y < top + DRD_BLOCK; y++) {
    for (let x = left; x < left + DRD_BLOCK; x++) {
      const index = y * width + x;
      if (scored !== null && scored[index] === 0) continue;
      seen |= 1 << truth[index];
      if (seen === 3) return true;
    }
  }
  return false;
}

/**
 * DRD of a predicted mask (1 = foreground) against `truth`, pixel by pixel; `null` when
 * NUBN = 0.
 */
export function drdOf(
  truth: Uint8Array,
  predicted: Uint8Array,
  width: number,
  height: number,
  scored: Uint8Array | null = null,
): number | null {
  const blocks = nonUniformBlockCount(truth, width, height, scored);
  if (blocks === 0) return null;
  return drdSumOf(truth, predicted, width, height, scored) / blocks;
}

/** Σ DRD_k over the errors of `predicted` (the numerator of DRD). */
export function drdSumOf(
  truth: Uint8Array,
  predicted: Uint8Array,
  width: number,
  height: number,
  scored: Uint8Array | null = null,
): number {
  let sum = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      if (predicted[index] === truth[index]) continue;
      if (scored !== null && scored[index] === 0) continue;
      sum += flipWeightAt(truth, width, height, x, y);
    }
  }
  return sum;
}

/**
 * Flip weights (DRD_k) of the scored pixels, summed per histogram bin and GT class.
 * `foreground[b]` is what the errors on foreground pixels of bin b add to Σ DRD_k if all of them
 * are misclassified, and likewise for `background`. See {@link drdSumAtThreshold}.
 */
export interface DrdClassHistograms {
  readonly foreground: Float64Array;
  readonly background: Float64Array;
  /** NUBN of the ground truth (the denominator of DRD). */
  readonly blocks: number;
}

/**
 * Weighted class histograms of an image for exact DRD at every global threshold. `bins` holds
 * each pixel's histogram bin, `truth` its GT class (1 = foreground), `scored` whether it counts.
 * O(N): a pixel whose whole 5×5 neighbourhood lies in the image and holds one GT class has the
 * flip weight of the whole window (1), so it is only counted; the others (near a GT edge or the
 * image border) sum their 24 neighbours.
 */
export function drdClassHistograms(
  bins: Uint8Array,
  truth: Uint8Array,
  width: number,
  height: number,
  scored: Uint8Array | null = null,
): DrdClassHistograms {
  const foreground = new Float64Array(BIN_COUNT);
  const background = new Float64Array(BIN_COUNT);
  // Pixels with a uniform interior window, counted per class and bin, weighted at the end.
  const uniformForeground = new Uint32Array(BIN_COUNT);
  const uniformBackground = new Uint32Array(BIN_COUNT);
  const near = nearEdgeMask(truth, width, height);
  const { offsets, weights } = neighbourTaps(width);

  for (let y = 0; y < height; y++) {
    const interiorRow = y >= RADIUS && y + RADIUS < height;
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      if (scored !== null && scored[index] === 0) continue;
      const interior = interiorRow && x >= RADIUS && x + RADIUS < width;
      if (interior && near[index] === 0) {
        if (truth[index] === 1) uniformForeground[bins[index]]++;
        else uniformBackground[bins[index]]++;
        continue;
      }
      if (!interior) {
        const weight = flipWeightAt(truth, width, height, x, y);
        if (truth[index] === 1) foreground[bins[index]] += weight;
        else background[bins[index]] += weight;
        continue;
      }
      // Interior pixel near a GT edge: weight of the foreground neighbours, S = Σ W·GT.
      let foregroundWeight = 0;
      for (let k = 0; k < offsets.length; k++) {
        if (truth[index + offsets[k]] === 1) foregroundWeight += weights[k];
      }
      if (truth[index] === 1) foreground[bins[index]] += foregroundWeight;
      else background[bins[index]] += INTERIOR_WEIGHT - foregroundWeight;
    }
  }

  for (let bin = 0; bin < BIN_COUNT; bin++) {
    foreground[bin] += uniformForeground[bin] * INTERIOR_WEIGHT;
    background[bin] += uniformBackground[bin] * INTERIOR_WEIGHT;
  }
  return { foreground, background, blocks: nonUniformBlockCount(truth, width, height, scored) };
}

/** Index offsets (for rows of `width` pixels) and weights of the 24 neighbours. */
function neighbourTaps(width: number): { offsets: Int32Array; weights: Float64Array } {
  const offsets: number[] = [];
  const weights: number[] = [];
  for (let i = -RADIUS; i <= RADIUS; i++) {
    for (let j = -RADIUS; j <= RADIUS; j++) {
      if (i === 0 && j === 0) continue;
      offsets.push(i * width + j);
      weights.push(DRD_WEIGHTS[(i + RADIUS) * DRD_WINDOW + (j + RADIUS)]);
    }
  }
  return { offsets: Int32Array.from(offsets), weights: Float64Array.from(weights) };
}

/**
 * 1 for every pixel whose 5×5 window may hold both GT classes: the windows of both pixels of
 * every pair of horizontally or vertically adjacent pixels with different classes (a window
 * holding both classes holds such a pair, since it is connected). Costs one pass plus 30 writes
 * per class boundary, so it is cheap where GT edges are sparse (text, nuclei).
 */
function nearEdgeMask(truth: Uint8Array, width: number, height: number): Uint8Array {
  const near = new Uint8Array(truth.length);
  const mark = (left: number, top: number, right: number, bottom: number) => {
    for (let y = Math.max(0, top); y <= Math.min(height - 1, bottom); y++) {
      const offset = y * width;
      for (let x = Math.max(0, left); x <= Math.min(width - 1, right); x++) near[offset + x] = 1;
    }
  };
  for (let y = 0; y < height; y++) {
    const offset = y * width;
    for (let x = 0; x < width; x++) {
      const own = truth[offset + x];
      if (x + 1 < width && truth[offset + x + 1] !== own) {
        mark(x - RADIUS, y - RADIUS, x + 1 + RADIUS, y + RADIUS);
      }
      if (y + 1 < height && truth[offset + width + x] !== own) {
        mark(x - RADIUS, y - RADIUS, x + RADIUS, y + 1 + RADIUS);
      }
    }
  }
  return near;
}

/**
 * Σ DRD_k of global threshold t (an integer bin) under `polarity`: with `dark`, foreground
 * pixels above t and background pixels at or below t are errors; `bright` the reverse.
 */
export function drdSumAtThreshold(
  histograms: DrdClassHistograms,
  threshold: number,
  polarity: Polarity,
): number {
  let foregroundAtOrBelow = 0;
  let foregroundAbove = 0;
  let backgroundAtOrBelow = 0;
  let backgroundAbove = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    if (bin <= threshold) {
      foregroundAtOrBelow += histograms.foreground[bin];
      backgroundAtOrBelow += histograms.background[bin];
    } else {
      foregroundAbove += histograms.foreground[bin];
      backgroundAbove += histograms.background[bin];
    }
  }
  return polarity === 'dark'
    ? foregroundAbove + backgroundAtOrBelow
    : foregroundAtOrBelow + backgroundAbove;
}

/** DRD of global threshold t from weighted class histograms; `null` when NUBN = 0. */
export function drdAtThreshold(
  histograms: DrdClassHistograms,
  threshold: number,
  polarity: Polarity,
): number | null {
  if (histograms.blocks === 0) return null;
  return drdSumAtThreshold(histograms, threshold, polarity) / histograms.blocks;
}
