// The entry point for Node.js (the `node` condition), built as CommonJS (dist/edgescore.cjs,
// which dist/edgescore.mjs re-exports for `import`, so one process has one module whichever way
// it loads the package). `init()` and `initSync()` read the .wasm next to the built file.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { initFrom, initSyncFrom } from './module.js';

export * from './api.js';

// `__dirname` of the built CommonJS file, which sits next to the .wasm.
// eslint-disable-next-line no-undef
const wasmPath = () => join(__dirname, 'edgescore_core_bg.wasm');

/** A `file:` URL read from disk; anything else fetched. */
function fetchModule(input) {
  if (typeof input === 'string' && /^file:/i.test(input)) return readFile(fileURLToPath(input));
  return fetch(input);
}

/**
 * Loads the module: with no argument, reads `edgescore_core_bg.wasm` next to the package's
 * file; also takes a path as a `file:` URL, an `http(s)` URL, a `Response`, bytes or a
 * `WebAssembly.Module`. Safe to call more than once.
 */
export function init(input) {
  return initFrom(input === undefined ? () => readFile(wasmPath()) : input, fetchModule);
}

/** Loads the module synchronously: with no argument from disk, else from a `WebAssembly.Module` or bytes. */
export function initSync(module) {
  initSyncFrom(module === undefined ? readFileSync(wasmPath()) : module);
}
