// The rentals gate's HTTP surface: every answer is JSON with the same headers, errors are
// {"error":{"code":"ERR_…","message":"…"}}, CORS is opt-in by configured origins, and request
// bodies are read under a cap without leaving the client a reset connection.

/** Headers on every answer of the gate, errors included. */
export const API_HEADERS = Object.freeze({
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** A refusal with an HTTP status, a code of the one list (src/error.rs) and extra headers. */
export class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...API_HEADERS, ...headers },
  });
}

export function refusal({ status, code, message, headers }) {
  return json(status, { error: { code, message } }, headers);
}

/**
 * CORS, opt-in: `origins` is the set of web origins (`https://shop.example`) allowed to call the
 * gate from a page; a request from the gate's own origin, or with no `Origin` (not from a page),
 * needs none. Any other origin is refused (403 `ERR_ORIGIN`), preflight or not, so a page
 * elsewhere cannot spend a visitor's nonce quota through the visitor's browser.
 */
export class Cors {
  #origins;

  /**
   * `origins`: each a web origin as browsers send it (`https://shop.example`, lower case, no
   * path, no default port); anything else (`null`, `*`, a URL with a path) is a configuration
   * error, since it could never match or would match pages of any site (`null`).
   */
  constructor(origins) {
    for (const origin of origins) {
      let serialised;
      try {
        serialised = new URL(origin).origin;
      } catch {
        serialised = undefined;
      }
      if (serialised !== origin || !/^https?:$/.test(new URL(origin).protocol)) {
        throw new Error(`CORS_ORIGINS: ${JSON.stringify(origin.slice(0, 80))} is not a web origin (scheme://host[:port], as a browser sends it)`);
      }
    }
    this.#origins = new Set(origins);
  }

  /** The CORS headers for this request's answer; throws `ERR_ORIGIN` for an origin not allowed. */
  headersFor(request) {
    const origin = request.headers.get('Origin');
    if (origin === null || origin === new URL(request.url).origin) return {};
    if (!this.#origins.has(origin)) {
      throw new HttpError(403, 'ERR_ORIGIN', 'this origin may not call the gate (ask the merchant to allow it)', { Vary: 'Origin' });
    }
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' };
  }

  /** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`) for a route taking `method`. */
  preflight(request, method) {
    const headers = this.headersFor(request);
    const asked = request.headers.get('Access-Control-Request-Method');
    if (asked !== method) throw new HttpError(405, 'ERR_METHOD', `use ${method}`, { ...headers, Allow: method });
    const wanted = (request.headers.get('Access-Control-Request-Headers') ?? '')
      .split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
    const refused = wanted.find((name) => name !== 'content-type');
    if (refused !== undefined) throw new HttpError(403, 'ERR_ORIGIN', `header "${refused.slice(0, 40)}" is not allowed`, headers);
    return json(200, { allow: { method, headers: ['Content-Type'] } }, {
      ...headers,
      ...(headers['Access-Control-Allow-Origin'] === undefined ? {} : {
        'Access-Control-Allow-Methods': method,
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
      }),
    });
  }
}

