//! The verifier's whole job in one call: verify a presentation (an SD-JWT snapshot with its
//! key binding), check its revocation status, score it, apply the merchant's policy, and
//! disclose only what was asked for.
//!
//! A [`Scorer`] is built once from the issuer JWKS, a signed model, a policy and
//! [`VerifyOptions`], and holds the status lists it is given ([`Scorer::add_status_list`]);
//! [`Scorer::score`] then takes a presentation and a [`ScoreRequest`] (with `now`, since the
//! core reads no clock). The result's JSON form ([`ScoreResult::to_json`]) is the same from the
//! CLI, from Rust and from JavaScript.
//!
//! In order: the snapshot is verified ([`verify_snapshot_cached`]); its status is checked
//! against the status list it names (revoked: `ERR_REVOKED`, suspended: `ERR_SUSPENDED`; no
//! current list: the policy's `status.unavailable`, refuse or `refer`); the model must read its
//! schema and every feature it reads must have been disclosed
//! ([`VerifiedSnapshot::for_model`]); then it is scored and decided.

use crate::ed25519::KeyCache;
use crate::error::{bail, ClaimReason, Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

use crate::json::{self, Object, Value};
use crate::jwk::Jwks;
use crate::limits::MAX_STATUS_LISTS;
use crate::model::{Dimension, Points, ReasonText, SignedModel};
use crate::policy::{Decision, OrderContext, Outcome, Policy, WhenUnavailable};
use crate::receipt::{no_merchant, ReceiptClaims, ReceiptKey, ReceiptRequest};
use crate::request::PresentationRequest;
use crate::scorecard::{score_snapshot, Reason};
use crate::snapshot::{model_features, verify_snapshot_cached, VerifiedSnapshot, VerifyOptions};
use crate::status::{verify_status_list, Status, VerifiedStatusList};

/// How much of the result to disclose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// Band, decision, model id and digest: what a merchant needs.
    #[default]
    Band,
    /// Also the score, dimension sub-scores and the top reasons with texts: for the holder
    /// themself or an explicit request.
    Full,
}

impl Disclosure {
    /// `band` or `full`.
    pub fn parse(name: &str) -> Result<Disclosure> {
        match name {
            "band" => Ok(Disclosure::Band),
            "full" => Ok(Disclosure::Full),
            _ => bail!(ConfigInvalid, "disclose must be \"band\" or \"full\""),
        }
    }

    /// The identifier.
    pub const fn id(self) -> &'static str {
        match self {
            Disclosure::Band => "band",
            Disclosure::Full => "full",
        }
    }
}

/// One scoring request.
#[derive(Clone, Debug, Default)]
pub struct ScoreRequest<'a> {
    /// The current time, seconds since the epoch.
    pub now: i64,
    /// The nonce the verifier issued for this presentation's key binding.
    pub nonce: Option<&'a str>,
    /// The order being decided.
    pub context: OrderContext,
    /// What to disclose.
    pub disclose: Disclosure,
}

/// A verifier: issuer keys, a signed model, a policy and verification options.
#[derive(Clone, Debug)]
pub struct Scorer {
    keys: Jwks,
    model: SignedModel,
    policy: Policy,
    options: VerifyOptions,
    holder_keys: KeyCache,
    status_lists: Vec<VerifiedStatusList>,
}

impl Scorer {
    /// Builds a scorer. The audience comes from `options` or, failing that, from the policy
    /// (both set and different is `ERR_CONFIG_INVALID`); every band the policy names must be a
    /// band of the model (`ERR_POLICY_INVALID`).
    pub fn new(keys: Jwks, model: SignedModel, policy: Policy, mut options: VerifyOptions) -> Result<Scorer> {
        match (&options.audience, &policy.audience) {
            (Some(configured), Some(from_policy)) if configured != from_policy => {
                bail!(ConfigInvalid, "audience \"{configured}\" differs from the policy's \"{from_policy}\"")
            }
            (None, Some(from_policy)) => options.audience = Some(from_policy.clone()),
            _ => {}
        }
        options.validate()?;
        if let Some(unknown) = policy.band_ids().find(|id| !model.model().bands().any(|band| band.id == *id)) {
            bail!(
                PolicyInvalid,
                "policy names band \"{unknown}\", which model \"{}\" does not have",
                model.model().id()
            );
        }
        Ok(Scorer { keys, model, policy, options, holder_keys: KeyCache::default(), status_lists: Vec::new() })
    }

