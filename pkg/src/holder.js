// The holder's side: a wallet's key pair, presentations for a verifier's request, and what a
// snapshot can disclose.

import {
  disclosableNames as bindingsDisclosableNames,
  disclosuresFor as bindingsDisclosuresFor,
  newNonce as bindingsNewNonce,
  WasmHolder,
} from '../wasm/edgescore_core.js';
import { configError } from './errors.js';
import { fromEnvelope, guarded, moduleGeneration, rethrow } from './module.js';
import { epochSeconds, text } from './options.js';

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
    this.#instance = moduleGeneration();
    try {
      return WasmHolder.fromPrivateJwk(this.#privateJwk);
    } catch (error) {
      rethrow(error);
    }
  }

  #live() {
    if (this.#instance !== moduleGeneration()) this.#bindings = this.#build();
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
    const at = epochSeconds(now);
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
    const at = epochSeconds(now);
    return fromEnvelope(guarded(() => this.#live().presentAll(snapshot, nonce, aud, at)));
  }
}
