// Builds pkg/dist/, what the package ships, from pkg/src/ and the generated pkg/wasm/ with
// esbuild: one file per runtime, each holding the wrapper and wasm-bindgen's glue, next to the
// one .wasm they share.
//
//   edgescore.js          browser, worker, default: ES module; init() fetches the .wasm next to it
//   edgescore.workerd.js  workerd and wrangler: ES module importing the .wasm as a compiled module
//   edgescore.cjs         Node.js, CommonJS; init() reads the .wasm from disk
//   edgescore.mjs         Node.js, `import`: re-exports edgescore.cjs (one module per process)
//   demo.js, demo.cjs     `edgescore/demo`: the demo issuer's keys and signed demo models
//   *.d.cts               the types for `require` (copies of pkg/*.d.ts)
//
// Not minified: what a developer steps into is readable.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
const dist = `${pkg}dist/`;
const { version } = JSON.parse(readFileSync(`${pkg}package.json`, 'utf8'));
const banner = (what) => `// edgescore ${version}: ${what}. Generated from pkg/src by scripts/pkg-bundle.mjs.`;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const common = { bundle: true, charset: 'utf8', legalComments: 'none', logLevel: 'warning', target: 'es2022' };
// esbuild reports warnings without failing; a build of the package has none.
const checked = async (options) => {
  const result = await build({ ...common, ...options });
  if (result.warnings.length > 0) throw new Error(`esbuild warned while building ${options.outfile}`);
};

await checked({
  entryPoints: [`${pkg}src/browser.js`], outfile: `${dist}edgescore.js`, format: 'esm', platform: 'neutral',
  banner: { js: banner('browsers, web workers, Deno and the default') },
});
await checked({
  entryPoints: [`${pkg}src/workerd.js`], outfile: `${dist}edgescore.workerd.js`, format: 'esm', platform: 'neutral',
  external: ['./edgescore_core_bg.wasm'],
  banner: { js: banner('workerd and Cloudflare Workers') },
});
// wasm-bindgen's own loader (unused here, and left out) reads import.meta.url, which CommonJS
// has not; the check below makes sure nothing that does is left in.
await checked({
  entryPoints: [`${pkg}src/node.js`], outfile: `${dist}edgescore.cjs`, format: 'cjs', platform: 'node', target: 'node20',
  inject: [`${pkg}src/node-globals.js`],
  logOverride: { 'empty-import-meta': 'silent' },
  banner: { js: banner('Node.js (CommonJS)') },
});
if (readFileSync(`${dist}edgescore.cjs`, 'utf8').includes('import.meta')) throw new Error('dist/edgescore.cjs reads import.meta');
await checked({
  entryPoints: [`${pkg}wasm/demo.js`], outfile: `${dist}demo.js`, format: 'esm', platform: 'neutral',
  banner: { js: banner('DEMO material (edgescore/demo)') },
});
await checked({
  entryPoints: [`${pkg}wasm/demo.js`], outfile: `${dist}demo.cjs`, format: 'cjs', platform: 'node', target: 'node20',
  banner: { js: banner('DEMO material (edgescore/demo), CommonJS') },
});

// `import` in Node: the CommonJS build's exports, named one by one (Node's CommonJS lexer
// finds them in esbuild's output, and an explicit list fails loudly if it ever does not).
const { createRequire } = await import('node:module');
const names = Object.keys(createRequire(import.meta.url)(`${dist}edgescore.cjs`)).sort();
writeFileSync(`${dist}edgescore.mjs`, `${banner('Node.js (import)')}
// The CommonJS build, so that \`import\` and \`require\` in one process share one module.
export { ${names.join(', ')} } from './edgescore.cjs';
`);

copyFileSync(`${pkg}wasm/edgescore_core_bg.wasm`, `${dist}edgescore_core_bg.wasm`);
for (const types of ['edgescore', 'demo']) copyFileSync(`${pkg}${types}.d.ts`, `${dist}${types}.d.cts`);
