//! The scorecard model format (`format_version` 1): reading, validating and verifying a signed
//! model. Evaluation lives in [`crate::scorecard`].
//!
//! A model declares its feature schema (names, types, allowed ranges), the score range and
//! initial score, band cut-offs, and characteristics. A characteristic reads one feature, belongs
//! to one of five [`Dimension`]s, has a reason code and a baseline, and lists bins in order;
//! each bin has one predicate and integer points. Semantics follow the PMML 4.4 `Scorecard`:
//! first matching bin wins; only a `missing` bin matches a missing value (and `else`, which
//! matches everything); a characteristic without a matching bin is an error. Reading is strict:
//! unknown members are refused, so a typo cannot silently change a score.

use sha2::{Digest, Sha256};

use crate::decimal::Decimal;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::jwk::Jwks;
use crate::jws::{self, TokenKind};

/// In the WebAssembly package a model that fails validation gets this one message, leaving the
/// detailed messages (and their bytes) out of the size-budgeted module; models are validated
/// with the detailed messages when they are signed (`edgescore sign-model`, `edgescore verify`).
pub const WASM_MODEL_MESSAGE: &str = "the model is not valid (edgescore verify on the signed model says why)";

/// `bail!(ModelInvalid, …)`; in the WebAssembly package, with [`WASM_MODEL_MESSAGE`].
macro_rules! invalid {
    ($($fmt:tt)+) => {{
        #[cfg(target_family = "wasm")]
        {
            let _unused = || format!($($fmt)+);
            return Err(Error::new(ErrorCode::ModelInvalid, WASM_MODEL_MESSAGE));
        }
        #[cfg(not(target_family = "wasm"))]
        bail!(ModelInvalid, $($fmt)+);
    }};
}

/// The model format this build reads and writes.
pub const MODEL_FORMAT_VERSION: i64 = 1;
/// The most characteristics a model may have.
pub const MAX_CHARACTERISTICS: usize = 64;
/// The most bins a characteristic may have.
pub const MAX_BINS: usize = 64;
/// The largest magnitude of points, initial score and baselines.
pub const MAX_POINTS: i64 = 1_000_000;

/// The five dimensions every characteristic belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Repayment of loans and pay-later, utility bills paid on time.
    CreditHistory,
    /// Online activity, shopping habits, payment habits.
    BehaviourPreferences,
    /// Income and asset proxies, on-time use of credit services.
    FulfilmentCapacity,
    /// Real-name and education checks, stability of phone number and address.
    IdentityTraits,
    /// Standing of one's contacts.
    Relationships,
}

impl Dimension {
    /// All dimensions, in result order.
    pub const ALL: [Dimension; 5] = [
        Dimension::CreditHistory,
        Dimension::BehaviourPreferences,
        Dimension::FulfilmentCapacity,
        Dimension::IdentityTraits,
        Dimension::Relationships,
    ];

    /// The identifier used in models and results.
    pub const fn id(self) -> &'static str {
        match self {
            Dimension::CreditHistory => "credit_history",
            Dimension::BehaviourPreferences => "behaviour_preferences",
            Dimension::FulfilmentCapacity => "fulfilment_capacity",
            Dimension::IdentityTraits => "identity_traits",
            Dimension::Relationships => "relationships",
        }
    }

    /// English name.
    pub const fn label_en(self) -> &'static str {
        match self {
            Dimension::CreditHistory => "Credit history",
            Dimension::BehaviourPreferences => "Behaviour & preferences",
            Dimension::FulfilmentCapacity => "Fulfilment capacity",
            Dimension::IdentityTraits => "Identity traits",
            Dimension::Relationships => "Relationships",
        }
    }

    /// Simplified Chinese name.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Dimension::CreditHistory => "信用历史",
            Dimension::BehaviourPreferences => "行为偏好",
            Dimension::FulfilmentCapacity => "履约能力",
            Dimension::IdentityTraits => "身份特质",
            Dimension::Relationships => "人脉关系",
        }
    }

    /// The dimension with this identifier.
    pub fn parse(id: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.id() == id)
    }
}

/// The type of a feature in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureType {
    /// Any decimal number.
    Number,
    /// A whole number.
    Integer,
    /// A string from an open set of categories.
    Category,
    /// `true` or `false`.
    Boolean,
}

impl FeatureType {
    fn parse(name: &str) -> Option<FeatureType> {
        match name {
            "number" => Some(FeatureType::Number),
            "integer" => Some(FeatureType::Integer),
            "category" => Some(FeatureType::Category),
            "boolean" => Some(FeatureType::Boolean),
            _ => None,
        }
    }

