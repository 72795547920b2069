// The error codes the rentals gate answers with besides edgescore's own (ERROR_CODES in
// pkg/src/errors.js): its nonces, limits, origins and routes. Every gate error is
// {"error":{"code":…,"message":…}} with one of the two lists' codes.

// Generated from the list in src/error.rs: do not edit; `EDGESCORE_BLESS=1 cargo test --features cli error_codes` rewrites it.
/** The codes only the rentals gate answers with, each with its meaning (docs/errors.md). */
export const GATE_ERROR_CODES = Object.freeze([
  'ERR_NONCE_UNKNOWN', // 409: the nonce was not issued by this gate, or is long gone (get a fresh one from `GET /nonce`)
  'ERR_NONCE_EXPIRED', // 409: the nonce's lifetime has passed
  'ERR_NONCE_REUSED', // 409: the nonce was already used (a nonce is good for one `POST /rentals/gate`, even one that was refused)
  'ERR_RATE_LIMITED', // 429 with `Retry-After`: this client sent more requests than its token bucket allows
  'ERR_TOO_MANY_NONCES', // 429 with `Retry-After`: this client holds as many unused nonces as it may; use or let one expire first
  'ERR_BUSY', // 503 with `Retry-After`: the gate cannot take the request now (its nonce capacity is full, or its nonce store did not answer)
  'ERR_KEYS_UNAVAILABLE', // 503 with `Retry-After`: the gate holds no issuer key set young enough to use and could not fetch one
  'ERR_ORIGIN', // 403: the request comes from a web origin the gate does not serve (CORS is opt-in by configured origins)
  'ERR_NOT_FOUND', // 404: no such route
  'ERR_METHOD', // 405 with `Allow`: the route takes another method
]);
// End of the generated error codes.
