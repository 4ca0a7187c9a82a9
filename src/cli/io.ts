import { fileSystemProblem } from '../util/file-errors.js';

/**
 * Where a command writes: results to stdout, logs and errors to stderr. Commands receive this
 * instead of touching `process` so that tests can run them in-process and read what they print.
 */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly stderrIsTTY: boolean;
  /** True when stdout is a terminal (results printed as they come would cut through a bar). */
  readonly stdoutIsTTY?: boolean;
  /**
   * True once stdout's reader has gone (`… | head -1`) or a write to it failed (a full disk):
   * commands start no more work.
   */
  readonly stdoutClosed?: boolean;
}

let stdoutClosed = false;
let stderrClosed = false;

/**
 * The real streams. Once stdout's reader has gone or a write to it failed, further results are
 * dropped; once stderr's reader has gone, further messages are (the work goes on: its results
 * go to files or stdout).
 */
export const processIO: CliIO = {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => {
    if (!stderrClosed) process.stderr.write(text);
  },
  get stderrIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
  get stdoutIsTTY() {
    return Boolean(process.stdout.isTTY);
  },
  get stdoutClosed() {
    return stdoutClosed;
  },
};

/** Work that a closed stdout must not cut short, each settling to undefined. */
const unfinished = new Set<Promise<void>>();

/**
 * Runs `work` (writing an output file, say) so that a closed stdout does not end the process in
 * its middle: the exit of {@link watchStdout} waits until it has settled.
 */
export function finishBeforeExit<T>(work: Promise<T>): Promise<T> {
  const settled = work.then(() => undefined, () => undefined);
  unfinished.add(settled);
  void settled.then(() => unfinished.delete(settled));
  return work;
}

/** Resolves once no work of {@link finishBeforeExit} is left, including work added meanwhile. */
async function allFinished(): Promise<void> {
  while (unfinished.size > 0) await Promise.all(unfinished);
}

/** True for the error of writing to a pipe whose reader has closed (`… | head -1`). */
export function isClosedOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Calls `onClosed` (once) when stdout's reader goes away, instead of letting the write error
 * end the process with a stack trace. Any other write error (a full disk, `> /dev/full`) is
 * said in one line on stderr and then ends the run the same way, with exit code 1: the results
 * cannot be delivered. Work run through {@link finishBeforeExit} is let finish first.
 */
export function watchStdout(onClosed: (failed: boolean) => void): void {
  process.stdout.on('error', (error) => {
    if (stdoutClosed) return;
    stdoutClosed = true;
    const failed = !isClosedOutput(error);
    if (failed) {
      processIO.stderr('autothresh: cannot write the results to standard output ' +
        `(${fileSystemProblem(error)})\n`);
    }
    if (unfinished.size === 0) onClosed(failed);
    else void allFinished().then(() => onClosed(failed));
  });
}

/**
 * Keeps a closed stderr (`… 2>&1 | head -1`) from ending the process: messages are dropped
 * from then on, and the command finishes its work and sets its exit code as usual.
 */
export function watchStderr(): void {
  process.stderr.on('error', (error) => {
    if (!isClosedOutput(error)) throw error;
    stderrClosed = true;
  });
}

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * Shared state of one CLI run: the output streams and the exit code the run will end with.
 * A command that reports failed inputs calls `fail()`; usage errors are thrown instead.
 */
export interface CliContext {
  readonly io: CliIO;
  exitCode: number;
}

export function markFailed(context: CliContext): void {
  if (context.exitCode === EXIT_OK) context.exitCode = EXIT_SOME_FAILED;
}
