// Starts the demo site: fresh demo material from the CLI, then workerd with www/workerd.capnp
// on 127.0.0.1. Used by www/serve.mjs (the main command), the tests and the load test.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
 * Has the demo issuer sign fresh snapshots for the demo people into `dir`/current (issued now)
 * and, for the "expired snapshot" demo tool, into `dir`/expired (issued 40 days ago: a 30-day
 * snapshot that has expired). Snapshots expire, so none is kept in git.
 */
export function issueDemoData(dir, { now = Math.floor(Date.now() / 1000) } = {}) {
  rmSync(dir, { recursive: true, force: true });
  for (const [folder, issuedAt] of [['current', now], ['expired', now - 40 * DAY]]) {
    execFileSync(BIN, ['demo', '--output-dir', join(dir, folder), '--now', String(issuedAt)], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/**
 * Starts workerd serving the site and the rentals edge worker on 127.0.0.1:`port` (0: any free
 * port). `config`, `sockets` and `args` let tests run another config that imports this one.
 * Resolves to { url, ports, stop, output, exited }.
 */
export async function startSite({ demoDir = DEFAULT_DEMO_DIR, port = 0, config = SITE_CONFIG, sockets = ['http'], args = [] } = {}) {
  const workerd = await startWorkerd(config, undefined, {
    sockets,
    args: [
      '--socket-addr', `http=127.0.0.1:${port}`,
      '--directory-path', `www=${join(ROOT, 'www')}`,
      '--directory-path', `pkg=${join(ROOT, 'pkg')}`,
      '--directory-path', `demo-data=${demoDir}`,
      ...args,
    ],
  });
  return { ...workerd, url: `http://127.0.0.1:${workerd.ports.http}` };
}
