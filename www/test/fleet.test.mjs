// The nonces as a fleet keeps them, in workerd with www/test/fleet.capnp: two gate services (two
// isolates, each with its own module state) over one Durable Object namespace; workerd killed by
// its PID in the middle of a run and started again on the same on-disk storage; nonces expiring
// and forgotten by the shards' alarms.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CLIENT_HEADER, gateBody, getRequest, newClient, postGate, present, startDemo } from './helpers.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What each nonce shard holds (the inspect worker): [{ rows, unused, alarmAt }]. */
async function shards(demo, count = 16) {
  return (await fetch(`${demo.inspectUrl}/?shards=${count}`)).json();
}

describe('two gate isolates over one nonce namespace', () => {
  let demo;
  before(async () => {
    demo = await startDemo({ fleet: true, env: { EDGESCORE_NONCE_BURST: '8', EDGESCORE_NONCE_RATE_PER_MINUTE: '6', EDGESCORE_NONCE_QUOTA: '12' } });
  });
  after(async () => {
    await demo?.stop();
  });

  test('a nonce from A is redeemed at B once; a replay at either is 409; and the other way round', async () => {
    for (const [issuer, redeemer, other] of [[demo.url, demo.urlB, demo.url], [demo.urlB, demo.url, demo.urlB]]) {
      const client = newClient();
      const body = await gateBody(issuer, demo.people.lin, 'e-bike', { client });
      const first = await postGate(redeemer, body, { client });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.decision, 'deposit_free');
      for (const at of [redeemer, other]) {
        const replay = await postGate(at, body, { client });
        assert.equal(replay.status, 409);
        assert.equal(replay.body.error.code, 'ERR_NONCE_REUSED');
      }
    }
  });

  test('one nonce sent to both isolates at once: exactly one wins, ten times over', async () => {
    for (let round = 0; round < 10; round += 1) {
      const body = await gateBody(round % 2 === 0 ? demo.url : demo.urlB, demo.people.chen, 'car', { client: newClient() });
      const answers = await Promise.all([postGate(demo.url, body, { client: newClient() }), postGate(demo.urlB, body, { client: newClient() })]);
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409], `round ${round}`);
    }
  });

  test('they are two isolates (each has its own token buckets) sharing one store (the quota of unused nonces)', async () => {
    const client = newClient();
    const statusesAt = async (url, count) => {
      const statuses = [];
      for (let index = 0; index < count; index += 1) {
        const response = await fetch(`${url}/nonce`, { headers: { [CLIENT_HEADER]: client } });
        statuses.push(`${response.status}${response.status === 200 ? '' : ` ${(await response.json()).error.code}`}`);
      }
      return statuses;
    };
    // The quota (12 unused nonces) is larger than the burst of 8: A's bucket runs out.
    assert.deepEqual(await statusesAt(demo.url, 9), [...Array(8).fill('200'), '429 ERR_RATE_LIMITED']);
    // B's bucket for the same client is full: B is another isolate. The store is shared: B counts
    // A's eight unused nonces against the quota of 12, so B gives four more, then refuses.
    assert.deepEqual(await statusesAt(demo.urlB, 5), [...Array(4).fill('200'), '429 ERR_TOO_MANY_NONCES']);
  });

  test('nonces spread over the shards by client; each shard counts what it holds', async () => {
    const before = await shards(demo);
    const used = before.filter((shard) => shard.rows > 0).length;
    assert.ok(used >= 3, `nonces in ${used} of 16 shards`);
    assert.ok(before.every((shard) => shard.rows === 0 || shard.alarmAt > Date.now()), 'every shard holding nonces has an alarm set');
  });
});

