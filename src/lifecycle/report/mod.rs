//! The monitoring report: a population scored with a model, against a reference population.
//!
//! Every row is scored by the core ([`Model::score_features`]); rows the core refuses are
//! counted by error code, never dropped silently. The report gives the score histogram and the
//! band distribution, the population stability index (PSI) with its verdict (below 0.1 no shift,
//! 0.1–0.25 investigate, above 0.25 a significant shift), and per characteristic the mean points
//! and the share of rows at each points level (the bins that give those points), with its
//! characteristic stability index (CSI, the same formula per characteristic).
//!
//! PSI is taken over ten score buckets cut at the reference's score deciles (and, shown too,
//! over the bands); shares below [`crate::metrics::PSI_FLOOR`] count as the floor.
//! The HTML page is self-contained: inline CSS and SVG, no script, no external reference.
//!
//! | module | owns |
//! |---|---|
//! | `statistics` | scoring the populations; shares, buckets, points levels, means; the population summary |
//! | `html` | rendering the page |

mod html;
mod statistics;

use crate::json::{Object, Value};
use crate::lifecycle::figure;
use crate::metrics::{psi, psi_verdict};
use crate::model::{Model, Points};

use html::Html;
use statistics::{
    band_counts, bucket_counts, decile_cuts, level_counts, mean, points_levels, population_object, score_all, shares,
};

/// The report: a JSON summary and the HTML page.
pub struct Report {
    /// Figures, for scripts.
    pub summary: Object,
    /// The self-contained page.
    pub html: String,
}

/// Builds the report of `population` (and `reference`, when given) scored with `model`.
pub fn build(model: &Model, population: &[Object], reference: Option<&[Object]>, title: &str) -> Report {
    let current = score_all(model, population);
    let base = reference.map(|r| score_all(model, r));
    let mut summary = Object::new()
        .with("model", Object::new().with("id", model.id()).with("version", model.version()))
        .with("population", population_object(model, &current));
    let mut html = Html::new(title, model);

    // Histogram of scores in up to 20 equal-width buckets over the scores seen.
    // Buckets of whole points (decimal scores fall in the bucket of their whole part).
    let all: Vec<Points> = current.scores.iter().chain(base.iter().flat_map(|b| b.scores.iter())).copied().collect();
    let floor = |p: Points| p.millionths().div_euclid(Points::whole(1).millionths());
    let low = floor(all.iter().copied().min().unwrap_or(model.score_min()));
    let high = floor(all.iter().copied().max().unwrap_or(model.score_max()));
    let width = ((high - low) / 20 + 1).max(1);
    let edges: Vec<i64> = (1..=((high - low) / width)).map(|k| low + k * width).collect();
    let labels: Vec<String> = std::iter::once(low)
        .chain(edges.iter().copied())
        .map(|start| format!("{start}–{}", start + width - 1))
        .collect();
    let edges: Vec<Points> = edges.into_iter().map(Points::whole).collect();
    html.chart(
        "Score distribution",
        &labels,
        &shares(&bucket_counts(&edges, &current.scores)),
        base.as_ref().map(|b| shares(&bucket_counts(&edges, &b.scores))).as_deref(),
    );

    let band_labels: Vec<String> = model.bands().map(|b| format!("{} (≥{})", b.label_en, b.min)).collect();
    let band_now = shares(&band_counts(model, &current.scores));
    let band_ref = base.as_ref().map(|b| shares(&band_counts(model, &b.scores)));
    html.chart("Band distribution", &band_labels, &band_now, band_ref.as_deref());
    let bands: Vec<Value> = model
        .bands()
        .enumerate()
        .map(|(i, band)| {
            let mut object = Object::new()
                .with("band", band.id.as_str())
                .with("share", figure(band_now.get(i).copied().unwrap_or(0.0)));
            if let Some(reference) = &band_ref {
                object.insert("reference_share", figure(reference.get(i).copied().unwrap_or(0.0)));
            }
            Value::Object(object)
        })
        .collect();
    summary.insert("bands", bands);

    if let (Some(base), Some(band_ref)) = (&base, &band_ref) {
        let cuts = decile_cuts(&base.scores);
        let score_psi =
            psi(&shares(&bucket_counts(&cuts, &base.scores)), &shares(&bucket_counts(&cuts, &current.scores)));
        let band_psi = psi(band_ref, &band_now);
        summary.insert("reference", population_object(model, base));
        summary.insert(
            "psi",
            Object::new()
                .with("score_deciles", figure(score_psi))
                .with("verdict", psi_verdict(score_psi))
                .with("bands", figure(band_psi))
                .with("bands_verdict", psi_verdict(band_psi)),
        );
        html.psi(score_psi, band_psi);
    }

    let mut characteristics = Vec::new();
    for (index, c) in model.characteristics().iter().enumerate() {
        let levels = points_levels(model, index);
        let now = shares(&level_counts(&levels, &current.partials, index));
        let before = base.as_ref().map(|b| shares(&level_counts(&levels, &b.partials, index)));
        let mean_now = mean(current.partials.iter().filter_map(|p| p.get(index).copied()));
        let mean_before = base.as_ref().and_then(|b| mean(b.partials.iter().filter_map(|p| p.get(index).copied())));
        let csi = before.as_ref().map(|b| psi(b, &now));
        let mut object = Object::new().with("id", c.id());
        object.insert("mean_points", mean_now.map_or(Value::Null, figure));
        if base.is_some() {
            object.insert("reference_mean_points", mean_before.map_or(Value::Null, figure));
            object.insert("csi", csi.map_or(Value::Null, figure));
        }
        characteristics.push(Value::Object(object));
        html.characteristic(model, index, &levels, &now, before.as_deref(), mean_now, mean_before, csi);
    }
    summary.insert("characteristics", characteristics);
    html.rejected(&current, base.as_ref());
    Report { summary, html: html.finish() }
}
