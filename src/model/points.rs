//! [`Points`]: the exact fixed-point numbers a scorecard adds up.
//!
//! Points, the initial score, baselines, score bounds, band minimums, totals and reason points
//! are exact decimals with at most [`Points::SCALE`] (6) decimal places, held as a whole count of
//! millionths in an `i64`. Adding them is integer addition, so a score is the same bits natively,
//! in Node, in a browser and in an edge worker, and `250.5 + 7.25` is exactly `257.75`.
//!
//! The model format's `format_version` 1 allows whole numbers only; `format_version` 2 allows
//! up to six decimal places (validation says which, [`crate::model::validate`]). Every value is
//! bounded by [`crate::limits::MAX_POINTS`] in magnitude, so a model's sums (at most 64
//! characteristics) stay far inside `i64`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decimal::Decimal;

/// An exact decimal with at most six decimal places: a whole count of millionths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

impl Points {
    /// Decimal places a value may have.
    pub const SCALE: u32 = 6;
    /// Millionths in one point.
    const UNIT: i64 = 1_000_000;
    /// Zero points.
    pub const ZERO: Points = Points(0);

    /// A whole number of points (saturating far beyond any valid model's range).
    pub const fn whole(value: i64) -> Points {
        Points(value.saturating_mul(Points::UNIT))
    }

    /// Points from a count of millionths.
    pub const fn from_millionths(millionths: i64) -> Points {
        Points(millionths)
    }

    /// The value as a count of millionths.
    pub const fn millionths(self) -> i64 {
        self.0
    }

    /// The exact value of a decimal, when it has at most six decimal places and fits.
    pub fn from_decimal(value: &Decimal) -> Option<Points> {
        value.to_scaled(Points::SCALE).map(Points)
    }

    /// The value as an exact decimal.
    pub fn to_decimal(self) -> Decimal {
        // The text of a Points value is always a valid decimal.
        Decimal::parse(&self.to_string()).unwrap_or_else(|_| Decimal::zero())
    }

    /// Whether the value is a whole number.
    pub const fn is_whole(self) -> bool {
        self.0 % Points::UNIT == 0
    }

    /// The value when it is a whole number.
    pub const fn to_whole(self) -> Option<i64> {
        if self.is_whole() {
            Some(self.0 / Points::UNIT)
        } else {
            None
        }
    }

    /// The magnitude in whole points, rounded down.
    pub const fn whole_magnitude(self) -> i64 {
        (self.0 / Points::UNIT).saturating_abs()
    }

    /// The number of decimal places the value needs (0 to 6).
    pub fn decimal_places(self) -> u32 {
        let mut places = Points::SCALE;
        let mut rest = self.0;
        while places > 0 && rest % 10 == 0 {
            rest /= 10;
            places -= 1;
        }
        places
    }

    /// As `f64`, for analytics (metrics, histograms); never for scoring.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / Points::UNIT as f64
    }

    /// `self + other`, saturating (valid models never come near).
    pub const fn plus(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }

    /// `self − other`, saturating (valid models never come near).
    pub const fn minus(self, other: Points) -> Points {
        Points(self.0.saturating_sub(other.0))
    }
}

impl std::ops::Add for Points {
    type Output = Points;

    fn add(self, other: Points) -> Points {
        self.plus(other)
    }
}

impl std::ops::AddAssign for Points {
    fn add_assign(&mut self, other: Points) {
        *self = self.plus(other);
    }
}

impl std::ops::Sub for Points {
    type Output = Points;

    fn sub(self, other: Points) -> Points {
        self.minus(other)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Points::plus)
    }
}

impl From<i64> for Points {
    fn from(value: i64) -> Points {
        Points::whole(value)
    }
}

/// Decimal text (`250.5`, `-12`, `6.25e0`) with at most six decimal places.
impl std::str::FromStr for Points {
    type Err = crate::error::Error;

    fn from_str(text: &str) -> crate::error::Result<Points> {
        let decimal = Decimal::parse(text.trim())
            .map_err(|e| e.recode(crate::error::ErrorCode::ConfigInvalid).context(&format!("{text:?}")))?;
        Points::from_decimal(&decimal).ok_or_else(|| {
            crate::error::Error::with_message(
                crate::error::ErrorCode::ConfigInvalid,
                format!("{text:?} has more than {} decimal places or is out of range", Points::SCALE),
            )
        })
    }
}

impl fmt::Display for Points {
    /// The shortest exact decimal: `802`, `250.5`, `-0.000001` (integer arithmetic only, and
    /// nothing wider than 64 bits, which keeps the WebAssembly module small).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let unit = Points::UNIT.unsigned_abs();
        let (whole, fraction) = (magnitude / unit, magnitude % unit);
        if fraction == 0 {
            return write!(f, "{sign}{whole}");
        }
        let mut digits = [b'0'; Points::SCALE as usize];
        let mut rest = fraction;
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        let used = digits.iter().rposition(|&d| d != b'0').map_or(0, |last| last + 1);
        let digits = std::str::from_utf8(digits.get(..used).unwrap_or_default()).map_err(|_| fmt::Error)?;
        write!(f, "{sign}{whole}.{digits}")
    }
}

impl From<Points> for crate::json::Value {
    fn from(points: Points) -> crate::json::Value {
        crate::json::Number::from_text(&points.to_string()).map_or(crate::json::Value::Null, crate::json::Value::Number)
    }
}

/// Written as the exact number text.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(crate::json::NUMBER_TOKEN, &self.to_string())
    }
}

/// Read from a JSON number's exact text: at most six decimal places.
impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let decimal = Decimal::deserialize(deserializer)?;
        Points::from_decimal(&decimal)
            .ok_or_else(|| serde::de::Error::custom("must be a number with at most 6 decimal places, within ±10^12"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(text: &str) -> Option<Points> {
        Points::from_decimal(&Decimal::parse(text).unwrap())
    }

    #[test]
    fn exact_six_places() {
        assert_eq!(p("250.5"), Some(Points::from_millionths(250_500_000)));
        assert_eq!(p("6.25e0"), Some(Points::from_millionths(6_250_000)));
        assert_eq!(p("-0.000001"), Some(Points::from_millionths(-1)));
        assert_eq!(p("1e-6"), Some(Points::from_millionths(1)));
        assert_eq!(p("0.0000001"), None, "seven places");
        assert_eq!(p("1e20"), None, "beyond i64 millionths");
        assert_eq!(p("7"), Some(Points::whole(7)));
        assert_eq!(p("0"), Some(Points::ZERO));
    }

    #[test]
    fn displays_shortest_exact_text() {
        for text in ["802", "250.5", "-0.000001", "0", "-12.25", "1000000"] {
            assert_eq!(p(text).unwrap().to_string(), text);
        }
        assert_eq!(p("7.50").unwrap().to_string(), "7.5");
        assert_eq!(p("7.50").unwrap().decimal_places(), 1);
        assert_eq!(p("7").unwrap().decimal_places(), 0);
        assert_eq!(p("0.000001").unwrap().decimal_places(), 6);
    }

    #[test]
    fn sums_are_exact() {
        let total: Points = ["250.5", "7.5", "6.25", "0.1", "0.2"].iter().map(|t| p(t).unwrap()).sum();
        assert_eq!(total.to_string(), "264.55");
        assert!(!total.is_whole());
        assert_eq!((p("0.1").unwrap() + p("0.2").unwrap()).to_string(), "0.3");
        assert_eq!(Points::whole(3).to_whole(), Some(3));
        assert_eq!(p("3.5").unwrap().to_whole(), None);
    }
}
