// Shared by the www tests and the load test: the demo site on 127.0.0.1 with freshly issued
// demo material, and the calls a client of the edge worker makes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ERROR_CODES, Holder, init } from '../../pkg/dist/edgescore.mjs';
import { readDemoMaterial, ROOT } from '../../pkg/test/helpers.mjs';
import { AUDIENCE, issueDemoData, startSite } from '../site.mjs';
import { GATE_ERROR_CODES } from '../worker/codes.mjs';

export { AUDIENCE };

/** The test config (www/test/fleet.capnp) and its sockets. */
export const FLEET_CONFIG = join(ROOT, 'www/test/fleet.capnp');
const FLEET_SOCKETS = ['http', 'edge', 'b', 'gate', 'probe', 'inspect'];

/** The header the platform reports a client's address in (the gate's CLIENT_ADDRESS_HEADER). */
export const CLIENT_HEADER = 'CF-Connecting-IP';

let clients = 0;
/** A client address no other call of this process got (10.x.y.z), as a platform would report it. */
export function newClient() {
  clients += 1;
  return `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
}

/**
 * Issues demo material into a temporary folder and starts the site (and the demo bureau's
 * endpoint) on free ports. With `fleet: true` it runs www/test/fleet.capnp: `url` is then the
 * "edge" socket (the client's address is the CF-Connecting-IP a test sends), `demoUrl` the demo
 * socket, `urlB` the second gate, `probeUrl` and `inspectUrl` the test workers. `env` sets the
 * gate's EDGESCORE_… settings. Resolves to { url, site, dir, people, expired, merchantJwks,
 * restart, stop }: `people` issued now, `expired` 40 days ago, each with `snapshot` and
 * `holder` (private JWK).
 */
export async function startDemo(options = {}) {
  await init();
  const { beforeStart, statusTtl, fleet = false, ...siteOptions } = options;
  const demoDir = mkdtempSync(join(tmpdir(), 'edgescore-www-'));
  issueDemoData(demoDir, { statusTtl });
  const people = readDemoMaterial(join(demoDir, 'current')).people;
  const expired = readDemoMaterial(join(demoDir, 'expired')).people;
  beforeStart?.(demoDir);
  const start = (bureau) => startSite({
    demoDir, bureau, ...(fleet ? { config: FLEET_CONFIG, sockets: FLEET_SOCKETS } : {}), ...siteOptions,
  });
  const demo = {
    dir: demoDir,
    people,
    expired,
    merchantJwks: JSON.parse(readFileSync(join(demoDir, 'merchant/receipts.jwks.json'), 'utf8')),
    /** Kills workerd (SIGKILL: no clean shutdown) and starts it again on the same folders and bureau. */
    async restart() {
      const bureau = demo.site.bureau;
      process.kill(demo.site.pid, 'SIGKILL');
      await demo.site.exited;
      demo.site = await start(bureau);
      demo.onStart();
      return { killed: true };
    },
    onStart() {
      const socket = (name) => `http://127.0.0.1:${demo.site.ports[name]}`;
      demo.url = fleet ? socket('edge') : demo.site.url;
      if (fleet) Object.assign(demo, { demoUrl: socket('http'), urlB: socket('b'), gateUrl: socket('gate'), probeUrl: socket('probe'), inspectUrl: socket('inspect') });
    },
    async stop() {
      await demo.site.stop();
      await demo.site.bureau.close();
      rmSync(demoDir, { recursive: true, force: true });
    },
  };
  demo.site = await start();
  demo.onStart();
  return demo;
}

const withClient = (headers, client) => (client === undefined ? headers : { ...headers, [CLIENT_HEADER]: client });

/** GET /nonce: the gate's presentation request (`client`: the address the platform reports). */
export async function getRequest(url, { client } = {}) {
  const response = await fetch(`${url}/nonce`, { headers: withClient({}, client) });
  if (response.status !== 200) throw new Error(`GET /nonce: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function getNonce(url, options) {
  return (await getRequest(url, options)).nonce;
}

const holders = new WeakMap();

function holderOf(person) {
  if (!holders.has(person)) holders.set(person, Holder.fromPrivateJwk(person.holder));
  return holders.get(person);
}

/**
 * The person's presentation of `snapshot` (default their own) for a request (default: every
 * feature, for `nonce` and `aud`).
 */
export function present(person, nonce, { aud = AUDIENCE, snapshot = person.snapshot, request, now } = {}) {
  if (request !== undefined) return holderOf(person).present(snapshot, request, { now });
  return holderOf(person).presentAll(snapshot, { nonce, aud, now });
}

/** A well-formed /rentals/gate body for `person` renting `item`: the gate's request, answered. */
export async function gateBody(url, person, item = 'e-bike', { client, reference } = {}) {
  const request = await getRequest(url, { client });
  const order = reference === undefined ? { item } : { item, reference };
  return { presentation: present(person, request.nonce, { request }), nonce: request.nonce, order };
}

/**
 * POST /rentals/gate: `body` as JSON, or `raw` bytes/text as they are; `client` the address the
 * platform reports. Resolves to { status, headers, body }.
 */
export async function postGate(url, body, { raw, headers = { 'Content-Type': 'application/json' }, client } = {}) {
  const response = await fetch(`${url}/rentals/gate`, { method: 'POST', headers: withClient(headers, client), body: raw ?? JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

const KNOWN_CODES = new Set([...ERROR_CODES, ...GATE_ERROR_CODES]);

/** The headers every gate answer carries, and a JSON body (an error's code from the one list); returns the body. */
export function assertGateAnswer(answer, what) {
  const header = (name) => (typeof answer.headers.get === 'function' ? answer.headers.get(name) : answer.headers[name]);
  assert.equal(header('content-type'), 'application/json; charset=utf-8', what);
  assert.equal(header('x-content-type-options'), 'nosniff', what);
  assert.equal(header('cache-control'), 'no-store', what);
  const parsed = typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body;
  if (answer.status >= 400) {
    assert.ok(KNOWN_CODES.has(parsed.error.code), `${what}: ${parsed.error.code} is in src/error.rs's list`);
    assert.equal(typeof parsed.error.message, 'string', what);
    assert.deepEqual(Object.keys(parsed), ['error'], what);
  }
  return parsed;
}
