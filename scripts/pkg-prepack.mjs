// npm's `prepack` for pkg/: refuses to pack a package that was not built, or whose build is
// older than its sources, so a tarball never ships without its .wasm or with stale code.
// Build first with ./scripts/build-pkg.sh.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const fail = (message) => {
  console.error(`edgescore prepack: ${message}; build the package first: ./scripts/build-pkg.sh`);
  process.exit(1);
};

const shipped = manifest.files.map((file) => join(pkg, file));
const missing = shipped.filter((file) => !existsSync(file));
if (missing.length > 0) fail(`missing ${missing.map((file) => file.slice(pkg.length)).join(', ')}`);
const wasm = join(pkg, 'dist/edgescore_core_bg.wasm');
if (!readFileSync(wasm).subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d]))) fail('dist/edgescore_core_bg.wasm is not WebAssembly');

// The build must be newer than every source it is made from.
const built = Math.min(...shipped.filter((file) => file.includes('/dist/')).map((file) => statSync(file).mtimeMs));
const sources = [...readdirSync(join(pkg, 'src')).map((name) => join(pkg, 'src', name)), join(pkg, 'edgescore.d.ts'), join(pkg, 'demo.d.ts'),
  join(pkg, 'edgescore_core_bg.wasm.d.ts'), join(pkg, 'edgescore_core_bg.wasm.d.cts')];
const newer = sources.filter((file) => statSync(file).mtimeMs > built);
if (newer.length > 0) fail(`${newer.map((file) => file.slice(pkg.length)).join(', ')} changed after the last build`);
