// Single-use, short-lived nonces kept in memory by the edge worker.
//
// workerd runs one isolate per worker in one process, so a module-level store is shared by
// every request and a nonce can be consumed exactly once. A deployment with several instances
// (the Workers network) would keep them in a Durable Object, which gives the same
// single-writer guarantee across machines.
//
// Every nonce has the same lifetime, so the Map's insertion order is also expiry order and
// purging only ever looks at the front. A consumed or expired nonce is remembered for a grace
// period after its expiry, so a late replay is reported as "reused" or "expired" rather than
// "unknown". Values are the expiry in milliseconds, negated once the nonce is consumed.

export class NonceStore {
  #entries = new Map();
  #ttlMs;
  #graceMs;
  #capacity;
  #clock;

  /**
   * `ttlSeconds`: how long a nonce can be used; `capacity`: the most nonces remembered at once
   * (issued, consumed or expired within the grace period); `clock`: milliseconds since the epoch.
   */
  constructor({ ttlSeconds, graceSeconds = 60, capacity = 250_000, clock = () => Date.now() }) {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError('ttlSeconds must be a whole number of seconds, at least 1');
    this.#ttlMs = ttlSeconds * 1000;
    this.#graceMs = graceSeconds * 1000;
    this.#capacity = capacity;
    this.#clock = clock;
  }

  get size() {
    return this.#entries.size;
  }

  /** Remembers a fresh nonce; returns its expiry (ms), or null when the store is full. */
  add(nonce) {
    const now = this.#clock();
    this.#purge(now);
    if (this.#entries.size >= this.#capacity || this.#entries.has(nonce)) return null;
    const expiresAt = now + this.#ttlMs;
    this.#entries.set(nonce, expiresAt);
    return expiresAt;
  }

  /**
   * Uses a nonce up: `"ok"` the first time within its lifetime, then `"reused"`; `"expired"`
   * after its lifetime; `"unknown"` for one never issued (or forgotten after the grace period).
   * A nonce is consumed even when what it was sent with is then refused.
   */
  consume(nonce) {
    const now = this.#clock();
    this.#purge(now);
    const value = this.#entries.get(nonce);
    if (value === undefined) return 'unknown';
    if (value < 0) return 'reused';
    if (now >= value) return 'expired';
    this.#entries.set(nonce, -value);
    return 'ok';
  }

  #purge(now) {
    for (const [nonce, value] of this.#entries) {
      if (Math.abs(value) + this.#graceMs > now) break;
      this.#entries.delete(nonce);
    }
  }
}
