// The JavaScript API in Node: names, results, errors, holders, nonces, batches, traps.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import * as jose from 'jose';

import {
  disclosableNames,
  disclosuresFor,
  EdgescoreError,
  ERROR_CODES,
  Holder,
  init,
  newNonce,
  Scorer,
} from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from 'edgescore/demo';
import { AUDIENCE, cli, demoMaterial, NOW, readRepoFile } from './helpers.mjs';

let demo;
before(async () => {
  await init();
  await init(); // idempotent
  demo = demoMaterial();
});

/** Every feature of `id`'s snapshot, bound to `nonce` and `aud` at `now`. */
function presentFor(id, nonce, aud = AUDIENCE, now = NOW) {
  const person = demo.people[id];
  return Holder.fromPrivateJwk(person.holder).presentAll(person.snapshot, { nonce, aud, now });
}

/** A scorer holding the demo status list (added at the tests' clock). */
function scorerWith(config = {}) {
  const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE, ...config });
  scorer.addStatusList(demo.statusList, { now: NOW });
  return scorer;
}

describe('Scorer', () => {
  test('scores a bound snapshot with its presentation, band disclosure by default', () => {
    const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE });
    const info = scorer.addStatusList(demo.statusList, { now: NOW });
    assert.deepEqual(info, {
      uri: 'https://demo-bureau.example/status/1', iss: 'https://demo-bureau.example', iat: NOW, exp: NOW + 86400, ttl: 300, bits: 2, size: 64,
    });
    const nonce = newNonce();
    const result = scorer.score(presentFor('lin', nonce), { now: NOW, nonce, context: { deposit: 39900 } });
    assert.equal(result.band, 'excellent');
    assert.equal(result.decision, 'deposit_free');
    assert.equal(result.status, 'valid');
    assert.equal(result.deposit, 0);
    assert.equal(result.disclosure, 'band');
    assert.equal(result.model.id, 'demo-consumer');
    assert.equal(result.score, undefined);
    assert.equal(result.reasons, undefined);
    // Without a status list the default policy refers, and the result says why.
    const unknown = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE }).score(presentFor('lin', 'n2'), { now: NOW, nonce: 'n2' });
    assert.deepEqual([unknown.decision, unknown.rule, unknown.status], ['refer', 'status-unavailable', 'unavailable']);
  });

  test('full disclosure carries score, dimensions and reasons in two languages', () => {
    const scorer = new Scorer({ jwks: JSON.stringify(demo.jwks), model: demo.models.consumer, audience: AUDIENCE });
    scorer.addStatusList(demo.statusList, { now: NOW });
    const result = scorer.score(presentFor('wang', 'n1'), { now: NOW, nonce: 'n1', disclose: 'full' });
    assert.equal(result.score, 624);
    assert.deepEqual(Object.keys(result.dimensions), [
      'credit_history', 'behaviour_preferences', 'fulfilment_capacity', 'identity_traits', 'relationships',
    ]);
    assert.deepEqual(result.reasons.map((r) => r.code), ['R13', 'R04', 'R19', 'R18']);
    assert.ok(result.reasons.every((r) => r.text.en && r.text.zh));
  });

  test('gives the same result, field for field, as the CLI, from the same request', () => {
    const scorer = scorerWith({ model: demo.models.seller, policy: demo.policy });
    const request = scorer.presentationRequest({ nonce: 'same-nonce', expiresAt: NOW + 120 });
    assert.equal(request.features.length, 11);
    assert.equal(request.model.vct, 'edgescore.seller.v1');
    const requestFile = `${demo.dir}/mei.request.json`;
    writeFileSync(requestFile, JSON.stringify(request));
    const nativeRequest = cli(['request', '--model', `${demo.dir}/seller.model.jws`, '--aud', AUDIENCE, '--nonce', 'same-nonce',
      '--ttl', '120', '--now', String(NOW)]);
    assert.deepEqual(JSON.parse(nativeRequest.stdout), request);
    const presentationFile = `${demo.dir}/mei.presentation`;
    const presented = cli(['present', `${demo.dir}/people/mei.sd-jwt`, '--holder', `${demo.dir}/people/mei.holder.jwk.json`,
      '--request', requestFile, '--now', String(NOW), '--out', presentationFile]);
    assert.equal(presented.code, 0);
    const presentation = Holder.fromPrivateJwk(demo.people.mei.holder).present(demo.people.mei.snapshot, request, { now: NOW });
    const wasm = scorer.score(presentation, { now: NOW, nonce: 'same-nonce', disclose: 'full', context: { deposit: 300000 } });
    const native = cli(['score', presentationFile, '--model', `${demo.dir}/seller.model.jws`, '--aud', AUDIENCE,
      '--now', String(NOW), '--nonce', 'same-nonce', '--status-list', `${demo.dir}/status-list.jwt`, '--disclose', 'full',
      '--deposit', '300000']);
    assert.equal(native.code, 0);
    assert.equal(JSON.stringify(wasm), JSON.stringify(JSON.parse(native.stdout)));
    // Ed25519 is deterministic: the package and the CLI make the same presentation.
    assert.equal(presentation, readFileSync(presentationFile, 'utf8').trim());
  });

  test('rejections are EdgescoreError with a stable code', () => {
    const scorer = scorerWith();
    const withheld = Holder.fromPrivateJwk(demo.people.lin.holder).present(demo.people.lin.snapshot, {
      ...scorer.presentationRequest({ nonce: 'n', expiresAt: NOW + 60 }),
      features: ['defaults_24m'],
    }, { now: NOW });
    const cases = [
      [() => scorer.score('not a token', { now: NOW }), 'ERR_MALFORMED'],
      [() => scorer.score(demo.people.lin.snapshot.split('~')[0], { now: NOW }), 'ERR_MALFORMED'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW }), 'ERR_HOLDER_BINDING'],
      [() => scorer.score(presentFor('lin', 'n'), { now: NOW + 40 * 86400, nonce: 'n' }), 'ERR_EXPIRED'],
      [() => scorer.score(presentFor('lin', 'n'), { now: NOW, nonce: 'other' }), 'ERR_NONCE_MISMATCH'],
      [() => scorer.score(presentFor('lin', 'n', 'https://elsewhere.example'), { now: NOW, nonce: 'n' }), 'ERR_AUDIENCE'],
      [() => scorer.score(presentFor('chen', 'n').replace(/^[^~]+/, demo.people.lin.snapshot.split('~')[0]), { now: NOW, nonce: 'n' }), 'ERR_DISCLOSURE_INVALID'],
      [() => scorer.score(presentFor('mei', 'n'), { now: NOW, nonce: 'n' }), 'ERR_SCHEMA_MISMATCH'],
      [() => scorer.score(withheld, { now: NOW, nonce: 'n' }), 'ERR_FEATURE_NOT_DISCLOSED'],
      [() => scorer.addStatusList('a.b.c', { now: NOW }), 'ERR_MALFORMED'],
      [() => scorer.addStatusList(demo.people.lin.snapshot.split('~')[0], { now: NOW }), 'ERR_WRONG_TYPE'],
      [() => scorer.addStatusList(demo.statusList, { now: NOW + 2 * 86400 }), 'ERR_EXPIRED'],
      [() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, statusLists: 'x' }), 'ERR_CONFIG_INVALID'],
      // At construction, lists are added at the current time: this one expired a day after NOW.
      [() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, statusLists: [demo.statusList] }), 'ERR_EXPIRED'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW + 0.5 }), 'ERR_CONFIG_INVALID'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, disclose: 'everything' }), 'ERR_CONFIG_INVALID'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, context: { desposit: 1 } }), 'ERR_CONTEXT_INVALID'],
      [() => scorer.score(42, { now: NOW }), 'ERR_MALFORMED'],
      [() => new Scorer({}), 'ERR_CONFIG_INVALID'],
      [() => new Scorer(null), 'ERR_CONFIG_INVALID'],
      [() => new Scorer({ jwks: { keys: [] }, model: demo.models.consumer }), 'ERR_KEY_INVALID'],
      [() => new Scorer({ jwks: demo.jwks, model: 'x.y.z' }), 'ERR_MALFORMED'],
      [() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, policy: { format_version: 3 } }), 'ERR_UNSUPPORTED_VERSION'],
      [() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, leewaySeconds: 1e9 }), 'ERR_CONFIG_INVALID'],
      [() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, leewway: 10 }), 'ERR_CONFIG_INVALID'],
    ];
    for (const [call, code] of cases) {
      assert.throws(call, (error) => {
        assert.ok(error instanceof EdgescoreError, `${code}: ${error}`);
        assert.ok(error instanceof Error);
        assert.equal(error.name, 'EdgescoreError');
        assert.equal(error.code, code, error.message);
        assert.ok(ERROR_CODES.includes(error.code));
        assert.ok(error.message.length > 0);
        return true;
      });
    }
  });

  test('scoreBatch: one entry per item, a bad item never throws', () => {
    const scorer = scorerWith();
    const items = ['lin', 'chen', 'wang', 'zhao', 'liu'].map((id) => ({
      nonce: `n-${id}`,
      presentation: presentFor(id, `n-${id}`),
      context: { deposit: 39900 },
    }));
    items.push({ presentation: 'garbage' }, { nonce: 'no presentation' }, 42, null, { presentation: demo.people.lin.snapshot });
    const batch = scorer.scoreBatch(items, { now: NOW });
    assert.equal(batch.length, items.length);
    assert.deepEqual(batch.slice(0, 5).map((entry) => entry.result.band), ['excellent', 'very_good', 'good', 'fair', 'poor']);
    assert.deepEqual(batch.slice(5).map((entry) => entry.ok || entry.error.code),
      ['ERR_MALFORMED', 'ERR_MALFORMED', 'ERR_MALFORMED', 'ERR_MALFORMED', 'ERR_HOLDER_BINDING']);
    for (const [index, item] of items.slice(0, 5).entries()) {
      assert.deepEqual(batch[index].result, scorer.score(item.presentation, { ...item, now: NOW }));
    }
    assert.throws(() => scorer.scoreBatch('nope'), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => scorer.scoreBatch([], { now: 1.5 }), { code: 'ERR_CONFIG_INVALID' });
  });

  test('modelInfo declares every characteristic with its weight', () => {
    const info = new Scorer({ jwks: demo.jwks, model: demo.models.consumer }).modelInfo();
    assert.equal(info.id, 'demo-consumer');
    assert.equal(info.characteristics.length, 14);
    // Weight = the points a characteristic can move (max − min), as a share of all: credit history
    // 163 of 393, behaviour 47, fulfilment 62, identity 89, relationships 32.
    assert.deepEqual(info.dimensions.map((d) => d.weight_percent), [41, 12, 16, 23, 8]);
    assert.ok(info.characteristics.every((c) => c.label.en && c.label.zh && c.weight_percent > 0));
  });
});

