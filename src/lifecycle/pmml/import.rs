//! Reading a PMML `Scorecard` into a model spec (see the module above for what is read).

use super::{Extension, EXTENSION};
use crate::decimal::Decimal;
use crate::error::{bail, Error, ErrorCode, Result};
use crate::json;
use crate::lifecycle::build::{self, characteristic, dimension_of, identifier, reason_text, ImportOptions};
use crate::model::{
    Bin, Bound, CharacteristicSpec, FeatureSpec, FeatureType, Model, ModelSpec, Points, Predicate, ReasonAlgorithm,
    ReasonText, Scalar, ScoreSpec, MODEL_FORMAT_VERSION,
};

fn refuse(message: impl Into<String>) -> Error {
    Error::with_message(ErrorCode::ModelInvalid, format!("PMML: {}", message.into()))
}

type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

fn children<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> Option<Node<'a, 'input>> {
    children(node, name).next()
}

fn whole(text: &str, what: &str) -> Result<Points> {
    let decimal = Decimal::parse(text.trim()).map_err(|_| refuse(format!("{what} {text:?} is not a number")))?;
    Points::from_decimal(&decimal).filter(|v| v.whole_magnitude() < crate::limits::MAX_POINTS).ok_or_else(|| {
        refuse(format!("{what} {text} has more than 6 decimal places or exceeds ±{}", crate::limits::MAX_POINTS))
    })
}

