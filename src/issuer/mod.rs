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

pub mod batch;
pub mod features;
pub mod lines;
pub mod pipeline;
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

/// The area under the ROC curve of a score against a bad outcome: the probability that a
/// randomly chosen good case scores higher than a randomly chosen bad one, ties counting a
/// half (Mann–Whitney). `None` without both goods and bads.
pub fn auc(cases: &[(i64, bool)]) -> Option<f64> {
    let mut sorted: Vec<(i64, bool)> = cases.to_vec();
    sorted.sort_unstable_by_key(|(score, _)| *score);
    let bads = sorted.iter().filter(|(_, bad)| *bad).count() as f64;
    let goods = sorted.len() as f64 - bads;
    if bads == 0.0 || goods == 0.0 {
        return None;
    }
    // Sum over goods of (bads scoring lower + half the bads tied).
    let (mut wins, mut bads_below) = (0.0, 0.0);
    for group in sorted.chunk_by(|a, b| a.0 == b.0) {
        let group_bads = group.iter().filter(|(_, bad)| *bad).count() as f64;
        let group_goods = group.len() as f64 - group_bads;
        wins += group_goods * (bads_below + group_bads / 2.0);
        bads_below += group_bads;
    }
    Some(wins / (goods * bads))
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

    #[test]
    fn auc_counts_pairs_and_ties() {
        assert_eq!(auc(&[(1, true), (2, false)]), Some(1.0));
        assert_eq!(auc(&[(2, true), (1, false)]), Some(0.0));
        assert_eq!(auc(&[(1, true), (1, false)]), Some(0.5));
        // Goods 3, 5; bads 1, 3: pairs (3>1) 1, (3=3) .5, (5>1) 1, (5>3) 1 → 3.5 / 4.
        assert_eq!(auc(&[(3, false), (1, true), (5, false), (3, true)]), Some(0.875));
        assert_eq!(auc(&[(1, false)]), None);
    }
}
