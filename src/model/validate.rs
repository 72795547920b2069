//! Every rule of the model format, in one function: [`ModelSpec`] → [`Model`]. Documents and
//! lifecycle code both come through here, so nothing can build a model the verifier would
//! refuse.
//!
//! With the `terse-model-errors` feature every `ERR_MODEL_INVALID` carries one fixed message
//! ([`TERSE_MESSAGE`]) and the detailed messages are left out of the build: the WebAssembly
//! package uses it to stay small, since models are validated with the detailed messages when
//! they are signed (`edgescore sign-model`, `edgescore verify`).

use super::spec::{CharacteristicSpec, ModelSpec, ScoreSpec, Texts};
use super::MODEL_FORMAT_VERSIONS;
use super::{Band, Bands, Bin, Characteristic, FeatureSpec, FeatureType, Model, Points, Predicate, ReasonText, Scalar};
use crate::error::truncate;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{
    MAX_BANDS, MAX_BINS, MAX_CHARACTERISTICS, MAX_FEATURES, MAX_IDENTIFIER, MAX_MODEL_TEXT, MAX_POINTS,
    MAX_REASON_CODE, MAX_VALUE_SET,
};

/// The one message of every `ERR_MODEL_INVALID` with the `terse-model-errors` feature.
pub const TERSE_MESSAGE: &str = "the model is not valid (edgescore verify on the signed model says why)";

/// An `ERR_MODEL_INVALID` error; with `terse-model-errors`, [`TERSE_MESSAGE`] and no formatting.
macro_rules! invalid {
    ($($fmt:tt)+) => {{
        #[cfg(feature = "terse-model-errors")]
        {
            // Never called: keeps the arguments used without building the message.
            let _unused = || format!($($fmt)+);
            $crate::error::Error::new($crate::error::ErrorCode::ModelInvalid, $crate::model::TERSE_MESSAGE)
        }
        #[cfg(not(feature = "terse-model-errors"))]
        {
            $crate::error::Error::with_message($crate::error::ErrorCode::ModelInvalid, format!($($fmt)+))
        }
    }};
}
pub(super) use invalid;

/// Returns early with [`invalid!`].
macro_rules! refuse {
    ($($fmt:tt)+) => {
        return Err(invalid!($($fmt)+))
    };
}

impl TryFrom<ModelSpec> for Model {
    type Error = Error;

    /// Checks every rule of the format (`ERR_MODEL_INVALID`, or `ERR_UNSUPPORTED_VERSION` for
    /// another `format_version`) and resolves references.
    fn try_from(spec: ModelSpec) -> Result<Model> {
        if !MODEL_FORMAT_VERSIONS.contains(&spec.format_version) {
            return Err(Error::with_message(
                ErrorCode::UnsupportedVersion,
                format!("format_version {} is not supported (this build reads 1 and 2)", spec.format_version),
            ));
        }
        let version = Version(spec.format_version);
        identifier(&spec.id, "id")?;
        text(&spec.version, "version")?;
        text(&spec.schema, "schema")?;
        check_features(&spec.features, version)?;
        let ScoreSpec { min: score_min, max: score_max, initial: initial_score } = spec.score;
        for (value, name) in [(score_min, "score.min"), (score_max, "score.max"), (initial_score, "score.initial")] {
            version.points(value, name)?;
        }
        if score_min >= score_max {
            refuse!("score min must be below score max");
        }
        if let Some(baseline) = spec.baseline_score {
            version.points(baseline, "baseline_score")?;
        }
        if !spec.reason_codes && !version.is_2() {
            refuse!("\"reason_codes\": false needs format_version 2");
        }
        let bands = check_bands(spec.bands, score_min, score_max, version)?;
        for reason in &spec.reasons {
            check_reason(reason)?;
        }
        if spec.characteristics.is_empty() || spec.characteristics.len() > MAX_CHARACTERISTICS {
            refuse!("a model has 1 to {MAX_CHARACTERISTICS} characteristics");
        }
        let mut characteristics: Vec<Characteristic> = Vec::with_capacity(spec.characteristics.len());
        for (index, entry) in spec.characteristics.into_iter().enumerate() {
            let characteristic =
                check_characteristic(entry, &spec.features, spec.baseline_score, spec.reason_codes, version)
                    .map_err(|e| e.context(&format!("characteristics[{index}]")))?;
            if characteristics.iter().any(|c| c.id == characteristic.id) {
                refuse!("two characteristics have id \"{}\"", characteristic.id);
            }
            if let Some(code) = characteristic.reason_codes().find(|code| !spec.reasons.iter().any(|r| r.code == *code))
            {
                refuse!("reason code \"{code}\" has no text in \"reasons\"");
            }
            characteristics.push(characteristic);
        }
        Ok(Model {
            format_version: spec.format_version,
            id: spec.id,
            version: spec.version,
            demo: spec.demo,
            title: spec.title,
            description: spec.description,
            issuer: spec.issuer,
            schema: spec.schema,
            features: spec.features,
            score_min,
            score_max,
            initial_score,
            reason_codes: spec.reason_codes,
            reason_algorithm: spec.reason_algorithm,
            bands,
            characteristics,
            reasons: spec.reasons,
        })
    }
}

