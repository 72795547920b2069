// What the gate fetches from the bureau, in workerd with www/test/fleet.capnp and the demo
// bureau's endpoint on 127.0.0.1: the issuer's key set (a rotation in the middle of a run of
// checkouts with no failed checkout, an unknown kid fetching at most once per cooldown, a broken
// key set not replacing a good one, no key set at all, a redirect not followed) and its status
// list (none published yet, a revocation, stale-while-revalidate); the cache rules on a
// hand-driven clock.
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, ROOT } from '../../pkg/test/helpers.mjs';
import { RemoteDocument } from '../worker/remote.mjs';
import { gateBody, getRequest, newClient, postGate, present, startDemo } from './helpers.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ISSUER = 'https://demo-bureau.example';
const STATUS_URI = `${ISSUER}/status/1`;
const FEATURES = Object.fromEntries(JSON.parse(readFileSync(join(ROOT, 'src/assets/demo/people.json'), 'utf8')).people.map((person) => [person.id, person.features]));

function run(args) {
  const result = cli(args);
  assert.equal(result.code, 0, `edgescore ${args.join(' ')}: ${result.stdout}`);
  return result.stdout;
}

/** A new issuer key (private JWK file and its public JWK) in `dir`. */
function newIssuerKey(dir, kid) {
  const [privatePath, jwksPath] = [join(dir, `${kid}.jwk.json`), join(dir, `${kid}.jwks.json`)];
  run(['keygen', '--kid', kid, '--private', privatePath, '--jwks', jwksPath]);
  return { privatePath, publicJwk: JSON.parse(readFileSync(jwksPath, 'utf8')).keys[0] };
}

/** `id`'s snapshot signed with `key` (same holder, same status entry as the demo's). */
function issueWith(demo, key, id) {
  const features = join(demo.dir, `${id}.features.json`);
  writeFileSync(features, JSON.stringify(FEATURES[id]));
  const index = String(['lin', 'chen', 'wang', 'zhao', 'liu', 'mei'].indexOf(id));
  return run(['issue', features, '--key', key.privatePath, '--iss', ISSUER, '--sub', `demo-${id}`,
    '--holder', join(demo.dir, `current/people/${id}.holder.jwk.json`), '--status-uri', STATUS_URI, '--status-index', index]).trim();
}

/** A checkout of `person` with `snapshot`: resolves to the answer. */
async function checkout(url, person, snapshot) {
  const client = newClient();
  const asked = await getRequest(url, { client });
  return postGate(url, { presentation: present(person, asked.nonce, { request: asked, snapshot }), nonce: asked.nonce, order: { item: 'e-bike' } }, { client });
}

const publish = (demo, keys) => writeFileSync(join(demo.dir, 'current/jwks.json'), JSON.stringify({ keys }));
const demoKeys = (demo) => JSON.parse(readFileSync(join(demo.dir, 'current/jwks.json'), 'utf8')).keys;

