// The rentals edge worker over HTTP on 127.0.0.1, in workerd with www/test/fleet.capnp (the demo
// site's workers, reached through a socket where each test is its own client): the
// presentation request, decisions and their receipts, every status, nonce single use, hostile
// bodies (a 2 MB upload gets a readable 413), the headers of every answer, CORS, concurrency,
// the static host and its headers, and no way out but the bureau's endpoint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { verifyReceipt } from '../../pkg/dist/edgescore.mjs';
import { ROOT } from '../../pkg/test/helpers.mjs';
import { assertGateAnswer, AUDIENCE, CLIENT_HEADER, gateBody, getRequest, newClient, postGate, present, startDemo } from './helpers.mjs';

const MAX_BODY_BYTES = 16 * 1024;
// What the answer may carry: the band and the decision, never the score or the features.
const ANSWER_MEMBERS = ['band', 'currency', 'decision', 'decision_id', 'deposit', 'deposit_percent', 'full_deposit', 'item', 'model',
  'order_reference', 'receipt', 'rule', 'status'];
const SHOP = 'https://shop.example';

let demo;
let url;
// Reads of the bureau's documents through the site (the static files tests), which are not the gate's.
const siteFetched = [];

before(async () => {
  demo = await startDemo({ fleet: true, env: { EDGESCORE_CORS_ORIGINS: `${SHOP} https://kiosk.shop.example` } });
  url = demo.url;
});

after(async () => {
  await demo?.stop();
});

// Each call is its own client unless told otherwise, so the per-client limits (limits.test.mjs)
// stay out of these tests.
const body = (person, item, options = {}) => gateBody(url, person, item, { client: newClient(), ...options });
const post = (payload, options = {}) => postGate(url, payload, { client: newClient(), ...options });
const request = () => getRequest(url, { client: newClient() });

/** A raw HTTP/1.1 request (for paths fetch would normalise and bodies sent in chunks). */
function rawRequest({ method = 'GET', path, headers = {}, chunks = [], at = url }) {
  const { hostname, port } = new URL(at);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ hostname, port, method, path, headers: { [CLIENT_HEADER]: newClient(), ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: text }));
    });
    sent.on('error', reject);
    for (const chunk of chunks) sent.write(chunk);
    sent.end();
  });
}

/**
 * Streams `total` bytes as the body of a POST to /rentals/gate (chunked, or with a declared
 * `Content-Length`), as fast as the server reads, and reads the answer. A reset connection
 * rejects (no answer to read).
 */
function upload({ total, declared = false, expectContinue = false }) {
  const { hostname, port } = new URL(url);
  const headers = { 'Content-Type': 'application/json', [CLIENT_HEADER]: newClient() };
  if (declared) headers['Content-Length'] = String(total);
  else headers['Transfer-Encoding'] = 'chunked';
  if (expectContinue) headers.Expect = '100-continue';
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ hostname, port, method: 'POST', path: '/rentals/gate', headers });
    sent.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: text, continued: sent.continued === true }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    const pump = () => {
      while (written < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
        written += piece.length;
        if (!sent.write(piece)) {
          sent.once('drain', pump);
          return;
        }
      }
      sent.end();
    };
    if (expectContinue) {
      sent.on('continue', () => { sent.continued = true; pump(); });
      sent.flushHeaders();
    } else {
      pump();
    }
  });
}

/** The snapshot with flattering disclosures: each edited disclosure's digest is in no signed payload. */
const tamper = (snapshot) => {
  const [jwt, ...rest] = snapshot.split('~');
  const edited = rest.map((part) => {
    if (part === '') return part;
    const [salt, name, value] = JSON.parse(Buffer.from(part, 'base64url'));
    const better = { bills_on_autopay: true, repay_on_time_ratio_24m: 1 }[name] ?? value;
    return Buffer.from(JSON.stringify([salt, name, better])).toString('base64url');
  });
  const result = [jwt, ...edited].join('~');
  assert.notEqual(result, snapshot, 'the edit changes a disclosure');
  return result;
};