/// Reads a PMML document's `Scorecard` as a core model.
pub fn import(xml: &str, options: &ImportOptions) -> Result<Model> {
    let document = roxmltree::Document::parse(xml).map_err(|e| refuse(format!("not well-formed XML: {e}")))?;
    let root = document.root_element();
    if root.tag_name().name() != "PMML"
        || !root.tag_name().namespace().is_some_and(|ns| ns.starts_with("http://www.dmg.org/PMML-4_"))
    {
        bail!(ModelInvalid, "PMML: the root element is not a PMML 4.x <PMML>");
    }
    if child(root, "TransformationDictionary").is_some_and(|t| t.children().any(|n| n.is_element())) {
        bail!(ModelInvalid, "PMML: derived fields (TransformationDictionary) are not supported");
    }
    let dictionary = child(root, "DataDictionary").ok_or_else(|| refuse("no DataDictionary"))?;
    let Some(scorecard) = root.children().find(|n| n.is_element() && n.tag_name().name() == "Scorecard") else {
        bail!(ModelInvalid, "PMML: the document has no Scorecard model");
    };
    if scorecard.attribute("functionName") != Some("regression") {
        bail!(ModelInvalid, "PMML: a Scorecard's functionName must be regression");
    }
    if scorecard.attribute("isScorable") == Some("false") {
        bail!(ModelInvalid, "PMML: the Scorecard is marked isScorable=\"false\"");
    }
    if child(scorecard, "LocalTransformations").is_some_and(|t| t.children().any(|n| n.is_element())) {
        bail!(ModelInvalid, "PMML: derived fields (LocalTransformations) are not supported");
    }
    let metadata = read_extension(scorecard)?;

    // Feature schema: the active mining fields.
    let mining = child(scorecard, "MiningSchema").ok_or_else(|| refuse("no MiningSchema"))?;
    let mut features: Vec<FeatureSpec> = Vec::new();
    let mut predicted: Option<String> = None;
    for field in children(mining, "MiningField") {
        let name = field.attribute("name").ok_or_else(|| refuse("a MiningField has no name"))?;
        match field.attribute("usageType").unwrap_or("active") {
            "active" => {}
            "predicted" | "target" => {
                predicted = Some(name.to_owned());
                continue;
            }
            other => bail!(ModelInvalid, "PMML: MiningField {name:?} has usageType {other:?}, which is not supported"),
        }
        if field.attribute("missingValueReplacement").is_some() {
            bail!(ModelInvalid, "PMML: MiningField {name:?} replaces missing values, which the core does not do");
        }
        if field.attribute("outliers").is_some_and(|o| o != "asIs") {
            bail!(ModelInvalid, "PMML: MiningField {name:?} treats outliers, which the core does not do");
        }
        let Some(data_field) = children(dictionary, "DataField").find(|f| f.attribute("name") == Some(name)) else {
            bail!(ModelInvalid, "PMML: field {name:?} is not in the DataDictionary (derived fields are not supported)");
        };
        if children(data_field, "Value").any(|v| v.attribute("property") == Some("missing")) {
            bail!(ModelInvalid, "PMML: field {name:?} declares missing-value tokens, which the core does not read");
        }
        let kind = match data_field.attribute("dataType") {
            Some("string") => FeatureType::Category,
            Some("integer") => FeatureType::Integer,
            Some("float" | "double") => FeatureType::Number,
            Some("boolean") => FeatureType::Boolean,
            other => bail!(ModelInvalid, "PMML: field {name:?} has dataType {other:?}, which is not supported"),
        };
        if identifier(name) != name {
            bail!(
                ModelInvalid,
                "PMML: field name {name:?} is not a feature name the core accepts (a-z, 0-9, '_', '-', '.')"
            );
        }
        let (min, max) = read_interval(data_field, name)?;
        features.push(FeatureSpec { name: name.to_owned(), kind, min, max, source: None });
    }

    let use_reason_codes = match scorecard.attribute("useReasonCodes").unwrap_or("true") {
        "true" => true,
        "false" => false,
        other => bail!(ModelInvalid, "PMML: useReasonCodes {other:?} is not true or false"),
    };
    let reason_algorithm = match scorecard.attribute("reasonCodeAlgorithm").unwrap_or("pointsBelow") {
        "pointsBelow" => ReasonAlgorithm::PointsBelow,
        "pointsAbove" => ReasonAlgorithm::PointsAbove,
        other => bail!(ModelInvalid, "PMML: reasonCodeAlgorithm {other:?} is not pointsBelow or pointsAbove"),
    };
    let initial_score = scorecard.attribute("initialScore").map_or(Ok(Points::ZERO), |t| whole(t, "initialScore"))?;
    let default_baseline = scorecard.attribute("baselineScore").map(|t| whole(t, "baselineScore")).transpose()?;

    let characteristics_node = child(scorecard, "Characteristics").ok_or_else(|| refuse("no Characteristics"))?;
    let mut characteristics = Vec::new();
    let mut reasons: Vec<ReasonText> = Vec::new();
    for (index, node) in children(characteristics_node, "Characteristic").enumerate() {
        let name = node.attribute("name").map_or_else(|| format!("characteristic_{}", index + 1), str::to_owned);
        let read = read_characteristic(node, &features, use_reason_codes)
            .map_err(|e| Error::with_message(e.code(), format!("{} (characteristic {name:?})", e.message())))?;
        let mut id = identifier(&name);
        if characteristics.iter().any(|c: &CharacteristicSpec| c.id == id) {
            id = identifier(&format!("{name}_{}", index + 1));
        }
        let code = match (use_reason_codes, node.attribute("reasonCode")) {
            (true, Some(code)) => Some(code.to_owned()),
            _ => None,
        };
        let baseline = match (node.attribute("baselineScore"), default_baseline, use_reason_codes) {
            (_, _, false) => None,
            (Some(text), _, _) => Some(whole(text, "baselineScore")?),
            (None, Some(baseline), _) => Some(baseline),
            (None, None, true) => {
                bail!(ModelInvalid, "PMML: characteristic {name:?} has no baselineScore and the Scorecard none")
            }
        };
        let feature_name = features.get(read.feature).map_or("", |f| f.name.as_str());
        for code in code.iter().map(String::as_str).chain(read.bins.iter().filter_map(|b| b.reason_code.as_deref())) {
            if !reasons.iter().any(|r| r.code == code) {
                let text = match metadata.reasons.get(code) {
                    Some(texts) => ReasonText { code: code.to_owned(), en: texts.en.clone(), zh: texts.zh.clone() },
                    None => reason_text(code, feature_name),
                };
                reasons.push(text);
            }
        }
        let dimension = metadata
            .dimensions
            .get(&id)
            .copied()
            .unwrap_or_else(|| dimension_of(feature_name, &options.dimensions, options.default_dimension));
        let mut built = characteristic(id, feature_name, dimension, String::new(), Points::ZERO, read.bins);
        built.reason_code = code;
        built.baseline = baseline;
        built.label = metadata.labels.get(&built.id).cloned();
        characteristics.push(built);
    }
    if characteristics.is_empty() {
        bail!(ModelInvalid, "PMML: the Scorecard has no Characteristic");
    }

    let (mut score_min, mut score_max) = build::score_extremes(initial_score, &characteristics);
    if let Some(target) = child(scorecard, "Targets").and_then(|t| children(t, "Target").next()) {
        if target.attribute("field").is_some_and(|f| predicted.as_deref().is_some_and(|p| p != f)) {
            bail!(ModelInvalid, "PMML: the Target is not the predicted field");
        }
        let identity = |name: &str, neutral: &str| {
            target.attribute(name).is_none_or(|t| Decimal::parse(t.trim()).ok() == Decimal::parse(neutral).ok())
        };
        if !identity("rescaleFactor", "1") || !identity("rescaleConstant", "0") {
            bail!(ModelInvalid, "PMML: the Target rescales the score, which the core does not do");
        }
        if let Some(min) = target.attribute("min") {
            score_min = whole(min, "Target min")?;
        }
        if let Some(max) = target.attribute("max") {
            score_max = whole(max, "Target max")?;
        }
    }
    let modelname = scorecard.attribute("modelName").unwrap_or("pmml-scorecard");
    let id = options.id.clone().or(metadata.id).unwrap_or_else(|| identifier(modelname));
    let schema = options.schema.clone().or(metadata.schema).unwrap_or_else(|| format!("pmml.{id}"));
    let bands = metadata.bands.unwrap_or_else(|| build::single_band(score_min));
    let version = metadata.version.unwrap_or_else(|| options.version.clone());
    let spec = ModelSpec {
        format_version: metadata.format_version.unwrap_or(MODEL_FORMAT_VERSION),
        id,
        version,
        demo: metadata.demo,
        title: metadata.title,
        description: metadata.description,
        issuer: metadata.issuer,
        schema,
        score: ScoreSpec { min: score_min, max: score_max, initial: initial_score },
        reason_codes: use_reason_codes,
        reason_algorithm,
        baseline_score: None,
        features,
        bands,
        characteristics,
        reasons,
    };
    Ok(build::finish(spec)?.0)
}

