//! # edgescore
//!
//! Verify a bureau-signed **feature snapshot**, score it with a signed **scorecard model**,
//! apply the merchant's **policy** and return a **band** and a **decision**, all locally: in a
//! checkout page, an edge worker, a wallet webview or a native process. Nothing about the check
//! goes back to the bureau.
//!
//! ```text
//! snapshot (JWS) ──▶ jws ──▶ snapshot::verify_snapshot ──▶ VerifiedSnapshot
//! presentation ────────────────────┘ (holder binding)          │
//! signed model ──▶ model::SignedModel::verify ──▶ Model ──▶ scorecard ──▶ ScoreOutcome
//! policy JSON ───▶ policy::Policy ─────────────────────────────▶ decide ──▶ Decision
//!                                           scorer::Scorer ties them ──▶ ScoreResult (JSON)
//! ```
//!
//! ## Architecture invariants
//! - **Pure core.** No I/O, no clock, no randomness: bytes, keys and `now` come in as
//!   arguments. The crate builds for `wasm32-unknown-unknown` with no features.
//! - **Verified before trusted.** A JWS payload is only reachable through
//!   [`jws::ParsedJws::verify`]; a [`snapshot::VerifiedSnapshot`] only from
//!   [`snapshot::verify_snapshot`]; scoring a snapshot needs a `VerifiedSnapshot`. (The CLI's
//!   `inspect` shows a token without verifying it; that decoding lives in the CLI, as
//!   `inspect::decode_without_verifying`, not here.)
//! - **Integer scoring.** Feature values and bin bounds compare as exact decimals
//!   ([`decimal`]); points, sums and sub-scores are integers. Results are bit-identical on
//!   every platform.
//! - **No panics.** Bad input is an [`Error`] with a stable [`ErrorCode`]; `unwrap`, `expect`,
//!   `panic!` and indexing are denied by lint outside tests (a panic in WebAssembly is a trap).
//! - **Adapters at the edge.** Argument parsing and files live in the CLI (`cli` feature),
//!   JavaScript bindings in the wasm adapter; neither leaks into the core.
//!
//! ## Code map
//! | module | owns |
//! |---|---|
//! | [`error`] | `Error`, `ErrorCode` and the `ERR_…` strings |
//! | [`json`] | strict JSON parser (duplicate names, nesting cap, exact numbers) and writer |
//! | [`decimal`] | exact decimal numbers and their ordering |
//! | [`b64`] | strict base64url |
//! | [`ed25519`] | hardened Ed25519 keys and verification, signing |
//! | [`jwk`] | JWK, private JWK, issuer JWKS, RFC 7638 thumbprints |
//! | [`jws`] | compact JWS: header rules, size caps, verify-then-decode |
//! | [`snapshot`] | snapshot claims, clock, audience, holder binding |
//! | [`model`] | the scorecard model format and signed models |
//! | [`scorecard`] | evaluation: points, bands, sub-scores, reasons |
//! | [`policy`] | merchant policy and deposit decisions |
//! | [`scorer`] | the verifier pipeline and the result's JSON form |
//! | [`issue`] | signing snapshots, models and key-binding JWS |
//! | [`demo`] | embedded demo issuer keys, models and people (demo only) |
//! | `wasm` (feature `wasm`) | the wasm-bindgen adapter: JSON envelopes in and out |
//! | `lifecycle` | (feature `lifecycle`, native only) fitting, PMML and Python-tool imports, PMML export, monitoring reports |
//! | `metrics` (features `lifecycle` or `issuer`, native only) | AUC, KS, Gini, population stability index, in `f64` |
//! | `issuer` (feature `issuer`, native only) | synthetic bureau data, feature derivation, batch issuance: files, threads, a seeded RNG, outside the pure core |

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
pub mod scorecard;
pub mod scorer;
pub mod snapshot;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use error::{Error, ErrorCode, Result};
pub use jwk::Jwks;
pub use model::{Model, SignedModel};
pub use policy::{OrderContext, Policy};
pub use scorer::{Disclosure, ScoreRequest, ScoreResult, Scorer};
pub use snapshot::{VerifiedSnapshot, VerifyOptions};
#[cfg(feature = "issuer")]
pub mod issuer;
