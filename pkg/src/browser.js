// The entry point for browsers, web workers, Deno and any runtime with `fetch` and ES modules
// (the `browser`, `worker` and `default` conditions). `init()` fetches the .wasm next to this
// file: `new URL(…, import.meta.url)` is what bundlers that copy assets look for (Vite,
// webpack, Parcel, Rollup with its plugin); with esbuild, pass the URL (see docs/browser.md).

import { initFrom, initSyncFrom } from './module.js';

export * from './api.js';

/**
 * Loads the module: with no argument, fetches `edgescore_core_bg.wasm` next to this file; also
 * takes a URL, a `Response` (or a promise of one), bytes or a `WebAssembly.Module`. Safe to
 * call more than once.
 */
export function init(input) {
  return initFrom(input === undefined ? () => new URL('./edgescore_core_bg.wasm', import.meta.url) : input);
}

/** Loads the module synchronously from a `WebAssembly.Module` or bytes (browsers cannot read files). */
export function initSync(module) {
  if (module === undefined) {
    throw new TypeError('edgescore: initSync() needs a WebAssembly.Module or its bytes here; `await init()` fetches the module');
  }
  initSyncFrom(module);
}
