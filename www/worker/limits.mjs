// Per-client abuse limits of the rentals gate: who the client is, and token buckets.
//
// The client is the address the platform reports in a header it sets itself
// (`CF-Connecting-IP` on Cloudflare, which overwrites whatever the client sent; configurable for
// other front ends). IPv6 addresses are taken by their /64, the block one subscriber gets, so a
// client cannot step around its limits by walking its own prefix. The buckets live in the
// isolate that answers: on a fleet each isolate limits on its own (the per-client quota of
// unused nonces, kept with the nonces in their Durable Objects, holds across all of them).

/** An IPv4 address (four decimal numbers 0–255) written one way (`010.0.0.1` is `10.0.0.1`), or null. */
function ipv4(text) {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (match === null) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets.join('.') : null;
}

/**
 * The client key of a request: the platform's address header, normalised; `unknown` without one.
 * A header that lists addresses (`X-Forwarded-For: 198.51.100.9, 203.0.113.7` from a front end
 * that appends) counts by its last entry, the one the front end nearest the gate wrote: the ones
 * before it are the client's to choose. An IPv4 address written as IPv6 (`::ffff:203.0.113.7`,
 * what a dual-stack front end reports) is that IPv4 address, not a /64 all such clients share.
 */
export function clientOf(request, header) {
  const reported = request.headers.get(header)?.split(',').at(-1).trim();
  if (!reported) return 'unknown';
  const v4 = ipv4(reported) ?? ipv4(/^::ffff:(.*)$/i.exec(reported)?.[1] ?? '');
  if (v4 !== null) return v4;
  if (reported.includes(':') && /^[0-9a-f:.]+$/i.test(reported) && reported.length <= 45) return `${ipv6Prefix64(reported)}::/64`;
  // Not an address (a misconfigured front end): one key for all such requests, bounded length.
  return `other:${reported.slice(0, 64)}`;
}

/** The first four 16-bit groups of an IPv6 address, expanded (`2001:db8::1` → `2001:db8:0:0`). */
function ipv6Prefix64(address) {
  const [head, tail = ''] = address.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups]
    : headGroups;
  return groups.slice(0, 4).map((group) => (group.replace(/^0+(?=.)/, '') || '0')).join(':');
}

/**
 * Token buckets, one per client: `ratePerMinute` tokens refill a bucket of `burst`; each request
 * takes one. At most `maxClients` buckets are kept (least recently used dropped first, which only
 * ever forgives a client). `clock`: milliseconds.
 */
export class TokenBuckets {
  #buckets = new Map();
  #perMs;
  #burst;
  #maxClients;
  #clock;

  constructor({ ratePerMinute, burst, maxClients = 100_000, clock = () => Date.now() }) {
    if (!(ratePerMinute > 0) || !(burst >= 1)) throw new RangeError('a token bucket needs a positive rate and a burst of at least 1');
    this.#perMs = ratePerMinute / 60_000;
    this.#burst = burst;
    this.#maxClients = maxClients;
    this.#clock = clock;
  }

  /** Takes a token for `client`: 0 when it had one, else the seconds until it will (for `Retry-After`). */
  take(client) {
    const now = this.#clock();
    const held = this.#buckets.get(client);
    let tokens = this.#burst;
    if (held !== undefined) {
      this.#buckets.delete(client);
      tokens = Math.min(this.#burst, held.tokens + (now - held.at) * this.#perMs);
    } else if (this.#buckets.size >= this.#maxClients) {
      this.#buckets.delete(this.#buckets.keys().next().value);
    }
    const allowed = tokens >= 1;
    this.#buckets.set(client, { tokens: allowed ? tokens - 1 : tokens, at: now });
    return allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.#perMs / 1000));
  }
}
