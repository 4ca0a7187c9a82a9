/**
 * A closed stdout ends the CLI quietly, but not in the middle of work that must finish (an
 * output file being written); a closed stderr ends nothing. Runs the built `io.js` in a child
 * process with a real pipe.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const IO_MODULE = new URL('../../dist/cli/io.js', import.meta.url).href;

/** Writes a line every 10 ms; `finishBeforeExit` holds a 300 ms task; says on stderr when. */
const SCRIPT = `
import { finishBeforeExit, processIO, watchStdout } from ${JSON.stringify(IO_MODULE)};
watchStdout(() => { process.stderr.write('exit\\n'); process.exit(0); });
const task = new Promise((done) => setTimeout(done, 300));
void finishBeforeExit(task).then(() => process.stderr.write('written\\n'));
setInterval(() => processIO.stdout('line\\n'), 10);
`;

describe('watchStdout with finishBeforeExit', () => {
  it('when stdout is closed during held work then the exit waits until that work is done',
    async () => {
    if (!existsSync(new URL(IO_MODULE))) throw new Error(`${IO_MODULE} is missing: build first`);
    const child = spawn('node', ['--input-type=module', '-e', SCRIPT]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect(stderr).toBe('written\nexit\n');
  });
});

/** Logs on stderr every 10 ms for 300 ms, then says on stdout that the work is done. */
const STDERR_SCRIPT = `
import { processIO, watchStderr } from ${JSON.stringify(IO_MODULE)};
watchStderr();
const log = setInterval(() => processIO.stderr('working\\n'), 10);
setTimeout(() => { clearInterval(log); processIO.stdout('done\\n'); process.exitCode = 1; }, 300);
`;

describe('watchStderr', () => {
  it('when stderr is closed then the work goes on to its end and keeps its exit code',
    async () => {
    const child = spawn('node', ['--input-type=module', '-e', STDERR_SCRIPT]);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.once('data', () => child.stderr.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stdout).toBe('done\n');
    expect(code).toBe(1);
  });
});
