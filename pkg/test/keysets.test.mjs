// Key sets as jose has them: a local one that skips keys edgescore cannot use (keys of other
// types made by jose, and hand-made bad ones) and says why; a remote one against a JWKS served
// here on 127.0.0.1: fetched once and cached, fetched again when a snapshot names a kid it does
// not hold (a key rotation) but not within the cooldown, stale after cacheMaxAge, kept when a
// later fetch fails, and every way a fetch can fail.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import * as jose from 'jose';

import { createLocalKeySet, createRemoteKeySet, EdgescoreError, Holder, init, Scorer } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS } from 'edgescore/demo';
import { AUDIENCE, demoMaterial, NOW } from './helpers.mjs';

const WEAK_X = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64url'); // the identity point

let demo;
let wangFeatures;
before(async () => {
  await init();
  demo = demoMaterial();
  wangFeatures = Object.fromEntries(demo.people.wang.snapshot.split('~').slice(1, -1)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url')).slice(1)));
});

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const sha256 = (text) => createHash('sha256').update(text).digest('base64url');

/** An issuer key pair with `kid`: { jwk (public), sign(data) }. */
function issuerKey(kid) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'EdDSA' }, sign: (data) => sign(null, Buffer.from(data), privateKey) };
}

/** An unbound snapshot of Wang's features signed by `key`: the SD-JWT as issued (every disclosure). */
function snapshotSignedBy(key) {
  const disclosures = Object.entries(wangFeatures).map(([name, value], index) => b64([`salt-${index}-0123456789ab`, name, value]));
  const header = b64({ alg: 'EdDSA', typ: 'dc+sd-jwt', kid: key.jwk.kid });
  const payload = b64({
    iss: 'https://bureau.example', sub: 'rotation-test', iat: NOW - 60, exp: NOW + 86400, vct: 'edgescore.consumer.v1',
    _sd_alg: 'sha-256', features: { _sd: disclosures.map(sha256).sort() },
  });
  const jwt = `${header}.${payload}.${key.sign(`${header}.${payload}`).toString('base64url')}`;
  return `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`;
}

/** A Scorer over `jwks` with the demo consumer model (verified by the demo keys). */
const scorerOver = (jwks, config = {}) => new Scorer({ jwks, model: DEMO_CONSUMER_MODEL, modelJwks: DEMO_JWKS, audience: AUDIENCE, ...config });

describe('createLocalKeySet', () => {
  test('keeps the usable Ed25519 keys and lists every other key with the reason', async () => {
    const rsa = await jose.exportJWK((await jose.generateKeyPair('RS256', { extractable: true })).publicKey);
    const ec = await jose.exportJWK((await jose.generateKeyPair('ES256', { extractable: true })).publicKey);
    const x25519 = await jose.exportJWK((await jose.generateKeyPair('ECDH-ES', { crv: 'X25519', extractable: true })).publicKey);
    const good = demo.jwks.keys[0];
    const other = issuerKey('other').jwk;
    const jwks = {
      keys: [
        { ...rsa, kid: 'rsa-1', alg: 'RS256' },
        good,
        { ...ec, kid: 'ec-1' },
        { ...x25519, kid: 'x25519-1' },
        { ...other, kid: 'enc-1', use: 'enc' },
        { ...other, kid: 'rs-alg', alg: 'RS256' },
        { ...other, kid: 'ops', key_ops: ['sign'] },
        { ...other, kid: undefined },
        { ...other, kid: 'private', d: other.x },
        { kty: 'OKP', crv: 'Ed25519', x: WEAK_X, kid: 'weak' },
        { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'short' },
        { ...other, kid: 'twice' },
        { ...issuerKey('x').jwk, kid: 'twice' },
        'not a key',
        other,
      ],
    };
    const set = createLocalKeySet(jwks);
    assert.deepEqual(set.keys.map((key) => key.kid), [good.kid, 'other']);
    assert.deepEqual(set.skipped.map(({ index, kid, reason }) => [index, kid, reason.split(' ')[0]]), [
      [0, 'rsa-1', 'key'], [2, 'ec-1', 'key'], [3, 'x25519-1', 'curve'], [4, 'enc-1', '"use"'], [5, 'rs-alg', '"alg"'],
      [6, 'ops', '"key_ops"'], [7, undefined, 'has'], [8, 'private', 'carries'], [9, 'weak', 'public'],
      [10, 'short', 'an'], [11, 'twice', 'another'], [12, 'twice', 'another'], [13, undefined, 'not'],
    ]);
    assert.match(set.skipped[0].reason, /"RSA" is not OKP/);
    assert.match(set.skipped.find((key) => key.kid === 'weak').reason, /weak key of small order/);
    assert.deepEqual(set.jwks(), { keys: set.keys.map((key) => ({ ...key })) });
    // The same JWKS straight into a Scorer: the usable keys verify, as jose would.
    const scorer = scorerOver(jwks);
    const wang = Holder.fromPrivateJwk(demo.people.wang.holder).presentAll(demo.people.wang.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW });
    assert.equal(scorer.score(wang, { now: NOW, nonce: 'n' }).band, 'good');
    // A snapshot signed by the key that was used twice is not verified by either.
    assert.throws(() => scorer.score(snapshotSignedBy(issuerKey('twice')), { now: NOW }), { code: 'ERR_UNKNOWN_KID' });
  });

  test('a set with nothing usable, or no set at all, is refused', () => {
    const cases = [
      [{ keys: [] }, 'ERR_KEY_INVALID', /no keys/],
      [{ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'r' }] }, 'ERR_KEY_INVALID', /no key edgescore can use \(key 0 \("r"\): key type "RSA"/],
      ['{"keys": [', 'ERR_MALFORMED', /not JSON/],
      [{ keys: 'none' }, 'ERR_MALFORMED', /"keys" array/],
      [[], 'ERR_MALFORMED', /"keys" array/],
    ];
    for (const [jwks, code, message] of cases) {
      assert.throws(() => createLocalKeySet(jwks), (error) => error instanceof EdgescoreError && error.code === code && message.test(error.message));
    }
    assert.throws(() => scorerOver(undefined), { code: 'ERR_CONFIG_INVALID', message: /"jwks" .* is required/ });
    assert.throws(() => scorerOver(42), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => scorerOver(jose.createLocalJWKSet(demo.jwks)), { code: 'ERR_CONFIG_INVALID', message: /use edgescore's createLocalKeySet/ });
  });

  test("jose's JSONWebKeySet from exportJWK works as it is", async () => {
    const { publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'jose-1' };
    const set = createLocalKeySet({ keys: [jwk] });
    assert.deepEqual(set.keys, [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: 'jose-1' }]);
    assert.deepEqual(set.skipped, []);
  });
});

