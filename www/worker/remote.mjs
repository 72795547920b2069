// What the rentals gate fetches from the bureau (its issuer key set, its status list), cached by
// one rule: fresh for a while; then still used while a fetch in the background replaces it
// (stale-while-revalidate), for a bounded time; past that, a request waits for the fetch, and a
// document older than its maximum age is not used at all. One fetch at a time per document; a
// failed fetch keeps what is held and is not retried before a cooldown, and a fetch asked for on
// demand (an unknown `kid`) waits for the same cooldown since the last fetch, so an attacker
// cannot make the gate fetch at will.
import { readCapped } from './http.mjs';

const FETCH_TIMEOUT_MS = 3000;

export class RemoteDocument {
  #name;
  #url;
  #fetchFrom;
  #accept;
  #maxBytes;
  #revalidateSeconds;
  #maxStaleSeconds;
  #cooldownSeconds;
  #clock;
  #freshUntil = -Infinity;
  #held = false;
  #lastAttempt = -Infinity;
  #inflight;
  /** What the last fetch did, for logs and tests: `{ ok, at, changed?, error? }`. */
  last = null;
  /** Fetches made, for tests. */
  fetches = 0;

  /**
   * `name` for logs; `url`; `fetchFrom(url, init)` a fetch that reaches it (a service binding or
   * the global fetch); `accept(text, nowMs, response)` takes a fetched document (verifies and
   * holds it, or throws) and returns (or resolves to) `{ freshSeconds, changed }`; `maxBytes` read at most;
   * `revalidateSeconds` past freshness during which the held document is used while a
   * background fetch replaces it; `maxStaleSeconds` past freshness after which it is not used
   * (`Infinity`: always, the caller judges); `cooldownSeconds` between fetches after a failure or
   * on demand; `clock` milliseconds.
   */
  constructor({ name, url, fetchFrom, accept, maxBytes, revalidateSeconds, maxStaleSeconds, cooldownSeconds, clock = () => Date.now() }) {
    this.#name = name;
    this.#url = url;
    this.#fetchFrom = fetchFrom;
    this.#accept = accept;
    this.#maxBytes = maxBytes;
    this.#revalidateSeconds = revalidateSeconds;
    this.#maxStaleSeconds = maxStaleSeconds;
    this.#cooldownSeconds = cooldownSeconds;
    this.#clock = clock;
  }

  /** Whether a document is held that may still be used. */
  usable(now = this.#clock()) {
    return this.#held && now < this.#freshUntil + this.#maxStaleSeconds * 1000;
  }

  /**
   * Makes sure a usable document is held, fetching as the rule says; `waitUntil` keeps a
   * background fetch alive after the answer. Resolves to `usable()`.
   */
  async ready(waitUntil) {
    const now = this.#clock();
    if (this.#held && now < this.#freshUntil) return true;
    const due = this.last?.ok !== false || this.#cooledDown(now);
    if (this.#held && now < this.#freshUntil + this.#revalidateSeconds * 1000 && this.usable(now)) {
      if (due && this.#inflight === undefined) waitUntil(this.#fetchOnce().catch(() => {}));
      return true;
    }
    if (due || this.#inflight !== undefined) await this.#fetchOnce();
    return this.usable();
  }

  /**
   * Fetches now unless a fetch was made within the cooldown (joins one in flight). Resolves to
   * whether the document held changed.
   */
  async refreshNow() {
    if (this.#inflight === undefined && !this.#cooledDown(this.#clock())) return false;
    return (await this.#fetchOnce()).changed === true;
  }

  /** Whether the cooldown since the last fetch has passed (after a failure, or for an on-demand fetch). */
  #cooledDown(now) {
    return now - this.#lastAttempt >= this.#cooldownSeconds * 1000;
  }

  #fetchOnce() {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch() {
    const started = this.#clock();
    this.#lastAttempt = started;
    this.fetches += 1;
    try {
      // A redirect is a failed fetch, not followed (as the package's remote key sets do): the
      // configured URL is the trust anchor, and a redirect could lead anywhere, plain HTTP included.
      const response = await this.#fetchFrom(this.#url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'manual' });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`${this.#url} answered ${response.status}`);
      }
      const bytes = await readCapped(response.body, this.#maxBytes);
      if (bytes === null) throw new Error(`${this.#url} is larger than ${this.#maxBytes} bytes`);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
      const { freshSeconds, changed } = await this.#accept(text, started, response);
      this.#held = true;
      this.#freshUntil = started + freshSeconds * 1000;
      this.last = { ok: true, at: started, changed };
    } catch (error) {
      this.last = { ok: false, at: started, error: error.code ?? error.message };
      console.warn(`${this.#name}: ${error.code ?? ''} ${error.message}`);
    }
    return this.last;
  }
}

/** The seconds `Cache-Control: max-age` allows, or `undefined`. */
export function maxAge(response) {
  const match = /(?:^|,)\s*max-age\s*=\s*(\d{1,9})\s*(?:,|$)/i.exec(response.headers.get('Cache-Control') ?? '');
  return match === null ? undefined : Number(match[1]);
}
