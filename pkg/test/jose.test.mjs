// Interoperability with jose, both ways: tokens signed by jose verify and score in edgescore;
// snapshots, presentations and models made by the edgescore CLI verify with jose.jwtVerify.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';

import * as jose from 'jose';

import { EdgescoreError, init, Scorer } from '../edgescore.js';
import { DEMO_JWKS } from '../wasm/demo.js';
import { AUDIENCE, demoMaterial, NOW, readRepoFile } from './helpers.mjs';

let demo;
before(async () => {
  await init();
  demo = demoMaterial();
});

const sdHash = (snapshot) => createHash('sha256').update(snapshot).digest('base64url');

async function keyPair(alg) {
  return alg === 'Ed25519'
    ? jose.generateKeyPair('Ed25519', { extractable: true })
    : jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
}

describe('jose signs, edgescore verifies and scores', () => {
  for (const alg of ['EdDSA', 'Ed25519']) {
    test(`snapshot and key-binding JWS with alg ${alg}`, async () => {
      const issuer = await keyPair(alg);
      const holder = await keyPair(alg);
      const issuerJwk = { ...(await jose.exportJWK(issuer.publicKey)), kid: `jose-${alg}`, use: 'sig' };
      const cnf = { jwk: await jose.exportJWK(holder.publicKey) };
      const features = JSON.parse(Buffer.from(demo.people.wang.snapshot.split('.')[1], 'base64url')).features;
      const snapshot = await new jose.SignJWT({ schema: 'edgescore.consumer.v1', features, cnf })
        .setProtectedHeader({ alg, typ: 'edgescore-snapshot+jwt', kid: issuerJwk.kid })
        .setIssuer('https://bureau.example')
        .setSubject('jose-person')
        .setJti(`jose-${alg}-1`)
        .setIssuedAt(NOW - 60)
        .setExpirationTime(NOW + 86400)
        .sign(issuer.privateKey);
      const presentation = await new jose.SignJWT({ nonce: 'jose-nonce', sd_hash: sdHash(snapshot) })
        .setProtectedHeader({ alg, typ: 'kb+jwt' })
        .setAudience(AUDIENCE)
        .setIssuedAt(NOW - 5)
        .sign(holder.privateKey);
      const scorer = new Scorer({ jwks: { keys: [issuerJwk] }, audience: AUDIENCE, issuers: ['https://bureau.example'] });
      const result = scorer.score(snapshot, { now: NOW, presentation, nonce: 'jose-nonce', disclose: 'full' });
      assert.equal(result.band, 'good');
      assert.equal(result.score, 624);
      // The same token with one feature edited must not verify.
      const [h, p, s] = snapshot.split('.');
      const edited = JSON.parse(Buffer.from(p, 'base64url'));
      edited.features.monthly_income_band = 'over_20k';
      assert.throws(
        () => scorer.score(`${h}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${s}`, { now: NOW, presentation, nonce: 'jose-nonce' }),
        (error) => error instanceof EdgescoreError && error.code === 'ERR_SIGNATURE_INVALID',
      );
    });
  }
});

describe('edgescore signs, jose verifies', () => {
  test('CLI snapshots verify with jose.jwtVerify against the exported JWKS', async () => {
    const keys = jose.createLocalJWKSet(demo.jwks);
    for (const person of Object.values(demo.people)) {
      const { payload, protectedHeader } = await jose.jwtVerify(person.snapshot, keys, {
        issuer: 'https://demo-bureau.example',
        typ: 'edgescore-snapshot+jwt',
        currentDate: new Date(NOW * 1000),
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      });
      assert.equal(protectedHeader.alg, 'EdDSA');
      assert.equal(payload.sub, `demo-${person.id}`);
      assert.ok(payload.cnf.jwk.x);
    }
  });

  test('CLI presentations verify with jose against the cnf key', async () => {
    const { Holder } = await import('../edgescore.js');
    const lin = demo.people.lin;
    const presentation = Holder.fromPrivateJwk(lin.holder).present(lin.snapshot, { nonce: 'n-1', aud: AUDIENCE, now: NOW });
    const cnf = JSON.parse(Buffer.from(lin.snapshot.split('.')[1], 'base64url')).cnf.jwk;
    const { payload } = await jose.jwtVerify(presentation, await jose.importJWK(cnf, 'EdDSA'), {
      typ: 'kb+jwt', audience: AUDIENCE, currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.nonce, 'n-1');
    assert.equal(payload.sd_hash, sdHash(lin.snapshot));
  });

  test('signed models verify with jose.jwtVerify', async () => {
    const keys = jose.createLocalJWKSet(DEMO_JWKS);
    for (const token of [demo.models.consumer, demo.models.seller]) {
      const { payload, protectedHeader } = await jose.jwtVerify(token, keys, { typ: 'edgescore-model+jwt' });
      assert.equal(protectedHeader.kid, 'demo-bureau-2026-11');
      assert.equal(payload.format_version, 2);
      assert.ok(payload.characteristics.length > 0);
    }
  });
});

test('the RFC 8037 Appendix A.4 JWS verifies with jose and the A.2 key', async () => {
  const vectors = readRepoFile('tests/vectors/rfc8037.txt');
  const compact = vectors.split('JWS (compact)')[1].split('\n')[1].trim();
  const x = vectors.match(/"x":"([A-Za-z0-9_-]{43})"/)[1];
  const key = await jose.importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA');
  const { payload } = await jose.compactVerify(compact, key);
  assert.equal(new TextDecoder().decode(payload), 'Example of Ed25519 signing');
});
