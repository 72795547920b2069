// Error codes and EdgescoreError: what every rejection carries.

// Generated from the list in src/error.rs: do not edit; `EDGESCORE_BLESS=1 cargo test --features cli error_codes` rewrites it.
/** Every error code the package can report: the core's (not the model lifecycle's) and `ERR_INTERNAL`. */
export const ERROR_CODES = Object.freeze([
  'ERR_MALFORMED',
  'ERR_TOO_LARGE',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_HEADER_NOT_ALLOWED',
  'ERR_WRONG_TYPE',
  'ERR_UNKNOWN_KID',
  'ERR_KEY_INVALID',
  'ERR_SIGNATURE_INVALID',
  'ERR_EXPIRED',
  'ERR_NOT_YET_VALID',
  'ERR_TOO_OLD',
  'ERR_ISSUER',
  'ERR_AUDIENCE',
  'ERR_CLAIM_INVALID',
  'ERR_HOLDER_BINDING',
  'ERR_NONCE_MISMATCH',
  'ERR_DISCLOSURE_INVALID',
  'ERR_FEATURE_NOT_DISCLOSED',
  'ERR_REVOKED',
  'ERR_SUSPENDED',
  'ERR_STATUS_INVALID',
  'ERR_STATUS_LIST_INVALID',
  'ERR_STATUS_UNAVAILABLE',
  'ERR_MODEL_INVALID',
  'ERR_UNSUPPORTED_VERSION',
  'ERR_SCHEMA_MISMATCH',
  'ERR_FEATURE_INVALID',
  'ERR_POLICY_INVALID',
  'ERR_CONTEXT_INVALID',
  'ERR_CONFIG_INVALID',
  'ERR_INTERNAL',
  'ERR_KEY_SET_UNAVAILABLE',
]);
// End of the generated error codes.

/**
 * A rejected input or configuration: a real `Error` with a stable `code` and, when one claim
 * or feature is at fault, `claim` (its name) and `reason` (`missing`, `invalid` or
 * `check_failed`, as jose's `JWTClaimValidationFailed` says it).
 */
export class EdgescoreError extends Error {
  constructor(code, message, { claim, reason, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EdgescoreError';
    this.code = code;
    if (typeof claim === 'string') this.claim = claim;
    if (typeof reason === 'string') this.reason = reason;
  }
}

/** `ERR_CONFIG_INVALID`: the caller's own options are not valid. */
export function configError(message) {
  return new EdgescoreError('ERR_CONFIG_INVALID', message);
}
