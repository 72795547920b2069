//! Token Status List (draft-ietf-oauth-status-list): the `status` claim a snapshot carries,
//! the status list (one entry of 1, 2, 4 or 8 bits per snapshot, ZLIB-compressed), and the
//! status list token the issuer signs (`typ` `statuslist+jwt`).
//!
//! A snapshot says where its entry is: `"status":{"status_list":{"idx":17,"uri":"https://…"}}`
//! (§6.1). The token's claims are `sub` (the list's URI, equal to the snapshot's `uri`), `iss`
//! (optional; when present it must be the snapshot's `iss`), `iat`,
//! optional `exp` and `ttl` (seconds a consumer may cache it), and `status_list`
//! `{"bits":1|2|4|8,"lst":"<base64url ZLIB>"}` (§4.1, §5.1). Entry `i` of a list with `b` bits
//! is in byte `i·b / 8`, counted from the least significant bit (§4.1). Values: `0` valid,
//! `1` invalid (revoked), `2` suspended; `3` is application-specific and refused here (§7.1).
//!
//! A token is verified like every other JWS here (header rules, `kid` in the issuer JWKS,
//! hardened Ed25519), then its claims, and only then is the list inflated, with the output
//! capped at [`MAX_STATUS_LIST_BYTES`] while inflating (a small hostile input cannot make a
//! large allocation).

use serde::Deserialize;

use crate::b64;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::jwk::Jwks;
use crate::jws::{self, TokenKind};
use crate::limits::{MAX_STATUS_LIST_BYTES, MAX_STATUS_URI, MAX_TIMESTAMP};

/// A snapshot's place in a status list: `status.status_list` (`idx`, `uri`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReference {
    /// `idx`: the entry's index.
    pub index: u64,
    /// `uri`: the status list's URI (the token's `sub`).
    pub uri: String,
}

impl StatusReference {
    /// Reads a `status` claim (`ERR_STATUS_INVALID`): an object with a `status_list` member
    /// `{idx, uri}`; other status mechanisms beside it are left alone.
    pub fn from_claim(status: &Value) -> Result<StatusReference> {
        #[derive(Deserialize)]
        struct Claim {
            status_list: Reference,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Reference {
            idx: u64,
            uri: String,
        }
        let claim: Claim =
            json::from_value(status).map_err(|e| e.into_error(ErrorCode::StatusInvalid).context("status"))?;
        check_uri(&claim.status_list.uri).map_err(|e| e.recode(ErrorCode::StatusInvalid))?;
        Ok(StatusReference { index: claim.status_list.idx, uri: claim.status_list.uri })
    }

    /// The `status` claim for this reference.
    pub fn to_claim(&self) -> Value {
        let reference = Object::new().with("idx", self.index as i64).with("uri", self.uri.as_str());
        Value::Object(Object::new().with("status_list", reference))
    }
}

fn check_uri(uri: &str) -> Result<()> {
    if uri.is_empty() || uri.len() > MAX_STATUS_URI {
        bail!(StatusListInvalid, "a status list URI must be 1 to {MAX_STATUS_URI} bytes long");
    }
    Ok(())
}

/// A status value (§7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `0x00` VALID.
    Valid,
    /// `0x01` INVALID: revoked for good.
    Invalid,
    /// `0x02` SUSPENDED: revoked for now.
    Suspended,
}

impl Status {
    /// The value written in a list.
    pub const fn value(self) -> u8 {
        match self {
            Status::Valid => 0,
            Status::Invalid => 1,
            Status::Suspended => 2,
        }
    }

    /// `valid`, `invalid` or `suspended`.
    pub const fn id(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Suspended => "suspended",
        }
    }
}

/// A status list: `bits` per entry, entries packed least significant bit first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

