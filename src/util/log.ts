/**
 * Diagnostic logging, off by default: on with `NODE_DEBUG=autothresh` or the CLI's `--verbose`.
 * Used to say once when the tool makes a choice the user did not make (a backend fallback, a
 * 16-bit image mapped onto 256 bins, …).
 */
import { debuglog } from 'node:util';

const nodeDebug = debuglog('autothresh');
let verbose = false;
const saidOnce = new Set<string>();

export function setVerbose(on: boolean): void {
  verbose = on;
}

export function debug(message: string): void {
  if (verbose) process.stderr.write(`autothresh: ${message}\n`);
  else nodeDebug(message);
}

/** Logs `message` the first time it is given, never again in this process. */
export function debugOnce(message: string): void {
  if (saidOnce.has(message)) return;
  saidOnce.add(message);
  debug(message);
}
