/**
 * Choosing the TensorFlow.js backend for training.
 *
 * Order when nothing is asked for: `tensorflow` (the native tfjs-node binding, an optional
 * dependency that is often not installed), then `wasm` (WebAssembly, loaded from the installed
 * `@tensorflow/tfjs-backend-wasm/dist/` folder), then `cpu` (plain JavaScript, always there).
 * The choice is logged once (`--verbose` or `NODE_DEBUG=autothresh`).
 *
 * Prediction does not need any of this: it runs a plain-JavaScript forward pass (see
 * `forward.ts`), so `autothresh predict` never loads TensorFlow.js.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { AutothreshError } from '../errors.js';
import { debugOnce } from '../util/log.js';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

let loaded: typeof TF | undefined;

/**
 * Loads TensorFlow.js and sets the backend (`auto` = best available). Returns the `tf` namespace.
 * Throws `autothresh.invalidParameter` when an explicitly named backend cannot be used.
 */
export async function loadTensorflow(backend: BackendName = 'auto'): Promise<typeof TF> {
  const tf = loaded ?? (await import('@tensorflow/tfjs'));
  if (loaded === undefined) {
    // PROD silences tfjs's console banner about tfjs-node (stdout stays for results).
    tf.env().set('PROD', true);
    loaded = tf;
  }
  if (backend !== 'auto') {
    if (!(await trySetBackend(tf, backend))) {
      throw new AutothreshError(
        'autothresh.invalidParameter',
        `backend: "${backend}" is not available here; use one of auto, wasm, cpu`,
      );
    }
    debugOnce(`TensorFlow.js backend: ${backend} (requested)`);
    return tf;
  }
  for (const candidate of ['tensorflow', 'wasm', 'cpu'] as const) {
    if (await trySetBackend(tf, candidate)) {
      debugOnce(`TensorFlow.js backend: ${candidate} (best available)`);
      return tf;
    }
    debugOnce(`TensorFlow.js backend ${candidate} is not available, trying the next one`);
  }
  throw new AutothreshError('autothresh.model', 'backend: no TensorFlow.js backend could start');
}

async function trySetBackend(tf: typeof TF, name: Exclude<BackendName, 'auto'>): Promise<boolean> {
  if (tf.getBackend() === name) return true;
  try {
    if (name === 'tensorflow') await importNative();
    if (name === 'wasm') await registerWasm();
    if (tf.findBackendFactory(name) === null) return false;
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** tfjs-node registers the `tensorflow` backend when imported; it is optional. */
async function importNative(): Promise<void> {
  const moduleName = '@tensorflow/tfjs-node';
  await import(moduleName);
}

/** In Node the WebAssembly files must be given as a folder path with a trailing slash. */
async function registerWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  wasm.setWasmPaths(join(dirname(packageJson), 'dist') + '/');
}

/** Name of the backend in use (after {@link loadTensorflow}). */
export function backendName(tf: typeof TF): string {
  return tf.getBackend();
}
