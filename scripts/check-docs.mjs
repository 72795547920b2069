#!/usr/bin/env node
// Checks the Markdown documentation: every relative link in README.md, docs/ and the other
// Markdown files of the repository points at a file or folder that exists, every `#anchor`
// names a heading of its target (GitHub's heading ids), and README.md stays the front door:
// at most 25 KB. Links to other sites are not fetched. Exits 1 and lists every problem.
//
// usage: node scripts/check-docs.mjs [--self-test]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README_BUDGET_BYTES = 25_000;
// Folders that hold no documentation of ours (dependencies, build output, caches).
const SKIP = new Set(['.git', '.cache', 'node_modules', 'target', 'test-artefacts', 'wasm']);

/** Every Markdown file under `folder`, as paths relative to the repository root. */
function markdownFiles(folder = ROOT) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [relative(ROOT, path)] : [];
  });
}

/** The text with fenced code blocks and inline code spans blanked out (lines kept). */
function withoutCode(text) {
  let fence = null;
  return text.split('\n').map((line) => {
    const marker = line.match(/^\s{0,3}(`{3,}|~{3,})/);
    if (fence === null && marker) {
      fence = marker[1];
      return '';
    }
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      return '';
    }
    return line.replace(/(`+)(?:(?!\1).)+?\1/g, (span) => ' '.repeat(span.length));
  }).join('\n');
}

/** A heading's text as GitHub renders it: code, emphasis, links and HTML reduced to their text. */
function headingText(raw) {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)/g, '')
    .trim();
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(text) {
  return headingText(text).toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors a Markdown text defines: heading ids (repeats get -1, -2, …) and HTML ids. */
export function anchors(text) {
  const seen = new Map();
  const ids = new Set();
  let fence = null;
  for (const line of text.split('\n')) {
    const marker = line.match(/^\s{0,3}(`{3,}|~{3,})/);
    if (marker && (fence === null || line.trim().startsWith(fence))) {
      fence = fence === null ? marker[1] : null;
      continue;
    }
    if (fence !== null) continue;
    const heading = line.match(/^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/);
    if (heading) {
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      ids.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) ids.add(match[1]);
  }
  return ids;
}

/** The link targets of a Markdown text, with their line numbers: inline and reference links. */
export function links(text) {
  const found = [];
  withoutCode(text).split('\n').forEach((line, index) => {
    for (const match of line.matchAll(/!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push({ target: match[1], line: index + 1 });
    }
    const definition = line.match(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/);
    if (definition) found.push({ target: definition[1], line: index + 1 });
  });
  return found;
}

/** Problems with the links of `file` (relative to the root). */
function checkFile(file, cache) {
  const problems = [];
  const text = readFileSync(join(ROOT, file), 'utf8');
  for (const { target, line } of links(text)) {
    const where = `${file}:${line}`;
    if (target === '') {
      problems.push(`${where}: empty link`);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, … : another site
    const [pathPart, fragment] = target.split('#', 2);
    const path = decodeURIComponent(pathPart);
    const resolved = path === '' ? file : relative(ROOT, path.startsWith('/') ? join(ROOT, path) : join(ROOT, dirname(file), path));
    if (resolved.startsWith('..')) {
      problems.push(`${where}: ${target} leaves the repository`);
      continue;
    }
    if (!existsSync(join(ROOT, resolved))) {
      problems.push(`${where}: ${target}: no such file or folder`);
      continue;
    }
    if (fragment === undefined) continue;
    if (!resolved.endsWith('.md') || statSync(join(ROOT, resolved)).isDirectory()) continue; // line anchors of code: GitHub's
    if (!cache.has(resolved)) cache.set(resolved, anchors(readFileSync(join(ROOT, resolved), 'utf8')));
    if (!cache.get(resolved).has(decodeURIComponent(fragment))) {
      problems.push(`${where}: ${target}: no heading with the id "${fragment}" in ${resolved}`);
    }
  }
  return problems;
}

function selfTest() {
  const cases = [
    [slug('The demo site: wallet, checkout, edge worker'), 'the-demo-site-wallet-checkout-edge-worker'],
    [slug('The JavaScript package (`pkg/`)'), 'the-javascript-package-pkg'],
    [slug('Fit → sign → score on German Credit'), 'fit--sign--score-on-german-credit'],
    [slug('features: exactly the model\'s schema'), 'features-exactly-the-models-schema'],
    [slug('Versioning and MSRV (`rust-version`)'), 'versioning-and-msrv-rust-version'],
    [slug('钱包 wallet'), '钱包-wallet'],
    [[...anchors('# A\n## A\n```\n# B\n```\n### A\n')].join(' '), 'a a-1 a-2'],
    [JSON.stringify(links('[x](a.md#b) `[y](c.md)` ![i](d.png "t")\n```\n[z](e.md)\n```\n[r]: f.md\n').map((l) => l.target)),
      JSON.stringify(['a.md#b', 'd.png', 'f.md'])],
    [JSON.stringify(links('[`src/x.rs`](src/x.rs) and [a [b] c](g.md)').map((l) => l.target)), JSON.stringify(['src/x.rs', 'g.md'])],
  ];
  const failures = cases.filter(([got, want]) => got !== want);
  for (const [got, want] of failures) console.error(`self-test: got ${got}, want ${want}`);
  return failures.length;
}

function main() {
  if (selfTest() > 0) process.exit(1);
  if (process.argv.includes('--self-test')) return;
  const files = markdownFiles().sort();
  const cache = new Map();
  const problems = files.flatMap((file) => checkFile(file, cache));
  const readmeBytes = statSync(join(ROOT, 'README.md')).size;
  if (readmeBytes > README_BUDGET_BYTES) {
    problems.push(`README.md: ${readmeBytes} bytes, over its budget of ${README_BUDGET_BYTES} (move reference material to docs/)`);
  }
  if (problems.length > 0) {
    for (const line of problems) console.error(line);
    console.error(`${problems.length} problem(s) in the Markdown documentation`);
    process.exit(1);
  }
  console.log(`${files.length} Markdown files, every relative link and anchor resolves; README.md ${readmeBytes} bytes (budget ${README_BUDGET_BYTES})`);
}

main();
