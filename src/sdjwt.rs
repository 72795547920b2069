//! Selective disclosure for JWTs (RFC 9901): the compact SD-JWT string, disclosures, digests
//! and the processing that turns an issuer-signed payload and the disclosures a holder chose
//! into the claims they reveal.
//!
//! The string is `<issuer-jwt>~<disclosure>~…~<disclosure>~<kb-jwt>` (RFC 9901 §4): the
//! issuance form and a presentation without key binding end with `~`; a presentation with key
//! binding ends with the key-binding JWT. A disclosure is the base64url of a JSON array
//! `[salt, name, value]` (an object member, §4.2.1) or `[salt, value]` (an array element,
//! §4.2.2); its digest is the base64url of SHA-256 over the disclosure's base64url text
//! (§4.2.3), listed in an `_sd` array or as `{"...": digest}` in an array.
//!
//! Processing ([`disclose`], RFC 9901 §7.1 steps 3–5), with these rules, each an error:
//! - `_sd_alg`, when present, is `sha-256` (the only hash edgescore computes);
//! - every digest appears once in the payload and in the disclosures together, and every
//!   disclosure is referenced by one (no unreferenced, no duplicate disclosures);
//! - a disclosure's shape fits where its digest is (three elements from `_sd`, two from `...`);
//! - a disclosed name is not `_sd` or `...` and does not overwrite a member already there;
//! - `_sd` is an array of strings; an array element `{"...": digest}` has no other member;
//! - caps: at most [`MAX_DISCLOSURES`] disclosures of at most [`MAX_DISCLOSURE_BYTES`] each, and
//!   the revealed claims nest at most [`MAX_DEPTH`] levels.
//!
//! A digest that no disclosure matches is a claim the holder withheld (or a decoy): it is
//! simply left out. Salt reuse is not an error; a repeated digest is.

use sha2::{Digest, Sha256};

use crate::b64;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::limits::{MAX_DEPTH, MAX_DISCLOSURES, MAX_DISCLOSURE_BYTES, MAX_SD_DIGESTS, MAX_SD_JWT_BYTES};

/// The one hash algorithm edgescore computes (`_sd_alg`, RFC 9901 §4.1.1).
pub const SD_ALG: &str = "sha-256";
/// Salt length edgescore's issuers use: 128 bits (RFC 9901 §9.3 recommends at least that).
pub const SALT_BYTES: usize = 16;

/// An SD-JWT split into its parts (nothing verified yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdJwtParts<'a> {
    /// The issuer-signed JWT.
    pub issuer_jwt: &'a str,
    /// The disclosures, as sent.
    pub disclosures: Vec<&'a str>,
    /// The key-binding JWT, when the string does not end with `~`.
    pub key_binding_jwt: Option<&'a str>,
    /// Everything up to and including the last `~`: what a key-binding JWT's `sd_hash` covers.
    pub hashed_part: &'a str,
}

/// Splits an SD-JWT (RFC 9901 §4): size cap, at least one `~`, no empty disclosure, caps on
/// the disclosures.
pub fn split(sd_jwt: &str) -> Result<SdJwtParts<'_>> {
    if sd_jwt.len() > MAX_SD_JWT_BYTES {
        bail!(TooLarge, "SD-JWT is larger than {MAX_SD_JWT_BYTES} bytes");
    }
    let Some(last_tilde) = sd_jwt.rfind('~') else {
        bail!(Malformed, "not an SD-JWT: no '~' after the issuer-signed JWT (a snapshot is <jwt>~<disclosure>~…~)");
    };
    let hashed_part = sd_jwt.get(..=last_tilde).unwrap_or_default();
    let key_binding_jwt = sd_jwt.get(last_tilde + 1..).filter(|rest| !rest.is_empty());
    let mut pieces = hashed_part.split('~');
    let issuer_jwt = pieces.next().unwrap_or_default();
    if issuer_jwt.is_empty() {
        bail!(Malformed, "SD-JWT has no issuer-signed JWT before the first '~'");
    }
    let mut disclosures: Vec<&str> = pieces.collect();
    // `hashed_part` ends with '~', so the last piece is always empty.
    disclosures.pop();
    if disclosures.len() > MAX_DISCLOSURES {
        bail!(TooLarge, "SD-JWT has more than {MAX_DISCLOSURES} disclosures");
    }
    for disclosure in &disclosures {
        if disclosure.is_empty() {
            bail!(Malformed, "SD-JWT has an empty disclosure ('~~')");
        }
        if disclosure.len() > MAX_DISCLOSURE_BYTES {
            bail!(TooLarge, "a disclosure is larger than {MAX_DISCLOSURE_BYTES} bytes");
        }
    }
    Ok(SdJwtParts { issuer_jwt, disclosures, key_binding_jwt, hashed_part })
}

