/**
 * The work of `autothresh bench`, loaded only when the command runs.
 */
import type { BenchResult } from '../../bench/results.js';
import { NothingToScoreError, runBench } from '../../bench/runner.js';
import { AutothreshError, errorMessage, isAutothreshError } from '../../errors.js';
import { checkFileCreatable, checkOutputPath } from '../../label/output-paths.js';
import { writeHtmlReport } from '../../report/html.js';
import { renderCsv, renderJsonLines, renderMarkdown, renderTerminal } from '../../report/text.js';
import { createProgress } from '../../util/progress.js';
import { markFailed, type CliContext } from '../io.js';
import type { BenchCommandOptions } from './bench.js';
import { counted } from '../../util/counts.js';
import { printableLine } from '../../util/printable.js';

export async function runBenchCommand(
  context: CliContext,
  options: BenchCommandOptions,
): Promise<void> {
  const { io } = context;
  if (options.html !== undefined) await checkReportPath(options.html);
  const result = await runBench({
    images: options.images.map((images, index) => ({
      images,
      masks: options.masks[index],
      ...(options.roi.length > 0 ? { roi: options.roi[index] } : {}),
    })),
    data: options.data,
    methods: options.methodNames,
    models: options.model,
    polarity: options.polarity,
    objective: options.objective,
    maskThreshold: options.maskThreshold,
    maxPixels: options.maxPixels,
    localParams: options.localParams,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    concurrency: options.concurrency,
    summary: { seed: options.seed, resamples: options.resamples },
    progress: (total, label) => createProgress(total, label, {
      quiet: options.quiet || !io.stderrIsTTY,
    }),
  }).catch((error: unknown) => {
    if (!(error instanceof NothingToScoreError)) throw error;
    // Every failure on its own line, as in a run that scored something, then why it stopped.
    reportFailures(context, error.failures);
    if (!options.quiet) reportNotes(context, error.notes);
    const count = problemCount(error.failures);
    throw new AutothreshError('autothresh.noImages', 'bench: no image or record to score' +
      (count === 0 ? '' : ` (${counted(count, 'problem')}, listed above)`));
  });

  reportFailures(context, result.failures);
  if (!options.quiet) reportNotes(context, result.notes);

  // The report first: a reader of stdout that stops early (`| head`) ends the process. A
  // report that fails still lets the results reach stdout, then the failure ends the run.
  const reportFailure = options.html === undefined
    ? undefined
    : await writeReport(options.html, result).then(() => undefined, (error: unknown) => error);
  io.stdout(render(result, options));
  if (reportFailure !== undefined) throw reportFailure;
  if (options.html !== undefined && !options.quiet) {
    io.stderr(`autothresh: wrote ${options.html}\n`);
  }
  const problems = problemCount(result.failures);
  if (problems > 0 && !options.quiet) {
    io.stderr(`bench: ${counted(problems, 'problem')} with the inputs, listed above\n`);
  }
}

async function writeReport(path: string, result: BenchResult): Promise<void> {
  try {
    await writeHtmlReport(path, result);
  } catch (error) {
    // A failed write already reads `<file>: cannot write (<problem>)`.
    if (isAutothreshError(error, 'autothresh.write')) throw error;
    throw new AutothreshError(
      'autothresh.write', `${path}: cannot write the report (${errorMessage(error)})`,
    );
  }
}

/**
 * Checks, before the run, that the `--html` report can be written: not a folder, a path ending
 * in `/`, a device or FIFO, nor a path through a file, and a file can be created where it goes
 * (a trial entry, removed at once), which finds what permissions do not show: a read-only
 * mount, or a file system such as /proc that takes no new files. Throws `autothresh.usage`: `option --html: cannot write <file> (…)`.
 */
async function checkReportPath(path: string): Promise<void> {
  await checkOutputPath(path, 'file', 'option --html');
  await checkFileCreatable(path, 'option --html');
}

/** `<file>: <what>` for each input that could not be used; any makes the exit code 1. */
function reportFailures(context: CliContext, failures: Readonly<BenchResult['failures']>): void {
  for (const failure of failures) {
    context.io.stderr(printableLine(`${failure.file}: ${failure.message}`));
  }
  if (failures.length > 0) markFailed(context);
}

/** How many problems the failures stand for (one entry can count several). */
function problemCount(failures: Readonly<BenchResult['failures']>): number {
  return failures.reduce((sum, failure) => sum + (failure.count ?? 1), 0);
}

function reportNotes(context: CliContext, notes: readonly string[]): void {
  for (const note of notes) context.io.stderr(printableLine(`warning: ${note}`));
}

function render(result: BenchResult, options: BenchCommandOptions): string {
  if (options.json) return renderJsonLines(result);
  if (options.csv) return renderCsv(result);
  if (options.markdown) return renderMarkdown(result);
  return renderTerminal(result);
}
