//! Embedded demo material so edgescore can be tried without making keys: **demo only, never
//! for real decisions.** The demo models say so in their id (`demo-…`), in `"demo": true`
//! (which every result repeats as `model.demo`) and in their titles.
//!
//! Always embedded: the demo issuer's public JWKS and the two signed demo models (consumer and
//! small-business seller). With the `demo-issuer` feature (the CLI, tests): the demo issuer's
//! private key and the demo people, so fresh snapshots can be issued. The WebAssembly package
//! never carries a private key.

use crate::error::Result;
use crate::jwk::Jwks;
use crate::model::SignedModel;

/// The demo issuer's `iss`.
pub const DEMO_ISSUER: &str = "https://demo-bureau.example";
/// The demo issuer key's `kid`.
pub const DEMO_KID: &str = "demo-bureau-2026-11";
/// The URI of the demo issuer's status list (`status.status_list.uri` of demo snapshots, the
/// list token's `sub`).
pub const DEMO_STATUS_LIST_URI: &str = "https://demo-bureau.example/status/1";
/// The demo issuer's public JWKS.
pub const DEMO_JWKS_JSON: &str = include_str!("assets/demo/issuer.jwks.json");
/// The demo consumer model, as written (unsigned source).
pub const DEMO_CONSUMER_MODEL_JSON: &str = include_str!("assets/models/consumer.json");
/// The demo seller model, as written (unsigned source).
pub const DEMO_SELLER_MODEL_JSON: &str = include_str!("assets/models/seller.json");
/// The demo consumer model signed by the demo issuer.
pub const DEMO_CONSUMER_MODEL_JWS: &str = include_str!("assets/models/consumer.model.jws");
/// The demo seller model signed by the demo issuer.
pub const DEMO_SELLER_MODEL_JWS: &str = include_str!("assets/models/seller.model.jws");

/// The demo issuer's public keys.
pub fn jwks() -> Result<Jwks> {
    Jwks::parse(DEMO_JWKS_JSON.as_bytes())
}

/// The signed demo consumer model, verified with the demo JWKS.
pub fn consumer_model() -> Result<SignedModel> {
    SignedModel::verify(DEMO_CONSUMER_MODEL_JWS.trim(), &jwks()?)
}

/// The signed demo seller model, verified with the demo JWKS.
pub fn seller_model() -> Result<SignedModel> {
    SignedModel::verify(DEMO_SELLER_MODEL_JWS.trim(), &jwks()?)
}

#[cfg(feature = "demo-issuer")]
pub use issuer_side::*;

#[cfg(feature = "demo-issuer")]
mod issuer_side {
    use serde::Deserialize;
    use sha2::{Digest, Sha256};

    use crate::ed25519::SecretKey;
    use crate::error::{ErrorCode, Result};
    use crate::issue::{schema_features, DerivedSalts, Issuer, SnapshotClaims, StatusListToken};
    use crate::json::{self, Object};
    use crate::jwk::{Jwk, PrivateJwk};
    use crate::status::{Status, StatusList, StatusReference};

    use super::{DEMO_ISSUER, DEMO_STATUS_LIST_URI};

    /// The demo issuer's private key (a JWK). Published on purpose: demo only.
    pub const DEMO_ISSUER_PRIVATE_JWK: &str = include_str!("assets/demo/issuer-private.jwk.json");
    /// The demo people and their features.
    pub const DEMO_PEOPLE_JSON: &str = include_str!("assets/demo/people.json");
    /// The lifetime of a demo snapshot (30 days, as a monthly refresh).
    pub const DEMO_SNAPSHOT_LIFETIME_SECONDS: i64 = 30 * 24 * 3600;

    /// The demo issuer.
    pub fn issuer() -> Result<Issuer> {
        Ok(Issuer::new(PrivateJwk::parse(DEMO_ISSUER_PRIVATE_JWK.as_bytes())?))
    }

    /// A demo person.
    #[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DemoPerson {
        /// Short id (`lin`, `chen`, …), also the snapshot's `sub` after `demo-`.
        pub id: String,
        /// Display name.
        pub name: String,
        /// One line about them.
        pub about: String,
        /// `consumer` or `seller`.
        pub model: String,
        /// The feature schema id.
        pub schema: String,
        /// Their features.
        pub features: Object,
    }

    /// The demo people.
    pub fn people() -> Result<Vec<DemoPerson>> {
        #[derive(Deserialize)]
        struct DemoPeople {
            people: Vec<DemoPerson>,
        }
        let root = json::parse(DEMO_PEOPLE_JSON.as_bytes())?;
        let people: DemoPeople =
            json::from_value(&root).map_err(|e| e.into_error(ErrorCode::Malformed).context("demo people"))?;
        Ok(people.people)
    }

    /// A demo person's holder key, derived from their id (so the wallet demo can present).
    pub fn holder_key(person_id: &str) -> SecretKey {
        let seed: [u8; 32] = Sha256::digest(format!("edgescore demo holder key: {person_id}").as_bytes()).into();
        SecretKey::from_seed(&seed)
    }

    /// How long a verifier may cache the demo status list (`ttl`): five minutes.
    pub const DEMO_STATUS_LIST_TTL_SECONDS: i64 = 300;
    /// The lifetime of a demo status list token (`exp − iat`): one day.
    pub const DEMO_STATUS_LIST_LIFETIME_SECONDS: i64 = 86_400;

    /// A fresh demo snapshot (SD-JWT, issuance form) for the person at `index` of the demo
    /// people, bound to their holder key, with entry `index` of the demo status list. Salts
    /// are derived from the demo issuer key and the `jti`, so the same `now` gives the same
    /// snapshot.
    pub fn issue_for(person: &DemoPerson, index: u64, now: i64, audience: &[String]) -> Result<String> {
        let holder = holder_key(&person.id);
        let issuer = issuer()?;
        let claims = SnapshotClaims {
            issuer: DEMO_ISSUER.to_owned(),
            subject: format!("demo-{}", person.id),
            jti: format!("demo-{}-{now}", person.id),
            issued_at: now,
            not_before: None,
            expires_at: now.saturating_add(DEMO_SNAPSHOT_LIFETIME_SECONDS),
            audience: audience.to_vec(),
            schema: person.schema.clone(),
            features: match person.model.as_str() {
                "seller" => schema_features(super::seller_model()?.model(), &person.features),
                _ => schema_features(super::consumer_model()?.model(), &person.features),
            },
            holder: Some(Jwk::new(holder.public_key(), None)),
            status: Some(StatusReference { index, uri: DEMO_STATUS_LIST_URI.to_owned() }),
            decoys: 0,
        };
        let mut salts = DerivedSalts::new(DerivedSalts::key_for(&issuer), claims.jti.clone());
        issuer.issue(&claims, &mut salts)
    }

    /// The demo status list token at `now` with `ttl` (seconds): one 2-bit entry per demo
    /// person (their index in the demo people), valid unless `statuses` says otherwise.
    pub fn status_list_token(now: i64, ttl: i64, statuses: &[(u64, Status)]) -> Result<String> {
        let mut list = StatusList::new(2, 64)?;
        for (index, status) in statuses {
            list.set(*index, status.value())?;
        }
        issuer()?.sign_status_list(&StatusListToken {
            uri: DEMO_STATUS_LIST_URI,
            issuer: Some(DEMO_ISSUER),
            issued_at: now,
            expires_at: Some(now.saturating_add(DEMO_STATUS_LIST_LIFETIME_SECONDS)),
            ttl: Some(ttl),
            list: &list,
        })
    }
}
