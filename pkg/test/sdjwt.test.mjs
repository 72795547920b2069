// Interoperability with the @sd-jwt libraries (OpenWallet Foundation's sd-jwt-js; versions pinned
// in package.json), both ways:
// - snapshots issued by edgescore and presented by edgescore verify with SDJwtVcInstance,
//   key binding and status included, and the disclosed claims are exactly those presented;
// - credentials issued and presented by the libraries (Ed25519) score in edgescore;
// - status lists built by either side are read by the other.
// Where a library reads less strictly than the Token Status List draft, the test says so.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { createHeaderAndPayload, getListFromStatusListJWT, StatusList } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

import { Holder, init, Scorer } from 'edgescore';
import { AUDIENCE, cli, demoMaterial, NOW, readRepoFile } from './helpers.mjs';

const STATUS_URI = 'https://demo-bureau.example/status/1';
const RENTALS_MODEL = readRepoFile('www/models/rentals-express.model.jws').trim();

let demo;
before(async () => {
  await init();
  demo = demoMaterial();
});

const publicKey = (jwk) => createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
const privateKey = (jwk) => createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, format: 'jwk' });
/** An Ed25519 signer and verifier in the libraries' shape (signature as base64url). */
const signer = (jwk) => (data) => sign(null, Buffer.from(data), privateKey(jwk)).toString('base64url');
const verifier = (jwk) => (data, signature) => verify(null, Buffer.from(data), publicKey(jwk), Buffer.from(signature, 'base64url'));

/** The demo issuer's private JWK, from the embedded demo material the CLI prints. */
function demoIssuerPrivateJwk() {
  return JSON.parse(readRepoFile('src/assets/demo/issuer-private.jwk.json'));
}

/** A verifier instance of the libraries that trusts the demo issuer and fetches status lists from `lists`. */
function libraryVerifier(lists = { [STATUS_URI]: demo.statusList }) {
  const issuerJwk = demo.jwks.keys[0];
  const fetched = [];
  const instance = new SDJwtVcInstance({
    hasher: digest,
    verifier: verifier(issuerJwk),
    // The key-binding JWT is checked against the holder key the credential names.
    kbVerifier: (data, signature, payload) => verifier(payload.cnf.jwk)(data, signature),
    statusListFetcher: async (uri) => {
      fetched.push(uri);
      if (!(uri in lists)) throw new Error(`no status list at ${uri}`);
      return lists[uri];
    },
  });
  return { instance, fetched };
}

