// The deposit-free rentals edge worker: GET /nonce (a presentation request) and
// POST /rentals/gate (a presentation in, a decision out).
//
// Configuration comes from the worker's bindings (see www/workerd.capnp): the issuer's JWKS,
// the signed models, the merchant policy, the merchant's audience, the catalog, the nonce
// lifetime and where the bureau publishes its status list. Its one way out is the BUREAU
// service binding, used for nothing but fetching that status list (its globalOutbound
// refuses everything else).
import { EdgescoreError, initSync, newNonce, Scorer } from '../../pkg/dist/edgescore.workerd.js';
import { catalogItem, createRentalVerifier, orderContext } from '../shared/rentals.mjs';
import { NonceStore } from './nonces.mjs';
import { readCapped, StatusListCache } from './status.mjs';

initSync();

/** The largest request body accepted, checked before parsing (named exports of a worker must be handlers). */
const MAX_BODY_BYTES = 16 * 1024;

const BODY_MEMBERS = ['presentation', 'nonce', 'order'];

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

class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

let state;

function configure(env) {
  const audience = env.AUDIENCE;
  const ttlSeconds = Number(env.NONCE_TTL_SECONDS ?? 120);
  const verifier = createRentalVerifier({
    Scorer,
    jwks: env.JWKS,
    models: [env.CONSUMER_MODEL.trim(), env.SELLER_MODEL.trim()],
    policy: env.POLICY,
    audience,
  });
  return {
    audience,
    catalog: env.CATALOG,
    nonces: new NonceStore({ ttlSeconds }),
    verifier,
    statusList: new StatusListCache({
      url: env.STATUS_LIST_URL,
      fetchList: (url, init) => env.BUREAU.fetch(url, init),
      hold: (token, now) => verifier.addStatusList(token, now),
      maxCacheSeconds: Number(env.STATUS_LIST_MAX_CACHE_SECONDS ?? 300),
      retrySeconds: Number(env.STATUS_LIST_RETRY_SECONDS ?? 5),
    }),
  };
}

function json(status, body, headers = {}) {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

function refusal(status, code, message, headers) {
  return json(status, { error: { code, message } }, headers);
}

/** A presentation request: a fresh nonce, the audience, and the features the models read. */
function issueNonce({ nonces, verifier }) {
  const nonce = newNonce();
  const expiresAt = nonces.add(nonce);
  if (expiresAt === null) {
    return refusal(503, 'ERR_BUSY', 'too many outstanding nonces: try again shortly', { 'Retry-After': '1' });
  }
  return json(200, verifier.request(nonce, Math.floor(expiresAt / 1000)));
}

/** The body as text, refused past MAX_BODY_BYTES (declared or actually read) or when not UTF-8. */
async function readBody(request) {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type)) {
    throw new HttpError(400, 'ERR_MALFORMED', 'the body must be JSON sent as Content-Type: application/json');
  }
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) {
    throw new HttpError(413, 'ERR_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const bytes = await readCapped(request.body, MAX_BODY_BYTES);
  if (bytes === null) throw new HttpError(413, 'ERR_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, 'ERR_MALFORMED', 'the body is not UTF-8');
  }
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function malformed(message) {
  return new HttpError(400, 'ERR_MALFORMED', message);
}

/** `{ presentation, nonce, order: { item } }`, strings where strings belong, nothing else. */
function parseGateBody(text, catalog) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformed('the body is not JSON');
  }
  if (!isObject(body)) throw malformed('the body must be a JSON object');
  const extra = Object.keys(body).find((name) => !BODY_MEMBERS.includes(name));
  if (extra !== undefined) throw malformed(`unknown member "${extra.slice(0, 40)}"`);
  for (const name of ['presentation', 'nonce']) {
    if (typeof body[name] !== 'string' || body[name].length === 0) throw malformed(`"${name}" must be a non-empty string`);
  }
  if (!isObject(body.order)) throw malformed('"order" must be an object: {"item": "…"}');
  const orderExtra = Object.keys(body.order).find((name) => name !== 'item');
  if (orderExtra !== undefined) throw malformed(`unknown order member "${orderExtra.slice(0, 40)}"`);
  if (typeof body.order.item !== 'string') throw malformed('"order.item" must be a string');
  const item = catalogItem(catalog, body.order.item);
  if (item === undefined) throw new HttpError(400, 'ERR_CONTEXT_INVALID', 'no such item in the catalog');
  return { ...body, item };
}

async function gate(request, { nonces, verifier, catalog, audience, statusList }) {
  const body = parseGateBody(await readBody(request), catalog);
  // The nonce is used up here, before verification: a refused presentation cannot be retried
  // with the same nonce.
  const outcome = nonces.consume(body.nonce);
  if (outcome !== 'ok') throw new HttpError(409, ...NONCE_REFUSALS[outcome]);
  const context = orderContext(catalog, body.item);
  // A status list held past its ttl is fetched again first (one fetch for all requests).
  await statusList.refresh();
  let result;
  try {
    result = verifier.decide(body.presentation, { nonce: body.nonce, context });
  } catch (error) {
    if (!(error instanceof EdgescoreError)) throw error;
    if (UNAUTHORIZED.has(error.code)) {
      throw new HttpError(401, error.code, error.message, { 'WWW-Authenticate': `KB-JWT realm="${audience}"` });
    }
    if (FORBIDDEN.has(error.code)) throw new HttpError(403, error.code, error.message);
    if (error.code === 'ERR_STATUS_UNAVAILABLE') throw new HttpError(503, error.code, error.message, { 'Retry-After': '30' });
    throw new HttpError(500, error.code, error.message);
  }
  // Band-only disclosure: no score, no sub-scores, no reasons, no features.
  const { band, decision, rule, deposit, deposit_percent: depositPercent, status, model } = result;
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
  });
}

function route(request, current) {
  const { pathname } = new URL(request.url);
  const allow = { '/nonce': 'GET', '/rentals/gate': 'POST' }[pathname];
  if (allow === undefined) throw new HttpError(404, 'ERR_NOT_FOUND', 'no such route');
  if (request.method !== allow) throw new HttpError(405, 'ERR_METHOD', `use ${allow}`, { Allow: allow });
  return pathname === '/nonce' ? issueNonce(current) : gate(request, current);
}

export default {
  async fetch(request, env) {
    try {
      state ??= configure(env);
      return await route(request, state);
    } catch (error) {
      if (error instanceof HttpError) return refusal(error.status, error.code, error.message, error.headers);
      console.error('gate: unexpected error', error);
      return refusal(500, 'ERR_INTERNAL', 'internal error');
    }
  },
};
