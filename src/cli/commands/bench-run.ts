/**
 * The work of `autothresh bench`, loaded only when the command runs.
 */
import type { BenchResult } from '../../bench/results.js';
import { runBench } from '../../bench/runner.js';
import { AutothreshError, errorMessage } from '../../errors.js';
import { writeHtmlReport } from '../../report/html.js';
import { renderCsv, renderJsonLines, renderMarkdown, renderTerminal } from '../../report/text.js';
import { createProgress } from '../../util/progress.js';
import { markFailed, type CliContext } from '../io.js';
import type { BenchCommandOptions } from './bench.js';

export async function runBenchCommand(
  context: CliContext,
  options: BenchCommandOptions,
): Promise<void> {
  const { io } = context;
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
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    concurrency: options.concurrency,
    summary: { seed: options.seed, resamples: options.resamples },
    progress: (total, label) => createProgress(total, label, {
      quiet: options.quiet || !io.stderrIsTTY,
    }),
  });

  for (const failure of result.failures) {
    io.stderr(`${failure.file}: ${failure.message}\n`);
    markFailed(context);
  }
  if (!options.quiet) for (const note of result.notes) io.stderr(`autothresh: ${note}\n`);

  io.stdout(render(result, options));
  if (options.html !== undefined) {
    try {
      await writeHtmlReport(options.html, result);
    } catch (error) {
      throw new AutothreshError(
        'autothresh.write', `${options.html}: cannot write the report (${errorMessage(error)})`,
      );
    }
    if (!options.quiet) io.stderr(`autothresh: wrote ${options.html}\n`);
  }
}

function render(result: BenchResult, options: BenchCommandOptions): string {
  if (options.json) return renderJsonLines(result);
  if (options.csv) return renderCsv(result);
  if (options.markdown) return renderMarkdown(result);
  return renderTerminal(result);
}
