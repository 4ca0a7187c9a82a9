/**
 * Where a command writes: results to stdout, logs and errors to stderr. Commands receive this
 * instead of touching `process` so that tests can run them in-process and read what they print.
 */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly stderrIsTTY: boolean;
}

let stdoutClosed = false;

/** The real streams. Once stdout's reader has gone, further results are dropped. */
export const processIO: CliIO = {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => void process.stderr.write(text),
  get stderrIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

/** True for the error of writing to a pipe whose reader has closed (`… | head -1`). */
export function isClosedOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Calls `onClosed` (once) when stdout's reader goes away, instead of letting the write error
 * end the process with a stack trace; other stdout errors are rethrown.
 */
export function watchStdout(onClosed: () => void): void {
  process.stdout.on('error', (error) => {
    if (!isClosedOutput(error)) throw error;
    if (stdoutClosed) return;
    stdoutClosed = true;
    onClosed();
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