    /// The name used in models.
    pub const fn name(self) -> &'static str {
        match self {
            FeatureType::Number => "number",
            FeatureType::Integer => "integer",
            FeatureType::Category => "category",
            FeatureType::Boolean => "boolean",
        }
    }

    fn is_numeric(self) -> bool {
        matches!(self, FeatureType::Number | FeatureType::Integer)
    }
}

/// One feature of the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureSpec {
    /// The feature's name in a snapshot's `features`.
    pub name: String,
    /// Its type.
    pub kind: FeatureType,
    /// The smallest allowed value (numeric features).
    pub min: Option<Decimal>,
    /// The largest allowed value (numeric features).
    pub max: Option<Decimal>,
}

/// A scalar in a bin's value set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// A number.
    Number(Decimal),
    /// A category.
    Text(String),
    /// A boolean.
    Bool(bool),
}

/// One end of a numeric interval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The bound's value.
    pub value: Decimal,
    /// Whether the bound itself is inside the interval.
    pub inclusive: bool,
}

/// A bin's predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Predicate {
    /// `{"missing": true}`: the feature is absent or null.
    Missing,
    /// `{"else": true}`: always true (PMML `True`), missing values included.
    Else,
    /// `{"gte"|"gt": a, "lt"|"lte": b}`: a present number in the interval (either end optional).
    Range {
        /// Lower end.
        lower: Option<Bound>,
        /// Upper end.
        upper: Option<Bound>,
    },
    /// `{"in": [...]}`: a present value equal to one listed.
    In(Vec<Scalar>),
    /// `{"not_in": [...]}`: a present value equal to none listed.
    NotIn(Vec<Scalar>),
}

/// A bin: predicate, points and an optional reason code overriding the characteristic's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bin {
    /// When the bin applies.
    pub predicate: Predicate,
    /// The partial score.
    pub points: i64,
    /// Reason code for this bin, overriding the characteristic's.
    pub reason_code: Option<String>,
}

/// A characteristic: one feature, its bins and its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Characteristic {
    /// Identifier, unique in the model.
    pub id: String,
    /// Index of the feature in [`Model::features`].
    pub feature: usize,
    /// The dimension it counts towards.
    pub dimension: Dimension,
    /// The reason code.
    pub reason_code: String,
    /// The baseline for reason points.
    pub baseline: i64,
    /// English and Simplified Chinese labels, when the model gives them.
    pub label: Option<(String, String)>,
    /// Bins in order.
    pub bins: Vec<Bin>,
    /// Lowest points of any bin.
    pub min_points: i64,
    /// Highest points of any bin.
    pub max_points: i64,
}

/// How reason points are computed (PMML `reasonCodeAlgorithm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonAlgorithm {
    /// `baseline − points` (the default).
    PointsBelow,
    /// `points − baseline`.
    PointsAbove,
}

/// A score band: the lowest score that earns it and its labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// Identifier (`poor`, `fair`, …).
    pub id: String,
    /// Lowest score in the band.
    pub min: i64,
    /// English label.
    pub label_en: String,
    /// Simplified Chinese label.
    pub label_zh: String,
}

/// A reason text in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonText {
    /// The reason code.
    pub code: String,
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

/// A validated scorecard model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    /// Model id.
    pub id: String,
    /// Model version (free text).
    pub version: String,
    /// Whether it is demo material, never for real decisions.
    pub demo: bool,
    /// The feature-schema id a snapshot must carry.
    pub schema: String,
    /// The feature schema.
    pub features: Vec<FeatureSpec>,
    /// Lowest score.
    pub score_min: i64,
    /// Highest score.
    pub score_max: i64,
    /// Score before any characteristic.
    pub initial_score: i64,
    /// Reason points algorithm.
    pub reason_algorithm: ReasonAlgorithm,
    /// Bands, ascending.
    pub bands: Vec<Band>,
    /// Characteristics, in document order.
    pub characteristics: Vec<Characteristic>,
    /// Reason texts.
    pub reasons: Vec<ReasonText>,
}

/// A model whose issuer signature verified, with the digest of the signed bytes.
#[derive(Clone, Debug)]
pub struct SignedModel {
    model: Model,
    digest: String,
    kid: String,
}