struct ReadCharacteristic {
    feature: usize,
    bins: Vec<Bin>,
}

fn read_characteristic(
    node: Node<'_, '_>,
    features: &[FeatureSpec],
    use_reason_codes: bool,
) -> Result<ReadCharacteristic> {
    let mut field: Option<String> = None;
    let mut bins = Vec::new();
    let mut seen_missing = false;
    for attribute in children(node, "Attribute") {
        if child(attribute, "ComplexPartialScore").is_some() {
            bail!(ModelInvalid, "PMML: ComplexPartialScore is not supported");
        }
        let points = whole(
            attribute.attribute("partialScore").ok_or_else(|| refuse("an Attribute has no partialScore"))?,
            "partialScore",
        )?;
        let reason_code = match (use_reason_codes, attribute.attribute("reasonCode")) {
            (true, Some(code)) => Some(code.to_owned()),
            (true, None) if node.attribute("reasonCode").is_none() => {
                bail!(ModelInvalid, "PMML: an Attribute has no reasonCode and its Characteristic none")
            }
            _ => None,
        };
        let Some(predicate_node) = attribute.children().find(|n| n.is_element() && n.tag_name().name() != "Extension")
        else {
            bail!(ModelInvalid, "PMML: an Attribute has no predicate");
        };
        let disjunction = read_predicate(predicate_node, features, &mut field, seen_missing)?;
        if disjunction.contains(&Predicate::Missing) {
            seen_missing = true;
        }
        for predicate in disjunction {
            bins.push(Bin { predicate, points, reason_code: reason_code.clone() });
        }
    }
    let Some(field) = field else {
        bail!(ModelInvalid, "PMML: no attribute names a field");
    };
    let feature = features
        .iter()
        .position(|f| f.name == field)
        .ok_or_else(|| refuse(format!("field {field:?} is not an active MiningField")))?;
    if bins.is_empty() {
        bail!(ModelInvalid, "PMML: the characteristic has no attribute that can match");
    }
    Ok(ReadCharacteristic { feature, bins })
}

fn spec_of<'a>(features: &'a [FeatureSpec], name: &str) -> Result<&'a FeatureSpec> {
    features
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| refuse(format!("field {name:?} is not an active MiningField")))
}

