// edgescore: verify a bureau-signed credit feature snapshot (an SD-JWT VC, RFC 9901), check its
// revocation status, score it with a signed scorecard model and apply a merchant policy, in
// WebAssembly. One ES module for browsers, edge workers (workerd, Cloudflare Workers) and
// Node 20+.
//
// The Rust core does the work; this file is the JavaScript face of it: plain objects in and
// out, `EdgescoreError` for rejected input, and recovery from a trap (a `RuntimeError` inside
// the module): the module is re-instantiated and scorers and holders rebuild themselves.

import {
  initSync as initBindings,
  __wbg_reset_state as resetBindings,
  WasmScorer,
  WasmHolder,
  newNonce as bindingsNewNonce,
  disclosableNames as bindingsDisclosableNames,
  disclosuresFor as bindingsDisclosuresFor,
  __trapForTests as bindingsTrap,
} from './wasm/edgescore_core.js';
import { DEFAULT_POLICY, DEMO_CONSUMER_MODEL, DEMO_JWKS } from './wasm/demo.js';

// Where the module sits next to this file (resolved only when init() needs it: some runtimes
// hand over a compiled module and have no file URL).
const wasmUrl = () => new URL('./wasm/edgescore_core_bg.wasm', import.meta.url);

// Generated from the list in src/error.rs: do not edit; `EDGESCORE_BLESS=1 cargo test --features cli error_codes` rewrites it.
/** Every error code the package can report: the core's (not the model lifecycle's) and `ERR_INTERNAL`. */
export const ERROR_CODES = Object.freeze([
  'ERR_MALFORMED',
  'ERR_TOO_LARGE',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_HEADER_NOT_ALLOWED',
  'ERR_WRONG_TYPE',
  'ERR_UNKNOWN_KID',
  'ERR_KEY_INVALID',
  'ERR_SIGNATURE_INVALID',
  'ERR_EXPIRED',
  'ERR_NOT_YET_VALID',
  'ERR_TOO_OLD',
  'ERR_ISSUER',
  'ERR_AUDIENCE',
  'ERR_CLAIM_INVALID',
  'ERR_HOLDER_BINDING',
  'ERR_NONCE_MISMATCH',
  'ERR_DISCLOSURE_INVALID',
  'ERR_FEATURE_NOT_DISCLOSED',
  'ERR_REVOKED',
  'ERR_SUSPENDED',
  'ERR_STATUS_INVALID',
  'ERR_STATUS_LIST_INVALID',
  'ERR_STATUS_UNAVAILABLE',
  'ERR_MODEL_INVALID',
  'ERR_UNSUPPORTED_VERSION',
  'ERR_SCHEMA_MISMATCH',
  'ERR_FEATURE_INVALID',
  'ERR_POLICY_INVALID',
  'ERR_CONTEXT_INVALID',
  'ERR_CONFIG_INVALID',
  'ERR_INTERNAL',
]);
// End of the generated error codes.

/** A rejected input or configuration: a real `Error` with a stable `code`. */
export class EdgescoreError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'EdgescoreError';
    this.code = code;
  }
}

let ready = false;
let loading;
// Bumped each time the module is re-instantiated after a trap; objects built on an older
// instance rebuild themselves on next use.
let instance = 0;

function isNode() {
  return typeof process === 'object' && typeof process.versions?.node === 'string' && typeof navigator === 'undefined';
}

async function compile(input) {
  if (input instanceof WebAssembly.Module) return input;
  if (input === undefined) {
    if (isNode()) {
      const { readFile } = await import('node:fs/promises');
      return WebAssembly.compile(await readFile(wasmUrl()));
    }
    input = wasmUrl();
  }
  if (typeof input === 'string' || input instanceof URL || (typeof Request === 'function' && input instanceof Request)) {
    input = fetch(input);
  }
  input = await input;
  if (typeof Response === 'function' && input instanceof Response) {
    if (!input.ok) throw new Error(`edgescore: fetching the WebAssembly module failed: ${input.status} ${input.url}`);
    if (typeof WebAssembly.compileStreaming === 'function' && input.headers.get('Content-Type') === 'application/wasm') {
      return WebAssembly.compileStreaming(input);
    }
    return WebAssembly.compile(await input.arrayBuffer());
  }
  return WebAssembly.compile(input);
}

