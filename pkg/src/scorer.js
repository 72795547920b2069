// The verifier: issuer keys, a signed model, a merchant policy and the status lists it holds.

import { WasmScorer } from '../wasm/edgescore_core.js';
import { DEFAULT_POLICY } from '../wasm/policy.js';
import { configError, EdgescoreError } from './errors.js';
import { freshKeys, KEY_SET, keySetOf, withFreshKeys } from './keysets.js';
import { fromEnvelope, guarded, moduleGeneration, requireReady, rethrow } from './module.js';
import { epochSeconds, optionalDocument, optionalSeconds, scorerOptions, stringList, text } from './options.js';

/** The five dimensions, in result order, with their names. */
export const DIMENSIONS = Object.freeze([
  { id: 'credit_history', label: { en: 'Credit history', zh: '信用历史' } },
  { id: 'behaviour_preferences', label: { en: 'Behaviour & preferences', zh: '行为偏好' } },
  { id: 'fulfilment_capacity', label: { en: 'Fulfilment capacity', zh: '履约能力' } },
  { id: 'identity_traits', label: { en: 'Identity traits', zh: '身份特质' } },
  { id: 'relationships', label: { en: 'Relationships', zh: '人脉关系' } },
].map((dimension) => Object.freeze({ ...dimension, label: Object.freeze(dimension.label) })));

export { DEFAULT_POLICY };

function base64urlJson(part) {
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** The decision id and order reference of `score`'s `receipt` option, checked: `[id, order]`. */
function receiptRequest(receipt) {
  const { id, order, ...unknown } = receipt ?? {};
  if (typeof id !== 'string' || Object.keys(unknown).length > 0 || (order !== undefined && typeof order !== 'string')) {
    throw configError('"receipt" must be { id: string, order?: string }');
  }
  return [id, order];
}

/** The arguments of one score call after checking them: `[now, nonce, context, full]`. */
function scoreRequest(options) {
  if (options === null || typeof options !== 'object') throw configError('score options must be an object');
  const now = epochSeconds(options.now);
  const disclose = options.disclose ?? 'band';
  if (disclose !== 'band' && disclose !== 'full') throw configError('"disclose" must be "band" or "full"');
  const { context, nonce } = options;
  if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context))) {
    throw new EdgescoreError('ERR_CONTEXT_INVALID', 'the order context must be an object');
  }
  if (nonce !== undefined && nonce !== null && typeof nonce !== 'string') throw configError('"nonce" must be a string');
  return [now, nonce ?? undefined, context === undefined || context === null ? undefined : JSON.stringify(context), disclose === 'full'];
}

/**
 * A verifier: `new Scorer({ jwks, model, policy?, audience?, … })` (docs/js.md has every
 * option, jose's names among them). Bad configuration throws `EdgescoreError`.
 */
export class Scorer {
  #keys;
  #modelKeys;
  #model;
  #args;
  #bindings;
  #generation = -1;
  #keyVersions;
  // Status lists held: uri → [token, the time it was added]; re-added whenever the bindings
  // are rebuilt (after a trap, or when a remote key set changed).
  #statusLists = new Map();
  // Lists given to the constructor before the keys were there (a remote key set not fetched yet).
  #pendingLists = [];
  // The merchant's private JWK (JSON text) that signs decision receipts, when given.
  #receiptKey;

  constructor(config) {
    requireReady();
    const options = scorerOptions(config);
    this.#keys = keySetOf(options.jwks, 'jwks');
    this.#modelKeys = options.modelJwks === undefined || options.modelJwks === null ? undefined : keySetOf(options.modelJwks, 'modelJwks');
    if (options.model === undefined || options.model === null) {
      throw configError('"model" (a signed model, compact JWS) is required; the demo models are exported by "edgescore/demo"');
    }
    if (typeof options.model !== 'string') throw configError('"model" must be a signed model (compact JWS text)');
    // Read from a file or a binding, a token often ends with a line break: not part of it.
    this.#model = options.model.trim();
    const issuers = options.issuers === undefined ? [] : stringList(options.issuers, 'issuers');
    const audiences = options.audience === undefined || options.audience === null ? [] : stringList(options.audience, 'audience');
    if (options.requireBinding !== undefined && typeof options.requireBinding !== 'boolean') {
      throw configError('"requireBinding" must be true or false');
    }
    if (options.maxAgeSeconds !== null) optionalSeconds(options.maxAgeSeconds, 'maxAgeSeconds');
    this.#args = [
      this.#model,
      optionalDocument(options.policy, 'policy') ?? JSON.stringify(DEFAULT_POLICY),
      JSON.stringify(audiences),
      JSON.stringify(issuers),
      optionalSeconds(options.leewaySeconds, 'leewaySeconds'),
      options.maxAgeSeconds === null ? -1 : options.maxAgeSeconds,
      options.requireBinding === true,
      optionalSeconds(options.presentationMaxAgeSeconds, 'presentationMaxAgeSeconds'),
    ];
    const statusLists = options.statusLists ?? [];
    if (!Array.isArray(statusLists) || !statusLists.every((token) => typeof token === 'string')) {
      throw configError('"statusLists" must be an array of status list tokens (strings)');
    }
    this.#pendingLists = statusLists.map((token) => token.trim());
    this.#receiptKey = optionalDocument(options.receiptKey, 'receiptKey');
    // With every key at hand, build now so a bad model, policy or option fails here.
    if (this.#keysHeld()) guarded(() => this.#live());
  }

