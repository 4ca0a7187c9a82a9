/**
 * The command-line options of the local methods' parameters (`--window`, `--k`, `--c`, `--r`,
 * `--contrast`, `--p`, `--q`; see `methods/local/params.ts`): their flags and help, and a zod
 * shape that reads each as a number. Whether a method takes a parameter, and which values it
 * accepts, is checked against the method itself once the methods are known.
 *
 * Kept apart from the method modules so that declaring a command loads no method code.
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { optionTypes } from '../options.js';

/** Flag, value name and help of each local parameter. */
export const LOCAL_PARAMETER_OPTIONS = [
  ['window', '<pixels>',
    'local methods: odd window (block) size in pixels (defaults: `autothresh methods`)'],
  ['k', '<number>', 'niblack, sauvola, wolf, phansalkar: weight of the local deviation'],
  ['c', '<number>', 'adaptive-mean, adaptive-gaussian: constant subtracted from the mean'],
  ['r', '<number>', 'sauvola, phansalkar: dynamic range of the standard deviation'],
  ['contrast', '<gray>', 'bernsen: minimum local contrast'],
  ['p', '<number>', 'phansalkar: exponential weight p'],
  ['q', '<number>', 'phansalkar: exponential decay q (two dashes: -q is --quiet)'],
] as const;

export type LocalParameterOption = (typeof LOCAL_PARAMETER_OPTIONS)[number][0];

/** Adds the options to `command`. */
export function addLocalParameterOptions(command: Command): Command {
  for (const [name, value, help] of LOCAL_PARAMETER_OPTIONS) {
    command.option(`--${name} ${value}`, help);
  }
  return command;
}

/** zod fields for the options: each an optional finite number. */
export const localParameterShape = Object.fromEntries(
  LOCAL_PARAMETER_OPTIONS.map(([name]) => [name, optionTypes.number().optional()]),
) as Record<LocalParameterOption, z.ZodOptional<ReturnType<typeof optionTypes.number>>>;

/** The parameters that were given, by name. */
export function givenLocalParameters(
  options: Partial<Record<LocalParameterOption, number>>,
): Partial<Record<LocalParameterOption, number>> {
  const given: Partial<Record<LocalParameterOption, number>> = {};
  for (const [name] of LOCAL_PARAMETER_OPTIONS) {
    const value = options[name];
    if (value !== undefined) given[name] = value;
  }
  return given;
}
