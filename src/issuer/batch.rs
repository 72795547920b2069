//! Batch issuance: features lines in, signed snapshot lines out.
//!
//! **Input** (JSON Lines, as `features` writes): `{"sub":…,"schema":…,"features":{…}}` with
//! an optional `"holder"` (a public JWK, written as `cnf.jwk`). Unknown members are refused.
//! The features are checked against the model of their schema before signing.
//!
//! **Output** (JSON Lines, in input order):
//! `{"line":N,"offset":O,"sub":…,"jti":…,"iat":…,"status_idx":…,"snapshot":"…"}`, `N` the
//! 1-based number of the line in the part of the input read (the file's line number when
//! unsharded), `O` the byte offset of the line in the input (the same in every shard layout),
//! `status_idx` only with a status list. Bad rows become error lines
//! `{"line":N,"offset":O,"error":{…}}`. Each snapshot is an SD-JWT in its issuance form (every
//! feature a disclosure); its salts are derived from the issuer key and its `jti`
//! ([`DerivedSalts`]), so a rerun signs the same bytes.
//!
//! **Status list indexes.** With a status list ([`StatusAllocation`]) line `N` of the part read
//! gets the index `π(N − 1)` of the list's `size` entries, `π` a keyed pseudo-random
//! permutation (a four-round Feistel network over HMAC-SHA-256, cycle-walked into `0..size`):
//! every person gets their own entry, deterministically, and neighbouring entries say nothing
//! about who was issued when (the draft's advice against linkable, sequential indexes). Line
//! numbers count from each shard's start, so each shard of a sharded run has its own list (the
//! CLI puts the shard in the list's URI).
//!
//! **Shards** are byte ranges aligned to lines ([`crate::issuer::lines::Shard`]): a task
//! reads only its range. All tasks must read the same input file.
//!
//! **Resume.** Output is written in input order, so the last complete output line names the
//! last input line done. A restarted run drops a partial last line, seeks past the line at
//! that offset, and trims the error file back to the same point. Error lines of a chunk are
//! flushed before its output lines, so nothing reported can be missing from a resumed run.
//! `jti` is derived from the key id, `sub` and `iat` (see [`BatchIssuer::jti`]), so with the
//! same run parameters a resumed output is byte for byte the output of an uninterrupted run;
//! the CLI records the parameters beside the output and refuses to resume with others.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::b64;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::issue::{hmac_sha256, schema_features, DerivedSalts, Issuer, SnapshotClaims};
use crate::json::{self, Object, Value};
use crate::jwk::Jwk;
use crate::limits::{MAX_CLAIM_STRING, MAX_SNAPSHOT_BYTES, MAX_TIMESTAMP};
use crate::model::Model;
use crate::status::StatusReference;

use super::lines::Position;

/// The longest input line accepted (a snapshot is at most 8 KiB).
pub const MAX_BATCH_LINE_BYTES: usize = 64 * 1024;

/// What every snapshot of a batch shares.
pub struct BatchIssuer {
    /// The signing key.
    pub issuer: Issuer,
    /// `iss`.
    pub iss: String,
    /// `iat` of every snapshot.
    pub issued_at: i64,
    /// Seconds from `iat` to `exp`.
    pub lifetime: i64,
    /// `aud` (none, one or several).
    pub audience: Vec<String>,
    /// The models whose schemas may be issued; a row's features are checked against its
    /// schema's model.
    pub models: Vec<Model>,
    /// The status list the snapshots get entries in, if any.
    pub status: Option<StatusAllocation>,
}

/// Where a batch's snapshots get their status list entries.
pub struct StatusAllocation {
    /// The list's URI.
    pub uri: String,
    /// How many entries the list has.
    pub size: u64,
    /// The permutation's key.
    pub key: [u8; 32],
}

impl StatusAllocation {
    /// A list at `uri` of `size` entries, indexes keyed by a key derived from the issuer's.
    pub fn new(issuer: &Issuer, uri: String, size: u64) -> Result<StatusAllocation> {
        if size == 0 || size > 1 << 40 {
            bail!(StatusListInvalid, "a status list has 1 to 2^40 entries");
        }
        let key = hmac_sha256(&DerivedSalts::key_for(issuer), format!("edgescore status index\0{uri}").as_bytes());
        Ok(StatusAllocation { uri, size, key })
    }

