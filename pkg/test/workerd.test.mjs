// The package in workerd (Cloudflare's open-source Workers runtime): a worker imports it as
// `edgescore` (the built workerd entry and the .wasm, listed as modules as docs/workers.md
// says), loads it with `init()`, answers a presentation request, and scores the presentation
// posted to it over HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';

import { Holder, init } from 'edgescore';
import { AUDIENCE, demoMaterial, NOW, ROOT } from './helpers.mjs';
import { freePort, startWorkerd } from './runtimes.mjs';

const WORKER = `
import { init, newNonce, Scorer } from 'edgescore';

let scorer;

export default {
  async fetch(request, env) {
    if (scorer === undefined) {
      await init();
      scorer = new Scorer({ jwks: env.JWKS, model: env.MODEL, audience: env.AUDIENCE });
      scorer.addStatusList(env.STATUS_LIST, { now: Number(env.NOW) });
    }
    const url = new URL(request.url);
    if (url.pathname === '/nonce') {
      return Response.json(scorer.presentationRequest({ nonce: newNonce(), expiresAt: Number(env.NOW) + 120 }));
    }
    if (url.pathname !== '/score' || request.method !== 'POST') return new Response('not found', { status: 404 });
    const body = await request.json();
    try {
      return Response.json(scorer.score(body.presentation, body));
    } catch (error) {
      return Response.json({ error: { code: error.code, message: error.message } }, { status: 403 });
    }
  },
};
`;

let demo;
let workerd;
let base;

before(async () => {
  await init();
  demo = demoMaterial();
  const dir = mkdtempSync(join(tmpdir(), 'edgescore-workerd-'));
  writeFileSync(join(dir, 'worker.mjs'), WORKER);
  const embed = (path) => JSON.stringify(relative(dir, join(ROOT, path)));
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "edgescore", esModule = embed ${embed('pkg/dist/edgescore.workerd.js')}),
    (name = "edgescore_core_bg.wasm", wasm = embed ${embed('pkg/dist/edgescore_core_bg.wasm')}),
  ],
  bindings = [
    (name = "JWKS", text = ${JSON.stringify(JSON.stringify(demo.jwks))}),
    (name = "MODEL", text = "${demo.models.consumer}"),
    (name = "AUDIENCE", text = "${AUDIENCE}"),
    (name = "STATUS_LIST", text = "${demo.statusList}"),
    (name = "NOW", text = "${NOW}"),
  ],
  compatibilityDate = "2025-09-01",
);
`);
  base = `http://127.0.0.1:${port}`;
  workerd = await startWorkerd(join(dir, 'config.capnp'), `${base}/nonce`);
});

after(async () => {
  await workerd?.stop();
});

test('answers a presentation request and scores the presentation over HTTP', async () => {
  const request = await (await fetch(`${base}/nonce`)).json();
  assert.match(request.nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(request.features.length, 14); // the demo consumer model reads 14 of its schema's 20 features
  const lin = demo.people.lin;
  const presentation = Holder.fromPrivateJwk(lin.holder).present(lin.snapshot, request, { now: NOW });
  const response = await fetch(`${base}/score`, {
    method: 'POST',
    body: JSON.stringify({ presentation, nonce: request.nonce, now: NOW, context: { deposit: 39900 } }),
  });
  assert.equal(response.status, 200);
  const result = await response.json();
  assert.equal(result.band, 'excellent');
  assert.equal(result.decision, 'deposit_free');
  assert.equal(result.status, 'valid');
});

test('refuses a wrong nonce with its code', async () => {
  const lin = demo.people.lin;
  const presentation = Holder.fromPrivateJwk(lin.holder).presentAll(lin.snapshot, { nonce: 'old', aud: AUDIENCE, now: NOW });
  const response = await fetch(`${base}/score`, {
    method: 'POST',
    body: JSON.stringify({ presentation, nonce: 'fresh', now: NOW }),
  });
  assert.equal(response.status, 403);
  assert.equal((await response.json()).error.code, 'ERR_NONCE_MISMATCH');
});