describe('restart: workerd killed by its PID mid-run, started again on the same storage', () => {
  let demo;
  before(async () => {
    demo = await startDemo({ fleet: true });
  });
  after(async () => {
    await demo?.stop();
  });

  test('every nonce used before the kill is still refused after it; unused ones are still good once', async () => {
    const people = ['lin', 'chen', 'wang', 'liu'];
    const used = [];
    const unused = [];
    for (let index = 0; index < 8; index += 1) unused.push(await gateBody(demo.url, demo.people[people[index % 4]], 'e-bike', { client: newClient() }));
    // Checkouts running, one after the other, on both isolates; the kill lands in the middle.
    let running = true;
    const run = (async () => {
      for (let index = 0; running; index += 1) {
        const at = index % 2 === 0 ? demo.url : demo.urlB;
        let body;
        try {
          body = await gateBody(at, demo.people[people[index % 4]], 'e-bike', { client: newClient() });
          const answer = await postGate(at, body, { client: newClient() });
          if (answer.status === 200) used.push(body);
        } catch {
          // The connection died with workerd: this checkout did not complete.
        }
      }
    })();
    await sleep(1500);
    const pid = demo.site.pid;
    await demo.restart();
    running = false;
    await run;
    assert.notEqual(demo.site.pid, pid, 'a new workerd process');
    assert.ok(used.length >= 5, `${used.length} checkouts completed before the kill`);
    for (const body of used) {
      for (const at of [demo.url, demo.urlB]) {
        const replay = await postGate(at, body, { client: newClient() });
        assert.equal(replay.status, 409, JSON.stringify(replay.body));
        assert.equal(replay.body.error.code, 'ERR_NONCE_REUSED');
      }
    }
    for (const [index, body] of unused.entries()) {
      const at = index % 2 === 0 ? demo.url : demo.urlB;
      assert.equal((await postGate(at, body, { client: newClient() })).status, 200, 'an unused nonce survived the restart');
      assert.equal((await postGate(at, body, { client: newClient() })).status, 409);
    }
  });
});

describe('expiry by alarm', () => {
  let demo;
  before(async () => {
    demo = await startDemo({ fleet: true, env: { EDGESCORE_NONCE_TTL_SECONDS: '1', EDGESCORE_NONCE_GRACE_SECONDS: '1' } });
  });
  after(async () => {
    await demo?.stop();
  });

  test('a nonce used after its lifetime is expired; after the grace period it is forgotten, by the alarm, untouched', async () => {
    const client = newClient();
    const late = await gateBody(demo.url, demo.people.lin, 'e-bike', { client });
    const forgotten = await gateBody(demo.url, demo.people.lin, 'e-bike', { client });
    const used = await gateBody(demo.url, demo.people.lin, 'e-bike', { client });
    assert.equal((await postGate(demo.url, used, { client })).status, 200);
    const holding = (await shards(demo)).filter((shard) => shard.rows > 0);
    assert.equal(holding.length, 1, 'one client: one shard');
    assert.equal(holding[0].rows, 3);
    assert.ok(holding[0].alarmAt > Date.now() && holding[0].alarmAt <= Date.now() + 2100, `alarm at ${holding[0].alarmAt}`);
    await sleep(1200);
    const expired = await postGate(demo.url, late, { client });
    assert.equal(expired.status, 409);
    assert.equal(expired.body.error.code, 'ERR_NONCE_EXPIRED');
    const reused = await postGate(demo.url, used, { client });
    assert.equal(reused.body.error.code, 'ERR_NONCE_REUSED', 'a used nonce stays "reused" within the grace period');
    // The alarm deletes them once the grace period has passed, with no request to the shard.
    await sleep(2000);
    const after = (await shards(demo)).reduce((sum, shard) => sum + shard.rows, 0);
    assert.equal(after, 0, 'every nonce forgotten');
    const unknown = await postGate(demo.url, forgotten, { client });
    assert.equal(unknown.body.error.code, 'ERR_NONCE_UNKNOWN');
  });
});

describe('a presentation request answered at one isolate and scored at the other keeps its request\'s terms', () => {
  test('the nonce\'s expiry is the store\'s, whichever isolate asks', async () => {
    const demo = await startDemo({ fleet: true });
    try {
      const fromA = await getRequest(demo.url, { client: newClient() });
      const fromB = await getRequest(demo.urlB, { client: newClient() });
      assert.ok(Math.abs(fromA.expires_at - fromB.expires_at) <= 2);
      const answer = await postGate(demo.urlB, { presentation: present(demo.people.mei, fromA.nonce, { request: fromA }), nonce: fromA.nonce, order: { item: 'e-bike' } }, { client: newClient() });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.model.id, 'demo-seller');
    } finally {
      await demo.stop();
    }
  });
});