/** The chunks as one array of `size` bytes. */
function concat(chunks, size) {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The reader's next chunk, or `{ timeout: true }` once `deadline` (ms since the epoch) has passed. */
async function readBefore(reader, deadline) {
  const left = deadline - Date.now();
  if (left <= 0) return { timeout: true };
  let timer;
  try {
    return await Promise.race([
      reader.read(),
      new Promise((resolve) => { timer = setTimeout(resolve, left, { timeout: true }); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown by `readCapped` when the body did not arrive before its deadline. */
export class BodyTimeout extends Error {}

/**
 * A body's bytes, read chunk by chunk; past `maxBytes`, `overflow(reader, size)` is awaited
 * (default: cancel the rest) and the result is `null`; past `deadline` (ms since the epoch,
 * default none) the rest is cancelled and `BodyTimeout` thrown. Also used for what the gate
 * fetches (key sets, status lists).
 */
export async function readCapped(body, maxBytes, overflow = (reader) => reader.cancel(), deadline = Infinity) {
  const chunks = [];
  let size = 0;
  if (body !== null) {
    const reader = body.getReader();
    for (;;) {
      const next = await readBefore(reader, deadline);
      if (next.timeout) {
        reader.cancel().catch(() => {});
        throw new BodyTimeout(`the body did not arrive within its deadline (${size} bytes read)`);
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        await overflow(reader, size);
        return null;
      }
      chunks.push(next.value);
    }
  }
  return concat(chunks, size);
}

/**
 * Reads and throws away what is left of a request body, at most `maxBytes` and `maxMs`, so an
 * answer sent before the body was read (a 413, a 429) reaches the client instead of a reset
 * connection. A body declared larger than `maxBytes` is not read at all (the client may see the
 * connection close; one that waits for `100 Continue` gets the answer and sends nothing). Resolves
 * to the bytes drained.
 */
export async function drain(request, { maxBytes, maxMs }) {
  const body = request.body;
  if (body === null || body.locked || Number(request.headers.get('Content-Length') ?? 0) > maxBytes) return 0;
  return drainReader(body.getReader(), 0, { maxBytes, maxMs });
}

async function drainReader(reader, already, { maxBytes, maxMs }) {
  let drained = already;
  const deadline = Date.now() + maxMs;
  try {
    while (drained <= maxBytes) {
      const next = await readBefore(reader, deadline);
      if (next.timeout || next.done) break;
      drained += next.value.byteLength;
    }
  } catch {
    // The client went away: nothing left to drain.
  }
  reader.cancel().catch(() => {});
  return drained;
}

/**
 * The request body as text, for `Content-Type: application/json` only: refused past
 * `maxBytes` by the declared `Content-Length` (before reading) or by the bytes as they arrive
 * (chunked bodies: the rest is drained, up to `drain`'s bounds, before the answer), 413
 * `ERR_TOO_LARGE`; 408 `ERR_MALFORMED` when it has not all arrived `readMs` after the request
 * (a client that trickles or stalls its body holds nothing longer); 400 `ERR_MALFORMED` when it
 * cannot be read (broken chunked framing, a lost connection) or is not UTF-8.
 */
export async function readJsonBody(request, { maxBytes, drainBytes, drainMs, readMs }) {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type)) {
    throw new HttpError(400, 'ERR_MALFORMED', 'the body must be JSON sent as Content-Type: application/json');
  }
  const tooLarge = new HttpError(413, 'ERR_TOO_LARGE', `the body is larger than ${maxBytes} bytes`);
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge; // unread: drained by the caller
  let bytes;
  try {
    bytes = await readCapped(request.body, maxBytes, (reader, size) => drainReader(reader, size, { maxBytes: drainBytes, maxMs: drainMs }), Date.now() + readMs);
  } catch (error) {
    if (error instanceof BodyTimeout) throw new HttpError(408, 'ERR_MALFORMED', `the body did not arrive within ${readMs / 1000} s`);
    throw new HttpError(400, 'ERR_MALFORMED', 'the body could not be read (broken framing or a lost connection)');
  }
  if (bytes === null) throw tooLarge;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, 'ERR_MALFORMED', 'the body is not UTF-8');
  }
}

/**
 * The first member name that one object of `text` (valid JSON) has twice, or `undefined`.
 * Names compare as decoded (`"item"` and `"\u0069tem"` are one name). `JSON.parse` keeps the
 * last of two: a body whose members mean one thing to the gate and another to whatever else
 * reads it (a front end, a log, the order system) is refused instead, as edgescore's own JSON
 * parser refuses it.
 */
function duplicateName(text) {
  // Per open container: the names seen (an object) or null (an array).
  const open = [];
  let nameNext = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (nameNext) {
        const name = JSON.parse(text.slice(index, end + 1));
        const names = open.at(-1);
        if (names.has(name)) return name;
        names.add(name);
        nameNext = false;
      }
      index = end;
    } else if (char === '{') {
      open.push(new Set());
      nameNext = true;
    } else if (char === '[') {
      open.push(null);
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      nameNext = open.at(-1) !== null;
    }
  }
  return undefined;
}

/** A request body's JSON value: 400 `ERR_MALFORMED` when it is not JSON or an object has a member twice. */
export function parseJson(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'ERR_MALFORMED', 'the body is not JSON');
  }
  const duplicate = duplicateName(text);
  if (duplicate !== undefined) throw new HttpError(400, 'ERR_MALFORMED', `member "${duplicate.slice(0, 40)}" appears twice in one object`);
  return value;
}
