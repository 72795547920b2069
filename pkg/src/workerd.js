// The entry point for workerd and Cloudflare Workers (the `workerd` condition): the .wasm is
// imported as a compiled module, as workerd's module list and wrangler's bundler provide it, so
// `init()` and `initSync()` need no argument and nothing is fetched.

import wasm from './edgescore_core_bg.wasm';
import { initFrom, initSyncFrom } from './module.js';

export * from './api.js';

/** Loads the module (the one imported with this file unless another is given). */
export function init(input) {
  return initFrom(input === undefined ? wasm : input);
}

/** Loads the module synchronously (the one imported with this file unless another is given). */
export function initSync(module) {
  initSyncFrom(module === undefined ? wasm : module);
}
