// Shared by the www tests and the load test: the demo site on 127.0.0.1 with freshly issued
// demo material, and the calls a client of the edge worker makes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Holder, init } from '../../pkg/edgescore.js';
import { readDemoMaterial } from '../../pkg/test/helpers.mjs';
import { AUDIENCE, issueDemoData, startSite } from '../site.mjs';

export { AUDIENCE };

/**
 * Issues demo material into a temporary folder and starts the site on a free port. Resolves to
 * { url, site, people, expired, stop }: `people` issued now, `expired` 40 days ago, each with
 * `snapshot` and `holder` (private JWK).
 */
export async function startDemo(options = {}) {
  await init();
  const demoDir = mkdtempSync(join(tmpdir(), 'edgescore-www-'));
  issueDemoData(demoDir);
  const site = await startSite({ demoDir, ...options });
  return {
    site,
    url: site.url,
    people: readDemoMaterial(join(demoDir, 'current')).people,
    expired: readDemoMaterial(join(demoDir, 'expired')).people,
    async stop() {
      await site.stop();
      rmSync(demoDir, { recursive: true, force: true });
    },
  };
}

export async function getNonce(url) {
  const response = await fetch(`${url}/nonce`);
  if (response.status !== 200) throw new Error(`GET /nonce: ${response.status}`);
  return (await response.json()).nonce;
}

const holders = new WeakMap();

/** The person's presentation of `snapshot` (default their own) for `nonce` and `aud`. */
export function present(person, nonce, { aud = AUDIENCE, snapshot = person.snapshot } = {}) {
  if (!holders.has(person)) holders.set(person, Holder.fromPrivateJwk(person.holder));
  return holders.get(person).present(snapshot, { nonce, aud });
}

/** A well-formed /rentals/gate body for `person` renting `item`, with a fresh nonce. */
export async function gateBody(url, person, item = 'e-bike') {
  const nonce = await getNonce(url);
  return { snapshot: person.snapshot, presentation: present(person, nonce), nonce, order: { item } };
}

/** POST /rentals/gate: `body` as JSON, or `raw` bytes/text as they are. Resolves to { status, headers, body }. */
export async function postGate(url, body, { raw, headers = { 'Content-Type': 'application/json' } } = {}) {
  const response = await fetch(`${url}/rentals/gate`, { method: 'POST', headers, body: raw ?? JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}
