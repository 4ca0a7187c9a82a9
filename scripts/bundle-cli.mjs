/**
 * Bundles the command-line program into `dist/bundle/` (run by `npm run build`, after tsc).
 *
 *   node scripts/bundle-cli.mjs
 *
 * Why: Node.js 20 loads ES modules one file at a time, and the CLI's own modules, zod (about
 * a hundred files) and commander cost `autothresh predict one.png` some 80 ms of its start-up.
 * One bundle, split at the CLI's lazy command imports so that a run still loads only the code of
 * its command, starts in a third less time. sharp, TensorFlow.js and the other packages loaded
 * on demand stay outside the bundle and are resolved from `node_modules` as usual.
 *
 * Inputs are tsc's output in `dist/`, so the bundle runs exactly the compiled code. Outputs:
 * - `dist/bundle/autothresh.js`: the `autothresh` binary (package.json `bin`);
 * - `dist/bundle/worker.js`: the benchmark's worker-thread module, which the bundled pool finds
 *   beside itself;
 * - `dist/bundle/chunk-*.js`: code shared by the two and by the commands.
 * Modules that find files through `import.meta.url` (package.json, models/default, the
 * committed datasets) sit two folders below the package root in `src/`, `dist/` and here alike.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A path of the package, wherever the script is run from. */
const packagePath = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Loaded on demand through `require`/`import()` from node_modules, never bundled. */
const EXTERNAL = [
  'sharp',
  '@tensorflow/*',
  'chart.js',
  'cli-progress',
  'tinypool',
  'tsx',
  'playwright-core',
];

/**
 * commander is a CommonJS package that calls `require('node:events')`; inside an ES module
 * bundle that needs a real `require`, made once per output file.
 */
const REQUIRE_SHIM = "import { createRequire as createRequireForBundle } from 'node:module';\n" +
  'const require = createRequireForBundle(import.meta.url);';

// Chunk names change with their content: clear the chunks of the last build first.
rmSync(packagePath('dist/bundle'), { recursive: true, force: true });

await build({
  entryPoints: {
    autothresh: packagePath('dist/cli/bin.js'),
    worker: packagePath('dist/bench/worker.js'),
  },
  outdir: packagePath('dist/bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  chunkNames: 'chunk-[hash]',
  banner: { js: REQUIRE_SHIM },
  logLevel: 'warning',
});
