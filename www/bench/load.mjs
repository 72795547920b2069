// Load test of the rentals edge worker (a benchmark, not a test): starts its own workerd with
// www/workerd.capnp on 127.0.0.1 and fresh demo material, then runs checkouts from
// --concurrency clients for --seconds (default 15, at most 60): each gets a presentation
// request (GET /nonce), presents the features it asks for (in Node, like the wallet) and asks
// POST /rentals/gate. Prints requests per second and p50/p99 latencies. Loopback only.
//   node www/bench/load.mjs [--seconds 15] [--concurrency 8]
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

import { getRequest, postGate, present, startDemo } from '../test/helpers.mjs';

const MAX_SECONDS = 60;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '8' },
  },
});
const seconds = Math.min(Number(values.seconds), MAX_SECONDS);
const concurrency = Number(values.concurrency);
if (!(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
  console.error('--seconds must be above 0 (at most 60) and --concurrency a whole number from 1 to 256');
  process.exit(2);
}

const IDS = ['lin', 'chen', 'wang', 'zhao', 'liu', 'mei'];

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function summary(name, latencies, elapsed) {
  const sorted = Float64Array.from(latencies).sort();
  const ms = (value) => `${value.toFixed(2)} ms`;
  return `${name.padEnd(20)} ${String(sorted.length).padStart(7)} requests  ${(sorted.length / elapsed).toFixed(0).padStart(6)}/s  `
    + `p50 ${ms(percentile(sorted, 0.5))}  p99 ${ms(percentile(sorted, 0.99))}  max ${ms(sorted[sorted.length - 1])}`;
}

/** Checkouts from one client until `deadline`; latencies in ms, refusals counted by status. */
async function client(url, people, index, deadline, record) {
  for (let turn = index; performance.now() < deadline; turn += concurrency) {
    const person = people[IDS[turn % IDS.length]];
    let started = performance.now();
    const request = await getRequest(url);
    record.nonce.push(performance.now() - started);
    const body = { presentation: present(person, request.nonce, { request }), nonce: request.nonce, order: { item: 'e-bike' } };
    started = performance.now();
    const answer = await postGate(url, body);
    record.gate.push(performance.now() - started);
    if (answer.status !== 200 || answer.body.band !== person.band) record.failures[answer.status] = (record.failures[answer.status] ?? 0) + 1;
  }
}

/** CPU seconds a process has used (user + system), from /proc; null where there is no /proc. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

async function run(url, people, durationSeconds) {
  const record = { nonce: [], gate: [], failures: {} };
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, (_, index) => client(url, people, index, deadline, record)));
  return { ...record, elapsed: (performance.now() - started) / 1000 };
}

const demo = await startDemo();
try {
  console.log(`workerd on ${demo.url}, ${concurrency} clients, ${seconds} s (after a 1 s warm-up), ${availableParallelism()} cores shared by workerd and this client`);
  await run(demo.url, demo.people, 1);
  const cpuBefore = cpuSeconds(demo.site.pid);
  const result = await run(demo.url, demo.people, seconds);
  const cpu = cpuSeconds(demo.site.pid) - cpuBefore;
  console.log(summary('POST /rentals/gate', result.gate, result.elapsed));
  console.log(summary('GET /nonce', result.nonce, result.elapsed));
  console.log(`checkouts (nonce + present + gate): ${(result.gate.length / result.elapsed).toFixed(0)}/s`);
  if (cpuBefore !== null) {
    console.log(`workerd CPU: ${(cpu / result.elapsed).toFixed(2)} cores busy, ${((1000 * cpu) / result.gate.length).toFixed(2)} ms per checkout (nonce + gate)`);
  }
  const failures = Object.entries(result.failures);
  console.log(failures.length === 0 ? 'every answer: 200 with the expected band' : `unexpected answers by status: ${JSON.stringify(result.failures)}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  await demo.stop();
}
