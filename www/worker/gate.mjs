// The deposit-free rentals edge worker: GET /nonce (a presentation request) and
// POST /rentals/gate (a presentation in, a decision and its receipt out), as a fleet runs it:
// nonces in Durable Objects (nonces.mjs), per-client limits (limits.mjs), the issuer's key set
// and status list fetched and cached (remote.mjs), every answer JSON with the same headers
// (http.mjs).
//
// Configuration comes from the worker's bindings (www/workerd.capnp, www/wrangler.jsonc;
// docs/demo-site.md lists them with their defaults). Its one way out is the BUREAU service binding
// when there is one (the global fetch otherwise), used for nothing but the issuer's key set and
// status list.
import { EdgescoreError, initSync, newNonce, Scorer } from '../../pkg/dist/edgescore.workerd.js';
import { catalogItem, createRentalVerifier, orderContext } from '../shared/rentals.mjs';
import { Cors, drain, HttpError, json, parseJson, readJsonBody, refusal } from './http.mjs';
import { clientOf, TokenBuckets } from './limits.mjs';
import { Nonces } from './nonces.mjs';
import { maxAge, RemoteDocument } from './remote.mjs';

export { NonceShard } from './nonces.mjs';

initSync();

/** The largest request body accepted, checked before parsing. */
const MAX_BODY_BYTES = 16 * 1024;
/** What is read and thrown away of a body the gate refuses, so the client can read the answer. */
const DRAIN = { maxBytes: 4 * 1024 * 1024, maxMs: 5000 };
const MAX_JWKS_BYTES = 32 * 1024;
const MAX_STATUS_LIST_BYTES = 1024 * 1024;

const BODY_MEMBERS = ['presentation', 'nonce', 'order'];
const ORDER_MEMBERS = ['item', 'reference'];
/** A decision id or order reference: what a receipt accepts (src/receipt.rs). */
const RECEIPT_ID = /^[\x21-\x7e]{1,128}$/;

// Verification failures: 401 when the presentation proves nothing (bad token, signature,
// disclosures, holder binding, clock), 403 when it is genuine but not acceptable here
// (revoked, a feature withheld, another merchant's), 503 when the status cannot be checked and
// the policy refuses then.
const FORBIDDEN = new Set([
  'ERR_AUDIENCE', 'ERR_ISSUER', 'ERR_SCHEMA_MISMATCH', 'ERR_FEATURE_INVALID', 'ERR_FEATURE_NOT_DISCLOSED',
  'ERR_REVOKED', 'ERR_SUSPENDED', 'ERR_STATUS_INVALID',
]);
const UNAUTHORIZED = new Set([
  'ERR_MALFORMED', 'ERR_TOO_LARGE', 'ERR_ALG_NOT_ALLOWED', 'ERR_HEADER_NOT_ALLOWED', 'ERR_WRONG_TYPE',
  'ERR_UNKNOWN_KID', 'ERR_KEY_INVALID', 'ERR_SIGNATURE_INVALID', 'ERR_EXPIRED', 'ERR_NOT_YET_VALID',
  'ERR_TOO_OLD', 'ERR_CLAIM_INVALID', 'ERR_HOLDER_BINDING', 'ERR_NONCE_MISMATCH', 'ERR_DISCLOSURE_INVALID',
]);

const NONCE_REFUSALS = {
  unknown: ['ERR_NONCE_UNKNOWN', 'this nonce was not issued here (or is long gone): get a fresh one from /nonce'],
  expired: ['ERR_NONCE_EXPIRED', 'this nonce has expired: get a fresh one from /nonce'],
  reused: ['ERR_NONCE_REUSED', 'this nonce was already used: a nonce is good for one request'],
};

const ROUTES = { '/nonce': 'GET', '/rentals/gate': 'POST' };

