// Helpers for the runtime tests and the demo site: a static file server on 127.0.0.1, a free
// port, workerd, Chromium.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

import { ROOT } from './helpers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1 (GET only, no directory listing; `/` is `index.html`), and each
 * folder of `mounts` (`{ '/demo/': folder }`) under its prefix. Resolves to { url, close,
 * requests }.
 */
export function serveStatic(root = ROOT, { mounts = {} } = {}) {
  const requests = [];
  const server = createServer((request, response) => {
    requests.push(request.url);
    let pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (pathname === '/') pathname = '/index.html';
    const [prefix, base] = Object.entries(mounts).find(([mount]) => pathname.startsWith(mount)) ?? ['/', root];
    const path = normalize(join(base, pathname.slice(prefix.length - 1)));
    if (request.method !== 'GET' || !path.startsWith(base.endsWith(sep) ? base : base + sep) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(response);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/** A port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `workerd serve CONFIG [ARGS…]` and resolves once every socket in `sockets` listens.
 * Ports come from workerd's control messages (`--control-fd`), so a config (or `--socket-addr
 * NAME=127.0.0.1:0`) may ask for any free port. With `url`, also waits until it answers; `env`
 * adds to the environment workerd gets (its `fromEnvironment` bindings).
 * Resolves to { stop, output, ports, exited, pid }: `ports` maps socket names to ports,
 * `exited` settles with the exit code when workerd ends.
 */
export async function startWorkerd(config, url, { timeoutMs = 20_000, args = [], sockets = ['http'], env = {} } = {}) {
  const child = spawn(join(ROOT, 'node_modules/.bin/workerd'), ['serve', config, '--verbose', '--control-fd', '3', ...args],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited.then(() => undefined);
  };
  const ports = {};
  let control = '';
  const listening = new Promise((resolve) => {
    child.stdio[3].on('data', (chunk) => {
      control += chunk;
      const lines = control.split('\n');
      control = lines.pop();
      for (const line of lines) {
        const message = JSON.parse(line);
        if (message.event === 'listen') ports[message.socket] = message.port;
      }
      if (sockets.every((name) => name in ports)) resolve();
    });
  });
  let timer;
  const failure = Promise.race([
    exited.then((code) => `workerd exited (${code})`),
    new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, `workerd did not listen within ${timeoutMs} ms`); }),
  ]);
  const problem = await Promise.race([listening.then(() => null), failure]);
  clearTimeout(timer);
  if (problem !== null) {
    await stop();
    throw new Error(`${problem}: ${output}`);
  }
  if (url !== undefined) await fetch(url);
  return { stop, output: () => output, ports, exited, pid: child.pid };
}

/** Launches Debian's Chromium headless through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
