/**
 * The `autothresh` command-line program: global options, the subcommands, and how errors turn
 * into one-line messages and exit codes (0 all good, 1 some inputs failed, 2 usage error).
 *
 * Subcommand modules import only commander and zod at load time; each action loads the heavy
 * parts it needs (sharp, TensorFlow.js) on demand, so that `autothresh predict` starts fast.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AutothreshError, errorMessage } from '../errors.js';
import { setVerbose } from '../util/log.js';
import { COMMANDS } from './commands/index.js';
import { EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, processIO, type CliContext, type CliIO } from './io.js';

export const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

export function createProgram(context: CliContext): Command {
  const program = new Command('autothresh')
    .description('Pick binarization thresholds for images, learned from labelled data.')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'log the choices the tool makes (backend, ranges) on stderr')
    .showSuggestionAfterError(true)
    .hook('preAction', (root) => setVerbose(Boolean(root.opts().verbose)));

  for (const makeCommand of COMMANDS) program.addCommand(makeCommand(context));
  applyToAll(program, context.io);
  return program;
}

/** exitOverride and output routing are not inherited by `addCommand`: set them everywhere. */
function applyToAll(command: Command, io: CliIO): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => io.stdout(text),
    writeErr: (text) => io.stderr(text),
    outputError: (text, write) => write(text),
  });
  for (const child of command.commands) applyToAll(child, io);
}

/** Runs the CLI on `argv` (as `process.argv`: node, script, args…) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const context: CliContext = { io, exitCode: EXIT_OK };
  const program = createProgram(context);
  try {
    await program.parseAsync([...argv]);
    return context.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (help and --version exit with code 0).
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof AutothreshError) {
    io.stderr(`autothresh: ${error.message}\n`);
    return error.code === 'autothresh.usage' || error.code === 'autothresh.invalidParameter'
      ? EXIT_USAGE
      : EXIT_SOME_FAILED;
  }
  io.stderr(`autothresh: unexpected error: ${errorMessage(error)}\n`);
  if (process.env.NODE_DEBUG?.includes('autothresh') && error instanceof Error) {
    io.stderr(`${error.stack}\n`);
  }
  return EXIT_SOME_FAILED;
}
