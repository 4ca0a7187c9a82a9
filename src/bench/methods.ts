/**
 * Which rows a benchmark compares: parsing `--methods` and `--model` into {@link MethodSpec}s.
 *
 * Names: `learned` (the model; one row per `--model` folder), `oracle` (the best global
 * threshold per image, the ceiling of every global method), any global method and any local
 * method. The default set is `learned`, every global method except `multi-otsu` (it splits into
 * several classes, not a binarization), `sauvola`, `adaptive-gaussian` and `oracle`.
 */
import { basename } from 'node:path';
import { AutothreshError, isAutothreshError } from '../errors.js';
import { GLOBAL_METHOD_NAMES, suggestMethodName } from '../methods/global/index.js';
import {
  LOCAL_METHOD_NAMES, LOCAL_METHODS, type LocalMethodName, type LocalParams,
} from '../methods/local/index.js';
import { parameterProblemText, resolveParams } from '../methods/local/params.js';
import type { MethodSpec } from './results.js';

export const LEARNED = 'learned';
export const ORACLE = 'oracle';

/** Global methods left out of the default set (they do not produce one binarization). */
export const NOT_BINARIZATIONS: readonly string[] = ['multi-otsu'];

/** Local methods in the default set (the per-pixel cost of a run). */
export const DEFAULT_LOCAL_METHODS: readonly string[] = ['sauvola', 'adaptive-gaussian'];

/** Every name `--methods` accepts. */
export function knownMethodNames(): string[] {
  return [LEARNED, ORACLE, ...GLOBAL_METHOD_NAMES, ...LOCAL_METHOD_NAMES];
}

/** The default comparison, in table order: learned, the global methods, local ones, oracle. */
export function defaultMethodNames(): string[] {
  const globals = GLOBAL_METHOD_NAMES.filter((name) => !NOT_BINARIZATIONS.includes(name));
  return [LEARNED, ...globals, ...DEFAULT_LOCAL_METHODS, ORACLE];
}

export interface MethodSelection {
  methods: MethodSpec[];
  /** True when `learned` came from the default set (a missing model then drops it quietly). */
  learnedByDefault: boolean;
}

/**
 * Rows for the given names (default: {@link defaultMethodNames}) and model folders. One model
 * (or none: the shipped one) gives the row `learned`; several give `learned:<folder name>`.
 * Throws `autothresh.usage` for an unknown name (with the closest known one), a repeated name,
 * or `--model` without `learned`.
 */
export function selectMethods(
  names: readonly string[] | undefined,
  models: readonly string[] = [],
): MethodSelection {
  const chosen = names ?? defaultMethodNames();
  const known = knownMethodNames();
  const seen = new Set<string>();
  for (const name of chosen) {
    if (!known.includes(name)) {
      const suggestion = suggestMethodName(name, known);
      const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
      throw new AutothreshError(
        'autothresh.usage',
        `option --methods: unknown method "${name}"${hint}; expected one of ${known.join(', ')}`,
      );
    }
    if (seen.has(name)) {
      throw new AutothreshError('autothresh.usage', `option --methods: "${name}" is listed twice`);
    }
    seen.add(name);
  }
  if (models.length > 0 && !seen.has(LEARNED)) {
    throw new AutothreshError(
      'autothresh.usage', 'option --model: expected `learned` among --methods to use the model',
    );
  }

  const methods: MethodSpec[] = [];
  for (const name of chosen) {
    if (name === LEARNED) methods.push(...learnedRows(models));
    else if (name === ORACLE) methods.push({ name, kind: 'oracle', method: name });
    else if ((LOCAL_METHOD_NAMES as readonly string[]).includes(name)) {
      methods.push({ name, kind: 'local', method: name });
    } else methods.push({ name, kind: 'global', method: name });
  }
  return { methods, learnedByDefault: names === undefined && models.length === 0 };
}

/** `learned` for one model (or the default), `learned:<name>` for each of several. */
function learnedRows(models: readonly string[]): MethodSpec[] {
  if (models.length <= 1) {
    return [{ name: LEARNED, kind: 'learned', method: models[0] ?? 'default' }];
  }
  const used = new Map<string, number>();
  return models.map((directory) => {
    const base = basename(directory.replace(/[\\/]+$/, '')) || 'model';
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    const name = `${LEARNED}:${count === 1 ? base : `${base}-${count}`}`;
    return { name, kind: 'learned' as const, method: directory };
  });
}

/**
 * Checks the local-method parameters of a run (`--window`, `--k`, …) before any image is read:
 * each one given must be taken by at least one local row, with a value that every local row
 * taking it accepts; a row ignores the parameters it does not take. Throws `autothresh.usage`
 * naming the option.
 */
export function checkLocalParams(methods: readonly MethodSpec[], params: LocalParams): void {
  const local = methods.filter((method) => method.kind === 'local')
    .map((method) => method.method as LocalMethodName);
  const parametersOf = (method: LocalMethodName): string[] =>
    LOCAL_METHODS[method].parameters.map((parameter) => parameter.name);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const option = `option --${name}`;
    if (local.length === 0) {
      throw usage(`${option}: sets a parameter of the local methods, and --methods has none ` +
        `(local methods: ${LOCAL_METHOD_NAMES.join(', ')})`);
    }
    const takers = local.filter((method) => parametersOf(method).includes(name));
    if (takers.length === 0) {
      const taken = local.map((method) => `${method} takes ${parametersOf(method).join(', ')}`);
      throw usage(`${option}: no local method of this run uses it (${taken.join('; ')})`);
    }
    for (const method of takers) {
      try {
        resolveParams(method, LOCAL_METHODS[method].parameters, { [name]: value });
      } catch (error) {
        if (!isAutothreshError(error)) throw error;
        throw usage(`${option}: ${method} ${parameterProblemText(error.message, method)}`);
      }
    }
  }
}

function usage(message: string): AutothreshError {
  return new AutothreshError('autothresh.usage', message);
}
