//! `inspect`: decode a token without verifying it, and say what the header checks find. The
//! untrusted decoding lives here, in the CLI, under a name that says so: the library reaches a
//! payload only through `jws::ParsedJws::verify`.

use std::path::PathBuf;

use clap::Args;
use edgescore::json::{self, Object, Value};
use edgescore::jws::{self, TokenKind};
use edgescore::{b64, snapshot, Error, ErrorCode};

use crate::input::{self, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct InspectArgs {
    /// Any compact JWS (file or -).
    pub token: PathBuf,
}

pub(crate) fn inspect(args: InspectArgs) -> CliResult<Output> {
    let token = input::read_token(&args.token)?;
    let (header, payload) = decode_without_verifying(&token)?;
    let kind = kind_of_header(&header);
    let mut out = Object::new()
        .with("verified", false)
        .with("note", "decoded without verifying the signature: do not trust these values")
        .with("kind", kind.map(TokenKind::name))
        .with("header", header)
        .with("payload", payload);
    if let Some(kind) = kind {
        let check = match jws::parse(&token, kind) {
            Ok(_) => Value::from("ok"),
            Err(error) => Value::Object(error.to_object()),
        };
        out.insert("header_check", check);
    }
    if kind == Some(TokenKind::Snapshot) {
        out.insert("sd_hash", snapshot::sd_hash(&token));
    }
    Ok(Output::Json(out))
}

/// Decodes a compact JWS's header and payload **without verifying anything**: for showing a
/// token to a person, never for a decision. The size cap is the largest of any kind's.
pub(crate) fn decode_without_verifying(token: &str) -> edgescore::Result<(Object, Value)> {
    if token.len() > edgescore::limits::MAX_MODEL_BYTES {
        let message = format!("token is larger than {} bytes", edgescore::limits::MAX_MODEL_BYTES);
        return Err(Error::with_message(ErrorCode::TooLarge, message));
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::new(ErrorCode::Malformed, "not a compact JWS of three parts"));
    };
    let header = json::parse_object(&b64::decode(header_b64, "JWS header")?)?;
    let payload = json::parse(&b64::decode(payload_b64, "JWS payload")?)?;
    Ok((header, payload))
}

/// The kind of token a token says it is (its unverified `typ`), when it decodes and names one
/// of edgescore's: which verification to run, never whether to trust it.
pub(crate) fn kind_without_verifying(token: &str) -> Option<TokenKind> {
    decode_without_verifying(token).ok().and_then(|(header, _)| kind_of_header(&header))
}

fn kind_of_header(header: &Object) -> Option<TokenKind> {
    header.get("typ").and_then(Value::as_str).and_then(jws::kind_of_typ)
}
