// Starts the demo site: fresh demo material from the CLI, then workerd with www/workerd.capnp
// on 127.0.0.1. Used by www/serve.mjs (the main command), the tests and the load test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { BIN, ROOT } from '../pkg/test/helpers.mjs';
import { startWorkerd } from '../pkg/test/runtimes.mjs';

/** The merchant's id: the audience the checkout asks the wallet to present for. */
export const AUDIENCE = 'https://rentals.example';
/** Where the main command keeps the demo material (git-ignored, rewritten on every start). */
export const DEFAULT_DEMO_DIR = join(ROOT, '.cache/www-demo');
export const SITE_CONFIG = join(ROOT, 'www/workerd.capnp');

const DAY = 86_400;

/**
 * Has the demo issuer sign fresh snapshots for the demo people and its status list (cacheable
 * for `statusTtl`) into `dir`/current (issued now) and, for the "expired snapshot" demo tool,
 * into `dir`/expired (issued 40 days ago: a 30-day snapshot that has expired); and makes the
 * merchant's receipt key, `dir`/merchant/receipt.jwk.json (private) and receipts.jwks.json (the
 * public key set receipts are verified with). Snapshots expire, so none is kept in git.
 */
export function issueDemoData(dir, { now = Math.floor(Date.now() / 1000), statusTtl = '5m' } = {}) {
  rmSync(dir, { recursive: true, force: true });
  for (const [folder, issuedAt] of [['current', now], ['expired', now - 40 * DAY]]) {
    execFileSync(BIN, ['demo', '--output-dir', join(dir, folder), '--now', String(issuedAt), '--status-ttl', statusTtl], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  mkdirSync(join(dir, 'merchant'));
  execFileSync(BIN, ['keygen', '--kid', `demo-rentals-receipts-${now}`, '--private', join(dir, 'merchant/receipt.jwk.json'),
    '--jwks', join(dir, 'merchant/receipts.jwks.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** What the demo bureau publishes: its path → the file in `dir`/current it serves, as on disk. */
const PUBLISHED = { '/status/1': ['status-list.jwt', 'application/statuslist+jwt'], '/jwks.json': ['jwks.json', 'application/jwk-set+json'] };

/**
 * The demo bureau's endpoint on 127.0.0.1 (any free port): `GET /status/1` answers the status
 * list token in `dir`/current/status-list.jwt and `GET /jwks.json` the key set in
 * `dir`/current/jwks.json, each as on disk at that moment (so `edgescore revoke` on the list,
 * or a new key set written there, is what the next fetch sees). Counts the requests it answers,
 * per path. Resolves to { port, requests, requestsFor(path), close }.
 */
export async function startBureau(dir) {
  const counts = new Map();
  const server = createServer((request, response) => {
    counts.set(request.url, (counts.get(request.url) ?? 0) + 1);
    const [file, type] = (request.method === 'GET' && PUBLISHED[request.url]) || [];
    let body;
    try {
      body = file === undefined ? undefined : readFileSync(join(dir, 'current', file));
    } catch {
      body = undefined; // nothing published (yet)
    }
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': type });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get requests() {
      return [...counts.values()].reduce((sum, count) => sum + count, 0);
    },
    requestsFor: (path) => counts.get(path) ?? 0,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Starts the demo bureau's endpoint and workerd serving the site and the rentals edge worker on
 * 127.0.0.1:`port` (0: any free port), with the merchant's receipt key from `demoDir`/merchant
 * and the gate's nonces on disk in `nonceDir` (default `demoDir`/nonces, which a restart with
 * the same folder keeps). `config`, `sockets`, `args` and `env` (EDGESCORE_… settings for the
 * gate) let tests run another config that imports this one. Resolves to { url, ports, bureau,
 * pid, stop, output, exited }; `bureau` may be given to keep one across a restart.
 */
export async function startSite({
  demoDir = DEFAULT_DEMO_DIR, port = 0, config = SITE_CONFIG, sockets = ['http'], args = [], env = {},
  nonceDir = join(demoDir, 'nonces'), bureau: givenBureau,
} = {}) {
  const bureau = givenBureau ?? await startBureau(demoDir);
  mkdirSync(nonceDir, { recursive: true });
  let workerd;
  try {
    workerd = await startWorkerd(config, undefined, {
      sockets,
      env: { EDGESCORE_RECEIPT_KEY: readFileSync(join(demoDir, 'merchant/receipt.jwk.json'), 'utf8'), ...env },
      args: [
        '--socket-addr', `http=127.0.0.1:${port}`,
        '--directory-path', `www=${join(ROOT, 'www')}`,
        '--directory-path', `pkg=${join(ROOT, 'pkg')}`,
        '--directory-path', `demo-data=${demoDir}`,
        '--directory-path', `nonce-store=${nonceDir}`,
        '--external-addr', `bureau=127.0.0.1:${bureau.port}`,
        ...args,
      ],
    });
  } catch (error) {
    if (givenBureau === undefined) await bureau.close();
    throw error;
  }
  return {
    ...workerd,
    bureau,
    url: `http://127.0.0.1:${workerd.ports.http}`,
    async stop() {
      await workerd.stop();
      if (givenBureau === undefined) await bureau.close();
    },
  };
}