describe('GET /nonce', () => {
  test('gives a presentation request: a fresh nonce, its expiry, the audience and the features asked for', async () => {
    const client = newClient();
    const response = await fetch(`${url}/nonce`, { headers: { [CLIENT_HEADER]: client } });
    assert.equal(response.status, 200);
    const first = assertGateAnswer({ status: 200, headers: response.headers, body: await response.text() }, 'GET /nonce');
    const second = await getRequest(url, { client });
    // One base64url digit naming the nonce's shard, then 16 random bytes.
    assert.match(first.nonce, /^[A-Za-z0-9_-]{23}$/);
    assert.notEqual(first.nonce, second.nonce);
    assert.equal(first.nonce[0], second.nonce[0], 'one client\'s nonces share a shard');
    assert.equal(first.aud, AUDIENCE);
    const now = Date.now() / 1000;
    assert.ok(first.expires_at > now + 100 && first.expires_at <= now + 121, `expires_at ${first.expires_at} is about two minutes ahead`);
    // The merchant's own consumer model reads six features; the bureau's seller model eleven.
    assert.deepEqual(first.features, [
      'repay_on_time_ratio_24m', 'defaults_24m', 'utility_on_time_ratio_12m', 'open_credit_lines', 'credit_utilisation',
      'real_name_verified',
    ]);
    assert.equal(first.model.id, 'demo-rentals-express');
    assert.equal(first.model.vct, 'edgescore.consumer.v1');
    assert.match(first.model.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(first.alternatives.length, 1);
    assert.equal(first.alternatives[0].model.vct, 'edgescore.seller.v1');
    assert.equal(first.alternatives[0].features.length, 11);
    assert.deepEqual(Object.keys(first), ['nonce', 'aud', 'expires_at', 'features', 'model', 'alternatives']);
  });
});

describe('POST /rentals/gate: decisions (200) and their receipts', () => {
  // [person, item, decision, deposit, deposit_percent]
  const cases = [
    ['lin', 'e-bike', 'deposit_free', 0],
    ['chen', 'car', 'deposit_free', 0],
    ['wang', 'e-bike', 'deposit_free', 0],
    ['wang', 'car', 'reduced_deposit', 250000, 50],
    ['zhao', 'power-bank', 'reduced_deposit', 6930, 70],
    ['zhao', 'e-bike', 'deposit_required', 39900],
    ['liu', 'e-bike', 'deposit_required', 39900],
    ['mei', 'e-bike', 'deposit_free', 0],
  ];
  for (const [id, item, decision, deposit, percent] of cases) {
    test(`${id} renting a ${item}: ${decision}, with a receipt the merchant's key set verifies`, async () => {
      const person = demo.people[id];
      const answer = await post(await body(person, item, { reference: `order-${id}-${item}` }));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assertGateAnswer(answer, id);
      assert.equal(answer.body.band, person.band);
      assert.equal(answer.body.decision, decision);
      assert.equal(answer.body.deposit, deposit);
      assert.equal(answer.body.deposit_percent, percent);
      assert.equal(answer.body.item, item);
      assert.equal(answer.body.status, 'valid');
      assert.equal(answer.body.model.id, person.model === 'seller' ? 'demo-seller' : 'demo-rentals-express');
      for (const member of Object.keys(answer.body)) assert.ok(ANSWER_MEMBERS.includes(member), `unexpected member ${member}`);
      // The receipt: the merchant's signature over this decision, its id and the order.
      assert.match(answer.body.decision_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(answer.body.order_reference, `order-${id}-${item}`);
      const { kid, receipt } = verifyReceipt(answer.body.receipt, { keys: demo.merchantJwks, issuer: AUDIENCE });
      assert.equal(kid, demo.merchantJwks.keys[0].kid);
      assert.equal(receipt.jti, answer.body.decision_id);
      assert.deepEqual([receipt.decision, receipt.band, receipt.rule, receipt.deposit, receipt.deposit_percent],
        [decision, person.band, answer.body.rule, deposit, percent]);
      assert.equal(receipt.model.digest, answer.body.model.digest);
      assert.deepEqual(receipt.order, { reference: `order-${id}-${item}`, item, deposit: answer.body.full_deposit, order_value: receipt.order.order_value, currency: 'CNY' });
      assert.ok(Math.abs(receipt.iat - Date.now() / 1000) < 30);
      assert.equal(receipt.score, undefined);
      assert.equal(answer.body.receipt.split('.').length, 3, 'a receipt is one compact JWS');
    });
  }

  test('no order reference: the receipt has none', async () => {
    const answer = await post(await body(demo.people.chen, 'power-bank'));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.order_reference, undefined);
    assert.equal(verifyReceipt(answer.body.receipt, { keys: demo.merchantJwks }).receipt.order.reference, undefined);
  });
});

describe('POST /rentals/gate: verification refused (401, 403)', () => {
  const lin = () => demo.people.lin;
  const now = () => Math.floor(Date.now() / 1000);
  // [what, presentation for a fresh request, status, code]
  const cases = [
    ['a tampered disclosure', (asked) => present(lin(), asked.nonce, { snapshot: tamper(lin().snapshot) }), 401, 'ERR_DISCLOSURE_INVALID'],
    ['an expired snapshot', (asked) => present(demo.expired.lin, asked.nonce, { request: asked }), 401, 'ERR_EXPIRED'],
    ['someone else\'s key binding', (asked) => present(demo.people.liu, asked.nonce, { snapshot: lin().snapshot }), 401, 'ERR_HOLDER_BINDING'],
    ['a presentation for another nonce', () => present(lin(), 'an-earlier-nonce-00000'), 401, 'ERR_NONCE_MISMATCH'],
    ['a wallet clock 61 s fast', (asked) => present(lin(), asked.nonce, { request: asked, now: now() + 61 }), 401, 'ERR_NOT_YET_VALID'],
    ['a key binding made 6 minutes ago', (asked) => present(lin(), asked.nonce, { request: asked, now: now() - 361 }), 401, 'ERR_TOO_OLD'],
    ['not a token', () => 'not.a.token', 401, 'ERR_MALFORMED'],
    ['the old plain-JWS snapshot', () => lin().snapshot.split('~')[0], 401, 'ERR_MALFORMED'],
    ['a presentation for another merchant', (asked) => present(lin(), asked.nonce, { aud: 'https://other-merchant.example' }), 403, 'ERR_AUDIENCE'],
    ['a feature withheld', (asked) => present(lin(), asked.nonce, {
      request: { ...asked, features: asked.features.slice(1), alternatives: [] },
    }), 403, 'ERR_FEATURE_NOT_DISCLOSED'],
  ];
  for (const [what, make, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      const asked = await request();
      const answer = await post({ presentation: make(asked), nonce: asked.nonce, order: { item: 'e-bike' } });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assertGateAnswer(answer, what);
      assert.equal(answer.body.error.code, code);
      if (status === 401) assert.equal(answer.headers.get('www-authenticate'), `KB-JWT realm="${AUDIENCE}"`);
    });
  }
});

