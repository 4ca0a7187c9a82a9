/**
 * `autothresh methods`: every threshold method with a one-line description and its reference.
 */
import { Command } from 'commander';
import type { CliContext } from '../io.js';
import { renderTable } from '../table.js';

export function methodsCommand(context: CliContext): Command {
  return new Command('methods')
    .description('list every threshold method with its description and reference')
    .option('--json', 'print one JSON object per method on stdout')
    .action(async (options: { json?: boolean }) => {
      const { GLOBAL_METHODS, GLOBAL_METHOD_NAMES } = await import('../../methods/global/index.js');
      const { LOCAL_METHODS, LOCAL_METHOD_NAMES } = await import('../../methods/local/index.js');
      const rows = [
        {
          name: 'learned', family: 'learned', parameters: '--model',
          description: 'MLP on the histogram: threshold, polarity and quality (default model)',
          reference: 'autothresh, trained on the datasets in datasets/',
        },
        ...GLOBAL_METHOD_NAMES.map((name) => ({
          name, family: 'global', parameters: globalParameters(name),
          description: GLOBAL_METHODS[name].description, reference: GLOBAL_METHODS[name].reference,
        })),
        ...LOCAL_METHOD_NAMES.map((name) => ({
          name, family: 'local',
          parameters: LOCAL_METHODS[name].parameters
            .map((parameter) => `--${parameter.name}${parameter.defaultValue === null ? '' : ` ${parameter.defaultValue}`}`)
            .join(' '),
          description: LOCAL_METHODS[name].description, reference: LOCAL_METHODS[name].reference,
        })),
      ];
      if (options.json) {
        for (const row of rows) context.io.stdout(`${JSON.stringify(row)}\n`);
        return;
      }
      context.io.stdout(renderTable(
        ['method', 'family', 'parameters', 'description', 'reference'],
        rows.map((row) => [row.name, row.family, row.parameters, row.description, row.reference]),
      ));
    });
}

function globalParameters(name: string): string {
  if (name === 'percentile') return '--fraction 0.5';
  if (name === 'multi-otsu') return '--classes 3';
  return '';
}
