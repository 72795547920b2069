// The rentals edge worker over HTTP on 127.0.0.1, in workerd with www/workerd.capnp: every
// status, nonce single use, hostile bodies, concurrency, the static host, and no way out to
// the network.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT } from '../../pkg/test/helpers.mjs';
import { AUDIENCE, gateBody, getNonce, postGate, present, startDemo } from './helpers.mjs';

const MAX_BODY_BYTES = 16 * 1024;
// What the answer may carry: the band and the decision, never the score or the features.
const ANSWER_MEMBERS = ['band', 'currency', 'decision', 'deposit', 'deposit_percent', 'full_deposit', 'item', 'model', 'rule'];

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

const tamper = (snapshot) => {
  const [header, payload, signature] = snapshot.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url'));
  claims.features.bills_on_autopay = true;
  claims.features.repay_on_time_ratio_24m = 1;
  const edited = Buffer.from(JSON.stringify(claims)).toString('base64url');
  assert.notEqual(edited, payload, 'the edit changes the payload');
  return [header, edited, signature].join('.');
};

describe('GET /nonce', () => {
  test('gives a fresh random nonce, its expiry and the audience, not cached', async () => {
    const response = await fetch(`${url}/nonce`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const first = await response.json();
    const second = await (await fetch(`${url}/nonce`)).json();
    assert.match(first.nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(first.nonce, second.nonce);
    assert.equal(first.audience, AUDIENCE);
    const now = Date.now() / 1000;
    assert.ok(first.expires_at > now + 100 && first.expires_at <= now + 121, `expires_at ${first.expires_at} is about two minutes ahead`);
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
      assert.equal(answer.body.model.id, person.model === 'seller' ? 'demo-seller' : 'demo-consumer');
      for (const member of Object.keys(answer.body)) assert.ok(ANSWER_MEMBERS.includes(member), `unexpected member ${member}`);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    });
  }
});

describe('POST /rentals/gate: verification refused (401, 403)', () => {
  const lin = () => demo.people.lin;
  // [what, body from a fresh nonce, status, code]
  const cases = [
    ['a tampered snapshot', (nonce) => {
      const snapshot = tamper(lin().snapshot);
      return { snapshot, presentation: present(lin(), nonce, { snapshot }) };
    }, 401, 'ERR_SIGNATURE_INVALID'],
    ['an expired snapshot', (nonce) => ({ snapshot: demo.expired.lin.snapshot, presentation: present(demo.expired.lin, nonce) }), 401, 'ERR_EXPIRED'],
    ['someone else\'s presentation', (nonce) => ({
      snapshot: lin().snapshot,
      presentation: present(demo.people.liu, nonce, { snapshot: lin().snapshot }),
    }), 401, 'ERR_HOLDER_BINDING'],
    ['a presentation for another nonce', () => ({ snapshot: lin().snapshot, presentation: present(lin(), 'an-earlier-nonce-00000') }), 401, 'ERR_NONCE_MISMATCH'],
    ['not a token', (nonce) => ({ snapshot: 'not.a.token', presentation: present(lin(), nonce) }), 401, 'ERR_MALFORMED'],
    ['a presentation for another merchant', (nonce) => ({
      snapshot: lin().snapshot,
      presentation: present(lin(), nonce, { aud: 'https://other-merchant.example' }),
    }), 403, 'ERR_AUDIENCE'],
  ];
  for (const [what, make, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      const nonce = await getNonce(url);
      const answer = await postGate(url, { ...make(nonce), nonce, order: { item: 'e-bike' } });
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
    const snapshot = tamper(body.snapshot);
    const refused = await postGate(url, { ...body, snapshot, presentation: present(demo.people.lin, body.nonce, { snapshot }) });
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
    ['not JSON', '{"snapshot": ', json, 400, 'ERR_MALFORMED'],
    ['JSON but an array', '[]', json, 400, 'ERR_MALFORMED'],
    ['JSON null', 'null', json, 400, 'ERR_MALFORMED'],
    ['a JSON string', '"snapshot"', json, 400, 'ERR_MALFORMED'],
    ['empty', '', json, 400, 'ERR_MALFORMED'],
    ['missing snapshot', (body) => ({ ...body, snapshot: undefined }), json, 400, 'ERR_MALFORMED'],
    ['an extra member', (body) => ({ ...body, score: 950 }), json, 400, 'ERR_MALFORMED'],
    ['snapshot a number', (body) => ({ ...body, snapshot: 1 }), json, 400, 'ERR_MALFORMED'],
    ['presentation an object', (body) => ({ ...body, presentation: { jws: body.presentation } }), json, 400, 'ERR_MALFORMED'],
    ['nonce empty', (body) => ({ ...body, nonce: '' }), json, 400, 'ERR_MALFORMED'],
    ['order a string', (body) => ({ ...body, order: 'e-bike' }), json, 400, 'ERR_MALFORMED'],
    ['order.item a number', (body) => ({ ...body, order: { item: 7 } }), json, 400, 'ERR_MALFORMED'],
    ['order with a deposit of its own', (body) => ({ ...body, order: { item: 'car', deposit: 1 } }), json, 400, 'ERR_MALFORMED'],
    ['an item not in the catalog', (body) => ({ ...body, order: { item: 'yacht' } }), json, 400, 'ERR_CONTEXT_INVALID'],
    ['5,000 nested arrays as the snapshot', (body) => JSON.stringify(body).replace(/"snapshot":"[^"]*"/, `"snapshot":${deep(5000)}`), json, 400, 'ERR_MALFORMED'],
    ['7,000 nested arrays as the item', (body) => JSON.stringify({ ...body, order: {} }).replace('"order":{}', `"order":{"item":${deep(7000, '"car"')}}`), json, 400, 'ERR_MALFORMED'],
    ['text/plain', (body) => JSON.stringify(body), { 'Content-Type': 'text/plain' }, 400, 'ERR_MALFORMED'],
    ['no Content-Type', (body) => new TextEncoder().encode(JSON.stringify(body)), {}, 400, 'ERR_MALFORMED'],
    ['not UTF-8', () => Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json, 400, 'ERR_MALFORMED'],
    ['over 16 KiB', (body) => JSON.stringify({ ...body, snapshot: 'a'.repeat(MAX_BODY_BYTES) }), json, 413, 'ERR_TOO_LARGE'],
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
      chunks: ['{"snapshot":"', chunk, chunk, chunk, chunk, chunk, '"}'],
    });
    assert.equal(answer.status, 413);
    assert.equal(JSON.parse(answer.body).error.code, 'ERR_TOO_LARGE');
  });

  test('a declared Content-Length over the cap is refused before reading', async () => {
    const answer = await rawRequest({
      method: 'POST',
      path: '/rentals/gate',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) },
      chunks: ['{"snapshot":"'],
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
      '/pkg/edgescore.js': 'text/javascript; charset=utf-8',
      '/pkg/wasm/edgescore_core_bg.wasm': 'application/wasm',
      '/demo-data/current/demo.json': 'application/json',
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await fetch(url + path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), type, path);
      assert.match(response.headers.get('content-security-policy'), /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/, path);
      await response.arrayBuffer();
    }
    const wasm = new Uint8Array(await (await fetch(`${url}/pkg/wasm/edgescore_core_bg.wasm`)).arrayBuffer());
    assert.deepEqual(wasm, new Uint8Array(readFileSync(join(ROOT, 'pkg/wasm/edgescore_core_bg.wasm'))));
  });

  test('nothing outside the served folders: tests, config, sources, dotfiles, traversal', async () => {
    const paths = [
      '/pkg/test/helpers.mjs', '/pkg/package.json', '/www/workerd.capnp', '/workerd.capnp', '/worker/gate.mjs',
      '/test/gate.test.mjs', '/Cargo.toml', '/wallet/.secret', '/demo-data/current/', '/demo-data/current/people',
      '/pkg/../Cargo.toml', '/wallet/../../Cargo.toml', '/pkg/%2e%2e/Cargo.toml', '/wallet/%2e%2e/worker/gate.mjs',
      '/wallet/..%2fworker/gate.mjs', '/pkg/wasm/', '/src/lib.rs',
    ];
    for (const path of paths) {
      const answer = await rawRequest({ path });
      assert.equal(answer.status, 404, path);
    }
    assert.equal((await fetch(`${url}/wallet/`, { method: 'POST' })).status, 405);
  });
});

describe('no outbound requests', () => {
  test('the config has no network and every worker\'s globalOutbound is the refusing "offline" service', () => {
    const config = readFileSync(join(ROOT, 'www/workerd.capnp'), 'utf8').replace(/#.*$/gm, '');
    assert.doesNotMatch(config, /\b(network|external)\s*=/);
    const workers = config.match(/:Workerd\.Worker\s*=\s*\(/g).length;
    assert.equal(workers, 3);
    assert.equal(config.match(/globalOutbound = "offline"/g).length, workers);
  });

});

describe('the test config (www/test/short-nonces.capnp): a probe worker and 1-second nonces', () => {
  let probeSite;
  before(async () => {
    probeSite = await startDemo({ config: join(ROOT, 'www/test/short-nonces.capnp'), sockets: ['http', 'probe'] });
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
