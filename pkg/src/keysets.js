// Key sets, as jose has them (a bureau's for a Scorer, a merchant's for verifying receipts): a
// local one from a JWKS, and a remote one fetched from a URL, cached, refreshed when a token
// names a key it does not hold (after a cooldown).
//
// A key set keeps the keys edgescore can use (public OKP/Ed25519 keys for signing, with a
// `kid`, that the core accepts) and lists the others in `skipped` with the reason, where the
// core alone would refuse the whole set.

import { checkIssuerKey } from '../wasm/edgescore_core.js';
import { EdgescoreError } from './errors.js';
import { guarded } from './module.js';

/** How a Scorer reads a key set: `[KEY_SET]` on every key set object (not part of the API). */
export const KEY_SET = Symbol('edgescore key set');

const MAX_REMOTE_BYTES = 512 * 1024;

/**
 * A response body's bytes, read chunk by chunk and given up (`null`, the rest cancelled) as soon
 * as they pass `maxBytes`: a body without a length, or one longer than it says, is never held
 * whole.
 */
async function readAtMost(response, maxBytes) {
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
const SIGNING_ALGS = new Set(['EdDSA', 'Ed25519']);

/** Why a key cannot be used, or null when only the core's checks remain. */
function shapeProblem(key) {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return 'not a JWK object';
  if (key.kty !== 'OKP') return `key type "${key.kty}" is not OKP (edgescore verifies Ed25519 only)`;
  if (key.crv !== 'Ed25519') return `curve "${key.crv}" is not Ed25519`;
  if ('d' in key) return 'carries the private member "d" (a published key set must not)';
  if (key.use !== undefined && key.use !== 'sig') return `"use" is "${key.use}", not "sig"`;
  if (key.alg !== undefined && !SIGNING_ALGS.has(key.alg)) return `"alg" is "${key.alg}", not EdDSA or Ed25519`;
  if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.includes('verify'))) {
    return '"key_ops" does not allow "verify"';
  }
  if (typeof key.kid !== 'string' || key.kid === '') return 'has no "kid" (snapshots name their issuer key by kid)';
  return null;
}

/**
 * Reads a JWKS (object or JSON text): `{ keys, skipped }`, `keys` the usable ones as public
 * JWKs (`kty`, `crv`, `x`, `kid`, and `alg`/`use` when given). `ERR_KEY_INVALID` when none is
 * usable, `ERR_MALFORMED` when it is not a JWKS at all.
 */
export function readKeySet(jwks) {
  let set = jwks;
  if (typeof set === 'string') {
    try {
      set = JSON.parse(set);
    } catch {
      throw new EdgescoreError('ERR_MALFORMED', 'the JWKS is not JSON');
    }
  }
  if (set === null || typeof set !== 'object' || !Array.isArray(set.keys)) {
    throw new EdgescoreError('ERR_MALFORMED', 'a JWKS is an object with a "keys" array');
  }
  if (set.keys.length === 0) throw new EdgescoreError('ERR_KEY_INVALID', 'the JWKS has no keys');
  const skipped = [];
  const candidates = [];
  set.keys.forEach((key, index) => {
    const describe = (reason) => ({
      index,
      ...(typeof key?.kid === 'string' ? { kid: key.kid } : {}),
      ...(typeof key?.kty === 'string' ? { kty: key.kty } : {}),
      reason,
    });
    const problem = shapeProblem(key);
    if (problem !== null) {
      skipped.push(describe(problem));
      return;
    }
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: key.x, kid: key.kid };
    if (key.alg !== undefined) jwk.alg = key.alg;
    if (key.use !== undefined) jwk.use = key.use;
    const checked = JSON.parse(guarded(() => checkIssuerKey(JSON.stringify(jwk))));
    if (!checked.ok) {
      skipped.push(describe(checked.error.message));
      return;
    }
    candidates.push({ index, jwk, describe });
  });
  // Two keys with one kid: a token naming it could mean either, so neither is used.
  const keys = [];
  for (const candidate of candidates) {
    if (candidates.filter((other) => other.jwk.kid === candidate.jwk.kid).length > 1) {
      skipped.push(candidate.describe('another key in the set has the same "kid"'));
    } else {
      keys.push(candidate.jwk);
    }
  }
  skipped.sort((a, b) => a.index - b.index);
  if (keys.length === 0) {
    const why = skipped.map((entry) => `key ${entry.index}${entry.kid ? ` ("${entry.kid}")` : ''}: ${entry.reason}`).join('; ');
    throw new EdgescoreError('ERR_KEY_INVALID', `the JWKS has no key edgescore can use (${why})`);
  }
  return { keys: Object.freeze(keys.map(Object.freeze)), skipped: Object.freeze(skipped.map(Object.freeze)) };
}

const asJwks = (keys) => ({ keys: keys.map((key) => ({ ...key })) });

class LocalKeySet {
  #keys;
  #skipped;
  #text;

