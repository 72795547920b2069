// Load tests of the rentals edge worker (benchmarks: they print figures; only behaviour that is
// not timing decides the exit code). Each starts its own workerd with www/test/fleet.capnp on
// 127.0.0.1 and fresh demo material, and reaches the gate through the socket where it answers
// directly (as a deployed worker: no demo host in front) and every client is the address it
// sends in CF-Connecting-IP (as behind a platform's front end). Loopback only, bounded in time
// and requests.
//
// Throughput (default): --concurrency clients, each its own address, run checkouts back to back
// for --seconds (at most 60), the per-client limits raised out of the way: each gets a
// presentation request (GET /nonce), presents the features it asks for (in Node, like the
// wallet) and asks POST /rentals/gate. Prints requests per second and p50/p99 latencies.
//   node www/bench/load.mjs [--seconds 15] [--concurrency 8]
//
// Flood (--flood): the gate's own limits (the defaults but a per-client rate honest clients stay
// under), 8 honest clients, each its own address, checking out at a steady pace; --rounds times,
// --seconds alone, then --seconds more while one flooding client (one address) sends
// --flood-rate requests a second to /nonce and /rentals/gate. Prints the honest clients'
// success rate and p50/p99 latencies in each phase, the p99 ratios (flooded / alone) per round
// and their median, and what the flooder got. Exits non-zero unless the flooder was limited
// (answered 429 but for what its bucket and quota allow) and the honest clients kept at least
// 99% success in every phase; the latencies are printed only (the machine is shared and noisy).
//   node www/bench/load.mjs --flood [--seconds 10] [--rounds 3] [--flood-rate 1000]
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

import { CLIENT_HEADER, getRequest, newClient, postGate, present, startDemo } from '../test/helpers.mjs';

const MAX_SECONDS = 60;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    flood: { type: 'boolean', default: false },
    'flood-rate': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
  },
});
const rounds = Number(values.rounds);
const seconds = Math.min(Number(values.seconds ?? (values.flood ? 10 : 15)), MAX_SECONDS);
const concurrency = Number(values.concurrency);
const floodRate = Number(values['flood-rate']);
if (!(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256 || !(floodRate > 0 && floodRate <= 5000)
  || !Number.isInteger(rounds) || rounds < 1 || rounds > 10) {
  console.error('--seconds must be above 0 (at most 60), --concurrency a whole number from 1 to 256, --flood-rate 1 to 5000, --rounds 1 to 10');
  process.exit(2);
}

const IDS = ['lin', 'chen', 'wang', 'zhao', 'liu', 'mei'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

const ms = (value) => `${value.toFixed(2)} ms`;

function summary(name, latencies, elapsed) {
  const sorted = Float64Array.from(latencies).sort();
  return `${name.padEnd(20)} ${String(sorted.length).padStart(7)} requests  ${(sorted.length / elapsed).toFixed(0).padStart(6)}/s  `
    + `p50 ${ms(percentile(sorted, 0.5))}  p99 ${ms(percentile(sorted, 0.99))}  max ${ms(sorted[sorted.length - 1])}`;
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

/**
 * One checkout by `person` as `client`: GET /nonce, present, POST /rentals/gate. Records both
 * latencies; resolves to whether it got a 200 with the person's band.
 */
async function checkout(url, person, client, record) {
  let started = performance.now();
  let request;
  try {
    request = await getRequest(url, { client });
  } catch {
    record.failures.nonce = (record.failures.nonce ?? 0) + 1;
    return false;
  } finally {
    record.nonce.push(performance.now() - started);
  }
  const body = { presentation: present(person, request.nonce, { request }), nonce: request.nonce, order: { item: 'e-bike' } };
  started = performance.now();
  const answer = await postGate(url, body, { client });
  record.gate.push(performance.now() - started);
  const ok = answer.status === 200 && answer.body.band === person.band;
  if (!ok) record.failures[answer.status] = (record.failures[answer.status] ?? 0) + 1;
  return ok;
}

/** Clients, each its own address (kept from phase to phase, as a person's is), checking out until `deadline`, `pauseMs` between checkouts. */
async function honestClients(url, people, { clients, deadline, pauseMs }) {
  const record = { nonce: [], gate: [], failures: {}, attempts: 0, successes: 0 };
  const started = performance.now();
  const count = clients.length;
  await Promise.all(clients.map(async (client, index) => {
    for (let turn = index; performance.now() < deadline; turn += count) {
      record.attempts += 1;
      if (await checkout(url, people[IDS[turn % IDS.length]], client, record)) record.successes += 1;
      if (pauseMs > 0) await sleep(pauseMs);
    }
  }));
  return { ...record, elapsed: (performance.now() - started) / 1000 };
}

/**
 * One client (one address) sending `rate` requests a second until `deadline`, alternating GET
 * /nonce and a POST /rentals/gate of a well-formed body with a made-up nonce, pipelined over four
 * keep-alive connections written to directly (a flood costs its sender little; a fetch per
 * request would cost this machine's two cores more than the gate's answers do). Resolves to
 * the answers by route, status and code.
 */
async function flooder(url, { rate, deadline }) {
  const { hostname, port } = new URL(url);
  const client = newClient();
  const payload = '{"presentation":"x.y.z~","nonce":"AAAAAAAAAAAAAAAAAAAAAAA","order":{"item":"e-bike"}}';
  const requests = [
    ['GET /nonce', `GET /nonce HTTP/1.1\r\nHost: gate\r\n${CLIENT_HEADER}: ${client}\r\n\r\n`],
    ['POST /rentals/gate', `POST /rentals/gate HTTP/1.1\r\nHost: gate\r\n${CLIENT_HEADER}: ${client}\r\nContent-Type: application/json\r\n`
      + `Content-Length: ${payload.length}\r\n\r\n${payload}`],
  ];
  const answers = {};
  const count = (key) => { answers[key] = (answers[key] ?? 0) + 1; };
  const connections = await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  })));
  let answered = 0;
  for (const socket of connections) {
    socket.routes = [];
    let buffered = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      buffered += chunk;
      // Each answer: a status line, headers with Content-Length, and that many bytes of JSON.
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const status = buffered.slice(9, 12);
        const code = /"code":"(ERR_[A-Z_]+)"/.exec(buffered.slice(end + 4, end + 4 + length))?.[1];
        count(`${socket.routes.shift()} ${status}${code === undefined ? '' : ` ${code}`}`);
        answered += 1;
        buffered = buffered.slice(end + 4 + length);
      }
    });
    socket.on('error', () => count('connection error'));
  }
  let sent = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due && sent - answered < 1024; sent += 1) {
      const socket = connections[sent % connections.length];
      const [route, bytes] = requests[sent % 2];
      socket.routes.push(route);
      socket.write(bytes);
    }
    await sleep(2);
  }
  const elapsed = (performance.now() - started) / 1000;
  for (let waited = 0; answered < sent && waited < 5000; waited += 10) await sleep(10);
  for (const socket of connections) socket.destroy();
  if (answered < sent) answers.unanswered = sent - answered;
  return { answers, sent, elapsed };
}

