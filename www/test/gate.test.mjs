// The rentals edge worker over HTTP on 127.0.0.1, in workerd with www/workerd.capnp: the
// presentation request, every status, nonce single use, hostile bodies, concurrency, the
// status list fetched from the bureau (revocation, a missing list), the static host, and no
// way out but the bureau's endpoint.
import assert from 'node:assert/strict';
import { renameSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, ROOT } from '../../pkg/test/helpers.mjs';
import { AUDIENCE, gateBody, getNonce, getRequest, postGate, present, startDemo } from './helpers.mjs';

const MAX_BODY_BYTES = 16 * 1024;
// What the answer may carry: the band and the decision, never the score or the features.
const ANSWER_MEMBERS = ['band', 'currency', 'decision', 'deposit', 'deposit_percent', 'full_deposit', 'item', 'model', 'rule', 'status'];

let demo;
let url;

before(async () => {
  demo = await startDemo();
  url = demo.url;
});

after(async () => {
  await demo?.stop();
});

/** A raw HTTP/1.1 request (for paths fetch would normalise and bodies sent in chunks). */
function rawRequest({ method = 'GET', path, headers = {}, chunks = [] }) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    // The server may answer (413) and close before every chunk is written.
    request.on('error', (error) => (['EPIPE', 'ECONNRESET'].includes(error.code) ? undefined : reject(error)));
    for (const chunk of chunks) request.write(chunk);
    request.end();
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
    const response = await fetch(`${url}/nonce`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const first = await response.json();
    const second = await (await fetch(`${url}/nonce`)).json();
    assert.match(first.nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(first.nonce, second.nonce);
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

describe('POST /rentals/gate: decisions (200)', () => {
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
    test(`${id} renting a ${item}: ${decision}`, async () => {
      const person = demo.people[id];
      const answer = await postGate(url, await gateBody(url, person, item));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.band, person.band);
      assert.equal(answer.body.decision, decision);
      assert.equal(answer.body.deposit, deposit);
      assert.equal(answer.body.deposit_percent, percent);
      assert.equal(answer.body.item, item);
      assert.equal(answer.body.status, 'valid');
      assert.equal(answer.body.model.id, person.model === 'seller' ? 'demo-seller' : 'demo-rentals-express');
      for (const member of Object.keys(answer.body)) assert.ok(ANSWER_MEMBERS.includes(member), `unexpected member ${member}`);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    });
  }
});

describe('POST /rentals/gate: verification refused (401, 403)', () => {
  const lin = () => demo.people.lin;
  // [what, presentation for a fresh request, status, code]
  const cases = [
    ['a tampered disclosure', (request) => present(lin(), request.nonce, { snapshot: tamper(lin().snapshot) }), 401, 'ERR_DISCLOSURE_INVALID'],
    ['an expired snapshot', (request) => present(demo.expired.lin, request.nonce, { request }), 401, 'ERR_EXPIRED'],
    ['someone else\'s key binding', (request) => present(demo.people.liu, request.nonce, { snapshot: lin().snapshot }), 401, 'ERR_HOLDER_BINDING'],
    ['a presentation for another nonce', () => present(lin(), 'an-earlier-nonce-00000'), 401, 'ERR_NONCE_MISMATCH'],
    ['not a token', () => 'not.a.token', 401, 'ERR_MALFORMED'],
    ['the old plain-JWS snapshot', () => lin().snapshot.split('~')[0], 401, 'ERR_MALFORMED'],
    ['a presentation for another merchant', (request) => present(lin(), request.nonce, { aud: 'https://other-merchant.example' }), 403, 'ERR_AUDIENCE'],
    ['a feature withheld', (request) => present(lin(), request.nonce, {
      request: { ...request, features: request.features.slice(1), alternatives: [] },
    }), 403, 'ERR_FEATURE_NOT_DISCLOSED'],
  ];
  for (const [what, make, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      const request = await getRequest(url);
      const nonce = request.nonce;
      const answer = await postGate(url, { presentation: make(request), nonce, order: { item: 'e-bike' } });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, code);
      assert.equal(typeof answer.body.error.message, 'string');
      if (status === 401) assert.equal(answer.headers.get('www-authenticate'), `KB-JWT realm="${AUDIENCE}"`);
    });
  }
});

