//! The commands that make a token: `issue` (a snapshot, an SD-JWT VC), `sign-model`,
//! `request` (the verifier's presentation request) and `present` (the holder's presentation:
//! chosen disclosures and a key-binding JWT).

use std::path::{Path, PathBuf};

use clap::Args;
use edgescore::issue::{self, KeyBinding, SnapshotClaims};
use edgescore::json::{self, Object};
use edgescore::jwk::PrivateJwk;
use edgescore::request::PresentationRequest;
use edgescore::status::StatusReference;

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
    /// The status list URI (`status.status_list.uri`); needs --status-index.
    #[arg(long, value_name = "URI", requires = "status_index")]
    pub status_uri: Option<String>,
    /// The snapshot's index in that status list.
    #[arg(long, value_name = "N", requires = "status_uri")]
    pub status_index: Option<u64>,
    /// Decoy digests to add among the features' (RFC 9901 §4.2.5).
    #[arg(long, default_value_t = 0)]
    pub decoys: usize,
    /// Write the snapshot here instead of stdout.
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
    /// The snapshot as issued (SD-JWT with every disclosure; file or -).
    pub snapshot: PathBuf,
    /// The holder's private JWK (signs the key-binding JWT; leave out for an unbound snapshot).
    #[arg(long, value_name = "FILE")]
    pub holder: Option<PathBuf>,
    /// The verifier's presentation request (JSON, from `edgescore request` or GET /nonce):
    /// discloses exactly the features it names, for its nonce and audience.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["nonce", "aud", "disclose"])]
    pub request: Option<PathBuf>,
    /// The verifier's nonce (without --request).
    #[arg(long, requires = "aud")]
    pub nonce: Option<String>,
    /// The verifier's audience (without --request).
    #[arg(long, requires = "nonce")]
    pub aud: Option<String>,
    /// Features to disclose, comma-separated, or `all` (without --request; default all).
    #[arg(long, value_name = "NAMES")]
    pub disclose: Option<String>,
    /// `iat` (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Write the presentation here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct RequestArgs {
    /// The signed model whose features to ask for (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// JWKS that verifies --model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// The verifier's audience.
    #[arg(long)]
    pub aud: String,
    /// The nonce (default: 16 random bytes).
    #[arg(long)]
    pub nonce: Option<String>,
    /// How long the nonce is good for: seconds, or with a unit (90s, 2m).
    #[arg(long, default_value = "120")]
    pub ttl: String,
    /// The current time (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
}

pub(crate) fn issue(args: IssueArgs) -> CliResult<Output> {
    let issuer = signing_issuer(&args.signing)?;
    let features = json::parse_object(&input::read_bytes(&args.features)?).map_err(|e| e.context("features"))?;
    let keys = load_jwks(args.jwks.as_deref())?;
    let model = load_model(args.model.as_deref(), &keys)?;
    let schema = args.schema.clone().unwrap_or_else(|| model.model().schema().to_owned());
    let features = if schema == model.model().schema() {
        model.model().score_features(&features).map_err(|e| e.context("features"))?;
        issue::schema_features(model.model(), &features)
    } else if args.model.is_some() {
        return Err(usage(format!("--schema {schema:?} is not the schema of --model ({:?})", model.model().schema())));
    } else {
        features
    };
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
        status: match (args.status_uri, args.status_index) {
            (Some(uri), Some(index)) => Some(StatusReference { index, uri }),
            _ => None,
        },
        decoys: args.decoys,
    };
    // Salts from the operating system's CSPRNG, 128 bits each.
    let mut failure = None;
    let mut salts = || match input::random_bytes::<16>() {
        Ok(salt) => salt,
        Err(error) => {
            failure.get_or_insert(error);
            [0; 16]
        }
    };
    let snapshot = issuer.issue(&claims, &mut salts)?;
    if let Some(error) = failure {
        return Err(error);
    }
    emit_token(snapshot, args.out.as_deref())
}

pub(crate) fn sign_model(args: SignModelArgs) -> CliResult<Output> {
    let issuer = signing_issuer(&args.signing)?;
    let token = issuer.sign_model(&input::read_bytes(&args.model)?)?;
    emit_token(token, args.out.as_deref())
}

pub(crate) fn present(args: PresentArgs) -> CliResult<Output> {
    let snapshot = input::read_token(&args.snapshot)?;
    let holder = match args.holder.as_deref() {
        Some(path) => Some(PrivateJwk::parse(&input::read_bytes(path)?)?),
        None => None,
    };
    let now = input::now_or(args.now);
    let (nonce, audience, features) = match &args.request {
        Some(path) => {
            let request = PresentationRequest::parse(&input::read_bytes(path)?)?;
            let features = request.features_for(&issue::disclosable_names(&snapshot)?).to_vec();
            (Some(request.nonce), Some(request.aud), Some(features))
        }
        None => {
            let features = match args.disclose.as_deref() {
                None | Some("all") => None,
                Some(names) => Some(names.split(',').map(|name| name.trim().to_owned()).collect::<Vec<_>>()),
            };
            (args.nonce.clone(), args.aud.clone(), features)
        }
    };
    let binding = match (&holder, nonce.as_deref(), audience.as_deref()) {
        (Some(holder), Some(nonce), Some(audience)) => {
            Some(KeyBinding { key: &holder.secret, nonce, audience, issued_at: now })
        }
        (Some(_), _, _) => return Err(usage("a key binding needs --request, or --nonce and --aud")),
        (None, _, _) => None,
    };
    let presentation = issue::present(&snapshot, features.as_deref(), binding)?;
    emit_token(presentation, args.out.as_deref())
}

pub(crate) fn request(args: RequestArgs) -> CliResult<Output> {
    let keys = load_jwks(args.jwks.as_deref())?;
    let model = load_model(args.model.as_deref(), &keys)?;
    let nonce = match args.nonce {
        Some(nonce) => nonce,
        None => input::random_id()?,
    };
    let expires_at = input::now_or(args.now).saturating_add(parse_duration(&args.ttl)?);
    let request = PresentationRequest::for_model(&model, &nonce, &args.aud, expires_at)?;
    Ok(Output::Json(json::parse_object(request.to_json().as_bytes())?))
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
