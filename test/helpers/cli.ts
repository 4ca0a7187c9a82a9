/**
 * Running the CLI in-process (fast, for most tests) or as a real child process (for exit codes
 * and stdout/stderr separation end to end).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

export const BUILT_BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/** Runs the built `autothresh` binary (needs `npm run build`). */
export function spawnCli(...args: string[]): CliOutcome {
  if (!existsSync(BUILT_BIN)) throw new Error(`${BUILT_BIN} is missing: run npm run build`);
  const result = spawnSync('node', [BUILT_BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, CI: 'true' },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Parses JSON Lines output. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
