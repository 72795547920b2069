//! What every producer of models here (fit and the importers) shares: the way a spec becomes
//! a model and its document, characteristics with generated reason codes and texts,
//! identifiers, default bands, dimensions and import options.
//!
//! Every model leaves through [`finish`]: the spec is validated by `Model::try_from` (the same
//! checks a verifier runs when it reads a document), and the document is written from the
//! validated model, so nothing here can emit a model the core would refuse.

use crate::error::{bail, Result};
use crate::json::{Object, Value};
use crate::model::{Band, Bin, CharacteristicSpec, Dimension, Model, ModelSpec, Points, ReasonText};

/// Validates a spec and writes its document: the model a verifier will load, and the object
/// to sign.
pub fn finish(spec: ModelSpec) -> Result<(Model, Object)> {
    let model = Model::try_from(spec)?;
    match model.to_value()? {
        Value::Object(object) => Ok((model, object)),
        _ => bail!(ModelInvalid, "a model document is written as an object"),
    }
}

/// A characteristic spec with a baseline.
pub fn characteristic(
    id: String,
    feature: &str,
    dimension: Dimension,
    reason_code: String,
    baseline: Points,
    bins: Vec<Bin>,
) -> CharacteristicSpec {
    CharacteristicSpec {
        id,
        feature: feature.to_owned(),
        dimension,
        reason_code: Some(reason_code),
        baseline: Some(baseline),
        label: None,
        bins,
    }
}

/// The lowest and highest raw score the characteristics allow from `initial`.
pub fn score_extremes(initial: Points, characteristics: &[CharacteristicSpec]) -> (Points, Points) {
    let extreme = |pick: fn(&mut dyn Iterator<Item = Points>) -> Option<Points>| -> Points {
        characteristics.iter().map(|c| pick(&mut c.bins.iter().map(|b| b.points)).unwrap_or_default()).sum::<Points>()
            + initial
    };
    let (low, high) = (extreme(|points| points.min()), extreme(|points| points.max()));
    (low, high.max(low + Points::whole(1)))
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
    .map(|(id, min, en, zh)| Band {
        id: id.to_owned(),
        min: Points::whole(min),
        label_en: en.to_owned(),
        label_zh: zh.to_owned(),
    })
    .collect()
}

/// One band covering the whole range, for imported models that declare none.
pub fn single_band(min: Points) -> Vec<Band> {
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

/// How names in the data (CSV columns, PMML fields, tool variables) become feature names,
/// which are `a-z`, `0-9`, `_`, `-`, `.` (at most 64). A renamed feature records its source
/// name in the model (`source`), so reports can show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// Explicit renames, `FROM` → `TO`, applied first.
    pub renames: Vec<(String, String)>,
    /// Normalise every other name ([`normalize_name`]).
    pub normalize: bool,
}

impl Names {
    /// Parses `FROM=TO` pairs (the last `=` separates, so a source name may contain `=`).
    pub fn parse_renames(pairs: &[String]) -> Result<Vec<(String, String)>> {
        pairs
            .iter()
            .map(|pair| match pair.rsplit_once('=') {
                Some((from, to)) if !from.is_empty() && !to.is_empty() => Ok((from.to_owned(), to.to_owned())),
                _ => bail!(ConfigInvalid, "rename {pair:?} is not FROM=TO"),
            })
            .collect()
    }

    /// The feature name for a source name, and the source name when they differ.
    pub fn feature_name(&self, source: &str) -> (String, Option<String>) {
        let name = match self.renames.iter().find(|(from, _)| from == source) {
            Some((_, to)) => to.clone(),
            None if self.normalize => normalize_name(source),
            None => source.to_owned(),
        };
        let source = (name != source).then(|| source.to_owned());
        (name, source)
    }

    /// Whether `name` is a feature name the model format accepts.
    pub fn is_feature_name(name: &str) -> bool {
        !name.is_empty() && identifier(name) == name
    }

    /// The advice given with a name the format does not accept.
    pub fn advice(source: &str) -> String {
        format!(
            "{source:?} is not a feature name (a-z, 0-9, '_', '-', '.'; at most 64): rename it with --rename \"{source}=NAME\" or use --normalize-names (which would make it {:?})",
            normalize_name(source)
        )
    }
}

/// A name as a feature name: camelCase and PascalCase become snake_case (`MonthsOnBook` →
/// `months_on_book`), letters are lowercased, every run of other characters becomes one `_`
/// (`months on book` → `months_on_book`), `_` at either end is dropped, at most 64 characters
/// (empty becomes `x`).
pub fn normalize_name(text: &str) -> String {
    let snake = identifier(text);
    let mut out = String::with_capacity(snake.len());
    for ch in snake.chars() {
        if ch == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(ch);
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
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
    /// How the file's names become feature names.
    pub names: Names,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            id: None,
            version: "1".to_owned(),
            schema: None,
            dimensions: Vec::new(),
            default_dimension: Dimension::CreditHistory,
            names: Names::default(),
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
