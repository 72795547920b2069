//! Decision receipts: signed by the merchant's key for a decision, verified with its key set;
//! what they carry and what they never carry; every way a receipt can be refused.

use edgescore::b64;
use edgescore::demo::{self, holder_key, issue_for, people, status_list_token};
use edgescore::ed25519::SecretKey;
use edgescore::issue::{present, KeyBinding};
use edgescore::json::{self, Object, Value};
use edgescore::jwk::{Jwks, PrivateJwk};
use edgescore::jws::{self, SigningAlg, TokenKind};
use edgescore::policy::{OrderContext, Policy};
use edgescore::receipt::{
    jti_hash, verify_receipt, ReceiptClaims, ReceiptKey, ReceiptRequest, ReceiptVerifyOptions, VerifiedReceipt,
};
use edgescore::scorer::{Disclosure, ScoreRequest, Scorer};
use edgescore::snapshot::VerifyOptions;
use edgescore::ErrorCode;

const NOW: i64 = 1_790_000_000;
const AUDIENCE: &str = "https://rentals.example";
const NONCE: &str = "receipt-test-nonce-0001";

fn merchant_key(seed: u8, kid: &str) -> ReceiptKey {
    ReceiptKey::new(PrivateJwk { kid: Some(kid.to_owned()), secret: SecretKey::from_seed(&[seed; 32]) })
}

fn merchant_jwks(keys: &[&ReceiptKey]) -> Jwks {
    Jwks::from_jwks(keys.iter().map(|key| key.public_jwk())).unwrap()
}

fn scorer() -> Scorer {
    let options = VerifyOptions { audience: Some(AUDIENCE.to_owned()), ..VerifyOptions::default() };
    let mut scorer =
        Scorer::new(demo::jwks().unwrap(), demo::consumer_model().unwrap(), Policy::default_rentals(), options)
            .unwrap();
    scorer.add_status_list(&status_list_token(NOW, 300, &[]).unwrap(), NOW).unwrap();
    scorer
}

/// Lin's bound presentation for `NONCE`, disclosing every feature.
fn presentation() -> (String, String) {
    let everyone = people().unwrap();
    let (index, lin) = everyone.iter().enumerate().find(|(_, person)| person.id == "lin").unwrap();
    let snapshot = issue_for(lin, index as u64, NOW - 60, &[]).unwrap();
    let key = holder_key("lin");
    let binding = KeyBinding { key: &key, nonce: NONCE, audience: AUDIENCE, issued_at: NOW };
    (present(&snapshot, None, Some(binding)).unwrap(), format!("demo-lin-{}", NOW - 60))
}

fn request(disclose: Disclosure) -> ScoreRequest<'static> {
    let context = OrderContext {
        deposit: Some(39_900),
        order_value: Some(120_000),
        currency: Some("CNY".to_owned()),
        item: Some("e-bike".to_owned()),
    };
    ScoreRequest { now: NOW, nonce: Some(NONCE), context, disclose }
}

fn receipt_for(disclose: Disclosure, key: &ReceiptKey, order: Option<&str>) -> (Object, String) {
    let (presentation, _) = presentation();
    let ask = ReceiptRequest { id: "d-2f6c1a", order_reference: order };
    let (result, token) = scorer().score_with_receipt(&presentation, &request(disclose), key, ask).unwrap();
    (result.to_object(), token)
}

fn verify(token: &str, keys: &Jwks) -> edgescore::Result<VerifiedReceipt> {
    verify_receipt(token, keys, &ReceiptVerifyOptions::default())
}