impl Model {
    /// The model as a plain spec: `Model::try_from(model.to_spec())` gives the model back.
    pub fn to_spec(&self) -> ModelSpec {
        ModelSpec {
            format_version: self.format_version,
            id: self.id.clone(),
            version: self.version.clone(),
            demo: self.demo,
            title: self.title.clone(),
            description: self.description.clone(),
            issuer: self.issuer.clone(),
            schema: self.schema.clone(),
            score: ScoreSpec { min: self.score_min, max: self.score_max, initial: self.initial_score },
            reason_codes: self.reason_codes,
            reason_algorithm: self.reason_algorithm,
            // Every characteristic carries its resolved baseline.
            baseline_score: None,
            features: self.features.clone(),
            bands: self.bands().cloned().collect(),
            characteristics: self
                .characteristics
                .iter()
                .map(|c| CharacteristicSpec {
                    id: c.id.clone(),
                    feature: self.features.get(c.feature).map(|f| f.name.clone()).unwrap_or_default(),
                    dimension: c.dimension,
                    reason_code: c.reason_code.clone(),
                    baseline: c.baseline,
                    label: c.label.clone(),
                    bins: c.bins.clone(),
                })
                .collect(),
            reasons: self.reasons.clone(),
        }
    }
}

fn text(value: &str, name: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_MODEL_TEXT {
        refuse!("\"{name}\" must be a string of 1 to {MAX_MODEL_TEXT} bytes");
    }
    Ok(())
}

fn identifier(value: &str, name: &str) -> Result<()> {
    text(value, name)?;
    let ok = value.len() <= MAX_IDENTIFIER
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.'));
    if !ok {
        refuse!("\"{name}\" must be at most {MAX_IDENTIFIER} of a-z, 0-9, '_', '-', '.'");
    }
    Ok(())
}

/// The rules that differ between format versions.
#[derive(Clone, Copy)]
struct Version(u32);

impl Version {
    fn is_2(self) -> bool {
        self.0 >= 2
    }

    /// Points within ±[`MAX_POINTS`]; whole numbers in `format_version` 1.
    fn points(self, value: Points, name: &str) -> Result<()> {
        if value.whole_magnitude() > MAX_POINTS || (value.whole_magnitude() == MAX_POINTS && !value.is_whole()) {
            refuse!("\"{name}\" must be within ±{MAX_POINTS}");
        }
        if !self.is_2() && !value.is_whole() {
            refuse!("\"{name}\" must be a whole number in format_version 1 (decimals need format_version 2)");
        }
        Ok(())
    }

    fn needs_2(self, what: &str) -> Result<()> {
        if !self.is_2() {
            refuse!("{what} needs format_version 2");
        }
        Ok(())
    }
}

fn texts(value: &Texts, name: &str) -> Result<()> {
    text(&value.en, &format!("{name}.en"))?;
    text(&value.zh, &format!("{name}.zh"))
}

fn reason_code(code: &str) -> Result<()> {
    if code.is_empty()
        || code.len() > MAX_REASON_CODE
        || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        refuse!(
            "reason code \"{}\" must be 1 to {MAX_REASON_CODE} letters, digits, '_', '-' or '.'",
            truncate(code, 40)
        );
    }
    Ok(())
}

fn check_reason(reason: &ReasonText) -> Result<()> {
    reason_code(&reason.code)?;
    let place = format!("reasons.{}", reason.code);
    text(&reason.en, &format!("{place}.en"))?;
    text(&reason.zh, &format!("{place}.zh"))
}

fn check_features(features: &[FeatureSpec], version: Version) -> Result<()> {
    if features.is_empty() || features.len() > MAX_FEATURES {
        refuse!("the schema has 1 to {MAX_FEATURES} features");
    }
    for (index, spec) in features.iter().enumerate() {
        let place = format!("features[{index}]");
        identifier(&spec.name, &format!("{place}.name"))?;
        if let Some(source) = &spec.source {
            version.needs_2(&format!("{place}.source"))?;
            text(source, &format!("{place}.source"))?;
        }
        if (spec.min.is_some() || spec.max.is_some()) && !spec.kind.is_numeric() {
            refuse!("{place}: min and max are for numeric features");
        }
        if let (Some(min), Some(max)) = (&spec.min, &spec.max) {
            if min > max {
                refuse!("{place}: min is above max");
            }
        }
        if features.iter().take(index).any(|earlier| earlier.name == spec.name) {
            refuse!("two features are named \"{}\"", spec.name);
        }
    }
    Ok(())
}

