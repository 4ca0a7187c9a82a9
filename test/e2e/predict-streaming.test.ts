/**
 * `autothresh predict --json` as a stream: one line per image as soon as it and every earlier
 * input are done, the batch stopped when stdout is closed, and the output files named per line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/io.js';
import { BUILT_BIN, jsonLines, runCli } from '../helpers/cli.js';
import { temporaryDirectory, writeRaw } from '../helpers/images.js';

let folder: string;
/** 300×300 noise: sauvola takes some milliseconds on it. */
let noise: string;
/** 10×10 noise: done at once. */
let tiny: string;

function noisePixels(side: number): Uint8Array {
  const pixels = new Uint8Array(side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
  return pixels;
}

/** `count` copies of `image` (distinct files, so none is deduplicated) in a new folder. */
function copies(image: string, count: number, name: string): string[] {
  const target = join(folder, name);
  mkdirSync(target);
  return Array.from({ length: count }, (_, index) => {
    const path = join(target, `img-${String(index).padStart(3, '0')}.png`);
    copyFileSync(image, path);
    return path;
  });
}

function spawnPredict(args: readonly string[]): ChildProcessWithoutNullStreams {
  if (!existsSync(BUILT_BIN)) throw new Error(`${BUILT_BIN} is missing: run npm run build`);
  return spawn('node', [BUILT_BIN, 'predict', ...args], { env: { ...process.env, CI: 'true' } });
}

/** Resolves with the first line the child prints and whether it was still running then. */
function firstLine(
  child: ChildProcessWithoutNullStreams,
): Promise<{ line: string; running: boolean }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      resolve({ line: text.slice(0, end), running: child.exitCode === null });
    };
    child.stdout.on('data', onData);
    child.on('close', () => reject(new Error(`ended without a line; stdout: ${text}`)));
  });
}

function collect(stream: NodeJS.ReadableStream): { text: string } {
  const sink = { text: '' };
  stream.on('data', (chunk: Buffer) => { sink.text += chunk.toString(); });
  return sink;
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('close', resolve));
}

beforeAll(async () => {
  folder = temporaryDirectory();
  noise = await writeRaw(join(folder, 'noise.png'), noisePixels(300), 300, 300, 1);
  tiny = await writeRaw(join(folder, 'tiny.png'), noisePixels(10), 10, 10, 1);
});

describe('autothresh predict --json streaming', () => {
  it('when stdout is closed after the first line then the batch stops early and quietly',
    async () => {
    const inputs = copies(noise, 60, 'early-close');
    const out = join(folder, 'early-close-out');
    const child = spawnPredict(['-m', 'sauvola', '--json', '--out', out, ...inputs]);
    const stderr = collect(child.stderr);
    const closed = exitCode(child);
    const { line } = await firstLine(child);
    child.stdout.destroy();
    expect(await closed).toBe(0);
    expect(stderr.text).toBe('');
    expect(JSON.parse(line)).toMatchObject({ file: inputs[0] });
    const written = readdirSync(out);
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(inputs.length / 2);
    // Every file whole and under its own name: no temporary file left by the early exit.
    for (const name of written) expect(name).toMatch(/^img-\d{3}\.png$/);
  });

  it('when images run two at once then lines come in input order, the first while it runs',
    async () => {
    // A slow image then a fast one, over and over: the fast one is done first each time.
    const slow = copies(noise, 20, 'order-slow');
    const fast = copies(tiny, 20, 'order-fast');
    const inputs = slow.flatMap((path, index) => [path, fast[index]]);
    const child = spawnPredict(['-m', 'sauvola', '--json', '--concurrency', '2', ...inputs]);
    const stdout = collect(child.stdout);
    const closed = exitCode(child);
    const first = await firstLine(child);
    expect(first.running).toBe(true);
    expect(await closed).toBe(0);
    expect(jsonLines(stdout.text).map((record) => record.file)).toEqual(inputs);
  });

  it('when the reader is gone after one line then no further image is started', async () => {
    const inputs = copies(tiny, 5, 'in-process-close');
    const out = join(folder, 'in-process-close-out');
    const lines: string[] = [];
    const io: CliIO = {
      stdout: (text) => void lines.push(text),
      stderr: () => undefined,
      stderrIsTTY: false,
      get stdoutClosed() {
        return lines.length > 0;
      },
    };
    const code = await run(['node', 'autothresh', 'predict', '-m', 'otsu', '--json',
      '--concurrency', '1', '--out', out, ...inputs], io);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(readdirSync(out)).toEqual(['img-000.png']);
  });
});

describe('autothresh predict --json output fields', () => {
  let twins: string[];

  beforeAll(() => {
    const other = join(folder, 'twin');
    mkdirSync(other);
    twins = [tiny, join(other, 'tiny.png')];
    copyFileSync(tiny, twins[1]);
  });

  it('when --out is given then each line names its binarized file, suffix included', async () => {
    const out = join(folder, 'fields-binarized');
    const outcome = await runCli('predict', '-m', 'otsu', '--json', '--out', out, ...twins);
    expect(outcome.code).toBe(0);
    const records = jsonLines(outcome.stdout);
    expect(records.map((record) => [record.file, record.binarized])).toEqual([
      [twins[0], join(out, 'tiny.png')],
      [twins[1], join(out, 'tiny-2.png')],
    ]);
    for (const record of records) {
      expect(record).not.toHaveProperty('mask');
      expect(existsSync(record.binarized as string)).toBe(true);
    }
  });

  it('when --mask is given then each line names its mask file instead', async () => {
    const out = join(folder, 'fields-mask');
    const outcome = await runCli('predict', '-m', 'otsu', '--json', '--out', out, '--mask',
      ...twins);
    const records = jsonLines(outcome.stdout);
    expect(records.map((record) => record.mask))
      .toEqual([join(out, 'tiny.png'), join(out, 'tiny-2.png')]);
    for (const record of records) expect(record).not.toHaveProperty('binarized');
  });

  it('when --out is not given then the lines have no output fields', async () => {
    const outcome = await runCli('predict', '-m', 'otsu', '--json', tiny);
    const [record] = jsonLines(outcome.stdout);
    expect(record).not.toHaveProperty('binarized');
    expect(record).not.toHaveProperty('mask');
  });
});