describe('the issuer rotates its key in the middle of a run', () => {
  let demo;
  before(async () => {
    // The key set is fresh for five minutes: the new key reaches the gate through its unknown
    // kid (not more often than once a second), not through the cache running out.
    demo = await startDemo({
      fleet: true,
      env: { EDGESCORE_JWKS_CACHE_SECONDS: '300', EDGESCORE_JWKS_COOLDOWN_SECONDS: '1', EDGESCORE_STATUS_LIST_MAX_CACHE_SECONDS: '1', EDGESCORE_STATUS_LIST_REVALIDATE_SECONDS: '0' },
    });
  });
  after(async () => {
    await demo?.stop();
  });

  test('snapshots and the status list signed by the new key are accepted at once; no checkout fails', async () => {
    const next = newIssuerKey(demo.dir, 'demo-bureau-2027-01');
    const ids = ['lin', 'chen', 'wang', 'liu'];
    const renewed = Object.fromEntries(ids.map((id) => [id, issueWith(demo, next, id)]));
    const outcomes = [];
    let phase = 'old key only';
    let running = true;
    // Two clients check out continuously, on both gate isolates, with the snapshot each person
    // holds: the old one until the bureau renews it.
    const runners = [demo.url, demo.urlB].map(async (url, runner) => {
      for (let index = runner; running; index += 2) {
        const id = ids[index % ids.length];
        const snapshot = phase === 'old key only' || index % 3 === 0 ? demo.people[id].snapshot : renewed[id];
        const answer = await checkout(url, demo.people[id], snapshot);
        outcomes.push({ phase, id, renewed: snapshot === renewed[id], status: answer.status, band: answer.body.band, error: answer.body.error?.code });
      }
    });
    await sleep(1500);
    // The bureau publishes both keys, signs its status list with the new one, and renews snapshots.
    publish(demo, [...demoKeys(demo), next.publicJwk]);
    const list = join(demo.dir, 'current/status-list.jwt');
    run(['status-list', '--uri', STATUS_URI, '--iss', ISSUER, '--size', '64', '--bits', '2', '--ttl', '1s', '--key', next.privatePath, '-o', `${list}.next`]);
    renameSync(`${list}.next`, list);
    phase = 'both keys';
    await sleep(3000);
    running = false;
    await Promise.all(runners);

    const failed = outcomes.filter((outcome) => outcome.status !== 200 || outcome.band !== demo.people[outcome.id].band);
    assert.deepEqual(failed, [], 'no failed checkout');
    const renewedChecks = outcomes.filter((outcome) => outcome.renewed).length;
    assert.ok(renewedChecks >= 10, `${renewedChecks} checkouts with snapshots signed by the new key`);
    assert.ok(outcomes.filter((outcome) => outcome.phase === 'both keys' && !outcome.renewed).length >= 3, 'old snapshots still accepted');
    // The status list signed by the new key was taken (a decision says "valid", not "unavailable").
    const lastCheck = await checkout(demo.url, demo.people.lin, renewed.lin);
    assert.equal(lastCheck.body.status, 'valid');
    // One fetch of the key set per isolate at start, one more per isolate for the new kid (the
    // status list's or a snapshot's), give or take the cooldown.
    const fetched = demo.site.bureau.requestsFor('/jwks.json');
    assert.ok(fetched >= 3 && fetched <= 6, `the key set was fetched ${fetched} times`);
  });
});

describe('an unknown kid, a broken key set, no key set', () => {
  let demo;
  before(async () => {
    demo = await startDemo({
      fleet: true,
      env: { EDGESCORE_JWKS_CACHE_SECONDS: '1', EDGESCORE_JWKS_COOLDOWN_SECONDS: '2', EDGESCORE_JWKS_MAX_STALE_SECONDS: '6' },
    });
  });
  after(async () => {
    await demo?.stop();
  });

  test('forty presentations with made-up kids make the gate fetch the key set at most once more per isolate', async () => {
    assert.equal((await checkout(demo.url, demo.people.lin)).status, 200);
    assert.equal((await checkout(demo.urlB, demo.people.lin)).status, 200);
    const before = demo.site.bureau.requestsFor('/jwks.json');
    const [header, ...rest] = demo.people.lin.snapshot.split('.');
    const answers = [];
    for (let index = 0; index < 40; index += 1) {
      const forged = { ...JSON.parse(Buffer.from(header, 'base64url')), kid: `attacker-${index}` };
      const snapshot = [Buffer.from(JSON.stringify(forged)).toString('base64url'), ...rest].join('.');
      answers.push(checkout(index % 2 === 0 ? demo.url : demo.urlB, demo.people.lin, snapshot));
    }
    const codes = (await Promise.all(answers)).map((answer) => `${answer.status} ${answer.body.error?.code}`);
    assert.deepEqual([...new Set(codes)], ['401 ERR_UNKNOWN_KID']);
    const more = demo.site.bureau.requestsFor('/jwks.json') - before;
    assert.ok(more <= 4, `${more} fetches for 40 unknown kids (cache refreshes included)`);
  });

  test('a broken key set from the bureau does not replace the one held; past its maximum age none is used; then a good one again', async () => {
    const good = readFileSync(join(demo.dir, 'current/jwks.json'), 'utf8');
    const started = Date.now();
    for (const broken of ['not json', '{"keys":[{"kty":"RSA","n":"x","e":"AQAB","kid":"r"}]}', '{"keys":"none"}']) {
      writeFileSync(join(demo.dir, 'current/jwks.json'), broken);
      await sleep(1100); // past the one-second cache: the gate fetches again (behind the answer)
      const answer = await checkout(demo.url, demo.people.chen);
      assert.equal(answer.status, 200, `${broken}: ${JSON.stringify(answer.body)}`);
    }
    assert.ok(Date.now() - started < 6000, 'all within the maximum age of the last good key set');
    // Still broken past the maximum age (cache 1 s + 6 s stale): no usable key set, 503.
    await sleep(7000 - (Date.now() - started));
    const response = await fetch(`${demo.url}/nonce`, { headers: { 'CF-Connecting-IP': newClient() } });
    assert.equal(response.status, 503);
    assert.equal((await response.json()).error.code, 'ERR_KEYS_UNAVAILABLE');
    assert.match(response.headers.get('retry-after'), /^\d+$/);
    // The bureau serves a good one again: taken at the next fetch (after the cooldown).
    writeFileSync(join(demo.dir, 'current/jwks.json'), good);
    await sleep(2100);
    assert.equal((await checkout(demo.url, demo.people.chen)).status, 200);
  });
});