describe('POST /rentals/gate: nonces (409)', () => {
  test('a nonce never issued is unknown', async () => {
    const body = await gateBody(url, demo.people.lin);
    const nonce = 'never-issued-nonce-000';
    const answer = await postGate(url, { ...body, nonce, presentation: present(demo.people.lin, nonce) });
    assert.equal(answer.status, 409);
    assert.equal(answer.body.error.code, 'ERR_NONCE_UNKNOWN');
  });

  test('a nonce is good once: the same request again is refused', async () => {
    const body = await gateBody(url, demo.people.lin);
    assert.equal((await postGate(url, body)).status, 200);
    const again = await postGate(url, body);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ERR_NONCE_REUSED');
  });

  test('a nonce is used up even when the presentation is refused', async () => {
    const body = await gateBody(url, demo.people.lin);
    const snapshot = tamper(demo.people.lin.snapshot);
    const refused = await postGate(url, { ...body, presentation: present(demo.people.lin, body.nonce, { snapshot }) });
    assert.equal(refused.status, 401);
    const honest = await postGate(url, body);
    assert.equal(honest.status, 409);
    assert.equal(honest.body.error.code, 'ERR_NONCE_REUSED');
  });

  test('a malformed body does not use the nonce up', async () => {
    const body = await gateBody(url, demo.people.lin);
    assert.equal((await postGate(url, { ...body, order: 'e-bike' })).status, 400);
    assert.equal((await postGate(url, body)).status, 200);
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
    ['missing presentation', (body) => ({ ...body, presentation: undefined }), json, 400, 'ERR_MALFORMED'],
    ['an extra member', (body) => ({ ...body, score: 950 }), json, 400, 'ERR_MALFORMED'],
    ['the old separate snapshot member', (body) => ({ ...body, snapshot: body.presentation }), json, 400, 'ERR_MALFORMED'],
    ['presentation a number', (body) => ({ ...body, presentation: 1 }), json, 400, 'ERR_MALFORMED'],
    ['presentation an object', (body) => ({ ...body, presentation: { jws: body.presentation } }), json, 400, 'ERR_MALFORMED'],
    ['nonce empty', (body) => ({ ...body, nonce: '' }), json, 400, 'ERR_MALFORMED'],
    ['order a string', (body) => ({ ...body, order: 'e-bike' }), json, 400, 'ERR_MALFORMED'],
    ['order.item a number', (body) => ({ ...body, order: { item: 7 } }), json, 400, 'ERR_MALFORMED'],
    ['order with a deposit of its own', (body) => ({ ...body, order: { item: 'car', deposit: 1 } }), json, 400, 'ERR_MALFORMED'],
    ['an item not in the catalog', (body) => ({ ...body, order: { item: 'yacht' } }), json, 400, 'ERR_CONTEXT_INVALID'],
    ['5,000 nested arrays as the presentation', (body) => JSON.stringify(body).replace(/"presentation":"[^"]*"/, `"presentation":${deep(5000)}`), json, 400, 'ERR_MALFORMED'],
    ['5,000 nested arrays as the item', (body) => JSON.stringify({ ...body, order: {} }).replace('"order":{}', `"order":{"item":${deep(5000, '"car"')}}`), json, 400, 'ERR_MALFORMED'],
    ['text/plain', (body) => JSON.stringify(body), { 'Content-Type': 'text/plain' }, 400, 'ERR_MALFORMED'],
    ['no Content-Type', (body) => new TextEncoder().encode(JSON.stringify(body)), {}, 400, 'ERR_MALFORMED'],
    ['not UTF-8', () => Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json, 400, 'ERR_MALFORMED'],
    ['over 16 KiB', (body) => JSON.stringify({ ...body, presentation: 'a'.repeat(MAX_BODY_BYTES) }), json, 413, 'ERR_TOO_LARGE'],
  ];
  for (const [what, make, headers, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      let raw = make;
      if (typeof make === 'function') {
        raw = make(await gateBody(url, demo.people.lin));
        if (raw.constructor === Object) raw = JSON.stringify(raw);
      }
      const answer = await postGate(url, undefined, { raw, headers });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, code);
    });
  }

  test('the cap is exact: 16 KiB is read, one byte more is refused', async () => {
    const body = JSON.stringify({ ...(await gateBody(url, demo.people.lin)), nonce: 'never-issued-nonce-000' });
    const padded = (size) => body.slice(0, -1) + ' '.repeat(size - body.length) + '}';
    assert.equal((await postGate(url, undefined, { raw: padded(MAX_BODY_BYTES) })).status, 409);
    assert.equal((await postGate(url, undefined, { raw: padded(MAX_BODY_BYTES + 1) })).status, 413);
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
    assert.equal(JSON.parse(answer.body).error.code, 'ERR_TOO_LARGE');
  });

  test('a declared Content-Length over the cap is refused before reading', async () => {
    const answer = await rawRequest({
      method: 'POST',
      path: '/rentals/gate',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) },
      chunks: ['{"presentation":"'],
    });
    assert.equal(answer.status, 413);
  });
});

