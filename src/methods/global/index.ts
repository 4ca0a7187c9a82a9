/**
 * The global (histogram-only) threshold methods and their registry.
 *
 * Every method maps a 256-bin {@link Histogram} to a bin index t that splits the bins ≤ t from
 * the bins > t, follows one degenerate-input policy (see `policy.ts`: empty histogram →
 * `autothresh.emptyHistogram`, one occupied bin → that bin, no answer →
 * `autothresh.methodFailed`), returns a bin inside the occupied range, and never modifies its
 * input. This module imports nothing heavier than the histogram type.
 */
import type { Histogram } from '../../histogram/histogram.js';
import { AutothreshError } from '../../errors.js';
import { huangThreshold } from './huang.js';
import { intermodesThreshold } from './intermodes.js';
import { isodataThreshold } from './isodata.js';
import { liThreshold } from './li.js';
import { maxEntropyThreshold } from './max-entropy.js';
import { meanThreshold } from './mean.js';
import { minErrorThreshold } from './min-error.js';
import { minimumThreshold } from './minimum.js';
import { momentsThreshold } from './moments.js';
import { DEFAULT_CLASSES, multiOtsuThresholds } from './multi-otsu.js';
import { otsuThreshold } from './otsu.js';
import { DEFAULT_PERCENTILE_FRACTION, percentileThreshold } from './percentile.js';
import { renyiEntropyThreshold } from './renyi-entropy.js';
import { shanbhagThreshold } from './shanbhag.js';
import { triangleThreshold } from './triangle.js';
import { yenThreshold } from './yen.js';

export { huangThreshold } from './huang.js';
export { intermodesThreshold, INTERMODES_MAX_ITERATIONS } from './intermodes.js';
export { isodataThreshold } from './isodata.js';
export { liThreshold } from './li.js';
export { maxEntropyThreshold } from './max-entropy.js';
export { histogramMean, meanThreshold } from './mean.js';
export { type MinErrorOptions, minErrorThreshold } from './min-error.js';
export { MINIMUM_MAX_ITERATIONS, minimumThreshold } from './minimum.js';
export { momentsThreshold } from './moments.js';
export { DEFAULT_CLASSES, MAX_CLASSES, multiOtsuThresholds } from './multi-otsu.js';
export { otsuThreshold } from './otsu.js';
export { DEFAULT_PERCENTILE_FRACTION, percentileThreshold } from './percentile.js';
export { renyiEntropyThreshold } from './renyi-entropy.js';
export { shanbhagThreshold } from './shanbhag.js';
export { triangleThreshold } from './triangle.js';
export { yenThreshold } from './yen.js';
export { isSingleValued, type OccupiedBins, requireOccupiedBins } from './policy.js';

/** CLI and API names of the global methods, in the order they are listed. */
export const GLOBAL_METHOD_NAMES = [
  'otsu',
  'li',
  'yen',
  'isodata',
  'triangle',
  'minimum',
  'intermodes',
  'mean',
  'percentile',
  'moments',
  'huang',
  'max-entropy',
  'renyi-entropy',
  'shanbhag',
  'min-error',
  'multi-otsu',
] as const;

export type GlobalMethodName = (typeof GLOBAL_METHOD_NAMES)[number];

/** Optional parameters; each method reads only its own and ignores the rest. */
export interface GlobalMethodParams {
  /** `percentile`: share of pixels at or below t, in [0, 1] (default 0.5). */
  readonly fraction?: number;
  /** `multi-otsu`: number of classes k, 2..5 (default 3). */
  readonly classes?: number;
}

export interface GlobalMethod {
  readonly name: GlobalMethodName;
  /** One line for `--help` and reports. */
  readonly description: string;
  /** Short citation of the method's paper. */
  readonly reference: string;
  /** The threshold (a bin index; bins ≤ t vs > t). */
  readonly threshold: (histogram: Histogram, params?: GlobalMethodParams) => number;
}