/** A binding's value, `undefined` when not set (a `fromEnvironment` binding may be null or empty). */
function setting(env, name) {
  const value = env[name];
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** A whole number setting within bounds, or its default. */
function wholeNumber(env, name, fallback, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const value = setting(env, name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return number;
}

/** A list setting: a JSON array of strings, or names separated by commas or spaces. */
function list(env, name) {
  const value = setting(env, name);
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[')) return JSON.parse(text).map(String);
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

const text = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Everything the gate needs, read and checked once from its bindings. */
class Gate {
  constructor(env) {
    this.audience = setting(env, 'AUDIENCE');
    if (this.audience === undefined) throw new Error('AUDIENCE is required');
    this.catalog = env.CATALOG;
    this.models = [env.CONSUMER_MODEL.trim(), env.SELLER_MODEL.trim()];
    this.policy = env.POLICY;
    // The deployed key set verifies the models (deployed with the worker) and, without
    // JWKS_URL, the snapshots too.
    this.bundledJwks = text(env.JWKS);
    this.receiptKey = setting(env, 'RECEIPT_KEY');
    this.nonceLimits = {
      ttlSeconds: wholeNumber(env, 'NONCE_TTL_SECONDS', 120, { min: 1, max: 3600 }),
      graceSeconds: wholeNumber(env, 'NONCE_GRACE_SECONDS', 60, { max: 86_400 }),
      quota: wholeNumber(env, 'NONCE_QUOTA', 16, { min: 1, max: 10_000 }),
    };
    const shards = wholeNumber(env, 'NONCE_SHARDS', 16, { min: 1, max: 64 });
    this.nonceLimits.capacity = Math.ceil(wholeNumber(env, 'NONCE_CAPACITY', 250_000, { min: 1 }) / shards);
    if (env.NONCES === undefined) throw new Error('NONCES (the NonceShard Durable Object namespace) is required');
    this.nonces = new Nonces({ namespace: env.NONCES, shards });
    this.clientHeader = setting(env, 'CLIENT_ADDRESS_HEADER') ?? 'CF-Connecting-IP';
    this.bodyTimeoutSeconds = wholeNumber(env, 'BODY_TIMEOUT_SECONDS', 10, { min: 1, max: 60 });
    this.buckets = {
      '/nonce': new TokenBuckets({
        ratePerMinute: wholeNumber(env, 'NONCE_RATE_PER_MINUTE', 60, { min: 1 }),
        burst: wholeNumber(env, 'NONCE_BURST', 20, { min: 1 }),
      }),
      '/rentals/gate': new TokenBuckets({
        ratePerMinute: wholeNumber(env, 'GATE_RATE_PER_MINUTE', 60, { min: 1 }),
        burst: wholeNumber(env, 'GATE_BURST', 20, { min: 1 }),
      }),
    };
    this.cors = new Cors(list(env, 'CORS_ORIGINS'));
    const outbound = env.BUREAU ?? { fetch: (url, init) => fetch(url, init) };
    const fetchFrom = (url, init) => outbound.fetch(url, init);

    // Read here with every other setting, so a bad one stops the gate before its first fetch.
    this.jwksCacheSeconds = wholeNumber(env, 'JWKS_CACHE_SECONDS', 300);
    this.statusListMaxCacheSeconds = wholeNumber(env, 'STATUS_LIST_MAX_CACHE_SECONDS', 300);
    const jwksMaxStaleSeconds = wholeNumber(env, 'JWKS_MAX_STALE_SECONDS', 86_400);

    const jwksUrl = setting(env, 'JWKS_URL');
    this.jwksText = jwksUrl === undefined ? this.bundledJwks : undefined;
    this.keys = jwksUrl === undefined ? null : new RemoteDocument({
      name: 'issuer key set',
      url: jwksUrl,
      fetchFrom,
      accept: (fetched, now, response) => this.#acceptKeys(fetched, response),
      maxBytes: MAX_JWKS_BYTES,
      revalidateSeconds: jwksMaxStaleSeconds,
      maxStaleSeconds: jwksMaxStaleSeconds,
      cooldownSeconds: wholeNumber(env, 'JWKS_COOLDOWN_SECONDS', 30),
    });
    const statusListUrl = setting(env, 'STATUS_LIST_URL');
    this.statusToken = undefined;
    this.statusList = statusListUrl === undefined ? null : new RemoteDocument({
      name: 'status list',
      url: statusListUrl,
      fetchFrom,
      accept: (token, now) => this.#acceptStatusList(token, now),
      maxBytes: MAX_STATUS_LIST_BYTES,
      revalidateSeconds: wholeNumber(env, 'STATUS_LIST_REVALIDATE_SECONDS', 60),
      // Whether an old list still counts is the policy's call (status.max_age_seconds).
      maxStaleSeconds: Infinity,
      cooldownSeconds: wholeNumber(env, 'STATUS_LIST_RETRY_SECONDS', 5),
    });
    this.verifier = this.jwksText === undefined ? null : this.#buildVerifier(this.jwksText);
  }

  #buildVerifier(jwks) {
    const verifier = createRentalVerifier({
      Scorer,
      jwks,
      modelJwks: this.bundledJwks,
      models: this.models,
      policy: this.policy,
      audience: this.audience,
      receiptKey: this.receiptKey,
    });
    // The status list held goes on to the new verifier (verified again with the new keys).
    if (this.statusToken !== undefined) {
      try {
        verifier.addStatusList(this.statusToken, Math.floor(Date.now() / 1000));
      } catch (error) {
        console.warn(`status list: not held with the new key set: ${error.code ?? error.message}`);
      }
    }
    return verifier;
  }

  /** A fetched key set: a new verifier when it differs from the one in use. */
  #acceptKeys(fetched, response) {
    const cacheSeconds = this.jwksCacheSeconds;
    const freshSeconds = Math.min(maxAge(response) ?? cacheSeconds, cacheSeconds);
    const canonical = JSON.stringify(JSON.parse(fetched));
    if (canonical === this.jwksText) return { freshSeconds, changed: false };
    this.verifier = this.#buildVerifier(canonical); // throws on a key set the core refuses: the old one stays
    this.jwksText = canonical;
    return { freshSeconds, changed: true };
  }

  /** A fetched status list token, held by the verifier; signed by a key not held yet: refresh the keys once. */
  async #acceptStatusList(token, now) {
    const hold = () => this.verifier.addStatusList(token, Math.floor(now / 1000));
    let info;
    try {
      if (this.verifier === null) throw new Error('no issuer key set held yet');
      info = hold();
    } catch (error) {
      if (error.code !== 'ERR_UNKNOWN_KID' || this.keys === null || !(await this.keys.refreshNow())) throw error;
      info = hold();
    }
    this.statusToken = token;
    const maxCache = this.statusListMaxCacheSeconds;
    return { freshSeconds: Math.min(info.ttl ?? maxCache, maxCache), changed: true };
  }

  /** Refuses a client over its token bucket for `route`. */
  limit(route, client) {
    const retryAfter = this.buckets[route].take(client);
    if (retryAfter > 0) {
      throw new HttpError(429, 'ERR_RATE_LIMITED', `too many requests from this client: retry in ${retryAfter} s`, {
        'Retry-After': String(retryAfter),
      });
    }
  }

  /** A usable issuer key set (fetched when due), or 503. */
  async keysReady(ctx) {
    if (this.keys === null) return;
    if (!(await this.keys.ready((promise) => ctx.waitUntil(promise))) || this.verifier === null) {
      throw new HttpError(503, 'ERR_KEYS_UNAVAILABLE', 'the issuer\'s key set cannot be fetched: try again shortly', { 'Retry-After': '30' });
    }
  }
}

let gate;

/** A presentation request: a fresh nonce for this client, the audience, and the features the models read. */
async function issueNonce(request, current, client, ctx) {
  await current.keysReady(ctx);
  let outcome;
  try {
    outcome = await current.nonces.issue(client, newNonce(), current.nonceLimits);
  } catch (error) {
    console.error('nonce store:', error);
    throw new HttpError(503, 'ERR_BUSY', 'the nonce store did not answer: try again shortly', { 'Retry-After': '1' });
  }
  if (!outcome.ok && outcome.reason === 'quota') {
    throw new HttpError(429, 'ERR_TOO_MANY_NONCES', `this client holds ${current.nonceLimits.quota} unused nonces: use one, or retry in ${outcome.retryAfter} s`, {
      'Retry-After': String(outcome.retryAfter),
    });
  }
  if (!outcome.ok) {
    throw new HttpError(503, 'ERR_BUSY', 'too many outstanding nonces: try again shortly', { 'Retry-After': String(outcome.retryAfter) });
  }
  return json(200, current.verifier.request(outcome.nonce, Math.floor(outcome.expiresAt / 1000)));
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function malformed(message) {
  return new HttpError(400, 'ERR_MALFORMED', message);
}

/** `{ presentation, nonce, order: { item, reference? } }`, strings where strings belong, each member once, nothing else. */
function parseGateBody(bodyText, catalog) {
  const body = parseJson(bodyText);
  if (!isObject(body)) throw malformed('the body must be a JSON object');
  const extra = Object.keys(body).find((name) => !BODY_MEMBERS.includes(name));
  if (extra !== undefined) throw malformed(`unknown member "${extra.slice(0, 40)}"`);
  for (const name of ['presentation', 'nonce']) {
    if (typeof body[name] !== 'string' || body[name].length === 0) throw malformed(`"${name}" must be a non-empty string`);
  }
  if (!isObject(body.order)) throw malformed('"order" must be an object: {"item": "…", "reference": "…"}');
  const orderExtra = Object.keys(body.order).find((name) => !ORDER_MEMBERS.includes(name));
  if (orderExtra !== undefined) throw malformed(`unknown order member "${orderExtra.slice(0, 40)}"`);
  if (typeof body.order.item !== 'string') throw malformed('"order.item" must be a string');
  const reference = body.order.reference;
  if (reference !== undefined && (typeof reference !== 'string' || !RECEIPT_ID.test(reference))) {
    throw malformed('"order.reference" must be 1 to 128 visible ASCII characters (no spaces)');
  }
  const item = catalogItem(catalog, body.order.item);
  if (item === undefined) throw new HttpError(400, 'ERR_CONTEXT_INVALID', 'no such item in the catalog');
  return { presentation: body.presentation, nonce: body.nonce, item, reference };
}

function verificationRefusal(error, audience) {
  if (UNAUTHORIZED.has(error.code)) {
    return new HttpError(401, error.code, error.message, { 'WWW-Authenticate': `KB-JWT realm="${audience}"` });
  }
  if (FORBIDDEN.has(error.code)) return new HttpError(403, error.code, error.message);
  if (error.code === 'ERR_STATUS_UNAVAILABLE') return new HttpError(503, error.code, error.message, { 'Retry-After': '30' });
  return new HttpError(500, error.code, error.message);
}

async function decide(current, body, context) {
  const decisionId = crypto.randomUUID();
  const receipt = current.receiptKey === undefined ? undefined : { id: decisionId, ...(body.reference === undefined ? {} : { order: body.reference }) };
  const options = { nonce: body.nonce, context, receipt };
  try {
    return { decisionId, result: current.verifier.decide(body.presentation, options) };
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
    // A key the gate has not seen (the bureau rotated): fetch the key set once (not more often
    // than its cooldown) and try again.
    if (error.code === 'ERR_UNKNOWN_KID' && current.keys !== null && (await current.keys.refreshNow())) {
      try {
        return { decisionId, result: current.verifier.decide(body.presentation, options) };
      } catch (again) {
        if (!(again instanceof EdgescoreError)) throw again;
        throw verificationRefusal(again, current.audience);
      }
    }
    throw verificationRefusal(error, current.audience);
  }
}

async function gateDecision(request, current, ctx) {
  const body = parseGateBody(await readJsonBody(request, {
    maxBytes: MAX_BODY_BYTES, drainBytes: DRAIN.maxBytes, drainMs: DRAIN.maxMs, readMs: current.bodyTimeoutSeconds * 1000,
  }), current.catalog);
  await current.keysReady(ctx);
  // The nonce is used up here, before verification: a refused presentation cannot be retried
  // with the same nonce. A malformed body (above) leaves it alone.
  let outcome;
  try {
    outcome = await current.nonces.consume(body.nonce);
  } catch (error) {
    console.error('nonce store:', error);
    throw new HttpError(503, 'ERR_BUSY', 'the nonce store did not answer: try again shortly', { 'Retry-After': '1' });
  }
  if (outcome !== 'ok') throw new HttpError(409, ...NONCE_REFUSALS[outcome]);
  const context = orderContext(current.catalog, body.item);
  if (current.statusList !== null) await current.statusList.ready((promise) => ctx.waitUntil(promise));
  const { decisionId, result } = await decide(current, body, context);
  // Band-only disclosure: no score, no sub-scores, no reasons, no features.
  const { band, decision, rule, deposit, deposit_percent: depositPercent, status, model, receipt } = result;
  return json(200, {
    decision,
    band,
    rule,
    deposit,
    ...(depositPercent === undefined ? {} : { deposit_percent: depositPercent }),
    ...(status === undefined ? {} : { status }),
    full_deposit: context.deposit,
    currency: context.currency,
    item: context.item,
    model,
    decision_id: decisionId,
    ...(body.reference === undefined ? {} : { order_reference: body.reference }),
    ...(receipt === undefined ? {} : { receipt }),
  });
}

async function route(request, current, ctx) {
  const { pathname } = new URL(request.url);
  const allow = ROUTES[pathname];
  if (allow === undefined) throw new HttpError(404, 'ERR_NOT_FOUND', 'no such route');
  const cors = current.cors.headersFor(request);
  try {
    if (request.method === 'OPTIONS' && request.headers.has('Access-Control-Request-Method')) return current.cors.preflight(request, allow);
    if (request.method !== allow) throw new HttpError(405, 'ERR_METHOD', `use ${allow}`, { Allow: allow });
    const client = clientOf(request, current.clientHeader);
    current.limit(pathname, client);
    const answer = pathname === '/nonce' ? await issueNonce(request, current, client, ctx) : await gateDecision(request, current, ctx);
    for (const [name, value] of Object.entries(cors)) answer.headers.set(name, value);
    return answer;
  } catch (error) {
    if (error instanceof HttpError) error.headers = { ...cors, ...error.headers };
    throw error;
  }
}

export default {
  async fetch(request, env, ctx) {
    let answer;
    try {
      gate ??= new Gate(env);
      answer = await route(request, gate, ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) console.error('gate: unexpected error', error);
      answer = error instanceof HttpError
        ? refusal(error)
        : refusal({ status: 500, code: 'ERR_INTERNAL', message: 'internal error' });
    }
    // Whatever of the body was not read is read and dropped (bounded), so the client can read
    // the answer rather than a reset connection.
    await drain(request, DRAIN);
    return answer;
  },
};
