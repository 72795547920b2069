//! Writing a model as a PMML 4.4 `Scorecard` document.

use super::{Extension, EXTENSION};
use crate::decimal::Decimal;
use crate::json::{self, OrderedMap};
use crate::lifecycle::markup::escape;
use crate::model::{FeatureSpec, FeatureType, Model, Predicate, ReasonAlgorithm, Scalar, Texts};

fn scalar_text(item: &Scalar) -> String {
    match item {
        Scalar::Number(number) => number.to_string(),
        Scalar::Text(text) => text.clone(),
        Scalar::Bool(flag) => flag.to_string(),
    }
}

fn write_predicate(out: &mut String, field: &str, spec: &FeatureSpec, predicate: &Predicate, indent: &str) {
    let field = escape(field);
    let simple = |operator: &str, value: Option<String>| match value {
        Some(value) => {
            format!("<SimplePredicate field=\"{field}\" operator=\"{operator}\" value=\"{}\"/>", escape(&value))
        }
        None => format!("<SimplePredicate field=\"{field}\" operator=\"{operator}\"/>"),
    };
    let text = match predicate {
        Predicate::Missing => simple("isMissing", None),
        Predicate::Else => "<True/>".to_owned(),
        Predicate::Present => simple("isNotMissing", None),
        Predicate::Range { lower, upper } => {
            let lower = lower
                .as_ref()
                .map(|b| simple(if b.inclusive { "greaterOrEqual" } else { "greaterThan" }, Some(b.value.to_string())));
            let upper = upper
                .as_ref()
                .map(|b| simple(if b.inclusive { "lessOrEqual" } else { "lessThan" }, Some(b.value.to_string())));
            match (lower, upper) {
                (Some(l), Some(u)) => format!(
                    "<CompoundPredicate booleanOperator=\"and\">\n{indent}  {l}\n{indent}  {u}\n{indent}</CompoundPredicate>"
                ),
                (Some(one), None) | (None, Some(one)) => one,
                (None, None) => "<True/>".to_owned(),
            }
        }
        Predicate::In(items) | Predicate::NotIn(items) => {
            let is_in = matches!(predicate, Predicate::In(_));
            match items.as_slice() {
                [one] => simple(if is_in { "equal" } else { "notEqual" }, Some(scalar_text(one))),
                _ if spec.kind == FeatureType::Boolean => {
                    // Booleans have no Array type: a set of both values is true for any present value.
                    let parts: Vec<String> = items
                        .iter()
                        .map(|i| simple(if is_in { "equal" } else { "notEqual" }, Some(scalar_text(i))))
                        .collect();
                    let operator = if is_in { "or" } else { "and" };
                    format!(
                        "<CompoundPredicate booleanOperator=\"{operator}\">\n{indent}  {}\n{indent}</CompoundPredicate>",
                        parts.join(&format!("\n{indent}  "))
                    )
                }
                _ => {
                    let kind = match spec.kind {
                        FeatureType::Integer => "int",
                        FeatureType::Number => "real",
                        _ => "string",
                    };
                    let values: Vec<String> = items
                        .iter()
                        .map(|i| format!("\"{}\"", escape(&scalar_text(i).replace('\\', "\\\\").replace('"', "\\\""))))
                        .collect();
                    format!(
                        "<SimpleSetPredicate field=\"{field}\" booleanOperator=\"{}\">\n{indent}  <Array n=\"{}\" type=\"{kind}\">{}</Array>\n{indent}</SimpleSetPredicate>",
                        if is_in { "isIn" } else { "isNotIn" },
                        items.len(),
                        values.join(" ")
                    )
                }
            }
        }
    };
    out.push_str(indent);
    out.push_str(&text);
    out.push('\n');
}

