/**
 * The one progress helper for long loops: a bar on stderr when stderr is a terminal, nothing
 * otherwise (CI, pipes, files) or when `quiet` is set. cli-progress is loaded only when a bar
 * is drawn, so that runs in pipes and scripts do not pay for it at start-up.
 */
import { createRequire } from 'node:module';

export interface Progress {
  /** Marks `count` more items done. */
  tick(count?: number): void;
  /** Removes the bar. */
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** Stream to draw on; default `process.stderr`. */
  stream?: NodeJS.WriteStream;
}

const SILENT: Progress = { tick: () => {}, stop: () => {} };

export function createProgress(
  total: number,
  label: string,
  options: ProgressOptions = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY || total <= 1) return SILENT;
  const { SingleBar, Presets } = createRequire(import.meta.url)(
    'cli-progress',
  ) as typeof import('cli-progress');
  const bar = new SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick: (count = 1) => bar.increment(count),
    stop: () => bar.stop(),
  };
}
