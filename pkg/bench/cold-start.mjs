// Cold start in a fresh Node process, stage by stage, as pkg/bench/cold-start.html measures it
// in Chromium: import the package, read and compile the .wasm, instantiate it, build a scorer
// (issuer keys, the signed model verified, the policy), add the status list, score the first
// presentation (made beforehand, as a wallet would). Prints the stages in milliseconds as JSON.
// `node pkg/bench/cold-start.mjs MATERIAL.json` (pkg/bench/bench.mjs writes the material).
const [materialPath] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const { instantiateAndScore, stageClock } = await import('./stages.mjs');
const { readFile } = await import('node:fs/promises');
const material = JSON.parse(readFileSync(materialPath, 'utf8'));
const { stages, mark, total } = stageClock();
const pkg = await import('edgescore');
mark('import');
const bytes = await readFile(new URL('../dist/edgescore_core_bg.wasm', import.meta.url));
mark('fetch');
const module = await WebAssembly.compile(bytes);
mark('compile');
const result = instantiateAndScore(pkg, module, material, mark);
if (result.band === undefined) throw new Error('no band');
console.log(JSON.stringify({ stages, total: total() }));