describe('POST /rentals/gate: nonces (409)', () => {
  test('a nonce never issued is unknown, whatever its form', async () => {
    const valid = await body(demo.people.lin);
    // A 23-character nonce of the gate's form with no row; a shard digit past the shards; other forms.
    for (const nonce of ['AAAAAAAAAAAAAAAAAAAAAAA', '_AAAAAAAAAAAAAAAAAAAAAA', 'never-issued-nonce-000', 'x', 'A'.repeat(300)]) {
      const answer = await post({ ...valid, nonce, presentation: present(demo.people.lin, nonce.slice(0, 256)) });
      assert.equal(answer.status, 409, nonce);
      assert.equal(answer.body.error.code, 'ERR_NONCE_UNKNOWN', nonce);
    }
    assert.equal((await post(valid)).status, 200, 'the real nonce was left alone');
  });

  test('a nonce is good once: the same request again is refused', async () => {
    const valid = await body(demo.people.lin);
    assert.equal((await post(valid)).status, 200);
    const again = await post(valid);
    assert.equal(again.status, 409);
    assertGateAnswer(again, 'replay');
    assert.equal(again.body.error.code, 'ERR_NONCE_REUSED');
  });

  test('a nonce is used up even when the presentation is refused', async () => {
    const valid = await body(demo.people.lin);
    const snapshot = tamper(demo.people.lin.snapshot);
    const refused = await post({ ...valid, presentation: present(demo.people.lin, valid.nonce, { snapshot }) });
    assert.equal(refused.status, 401);
    const honest = await post(valid);
    assert.equal(honest.status, 409);
    assert.equal(honest.body.error.code, 'ERR_NONCE_REUSED');
  });

  test('a malformed body does not use the nonce up', async () => {
    const valid = await body(demo.people.lin);
    assert.equal((await post({ ...valid, order: 'e-bike' })).status, 400);
    assert.equal((await post(valid)).status, 200);
  });
});

