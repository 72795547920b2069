// Single-use, short-lived nonces, kept in Durable Objects so every isolate and every location of
// a fleet sees the same nonce used once.
//
// The nonces are spread over `shards` objects of one namespace (`NonceShard`), so no one object
// is a hot spot. A nonce's first character names its shard (base64url digit `i` is shard `i`),
// chosen by the client's key, so a client's unused nonces sit in one object, which counts them
// against the client's quota. A nonce is 23 base64url characters: the shard digit and 16 random
// bytes.
//
// Each object keeps its nonces in its SQLite storage: a nonce is used up by one transaction
// (read, check, mark), and Durable Objects run one event at a time, so two requests racing with
// one nonce cannot both win, whichever isolate or machine they arrived at. Storage is written
// before the answer leaves (the output gate), so a used nonce stays used across a restart. Every
// nonce lives equally long; a used or expired nonce is remembered `graceSeconds` past its
// expiry (a late replay is "reused" or "expired", not "unknown"), then an alarm deletes it.
import { DurableObject } from 'cloudflare:workers';

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NONCE_PATTERN = /^[A-Za-z0-9_-]{23}$/;

/** The most shards a namespace is split into (one base64url digit). */
export const MAX_SHARDS = DIGITS.length;

/** FNV-1a of a string, for spreading clients over shards (not a security boundary). */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The nonces of a gate: which shard a client's nonces go to, and the stubs that keep them. */
export class Nonces {
  #namespace;
  #shards;

  /** `namespace`: the `NonceShard` Durable Object namespace binding; `shards`: 1 to 64. */
  constructor({ namespace, shards }) {
    if (!Number.isSafeInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new RangeError(`nonce shards must be 1 to ${MAX_SHARDS}`);
    this.#namespace = namespace;
    this.#shards = shards;
  }

  #stub(index) {
    return this.#namespace.get(this.#namespace.idFromName(`nonce-shard-${index}`));
  }

  /**
   * A fresh nonce for `client` from `random` (22 base64url characters), stored in the client's
   * shard: `{ ok: true, nonce, expiresAt }` (ms), or `{ ok: false, reason: 'quota' | 'capacity',
   * retryAfter }` (seconds).
   */
  async issue(client, random, limits) {
    const index = fnv1a(client) % this.#shards;
    const nonce = DIGITS[index] + random;
    const outcome = await this.#stub(index).issue(nonce, client, limits);
    return { ...outcome, nonce };
  }

  /**
   * Uses a nonce up: `"ok"` the first time within its lifetime, then `"reused"`; `"expired"`
   * after its lifetime; `"unknown"` for one never issued, not of this gate's form, or forgotten
   * after the grace period. A nonce is used up even when what it was sent with is then refused.
   */
  async consume(nonce) {
    if (!NONCE_PATTERN.test(nonce)) return 'unknown';
    const index = DIGITS.indexOf(nonce[0]);
    if (index >= this.#shards) return 'unknown';
    return this.#stub(index).consume(nonce);
  }
}

/**
 * One shard of the nonce store. `issue` and `consume` are called over RPC by the gate's
 * isolates; `stats` is for tests and operators.
 */
export class NonceShard extends DurableObject {
  #sql;
  #rows;
  #alarmAt;

  constructor(ctx, env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS nonces (
      nonce TEXT PRIMARY KEY,
      client TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      forget_at INTEGER NOT NULL,
      used INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID`);
    this.#sql.exec('CREATE INDEX IF NOT EXISTS nonces_by_forget_at ON nonces (forget_at)');
    this.#sql.exec('CREATE INDEX IF NOT EXISTS unused_by_client ON nonces (client, expires_at) WHERE used = 0');
    this.#rows = this.#sql.exec('SELECT count(*) AS n FROM nonces').one().n;
  }

  /**
   * Stores `nonce` for `client` unless the client already holds `quota` unused, unexpired
   * nonces here, or the shard holds `capacity` (after forgetting what is due).
   * `limits`: `{ ttlSeconds, graceSeconds, quota, capacity }`.
   */
  async issue(nonce, client, { ttlSeconds, graceSeconds, quota, capacity }) {
    const now = Date.now();
    const outcome = this.ctx.storage.transactionSync(() => {
      const held = this.#sql.exec(
        'SELECT count(*) AS n, min(expires_at) AS first FROM nonces WHERE client = ? AND used = 0 AND expires_at > ?',
        client, now,
      ).one();
      if (held.n >= quota) return { ok: false, reason: 'quota', retryAfter: Math.max(1, Math.ceil((held.first - now) / 1000)) };
      if (this.#rows >= capacity) this.#forget(now);
      if (this.#rows >= capacity) {
        const next = this.#sql.exec('SELECT min(forget_at) AS at FROM nonces').one().at;
        return { ok: false, reason: 'capacity', retryAfter: Math.max(1, Math.ceil((next - now) / 1000)) };
      }
      const expiresAt = now + ttlSeconds * 1000;
      this.#sql.exec('INSERT INTO nonces (nonce, client, expires_at, forget_at) VALUES (?, ?, ?, ?)',
        nonce, client, expiresAt, expiresAt + graceSeconds * 1000);
      this.#rows += 1;
      return { ok: true, expiresAt, forgetAt: expiresAt + graceSeconds * 1000 };
    });
    if (outcome.ok) await this.#scheduleForgetting(outcome.forgetAt);
    return outcome.ok ? { ok: true, expiresAt: outcome.expiresAt } : outcome;
  }

  /** See `Nonces.consume`. */
  consume(nonce) {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      const row = this.#sql.exec('SELECT expires_at, used FROM nonces WHERE nonce = ?', nonce).toArray()[0];
      if (row === undefined) return 'unknown';
      if (row.used) return 'reused';
      if (now >= row.expires_at) return 'expired';
      this.#sql.exec('UPDATE nonces SET used = 1 WHERE nonce = ?', nonce);
      return 'ok';
    });
  }

  /** What this shard holds: `{ rows, unused, alarmAt }`. */
  stats() {
    const unused = this.#sql.exec('SELECT count(*) AS n FROM nonces WHERE used = 0 AND expires_at > ?', Date.now()).one().n;
    return { rows: this.#rows, unused, alarmAt: this.#alarmAt ?? null };
  }

  /** Forgets what is due and sets the alarm for the next. */
  async alarm() {
    this.#alarmAt = null;
    this.#forget(Date.now());
    const next = this.#sql.exec('SELECT min(forget_at) AS at FROM nonces').one().at;
    if (next !== null) await this.#scheduleForgetting(next);
  }

  #forget(now) {
    this.#sql.exec('DELETE FROM nonces WHERE forget_at <= ?', now);
    this.#rows = this.#sql.exec('SELECT count(*) AS n FROM nonces').one().n;
  }

  async #scheduleForgetting(at) {
    this.#alarmAt ??= await this.ctx.storage.getAlarm();
    if (this.#alarmAt === null || this.#alarmAt > at) {
      await this.ctx.storage.setAlarm(at);
      this.#alarmAt = at;
    }
  }
}
