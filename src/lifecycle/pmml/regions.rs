//! One field's value space cut into regions, and PMML predicates over one field turned into the
//! core's bins exactly.
//!
//! Every constant a characteristic's predicates, the field's valid values, intervals, outlier
//! limits and replacement values mention cuts the field's values into finitely many regions:
//! for numbers the points `t₁ < … < tₖ` and the open intervals between and around them, for
//! categories each named category and "any other", for booleans `true` and `false`; and the
//! missing value. Inside one region every predicate of the characteristic has the same truth,
//! so evaluating each attribute's predicate once per region (in PMML's three-valued logic, after
//! the mining field's missing, invalid and outlier treatments) gives exactly the set of values
//! the attribute takes. That set is then written as the fewest bins (a `missing` bin, ranges,
//! an `in` or a `not_in` set, `present`, `else`); bins of one attribute never overlap, so their
//! order does not matter, and the attributes' order is kept, so first-match evaluation in the
//! core gives what PMML gives.
//!
//! Three-valued logic, as PMML 4.4 defines it and JPMML-Evaluator applies it: a comparison or a
//! set test on a missing value is unknown; `and` is false if any part is false, else unknown if
//! any is unknown; `or` is true if any part is true, else unknown if any is; `xor` is unknown if
//! any part is, else the parity; `surrogate` is its first part that is not unknown. An attribute
//! matches only when its predicate is true.

use crate::decimal::Decimal;
use crate::model::{Bound, Predicate, Scalar};

/// The kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Numbers (integer or real).
    Number,
    /// Strings.
    Text,
    /// `true` or `false`.
    Bool,
}

/// A constant named in the document, already read as the field's kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Constant {
    /// A number.
    Number(Decimal),
    /// A string.
    Text(String),
    /// A boolean.
    Bool(bool),
}

/// A comparison operator of `SimplePredicate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Comparison {
    Equal,
    NotEqual,
    LessThan,
    LessOrEqual,
    GreaterThan,
    GreaterOrEqual,
}

/// A PMML predicate over one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Pred {
    True,
    False,
    IsMissing,
    IsNotMissing,
    Compare(Comparison, Constant),
    Set { within: bool, items: Vec<Constant> },
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Xor(Vec<Pred>),
    Surrogate(Vec<Pred>),
}

/// Three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn of(flag: bool) -> Truth {
        if flag {
            Truth::True
        } else {
            Truth::False
        }
    }
}

/// One region of a field's present values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Region {
    /// Exactly this number.
    Point(Decimal),
    /// The numbers strictly between the two ends (`None`: unbounded).
    Open(Option<Decimal>, Option<Decimal>),
    /// Exactly this category.
    Text(String),
    /// Every category not named anywhere.
    OtherText,
    /// This boolean.
    Bool(bool),
}

/// What a value of a region is evaluated as, after the mining field's treatments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Effective {
    /// The region itself (index into the present regions).
    Itself,
    /// Another present region's value (a replacement or a clamp).
    As(usize),
    /// The missing value.
    Missing,
    /// The result is invalid: no attribute may match (an error, as PMML's `returnInvalid`).
    Invalid,
    /// The core refuses the value itself (outside the schema's min/max): bins may take it or not.
    Refused,
}

/// A field's regions.
#[derive(Clone, Debug)]
pub(super) struct Regions {
    kind: Kind,
    /// Present regions, in value order for numbers.
    pub(super) present: Vec<Region>,
}