describe('POST /rentals/gate: hostile bodies (400, 413)', () => {
  const deep = (depth, leaf = '0') => '['.repeat(depth) + leaf + ']'.repeat(depth);
  // [what, raw body (text) or a function of a valid body, headers, status, code]
  const json = { 'Content-Type': 'application/json' };
  const cases = [
    ['not JSON', '{"presentation": ', json, 400, 'ERR_MALFORMED'],
    ['JSON but an array', '[]', json, 400, 'ERR_MALFORMED'],
    ['JSON null', 'null', json, 400, 'ERR_MALFORMED'],
    ['a JSON string', '"presentation"', json, 400, 'ERR_MALFORMED'],
    ['empty', '', json, 400, 'ERR_MALFORMED'],
    ['missing presentation', (valid) => ({ ...valid, presentation: undefined }), json, 400, 'ERR_MALFORMED'],
    ['an extra member', (valid) => ({ ...valid, score: 950 }), json, 400, 'ERR_MALFORMED'],
    ['the old separate snapshot member', (valid) => ({ ...valid, snapshot: valid.presentation }), json, 400, 'ERR_MALFORMED'],
    ['presentation a number', (valid) => ({ ...valid, presentation: 1 }), json, 400, 'ERR_MALFORMED'],
    ['presentation an object', (valid) => ({ ...valid, presentation: { jws: valid.presentation } }), json, 400, 'ERR_MALFORMED'],
    ['nonce empty', (valid) => ({ ...valid, nonce: '' }), json, 400, 'ERR_MALFORMED'],
    ['order a string', (valid) => ({ ...valid, order: 'e-bike' }), json, 400, 'ERR_MALFORMED'],
    ['order.item a number', (valid) => ({ ...valid, order: { item: 7 } }), json, 400, 'ERR_MALFORMED'],
    ['order with a deposit of its own', (valid) => ({ ...valid, order: { item: 'car', deposit: 1 } }), json, 400, 'ERR_MALFORMED'],
    ['an order reference with a space', (valid) => ({ ...valid, order: { item: 'car', reference: 'order 1' } }), json, 400, 'ERR_MALFORMED'],
    ['an order reference of 129 characters', (valid) => ({ ...valid, order: { item: 'car', reference: 'r'.repeat(129) } }), json, 400, 'ERR_MALFORMED'],
    ['an order reference that is a number', (valid) => ({ ...valid, order: { item: 'car', reference: 42 } }), json, 400, 'ERR_MALFORMED'],
    ['an order reference with a line break', (valid) => ({ ...valid, order: { item: 'car', reference: 'a\nb' } }), json, 400, 'ERR_MALFORMED'],
    ['an item not in the catalog', (valid) => ({ ...valid, order: { item: 'yacht' } }), json, 400, 'ERR_CONTEXT_INVALID'],
    ['an item named like an object member', (valid) => ({ ...valid, order: { item: '__proto__' } }), json, 400, 'ERR_CONTEXT_INVALID'],
    ['5,000 nested arrays as the presentation', (valid) => JSON.stringify(valid).replace(/"presentation":"[^"]*"/, `"presentation":${deep(5000)}`), json, 400, 'ERR_MALFORMED'],
    ['5,000 nested arrays as the item', (valid) => JSON.stringify({ ...valid, order: {} }).replace('"order":{}', `"order":{"item":${deep(5000, '"car"')}}`), json, 400, 'ERR_MALFORMED'],
    ['text/plain', (valid) => JSON.stringify(valid), { 'Content-Type': 'text/plain' }, 400, 'ERR_MALFORMED'],
    ['no Content-Type', (valid) => new TextEncoder().encode(JSON.stringify(valid)), {}, 400, 'ERR_MALFORMED'],
    ['not UTF-8', () => Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json, 400, 'ERR_MALFORMED'],
    ['over 16 KiB', (valid) => JSON.stringify({ ...valid, presentation: 'a'.repeat(MAX_BODY_BYTES) }), json, 413, 'ERR_TOO_LARGE'],
  ];
  for (const [what, make, headers, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      let raw = make;
      if (typeof make === 'function') {
        raw = make(await body(demo.people.lin));
        if (raw.constructor === Object) raw = JSON.stringify(raw);
      }
      const answer = await post(undefined, { raw, headers });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assertGateAnswer(answer, what);
      assert.equal(answer.body.error.code, code);
    });
  }

  test('the cap is exact: 16 KiB is read, one byte more is refused', async () => {
    const valid = JSON.stringify({ ...(await body(demo.people.lin)), nonce: 'never-issued-nonce-000' });
    const padded = (size) => valid.slice(0, -1) + ' '.repeat(size - valid.length) + '}';
    assert.equal((await post(undefined, { raw: padded(MAX_BODY_BYTES) })).status, 409);
    assert.equal((await post(undefined, { raw: padded(MAX_BODY_BYTES + 1) })).status, 413);
  });

  test('a body sent in chunks without Content-Length is counted as it arrives', async () => {
    const chunk = 'x'.repeat(4096);
    const answer = await rawRequest({
      method: 'POST',
      path: '/rentals/gate',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      chunks: ['{"presentation":"', chunk, chunk, chunk, chunk, chunk, '"}'],
    });
    assert.equal(answer.status, 413);
    assert.equal(assertGateAnswer(answer, 'chunked').error.code, 'ERR_TOO_LARGE');
  });

  test('a 2 MB upload, chunked or with its length declared, gets a 413 the client can read (no reset)', async () => {
    for (const declared of [false, true]) {
      for (let round = 0; round < 3; round += 1) {
        const answer = await upload({ total: 2 * 1024 * 1024, declared });
        assert.equal(answer.status, 413, `declared ${declared}`);
        assert.equal(assertGateAnswer(answer, `2 MB, declared ${declared}`).error.code, 'ERR_TOO_LARGE');
      }
    }
  });

  test('a declared Content-Length over the cap with Expect: 100-continue is refused before the body is sent', async () => {
    const answer = await upload({ total: 10 * 1024 * 1024, declared: true, expectContinue: true });
    assert.equal(answer.status, 413);
    assert.equal(answer.continued, false, 'the gate never asked for the body');
    assert.equal(assertGateAnswer(answer, 'expect-continue').error.code, 'ERR_TOO_LARGE');
  });
});

