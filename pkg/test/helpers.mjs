// Shared by the package tests: paths, the fixed clock, and demo material from the CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = process.env.EDGESCORE_BIN ?? join(ROOT, 'target/release/edgescore');
/** The clock of every test: 2026-09-21T14:13:20Z. */
export const NOW = 1_790_000_000;
export const AUDIENCE = 'https://rentals.example';

/** Runs the edgescore CLI; returns { code, stdout }. */
export function cli(args, input) {
  try {
    const stdout = execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { code: 0, stdout };
  } catch (error) {
    if (typeof error.status !== 'number') throw error;
    return { code: error.status, stdout: error.stdout };
  }
}

/** Fresh demo material issued by the CLI at NOW: JWKS, signed models, policy, status list, people. */
export function demoMaterial() {
  const dir = mkdtempSync(join(tmpdir(), 'edgescore-demo-'));
  const { code } = cli(['demo', '--output-dir', dir, '--now', String(NOW)]);
  if (code !== 0) throw new Error('edgescore demo failed');
  return readDemoMaterial(dir);
}

/** The demo material `edgescore demo --output-dir DIR` wrote. */
export function readDemoMaterial(dir) {
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  const manifest = JSON.parse(read('demo.json'));
  const people = {};
  for (const person of manifest.people) {
    people[person.id] = {
      ...person,
      snapshot: read(person.snapshot).trim(),
      holder: JSON.parse(read(person.holder_private_jwk)),
    };
  }
  return {
    dir,
    jwks: JSON.parse(read('jwks.json')),
    models: { consumer: read('consumer.model.jws').trim(), seller: read('seller.model.jws').trim() },
    policy: JSON.parse(read('policy.json')),
    statusList: read('status-list.jwt').trim(),
    people,
  };
}

export const readRepoFile = (path) => readFileSync(join(ROOT, path), 'utf8');
