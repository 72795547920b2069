// The benchmark's baselines, the same in every runtime (Node, Chromium, workerd): what a
// verifier written on a JavaScript JOSE or Ed25519 library has to do for one presentation to
// reach edgescore's decision. Split the SD-JWT; verify the issuer-signed JWT (typ, signature,
// times); import the holder key from cnf.jwk; verify the key-binding JWT (typ, signature,
// audience, nonce, age) and its sd_hash over the presentation; hash every disclosure and find
// its digest in the signed payload (each once); require every feature the model reads; score
// with the plain JavaScript scorecard and apply the policy (js-scorecard.mjs). No runtime
// imports here: the caller passes the libraries and the SHA-256 it has.
import { compileModel, decide } from './js-scorecard.mjs';

const decoder = new TextDecoder();

/** base64url → bytes (strict enough for the benchmark: the tokens are well-formed). */
export function base64urlBytes(part) {
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export const base64urlJson = (part) => JSON.parse(decoder.decode(base64urlBytes(part)));

export function bytesToBase64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SHA-256 of text as base64url through Web Crypto (every runtime has it). */
export async function webSha256(text) {
  return bytesToBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** An SD-JWT's issuer JWT, disclosures, key-binding JWT and the text its sd_hash covers. */
export function splitSdJwt(presentation) {
  const last = presentation.lastIndexOf('~');
  const hashed = presentation.slice(0, last + 1);
  const [jwt, ...disclosures] = hashed.split('~');
  disclosures.pop();
  return { jwt, disclosures, kb: presentation.slice(last + 1), hashed };
}

/** The features an SD-JWT discloses, each digest checked against the signed payload (as RFC 9901 asks). */
async function disclosedFeatures(payload, disclosures, sha256, decodeJson) {
  const listed = new Set(payload.features._sd);
  const features = {};
  for (const disclosure of disclosures) {
    if (!listed.delete(await sha256(disclosure))) throw new Error('disclosure not referenced');
    const [, name, value] = decodeJson(disclosure);
    if (name in features) throw new Error('disclosed twice');
    features[name] = value;
  }
  return features;
}

/**
 * The baselines for one verifier configuration: `{ jose, noble }`, each `(presentation, nonce,
 * context) → Promise<{ band, decision, rule, deposit }>`. `model` is the signed model (its
 * payload is read, as the verifier would have checked it once), `jwks` the issuer's key set.
 * `jose` is the jose module; `nobleVerify(signature, message, publicKey)` returns a boolean or
 * a promise of one; `sha256` maps text to its base64url SHA-256 (sync or async) for each;
 * `decodeJson` reads a base64url JSON part (a runtime may have a faster way than atob).
 */
export async function createBaselines({
  jose, nobleVerify, jwks, model, policy, audience, now, sha256 = {}, decodeJson = base64urlJson,
}) {
  const modelClaims = base64urlJson(model.split('.')[1]);
  const scoreCompiled = compileModel(modelClaims);
  // As edgescore does: every feature the model reads must be disclosed; the rest is ignored.
  const read = [...new Set(modelClaims.characteristics.map((c) => c.feature))];
  const score = (features) => {
    if (!read.every((name) => name in features)) throw new Error('a feature the model reads was not disclosed');
    return scoreCompiled(Object.fromEntries(read.map((name) => [name, features[name]])));
  };
  const issuerJwk = jwks.keys[0];
  const issuerKey = await jose.importJWK(issuerJwk, 'EdDSA');
  const issuerRaw = base64urlBytes(issuerJwk.x);
  const currentDate = new Date(now * 1000);
  const checkClaims = (claims, kb, nonce) => {
    if (claims.exp <= now - 60 || claims.iat > now + 60 || now - claims.iat > 31 * 86400 + 60) throw new Error('time');
    if (kb.nonce !== nonce || kb.aud !== audience || now - kb.iat > 360) throw new Error('binding');
  };
  const joseSha256 = sha256.jose ?? webSha256;
  const nobleSha256 = sha256.noble ?? webSha256;
  const encoder = new TextEncoder();
  return {
    async jose(presentation, nonce, context) {
      const { jwt, disclosures, kb: kbJwt, hashed } = splitSdJwt(presentation);
      const { payload } = await jose.jwtVerify(jwt, issuerKey, { typ: 'dc+sd-jwt', currentDate });
      const holderKey = await jose.importJWK(payload.cnf.jwk, 'EdDSA');
      const { payload: kb } = await jose.jwtVerify(kbJwt, holderKey, { typ: 'kb+jwt', audience, currentDate });
      if (await joseSha256(hashed) !== kb.sd_hash) throw new Error('sd_hash');
      checkClaims(payload, kb, nonce);
      const { band } = score(await disclosedFeatures(payload, disclosures, joseSha256, decodeJson));
      return decide(policy, band, now - payload.iat, context);
    },
    async noble(presentation, nonce, context) {
      const { jwt, disclosures, kb: kbJwt, hashed } = splitSdJwt(presentation);
      const [h, p, s] = jwt.split('.');
      if (!(await nobleVerify(base64urlBytes(s), encoder.encode(`${h}.${p}`), issuerRaw))) throw new Error('signature');
      const payload = decodeJson(p);
      const [kh, kp, ks] = kbJwt.split('.');
      if (!(await nobleVerify(base64urlBytes(ks), encoder.encode(`${kh}.${kp}`), base64urlBytes(payload.cnf.jwk.x)))) {
        throw new Error('kb');
      }
      const kb = decodeJson(kp);
      if (await nobleSha256(hashed) !== kb.sd_hash) throw new Error('sd_hash');
      checkClaims(payload, kb, nonce);
      const { band } = score(await disclosedFeatures(payload, disclosures, nobleSha256, decodeJson));
      return decide(policy, band, now - payload.iat, context);
    },
  };
}

/**
 * The workload every runtime times: presentations of the consumer schema from the parity
 * fixture's lines, valid, bound to a holder, without a status reference (the baselines check no
 * status list), each by a different holder.
 */
export function pickWorkload(lines, count) {
  const items = lines
    .filter((e) => e.model === 'consumer' && !e.expect.error && !e.presentation.endsWith('~')
      && !('status' in base64urlJson(e.presentation.split('.')[1])))
    .slice(0, count)
    .map(({ presentation, nonce }) => ({ presentation, nonce }));
  if (items.length < count) throw new Error(`only ${items.length} usable presentations`);
  return items;
}
