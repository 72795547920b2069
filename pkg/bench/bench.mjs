// The package benchmark, every figure measured in one run and printed with its ratio: the same
// 500 presentations (SD-JWTs by 500 different holders: issuer JWT, disclosures and key-binding
// JWT verified, scored, policy applied) in Node, in headless Chromium and in workerd, by
// edgescore's WebAssembly and by the baselines (pkg/bench/baseline.mjs: jose on the runtime's
// Web Crypto and @noble/ed25519, each with the same plain JavaScript scorecard); native Rust;
// scoreBatch against single calls; cold start by stage in Node and in Chromium. Figures, not
// assertions. `./scripts/bench-pkg.sh` builds what it needs and runs this.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as noble from '@noble/ed25519';
import * as jose from 'jose';

import { DEFAULT_POLICY, Holder, init, Scorer } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS } from 'edgescore/demo';
import { AUDIENCE, demoMaterial, NOW, ROOT } from '../test/helpers.mjs';
import { launchChromium, serveStatic } from '../test/runtimes.mjs';
import { createBaselines, pickWorkload } from './baseline.mjs';
import { benchWorkerd } from './workerd.mjs';

const ITEMS = 500;
const ROUNDS = 9;
const FIXTURE = join(ROOT, '.cache/parity.jsonl');
noble.hashes.sha512 = (message) => new Uint8Array(createHash('sha512').update(message).digest());

const nodeSha256 = (text) => createHash('sha256').update(text).digest('base64url');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const context = { deposit: 39900 };

const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line));
const items = pickWorkload(lines, ITEMS);
const workload = { items, jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, policy: DEFAULT_POLICY, audience: AUDIENCE, now: NOW };