async function throughput() {
  // Limits out of the way: this measures how many checkouts the gate carries.
  const demo = await startDemo({
    fleet: true,
    env: { EDGESCORE_NONCE_RATE_PER_MINUTE: '1000000', EDGESCORE_NONCE_BURST: '100000', EDGESCORE_GATE_RATE_PER_MINUTE: '1000000', EDGESCORE_GATE_BURST: '100000' },
  });
  try {
    const clients = Array.from({ length: concurrency }, () => newClient());
    console.log(`workerd on ${demo.gateUrl}, ${concurrency} clients, ${seconds} s (after a 1 s warm-up), ${availableParallelism()} cores shared by workerd and this client`);
    await honestClients(demo.gateUrl, demo.people, { clients, deadline: performance.now() + 1000, pauseMs: 0 });
    const cpuBefore = cpuSeconds(demo.site.pid);
    const result = await honestClients(demo.gateUrl, demo.people, { clients, deadline: performance.now() + seconds * 1000, pauseMs: 0 });
    const cpu = cpuSeconds(demo.site.pid) - cpuBefore;
    console.log(summary('POST /rentals/gate', result.gate, result.elapsed));
    console.log(summary('GET /nonce', result.nonce, result.elapsed));
    console.log(`checkouts (nonce + present + gate): ${(result.gate.length / result.elapsed).toFixed(0)}/s`);
    if (cpuBefore !== null) {
      console.log(`workerd CPU: ${(cpu / result.elapsed).toFixed(2)} cores busy, ${((1000 * cpu) / result.gate.length).toFixed(2)} ms per checkout (nonce + gate)`);
    }
    const failures = Object.entries(result.failures);
    console.log(failures.length === 0 ? 'every answer: 200 with the expected band' : `unexpected answers by status: ${JSON.stringify(result.failures)}`);
    return failures.length === 0;
  } finally {
    await demo.stop();
  }
}

const HONEST_CLIENTS = 8;
// An honest client checks out about four times a second here (a pause of 200 ms after each):
// far more than a person, so that the phases have enough samples; the per-client rate is set
// just above it (the gate's default is 60 a minute).
const HONEST_PAUSE_MS = 200;
const FLOOD_LIMITS = { EDGESCORE_NONCE_RATE_PER_MINUTE: '600', EDGESCORE_NONCE_BURST: '20', EDGESCORE_GATE_RATE_PER_MINUTE: '600', EDGESCORE_GATE_BURST: '20' };

const median = (numbers) => Float64Array.from(numbers).sort()[Math.floor((numbers.length - 1) / 2)];

