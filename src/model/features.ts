/**
 * The network's input: a fixed-length vector computed from one 256-bin histogram, and nothing
 * else (no image size, no file name), normalized per image so that a crop, a scaled copy or an
 * image of another size with the same gray-level distribution gives the same vector.
 *
 * Feature blocks (in this order; a feature set picks some of them):
 * - `histogram`: p_b = counts_b / total, the normalized histogram (256 values in [0, 1]).
 * - `sqrt`: √p_b (256 values in [0, 1]); compresses the dominant background mode so that small
 *   foreground modes are visible (measured: better than p_b).
 * - `cdf`: C_b = Σ_{k ≤ b} p_k, the cumulative distribution (256 values in [0, 1]).
 * - `sqrt64`, `cdf64`: the same at a quarter of the resolution, on 64 groups of 4 bins:
 *   √(p_4g + … + p_4g+3) and C_4g+3 for g = 0..63 (64 values each). The threshold itself stays
 *   exact to the bin: it is a correction to a classical threshold, and the loss reads the full
 *   class histograms; the coarser input makes the network four times smaller.
 * - `stats`: {@link STATISTIC_NAMES}: moments, entropy, occupied range, quantiles, mode
 *   (bin positions are divided by 255, so all in [0, 1] except skewness and kurtosis, which
 *   are clipped to [−10, 10] and [0, 50]).
 * - `classical`: for each method of {@link CLASSICAL_METHODS}, its threshold t / 255 and the
 *   fraction of pixels at or below it, C_t (2 values per method). A method that fails on a
 *   histogram (`autothresh.methodFailed`) is replaced by the histogram's mean bin, rounded down.
 *
 * After this, the training code standardizes every feature with the training set's mean and
 * standard deviation (stored in the model's metadata), see `normalizeFeatures`.
 */
import { isAutothreshError } from '../errors.js';
import { BIN_COUNT, type Histogram } from '../histogram/histogram.js';
import { globalThreshold, type GlobalMethodName } from '../methods/global/index.js';

/**
 * Classical global methods whose thresholds are features (order fixed: it is the layout).
 * Huang, Shanbhag and Intermodes are left out for speed: Huang alone takes about 0.4 ms per
 * histogram, three times all of these together, and Intermodes up to a few milliseconds on the
 * histograms that need thousands of smoothing passes (`npm run bench:methods`).
 */
export const CLASSICAL_METHODS = [
  'otsu', 'li', 'yen', 'isodata', 'triangle', 'mean', 'minimum', 'max-entropy', 'moments',
  'renyi-entropy', 'min-error', 'percentile',
] as const satisfies readonly GlobalMethodName[];
export type ClassicalMethod = (typeof CLASSICAL_METHODS)[number];

export const STATISTIC_NAMES = [
  'mean', 'std', 'skewness', 'kurtosis', 'entropy', 'first', 'last', 'occupied',
  'q01', 'q05', 'q25', 'q50', 'q75', 'q95', 'q99', 'mode', 'modeHeight',
] as const;

const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

export const FEATURE_BLOCKS = [
  'histogram', 'sqrt', 'cdf', 'sqrt64', 'cdf64', 'stats', 'classical',
] as const;
export type FeatureBlock = (typeof FEATURE_BLOCKS)[number];

/** Named feature sets; `sqrt64-cdf64-stats-classical` is the default (the shipped model's). */
export const FEATURE_SETS = {
  'histogram': ['histogram'],
  'sqrt-cdf': ['sqrt', 'cdf'],
  'sqrt-cdf-stats': ['sqrt', 'cdf', 'stats'],
  'histogram-stats-classical': ['histogram', 'stats', 'classical'],
  'sqrt-cdf-stats-classical': ['sqrt', 'cdf', 'stats', 'classical'],
  'sqrt64-cdf64-stats-classical': ['sqrt64', 'cdf64', 'stats', 'classical'],
} as const satisfies Record<string, readonly FeatureBlock[]>;
export type FeatureSetName = keyof typeof FEATURE_SETS;
export const FEATURE_SET_NAMES = Object.keys(FEATURE_SETS) as FeatureSetName[];
export const DEFAULT_FEATURE_SET: FeatureSetName = 'sqrt64-cdf64-stats-classical';

/** Bumped whenever a block's formula changes, so that old models are refused. */
export const FEATURES_VERSION = 1;