    /// Verifies a status list token with the issuer keys at `now` and holds it, replacing the
    /// list held for the same URI unless that one is newer (a token issued earlier than the one
    /// held is refused with `ERR_STATUS_LIST_INVALID`, so a stale copy cannot roll back a
    /// revocation). At most [`MAX_STATUS_LISTS`] lists are held.
    pub fn add_status_list(&mut self, token: &str, now: i64) -> Result<&VerifiedStatusList> {
        let list = verify_status_list(token, &self.keys, now, self.options.leeway_seconds as i64)?;
        let index = match self.status_lists.iter().position(|held| held.uri() == list.uri()) {
            Some(index) => {
                if self.status_lists.get(index).is_some_and(|held| held.issued_at() > list.issued_at()) {
                    bail!(
                        StatusListInvalid,
                        "status list for {} is older than the one held (iat {})",
                        list.uri(),
                        list.issued_at()
                    );
                }
                if let Some(slot) = self.status_lists.get_mut(index) {
                    *slot = list;
                }
                index
            }
            None => {
                if self.status_lists.len() >= MAX_STATUS_LISTS {
                    bail!(TooLarge, "a scorer holds at most {MAX_STATUS_LISTS} status lists");
                }
                self.status_lists.push(list);
                self.status_lists.len() - 1
            }
        };
        self.status_lists
            .get(index)
            .ok_or_else(|| crate::Error::new(crate::ErrorCode::StatusListInvalid, "status list"))
    }

    /// The status lists held.
    pub fn status_lists(&self) -> &[VerifiedStatusList] {
        &self.status_lists
    }

    /// The features the model reads: what a presentation must disclose.
    pub fn requested_features(&self) -> Vec<String> {
        model_features(self.model.model()).into_iter().map(str::to_owned).collect()
    }

    /// What this verifier asks a holder for: its nonce, audience and deadline, the features
    /// its model reads and which model that is. `ERR_CONFIG_INVALID` without an audience.
    pub fn presentation_request(&self, nonce: &str, expires_at: i64) -> Result<PresentationRequest> {
        let Some(audience) = self.options.audience.as_deref() else {
            bail!(ConfigInvalid, "a presentation request needs the verifier's audience");
        };
        PresentationRequest::for_model(&self.model, nonce, audience, expires_at)
    }

    /// The status of a verified snapshot: `None` when it carries no status reference (refused
    /// with `ERR_STATUS_INVALID` when the policy requires one),
    /// `Some(true)` when its list says valid, `Some(false)` when no current list is held and
    /// the policy refers; revoked, suspended and unavailable-and-refused are errors.
    fn check_status(&self, snapshot: &VerifiedSnapshot, now: i64) -> Result<Option<bool>> {
        let Some(reference) = snapshot.status() else {
            if self.policy.status.required {
                return Err(Error::new(
                    ErrorCode::StatusInvalid,
                    "the snapshot has no status reference and the policy requires one (status.required)",
                )
                .about("status", ClaimReason::Missing));
            }
            return Ok(None);
        };
        let leeway = self.options.leeway_seconds as i64;
        let current = self.status_lists.iter().find(|list| {
            list.serves(&reference.uri, snapshot.issuer())
                && list.is_current(now, leeway, self.policy.status.max_age_seconds)
        });
        match current {
            Some(list) => match list.status_of(reference).map_err(|e| e.about("status", ClaimReason::Invalid))? {
                Status::Valid => Ok(Some(true)),
                Status::Invalid => Err(Error::new(ErrorCode::Revoked, "the issuer has revoked this snapshot")
                    .about("status", ClaimReason::CheckFailed)),
                Status::Suspended => Err(Error::new(ErrorCode::Suspended, "the issuer has suspended this snapshot")
                    .about("status", ClaimReason::CheckFailed)),
            },
            None => match self.policy.status.unavailable {
                WhenUnavailable::Refer => Ok(Some(false)),
                WhenUnavailable::Refuse => Err(Error::with_message(
                    ErrorCode::StatusUnavailable,
                    format!(
                        "no current status list for {}: the snapshot's revocation status cannot be checked",
                        crate::error::truncate(&reference.uri, 80)
                    ),
                )
                .about("status", ClaimReason::CheckFailed)),
            },
        }
    }

    /// The signed model in use.
    pub fn model(&self) -> &SignedModel {
        &self.model
    }

    /// The policy in use.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The verification options in use (with the audience resolved).
    pub fn options(&self) -> &VerifyOptions {
        &self.options
    }