describe('a bureau that redirects', () => {
  let demo;
  const seen = [];
  before(async () => {
    // The bureau's key set URL answers 302 to a copy of the key set: the gate must not follow
    // it (the configured URL is the trust anchor; on Workers a redirect could lead anywhere).
    let dir;
    const server = createServer((request, response) => {
      seen.push(request.url);
      if (request.url === '/jwks.json') {
        response.writeHead(302, { Location: '/moved/jwks.json' }).end();
        return;
      }
      const file = { '/moved/jwks.json': 'jwks.json', '/status/1': 'status-list.jwt' }[request.url];
      if (file === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200).end(readFileSync(join(dir, 'current', file)));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const bureau = {
      port: server.address().port,
      requestsFor: (path) => seen.filter((url) => url === path).length,
      close: () => new Promise((resolve) => server.close(resolve)),
    };
    demo = await startDemo({ fleet: true, bureau, beforeStart: (issued) => { dir = issued; } });
  });
  after(async () => {
    await demo?.stop();
  });

  test('a redirect is a failed fetch: no key set, 503 ERR_KEYS_UNAVAILABLE, and the Location is never fetched', async () => {
    const response = await fetch(`${demo.url}/nonce`, { headers: { 'CF-Connecting-IP': newClient() } });
    assert.equal(response.status, 503);
    assert.equal((await response.json()).error.code, 'ERR_KEYS_UNAVAILABLE');
    assert.ok(demo.site.bureau.requestsFor('/jwks.json') >= 1);
    assert.equal(demo.site.bureau.requestsFor('/moved/jwks.json'), 0, seen.join(' '));
  });
});

describe('the status list', () => {
  let demo;
  before(async () => {
    demo = await startDemo({
      fleet: true,
      env: { EDGESCORE_STATUS_LIST_MAX_CACHE_SECONDS: '1', EDGESCORE_STATUS_LIST_RETRY_SECONDS: '1', EDGESCORE_STATUS_LIST_REVALIDATE_SECONDS: '0' },
      // The bureau has published nothing yet when the site starts.
      beforeStart: (dir) => renameSync(join(dir, 'current/status-list.jwt'), join(dir, 'current/status-list.later')),
    });
  });
  after(async () => {
    await demo?.stop();
  });

  test('no status list yet: the default policy refers, and the answer says so; then the list arrives', async () => {
    const first = await checkout(demo.url, demo.people.lin);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.decision, first.body.rule, first.body.status], ['refer', 'status-unavailable', 'unavailable']);
    assert.equal(first.body.band, 'excellent');
    renameSync(join(demo.dir, 'current/status-list.later'), join(demo.dir, 'current/status-list.jwt'));
    await sleep(1200);
    const later = await checkout(demo.url, demo.people.lin);
    assert.deepEqual([later.body.decision, later.body.status], ['deposit_free', 'valid']);
  });

  test('revoking a person with the CLI: the gate refuses their snapshot once it refreshes the list', async () => {
    const dir = join(demo.dir, 'current');
    assert.equal((await checkout(demo.url, demo.people.lin)).body.decision, 'deposit_free');
    run(['revoke', '--status-list', join(dir, 'status-list.jwt'), '--issued', join(dir, 'issued.jsonl'), '--sub', 'demo-lin', '--demo-key']);
    const fetchedBefore = demo.site.bureau.requestsFor('/status/1');
    await sleep(1200);
    const refused = await checkout(demo.url, demo.people.lin);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'ERR_REVOKED');
    assert.ok(demo.site.bureau.requestsFor('/status/1') > fetchedBefore, 'the gate fetched the new list');
    // Everyone else still rents.
    assert.equal((await checkout(demo.url, demo.people.chen)).body.decision, 'deposit_free');
  });
});

