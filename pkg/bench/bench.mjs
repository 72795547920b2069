// Benchmark of the JavaScript package, printing medians and ratios measured in one run:
// per presentation (an SD-JWT: issuer JWT, disclosures and key-binding JWT verified, scored,
// policy applied) in edgescore
// WebAssembly, in jose (Web Crypto) with a plain JS scorecard, in @noble/ed25519 with the same
// JS scorecard, and in native Rust; scoreBatch against single calls; cold start in Node and
// in Chromium. Figures, not assertions. `node pkg/bench/bench.mjs` (after scripts/build-pkg.sh
// and the parity fixture: scripts/bench-pkg.sh does all of it).
import { execFileSync } from 'node:child_process';
import { createHash, webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as noble from '@noble/ed25519';
import * as jose from 'jose';

import { DEFAULT_POLICY, init, Scorer } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS } from 'edgescore/demo';
import { AUDIENCE, demoMaterial, NOW, ROOT } from '../test/helpers.mjs';
import { launchChromium, serveStatic } from '../test/runtimes.mjs';
import { compileModel, decide } from './js-scorecard.mjs';

const ITEMS = 500;
const ROUNDS = 9;
const FIXTURE = join(ROOT, '.cache/parity.jsonl');
noble.hashes.sha512 = (message) => new Uint8Array(createHash('sha512').update(message).digest());

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** An SD-JWT's issuer JWT, disclosures, key-binding JWT and the text its sd_hash covers. */
function splitSdJwt(presentation) {
  const last = presentation.lastIndexOf('~');
  const hashed = presentation.slice(0, last + 1);
  const [jwt, ...disclosures] = hashed.split('~');
  disclosures.pop();
  return { jwt, disclosures, kb: presentation.slice(last + 1), hashed };
}

/** The features an SD-JWT discloses, each digest checked against the signed payload (as RFC 9901 asks). */
async function disclosedFeatures(payload, disclosures, sha256) {
  const listed = new Set(payload.features._sd);
  const features = {};
  for (const disclosure of disclosures) {
    if (!listed.delete(await sha256(disclosure))) throw new Error('disclosure not referenced');
    const [, name, value] = b64json(disclosure);
    if (name in features) throw new Error('disclosed twice');
    features[name] = value;
  }
  return features;
}
const nodeSha256 = (text) => createHash('sha256').update(text).digest('base64url');
const webSha256 = async (text) => Buffer.from(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('base64url');
const context = { deposit: 39900 };

// Distinct presentations from the parity fixture: SD-JWTs of the consumer schema with their
// key-binding JWTs, valid, without a status reference (the baselines check no status list).
const bound = (presentation) => !presentation.endsWith('~');
const items = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
  .filter((e) => e.model === 'consumer' && !e.expect.error && bound(e.presentation)
    && !('status' in b64json(e.presentation.split('.')[1])))
  .map((e) => ({ ...e, parts: splitSdJwt(e.presentation) }))
  .slice(0, ITEMS);
if (items.length < ITEMS) throw new Error(`only ${items.length} usable presentations in ${FIXTURE}`);

await init();
const newScorer = () => new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, audience: AUDIENCE });
let scorer = newScorer();
const model = b64json(DEMO_CONSUMER_MODEL.split('.')[1]);
const scoreCompiled = compileModel(model);
// As edgescore does: every feature the model reads must be disclosed; the rest is ignored.
const read = [...new Set(model.characteristics.map((c) => c.feature))];
const jsScore = (features) => {
  if (!read.every((name) => name in features)) throw new Error('a feature the model reads was not disclosed');
  return scoreCompiled(Object.fromEntries(read.map((name) => [name, features[name]])));
};
const issuerJwk = DEMO_JWKS.keys[0];
const issuerKey = await jose.importJWK(issuerJwk, 'EdDSA');
const issuerRaw = Buffer.from(issuerJwk.x, 'base64url');

function checkClaims(claims, kb, item) {
  if (claims.exp <= NOW - 60 || claims.iat > NOW + 60 || NOW - claims.iat > 31 * 86400 + 60) throw new Error('time');
  if (kb.nonce !== item.nonce || kb.aud !== AUDIENCE || NOW - kb.iat > 360) throw new Error('binding');
}

const engines = {
  'edgescore WASM': (item) => scorer.score(item.presentation, { now: NOW, nonce: item.nonce, context }),
  'jose (Web Crypto) + JS scorecard': async (item) => {
    const { jwt, disclosures, kb: kbJwt, hashed } = item.parts;
    const { payload } = await jose.jwtVerify(jwt, issuerKey, { typ: 'dc+sd-jwt', currentDate: new Date(NOW * 1000) });
    const holderKey = await jose.importJWK(payload.cnf.jwk, 'EdDSA');
    const { payload: kb } = await jose.jwtVerify(kbJwt, holderKey, { typ: 'kb+jwt', audience: AUDIENCE, currentDate: new Date(NOW * 1000) });
    if (await webSha256(hashed) !== kb.sd_hash) throw new Error('sd_hash');
    checkClaims(payload, kb, item);
    const { band } = jsScore(await disclosedFeatures(payload, disclosures, webSha256));
    return decide(DEFAULT_POLICY, band, NOW - payload.iat, context);
  },
  '@noble/ed25519 + JS scorecard': async (item) => {
    const { jwt, disclosures, kb: kbJwt, hashed } = item.parts;
    const [h, p, s] = jwt.split('.');
    if (!noble.verify(Buffer.from(s, 'base64url'), Buffer.from(`${h}.${p}`), issuerRaw)) throw new Error('signature');
    const payload = b64json(p);
    const [kh, kp, ks] = kbJwt.split('.');
    if (!noble.verify(Buffer.from(ks, 'base64url'), Buffer.from(`${kh}.${kp}`), Buffer.from(payload.cnf.jwk.x, 'base64url'))) throw new Error('kb');
    const kb = b64json(kp);
    if (nodeSha256(hashed) !== kb.sd_hash) throw new Error('sd_hash');
    checkClaims(payload, kb, item);
    const { band } = jsScore(await disclosedFeatures(payload, disclosures, nodeSha256));
    return decide(DEFAULT_POLICY, band, NOW - payload.iat, context);
  },
};

