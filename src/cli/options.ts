/**
 * Validating command-line options with zod, one line per problem.
 *
 * commander delivers option values as strings (or booleans); each command describes what it
 * accepts with a zod schema whose keys are commander's camelCase option names. A failure becomes
 * a usage error such as `option --window: expected an odd integer ≥ 3, received "4"`.
 */
import { z } from 'zod';
import { AutothreshError } from '../errors.js';

/** `blockSize` → `--block-size`. */
export function optionFlag(key: PropertyKey): string {
  return `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Parses `raw` with `schema`, throwing a one-line usage error naming the first bad option. */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  raw: Record<string, unknown>,
): z.output<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue.path[0];
  const received = key === undefined ? undefined : raw[key as string];
  const what = key === undefined ? 'options' : `option ${optionFlag(key)}`;
  const shown = received === undefined ? '' : `, received ${JSON.stringify(received)}`;
  throw new AutothreshError('autothresh.usage', `${what}: ${describeIssue(issue)}${shown}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // An empty string given to a text option (`--out ""`).
  if (issue.code === 'too_small' && issue.origin === 'string') return 'expected a non-empty value';
  // Custom messages (set in schemas with { message }) are already phrased as "expected …".
  return issue.message.replace(/^Invalid input: /, '').replace(/^Invalid option: /, '');
}

/** "an integer from 2 to 5", "an integer ≥ 0" (no upper end shown when there is none). */
function rangeText(kind: string, min: number, max: number): string {
  const hasMin = min > -Number.MAX_VALUE && min > Number.MIN_SAFE_INTEGER;
  const hasMax = max < Number.MAX_VALUE && max < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return `expected ${kind} from ${min} to ${max}`;
  if (hasMin) return `expected ${kind} ≥ ${min}`;
  if (hasMax) return `expected ${kind} ≤ ${max}`;
  return `expected ${kind}`;
}

/**
 * Numbers are written in decimal: an optional sign, digits with an optional fraction, an
 * optional exponent (`31`, `-0.2`, `.5`, `4e9`). `Number()` alone would also accept `0x1f`,
 * `0b11`, `0o7` and `Infinity`, and read `""` as 0.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a decimal string stands for (surrounding spaces allowed), NaN for anything else. */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** Option strings through {@link parseDecimal}; values that are not strings pass unchanged. */
const decimalOnly = (value: unknown) => (typeof value === 'string' ? parseDecimal(value) : value);

/** Common zod pieces for option strings. */
export const optionTypes = {
  /** An integer given as a string, within [min, max]. */
  integer: (min: number, max: number = Number.MAX_SAFE_INTEGER) => {
    const message = rangeText('an integer', min, max);
    return z.preprocess(decimalOnly, z.coerce
      .number({ message })
      .refine((value) => Number.isInteger(value) && value >= min && value <= max, { message }));
  },
  /** A finite number given as a string, within [min, max]. */
  number: (min = -Number.MAX_VALUE, max = Number.MAX_VALUE) => {
    const message = rangeText('a number', min, max);
    return z.preprocess(decimalOnly, z.coerce
      .number({ message })
      .refine((value) => Number.isFinite(value) && value >= min && value <= max, { message }));
  },
  /** A non-empty string (a path, a name). */
  text: () => z.string().min(1, { message: 'expected a non-empty value' }),
  /** One of a fixed list. */
  choice: <const Values extends readonly [string, ...string[]]>(values: Values) =>
    z.enum(values, { message: `expected one of ${values.join(', ')}` }),
};