impl SignedModel {
    /// Verifies a signed model (`typ` `edgescore-model+jwt`) with the issuer JWKS and reads it.
    pub fn verify(token: &str, keys: &Jwks) -> Result<SignedModel> {
        let parsed = jws::parse(token, TokenKind::Model).map_err(|e| e.context("model"))?;
        let kid = parsed.kid().unwrap_or_default().to_owned();
        let Some(key) = keys.find(&kid) else {
            bail!(UnknownKid, "model: no issuer key has kid \"{}\"", truncate(&kid, 40));
        };
        let verified = parsed.verify(key)?;
        let model = Model::parse(verified.payload())?;
        Ok(SignedModel { model, digest: model_digest(verified.payload()), kid })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// `sha256:` and the hex SHA-256 of the signed model JSON.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The issuer key id that signed it.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// `sha256:<hex>` of model bytes.
pub fn model_digest(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash {
        for nibble in [byte >> 4, byte & 15] {
            out.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
        }
    }
    out
}

impl Model {
    /// Reads and validates a model document. Structural problems are `ERR_MODEL_INVALID`, an
    /// unknown `format_version` is `ERR_UNSUPPORTED_VERSION`.
    pub fn parse(input: &[u8]) -> Result<Model> {
        if input.len() > jws::MAX_MODEL_BYTES {
            bail!(TooLarge, "model is larger than {} bytes", jws::MAX_MODEL_BYTES);
        }
        let object = json::parse_object(input).map_err(|e| match e.code() {
            ErrorCode::Malformed => e.recode(ErrorCode::ModelInvalid).context("model"),
            _ => e.context("model"),
        })?;
        Model::from_object(&object).map_err(|e| e.context("model"))
    }

    /// The feature with this name.
    pub fn feature(&self, name: &str) -> Option<&FeatureSpec> {
        self.features.iter().find(|f| f.name == name)
    }

    /// The text of a reason code.
    pub fn reason_text(&self, code: &str) -> Option<&ReasonText> {
        self.reasons.iter().find(|r| r.code == code)
    }

    /// The band of a score.
    pub fn band_for(&self, score: i64) -> &Band {
        let mut chosen = self.bands.first();
        for band in &self.bands {
            if band.min <= score {
                chosen = Some(band);
            }
        }
        // Validation guarantees at least one band starting at `score_min`.
        chosen.unwrap_or(&FALLBACK_BAND)
    }

    fn from_object(object: &Object) -> Result<Model> {
        let members = Members::new(object, "model");
        members.only(&[
            "format_version",
            "id",
            "version",
            "demo",
            "title",
            "description",
            "issuer",
            "schema",
            "features",
            "score",
            "reason_code_algorithm",
            "baseline_score",
            "bands",
            "characteristics",
            "reasons",
        ])?;
        match object.get("format_version") {
            Some(value) if value.as_i64() == Some(MODEL_FORMAT_VERSION) => {}
            Some(Value::Number(_)) => bail!(
                UnsupportedVersion,
                "format_version {} is not supported (this build reads {MODEL_FORMAT_VERSION})",
                object.get("format_version").map(Value::to_json).unwrap_or_default()
            ),
            _ => invalid!("\"format_version\" must be a number"),
        }
        let id = members.identifier("id")?;
        let version = members.string("version")?;
        let demo = members.optional_bool("demo")?.unwrap_or(false);
        let schema = members.string("schema")?;
        let features = read_feature_specs(members.array("features")?)?;

        let score = Members::new(members.object("score")?, "score");
        score.only(&["min", "max", "initial"])?;
        let score_min = score.integer("min")?;
        let score_max = score.integer("max")?;
        let initial_score = score.integer("initial")?;
        if score_min >= score_max {
            invalid!("score min must be below score max");
        }
        let reason_algorithm = match object.get("reason_code_algorithm") {
            None => ReasonAlgorithm::PointsBelow,
            Some(value) => match value.as_str() {
                Some("points_below") => ReasonAlgorithm::PointsBelow,
                Some("points_above") => ReasonAlgorithm::PointsAbove,
                _ => invalid!("\"reason_code_algorithm\" must be \"points_below\" or \"points_above\""),
            },
        };
        let default_baseline = members.optional_integer("baseline_score")?;
        let bands = read_bands(members.array("bands")?, score_min, score_max)?;
        let reasons = read_reasons(members.object("reasons")?)?;

        let entries = members.array("characteristics")?;
        if entries.is_empty() || entries.len() > MAX_CHARACTERISTICS {
            invalid!("a model has 1 to {MAX_CHARACTERISTICS} characteristics");
        }
        let mut characteristics: Vec<Characteristic> = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let characteristic = read_characteristic(entry, &features, default_baseline)
                .map_err(|e| e.context(&format!("characteristic {index}")))?;
            if characteristics.iter().any(|c| c.id == characteristic.id) {
                invalid!("two characteristics have id \"{}\"", characteristic.id);
            }
            for code in characteristic_codes(&characteristic) {
                if !reasons.iter().any(|r| r.code == code) {
                    invalid!("reason code \"{code}\" has no text in \"reasons\"");
                }
            }
            characteristics.push(characteristic);
        }
        Ok(Model {
            id,
            version,
            demo,
            schema,
            features,
            score_min,
            score_max,
            initial_score,
            reason_algorithm,
            bands,
            characteristics,
            reasons,
        })
    }
}

static FALLBACK_BAND: Band = Band { id: String::new(), min: 0, label_en: String::new(), label_zh: String::new() };

fn characteristic_codes(characteristic: &Characteristic) -> impl Iterator<Item = &str> {
    std::iter::once(characteristic.reason_code.as_str())
        .chain(characteristic.bins.iter().filter_map(|b| b.reason_code.as_deref()))
}

fn read_feature_specs(entries: &[Value]) -> Result<Vec<FeatureSpec>> {
    if entries.is_empty() || entries.len() > crate::snapshot::MAX_FEATURES {
        invalid!("the schema has 1 to {} features", crate::snapshot::MAX_FEATURES);
    }
    let mut specs: Vec<FeatureSpec> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let place = format!("feature {index}");
        let members = Members::new(as_object(entry, &place)?, &place);
        members.only(&["name", "type", "min", "max", "description"])?;
        let name = members.identifier("name")?;
        let kind_name = members.string("type")?;
        let Some(kind) = FeatureType::parse(&kind_name) else {
            invalid!("{place}: type must be number, integer, category or boolean");
        };
        let min = members.optional_decimal("min")?;
        let max = members.optional_decimal("max")?;
        if (min.is_some() || max.is_some()) && !kind.is_numeric() {
            invalid!("{place}: min and max are for numeric features");
        }
        if let (Some(min), Some(max)) = (&min, &max) {
            if min > max {
                invalid!("{place}: min is above max");
            }
        }
        if specs.iter().any(|s| s.name == name) {
            invalid!("two features are named \"{name}\"");
        }
        specs.push(FeatureSpec { name, kind, min, max });
    }
    Ok(specs)
}

