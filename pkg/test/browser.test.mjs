// The package in headless Chromium (Debian's, driven by playwright-core): an ES module page
// served from 127.0.0.1 imports it, fetches the .wasm, and scores a presented snapshot.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { AUDIENCE, demoMaterial, NOW, ROOT } from './helpers.mjs';
import { launchChromium, serveStatic } from './runtimes.mjs';

let server;
let browser;

before(async () => {
  const demo = demoMaterial();
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  writeFileSync(join(ROOT, '.cache/browser-material.json'), JSON.stringify({ ...demo, audience: AUDIENCE, now: NOW }));
  server = await serveStatic(ROOT);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('imports, instantiates and scores in Chromium', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(`${server.url}/pkg/test/browser.html?material=/.cache/browser-material.json`);
  const outcome = await page.waitForFunction(() => window.edgescore, null, { timeout: 20_000 }).then((handle) => handle.jsonValue());
  assert.deepEqual(errors, []);
  assert.equal(outcome.result.band, 'excellent');
  assert.equal(outcome.result.score, 724);
  assert.equal(outcome.result.status, 'valid');
  assert.match(outcome.nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(outcome.rejection, { isError: true, isEdgescoreError: true, code: 'ERR_HOLDER_BINDING', name: 'EdgescoreError' });
  assert.ok(server.requests.includes('/pkg/dist/edgescore_core_bg.wasm'), 'the page fetched the .wasm');
  await page.close();
});
