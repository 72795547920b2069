//! Reading a PMML `Scorecard` into a model spec (see the module above for what is read).
//!
//! The document is read whole before anything is refused: every construct the model format
//! cannot express is a blocker with the line it is on and a plain sentence, and the refusal
//! lists them all.

use super::regions::{Comparison, Constant, Effective, Kind, Pred, Region, Regions};
use super::{Extension, EXTENSION};
use crate::decimal::Decimal;
use crate::error::{bail, Error, ErrorCode, Result};
use crate::json;
use crate::lifecycle::build::{self, characteristic, dimension_of, identifier, reason_text, ImportOptions, Names};
use crate::limits::MAX_POINTS;
use crate::model::{
    Bin, CharacteristicSpec, FeatureSpec, FeatureType, Model, ModelSpec, Points, Predicate, ReasonAlgorithm,
    ReasonText, ScoreSpec, MODEL_FORMAT_VERSION,
};

type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

fn children<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> Option<Node<'a, 'input>> {
    children(node, name).next()
}

fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(|n| n.is_element() && n.tag_name().name() != "Extension")
}

/// Everything in the document the model format cannot express, with where it is.
struct Blockers<'d> {
    document: &'d roxmltree::Document<'d>,
    found: Vec<(u32, String)>,
}

impl<'d> Blockers<'d> {
    fn add(&mut self, node: Node<'_, '_>, sentence: impl Into<String>) {
        let line = self.document.text_pos_at(node.range().start).row;
        let sentence = sentence.into();
        if !self.found.iter().any(|(l, s)| *l == line && *s == sentence) {
            self.found.push((line, sentence));
        }
    }

    fn into_result(self) -> Result<()> {
        if self.found.is_empty() {
            return Ok(());
        }
        let count = self.found.len();
        let mut found = self.found;
        found.sort_by_key(|(line, _)| *line);
        let list: Vec<String> = found.into_iter().map(|(line, sentence)| format!("line {line}: {sentence}")).collect();
        Err(Error::with_message(
            ErrorCode::ModelInvalid,
            format!(
                "PMML: the Scorecard cannot be imported exactly ({count} {}): {}",
                if count == 1 { "problem" } else { "problems" },
                list.join("; ")
            ),
        ))
    }
}

/// How a mining field treats invalid values.
#[derive(Clone, Debug, PartialEq)]
enum InvalidTreatment {
    ReturnInvalid,
    AsIs,
    AsMissing,
    AsValue(Constant),
}

/// How a mining field treats outliers (valid values beyond `lowValue`/`highValue`).
#[derive(Clone, Debug, PartialEq)]
enum Outliers {
    Kept,
    Missing,
    Clamped,
}

/// An interval of valid values.
#[derive(Clone, Debug)]
struct Interval {
    left: Option<(Decimal, bool)>,
    right: Option<(Decimal, bool)>,
}

/// An active field: its schema entry and how PMML prepares its values.
struct Field {
    source: String,
    spec: FeatureSpec,
    kind: Kind,
    valid: Vec<Constant>,
    invalid: Vec<Constant>,
    missing_tokens: Vec<Constant>,
    intervals: Vec<Interval>,
    missing_replacement: Option<Constant>,
    missing_is_invalid: bool,
    invalid_treatment: InvalidTreatment,
    outliers: Outliers,
    low: Option<Decimal>,
    high: Option<Decimal>,
}

impl Field {
    /// Every constant the field's own declarations name.
    fn constants(&self) -> Vec<Constant> {
        let mut out: Vec<Constant> = Vec::new();
        out.extend(self.valid.iter().cloned());
        out.extend(self.invalid.iter().cloned());
        out.extend(self.missing_tokens.iter().cloned());
        for interval in &self.intervals {
            out.extend(interval.left.iter().chain(interval.right.iter()).map(|(v, _)| Constant::Number(v.clone())));
        }
        out.extend(self.missing_replacement.iter().cloned());
        if let InvalidTreatment::AsValue(value) = &self.invalid_treatment {
            out.push(value.clone());
        }
        out.extend(self.low.iter().chain(self.high.iter()).map(|v| Constant::Number(v.clone())));
        out
    }

