//! Every size cap and range the core enforces on its inputs, in one place: the documented
//! limits table is this file. Caps are checked before the work they bound (a token's size
//! before it is decoded, nesting while parsing), so hostile input costs little.

/// Nesting cap of every JSON document the core reads: a value inside more arrays or objects
/// than this is refused with `ERR_TOO_LARGE`.
pub const MAX_DEPTH: usize = 10;
/// The most members one JSON object may have (`ERR_TOO_LARGE`).
pub const MAX_OBJECT_MEMBERS: usize = 512;
/// The most significant digits of a number (an IEEE double needs 17).
pub const MAX_SIGNIFICANT_DIGITS: usize = 40;

/// A snapshot's issuer-signed JWT.
pub const MAX_SNAPSHOT_BYTES: usize = 8 * 1024;
/// A whole SD-JWT: the issuer-signed JWT, the disclosures and the key-binding JWT.
pub const MAX_SD_JWT_BYTES: usize = 16 * 1024;
/// A key-binding JWT.
pub const MAX_PRESENTATION_BYTES: usize = 4 * 1024;
/// Disclosures sent with one SD-JWT.
pub const MAX_DISCLOSURES: usize = 256;
/// One disclosure (its base64url text).
pub const MAX_DISCLOSURE_BYTES: usize = 1024;
/// Digests (`_sd` entries and `...` elements, decoys included) in one SD-JWT.
pub const MAX_SD_DIGESTS: usize = 512;
/// Decoy digests an issuer may add to one snapshot.
pub const MAX_DECOYS: usize = 64;
/// A status list token (its compact JWS).
pub const MAX_STATUS_LIST_TOKEN_BYTES: usize = 1024 * 1024;
/// A status list once inflated, checked while inflating, so a small "zip bomb" costs no more
/// than this (4 MiB: 33.5 million snapshots at one bit, 16.7 million at two).
pub const MAX_STATUS_LIST_BYTES: usize = 4 * 1024 * 1024;
/// Status lists one verifier holds at once.
pub const MAX_STATUS_LISTS: usize = 64;
/// Length of a status list URI (`status.status_list.uri`, the list's `sub`).
pub const MAX_STATUS_URI: usize = 1024;
/// A signed model, and a model document.
pub const MAX_MODEL_BYTES: usize = 256 * 1024;
/// A decision receipt (its compact JWS).
pub const MAX_RECEIPT_BYTES: usize = 8 * 1024;
/// Length of a receipt's decision id and order reference (visible ASCII).
pub const MAX_RECEIPT_ID: usize = 128;
/// A JWKS or a private JWK.
pub const MAX_JWKS_BYTES: usize = 32 * 1024;
/// A policy or an order context.
pub const MAX_POLICY_BYTES: usize = 32 * 1024;

/// Keys in a JWKS.
pub const MAX_KEYS: usize = 32;
/// Length of a `kid`.
pub const MAX_KID_LENGTH: usize = 128;

/// Length of `iss`, `sub`, `jti`, `vct`, `nonce` and `aud` values.
pub const MAX_CLAIM_STRING: usize = 256;
/// The latest time accepted in a claim (9999-12-31T23:59:59Z).
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;
/// The largest clock leeway a verifier may configure.
pub const MAX_LEEWAY_SECONDS: u64 = 24 * 3600;

/// Features in a snapshot, and in a model's schema.
pub const MAX_FEATURES: usize = 256;
/// Length of a category value.
pub const MAX_CATEGORY_LENGTH: usize = 256;

/// Characteristics in a model.
pub const MAX_CHARACTERISTICS: usize = 64;
/// Bins in a characteristic.
pub const MAX_BINS: usize = 64;
/// Bands in a model.
pub const MAX_BANDS: usize = 16;
/// Values in a bin's value set (`in`, `not_in`).
pub const MAX_VALUE_SET: usize = 256;
/// Magnitude of points, initial score, baselines and score bounds.
pub const MAX_POINTS: i64 = 1_000_000;
/// Length of model texts (version, schema, labels, reason texts).
pub const MAX_MODEL_TEXT: usize = 1024;
/// Length of an identifier (model, feature, characteristic, band, policy and rule ids).
pub const MAX_IDENTIFIER: usize = 64;
/// Length of a reason code.
pub const MAX_REASON_CODE: usize = 32;

/// Rules in a policy.
pub const MAX_RULES: usize = 64;
/// The largest amount (minor units) in a policy or an order.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Items in one batch call of the WebAssembly package.
pub const MAX_BATCH: usize = 10_000;
