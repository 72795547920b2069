// Every way to load the module, each in a fresh Node process (a process loads it once): no
// argument, a file: URL (as a URL and as a string), bytes, a compiled module, `{ module }`, a
// Response and a promise of one, a URL served on 127.0.0.1; and the ways it fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { ROOT } from './helpers.mjs';
import { serveStatic } from './runtimes.mjs';

const WASM = `${ROOT}pkg/dist/edgescore_core_bg.wasm`;
const ENTRY = pathToFileURL(`${ROOT}pkg/dist/edgescore.mjs`).href;

let server;
before(async () => {
  server = await serveStatic(`${ROOT}pkg/dist`);
});
after(() => server?.close());

/** Runs `body` in a fresh process after importing the package; resolves to its output. */
function inFreshProcess(body) {
  const source = `import * as edgescore from ${JSON.stringify(ENTRY)};
import { readFileSync } from 'node:fs';
const { init, initSync, newNonce } = edgescore;
const wasm = ${JSON.stringify(WASM)};
try {
  ${body}
  console.log('loaded', newNonce().length);
} catch (error) {
  console.log('failed', error.constructor.name, error.message);
}`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(error);
      else resolve((stdout + stderr).trim());
    });
  });
}

test('every documented input loads the module', async () => {
  const inputs = [
    'await init();',
    'initSync();',
    'await init(new URL(`file://${wasm}`));',
    'await init(`file://${wasm}`);',
    'await init(readFileSync(wasm));',
    'await init(readFileSync(wasm).buffer.slice(0));',
    'initSync(readFileSync(wasm));',
    'initSync(new WebAssembly.Module(readFileSync(wasm)));',
    'initSync({ module: new WebAssembly.Module(readFileSync(wasm)) });',
    'await init(await WebAssembly.compile(readFileSync(wasm)));',
    'await init(new Response(readFileSync(wasm)));',
    `await init(fetch(${JSON.stringify(`${server.url}/edgescore_core_bg.wasm`)}));`,
    `await init(${JSON.stringify(`${server.url}/edgescore_core_bg.wasm`)});`,
    'await Promise.all([init(), init(), init()]); await init();',
  ];
  for (const body of inputs) assert.equal(await inFreshProcess(body), 'loaded 22', body);
  assert.ok(server.requests.filter((path) => path === '/edgescore_core_bg.wasm').length >= 2);
});

test('a failed load says why, and the package is still unloaded after it', async () => {
  const cases = [
    [`await init(${JSON.stringify(`${server.url}/missing.wasm`)});`, /failed Error edgescore: fetching the WebAssembly module failed: 404/],
    ['await init(42);', /failed TypeError edgescore: init\(\) takes a URL, a Response, bytes or a WebAssembly.Module/],
    ['initSync("not bytes");', /failed TypeError edgescore: initSync\(\) takes a WebAssembly.Module or the bytes of one/],
    ['await init(new Uint8Array([1, 2, 3]));', /failed CompileError/],
    ['await init("file:///nowhere/edgescore_core_bg.wasm");', /failed Error edgescore: the WebAssembly module could not be fetched from file:\/\/\/nowhere/],
    ['new edgescore.Scorer({ jwks: "{}", model: "x" });', /failed Error edgescore: call `await init\(\)`/],
    ['await init(42).catch(() => {}); await init();', /loaded 22/],
  ];
  for (const [body, expected] of cases) assert.match(await inFreshProcess(body), expected, body);
  assert.equal(readFileSync(WASM).subarray(0, 4).toString('hex'), '0061736d');
});