    fn is_valid(&self, region: &Region) -> bool {
        let listed = |list: &[Constant]| {
            list.iter().any(|c| match (region, c) {
                (Region::Point(a), Constant::Number(b)) => a == b,
                (Region::Text(a), Constant::Text(b)) => a == b,
                (Region::Bool(a), Constant::Bool(b)) => a == b,
                _ => false,
            })
        };
        if listed(&self.invalid) {
            return false;
        }
        let in_intervals = self.intervals.iter().any(|i| {
            Regions::within(
                region,
                i.left.as_ref().map(|(v, closed)| (v, *closed)),
                i.right.as_ref().map(|(v, closed)| (v, *closed)),
            )
        });
        match (self.valid.is_empty(), self.intervals.is_empty()) {
            (true, true) => true,
            (true, false) => in_intervals,
            (false, true) => listed(&self.valid),
            (false, false) => listed(&self.valid) || in_intervals,
        }
    }

    /// Whether the schema's own min/max make the core refuse the region.
    fn schema_refuses(&self, region: &Region) -> bool {
        let (min, max) = (&self.spec.min, &self.spec.max);
        (min.is_some() || max.is_some())
            && !Regions::within(region, min.as_ref().map(|v| (v, true)), max.as_ref().map(|v| (v, true)))
    }

    fn missing_effective(&self, regions: &Regions) -> Effective {
        match (&self.missing_replacement, self.missing_is_invalid) {
            (Some(value), _) => regions.index_of(value).map_or(Effective::Invalid, Effective::As),
            (None, true) => Effective::Invalid,
            (None, false) => Effective::Missing,
        }
    }

    fn effective(&self, regions: &Regions, region: &Region) -> Effective {
        if self.missing_tokens.iter().any(|t| regions.index_of(t).and_then(|i| regions.present.get(i)) == Some(region))
        {
            return self.missing_effective(regions);
        }
        if !self.is_valid(region) {
            return match &self.invalid_treatment {
                InvalidTreatment::ReturnInvalid if self.schema_refuses(region) => Effective::Refused,
                InvalidTreatment::ReturnInvalid => Effective::Invalid,
                InvalidTreatment::AsIs => Effective::Itself,
                InvalidTreatment::AsMissing => self.missing_effective(regions),
                InvalidTreatment::AsValue(value) => regions.index_of(value).map_or(Effective::Invalid, Effective::As),
            };
        }
        let below = self.low.as_ref().is_some_and(|low| !Regions::within(region, Some((low, true)), None));
        let above = self.high.as_ref().is_some_and(|high| !Regions::within(region, None, Some((high, true))));
        match (&self.outliers, below, above) {
            (Outliers::Missing, true, _) | (Outliers::Missing, _, true) => self.missing_effective(regions),
            (Outliers::Clamped, true, _) => self.clamp_to(regions, self.low.as_ref()),
            (Outliers::Clamped, _, true) => self.clamp_to(regions, self.high.as_ref()),
            _ => Effective::Itself,
        }
    }

    fn clamp_to(&self, regions: &Regions, value: Option<&Decimal>) -> Effective {
        value.and_then(|v| regions.index_of(&Constant::Number(v.clone()))).map_or(Effective::Invalid, Effective::As)
    }
}

/// Reads a constant of a field's kind; `None` when it is not one.
fn constant(kind: Kind, text: &str) -> Option<Constant> {
    match kind {
        Kind::Number => Decimal::parse(text.trim()).ok().map(Constant::Number),
        Kind::Text => Some(Constant::Text(text.to_owned())),
        Kind::Bool => match text.trim() {
            "true" | "1" => Some(Constant::Bool(true)),
            "false" | "0" => Some(Constant::Bool(false)),
            _ => None,
        },
    }
}

