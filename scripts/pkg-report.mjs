// Prints the sizes of the built package and fails past the budget: the optimised .wasm at most
// 335 KB raw and 142 KB gzipped (KB = 1000 bytes). The budget guards against growth nobody
// decided on; each move is recorded with what it paid for in docs/js.md, "Size".
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = { raw: 335_000, gzip: 142_000 };
const files = [
  ['pkg/dist/edgescore_core_bg.wasm', true],
  ['pkg/wasm/edgescore_core.js', false],
  ['pkg/dist/edgescore.js', false],
  ['pkg/dist/edgescore.workerd.js', false],
  ['pkg/dist/edgescore.cjs', false],
  ['pkg/dist/demo.js', false],
];
let failed = false;
console.log('package sizes (bytes; gzip -9):');
for (const [path, budgeted] of files) {
  const bytes = readFileSync(path);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  console.log(`  ${path.padEnd(34)} ${String(bytes.length).padStart(8)} raw ${String(gzip).padStart(8)} gzip`);
  if (budgeted && (bytes.length > BUDGET.raw || gzip > BUDGET.gzip)) {
    console.error(`  over budget: ${path} must be at most ${BUDGET.raw} raw and ${BUDGET.gzip} gzipped`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`  within budget (.wasm ≤ ${BUDGET.raw} raw, ≤ ${BUDGET.gzip} gzip)`);
