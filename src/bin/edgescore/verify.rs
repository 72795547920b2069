//! The verifier's inputs (issuer JWKS, signed models, options), `verify` and `verify-receipt`.

use std::path::{Path, PathBuf};

use clap::Args;
use edgescore::demo;
use edgescore::json::Object;
use edgescore::jwk::Jwks;
use edgescore::jws::TokenKind;
use edgescore::model::SignedModel;
use edgescore::receipt::{verify_receipt as verify_decision_receipt, ReceiptVerifyOptions};
use edgescore::snapshot::{self, VerifyOptions};
use edgescore::status::verify_status_list;

use crate::input::{self, CliResult};
use crate::inspect;
use crate::Output;

#[derive(Args)]
pub(crate) struct VerifierArgs {
    /// Issuer JWKS (default: the demo issuer's).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// The verifier's audience (merchant id).
    #[arg(long)]
    pub aud: Option<String>,
    /// Accepted issuer; repeat for several (default: any issuer in the JWKS).
    #[arg(long)]
    pub iss: Vec<String>,
    /// Current time in seconds since the epoch (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Clock leeway in seconds.
    #[arg(long, default_value_t = edgescore::snapshot::DEFAULT_LEEWAY_SECONDS)]
    pub leeway: u64,
    /// Oldest snapshot accepted, in seconds since `iat`; 0 for no limit beyond `exp`.
    #[arg(long, default_value_t = edgescore::snapshot::DEFAULT_MAX_AGE_SECONDS)]
    pub max_age: u64,
    /// Refuse snapshots that are not bound to a holder key.
    #[arg(long)]
    pub require_binding: bool,
    /// The nonce this verifier issued for the presentation's key binding.
    #[arg(long)]
    pub nonce: Option<String>,
    /// A status list token (file) to check snapshots' revocation status against; repeat for
    /// several lists.
    #[arg(long, value_name = "FILE")]
    pub status_list: Vec<PathBuf>,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// A presentation (SD-JWT: snapshot, disclosures, key-binding JWT), a signed model or a
    /// status list token (file or -).
    pub token: PathBuf,
    #[command(flatten)]
    pub verifier: VerifierArgs,
}

pub(crate) fn load_jwks(path: Option<&Path>) -> CliResult<Jwks> {
    Ok(match path {
        Some(path) => Jwks::parse(&input::read_bytes(path)?)?,
        None => demo::jwks()?,
    })
}

pub(crate) fn load_model(path: Option<&Path>, keys: &Jwks) -> CliResult<SignedModel> {
    Ok(match path {
        Some(path) => SignedModel::verify(&input::read_token(path)?, keys)?,
        None => demo::consumer_model()?,
    })
}

pub(crate) fn verify_options(args: &VerifierArgs) -> VerifyOptions {
    VerifyOptions {
        audience: args.aud.clone(),
        issuers: args.iss.clone(),
        leeway_seconds: args.leeway,
        max_age_seconds: (args.max_age > 0).then_some(args.max_age),
        require_holder_binding: args.require_binding,
        ..VerifyOptions::default()
    }
}

pub(crate) fn verify(args: VerifyArgs) -> CliResult<Output> {
    let token = input::read_token(&args.token)?;
    let keys = load_jwks(args.verifier.jwks.as_deref())?;
    if inspect::kind_without_verifying(&token) == Some(TokenKind::Model) {
        let model = SignedModel::verify(&token, &keys)?;
        let inner = model.model();
        return Ok(Output::Json(
            Object::new()
                .with("valid", true)
                .with("kind", "model")
                .with("kid", model.kid())
                .with("id", inner.id())
                .with("version", inner.version())
                .with("demo", inner.is_demo())
                .with("digest", model.digest())
                .with("schema", inner.schema())
                .with("characteristics", inner.characteristics().len() as i64),
        ));
    }
    let options = verify_options(&args.verifier);
    options.validate()?;
    let now = input::now_or(args.verifier.now);
    if inspect::kind_without_verifying(&token) == Some(TokenKind::StatusList) {
        let list = verify_status_list(&token, &keys, now, options.leeway_seconds as i64)?;
        let mut out = Object::new().with("valid", true).with("kind", "status list");
        for (name, value) in list.summary().into_members() {
            out.insert(name, value);
        }
        return Ok(Output::Json(out));
    }
    let verified = snapshot::verify_snapshot(&token, &keys, &options, now, args.verifier.nonce.as_deref())?;
    let mut out = Object::new()
        .with("valid", true)
        .with("kind", "snapshot")
        .with("kid", verified.kid())
        .with("iss", verified.issuer())
        .with("sub", verified.subject())
        .with("jti", verified.jti())
        .with("iat", verified.issued_at())
        .with("exp", verified.expires_at())
        .with("vct", verified.schema())
        .with("holder_bound", verified.is_holder_bound())
        .with("features", verified.features().clone());
    if let Some(reference) = verified.status() {
        let mut status = Object::new().with("idx", reference.index as i64).with("uri", reference.uri.as_str());
        for path in &args.verifier.status_list {
            let list = verify_status_list(&input::read_token(path)?, &keys, now, options.leeway_seconds as i64)?;
            if list.uri() == reference.uri {
                status.insert("status", list.status_of(reference)?.id());
            }
        }
        out.insert("status", status);
    }
    Ok(Output::Json(out))
}

#[derive(Args)]
pub(crate) struct VerifyReceiptArgs {
    /// A decision receipt (file or -).
    pub receipt: PathBuf,
    /// The merchant's JWKS (its receipt keys, current and retired).
    #[arg(long, value_name = "FILE")]
    pub jwks: PathBuf,
    /// The merchant the receipt must be from (its `iss`, the verifier's audience).
    #[arg(long)]
    pub iss: Option<String>,
    /// Current time in seconds since the epoch (default: now): a receipt issued later is refused.
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Clock leeway in seconds.
    #[arg(long, default_value_t = edgescore::snapshot::DEFAULT_LEEWAY_SECONDS)]
    pub leeway: u64,
}

/// `verify-receipt`: `{"valid":true,"kind":"receipt","kid":…,"receipt":{…}}`.
pub(crate) fn verify_receipt(args: VerifyReceiptArgs) -> CliResult<Output> {
    let token = input::read_token(&args.receipt)?;
    let keys = Jwks::parse(&input::read_bytes(&args.jwks)?)?;
    let options =
        ReceiptVerifyOptions { issuer: args.iss, now: Some(input::now_or(args.now)), leeway_seconds: args.leeway };
    let verified = verify_decision_receipt(&token, &keys, &options)?;
    let mut out = Object::new().with("valid", true).with("kind", "receipt");
    for (name, value) in Object::from(&verified).into_members() {
        out.insert(name, value);
    }
    Ok(Output::Json(out))
}
