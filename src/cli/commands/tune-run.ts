/**
 * The action of `autothresh tune`, loaded on demand (it pulls in TensorFlow.js).
 */
import { candidateGrid, tuneCandidates } from '../../model/tune.js';
import { readRecordFiles } from '../../model/workflow.js';
import type { CliContext } from '../io.js';
import { configFromOptions, startBackend } from './train-run.js';
import type { TuneOptions } from './tune.js';

export async function runTune(context: CliContext, options: TuneOptions): Promise<void> {
  await startBackend(options.backend);
  const records = await readRecordFiles(options.data);
  const candidates = candidateGrid(configFromOptions(options, false), options.grid);
  const results = await tuneCandidates(records, candidates, {
    datasets: options.holdOut,
    onFold: (candidate, dataset, fmeasure) => {
      if (!options.quiet) {
        context.io.stderr(`${candidate}: held out ${dataset}: F ${fmeasure.toFixed(4)}\n`);
      }
    },
  });

  if (options.json) {
    for (const [index, result] of results.entries()) {
      context.io.stdout(`${JSON.stringify({ rank: index + 1, ...result })}\n`);
    }
    return;
  }
  const rows = results.map((result, index) => [
    String(index + 1), result.name, (100 * result.fmeasure).toFixed(2),
    (100 * result.std).toFixed(2), (100 * result.polarityAccuracy).toFixed(1),
    result.seconds.toFixed(0),
  ]);
  const header = ['rank', 'design', 'F-measure %', '± std (datasets)', 'polarity %', 'seconds'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)));
  const render = (cells: string[]) =>
    cells.map((cell, column) =>
      (column === 1 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  context.io.stdout(`${[render(header), ...rows.map(render)].join('\n')}\n`);
}