    /// The index of the `ordinal`-th snapshot (0-based), or `ERR_STATUS_INVALID` when the
    /// list is full.
    pub fn index(&self, ordinal: u64) -> Result<u64> {
        if ordinal >= self.size {
            bail!(StatusInvalid, "the status list's {} entries are all allocated", self.size);
        }
        // The smallest even bit width whose domain holds every index.
        let mut bits = 2u32;
        while (1u64 << bits) < self.size {
            bits += 2;
        }
        let mut x = ordinal;
        loop {
            x = self.feistel(x, bits);
            if x < self.size {
                return Ok(x);
            }
        }
    }

    fn feistel(&self, x: u64, bits: u32) -> u64 {
        let half = bits / 2;
        let mask = (1u64 << half) - 1;
        let (mut left, mut right) = (x >> half, x & mask);
        for round in 0u8..4 {
            let mut message = [0u8; 9];
            message[0] = round;
            message[1..].copy_from_slice(&right.to_be_bytes());
            let mac = hmac_sha256(&self.key, &message);
            let mut word = [0u8; 8];
            word.copy_from_slice(mac.get(..8).unwrap_or(&[0; 8]));
            let mixed = left ^ (u64::from_be_bytes(word) & mask);
            left = right;
            right = mixed;
        }
        (left << half) | right
    }
}

impl BatchIssuer {
    /// The demo issuer with both demo models and a 30-day lifetime. Demo only.
    #[cfg(feature = "demo-issuer")]
    pub fn demo(issued_at: i64) -> Result<BatchIssuer> {
        use crate::demo;
        Ok(BatchIssuer {
            issuer: demo::issuer()?,
            iss: demo::DEMO_ISSUER.to_owned(),
            issued_at,
            lifetime: demo::DEMO_SNAPSHOT_LIFETIME_SECONDS,
            audience: Vec::new(),
            models: vec![demo::consumer_model()?.model().clone(), demo::seller_model()?.model().clone()],
            status: None,
        })
    }

    /// Checks the options every row shares before any row is signed, with
    /// `ERR_CONFIG_INVALID` and the reason: `iss` and each `aud` 1 to [`MAX_CLAIM_STRING`]
    /// bytes, no audience twice, `iat` and `iat + lifetime` within 0 to [`MAX_TIMESTAMP`], a
    /// positive lifetime, at least one model, and room in a snapshot for features once the
    /// shared claims are written (a snapshot with no features must fit the verifier's
    /// [`MAX_SNAPSHOT_BYTES`]).
    pub fn validate(&self) -> Result<()> {
        let claim = |name: &str, value: &str| {
            if value.is_empty() || value.len() > MAX_CLAIM_STRING {
                bail!(ConfigInvalid, "{name} must be 1 to {MAX_CLAIM_STRING} bytes long, not {} bytes", value.len());
            }
            Ok(())
        };
        claim("the issuer name (iss)", &self.iss)?;
        for (index, audience) in self.audience.iter().enumerate() {
            claim("each audience (aud)", audience)?;
            if self.audience.iter().take(index).any(|earlier| earlier == audience) {
                bail!(ConfigInvalid, "the audience {:?} is given twice", truncate(audience, 60));
            }
        }
        if !(0..=MAX_TIMESTAMP).contains(&self.issued_at) {
            bail!(
                ConfigInvalid,
                "the issue time must be whole seconds from 0 to {MAX_TIMESTAMP}, not {}",
                self.issued_at
            );
        }
        if self.lifetime <= 0 || self.issued_at.checked_add(self.lifetime).is_none_or(|exp| exp > MAX_TIMESTAMP) {
            bail!(
                ConfigInvalid,
                "the lifetime must be positive and end by {MAX_TIMESTAMP} (issued at {}, lifetime {} s)",
                self.issued_at,
                self.lifetime
            );
        }
        if self.models.is_empty() {
            bail!(ConfigInvalid, "no model to check features against");
        }
        for model in &self.models {
            let probe = SnapshotClaims {
                issuer: self.iss.clone(),
                subject: "x".to_owned(),
                jti: self.jti("x"),
                issued_at: self.issued_at,
                not_before: None,
                expires_at: self.issued_at + self.lifetime,
                audience: self.audience.clone(),
                schema: model.schema().to_owned(),
                features: Object::new(),
                holder: None,
                status: self
                    .status
                    .as_ref()
                    .map(|a| StatusReference { index: a.size.saturating_sub(1), uri: a.uri.clone() }),
                decoys: 0,
            };
            let mut salts = DerivedSalts::new(DerivedSalts::key_for(&self.issuer), "validate");
            if let Err(error) = self.issuer.issue(&probe, &mut salts) {
                let reason = if error.code() == ErrorCode::TooLarge {
                    format!(
                        "the claims every snapshot shares (iss, aud, schema) leave no room for features under the \
                         verifier's {MAX_SNAPSHOT_BYTES}-byte cap"
                    )
                } else {
                    error.message().to_owned()
                };
                bail!(ConfigInvalid, "{reason}");
            }
        }
        Ok(())
    }