export interface MultiThresholdMethod extends GlobalMethod {
  /** All k − 1 thresholds, increasing. */
  readonly thresholds: (histogram: Histogram, classes?: number) => number[];
}

/** Every global method by name (multi-otsu also gives all its thresholds). */
export const GLOBAL_METHODS: Readonly<Record<GlobalMethodName, GlobalMethod>> & {
  readonly 'multi-otsu': MultiThresholdMethod;
} = {
  otsu: {
    name: 'otsu',
    description: 'maximizes the between-class variance (as OpenCV and scikit-image)',
    reference: 'Otsu 1979, IEEE Trans. SMC 9(1)',
    threshold: (h) => otsuThreshold(h),
  },
  li: {
    name: 'li',
    description: 'minimum cross entropy, iterative (as scikit-image, floored)',
    reference: 'Li & Lee 1993, Pattern Recognit. 26(4); Li & Tam 1998',
    threshold: (h) => liThreshold(h),
  },
  yen: {
    name: 'yen',
    description: 'maximum correlation criterion (as scikit-image)',
    reference: 'Yen, Chang & Chang 1995, IEEE Trans. Image Process. 4(3)',
    threshold: (h) => yenThreshold(h),
  },
  isodata: {
    name: 'isodata',
    description: 'lowest t with t = mean of the two class means (as scikit-image)',
    reference: 'Ridler & Calvard 1978, IEEE Trans. SMC 8(8)',
    threshold: (h) => isodataThreshold(h),
  },
  triangle: {
    name: 'triangle',
    description: 'farthest bin below the peak-to-tail line (as OpenCV and ImageJ)',
    reference: 'Zack, Rogers & Latt 1977, J. Histochem. Cytochem. 25(7)',
    threshold: (h) => triangleThreshold(h),
  },
  minimum: {
    name: 'minimum',
    description: 'valley between the two peaks left by smoothing (as scikit-image)',
    reference: 'Prewitt & Mendelsohn 1966, Ann. N.Y. Acad. Sci. 128',
    threshold: (h) => minimumThreshold(h),
  },
  intermodes: {
    name: 'intermodes',
    description: 'midway between the two peaks left by smoothing (as ImageJ)',
    reference: 'Prewitt & Mendelsohn 1966, Ann. N.Y. Acad. Sci. 128',
    threshold: (h) => intermodesThreshold(h),
  },
  mean: {
    name: 'mean',
    description: 'mean gray level, floored (as scikit-image and ImageJ)',
    reference: 'Glasbey 1993, CVGIP: Graph. Models Image Process. 55(6)',
    threshold: (h) => meanThreshold(h),
  },
  percentile: {
    name: 'percentile',
    description: 'bin where the share of pixels at or below is closest to a fraction (ImageJ)',
    reference: 'Doyle 1962, J. ACM 9(2)',
    threshold: (h, params) =>
      percentileThreshold(h, params?.fraction ?? DEFAULT_PERCENTILE_FRACTION),
  },
  moments: {
    name: 'moments',
    description: 'binary image preserving the first three moments (as ImageJ)',
    reference: 'Tsai 1985, Comput. Vis. Graph. Image Process. 29(3)',
    threshold: (h) => momentsThreshold(h),
  },
  huang: {
    name: 'huang',
    description: 'minimum fuzziness of the class memberships (as ImageJ)',
    reference: 'Huang & Wang 1995, Pattern Recognit. 28(1)',
    threshold: (h) => huangThreshold(h),
  },
  'max-entropy': {
    name: 'max-entropy',
    description: 'maximum sum of the class entropies, Kapur (as ImageJ)',
    reference: 'Kapur, Sahoo & Wong 1985, Comput. Vis. Graph. Image Process. 29(3)',
    threshold: (h) => maxEntropyThreshold(h),
  },
  'renyi-entropy': {
    name: 'renyi-entropy',
    description: 'combined maximum Rényi entropy splits of orders ½, 1, 2 (as ImageJ)',
    reference: 'Sahoo, Wilkins & Yeager 1997, Pattern Recognit. 30(1)',
    threshold: (h) => renyiEntropyThreshold(h),
  },
  shanbhag: {
    name: 'shanbhag',
    description: 'balanced fuzzy information of the two classes (as ImageJ)',
    reference: 'Shanbhag 1994, CVGIP: Graph. Models Image Process. 56(5)',
    threshold: (h) => shanbhagThreshold(h),
  },
  'min-error': {
    name: 'min-error',
    description: 'Kittler–Illingworth minimum error, iterative (as ImageJ, exact sums)',
    reference: 'Kittler & Illingworth 1986, Pattern Recognit. 19(1)',
    threshold: (h) => minErrorThreshold(h),
  },
  'multi-otsu': {
    name: 'multi-otsu',
    description: 'k − 1 thresholds maximizing the between-class variance; threshold = lowest',
    reference: 'Liao, Chen & Chung 2001, J. Inf. Sci. Eng. 17(5)',
    threshold: (h, params) => multiOtsuThresholds(h, params?.classes ?? DEFAULT_CLASSES)[0],
    thresholds: (h, classes = DEFAULT_CLASSES) => multiOtsuThresholds(h, classes),
  },
} satisfies Record<GlobalMethodName, GlobalMethod> & { 'multi-otsu': MultiThresholdMethod };