/**
 * Loads the module. With no argument it fetches `wasm/edgescore_core_bg.wasm` next to this file
 * (in Node it reads it from disk); it also takes a URL, a `Response`, bytes or a
 * `WebAssembly.Module`. Safe to call more than once.
 */
export async function init(input) {
  if (ready) return;
  loading ??= compile(input).then((module) => initSync(module));
  try {
    await loading;
  } finally {
    loading = undefined;
  }
}

/** Loads the module synchronously from a `WebAssembly.Module` or bytes (workerd hands over a module). */
export function initSync(module) {
  if (ready) return;
  if (module !== null && typeof module === 'object' && !(module instanceof WebAssembly.Module) && 'module' in module) {
    module = module.module;
  }
  if (!(module instanceof WebAssembly.Module)) module = new WebAssembly.Module(module);
  initBindings({ module });
  ready = true;
}

function requireReady() {
  if (!ready) throw new Error('edgescore: call init() (or initSync(module)) before using the package');
}

function fromEnvelope(text) {
  const envelope = JSON.parse(text);
  if (envelope.ok) return envelope.result;
  throw new EdgescoreError(envelope.error.code, envelope.error.message);
}

/** A string the bindings threw: an error envelope. */
function rethrow(error) {
  if (typeof error === 'string' && error.startsWith('{')) fromEnvelope(error);
  throw error;
}

function restart() {
  resetBindings();
  instance += 1;
}

/**
 * Runs `call` against the module. A trap re-instantiates the module and the call runs once
 * more (on a fresh instance, with objects rebuilt); a second trap throws `ERR_INTERNAL`.
 */
function guarded(call) {
  requireReady();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return call();
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) rethrow(error);
      restart();
      if (attempt >= 1) {
        throw new EdgescoreError('ERR_INTERNAL', `the WebAssembly module trapped and was restarted (${error.message})`);
      }
    }
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function text(value, what) {
  if (typeof value !== 'string') throw new EdgescoreError('ERR_MALFORMED', `${what} must be a string`);
  return value;
}

function configError(message) {
  return new EdgescoreError('ERR_CONFIG_INVALID', message);
}

function optionalText(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configError(`${what} must be a string`);
  return value;
}

function optionalDocument(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  throw configError(`${what} must be an object or JSON text`);
}

function optionalSeconds(value, what) {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw configError(`${what} must be whole seconds, not negative`);
  return value;
}

const SCORER_OPTIONS = new Set([
  'jwks', 'model', 'modelJwks', 'policy', 'audience', 'issuers',
  'leewaySeconds', 'maxAgeSeconds', 'requireBinding', 'presentationMaxAgeSeconds', 'statusLists',
]);