describe('routes', () => {
  test('unknown routes are 404, wrong methods 405', async () => {
    assert.equal((await fetch(`${url}/rentals/other`)).status, 404);
    const post = await fetch(`${url}/nonce`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
    const get = await fetch(`${url}/rentals/gate`);
    assert.equal(get.status, 405);
    assert.equal((await get.json()).error.code, 'ERR_METHOD');
  });
});

describe('concurrency', () => {
  const EXPECTED = { lin: 'deposit_free', chen: 'deposit_free', wang: 'deposit_free', zhao: 'deposit_required', liu: 'deposit_required', mei: 'deposit_free' };

  test('50 requests at once, each with its own nonce, each get their own answer', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => Object.keys(EXPECTED)[index % 6]);
    const bodies = await Promise.all(ids.map((id) => gateBody(url, demo.people[id])));
    const answers = await Promise.all(bodies.map((body) => postGate(url, body)));
    answers.forEach((answer, index) => {
      const id = ids[index];
      assert.equal(answer.status, 200, `${id}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.band, demo.people[id].band, id);
      assert.equal(answer.body.decision, EXPECTED[id], id);
    });
  });

  test('the same nonce twice at once: exactly one wins', async () => {
    for (let round = 0; round < 5; round += 1) {
      const body = await gateBody(url, demo.people.chen);
      const statuses = (await Promise.all([postGate(url, body), postGate(url, body)])).map((answer) => answer.status);
      assert.deepEqual(statuses.sort(), [200, 409]);
    }
  });
});

describe('static files', () => {
  test('pages, the package and the .wasm with their types and a self-only CSP', async () => {
    const expected = {
      '/': 'text/html; charset=utf-8',
      '/wallet/': 'text/html; charset=utf-8',
      '/checkout/': 'text/html; charset=utf-8',
      '/checkout/checkout.js': 'text/javascript; charset=utf-8',
      '/shared/rentals.mjs': 'text/javascript; charset=utf-8',
      '/pkg/dist/edgescore.js': 'text/javascript; charset=utf-8',
      '/pkg/dist/edgescore_core_bg.wasm': 'application/wasm',
      '/demo-data/current/demo.json': 'application/json',
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await fetch(url + path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), type, path);
      assert.match(response.headers.get('content-security-policy'), /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/, path);
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
  });

  test('nothing outside the served folders: tests, config, sources, dotfiles, traversal', async () => {
    const paths = [
      '/pkg/test/helpers.mjs', '/pkg/package.json', '/www/workerd.capnp', '/workerd.capnp', '/worker/gate.mjs',
      '/test/gate.test.mjs', '/Cargo.toml', '/wallet/.secret', '/demo-data/current/', '/demo-data/current/people',
      '/pkg/../Cargo.toml', '/wallet/../../Cargo.toml', '/pkg/%2e%2e/Cargo.toml', '/wallet/%2e%2e/worker/gate.mjs',
      '/wallet/..%2fworker/gate.mjs', '/pkg/wasm/', '/pkg/dist/', '/pkg/src/scorer.js', '/pkg/wasm/edgescore_core.js', '/src/lib.rs',
    ];
    for (const path of paths) {
      const answer = await rawRequest({ path });
      assert.equal(answer.status, 404, path);
    }
    assert.equal((await fetch(`${url}/wallet/`, { method: 'POST' })).status, 405);
  });
});

describe('no outbound requests but the bureau\'s status list', () => {
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

  test('the gate fetched the status list from the bureau, a bounded number of times', () => {
    assert.ok(demo.site.bureau.requests >= 1, 'fetched at least once');
    assert.ok(demo.site.bureau.requests <= 5, `fetched ${demo.site.bureau.requests} times in one ttl`);
  });
});

describe('the test config (www/test/short-nonces.capnp): a probe worker, 1-second nonces and status lists', () => {
  let probeSite;
  before(async () => {
    probeSite = await startDemo({
      config: join(ROOT, 'www/test/short-nonces.capnp'),
      sockets: ['http', 'probe'],
      // The bureau has published nothing yet when the site starts.
      beforeStart: (dir) => renameSync(join(dir, 'current/status-list.jwt'), join(dir, 'current/status-list.later')),
    });
  });

  test('no status list yet: the default policy refers, and the answer says so; then the list arrives', async () => {
    const first = await postGate(probeSite.url, await gateBody(probeSite.url, probeSite.people.lin));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.decision, first.body.rule, first.body.status], ['refer', 'status-unavailable', 'unavailable']);
    assert.equal(first.body.band, 'excellent');
    renameSync(join(probeSite.dir, 'current/status-list.later'), join(probeSite.dir, 'current/status-list.jwt'));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const later = await postGate(probeSite.url, await gateBody(probeSite.url, probeSite.people.lin));
    assert.deepEqual([later.body.decision, later.body.status], ['deposit_free', 'valid']);
  });

  test('revoking a person with the CLI: the gate refuses their snapshot once it refreshes the list', async () => {
    const lin = probeSite.people.lin;
    const dir = join(probeSite.dir, 'current');
    const body = await gateBody(probeSite.url, lin);
    assert.equal((await postGate(probeSite.url, body)).body.decision, 'deposit_free');
    const revoked = cli(['revoke', '--status-list', join(dir, 'status-list.jwt'), '--issued', join(dir, 'issued.jsonl'),
      '--sub', 'demo-lin', '--demo-key']);
    assert.equal(revoked.code, 0, revoked.stdout);
    const fetchedBefore = probeSite.site.bureau.requests;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const refused = await postGate(probeSite.url, await gateBody(probeSite.url, lin));
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'ERR_REVOKED');
    assert.ok(probeSite.site.bureau.requests > fetchedBefore, 'the gate fetched the new list');
    // Everyone else still rents.
    const chen = await postGate(probeSite.url, await gateBody(probeSite.url, probeSite.people.chen));
    assert.equal(chen.body.decision, 'deposit_free');
  });
  after(async () => {
    await probeSite?.stop();
  });

  test('a worker behind the "offline" globalOutbound reaches nothing, not even 127.0.0.1', async () => {
    const canary = { requests: 0 };
    const server = createServer((request, response) => {
      canary.requests += 1;
      response.end('reached');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const probe = `http://127.0.0.1:${probeSite.site.ports.probe}`;
      for (const to of [`http://127.0.0.1:${server.address().port}/`, 'https://demo-bureau.example/jwks.json']) {
        const seen = await (await fetch(`${probe}/?to=${encodeURIComponent(to)}`)).json();
        assert.deepEqual(seen, { status: 502, text: 'outbound requests are disabled\n' }, to);
      }
      assert.equal(canary.requests, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a nonce used after its lifetime is expired (409)', async () => {
    const body = await gateBody(probeSite.url, probeSite.people.lin);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const answer = await postGate(probeSite.url, body);
    assert.equal(answer.status, 409);
    assert.equal(answer.body.error.code, 'ERR_NONCE_EXPIRED');
  });
});
