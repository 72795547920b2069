// Decision receipts in the package: a scorer with the merchant's key signs one per decision;
// verifyReceipt reads it back (and so does jose, and the CLI); every refusal has its code.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { compactVerify, importJWK } from 'jose';

import { EdgescoreError, Holder, init, Scorer, verifyReceipt } from 'edgescore';
import { AUDIENCE, cli, demoMaterial, NOW } from './helpers.mjs';

let demo;
let merchant; // { privateJwk, jwks }
before(async () => {
  await init();
  demo = demoMaterial();
  const dir = mkdtempSync(join(tmpdir(), 'edgescore-receipt-'));
  const [privatePath, jwksPath] = [join(dir, 'merchant.jwk.json'), join(dir, 'merchant.jwks.json')];
  assert.equal(cli(['keygen', '--kid', 'merchant-1', '--private', privatePath, '--jwks', jwksPath]).code, 0);
  merchant = { privateJwk: JSON.parse(readFileSync(privatePath, 'utf8')), jwks: JSON.parse(readFileSync(jwksPath, 'utf8')), dir, jwksPath };
});

function scorer(config = {}) {
  const made = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE, receiptKey: merchant.privateJwk, ...config });
  made.addStatusList(demo.statusList, { now: NOW });
  return made;
}

const presentation = (nonce) => Holder.fromPrivateJwk(demo.people.lin.holder).presentAll(demo.people.lin.snapshot, { nonce, aud: AUDIENCE, now: NOW });
const context = { deposit: 39900, currency: 'CNY', item: 'e-bike' };

const payloadOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));

function code(call) {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof EdgescoreError, String(error));
    return error.code;
  }
  assert.fail('no error');
}

describe('receipts', () => {
  test('a decision with a receipt: verifyReceipt, jose and the CLI read the same record', async () => {
    const result = scorer().score(presentation('n-1'), { nonce: 'n-1', now: NOW, context, receipt: { id: 'd-1', order: 'order-9' } });
    assert.equal(typeof result.receipt, 'string');
    const { kid, receipt } = verifyReceipt(result.receipt, { keys: merchant.jwks, issuer: AUDIENCE, now: NOW });
    assert.equal(kid, 'merchant-1');
    assert.deepEqual(receipt, payloadOf(result.receipt));
    assert.equal(receipt.format_version, 1);
    assert.deepEqual([receipt.iss, receipt.jti, receipt.iat], [AUDIENCE, 'd-1', NOW]);
    assert.deepEqual([receipt.decision, receipt.band, receipt.rule, receipt.deposit], [result.decision, result.band, result.rule, result.deposit]);
    assert.deepEqual(receipt.model, { id: result.model.id, version: result.model.version, digest: result.model.digest });
    assert.deepEqual(receipt.order, { reference: 'order-9', item: 'e-bike', deposit: 39900, currency: 'CNY' });
    assert.match(receipt.snapshot.jti_hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(receipt.score, undefined);
    // Any JOSE library verifies it with the merchant's public key.
    const key = await importJWK(merchant.jwks.keys[0], 'EdDSA');
    const verified = await compactVerify(result.receipt, key);
    assert.equal(verified.protectedHeader.typ, 'edgescore-receipt+jwt');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(verified.payload)), receipt);
    // The CLI agrees.
    const file = join(merchant.dir, 'receipt.jws');
    writeFileSync(file, result.receipt);
    const fromCli = cli(['verify-receipt', file, '--jwks', merchant.jwksPath, '--now', String(NOW)]);
    assert.equal(fromCli.code, 0, fromCli.stdout);
    assert.deepEqual(JSON.parse(fromCli.stdout).receipt, receipt);
  });

  test('the score only when the result disclosed it; no receipt without the option', () => {
    const full = scorer().score(presentation('n-2'), { nonce: 'n-2', now: NOW, disclose: 'full', receipt: { id: 'd-2' } });
    assert.equal(verifyReceipt(full.receipt, { keys: merchant.jwks, now: NOW }).receipt.score, full.score);
    const plain = scorer().score(presentation('n-3'), { nonce: 'n-3', now: NOW });
    assert.equal(plain.receipt, undefined);
  });

  test('refusals: no key, bad ids, another merchant\'s key set, tampering, the future', () => {
    const noKey = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE });
    assert.equal(code(() => noKey.score(presentation('n-4'), { nonce: 'n-4', now: NOW, receipt: { id: 'd' } })), 'ERR_CONFIG_INVALID');
    for (const receipt of [{}, { id: 7 }, { id: 'd', extra: 1 }, { id: 'd', order: 5 }, null]) {
      assert.equal(code(() => scorer().score(presentation('n-5'), { nonce: 'n-5', now: NOW, receipt })), 'ERR_CONFIG_INVALID', JSON.stringify(receipt));
    }
    assert.equal(code(() => scorer().score(presentation('n-6'), { nonce: 'n-6', now: NOW, receipt: { id: 'two words' } })), 'ERR_CLAIM_INVALID');
    assert.equal(code(() => new Scorer({ jwks: demo.jwks, model: demo.models.consumer, receiptKey: { kty: 'OKP' } })), 'ERR_KEY_INVALID');
    const { receipt } = scorer().score(presentation('n-7'), { nonce: 'n-7', now: NOW, receipt: { id: 'd-7' } });
    const [header, payload, signature] = receipt.split('.');
    const edited = Buffer.from(JSON.stringify({ ...payloadOf(receipt), decision: 'deposit_free', band: 'excellent', rule: 'x' })).toString('base64url');
    assert.equal(code(() => verifyReceipt(`${header}.${edited}.${signature}`, { keys: merchant.jwks, now: NOW })), 'ERR_SIGNATURE_INVALID');
    assert.equal(code(() => verifyReceipt(`${header}.${payload}.${signature}`, { keys: demo.jwks, now: NOW })), 'ERR_UNKNOWN_KID');
    assert.equal(code(() => verifyReceipt(receipt, { keys: merchant.jwks, now: NOW - 61 })), 'ERR_NOT_YET_VALID');
    assert.equal(code(() => verifyReceipt(receipt, { keys: merchant.jwks, issuer: 'https://x.example', now: NOW })), 'ERR_ISSUER');
    assert.equal(code(() => verifyReceipt(receipt, {})), 'ERR_CONFIG_INVALID');
    assert.equal(code(() => verifyReceipt(42, { keys: merchant.jwks })), 'ERR_MALFORMED');
    assert.equal(code(() => verifyReceipt(demo.statusList, { keys: demo.jwks, now: NOW })), 'ERR_WRONG_TYPE');
  });
});
