// Snapshots issued by `edgescore issue-batch` (tests/vectors/issued-batch.jsonl, regenerated and
// checked by the native tests) verify and score in WebAssembly exactly as natively.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { init, Scorer } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from 'edgescore/demo';
import { readRepoFile } from './helpers.mjs';

before(() => init());

test('every issue-batch line verifies and scores as natively', () => {
  const lines = readRepoFile('tests/vectors/issued-batch.jsonl').trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(lines.length >= 20);
  const scorers = {
    'demo-consumer': new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL }),
    'demo-seller': new Scorer({ jwks: DEMO_JWKS, model: DEMO_SELLER_MODEL }),
  };
  const bands = new Set();
  for (const line of lines) {
    // Unbound snapshots as issued: every disclosure, no key binding.
    const result = scorers[line.expect.model].score(line.snapshot, { now: line.iat + 3600, disclose: 'full' });
    assert.equal(result.score, line.expect.score, `line ${line.line}`);
    assert.equal(result.band, line.expect.band, `line ${line.line}`);
    bands.add(result.band);
  }
  assert.equal(bands.size, 5, 'the fixture covers all five bands');
});
