// Interoperability with jose, both ways: SD-JWTs whose JWTs jose signs (disclosures written
// here with node:crypto) verify and score in edgescore; the issuer JWTs, key-binding JWTs and
// models edgescore makes verify with jose.jwtVerify.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';

import * as jose from 'jose';

import { EdgescoreError, init, Scorer } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS } from 'edgescore/demo';
import { AUDIENCE, demoMaterial, NOW, readRepoFile } from './helpers.mjs';

let demo;
before(async () => {
  await init();
  demo = demoMaterial();
});

const sha256 = (text) => createHash('sha256').update(text).digest('base64url');

/** RFC 9901 disclosures of `features`, with fixed salts: `[encoded, digest]` each. */
function disclose(features) {
  return Object.entries(features).map(([name, value], index) => {
    const encoded = Buffer.from(JSON.stringify([`salt-${index}-0123456789`, name, value])).toString('base64url');
    return [encoded, sha256(encoded)];
  });
}

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
      const features = Object.fromEntries(demo.people.wang.snapshot.split('~').slice(1, -1)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url')).slice(1)));
      const disclosures = disclose(features);
      const jwt = await new jose.SignJWT({
        vct: 'edgescore.consumer.v1', features: { _sd: disclosures.map(([, digest]) => digest).sort() }, _sd_alg: 'sha-256', cnf,
      })
        .setProtectedHeader({ alg, typ: 'dc+sd-jwt', kid: issuerJwk.kid })
        .setIssuer('https://bureau.example')
        .setSubject('jose-person')
        .setJti(`jose-${alg}-1`)
        .setIssuedAt(NOW - 60)
        .setExpirationTime(NOW + 86400)
        .sign(issuer.privateKey);
      const hashed = `${jwt}~${disclosures.map(([encoded]) => `${encoded}~`).join('')}`;
      const kb = await new jose.SignJWT({ nonce: 'jose-nonce', sd_hash: sha256(hashed) })
        .setProtectedHeader({ alg, typ: 'kb+jwt' })
        .setAudience(AUDIENCE)
        .setIssuedAt(NOW - 5)
        .sign(holder.privateKey);
      const scorer = new Scorer({
        jwks: { keys: [issuerJwk] }, modelJwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, audience: AUDIENCE, issuers: ['https://bureau.example'],
      });
      const result = scorer.score(`${hashed}${kb}`, { now: NOW, nonce: 'jose-nonce', disclose: 'full' });
      assert.equal(result.band, 'good');
      assert.equal(result.score, 624);
      // One disclosure edited: its digest is in no signed payload.
      const edited = { ...features, monthly_income_band: 'over_20k' };
      const forged = `${jwt}~${disclose(edited).map(([encoded]) => `${encoded}~`).join('')}`;
      const forgedKb = await new jose.SignJWT({ nonce: 'jose-nonce', sd_hash: sha256(forged) })
        .setProtectedHeader({ alg, typ: 'kb+jwt' })
        .setAudience(AUDIENCE)
        .setIssuedAt(NOW - 5)
        .sign(holder.privateKey);
      assert.throws(
        () => scorer.score(`${forged}${forgedKb}`, { now: NOW, nonce: 'jose-nonce' }),
        (error) => error instanceof EdgescoreError && error.code === 'ERR_DISCLOSURE_INVALID',
      );
    });
  }
});

describe('edgescore signs, jose verifies', () => {
  test('the issuer JWTs of CLI snapshots verify with jose.jwtVerify against the exported JWKS', async () => {
    const keys = jose.createLocalJWKSet(demo.jwks);
    for (const person of Object.values(demo.people)) {
      const { payload, protectedHeader } = await jose.jwtVerify(person.snapshot.split('~')[0], keys, {
        issuer: 'https://demo-bureau.example',
        typ: 'dc+sd-jwt',
        currentDate: new Date(NOW * 1000),
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      });
      assert.equal(protectedHeader.alg, 'EdDSA');
      assert.equal(payload.sub, `demo-${person.id}`);
      assert.ok(payload.cnf.jwk.x);
      // Every disclosure's digest is listed in the signed payload.
      for (const part of person.snapshot.split('~').slice(1, -1)) assert.ok(payload.features._sd.includes(sha256(part)));
    }
  });

  test('key-binding JWTs verify with jose against the cnf key, sd_hash over the last ~', async () => {
    const { Holder } = await import('edgescore');
    const lin = demo.people.lin;
    const presentation = Holder.fromPrivateJwk(lin.holder).presentAll(lin.snapshot, { nonce: 'n-1', aud: AUDIENCE, now: NOW });
    const cnf = JSON.parse(Buffer.from(lin.snapshot.split('.')[1], 'base64url')).cnf.jwk;
    const kb = presentation.slice(presentation.lastIndexOf('~') + 1);
    const { payload } = await jose.jwtVerify(kb, await jose.importJWK(cnf, 'EdDSA'), {
      typ: 'kb+jwt', audience: AUDIENCE, currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.nonce, 'n-1');
    assert.equal(payload.sd_hash, sha256(presentation.slice(0, presentation.lastIndexOf('~') + 1)));
  });

  test('status list tokens verify with jose.jwtVerify', async () => {
    const { payload, protectedHeader } = await jose.jwtVerify(demo.statusList, jose.createLocalJWKSet(DEMO_JWKS), {
      typ: 'statuslist+jwt', currentDate: new Date(NOW * 1000), subject: 'https://demo-bureau.example/status/1',
    });
    assert.equal(protectedHeader.kid, 'demo-bureau-2026-11');
    assert.equal(payload.status_list.bits, 2);
    assert.equal(payload.ttl, 300);
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