fn read_points(blockers: &mut Blockers<'_>, node: Node<'_, '_>, name: &str) -> Option<Points> {
    let text = node.attribute(name)?;
    let value = Decimal::parse(text.trim()).ok().and_then(|d| Points::from_decimal(&d));
    match value {
        Some(points) if points.whole_magnitude() < MAX_POINTS => Some(points),
        Some(_) => {
            blockers.add(node, format!("{name} {text} is beyond ±{MAX_POINTS}, the model's limit"));
            None
        }
        None if Decimal::parse(text.trim()).is_ok() => {
            blockers.add(
                node,
                format!("{name} {text} has more than six decimal places; the model keeps points exactly to six"),
            );
            None
        }
        None => {
            blockers.add(node, format!("{name} {text:?} is not a number"));
            None
        }
    }
}

/// Reads a PMML document's `Scorecard` as a core model.
pub fn import(xml: &str, options: &ImportOptions) -> Result<Model> {
    let document = roxmltree::Document::parse(xml)
        .map_err(|e| Error::with_message(ErrorCode::ModelInvalid, format!("PMML: not well-formed XML: {e}")))?;
    let root = document.root_element();
    if root.tag_name().name() != "PMML"
        || !root.tag_name().namespace().is_some_and(|ns| ns.starts_with("http://www.dmg.org/PMML-4_"))
    {
        bail!(ModelInvalid, "PMML: the root element is not a PMML 4.x <PMML>");
    }
    let Some(scorecard) = root.children().find(|n| n.is_element() && n.tag_name().name() == "Scorecard") else {
        bail!(ModelInvalid, "PMML: the document has no Scorecard model");
    };
    let Some(dictionary) = child(root, "DataDictionary") else {
        bail!(ModelInvalid, "PMML: the document has no DataDictionary");
    };
    let Some(mining) = child(scorecard, "MiningSchema") else {
        bail!(ModelInvalid, "PMML: the Scorecard has no MiningSchema");
    };
    let mut blockers = Blockers { document: &document, found: Vec::new() };

    for transformations in [child(root, "TransformationDictionary"), child(scorecard, "LocalTransformations")] {
        for derived in transformations.into_iter().flat_map(elements) {
            let name = derived.attribute("name").unwrap_or("");
            blockers.add(
                derived,
                format!("derived field {name:?}: characteristics read features as given, so derived fields cannot be expressed"),
            );
        }
    }
    if scorecard.attribute("functionName") != Some("regression") {
        blockers.add(scorecard, "a Scorecard's functionName must be regression");
    }
    if scorecard.attribute("isScorable") == Some("false") {
        blockers.add(scorecard, "the Scorecard is marked isScorable=\"false\"");
    }
    let metadata = read_extension(scorecard)?;

    let (fields, predicted) = read_fields(&mut blockers, dictionary, mining, &options.names);

    let use_reason_codes = match scorecard.attribute("useReasonCodes").unwrap_or("true") {
        "true" => true,
        "false" => false,
        other => {
            blockers.add(scorecard, format!("useReasonCodes {other:?} is not true or false"));
            true
        }
    };
    let reason_algorithm = match scorecard.attribute("reasonCodeAlgorithm").unwrap_or("pointsBelow") {
        "pointsAbove" => ReasonAlgorithm::PointsAbove,
        "pointsBelow" => ReasonAlgorithm::PointsBelow,
        other => {
            blockers.add(scorecard, format!("reasonCodeAlgorithm {other:?} is not pointsBelow or pointsAbove"));
            ReasonAlgorithm::PointsBelow
        }
    };
    let initial_score = read_points(&mut blockers, scorecard, "initialScore").unwrap_or_default();
    let default_baseline = read_points(&mut blockers, scorecard, "baselineScore");

    let mut characteristics: Vec<CharacteristicSpec> = Vec::new();
    let mut reasons: Vec<ReasonText> = Vec::new();
    match child(scorecard, "Characteristics") {
        None => blockers.add(scorecard, "the Scorecard has no Characteristics"),
        Some(list) => {
            for (index, node) in children(list, "Characteristic").enumerate() {
                let name =
                    node.attribute("name").map_or_else(|| format!("characteristic_{}", index + 1), str::to_owned);
                let Some((field, bins)) = read_characteristic(&mut blockers, node, &fields, use_reason_codes) else {
                    continue;
                };
                let code = node.attribute("reasonCode").filter(|_| use_reason_codes).map(str::to_owned);
                let baseline = match (read_points(&mut blockers, node, "baselineScore"), default_baseline) {
                    (_, _) if !use_reason_codes => None,
                    (Some(own), _) => Some(own),
                    (None, Some(default)) => Some(default),
                    (None, None) => {
                        blockers.add(node, "no baselineScore here or on the Scorecard, and reason codes are on");
                        None
                    }
                };
                let mut id = identifier(&name);
                if characteristics.iter().any(|c| c.id == id) {
                    id = identifier(&format!("{name}_{}", index + 1));
                }
                let feature = field.spec.name.as_str();
                for code in code.iter().map(String::as_str).chain(bins.iter().filter_map(|b| b.reason_code.as_deref()))
                {
                    if !reasons.iter().any(|r| r.code == code) {
                        reasons.push(match metadata.reasons.get(code) {
                            Some(texts) => {
                                ReasonText { code: code.to_owned(), en: texts.en.clone(), zh: texts.zh.clone() }
                            }
                            None => reason_text(code, field.source.as_str()),
                        });
                    }
                }
                let dimension = metadata
                    .dimensions
                    .get(&id)
                    .copied()
                    .unwrap_or_else(|| dimension_of(feature, &options.dimensions, options.default_dimension));
                let mut built = characteristic(id, feature, dimension, String::new(), Points::ZERO, bins);
                built.reason_code = code;
                built.baseline = baseline;
                built.label = metadata.labels.get(&built.id).cloned();
                characteristics.push(built);
            }
            if characteristics.is_empty() && blockers.found.is_empty() {
                blockers.add(list, "the Scorecard has no Characteristic");
            }
        }
    }

    let (mut score_min, mut score_max) = build::score_extremes(initial_score, &characteristics);
    if let Some(target) = child(scorecard, "Targets").and_then(|t| children(t, "Target").next()) {
        if target.attribute("field").is_some_and(|f| predicted.as_deref().is_some_and(|p| p != f)) {
            blockers.add(target, "the Target is not the predicted field");
        }
        let identity = |name: &str, neutral: &str| {
            target.attribute(name).is_none_or(|t| Decimal::parse(t.trim()).ok() == Decimal::parse(neutral).ok())
        };
        if !identity("rescaleFactor", "1") || !identity("rescaleConstant", "0") {
            blockers.add(
                target,
                "the Target rescales the score after reason codes are ranked, which the model cannot express",
            );
        }
        if target.attribute("castInteger").is_some() {
            blockers.add(target, "the Target casts the score to an integer, which the model cannot express");
        }
        if let Some(min) = read_points(&mut blockers, target, "min") {
            score_min = min;
        }
        if let Some(max) = read_points(&mut blockers, target, "max") {
            score_max = max;
        }
    }
    blockers.into_result()?;

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
        features: fields.into_iter().map(|f| f.spec).collect(),
        bands,
        characteristics,
        reasons,
    };
    build::finish(spec).map(|(model, _)| model).map_err(|e| {
        Error::with_message(e.code(), format!("PMML: the model read from the Scorecard is not valid: {}", e.message()))
    })
}

