//! The bureau's side (feature `issuer`, native only): synthetic bureau data, feature
//! derivation and batch issuance. Unlike the core this module does I/O and runs threads; the
//! core it calls ([`crate::issue`], [`crate::model`]) stays pure.
//!
//! ```text
//! synth ──▶ people.jsonl (raw events, 24 months) ──▶ features ──▶ features.jsonl ──▶ batch ──▶ snapshots.jsonl
//!           outcomes.csv (hidden risk, default_12m)    (two passes: contact standing, then features)
//! ```
//!
//! | module | owns |
//! |---|---|
//! | [`synth`] | the seeded synthetic population: raw event histories and ground truth |
//! | [`record`] | reading one raw person record (the synth JSON Lines format) |
//! | [`features`] | deriving a model's feature set from a raw record; the contact-standing table |
//! | [`batch`] | batch issuance: shards, resume, bad rows, ordered parallel signing |
//! | [`lines`] | reading JSON Lines in capped, numbered chunks |
//! | [`pipeline`] | an ordered parallel map over chunks with bounded memory |
//! | [`rows`] | row-by-row processing with error lines, shared by `features` and batch issuance |
//! | `pkcs11` (feature `pkcs11`) | a `Signer` for an Ed25519 key held in a PKCS#11 token |
//! | [`output`] | output files that are complete or absent (`.part`, fsync, rename), run records and manifests |

pub mod batch;
pub mod features;
pub mod lines;
pub mod output;
pub mod pipeline;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
pub mod record;
pub mod rows;
pub mod synth;

use crate::decimal::Decimal;
use crate::json::{Number, Value};

/// `numerator / denominator` as an exact decimal rounded half up to four places, trailing
/// zeros removed (`0.985`, `1`); `None` when the denominator is zero.
pub fn ratio(numerator: u64, denominator: u64) -> Option<Value> {
    ratio_places(numerator, denominator, 4)
}

/// `numerator / denominator` rounded half up to `places` (at most 6) decimal places.
pub fn ratio_places(numerator: u64, denominator: u64, places: u32) -> Option<Value> {
    if denominator == 0 {
        return None;
    }
    let places = places.min(6);
    let scale = 10u128.pow(places);
    let scaled = (u128::from(numerator) * scale + u128::from(denominator) / 2) / u128::from(denominator);
    // At most (2^64 − 1) · 10^6: fits an i128.
    Some(Value::Number(Number::from_decimal(&Decimal::from_scaled(scaled as i128, places))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ratios_round_half_up_and_drop_zeros() {
        assert_eq!(ratio(197, 200).unwrap().to_json(), "0.985");
        assert_eq!(ratio(1, 3).unwrap().to_json(), "0.3333");
        assert_eq!(ratio(2, 3).unwrap().to_json(), "0.6667");
        assert_eq!(ratio(5, 5).unwrap().to_json(), "1");
        assert_eq!(ratio(0, 5).unwrap().to_json(), "0");
        assert_eq!(ratio(1, 0), None);
        assert_eq!(ratio_places(u64::MAX, 1, 6).unwrap().to_json(), "18446744073709551615");
        assert_eq!(ratio_places(1, 8, 2).unwrap().to_json(), "0.13");
    }
}
