// Loading the WebAssembly module, and running calls against it with recovery from a trap.
//
// Runtime-neutral: each entry point (browser.js, node.js, workerd.js) says where the module
// comes from when `init()` is given nothing, and hands its answer to `initFrom`/`initSyncFrom`.

import { initSync as initBindings, __wbg_reset_state as resetBindings } from '../wasm/edgescore_core.js';
import { EdgescoreError } from './errors.js';

let ready = false;
let loading;
// Bumped each time the module is re-instantiated after a trap; objects built on an older
// instance rebuild themselves on their next use.
let generation = 0;

/** The number of times the module has been re-instantiated after a trap. */
export const moduleGeneration = () => generation;

/** Whether the module has been loaded. */
export const isReady = () => ready;

const isModule = (value) => value instanceof WebAssembly.Module;
const isBytes = (value) => value instanceof ArrayBuffer || ArrayBuffer.isView(value);
// Described by what is read of them, so that objects of another realm or library (undici's
// Response in Node, a URL from another frame) work as the platform's do.
const isResponse = (value) => typeof value?.arrayBuffer === 'function' && typeof value?.status === 'number';
const isRequest = (value) => typeof Request === 'function' && value instanceof Request;
const isUrl = (value) => typeof value === 'string' || value instanceof URL || typeof value?.href === 'string';

/** Compiles what `init` was given: a module, bytes, a `Response` (or a promise of one), a URL. */
async function compile(input, fetchModule) {
  input = await input;
  if (isModule(input)) return input;
  if (isBytes(input)) return WebAssembly.compile(input);
  if (isRequest(input) || isUrl(input)) {
    const url = isRequest(input) ? input.url : String(input.href ?? input);
    let response;
    try {
      response = await fetchModule(isRequest(input) ? input : url);
    } catch (error) {
      throw new Error(`edgescore: the WebAssembly module could not be fetched from ${url} (${error.message})`, { cause: error });
    }
    return compile(response, fetchModule);
  }
  if (isResponse(input)) {
    if (!input.ok) {
      throw new Error(`edgescore: fetching the WebAssembly module failed: ${input.status} ${input.url}`
        + ' (a bundler that does not copy the .wasm needs init(url) or initSync(bytes): see the package README)');
    }
    const streams = typeof Response === 'function' && input instanceof Response && typeof WebAssembly.compileStreaming === 'function';
    if (streams && input.headers.get('Content-Type') === 'application/wasm') {
      return WebAssembly.compileStreaming(input);
    }
    return WebAssembly.compile(await input.arrayBuffer());
  }
  throw new TypeError('edgescore: init() takes a URL, a Response, bytes or a WebAssembly.Module');
}

/**
 * Loads the module from `input` (the entry point's default when the caller gave none, as a
 * function called only when a load is needed); safe to call again, and concurrent calls share
 * one load. `fetchModule` fetches a URL (the runtime's
 * `fetch`, or a file reader in Node).
 */
export async function initFrom(input, fetchModule = (url) => fetch(url)) {
  if (ready) return;
  loading ??= compile(typeof input === 'function' ? input() : input, fetchModule).then((module) => initSyncFrom(module));
  try {
    await loading;
  } finally {
    loading = undefined;
  }
}

/** Loads the module synchronously from a `WebAssembly.Module`, `{ module }` or bytes. */
export function initSyncFrom(module) {
  if (ready) return;
  if (module !== null && typeof module === 'object' && !isModule(module) && !isBytes(module) && 'module' in module) {
    module = module.module;
  }
  if (!isModule(module)) {
    if (!isBytes(module)) throw new TypeError('edgescore: initSync() takes a WebAssembly.Module or the bytes of one');
    module = new WebAssembly.Module(module);
  }
  initBindings({ module });
  ready = true;
}

/** Throws unless the module is loaded. */
export function requireReady() {
  if (!ready) throw new Error('edgescore: call `await init()` (or initSync()) before using the package');
}

/** The result of an envelope (`{ok, result}`), or its error thrown as `EdgescoreError`. */
export function fromEnvelope(text) {
  const envelope = JSON.parse(text);
  if (envelope.ok) return envelope.result;
  const { code, message, claim, reason } = envelope.error;
  throw new EdgescoreError(code, message, { claim, reason });
}

/** A string the bindings threw: an error envelope. */
export function rethrow(error) {
  if (typeof error === 'string' && error.startsWith('{')) fromEnvelope(error);
  throw error;
}

/**
 * Runs `call` against the module. A trap re-instantiates the module and the call runs once
 * more (on a fresh instance, with objects rebuilt); a second trap throws `ERR_INTERNAL`.
 */
export function guarded(call) {
  requireReady();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return call();
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) rethrow(error);
      resetBindings();
      generation += 1;
      if (attempt >= 1) {
        throw new EdgescoreError('ERR_INTERNAL', `the WebAssembly module trapped and was restarted (${error.message})`);
      }
    }
  }
}
