/**
 * The one error type of autothresh.
 *
 * Every failure the tool can explain carries a stable machine `code` (tests and callers match on
 * it, so the wording may improve) and a one-line message that names the input, what was expected
 * and what was found. The CLI maps codes to exit codes: usage errors exit 2, failures of an input
 * exit 1.
 */
export type ErrorCode =
  | 'autothresh.usage'
  | 'autothresh.fileNotFound'
  | 'autothresh.noImages'
  | 'autothresh.decode'
  | 'autothresh.unsupportedImage'
  | 'autothresh.emptyHistogram'
  | 'autothresh.invalidHistogram'
  | 'autothresh.methodFailed'
  | 'autothresh.invalidParameter'
  | 'autothresh.mask'
  | 'autothresh.dataset'
  | 'autothresh.model'
  | 'autothresh.write';

export class AutothreshError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AutothreshError';
    this.code = code;
  }
}

/** True when `error` is an {@link AutothreshError}, optionally with the given code. */
export function isAutothreshError(error: unknown, code?: ErrorCode): error is AutothreshError {
  return error instanceof AutothreshError && (code === undefined || error.code === code);
}

/**
 * The message of any thrown value, on one line. An {@link AutothreshError}'s is one already: it
 * is kept as it is, so that a file name in it stays the same string (a name holding a line feed
 * is escaped where it is printed, see `util/printable.ts`).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof AutothreshError) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