impl StatusList {
    /// An all-valid list of at least `entries` entries (whole bytes) of `bits` bits.
    pub fn new(bits: u8, entries: u64) -> Result<StatusList> {
        check_bits(bits)?;
        let bytes = entries.saturating_mul(u64::from(bits)).div_ceil(8);
        if bytes > MAX_STATUS_LIST_BYTES as u64 {
            bail!(TooLarge, "a status list is at most {MAX_STATUS_LIST_BYTES} bytes");
        }
        Ok(StatusList { bits, bytes: vec![0; bytes.max(1) as usize] })
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// How many entries the list holds.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }

    /// Whether the list has no entries (never: a list has at least one byte).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The value at `index`, or `None` past the end.
    pub fn get(&self, index: u64) -> Option<u8> {
        let bit = index.checked_mul(u64::from(self.bits))?;
        let byte = self.bytes.get(usize::try_from(bit / 8).ok()?)?;
        let mask = (1u16 << self.bits) - 1;
        Some(((u16::from(*byte) >> (bit % 8)) & mask) as u8)
    }

    /// Sets the value at `index` (`ERR_STATUS_INVALID` past the end or for a value that does
    /// not fit in `bits`).
    pub fn set(&mut self, index: u64, value: u8) -> Result<()> {
        let mask = (1u16 << self.bits) - 1;
        if u16::from(value) > mask {
            bail!(StatusInvalid, "status value {value} does not fit in {} bits", self.bits);
        }
        let length = self.len();
        let bit = index.saturating_mul(u64::from(self.bits));
        let Some(byte) = usize::try_from(bit / 8).ok().and_then(|at| self.bytes.get_mut(at)) else {
            bail!(StatusInvalid, "index {index} is beyond the list's {length} entries");
        };
        let shift = bit % 8;
        let cleared = u16::from(*byte) & !(mask << shift);
        *byte = (cleared | (u16::from(value) << shift)) as u8;
        Ok(())
    }

    /// The list as `lst`: ZLIB (RFC 1950) at the best compression, base64url.
    pub fn to_lst(&self) -> String {
        b64::encode(&miniz_oxide::deflate::compress_to_vec_zlib(&self.bytes, 9))
    }

    /// Reads `lst` for `bits`: strict base64url, ZLIB inflated with the output capped at
    /// [`MAX_STATUS_LIST_BYTES`] (`ERR_TOO_LARGE` past it).
    pub fn from_lst(bits: u8, lst: &str) -> Result<StatusList> {
        check_bits(bits)?;
        let compressed = b64::decode(lst, "status list")?;
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_STATUS_LIST_BYTES)
            .map_err(|error| match error.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => Error::with_message(
                    ErrorCode::TooLarge,
                    format!("status list inflates to more than {MAX_STATUS_LIST_BYTES} bytes"),
                ),
                _ => Error::new(ErrorCode::StatusListInvalid, "status list is not ZLIB-compressed data"),
            })?;
        if bytes.is_empty() {
            bail!(StatusListInvalid, "status list is empty");
        }
        Ok(StatusList { bits, bytes })
    }
}

fn check_bits(bits: u8) -> Result<()> {
    if !matches!(bits, 1 | 2 | 4 | 8) {
        bail!(StatusListInvalid, "\"bits\" must be 1, 2, 4 or 8");
    }
    Ok(())
}

/// A status list token whose signature and claims verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedStatusList {
    uri: String,
    issuer: Option<String>,
    issued_at: i64,
    expires_at: Option<i64>,
    ttl: Option<u64>,
    list: StatusList,
}

impl VerifiedStatusList {
    /// `sub`: the list's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }
    /// `iss`, when the token names its issuer.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }
    /// `iat`.
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// Whether this is the list a snapshot of `issuer` names at `uri`: the same URI and, when
    /// the list names its issuer, the same issuer (a key trusted for one issuer's snapshots
    /// cannot publish another issuer's statuses).
    pub fn serves(&self, uri: &str, issuer: &str) -> bool {
        self.uri == uri && self.issuer.as_deref().is_none_or(|own| own == issuer)
    }
    /// `exp`, when given.
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }
    /// `ttl`, when given: how long a consumer may cache the token before fetching it again.
    pub fn ttl(&self) -> Option<u64> {
        self.ttl
    }
    /// The list.
    pub fn list(&self) -> &StatusList {
        &self.list
    }

    /// What a verifier says about a list it holds: `{uri, iss, iat, exp, ttl, bits, size}`
    /// (`null` for what the token leaves out).
    pub fn summary(&self) -> Object {
        Object::new()
            .with("uri", self.uri.as_str())
            .with("iss", self.issuer.as_deref())
            .with("iat", self.issued_at)
            .with("exp", self.expires_at)
            .with("ttl", self.ttl.map(|ttl| ttl as i64))
            .with("bits", i64::from(self.list.bits))
            .with("size", self.list.len() as i64)
    }

    /// Whether the list may still be relied on at `now`: before `exp` (with `leeway`) and, when
    /// `max_age` is given, issued at most that long ago.
    pub fn is_current(&self, now: i64, leeway: i64, max_age: Option<i64>) -> bool {
        self.expires_at.is_none_or(|exp| now < exp.saturating_add(leeway))
            && max_age.is_none_or(|max| now.saturating_sub(self.issued_at) <= max.saturating_add(leeway))
    }

    /// The status of `reference` in this list: `ERR_STATUS_INVALID` for another list's
    /// reference, an index past the end, or a value other than 0, 1 or 2.
    pub fn status_of(&self, reference: &StatusReference) -> Result<Status> {
        if reference.uri != self.uri {
            bail!(StatusInvalid, "the snapshot's status list is {}, not this one", truncate(&reference.uri, 80));
        }
        match self.list.get(reference.index) {
            None => bail!(
                StatusInvalid,
                "status index {} is beyond the list's {} entries",
                reference.index,
                self.list.len()
            ),
            Some(0) => Ok(Status::Valid),
            Some(1) => Ok(Status::Invalid),
            Some(2) => Ok(Status::Suspended),
            Some(other) => bail!(StatusInvalid, "status value {other} is application-specific; edgescore refuses it"),
        }
    }
}

