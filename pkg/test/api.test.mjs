// The JavaScript API in Node: names, results, errors, holders, nonces, batches, traps.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import {
  __testing,
  EdgescoreError,
  ERROR_CODES,
  Holder,
  init,
  newNonce,
  Scorer,
} from '../edgescore.js';
import { AUDIENCE, cli, demoMaterial, NOW } from './helpers.mjs';

let demo;
before(async () => {
  await init();
  await init(); // idempotent
  demo = demoMaterial();
});

function presentFor(id, nonce, aud = AUDIENCE) {
  const person = demo.people[id];
  return Holder.fromPrivateJwk(person.holder).present(person.snapshot, { nonce, aud, now: NOW });
}

describe('Scorer', () => {
  test('scores a bound snapshot with its presentation, band disclosure by default', () => {
    const scorer = new Scorer({ jwks: demo.jwks, audience: AUDIENCE });
    const nonce = newNonce();
    const result = scorer.score(demo.people.lin.snapshot, {
      now: NOW,
      nonce,
      presentation: presentFor('lin', nonce),
      context: { deposit: 39900 },
    });
    assert.equal(result.band, 'excellent');
    assert.equal(result.decision, 'deposit_free');
    assert.equal(result.deposit, 0);
    assert.equal(result.disclosure, 'band');
    assert.equal(result.model.id, 'demo-consumer');
    assert.equal(result.score, undefined);
    assert.equal(result.reasons, undefined);
  });

  test('full disclosure carries score, dimensions and reasons in two languages', () => {
    const scorer = new Scorer({ jwks: JSON.stringify(demo.jwks), audience: AUDIENCE });
    const result = scorer.score(demo.people.wang.snapshot, {
      now: NOW,
      nonce: 'n1',
      presentation: presentFor('wang', 'n1'),
      disclose: 'full',
    });
    assert.equal(result.score, 624);
    assert.deepEqual(Object.keys(result.dimensions), [
      'credit_history', 'behaviour_preferences', 'fulfilment_capacity', 'identity_traits', 'relationships',
    ]);
    assert.deepEqual(result.reasons.map((r) => r.code), ['R13', 'R04', 'R19', 'R18']);
    assert.ok(result.reasons.every((r) => r.text.en && r.text.zh));
  });

  test('gives the same result, field for field, as the CLI', () => {
    const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.seller, policy: demo.policy, audience: AUDIENCE });
    const kbFile = `${demo.dir}/mei.kb.jwt`;
    const presented = cli(['present', `${demo.dir}/people/mei.snapshot.jwt`, '--holder', `${demo.dir}/people/mei.holder.jwk.json`,
      '--nonce', 'same-nonce', '--aud', AUDIENCE, '--now', String(NOW), '--out', kbFile]);
    assert.equal(presented.code, 0);
    const kb = presentFor('mei', 'same-nonce');
    const wasm = scorer.score(demo.people.mei.snapshot, {
      now: NOW, nonce: 'same-nonce', presentation: kb, disclose: 'full', context: { deposit: 300000 },
    });
    const native = cli(['score', `${demo.dir}/people/mei.snapshot.jwt`, '--model', `${demo.dir}/seller.model.jws`,
      '--aud', AUDIENCE, '--now', String(NOW), '--nonce', 'same-nonce', '--presentation', kbFile, '--disclose', 'full',
      '--deposit', '300000']);
    assert.equal(native.code, 0);
    assert.equal(JSON.stringify(wasm), JSON.stringify(JSON.parse(native.stdout)));
    // Ed25519 is deterministic: the package and the CLI make the same presentation.
    assert.equal(kb, readFileSync(kbFile, 'utf8').trim());
  });

  test('rejections are EdgescoreError with a stable code', () => {
    const scorer = new Scorer({ jwks: demo.jwks, audience: AUDIENCE });
    const cases = [
      [() => scorer.score('not a token', { now: NOW }), 'ERR_MALFORMED'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW }), 'ERR_HOLDER_BINDING'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW + 40 * 86400 }), 'ERR_EXPIRED'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, nonce: 'other', presentation: presentFor('lin', 'n') }), 'ERR_NONCE_MISMATCH'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, nonce: 'n', presentation: presentFor('lin', 'n', 'https://elsewhere.example') }), 'ERR_AUDIENCE'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, nonce: 'n', presentation: presentFor('chen', 'n') }), 'ERR_HOLDER_BINDING'],
      [() => scorer.score(demo.people.mei.snapshot, { now: NOW, nonce: 'n', presentation: presentFor('mei', 'n') }), 'ERR_SCHEMA_MISMATCH'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW + 0.5 }), 'ERR_CONFIG_INVALID'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, disclose: 'everything' }), 'ERR_CONFIG_INVALID'],
      [() => scorer.score(demo.people.lin.snapshot, { now: NOW, context: { desposit: 1 } }), 'ERR_CONTEXT_INVALID'],
      [() => scorer.score(42, { now: NOW }), 'ERR_MALFORMED'],
      [() => new Scorer({}), 'ERR_CONFIG_INVALID'],
      [() => new Scorer(null), 'ERR_CONFIG_INVALID'],
      [() => new Scorer({ jwks: { keys: [] } }), 'ERR_KEY_INVALID'],
      [() => new Scorer({ jwks: demo.jwks, model: 'x.y.z' }), 'ERR_MALFORMED'],
      [() => new Scorer({ jwks: demo.jwks, policy: { format_version: 2 } }), 'ERR_UNSUPPORTED_VERSION'],
      [() => new Scorer({ jwks: demo.jwks, leewaySeconds: 1e9 }), 'ERR_CONFIG_INVALID'],
      [() => new Scorer({ jwks: demo.jwks, leewway: 10 }), 'ERR_CONFIG_INVALID'],
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
    const scorer = new Scorer({ jwks: demo.jwks, audience: AUDIENCE });
    const items = ['lin', 'chen', 'wang', 'zhao', 'liu'].map((id) => ({
      snapshot: demo.people[id].snapshot,
      nonce: `n-${id}`,
      presentation: presentFor(id, `n-${id}`),
      context: { deposit: 39900 },
    }));
    items.push({ snapshot: 'garbage' }, { nonce: 'no snapshot' }, 42, null, { snapshot: demo.people.lin.snapshot });
    const batch = scorer.scoreBatch(items, { now: NOW });
    assert.equal(batch.length, items.length);
    assert.deepEqual(batch.slice(0, 5).map((entry) => entry.result.band), ['excellent', 'very_good', 'good', 'fair', 'poor']);
    assert.deepEqual(batch.slice(5).map((entry) => entry.ok || entry.error.code),
      ['ERR_MALFORMED', 'ERR_MALFORMED', 'ERR_MALFORMED', 'ERR_MALFORMED', 'ERR_HOLDER_BINDING']);
    for (const [index, item] of items.slice(0, 5).entries()) {
      assert.deepEqual(batch[index].result, scorer.score(item.snapshot, { ...item, now: NOW }));
    }
    assert.throws(() => scorer.scoreBatch('nope'), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => scorer.scoreBatch([], { now: 1.5 }), { code: 'ERR_CONFIG_INVALID' });
  });

  test('modelInfo declares every characteristic with its weight', () => {
    const info = new Scorer({ jwks: demo.jwks }).modelInfo();
    assert.equal(info.id, 'demo-consumer');
    assert.equal(info.characteristics.length, 14);
    // Weight = the points a characteristic can move (max − min), as a share of all: credit history
    // 163 of 393, behaviour 47, fulfilment 62, identity 89, relationships 32.
    assert.deepEqual(info.dimensions.map((d) => d.weight_percent), [41, 12, 16, 23, 8]);
    assert.ok(info.characteristics.every((c) => c.label.en && c.label.zh && c.weight_percent > 0));
  });
});

