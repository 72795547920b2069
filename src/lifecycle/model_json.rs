//! Writing a [`Model`] as format_version 1 model JSON, and what every producer of models here
//! (fit and the importers) shares: identifiers, generated reason texts, default bands.
//!
//! Every model leaves through [`finish`], which writes the JSON and reads it back with
//! [`Model::parse`], so nothing here can emit a model the core would refuse or read differently.

use crate::error::{bail, Result};
use crate::json::{Number, Object, Value};
use crate::model::{
    Band, Bin, Characteristic, Dimension, FeatureSpec, Model, Predicate, ReasonAlgorithm, ReasonText, Scalar,
    MODEL_FORMAT_VERSION,
};

/// The model as JSON (members in the order of `src/assets/models/consumer.json`).
pub fn model_to_object(model: &Model) -> Object {
    let features: Vec<Value> = model.features.iter().map(|spec| Value::Object(feature_to_object(spec))).collect();
    let bands: Vec<Value> = model
        .bands
        .iter()
        .map(|band| {
            Value::Object(
                Object::new()
                    .with("id", band.id.as_str())
                    .with("min", band.min)
                    .with("label", texts(&band.label_en, &band.label_zh)),
            )
        })
        .collect();
    let characteristics: Vec<Value> =
        model.characteristics.iter().map(|c| Value::Object(characteristic_to_object(model, c))).collect();
    let mut reasons = Object::new();
    for reason in &model.reasons {
        reasons.insert(reason.code.as_str(), texts(&reason.en, &reason.zh));
    }
    let mut object = Object::new()
        .with("format_version", MODEL_FORMAT_VERSION)
        .with("id", model.id.as_str())
        .with("version", model.version.as_str());
    if model.demo {
        object.insert("demo", true);
    }
    object
        .with("schema", model.schema.as_str())
        .with(
            "score",
            Object::new()
                .with("min", model.score_min)
                .with("max", model.score_max)
                .with("initial", model.initial_score),
        )
        .with(
            "reason_code_algorithm",
            match model.reason_algorithm {
                ReasonAlgorithm::PointsBelow => "points_below",
                ReasonAlgorithm::PointsAbove => "points_above",
            },
        )
        .with("features", features)
        .with("bands", bands)
        .with("characteristics", characteristics)
        .with("reasons", reasons)
}

fn texts(en: &str, zh: &str) -> Object {
    Object::new().with("en", en).with("zh", zh)
}

fn feature_to_object(spec: &FeatureSpec) -> Object {
    let mut object = Object::new().with("name", spec.name.as_str()).with("type", spec.kind.name());
    if let Some(min) = &spec.min {
        object.insert("min", Value::Number(Number::from_decimal(min)));
    }
    if let Some(max) = &spec.max {
        object.insert("max", Value::Number(Number::from_decimal(max)));
    }
    object
}

fn characteristic_to_object(model: &Model, characteristic: &Characteristic) -> Object {
    let feature = model.features.get(characteristic.feature).map_or("", |f| f.name.as_str());
    let bins: Vec<Value> = characteristic.bins.iter().map(|bin| Value::Object(bin_to_object(bin))).collect();
    let mut object = Object::new()
        .with("id", characteristic.id.as_str())
        .with("feature", feature)
        .with("dimension", characteristic.dimension.id())
        .with("reason_code", characteristic.reason_code.as_str())
        .with("baseline", characteristic.baseline);
    if let Some((en, zh)) = &characteristic.label {
        object.insert("label", texts(en, zh));
    }
    object.with("bins", bins)
}

/// One bin as JSON: its predicate's members, then `points` and an overriding `reason_code`.
pub fn bin_to_object(bin: &Bin) -> Object {
    let scalars = |items: &[Scalar]| -> Vec<Value> {
        items
            .iter()
            .map(|item| match item {
                Scalar::Number(number) => Value::Number(Number::from_decimal(number)),
                Scalar::Text(text) => Value::String(text.clone()),
                Scalar::Bool(flag) => Value::Bool(*flag),
            })
            .collect()
    };
    let mut object = Object::new();
    match &bin.predicate {
        Predicate::Missing => object.insert("missing", true),
        Predicate::Else => object.insert("else", true),
        Predicate::In(items) => object.insert("in", scalars(items)),
        Predicate::NotIn(items) => object.insert("not_in", scalars(items)),
        Predicate::Range { lower, upper } => {
            if let Some(bound) = lower {
                object.insert(
                    if bound.inclusive { "gte" } else { "gt" },
                    Value::Number(Number::from_decimal(&bound.value)),
                );
            }
            if let Some(bound) = upper {
                object.insert(
                    if bound.inclusive { "lte" } else { "lt" },
                    Value::Number(Number::from_decimal(&bound.value)),
                );
            }
        }
    }
    object.insert("points", bin.points);
    if let Some(code) = &bin.reason_code {
        object.insert("reason_code", code.as_str());
    }
    object
}

/// Writes the model as JSON and reads it back with the core's own parser: the returned model
/// is exactly what a verifier will load, and the object is what to sign.
pub fn finish(model: &Model) -> Result<(Model, Object)> {
    let object = model_to_object(model);
    let parsed = Model::parse(object.to_json().as_bytes())?;
    if parsed != *model {
        bail!(ModelInvalid, "the model does not read back as written (internal error)");
    }
    Ok((parsed, object))
}

