/**
 * `autothresh methods`: every threshold method with its family, parameters (with defaults), a
 * one-line description and its reference.
 */
import { Command } from 'commander';
import type { CliContext } from '../io.js';
import { renderTable } from '../table.js';

/** One parameter of a method as `methods` shows it. */
export interface MethodParameterRow {
  /** The CLI option, e.g. `--window`. */
  readonly option: string;
  /** The default, or `null` when it is derived from the image (see `derived`). */
  readonly default: number | null;
  /** How a `null` default is derived from the image. */
  readonly derived?: string;
}

export interface MethodRow {
  readonly name: string;
  readonly family: 'learned' | 'global' | 'local';
  readonly parameters: readonly MethodParameterRow[];
  readonly description: string;
  readonly reference: string;
}

export function methodsCommand(context: CliContext): Command {
  return new Command('methods')
    .description('List every threshold method with its parameters, description and reference.')
    .option('--json', 'print one JSON object per method on stdout')
    .action(async (options: { json?: boolean }) => {
      const rows = await methodRows();
      if (options.json) {
        for (const row of rows) context.io.stdout(`${JSON.stringify(row)}\n`);
        return;
      }
      context.io.stdout(renderTable(
        ['method', 'family', 'parameters (defaults)', 'description', 'reference'],
        rows.map((row) => [
          row.name, row.family, row.parameters.map(parameterText).join(' '), row.description,
          row.reference,
        ]),
      ));
    });
}

/** Every method, learned first, then the global and the local families in their order. */
export async function methodRows(): Promise<MethodRow[]> {
  const { GLOBAL_METHODS, GLOBAL_METHOD_NAMES } = await import('../../methods/global/index.js');
  const { LOCAL_METHODS, LOCAL_METHOD_NAMES } = await import('../../methods/local/index.js');
  return [
    {
      name: 'learned', family: 'learned', parameters: [{ option: '--model', default: null,
        derived: 'the shipped model' }],
      description: 'MLP on the histogram: threshold, polarity and quality (default model)',
      reference: 'autothresh, trained on the datasets in datasets/',
    },
    ...GLOBAL_METHOD_NAMES.map((name) => ({
      name, family: 'global' as const, parameters: GLOBAL_PARAMETERS[name] ?? [],
      description: GLOBAL_METHODS[name].description, reference: GLOBAL_METHODS[name].reference,
    })),
    ...LOCAL_METHOD_NAMES.map((name) => ({
      name, family: 'local' as const,
      parameters: LOCAL_METHODS[name].parameters.map((parameter) => ({
        option: `--${parameter.name}`,
        default: parameter.defaultValue,
        ...(parameter.defaultValue === null ? { derived: parameter.derivedDefault } : {}),
      })),
      description: LOCAL_METHODS[name].description, reference: LOCAL_METHODS[name].reference,
    })),
  ];
}

/** The parameters of the global methods that take one (the others take none). */
const GLOBAL_PARAMETERS: Readonly<Record<string, readonly MethodParameterRow[]>> = {
  percentile: [{ option: '--fraction', default: 0.5 }],
  'multi-otsu': [{ option: '--classes', default: 3 }],
};

/** `--window 15`, or `--r (half the bit-depth range: …)` for a derived default. */
function parameterText(parameter: MethodParameterRow): string {
  if (parameter.default !== null) return `${parameter.option} ${parameter.default}`;
  return `${parameter.option} (${parameter.derived ?? 'derived from the image'})`;
}
