//! Exact decimal numbers for feature values and bin bounds.
//!
//! Scoring compares a feature value with the bounds of a characteristic's bins. Both are
//! written as decimal text in signed JSON, so edgescore compares them as the exact decimals
//! they are: no floating point, no rounding, no platform in which `0.6` could land in another
//! bin. The result is bit-identical natively and in WebAssembly by construction.
//!
//! A value is kept as a sign, a digit string without leading or trailing zeros, and the
//! position of the decimal point; comparing two values is comparing those.
//!
//! Figures that are computed in floating point outside scoring (metrics, rates, timings in
//! reports and summaries) become JSON numbers through one rounder, [`round_to_json`].

use std::cmp::Ordering;
use std::fmt;

use crate::error::{bail, Result};
use crate::json::{Number, Value};

use crate::limits::MAX_SIGNIFICANT_DIGITS;

/// Decimal exponents beyond this magnitude are refused.
const MAX_EXPONENT: i64 = 400;

/// The most decimal places [`Decimal::from_f64_rounded`] rounds to.
pub const MAX_ROUNDING_PLACES: u32 = 9;

/// Below this magnitude a scaled, rounded `f64` is an integer with at most 15 significant
/// digits, so its exact decimal text is also the shortest text that reads back as it.
const EXACT_SCALED_LIMIT: f64 = 1e15;

/// An exact decimal number: `0.d₁d₂…dₙ × 10^exponent`, with `d₁ ≠ 0` and `dₙ ≠ 0`, or zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    exponent: i32,
    /// ASCII digits; empty for zero.
    digits: Box<[u8]>,
}

impl Decimal {
    /// Zero.
    pub fn zero() -> Decimal {
        Decimal { negative: false, exponent: 0, digits: Box::new([]) }
    }

    /// Parses text in JSON number grammar (`-12.5e3`). Refuses more than
    /// [`MAX_SIGNIFICANT_DIGITS`] significant digits and absurd exponents with
    /// `ERR_FEATURE_INVALID`; other text is `ERR_MALFORMED`.
    pub fn parse(text: &str) -> Result<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent_text) = match rest.find(['e', 'E']) {
            Some(at) => (rest.get(..at).unwrap_or(""), rest.get(at + 1..)),
            None => (rest, None),
        };
        let (integer, fraction) = match mantissa.split_once('.') {
            Some((integer, fraction)) => (integer, fraction),
            None => (mantissa, ""),
        };
        let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let leading_zero = integer.len() > 1 && integer.starts_with('0');
        let fraction_ok = !mantissa.contains('.') || is_digits(fraction);
        if !is_digits(integer) || leading_zero || !fraction_ok {
            bail!(Malformed, "not a decimal number");
        }
        let exponent: i64 = match exponent_text {
            None => 0,
            Some(exp) => {
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    bail!(Malformed, "not a decimal number");
                }
                if digits.len() > 6 {
                    bail!(FeatureInvalid, "number exponent out of range");
                }
                let magnitude: i64 = digits.parse().unwrap_or(i64::MAX);
                if exp.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                }
            }
        };
        // All digits, with the decimal point after `integer.len()` of them.
        let all = integer.bytes().chain(fraction.bytes());
        let mut point = integer.len() as i64 + exponent;
        let mut digits: Vec<u8> = Vec::new();
        for digit in all {
            if digits.is_empty() && digit == b'0' {
                point -= 1;
                continue;
            }
            digits.push(digit);
        }
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Ok(Decimal::zero());
        }
        if digits.len() > MAX_SIGNIFICANT_DIGITS {
            bail!(FeatureInvalid, "number has more than {MAX_SIGNIFICANT_DIGITS} significant digits");
        }
        if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&point) {
            bail!(FeatureInvalid, "number exponent out of range");
        }
        Ok(Decimal { negative, exponent: point as i32, digits: digits.into_boxed_slice() })
    }

    /// `scaled / 10^places`, exactly (a fixed-point integer as a decimal); `places` is at most
    /// [`MAX_ROUNDING_PLACES`] (more count as that many).
    pub fn from_scaled(scaled: i128, places: u32) -> Decimal {
        let places = places.min(MAX_ROUNDING_PLACES);
        let mut digits = scaled.unsigned_abs().to_string().into_bytes();
        // At most 39 digits and 9 places: the exponent is always in range.
        let exponent = digits.len() as i32 - places as i32;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal::zero();
        }
        Decimal { negative: scaled < 0, exponent, digits: digits.into_boxed_slice() }
    }

    /// `value` rounded half away from zero to `places` decimal places (at most
    /// [`MAX_ROUNDING_PLACES`]); `None` when it is not finite. For figures computed in floating
    /// point (metrics, rates, timings), never for scoring. The result is the shortest decimal
    /// that reads back as the rounded `f64`; up to 15 significant digits that is the exact
    /// rounded value.
    pub fn from_f64_rounded(value: f64, places: u32) -> Option<Decimal> {
        let places = places.min(MAX_ROUNDING_PLACES);
        let scale = 10u64.pow(places) as f64;
        let scaled = (value * scale).round();
        if !scaled.is_finite() {
            return None;
        }
        if scaled.abs() < EXACT_SCALED_LIMIT {
            return Some(Decimal::from_scaled(scaled as i128, places));
        }
        Decimal::parse(&(scaled / scale).to_string()).ok()
    }

    /// `value · 10^places` when that is a whole number that fits an `i64` (fixed-point
    /// integers, as [`crate::model::Points`] keeps them); `None` when digits would remain
    /// after the point or it does not fit.
    pub fn to_scaled(&self, places: u32) -> Option<i64> {
        if self.is_zero() {
            return Some(0);
        }
        let whole_digits = i64::from(self.exponent) + i64::from(places);
        if (self.digits.len() as i64) > whole_digits || whole_digits > 19 {
            return None;
        }
        let mut scaled: u64 = 0;
        for digit in self.digits.iter() {
            scaled = scaled.checked_mul(10)?.checked_add(u64::from(digit.wrapping_sub(b'0')))?;
        }
        for _ in self.digits.len() as i64..whole_digits {
            scaled = scaled.checked_mul(10)?;
        }
        let scaled = i64::try_from(scaled).ok()?;
        Some(if self.negative { -scaled } else { scaled })
    }

    /// An integer as a decimal.
    pub fn from_i64(value: i64) -> Decimal {
        Decimal::parse(&value.to_string()).unwrap_or_else(|_| Decimal::zero())
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the value has no fractional part.
    pub fn is_integer(&self) -> bool {
        self.is_zero() || self.digits.len() as i64 <= i64::from(self.exponent)
    }

    /// The value as `i64` when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        self.to_string().parse().ok()
    }

    fn sign(&self) -> i8 {
        match (self.is_zero(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let by_sign = self.sign().cmp(&other.sign());
        if by_sign != Ordering::Equal || self.is_zero() {
            return by_sign;
        }
        // Same sign, both non-zero: compare magnitudes, then flip for negatives.
        let magnitude = self.exponent.cmp(&other.exponent).then_with(|| self.digits.cmp(&other.digits));
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    /// Shortest plain notation for exponents in a readable range, `d.ddde±x` beyond it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        if self.negative {
            f.write_str("-")?;
        }
        let digits = std::str::from_utf8(&self.digits).map_err(|_| fmt::Error)?;
        let count = digits.len() as i32;
        let exponent = self.exponent;
        if (-20..=40).contains(&exponent) {
            if exponent <= 0 {
                write!(f, "0.{}{digits}", "0".repeat((-exponent) as usize))
            } else if exponent >= count {
                write!(f, "{digits}{}", "0".repeat((exponent - count) as usize))
            } else {
                let (whole, fraction) = digits.split_at(exponent as usize);
                write!(f, "{whole}.{fraction}")
            }
        } else {
            let (first, rest) = digits.split_at(1);
            if rest.is_empty() {
                write!(f, "{first}e{}", exponent - 1)
            } else {
                write!(f, "{first}.{rest}e{}", exponent - 1)
            }
        }
    }
}

