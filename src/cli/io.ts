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

export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  get stderrIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

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
