//! The commands that make a token: `issue` (a snapshot), `sign-model` and `present` (a
//! key-binding JWS).

use std::path::{Path, PathBuf};

use clap::Args;
use edgescore::issue::{self, SnapshotClaims};
use edgescore::json::{self, Object};
use edgescore::jwk::PrivateJwk;

use crate::input::{self, usage, CliResult};
use crate::keys::{read_holder_public, signing_issuer, SigningKeyArgs};
use crate::verify::{load_jwks, load_model};
use crate::Output;

#[derive(Args)]
pub(crate) struct IssueArgs {
    /// Features JSON object (file or - for stdin).
    pub features: PathBuf,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
    /// `iss` (default with --demo-key: the demo issuer).
    #[arg(long)]
    pub iss: Option<String>,
    /// `sub`, the person's pseudonymous id.
    #[arg(long)]
    pub sub: String,
    /// `jti` (default: random).
    #[arg(long)]
    pub jti: Option<String>,
    /// The holder's key (public or private JWK), written as `cnf.jwk`.
    #[arg(long, value_name = "FILE")]
    pub holder: Option<PathBuf>,
    /// `aud`; repeat for several.
    #[arg(long)]
    pub aud: Vec<String>,
    /// Lifetime: seconds, or with a unit (90m, 12h, 30d).
    #[arg(long, default_value = "30d")]
    pub lifetime: String,
    /// Feature-schema id (default: the model's).
    #[arg(long)]
    pub schema: Option<String>,
    /// Signed model to check the features against (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// JWKS that verifies --model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// `iat` in seconds since the epoch (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Write the token here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct SignModelArgs {
    /// Model JSON (file or -).
    pub model: PathBuf,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
    /// Write the signed model here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct PresentArgs {
    /// The snapshot (file or -).
    pub snapshot: PathBuf,
    /// The holder's private JWK.
    #[arg(long, value_name = "FILE")]
    pub holder: PathBuf,
    /// The verifier's nonce.
    #[arg(long)]
    pub nonce: String,
    /// The verifier's audience.
    #[arg(long)]
    pub aud: String,
    /// `iat` (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Write the token here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(crate) fn issue(args: IssueArgs) -> CliResult<Output> {
    let issuer = signing_issuer(&args.signing)?;
    let features = json::parse_object(&input::read_bytes(&args.features)?).map_err(|e| e.context("features"))?;
    let keys = load_jwks(args.jwks.as_deref())?;
    let model = load_model(args.model.as_deref(), &keys)?;
    let schema = args.schema.clone().unwrap_or_else(|| model.model().schema().to_owned());
    if schema == model.model().schema() {
        model.model().score_features(&features).map_err(|e| e.context("features"))?;
    } else if args.model.is_some() {
        return Err(usage(format!("--schema {schema:?} is not the schema of --model ({:?})", model.model().schema())));
    }
    let iss = args.signing.issuer_name(args.iss.as_deref())?;
    let now = input::now_or(args.now);
    let lifetime = parse_duration(&args.lifetime)?;
    let claims = SnapshotClaims {
        issuer: iss,
        subject: args.sub,
        jti: match args.jti {
            Some(jti) => jti,
            None => input::random_id()?,
        },
        issued_at: now,
        not_before: None,
        expires_at: now.saturating_add(lifetime),
        audience: args.aud,
        schema,
        features,
        holder: args.holder.as_deref().map(read_holder_public).transpose()?,
    };
    emit_token(issuer.issue(&claims)?, args.out.as_deref())
}

pub(crate) fn sign_model(args: SignModelArgs) -> CliResult<Output> {
    let issuer = signing_issuer(&args.signing)?;
    let token = issuer.sign_model(&input::read_bytes(&args.model)?)?;
    emit_token(token, args.out.as_deref())
}

pub(crate) fn present(args: PresentArgs) -> CliResult<Output> {
    let snapshot = input::read_token(&args.snapshot)?;
    let holder = PrivateJwk::parse(&input::read_bytes(&args.holder)?)?;
    let now = input::now_or(args.now);
    let token = issue::present(&snapshot, &holder.secret, &args.nonce, &args.aud, now)?;
    emit_token(token, args.out.as_deref())
}

fn emit_token(token: String, out: Option<&Path>) -> CliResult<Output> {
    match out {
        Some(path) => {
            input::write_new(path, &(token + "\n"), true)?;
            Ok(Output::Json(Object::new().with("written", path.display().to_string())))
        }
        None => Ok(Output::Text(token)),
    }
}

/// Parses `3600`, `90m`, `12h`, `30d`.
pub(crate) fn parse_duration(text: &str) -> CliResult<i64> {
    let (digits, unit) = match text.char_indices().last() {
        Some((at, unit)) if unit.is_ascii_alphabetic() => (text.get(..at).unwrap_or(""), unit),
        _ => (text, 's'),
    };
    let factor = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(usage(format!("unknown time unit in {text:?} (use s, m, h or d)"))),
    };
    digits
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| usage(format!("{text:?} is not a positive duration")))
}
