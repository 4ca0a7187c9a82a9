/**
 * Shared types and parameter checking of the local (adaptive) threshold methods.
 *
 * A local method maps a {@link GrayImage} to a {@link ThresholdMap}: one threshold per pixel, in
 * the image's own units (0..255 for 8-bit, 0..65535 for 16-bit images). Every method has the
 * same signature, {@link LocalThresholdMethod}, and takes its parameters from one flat set of
 * names (CLI options `--window`, `--k`, `--c`, `--r`, `--contrast`, `--p`, `--q`).
 */
import { AutothreshError } from '../../errors.js';
import type { GrayImage } from '../../image/gray-image.js';

/**
 * One threshold per pixel, row-major, `width * height` values, in the image's own units.
 * The bright side of pixel i is `value > map[i]`, the dark side `value ≤ map[i]`
 * (see `binarizeWithMap`). Stored as float32, half the memory of float64 on 100-megapixel
 * images, and rounded by {@link float32Threshold} so that every integer gray value falls on the
 * same side as with the exact float64 threshold.
 */
export type ThresholdMap = Float32Array;

/** Names of all parameters of the local methods, each also a CLI option (`--window`, …). */
export const LOCAL_PARAMETER_NAMES = ['window', 'k', 'c', 'r', 'contrast', 'p', 'q'] as const;

export type LocalParameterName = (typeof LOCAL_PARAMETER_NAMES)[number];

/** Parameters given to a local method; a missing (or `undefined`) entry takes its default. */
export type LocalParams = Readonly<Partial<Record<LocalParameterName, number | undefined>>>;

/** The common signature of every local method. */
export type LocalThresholdMethod = (image: GrayImage, params?: LocalParams) => ThresholdMap;

/**
 * What values a parameter accepts:
 * - `oddWindow`: an odd integer ≥ 3 (a window side in pixels);
 * - `finite`: any finite number;
 * - `positive`: a finite number > 0;
 * - `nonNegative`: a finite number ≥ 0.
 */
export type ParameterRule = 'oddWindow' | 'finite' | 'positive' | 'nonNegative';

export interface LocalParameterDefinition {
  readonly name: LocalParameterName;
  /** One line: meaning, unit and, for derived defaults, how the default is found. */
  readonly description: string;
  /** The default, or `null` when it is derived from the image (see `derivedDefault`). */
  readonly defaultValue: number | null;
  /** For a `null` default: how the value is derived from the image, in a few words. */
  readonly derivedDefault?: string;
  readonly rule: ParameterRule;
}

/** Resolved parameters: a number for every parameter with a numeric default, else number | null. */
export type ResolvedParams<D extends readonly LocalParameterDefinition[]> = {
  [P in D[number] as P['name']]: P['defaultValue'] extends number ? number : number | null;
};

const RULE_TEXT: Record<ParameterRule, string> = {
  oddWindow: 'an odd integer ≥ 3 (window side in pixels)',
  finite: 'a finite number',
  positive: 'a finite number > 0',
  nonNegative: 'a finite number ≥ 0',
};

/** The `window` parameter definition, with a method's own default. */
export function windowParameter<const D extends number>(defaultValue: D, note = '') {
  return {
    name: 'window',
    description: `side of the square window centred on each pixel, odd, in pixels${note}`,
    defaultValue,
    rule: 'oddWindow',
  } as const satisfies LocalParameterDefinition;
}

/**
 * Checks `params` against a method's definitions and fills in the defaults.
 * Throws `autothresh.invalidParameter` naming the method, the parameter, what it accepts and
 * what it received, for a value breaking its rule or for a parameter the method does not take.
 */
export function resolveParams<const D extends readonly LocalParameterDefinition[]>(
  method: string,
  definitions: D,
  params: LocalParams,
): ResolvedParams<D> {
  const known = new Set<string>(definitions.map((definition) => definition.name));
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || known.has(name)) continue;
    const accepted = definitions.map((definition) => definition.name).join(', ');
    throw new AutothreshError(
      'autothresh.invalidParameter',
      `${method}: parameter ${name} is not used by this method (it takes ${accepted}), ` +
        `received ${name} = ${String(value)}`,
    );
  }

  const resolved: Record<string, number | null> = {};
  for (const definition of definitions) {
    const value: unknown = params[definition.name];
    if (value === undefined) {
      resolved[definition.name] = definition.defaultValue;
      continue;
    }
    if (!satisfiesRule(value, definition.rule)) {
      throw new AutothreshError(
        'autothresh.invalidParameter',
        `${method}: parameter ${definition.name} must be ${RULE_TEXT[definition.rule]}, ` +
          `received ${describe(value)}`,
      );
    }
    resolved[definition.name] = value as number;
  }
  return resolved as ResolvedParams<D>;
}

function satisfiesRule(value: unknown, rule: ParameterRule): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  switch (rule) {
    case 'oddWindow':
      return Number.isInteger(value) && value >= 3 && value % 2 === 1;
    case 'finite':
      return true;
    case 'positive':
      return value > 0;
    case 'nonNegative':
      return value >= 0;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}" (a string)` : String(value);
}

/** Largest value of the image's bit depth: 255 or 65535. */
export function maxValueOf(image: GrayImage): number {
  return image.bitDepth === 16 ? 65535 : 255;
}

/**
 * The float32 value to store for threshold `t` so that, for every integer v,
 * `v > stored` exactly when `v > t`. Plain rounding to float32 keeps that, except when `t` lies
 * just below an integer N and rounds up onto N (e.g. 169.9999992 → 170, which would move a
 * pixel of value 170 to the dark side); then the nearest float32 below N is stored instead.
 * Valid for |t| < 2^22, far beyond 16-bit gray levels.
 */
export function float32Threshold(t: number): number {
  const stored = Math.fround(t);
  // Not an integer (the common case) is tested first: one branch the CPU predicts well.
  if ((stored | 0) !== stored || stored <= t) return stored;
  return Math.fround(stored - Math.max(Math.abs(stored), 1) * 2 ** -23);
}

/**
 * A parameter error of {@link resolveParams} worded to follow the method's name in a message
 * about an option: "sauvola: parameter window must be …, received 4" → "expects …, received 4".
 */
export function parameterProblemText(message: string, method: string): string {
  const rule = /parameter \S+ must be (.*)$/.exec(message);
  if (rule !== null) return `expects ${rule[1]}`;
  const unused = /is not used by this method \((it takes [^)]*)\)/.exec(message);
  if (unused !== null) return `does not use this option (${unused[1]})`;
  return message.replace(`${method}: `, '');
}