/// The base64url SHA-256 of `text` (a disclosure's digest, RFC 9901 §4.2.3, and `sd_hash`,
/// §4.3.1).
pub fn digest(text: &str) -> String {
    b64::encode(&Sha256::digest(text.as_bytes()))
}

/// A disclosure of an object member: salt, name, value (RFC 9901 §4.2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disclosure {
    /// Its base64url text, as sent and as hashed.
    pub encoded: String,
    /// The salt.
    pub salt: String,
    /// The member name.
    pub name: String,
    /// The member value.
    pub value: Value,
}

impl Disclosure {
    /// A new disclosure of `name: value` with `salt` (base64url-encoded into the array). Refuses
    /// the names RFC 9901 reserves (`_sd`, `...`).
    pub fn new(salt: &[u8], name: &str, value: Value) -> Result<Disclosure> {
        if name == "_sd" || name == "..." || name == "_sd_alg" {
            bail!(ClaimInvalid, "\"{name}\" cannot be disclosed selectively (RFC 9901 §4.2.1)");
        }
        let salt = b64::encode(salt);
        let array = Value::Array(vec![salt.clone().into(), name.into(), value.clone()]);
        let encoded = b64::encode(array.to_json().as_bytes());
        Ok(Disclosure { encoded, salt, name: name.to_owned(), value })
    }

    /// The digest listed for this disclosure.
    pub fn digest(&self) -> String {
        digest(&self.encoded)
    }

    /// Reads a disclosure of an object member from its base64url text (strict base64url and
    /// JSON; three elements, salt and name strings).
    pub fn parse(encoded: &str) -> Result<Disclosure> {
        match decode(encoded)? {
            Decoded::Member { salt, name, value } => Ok(Disclosure { encoded: encoded.to_owned(), salt, name, value }),
            Decoded::Element { .. } => bail!(DisclosureInvalid, "disclosure is of an array element, not of a claim"),
        }
    }
}

/// A decoy digest (RFC 9901 §4.2.5): the digest of random bytes, indistinguishable from a
/// disclosure's.
pub fn decoy_digest(random: &[u8]) -> String {
    digest(&b64::encode(random))
}

enum Decoded {
    Member { salt: String, name: String, value: Value },
    Element { value: Value },
}

fn decode(encoded: &str) -> Result<Decoded> {
    let bytes = b64::decode(encoded, "disclosure")?;
    let array = match json::parse(&bytes).map_err(|e| e.context("disclosure"))? {
        Value::Array(items) => items,
        _ => bail!(Malformed, "disclosure: not a JSON array"),
    };
    let mut items = array.into_iter();
    let salt = match items.next() {
        Some(Value::String(salt)) if !salt.is_empty() => salt,
        _ => bail!(DisclosureInvalid, "disclosure: the salt must be a non-empty string"),
    };
    match (items.next(), items.next(), items.next()) {
        (Some(value), None, None) => Ok(Decoded::Element { value }),
        (Some(Value::String(name)), Some(value), None) => {
            if name == "_sd" || name == "..." {
                bail!(DisclosureInvalid, "disclosure names \"{name}\", which RFC 9901 reserves");
            }
            Ok(Decoded::Member { salt, name, value })
        }
        (Some(_), Some(_), None) => bail!(DisclosureInvalid, "disclosure: the claim name must be a string"),
        _ => bail!(DisclosureInvalid, "disclosure: an array of two or three elements"),
    }
}

/// The result of processing: the revealed claims, and the names of the members disclosed at
/// each path (so a verifier can tell a member that was disclosed from one that was signed in
/// the clear).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Processed {
    /// The claims with every disclosed member in place and `_sd`, `_sd_alg` and undisclosed
    /// array elements removed.
    pub claims: Object,
    /// `(path, name)` of each member revealed by a disclosure; the path is the names of the
    /// enclosing objects (empty for the top level).
    pub disclosed: Vec<(Vec<String>, String)>,
}