fn check_bands(bands: Vec<Band>, score_min: Points, score_max: Points, version: Version) -> Result<Bands> {
    if bands.is_empty() || bands.len() > MAX_BANDS {
        refuse!("a model has 1 to {MAX_BANDS} bands");
    }
    for (index, band) in bands.iter().enumerate() {
        let place = format!("bands[{index}]");
        identifier(&band.id, &format!("{place}.id"))?;
        version.points(band.min, &format!("{place}.min"))?;
        text(&band.label_en, &format!("{place}.label.en"))?;
        text(&band.label_zh, &format!("{place}.label.zh"))?;
        match index.checked_sub(1).and_then(|previous| bands.get(previous)) {
            None if band.min != score_min => refuse!("the first band must start at the score min"),
            Some(previous) if band.min <= previous.min => refuse!("band minimums must ascend"),
            _ => {}
        }
        if band.min > score_max {
            refuse!("{place} starts above the score max");
        }
        if bands.iter().take(index).any(|earlier| earlier.id == band.id) {
            refuse!("two bands have id \"{}\"", band.id);
        }
    }
    let mut bands = bands.into_iter();
    match bands.next() {
        Some(lowest) => Ok(Bands { lowest, higher: bands.collect() }),
        None => refuse!("a model has 1 to {MAX_BANDS} bands"),
    }
}

fn check_characteristic(
    spec: CharacteristicSpec,
    features: &[FeatureSpec],
    default_baseline: Option<Points>,
    reason_codes: bool,
    version: Version,
) -> Result<Characteristic> {
    identifier(&spec.id, "id")?;
    let Some(feature) = features.iter().position(|f| f.name == spec.feature) else {
        refuse!("feature \"{}\" is not in the schema", truncate(&spec.feature, 64));
    };
    let Some(feature_spec) = features.get(feature) else {
        refuse!("feature \"{}\" is not in the schema", spec.feature)
    };
    if let Some(code) = &spec.reason_code {
        reason_code(code)?;
    }
    let baseline = spec.baseline.or(default_baseline);
    if let Some(baseline) = baseline {
        version.points(baseline, "baseline")?;
    }
    if let Some(label) = &spec.label {
        texts(label, "label")?;
    }
    if spec.bins.is_empty() || spec.bins.len() > MAX_BINS {
        refuse!("a characteristic has 1 to {MAX_BINS} bins");
    }
    for (index, bin) in spec.bins.iter().enumerate() {
        check_bin(bin, feature_spec, version).map_err(|e| e.context(&format!("bins[{index}]")))?;
    }
    if reason_codes {
        if spec.reason_code.is_none() {
            version.needs_2("a characteristic without \"reason_code\"")?;
            if spec.bins.iter().any(|bin| bin.reason_code.is_none()) {
                refuse!("no \"reason_code\", and not every bin names its own");
            }
        }
        if baseline.is_none() {
            refuse!("no \"baseline\" and no model \"baseline_score\"");
        }
    } else if spec.reason_code.is_some() || spec.bins.iter().any(|bin| bin.reason_code.is_some()) {
        refuse!("a model with \"reason_codes\": false names no reason codes");
    }
    let min_points = spec.bins.iter().map(|b| b.points).min().unwrap_or_default();
    let max_points = spec.bins.iter().map(|b| b.points).max().unwrap_or_default();
    Ok(Characteristic {
        id: spec.id,
        feature,
        dimension: spec.dimension,
        reason_code: spec.reason_code,
        baseline,
        label: spec.label,
        bins: spec.bins,
        min_points,
        max_points,
    })
}

fn check_bin(bin: &Bin, feature: &FeatureSpec, version: Version) -> Result<()> {
    version.points(bin.points, "points")?;
    if let Some(code) = &bin.reason_code {
        reason_code(code)?;
    }
    match &bin.predicate {
        Predicate::Missing | Predicate::Else => {}
        Predicate::Present => version.needs_2("\"present\"")?,
        Predicate::Range { lower, upper } => {
            if !feature.kind.is_numeric() {
                refuse!("a range needs a numeric feature, \"{}\" is {}", feature.name, feature.kind.name());
            }
            match (lower, upper) {
                (None, None) => refuse!("a range has a lower or an upper end"),
                (Some(lower), Some(upper))
                    if lower.value > upper.value
                        || (lower.value == upper.value && !(lower.inclusive && upper.inclusive)) =>
                {
                    refuse!("the range is empty")
                }
                _ => {}
            }
        }
        Predicate::In(values) | Predicate::NotIn(values) => {
            if values.is_empty() || values.len() > MAX_VALUE_SET {
                refuse!("a value set has 1 to {MAX_VALUE_SET} values");
            }
            for value in values {
                let fits = matches!(
                    (feature.kind, value),
                    (FeatureType::Category, Scalar::Text(_))
                        | (FeatureType::Boolean, Scalar::Bool(_))
                        | (FeatureType::Number | FeatureType::Integer, Scalar::Number(_))
                );
                if !fits {
                    refuse!("value {value:?} does not fit {} feature \"{}\"", feature.kind.name(), feature.name);
                }
            }
        }
    }
    Ok(())
}
