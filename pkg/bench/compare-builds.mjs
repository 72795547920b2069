// Times the same 500 presentations (holders new to the scorer: a fresh scorer each round) in
// several builds of the package, interleaved round by round in one Node process, and prints each
// build's size, median CPU time per presentation and speed against the first build. CPU time
// (process.cpuUsage) rather than wall time: on a shared machine it is far less disturbed by
// other work. `node pkg/bench/compare-builds.mjs DIR...` (scripts/bench-builds.sh builds them).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { AUDIENCE, NOW, ROOT } from '../test/helpers.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 21);
const context = { deposit: 39900 };
const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// As pkg/bench/bench.mjs picks them: consumer, valid, bound, without a status reference.
const items = readFileSync(resolve(ROOT, '.cache/parity.jsonl'), 'utf8').trim().split('\n').slice(1)
  .map((line) => JSON.parse(line))
  .filter((e) => e.model === 'consumer' && !e.expect.error && !e.presentation.endsWith('~')
    && !('status' in b64json(e.presentation.split('.')[1])))
  .slice(0, 500);

const builds = [];
for (const dir of process.argv.slice(2)) {
  const url = pathToFileURL(resolve(dir)).href;
  const pkg = await import(`${url}/src/browser.js`);
  const demo = await import(`${url}/wasm/demo.js`);
  const wasm = readFileSync(resolve(dir, 'wasm/edgescore_core_bg.wasm'));
  await pkg.init(wasm);
  builds.push({ dir, pkg, demo, raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length, samples: [] });
}
for (let round = 0; round < ROUNDS; round += 1) {
  for (const build of round % 2 ? [...builds].reverse() : builds) {
    const scorer = new build.pkg.Scorer({ jwks: build.demo.DEMO_JWKS, model: build.demo.DEMO_CONSUMER_MODEL, audience: AUDIENCE });
    const before = process.cpuUsage();
    for (const item of items) scorer.score(item.presentation, { now: NOW, nonce: item.nonce, context });
    const spent = process.cpuUsage(before);
    build.samples.push((spent.user + spent.system) / items.length);
  }
}
const first = median(builds[0].samples);
console.log(`${items.length} presentations, holders new to the scorer, median CPU time of ${ROUNDS} interleaved rounds (Node ${process.version})`);
console.log(`${'build'.padEnd(40)} ${'raw'.padStart(8)} ${'gzip'.padStart(8)} ${'per item'.padStart(10)}  speed`);
for (const build of builds) {
  const us = median(build.samples);
  console.log(`${build.dir.padEnd(40)} ${String(build.raw).padStart(8)} ${String(build.gzip).padStart(8)} ${us.toFixed(1).padStart(7)} µs  ${(first / us).toFixed(2)}×`);
}
