//! The monitoring report's page: self-contained HTML with inline CSS and SVG charts, no
//! script and no external reference.

use super::statistics::Scored;
use crate::lifecycle::markup::escape;
use crate::metrics::psi_verdict;
use crate::model::Model;

pub(super) struct Html {
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
    pub(super) fn new(title: &str, model: &Model) -> Html {
        let mut body = String::new();
        body.push_str(&format!(
            "<h1>{}</h1>\n<p>Model <b>{}</b> version {} ({} characteristics, scores {}–{}). Population in blue; reference in grey.</p>\n",
            escape(title),
            escape(model.id()),
            escape(model.version()),
            model.characteristics().len(),
            model.score_min(),
            model.score_max()
        ));
        Html { body, title: title.to_owned() }
    }

    pub(super) fn chart(&mut self, heading: &str, labels: &[String], now: &[f64], before: Option<&[f64]>) {
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

    pub(super) fn psi(&mut self, score_psi: f64, band_psi: f64) {
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
    pub(super) fn characteristic(
        &mut self,
        model: &Model,
        index: usize,
        levels: &[(crate::model::Points, String)],
        now: &[f64],
        before: Option<&[f64]>,
        mean_now: Option<f64>,
        mean_before: Option<f64>,
        csi: Option<f64>,
    ) {
        if index == 0 {
            self.body.push_str("<h2>Characteristics</h2>\n<p>Mean points and the share of rows at each points level (the bins giving those points).</p>\n");
        }
        let Some(c) = model.characteristics().get(index) else { return };
        // The feature, with the column it was fitted or imported from when it was renamed.
        let feature = model.features().get(c.feature_index()).map_or(String::new(), |f| match &f.source {
            Some(source) => format!("{} from column {source}", f.name),
            None => f.name.clone(),
        });
        let fmt = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.1}"));
        let mut head = format!(
            "<h3>{} <small>({}, {}, mean points {}",
            escape(c.id()),
            escape(&feature),
            c.dimension().id(),
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

    pub(super) fn rejected(&mut self, current: &Scored, base: Option<&Scored>) {
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

    pub(super) fn finish(self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
            escape(&self.title),
            self.body
        )
    }
}