await init();
const newScorer = () => new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, audience: AUDIENCE });
let scorer = newScorer();
const baselines = await createBaselines({
  ...workload,
  jose,
  nobleVerify: noble.verify,
  // Node's own ways to hash and decode, as a Node verifier would use them (node:crypto's
  // synchronous SHA-256: Web Crypto's digest is asynchronous here, about 25 µs a call).
  sha256: { jose: nodeSha256, noble: nodeSha256 },
  decodeJson: (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')),
});

const engines = {
  'edgescore WASM': (item) => scorer.score(item.presentation, { now: NOW, nonce: item.nonce, context }),
  'jose (Web Crypto) + JS scorecard': (item) => baselines.jose(item.presentation, item.nonce, context),
  '@noble/ed25519 + JS scorecard': (item) => baselines.noble(item.presentation, item.nonce, context),
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

/** Wall time per item in µs; the process's CPU time (every thread: Node's Web Crypto works on its thread pool) in `cpu`. */
async function perItem(run, list = items, cpu = []) {
  const start = performance.now();
  const before = process.cpuUsage();
  for (const item of list) await run(item);
  const spent = process.cpuUsage(before);
  cpu.push((spent.user + spent.system) / list.length);
  return ((performance.now() - start) * 1000) / list.length;
}

// Node. Every presentation is by a different holder. The edgescore scorer remembers holder keys
// it has checked, so it is timed twice: fresh each round (every holder new) and kept (every
// holder seen). The engines take turns block by block (50 presentations), in alternating order,
// so that the load of this shared machine, which changes from second to second, falls on all
// of them alike.
const BLOCK = 50;
const names = [...Object.keys(engines), 'edgescore WASM, seen'];
const samples = Object.fromEntries(names.map((name) => [name, []]));
const cpuSamples = Object.fromEntries(names.map((name) => [name, []]));
const seenScorer = newScorer();
for (const item of items) seenScorer.score(item.presentation, { now: NOW, nonce: item.nonce, context });
const runs = { ...engines, 'edgescore WASM, seen': (item) => seenScorer.score(item.presentation, { now: NOW, nonce: item.nonce, context }) };
for (let round = 0; round < ROUNDS; round += 1) {
  scorer = newScorer();
  const wall = Object.fromEntries(names.map((name) => [name, 0]));
  const spent = Object.fromEntries(names.map((name) => [name, 0]));
  for (let start = 0; start < items.length; start += BLOCK) {
    const block = items.slice(start, start + BLOCK);
    for (const name of (start / BLOCK) % 2 ? [...names].reverse() : names) {
      const cpu = [];
      wall[name] += (await perItem(runs[name], block, cpu)) * block.length;
      spent[name] += cpu[0] * block.length;
    }
  }
  for (const name of names) {
    samples[name].push(wall[name] / items.length);
    cpuSamples[name].push(spent[name] / items.length);
  }
}
const known = samples['edgescore WASM, seen'];
const knownCpu = cpuSamples['edgescore WASM, seen'];
const native = JSON.parse(execFileSync(join(ROOT, 'target/release/examples/bench_presentations'), [FIXTURE, String(ITEMS)], { encoding: 'utf8' }));

// scoreBatch of 1,000 against 1,000 single calls.
const thousand = Array.from({ length: 1000 }, (_, i) => items[i % items.length]);
const batchItems = thousand.map(({ presentation, nonce }) => ({ presentation, nonce, context }));
const single = [];
const batch = [];
for (let round = 0; round < ROUNDS; round += 1) {
  scorer = newScorer();
  await perItem(engines['edgescore WASM'], thousand, single);
  scorer = newScorer();
  const before = process.cpuUsage();
  const results = scorer.scoreBatch(batchItems, { now: NOW });
  const spent = process.cpuUsage(before);
  batch.push((spent.user + spent.system) / batchItems.length);
  if (!results.every((r) => r.ok)) throw new Error('batch item failed');
}

// workerd: CPU time per request of a gate on edgescore, one on jose, one that only parses.
const workerd = await benchWorkerd(workload);

// Chromium: the same workload in a page, then cold start by stage in fresh pages.
const demo = demoMaterial();
const lin = demo.people.lin;
const coldMaterial = {
  jwks: demo.jwks,
  model: DEMO_CONSUMER_MODEL,
  audience: AUDIENCE,
  now: NOW,
  statusList: demo.statusList,
  nonce: 'cold-start',
  presentation: Holder.fromPrivateJwk(lin.holder).presentAll(lin.snapshot, { nonce: 'cold-start', aud: AUDIENCE, now: NOW }),
};
writeFileSync(join(ROOT, '.cache/bench-cold.json'), JSON.stringify(coldMaterial));
writeFileSync(join(ROOT, '.cache/bench-workload.json'), JSON.stringify(workload));
const STAGES = ['import', 'fetch', 'compile', 'instantiate', 'scorer', 'statusList', 'firstScore'];
const stageMedians = (runs) => ({
  ...Object.fromEntries(STAGES.map((stage) => [stage, median(runs.map((run) => run.stages[stage] ?? 0))])),
  total: median(runs.map((run) => run.total)),
});
const nodeCold = [];
for (let run = 0; run < 9; run += 1) {
  nodeCold.push(JSON.parse(execFileSync(process.execPath, [join(ROOT, 'pkg/bench/cold-start.mjs'), join(ROOT, '.cache/bench-cold.json')], { encoding: 'utf8' })));
}
let chromium;
const chromiumCold = { stream: [], bytes: [] };
const server = await serveStatic(ROOT);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/pkg/bench/browser-bench.html?workload=/.cache/bench-workload.json&rounds=${ROUNDS}`);
  chromium = await page.waitForFunction(() => window.bench, null, { timeout: 600_000 }).then((handle) => handle.jsonValue());
  if (chromium.error) throw new Error(`Chromium benchmark: ${chromium.error}`);
  await page.close();
  for (let run = 0; run < 9; run += 1) {
    for (const mode of ['stream', 'bytes']) {
      const context = await browser.newContext();
      const cold = await context.newPage();
      await cold.goto(`${server.url}/pkg/bench/cold-start.html?material=/.cache/bench-cold.json&mode=${mode}`);
      chromiumCold[mode].push(await cold.waitForFunction(() => window.coldStart).then((handle) => handle.jsonValue()));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const us = (value) => `${value.toFixed(1).padStart(8)} µs`;
const ms = (value) => `${value.toFixed(1).padStart(6)} ms`;
const ratio = (theirs, ours) => `${(theirs / ours).toFixed(2)}×`;
const wasm = median(samples['edgescore WASM']);
const joseNode = median(samples['jose (Web Crypto) + JS scorecard']);
const nobleNode = median(samples['@noble/ed25519 + JS scorecard']);
console.log(`edgescore package benchmark, ${new Date().toISOString().slice(0, 10)}: ${ITEMS} presentations by ${ITEMS} holders, medians of ${ROUNDS} rounds`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; ${chromium.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0]}; workerd ${JSON.parse(readFileSync(join(ROOT, 'node_modules/workerd/package.json'), 'utf8')).version}`);
const cpu = (name) => median(cpuSamples[name]);
const [wasmCpu, joseCpu, nobleCpu] = [cpu('edgescore WASM'), cpu('jose (Web Crypto) + JS scorecard'), cpu('@noble/ed25519 + JS scorecard')];
console.log('\nper presentation, holders new to the scorer        wall time   edgescore is    CPU time   edgescore is');
const both = (label, wall, ratioWall, cpuTime, ratioCpu) => console.log(`${label.padEnd(48)}${us(wall)}   ${ratioWall.padEnd(12)}${us(cpuTime)}   ${ratioCpu}`);
both('Node      edgescore WASM', wasm, '', wasmCpu, '');
both('Node      jose (Web Crypto) + JS scorecard', joseNode, `${ratio(joseNode, wasm)} faster`, joseCpu, `${ratio(joseCpu, wasmCpu)} faster`);
both('Node      @noble/ed25519 + JS scorecard', nobleNode, `${ratio(nobleNode, wasm)} faster`, nobleCpu, `${ratio(nobleCpu, wasmCpu)} faster`);
both('Node      edgescore WASM, holders seen before', median(known), `${ratio(joseNode, median(known))} vs jose`, median(knownCpu), `${ratio(joseCpu, median(knownCpu))} vs jose`);
console.log(`native    Rust, holders new / seen                ${us(native.new_us)} / ${native.known_us.toFixed(1)} µs   WASM takes ${(wasm / native.new_us).toFixed(2)}× / ${(median(known) / native.known_us).toFixed(2)}× native's time (wall)`);
console.log(`Chromium  edgescore WASM                          ${us(chromium.edgescore)}`);
console.log(`Chromium  jose (Web Crypto) + JS scorecard        ${us(chromium.jose)}   ${ratio(chromium.jose, chromium.edgescore)} faster`);
console.log(`Chromium  @noble/ed25519 + JS scorecard           ${us(chromium.noble)}   ${ratio(chromium.noble, chromium.edgescore)} faster`);
console.log(`workerd   edgescore gate, CPU per request         ${us(workerd.edgescore)}   (${us(workerd.edgescore - workerd.echo).trim()} above a gate that only parses, ${us(workerd.echo).trim()})`);
console.log(`workerd   jose gate, CPU per request              ${us(workerd.jose)}   ${ratio(workerd.jose, workerd.edgescore)} faster (${ratio(workerd.jose - workerd.echo, workerd.edgescore - workerd.echo)} above parsing)`);
console.log(`\nNode      scoreBatch(1,000) per item ${us(median(batch)).trim()}, 1,000 score calls ${us(median(single)).trim()} (CPU time): batch ${ratio(median(single), median(batch))} faster`);
const nodeStages = stageMedians(nodeCold);
console.log('\ncold start, stage by stage (medians of 9 fresh processes / pages)');
console.log(`${''.padEnd(22)}${STAGES.map((stage) => stage.padStart(12)).join('')}${'total'.padStart(10)}`);
const row = (label, stages) => console.log(`${label.padEnd(22)}${STAGES.map((stage) => ms(stages[stage]).padStart(12)).join('')}${ms(stages.total).padStart(10)}`);
row('Node (file)', nodeStages);
row('Chromium (streamed)', stageMedians(chromiumCold.stream));
row('Chromium (bytes)', stageMedians(chromiumCold.bytes));
