// The workerd part of the package benchmark: the edgescore gate, the jose gate and a gate that
// only parses the body (pkg/bench/workerd/), in one workerd process on 127.0.0.1; the same
// presentations posted to each in turn, one at a time, round by round; workerd's CPU time per
// request read from /proc (every thread's time on CPU, in nanoseconds, before and after each
// round). Returns medians in µs per request.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

import { ROOT } from '../test/helpers.mjs';
import { startWorkerd } from '../test/runtimes.mjs';

const GATES = ['edgescore', 'jose', 'echo'];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

function config(dir, { jwks, model, policy, audience, now }) {
  const embed = (path) => JSON.stringify(relative(dir, join(ROOT, path)));
  const module = (path, kind = 'esModule') => `(name = ${JSON.stringify(path)}, ${kind} = embed ${embed(path)})`;
  const jose = filesUnder(join(ROOT, 'node_modules/jose/dist/webapi')).map((file) => module(relative(ROOT, file)));
  const shared = [
    module('pkg/bench/baseline.mjs'), module('pkg/bench/js-scorecard.mjs'),
    // The package as docs/workers.md lists it, named where the gate's `import … from 'edgescore'`
    // resolves (workerd resolves a bare name beside the importing module's name).
    `(name = "pkg/bench/workerd/edgescore", esModule = embed ${embed('pkg/dist/edgescore.workerd.js')})`,
    `(name = "pkg/bench/workerd/edgescore_core_bg.wasm", wasm = embed ${embed('pkg/dist/edgescore_core_bg.wasm')})`,
    ...jose,
  ];
  const text = (value) => JSON.stringify(value);
  const bindings = `bindings = [
    (name = "JWKS", json = ${text(JSON.stringify(jwks))}),
    (name = "MODEL", text = ${text(model)}),
    (name = "POLICY", json = ${text(JSON.stringify(policy))}),
    (name = "AUDIENCE", text = ${text(audience)}),
    (name = "NOW", text = "${now}"),
  ]`;
  const worker = (gate) => `const ${gate} :Workerd.Worker = (
  modules = [ ${module(`pkg/bench/workerd/${gate === 'echo' ? 'echo' : `${gate}-gate`}.mjs`)}, ${shared.join(', ')} ],
  ${bindings},
  compatibilityDate = "2025-09-01",
);`;
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${GATES.map((gate) => `(name = "${gate}", worker = .${gate})`).join(', ')} ],
  sockets = [ ${GATES.map((gate) => `(name = "${gate}", address = "127.0.0.1:0", http = (), service = "${gate}")`).join(', ')} ],
);
${GATES.map(worker).join('\n')}
`;
}

/** Nanoseconds every thread of `pid` has spent on CPU. */
function cpuNanoseconds(pid) {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
  }
  return total;
}

export async function benchWorkerd(workload, { rounds = 7 } = {}) {
  const dir = join(ROOT, '.cache/bench-workerd');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.capnp'), config(dir, workload));
  const workerd = await startWorkerd(join(dir, 'config.capnp'), undefined, { sockets: GATES });
  try {
    const post = async (gate, item) => {
      const response = await fetch(`http://127.0.0.1:${workerd.ports[gate]}/`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(item),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`${gate} gate refused: ${JSON.stringify(body)}`);
      return body;
    };
    // Warm-up, and the gates agree on every decision.
    for (const item of workload.items) {
      const [ours, theirs] = [await post('edgescore', item), await post('jose', item)];
      if (ours.band !== theirs.band || ours.decision !== theirs.decision) throw new Error('the gates disagree');
      await post('echo', item);
    }
    // The gates take turns block by block (50 requests), in alternating order.
    const samples = Object.fromEntries(GATES.map((gate) => [gate, []]));
    for (let round = 0; round < rounds; round += 1) {
      const spent = Object.fromEntries(GATES.map((gate) => [gate, 0]));
      for (let first = 0; first < workload.items.length; first += 50) {
        const block = workload.items.slice(first, first + 50);
        for (const gate of (first / 50) % 2 ? [...GATES].reverse() : GATES) {
          const before = cpuNanoseconds(workerd.pid);
          for (const item of block) await post(gate, item);
          spent[gate] += cpuNanoseconds(workerd.pid) - before;
        }
      }
      for (const gate of GATES) samples[gate].push(spent[gate] / 1000 / workload.items.length);
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return Object.fromEntries(GATES.map((gate) => [gate, median(samples[gate])]));
  } finally {
    await workerd.stop();
  }
}