/** True when `name` is one of {@link GLOBAL_METHOD_NAMES}. */
export function isGlobalMethodName(name: string): name is GlobalMethodName {
  return (GLOBAL_METHOD_NAMES as readonly string[]).includes(name);
}

/**
 * Runs the global method `name` on `histogram`. An unknown name throws `autothresh.usage`
 * with a "did you mean" suggestion when one is close.
 */
export function globalThreshold(
  name: string,
  histogram: Histogram,
  params?: GlobalMethodParams,
): number {
  if (!isGlobalMethodName(name)) {
    const suggestion = suggestMethodName(name);
    const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
    throw new AutothreshError(
      'autothresh.usage',
      `method: expected one of ${GLOBAL_METHOD_NAMES.join(', ')}, received '${name}'${hint}`,
    );
  }
  return GLOBAL_METHODS[name].threshold(histogram, params);
}

/** Names users bring from papers and other tools, and the method each one means. */
const ALIASES: Readonly<Record<string, GlobalMethodName>> = {
  kapur: 'max-entropy',
  maxentropy: 'max-entropy',
  renyi: 'renyi-entropy',
  kittler: 'min-error',
  'kittler-illingworth': 'min-error',
  minerror: 'min-error',
  ridler: 'isodata',
  intermeans: 'isodata',
  tsai: 'moments',
  multiotsu: 'multi-otsu',
  ptile: 'percentile',
};

/**
 * The method name closest to `typo`, for "did you mean" hints (case-insensitive, `_` read as
 * `-`): a known alias (`kapur` → `max-entropy`), else the only name starting with `typo` (at
 * least 3 characters), else the name within the fewest edits (at most ⌈length/3⌉, between 1
 * and 3). `candidates` defaults to the global method names; other families pass their own
 * list. Undefined when nothing is close.
 */
export function suggestMethodName(
  typo: string,
  candidates: readonly string[] = GLOBAL_METHOD_NAMES,
): string | undefined {
  const wanted = typo.trim().toLowerCase().replace(/[_ ]/g, '-');
  for (const key of [wanted, wanted.replace(/-/g, '')]) {
    if (Object.hasOwn(ALIASES, key) && candidates.includes(ALIASES[key])) return ALIASES[key];
  }

  const prefixed = candidates.filter((name) => name.startsWith(wanted));
  if (wanted.length >= 3 && prefixed.length === 1) return prefixed[0];

  const allowed = Math.min(3, Math.max(1, Math.ceil(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/**
 * Edit distance between `a` and `b`: insertions, deletions, substitutions and swaps of two
 * adjacent characters each count 1 (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}