impl Regions {
    /// The regions cut by `constants` (of the field's kind).
    pub(super) fn new(kind: Kind, constants: &[Constant]) -> Regions {
        let present = match kind {
            Kind::Number => {
                let mut cuts: Vec<Decimal> = constants
                    .iter()
                    .filter_map(|c| match c {
                        Constant::Number(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                cuts.sort();
                cuts.dedup();
                let mut regions = Vec::with_capacity(2 * cuts.len() + 1);
                let mut previous: Option<Decimal> = None;
                for cut in cuts {
                    regions.push(Region::Open(previous.clone(), Some(cut.clone())));
                    regions.push(Region::Point(cut.clone()));
                    previous = Some(cut);
                }
                regions.push(Region::Open(previous, None));
                regions
            }
            Kind::Text => {
                let mut regions: Vec<Region> = Vec::new();
                for constant in constants {
                    if let Constant::Text(text) = constant {
                        if !regions.iter().any(|r| matches!(r, Region::Text(t) if t == text)) {
                            regions.push(Region::Text(text.clone()));
                        }
                    }
                }
                regions.push(Region::OtherText);
                regions
            }
            Kind::Bool => vec![Region::Bool(false), Region::Bool(true)],
        };
        Regions { kind, present }
    }

    /// The present region holding exactly `constant` (constants always cut a region of their own).
    pub(super) fn index_of(&self, constant: &Constant) -> Option<usize> {
        self.present.iter().position(|region| match (region, constant) {
            (Region::Point(a), Constant::Number(b)) => a == b,
            (Region::Text(a), Constant::Text(b)) => a == b,
            (Region::Bool(a), Constant::Bool(b)) => a == b,
            _ => false,
        })
    }

    /// Whether the region is the lone number `value` or lies wholly inside `[low, high]`-style
    /// bounds given as `(value, inclusive)` ends.
    pub(super) fn within(region: &Region, low: Option<(&Decimal, bool)>, high: Option<(&Decimal, bool)>) -> bool {
        match region {
            Region::Point(v) => {
                low.is_none_or(|(l, inclusive)| if inclusive { v >= l } else { v > l })
                    && high.is_none_or(|(h, inclusive)| if inclusive { v <= h } else { v < h })
            }
            // Ends are cuts, so an open region is wholly on one side of each.
            Region::Open(lo, hi) => {
                low.is_none_or(|(l, _)| lo.as_ref().is_some_and(|lo| lo >= l))
                    && high.is_none_or(|(h, _)| hi.as_ref().is_some_and(|hi| hi <= h))
            }
            _ => true,
        }
    }

    /// The truth of `pred` for a present region.
    fn truth(&self, pred: &Pred, region: &Region) -> Truth {
        match pred {
            Pred::True => Truth::True,
            Pred::False => Truth::False,
            Pred::IsMissing => Truth::False,
            Pred::IsNotMissing => Truth::True,
            Pred::Compare(op, constant) => Truth::of(compare(*op, region, constant)),
            Pred::Set { within, items } => {
                let member = items.iter().any(|item| compare(Comparison::Equal, region, item));
                Truth::of(member == *within)
            }
            compound => self.combine(compound, |part| self.truth(part, region)),
        }
    }

    /// The truth of `pred` for the missing value.
    fn truth_missing(&self, pred: &Pred) -> Truth {
        match pred {
            Pred::True | Pred::IsMissing => Truth::True,
            Pred::False | Pred::IsNotMissing => Truth::False,
            Pred::Compare(..) | Pred::Set { .. } => Truth::Unknown,
            compound => self.combine(compound, |part| self.truth_missing(part)),
        }
    }

    fn combine(&self, pred: &Pred, truth: impl Fn(&Pred) -> Truth) -> Truth {
        match pred {
            // `and`: one false part decides; `or`: one true part decides. Else unknown wins.
            Pred::And(parts) => decided_by(parts.iter().map(&truth), Truth::False, Truth::True),
            Pred::Or(parts) => decided_by(parts.iter().map(&truth), Truth::True, Truth::False),
            Pred::Xor(parts) => {
                let values: Vec<Truth> = parts.iter().map(&truth).collect();
                if values.contains(&Truth::Unknown) {
                    Truth::Unknown
                } else {
                    Truth::of(values.iter().filter(|v| **v == Truth::True).count() % 2 == 1)
                }
            }
            Pred::Surrogate(parts) => parts.iter().map(&truth).find(|v| *v != Truth::Unknown).unwrap_or(Truth::Unknown),
            // Simple predicates are handled by the callers.
            _ => Truth::Unknown,
        }
    }

    /// Whether an attribute with predicate `pred` matches each present region and the missing
    /// value, after the treatments: `(present, missing)`. `Refused` regions are reported as
    /// `None` (the core refuses them whatever the bins say).
    pub(super) fn matches(
        &self,
        pred: &Pred,
        effective: &[Effective],
        missing: &Effective,
    ) -> (Vec<Option<bool>>, bool) {
        let eval = |effective: &Effective, itself: Option<&Region>| -> Option<bool> {
            match effective {
                Effective::Itself => itself.map(|region| self.truth(pred, region) == Truth::True),
                Effective::As(index) => self.present.get(*index).map(|region| self.truth(pred, region) == Truth::True),
                Effective::Missing => Some(self.truth_missing(pred) == Truth::True),
                Effective::Invalid => Some(false),
                Effective::Refused => None,
            }
        };
        let present =
            self.present.iter().zip(effective).map(|(region, effective)| eval(effective, Some(region))).collect();
        (present, eval(missing, None).unwrap_or(false))
    }

    /// The fewest bins taking exactly the values marked `true` (`None`: either way).
    pub(super) fn bins(&self, present: &[Option<bool>], missing: bool) -> Vec<Predicate> {
        let taken = |i: usize| present.get(i).copied().flatten() == Some(true);
        let open = |i: usize| present.get(i).copied().flatten() != Some(false);
        let all_present = (0..self.present.len()).all(open);
        let any_present = (0..self.present.len()).any(taken);
        if all_present && any_present {
            return vec![if missing { Predicate::Else } else { Predicate::Present }];
        }
        let mut bins = Vec::new();
        if missing {
            bins.push(Predicate::Missing);
        }
        if !any_present {
            return bins;
        }
        match self.kind {
            Kind::Number => bins.extend(self.number_bins(present)),
            Kind::Text | Kind::Bool => {
                let scalar = |region: &Region| match region {
                    Region::Text(text) => Some(Scalar::Text(text.clone())),
                    Region::Bool(flag) => Some(Scalar::Bool(*flag)),
                    _ => None,
                };
                let other_taken = self.present.iter().position(|r| *r == Region::OtherText).is_some_and(taken);
                if other_taken {
                    let refused: Vec<Scalar> = self
                        .present
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !open(*i))
                        .filter_map(|(_, r)| scalar(r))
                        .collect();
                    bins.push(Predicate::NotIn(refused));
                } else {
                    let accepted: Vec<Scalar> = self
                        .present
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| taken(*i))
                        .filter_map(|(_, r)| scalar(r))
                        .collect();
                    bins.push(Predicate::In(accepted));
                }
            }
        }
        bins
    }

    fn number_bins(&self, present: &[Option<bool>]) -> Vec<Predicate> {
        let state = |i: usize| present.get(i).copied().flatten();
        // Every value refused is a lone point: one `not_in`.
        let refused: Vec<&Region> =
            self.present.iter().enumerate().filter(|(i, _)| state(*i) == Some(false)).map(|(_, r)| r).collect();
        if refused.iter().all(|r| matches!(r, Region::Point(_))) {
            let points = refused
                .into_iter()
                .filter_map(|r| match r {
                    Region::Point(v) => Some(Scalar::Number(v.clone())),
                    _ => None,
                })
                .collect();
            return vec![Predicate::NotIn(points)];
        }
        // Otherwise runs of regions taken (or either way), each holding something taken.
        let mut ranges = Vec::new();
        let mut points = Vec::new();
        let mut index = 0;
        while index < self.present.len() {
            if state(index) == Some(false) {
                index += 1;
                continue;
            }
            let start = index;
            while index < self.present.len() && state(index) != Some(false) {
                index += 1;
            }
            let run = start..index;
            if !run.clone().any(|i| state(i) == Some(true)) {
                continue;
            }
            // Either-way regions at the ends are kept: they widen a range towards a bound the
            // core enforces anyway, which saves writing that bound.
            // Only lone numbers taken: they go to one `in` set.
            let taken: Vec<&Region> =
                run.clone().filter(|&i| state(i) == Some(true)).filter_map(|i| self.present.get(i)).collect();
            if taken.iter().all(|r| matches!(r, Region::Point(_))) {
                points.extend(taken.into_iter().filter_map(|r| match r {
                    Region::Point(v) => Some(Scalar::Number(v.clone())),
                    _ => None,
                }));
                continue;
            }
            let first = self.present.get(run.start);
            let last = self.present.get(run.end - 1);
            if let (Some(first), Some(last)) = (first, last) {
                let lower = match first {
                    Region::Point(v) => Some(Bound { value: v.clone(), inclusive: true }),
                    Region::Open(Some(v), _) => Some(Bound { value: v.clone(), inclusive: false }),
                    _ => None,
                };
                let upper = match last {
                    Region::Point(v) => Some(Bound { value: v.clone(), inclusive: true }),
                    Region::Open(_, Some(v)) => Some(Bound { value: v.clone(), inclusive: false }),
                    _ => None,
                };
                ranges.push(Predicate::Range { lower, upper });
            }
        }
        if !points.is_empty() {
            ranges.push(Predicate::In(points));
        }
        ranges
    }
}

/// `decisive` if any part is, else unknown if any part is, else `otherwise`.
fn decided_by(parts: impl Iterator<Item = Truth>, decisive: Truth, otherwise: Truth) -> Truth {
    let mut unknown = false;
    for part in parts {
        if part == decisive {
            return decisive;
        }
        unknown |= part == Truth::Unknown;
    }
    if unknown {
        Truth::Unknown
    } else {
        otherwise
    }
}

/// Whether every value of `region` compares true with `constant` (constants are cuts, so an
/// open region compares the same way throughout).
fn compare(op: Comparison, region: &Region, constant: &Constant) -> bool {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match (region, constant) {
        (Region::Point(v), Constant::Number(c)) => Some(v.cmp(c)),
        (Region::Open(lo, hi), Constant::Number(c)) => {
            if hi.as_ref().is_some_and(|hi| hi <= c) {
                Some(Ordering::Less)
            } else if lo.as_ref().is_some_and(|lo| lo >= c) {
                Some(Ordering::Greater)
            } else {
                None
            }
        }
        (Region::Text(t), Constant::Text(c)) => (t == c).then_some(Ordering::Equal),
        (Region::OtherText, Constant::Text(_)) => None,
        (Region::Bool(b), Constant::Bool(c)) => (b == c).then_some(Ordering::Equal),
        _ => None,
    };
    match op {
        Comparison::Equal => ordering == Some(Ordering::Equal),
        Comparison::NotEqual => ordering != Some(Ordering::Equal),
        Comparison::LessThan => ordering == Some(Ordering::Less),
        Comparison::LessOrEqual => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Comparison::GreaterThan => ordering == Some(Ordering::Greater),
        Comparison::GreaterOrEqual => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn n(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    fn number(text: &str) -> Constant {
        Constant::Number(n(text))
    }

    fn bins_of(pred: &Pred, constants: &[Constant]) -> Vec<Predicate> {
        let regions = Regions::new(Kind::Number, constants);
        let effective = vec![Effective::Itself; regions.present.len()];
        let (present, missing) = regions.matches(pred, &effective, &Effective::Missing);
        regions.bins(&present, missing)
    }

    #[test]
    fn xor_and_surrogate_over_one_field() {
        let lt10 = Pred::Compare(Comparison::LessThan, number("10"));
        let gt5 = Pred::Compare(Comparison::GreaterThan, number("5"));
        let constants = [number("5"), number("10")];
        // xor: (<10) xor (>5) is ≤5 or ≥10; missing is unknown, so no match.
        let bins = bins_of(&Pred::Xor(vec![lt10.clone(), gt5.clone()]), &constants);
        assert_eq!(
            bins,
            [
                Predicate::Range { lower: None, upper: Some(Bound { value: n("5"), inclusive: true }) },
                Predicate::Range { lower: Some(Bound { value: n("10"), inclusive: true }), upper: None },
            ]
        );
        // surrogate(<10, True): <10 when present, True when missing.
        let bins = bins_of(&Pred::Surrogate(vec![lt10, Pred::True]), &constants);
        assert_eq!(
            bins,
            [
                Predicate::Missing,
                Predicate::Range { lower: None, upper: Some(Bound { value: n("10"), inclusive: false }) }
            ]
        );
        // notEqual 5 is a not_in; isNotMissing is present.
        assert_eq!(
            bins_of(&Pred::Compare(Comparison::NotEqual, number("5")), &constants),
            [Predicate::NotIn(vec![Scalar::Number(n("5"))])]
        );
        assert_eq!(bins_of(&Pred::IsNotMissing, &constants), [Predicate::Present]);
        assert_eq!(bins_of(&Pred::Or(vec![Pred::IsMissing, Pred::IsNotMissing]), &constants), [Predicate::Else]);
        assert_eq!(bins_of(&Pred::And(vec![gt5, Pred::False]), &constants), []);
    }
}