function base64urlJson(part) {
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** The five dimensions, in result order, with their names. */
export const DIMENSIONS = Object.freeze([
  { id: 'credit_history', label: { en: 'Credit history', zh: '信用历史' } },
  { id: 'behaviour_preferences', label: { en: 'Behaviour & preferences', zh: '行为偏好' } },
  { id: 'fulfilment_capacity', label: { en: 'Fulfilment capacity', zh: '履约能力' } },
  { id: 'identity_traits', label: { en: 'Identity traits', zh: '身份特质' } },
  { id: 'relationships', label: { en: 'Relationships', zh: '人脉关系' } },
]);

/**
 * A verifier: issuer keys, a signed model, a merchant policy, verification options and the
 * status lists it holds. `new Scorer({ jwks, model?, modelJwks?, policy?, audience?, issuers?,
 * leewaySeconds?, maxAgeSeconds?, requireBinding?, presentationMaxAgeSeconds?, statusLists? })`;
 * bad configuration throws `EdgescoreError`.
 */
export class Scorer {
  #args;
  #model;
  #bindings;
  #instance;
  // The status list tokens held, with the time each was added: re-added after a trap.
  #statusLists = new Map();

  constructor(config) {
    requireReady();
    if (config === null || typeof config !== 'object') throw configError('new Scorer() takes a configuration object');
    const unknown = Object.keys(config).find((name) => !SCORER_OPTIONS.has(name));
    if (unknown !== undefined) throw configError(`unknown Scorer option "${unknown}"`);
    const jwks = optionalDocument(config.jwks, 'jwks');
    if (jwks === undefined) throw configError('"jwks" (the issuer\'s public key set) is required');
    const demoModel = config.model === undefined || config.model === null;
    this.#model = demoModel ? DEMO_CONSUMER_MODEL : optionalText(config.model, 'model');
    const issuers = config.issuers ?? [];
    if (!Array.isArray(issuers) || !issuers.every((issuer) => typeof issuer === 'string')) {
      throw configError('"issuers" must be an array of strings');
    }
    if (config.requireBinding !== undefined && typeof config.requireBinding !== 'boolean') {
      throw configError('"requireBinding" must be true or false');
    }
    this.#args = [
      jwks,
      this.#model,
      demoModel ? JSON.stringify(DEMO_JWKS) : optionalDocument(config.modelJwks, 'modelJwks'),
      optionalDocument(config.policy, 'policy') ?? JSON.stringify(DEFAULT_POLICY),
      optionalText(config.audience, 'audience'),
      JSON.stringify(issuers),
      optionalSeconds(config.leewaySeconds, 'leewaySeconds'),
      config.maxAgeSeconds === null ? -1 : optionalSeconds(config.maxAgeSeconds, 'maxAgeSeconds'),
      config.requireBinding === true,
      optionalSeconds(config.presentationMaxAgeSeconds, 'presentationMaxAgeSeconds'),
    ];
    const statusLists = config.statusLists ?? [];
    if (!Array.isArray(statusLists) || !statusLists.every((token) => typeof token === 'string')) {
      throw configError('"statusLists" must be an array of status list tokens (strings)');
    }
    this.#bindings = guarded(() => this.#build());
    for (const token of statusLists) this.addStatusList(token);
  }

  #build() {
    this.#instance = instance;
    let bindings;
    try {
      bindings = new WasmScorer(...this.#args);
    } catch (error) {
      rethrow(error);
    }
    for (const [token, at] of this.#statusLists.values()) fromEnvelope(bindings.addStatusList(token, at));
    return bindings;
  }

  #live() {
    if (this.#instance !== instance) this.#bindings = this.#build();
    return this.#bindings;
  }

  /**
   * Verifies a presentation (an SD-JWT: the snapshot, the disclosures and, for a bound
   * snapshot, the key-binding JWT), checks its status against the lists held, scores it and
   * decides. Options: `now` (seconds; default the current time), `nonce` (the one issued for
   * the key binding), `context` (`{deposit, order_value, currency, item}` in minor units),
   * `disclose` (`"band"` or `"full"`).
   */
  score(presentation, options = {}) {
    text(presentation, 'presentation');
    const request = scoreRequest(options);
    return fromEnvelope(guarded(() => this.#live().score(presentation, ...request)));
  }

  /**
   * Verifies a status list token (`statuslist+jwt`) with the issuer keys and holds it: from
   * now on snapshots that name its URI are checked against it. A newer list for the same URI
   * replaces the one held; an older one is refused (`ERR_STATUS_LIST_INVALID`). Returns
   * `{ uri, iss, iat, exp, ttl, bits, size }`. Options: `now`.
   */
  addStatusList(token, { now } = {}) {
    text(token, 'status list token');
    const at = now ?? nowSeconds();
    if (!Number.isSafeInteger(at) || at < 0) throw configError('"now" must be whole seconds since the epoch');
    const info = fromEnvelope(guarded(() => this.#live().addStatusList(token, at)));
    this.#statusLists.set(info.uri, [token, at]);
    return info;
  }

  /**
   * What this verifier asks a holder to present: `{ nonce, aud, expires_at, features, model:
   * { id, version, digest, vct } }`, `features` being exactly those the model reads.
   */
  presentationRequest({ nonce, expiresAt } = {}) {
    text(nonce, 'nonce');
    if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) throw configError('"expiresAt" must be whole seconds since the epoch');
    return fromEnvelope(guarded(() => this.#live().presentationRequest(nonce, expiresAt)));
  }

  /**
   * Scores many presentations in one call: `items` are `{ presentation, nonce?, context? }`;
   * options `now` and `disclose` apply to all. Returns one entry per item, `{ ok: true, result }`
   * or `{ ok: false, error: { code, message } }`; a bad item never throws.
   */
  scoreBatch(items, options = {}) {
    if (!Array.isArray(items)) throw configError('scoreBatch takes an array of items');
    const [now, , , full] = scoreRequest({ now: options.now, disclose: options.disclose });
    const payload = JSON.stringify(items.map((item) => (item !== null && typeof item === 'object' ? item : {})));
    try {
      return fromEnvelope(guarded(() => this.#live().scoreBatch(payload, now, full)));
    } catch (error) {
      if (!(error instanceof EdgescoreError) || error.code !== 'ERR_INTERNAL') throw error;
      // An item made the module trap: score one by one so only that item fails.
      return items.map((item) => {
        try {
          return { ok: true, result: this.score(item?.presentation, { ...item, ...options }) };
        } catch (itemError) {
          if (!(itemError instanceof EdgescoreError)) throw itemError;
          return { ok: false, error: { code: itemError.code, message: itemError.message } };
        }
      });
    }
  }

  /**
   * What the model declares, for showing a person how they are scored: id, digest, bands,
   * dimensions and every characteristic with its weight (the points it can move, as a share
   * of all the points the model can move).
   */
  modelInfo() {
    const digest = guarded(() => this.#live().modelDigest());
    const model = base64urlJson(this.#model.split('.')[1]);
    const span = (c) => {
      const points = c.bins.map((bin) => bin.points);
      return Math.max(...points) - Math.min(...points);
    };
    const total = model.characteristics.reduce((sum, c) => sum + span(c), 0);
    const percent = (part) => (total > 0 ? Math.round((100 * part) / total) : 0);
    return {
      id: model.id,
      version: model.version,
      digest,
      demo: model.demo === true,
      schema: model.schema,
      score_range: [model.score.min, model.score.max],
      bands: model.bands.map(({ id, min, label }) => ({ id, min, label })),
      dimensions: DIMENSIONS.map(({ id, label }) => ({
        id,
        label,
        weight_percent: percent(model.characteristics.filter((c) => c.dimension === id).reduce((sum, c) => sum + span(c), 0)),
      })),
      characteristics: model.characteristics.map((c) => ({
        id: c.id,
        feature: c.feature,
        dimension: c.dimension,
        reason_code: c.reason_code,
        weight_percent: percent(span(c)),
        ...(c.label ? { label: c.label } : {}),
      })),
    };
  }
}

function scoreRequest(options) {
  if (options === null || typeof options !== 'object') throw configError('score options must be an object');
  const now = options.now ?? nowSeconds();
  if (!Number.isSafeInteger(now) || now < 0) throw configError('"now" must be whole seconds since the epoch');
  const disclose = options.disclose ?? 'band';
  if (disclose !== 'band' && disclose !== 'full') throw configError('"disclose" must be "band" or "full"');
  const context = options.context;
  if (context !== undefined && context !== null && typeof context !== 'object') {
    throw new EdgescoreError('ERR_CONTEXT_INVALID', 'the order context must be an object');
  }
  return [
    now,
    optionalText(options.nonce, 'nonce'),
    context === undefined || context === null ? undefined : JSON.stringify(context),
    disclose === 'full',
  ];
}

function requestText(request) {
  if (request === null || typeof request !== 'object') throw configError('the presentation request must be an object');
  return JSON.stringify(request);
}

/** The names a holder's snapshot (an SD-JWT as issued) can disclose. */
export function disclosableNames(snapshot) {
  text(snapshot, 'snapshot');
  return fromEnvelope(guarded(() => bindingsDisclosableNames(snapshot)));
}

/**
 * What a holder would show for a verifier's presentation request: `{ aud, features, model }`,
 * `features` being the names that will be disclosed (the request's entry whose every feature
 * the snapshot can disclose; otherwise the request's own, and the verifier will refuse what
 * is missing). For showing the person what goes to whom before they agree.
 */
export function disclosuresFor(snapshot, request) {
  text(snapshot, 'snapshot');
  const body = requestText(request);
  return fromEnvelope(guarded(() => bindingsDisclosuresFor(snapshot, body)));
}

/** A fresh random nonce: 16 bytes from Web Crypto, base64url. */
export function newNonce() {
  return guarded(() => bindingsNewNonce());
}

/**
 * A holder key pair kept by a wallet. `Holder.generate()` makes one on the device;
 * `toPrivateJwk()` / `Holder.fromPrivateJwk(jwk)` let the wallet keep it.
 */
export class Holder {
  #privateJwk;
  #bindings;
  #instance;

  constructor(privateJwkText) {
    this.#privateJwk = privateJwkText;
    this.#bindings = this.#build();
  }

  #build() {
    this.#instance = instance;
    try {
      return WasmHolder.fromPrivateJwk(this.#privateJwk);
    } catch (error) {
      rethrow(error);
    }
  }

  #live() {
    if (this.#instance !== instance) this.#bindings = this.#build();
    return this.#bindings;
  }

  /** A new key pair from Web Crypto randomness. */
  static generate() {
    const privateJwk = guarded(() => {
      const fresh = WasmHolder.generate();
      try {
        return fresh.toPrivateJwk();
      } finally {
        fresh.free();
      }
    });
    return guarded(() => new Holder(privateJwk));
  }

  /** A holder from a private JWK (object or JSON text). */
  static fromPrivateJwk(jwk) {
    const privateJwk = typeof jwk === 'string' ? jwk : JSON.stringify(jwk);
    return guarded(() => new Holder(privateJwk));
  }

  /** The public JWK, as an issuer puts it in the snapshot's `cnf`. */
  publicJwk() {
    return JSON.parse(guarded(() => this.#live().publicJwk()));
  }

  /** The private JWK, for the wallet to keep. */
  toPrivateJwk() {
    return JSON.parse(guarded(() => this.#live().toPrivateJwk()));
  }

  /**
   * A presentation of `snapshot` (the SD-JWT as issued) for a verifier's presentation request
   * (`{ nonce, aud, expires_at, features, model, alternatives? }`, as `GET /nonce` answers): the
   * disclosures of exactly the features it asks for (see `disclosuresFor`) and a key-binding
   * JWT for its nonce and audience. Returns the presentation string. Options: `now`.
   */
  present(snapshot, request, { now } = {}) {
    text(snapshot, 'snapshot');
    const body = requestText(request);
    const at = now ?? nowSeconds();
    return fromEnvelope(guarded(() => this.#live().present(snapshot, body, at))).presentation;
  }

  /**
   * A presentation that discloses every feature, for a `nonce` and an audience `aud`: the
   * holder's own view (a wallet scoring for itself). Options: `now`.
   */
  presentAll(snapshot, { nonce, aud, now } = {}) {
    text(snapshot, 'snapshot');
    text(nonce, 'nonce');
    text(aud, 'aud');
    const at = now ?? nowSeconds();
    return fromEnvelope(guarded(() => this.#live().presentAll(snapshot, nonce, aud, at)));
  }
}

/** For tests only: makes the module trap, to prove recovery. */
export const __testing = Object.freeze({
  trap: () => guarded(() => bindingsTrap()),
  instance: () => instance,
});