    /// The deterministic `jti`: base64url of the first 16 bytes of
    /// SHA-256(`edgescore-jti` ‖ 0 ‖ kid ‖ 0 ‖ sub ‖ 0 ‖ iat).
    pub fn jti(&self, sub: &str) -> String {
        let mut hash = Sha256::new();
        for part in ["edgescore-jti", self.issuer.kid(), sub, &self.issued_at.to_string()] {
            hash.update(part.as_bytes());
            hash.update([0u8]);
        }
        b64::encode(hash.finalize().get(..16).unwrap_or_default())
    }

    /// Signs one input row and returns its output line (without line ending). Line `N` of the
    /// part read gets status ordinal `N − 1`.
    pub fn issue_row(&self, at: Position, bytes: &[u8]) -> Result<String> {
        let issued = self.issue_snapshot(bytes, at.line.saturating_sub(1))?;
        let mut out = Object::new()
            .with("line", at.line as i64)
            .with("offset", at.offset as i64)
            .with("sub", issued.sub)
            .with("jti", issued.jti)
            .with("iat", self.issued_at);
        if let Some(index) = issued.status_idx {
            out.insert("status_idx", index as i64);
        }
        Ok(out.with("snapshot", issued.snapshot).to_json())
    }

    /// Signs one input row (a features line). With a status list, the snapshot gets the entry
    /// of `status_ordinal` (see [`StatusAllocation::index`]): each ordinal must be used once per
    /// list.
    pub fn issue_snapshot(&self, bytes: &[u8], status_ordinal: u64) -> Result<IssuedSnapshot> {
        let value = json::parse(bytes)?;
        let row: BatchRow = json::from_value(&value).map_err(|e| e.into_error(ErrorCode::Malformed))?;
        let Some(model) = self.models.iter().find(|model| model.schema() == row.schema) else {
            bail!(SchemaMismatch, "no model for schema {:?}", truncate(&row.schema, 60));
        };
        model.score_features(&row.features)?;
        let holder = match &row.holder {
            None => None,
            Some(jwk) => Some(Jwk::from_object(jwk).map_err(|e| e.context("holder"))?),
        };
        let status = match &self.status {
            None => None,
            Some(allocation) => {
                Some(StatusReference { index: allocation.index(status_ordinal)?, uri: allocation.uri.clone() })
            }
        };
        let features = schema_features(model, &row.features);
        let (sub, schema) = (row.sub, row.schema);
        let claims = SnapshotClaims {
            issuer: self.iss.clone(),
            jti: self.jti(&sub),
            subject: sub,
            issued_at: self.issued_at,
            not_before: None,
            expires_at: self.issued_at.saturating_add(self.lifetime),
            audience: self.audience.clone(),
            schema,
            features,
            holder,
            status,
            decoys: 0,
        };
        let mut salts = DerivedSalts::new(DerivedSalts::key_for(&self.issuer), claims.jti.clone());
        let snapshot = self.issuer.issue(&claims, &mut salts)?;
        Ok(IssuedSnapshot {
            sub: claims.subject,
            jti: claims.jti,
            status_idx: claims.status.map(|status| status.index),
            snapshot,
        })
    }
}