/// Writes the model as a PMML 4.4 `Scorecard` document.
pub fn export(model: &Model) -> String {
    let mut predicted = "score".to_owned();
    while model.feature(&predicted).is_some() {
        predicted.push('_');
    }
    let mut out = String::new();
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">\n",
    );
    out.push_str(&format!(
        "  <Header description=\"{}\">\n    <Application name=\"edgescore\" version=\"{}\"/>\n  </Header>\n",
        escape(&format!("edgescore model {} version {}", model.id(), model.version())),
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(&format!("  <DataDictionary numberOfFields=\"{}\">\n", model.features().len() + 1));
    for spec in model.features() {
        let (optype, data_type) = match spec.kind {
            FeatureType::Category => ("categorical", "string"),
            FeatureType::Boolean => ("categorical", "boolean"),
            FeatureType::Integer => ("continuous", "integer"),
            FeatureType::Number => ("continuous", "double"),
        };
        let interval = match (&spec.min, &spec.max) {
            (None, None) => String::new(),
            (min, max) => {
                let margin = |name: &str, value: &Option<Decimal>| {
                    value.as_ref().map(|v| format!(" {name}=\"{v}\"")).unwrap_or_default()
                };
                let closure = match (min, max) {
                    (Some(_), Some(_)) => "closedClosed",
                    (Some(_), None) => "closedOpen",
                    _ => "openClosed",
                };
                format!(
                    "\n      <Interval closure=\"{closure}\"{}{}/>\n    ",
                    margin("leftMargin", min),
                    margin("rightMargin", max)
                )
            }
        };
        let close = if interval.is_empty() { "/>".to_owned() } else { format!(">{interval}</DataField>") };
        out.push_str(&format!(
            "    <DataField name=\"{}\" optype=\"{optype}\" dataType=\"{data_type}\"{close}\n",
            escape(&spec.name)
        ));
    }
    out.push_str(&format!(
        "    <DataField name=\"{predicted}\" optype=\"continuous\" dataType=\"double\"/>\n  </DataDictionary>\n"
    ));
    out.push_str(&format!(
        "  <Scorecard modelName=\"{}\" functionName=\"regression\" useReasonCodes=\"{}\" reasonCodeAlgorithm=\"{}\" initialScore=\"{}\" baselineMethod=\"other\">\n",
        escape(model.id()),
        model.uses_reason_codes(),
        match model.reason_algorithm() {
            ReasonAlgorithm::PointsBelow => "pointsBelow",
            ReasonAlgorithm::PointsAbove => "pointsAbove",
        },
        model.initial_score()
    ));
    out.push_str(&format!(
        "    <Extension extender=\"edgescore\" name=\"{EXTENSION}\" value=\"{}\"/>\n",
        escape(&json::to_value(&extension(model)).map(|value| value.to_json()).unwrap_or_default())
    ));
    out.push_str("    <MiningSchema>\n");
    for spec in model.features() {
        out.push_str(&format!(
            "      <MiningField name=\"{}\" usageType=\"active\" invalidValueTreatment=\"returnInvalid\"/>\n",
            escape(&spec.name)
        ));
    }
    out.push_str(&format!(
        "      <MiningField name=\"{predicted}\" usageType=\"predicted\"/>\n    </MiningSchema>\n    <Output>\n"
    ));
    out.push_str("      <OutputField name=\"Final Score\" feature=\"predictedValue\" dataType=\"double\" optype=\"continuous\"/>\n");
    let ranks = if model.uses_reason_codes() { crate::scorecard::MAX_REASONS } else { 0 };
    for rank in 1..=ranks {
        out.push_str(&format!(
            "      <OutputField name=\"Reason Code {rank}\" rank=\"{rank}\" feature=\"reasonCode\" dataType=\"string\" optype=\"categorical\"/>\n"
        ));
    }
    out.push_str("    </Output>\n");
    out.push_str(&format!(
        "    <Targets>\n      <Target field=\"{predicted}\" min=\"{}\" max=\"{}\"/>\n    </Targets>\n    <Characteristics>\n",
        model.score_min(),
        model.score_max()
    ));
    for c in model.characteristics() {
        let spec = model.features().get(c.feature_index());
        let field = spec.map_or("", |s| s.name.as_str());
        let code = c.reason_code().map(|code| format!(" reasonCode=\"{}\"", escape(code))).unwrap_or_default();
        let baseline = c.baseline().map(|b| format!(" baselineScore=\"{b}\"")).unwrap_or_default();
        out.push_str(&format!("      <Characteristic name=\"{}\"{code}{baseline}>\n", escape(c.id())));
        for bin in c.bins() {
            let code =
                bin.reason_code.as_ref().map(|code| format!(" reasonCode=\"{}\"", escape(code))).unwrap_or_default();
            out.push_str(&format!("        <Attribute partialScore=\"{}\"{code}>\n", bin.points));
            if let Some(spec) = spec {
                write_predicate(&mut out, field, spec, &bin.predicate, "          ");
            }
            out.push_str("        </Attribute>\n");
        }
        out.push_str("      </Characteristic>\n");
    }
    out.push_str("    </Characteristics>\n  </Scorecard>\n</PMML>\n");
    out
}

fn extension(model: &Model) -> Extension {
    let characteristics = model.characteristics();
    Extension {
        format_version: Some(model.format_version()),
        id: Some(model.id().to_owned()),
        version: Some(model.version().to_owned()),
        schema: Some(model.schema().to_owned()),
        demo: model.is_demo(),
        title: model.title().cloned(),
        description: model.description().cloned(),
        issuer: model.issuer().cloned(),
        bands: Some(model.bands().cloned().collect()),
        reasons: model
            .reasons()
            .iter()
            .map(|r| (r.code.clone(), Texts { en: r.en.clone(), zh: r.zh.clone() }))
            .collect(),
        labels: characteristics.iter().filter_map(|c| Some((c.id().to_owned(), c.label()?.clone()))).collect(),
        dimensions: characteristics.iter().map(|c| (c.id().to_owned(), c.dimension())).collect::<OrderedMap<_>>(),
    }
}
