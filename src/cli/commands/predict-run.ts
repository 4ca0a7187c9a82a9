/**
 * The work of `autothresh predict`, loaded only when the command runs.
 */
import { basename, extname, join } from 'node:path';
import pMap from 'p-map';
import { AutothreshError, errorMessage } from '../../errors.js';
import { writeGrayPng } from '../../image/encode.js';
import type { Polarity } from '../../label/objectives.js';
import {
  binarizedPixels,
  foregroundMaskPixels,
  METHOD_NAMES,
  thresholdFile,
  type MethodName,
  type ThresholdResult,
} from '../../predict.js';
import { isLocalMethodName, LOCAL_METHODS } from '../../methods/local/index.js';
import { resolveParams } from '../../methods/local/params.js';
import { createProgress } from '../../util/progress.js';
import { closestName } from '../suggest.js';
import { expandInputs } from '../inputs.js';
import { markFailed, type CliContext } from '../io.js';
import type { PredictOptions } from './predict.js';
import { renderTable } from '../table.js';

export async function runPredict(
  context: CliContext,
  inputs: string[],
  options: PredictOptions,
): Promise<void> {
  const method = checkMethod(options.method);
  checkParameters(method, options.params);
  const { io } = context;
  const { files, problems } = await expandInputs(inputs);
  for (const problem of problems) {
    io.stderr(`${problem.input}: ${problem.message}\n`);
    markFailed(context);
  }
  if (files.length === 0) {
    throw new AutothreshError('autothresh.noImages', 'no image to process');
  }

  const outputNames = assignOutputNames(files, options.out);
  const failures: string[] = [];
  const progress = createProgress(files.length, 'predict', { quiet: options.quiet });

  const results = await pMap(files, async (file) => {
    try {
      return await processFile(file, method, options, outputNames.get(file));
    } catch (error) {
      failures.push(`${file}: ${errorMessage(error).replace(`${file}: `, '')}`);
      return null;
    } finally {
      progress.tick();
    }
  }, { concurrency: options.concurrency });
  progress.stop();

  render(context, results.filter((result) => result !== null), options);
  reportFailures(context, failures, files.length);
}

function checkMethod(name: string): MethodName {
  if ((METHOD_NAMES as readonly string[]).includes(name)) return name as MethodName;
  const suggestion = closestName(name, METHOD_NAMES);
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  throw new AutothreshError(
    'autothresh.usage',
    `option --method: unknown method "${name}"${hint}; run \`autothresh methods\` for the list`,
  );
}

/** Global methods take only their own parameter; local methods check theirs themselves. */
const GLOBAL_PARAMETERS: Readonly<Record<string, string>> = {
  percentile: 'fraction',
  'multi-otsu': 'classes',
};

function checkParameters(method: MethodName, params: Record<string, number>): void {
  if (isLocalMethodName(method)) {
    // Checked once here, so a bad value is a usage error rather than a failure of every image.
    resolveParams(method, LOCAL_METHODS[method].parameters, params);
    return;
  }
  for (const name of Object.keys(params)) {
    if (GLOBAL_PARAMETERS[method] === name) continue;
    const own = GLOBAL_PARAMETERS[method];
    throw new AutothreshError(
      'autothresh.usage',
      `option --${name}: method ${method} takes ${own === undefined ? 'no parameter' : `only --${own}`}`,
    );
  }
}

async function processFile(
  file: string,
  method: MethodName,
  options: PredictOptions,
  outputPath: string | undefined,
): Promise<ThresholdResult> {
  const thresholded = await thresholdFile(
    file,
    {
      method,
      polarity: options.polarity as Polarity | 'auto',
      params: options.params,
      model: options.model,
      range: options.range,
    },
    {
      page: options.page,
      includeTransparent: options.includeTransparent,
      maxPixels: options.maxPixels,
    },
  );
  if (outputPath !== undefined) {
    const pixels = options.mask
      ? foregroundMaskPixels(thresholded)
      : binarizedPixels(thresholded);
    const { width, height } = thresholded.image;
    await writeGrayPng(outputPath, pixels, width, height);
  }
  return thresholded.result;
}

/** `<out>/<input basename>.png`; a second input with the same basename gets `-2`, `-3`, … */
function assignOutputNames(files: string[], out: string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  if (out === undefined) return names;
  const used = new Set<string>();
  for (const file of files) {
    const stem = basename(file, extname(file));
    let name = `${stem}.png`;
    for (let copy = 2; used.has(name); copy++) name = `${stem}-${copy}.png`;
    used.add(name);
    names.set(file, join(out, name));
  }
  return names;
}

function render(context: CliContext, results: ThresholdResult[], options: PredictOptions): void {
  const { io } = context;
  if (!options.quiet) {
    for (const result of results) for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
  }
  if (options.json) {
    for (const result of results) io.stdout(`${JSON.stringify(result)}\n`);
    return;
  }
  if (results.length === 0) return;
  const rows = results.map((result) => [
    result.file,
    `${result.width}×${result.height}`,
    result.method,
    formatThreshold(result),
    result.polarity + (result.polarityConfidence === undefined
      ? ''
      : ` (${(result.polarityConfidence * 100).toFixed(0)}%)`),
    `${(result.foregroundFraction * 100).toFixed(1)}%`,
    result.quality === undefined ? '' : result.quality.toFixed(2),
  ]);
  const header = ['file', 'size', 'method', 'threshold', 'polarity', 'foreground', 'quality'];
  const hasQuality = results.some((result) => result.quality !== undefined);
  const columns = hasQuality ? header.length : header.length - 1;
  io.stdout(renderTable(header.slice(0, columns), rows.map((row) => row.slice(0, columns)),
    ['left', 'right', 'left', 'right', 'left', 'right', 'right']));
}

function formatThreshold(result: ThresholdResult): string {
  if (result.threshold === null) return 'local';
  if (result.thresholds !== undefined) return result.thresholds.join(', ');
  if (result.bitDepth === 16) return `${result.threshold} (${result.value})`;
  return String(result.threshold);
}

function reportFailures(context: CliContext, failures: string[], total: number): void {
  if (failures.length === 0) return;
  for (const failure of failures) context.io.stderr(`${failure}\n`);
  context.io.stderr(`${failures.length} of ${total} image(s) failed\n`);
  markFailed(context);
}