/// Processes an issuer-signed payload and the disclosures sent with it (RFC 9901 §7.1).
pub fn disclose(payload: Object, disclosures: &[&str]) -> Result<Processed> {
    match payload.get("_sd_alg") {
        None => {}
        Some(Value::String(alg)) if alg == SD_ALG => {}
        Some(Value::String(alg)) => {
            bail!(DisclosureInvalid, "\"_sd_alg\" {} is not supported (only sha-256)", truncate(alg, 20))
        }
        Some(_) => bail!(DisclosureInvalid, "\"_sd_alg\" must be a string"),
    }
    let mut by_digest: Vec<(String, Option<Decoded>)> = Vec::with_capacity(disclosures.len());
    for encoded in disclosures {
        let digest = digest(encoded);
        if by_digest.iter().any(|(known, _)| *known == digest) {
            bail!(DisclosureInvalid, "the same disclosure is sent twice");
        }
        by_digest.push((digest, Some(decode(encoded)?)));
    }
    let mut state = State { by_digest, seen: Vec::new(), disclosed: Vec::new(), path: Vec::new() };
    let mut claims = state.object(payload, 1)?;
    claims.remove("_sd_alg");
    if let Some((_, _)) = state.by_digest.iter().find(|(_, unused)| unused.is_some()) {
        bail!(DisclosureInvalid, "a disclosure is not referenced by any digest of the issuer-signed JWT");
    }
    Ok(Processed { claims, disclosed: state.disclosed })
}

struct State {
    by_digest: Vec<(String, Option<Decoded>)>,
    seen: Vec<String>,
    disclosed: Vec<(Vec<String>, String)>,
    path: Vec<String>,
}

impl State {
    /// Notes a digest (each may appear once) and takes the disclosure it names, if sent.
    fn take(&mut self, digest: &str) -> Result<Option<Decoded>> {
        if self.seen.len() >= MAX_SD_DIGESTS {
            bail!(TooLarge, "more than {MAX_SD_DIGESTS} digests");
        }
        if self.seen.iter().any(|seen| seen == digest) {
            bail!(DisclosureInvalid, "digest {} appears more than once", truncate(digest, 12));
        }
        self.seen.push(digest.to_owned());
        Ok(self.by_digest.iter_mut().find(|(known, _)| known == digest).and_then(|(_, slot)| slot.take()))
    }

    fn value(&mut self, value: Value, depth: usize) -> Result<Value> {
        match value {
            Value::Object(object) => Ok(Value::Object(self.object(object, depth + 1)?)),
            Value::Array(items) => Ok(Value::Array(self.array(items, depth + 1)?)),
            other => Ok(other),
        }
    }

    fn enter(depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            bail!(TooLarge, "disclosed claims nest deeper than {MAX_DEPTH} levels");
        }
        Ok(())
    }

    fn object(&mut self, mut object: Object, depth: usize) -> Result<Object> {
        State::enter(depth)?;
        let digests = match object.remove("_sd") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(digest) => Ok(digest),
                    _ => Err(Error::new(ErrorCode::DisclosureInvalid, "\"_sd\" must hold only digest strings")),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(_) => bail!(DisclosureInvalid, "\"_sd\" must be an array of digests"),
        };
        if object.contains("...") {
            bail!(DisclosureInvalid, "\"...\" is only for array elements");
        }
        let mut out = Object::new();
        for (name, value) in std::mem::take(&mut object).into_members() {
            self.path.push(name.clone());
            let value = self.value(value, depth);
            self.path.pop();
            out.insert(name, value?);
        }
        for digest in digests {
            match self.take(&digest)? {
                None => {}
                Some(Decoded::Element { .. }) => {
                    bail!(DisclosureInvalid, "an array-element disclosure is referenced from \"_sd\"")
                }
                Some(Decoded::Member { name, value, .. }) => {
                    if out.contains(&name) {
                        bail!(DisclosureInvalid, "disclosure of \"{}\" would overwrite a claim", truncate(&name, 40));
                    }
                    self.path.push(name.clone());
                    let value = self.value(value, depth);
                    self.path.pop();
                    self.disclosed.push((self.path.clone(), name.clone()));
                    out.insert(name, value?);
                }
            }
        }
        Ok(out)
    }

    fn array(&mut self, items: Vec<Value>, depth: usize) -> Result<Vec<Value>> {
        State::enter(depth)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let reference = match &item {
                Value::Object(object) if object.contains("...") => {
                    if object.len() != 1 {
                        bail!(DisclosureInvalid, "an array element {{\"...\": digest}} has other members");
                    }
                    match object.get("...") {
                        Some(Value::String(digest)) => Some(digest.clone()),
                        _ => bail!(DisclosureInvalid, "\"...\" must be a digest string"),
                    }
                }
                _ => None,
            };
            match reference {
                None => out.push(self.value(item, depth)?),
                Some(digest) => match self.take(&digest)? {
                    None => {}
                    Some(Decoded::Member { .. }) => {
                        bail!(DisclosureInvalid, "a claim disclosure is referenced from an array element")
                    }
                    Some(Decoded::Element { value }) => out.push(self.value(value, depth)?),
                },
            }
        }
        Ok(out)
    }
}

