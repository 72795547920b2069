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

use crate::json::{Object, Value};
use crate::lifecycle::figure;
use crate::metrics::{psi, psi_verdict};
use crate::model::{Model, Predicate, Scalar};

/// A scored population.
struct Scored {
    rows: usize,
    scores: Vec<i64>,
    /// Partial scores per scored row, in characteristic order.
    partials: Vec<Vec<i64>>,
    rejected: Vec<(&'static str, usize)>,
}

fn score_all(model: &Model, population: &[Object]) -> Scored {
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

fn shares(counts: &[usize]) -> Vec<f64> {
    let total: usize = counts.iter().sum();
    counts.iter().map(|&c| if total == 0 { 0.0 } else { c as f64 / total as f64 }).collect()
}

fn band_counts(model: &Model, scores: &[i64]) -> Vec<usize> {
    let mut counts = vec![0usize; model.bands.len()];
    for &score in scores {
        if let Some(slot) = model.bands.iter().rposition(|b| b.min <= score).and_then(|i| counts.get_mut(i)) {
            *slot += 1;
        }
    }
    counts
}

/// Cut points at the deciles of `scores` (distinct, ascending).
fn decile_cuts(scores: &[i64]) -> Vec<i64> {
    let mut sorted = scores.to_vec();
    sorted.sort_unstable();
    let mut cuts: Vec<i64> = (1..10).filter_map(|k| sorted.get(k * sorted.len() / 10).copied()).collect();
    cuts.dedup();
    if cuts.first() == sorted.first() {
        cuts.remove(0);
    }
    cuts
}

fn bucket_counts(cuts: &[i64], scores: &[i64]) -> Vec<usize> {
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
fn points_levels(model: &Model, index: usize) -> Vec<(i64, String)> {
    let Some(characteristic) = model.characteristics.get(index) else { return Vec::new() };
    let mut levels: Vec<(i64, String)> = Vec::new();
    for bin in &characteristic.bins {
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

fn predicate_label(predicate: &Predicate) -> String {
    let scalar = |s: &Scalar| match s {
        Scalar::Number(n) => n.to_string(),
        Scalar::Text(t) => t.clone(),
        Scalar::Bool(b) => b.to_string(),
    };
    match predicate {
        Predicate::Missing => "missing".to_owned(),
        Predicate::Else => "any other".to_owned(),
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

fn level_counts(levels: &[(i64, String)], partials: &[Vec<i64>], index: usize) -> Vec<usize> {
    let mut counts = vec![0usize; levels.len()];
    for row in partials {
        let points = row.get(index).copied();
        if let Some(slot) = levels.iter().position(|(p, _)| Some(*p) == points).and_then(|i| counts.get_mut(i)) {
            *slot += 1;
        }
    }
    counts
}

fn mean(values: impl Iterator<Item = i64>) -> Option<f64> {
    let (sum, n) = values.fold((0i64, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum as f64 / n as f64)
}

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
        .with("model", Object::new().with("id", model.id.as_str()).with("version", model.version.as_str()))
        .with("population", population_object(model, &current));
    let mut html = Html::new(title, model);

    // Histogram of scores in up to 20 equal-width buckets over the scores seen.
    let all: Vec<i64> = current.scores.iter().chain(base.iter().flat_map(|b| b.scores.iter())).copied().collect();
    let low = all.iter().copied().min().unwrap_or(model.score_min);
    let high = all.iter().copied().max().unwrap_or(model.score_max);
    let width = ((high - low) / 20 + 1).max(1);
    let edges: Vec<i64> = (1..=((high - low) / width)).map(|k| low + k * width).collect();
    let labels: Vec<String> = std::iter::once(low)
        .chain(edges.iter().copied())
        .map(|start| format!("{start}–{}", start + width - 1))
        .collect();
    html.chart(
        "Score distribution",
        &labels,
        &shares(&bucket_counts(&edges, &current.scores)),
        base.as_ref().map(|b| shares(&bucket_counts(&edges, &b.scores))).as_deref(),
    );

    let band_labels: Vec<String> = model.bands.iter().map(|b| format!("{} (≥{})", b.label_en, b.min)).collect();
    let band_now = shares(&band_counts(model, &current.scores));
    let band_ref = base.as_ref().map(|b| shares(&band_counts(model, &b.scores)));
    html.chart("Band distribution", &band_labels, &band_now, band_ref.as_deref());
    let bands: Vec<Value> = model
        .bands
        .iter()
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
    for (index, c) in model.characteristics.iter().enumerate() {
        let levels = points_levels(model, index);
        let now = shares(&level_counts(&levels, &current.partials, index));
        let before = base.as_ref().map(|b| shares(&level_counts(&levels, &b.partials, index)));
        let mean_now = mean(current.partials.iter().filter_map(|p| p.get(index).copied()));
        let mean_before = base.as_ref().and_then(|b| mean(b.partials.iter().filter_map(|p| p.get(index).copied())));
        let csi = before.as_ref().map(|b| psi(b, &now));
        let mut object = Object::new().with("id", c.id.as_str());
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

fn population_object(model: &Model, scored: &Scored) -> Object {
    let mut rejected = Object::new();
    for (code, count) in &scored.rejected {
        rejected.insert(*code, *count as i64);
    }
    let at_limit = scored.scores.iter().filter(|&&s| s == model.score_min || s == model.score_max).count();
    Object::new()
        .with("rows", scored.rows as i64)
        .with("scored", scored.scores.len() as i64)
        .with("refused", rejected)
        .with("mean_score", mean(scored.scores.iter().copied()).map_or(Value::Null, figure))
        .with("at_score_limit", at_limit as i64)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

struct Html {
    body: String,
    title: String,
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;font-size:.9em}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em}\
.no_shift{color:#1a7f37}.investigate{color:#b35900}.significant_shift{color:#c62828;font-weight:bold}\
.bar{display:inline-block;height:.7em;background:#3b6fb6}.bar.ref{background:#b0b0b0}";

impl Html {
    fn new(title: &str, model: &Model) -> Html {
        let mut body = String::new();
        body.push_str(&format!(
            "<h1>{}</h1>\n<p>Model <b>{}</b> version {} ({} characteristics, scores {}–{}). Population in blue; reference in grey.</p>\n",
            escape(title),
            escape(&model.id),
            escape(&model.version),
            model.characteristics.len(),
            model.score_min,
            model.score_max
        ));
        Html { body, title: title.to_owned() }
    }

    fn chart(&mut self, heading: &str, labels: &[String], now: &[f64], before: Option<&[f64]>) {
        let (width, height, left, bottom) = (900.0, 290.0, 60.0, 100.0);
        let top = 10.0;
        let largest = now.iter().chain(before.unwrap_or(&[])).copied().fold(0.0f64, f64::max).max(1e-9);
        let slot = (width - left) / labels.len().max(1) as f64;
        let bar = if before.is_some() { slot * 0.4 } else { slot * 0.8 };
        let scale = |share: f64| (height - top - bottom) * share / largest;
        let mut svg = format!("<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">\n", escape(heading));
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{0}\" x2=\"{width}\" y2=\"{0}\" stroke=\"#999\"/>\n<text x=\"0\" y=\"{top}\" font-size=\"10\" dy=\"8\">{1:.0}%</text>\n",
            height - bottom,
            largest * 100.0
        ));
        for (i, label) in labels.iter().enumerate() {
            let x = left + slot * i as f64 + slot * 0.1;
            let mut draw = |share: f64, offset: f64, color: &str| {
                let h = scale(share);
                svg.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{color}\"><title>{} {:.1}%</title></rect>\n",
                    x + offset,
                    height - bottom - h,
                    escape(label),
                    share * 100.0
                ));
            };
            draw(now.get(i).copied().unwrap_or(0.0), 0.0, "#3b6fb6");
            if let Some(before) = before {
                draw(before.get(i).copied().unwrap_or(0.0), bar, "#b0b0b0");
            }
            let cx = x + slot * 0.4;
            svg.push_str(&format!(
                "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-45 {cx:.1} {:.1})\">{}</text>\n",
                height - bottom + 12.0,
                height - bottom + 12.0,
                escape(label)
            ));
        }
        svg.push_str("</svg>\n");
        self.body.push_str(&format!("<h2>{}</h2>\n{svg}", escape(heading)));
    }

    fn psi(&mut self, score_psi: f64, band_psi: f64) {
        let row = |name: &str, value: f64| {
            let verdict = psi_verdict(value);
            format!(
                "<tr><td>{name}</td><td class=\"n\">{value:.4}</td><td class=\"{verdict}\">{}</td></tr>\n",
                verdict.replace('_', " ")
            )
        };
        self.body.push_str("<h2>Population stability</h2>\n<p>PSI = Σ (population − reference)·ln(population / reference) over buckets; below 0.1 no shift, 0.1–0.25 investigate, above 0.25 significant shift.</p>\n<table><tr><th>buckets</th><th>PSI</th><th>verdict</th></tr>\n");
        self.body.push_str(&row("10 score buckets at the reference's deciles", score_psi));
        self.body.push_str(&row("bands", band_psi));
        self.body.push_str("</table>\n");
    }

    #[allow(clippy::too_many_arguments)]
    fn characteristic(
        &mut self,
        model: &Model,
        index: usize,
        levels: &[(i64, String)],
        now: &[f64],
        before: Option<&[f64]>,
        mean_now: Option<f64>,
        mean_before: Option<f64>,
        csi: Option<f64>,
    ) {
        if index == 0 {
            self.body.push_str("<h2>Characteristics</h2>\n<p>Mean points and the share of rows at each points level (the bins giving those points).</p>\n");
        }
        let Some(c) = model.characteristics.get(index) else { return };
        let feature = model.features.get(c.feature).map_or("", |f| f.name.as_str());
        let fmt = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.1}"));
        let mut head = format!(
            "<h3>{} <small>({}, {}, mean points {}",
            escape(&c.id),
            escape(feature),
            c.dimension.id(),
            fmt(mean_now)
        );
        if before.is_some() {
            head.push_str(&format!(", reference {}", fmt(mean_before)));
        }
        if let Some(csi) = csi {
            head.push_str(&format!(", CSI <span class=\"{}\">{csi:.4}</span>", psi_verdict(csi)));
        }
        head.push_str(")</small></h3>\n<table><tr><th>points</th><th>bins</th><th>population</th>");
        if before.is_some() {
            head.push_str("<th>reference</th>");
        }
        head.push_str("</tr>\n");
        self.body.push_str(&head);
        for (i, (points, label)) in levels.iter().enumerate() {
            let cell = |share: f64, class: &str| {
                format!(
                    "<td class=\"n\">{:.1}% <span class=\"bar{class}\" style=\"width:{:.0}px\"></span></td>",
                    share * 100.0,
                    share * 120.0
                )
            };
            self.body.push_str(&format!(
                "<tr><td class=\"n\">{points}</td><td>{}</td>{}",
                escape(label),
                cell(now.get(i).copied().unwrap_or(0.0), "")
            ));
            if let Some(before) = before {
                self.body.push_str(&cell(before.get(i).copied().unwrap_or(0.0), " ref"));
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</table>\n");
    }

    fn rejected(&mut self, current: &Scored, base: Option<&Scored>) {
        self.body.push_str(
            "<h2>Rows</h2>\n<table><tr><th></th><th>rows</th><th>scored</th><th>refused (by error code)</th></tr>\n",
        );
        for (name, scored) in std::iter::once(("population", current)).chain(base.map(|b| ("reference", b))) {
            let refused: Vec<String> = scored.rejected.iter().map(|(code, n)| format!("{code}: {n}")).collect();
            self.body.push_str(&format!(
                "<tr><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                scored.rows,
                scored.scores.len(),
                if refused.is_empty() { "none".to_owned() } else { refused.join(", ") }
            ));
        }
        self.body.push_str("</table>\n");
    }

    fn finish(self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
            escape(&self.title),
            self.body
        )
    }
}