async function flood() {
  const demo = await startDemo({ fleet: true, env: FLOOD_LIMITS });
  const clients = Array.from({ length: HONEST_CLIENTS }, () => newClient());
  try {
    console.log(`workerd on ${demo.gateUrl}; ${HONEST_CLIENTS} honest clients (a checkout, then ${HONEST_PAUSE_MS} ms); ${rounds} rounds of ${seconds} s alone, then ${seconds} s with one client flooding at ${floodRate} requests/s; per-client limits ${FLOOD_LIMITS.EDGESCORE_NONCE_RATE_PER_MINUTE}/min, burst ${FLOOD_LIMITS.EDGESCORE_NONCE_BURST}, quota 16 unused nonces; ${availableParallelism()} cores shared by workerd, the clients and the flooder`);
    await honestClients(demo.gateUrl, demo.people, { clients, deadline: performance.now() + 1000, pauseMs: HONEST_PAUSE_MS });
    const problems = [];
    const ratios = { gate: [], nonce: [] };
    const attacks = [];
    const figures = (result) => {
      const gate = Float64Array.from(result.gate).sort();
      const nonce = Float64Array.from(result.nonce).sort();
      return {
        success: (100 * result.successes) / result.attempts,
        attempts: result.attempts,
        gate: [percentile(gate, 0.5), percentile(gate, 0.99)],
        nonce: [percentile(nonce, 0.5), percentile(nonce, 0.99)],
        failures: result.failures,
      };
    };
    const row = (label, f) => `  ${label.padEnd(16)} ${String(f.attempts).padStart(5)} checkouts  success ${f.success.toFixed(2).padStart(6)}%  `
      + `POST /rentals/gate p50 ${ms(f.gate[0])} p99 ${ms(f.gate[1])}  GET /nonce p50 ${ms(f.nonce[0])} p99 ${ms(f.nonce[1])}`
      + (Object.keys(f.failures).length > 0 ? `  failures ${JSON.stringify(f.failures)}` : '');
    console.log('honest clients');
    for (let round = 1; round <= rounds; round += 1) {
      const alone = figures(await honestClients(demo.gateUrl, demo.people, { clients, deadline: performance.now() + seconds * 1000, pauseMs: HONEST_PAUSE_MS }));
      const deadline = performance.now() + seconds * 1000;
      const [honest, attack] = await Promise.all([
        honestClients(demo.gateUrl, demo.people, { clients, deadline, pauseMs: HONEST_PAUSE_MS }),
        flooder(demo.gateUrl, { rate: floodRate, deadline }),
      ]);
      const flooded = figures(honest);
      console.log(row(`round ${round} alone`, alone));
      console.log(row(`round ${round} flooded`, flooded));
      ratios.gate.push(flooded.gate[1] / alone.gate[1]);
      ratios.nonce.push(flooded.nonce[1] / alone.nonce[1]);
      attacks.push(attack);
      for (const [phase, f] of [['alone', alone], ['flooded', flooded]]) {
        if (f.success < 99) problems.push(`round ${round}: honest success ${f.success.toFixed(2)}% ${phase}`);
      }
      // The flooder's nonces: what its bucket and its quota of unused nonces allow, no more.
      const served = attack.answers['GET /nonce 200'] ?? 0;
      const limited = Object.entries(attack.answers).filter(([key]) => / 429 /.test(key)).reduce((sum, [, n]) => sum + n, 0);
      if (served > 16) problems.push(`round ${round}: the flooder got ${served} nonces (its quota is 16 unused)`);
      if (limited < 0.9 * attack.sent) problems.push(`round ${round}: only ${limited} of the flooder's ${attack.sent} requests were limited`);
    }
    const fmt = (list) => list.map((ratio) => `${ratio.toFixed(2)}x`).join(' ');
    console.log(`p99 flooded / alone, per round: POST /rentals/gate ${fmt(ratios.gate)} (median ${median(ratios.gate).toFixed(2)}x); GET /nonce ${fmt(ratios.nonce)} (median ${median(ratios.nonce).toFixed(2)}x)`);
    for (const [index, attack] of attacks.entries()) {
      const limited = Object.entries(attack.answers).filter(([key]) => / 429 /.test(key)).reduce((sum, [, n]) => sum + n, 0);
      console.log(`flooder, round ${index + 1}: ${attack.sent} requests in ${attack.elapsed.toFixed(1)} s (${(attack.sent / attack.elapsed).toFixed(0)}/s), ${limited} answered 429; ${JSON.stringify(attack.answers)}`);
    }
    console.log(problems.length === 0 ? 'the flooder was limited; the honest clients kept at least 99% success in every phase' : `FAILED: ${problems.join('; ')}`);
    return problems.length === 0;
  } finally {
    await demo.stop();
  }
}

process.exitCode = (await (values.flood ? flood() : throughput())) ? 0 : 1;