/// `value` rounded half away from zero to `places` decimal places, as a JSON number (trailing
/// zeros dropped: `0.985`, `1`); `null` when `value` is not finite. The one way a floating-point
/// figure becomes JSON; see [`Decimal::from_f64_rounded`].
pub fn round_to_json(value: f64, places: u32) -> Value {
    Decimal::from_f64_rounded(value, places)
        .map_or(Value::Null, |decimal| Value::Number(Number::from_decimal(&decimal)))
}

/// Written as the exact number text (through [`crate::json`]'s number token).
impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(crate::json::NUMBER_TOKEN, &self.to_string())
    }
}

/// Read from a JSON number's exact text; a string is refused. Other deserializers (which do
/// not know the number token) may hand over integers or finite floats in their shortest form.
impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Decimal, D::Error> {
        deserializer.deserialize_newtype_struct(crate::json::NUMBER_TOKEN, DecimalVisitor)
    }
}

struct DecimalVisitor;

impl<'de> serde::de::Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<Decimal, E> {
        Decimal::parse(text).map_err(|e| E::custom(e.message()))
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Decimal, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> std::result::Result<Decimal, E> {
        Ok(Decimal::from_i64(value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> std::result::Result<Decimal, E> {
        self.visit_str(&value.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> std::result::Result<Decimal, E> {
        if !value.is_finite() {
            return Err(E::custom("the number is not finite"));
        }
        self.visit_str(&value.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn canonical_forms_compare_equal() {
        for (a, b) in [("0.6", "6e-1"), ("0.60", "0.6"), ("600", "6E2"), ("-0", "0"), ("0.0", "0e5"), ("1.5e+1", "15")]
        {
            assert_eq!(d(a), d(b), "{a} vs {b}");
            assert_eq!(d(a).cmp(&d(b)), Ordering::Equal);
        }
    }

    #[test]
    fn orders_exactly() {
        let ascending = [
            "-1e30",
            "-12",
            "-1.5",
            "-1",
            "-0.001",
            "0",
            "1e-30",
            "0.1",
            "0.59999999999999999999",
            "0.6",
            "0.600000000000000000001",
            "1",
            "9",
            "10",
            "12.5",
            "99",
            "100",
            "1e30",
        ];
        for pair in ascending.windows(2) {
            if let [a, b] = pair {
                assert!(d(a) < d(b), "{a} < {b}");
                assert!(d(b) > d(a), "{b} > {a}");
            }
        }
    }

    #[test]
    fn displays_canonically() {
        for (input, shown) in [
            ("0.60", "0.6"),
            ("6e2", "600"),
            ("-0.0125", "-0.0125"),
            ("12.50", "12.5"),
            ("1e50", "1e50"),
            ("-1.25e-30", "-1.25e-30"),
        ] {
            assert_eq!(d(input).to_string(), shown);
            assert_eq!(d(shown), d(input));
        }
    }

    #[test]
    fn integers() {
        assert!(d("12").is_integer());
        assert!(d("1.2e1").is_integer());
        assert!(!d("1.25e1").is_integer());
        assert_eq!(d("-1.2e1").to_i64(), Some(-12));
        assert_eq!(d("1e30").to_i64(), None);
    }

    #[test]
    fn refuses_bad_text() {
        for bad in ["", "-", "01", "1.", ".1", "1e", "1e+", "0x10", "1_000", "inf", "1 "] {
            assert_eq!(Decimal::parse(bad).unwrap_err().code(), ErrorCode::Malformed, "{bad:?}");
        }
        assert_eq!(Decimal::parse(&"1".repeat(41)).unwrap_err().code(), ErrorCode::FeatureInvalid);
        assert_eq!(Decimal::parse("1e999").unwrap_err().code(), ErrorCode::FeatureInvalid);
        assert_eq!(Decimal::parse("1e9999999").unwrap_err().code(), ErrorCode::FeatureInvalid);
    }

    #[test]
    fn fixed_point_integers() {
        assert_eq!(Decimal::from_scaled(985, 3).to_string(), "0.985");
        assert_eq!(Decimal::from_scaled(3333, 4).to_string(), "0.3333");
        assert_eq!(Decimal::from_scaled(10000, 4).to_string(), "1");
        assert_eq!(Decimal::from_scaled(-1250, 2).to_string(), "-12.5");
        assert_eq!(Decimal::from_scaled(7, 6).to_string(), "0.000007");
        assert_eq!(Decimal::from_scaled(0, 4), Decimal::zero());
        assert_eq!(Decimal::from_scaled(i128::MIN, 9), d("-170141183460469231731687303715.884105728"));
        assert_eq!(Decimal::from_scaled(5, 0), d("5"));
        for (text, places, scaled) in [
            ("0.985", 3, Some(985)),
            ("12.5", 6, Some(12_500_000)),
            ("-1e-6", 6, Some(-1)),
            ("1e-7", 6, None),
            ("0", 6, Some(0)),
            ("1e40", 0, None),
        ] {
            assert_eq!(d(text).to_scaled(places), scaled, "{text}");
            if let Some(scaled) = scaled {
                assert_eq!(Decimal::from_scaled(i128::from(scaled), places), d(text));
            }
        }
    }

    #[test]
    fn rounds_floats_half_away_from_zero() {
        for (value, places, shown) in [
            (4.6049, 2, "4.6"),
            (0.98765, 4, "0.9877"),
            (-0.12345, 4, "-0.1235"),
            (2.5, 0, "3"),
            (-2.5, 0, "-3"),
            (1.0 / 3.0, 6, "0.333333"),
            (0.125, 2, "0.13"),
            (1e-7, 6, "0"),
            (-1e-7, 6, "0"),
            (-0.0, 3, "0"),
            (123456.0, 3, "123456"),
            (1e20, 6, "100000000000000000000"),
            (-1.0, 2, "-1"),
        ] {
            assert_eq!(round_to_json(value, places).to_json(), shown, "{value} to {places} places");
        }
        assert_eq!(round_to_json(f64::NAN, 2), Value::Null);
        assert_eq!(round_to_json(f64::INFINITY, 2), Value::Null);
        assert_eq!(round_to_json(1e308, 6), Value::Null, "overflows when scaled");
        assert_eq!(round_to_json(0.123456789123, 20).to_json(), "0.123456789", "places are capped");
    }

    #[test]
    fn rounded_text_reads_back_as_the_rounded_float() {
        // Values spread over many magnitudes, both signs, from a fixed linear congruential walk.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = ((state >> 3) % 24) as i32 - 8;
            let value = if state & 1 == 0 { mantissa } else { -mantissa } * 10f64.powi(exponent);
            for places in [0, 2, 4, 6] {
                let scale = 10u64.pow(places) as f64;
                let rounded = (value * scale).round() / scale;
                let text = round_to_json(value, places).to_json();
                assert_eq!(text.parse::<f64>().unwrap(), rounded, "{value} to {places} places gave {text}");
                let decimals = text.split_once('.').map_or(0, |(_, fraction)| fraction.len());
                assert!(decimals <= places as usize || text.contains('e'), "{value}: {text}");
            }
        }
    }
}