  #keysHeld() {
    return Boolean(this.#keys[KEY_SET].current()) && (this.#modelKeys === undefined || Boolean(this.#modelKeys[KEY_SET].current()));
  }

  #build() {
    const keys = this.#keys[KEY_SET].current();
    const modelKeys = this.#modelKeys?.[KEY_SET].current();
    if (!keys || (this.#modelKeys !== undefined && !modelKeys)) {
      throw configError('the remote key set has not been fetched yet: `await scorer.ready()` first, or use scoreAsync()');
    }
    const [model, ...rest] = this.#args;
    let bindings;
    try {
      bindings = new WasmScorer(keys.text, model, modelKeys?.text, ...rest);
    } catch (error) {
      rethrow(error);
    }
    // Lists held before are re-added as they were; one that no longer verifies (its key left
    // the issuer's set) is dropped.
    for (const [uri, [token, at]] of this.#statusLists) {
      if (!JSON.parse(bindings.addStatusList(token, at)).ok) this.#statusLists.delete(uri);
    }
    if (this.#receiptKey !== undefined) fromEnvelope(bindings.setReceiptKey(this.#receiptKey));
    return bindings;
  }

  #versions() {
    return `${this.#keys[KEY_SET].current()?.version}/${this.#modelKeys?.[KEY_SET].current()?.version}`;
  }

  /** The bindings, rebuilt after a trap or a change of remote keys. Call inside `guarded`. */
  #live() {
    const versions = this.#versions();
    if (this.#bindings === undefined || this.#generation !== moduleGeneration() || this.#keyVersions !== versions) {
      this.#bindings = this.#build();
      this.#generation = moduleGeneration();
      this.#keyVersions = versions;
      const pending = this.#pendingLists;
      this.#pendingLists = [];
      for (const token of pending) this.#addStatusList(this.#bindings, token, epochSeconds());
    }
    return this.#bindings;
  }

  #addStatusList(bindings, token, at) {
    const info = fromEnvelope(bindings.addStatusList(token, at));
    this.#statusLists.set(info.uri, [token, at]);
    return info;
  }

  /** The issuer's key set, then the model's when it has its own. */
  #keySets() {
    return this.#modelKeys === undefined ? [this.#keys] : [this.#keys, this.#modelKeys];
  }

  /** Runs `call` with fresh keys, and once more if a token named a kid a remote set then fetched. */
  async #withKeys(call) {
    return withFreshKeys(this.#keySets(), call);
  }

  /**
   * Fetches what remote key sets this scorer uses and builds it, so a bad model, policy or
   * status list fails here; resolves to the scorer. Not needed with local keys.
   */
  async ready() {
    await freshKeys(this.#keySets());
    guarded(() => this.#live());
    return this;
  }

  /**
   * Verifies a presentation (an SD-JWT: the snapshot, the disclosures and, for a bound
   * snapshot, the key-binding JWT), checks its status against the lists held, scores it and
   * decides. Options: `now` (seconds; default the current time), `nonce` (the one issued for
   * the key binding), `context` (`{deposit, order_value, currency, item}` in minor units),
   * `disclose` (`"band"` or `"full"`), `receipt` (`{ id, order? }`: sign a receipt of the
   * decision with `receiptKey`, `id` the decision id and `order` the merchant's order
   * reference; the result then has `receipt`, the JWS). With a remote key set, uses the keys
   * held (see `scoreAsync`).
   */
  score(presentation, options = {}) {
    text(presentation, 'presentation');
    const request = scoreRequest(options);
    if (options.receipt === undefined) return fromEnvelope(guarded(() => this.#live().score(presentation, ...request)));
    const receipt = receiptRequest(options.receipt);
    return fromEnvelope(guarded(() => this.#live().scoreWithReceipt(presentation, ...request, ...receipt)));
  }

  /**
   * As `score`, with the keys of a remote key set fetched when none are held or they are
   * older than its `cacheMaxAge`, and fetched again (unless cooling down) when the
   * presentation names a `kid` the set does not hold.
   */
  async scoreAsync(presentation, options = {}) {
    return this.#withKeys(() => this.score(presentation, options));
  }

  /**
   * Verifies a status list token (`statuslist+jwt`) with the issuer keys and holds it: from
   * now on snapshots that name its URI are checked against it. A newer list for the same URI
   * replaces the one held; an older one is refused (`ERR_STATUS_LIST_INVALID`). Returns
   * `{ uri, iss, iat, exp, ttl, bits, size }`. Options: `now`. Whitespace around the token
   * (a file's final line break) is ignored, as around `model`.
   */
  addStatusList(token, { now } = {}) {
    const list = text(token, 'status list token').trim();
    const at = epochSeconds(now);
    return guarded(() => this.#addStatusList(this.#live(), list, at));
  }

  /** As `addStatusList`, with a remote key set's keys fetched as `scoreAsync` does. */
  async addStatusListAsync(token, options = {}) {
    return this.#withKeys(() => this.addStatusList(token, options));
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
   * or `{ ok: false, error: { code, message, claim?, reason? } }`; a bad item never throws.
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
          const { code, message, claim, reason } = itemError;
          return { ok: false, error: { code, message, ...(claim === undefined ? {} : { claim, reason }) } };
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