describe('Holder and nonces', () => {
  test('a holder discloses exactly what the request asks for, and can say so first', () => {
    const consumer = scorerWith();
    const seller = scorerWith({ model: demo.models.seller });
    const request = {
      ...consumer.presentationRequest({ nonce: 'n-9', expiresAt: NOW + 120 }),
      alternatives: [(({ features, model }) => ({ features, model }))(seller.presentationRequest({ nonce: 'n-9', expiresAt: NOW + 120 }))],
    };
    assert.equal(disclosableNames(demo.people.lin.snapshot).length, 20);
    const mine = disclosuresFor(demo.people.lin.snapshot, request);
    assert.deepEqual(mine, { aud: AUDIENCE, features: request.features, model: request.model });
    const theirs = disclosuresFor(demo.people.mei.snapshot, request);
    assert.deepEqual(theirs.features, request.alternatives[0].features);
    assert.equal(theirs.model.vct, 'edgescore.seller.v1');
    const six = { ...request, features: request.features.slice(0, 6), alternatives: [] };
    const presentation = Holder.fromPrivateJwk(demo.people.lin.holder).present(demo.people.lin.snapshot, six, { now: NOW });
    const disclosed = presentation.split('~').slice(1, -1)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString())[1]);
    assert.deepEqual(disclosed, six.features);
    assert.ok(presentation.split('~').at(-1).startsWith('eyJ'), 'ends with the key-binding JWT');
    const sellerPresentation = Holder.fromPrivateJwk(demo.people.mei.holder).present(demo.people.mei.snapshot, request, { now: NOW });
    assert.equal(seller.score(sellerPresentation, { now: NOW, nonce: 'n-9' }).status, 'valid');
    assert.throws(() => Holder.fromPrivateJwk(demo.people.lin.holder).present(demo.people.lin.snapshot, { ...request, extra: 1 }),
      { code: 'ERR_CONFIG_INVALID' });
  });

  test('a revoked snapshot is refused once the scorer holds the newer list', () => {
    const scorer = scorerWith();
    const presentation = presentFor('zhao', 'n-r');
    assert.equal(scorer.score(presentation, { now: NOW, nonce: 'n-r' }).status, 'valid');
    const revoked = `${demo.dir}/revoked.jwt`;
    const changed = cli(['revoke', '--status-list', `${demo.dir}/status-list.jwt`, '--out', revoked, '--issued', `${demo.dir}/issued.jsonl`,
      '--sub', 'demo-zhao', '--demo-key', '--now', String(NOW + 60)]);
    assert.equal(changed.code, 0, changed.stdout);
    const token = readFileSync(revoked, 'utf8').trim();
    assert.equal(scorer.addStatusList(token, { now: NOW + 60 }).iat, NOW + 60);
    assert.throws(() => scorer.score(presentation, { now: NOW + 60, nonce: 'n-r' }), { code: 'ERR_REVOKED' });
    // The older list cannot roll the revocation back.
    assert.throws(() => scorer.addStatusList(demo.statusList, { now: NOW + 60 }), { code: 'ERR_STATUS_LIST_INVALID' });
    assert.equal(scorer.score(presentFor('lin', 'n-l'), { now: NOW + 60, nonce: 'n-l' }).status, 'valid');
  });

  test('a generated holder keeps its key through a private JWK', () => {
    const holder = Holder.generate();
    const jwk = holder.publicJwk();
    assert.equal(jwk.kty, 'OKP');
    assert.equal(jwk.crv, 'Ed25519');
    assert.equal(Buffer.from(jwk.x, 'base64url').length, 32);
    assert.equal(jwk.d, undefined);
    const kept = Holder.fromPrivateJwk(holder.toPrivateJwk());
    assert.deepEqual(kept.publicJwk(), jwk);
    assert.notDeepEqual(Holder.generate().publicJwk(), jwk);
    const a = holder.presentAll(demo.people.lin.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW });
    const b = kept.presentAll(demo.people.lin.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW });
    assert.equal(a, b);
    assert.throws(() => Holder.fromPrivateJwk({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }), { code: 'ERR_KEY_INVALID' });
    assert.throws(() => holder.presentAll(demo.people.lin.snapshot, { aud: AUDIENCE }), { code: 'ERR_MALFORMED' });
    assert.throws(() => holder.present(demo.people.lin.snapshot, null), { code: 'ERR_CONFIG_INVALID' });
  });

  test('newNonce gives 16 random bytes, base64url, never twice', () => {
    const seen = new Set();
    for (let i = 0; i < 1000; i += 1) {
      const nonce = newNonce();
      assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
      assert.equal(Buffer.from(nonce, 'base64url').length, 16);
      seen.add(nonce);
    }
    assert.equal(seen.size, 1000);
  });
});