/// The active fields (the feature schema) and the predicted field's name.
fn read_fields(
    blockers: &mut Blockers<'_>,
    dictionary: Node<'_, '_>,
    mining: Node<'_, '_>,
    names: &Names,
) -> (Vec<Field>, Option<String>) {
    let mut fields: Vec<Field> = Vec::new();
    let mut predicted = None;
    for mining_field in children(mining, "MiningField") {
        let Some(source) = mining_field.attribute("name") else {
            blockers.add(mining_field, "a MiningField has no name");
            continue;
        };
        match mining_field.attribute("usageType").unwrap_or("active") {
            "active" => {}
            "predicted" | "target" => {
                predicted = Some(source.to_owned());
                continue;
            }
            "supplementary" => continue,
            other => {
                blockers.add(
                    mining_field,
                    format!("MiningField {source:?} has usageType {other:?}, which a scorecard does not use"),
                );
                continue;
            }
        }
        let Some(data_field) = children(dictionary, "DataField").find(|f| f.attribute("name") == Some(source)) else {
            blockers.add(
                mining_field,
                format!("field {source:?} is not in the DataDictionary (derived fields cannot be expressed)"),
            );
            continue;
        };
        let (feature_type, kind) = match data_field.attribute("dataType") {
            Some("string") => (FeatureType::Category, Kind::Text),
            Some("integer") => (FeatureType::Integer, Kind::Number),
            Some("float" | "double") => (FeatureType::Number, Kind::Number),
            Some("boolean") => (FeatureType::Boolean, Kind::Bool),
            other => {
                blockers.add(
                    data_field,
                    format!(
                        "field {source:?} has dataType {other:?}; features are strings, integers, numbers or booleans"
                    ),
                );
                continue;
            }
        };
        let (name, renamed_from) = names.feature_name(source);
        if !Names::is_feature_name(&name) {
            blockers.add(mining_field, Names::advice(source));
            continue;
        }
        if fields.iter().any(|f| f.spec.name == name) {
            blockers.add(mining_field, format!("two fields become feature {name:?}; rename one with --rename"));
            continue;
        }
        let mut field = Field {
            source: source.to_owned(),
            spec: FeatureSpec { name, kind: feature_type, min: None, max: None, source: renamed_from },
            kind,
            valid: Vec::new(),
            invalid: Vec::new(),
            missing_tokens: Vec::new(),
            intervals: Vec::new(),
            missing_replacement: None,
            missing_is_invalid: false,
            invalid_treatment: InvalidTreatment::ReturnInvalid,
            outliers: Outliers::Kept,
            low: None,
            high: None,
        };
        for value in children(data_field, "Value") {
            let Some(item) = value.attribute("value").and_then(|text| constant(kind, text)) else {
                blockers.add(value, format!("a Value of field {source:?} is not a value of its dataType"));
                continue;
            };
            match value.attribute("property").unwrap_or("valid") {
                "valid" => field.valid.push(item),
                "invalid" => field.invalid.push(item),
                "missing" => field.missing_tokens.push(item),
                other => blockers.add(value, format!("Value property {other:?} is not valid, invalid or missing")),
            }
        }
        for interval in children(data_field, "Interval") {
            if kind != Kind::Number {
                blockers.add(interval, format!("field {source:?} has an Interval but is not numeric"));
                continue;
            }
            let closure = interval.attribute("closure").unwrap_or("");
            let (left_closed, right_closed) = match closure {
                "openOpen" => (false, false),
                "openClosed" => (false, true),
                "closedOpen" => (true, false),
                "closedClosed" => (true, true),
                other => {
                    blockers.add(interval, format!("Interval closure {other:?} is not one of PMML's four"));
                    continue;
                }
            };
            let mut margin = |name: &str, closed: bool| -> Option<(Decimal, bool)> {
                let text = interval.attribute(name)?;
                match Decimal::parse(text.trim()) {
                    Ok(value) => Some((value, closed)),
                    Err(_) => {
                        blockers.add(interval, format!("Interval {name} {text:?} is not a number"));
                        None
                    }
                }
            };
            let left = margin("leftMargin", left_closed);
            let right = margin("rightMargin", right_closed);
            field.intervals.push(Interval { left, right });
        }
        let treatment = |name: &str| mining_field.attribute(name);
        if let Some(text) = treatment("missingValueReplacement") {
            match constant(kind, text) {
                Some(value) => field.missing_replacement = Some(value),
                None => blockers
                    .add(mining_field, format!("missingValueReplacement {text:?} is not a value of field {source:?}")),
            }
        }
        match treatment("missingValueTreatment").unwrap_or("asIs") {
            "returnInvalid" => field.missing_is_invalid = true,
            "asIs" | "asMean" | "asMode" | "asMedian" | "asValue" => {}
            other => blockers.add(mining_field, format!("missingValueTreatment {other:?} is not one of PMML's")),
        }
        field.invalid_treatment = match treatment("invalidValueTreatment").unwrap_or("returnInvalid") {
            "returnInvalid" => InvalidTreatment::ReturnInvalid,
            "asIs" => InvalidTreatment::AsIs,
            "asMissing" => InvalidTreatment::AsMissing,
            "asValue" => match treatment("invalidValueReplacement").and_then(|t| constant(kind, t)) {
                Some(value) => InvalidTreatment::AsValue(value),
                None => {
                    blockers.add(
                        mining_field,
                        "invalidValueTreatment asValue needs an invalidValueReplacement of the field's type",
                    );
                    InvalidTreatment::ReturnInvalid
                }
            },
            other => {
                blockers.add(mining_field, format!("invalidValueTreatment {other:?} is not one of PMML's"));
                InvalidTreatment::ReturnInvalid
            }
        };
        field.outliers = match treatment("outliers").unwrap_or("asIs") {
            "asIs" => Outliers::Kept,
            "asMissingValues" => Outliers::Missing,
            "asExtremeValues" => Outliers::Clamped,
            other => {
                blockers.add(mining_field, format!("outliers {other:?} is not one of PMML's"));
                Outliers::Kept
            }
        };
        if field.outliers != Outliers::Kept {
            if kind != Kind::Number {
                blockers.add(mining_field, "outlier treatment applies to numeric fields only");
            }
            for (name, slot) in [("lowValue", &mut field.low), ("highValue", &mut field.high)] {
                if let Some(text) = treatment(name) {
                    match Decimal::parse(text.trim()) {
                        Ok(value) => *slot = Some(value),
                        Err(_) => blockers.add(mining_field, format!("{name} {text:?} is not a number")),
                    }
                }
            }
        }
        // The schema's own min/max: one interval, inclusive where it has ends, values refused.
        if let ([interval], true, InvalidTreatment::ReturnInvalid) =
            (field.intervals.as_slice(), field.valid.is_empty(), &field.invalid_treatment)
        {
            let closed = |end: &Option<(Decimal, bool)>| end.as_ref().is_none_or(|(_, closed)| *closed);
            if closed(&interval.left) && closed(&interval.right) && field.invalid.is_empty() {
                field.spec.min = interval.left.as_ref().map(|(v, _)| v.clone());
                field.spec.max = interval.right.as_ref().map(|(v, _)| v.clone());
            }
        }
        fields.push(field);
    }
    (fields, predicted)
}

