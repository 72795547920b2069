//! Exact decimal numbers for feature values and bin bounds.
//!
//! Scoring compares a feature value with the bounds of a characteristic's bins. Both are
//! written as decimal text in signed JSON, so edgescore compares them as the exact decimals
//! they are: no floating point, no rounding, no platform in which `0.6` could land in another
//! bin. The result is bit-identical natively and in WebAssembly by construction.
//!
//! A value is kept as a sign, a digit string without leading or trailing zeros, and the
//! position of the decimal point; comparing two values is comparing those.

use std::cmp::Ordering;
use std::fmt;

use crate::error::{bail, Result};

/// At most this many significant digits (an IEEE double needs 17).
pub const MAX_SIGNIFICANT_DIGITS: usize = 40;

/// Decimal exponents beyond this magnitude are refused.
const MAX_EXPONENT: i64 = 400;

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
}