  constructor({ keys, skipped }) {
    this.#keys = keys;
    this.#skipped = skipped;
    this.#text = JSON.stringify(asJwks(keys));
    const current = { text: this.#text, version: 0 };
    Object.defineProperty(this, KEY_SET, {
      value: Object.freeze({
        current: () => current,
        fresh: async () => {},
        afterMiss: async () => false,
      }),
    });
  }

  /** The keys in use. */
  get keys() {
    return this.#keys;
  }

  /** The keys left out, each with `index`, `kid`, `kty` (when it had them) and `reason`. */
  get skipped() {
    return this.#skipped;
  }

  /** The keys in use as a JWKS. */
  jwks() {
    return asJwks(this.#keys);
  }
}

/**
 * A key set from a JWKS (an object, such as jose's `JSONWebKeySet`, or JSON text). Keys
 * edgescore cannot use (another type or curve, another `use` or `alg`, no `kid`, a private
 * member, a weak or malformed Ed25519 point, a `kid` used twice) are left out and listed in
 * `skipped`; `ERR_KEY_INVALID` when none is left.
 */
export function createLocalKeySet(jwks) {
  return new LocalKeySet(readKeySet(jwks));
}

function milliseconds(value, fallback, what) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new EdgescoreError('ERR_CONFIG_INVALID', `"${what}" must be milliseconds (a number, not negative; Infinity allowed)`);
  }
  return value;
}

const REMOTE_OPTIONS = ['cacheMaxAge', 'cooldownDuration', 'timeoutDuration', 'headers', 'fetch'];
const REMOTE_SYNONYMS = {
  cooldown: 'cooldownDuration (milliseconds, as jose names it)',
  timeout: 'timeoutDuration (milliseconds, as jose names it)',
  cacheMaxAgeSeconds: 'cacheMaxAge (milliseconds, as jose names it)',
};

class RemoteKeySet {
  #url;
  #cacheMaxAge;
  #cooldown;
  #timeout;
  #headers;
  #fetch;
  #loaded;
  #version = 0;
  #fetchedAt = -Infinity;
  #attemptedAt = -Infinity;
  #pending;
  #lastError;

  constructor(url, options) {
    this.#url = url;
    this.#cacheMaxAge = milliseconds(options.cacheMaxAge, 600_000, 'cacheMaxAge');
    this.#cooldown = milliseconds(options.cooldownDuration, 30_000, 'cooldownDuration');
    this.#timeout = milliseconds(options.timeoutDuration, 5_000, 'timeoutDuration');
    this.#headers = options.headers;
    this.#fetch = options.fetch ?? ((...args) => fetch(...args));
    Object.defineProperty(this, KEY_SET, {
      value: Object.freeze({
        current: () => this.#loaded && { text: this.#loaded.text, version: this.#version },
        fresh: () => this.#ensureFresh(),
        afterMiss: () => this.#afterMiss(),
      }),
    });
  }

  /** The URL the set is fetched from. */
  get url() {
    return this.#url;
  }

  /** Whether keys are held and younger than `cacheMaxAge`. */
  get fresh() {
    return this.#loaded !== undefined && Date.now() < this.#fetchedAt + this.#cacheMaxAge;
  }

  /** Whether the last fetch (or attempt) was less than `cooldownDuration` ago. */
  get coolingDown() {
    return Date.now() < this.#attemptedAt + this.#cooldown;
  }

  /** Whether a fetch is under way. */
  get reloading() {
    return this.#pending !== undefined;
  }

  /** The keys in use (none before the first fetch). */
  get keys() {
    return this.#loaded?.keys ?? Object.freeze([]);
  }

  /** The keys of the last fetch left out, with the reason each was. */
  get skipped() {
    return this.#loaded?.skipped ?? Object.freeze([]);
  }

  /** Why the last fetch failed, when it did (the keys held before it stay in use). */
  get lastError() {
    return this.#lastError;
  }

  /** The keys in use as a JWKS, or undefined before the first fetch. */
  jwks() {
    return this.#loaded && asJwks(this.#loaded.keys);
  }

  /** Fetches the set now (concurrent calls share one fetch); rejects when the fetch fails. */
  reload() {
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #load() {
    this.#attemptedAt = Date.now();
    try {
      const body = await this.#fetchText();
      let read;
      try {
        read = readKeySet(body);
      } catch (error) {
        throw new EdgescoreError('ERR_KEY_SET_UNAVAILABLE', `the key set at ${this.#url} is not usable: ${error.message}`, { cause: error });
      }
      const text = JSON.stringify(asJwks(read.keys));
      if (text !== this.#loaded?.text) this.#version += 1;
      this.#loaded = { ...read, text };
      this.#fetchedAt = Date.now();
      this.#lastError = undefined;
    } catch (error) {
      this.#lastError = error;
      throw error;
    }
  }

  async #fetchText() {
    const unavailable = (why, cause) =>
      new EdgescoreError('ERR_KEY_SET_UNAVAILABLE', `the key set at ${this.#url} could not be fetched: ${why}`, { cause });
    let response;
    try {
      response = await this.#fetch(this.#url, {
        headers: this.#headers,
        redirect: 'manual',
        ...(Number.isFinite(this.#timeout) ? { signal: AbortSignal.timeout(this.#timeout) } : {}),
      });
    } catch (error) {
      throw unavailable(error?.name === 'TimeoutError' ? `no answer within ${this.#timeout} ms` : String(error?.message ?? error), error);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(`status ${response.status}`);
    }
    const length = Number(response.headers.get('content-length'));
    if (length > MAX_REMOTE_BYTES) {
      await response.body?.cancel();
      throw unavailable(`larger than ${MAX_REMOTE_BYTES} bytes`);
    }
    const bytes = await readAtMost(response, MAX_REMOTE_BYTES);
    if (bytes === null) throw unavailable(`larger than ${MAX_REMOTE_BYTES} bytes`);
    return new TextDecoder().decode(bytes);
  }

