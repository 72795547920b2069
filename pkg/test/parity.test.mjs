// Parity: generated presentations (SD-JWT snapshots with random features, some invalid,
// tampered, expired, wrongly presented, with features withheld, some revoked in a status list)
// scored by the native core (examples/parity.rs wrote the expected results) and here in
// WebAssembly must give identical results and identical error codes, one call at a time and in
// batches.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';

import { init, Scorer } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS, DEMO_SELLER_MODEL } from 'edgescore/demo';
import { AUDIENCE, NOW, ROOT } from './helpers.mjs';

const FIXTURE = process.env.EDGESCORE_PARITY ?? join(ROOT, '.cache/parity.jsonl');
let cases;
let scorers;

before(async () => {
  assert.ok(existsSync(FIXTURE), `${FIXTURE} is missing: scripts/test-pkg.sh writes it (cargo run --example parity)`);
  await init();
  const [header, ...lines] = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  cases = lines;
  scorers = {
    consumer: new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, audience: AUDIENCE }),
    seller: new Scorer({ jwks: DEMO_JWKS, model: DEMO_SELLER_MODEL, audience: AUDIENCE }),
  };
  for (const scorer of Object.values(scorers)) scorer.addStatusList(header.status_list, { now: NOW });
});

const expected = (entry) => JSON.stringify(entry.expect.error ? { error: entry.expect.error } : entry.expect);

test('at least 10,000 cases, scored and rejected alike', () => {
  assert.ok(cases.length >= 10_000, `${cases.length} cases`);
  const rejected = cases.filter((entry) => entry.expect.error).length;
  assert.ok(rejected > 1000 && rejected < cases.length - 1000, `${rejected} rejected`);
  const codes = new Set(cases.map((entry) => entry.expect.error).filter(Boolean));
  for (const code of ['ERR_FEATURE_NOT_DISCLOSED', 'ERR_REVOKED', 'ERR_SUSPENDED', 'ERR_DISCLOSURE_INVALID', 'ERR_SIGNATURE_INVALID']) {
    assert.ok(codes.has(code), code);
  }
});

test('one call at a time: identical results and codes', () => {
  const mismatches = [];
  for (const [index, entry] of cases.entries()) {
    let got;
    try {
      got = JSON.stringify(scorers[entry.model].score(entry.presentation, {
        now: NOW, nonce: entry.nonce, context: entry.context, disclose: entry.disclose,
      }));
    } catch (error) {
      got = JSON.stringify({ error: error.code });
    }
    if (got !== expected(entry)) mismatches.push(`line ${index + 1}: native ${expected(entry)} wasm ${got}`);
  }
  assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} mismatches`);
});

/** Scores `slice` in one scoreBatch call; how many results or codes differ from the fixture's. */
function batchMismatches(model, slice, disclose) {
  const results = scorers[model].scoreBatch(
    slice.map(({ presentation, nonce, context }) => ({ presentation, nonce, context })),
    { now: NOW, disclose },
  );
  assert.equal(results.length, slice.length);
  let mismatches = 0;
  for (const [index, entry] of slice.entries()) {
    const got = results[index].ok ? JSON.stringify(results[index].result) : JSON.stringify({ error: results[index].error.code });
    if (got !== expected(entry)) mismatches += 1;
  }
  return mismatches;
}

test('in batches: identical results and codes', () => {
  let mismatches = 0;
  for (const model of ['consumer', 'seller']) {
    for (const disclose of ['band', 'full']) {
      const group = cases.filter((entry) => entry.model === model && entry.disclose === disclose);
      for (let start = 0; start < group.length; start += 500) {
        const slice = group.slice(start, start + 500);
        mismatches += batchMismatches(model, slice, disclose);
      }
    }
  }
  assert.equal(mismatches, 0);
});

test('in shuffled batches of random sizes: bad items at random positions, identical results and codes', () => {
  // mulberry32, seeded: the same batches on every run.
  let seed = 0x5eed13;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let mismatches = 0;
  let batches = 0;
  for (const model of ['consumer', 'seller']) {
    for (const disclose of ['band', 'full']) {
      const group = cases.filter((entry) => entry.model === model && entry.disclose === disclose);
      for (let i = group.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [group[i], group[j]] = [group[j], group[i]];
      }
      for (let start = 0; start < group.length;) {
        const slice = group.slice(start, start + 1 + Math.floor(random() * 700));
        start += slice.length;
        batches += 1;
        mismatches += batchMismatches(model, slice, disclose);
        // Each batch has good and bad items mixed (about half the fixture is rejected).
        if (slice.length >= 20) assert.ok(slice.some((e) => !e.expect.error) && slice.some((e) => e.expect.error));
      }
    }
  }
  assert.ok(batches >= 20, `${batches} batches`);
  assert.equal(mismatches, 0);
});
