/**
 * The `autothresh` command-line program: global options, the subcommands, and how errors turn
 * into one-line messages and exit codes (0 all good, 1 some inputs failed, 2 usage error).
 *
 * Start-up cost matters (`autothresh predict one.png` should answer in well under half a
 * second): only the module of the command being run is imported (see `commands/index.ts`),
 * and that module loads the heavy parts (sharp, methods, the model) when its action runs.
 */
import { Command, CommanderError, type Option } from 'commander';
import { AutothreshError, errorMessage } from '../errors.js';
import { fileSystemProblem, isFileSystemError } from '../util/file-errors.js';
import { setVerbose } from '../util/log.js';
import { packageVersion } from '../util/package-info.js';
import { COMMANDS } from './commands/index.js';
import {
  EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, isClosedOutput, processIO, type CliContext, type CliIO,
} from './io.js';
import { printableLine } from '../util/printable.js';

/**
 * The program for one run. `commandName` is the subcommand about to run (or whose help is
 * asked for): only its module is loaded, the others are listed by name and summary.
 */
export async function createProgram(
  context: CliContext,
  commandName: string | undefined,
): Promise<Command> {
  const program = new Command('autothresh')
    .description('Pick binarization thresholds for images, learned from labelled data.')
    .version(packageVersion(), '-V, --version')
    .option('--verbose', 'log the choices the tool makes (backend, ranges) on stderr')
    .showSuggestionAfterError(true)
    .hook('preAction', (root) => setVerbose(Boolean(root.opts().verbose)));

  for (const entry of COMMANDS) {
    program.addCommand(entry.name === commandName
      ? (await entry.load())(context)
      : new Command(entry.name).description(entry.summary));
  }
  applyToAll(program, context.io);
  return program;
}

/**
 * The subcommand named by `args` (arguments after node and the script): the first one that is
 * not an option (the only global options take no value), or the one after `help`.
 */
export function commandNameOf(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * exitOverride and output routing are not inherited by `addCommand`: set them everywhere.
 * Help texts are reflowed by commander to the terminal width, so a line break written into a
 * description would cut a sentence in the middle of the help: they are turned into spaces.
 */
function applyToAll(command: Command, io: CliIO): void {
  command.exitOverride();
  command.configureHelp({ optionDescription: describeOption });
  command.configureOutput({
    writeOut: (text) => io.stdout(text),
    writeErr: (text) => io.stderr(text),
    outputError: (text, write) => write(commanderErrorLine(text)),
  });
  command.description(oneParagraph(command.description()));
  for (const option of command.options) option.description = oneParagraph(option.description);
  for (const child of command.commands) applyToAll(child, io);
}

/**
 * An option's help line with its default written as the descriptions write theirs,
 * `(default 2)`, where commander would print `(default: "2")`; an empty default says nothing,
 * and an option that must be given says `(required)`.
 */
function describeOption(option: Option): string {
  if (option.mandatory) return `${option.description} (required)`;
  const value: unknown = option.defaultValue;
  if (value === undefined || value === '' || value === false) return option.description;
  const shown = option.defaultValueDescription ??
    (typeof value === 'string' ? value : JSON.stringify(value));
  return `${option.description} (default ${shown})`;
}

/** Runs the CLI on `argv` (as `process.argv`: node, script, args…) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const context: CliContext = { io, exitCode: EXIT_OK };
  try {
    const program = await createProgram(context, commandNameOf(argv.slice(2)));
    await program.parseAsync([...argv]);
    return context.exitCode;
  } catch (error) {
    // stdout closed early (`autothresh predict … | head -1`): nothing left to say.
    if (isClosedOutput(error)) return context.exitCode;
    return reportError(error, io);
  }
}

function oneParagraph(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * commander's own usage errors in the shape of every other message: one line starting with
 * `autothresh:` (not `error:`), its "(Did you mean …?)" hint on the same line.
 */
export function commanderErrorLine(text: string): string {
  const line = text.trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*\(Did you mean /, ' (did you mean ');
  return `autothresh: ${oneParagraph(line)}\n`;
}

/** Prints `error` as one line on stderr and returns the exit code it stands for. */
export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (help and --version exit with code 0).
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof AutothreshError) {
    // Only the invalid-lines error lists lines of its own; any other message is one line.
    const lines = error.name === 'InvalidRecordsError' ? error.message.split('\n')
      : [error.message];
    io.stderr(lines.map((line, index) =>
      printableLine(index === 0 ? `autothresh: ${line}` : line)).join(''));
    return error.code === 'autothresh.usage' || error.code === 'autothresh.invalidParameter'
      ? EXIT_USAGE
      : EXIT_SOME_FAILED;
  }
  // A file-system error no command turned into a message of its own: still one clean line.
  if (isFileSystemError(error) && error.path !== undefined) {
    io.stderr(printableLine(`autothresh: ${error.path}: ${fileSystemProblem(error)}`));
    return EXIT_SOME_FAILED;
  }
  io.stderr(printableLine(`autothresh: unexpected error: ${errorMessage(error)}`));
  if (process.env.NODE_DEBUG?.includes('autothresh') && error instanceof Error) {
    io.stderr(`${error.stack}\n`);
  }
  return EXIT_SOME_FAILED;
}