  /** Keys to use now: fetched when none are held, refetched when stale (the old ones kept if that fails). */
  async #ensureFresh() {
    if (this.#loaded === undefined) {
      await this.reload();
    } else if (!this.fresh && !this.coolingDown) {
      await this.reload().catch(() => {});
    }
  }

  /** After a token named a kid not held: refetch unless cooling down; whether the keys changed. */
  async #afterMiss() {
    if (this.coolingDown) return false;
    const before = this.#version;
    try {
      await this.reload();
    } catch {
      return false;
    }
    return this.#version !== before;
  }
}

/**
 * A key set fetched from `url` (a JWKS), as jose's `createRemoteJWKSet`: held for
 * `cacheMaxAge` milliseconds (default 10 minutes), fetched again when a token names a `kid` it
 * does not hold unless the last fetch was less than `cooldownDuration` ago (default 30 s), each
 * fetch given `timeoutDuration` (default 5 s). `headers` go with each request; `fetch`
 * replaces the global one (a Workers service binding's, for example).
 */
export function createRemoteKeySet(url, options = {}) {
  if (!(typeof url === 'string' || url instanceof URL)) {
    throw new EdgescoreError('ERR_CONFIG_INVALID', 'createRemoteKeySet takes the URL of a JWKS');
  }
  let href;
  try {
    href = new URL(url).href;
  } catch {
    throw new EdgescoreError('ERR_CONFIG_INVALID', `createRemoteKeySet: "${url}" is not a URL`);
  }
  if (options === null || typeof options !== 'object') {
    throw new EdgescoreError('ERR_CONFIG_INVALID', 'createRemoteKeySet options must be an object');
  }
  for (const name of Object.keys(options)) {
    if (REMOTE_OPTIONS.includes(name)) continue;
    const instead = REMOTE_SYNONYMS[name];
    throw new EdgescoreError('ERR_CONFIG_INVALID', `unknown key set option "${name}"${instead ? `: use ${instead}` : ''} (options: ${REMOTE_OPTIONS.join(', ')})`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new EdgescoreError('ERR_CONFIG_INVALID', '"fetch" must be a function');
  }
  return new RemoteKeySet(href, options);
}

/**
 * The key set behind a `jwks` option (the Scorer's) or `keys` (verifyReceipt's): a key set
 * object as is, a JWKS made local. `whose` says whose keys they are, for the message when none
 * is given.
 */
export function keySetOf(value, what, whose = 'the issuer\'s') {
  if (value !== null && typeof value === 'object' && value[KEY_SET] !== undefined) return value;
  if (value === undefined || value === null) {
    throw new EdgescoreError('ERR_CONFIG_INVALID', `"${what}" (${whose} public keys: a JWKS or a key set) is required`);
  }
  if (typeof value === 'function') {
    throw new EdgescoreError('ERR_CONFIG_INVALID', `"${what}" is a function (jose's createLocalJWKSet and createRemoteJWKSet give one): use edgescore's createLocalKeySet(jwks) or createRemoteKeySet(url)`);
  }
  if (typeof value !== 'string' && typeof value !== 'object') {
    throw new EdgescoreError('ERR_CONFIG_INVALID', `"${what}" must be a JWKS (object or JSON text) or a key set`);
  }
  return createLocalKeySet(value);
}

/** Fresh keys in each of `keySets` (a remote one fetched when it holds none or they are stale). */
export async function freshKeys(keySets) {
  for (const keySet of keySets) await keySet[KEY_SET].fresh();
}

/**
 * Runs `call` with fresh keys in `keySets`, and once more when it failed on a `kid` the first
 * set did not hold and fetching that set again (unless it is cooling down) changed it.
 */
export async function withFreshKeys(keySets, call) {
  await freshKeys(keySets);
  try {
    return call();
  } catch (error) {
    const unknownKid = error instanceof EdgescoreError && error.code === 'ERR_UNKNOWN_KID';
    if (unknownKid && (await keySets[0][KEY_SET].afterMiss())) return call();
    throw error;
  }
}