describe('routes, methods and the headers of every answer', () => {
  test('unknown routes are 404, wrong methods 405 with Allow, all JSON', async () => {
    for (const [path, method, status, code, allow] of [
      ['/rentals/other', 'GET', 404, 'ERR_NOT_FOUND'],
      ['/rentals/', 'POST', 404, 'ERR_NOT_FOUND'],
      ['/nonce', 'POST', 405, 'ERR_METHOD', 'GET'],
      ['/nonce', 'DELETE', 405, 'ERR_METHOD', 'GET'],
      ['/rentals/gate', 'GET', 405, 'ERR_METHOD', 'POST'],
      ['/rentals/gate', 'PUT', 405, 'ERR_METHOD', 'POST'],
      ['/rentals/gate', 'OPTIONS', 405, 'ERR_METHOD', 'POST'],
    ]) {
      const answer = await rawRequest({ method, path });
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(assertGateAnswer(answer, `${method} ${path}`).error.code, code);
      if (allow !== undefined) assert.equal(answer.headers.allow, allow);
    }
    // HEAD gets the status and the headers (no body, as HTTP says).
    const head = await fetch(`${url}/nonce`, { method: 'HEAD', headers: { [CLIENT_HEADER]: newClient() } });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('CORS: opt-in by configured origins', () => {
  test('a preflight from a configured origin is answered; from any other origin refused', async () => {
    const preflight = (origin, method = 'POST', requested = 'content-type') => rawRequest({
      method: 'OPTIONS',
      path: '/rentals/gate',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': requested },
    });
    const allowed = await preflight(SHOP);
    assert.equal(allowed.status, 200);
    assertGateAnswer(allowed, 'preflight');
    assert.equal(allowed.headers['access-control-allow-origin'], SHOP);
    assert.equal(allowed.headers['access-control-allow-methods'], 'POST');
    assert.equal(allowed.headers['access-control-allow-headers'], 'Content-Type');
    assert.equal(allowed.headers['access-control-max-age'], '600');
    assert.equal(allowed.headers.vary, 'Origin');
    assert.equal(allowed.headers['access-control-allow-credentials'], undefined, 'no cookies, no credentials');
    for (const [origin, method, requested, status, code] of [
      ['https://evil.example', 'POST', 'content-type', 403, 'ERR_ORIGIN'],
      ['https://shop.example.evil.example', 'POST', 'content-type', 403, 'ERR_ORIGIN'],
      ['http://shop.example', 'POST', 'content-type', 403, 'ERR_ORIGIN'],
      ['null', 'POST', 'content-type', 403, 'ERR_ORIGIN'],
      [SHOP, 'DELETE', 'content-type', 405, 'ERR_METHOD'],
      [SHOP, 'POST', 'content-type, authorization', 403, 'ERR_ORIGIN'],
    ]) {
      const refused = await preflight(origin, method, requested);
      assert.equal(refused.status, status, `${origin} ${method} ${requested}`);
      assert.equal(assertGateAnswer(refused, origin).error.code, code);
      if (origin !== SHOP) assert.equal(refused.headers['access-control-allow-origin'], undefined);
    }
  });

  test('requests: a configured origin gets its CORS headers, the gate\'s own origin and no origin need none, others are refused', async () => {
    const fromShop = await rawRequest({ path: '/nonce', headers: { Origin: 'https://kiosk.shop.example' } });
    assert.equal(fromShop.status, 200);
    assert.equal(fromShop.headers['access-control-allow-origin'], 'https://kiosk.shop.example');
    assert.equal(fromShop.headers['access-control-expose-headers'], 'Retry-After');
    const own = await rawRequest({ path: '/nonce', headers: { Origin: new URL(url).origin } });
    assert.equal(own.status, 200);
    assert.equal(own.headers['access-control-allow-origin'], undefined);
    const none = await rawRequest({ path: '/nonce' });
    assert.equal(none.status, 200);
    const valid = await body(demo.people.lin);
    const elsewhere = await rawRequest({
      method: 'POST', path: '/rentals/gate', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' }, chunks: [JSON.stringify(valid)],
    });
    assert.equal(elsewhere.status, 403);
    assert.equal(assertGateAnswer(elsewhere, 'evil POST').error.code, 'ERR_ORIGIN');
    assert.equal((await post(valid)).status, 200, 'a refused origin does not use the nonce up');
    // A refusal to a configured origin carries its CORS headers, so the page can read it.
    const refused = await rawRequest({ method: 'POST', path: '/rentals/gate', headers: { Origin: SHOP, 'Content-Type': 'text/plain' }, chunks: ['x'] });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers['access-control-allow-origin'], SHOP);
  });
});

describe('concurrency', () => {
  const EXPECTED = { lin: 'deposit_free', chen: 'deposit_free', wang: 'deposit_free', zhao: 'deposit_required', liu: 'deposit_required', mei: 'deposit_free' };

  test('50 requests at once, each with its own nonce, each get their own answer', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => Object.keys(EXPECTED)[index % 6]);
    const bodies = await Promise.all(ids.map((id) => body(demo.people[id])));
    const answers = await Promise.all(bodies.map((valid) => post(valid)));
    answers.forEach((answer, index) => {
      const id = ids[index];
      assert.equal(answer.status, 200, `${id}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.band, demo.people[id].band, id);
      assert.equal(answer.body.decision, EXPECTED[id], id);
    });
    assert.equal(new Set(answers.map((answer) => answer.body.decision_id)).size, 50, 'every decision has its own id');
  });

  test('the same nonce twice at once: exactly one wins', async () => {
    for (let round = 0; round < 5; round += 1) {
      const valid = await body(demo.people.chen);
      const statuses = (await Promise.all([post(valid), post(valid)])).map((answer) => answer.status);
      assert.deepEqual(statuses.sort(), [200, 409]);
    }
  });
});

describe('static files', () => {
  test('pages, the package and the .wasm with their types, a self-only CSP, COOP, CORP and Permissions-Policy', async () => {
    const expected = {
      '/': 'text/html; charset=utf-8',
      '/wallet/': 'text/html; charset=utf-8',
      '/checkout/': 'text/html; charset=utf-8',
      '/checkout/checkout.js': 'text/javascript; charset=utf-8',
      '/shared/rentals.mjs': 'text/javascript; charset=utf-8',
      '/pkg/dist/edgescore.js': 'text/javascript; charset=utf-8',
      '/pkg/dist/edgescore_core_bg.wasm': 'application/wasm',
      '/demo-data/current/demo.json': 'application/json',
      '/demo-data/merchant/receipts.jwks.json': 'application/json',
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await fetch(url + path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), type, path);
      assert.match(response.headers.get('content-security-policy'), /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(response.headers.get('cross-origin-resource-policy'), 'same-origin', path);
      assert.match(response.headers.get('permissions-policy'), /^camera=\(\), microphone=\(\), geolocation=\(\), payment=\(\)/, path);
      await response.arrayBuffer();
    }
    const wasm = new Uint8Array(await (await fetch(`${url}/pkg/dist/edgescore_core_bg.wasm`)).arrayBuffer());
    assert.deepEqual(wasm, new Uint8Array(readFileSync(join(ROOT, 'pkg/dist/edgescore_core_bg.wasm'))));
    // The bureau's status list, read through the site from the bureau's endpoint.
    const list = await fetch(`${url}/status/1`);
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('content-type'), 'application/statuslist+jwt');
    assert.equal((await list.text()).trim(), readFileSync(join(demo.dir, 'current/status-list.jwt'), 'utf8').trim());
    assert.equal((await fetch(`${url}/status/2`)).status, 404);
    assert.equal((await fetch(`${url}/status/1`, { method: 'POST' })).status, 405);
    // The bureau's published key set, the same way (the checkout verifies snapshots with it).
    const keys = await fetch(`${url}/jwks.json`);
    siteFetched.push('/status/1', '/jwks.json');
    assert.equal(keys.status, 200);
    assert.equal(keys.headers.get('content-type'), 'application/jwk-set+json');
    assert.equal(keys.headers.get('cache-control'), 'no-store');
    assert.equal(keys.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(await keys.json(), JSON.parse(readFileSync(join(demo.dir, 'current/jwks.json'), 'utf8')));
    assert.equal((await fetch(`${url}/jwks.json`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${url}/jwks.json/`)).status, 404);
  });

  test('nothing outside the served folders: tests, config, sources, dotfiles, traversal, secrets, the nonce store', async () => {
    const paths = [
      '/pkg/test/helpers.mjs', '/pkg/package.json', '/www/workerd.capnp', '/workerd.capnp', '/worker/gate.mjs',
      '/test/gate.test.mjs', '/Cargo.toml', '/wallet/.secret', '/demo-data/current/', '/demo-data/current/people',
      '/pkg/../Cargo.toml', '/wallet/../../Cargo.toml', '/pkg/%2e%2e/Cargo.toml', '/wallet/%2e%2e/worker/gate.mjs',
      '/wallet/..%2fworker/gate.mjs', '/pkg/wasm/', '/pkg/dist/', '/pkg/src/scorer.js', '/pkg/wasm/edgescore_core.js', '/src/lib.rs',
      '/demo-data/merchant/receipt.jwk.json', '/demo-data/merchant/', '/demo-data/nonces/', '/demo-data/current/../merchant/receipt.jwk.json',
      '/demo-data/current/%2e%2e/merchant/receipt.jwk.json', '/demo-data/merchant/receipts.jwks.json/',
    ];
    for (const path of paths) {
      const answer = await rawRequest({ path });
      assert.equal(answer.status, 404, path);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', path);
    }
    assert.equal((await fetch(`${url}/wallet/`, { method: 'POST' })).status, 405);
  });
});

describe('no outbound requests but the bureau\'s key set and status list', () => {
  test('no network service; one external service, the bureau, bound by name; every globalOutbound is "offline"', () => {
    const config = readFileSync(join(ROOT, 'www/workerd.capnp'), 'utf8').replace(/#.*$/gm, '');
    assert.doesNotMatch(config, /\bnetwork\s*=/);
    assert.deepEqual(config.match(/\bexternal\s*=/g), ['external =']);
    assert.match(config, /\(name = "bureau", external = \(address = "127\.0\.0\.1:\d+", http = \(\)\)\)/);
    assert.equal(config.match(/service = "bureau"/g).length, 2, 'the gate and the site');
    const workers = config.match(/:Workerd\.Worker\s*=\s*\(/g).length;
    assert.equal(workers, 3);
    assert.equal(config.match(/globalOutbound = "offline"/g).length, workers);
  });

  test('the gate fetched the key set and the status list from the bureau, a bounded number of times', () => {
    for (const path of ['/jwks.json', '/status/1']) {
      // What the gate fetched: the site's own reads (above) are not the gate's.
      const fetched = demo.site.bureau.requestsFor(path) - siteFetched.filter((read) => read === path).length;
      // Two gate isolates (the site's gate and gate B), each fetching once per cache lifetime.
      assert.ok(fetched >= 1 && fetched <= 4, `${path} fetched ${fetched} times`);
    }
  });

  test('a worker behind the "offline" globalOutbound reaches nothing, not even 127.0.0.1', async () => {
    const canary = { requests: 0 };
    const server = createServer((_, response) => {
      canary.requests += 1;
      response.end('reached');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      for (const to of [`http://127.0.0.1:${server.address().port}/`, 'https://demo-bureau.example/jwks.json']) {
        const seen = await (await fetch(`${demo.probeUrl}/?to=${encodeURIComponent(to)}`)).json();
        assert.deepEqual(seen, { status: 502, text: 'outbound requests are disabled\n' }, to);
      }
      assert.equal(canary.requests, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