/// A characteristic with its point extremes filled in.
pub fn characteristic(
    id: String,
    feature: usize,
    dimension: Dimension,
    reason_code: String,
    baseline: i64,
    bins: Vec<Bin>,
) -> Characteristic {
    let min_points = bins.iter().map(|b| b.points).min().unwrap_or(0);
    let max_points = bins.iter().map(|b| b.points).max().unwrap_or(0);
    Characteristic { id, feature, dimension, reason_code, baseline, label: None, bins, min_points, max_points }
}

/// The lowest and highest raw score the characteristics allow from `initial`.
pub fn score_extremes(initial: i64, characteristics: &[Characteristic]) -> (i64, i64) {
    let low = characteristics.iter().map(|c| c.min_points).sum::<i64>() + initial;
    let high = characteristics.iter().map(|c| c.max_points).sum::<i64>() + initial;
    (low, high.max(low + 1))
}

/// The consumer bands (350–950): poor, fair from 550, good from 600, very good from 650,
/// excellent from 700, as the demo consumer model and the product brief use them.
pub fn consumer_bands() -> Vec<Band> {
    [
        ("poor", 350, "Poor", "较差"),
        ("fair", 550, "Fair", "中等"),
        ("good", 600, "Good", "良好"),
        ("very_good", 650, "Very good", "优秀"),
        ("excellent", 700, "Excellent", "极好"),
    ]
    .into_iter()
    .map(|(id, min, en, zh)| Band { id: id.to_owned(), min, label_en: en.to_owned(), label_zh: zh.to_owned() })
    .collect()
}

/// One band covering the whole range, for imported models that declare none.
pub fn single_band(min: i64) -> Vec<Band> {
    vec![Band { id: "all".to_owned(), min, label_en: "All scores".to_owned(), label_zh: "全部分数".to_owned() }]
}

/// The generated reason text of a characteristic reading `feature`.
pub fn reason_text(code: &str, feature: &str) -> ReasonText {
    let label = feature.replace(['_', '.', '-'], " ");
    ReasonText {
        code: code.to_owned(),
        en: format!("Your {label} lowered your score"),
        zh: format!("您的{label}拉低了评分"),
    }
}

/// `text` as a model identifier (`a-z`, `0-9`, `_`, `-`, `.`, at most 64): camelCase becomes
/// snake_case, other characters become `_`.
pub fn identifier(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for ch in text.chars() {
        if ch.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
            previous_lower = false;
        } else if ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '_' | '-' | '.') {
            out.push(ch);
            previous_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        } else {
            out.push('_');
            previous_lower = false;
        }
    }
    out.truncate(64);
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Parses `FEATURE=DIMENSION` pairs.
pub fn parse_dimensions(pairs: &[String]) -> Result<Vec<(String, Dimension)>> {
    pairs
        .iter()
        .map(|pair| {
            let Some((feature, dimension)) = pair.split_once('=') else {
                bail!(ConfigInvalid, "dimension {pair:?} is not FEATURE=DIMENSION");
            };
            let Some(dimension) = Dimension::parse(dimension) else {
                bail!(ConfigInvalid, "{dimension:?} is not one of credit_history, behaviour_preferences, fulfilment_capacity, identity_traits, relationships");
            };
            Ok((feature.to_owned(), dimension))
        })
        .collect()
}

/// The dimension of a feature: the pair naming it, else `default`.
pub fn dimension_of(feature: &str, pairs: &[(String, Dimension)], default: Dimension) -> Dimension {
    pairs.iter().find(|(name, _)| name == feature).map_or(default, |(_, d)| *d)
}

/// What an importer is told about the model it makes (the imported formats do not say).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportOptions {
    /// Model id (default: from the file's model name, else the format's name).
    pub id: Option<String>,
    /// Model version.
    pub version: String,
    /// Feature-schema id (default: `<format>.<id>`).
    pub schema: Option<String>,
    /// Dimension per feature.
    pub dimensions: Vec<(String, Dimension)>,
    /// Dimension of the other features.
    pub default_dimension: Dimension,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            id: None,
            version: "1".to_owned(),
            schema: None,
            dimensions: Vec::new(),
            default_dimension: Dimension::CreditHistory,
        }
    }
}

impl ImportOptions {
    /// The model id: the option, else `fallback` as an identifier.
    pub fn id_or(&self, fallback: &str) -> String {
        self.id.clone().unwrap_or_else(|| identifier(fallback))
    }

    /// The schema id: the option, else `<format>.<id>`.
    pub fn schema_or(&self, format: &str, id: &str) -> String {
        self.schema.clone().unwrap_or_else(|| format!("{format}.{id}"))
    }
}

/// Splits a list of values separated by whitespace, each bare or quoted with one of `quotes`
/// (a backslash escapes the next character; with `named_escapes`, `\n` and `\t` are a line
/// feed and a tab). Used for PMML `Array`s and NumPy's array notation. The error says what is
/// wrong, for the caller to place.
pub fn split_quoted(
    text: &str,
    quotes: &[char],
    named_escapes: bool,
) -> std::result::Result<Vec<String>, &'static str> {
    let mut items = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(first) = chars.next() else { break };
        let mut item = String::new();
        if quotes.contains(&first) {
            loop {
                match chars.next() {
                    None => return Err("a quoted value is not terminated"),
                    Some('\\') => match chars.next() {
                        Some('n') if named_escapes => item.push('\n'),
                        Some('t') if named_escapes => item.push('\t'),
                        Some(escaped) => item.push(escaped),
                        None => return Err("a value ends in a backslash"),
                    },
                    Some(c) if c == first => break,
                    Some(c) => item.push(c),
                }
            }
        } else {
            item.push(first);
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                item.push(c);
            }
        }
        items.push(item);
    }
    Ok(items)
}