describe('Holder and nonces', () => {
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
    const a = holder.present(demo.people.lin.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW });
    const b = kept.present(demo.people.lin.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW });
    assert.equal(a, b);
    assert.throws(() => Holder.fromPrivateJwk({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }), { code: 'ERR_KEY_INVALID' });
    assert.throws(() => holder.present(demo.people.lin.snapshot, { aud: AUDIENCE }), { code: 'ERR_MALFORMED' });
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

describe('traps', () => {
  test('a trap re-instantiates the module and scorers and holders keep working', () => {
    const scorer = new Scorer({ jwks: demo.jwks, audience: AUDIENCE });
    const holder = Holder.fromPrivateJwk(demo.people.wang.holder);
    const before = scorer.score(demo.people.wang.snapshot, {
      now: NOW, nonce: 'n', presentation: holder.present(demo.people.wang.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW }),
    });
    const generation = __testing.instance();
    assert.throws(() => __testing.trap(), (error) => error instanceof EdgescoreError && error.code === 'ERR_INTERNAL');
    assert.ok(__testing.instance() > generation, 'the module was re-instantiated');
    const after = scorer.score(demo.people.wang.snapshot, {
      now: NOW, nonce: 'n', presentation: holder.present(demo.people.wang.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW }),
    });
    assert.deepEqual(after, before);
    assert.equal(newNonce().length, 22);
    const batch = scorer.scoreBatch([{ snapshot: demo.people.liu.snapshot }], { now: NOW });
    assert.equal(batch[0].error.code, 'ERR_HOLDER_BINDING');
  });
});
