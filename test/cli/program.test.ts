import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { commanderErrorLine, reportError } from '../../src/cli/program.js';

/** An output sink that keeps what is written to stderr. */
function capture(): { io: CliIO; stderr: () => string } {
  let text = '';
  return {
    io: { stdout: () => undefined, stderr: (chunk) => void (text += chunk), stderrIsTTY: false },
    stderr: () => text,
  };
}

describe('commanderErrorLine', () => {
  it('when commander reports an error with a hint then it becomes one autothresh: line', () => {
    expect(commanderErrorLine("error: unknown option '--polarty'\n(Did you mean --polarity?)\n"))
      .toBe("autothresh: unknown option '--polarty' (did you mean --polarity?)\n");
    expect(commanderErrorLine("error: missing required argument 'inputs'\n"))
      .toBe("autothresh: missing required argument 'inputs'\n");
  });
});

describe('reportError', () => {
  it('when a file-system error reaches the top then one line names its path and problem',
    () => {
      const { io, stderr } = capture();
      const error = Object.assign(new Error("EACCES: permission denied, open 'ro/.x.1.ab.tmp'"),
        { code: 'EACCES', syscall: 'open', path: 'ro/x.html' });
      expect(reportError(error, io)).toBe(1);
      expect(stderr()).toBe('autothresh: ro/x.html: permission denied\n');
    });

  it('when an error is of no known kind then it is still one line, marked unexpected', () => {
    const { io, stderr } = capture();
    expect(reportError(new Error('something\nbroke'), io)).toBe(1);
    expect(stderr()).toBe('autothresh: unexpected error: something broke\n');
  });
});