fn read_bands(entries: &[Value], score_min: i64, score_max: i64) -> Result<Vec<Band>> {
    if entries.is_empty() || entries.len() > 16 {
        invalid!("a model has 1 to 16 bands");
    }
    let mut bands: Vec<Band> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let place = format!("band {index}");
        let members = Members::new(as_object(entry, &place)?, &place);
        members.only(&["id", "min", "label"])?;
        let id = members.identifier("id")?;
        let min = members.integer("min")?;
        let (label_en, label_zh) = members.texts("label")?;
        match bands.last() {
            None if min != score_min => invalid!("the first band must start at the score min"),
            Some(previous) if min <= previous.min => invalid!("band minimums must ascend"),
            _ => {}
        }
        if min > score_max {
            invalid!("{place} starts above the score max");
        }
        if bands.iter().any(|b| b.id == id) {
            invalid!("two bands have id \"{id}\"");
        }
        bands.push(Band { id, min, label_en, label_zh });
    }
    Ok(bands)
}

fn read_reasons(object: &Object) -> Result<Vec<ReasonText>> {
    let mut reasons = Vec::with_capacity(object.len());
    for (code, value) in object.iter() {
        check_code(code)?;
        let place = format!("reason {code}");
        let members = Members::new(as_object(value, &place)?, &place);
        members.only(&["en", "zh"])?;
        reasons.push(ReasonText { code: code.to_owned(), en: members.string("en")?, zh: members.string("zh")? });
    }
    Ok(reasons)
}

fn check_code(code: &str) -> Result<()> {
    if code.is_empty()
        || code.len() > 32
        || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        bail!(ModelInvalid, "reason code \"{}\" must be 1 to 32 letters, digits, '_', '-' or '.'", truncate(code, 40));
    }
    Ok(())
}

