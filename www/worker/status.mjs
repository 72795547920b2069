// The rentals gate's copy of the bureau's status list: fetched when none is held or the held
// one's `ttl` has passed (capped by the gate's own maximum), one fetch at a time for all the
// requests waiting on it. A failed fetch keeps the list held and is retried after a short
// pause; how stale a list may get before snapshots are refused or referred is the merchant
// policy's call (`status` in the policy), not this cache's.

/** The largest status list token read, checked while reading (the core caps it too). */
const MAX_TOKEN_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 3000;

export class StatusListCache {
  #url;
  #fetchList;
  #hold;
  #maxCacheSeconds;
  #retrySeconds;
  #clock;
  #freshUntil = 0;
  #refreshing;
  /** What the last refresh did, for logs and tests. */
  last = null;

  /**
   * `url`: where the bureau publishes the list; `fetchList(url, init)`: a fetch that reaches it
   * (a service binding); `hold(token, nowSeconds)`: verifies and holds a token, returns its
   * `{ uri, iat, ttl }` or throws; `maxCacheSeconds`: the longest the gate keeps a list
   * without asking again, whatever its `ttl`; `retrySeconds`: the pause after a failed fetch;
   * `clock`: milliseconds since the epoch.
   */
  constructor({ url, fetchList, hold, maxCacheSeconds = 300, retrySeconds = 5, clock = () => Date.now() }) {
    this.#url = url;
    this.#fetchList = fetchList;
    this.#hold = hold;
    this.#maxCacheSeconds = maxCacheSeconds;
    this.#retrySeconds = retrySeconds;
    this.#clock = clock;
  }

  /** Fetches the list when the one held is due (or none is held); resolves when done either way. */
  async refresh() {
    if (this.#url === undefined || this.#clock() < this.#freshUntil) return;
    this.#refreshing ??= this.#fetch().finally(() => {
      this.#refreshing = undefined;
    });
    await this.#refreshing;
  }

  async #fetch() {
    const started = this.#clock();
    try {
      const response = await this.#fetchList(this.#url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`the bureau answered ${response.status}`);
      const bytes = await readCapped(response.body, MAX_TOKEN_BYTES);
      if (bytes === null) throw new Error(`the status list is larger than ${MAX_TOKEN_BYTES} bytes`);
      const token = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
      const info = this.#hold(token, Math.floor(started / 1000));
      const ttl = Math.min(info.ttl ?? this.#maxCacheSeconds, this.#maxCacheSeconds);
      this.#freshUntil = started + ttl * 1000;
      this.last = { ok: true, at: started, iat: info.iat, ttl: info.ttl };
    } catch (error) {
      this.#freshUntil = started + this.#retrySeconds * 1000;
      this.last = { ok: false, at: started, error: error.code ?? error.message };
      console.warn(`status list: ${error.code ?? ''} ${error.message}`);
    }
  }
}

/**
 * A body's bytes, read chunk by chunk; `null` once more than `maxBytes` arrive (the rest is not
 * read). Shared with the gate's request bodies.
 */
export async function readCapped(body, maxBytes) {
  const chunks = [];
  let size = 0;
  if (body !== null) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return null;
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