fn note_field(field: &mut Option<String>, name: &str) -> Result<()> {
    match field {
        Some(known) if known != name => {
            bail!(ModelInvalid, "PMML: predicates over two fields ({known:?} and {name:?}) in one characteristic cannot be expressed: a characteristic reads one feature")
        }
        Some(_) => Ok(()),
        None => {
            *field = Some(name.to_owned());
            Ok(())
        }
    }
}

fn scalar(spec: &FeatureSpec, text: &str) -> Result<Scalar> {
    Ok(match spec.kind {
        FeatureType::Category => Scalar::Text(text.to_owned()),
        FeatureType::Boolean => match text {
            "true" | "1" => Scalar::Bool(true),
            "false" | "0" => Scalar::Bool(false),
            _ => bail!(ModelInvalid, "PMML: {text:?} is not a boolean value of field {:?}", spec.name),
        },
        FeatureType::Number | FeatureType::Integer => Scalar::Number(
            Decimal::parse(text.trim())
                .map_err(|_| refuse(format!("{text:?} is not a number for field {:?}", spec.name)))?,
        ),
    })
}

/// A predicate as a disjunction of core predicates (one per bin).
fn read_predicate(
    node: Node<'_, '_>,
    features: &[FeatureSpec],
    field: &mut Option<String>,
    seen_missing: bool,
) -> Result<Vec<Predicate>> {
    // The recursion below follows the document: bound it.
    if node.ancestors().count() > 32 {
        bail!(ModelInvalid, "PMML: predicates nest too deeply");
    }
    match node.tag_name().name() {
        "True" => Ok(vec![Predicate::Else]),
        "False" => Ok(Vec::new()),
        "SimplePredicate" => {
            let name = node.attribute("field").ok_or_else(|| refuse("a SimplePredicate has no field"))?;
            note_field(field, name)?;
            let spec = spec_of(features, name)?;
            let operator = node.attribute("operator").unwrap_or("");
            let value = || node.attribute("value").ok_or_else(|| refuse(format!("operator {operator} needs a value")));
            let bound = |inclusive: bool| -> Result<Bound> {
                if !matches!(spec.kind, FeatureType::Number | FeatureType::Integer) {
                    bail!(ModelInvalid, "PMML: {operator} on non-numeric field {name:?} cannot be expressed");
                }
                let Scalar::Number(value) = scalar(spec, value()?)? else {
                    bail!(ModelInvalid, "PMML: {operator} needs a number");
                };
                Ok(Bound { value, inclusive })
            };
            Ok(vec![match operator {
                "isMissing" => Predicate::Missing,
                "isNotMissing" if seen_missing => Predicate::Else,
                "isNotMissing" => {
                    bail!(ModelInvalid, "PMML: isNotMissing is only supported after an isMissing attribute")
                }
                "equal" => Predicate::In(vec![scalar(spec, value()?)?]),
                "notEqual" => Predicate::NotIn(vec![scalar(spec, value()?)?]),
                "lessThan" => Predicate::Range { lower: None, upper: Some(bound(false)?) },
                "lessOrEqual" => Predicate::Range { lower: None, upper: Some(bound(true)?) },
                "greaterThan" => Predicate::Range { lower: Some(bound(false)?), upper: None },
                "greaterOrEqual" => Predicate::Range { lower: Some(bound(true)?), upper: None },
                other => bail!(ModelInvalid, "PMML: SimplePredicate operator {other:?} is not supported"),
            }])
        }
        "SimpleSetPredicate" => {
            let name = node.attribute("field").ok_or_else(|| refuse("a SimpleSetPredicate has no field"))?;
            note_field(field, name)?;
            let spec = spec_of(features, name)?;
            let array = child(node, "Array").ok_or_else(|| refuse("a SimpleSetPredicate has no Array"))?;
            let items = array_items(array.text().unwrap_or(""))?
                .iter()
                .map(|item| scalar(spec, item))
                .collect::<Result<Vec<_>>>()?;
            if items.is_empty() {
                bail!(ModelInvalid, "PMML: an empty Array cannot be expressed");
            }
            match node.attribute("booleanOperator") {
                Some("isIn") => Ok(vec![Predicate::In(items)]),
                Some("isNotIn") => Ok(vec![Predicate::NotIn(items)]),
                other => bail!(ModelInvalid, "PMML: SimpleSetPredicate booleanOperator {other:?} is not supported"),
            }
        }
        "CompoundPredicate" => {
            let parts: Vec<Node<'_, '_>> =
                node.children().filter(|n| n.is_element() && n.tag_name().name() != "Extension").collect();
            match node.attribute("booleanOperator") {
                Some("or") => {
                    let mut out = Vec::new();
                    for part in parts {
                        out.extend(read_predicate(part, features, field, seen_missing)?);
                    }
                    Ok(out)
                }
                Some("and") => {
                    let mut lower: Option<Bound> = None;
                    let mut upper: Option<Bound> = None;
                    for part in parts {
                        let simple = part.tag_name().name() == "SimplePredicate";
                        let operator = part.attribute("operator").unwrap_or("");
                        if part.tag_name().name() == "True" || simple && operator == "isNotMissing" {
                            // True, and "present" (a range only holds for present values).
                            if simple {
                                note_field(field, part.attribute("field").unwrap_or(""))?;
                            }
                            continue;
                        }
                        let converted = read_predicate(part, features, field, seen_missing)?;
                        match converted.as_slice() {
                            [Predicate::Range { lower: Some(bound), upper: None }] if lower.is_none() => lower = Some(bound.clone()),
                            [Predicate::Range { lower: None, upper: Some(bound) }] if upper.is_none() => upper = Some(bound.clone()),
                            _ => bail!(ModelInvalid, "PMML: an \"and\" is supported over comparisons with at most one lower and one upper bound"),
                        }
                    }
                    if lower.is_none() && upper.is_none() {
                        bail!(ModelInvalid, "PMML: an \"and\" without comparisons cannot be expressed");
                    }
                    if let (Some(l), Some(u)) = (&lower, &upper) {
                        if l.value > u.value || (l.value == u.value && !(l.inclusive && u.inclusive)) {
                            // Never true, like False.
                            return Ok(Vec::new());
                        }
                    }
                    Ok(vec![Predicate::Range { lower, upper }])
                }
                other => bail!(ModelInvalid, "PMML: CompoundPredicate booleanOperator {other:?} is not supported"),
            }
        }
        other => bail!(ModelInvalid, "PMML: predicate {other:?} is not supported"),
    }
}