// The engines must agree on the band and decision before they are timed.
for (const item of items.slice(0, 50)) {
  const reference = engines['edgescore WASM'](item);
  for (const [name, run] of Object.entries(engines)) {
    const got = await run(item);
    if (got.band !== reference.band || got.decision !== reference.decision) {
      throw new Error(`${name} disagrees: ${JSON.stringify(got)} vs ${JSON.stringify(reference)}`);
    }
  }
}

async function perItem(run, list = items) {
  const start = performance.now();
  for (const item of list) await run(item);
  return ((performance.now() - start) * 1000) / list.length;
}

// Every presentation is by a different holder. The edgescore scorer remembers holder keys it has
// checked, so it is timed twice: fresh each round (every holder new) and kept (every holder seen).
const samples = Object.fromEntries(Object.keys(engines).map((name) => [name, []]));
const known = [];
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, run] of Object.entries(engines)) {
    if (name === 'edgescore WASM') scorer = newScorer();
    samples[name].push(await perItem(run));
  }
  known.push(await perItem(engines['edgescore WASM']));
}
const native = JSON.parse(execFileSync(join(ROOT, 'target/release/examples/bench_presentations'), [FIXTURE, String(ITEMS)], { encoding: 'utf8' }));

// scoreBatch of 1,000 against 1,000 single calls.
const thousand = Array.from({ length: 1000 }, (_, i) => items[i % items.length]);
const batchItems = thousand.map(({ presentation, nonce }) => ({ presentation, nonce, context }));
const single = [];
const batch = [];
for (let round = 0; round < ROUNDS; round += 1) {
  scorer = newScorer();
  single.push(await perItem(engines['edgescore WASM'], thousand));
  scorer = newScorer();
  const start = performance.now();
  const results = scorer.scoreBatch(batchItems, { now: NOW });
  batch.push(((performance.now() - start) * 1000) / batchItems.length);
  if (!results.every((r) => r.ok)) throw new Error('batch item failed');
}

// Cold start: a fresh Node process, and a fresh Chromium page, from import to the first result.
mkdirSync(join(ROOT, '.cache'), { recursive: true });
const material = join(ROOT, '.cache/bench-material.json');
writeFileSync(material, JSON.stringify({ ...demoMaterial(), audience: AUDIENCE, now: NOW }));
const nodeCold = [];
for (let run = 0; run < 7; run += 1) {
  nodeCold.push(Number(execFileSync(process.execPath, [join(ROOT, 'pkg/bench/cold-start.mjs'), material], { encoding: 'utf8' })));
}
const browserCold = [];
const server = await serveStatic(ROOT);
const browser = await launchChromium();
try {
  for (let run = 0; run < 5; run += 1) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/pkg/test/browser.html?material=/.cache/bench-material.json`);
    browserCold.push(await page.waitForFunction(() => window.edgescore?.coldStartMs).then((h) => h.jsonValue()));
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}

const wasm = median(samples['edgescore WASM']);
const fmt = (us) => `${us.toFixed(1).padStart(8)} µs`;
console.log(`edgescore package benchmark: ${ITEMS} presentations by ${ITEMS} holders, median of ${ROUNDS} rounds (Node ${process.version})`);
console.log(`${'per presentation'.padEnd(44)} ${'median'.padStart(11)}   edgescore WASM is`);
for (const name of Object.keys(engines)) {
  const us = median(samples[name]);
  const label = name === 'edgescore WASM' ? 'edgescore WASM, holders new to the scorer' : name;
  const ratio = name === 'edgescore WASM' ? '' : `${(us / wasm).toFixed(2)}× faster`;
  console.log(`${label.padEnd(44)} ${fmt(us)}   ${ratio}`);
}
console.log(`${'edgescore WASM, holders seen before'.padEnd(44)} ${fmt(median(known))}   ${(median(samples['jose (Web Crypto) + JS scorecard']) / median(known)).toFixed(2)}× faster than jose`);
console.log(`${'native Rust, holders new to the scorer'.padEnd(44)} ${fmt(native.new_us)}   ${(wasm / native.new_us).toFixed(2)}× native's time`);
console.log(`${'native Rust, holders seen before'.padEnd(44)} ${fmt(native.known_us)}   ${(median(known) / native.known_us).toFixed(2)}× native's time (both seen)`);
console.log(`scoreBatch(1,000) per item ${fmt(median(batch))}; 1,000 score calls per item ${fmt(median(single))}: batch ${(median(single) / median(batch)).toFixed(2)}× faster`);
console.log(`cold start, import to first result: Node ${median(nodeCold).toFixed(1)} ms, Chromium ${median(browserCold).toFixed(1)} ms (medians of ${nodeCold.length} and ${browserCold.length})`);
