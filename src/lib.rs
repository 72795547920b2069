//! # edgescore
//!
//! Verify a bureau-signed **feature snapshot**, score it with a signed **scorecard model**,
//! apply the merchant's **policy** and return a **band** and a **decision**, all locally: in a
//! checkout page, an edge worker, a wallet webview or a native process. Nothing about the check
//! goes back to the bureau.
//!
//! ```text
//! presentation (SD-JWT VC: jwt~disclosures~kb-jwt) ──▶ sdjwt + jws ──▶ snapshot::verify_snapshot ──▶ VerifiedSnapshot
//! status list token ──▶ status::verify_status_list ──▶ VerifiedStatusList ──▶ (revoked? suspended?)     │ for_model (disclosed?)
//! signed model ──▶ model::SignedModel::verify ──▶ Model ─────────────────────────────▶ scorecard ──▶ ScoreOutcome
//! policy JSON ───▶ policy::Policy ──────────────────────────────────────────────────────▶ decide ──▶ Decision
//!                                                            scorer::Scorer ties them ──▶ ScoreResult (JSON)
//!                                             merchant key ──▶ receipt::ReceiptKey::sign ──▶ decision receipt (JWS)
//! ```
//!
//! ## Architecture invariants
//! - **Pure core.** No I/O, no clock, no randomness: bytes, keys and `now` come in as
//!   arguments. The crate builds for `wasm32-unknown-unknown` with no features.
//! - **Verified before trusted.** A JWS payload is only reachable through
//!   [`jws::ParsedJws::verify`]; disclosures are only applied to a verified payload
//!   ([`sdjwt::disclose`]); a [`snapshot::VerifiedSnapshot`] only from
//!   [`snapshot::verify_snapshot`]; scoring a snapshot needs a `VerifiedSnapshot` that
//!   [`snapshot::VerifiedSnapshot::for_model`] checked for the model's features. (The CLI's
//!   `inspect` shows a token without verifying it; that decoding lives in the CLI, as
//!   `inspect::decode_without_verifying`, not here. A holder reads the names in its own
//!   disclosures, [`issue::disclosable_names`], to choose what to disclose.)
//! - **Valid by construction.** A [`Model`] has private fields and two ways in, reading a
//!   document and `Model::try_from(ModelSpec)`, which run the same checks; so does every other
//!   checked type (keys, policies, claims): nothing holds a value its own reader would refuse.
//! - **Strict reading, typed by serde.** Every document goes through the strict parser
//!   ([`json`]: duplicate names, nesting cap, exact number text) and is then read into types by
//!   serde over the parsed value, with unknown members refused where the format says so and
//!   `null` never standing in for "absent" unless a member says it may.
//! - **Integer scoring.** Feature values and bin bounds compare as exact decimals
//!   ([`decimal`]); points are exact decimals of up to six places held as whole millionths
//!   ([`model::Points`]), so sums and sub-scores are integer arithmetic. Results are
//!   bit-identical on every platform.
//! - **No panics.** Bad input is an [`Error`] with a stable [`ErrorCode`]; `unwrap`, `expect`,
//!   `panic!` and indexing are denied by lint outside tests (a panic in WebAssembly is a trap).
//!   No `unsafe` anywhere.
//! - **Adapters at the edge.** Argument parsing and files live in the CLI (`cli` feature),
//!   JavaScript bindings in the wasm adapter; neither leaks into the core.
//!
//! ## Code map
//! | module | owns | may not |
//! |---|---|---|
//! | [`error`] | `Error`, `ErrorCode`, the one list of `ERR_…` codes and the one error object | |
//! | [`limits`] | every size cap and range the core enforces | |
//! | [`json`] | strict JSON parser and writer; serde over parsed values ([`json::from_value`], [`json::to_value`]) | let a number pass through floating point |
//! | [`decimal`] | exact decimal numbers and their ordering; the one rounder for floating-point figures | use floating point in comparisons |
//! | [`b64`] | strict base64url | |
//! | [`ed25519`] | hardened Ed25519 keys and verification, signing | |
//! | [`jwk`] | JWK, private JWK, issuer JWKS, RFC 7638 thumbprints | |
//! | [`jws`] | compact JWS: header rules, size caps, verify-then-decode | hand out a payload before verification |
//! | [`sdjwt`] | RFC 9901: the `~` form, disclosures, digests, processing disclosures into claims | apply disclosures to an unverified payload |
//! | [`snapshot`] | snapshot claims, clock, audience, key binding → `VerifiedSnapshot`; the features a model reads | read a clock |
//! | [`status`] | Token Status List: references, lists (ZLIB, capped inflate), verifying list tokens | inflate without a cap |
//! | [`request`] | the presentation request a verifier sends a holder | |
//! | [`receipt`] | decision receipts: the merchant-signed record of a decision (no features), and verifying one | carry a feature, a sub-score or a reason |
//! | [`model`] | the validated model, its spec and document, signed models | build a `Model` without validating it |
//! | [`scorecard`] | evaluation: points, bands, sub-scores, reasons | score anything but a `VerifiedSnapshot` (or explicit raw features, for analytics) |
//! | [`policy`] | merchant policy, order context, deposit decisions | |
//! | [`scorer`] | the verifier pipeline (verify, status, disclosed features, score, decide), held status lists, the result's JSON form | |
//! | [`signer`] | the `Signer` trait every signature goes through; the in-memory (file) signer | do I/O (a device signer lives in `issuer::pkcs11`) |
//! | [`issue`] | signing SD-JWT snapshots, models and status list tokens; presentations with key binding | draw randomness (salts, ids and keys come in) |
//! | [`demo`] | embedded demo issuer keys, models and people (demo only) | be in the WebAssembly package with its private key |
//! | `python` (feature `python`, native only) | the PyO3 adapter: JSON text in, results and `EdgescoreError` out, the GIL released in batch calls | be the only place anything is validated |
//! | `wasm` (feature `wasm`) | the wasm-bindgen adapter: JS values in, results and error envelopes out, Web Crypto randomness, the allocator | be the only place anything is validated (the core validates everything again) |
//! | `lifecycle` (feature `lifecycle`, native only) | fitting, PMML and Python-tool imports, PMML export, raw-row scoring, monitoring reports | be in the WebAssembly package; score a model other than through `Model::score_features` |
//! | `metrics` (features `lifecycle` or `issuer`, native only) | AUC, KS, Gini, population stability index, in `f64` | |
//! | `issuer` (feature `issuer`, native only) | synthetic bureau data, feature derivation, batch issuance: files, threads, a seeded RNG | be reachable from the no-feature build |
//! | `src/bin/edgescore` (feature `cli`) | arguments, files, stdin, clock, randomness, exit codes | |

pub mod b64;
pub mod decimal;
pub mod demo;
pub mod ed25519;
pub mod error;
pub mod issue;
pub mod json;
pub mod jwk;
pub mod jws;
#[cfg(feature = "lifecycle")]
pub mod lifecycle;
pub mod limits;
#[cfg(any(feature = "issuer", feature = "lifecycle"))]
pub mod metrics;
pub mod model;
pub mod policy;
#[cfg(feature = "python")]
mod python;
pub mod receipt;
pub mod request;
pub mod scorecard;
pub mod scorer;
pub mod sdjwt;
pub mod signer;
pub mod snapshot;
pub mod status;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use error::{ClaimReason, Error, ErrorCode, Result};
pub use jwk::Jwks;
pub use model::{Model, SignedModel};
pub use policy::{OrderContext, Policy};
pub use request::PresentationRequest;
pub use scorer::{Disclosure, ScoreRequest, ScoreResult, Scorer};
pub use snapshot::{VerifiedSnapshot, VerifyOptions};
#[cfg(feature = "issuer")]
pub mod issuer;
