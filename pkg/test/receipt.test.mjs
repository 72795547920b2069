// Decision receipts in the package: a scorer with the merchant's key signs one per decision;
// verifyReceipt reads it back (and so does jose, and the CLI) with the merchant's keys taken as
// a Scorer takes the issuer's (a JWKS whose unusable keys are skipped, a local or a remote key
// set; verifyReceiptAsync fetches a remote one); every refusal has its code; pkg/README.md's
// receipts example runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, importJWK } from 'jose';

import * as edgescore from 'edgescore';
import { createLocalKeySet, createRemoteKeySet, EdgescoreError, Holder, init, Scorer, verifyReceipt, verifyReceiptAsync } from 'edgescore';
import { AUDIENCE, cli, demoMaterial, NOW, readDemoMaterial, readRepoFile } from './helpers.mjs';

let demo;
let merchant; // { privateJwk, jwks, dir, jwksPath }
let dir;
before(async () => {
  await init();
  demo = demoMaterial();
  dir = mkdtempSync(join(tmpdir(), 'edgescore-receipt-'));
  merchant = merchantKey('merchant-1');
  assert.equal(cli(['demo', '--output-dir', join(dir, 'issued-now')]).code, 0);
});

/** A merchant receipt key made by the CLI: `{ privateJwk, jwks, dir, jwksPath }`. */
function merchantKey(kid) {
  const [privatePath, jwksPath] = [join(dir, `${kid}.jwk.json`), join(dir, `${kid}.jwks.json`)];
  assert.equal(cli(['keygen', '--kid', kid, '--private', privatePath, '--jwks', jwksPath]).code, 0);
  return { privateJwk: JSON.parse(readFileSync(privatePath, 'utf8')), jwks: JSON.parse(readFileSync(jwksPath, 'utf8')), dir, jwksPath };
}

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
    assert.equal(code(() => verifyReceipt(receipt, null)), 'ERR_CONFIG_INVALID');
    assert.equal(code(() => verifyReceipt(42, { keys: merchant.jwks })), 'ERR_MALFORMED');
    assert.equal(code(() => verifyReceipt(demo.statusList, { keys: demo.jwks, now: NOW })), 'ERR_WRONG_TYPE');
  });

  test("the merchant's keys as a Scorer takes the issuer's: a JWKS whose unusable keys are skipped, a local key set", async () => {
    const { receipt } = scorer().score(presentation('n-8'), { nonce: 'n-8', now: NOW, receipt: { id: 'd-8' } });
    const rsa = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: 'rsa-1', alg: 'RS256' };
    // The merchant's Ed25519 key beside an RSA key (a company JWKS that also signs other tokens).
    const mixed = { keys: [rsa, ...merchant.jwks.keys] };
    for (const keys of [mixed, JSON.stringify(mixed), createLocalKeySet(mixed)]) {
      const verified = verifyReceipt(receipt, { keys, issuer: AUDIENCE, now: NOW });
      assert.deepEqual([verified.kid, verified.receipt.jti], ['merchant-1', 'd-8']);
    }
    assert.deepEqual(createLocalKeySet(mixed).skipped.map(({ kid, kty }) => [kid, kty]), [['rsa-1', 'RSA']]);
    // A skipped key signs nothing: a receipt naming it is not verified by another key.
    const relabelled = { keys: [{ ...rsa, kid: 'merchant-1' }, { ...merchant.jwks.keys[0], kid: 'merchant-0' }] };
    assert.equal(code(() => verifyReceipt(receipt, { keys: relabelled, now: NOW })), 'ERR_UNKNOWN_KID');
    // No usable key in the set: refused, saying why each key was left out.
    const unusable = { keys: [rsa, { ...merchant.jwks.keys[0], use: 'enc' }] };
    assert.throws(() => verifyReceipt(receipt, { keys: unusable, now: NOW }),
      { code: 'ERR_KEY_INVALID', message: /no key edgescore can use \(key 0 \("rsa-1"\): key type "RSA".*key 1 \("merchant-1"\): "use" is "enc"/ });
    assert.throws(() => verifyReceipt(receipt, { keys: { keys: [merchant.privateJwk] }, now: NOW }), { code: 'ERR_KEY_INVALID', message: /private member "d"/ });
    assert.throws(() => verifyReceipt(receipt, { keys: { keys: [] }, now: NOW }), { code: 'ERR_KEY_INVALID' });
    assert.throws(() => verifyReceipt(receipt, { keys: '{"keys": [', now: NOW }), { code: 'ERR_MALFORMED' });
    assert.throws(() => verifyReceipt(receipt, { keys: createLocalJWKSet(merchant.jwks) }), { code: 'ERR_CONFIG_INVALID', message: /use edgescore's createLocalKeySet/ });
    assert.throws(() => verifyReceipt(receipt, { keys: 42 }), { code: 'ERR_CONFIG_INVALID' });
    // verifyReceiptAsync with local keys: the same answers.
    assert.equal((await verifyReceiptAsync(receipt, { keys: mixed, now: NOW })).kid, 'merchant-1');
    await assert.rejects(verifyReceiptAsync(receipt, { keys: unusable, now: NOW }), { code: 'ERR_KEY_INVALID' });
  });

  test('a remote key set: verifyReceipt uses the keys held; verifyReceiptAsync fetches them, and again for a new kid', async () => {
    const next = merchantKey('merchant-2');
    let served = merchant.jwks;
    const fetched = [];
    const keys = createRemoteKeySet('https://rentals.example/.well-known/receipt-keys.json', {
      cooldownDuration: 0,
      fetch: async (url) => {
        fetched.push(url);
        return new Response(JSON.stringify(served), { headers: { 'Content-Type': 'application/json' } });
      },
    });
    const { receipt } = scorer().score(presentation('n-9'), { nonce: 'n-9', now: NOW, receipt: { id: 'd-9' } });
    // Nothing fetched yet: a synchronous call cannot wait for the network.
    assert.throws(() => verifyReceipt(receipt, { keys, now: NOW }), { code: 'ERR_CONFIG_INVALID', message: /verifyReceiptAsync/ });
    assert.equal((await verifyReceiptAsync(receipt, { keys, issuer: AUDIENCE, now: NOW })).kid, 'merchant-1');
    assert.equal(verifyReceipt(receipt, { keys, now: NOW }).kid, 'merchant-1');
    assert.deepEqual(fetched, ['https://rentals.example/.well-known/receipt-keys.json']);
    // The merchant adds a key and signs with it: the keys held do not have it; fetched again, they do.
    served = { keys: [...merchant.jwks.keys, ...next.jwks.keys] };
    const rotated = scorer({ receiptKey: next.privateJwk }).score(presentation('n-10'), { nonce: 'n-10', now: NOW, receipt: { id: 'd-10' } }).receipt;
    assert.equal(code(() => verifyReceipt(rotated, { keys, now: NOW })), 'ERR_UNKNOWN_KID');
    assert.equal((await verifyReceiptAsync(rotated, { keys, now: NOW })).kid, 'merchant-2');
    assert.equal(fetched.length, 2);
    assert.equal(verifyReceipt(receipt, { keys, now: NOW }).kid, 'merchant-1', 'the first key is still there');
    // A kid the set does not have even after fetching it again; another merchant's receipt.
    const stranger = scorer({ receiptKey: merchantKey('stranger-1').privateJwk }).score(presentation('n-11'), { nonce: 'n-11', now: NOW, receipt: { id: 'd-11' } }).receipt;
    await assert.rejects(verifyReceiptAsync(stranger, { keys, now: NOW }), { code: 'ERR_UNKNOWN_KID' });
    assert.equal(fetched.length, 3);
    // A key set that cannot be fetched: the code says so.
    const down = createRemoteKeySet('https://rentals.example/keys.json', { fetch: async () => new Response('down', { status: 503 }) });
    await assert.rejects(verifyReceiptAsync(receipt, { keys: down, now: NOW }), { code: 'ERR_KEY_SET_UNAVAILABLE', message: /status 503/ });
  });

  test("pkg/README.md's receipts example runs as written, given its inputs", async () => {
    const [, block] = /^## Decision receipts\n[\s\S]*?^```js\n([\s\S]*?)^```$/m.exec(readRepoFile('pkg/README.md'));
    const [importLine, ...body] = block.split('\n');
    const [, imported] = /^import \{ ([\w, ]+) \} from 'edgescore';$/.exec(importLine);
    const names = imported.split(', ');
    // The example scores at the clock's time, as a verifier does: demo material issued now.
    const material = readDemoMaterial(join(dir, 'issued-now'));
    const request = { nonce: 'n-readme' };
    const lin = Holder.fromPrivateJwk(material.people.lin.holder);
    const inputs = {
      bureauJwks: material.jwks,
      signedModel: material.models.consumer,
      merchantPrivateJwk: merchant.privateJwk,
      merchantJwks: merchant.jwks,
      presentation: lin.presentAll(material.people.lin.snapshot, { nonce: request.nonce, aud: AUDIENCE }),
      request,
    };
    const AsyncFunction = (async () => {}).constructor;
    const example = new AsyncFunction(...names, ...Object.keys(inputs), `${body.join('\n')}\nreturn { result, kid, receipt };`);
    const { result, kid, receipt } = await example(...names.map((name) => edgescore[name]), ...Object.values(inputs));
    assert.equal(kid, 'merchant-1');
    assert.deepEqual([receipt.iss, receipt.jti, receipt.order.reference, receipt.order.deposit], [AUDIENCE, 'd-1042', 'A-1042', 39900]);
    assert.deepEqual([receipt.decision, receipt.band], [result.decision, result.band]);
  });
});