/** What metadata.json records about the input, compared field by field when loading. */
export interface FeatureDefinition {
  name: FeatureSetName;
  version: number;
  blocks: FeatureBlock[];
  size: number;
  classicalMethods: string[];
  statistics: string[];
}

export function featureDefinition(name: FeatureSetName): FeatureDefinition {
  const blocks = [...FEATURE_SETS[name]];
  const size = blocks.reduce((sum, block) => sum + blockSize(block), 0);
  return {
    name,
    version: FEATURES_VERSION,
    blocks,
    size,
    classicalMethods: blocks.includes('classical') ? [...CLASSICAL_METHODS] : [],
    statistics: blocks.includes('stats') ? [...STATISTIC_NAMES] : [],
  };
}

function blockSize(block: FeatureBlock): number {
  if (block === 'stats') return STATISTIC_NAMES.length;
  if (block === 'classical') return 2 * CLASSICAL_METHODS.length;
  if (block === 'sqrt64' || block === 'cdf64') return POOLED_BINS;
  return BIN_COUNT;
}

/** Thresholds of the classical methods (bins, possibly fractional) with failures replaced. */
export type ClassicalThresholds = Record<ClassicalMethod, number>;

/**
 * Threshold of each classical method; a method that throws `autothresh.methodFailed` gets
 * `fallback` (the histogram's mean bin, rounded down). Other errors propagate.
 */
export function classicalThresholds(histogram: Histogram, fallback?: number): ClassicalThresholds {
  const substitute = fallback ?? Math.floor(meanBin(histogram));
  const thresholds = {} as ClassicalThresholds;
  for (const method of CLASSICAL_METHODS) {
    try {
      thresholds[method] = globalThreshold(method, histogram);
    } catch (error) {
      if (!isAutothreshError(error, 'autothresh.methodFailed')) throw error;
      thresholds[method] = substitute;
    }
  }
  return thresholds;
}

/** The features of one histogram (un-standardized), into `out` at `offset` if given. */
export function computeFeatures(
  histogram: Histogram,
  definition: FeatureDefinition,
  classical?: ClassicalThresholds,
  out: Float32Array = new Float32Array(definition.size),
  offset = 0,
): Float32Array {
  const probabilities = normalizedCounts(histogram);
  const cumulative = cumulativeSum(probabilities);
  let position = offset;
  for (const block of definition.blocks) {
    const values = blockValues(block, histogram, probabilities, cumulative, classical);
    out.set(values, position);
    position += values.length;
  }
  return out;
}

function blockValues(
  block: FeatureBlock,
  histogram: Histogram,
  probabilities: Float64Array,
  cumulative: Float64Array,
  classical: ClassicalThresholds | undefined,
): ArrayLike<number> {
  switch (block) {
    case 'histogram':
      return probabilities;
    case 'sqrt':
      return probabilities.map(Math.sqrt);
    case 'cdf':
      return cumulative;
    case 'sqrt64':
      return pooledSqrt(probabilities);
    case 'cdf64':
      return pooledCumulative(cumulative);
    case 'stats':
      return statistics(probabilities, cumulative);
    case 'classical':
      return classicalBlock(classical ?? classicalThresholds(histogram), cumulative);
  }
}

/** Groups of 4 bins in the `sqrt64` and `cdf64` blocks. */
const POOLED_BINS = BIN_COUNT / 4;

function pooledSqrt(probabilities: Float64Array): Float64Array {
  const pooled = new Float64Array(POOLED_BINS);
  for (let group = 0; group < POOLED_BINS; group++) {
    const bin = 4 * group;
    pooled[group] = Math.sqrt(
      probabilities[bin] + probabilities[bin + 1] + probabilities[bin + 2] + probabilities[bin + 3],
    );
  }
  return pooled;
}

function pooledCumulative(cumulative: Float64Array): Float64Array {
  const pooled = new Float64Array(POOLED_BINS);
  for (let group = 0; group < POOLED_BINS; group++) pooled[group] = cumulative[4 * group + 3];
  return pooled;
}

function normalizedCounts(histogram: Histogram): Float64Array {
  const probabilities = new Float64Array(BIN_COUNT);
  const total = histogram.total > 0 ? histogram.total : 1;
  for (let bin = 0; bin < BIN_COUNT; bin++) probabilities[bin] = histogram.counts[bin] / total;
  return probabilities;
}

