// Shared by the www tests and the load test: the demo site on 127.0.0.1 with freshly issued
// demo material, and the calls a client of the edge worker makes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Holder, init } from '../../pkg/dist/edgescore.mjs';
import { readDemoMaterial } from '../../pkg/test/helpers.mjs';
import { AUDIENCE, issueDemoData, startSite } from '../site.mjs';

export { AUDIENCE };

/**
 * Issues demo material into a temporary folder and starts the site (and the demo bureau's
 * status list endpoint) on free ports. Resolves to { url, site, dir, people, expired, stop }:
 * `people` issued now, `expired` 40 days ago, each with `snapshot` and `holder` (private JWK).
 */
export async function startDemo(options = {}) {
  await init();
  const { beforeStart, statusTtl, ...siteOptions } = options;
  const demoDir = mkdtempSync(join(tmpdir(), 'edgescore-www-'));
  issueDemoData(demoDir, { statusTtl });
  const people = readDemoMaterial(join(demoDir, 'current')).people;
  const expired = readDemoMaterial(join(demoDir, 'expired')).people;
  beforeStart?.(demoDir);
  const site = await startSite({ demoDir, ...siteOptions });
  return {
    site,
    dir: demoDir,
    url: site.url,
    people,
    expired,
    async stop() {
      await site.stop();
      rmSync(demoDir, { recursive: true, force: true });
    },
  };
}

/** GET /nonce: the gate's presentation request. */
export async function getRequest(url) {
  const response = await fetch(`${url}/nonce`);
  if (response.status !== 200) throw new Error(`GET /nonce: ${response.status}`);
  return response.json();
}

export async function getNonce(url) {
  return (await getRequest(url)).nonce;
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
export function present(person, nonce, { aud = AUDIENCE, snapshot = person.snapshot, request } = {}) {
  if (request !== undefined) return holderOf(person).present(snapshot, request);
  return holderOf(person).presentAll(snapshot, { nonce, aud });
}

/** A well-formed /rentals/gate body for `person` renting `item`: the gate's request, answered. */
export async function gateBody(url, person, item = 'e-bike') {
  const request = await getRequest(url);
  return { presentation: present(person, request.nonce, { request }), nonce: request.nonce, order: { item } };
}

/** POST /rentals/gate: `body` as JSON, or `raw` bytes/text as they are. Resolves to { status, headers, body }. */
export async function postGate(url, body, { raw, headers = { 'Content-Type': 'application/json' } } = {}) {
  const response = await fetch(`${url}/rentals/gate`, { method: 'POST', headers, body: raw ?? JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}