#[test]
fn a_decision_gets_a_receipt_that_says_what_was_decided_and_nothing_about_the_person() {
    let key = merchant_key(7, "merchant-2026-12");
    let (result, token) = receipt_for(Disclosure::Band, &key, Some("order-1042"));
    let verified = verify(&token, &merchant_jwks(&[&key])).unwrap();
    assert_eq!(verified.kid(), "merchant-2026-12");
    let claims = verified.claims();
    assert_eq!(claims.iss, AUDIENCE);
    assert_eq!(claims.jti, "d-2f6c1a");
    assert_eq!(claims.iat, NOW);
    assert_eq!(Some(claims.decision.id()), result.get("decision").and_then(Value::as_str));
    assert_eq!(Some(claims.band.as_str()), result.get("band").and_then(Value::as_str));
    assert_eq!(Some(claims.rule.as_str()), result.get("rule").and_then(Value::as_str));
    assert_eq!(claims.status.as_deref(), Some("valid"));
    let model = result.get("model").and_then(Value::as_object).unwrap();
    assert_eq!(Some(claims.model.digest.as_str()), model.get("digest").and_then(Value::as_str));
    assert_eq!(claims.snapshot.iss, demo::DEMO_ISSUER);
    let (_, jti) = presentation();
    assert_eq!(claims.snapshot.jti_hash.as_deref(), Some(jti_hash(&jti).as_str()));
    assert_eq!(claims.order.reference.as_deref(), Some("order-1042"));
    assert_eq!((claims.order.item.as_deref(), claims.order.deposit), (Some("e-bike"), Some(39_900)));
    assert_eq!(claims.score, None, "band disclosure: no score");

    // The payload as signed: exactly these members, no feature, sub-score or reason, and the
    // snapshot's jti only as a hash.
    let payload = String::from_utf8(b64::decode(token.split('.').nth(1).unwrap(), "payload").unwrap()).unwrap();
    let object = json::parse_object(payload.as_bytes()).unwrap();
    let members: Vec<&str> = object.iter().map(|(name, _)| name).collect();
    assert_eq!(
        members,
        [
            "format_version",
            "iss",
            "jti",
            "iat",
            "decision",
            "rule",
            "band",
            "deposit",
            "status",
            "model",
            "snapshot",
            "order"
        ]
    );
    for hidden in [jti.as_str(), "repay_on_time_ratio_24m", "demo-lin", "reasons", "dimensions", "score"] {
        assert!(!payload.contains(hidden), "{hidden} in {payload}");
    }
    let header = String::from_utf8(b64::decode(token.split('.').next().unwrap(), "header").unwrap()).unwrap();
    assert_eq!(header, r#"{"alg":"EdDSA","typ":"edgescore-receipt+jwt","kid":"merchant-2026-12"}"#);
}

#[test]
fn the_score_only_when_the_result_disclosed_it() {
    let key = merchant_key(7, "m");
    let (result, token) = receipt_for(Disclosure::Full, &key, None);
    let claims = verify(&token, &merchant_jwks(&[&key])).unwrap().claims().clone();
    assert_eq!(claims.score.map(|score| score.to_string()), result.get("score").map(Value::to_json));
    assert!(claims.score.is_some());
    assert_eq!(claims.order.reference, None);
}

/// A receipt token with `edit` applied to the claims of a valid one, signed by `key`.
fn resigned(key: &ReceiptKey, seed: u8, edit: impl FnOnce(&mut Object)) -> String {
    let (_, token) = receipt_for(Disclosure::Band, key, Some("order-1"));
    let payload = b64::decode(token.split('.').nth(1).unwrap(), "payload").unwrap();
    let mut claims = json::parse_object(&payload).unwrap();
    edit(&mut claims);
    jws::sign(
        TokenKind::Receipt,
        SigningAlg::EdDsa,
        Some(key.kid()),
        claims.to_json().as_bytes(),
        &SecretKey::from_seed(&[seed; 32]),
    )
    .unwrap()
}

#[test]
fn every_way_a_receipt_is_refused() {
    let key = merchant_key(7, "m");
    let keys = merchant_jwks(&[&key]);
    let (_, good) = receipt_for(Disclosure::Band, &key, Some("order-1"));
    let mut flipped = good.clone().into_bytes();
    let at = good.find('.').unwrap() + 10;
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    let other_merchant = merchant_key(9, "m");
    let (_, by_other) = receipt_for(Disclosure::Band, &other_merchant, None);
    let (_, unknown_kid) = receipt_for(Disclosure::Band, &merchant_key(7, "retired"), None);
    let snapshot_typ = {
        let payload = b64::decode(good.split('.').nth(1).unwrap(), "payload").unwrap();
        jws::sign(TokenKind::Snapshot, SigningAlg::EdDsa, Some("m"), &payload, &SecretKey::from_seed(&[7; 32])).unwrap()
    };
    let cases: Vec<(&str, String, ErrorCode)> = vec![
        ("a flipped payload byte", String::from_utf8(flipped).unwrap(), ErrorCode::SignatureInvalid),
        ("signed by another merchant's key under the same kid", by_other, ErrorCode::SignatureInvalid),
        ("a kid not in the key set", unknown_kid, ErrorCode::UnknownKid),
        ("a snapshot's typ", snapshot_typ, ErrorCode::WrongType),
        ("format_version 2", resigned(&key, 7, |c| c.insert("format_version", 2i64)), ErrorCode::UnsupportedVersion),
        ("no format_version", resigned(&key, 7, |c| drop(c.remove("format_version"))), ErrorCode::ClaimInvalid),
        ("an unknown member", resigned(&key, 7, |c| c.insert("features", Object::new())), ErrorCode::ClaimInvalid),
        ("a decision not in the list", resigned(&key, 7, |c| c.insert("decision", "approve")), ErrorCode::ClaimInvalid),
        ("jti with a space", resigned(&key, 7, |c| c.insert("jti", "a b")), ErrorCode::ClaimInvalid),
        ("a negative deposit", resigned(&key, 7, |c| c.insert("deposit", -1i64)), ErrorCode::ClaimInvalid),
        (
            "a digest that is not one",
            resigned(&key, 7, |c| {
                c.insert("model", Object::new().with("id", "x").with("version", "1").with("digest", "md5:00"))
            }),
            ErrorCode::ClaimInvalid,
        ),
        ("iat as a string", resigned(&key, 7, |c| c.insert("iat", "1790000000")), ErrorCode::ClaimInvalid),
        ("not a JWS", "receipt".to_owned(), ErrorCode::Malformed),
        ("over 8 KiB", resigned(&key, 7, |c| c.insert("rule", "r".repeat(9000))), ErrorCode::TooLarge),
    ];
    for (what, token, code) in cases {
        assert_eq!(verify(&token, &keys).map(|_| ()).unwrap_err().code(), code, "{what}");
    }
    // The expected merchant and the clock, when the verifier gives them.
    let expecting = |issuer: &str, now: Option<i64>| ReceiptVerifyOptions {
        issuer: Some(issuer.to_owned()),
        now,
        leeway_seconds: 60,
    };
    assert!(verify_receipt(&good, &keys, &expecting(AUDIENCE, Some(NOW))).is_ok());
    assert!(verify_receipt(&good, &keys, &expecting(AUDIENCE, Some(NOW - 60))).is_ok());
    let refused = |options| verify_receipt(&good, &keys, &options).unwrap_err().code();
    assert_eq!(refused(expecting("https://other-merchant.example", None)), ErrorCode::Issuer);
    assert_eq!(refused(expecting(AUDIENCE, Some(NOW - 61))), ErrorCode::NotYetValid);
}

#[test]
fn a_rotated_merchant_key_set_still_verifies_old_receipts() {
    let old = merchant_key(7, "merchant-2026-11");
    let new = merchant_key(8, "merchant-2026-12");
    let (_, before) = receipt_for(Disclosure::Band, &old, None);
    let (_, after) = receipt_for(Disclosure::Band, &new, None);
    let both = merchant_jwks(&[&old, &new]);
    assert_eq!(verify(&before, &both).unwrap().kid(), "merchant-2026-11");
    assert_eq!(verify(&after, &both).unwrap().kid(), "merchant-2026-12");
}

#[test]
fn bad_receipt_requests_and_scorers_without_a_merchant_sign_nothing() {
    let key = merchant_key(7, "m");
    let (presentation, _) = presentation();
    for id in ["", "has space", &"x".repeat(129), "naïve"] {
        let ask = ReceiptRequest { id, order_reference: None };
        let error = scorer().score_with_receipt(&presentation, &request(Disclosure::Band), &key, ask).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ClaimInvalid, "{id:?}");
    }
    let ask = ReceiptRequest { id: "d-1", order_reference: Some("line\nbreak") };
    let error = scorer().score_with_receipt(&presentation, &request(Disclosure::Band), &key, ask).unwrap_err();
    assert_eq!(error.code(), ErrorCode::ClaimInvalid);
    let no_audience = Scorer::new(
        demo::jwks().unwrap(),
        demo::consumer_model().unwrap(),
        Policy::default_rentals(),
        VerifyOptions::default(),
    )
    .unwrap();
    let ask = ReceiptRequest { id: "d-1", order_reference: None };
    let error = no_audience.score_with_receipt(&presentation, &request(Disclosure::Band), &key, ask).unwrap_err();
    assert_eq!(error.code(), ErrorCode::ConfigInvalid);
    // A refused presentation gets no receipt: the refusal itself.
    let stale = ScoreRequest { now: NOW + 3_600, ..request(Disclosure::Band) };
    let error = scorer().score_with_receipt(&presentation, &stale, &key, ask).unwrap_err();
    assert_eq!(error.code(), ErrorCode::TooOld);
    // The claims a scorer writes pass the verifier's own check.
    let claims: ReceiptClaims = {
        let (_, token) = receipt_for(Disclosure::Band, &key, None);
        verify(&token, &merchant_jwks(&[&key])).unwrap().claims().clone()
    };
    assert!(claims.validate().is_ok());
}
