//! Property tests: hostile bytes never panic, and no change to a signed SD-JWT (issuer JWT,
//! disclosures or the `~` between them) verifies.

use std::sync::OnceLock;

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::scalar::Scalar;
use edgescore::decimal::Decimal;
use edgescore::ed25519::{PreparedKey, PublicKey, SecretKey};
use edgescore::json;
use edgescore::model::Model;
use edgescore::policy::Policy;
use edgescore::scorer::{ScoreRequest, Scorer};
use edgescore::snapshot::VerifyOptions;
use edgescore::{demo, Jwks};
use proptest::prelude::*;

const NOW: i64 = 1_790_000_000;

fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        Scorer::new(
            demo::jwks().unwrap(),
            demo::consumer_model().unwrap(),
            Policy::default_rentals(),
            VerifyOptions::default(),
        )
        .unwrap()
    })
}

#[cfg(feature = "demo-issuer")]
fn signed_snapshot() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let people = demo::people().unwrap();
        let wang = people.into_iter().find(|p| p.id == "wang").unwrap();
        let claims = edgescore::issue::SnapshotClaims {
            issuer: demo::DEMO_ISSUER.to_owned(),
            subject: "demo-wang".to_owned(),
            jti: "props".to_owned(),
            issued_at: NOW - 60,
            expires_at: NOW + 86_400,
            schema: wang.schema,
            features: edgescore::issue::schema_features(demo::consumer_model().unwrap().model(), &wang.features),
            decoys: 2,
            ..Default::default()
        };
        let mut salts = edgescore::issue::DerivedSalts::new([3; 32], "props");
        demo::issuer().unwrap().issue(&claims, &mut salts).unwrap()
    })
}

fn request() -> ScoreRequest<'static> {
    ScoreRequest { now: NOW, ..ScoreRequest::default() }
}

const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ~";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(scorer().score(&text, &request()).is_err());
        let _ = json::parse(&bytes);
        let _ = Model::parse(&bytes);
        let _ = Policy::parse(&bytes);
        let _ = Jwks::parse(&bytes);
    }

    #[test]
    fn token_shaped_noise_never_verifies(chars in proptest::collection::vec(proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()), 0..600)) {
        let text: String = chars.into_iter().collect();
        prop_assert!(scorer().score(&text, &request()).is_err());
    }

    #[test]
    fn json_shaped_noise_never_panics(text in r#"[\[\]{}",:0-9a-z.eE+\- \\u]{0,400}"#) {
        let _ = json::parse(text.as_bytes());
        let _ = Decimal::parse(&text);
    }

    #[test]
    fn strict_verification_agrees_with_ed25519_dalek(seed in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..64), mutation in 0u8..6, torsion in 0usize..8, byte in any::<prop::sample::Index>()) {
        let secret = SecretKey::from_seed(&seed);
        let mut signature = secret.sign(&message).to_vec();
        let mut message = message;
        match mutation {
            0 => {}
            1 => { let at = byte.index(64); signature[at] ^= 1; }
            2 => message.push(0),
            3 => {
                // R plus a torsion point: mixed-order (or unchanged for the identity).
                let r = curve25519_dalek::edwards::CompressedEdwardsY(signature[..32].try_into().unwrap()).decompress().unwrap();
                signature[..32].copy_from_slice(&(r + EIGHT_TORSION[torsion]).compress().to_bytes());
            }
            4 => {
                // S + L: the same signature with a non-canonical S.
                let mut carry = 0u16;
                let order = (Scalar::ZERO - Scalar::ONE).to_bytes();
                for i in 0..32 {
                    let add = order[i] as u16 + u16::from(i == 0);
                    let sum = signature[32 + i] as u16 + add + carry;
                    signature[32 + i] = sum as u8;
                    carry = sum >> 8;
                }
            }
            _ => { signature = vec![0; 64]; }
        }
        let ours = secret.public_key().verify_strict(&message, &signature).is_ok();
        let prepared = PreparedKey::with_tables(secret.public_key()).verify_strict(&message, &signature).is_ok();
        let dalek_key = ed25519_dalek::VerifyingKey::from_bytes(&secret.public_key().to_bytes()).unwrap();
        let dalek = dalek_key.verify_strict(&message, &ed25519_dalek::Signature::from_slice(&signature).unwrap()).is_ok();
        prop_assert_eq!(ours, dalek);
        prop_assert_eq!(prepared, dalek);
        prop_assert_eq!(ours, mutation == 0 || (mutation == 3 && torsion == 0));
    }

    #[test]
    fn signing_agrees_with_ed25519_dalek(seed in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..300)) {
        use ed25519_dalek::Signer;
        let ours = SecretKey::from_seed(&seed);
        let reference = ed25519_dalek::SigningKey::from_bytes(&seed);
        prop_assert_eq!(ours.public_key().to_bytes(), reference.verifying_key().to_bytes());
        prop_assert_eq!(ours.sign(&message).to_vec(), reference.sign(&message).to_bytes().to_vec());
    }

    #[test]
    fn torsion_check_agrees_with_curve25519_dalek(scalar in any::<[u8; 32]>(), torsion in 0usize..8) {
        let point = ED25519_BASEPOINT_POINT * Scalar::from_bytes_mod_order(scalar) + EIGHT_TORSION[torsion];
        let accepted = PublicKey::from_bytes(&point.compress().to_bytes()).is_ok();
        let expected = point.is_torsion_free() && !point.is_small_order();
        prop_assert_eq!(accepted, expected);
    }

    #[test]
    fn decimal_order_matches_integers(a in any::<i64>(), b in any::<i64>(), shift in 0u32..12) {
        // a / 10^shift vs b / 10^shift, written as decimal text, compare like a vs b.
        let text = |n: i64| {
            let digits = n.unsigned_abs().to_string();
            let padded = format!("{digits:0>width$}", width = shift as usize + 1);
            let (whole, fraction) = padded.split_at(padded.len() - shift as usize);
            let sign = if n < 0 { "-" } else { "" };
            if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
        };
        let (da, db) = (Decimal::parse(&text(a)).unwrap(), Decimal::parse(&text(b)).unwrap());
        prop_assert_eq!(da.cmp(&db), a.cmp(&b));
    }
}

#[cfg(feature = "demo-issuer")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]

    #[test]
    fn any_change_to_a_signed_token_fails(position in any::<prop::sample::Index>(), replacement in proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()), action in 0u8..3) {
        let token = signed_snapshot();
        prop_assert!(scorer().score(token, &request()).is_ok());
        let mut chars: Vec<char> = token.chars().collect();
        let at = position.index(chars.len());
        match action {
            0 => {
                prop_assume!(chars[at] != replacement);
                chars[at] = replacement;
            }
            1 => chars.insert(at, replacement),
            _ => { chars.remove(at); }
        }
        let mutated: String = chars.into_iter().collect();
        prop_assert!(scorer().score(&mutated, &request()).is_err(), "mutation verified: {}", mutated);
    }
}
