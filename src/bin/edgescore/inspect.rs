//! `inspect`: decode a token without verifying it, and say what the header checks find. The
//! untrusted decoding lives here, in the CLI, under a name that says so: the library reaches a
//! payload only through `jws::ParsedJws::verify`. An SD-JWT is shown part by part: the issuer
//! JWT, each disclosure (salt, name, value, digest) and the key-binding JWT.

use std::path::PathBuf;

use clap::Args;
use edgescore::json::{self, Object, Value};
use edgescore::jws::{self, TokenKind};
use edgescore::sdjwt::{self, Disclosure};
use edgescore::{b64, snapshot, Error, ErrorCode};

use crate::input::{self, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct InspectArgs {
    /// Any compact JWS, or an SD-JWT (file or -).
    pub token: PathBuf,
}

pub(crate) fn inspect(args: InspectArgs) -> CliResult<Output> {
    let token = input::read_token(&args.token)?;
    if token.contains('~') {
        return Ok(Output::Json(inspect_sd_jwt(&token)?));
    }
    Ok(Output::Json(inspect_jws(&token)?))
}

fn inspect_jws(token: &str) -> edgescore::Result<Object> {
    let (header, payload) = decode_without_verifying(token)?;
    let kind = kind_of_header(&header);
    let mut out = Object::new()
        .with("verified", false)
        .with("note", "decoded without verifying the signature: do not trust these values")
        .with("kind", kind.map(TokenKind::name))
        .with("header", header)
        .with("payload", payload);
    if let Some(kind) = kind {
        let check = match jws::parse(token, kind) {
            Ok(_) => Value::from("ok"),
            Err(error) => Value::Object(error.to_object()),
        };
        out.insert("header_check", check);
    }
    Ok(out)
}

/// An SD-JWT part by part, nothing verified: the issuer JWT as [`inspect_jws`] shows it, each
/// disclosure decoded with its digest, the key-binding JWT, and the `sd_hash` a key-binding
/// JWT over this string must carry.
fn inspect_sd_jwt(token: &str) -> edgescore::Result<Object> {
    let parts = sdjwt::split(token)?;
    let mut out = inspect_jws(parts.issuer_jwt)?;
    out.insert("kind", "SD-JWT");
    let disclosures: Vec<Value> = parts
        .disclosures
        .iter()
        .map(|encoded| match Disclosure::parse(encoded) {
            Ok(d) => {
                let digest = d.digest();
                Value::Object(
                    Object::new()
                        .with("name", d.name)
                        .with("value", d.value)
                        .with("salt", d.salt)
                        .with("digest", digest),
                )
            }
            Err(error) => Value::Object(Object::new().with("error", error.to_object()).with("text", *encoded)),
        })
        .collect();
    out.insert("disclosures", disclosures);
    if let Some(kb_jwt) = parts.key_binding_jwt {
        out.insert("key_binding_jwt", inspect_jws(kb_jwt)?);
    }
    out.insert("sd_hash", snapshot::sd_hash(parts.hashed_part));
    Ok(out)
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