/// The items of a PMML `Array`: whitespace-separated, `"…"` quotes with `\"` inside.
fn array_items(text: &str) -> Result<Vec<String>> {
    build::split_quoted(text, &['"'], false).map_err(|what| refuse(format!("an Array: {what}")))
}

/// A numeric field's valid range from one closed `Interval` (the core's `min`/`max` are
/// inclusive, so open margins cannot be expressed).
fn read_interval(field: Node<'_, '_>, name: &str) -> Result<(Option<Decimal>, Option<Decimal>)> {
    let mut intervals = children(field, "Interval");
    let Some(interval) = intervals.next() else { return Ok((None, None)) };
    if intervals.next().is_some() {
        bail!(ModelInvalid, "PMML: field {name:?} has several Intervals, which the core cannot express");
    }
    let closure = interval.attribute("closure").unwrap_or("");
    let margin = |attribute: &str, closed: bool| -> Result<Option<Decimal>> {
        match interval.attribute(attribute) {
            None => Ok(None),
            Some(_) if !closed => {
                bail!(ModelInvalid, "PMML: field {name:?} has an open Interval end, which the core cannot express")
            }
            Some(text) => Decimal::parse(text.trim())
                .map(Some)
                .map_err(|_| refuse(format!("Interval {attribute} {text:?} is not a number"))),
        }
    };
    Ok((margin("leftMargin", closure.starts_with("closed"))?, margin("rightMargin", closure.ends_with("Closed"))?))
}

fn read_extension(scorecard: Node<'_, '_>) -> Result<Extension> {
    let Some(extension) = children(scorecard, "Extension").find(|e| e.attribute("name") == Some(EXTENSION)) else {
        return Ok(Extension::default());
    };
    let text = extension.attribute("value").unwrap_or("");
    let refuse_extension = |message: &str| refuse(format!("the edgescore Extension: {message}"));
    let value = json::parse(text.as_bytes()).map_err(|e| refuse_extension(e.message()))?;
    json::from_value(&value).map_err(|e| refuse_extension(&e.to_string()))
}