/// A characteristic's field and bins; `None` after recording blockers.
fn read_characteristic<'f>(
    blockers: &mut Blockers<'_>,
    node: Node<'_, '_>,
    fields: &'f [Field],
    use_reason_codes: bool,
) -> Option<(&'f Field, Vec<Bin>)> {
    let mut field_name: Option<String> = None;
    let mut attributes: Vec<(Pred, Option<Points>, Option<String>)> = Vec::new();
    let before = blockers.found.len();
    for attribute in children(node, "Attribute") {
        if child(attribute, "ComplexPartialScore").is_some() {
            blockers.add(attribute, "ComplexPartialScore computes points from field values, which the model cannot express; only fixed partialScore values can be imported");
        }
        let points = match attribute.attribute("partialScore") {
            Some(_) => read_points(blockers, attribute, "partialScore"),
            None => {
                if child(attribute, "ComplexPartialScore").is_none() {
                    blockers.add(attribute, "an Attribute has no partialScore");
                }
                None
            }
        };
        let reason_code = match (use_reason_codes, attribute.attribute("reasonCode")) {
            (true, Some(code)) => Some(code.to_owned()),
            (true, None) if node.attribute("reasonCode").is_none() => {
                blockers.add(
                    attribute,
                    "an Attribute has no reasonCode and its Characteristic none, and reason codes are on",
                );
                None
            }
            _ => None,
        };
        let Some(predicate_node) = elements(attribute).find(|n| n.tag_name().name() != "ComplexPartialScore") else {
            blockers.add(attribute, "an Attribute has no predicate");
            continue;
        };
        let pred = read_predicate(blockers, predicate_node, fields, &mut field_name);
        attributes.push((pred, points, reason_code));
    }
    let field = match &field_name {
        Some(name) => fields.iter().find(|f| f.source == *name),
        // Only True and False: constant points, whatever the values; any field carries them.
        None => fields.first(),
    };
    let Some(field) = field else {
        if field_name.is_none() {
            blockers.add(node, "the characteristic names no field and the MiningSchema has no active field");
        }
        return None;
    };
    if blockers.found.len() > before {
        return None;
    }

    // Regions of the field's values, from every constant the field and these predicates name.
    let mut constants = field.constants();
    for (pred, _, _) in &attributes {
        collect_constants(pred, &mut constants);
    }
    let regions = Regions::new(field.kind, &constants);
    let effective: Vec<Effective> = regions.present.iter().map(|r| field.effective(&regions, r)).collect();
    let missing = field.missing_effective(&regions);

    let mut bins = Vec::new();
    let mut covered: Vec<bool> = vec![false; regions.present.len()];
    let mut missing_covered = false;
    for (pred, points, reason_code) in attributes {
        let (present, takes_missing) = regions.matches(&pred, &effective, &missing);
        let fresh: Vec<Option<bool>> =
            present.iter().zip(&covered).map(|(taken, covered)| if *covered { None } else { *taken }).collect();
        let direct = regions.bins(&present, takes_missing);
        let widened = regions.bins(&fresh, takes_missing || missing_covered);
        let chosen = if widened.len() < direct.len() { widened } else { direct };
        for (slot, taken) in covered.iter_mut().zip(&present) {
            *slot |= *taken == Some(true);
        }
        missing_covered |= takes_missing;
        let Some(points) = points else { continue };
        bins.extend(chosen.into_iter().map(|predicate| Bin { predicate, points, reason_code: reason_code.clone() }));
    }
    if bins.is_empty() {
        blockers.add(node, "no attribute of this characteristic can ever match, so every row would be invalid");
        return None;
    }
    if bins.iter().any(|b| matches!(&b.predicate, Predicate::In(v) | Predicate::NotIn(v) if v.is_empty())) {
        blockers.add(node, "an attribute needs an empty value set, which the model cannot express");
        return None;
    }
    Some((field, bins))
}