/// The claims of a status list token as signed.
#[derive(Deserialize)]
struct StatusListClaims {
    sub: String,
    #[serde(default)]
    iss: Option<String>,
    iat: i64,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    ttl: Option<u64>,
    status_list: ListMember,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListMember {
    bits: u8,
    lst: String,
    #[serde(default, rename = "aggregation_uri")]
    _aggregation_uri: Option<String>,
}

/// Verifies a status list token against the issuer keys at `now`: the JWS rules, `kid`,
/// signature, then the claims (`ERR_STATUS_LIST_INVALID`), `exp` (`ERR_EXPIRED`), `iat` not in
/// the future (`ERR_NOT_YET_VALID`), and last the list itself.
pub fn verify_status_list(token: &str, keys: &Jwks, now: i64, leeway: i64) -> Result<VerifiedStatusList> {
    let parsed = jws::parse(token, TokenKind::StatusList).map_err(|e| e.context("status list"))?;
    let kid = parsed.kid().unwrap_or_default().to_owned();
    let Some(key) = keys.find(&kid) else {
        bail!(UnknownKid, "status list: no issuer key has kid \"{}\"", truncate(&kid, 40));
    };
    let payload = Value::Object(parsed.verify(key)?.payload_object().map_err(|e| e.context("status list"))?);
    let claims: StatusListClaims =
        json::from_value(&payload).map_err(|e| e.into_error(ErrorCode::StatusListInvalid).context("status list"))?;
    check_uri(&claims.sub)?;
    let in_range = |t: i64| (0..=MAX_TIMESTAMP).contains(&t);
    if !in_range(claims.iat) || claims.exp.is_some_and(|exp| !in_range(exp) || exp <= claims.iat) {
        bail!(StatusListInvalid, "status list: \"iat\" and \"exp\" must be whole seconds with \"exp\" after \"iat\"");
    }
    if claims.ttl.is_some_and(|ttl| ttl == 0 || ttl > MAX_TIMESTAMP as u64) {
        bail!(StatusListInvalid, "status list: \"ttl\" must be a positive number of seconds");
    }
    if claims.exp.is_some_and(|exp| now >= exp.saturating_add(leeway)) {
        bail!(Expired, "status list expired");
    }
    if claims.iat > now.saturating_add(leeway) {
        bail!(NotYetValid, "status list is issued in the future");
    }
    let list =
        StatusList::from_lst(claims.status_list.bits, &claims.status_list.lst).map_err(|e| e.context("status list"))?;
    if claims.iss.as_ref().is_some_and(|iss| iss.is_empty() || iss.len() > crate::limits::MAX_CLAIM_STRING) {
        bail!(StatusListInvalid, "status list: \"iss\" must be 1 to {} bytes long", crate::limits::MAX_CLAIM_STRING);
    }
    Ok(VerifiedStatusList {
        uri: claims.sub,
        issuer: claims.iss,
        issued_at: claims.iat,
        expires_at: claims.exp,
        ttl: claims.ttl,
        list,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The draft's examples (§4.1): one bit per entry, and two bits.
    #[test]
    fn entries_pack_least_significant_bit_first() {
        let mut list = StatusList::new(1, 16).unwrap();
        for (index, value) in [1u8, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].into_iter().enumerate() {
            list.set(index as u64, value).unwrap();
        }
        assert_eq!(list.bytes, [0xb9, 0xa3]);
        assert_eq!(list.to_lst(), "eNrbuRgAAhcBXQ");
        let mut two = StatusList::new(2, 12).unwrap();
        for (index, value) in [1u8, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].into_iter().enumerate() {
            two.set(index as u64, value).unwrap();
        }
        assert_eq!(two.bytes, [0xc9, 0x44, 0xf9]);
        assert_eq!(two.to_lst(), "eNo76fITAAPfAgc");
        assert_eq!(StatusList::from_lst(2, "eNo76fITAAPfAgc").unwrap(), two);
        assert_eq!(two.get(3), Some(3));
        assert_eq!(two.get(12), None);
        assert_eq!(two.set(12, 1).unwrap_err().code(), ErrorCode::StatusInvalid);
        assert_eq!(two.set(0, 4).unwrap_err().code(), ErrorCode::StatusInvalid);
    }

    #[test]
    fn inflating_is_capped() {
        let bomb = b64::encode(&miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; MAX_STATUS_LIST_BYTES + 1], 9));
        assert!(bomb.len() < 8 * 1024, "{}", bomb.len());
        assert_eq!(StatusList::from_lst(1, &bomb).unwrap_err().code(), ErrorCode::TooLarge);
        assert_eq!(StatusList::from_lst(1, "AAAA").unwrap_err().code(), ErrorCode::StatusListInvalid);
        assert_eq!(StatusList::from_lst(3, "eNrbuRgAAhcBXQ").unwrap_err().code(), ErrorCode::StatusListInvalid);
    }
}