describe('the status list with stale-while-revalidate', () => {
  let demo;
  before(async () => {
    demo = await startDemo({
      fleet: true,
      statusTtl: '1s',
      env: { EDGESCORE_STATUS_LIST_REVALIDATE_SECONDS: '60' },
    });
  });
  after(async () => {
    await demo?.stop();
  });

  test('past its ttl the held list still answers while the new one is fetched; the revocation lands within a few requests', async () => {
    const dir = join(demo.dir, 'current');
    assert.equal((await checkout(demo.url, demo.people.wang)).body.status, 'valid');
    run(['revoke', '--status-list', join(dir, 'status-list.jwt'), '--issued', join(dir, 'issued.jsonl'), '--sub', 'demo-wang', '--demo-key', '--ttl', '1s']);
    await sleep(1200);
    const statuses = [];
    for (let attempt = 0; attempt < 20 && statuses.at(-1) !== 403; attempt += 1) {
      statuses.push((await checkout(demo.url, demo.people.wang)).status);
      await sleep(100);
    }
    assert.equal(statuses.at(-1), 403, statuses.join(' '));
    assert.ok(statuses.length <= 3, `revoked after ${statuses.length} requests: ${statuses.join(' ')}`);
  });
});

describe('the cache rules (RemoteDocument on a hand-driven clock)', () => {
  function remote(options = {}) {
    const clock = { now: 0 };
    const served = { text: 'v1', ok: true, count: 0, maxAge: undefined };
    const background = [];
    const document = new RemoteDocument({
      name: 'test',
      url: 'https://bureau.example/doc',
      fetchFrom: async () => {
        served.count += 1;
        if (!served.ok) return new Response('down', { status: 503 });
        return new Response(served.text, { headers: served.maxAge === undefined ? {} : { 'Cache-Control': `max-age=${served.maxAge}` } });
      },
      accept: (text) => {
        if (text === 'broken') throw new Error('refused');
        const changed = text !== document.value;
        document.value = text;
        return { freshSeconds: 10, changed };
      },
      maxBytes: 100,
      revalidateSeconds: 20,
      maxStaleSeconds: 30,
      cooldownSeconds: 5,
      clock: () => clock.now,
      ...options,
    });
    const ready = () => document.ready((promise) => background.push(promise));
    const settle = () => Promise.all(background.splice(0));
    return { clock, served, document, ready, settle, background };
  }

  test('fresh: no fetch; stale: the held one answers and a fetch runs behind; past the maximum age: not used', async () => {
    const { clock, served, document, ready, settle, background } = remote();
    assert.equal(await ready(), true);
    assert.equal(served.count, 1);
    clock.now = 9_999;
    assert.equal(await ready(), true);
    assert.equal(served.count, 1, 'fresh for 10 s');
    served.text = 'v2';
    clock.now = 15_000;
    assert.equal(await ready(), true);
    assert.equal(document.value, 'v1', 'the held one answered');
    await settle();
    assert.equal(document.value, 'v2', 'and was replaced behind it');
    assert.equal(served.count, 2);
    // The bureau goes down: stale answers until the maximum age, retried once per cooldown.
    served.ok = false;
    clock.now = 26_000;
    assert.equal(await ready(), true);
    await settle();
    clock.now = 28_000;
    assert.equal(await ready(), true);
    assert.equal(background.length, 0, 'no new fetch within the cooldown of a failure');
    clock.now = 45_001; // past the 20 s of revalidating behind: the request waits for the fetch (which fails)
    assert.equal(await ready(), true, 'still within the 30 s of staleness allowed');
    assert.equal(background.length, 0);
    clock.now = 55_001; // fresh until 25 s, 30 s of staleness allowed
    assert.equal(await ready(), false);
    assert.equal(document.usable(), false);
    served.ok = true;
    clock.now = 61_000;
    assert.equal(await ready(), true, 'a fetch after the cooldown brings it back');
  });

  test('on demand: at most once per cooldown; a broken document keeps the one held; max-age caps freshness only downwards', async () => {
    const { clock, served, document, ready } = remote();
    await ready();
    assert.equal(await document.refreshNow(), false, 'within the cooldown of the first fetch');
    assert.equal(served.count, 1);
    clock.now = 5_000;
    served.text = 'v2';
    assert.equal(await document.refreshNow(), true);
    assert.equal(await document.refreshNow(), false);
    clock.now = 10_000;
    served.text = 'broken';
    assert.equal(await document.refreshNow(), false);
    assert.equal(document.value, 'v2');
    assert.equal(document.last.ok, false);
    assert.equal(document.usable(), true);
    // Concurrent asks share one fetch.
    clock.now = 100_000;
    served.text = 'v3';
    const before = served.count;
    await Promise.all([ready(), ready(), document.refreshNow()]);
    assert.equal(served.count - before, 1);
  });
});
