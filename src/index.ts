/**
 * autothresh as a library: decode images, build histograms, run classical and learned
 * thresholds, label datasets and benchmark methods. Training, which needs TensorFlow.js, has
 * its own entry point (`src/train.ts`), so that neither the code nor the type declarations of
 * this one mention TensorFlow.js.
 *
 * Convention everywhere: a threshold t is a bin (0..255) splitting bins ≤ t from bins > t;
 * polarity `dark` means the foreground is ≤ t, `bright` that it is > t.
 *
 * Benchmarking loads the report code only when called (`runBench`), so importing this module
 * stays light.
 */

// Errors
export { AutothreshError, isAutothreshError, type ErrorCode } from './errors.js';

// Histograms and images
export {
  BIN_COUNT, binOfValue, binUpperValue, createHistogram, EIGHT_BIT_RANGE, occupiedRange,
  type Histogram, type Polarity, type ReadonlyCounts, type ValueRange,
} from './histogram/histogram.js';
export { histogramOf, type HistogramRange } from './histogram/count.js';
export { createGrayImage, type DecodedImage, type GrayImage } from './image/gray-image.js';
export { DEFAULT_MAX_PIXELS, decodeImage, readImage, type DecodeOptions } from './image/decode.js';
export { luma16, luma8 } from './image/gray.js';
export { encodeGrayPng, writeGrayPng } from './image/encode.js';

// Thresholding an image end to end
export {
  binarizedPixels, foregroundMaskPixels, METHOD_NAMES, thresholdDecoded, thresholdFile,
  type MethodName, type ThresholdedImage, type ThresholdOptions, type ThresholdResult,
} from './predict.js';

// Classical methods
export * from './methods/global/index.js';
export {
  binarizeWithMap, isLocalMethodName, LOCAL_METHOD_NAMES, LOCAL_METHODS, localThresholdMap,
  localThresholdMask, type LocalMethodInfo, type LocalMethodName, type LocalParams,
  type ThresholdMap,
  adaptiveGaussianThresholdMap, adaptiveMeanThresholdMap, bernsenThresholdMap,
  niblackThresholdMap, phansalkarThresholdMap, sauvolaThresholdMap, wolfThresholdMap,
} from './methods/local/index.js';

// Labelled data
export * from './label/index.js';

// The learned model (prediction needs no TensorFlow.js; training: see `train.ts`)
export {
  DEFAULT_MODEL_DIRECTORY, loadModel, predictThreshold, predictThresholds,
  type ModelMetadata, type ThresholdModel, type ThresholdPrediction,
} from './model/index.js';

// Benchmarking
export {
  metricsOfConfusion, psnrOf, type BinarizationMetrics, type ConfusionMetrics,
} from './bench/metrics.js';
export { drdOf } from './bench/drd.js';
export type { BenchOptions, NothingToScoreError } from './bench/runner.js';
export type { BenchResult } from './bench/results.js';

/** Runs a benchmark (see `autothresh bench`). */
export async function runBench(
  ...args: Parameters<typeof import('./bench/runner.js').runBench>
): ReturnType<typeof import('./bench/runner.js').runBench> {
  const { runBench: run } = await import('./bench/runner.js');
  return run(...args);
}

export { renderCsv, renderJsonLines, renderMarkdown, renderTerminal } from './report/text.js';
export { writeHtmlReport } from './report/html.js';
