// Recovery from a trap. The package exports nothing for tests, so this test loads its sources
// (pkg/src/, the same code the built files bundle) with the wasm-bindgen glue, whose
// `__trapForTests` makes the module execute `unreachable`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';

import { __trapForTests } from '../wasm/edgescore_core.js';
import { EdgescoreError, Holder, init, newNonce, Scorer } from '../src/browser.js';
import { guarded, moduleGeneration } from '../src/module.js';
import { AUDIENCE, demoMaterial, NOW, ROOT } from './helpers.mjs';

let demo;
before(async () => {
  await init(readFileSync(`${ROOT}/pkg/wasm/edgescore_core_bg.wasm`));
  demo = demoMaterial();
});

test('a trap re-instantiates the module and scorers, their status lists and holders keep working', () => {
  const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: AUDIENCE });
  scorer.addStatusList(demo.statusList, { now: NOW });
  const holder = Holder.fromPrivateJwk(demo.people.wang.holder);
  const present = () => holder.presentAll(demo.people.wang.snapshot, { nonce: 'n', aud: AUDIENCE, now: NOW });
  const before = scorer.score(present(), { now: NOW, nonce: 'n' });
  assert.equal(before.status, 'valid');
  const generation = moduleGeneration();
  assert.throws(() => guarded(() => __trapForTests()), (error) => error instanceof EdgescoreError && error.code === 'ERR_INTERNAL');
  assert.ok(moduleGeneration() > generation, 'the module was re-instantiated');
  const after = scorer.score(present(), { now: NOW, nonce: 'n' });
  assert.deepEqual(after, before);
  assert.equal(newNonce().length, 22);
  const batch = scorer.scoreBatch([{ presentation: demo.people.liu.snapshot }], { now: NOW });
  assert.equal(batch[0].error.code, 'ERR_HOLDER_BINDING');
});
