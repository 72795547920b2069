// The gate's abuse limits: token buckets and client keys on a hand-driven clock; then over HTTP
// (www/test/fleet.capnp, small limits from the environment): a flooding client gets 429 with
// Retry-After and a JSON error while other clients are served, the per-client quota of unused
// nonces, the global cap (503), and the demo socket, where a client cannot pick its own address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { clientOf, TokenBuckets } from '../worker/limits.mjs';
import { CLIENT_HEADER, gateBody, getRequest, newClient, postGate, present, startDemo } from './helpers.mjs';

const requestWith = (headers) => new Request('https://gate.example/nonce', { headers });

describe('client keys and token buckets (a hand-driven clock)', () => {
  test('the client is the address the platform reports; IPv6 by its /64', () => {
    const of = (value, header = 'CF-Connecting-IP') => clientOf(requestWith(value === undefined ? {} : { [header]: value }), 'CF-Connecting-IP');
    assert.equal(of('203.0.113.7'), '203.0.113.7');
    assert.equal(of(' 203.0.113.7 '), '203.0.113.7');
    assert.equal(of('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(of('2001:db8:1:2::9'), '2001:db8:1:2::/64', 'one subscriber\'s /64 is one client');
    assert.equal(of('2001:0db8:0001:0002:ffff::1'), '2001:db8:1:2::/64');
    assert.equal(of('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(of('::1'), '0:0:0:0::/64');
    assert.equal(of(undefined), 'unknown');
    assert.equal(of('203.0.113.7', 'X-Forwarded-For'), 'unknown', 'only the configured header counts');
    assert.equal(of('not an address'), 'other:not an address');
    assert.equal(of('x'.repeat(500)).length, 'other:'.length + 64);
  });

  test('a header that lists addresses counts by its last entry; one address has one key however it is written', () => {
    const of = (value, header = 'X-Forwarded-For') => clientOf(requestWith({ [header]: value }), header);
    // A front end that appends to X-Forwarded-For: what comes before its entry is the client's
    // own text, and must not pick the key (each made-up prefix would be a fresh bucket).
    assert.equal(of('198.51.100.1, 203.0.113.7'), '203.0.113.7');
    assert.equal(of('made-up-1, 203.0.113.7'), of('made-up-2,203.0.113.7'));
    assert.equal(of('2001:db8:1:2::1, 2001:db8:9:9::9'), '2001:db8:9:9::/64');
    // A dual-stack front end reports IPv4 clients as IPv6: each is its own client, not one
    // shared ::/64.
    assert.equal(of('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(of('::FFFF:198.51.100.1'), '198.51.100.1');
    assert.notEqual(of('::ffff:203.0.113.7'), of('::ffff:198.51.100.1'));
    assert.equal(of('203.000.113.007'), '203.0.113.7');
    assert.equal(of('256.1.1.1'), 'other:256.1.1.1', 'not an address');
  });

  test('a bucket gives its burst, then one token per 60/rate seconds; Retry-After says when', () => {
    const clock = { now: 0 };
    const buckets = new TokenBuckets({ ratePerMinute: 30, burst: 3, clock: () => clock.now });
    assert.deepEqual([buckets.take('a'), buckets.take('a'), buckets.take('a')], [0, 0, 0]);
    assert.equal(buckets.take('a'), 2, 'empty: one token in 2 s');
    assert.equal(buckets.take('b'), 0, 'another client has its own bucket');
    clock.now += 1000;
    assert.equal(buckets.take('a'), 1, 'half a token: 1 s to go');
    clock.now += 1000;
    assert.equal(buckets.take('a'), 0);
    assert.equal(buckets.take('a'), 2, 'refused requests do not count against the client');
    clock.now += 60_000;
    assert.deepEqual([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')], [0, 0, 0, 2], 'refilled to the burst, no more');
  });

  test('at most maxClients buckets: the least recently used is dropped', () => {
    const buckets = new TokenBuckets({ ratePerMinute: 1, burst: 1, maxClients: 2, clock: () => 0 });
    buckets.take('a');
    buckets.take('b');
    assert.ok(buckets.take('a') > 0, 'a is empty');
    buckets.take('c'); // drops b, the least recently used
    assert.ok(buckets.take('a') > 0, 'a is still remembered (used more recently than b)');
    assert.equal(buckets.take('b'), 0, 'b was forgotten: a fresh bucket');
  });
});

describe('limits over HTTP', () => {
  let demo;
  before(async () => {
    demo = await startDemo({
      fleet: true,
      env: {
        EDGESCORE_NONCE_RATE_PER_MINUTE: '60', EDGESCORE_NONCE_BURST: '6', EDGESCORE_GATE_RATE_PER_MINUTE: '60',
        EDGESCORE_GATE_BURST: '4', EDGESCORE_NONCE_QUOTA: '5',
      },
    });
  });
  after(async () => {
    await demo?.stop();
  });

  async function nonceAnswer(url, client, headers = {}) {
    const response = await fetch(`${url}/nonce`, { headers: client === undefined ? headers : { ...headers, [CLIENT_HEADER]: client } });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  test('a client over its /nonce bucket gets 429, Retry-After and a JSON error; others are served', async () => {
    const flooder = newClient();
    const statuses = [];
    let limited;
    for (let index = 0; index < 12; index += 1) {
      const answer = await nonceAnswer(demo.url, flooder);
      statuses.push(answer.status);
      if (answer.status === 429 && answer.body.error.code === 'ERR_RATE_LIMITED') limited = answer;
    }
    // The quota (5 unused) stops it first, then the bucket (6).
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.ok(statuses.slice(5).every((status) => status === 429), statuses.join(' '));
    assert.ok(limited !== undefined, 'the bucket ran out');
    assert.match(limited.headers.get('retry-after'), /^[1-9]\d*$/);
    assert.equal(limited.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(limited.headers.get('x-content-type-options'), 'nosniff');
    assert.match(limited.body.error.message, /too many requests/);
    // Everyone else is served at once.
    for (let index = 0; index < 3; index += 1) assert.equal((await nonceAnswer(demo.url, newClient())).status, 200);
  });

  test('the unused-nonce quota: 429 ERR_TOO_MANY_NONCES until the client uses one', async () => {
    const client = newClient();
    const requests = [];
    for (let index = 0; index < 5; index += 1) requests.push(await getRequest(demo.url, { client }));
    const over = await nonceAnswer(demo.url, client);
    assert.equal(over.status, 429);
    assert.equal(over.body.error.code, 'ERR_TOO_MANY_NONCES');
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(retryAfter >= 100 && retryAfter <= 120, `Retry-After ${retryAfter}: when the oldest unused nonce expires`);
    // Using one frees a place.
    const lin = demo.people.lin;
    const used = await postGate(demo.url, { presentation: present(lin, requests[0].nonce, { request: requests[0] }), nonce: requests[0].nonce, order: { item: 'e-bike' } }, { client });
    assert.equal(used.status, 200, JSON.stringify(used.body));
    // (Six requests took the burst of six: wait for the next token, a second.)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await nonceAnswer(demo.url, client)).status, 200);
  });

  test('a client over its /rentals/gate bucket gets 429 before its body is read, and can read it', async () => {
    const client = newClient();
    const statuses = [];
    for (let index = 0; index < 6; index += 1) {
      const answer = await postGate(demo.url, undefined, { raw: '{"presentation":"x","nonce":"y","order":{"item":"car"}}', client });
      statuses.push(`${answer.status} ${answer.body.error.code}`);
    }
    assert.deepEqual(statuses, [...Array(4).fill('409 ERR_NONCE_UNKNOWN'), '429 ERR_RATE_LIMITED', '429 ERR_RATE_LIMITED']);
    // A 2 MB body to a limited client: the 429 still arrives (the body is drained, bounded).
    const big = await postGate(demo.url, undefined, { raw: 'x'.repeat(2 * 1024 * 1024), client });
    assert.equal(big.status, 429);
  });

  test('the demo socket reports every client as 127.0.0.1: a sent address changes nothing', async () => {
    const statuses = [];
    for (let index = 0; index < 12; index += 1) statuses.push((await nonceAnswer(demo.demoUrl, undefined, { [CLIENT_HEADER]: newClient() })).status);
    assert.ok(statuses.includes(429), `one client whatever it claims: ${statuses.join(' ')}`);
  });
});

describe('the global cap', () => {
  let demo;
  before(async () => {
    demo = await startDemo({ fleet: true, env: { EDGESCORE_NONCE_CAPACITY: '4', EDGESCORE_NONCE_SHARDS: '1', EDGESCORE_NONCE_TTL_SECONDS: '2', EDGESCORE_NONCE_GRACE_SECONDS: '0' } });
  });
  after(async () => {
    await demo?.stop();
  });

  test('past NONCE_CAPACITY outstanding nonces every client gets 503 ERR_BUSY with Retry-After; then room again', async () => {
    for (let index = 0; index < 4; index += 1) await getRequest(demo.url, { client: newClient() });
    const response = await fetch(`${demo.url}/nonce`, { headers: { [CLIENT_HEADER]: newClient() } });
    assert.equal(response.status, 503);
    assert.equal((await response.json()).error.code, 'ERR_BUSY');
    assert.match(response.headers.get('retry-after'), /^[12]$/);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const body = await gateBody(demo.url, demo.people.chen, 'e-bike', { client: newClient() });
    assert.equal((await postGate(demo.url, body, { client: newClient() })).status, 200);
  });
});