    /// Verifies, checks the status, scores and decides. Holder keys are remembered (see
    /// [`KeyCache`]), so a person presenting again skips their key's checks.
    pub fn score(&self, presentation: &str, request: &ScoreRequest<'_>) -> Result<ScoreResult> {
        let verified = verify_snapshot_cached(
            presentation,
            &self.keys,
            &self.options,
            request.now,
            request.nonce,
            Some(&self.holder_keys),
        )?;
        let status = self.check_status(&verified, request.now)?;
        let claims = VerifiedClaims::of(&verified);
        let model = self.model.model();
        let verified = verified.for_model(model)?;
        let outcome = score_snapshot(model, &verified)?;
        let band = model.band_for(outcome.score).clone();
        let decision = match status {
            Some(false) => Decision {
                outcome: Outcome::Refer,
                rule: "status-unavailable".to_owned(),
                deposit: None,
                deposit_percent: None,
            },
            _ => self.policy.decide(&band.id, verified.age_seconds(), &request.context)?,
        };
        let full = match request.disclose {
            Disclosure::Band => None,
            Disclosure::Full => Some(FullDetails {
                score: outcome.score,
                score_min: model.score_min(),
                score_max: model.score_max(),
                band_label_en: band.label_en.clone(),
                band_label_zh: band.label_zh.clone(),
                dimensions: outcome.dimensions,
                reasons: outcome
                    .reasons
                    .into_iter()
                    .map(|reason| {
                        let text = model.reason_text(&reason.code).cloned();
                        (reason, text)
                    })
                    .collect(),
                issued_at: verified.issued_at(),
                expires_at: verified.expires_at(),
                holder_bound: verified.is_holder_bound(),
            }),
        };
        Ok(ScoreResult {
            claims,
            band: band.id,
            decision,
            status: status.map(|valid| if valid { "valid" } else { "unavailable" }),
            model_id: model.id().to_owned(),
            model_version: model.version().to_owned(),
            model_digest: self.model.digest().to_owned(),
            model_demo: model.is_demo(),
            full,
        })
    }

    /// As [`Scorer::score`], and a receipt of the decision signed with the merchant's `key`
    /// (see [`crate::receipt`]): the merchant is this verifier's audience (the first, when it
    /// has several), the time `request.now`. A refused presentation gets no receipt: there is
    /// no decision to record.
    pub fn score_with_receipt(
        &self,
        presentation: &str,
        request: &ScoreRequest<'_>,
        key: &ReceiptKey,
        receipt: ReceiptRequest<'_>,
    ) -> Result<(ScoreResult, String)> {
        let Some(merchant) = self.options.audience.as_deref() else { return Err(no_merchant()) };
        let result = self.score(presentation, request)?;
        let claims = ReceiptClaims::for_decision(&result, merchant, receipt, request.now, &request.context);
        let token = key.sign(&claims)?;
        Ok((result, token))
    }
}

/// What a full disclosure adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullDetails {
    /// The score, exact at the model's scale.
    pub score: Points,
    /// The model's lowest score.
    pub score_min: Points,
    /// The model's highest score.
    pub score_max: Points,
    /// The band's English label.
    pub band_label_en: String,
    /// The band's Simplified Chinese label.
    pub band_label_zh: String,
    /// Sub-scores 0–100 in [`Dimension::ALL`] order.
    pub dimensions: [Option<u8>; 5],
    /// Top reasons with their texts, ranked as PMML does (codes with zero points included; a
    /// user interface may leave those out, since they did not lower the score).
    pub reasons: Vec<(Reason, Option<ReasonText>)>,
    /// Snapshot `iat`.
    pub issued_at: i64,
    /// Snapshot `exp`.
    pub expires_at: i64,
    /// Whether a holder binding was verified.
    pub holder_bound: bool,
}

/// The snapshot's verified claims, in every result whatever the disclosure: what a merchant
/// keeps for audit and replay tracking (it holds the presentation anyway).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifiedClaims {
    /// `iss`.
    pub iss: String,
    /// `sub` (pseudonymous).
    pub sub: String,
    /// `jti`, when the issuer wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// `iat`.
    pub iat: i64,
    /// `exp`.
    pub exp: i64,
    /// The holder key, for a bound snapshot, as its RFC 7638 thumbprint: `{"jkt": …}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Thumbprint>,
}

/// A confirmation by JWK SHA-256 thumbprint (`jkt`, as RFC 9449 writes it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Thumbprint {
    /// The base64url SHA-256 thumbprint (RFC 7638) of the holder's public key.
    pub jkt: String,
}