describe('results, errors and options', () => {
  test('every result carries the verified claims, whatever the disclosure', async () => {
    const scorer = scorerWith();
    const lin = demo.people.lin;
    const jkt = await jose.calculateJwkThumbprint(Holder.fromPrivateJwk(lin.holder).publicJwk(), 'sha256');
    const payload = JSON.parse(Buffer.from(lin.snapshot.split('.')[1], 'base64url'));
    const expected = { iss: 'https://demo-bureau.example', sub: 'demo-lin', jti: payload.jti, iat: payload.iat, exp: payload.exp, cnf: { jkt } };
    assert.ok(typeof payload.jti === 'string');
    for (const disclose of ['band', 'full']) {
      const result = scorer.score(presentFor('lin', 'n-c'), { now: NOW, nonce: 'n-c', disclose });
      assert.deepEqual(result.claims, expected, disclose);
    }
    // An unbound snapshot: no cnf.
    const unbound = readRepoFile('tests/vectors/issued-batch.jsonl').split('\n')[0];
    const line = JSON.parse(unbound);
    const scored = new Scorer({ jwks: DEMO_JWKS, model: line.expect.model === 'demo-seller' ? DEMO_SELLER_MODEL : DEMO_CONSUMER_MODEL })
      .score(line.snapshot, { now: line.iat + 3600 });
    assert.equal(scored.claims.cnf, undefined);
    assert.equal(scored.claims.iat, line.iat);
  });

  test('errors name the claim or feature at fault, and how its check failed', () => {
    const scorer = scorerWith();
    const withheld = Holder.fromPrivateJwk(demo.people.lin.holder).present(demo.people.lin.snapshot, {
      ...scorer.presentationRequest({ nonce: 'n', expiresAt: NOW + 60 }),
      features: ['defaults_24m'],
    }, { now: NOW });
    const missing = scorer.presentationRequest({ nonce: 'n', expiresAt: NOW + 60 }).features.find((name) => name !== 'defaults_24m');
    const cases = [
      [() => scorer.score(presentFor('lin', 'n'), { now: NOW + 40 * 86400, nonce: 'n' }), 'ERR_EXPIRED', 'exp', 'check_failed'],
      [() => scorer.score(presentFor('lin', 'n'), { now: NOW, nonce: 'other' }), 'ERR_NONCE_MISMATCH', 'nonce', 'check_failed'],
      [() => scorer.score(presentFor('lin', 'n'), { now: NOW }), 'ERR_HOLDER_BINDING', 'nonce', 'check_failed'],
      [() => scorer.score(presentFor('lin', 'n', 'https://elsewhere.example'), { now: NOW, nonce: 'n' }), 'ERR_AUDIENCE', 'aud', 'check_failed'],
      [() => scorer.score(presentFor('mei', 'n'), { now: NOW, nonce: 'n' }), 'ERR_SCHEMA_MISMATCH', 'vct', 'check_failed'],
      [() => scorer.score(withheld, { now: NOW, nonce: 'n' }), 'ERR_FEATURE_NOT_DISCLOSED', missing, 'missing'],
      [() => scorerWith({ issuers: ['https://other.example'] }).score(presentFor('lin', 'n'), { now: NOW, nonce: 'n' }), 'ERR_ISSUER', 'iss', 'check_failed'],
      [() => scorerWith({ maxAgeSeconds: 60 }).score(presentFor('lin', 'n', AUDIENCE, NOW + 3600), { now: NOW + 3600, nonce: 'n' }), 'ERR_TOO_OLD', 'iat', 'check_failed'],
      [() => scorerWith({ requireBinding: true }).score(demo.people.liu.snapshot, { now: NOW }), 'ERR_HOLDER_BINDING', undefined, undefined],
      [() => scorer.score('not a token', { now: NOW }), 'ERR_MALFORMED', undefined, undefined],
    ];
    for (const [call, code, claim, reason] of cases) {
      assert.throws(call, (error) => {
        assert.ok(error instanceof EdgescoreError, String(error));
        assert.deepEqual([error.code, error.claim, error.reason], [code, claim, reason], error.message);
        return true;
      });
    }
    const [entry] = scorer.scoreBatch([{ presentation: presentFor('lin', 'n'), nonce: 'other' }], { now: NOW });
    assert.deepEqual(entry.error, { code: 'ERR_NONCE_MISMATCH', message: entry.error.message, claim: 'nonce', reason: 'check_failed' });
  });

  test('audience: a string or several; requests name the first', () => {
    const scorer = scorerWith({ audience: ['https://www.rentals.example', AUDIENCE] });
    assert.equal(scorer.presentationRequest({ nonce: 'n', expiresAt: NOW + 60 }).aud, 'https://www.rentals.example');
    for (const aud of ['https://www.rentals.example', AUDIENCE]) {
      assert.equal(scorer.score(presentFor('lin', 'n', aud), { now: NOW, nonce: 'n' }).band, 'excellent', aud);
    }
    assert.throws(() => scorer.score(presentFor('lin', 'n', 'https://third.example'), { now: NOW, nonce: 'n' }), { code: 'ERR_AUDIENCE' });
    assert.throws(() => scorerWith({ audience: [AUDIENCE, 42] }), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => scorerWith({ audience: [''] }), { code: 'ERR_CONFIG_INVALID' });
  });

  test("jose's option names: the same meaning, or refused with what to use instead", () => {
    const lin = (now) => presentFor('lin', 'n', AUDIENCE, now);
    const payload = JSON.parse(Buffer.from(demo.people.lin.snapshot.split('.')[1], 'base64url'));
    const late = payload.exp + 90;
    assert.throws(() => scorerWith().score(lin(late), { now: late, nonce: 'n' }), { code: 'ERR_EXPIRED' });
    for (const clockTolerance of ['2 minutes', '120s', 120, '2m']) {
      assert.equal(scorerWith({ clockTolerance }).score(lin(late), { now: late, nonce: 'n' }).band, 'excellent', String(clockTolerance));
    }
    assert.throws(() => scorerWith({ maxTokenAge: '1 hour' }).score(lin(NOW + 7200), { now: NOW + 7200, nonce: 'n' }), { code: 'ERR_TOO_OLD' });
    assert.equal(scorerWith({ maxTokenAge: '1 day' }).score(lin(NOW + 7200), { now: NOW + 7200, nonce: 'n' }).band, 'excellent');
    assert.throws(() => scorerWith({ issuer: 'https://other.example' }).score(lin(NOW), { now: NOW, nonce: 'n' }), { code: 'ERR_ISSUER' });
    assert.equal(scorerWith({ issuer: 'https://demo-bureau.example', typ: 'dc+sd-jwt' }).score(lin(NOW), { now: NOW, nonce: 'n' }).band, 'excellent');
    const refused = [
      [{ algorithms: ['EdDSA'] }, /"algorithms": edgescore accepts EdDSA and Ed25519 only/],
      [{ currentDate: new Date() }, /score\(presentation, \{ now \}\)/],
      [{ requiredClaims: ['exp'] }, /always requires/],
      [{ subject: 'demo-lin' }, /result\.claims\.sub/],
      [{ typ: 'JWT' }, /dc\+sd-jwt/],
      [{ clockTolerance: 'soon' }, /time span/],
      [{ clockTolerance: 30, leewaySeconds: 30 }, /"clockTolerance" and "leewaySeconds" mean the same thing/],
      [{ leewway: 10 }, /did you mean "leewaySeconds"/],
      [{ audiences: [AUDIENCE] }, /use "audience"/],
      [{ model: undefined }, /"model" .* is required; the demo models are exported by "edgescore\/demo"/],
    ];
    for (const [options, message] of refused) {
      assert.throws(() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, ...options }), { code: 'ERR_CONFIG_INVALID', message });
    }
  });

  test('ERROR_CODES lists every code once, and tells a code from any string', () => {
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
    assert.ok(ERROR_CODES.includes('ERR_KEY_SET_UNAVAILABLE') && ERROR_CODES.includes('ERR_INTERNAL'));
    assert.ok(!ERROR_CODES.includes('ERR_DATA_INVALID'), 'the model lifecycle code is not the package\'s');
    assert.ok(Object.isFrozen(ERROR_CODES));
  });
});
