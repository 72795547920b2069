//! The monitoring report's statistics: every row scored by the core, shares of rows per score
//! bucket, band and points level, means, and the JSON summary of a population.

use crate::json::{Object, Value};
use crate::lifecycle::figure;
use crate::model::{Model, Points, Predicate, Scalar};

/// A scored population.
pub(super) struct Scored {
    pub(super) rows: usize,
    pub(super) scores: Vec<Points>,
    /// Partial scores per scored row, in characteristic order.
    pub(super) partials: Vec<Vec<Points>>,
    pub(super) rejected: Vec<(&'static str, usize)>,
}

pub(super) fn score_all(model: &Model, population: &[Object]) -> Scored {
    let mut scored = Scored { rows: population.len(), scores: Vec::new(), partials: Vec::new(), rejected: Vec::new() };
    for features in population {
        match model.score_features(features) {
            Ok(outcome) => {
                scored.scores.push(outcome.score);
                scored.partials.push(outcome.partial_scores);
            }
            Err(error) => {
                let code = error.code().as_str();
                match scored.rejected.iter_mut().find(|(c, _)| *c == code) {
                    Some(entry) => entry.1 += 1,
                    None => scored.rejected.push((code, 1)),
                }
            }
        }
    }
    scored
}

pub(super) fn shares(counts: &[usize]) -> Vec<f64> {
    let total: usize = counts.iter().sum();
    counts.iter().map(|&c| if total == 0 { 0.0 } else { c as f64 / total as f64 }).collect()
}

pub(super) fn band_counts(model: &Model, scores: &[Points]) -> Vec<usize> {
    let mut counts = vec![0usize; model.band_count()];
    for &score in scores {
        if let Some(slot) = counts.get_mut(model.band_index_for(score)) {
            *slot += 1;
        }
    }
    counts
}

/// Cut points at the deciles of `scores` (distinct, ascending).
pub(super) fn decile_cuts(scores: &[Points]) -> Vec<Points> {
    let mut sorted = scores.to_vec();
    sorted.sort_unstable();
    let mut cuts: Vec<Points> = (1..10).filter_map(|k| sorted.get(k * sorted.len() / 10).copied()).collect();
    cuts.dedup();
    if cuts.first() == sorted.first() {
        cuts.remove(0);
    }
    cuts
}

pub(super) fn bucket_counts(cuts: &[Points], scores: &[Points]) -> Vec<usize> {
    let mut counts = vec![0usize; cuts.len() + 1];
    for &score in scores {
        let index = cuts.iter().take_while(|&&cut| score >= cut).count();
        if let Some(slot) = counts.get_mut(index) {
            *slot += 1;
        }
    }
    counts
}

/// Distinct points of a characteristic, ascending, with the bins that give them.
pub(super) fn points_levels(model: &Model, index: usize) -> Vec<(Points, String)> {
    let Some(characteristic) = model.characteristics().get(index) else { return Vec::new() };
    let mut levels: Vec<(Points, String)> = Vec::new();
    for bin in characteristic.bins() {
        let label = predicate_label(&bin.predicate);
        match levels.iter_mut().find(|(p, _)| *p == bin.points) {
            Some(entry) => {
                entry.1.push_str("; ");
                entry.1.push_str(&label);
            }
            None => levels.push((bin.points, label)),
        }
    }
    levels.sort_by_key(|(p, _)| *p);
    levels
}

pub(super) fn predicate_label(predicate: &Predicate) -> String {
    let scalar = |s: &Scalar| match s {
        Scalar::Number(n) => n.to_string(),
        Scalar::Text(t) => t.clone(),
        Scalar::Bool(b) => b.to_string(),
    };
    match predicate {
        Predicate::Missing => "missing".to_owned(),
        Predicate::Else => "any other".to_owned(),
        Predicate::Present => "any present".to_owned(),
        Predicate::In(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Predicate::NotIn(items) => format!("not {}", items.iter().map(scalar).collect::<Vec<_>>().join(", ")),
        Predicate::Range { lower, upper } => {
            let lower = lower
                .as_ref()
                .map_or("(-∞".to_owned(), |b| format!("{}{}", if b.inclusive { "[" } else { "(" }, b.value));
            let upper = upper
                .as_ref()
                .map_or("∞)".to_owned(), |b| format!("{}{}", b.value, if b.inclusive { "]" } else { ")" }));
            format!("{lower}, {upper}")
        }
    }
}

pub(super) fn level_counts(levels: &[(Points, String)], partials: &[Vec<Points>], index: usize) -> Vec<usize> {
    let mut counts = vec![0usize; levels.len()];
    for row in partials {
        let points = row.get(index).copied();
        if let Some(slot) = levels.iter().position(|(p, _)| Some(*p) == points).and_then(|i| counts.get_mut(i)) {
            *slot += 1;
        }
    }
    counts
}

pub(super) fn mean(values: impl Iterator<Item = Points>) -> Option<f64> {
    let (sum, n) = values.fold((0f64, 0usize), |(s, n), v| (s + v.to_f64(), n + 1));
    (n > 0).then(|| sum / n as f64)
}

pub(super) fn population_object(model: &Model, scored: &Scored) -> Object {
    let mut rejected = Object::new();
    for (code, count) in &scored.rejected {
        rejected.insert(*code, *count as i64);
    }
    let at_limit = scored.scores.iter().filter(|&&s| s == model.score_min() || s == model.score_max()).count();
    Object::new()
        .with("rows", scored.rows as i64)
        .with("scored", scored.scores.len() as i64)
        .with("refused", rejected)
        .with("mean_score", mean(scored.scores.iter().copied()).map_or(Value::Null, figure))
        .with("at_score_limit", at_limit as i64)
}