fn read_characteristic(
    entry: &Value,
    features: &[FeatureSpec],
    default_baseline: Option<i64>,
) -> Result<Characteristic> {
    let members = Members::new(as_object(entry, "characteristic")?, "characteristic");
    members.only(&["id", "feature", "dimension", "reason_code", "baseline", "label", "bins"])?;
    let id = members.identifier("id")?;
    let feature_name = members.string("feature")?;
    let Some(feature) = features.iter().position(|f| f.name == feature_name) else {
        invalid!("feature \"{feature_name}\" is not in the schema");
    };
    let spec = features.get(feature).ok_or_else(|| Error::new(ErrorCode::ModelInvalid, "feature index"))?;
    let dimension_name = members.string("dimension")?;
    let Some(dimension) = Dimension::parse(&dimension_name) else {
        invalid!("dimension \"{dimension_name}\" is not one of credit_history, behaviour_preferences, fulfilment_capacity, identity_traits, relationships");
    };
    let reason_code = members.string("reason_code")?;
    check_code(&reason_code)?;
    let baseline = match (members.optional_integer("baseline")?, default_baseline) {
        (Some(baseline), _) | (None, Some(baseline)) => baseline,
        (None, None) => invalid!("no \"baseline\" and no model \"baseline_score\""),
    };
    let label = match members.object.get("label") {
        Some(_) => Some(members.texts("label")?),
        None => None,
    };
    let entries = members.array("bins")?;
    if entries.is_empty() || entries.len() > MAX_BINS {
        invalid!("a characteristic has 1 to {MAX_BINS} bins");
    }
    let mut bins = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        bins.push(read_bin(entry, spec).map_err(|e| e.context(&format!("bin {index}")))?);
    }
    let min_points = bins.iter().map(|b| b.points).min().unwrap_or(0);
    let max_points = bins.iter().map(|b| b.points).max().unwrap_or(0);
    Ok(Characteristic { id, feature, dimension, reason_code, baseline, label, bins, min_points, max_points })
}

fn read_bin(entry: &Value, spec: &FeatureSpec) -> Result<Bin> {
    const ONE_FORM: &str = "a bin has exactly one of missing, else, in, not_in or a range (gt/gte/lt/lte)";
    let object = as_object(entry, "bin")?;
    let members = Members::new(object, "bin");
    let mut predicate: Option<Predicate> = None;
    let (mut lower, mut upper): (Option<Bound>, Option<Bound>) = (None, None);
    // One pass over the members: each is a form of predicate, a range end, or bin data.
    for (name, value) in object.iter() {
        let form = match name {
            "points" | "reason_code" | "label" => continue,
            "missing" | "else" => {
                if value.as_bool() != Some(true) {
                    invalid!("\"{name}\" must be true");
                }
                if name == "missing" {
                    Predicate::Missing
                } else {
                    Predicate::Else
                }
            }
            "in" | "not_in" => {
                let scalars = read_scalars(members.array(name)?, spec)?;
                if name == "in" {
                    Predicate::In(scalars)
                } else {
                    Predicate::NotIn(scalars)
                }
            }
            "gt" | "gte" | "lt" | "lte" => {
                let Some(value) = members.optional_decimal(name)? else { continue };
                let bound = Bound { value, inclusive: name.ends_with('e') };
                let end = if name.starts_with('g') { &mut lower } else { &mut upper };
                if end.replace(bound).is_some() {
                    invalid!("a range has one lower (gt or gte) and one upper (lt or lte) end");
                }
                continue;
            }
            _ => invalid!("bin: unknown member \"{}\"", truncate(name, 40)),
        };
        if predicate.replace(form).is_some() {
            invalid!("{ONE_FORM}");
        }
    }
    if lower.is_some() || upper.is_some() {
        if predicate.is_some() {
            invalid!("{ONE_FORM}");
        }
        if !spec.kind.is_numeric() {
            invalid!("a range needs a numeric feature, \"{}\" is {}", spec.name, spec.kind.name());
        }
        if let (Some(lower), Some(upper)) = (&lower, &upper) {
            if lower.value > upper.value || (lower.value == upper.value && !(lower.inclusive && upper.inclusive)) {
                invalid!("the range is empty");
            }
        }
        predicate = Some(Predicate::Range { lower, upper });
    }
    let Some(predicate) = predicate else { invalid!("{ONE_FORM}") };
    let points = members.integer("points")?;
    let reason_code = match object.get("reason_code") {
        None => None,
        Some(_) => {
            let code = members.string("reason_code")?;
            check_code(&code)?;
            Some(code)
        }
    };
    Ok(Bin { predicate, points, reason_code })
}

