// The edge worker's nonce store on a hand-driven clock: single use, lifetime, grace, capacity.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NonceStore } from '../worker/nonces.mjs';

function store(options = {}) {
  const clock = { now: 1_000_000 };
  return { clock, nonces: new NonceStore({ ttlSeconds: 120, graceSeconds: 60, clock: () => clock.now, ...options }) };
}

test('a nonce is good once, within its lifetime', () => {
  const { clock, nonces } = store();
  assert.equal(nonces.add('a'), 1_000_000 + 120_000);
  clock.now += 119_999;
  assert.equal(nonces.consume('a'), 'ok');
  assert.equal(nonces.consume('a'), 'reused');
  clock.now += 10_000;
  assert.equal(nonces.consume('a'), 'reused', 'a used nonce stays "reused" after its expiry');
});

test('expired at its lifetime, forgotten after the grace period', () => {
  const { clock, nonces } = store();
  nonces.add('a');
  clock.now += 120_000;
  assert.equal(nonces.consume('a'), 'expired');
  clock.now += 59_999;
  assert.equal(nonces.consume('a'), 'expired');
  clock.now += 1;
  assert.equal(nonces.consume('a'), 'unknown');
  assert.equal(nonces.size, 0);
});

test('a nonce never issued is unknown, and an issued one cannot be issued again', () => {
  const { nonces } = store();
  assert.equal(nonces.consume('never'), 'unknown');
  assert.notEqual(nonces.add('a'), null);
  assert.equal(nonces.add('a'), null);
});

test('full means no new nonces until old ones are forgotten', () => {
  const { clock, nonces } = store({ capacity: 3 });
  for (const nonce of ['a', 'b', 'c']) assert.notEqual(nonces.add(nonce), null);
  assert.equal(nonces.add('d'), null);
  nonces.consume('a');
  assert.equal(nonces.add('d'), null, 'a consumed nonce still counts until it is forgotten');
  clock.now += 180_000;
  assert.notEqual(nonces.add('d'), null);
  assert.equal(nonces.size, 1);
});

test('purging keeps the nonces that are still live', () => {
  const { clock, nonces } = store();
  nonces.add('old');
  clock.now += 100_000;
  nonces.add('young');
  clock.now += 80_001; // old: past lifetime + grace; young: 80 s old
  assert.equal(nonces.consume('young'), 'ok');
  assert.equal(nonces.consume('old'), 'unknown');
  assert.equal(nonces.size, 1);
});

test('the lifetime must be whole seconds, at least one', () => {
  for (const ttlSeconds of [0, 1.5, -1, undefined]) {
    assert.throws(() => new NonceStore({ ttlSeconds }), RangeError);
  }
});