impl VerifiedClaims {
    fn of(snapshot: &VerifiedSnapshot) -> VerifiedClaims {
        VerifiedClaims {
            iss: snapshot.issuer().to_owned(),
            sub: snapshot.subject().to_owned(),
            jti: snapshot.jti().map(str::to_owned),
            iat: snapshot.issued_at(),
            exp: snapshot.expires_at(),
            cnf: snapshot.holder_key().map(|key| Thumbprint { jkt: crate::jwk::thumbprint(key) }),
        }
    }
}

/// The result of [`Scorer::score`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreResult {
    /// The snapshot's verified claims.
    pub claims: VerifiedClaims,
    /// The band id.
    pub band: String,
    /// The policy decision.
    pub decision: Decision,
    /// For a snapshot with a status reference: `valid` (its status list says so) or
    /// `unavailable` (no current list; the policy referred).
    pub status: Option<&'static str>,
    /// Model id.
    pub model_id: String,
    /// Model version.
    pub model_version: String,
    /// Model digest (`sha256:…`).
    pub model_digest: String,
    /// Whether the model is demo material.
    pub model_demo: bool,
    /// Present for [`Disclosure::Full`].
    pub full: Option<FullDetails>,
}

impl ScoreResult {
    /// The result as a JSON object (the contract shared by the CLI and the JS package).
    pub fn to_object(&self) -> Object {
        match json::to_value(self) {
            Ok(Value::Object(object)) => object,
            // Every member is a string, an integer or a boolean: nothing here can fail to write.
            _ => Object::new(),
        }
    }

    /// The result as compact JSON (written directly, members in the contract's order).
    pub fn to_json(&self) -> String {
        // Every member is a string, an integer or a boolean: nothing here can fail to write.
        json::to_string(self).unwrap_or_default()
    }
}

/// The result's JSON form: members in this order, `deposit_percent` only for a reduced
/// deposit, the full members only for [`Disclosure::Full`].
impl Serialize for ScoreResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let full = self.full.as_ref().map(|full| FullView {
            score: full.score,
            score_range: [full.score_min, full.score_max],
            band_label: TextsView { en: &full.band_label_en, zh: &full.band_label_zh },
            dimensions: DimensionsView(&full.dimensions),
            reasons: full
                .reasons
                .iter()
                .map(|(reason, text)| ReasonView {
                    code: &reason.code,
                    points: reason.points,
                    text: text.as_ref().map(|text| TextsView { en: &text.en, zh: &text.zh }),
                })
                .collect(),
            snapshot: SnapshotView {
                issued_at: full.issued_at,
                expires_at: full.expires_at,
                holder_bound: full.holder_bound,
            },
        });
        ResultView {
            band: &self.band,
            decision: self.decision.outcome,
            rule: &self.decision.rule,
            deposit: self.decision.deposit,
            deposit_percent: match self.decision.outcome {
                Outcome::ReducedDeposit => Some(self.decision.deposit_percent),
                _ => None,
            },
            status: self.status,
            model: ModelView {
                id: &self.model_id,
                version: &self.model_version,
                digest: &self.model_digest,
                demo: self.model_demo,
            },
            disclosure: if full.is_some() { Disclosure::Full } else { Disclosure::Band },
            claims: &self.claims,
            full,
        }
        .serialize(serializer)
    }
}

#[derive(Serialize)]
struct ResultView<'a> {
    band: &'a str,
    decision: Outcome,
    rule: &'a str,
    deposit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deposit_percent: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    model: ModelView<'a>,
    disclosure: Disclosure,
    claims: &'a VerifiedClaims,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    full: Option<FullView<'a>>,
}

#[derive(Serialize)]
struct ModelView<'a> {
    id: &'a str,
    version: &'a str,
    digest: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    demo: bool,
}

#[derive(Serialize)]
struct FullView<'a> {
    score: Points,
    score_range: [Points; 2],
    band_label: TextsView<'a>,
    dimensions: DimensionsView<'a>,
    reasons: Vec<ReasonView<'a>>,
    snapshot: SnapshotView,
}

#[derive(Serialize)]
struct TextsView<'a> {
    en: &'a str,
    zh: &'a str,
}

#[derive(Serialize)]
struct ReasonView<'a> {
    code: &'a str,
    points: Points,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<TextsView<'a>>,
}

#[derive(Serialize)]
struct SnapshotView {
    issued_at: i64,
    expires_at: i64,
    holder_bound: bool,
}

/// Sub-scores keyed by dimension id, in [`Dimension::ALL`] order (`null` where the model has
/// none).
struct DimensionsView<'a>(&'a [Option<u8>; 5]);

impl Serialize for DimensionsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(Dimension::ALL.iter().map(|d| d.id()).zip(self.0.iter()))
    }
}
