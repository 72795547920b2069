// Starts the demo site: fresh demo material from the CLI, then workerd with www/workerd.capnp
// on 127.0.0.1. Used by www/serve.mjs (the main command), the tests and the load test.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
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
 * into `dir`/expired (issued 40 days ago: a 30-day snapshot that has expired). Snapshots
 * expire, so none is kept in git.
 */
export function issueDemoData(dir, { now = Math.floor(Date.now() / 1000), statusTtl = '5m' } = {}) {
  rmSync(dir, { recursive: true, force: true });
  for (const [folder, issuedAt] of [['current', now], ['expired', now - 40 * DAY]]) {
    execFileSync(BIN, ['demo', '--output-dir', join(dir, folder), '--now', String(issuedAt), '--status-ttl', statusTtl], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

/**
 * The demo bureau's status list endpoint on 127.0.0.1 (any free port): `GET /status/1` answers
 * the status list token in `dir`/current/status-list.jwt as it is on disk at that moment (so
 * `edgescore revoke` on that file is what the next fetch sees). Counts the requests it answers.
 * Resolves to { port, requests, close }.
 */
export async function startBureau(dir) {
  const counts = { requests: 0 };
  const server = createServer((request, response) => {
    counts.requests += 1;
    let token;
    try {
      token = request.method === 'GET' && request.url === '/status/1' ? readFileSync(join(dir, 'current/status-list.jwt')) : undefined;
    } catch {
      token = undefined; // nothing published (yet)
    }
    if (token === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/statuslist+jwt' });
    response.end(token);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get requests() {
      return counts.requests;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Starts the demo bureau's status list endpoint and workerd serving the site and the rentals
 * edge worker on 127.0.0.1:`port` (0: any free port). `config`, `sockets` and `args` let tests
 * run another config that imports this one. Resolves to { url, ports, bureau, stop, output,
 * exited }.
 */
export async function startSite({ demoDir = DEFAULT_DEMO_DIR, port = 0, config = SITE_CONFIG, sockets = ['http'], args = [] } = {}) {
  const bureau = await startBureau(demoDir);
  let workerd;
  try {
    workerd = await startWorkerd(config, undefined, {
      sockets,
      args: [
        '--socket-addr', `http=127.0.0.1:${port}`,
        '--directory-path', `www=${join(ROOT, 'www')}`,
        '--directory-path', `pkg=${join(ROOT, 'pkg')}`,
        '--directory-path', `demo-data=${demoDir}`,
        '--external-addr', `bureau=127.0.0.1:${bureau.port}`,
        ...args,
      ],
    });
  } catch (error) {
    await bureau.close();
    throw error;
  }
  return {
    ...workerd,
    bureau,
    url: `http://127.0.0.1:${workerd.ports.http}`,
    async stop() {
      await workerd.stop();
      await bureau.close();
    },
  };
}