describe('edgescore issues and presents, @sd-jwt/sd-jwt-vc verifies', () => {
  test('key binding, status and exactly the features presented', async () => {
    const scorer = new Scorer({ jwks: demo.jwks, model: RENTALS_MODEL, audience: AUDIENCE });
    const request = scorer.presentationRequest({ nonce: 'interop-nonce-1', expiresAt: NOW + 120 });
    const lin = demo.people.lin;
    const presentation = Holder.fromPrivateJwk(lin.holder).present(lin.snapshot, request, { now: NOW });
    const { instance, fetched } = libraryVerifier();
    const result = await instance.verify(presentation, {
      currentDate: NOW,
      keyBindingNonce: 'interop-nonce-1',
      requiredClaimKeys: ['iss', 'sub', 'vct', 'cnf', 'status', 'features'],
    });
    assert.equal(result.header.typ, 'dc+sd-jwt');
    assert.equal(result.payload.vct, 'edgescore.consumer.v1');
    assert.equal(result.payload.sub, 'demo-lin');
    assert.deepEqual(Object.keys(result.payload.features).sort(), [...request.features].sort());
    // The values are what the bureau signed for Lin.
    const issued = Object.fromEntries(lin.snapshot.split('~').slice(1, -1)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url')).slice(1)));
    for (const name of request.features) assert.deepEqual(result.payload.features[name], issued[name], name);
    assert.equal(result.kb.header.typ, 'kb+jwt');
    assert.equal(result.kb.payload.aud, AUDIENCE);
    assert.equal(result.kb.payload.nonce, 'interop-nonce-1');
    assert.deepEqual(fetched, [STATUS_URI]);
    // And edgescore agrees.
    scorer.addStatusList(demo.statusList, { now: NOW });
    assert.equal(scorer.score(presentation, { now: NOW, nonce: 'interop-nonce-1' }).band, 'excellent');
  });

  test('the libraries refuse what edgescore refuses: another nonce, an edited disclosure, a revoked snapshot', async () => {
    const lin = demo.people.lin;
    const presentation = Holder.fromPrivateJwk(lin.holder).presentAll(lin.snapshot, { nonce: 'n-2', aud: AUDIENCE, now: NOW });
    const { instance } = libraryVerifier();
    await assert.rejects(instance.verify(presentation, { currentDate: NOW, keyBindingNonce: 'n-other' }));
    const [jwt, first, ...rest] = presentation.split('~');
    const [salt, name] = JSON.parse(Buffer.from(first, 'base64url'));
    const edited = Buffer.from(JSON.stringify([salt, name, 1])).toString('base64url');
    await assert.rejects(instance.verify([jwt, edited, ...rest].join('~'), { currentDate: NOW, keyBindingNonce: 'n-2' }));
    const revoked = `${demo.dir}/revoked-for-interop.jwt`;
    const changed = cli(['revoke', '--status-list', `${demo.dir}/status-list.jwt`, '--out', revoked, '--issued',
      `${demo.dir}/issued.jsonl`, '--sub', 'demo-lin', '--demo-key', '--now', String(NOW + 10)]);
    assert.equal(changed.code, 0, changed.stdout);
    const withRevocation = libraryVerifier({ [STATUS_URI]: readFileSync(revoked, 'utf8').trim() });
    await assert.rejects(withRevocation.instance.verify(presentation, { currentDate: NOW + 10, keyBindingNonce: 'n-2' }),
      /Status is not valid/);
  });
});

describe('@sd-jwt issues and presents, edgescore scores', () => {
  /** An issuer and a holder of the libraries, both Ed25519; the issuer's JWKS for edgescore. */
  function libraryParties() {
    const issuerJwk = { ...demoIssuerPrivateJwk() };
    const holderJwk = demo.people.wang.holder;
    const publicHolder = { kty: holderJwk.kty, crv: holderJwk.crv, x: holderJwk.x };
    const instance = new SDJwtVcInstance({
      hasher: digest,
      saltGenerator: generateSalt,
      signer: signer(issuerJwk),
      signAlg: 'EdDSA',
      verifier: verifier(issuerJwk),
      kbSigner: signer(holderJwk),
      kbSignAlg: 'EdDSA',
    });
    return { instance, issuerJwk, publicHolder };
  }

  test('an Ed25519 credential with each feature disclosable, presented with key binding, scores here', async () => {
    const { instance, issuerJwk, publicHolder } = libraryParties();
    const features = Object.fromEntries(demo.people.wang.snapshot.split('~').slice(1, -1)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url')).slice(1)));
    const credential = await instance.issue(
      {
        iss: 'https://demo-bureau.example',
        sub: 'library-wang',
        iat: NOW - 60,
        exp: NOW + 86_400,
        vct: 'edgescore.consumer.v1',
        cnf: { jwk: publicHolder },
        status: { status_list: { idx: 2, uri: STATUS_URI } },
        features,
      },
      { features: { _sd: Object.keys(features) } },
      { header: { kid: issuerJwk.kid } },
    );
    assert.equal(credential.split('~').length - 2, 20, 'twenty disclosures');
    const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE });
    scorer.addStatusList(demo.statusList, { now: NOW });
    // Every feature (the demo consumer model reads fourteen of them; the rest are ignored).
    const all = await instance.present(
      credential,
      { features: Object.fromEntries(Object.keys(features).map((name) => [name, true])) },
      { kb: { payload: { iat: NOW - 5, aud: AUDIENCE, nonce: 'library-nonce' } } },
    );
    const result = scorer.score(all, { now: NOW, nonce: 'library-nonce', disclose: 'full' });
    assert.equal(result.band, 'good');
    assert.equal(result.score, 624);
    assert.equal(result.status, 'valid');
    // Exactly the six the rentals model reads.
    const rentals = new Scorer({ jwks: demo.jwks, model: RENTALS_MODEL, audience: AUDIENCE });
    rentals.addStatusList(demo.statusList, { now: NOW });
    const request = rentals.presentationRequest({ nonce: 'library-nonce-6', expiresAt: NOW + 120 });
    const six = await instance.present(
      credential,
      { features: Object.fromEntries(request.features.map((name) => [name, true])) },
      { kb: { payload: { iat: NOW - 5, aud: AUDIENCE, nonce: 'library-nonce-6' } } },
    );
    assert.equal(six.split('~').length - 2, 6);
    assert.equal(rentals.score(six, { now: NOW, nonce: 'library-nonce-6' }).band, 'good');
    // Five of the six: refused for the one withheld.
    const five = await instance.present(
      credential,
      { features: Object.fromEntries(request.features.slice(1).map((name) => [name, true])) },
      { kb: { payload: { iat: NOW - 5, aud: AUDIENCE, nonce: 'library-nonce-5' } } },
    );
    assert.throws(() => rentals.score(five, { now: NOW, nonce: 'library-nonce-5' }), { code: 'ERR_FEATURE_NOT_DISCLOSED' });
  });

  test('decoys and a credential without key binding', async () => {
    const { instance, issuerJwk } = libraryParties();
    // Lin's six features as the rentals model reads them.
    const features = { repay_on_time_ratio_24m: 0.985, defaults_24m: 0, utility_on_time_ratio_12m: 0.98, open_credit_lines: 5,
      credit_utilisation: 0.41, real_name_verified: true };
    const credential = await instance.issue(
      { iss: 'https://demo-bureau.example', sub: 'library-lin', iat: NOW - 60, exp: NOW + 86_400, vct: 'edgescore.consumer.v1', features },
      { features: { _sd: Object.keys(features), _sd_decoy: 4 } },
      { header: { kid: issuerJwk.kid } },
    );
    const rentals = new Scorer({ jwks: demo.jwks, model: RENTALS_MODEL, audience: AUDIENCE });
    const result = rentals.score(credential, { now: NOW });
    assert.equal(result.band, 'excellent');
    assert.equal(result.status, undefined, 'no status reference, no status in the result');
  });
});

