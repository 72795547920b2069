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
    Some(fixed_point(scaled, places))
}

/// A non-negative finite `f64` as a decimal rounded to `places` (at most 6) decimal places.
pub fn decimal_value(value: f64, places: u32) -> Value {
    let places = places.min(6);
    let scale = 10u128.pow(places);
    let scaled = if value.is_finite() && value > 0.0 { (value * scale as f64).round() as u128 } else { 0 };
    fixed_point(scaled, places)
}

/// `scaled / 10^places` written as a JSON number with trailing zeros removed.
fn fixed_point(scaled: u128, places: u32) -> Value {
    let scale = 10u128.pow(places);
    let whole = scaled / scale;
    let mut fraction = format!("{:0width$}", scaled % scale, width = places as usize);
    while fraction.ends_with('0') {
        fraction.pop();
    }
    let text = if fraction.is_empty() { whole.to_string() } else { format!("{whole}.{fraction}") };
    match Decimal::parse(&text) {
        Ok(decimal) => Value::Number(Number::from_decimal(&decimal)),
        Err(_) => Value::Null,
    }
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
        assert_eq!(decimal_value(4.6049, 2).to_json(), "4.6");
        assert_eq!(decimal_value(-1.0, 2).to_json(), "0");
    }
}