/// Returns `Err` naming `what` when `name` at the top level was revealed by a disclosure:
/// claims a verifier relies on to process the token must be signed in the clear (SD-JWT VC:
/// `iss`, `iat`, `nbf`, `exp`, `cnf`, `vct`, `status` are never selectively disclosable).
pub fn require_clear(processed: &Processed, names: &[&str]) -> Result<()> {
    if let Some((_, name)) =
        processed.disclosed.iter().find(|(path, name)| path.is_empty() && names.contains(&name.as_str()))
    {
        bail!(DisclosureInvalid, "\"{name}\" must be signed in the clear, not disclosed selectively");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// RFC 9901 §5.1's example disclosure of `given_name`.
    #[test]
    fn digest_of_the_rfc_example_disclosure() {
        let encoded = "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd";
        assert_eq!(digest(encoded), "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4");
        let disclosure = Disclosure::parse(encoded).unwrap();
        assert_eq!((disclosure.salt.as_str(), disclosure.name.as_str()), ("2GLC42sKQveCfGfryNRN9w", "given_name"));
        assert_eq!(disclosure.value, Value::from("John"));
    }

    fn payload(digests: &[String]) -> Object {
        Object::new()
            .with("iss", "x")
            .with("_sd", digests.iter().map(|d| Value::from(d.as_str())).collect::<Vec<_>>())
            .with("_sd_alg", SD_ALG)
    }

    #[test]
    fn reveals_what_is_sent_and_leaves_out_the_rest() {
        let a = Disclosure::new(&[1; 16], "a", 1i64.into()).unwrap();
        let b = Disclosure::new(&[2; 16], "b", "two".into()).unwrap();
        let processed = disclose(payload(&[a.digest(), b.digest()]), &[&a.encoded]).unwrap();
        assert_eq!(processed.claims.to_json(), r#"{"iss":"x","a":1}"#);
        assert_eq!(processed.disclosed, vec![(vec![], "a".to_owned())]);
        // Sent twice; not referenced; a digest listed twice; an overwrite.
        let code = |p: Object, d: &[&str]| disclose(p, d).unwrap_err().code();
        assert_eq!(code(payload(&[a.digest()]), &[&a.encoded, &a.encoded]), ErrorCode::DisclosureInvalid);
        assert_eq!(code(payload(&[a.digest()]), &[&b.encoded]), ErrorCode::DisclosureInvalid);
        assert_eq!(code(payload(&[a.digest(), a.digest()]), &[]), ErrorCode::DisclosureInvalid);
        let iss = Disclosure::new(&[3; 16], "iss", "y".into()).unwrap();
        assert_eq!(code(payload(&[iss.digest()]), &[&iss.encoded]), ErrorCode::DisclosureInvalid);
    }

    #[test]
    fn splits_the_compact_form() {
        let parts = split("h.p.s~d1~d2~").unwrap();
        assert_eq!(
            (parts.issuer_jwt, parts.disclosures.clone(), parts.key_binding_jwt),
            ("h.p.s", vec!["d1", "d2"], None)
        );
        assert_eq!(parts.hashed_part, "h.p.s~d1~d2~");
        let parts = split("h.p.s~d1~k.b.j").unwrap();
        assert_eq!((parts.key_binding_jwt, parts.hashed_part), (Some("k.b.j"), "h.p.s~d1~"));
        assert_eq!(split("h.p.s~").unwrap().disclosures.len(), 0);
        for bad in ["h.p.s", "~d~", "h.p.s~~"] {
            assert_eq!(split(bad).unwrap_err().code(), ErrorCode::Malformed, "{bad}");
        }
    }
}