function cumulativeSum(probabilities: Float64Array): Float64Array {
  const cumulative = new Float64Array(BIN_COUNT);
  let sum = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    sum += probabilities[bin];
    cumulative[bin] = Math.min(1, sum);
  }
  return cumulative;
}

/** Values in the order of {@link STATISTIC_NAMES}. */
function statistics(probabilities: Float64Array, cumulative: Float64Array): number[] {
  // Moments of the bin index under p.
  let mean = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) mean += bin * probabilities[bin];
  let variance = 0;
  let third = 0;
  let fourth = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    const deviation = bin - mean;
    const squared = deviation * deviation;
    variance += squared * probabilities[bin];
    third += squared * deviation * probabilities[bin];
    fourth += squared * squared * probabilities[bin];
  }
  const std = Math.sqrt(variance);
  const skewness = std > 0 ? third / (std * std * std) : 0;
  const kurtosis = variance > 0 ? fourth / (variance * variance) : 0;

  // Shape: entropy (bits, at most 8), occupied range, quantiles, mode.
  let entropy = 0;
  let first = -1;
  let last = 0;
  let occupied = 0;
  let mode = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    const p = probabilities[bin];
    if (p <= 0) continue;
    entropy -= p * Math.log2(p);
    if (first < 0) first = bin;
    last = bin;
    occupied++;
    if (p > probabilities[mode]) mode = bin;
  }
  const quantiles = QUANTILES.map((q) => quantileBin(cumulative, q) / 255);

  return [
    mean / 255, std / 255, clip(skewness, -10, 10), clip(kurtosis, 0, 50), entropy / 8,
    Math.max(first, 0) / 255, last / 255, occupied / BIN_COUNT,
    ...quantiles, mode / 255, probabilities[mode],
  ];
}

/** Smallest bin whose cumulative fraction reaches q. */
function quantileBin(cumulative: Float64Array, q: number): number {
  for (let bin = 0; bin < BIN_COUNT; bin++) if (cumulative[bin] >= q) return bin;
  return BIN_COUNT - 1;
}

function classicalBlock(classical: ClassicalThresholds, cumulative: Float64Array): number[] {
  const values: number[] = [];
  for (const method of CLASSICAL_METHODS) {
    const threshold = clip(classical[method], 0, 255);
    values.push(threshold / 255, cumulative[Math.floor(threshold)]);
  }
  return values;
}

function clip(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}

/** Mean bin of a histogram (0 for an empty one). */
export function meanBin(histogram: Histogram): number {
  let weighted = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) weighted += bin * histogram.counts[bin];
  return histogram.total > 0 ? weighted / histogram.total : 0;
}

/**
 * The smallest standard deviation training writes: a feature that is constant over the training
 * set gets this one (it then standardizes to 0 for every image of that value).
 */
export const MIN_FEATURE_STD = 1e-6;

/** Per-feature mean and standard deviation of a training set (std floored at 1e-6). */
export interface FeatureNormalization {
  mean: number[];
  std: number[];
}

/** Statistics of `rows` features (row-major, `size` per row). */
export function fitNormalization(features: Float32Array, size: number): FeatureNormalization {
  const rows = features.length / size;
  const mean = new Float64Array(size);
  const squares = new Float64Array(size);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < size; column++) mean[column] += features[row * size + column];
  }
  for (let column = 0; column < size; column++) mean[column] /= Math.max(rows, 1);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < size; column++) {
      const deviation = features[row * size + column] - mean[column];
      squares[column] += deviation * deviation;
    }
  }
  const std = Array.from(squares, (sum) =>
    Math.max(Math.sqrt(sum / Math.max(rows, 1)), MIN_FEATURE_STD));
  return { mean: Array.from(mean, (value) => Math.fround(value)), std: std.map(Math.fround) };
}

/** Standardizes features in place: (x − mean) / std, column by column. */
export function normalizeFeatures(
  features: Float32Array,
  normalization: FeatureNormalization,
): Float32Array {
  const size = normalization.mean.length;
  for (let index = 0; index < features.length; index++) {
    const column = index % size;
    features[index] = (features[index] - normalization.mean[column]) / normalization.std[column];
  }
  return features;
}
