//! Batch issuance: features lines in, signed snapshot lines out.
//!
//! **Input** (JSON Lines, as `features` writes): `{"sub":…,"schema":…,"features":{…}}` with
//! an optional `"holder"` (a public JWK, written as `cnf.jwk`). Unknown members are refused.
//! The features are checked against the model of their schema before signing.
//!
//! **Output** (JSON Lines, in input order): `{"line":N,"sub":…,"iat":…,"snapshot":"…"}`, `N`
//! the 1-based input line number. Bad rows become error lines `{"line":N,"error":{…}}`.
//!
//! **Shards.** `--shard i/n` takes the input lines whose number `N` has `(N − 1) mod n = i`.
//! By line number, not by a hash of `sub`: a task skips the other shards' lines without
//! parsing them (a byte scan for line ends), which matters when each of `n` tasks reads the
//! whole file; it is deterministic and independent of thread count. All tasks must read the
//! same input file.
//!
//! **Resume.** Output is written in input order, so the last complete output line names the
//! last input line done. A restarted run drops a partial last line, skips every input line up
//! to that number, trims the error file back to the same point, and reuses the `iat` of the
//! output (unless `--now` says otherwise). Error lines of a chunk are flushed before its
//! output lines, so nothing reported can be missing from a resumed run. `jti` is derived
//! from the key id, `sub` and `iat` (see [`BatchIssuer::jti`]), so with a fixed `--now` a
//! resumed output is byte for byte the output of an uninterrupted run.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::b64;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::issue::{Issuer, SnapshotClaims};
use crate::json::{self, Object, Value};
use crate::jwk::Jwk;
use crate::model::Model;

/// The longest input line accepted (a snapshot is at most 8 KiB).
pub const MAX_BATCH_LINE_BYTES: usize = 64 * 1024;

/// One shard of `count`: the lines `N` with `(N − 1) mod count = index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// The whole input.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `i/n` with `0 ≤ i < n`.
    pub fn parse(text: &str) -> Option<Shard> {
        let (index, count) = text.split_once('/')?;
        let shard = Shard { index: index.trim().parse().ok()?, count: count.trim().parse().ok()? };
        (shard.count > 0 && shard.index < shard.count).then_some(shard)
    }

    /// Whether input line `line` (1-based) is in this shard.
    pub fn owns(&self, line: u64) -> bool {
        line > 0 && (line - 1) % self.count == self.index
    }
}

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
        })
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

    /// Signs one input row and returns its output line (without line ending).
    pub fn issue_row(&self, line: u64, bytes: &[u8]) -> Result<String> {
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
        let (sub, schema, features) = (row.sub, row.schema, row.features);
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
        };
        let snapshot = self.issuer.issue(&claims)?;
        Ok(Object::new()
            .with("line", line as i64)
            .with("sub", claims.subject)
            .with("iat", self.issued_at)
            .with("snapshot", snapshot)
            .to_json())
    }
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

/// Makes a JSON Lines file written in line order end at a complete line: drops a partial
/// last line, and with `limit` also every line whose `"line"` is above it. Returns the last
/// kept line, parsed (`None` when the file is left empty). A kept line that is not a JSON
/// object with a `"line"` number is `ERR_MALFORMED` (not a file this command wrote).
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
        let parsed = json::parse_object(&line).ok().filter(|o| o.get("line").and_then(Value::as_i64).is_some());
        let Some(object) = parsed else {
            return Ok(Err(Error::new(ErrorCode::Malformed, "the last line was not written by issue-batch")));
        };
        let number = object.get("line").and_then(Value::as_i64).unwrap_or(0);
        if limit.is_some_and(|limit| number > limit as i64) {
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
    fn shards_partition_lines() {
        assert_eq!(Shard::parse("1/3"), Some(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "0/0", "1", "-1/3", "a/b", "1/3/4"] {
            assert_eq!(Shard::parse(bad), None, "{bad}");
        }
        for line in 1..100 {
            let owners = (0..3).filter(|&index| Shard { index, count: 3 }.owns(line)).count();
            assert_eq!(owners, 1);
        }
        assert!(Shard::ALL.owns(1) && !Shard::ALL.owns(0));
    }
}