/** A JWKS endpoint on 127.0.0.1: `serve(handler)` decides each answer; `hits` counts requests. */
function jwksEndpoint() {
  const endpoint = { hits: 0, handler: (response) => response.writeHead(404).end() };
  const server = createServer((request, response) => {
    endpoint.hits += 1;
    endpoint.handler(response, request);
  });
  endpoint.listening = new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)).then(() => {
    endpoint.url = `http://127.0.0.1:${server.address().port}/jwks.json`;
  });
  endpoint.serve = (jwks, status = 200) => {
    endpoint.handler = (response) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(jwks));
  };
  endpoint.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return endpoint;
}

describe('createRemoteKeySet', () => {
  let endpoint;
  before(async () => {
    endpoint = jwksEndpoint();
    await endpoint.listening;
  });
  after(() => endpoint.close());

  test('fetches once, caches, and fetches again for a kid it does not hold (a rotation), not within the cooldown', async () => {
    const first = issuerKey('2026-11');
    const second = issuerKey('2026-12');
    const third = issuerKey('2027-01');
    endpoint.serve({ keys: [first.jwk, { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'legacy' }] });
    endpoint.hits = 0;
    const keys = createRemoteKeySet(endpoint.url, { cooldownDuration: 60_000 });
    assert.equal(keys.fresh, false);
    assert.equal(keys.jwks(), undefined);
    const scorer = scorerOver(keys, { issuers: ['https://bureau.example'] });
    // Nothing fetched yet: a synchronous call cannot wait for the network.
    assert.throws(() => scorer.score(snapshotSignedBy(first), { now: NOW }), { code: 'ERR_CONFIG_INVALID', message: /ready\(\)|scoreAsync/ });
    assert.equal((await scorer.scoreAsync(snapshotSignedBy(first), { now: NOW })).band, 'good');
    assert.equal((await scorer.scoreAsync(snapshotSignedBy(first), { now: NOW })).claims.sub, 'rotation-test');
    assert.equal(endpoint.hits, 1, 'cached');
    assert.equal(keys.fresh, true);
    assert.deepEqual(keys.skipped.map((key) => key.kid), ['legacy']);
    // The bureau rotates: the new kid is fetched, once, within the cooldown of nothing.
    endpoint.serve({ keys: [first.jwk, second.jwk] });
    const cooled = createRemoteKeySet(endpoint.url, { cooldownDuration: 0 });
    const rotating = scorerOver(cooled);
    await rotating.ready();
    const before = endpoint.hits;
    endpoint.serve({ keys: [second.jwk, third.jwk] });
    assert.equal((await rotating.scoreAsync(snapshotSignedBy(third), { now: NOW })).band, 'good');
    assert.equal(endpoint.hits, before + 1);
    assert.deepEqual(cooled.keys.map((key) => key.kid), ['2026-12', '2027-01']);
    // The old key is gone from the set, and from the scorer.
    await assert.rejects(rotating.scoreAsync(snapshotSignedBy(first), { now: NOW }), { code: 'ERR_UNKNOWN_KID' });
    // Within the cooldown an unknown kid is not fetched again.
    const hits = endpoint.hits;
    await assert.rejects(scorer.scoreAsync(snapshotSignedBy(third), { now: NOW }), { code: 'ERR_UNKNOWN_KID' });
    assert.equal(endpoint.hits, hits);
    assert.equal(keys.coolingDown, true);
  });

  test('stale after cacheMaxAge: fetched before the next use; a failed fetch keeps the keys held', async () => {
    const key = issuerKey('stale-1');
    endpoint.serve({ keys: [key.jwk] });
    const keys = createRemoteKeySet(endpoint.url, { cacheMaxAge: 50, cooldownDuration: 0 });
    const scorer = scorerOver(keys);
    await scorer.scoreAsync(snapshotSignedBy(key), { now: NOW });
    const hits = endpoint.hits;
    await sleep(120);
    assert.equal(keys.fresh, false);
    await scorer.scoreAsync(snapshotSignedBy(key), { now: NOW });
    assert.equal(endpoint.hits, hits + 1, 'fetched again once stale');
    // The endpoint fails: the keys held stay in use, and the failure is there to see.
    endpoint.serve({ error: 'down' }, 503);
    await sleep(120);
    assert.equal((await scorer.scoreAsync(snapshotSignedBy(key), { now: NOW })).band, 'good');
    assert.equal(keys.lastError?.code, 'ERR_KEY_SET_UNAVAILABLE');
    assert.match(keys.lastError.message, /status 503/);
    await assert.rejects(keys.reload(), { code: 'ERR_KEY_SET_UNAVAILABLE' });
  });

  test('every way a first fetch fails is ERR_KEY_SET_UNAVAILABLE, and nothing is held', async () => {
    const answers = [
      [(response) => response.writeHead(404).end(), 'ERR_KEY_SET_UNAVAILABLE', /status 404/],
      [(response) => response.writeHead(302, { Location: 'http://127.0.0.1:9/jwks.json' }).end(), 'ERR_KEY_SET_UNAVAILABLE', /status 302/],
      [(response) => response.writeHead(200).end('{"keys": ['), 'ERR_KEY_SET_UNAVAILABLE', /is not usable: the JWKS is not JSON/],
      [(response) => response.writeHead(200).end(JSON.stringify({ keys: [{ kty: 'EC', kid: 'e' }] })), 'ERR_KEY_SET_UNAVAILABLE', /is not usable: the JWKS has no key edgescore can use/],
      [(response) => response.writeHead(200).end(' '.repeat(600 * 1024)), 'ERR_KEY_SET_UNAVAILABLE', /larger than/],
      [() => {}, 'ERR_KEY_SET_UNAVAILABLE', /no answer within 200 ms/],
    ];
    for (const [handler, code, message] of answers) {
      endpoint.handler = handler;
      const keys = createRemoteKeySet(endpoint.url, { timeoutDuration: 200 });
      await assert.rejects(scorerOver(keys).ready(), (error) => error instanceof EdgescoreError && error.code === code && message.test(error.message));
      assert.equal(keys.jwks(), undefined);
      assert.equal(keys.lastError.code, code);
    }
    const nowhere = createRemoteKeySet('http://127.0.0.1:9/jwks.json');
    await assert.rejects(nowhere.reload(), { code: 'ERR_KEY_SET_UNAVAILABLE', message: /could not be fetched/ });
  });

  test('concurrent uses share one fetch; a given fetch and headers are used', async () => {
    const key = issuerKey('shared-1');
    endpoint.serve({ keys: [key.jwk] });
    const seen = [];
    const keys = createRemoteKeySet(new URL(endpoint.url), {
      headers: { 'x-merchant': 'rentals' },
      fetch: (url, init) => {
        seen.push([url, init.headers['x-merchant'], init.redirect]);
        return fetch(url, init);
      },
    });
    const scorer = scorerOver(keys);
    const results = await Promise.all(Array.from({ length: 5 }, () => scorer.scoreAsync(snapshotSignedBy(key), { now: NOW })));
    assert.deepEqual(results.map((result) => result.band), Array(5).fill('good'));
    assert.deepEqual(seen, [[endpoint.url, 'rentals', 'manual']]);
    // Status lists need the issuer's keys too: addStatusListAsync fetches them as scoreAsync does.
    const demoKeys = createRemoteKeySet(endpoint.url);
    endpoint.serve(demo.jwks);
    const lists = new Scorer({ jwks: demoKeys, model: DEMO_CONSUMER_MODEL, audience: AUDIENCE });
    assert.equal((await lists.addStatusListAsync(demo.statusList, { now: NOW })).bits, 2);
  });

  test('options: jose names only; others refused with the name to use', () => {
    const cases = [
      [{ cooldown: 30 }, /use cooldownDuration/],
      [{ cacheMaxAgeSeconds: 600 }, /use cacheMaxAge/],
      [{ cacheMaxAge: -1 }, /milliseconds/],
      [{ fetch: 'no' }, /"fetch" must be a function/],
      [{ whatever: 1 }, /unknown key set option "whatever"/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => createRemoteKeySet('https://bureau.example/jwks.json', options), { code: 'ERR_CONFIG_INVALID', message });
    }
    assert.throws(() => createRemoteKeySet(42), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => createRemoteKeySet('not a url'), { code: 'ERR_CONFIG_INVALID' });
    assert.equal(createRemoteKeySet('https://bureau.example/jwks.json', { cacheMaxAge: Infinity }).url, 'https://bureau.example/jwks.json');
  });
});