describe('status lists both ways', () => {
  test('a list built with @sd-jwt/jwt-status-list is read by edgescore, and edgescore\'s by the library', () => {
    // The library's list, signed with the demo issuer key.
    const list = new StatusList(Array.from({ length: 64 }, (_, index) => (index === 3 ? 1 : index === 4 ? 2 : 0)), 2);
    const { header, payload } = createHeaderAndPayload(
      list,
      { iss: 'https://demo-bureau.example', sub: 'https://demo-bureau.example/status/library', iat: NOW - 60, exp: NOW + 3600, ttl: 60 },
      { alg: 'EdDSA', typ: 'statuslist+jwt', kid: demo.jwks.keys[0].kid },
    );
    const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode(header)}.${encode(payload)}`;
    const token = `${input}.${signer(demoIssuerPrivateJwk())(input)}`;
    const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE });
    const info = scorer.addStatusList(token, { now: NOW });
    assert.deepEqual([info.uri, info.bits, info.ttl], ['https://demo-bureau.example/status/library', 2, 60]);
    // edgescore's list (the demo's, all valid; and a revoked one) read by the library.
    const ours = getListFromStatusListJWT(demo.statusList);
    assert.equal(ours.getBitsPerStatus(), 2);
    assert.equal(ours.getStatus(0), 0);
    const revoked = `${demo.dir}/revoked-for-library.jwt`;
    assert.equal(cli(['revoke', '--status-list', `${demo.dir}/status-list.jwt`, '--out', revoked, '--index', '5', '--suspend',
      '--demo-key', '--now', String(NOW + 10)]).code, 0);
    const theirs = getListFromStatusListJWT(readFileSync(revoked, 'utf8').trim());
    assert.deepEqual([theirs.getStatus(4), theirs.getStatus(5), theirs.getStatus(6)], [0, 2, 0]);
  });

  test('where the library reads less than the draft asks: a status list for another URI', async () => {
    // draft-ietf-oauth-status-list-18 §5.1: the status list token's `sub` "MUST be equal to
    // that of the uri claim contained in the status_list claim of the Referenced Token".
    // @sd-jwt/sd-jwt-vc 0.19.0 verifies the list's signature but not its `sub` (nor `typ`,
    // `exp` or `ttl`); edgescore refuses the list for that snapshot.
    const otherUri = cli(['status-list', '--uri', 'https://demo-bureau.example/status/other', '--size', '64', '--demo-key',
      '--now', String(NOW)]).stdout.trim();
    const lin = demo.people.lin;
    const presentation = Holder.fromPrivateJwk(lin.holder).presentAll(lin.snapshot, { nonce: 'n-3', aud: AUDIENCE, now: NOW });
    const { instance } = libraryVerifier({ [STATUS_URI]: otherUri });
    const accepted = await instance.verify(presentation, { currentDate: NOW, keyBindingNonce: 'n-3' });
    assert.equal(accepted.payload.sub, 'demo-lin', 'the library accepted a list published for another URI');
    const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE, policy: { ...demo.policy, status: { unavailable: 'refuse' } } });
    scorer.addStatusList(otherUri, { now: NOW });
    assert.throws(() => scorer.score(presentation, { now: NOW, nonce: 'n-3' }), { code: 'ERR_STATUS_UNAVAILABLE' });
  });
});
