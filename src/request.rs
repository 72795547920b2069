//! The presentation request: what a verifier asks a holder to present.
//!
//! `{"nonce":…,"aud":…,"expires_at":…,"features":[…],"model":{"id","version","digest","vct"}}`,
//! with optional `alternatives` (`[{"features","model"}]`) for a verifier that scores more than
//! one feature schema (the demo merchant scores consumers and small-business sellers). The
//! holder discloses exactly the `features` of the entry whose every feature it can disclose
//! ([`PresentationRequest::features_for`]), binds the presentation to `nonce` and `aud`, and
//! nothing else. Unknown members are refused, so a misspelt member cannot widen what is shown.

use serde::{Deserialize, Serialize};

use crate::error::{bail, ErrorCode, Result};
use crate::json;
use crate::limits::{MAX_CLAIM_STRING, MAX_FEATURES, MAX_IDENTIFIER, MAX_POLICY_BYTES, MAX_TIMESTAMP};
use crate::model::SignedModel;
use crate::snapshot::model_features;

/// Which model a request's features are for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestedModel {
    /// The model's id.
    pub id: String,
    /// The model's version.
    pub version: String,
    /// The signed model's digest (`sha256:…`).
    pub digest: String,
    /// The feature schema it reads (a snapshot's `vct`).
    pub vct: String,
}

/// Another schema the verifier accepts, with the features its model reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// The features to disclose.
    pub features: Vec<String>,
    /// The model they are for.
    pub model: RequestedModel,
}

/// A verifier's presentation request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentationRequest {
    /// The single-use nonce the key binding must carry.
    pub nonce: String,
    /// The verifier's audience, which the key binding must carry.
    pub aud: String,
    /// When the nonce stops being accepted, seconds since the epoch.
    pub expires_at: i64,
    /// The features to disclose: exactly those the model reads.
    pub features: Vec<String>,
    /// The model they are for.
    pub model: RequestedModel,
    /// Other schemas the verifier accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
}

impl PresentationRequest {
    /// A request for one model, checked as [`PresentationRequest::parse`] checks.
    pub fn new(
        nonce: String,
        aud: String,
        expires_at: i64,
        features: Vec<String>,
        model: RequestedModel,
    ) -> Result<PresentationRequest> {
        let request = PresentationRequest { nonce, aud, expires_at, features, model, alternatives: Vec::new() };
        request.validate()?;
        Ok(request)
    }

    /// A request for the features `model` reads.
    pub fn for_model(model: &SignedModel, nonce: &str, aud: &str, expires_at: i64) -> Result<PresentationRequest> {
        let inner = model.model();
        PresentationRequest::new(
            nonce.to_owned(),
            aud.to_owned(),
            expires_at,
            model_features(inner).into_iter().map(str::to_owned).collect(),
            RequestedModel {
                id: inner.id().to_owned(),
                version: inner.version().to_owned(),
                digest: model.digest().to_owned(),
                vct: inner.schema().to_owned(),
            },
        )
    }

    /// Reads a request (JSON text): `ERR_CONFIG_INVALID` for anything but the members above
    /// with their types, non-empty strings, unique feature names.
    pub fn parse(input: &[u8]) -> Result<PresentationRequest> {
        if input.len() > MAX_POLICY_BYTES {
            bail!(TooLarge, "presentation request is larger than {MAX_POLICY_BYTES} bytes");
        }
        let value = json::parse(input).map_err(|e| e.context("presentation request"))?;
        let request: PresentationRequest = json::from_value(&value)
            .map_err(|e| e.into_error(ErrorCode::ConfigInvalid).context("presentation request"))?;
        request.validate()?;
        Ok(request)
    }

    fn validate(&self) -> Result<()> {
        for (name, text) in [("nonce", &self.nonce), ("aud", &self.aud)] {
            if text.is_empty() || text.len() > MAX_CLAIM_STRING {
                bail!(ConfigInvalid, "presentation request: \"{name}\" must be 1 to {MAX_CLAIM_STRING} bytes");
            }
        }
        if !(0..=MAX_TIMESTAMP).contains(&self.expires_at) {
            bail!(ConfigInvalid, "presentation request: \"expires_at\" must be whole seconds since the epoch");
        }
        let entries = std::iter::once((&self.features, &self.model))
            .chain(self.alternatives.iter().map(|alternative| (&alternative.features, &alternative.model)));
        for (features, model) in entries {
            if features.len() > MAX_FEATURES {
                bail!(ConfigInvalid, "presentation request: at most {MAX_FEATURES} features");
            }
            for (index, name) in features.iter().enumerate() {
                if name.is_empty() || name.len() > MAX_IDENTIFIER || features.iter().take(index).any(|n| n == name) {
                    bail!(
                        ConfigInvalid,
                        "presentation request: feature names are 1 to {MAX_IDENTIFIER} bytes, each once"
                    );
                }
            }
            for text in [&model.id, &model.version, &model.digest, &model.vct] {
                if text.is_empty() || text.len() > MAX_CLAIM_STRING {
                    bail!(ConfigInvalid, "presentation request: model members must be 1 to {MAX_CLAIM_STRING} bytes");
                }
            }
        }
        Ok(())
    }

    /// The features to disclose for a holder who can disclose `available`: those of the first
    /// entry (the request's own, then each alternative) whose every feature is available; when
    /// none fits, the request's own (the verifier will then refuse what is missing).
    pub fn features_for(&self, available: &[String]) -> &[String] {
        self.entry_for(available).0
    }

    /// The entry [`PresentationRequest::features_for`] chooses: its features and model.
    pub fn entry_for(&self, available: &[String]) -> (&[String], &RequestedModel) {
        std::iter::once((&self.features, &self.model))
            .chain(self.alternatives.iter().map(|alternative| (&alternative.features, &alternative.model)))
            .find(|(features, _)| features.iter().all(|name| available.contains(name)))
            .map_or((&self.features, &self.model), |(features, model)| (features, model))
    }

    /// The request as JSON text.
    pub fn to_json(&self) -> String {
        // Strings, integers and arrays of them: nothing here can fail to write.
        json::to_string(self).unwrap_or_default()
    }
}
