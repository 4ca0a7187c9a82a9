/**
 * Running the CLI in-process (fast, for most tests) or as a real child process (for exit codes
 * and stdout/stderr separation end to end).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { run } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...args: string[]): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stderrIsTTY: false,
  };
  const code = await run(['node', 'autothresh', ...args], io);
  return { code, stdout, stderr };
}

const PACKAGE_FILE = new URL('../../package.json', import.meta.url);
const PACKAGE = JSON.parse(readFileSync(PACKAGE_FILE, 'utf8')) as { bin: { autothresh: string } };

/** The `autothresh` binary as installed: package.json's `bin`, the bundled CLI. */
export const BUILT_BIN = new URL(PACKAGE.bin.autothresh, PACKAGE_FILE).pathname;

/** Runs the built `autothresh` binary (needs `npm run build`). */
export function spawnCli(...args: string[]): CliOutcome {
  return spawnBuilt(args);
}

export interface SpawnOptions {
  /** Kill the run after this many milliseconds (its code is then -1). */
  timeout?: number;
  /** Run as an unprivileged user: see {@link UNPRIVILEGED}. */
  unprivileged?: boolean;
  /** Working folder of the run (default: this process's). */
  cwd?: string;
}

/** Runs the built binary with `args`; see {@link SpawnOptions}. */
export function spawnBuilt(args: readonly string[], options: SpawnOptions = {}): CliOutcome {
  if (!existsSync(BUILT_BIN)) throw new Error(`${BUILT_BIN} is missing: run npm run build`);
  const prefix = options.unprivileged ? unprivilegedPrefix() : [];
  const [program, ...rest] = [...prefix, 'node', BUILT_BIN, ...args];
  const result = spawnSync(program, rest, {
    encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: options.timeout,
    cwd: options.cwd,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * How to run a command without root's right to write anywhere: as is when this process is not
 * root, through `setpriv` as user and group 65534 (nobody) when it is root; `null` when neither
 * works (tests needing it are skipped). Files such a process must read need to be readable by
 * all (temporary folders are created 0700).
 */
export const UNPRIVILEGED: readonly string[] | null = process.getuid?.() !== 0
  ? []
  : existsSync('/usr/bin/setpriv')
    ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
    : null;

function unprivilegedPrefix(): readonly string[] {
  if (UNPRIVILEGED === null) throw new Error('no way to run as an unprivileged user');
  return UNPRIVILEGED;
}

/** Parses JSON Lines output. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
