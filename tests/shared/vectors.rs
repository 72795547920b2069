//! Public Ed25519 and JOSE vectors: Wycheproof, RFC 8032 §7.1, RFC 8037 Appendix A.

use edgescore::ed25519::{PreparedKey, PublicKey, SecretKey};
use edgescore::json::{self, Value};
use edgescore::jwk::{Jwk, PrivateJwk};
use edgescore::jws::{self, TokenKind};
use edgescore::{b64, ErrorCode};

const WYCHEPROOF: &str = include_str!("../vectors/wycheproof_ed25519_test.json");
const RFC8032: &str = include_str!("../vectors/rfc8032.txt");
const RFC8037: &str = include_str!("../vectors/rfc8037.txt");

fn hex(text: &str) -> Vec<u8> {
    let clean: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..clean.len()).step_by(2).map(|i| u8::from_str_radix(&clean[i..i + 2], 16).unwrap()).collect()
}

pub(crate) fn wycheproof_every_case_agrees() {
    let doc = json::parse_object(WYCHEPROOF.as_bytes()).unwrap();
    let groups = doc.get("testGroups").and_then(Value::as_array).unwrap();
    let (mut valid, mut invalid, mut disagreements) = (0, 0, Vec::new());
    for group in groups {
        let group = group.as_object().unwrap();
        let pk_hex = group.get("publicKey").unwrap().as_object().unwrap().get("pk").unwrap().as_str().unwrap();
        let key = PublicKey::from_bytes(&hex(pk_hex));
        for test in group.get("tests").and_then(Value::as_array).unwrap() {
            let test = test.as_object().unwrap();
            let id = test.get("tcId").and_then(Value::as_i64).unwrap();
            let msg = hex(test.get("msg").and_then(Value::as_str).unwrap());
            let sig = hex(test.get("sig").and_then(Value::as_str).unwrap());
            let expected_valid = match test.get("result").and_then(Value::as_str).unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {id}: result {other}"),
            };
            let accepted = match &key {
                Ok(key) => {
                    let plain = key.verify_strict(&msg, &sig).is_ok();
                    let prepared = PreparedKey::new(*key).verify_strict(&msg, &sig).is_ok();
                    let with_tables = PreparedKey::with_tables(*key).verify_strict(&msg, &sig).is_ok();
                    assert_eq!(plain, prepared, "tcId {id}: prepared and plain verification disagree");
                    assert_eq!(plain, with_tables, "tcId {id}: verification with tables disagrees");
                    plain
                }
                Err(_) => false,
            };
            if accepted != expected_valid {
                disagreements.push(id);
            }
            if expected_valid {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
    }
    assert!(disagreements.is_empty(), "disagree with Wycheproof on tcId {disagreements:?}");
    assert_eq!((valid, invalid), (88, 63), "case counts");
}

pub(crate) fn rfc8032_section_7_1() {
    let mut count = 0;
    for block in RFC8032.split("-----TEST ").skip(1) {
        let field = |name: &str| -> Vec<u8> {
            let start = block.find(name).unwrap() + name.len();
            let rest = &block[start..];
            let rest = &rest[rest.find('\n').map_or(0, |n| n + 1)..];
            let end = rest.find(|c: char| c.is_ascii_uppercase()).unwrap_or(rest.len());
            hex(&rest[..end])
        };
        let secret =
            hex(block.lines().find(|l| l.starts_with("SECRET KEY:")).unwrap().trim_start_matches("SECRET KEY:"));
        let public =
            hex(block.lines().find(|l| l.starts_with("PUBLIC KEY:")).unwrap().trim_start_matches("PUBLIC KEY:"));
        let message = field("MESSAGE (length");
        let signature = field("SIGNATURE:");
        assert_eq!(signature.len(), 64);
        let key = SecretKey::from_seed_slice(&secret).unwrap();
        assert_eq!(key.public_key().to_bytes().to_vec(), public);
        assert_eq!(key.sign(&message).to_vec(), signature, "deterministic signature");
        let public = PublicKey::from_bytes(&public).unwrap();
        public.verify_strict(&message, &signature).unwrap();
        let mut flipped = message.clone();
        flipped.push(0);
        assert_eq!(public.verify_strict(&flipped, &signature).unwrap_err().code(), ErrorCode::SignatureInvalid);
        count += 1;
    }
    assert_eq!(count, 5);
}

fn rfc8037_line(label: &str) -> &'static str {
    RFC8037
        .lines()
        .find_map(|line| {
            let rest = line.trim_start().strip_prefix(label)?.trim_start();
            rest.strip_prefix(':').map(str::trim)
        })
        .unwrap()
}

pub(crate) fn rfc8037_appendix_a() {
    let private_text = &RFC8037[RFC8037.find("{\"kty\"").unwrap()..];
    let private_text = &private_text[..private_text.find('}').unwrap() + 1];
    let private = PrivateJwk::parse(private_text.as_bytes()).unwrap();
    let public_text = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let public = Jwk::from_object(&json::parse_object(public_text.as_bytes()).unwrap()).unwrap();
    assert_eq!(private.public_jwk().key(), public.key());
    assert_eq!(public.thumbprint(), rfc8037_line("thumbprint"));

    let compact = RFC8037.lines().skip_while(|l| !l.contains("JWS (compact)")).nth(1).unwrap().trim();
    let signing_input = rfc8037_line("signing input");
    let signature = b64::decode(rfc8037_line("signature (b64url)"), "sig").unwrap();
    assert_eq!(private.secret.sign(signing_input.as_bytes()).to_vec(), signature);
    public.key().verify_strict(signing_input.as_bytes(), &signature).unwrap();
    assert!(compact.starts_with(signing_input));

    // As a token the RFC example has no typ or kid, and its payload is text, not claims:
    // edgescore's JWS reader refuses it for the header rules, never for the signature.
    assert_eq!(jws::parse(compact, TokenKind::Snapshot).unwrap_err().code(), ErrorCode::WrongType);
}