fn read_scalars(values: &[Value], spec: &FeatureSpec) -> Result<Vec<Scalar>> {
    if values.is_empty() || values.len() > 256 {
        invalid!("a value set has 1 to 256 values");
    }
    values
        .iter()
        .map(|value| match (spec.kind, value) {
            (FeatureType::Category, Value::String(text)) => Ok(Scalar::Text(text.clone())),
            (FeatureType::Boolean, Value::Bool(flag)) => Ok(Scalar::Bool(*flag)),
            (FeatureType::Number | FeatureType::Integer, Value::Number(number)) => {
                Ok(Scalar::Number(number.to_decimal().map_err(|e| e.recode(ErrorCode::ModelInvalid))?))
            }
            _ => bail!(
                ModelInvalid,
                "value {} does not fit {} feature \"{}\"",
                truncate(&value.to_json(), 40),
                spec.kind.name(),
                spec.name
            ),
        })
        .collect()
}

fn as_object<'a>(value: &'a Value, place: &str) -> Result<&'a Object> {
    if cfg!(target_family = "wasm") {
        return value.as_object().ok_or(Error::new(ErrorCode::ModelInvalid, WASM_MODEL_MESSAGE));
    }
    value.as_object().ok_or_else(|| Error::with_message(ErrorCode::ModelInvalid, format!("{place} must be an object")))
}

/// Typed access to an object's members with `ERR_MODEL_INVALID` messages naming the place.
struct Members<'a> {
    object: &'a Object,
    place: &'a str,
}

impl<'a> Members<'a> {
    fn new(object: &'a Object, place: &'a str) -> Members<'a> {
        Members { object, place }
    }

    fn fail(&self, message: String) -> Error {
        if cfg!(target_family = "wasm") {
            return Error::new(ErrorCode::ModelInvalid, WASM_MODEL_MESSAGE);
        }
        Error::with_message(ErrorCode::ModelInvalid, format!("{}: {message}", self.place))
    }

    fn only(&self, allowed: &[&str]) -> Result<()> {
        match self.object.iter().find(|(name, _)| !allowed.contains(name)) {
            Some((name, _)) => Err(self.fail(format!("unknown member \"{}\"", truncate(name, 40)))),
            None => Ok(()),
        }
    }

    fn required(&self, name: &str) -> Result<&'a Value> {
        self.object.get(name).ok_or_else(|| self.fail(format!("\"{name}\" is missing")))
    }

    fn string(&self, name: &str) -> Result<String> {
        match self.required(name)? {
            Value::String(text) if !text.is_empty() && text.len() <= 1024 => Ok(text.clone()),
            _ => Err(self.fail(format!("\"{name}\" must be a string of 1 to 1024 bytes"))),
        }
    }

    fn identifier(&self, name: &str) -> Result<String> {
        let text = self.string(name)?;
        let ok = text.len() <= 64
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.'));
        if !ok {
            return Err(self.fail(format!("\"{name}\" must be at most 64 of a-z, 0-9, '_', '-', '.'")));
        }
        Ok(text)
    }

    fn integer(&self, name: &str) -> Result<i64> {
        match self.required(name)?.as_i64() {
            Some(value) if value.abs() <= MAX_POINTS => Ok(value),
            _ => Err(self.fail(format!("\"{name}\" must be a whole number within ±{MAX_POINTS}"))),
        }
    }

    fn optional_integer(&self, name: &str) -> Result<Option<i64>> {
        match self.object.get(name) {
            None => Ok(None),
            Some(_) => self.integer(name).map(Some),
        }
    }

    fn optional_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.object.get(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(self.fail(format!("\"{name}\" must be true or false"))),
        }
    }

    fn optional_decimal(&self, name: &str) -> Result<Option<Decimal>> {
        match self.object.get(name) {
            None => Ok(None),
            Some(Value::Number(number)) => number.to_decimal().map(Some).map_err(|e| self.fail(e.message().to_owned())),
            Some(_) => Err(self.fail(format!("\"{name}\" must be a number"))),
        }
    }

    fn array(&self, name: &str) -> Result<&'a [Value]> {
        self.required(name)?.as_array().ok_or_else(|| self.fail(format!("\"{name}\" must be an array")))
    }

    fn object(&self, name: &str) -> Result<&'a Object> {
        self.required(name)?.as_object().ok_or_else(|| self.fail(format!("\"{name}\" must be an object")))
    }

    /// `{"en": …, "zh": …}`, both required.
    fn texts(&self, name: &str) -> Result<(String, String)> {
        let place = format!("{}.{name}", self.place);
        let members = Members::new(self.object(name)?, &place);
        members.only(&["en", "zh"])?;
        Ok((members.string("en")?, members.string("zh")?))
    }
}