/// A snapshot [`BatchIssuer::issue_snapshot`] signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedSnapshot {
    /// `sub`.
    pub sub: String,
    /// `jti`.
    pub jti: String,
    /// Its status list index, with a status list.
    pub status_idx: Option<u64>,
    /// The SD-JWT in its issuance form.
    pub snapshot: String,
}

/// One input row of `issue-batch`: `sub`, `schema`, `features` and, for a bound snapshot, the
/// holder's public JWK (`null` or absent for none). Other members are refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchRow {
    sub: String,
    schema: String,
    features: Object,
    #[serde(default, deserialize_with = "json::nullable")]
    holder: Option<Object>,
}

/// Makes a JSON Lines file written in input order end at a complete line: drops a partial
/// last line, and with `limit` also every line whose `"offset"` is above it. Returns the last
/// kept line, parsed (`None` when the file is left empty). A kept line that is not a JSON
/// object with `"line"` and `"offset"` numbers is `ERR_MALFORMED` (not a file this command
/// wrote).
pub fn trim_tail(file: &mut File, limit: Option<u64>) -> io::Result<Result<Option<Object>>> {
    let mut end = file.seek(SeekFrom::End(0))?;
    loop {
        let Some(newline) = rfind_newline(file, end)? else {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            return Ok(Ok(None));
        };
        let start = rfind_newline(file, newline)?.map_or(0, |previous| previous + 1);
        let mut line = vec![0u8; (newline - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut line)?;
        let parsed = json::parse_object(&line).ok().filter(|o| {
            o.get("line").and_then(Value::as_i64).is_some() && o.get("offset").and_then(Value::as_i64).is_some()
        });
        let Some(object) = parsed else {
            return Ok(Err(Error::new(ErrorCode::Malformed, "the last line was not written by issue-batch")));
        };
        let offset = object.get("offset").and_then(Value::as_i64).unwrap_or(0);
        if limit.is_some_and(|limit| offset > limit as i64) {
            end = start;
            continue;
        }
        file.set_len(newline + 1)?;
        file.seek(SeekFrom::End(0))?;
        return Ok(Ok(Some(object)));
    }
}

/// The offset of the last `\n` before `end`.
fn rfind_newline(file: &mut File, end: u64) -> io::Result<Option<u64>> {
    let mut block = vec![0u8; 64 * 1024];
    let mut end = end;
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let piece = block.get_mut(..(end - start) as usize).unwrap_or_default();
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(piece)?;
        if let Some(at) = piece.iter().rposition(|&b| b == b'\n') {
            return Ok(Some(start + at as u64));
        }
        end = start;
    }
    Ok(None)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn status_indexes_are_a_permutation() {
        let issuer = crate::issue::Issuer::new(crate::jwk::PrivateJwk {
            kid: Some("k".to_owned()),
            secret: crate::ed25519::SecretKey::from_seed(&[9; 32]),
        });
        for size in [1u64, 5, 64, 1000] {
            let allocation = StatusAllocation::new(&issuer, "https://x.example/s".to_owned(), size).unwrap();
            let mut seen: Vec<u64> = (0..size).map(|n| allocation.index(n).unwrap()).collect();
            if size == 1000 {
                // Not the identity: neighbours do not get neighbouring entries.
                assert!(seen.iter().take(10).enumerate().filter(|(n, i)| *n as u64 == **i).count() < 3);
            }
            seen.sort_unstable();
            assert_eq!(seen, (0..size).collect::<Vec<_>>(), "size {size}");
            assert_eq!(allocation.index(size).unwrap_err().code(), ErrorCode::StatusInvalid);
        }
    }
}