fn collect_constants(pred: &Pred, out: &mut Vec<Constant>) {
    match pred {
        Pred::Compare(_, constant) => out.push(constant.clone()),
        Pred::Set { items, .. } => out.extend(items.iter().cloned()),
        Pred::And(parts) | Pred::Or(parts) | Pred::Xor(parts) | Pred::Surrogate(parts) => {
            parts.iter().for_each(|part| collect_constants(part, out));
        }
        Pred::True | Pred::False | Pred::IsMissing | Pred::IsNotMissing => {}
    }
}

/// Notes the field a predicate reads; a second field is a blocker.
fn note_field(blockers: &mut Blockers<'_>, node: Node<'_, '_>, known: &mut Option<String>, name: &str) -> bool {
    match known {
        Some(field) if field != name => {
            blockers.add(
                node,
                format!(
                    "this characteristic reads two fields ({field:?} and {name:?}); a characteristic reads one feature"
                ),
            );
            false
        }
        Some(_) => true,
        None => {
            *known = Some(name.to_owned());
            true
        }
    }
}

/// A PMML predicate over one field (`False` after recording a blocker).
fn read_predicate(
    blockers: &mut Blockers<'_>,
    node: Node<'_, '_>,
    fields: &[Field],
    known: &mut Option<String>,
) -> Pred {
    // The recursion follows the document: bound it.
    if node.ancestors().count() > 32 {
        blockers.add(node, "predicates nest more than 32 levels deep");
        return Pred::False;
    }
    let field_of = |blockers: &mut Blockers<'_>, known: &mut Option<String>| -> Option<&Field> {
        let Some(name) = node.attribute("field") else {
            blockers.add(node, format!("a {} has no field", node.tag_name().name()));
            return None;
        };
        if !note_field(blockers, node, known, name) {
            return None;
        }
        let field = fields.iter().find(|f| f.source == name);
        if field.is_none() {
            blockers.add(node, format!("field {name:?} is not an active MiningField"));
        }
        field
    };
    match node.tag_name().name() {
        "True" => Pred::True,
        "False" => Pred::False,
        "SimplePredicate" => {
            let Some(field) = field_of(blockers, known) else { return Pred::False };
            let operator = node.attribute("operator").unwrap_or("");
            let comparison = match operator {
                "isMissing" => return Pred::IsMissing,
                "isNotMissing" => return Pred::IsNotMissing,
                "equal" => Comparison::Equal,
                "notEqual" => Comparison::NotEqual,
                "lessThan" => Comparison::LessThan,
                "lessOrEqual" => Comparison::LessOrEqual,
                "greaterThan" => Comparison::GreaterThan,
                "greaterOrEqual" => Comparison::GreaterOrEqual,
                other => {
                    blockers.add(node, format!("SimplePredicate operator {other:?} is not one of PMML's"));
                    return Pred::False;
                }
            };
            if field.kind != Kind::Number && !matches!(comparison, Comparison::Equal | Comparison::NotEqual) {
                blockers.add(
                    node,
                    format!(
                        "{operator} on the non-numeric field {:?} compares by an order the model cannot express",
                        field.source
                    ),
                );
                return Pred::False;
            }
            let Some(text) = node.attribute("value") else {
                blockers.add(node, format!("a {operator} SimplePredicate has no value"));
                return Pred::False;
            };
            match constant(field.kind, text) {
                Some(value) => Pred::Compare(comparison, value),
                None => {
                    blockers.add(node, format!("{text:?} is not a value of field {:?}", field.source));
                    Pred::False
                }
            }
        }
        "SimpleSetPredicate" => {
            let Some(field) = field_of(blockers, known) else { return Pred::False };
            let within = match node.attribute("booleanOperator") {
                Some("isIn") => true,
                Some("isNotIn") => false,
                other => {
                    blockers.add(node, format!("SimpleSetPredicate booleanOperator {other:?} is not isIn or isNotIn"));
                    return Pred::False;
                }
            };
            let Some(array) = child(node, "Array") else {
                blockers.add(node, "a SimpleSetPredicate has no Array");
                return Pred::False;
            };
            let items = match build::split_quoted(array.text().unwrap_or(""), &['"'], false) {
                Ok(items) => items,
                Err(what) => {
                    blockers.add(array, format!("an Array: {what}"));
                    return Pred::False;
                }
            };
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                match constant(field.kind, &item) {
                    Some(value) => values.push(value),
                    None => blockers.add(array, format!("{item:?} is not a value of field {:?}", field.source)),
                }
            }
            Pred::Set { within, items: values }
        }
        "CompoundPredicate" => {
            let parts: Vec<Pred> = elements(node).map(|part| read_predicate(blockers, part, fields, known)).collect();
            match node.attribute("booleanOperator") {
                Some("and") => Pred::And(parts),
                Some("or") => Pred::Or(parts),
                Some("xor") => Pred::Xor(parts),
                Some("surrogate") => Pred::Surrogate(parts),
                other => {
                    blockers.add(node, format!("CompoundPredicate booleanOperator {other:?} is not one of PMML's"));
                    Pred::False
                }
            }
        }
        other => {
            blockers.add(node, format!("{other} is not a predicate a Scorecard attribute can use"));
            Pred::False
        }
    }
}

fn read_extension(scorecard: Node<'_, '_>) -> Result<Extension> {
    let Some(extension) = children(scorecard, "Extension").find(|e| e.attribute("name") == Some(EXTENSION)) else {
        return Ok(Extension::default());
    };
    let text = extension.attribute("value").unwrap_or("");
    let refuse = |message: &str| {
        Error::with_message(ErrorCode::ModelInvalid, format!("PMML: the edgescore Extension: {message}"))
    };
    let value = json::parse(text.as_bytes()).map_err(|e| refuse(e.message()))?;
    json::from_value(&value).map_err(|e| refuse(&e.to_string()))
}
