//! Builds the hostile-input table `tests/vectors/hostile.json`: one case per rule, each with the
//! code it must give, and positive controls. Deterministic (Ed25519 signing is), so the file is
//! checked against a fresh build on every run; `EDGESCORE_BLESS=1` rewrites it.

use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;
use edgescore::b64;
use edgescore::demo;
use edgescore::ed25519::SecretKey;
use edgescore::issue::{self, DerivedSalts, SaltSource, StatusListToken};
use edgescore::json::{self, Object, Value};
use edgescore::jwk::Jwk;
use edgescore::sdjwt::Disclosure;
use edgescore::snapshot::sd_hash;
use edgescore::status::{StatusList, StatusReference};
use sha2::{Digest, Sha256};

/// The verification time of every case (2026-09-21T14:13:20Z).
pub(crate) const NOW: i64 = 1_790_000_000;
/// The verifier's audience.
pub(crate) const AUDIENCE: &str = "https://rentals.example";
/// The nonce the verifier issued.
pub(crate) const NONCE: &str = "n-0S6_WzA2Mj";
const DAY: i64 = 86_400;
/// The group order L of edwards25519, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn key(label: &str) -> SecretKey {
    SecretKey::from_seed(&Sha256::digest(format!("edgescore test key: {label}")).into())
}

struct Gen {
    issuer: SecretKey,
    attacker: SecretKey,
    holder: SecretKey,
    other_holder: SecretKey,
    /// `~`, then Wang's disclosures, each followed by `~`: what follows the issuer JWT.
    tail: String,
    cases: Vec<Value>,
}

fn header(members: &[(&str, Value)]) -> String {
    let mut object = Object::new();
    for (name, value) in members {
        object.insert(*name, value.clone());
    }
    object.to_json()
}

fn snapshot_header() -> String {
    header(&[("alg", "EdDSA".into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())])
}

fn sign_raw(header: &str, payload: &[u8], key: &SecretKey) -> String {
    let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(payload));
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64::encode(&signature))
}

fn wang_features() -> Object {
    let people = demo::people().expect("demo people");
    let wang = people.into_iter().find(|p| p.id == "wang").expect("wang").features;
    issue::schema_features(demo::consumer_model().unwrap().model(), &wang)
}

/// Deterministic salts for the table (an issuer would draw them at random).
fn salts(context: &str) -> DerivedSalts {
    DerivedSalts::new(Sha256::digest(b"edgescore hostile table salts").into(), context)
}

/// Disclosures of `features`, with deterministic salts.
fn disclosures(features: &Object, context: &str) -> Vec<Disclosure> {
    let mut salts = salts(context);
    features.iter().map(|(name, value)| Disclosure::new(&salts.next_salt(), name, value.clone()).unwrap()).collect()
}

/// `{"_sd":[sorted digests]}` for these disclosures.
fn sd_object(disclosures: &[Disclosure]) -> Object {
    let mut digests: Vec<String> = disclosures.iter().map(Disclosure::digest).collect();
    digests.sort();
    Object::new().with("_sd", digests.into_iter().map(Value::from).collect::<Vec<_>>())
}

/// `~d1~d2~…~`.
fn tail_of(disclosures: &[Disclosure]) -> String {
    let mut tail = "~".to_owned();
    for disclosure in disclosures {
        tail.push_str(&disclosure.encoded);
        tail.push('~');
    }
    tail
}

/// The issuer-signed claims for these features, each selectively disclosable, and the tail
/// that discloses them all.
fn sd_claims(features: &Object, context: &str) -> (Object, String) {
    let disclosures = disclosures(features, context);
    let claims = Object::new()
        .with("iss", demo::DEMO_ISSUER)
        .with("sub", "case-subject")
        .with("jti", "case-jti")
        .with("iat", NOW - 3600)
        .with("exp", NOW + 30 * DAY)
        .with("vct", "edgescore.consumer.v1")
        .with("features", sd_object(&disclosures))
        .with("_sd_alg", "sha-256");
    (claims, tail_of(&disclosures))
}

fn base_claims() -> Object {
    sd_claims(&wang_features(), "wang").0
}

fn with(mut claims: Object, name: &str, value: Value) -> Object {
    claims.insert(name, value);
    claims
}

fn without(mut claims: Object, name: &str) -> Object {
    claims.remove(name);
    claims
}

fn raw(text: &str) -> Value {
    json::parse(text.as_bytes()).expect("literal JSON")
}

/// Replaces the last character of a base64url part with one that decodes to the same bytes
/// but has non-zero trailing bits.
fn with_trailing_bits(part: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let spare_bits = match part.len() % 4 {
        2 => 4,
        3 => 2,
        _ => panic!("part has no trailing bits"),
    };
    let last = *part.as_bytes().last().expect("non-empty");
    let index = ALPHABET.iter().position(|c| *c == last).expect("base64url");
    assert_eq!(index % (1 << spare_bits), 0, "trailing bits already set");
    let changed = ALPHABET[index | 1] as char;
    format!("{}{}", &part[..part.len() - 1], changed)
}

fn parts(token: &str) -> (String, String, String) {
    let mut split = token.split('.');
    (split.next().unwrap().to_owned(), split.next().unwrap().to_owned(), split.next().unwrap().to_owned())
}

fn signature_bytes(token: &str) -> Vec<u8> {
    b64::decode(&parts(token).2, "signature").unwrap()
}

fn with_signature(token: &str, signature: &[u8]) -> String {
    let (h, p, _) = parts(token);
    format!("{h}.{p}.{}", b64::encode(signature))
}

/// `a + b` for little-endian 256-bit numbers (no overflow for S < L).
fn add_le(a: &[u8], b: &[u8; 32]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = a[i] as u16 + b[i] as u16 + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

impl Gen {
    fn new() -> Gen {
        let jwk = edgescore::jwk::PrivateJwk::parse(demo::DEMO_ISSUER_PRIVATE_JWK.as_bytes()).unwrap();
        Gen {
            issuer: jwk.secret,
            attacker: key("attacker"),
            holder: key("holder"),
            other_holder: key("other holder"),
            tail: sd_claims(&wang_features(), "wang").1,
            cases: Vec::new(),
        }
    }

    /// Everything a key-binding JWT over `jwt` with every disclosure hashes.
    fn hashed(&self, jwt: &str) -> String {
        format!("{jwt}{}", self.tail)
    }

    fn signed(&self, claims: &Object) -> String {
        sign_raw(&snapshot_header(), claims.to_json().as_bytes(), &self.issuer)
    }

    fn bound_claims(&self) -> Object {
        with(
            base_claims(),
            "cnf",
            Object::new().with("jwk", Jwk::new(self.holder.public_key(), None).to_object()).into(),
        )
    }

    fn kb(&self, claims: Object, key: &SecretKey) -> String {
        let header = header(&[("alg", "EdDSA".into()), ("typ", "kb+jwt".into())]);
        sign_raw(&header, claims.to_json().as_bytes(), key)
    }

    /// Key-binding claims over `jwt` followed by every disclosure.
    fn kb_claims(&self, jwt: &str) -> Object {
        Object::new()
            .with("nonce", NONCE)
            .with("aud", AUDIENCE)
            .with("iat", NOW - 5)
            .with("sd_hash", sd_hash(&self.hashed(jwt)))
    }

    /// A case: the issuer JWT `jwt` with every disclosure, no key binding.
    fn case(&mut self, name: &str, rule: &str, jwt: &str, expect: &str) {
        let presentation = self.hashed(jwt);
        self.case_sd(name, rule, &presentation, false, None, expect);
    }

    fn case_with(&mut self, name: &str, rule: &str, jwt: &str, options: Object, expect: &str) {
        let presentation = self.hashed(jwt);
        self.case_sd(name, rule, &presentation, false, Some(options), expect);
    }

    /// A case: the issuer JWT `jwt` with every disclosure and the key-binding JWT `kb`.
    fn case_bound(&mut self, name: &str, rule: &str, jwt: &str, kb: &str, expect: &str) {
        let presentation = format!("{}{kb}", self.hashed(jwt));
        self.case_sd(name, rule, &presentation, true, None, expect);
    }

    /// A case on a whole SD-JWT string, with the verifier's nonce when `nonce`.
    fn case_sd(&mut self, name: &str, rule: &str, sd_jwt: &str, nonce: bool, options: Option<Object>, expect: &str) {
        let mut case = Object::new().with("name", name).with("rule", rule).with("snapshot", sd_jwt);
        if nonce {
            case.insert("nonce", NONCE);
        }
        if let Some(options) = options {
            case.insert("options", options);
        }
        case.insert("expect", expect);
        self.cases.push(case.into());
    }

    /// A case whose verifier holds the status list `list` (and, with `options`, a policy
    /// that refuses when no current list is held).
    fn case_status(&mut self, name: &str, rule: &str, sd_jwt: &str, list: Option<&str>, options: Object, expect: &str) {
        let mut case = Object::new().with("name", name).with("rule", rule).with("snapshot", sd_jwt);
        if let Some(list) = list {
            case.insert("status_list", list);
        }
        case.insert("options", options);
        case.insert("expect", expect);
        self.cases.push(case.into());
    }
}

/// The whole table as JSON text.
pub(crate) fn build() -> String {
    let mut g = Gen::new();
    let good = g.signed(&base_claims());
    let (gh, gp, gs) = parts(&good);

    // Positive controls.
    g.case("ok_unbound", "control: a valid unbound snapshot scores", &good, "ok:good");
    let bound = g.signed(&g.bound_claims());
    let kb_ok = g.kb(g.kb_claims(&bound), &g.holder);
    g.case_bound("ok_bound", "control: a bound snapshot with a valid presentation", &bound, &kb_ok, "ok:good");
    let ed25519_alg = sign_raw(
        &header(&[("alg", "Ed25519".into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]),
        base_claims().to_json().as_bytes(),
        &g.issuer,
    );
    g.case("ok_alg_ed25519", "alg: the fully-specified name Ed25519 is accepted", &ed25519_alg, "ok:good");
    let typ_variant = sign_raw(
        &header(&[("alg", "EdDSA".into()), ("typ", "application/DC+SD-JWT".into()), ("kid", demo::DEMO_KID.into())]),
        base_claims().to_json().as_bytes(),
        &g.issuer,
    );
    g.case(
        "ok_typ_media_type_form",
        "typ: compared case-insensitively, application/ prefix optional",
        &typ_variant,
        "ok:good",
    );
    let in_leeway = g.signed(&with(base_claims(), "exp", (NOW - 30).into()));
    g.case("ok_expired_within_leeway", "exp: 30 s past exp is inside the 60 s leeway", &in_leeway, "ok:good");
    let aud_list = g.signed(&with(base_claims(), "aud", raw(r#"["https://other.example","https://rentals.example"]"#)));
    g.case("ok_aud_array_contains_ours", "aud: an array containing the verifier's audience", &aud_list, "ok:good");

    // Structure and encoding.
    g.case("empty_token", "compact form", "", "ERR_MALFORMED");
    g.case("two_parts", "compact form: three parts", &format!("{gh}.{gp}"), "ERR_MALFORMED");
    g.case("four_parts", "compact form: three parts", &format!("{good}.{gs}"), "ERR_MALFORMED");
    g.case("padding_in_payload", "base64url: no padding", &format!("{gh}.{gp}=.{gs}"), "ERR_MALFORMED");
    g.case("space_inside", "base64url: no whitespace", &format!("{gh}. {gp}.{gs}"), "ERR_MALFORMED");
    g.case("trailing_newline", "base64url: no whitespace", &format!("{good}\n"), "ERR_MALFORMED");
    g.case(
        "standard_alphabet",
        "base64url: URL-safe alphabet only",
        &format!("{gh}.{}.{gs}", gp.replacen(|c: char| c.is_ascii_alphabetic(), "+", 1)),
        "ERR_MALFORMED",
    );
    g.case(
        "signature_trailing_bits",
        "base64url: no non-zero trailing bits",
        &format!("{gh}.{gp}.{}", with_trailing_bits(&gs)),
        "ERR_MALFORMED",
    );
    let short_header = header(&[
        ("alg", "EdDSA".into()),
        ("typ", "dc+sd-jwt".into()),
        ("kid", demo::DEMO_KID.into()),
        ("x", "ab".into()),
    ]);
    let mut odd_header = sign_raw(&short_header, base_claims().to_json().as_bytes(), &g.issuer);
    if parts(&odd_header).0.len() % 4 == 0 {
        let padded = header(&[
            ("alg", "EdDSA".into()),
            ("typ", "dc+sd-jwt".into()),
            ("kid", demo::DEMO_KID.into()),
            ("x", "abc".into()),
        ]);
        odd_header = sign_raw(&padded, base_claims().to_json().as_bytes(), &g.issuer);
    }
    let (oh, op, os) = parts(&odd_header);
    g.case(
        "header_trailing_bits",
        "base64url: no non-zero trailing bits",
        &format!("{}.{op}.{os}", with_trailing_bits(&oh)),
        "ERR_MALFORMED",
    );
    g.case(
        "header_not_json",
        "header: a JSON object",
        &format!("{}.{gp}.{gs}", b64::encode(b"alg=EdDSA")),
        "ERR_MALFORMED",
    );
    g.case(
        "header_json_array",
        "header: a JSON object",
        &format!("{}.{gp}.{gs}", b64::encode(br#"["EdDSA"]"#)),
        "ERR_MALFORMED",
    );
    g.case(
        "header_not_utf8",
        "header: UTF-8",
        &format!("{}.{gp}.{gs}", b64::encode(b"{\"alg\":\"EdDSA\xff\"}")),
        "ERR_MALFORMED",
    );
    let dup_header = r#"{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"demo-bureau-2026-11","alg":"none"}"#;
    g.case(
        "header_duplicate_alg",
        "JSON: duplicate member names",
        &sign_raw(dup_header, base_claims().to_json().as_bytes(), &g.issuer),
        "ERR_MALFORMED",
    );
    let deep_header = format!(
        r#"{{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"demo-bureau-2026-11","x":{}1{}}}"#,
        "[".repeat(12),
        "]".repeat(12)
    );
    g.case(
        "header_deep_nesting",
        "JSON: nesting cap",
        &sign_raw(&deep_header, base_claims().to_json().as_bytes(), &g.issuer),
        "ERR_TOO_LARGE",
    );
    let claims_text = base_claims().to_json();
    let dup_payload =
        claims_text.replacen("\"sub\":\"case-subject\"", "\"sub\":\"case-subject\",\"sub\":\"someone-else\"", 1);
    g.case(
        "payload_duplicate_sub",
        "JSON: duplicate member names in a signed payload",
        &sign_raw(&snapshot_header(), dup_payload.as_bytes(), &g.issuer),
        "ERR_MALFORMED",
    );
    let mut not_utf8 = claims_text.clone().into_bytes();
    let at = claims_text.find("case-subject").unwrap();
    not_utf8[at] = 0xc3;
    not_utf8[at + 1] = 0x28;
    g.case(
        "payload_not_utf8",
        "JSON: UTF-8 only",
        &sign_raw(&snapshot_header(), &not_utf8, &g.issuer),
        "ERR_MALFORMED",
    );
    let lone_surrogate = claims_text.replacen("case-subject", "case-\\ud800-subject", 1);
    g.case(
        "payload_lone_surrogate",
        "JSON: no lone surrogates",
        &sign_raw(&snapshot_header(), lone_surrogate.as_bytes(), &g.issuer),
        "ERR_MALFORMED",
    );
    let bom = format!("\u{feff}{claims_text}");
    g.case(
        "payload_byte_order_mark",
        "JSON: no byte-order mark",
        &sign_raw(&snapshot_header(), bom.as_bytes(), &g.issuer),
        "ERR_MALFORMED",
    );
    g.case(
        "payload_json_array",
        "claims: a JSON object",
        &sign_raw(&snapshot_header(), b"[1,2,3]", &g.issuer),
        "ERR_MALFORMED",
    );
    let nested = (0..12).fold(Value::from(1i64), |inner, _| Value::Array(vec![inner]));
    let deep_payload = with(base_claims(), "x", nested);
    g.case("payload_deep_nesting", "JSON: nesting cap", &g.signed(&deep_payload), "ERR_TOO_LARGE");
    let big = with(base_claims(), "padding", "x".repeat(9000).into());
    g.case("oversize_token", "size cap: 8 KiB per snapshot, checked before decoding", &g.signed(&big), "ERR_TOO_LARGE");

    // Algorithms.
    let none_header = header(&[("alg", "none".into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "alg_none",
        "alg allow-list",
        &format!("{}.{gp}.", b64::encode(none_header.as_bytes())),
        "ERR_ALG_NOT_ALLOWED",
    );
    let hs_header = header(&[("alg", "HS256".into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]);
    let hs_input = format!("{}.{gp}", b64::encode(hs_header.as_bytes()));
    let hs_mac = Sha256::digest(format!("{hs_input}{}", b64::encode(&g.issuer.public_key().to_bytes())));
    g.case(
        "alg_hs256_key_confusion",
        "alg allow-list (HMAC with the public key as secret)",
        &format!("{hs_input}.{}", b64::encode(&hs_mac)),
        "ERR_ALG_NOT_ALLOWED",
    );
    let rs_header = header(&[("alg", "RS256".into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "alg_rs256",
        "alg allow-list",
        &sign_raw(&rs_header, claims_text.as_bytes(), &g.issuer),
        "ERR_ALG_NOT_ALLOWED",
    );
    let lower_header = header(&[("alg", "eddsa".into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "alg_wrong_case",
        "alg allow-list is case-sensitive",
        &sign_raw(&lower_header, claims_text.as_bytes(), &g.issuer),
        "ERR_ALG_NOT_ALLOWED",
    );
    let no_alg = header(&[("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "alg_missing",
        "alg allow-list",
        &sign_raw(&no_alg, claims_text.as_bytes(), &g.issuer),
        "ERR_ALG_NOT_ALLOWED",
    );
    let alg_number = header(&[("alg", 1i64.into()), ("typ", "dc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "alg_not_string",
        "header member types",
        &sign_raw(&alg_number, claims_text.as_bytes(), &g.issuer),
        "ERR_MALFORMED",
    );

    // Header injection: the token may not choose its key or change how it is processed.
    let attacker_jwk: Value = Jwk::new(g.attacker.public_key(), None).to_object().into();
    for (member, value, name) in [
        ("jwk", attacker_jwk.clone(), "header_embedded_jwk"),
        ("jku", "https://attacker.example/jwks.json".into(), "header_jku"),
        ("x5u", "https://attacker.example/cert.pem".into(), "header_x5u"),
        ("x5c", raw(r#"["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]"#), "header_x5c"),
        ("x5t", "dGh1bWJwcmludA".into(), "header_x5t"),
        ("x5t#S256", "dGh1bWJwcmludA".into(), "header_x5t_s256"),
        ("crit", raw(r#"["exp"]"#), "header_crit"),
        ("b64", false.into(), "header_b64_false"),
        ("zip", "DEF".into(), "header_zip"),
        ("cty", "JWT".into(), "header_cty_nested"),
        ("enc", "A256GCM".into(), "header_enc"),
    ] {
        let text = header(&[
            ("alg", "EdDSA".into()),
            ("typ", "dc+sd-jwt".into()),
            ("kid", demo::DEMO_KID.into()),
            (member, value),
        ]);
        let key = if member == "jwk" { &g.attacker } else { &g.issuer };
        let token = sign_raw(&text, claims_text.as_bytes(), key);
        g.case(name, "refused header members", &token, "ERR_HEADER_NOT_ALLOWED");
    }

    // typ.
    let no_typ = header(&[("alg", "EdDSA".into()), ("kid", demo::DEMO_KID.into())]);
    g.case("typ_missing", "typ required", &sign_raw(&no_typ, claims_text.as_bytes(), &g.issuer), "ERR_WRONG_TYPE");
    let jwt_typ = header(&[("alg", "EdDSA".into()), ("typ", "JWT".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "typ_plain_jwt",
        "typ must name a snapshot",
        &sign_raw(&jwt_typ, claims_text.as_bytes(), &g.issuer),
        "ERR_WRONG_TYPE",
    );
    g.case("presentation_as_snapshot", "typ: a kb+jwt is not a snapshot", &kb_ok, "ERR_WRONG_TYPE");
    g.case(
        "model_as_snapshot",
        "typ: a model is not a snapshot",
        demo::DEMO_CONSUMER_MODEL_JWS.trim(),
        "ERR_TOO_LARGE",
    );
    let model_typ =
        header(&[("alg", "EdDSA".into()), ("typ", "edgescore-model+jwt".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "model_typ_on_claims",
        "typ: a model is not a snapshot",
        &sign_raw(&model_typ, claims_text.as_bytes(), &g.issuer),
        "ERR_WRONG_TYPE",
    );

    // kid.
    let no_kid = header(&[("alg", "EdDSA".into()), ("typ", "dc+sd-jwt".into())]);
    g.case("kid_missing", "kid required", &sign_raw(&no_kid, claims_text.as_bytes(), &g.issuer), "ERR_UNKNOWN_KID");
    let other_kid = header(&[("alg", "EdDSA".into()), ("typ", "dc+sd-jwt".into()), ("kid", "attacker-1".into())]);
    g.case(
        "kid_unknown",
        "key selected by kid only",
        &sign_raw(&other_kid, claims_text.as_bytes(), &g.attacker),
        "ERR_UNKNOWN_KID",
    );
    let kid_number = header(&[("alg", "EdDSA".into()), ("typ", "dc+sd-jwt".into()), ("kid", 7i64.into())]);
    g.case(
        "kid_not_string",
        "header member types",
        &sign_raw(&kid_number, claims_text.as_bytes(), &g.issuer),
        "ERR_MALFORMED",
    );
    let rotated_kid =
        header(&[("alg", "EdDSA".into()), ("typ", "dc+sd-jwt".into()), ("kid", "test-rotated-key".into())]);
    g.case(
        "kid_other_issuer_key",
        "key selected by kid: the other key in the set does not verify the demo key's signature",
        &sign_raw(&rotated_kid, claims_text.as_bytes(), &g.issuer),
        "ERR_SIGNATURE_INVALID",
    );

    // Signatures.
    // A digest swapped for another feature's value's: the payload no longer verifies.
    let tampered_digests = claims_text.replacen("\"_sd\":[\"", "\"_sd\":[\"A", 1);
    assert_ne!(tampered_digests, claims_text);
    g.case(
        "tampered_payload",
        "signature covers the payload (its digests)",
        &format!("{gh}.{}.{gs}", b64::encode(tampered_digests.as_bytes())),
        "ERR_SIGNATURE_INVALID",
    );
    // A holder who edits a feature: the edited disclosure's digest is in no signed payload.
    let mut upgraded = wang_features();
    upgraded.insert("monthly_income_band", "over_20k");
    let (_, upgraded_tail) = sd_claims(&upgraded, "wang");
    assert_ne!(upgraded_tail, g.tail);
    g.case_sd(
        "edited_features",
        "digests: a holder who edits a feature's value",
        &format!("{good}{upgraded_tail}"),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    let header_typ_changed =
        header(&[("alg", "EdDSA".into()), ("typ", "DC+SD-JWT".into()), ("kid", demo::DEMO_KID.into())]);
    g.case(
        "tampered_header",
        "signature covers the header",
        &format!("{}.{gp}.{gs}", b64::encode(header_typ_changed.as_bytes())),
        "ERR_SIGNATURE_INVALID",
    );
    g.case(
        "forged_with_same_kid",
        "signature by a key not in the set",
        &sign_raw(&snapshot_header(), claims_text.as_bytes(), &g.attacker),
        "ERR_SIGNATURE_INVALID",
    );
    let sig = signature_bytes(&good);
    g.case(
        "signature_63_bytes",
        "signature exactly 64 bytes",
        &with_signature(&good, &sig[..63]),
        "ERR_SIGNATURE_INVALID",
    );
    let mut sig65 = sig.clone();
    sig65.push(0);
    g.case("signature_65_bytes", "signature exactly 64 bytes", &with_signature(&good, &sig65), "ERR_SIGNATURE_INVALID");
    g.case("signature_empty", "signature exactly 64 bytes", &format!("{gh}.{gp}."), "ERR_SIGNATURE_INVALID");
    g.case("signature_zero", "signature verification", &with_signature(&good, &[0u8; 64]), "ERR_SIGNATURE_INVALID");
    let mut malleable = sig[..32].to_vec();
    malleable.extend(add_le(&sig[32..], &L));
    g.case(
        "signature_s_plus_l",
        "reject S >= L (malleability)",
        &with_signature(&good, &malleable),
        "ERR_SIGNATURE_INVALID",
    );
    let r = CompressedEdwardsY(sig[..32].try_into().unwrap()).decompress().unwrap();
    let mut mixed_r = (r + EIGHT_TORSION[1]).compress().to_bytes().to_vec();
    mixed_r.extend_from_slice(&sig[32..]);
    g.case(
        "signature_r_mixed_order",
        "reject mixed-order R",
        &with_signature(&good, &mixed_r),
        "ERR_SIGNATURE_INVALID",
    );
    let mut small_r = EIGHT_TORSION[4].compress().to_bytes().to_vec();
    small_r.extend_from_slice(&sig[32..]);
    g.case(
        "signature_r_small_order",
        "reject small-order R",
        &with_signature(&good, &small_r),
        "ERR_SIGNATURE_INVALID",
    );
    let mut noncanonical_r = vec![0xee];
    noncanonical_r.extend([0xff; 30]);
    noncanonical_r.push(0x7f);
    noncanonical_r.extend_from_slice(&sig[32..]);
    g.case(
        "signature_r_non_canonical",
        "reject non-canonical R",
        &with_signature(&good, &noncanonical_r),
        "ERR_SIGNATURE_INVALID",
    );

    // Claims: presence and types (a wrong type is an error, never "absent").
    let claim_cases: Vec<(&str, Object)> = vec![
        ("exp_missing", without(base_claims(), "exp")),
        ("exp_string", with(base_claims(), "exp", (NOW + DAY).to_string().into())),
        ("exp_exponent_form", with(base_claims(), "exp", raw("1.79e9"))),
        ("exp_fraction", with(base_claims(), "exp", raw(&format!("{}.0", NOW + DAY)))),
        ("exp_negative", with(base_claims(), "exp", (-1i64).into())),
        ("exp_beyond_year_9999", with(base_claims(), "exp", raw("253402300800"))),
        ("exp_before_iat", with(base_claims(), "exp", (NOW - 7200).into())),
        ("iat_missing", without(base_claims(), "iat")),
        ("iat_null", with(base_claims(), "iat", Value::Null)),
        ("nbf_string", with(base_claims(), "nbf", "0".into())),
        ("sub_missing", without(base_claims(), "sub")),
        ("sub_number", with(base_claims(), "sub", 42i64.into())),
        ("jti_empty", with(base_claims(), "jti", "".into())),
        ("iss_missing", without(base_claims(), "iss")),
        ("iss_number", with(base_claims(), "iss", 1i64.into())),
        ("vct_missing", without(base_claims(), "vct")),
        ("vct_number", with(base_claims(), "vct", 1i64.into())),
        ("aud_number", with(base_claims(), "aud", 5i64.into())),
        ("aud_empty_array", with(base_claims(), "aud", raw("[]"))),
        ("aud_array_with_number", with(base_claims(), "aud", raw(r#"["https://rentals.example",1]"#))),
        ("cnf_without_jwk", with(base_claims(), "cnf", raw(r#"{"kid":"holder"}"#))),
        ("cnf_string", with(base_claims(), "cnf", "holder".into())),
    ];
    for (name, claims) in claim_cases {
        g.case(name, "claims: required, with the right types", &g.signed(&claims), "ERR_CLAIM_INVALID");
    }
    g.case(
        "jti_optional",
        "control: jti is optional in an SD-JWT VC",
        &g.signed(&without(base_claims(), "jti")),
        "ok:good",
    );
    // Without their digests the disclosures would be unreferenced: these come without any.
    for (name, claims) in [
        ("features_missing", without(base_claims(), "features")),
        ("features_array", with(base_claims(), "features", raw("[1,2]"))),
    ] {
        let presentation = format!("{}~", g.signed(&claims));
        g.case_sd(name, "claims: required, with the right types", &presentation, false, None, "ERR_CLAIM_INVALID");
    }

    // Clock.
    g.case(
        "expired",
        "exp beyond the 60 s leeway",
        &g.signed(&with(base_claims(), "exp", (NOW - 61).into())),
        "ERR_EXPIRED",
    );
    g.case(
        "not_yet_valid_nbf",
        "nbf in the future",
        &g.signed(&with(base_claims(), "nbf", (NOW + 3600).into())),
        "ERR_NOT_YET_VALID",
    );
    g.case(
        "issued_in_future",
        "iat in the future",
        &g.signed(&with(base_claims(), "iat", (NOW + 600).into())),
        "ERR_NOT_YET_VALID",
    );
    let old = with(with(base_claims(), "iat", (NOW - 40 * DAY).into()), "exp", (NOW + DAY).into());
    g.case("too_old", "maximum age (31 days)", &g.signed(&old), "ERR_TOO_OLD");

    // Issuer and audience.
    g.case_with(
        "issuer_not_allowed",
        "iss allow-list",
        &good,
        Object::new().with("issuers", raw(r#"["https://bureau.example"]"#)),
        "ERR_ISSUER",
    );
    g.case(
        "aud_other",
        "aud must contain the verifier's audience",
        &g.signed(&with(base_claims(), "aud", "https://other.example".into())),
        "ERR_AUDIENCE",
    );
    g.case(
        "aud_array_without_ours",
        "aud must contain the verifier's audience",
        &g.signed(&with(base_claims(), "aud", raw(r#"["https://a.example","https://b.example"]"#))),
        "ERR_AUDIENCE",
    );
    g.case_with(
        "aud_but_verifier_has_none",
        "aud present and no verifier audience",
        &aud_list,
        Object::new().with("audience", Value::Null),
        "ERR_AUDIENCE",
    );

    // Schema and features.
    g.case(
        "schema_mismatch",
        "feature schema (vct) must be the model's",
        &g.signed(&with(base_claims(), "vct", "edgescore.seller.v1".into())),
        "ERR_SCHEMA_MISMATCH",
    );
    let feature = |name: &str, value: Value| {
        let mut features = wang_features();
        features.insert(name, value);
        features
    };
    for (name, features) in [
        ("feature_string_for_number", feature("utility_on_time_ratio_12m", "0.95".into())),
        ("feature_out_of_declared_range", feature("utility_on_time_ratio_12m", raw("1.5"))),
        ("feature_negative_count", feature("open_credit_lines", raw("-3"))),
        ("feature_fraction_for_integer", feature("open_credit_lines", raw("2.5"))),
        ("feature_nested_object", feature("online_orders_12m", raw(r#"{"n":3}"#))),
        ("feature_too_many_digits", feature("credit_utilisation", raw(&"9".repeat(50)))),
        ("feature_bool_for_category", feature("top_shopping_category", true.into())),
        ("feature_number_for_boolean", feature("real_name_verified", 1i64.into())),
    ] {
        let (claims, tail) = sd_claims(&features, name);
        let presentation = format!("{}{tail}", g.signed(&claims));
        g.case_sd(name, "features: typed, in range", &presentation, false, None, "ERR_FEATURE_INVALID");
    }

    // Holder binding.
    g.case("bound_without_presentation", "holder binding required when cnf is present", &bound, "ERR_HOLDER_BINDING");
    let mut wrong_nonce = g.kb_claims(&bound);
    wrong_nonce.insert("nonce", "a-replayed-nonce");
    g.case_bound(
        "binding_wrong_nonce",
        "kb nonce must be the verifier's",
        &bound,
        &g.kb(wrong_nonce, &g.holder),
        "ERR_NONCE_MISMATCH",
    );
    let mut wrong_aud = g.kb_claims(&bound);
    wrong_aud.insert("aud", "https://other-merchant.example");
    g.case_bound(
        "binding_wrong_audience",
        "kb aud must be the verifier's",
        &bound,
        &g.kb(wrong_aud, &g.holder),
        "ERR_AUDIENCE",
    );
    g.case_bound(
        "binding_wrong_key",
        "kb signed by the cnf key",
        &bound,
        &g.kb(g.kb_claims(&bound), &g.other_holder),
        "ERR_HOLDER_BINDING",
    );
    let mut wrong_hash = g.kb_claims(&bound);
    wrong_hash.insert("sd_hash", sd_hash(&g.hashed(&good)));
    g.case_bound(
        "binding_hash_of_other_snapshot",
        "kb sd_hash over the exact snapshot",
        &bound,
        &g.kb(wrong_hash, &g.holder),
        "ERR_HOLDER_BINDING",
    );
    g.case_bound(
        "binding_sd_hash_missing",
        "kb sd_hash required",
        &bound,
        &g.kb(without(g.kb_claims(&bound), "sd_hash"), &g.holder),
        "ERR_HOLDER_BINDING",
    );
    // The key-binding JWT's clock: the clock codes, as for the snapshot's own times (leeway 60 s,
    // presentation maximum age 300 s), at and just past each boundary.
    let kb_at = |g: &Gen, iat: i64| g.kb(g.kb_claims(&bound).with("iat", iat), &g.holder);
    let clock_cases = [
        ("binding_stale", "kb iat fresh (5 minutes)", NOW - 600, "ERR_TOO_OLD"),
        ("binding_just_too_old", "kb iat fresh: maximum age plus leeway, one second past", NOW - 361, "ERR_TOO_OLD"),
        ("binding_oldest_accepted", "kb iat fresh: maximum age plus leeway, exactly", NOW - 360, "ok:good"),
        ("binding_from_future", "kb iat not in the future", NOW + 600, "ERR_NOT_YET_VALID"),
        ("binding_clock_61s_fast", "kb iat not in the future: a wallet clock 61 s fast", NOW + 61, "ERR_NOT_YET_VALID"),
        ("binding_clock_60s_fast", "kb iat within the leeway ahead", NOW + 60, "ok:good"),
    ];
    for (name, rule, iat, expect) in clock_cases {
        let kb = kb_at(&g, iat);
        g.case_bound(name, rule, &bound, &kb, expect);
    }
    let expired_kb = g.kb(g.kb_claims(&bound).with("exp", NOW - 61), &g.holder);
    g.case_bound(
        "binding_expired",
        "kb exp, when present, not past (beyond the leeway)",
        &bound,
        &expired_kb,
        "ERR_EXPIRED",
    );
    let expiring_kb = g.kb(g.kb_claims(&bound).with("exp", NOW - 59), &g.holder);
    g.case_bound("binding_exp_within_leeway", "kb exp within the leeway", &bound, &expiring_kb, "ok:good");
    let mut nonce_number = g.kb_claims(&bound);
    nonce_number.insert("nonce", 12345i64);
    g.case_bound(
        "binding_nonce_not_string",
        "kb claim types",
        &bound,
        &g.kb(nonce_number, &g.holder),
        "ERR_HOLDER_BINDING",
    );
    let kb_jwt_typ = sign_raw(
        &header(&[("alg", "EdDSA".into()), ("typ", "JWT".into())]),
        g.kb_claims(&bound).to_json().as_bytes(),
        &g.holder,
    );
    g.case_bound("binding_wrong_typ", "kb typ must be kb+jwt", &bound, &kb_jwt_typ, "ERR_WRONG_TYPE");
    let kb_none = format!(
        "{}.{}.",
        b64::encode(br#"{"alg":"none","typ":"kb+jwt"}"#),
        b64::encode(g.kb_claims(&bound).to_json().as_bytes())
    );
    g.case_bound("binding_alg_none", "kb alg allow-list", &bound, &kb_none, "ERR_ALG_NOT_ALLOWED");
    let kb_jwk_header = header(&[
        ("alg", "EdDSA".into()),
        ("typ", "kb+jwt".into()),
        ("jwk", Jwk::new(g.other_holder.public_key(), None).to_object().into()),
    ]);
    g.case_bound(
        "binding_embedded_jwk",
        "kb refused header members",
        &bound,
        &sign_raw(&kb_jwk_header, g.kb_claims(&bound).to_json().as_bytes(), &g.other_holder),
        "ERR_HEADER_NOT_ALLOWED",
    );
    let other_bound = g.signed(&with(g.bound_claims(), "jti", "another-snapshot".into()));
    let kb_for_other = g.kb(g.kb_claims(&other_bound), &g.holder);
    g.case_bound(
        "binding_replayed_across_snapshots",
        "kb binds one snapshot",
        &bound,
        &kb_for_other,
        "ERR_HOLDER_BINDING",
    );
    g.case_bound(
        "binding_oversize",
        "size cap: 4 KiB per presentation",
        &bound,
        &g.kb(with(g.kb_claims(&bound), "pad", "x".repeat(5000).into()), &g.holder),
        "ERR_TOO_LARGE",
    );
    g.case_with(
        "binding_required_but_unbound",
        "verifier requires binding",
        &good,
        Object::new().with("require_binding", true),
        "ERR_HOLDER_BINDING",
    );
    g.case_bound(
        "presentation_for_unbound_snapshot",
        "a key-binding JWT needs a cnf key to check against",
        &good,
        &kb_ok,
        "ERR_HOLDER_BINDING",
    );
    let small_order_cnf = with(
        base_claims(),
        "cnf",
        raw(&format!(
            r#"{{"jwk":{{"kty":"OKP","crv":"Ed25519","x":"{}"}}}}"#,
            b64::encode(&EIGHT_TORSION[1].compress().to_bytes())
        )),
    );
    g.case("cnf_small_order_key", "weak holder keys refused", &g.signed(&small_order_cnf), "ERR_KEY_INVALID");
    let private_cnf = with(
        base_claims(),
        "cnf",
        raw(&format!(
            r#"{{"jwk":{{"kty":"OKP","crv":"Ed25519","x":"{}","d":"{}"}}}}"#,
            b64::encode(&g.holder.public_key().to_bytes()),
            b64::encode(&g.holder.seed())
        )),
    );
    g.case("cnf_private_key", "no private members in a public key", &g.signed(&private_cnf), "ERR_KEY_INVALID");

    sd_jwt_cases(&mut g, &good, &bound);
    status_cases(&mut g);

    let snapshot_cases = std::mem::take(&mut g.cases);
    let jwks_cases = jwks_cases(&g);
    let model_cases = model_cases(&g);

    let verifier_jwks = Object::new().with(
        "keys",
        vec![
            json::parse(demo::DEMO_JWKS_JSON.as_bytes())
                .unwrap()
                .as_object()
                .unwrap()
                .get("keys")
                .unwrap()
                .as_array()
                .unwrap()[0]
                .clone(),
            Jwk::new(key("rotated").public_key(), Some("test-rotated-key".into())).to_object().into(),
        ],
    );
    let doc = Object::new()
        .with("about", "Hostile-input table for edgescore, generated by tests/it/cases.rs. Each case names the rule it exercises and the code it must give; ok:<band> marks a positive control.")
        .with("now", NOW)
        .with("audience", AUDIENCE)
        .with("jwks", verifier_jwks)
        .with("snapshot_cases", snapshot_cases)
        .with("jwks_cases", jwks_cases)
        .with("model_cases", model_cases)
        .with("policy_cases", policy_cases())
        .with("context_cases", context_cases());
    doc.to_json_pretty() + "\n"
}

/// An issuer JWT over `claims`, with the given disclosures after it (each followed by `~`).
fn sd(g: &Gen, claims: &Object, disclosures: &[&str]) -> String {
    let mut out = g.signed(claims);
    out.push('~');
    for disclosure in disclosures {
        out.push_str(disclosure);
        out.push('~');
    }
    out
}

/// A raw disclosure of any JSON array text.
fn raw_disclosure(json_text: &str) -> String {
    b64::encode(json_text.as_bytes())
}

/// `claims` with `digest` added to `features._sd`.
fn with_feature_digest(claims: &Object, digest: &str) -> Object {
    let mut features = claims.get("features").and_then(Value::as_object).unwrap().clone();
    let mut digests = features.get("_sd").and_then(Value::as_array).unwrap().to_vec();
    digests.push(digest.into());
    features.insert("_sd", digests);
    with(claims.clone(), "features", features.into())
}

/// RFC 9901's rules: digests, disclosures, key binding over the `~` form.
fn sd_jwt_cases(g: &mut Gen, good: &str, bound: &str) {
    let features = wang_features();
    let all = disclosures(&features, "wang");
    assert_eq!(tail_of(&all), g.tail);
    let encoded: Vec<&str> = all.iter().map(|d| d.encoded.as_str()).collect();
    let claims = base_claims();
    let rule = "RFC 9901 disclosures";

    g.case_sd(
        "sd_no_tilde",
        "an SD-JWT has '~' after the issuer JWT (the old plain JWS is refused)",
        good,
        false,
        None,
        "ERR_MALFORMED",
    );
    g.case_sd(
        "sd_all_withheld",
        "every feature the model reads must be disclosed",
        &format!("{good}~"),
        false,
        None,
        "ERR_FEATURE_NOT_DISCLOSED",
    );
    let mut some = encoded.clone();
    some.retain(|d| !Disclosure::parse(d).unwrap().name.starts_with("defaults_24m"));
    g.case_sd(
        "sd_feature_withheld",
        "a holder who hides a feature that hurts them is refused, not scored as missing",
        &sd(g, &claims, &some),
        false,
        None,
        "ERR_FEATURE_NOT_DISCLOSED",
    );
    let mut twice = encoded.clone();
    twice.push(encoded[0]);
    g.case_sd("sd_duplicate_disclosure", rule, &sd(g, &claims, &twice), false, None, "ERR_DISCLOSURE_INVALID");
    let stranger = Disclosure::new(&[7; 16], "shoe_size", 42i64.into()).unwrap();
    let mut unreferenced = encoded.clone();
    unreferenced.push(&stranger.encoded);
    g.case_sd(
        "sd_disclosure_for_undisclosed_name",
        "a disclosure no digest references",
        &sd(g, &claims, &unreferenced),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    let extra = with_feature_digest(&claims, &stranger.digest());
    g.case_sd(
        "sd_extra_feature_ignored",
        "control: a disclosed feature the model does not read is ignored",
        &sd(g, &extra, &unreferenced),
        false,
        None,
        "ok:good",
    );
    let mut digests_twice = claims.clone();
    let listed =
        digests_twice.get("features").and_then(Value::as_object).unwrap().get("_sd").unwrap().as_array().unwrap()[0]
            .clone();
    digests_twice = with_feature_digest(&digests_twice, listed.as_str().unwrap());
    g.case_sd(
        "sd_duplicate_digest",
        "each digest appears once",
        &sd(g, &digests_twice, &encoded),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    // The same digest at the top level and in `features`.
    let mut two_places = claims.clone();
    two_places.insert("_sd", vec![listed.clone()]);
    g.case_sd(
        "sd_digest_in_two_places",
        "each digest appears once in the whole payload",
        &sd(g, &two_places, &encoded),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    // A plain feature and a disclosure of the same name: the disclosure would overwrite it.
    let overwrite = Disclosure::new(&[8; 16], "defaults_24m", 0i64.into()).unwrap();
    let mut plain = with_feature_digest(&claims, &overwrite.digest());
    let mut plain_features = plain.get("features").and_then(Value::as_object).unwrap().clone();
    plain_features.insert("defaults_24m", 0i64);
    plain = with(plain, "features", plain_features.into());
    let mut with_overwrite = encoded.clone();
    with_overwrite.retain(|d| Disclosure::parse(d).unwrap().name != "defaults_24m");
    with_overwrite.push(&overwrite.encoded);
    g.case_sd(
        "sd_claim_overwrite",
        "a disclosure may not overwrite a claim",
        &sd(g, &plain, &with_overwrite),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    let iss_disclosure = Disclosure::new(&[9; 16], "iss", "https://attacker.example".into()).unwrap();
    let mut top = claims.clone();
    top.insert("_sd", vec![Value::from(iss_disclosure.digest())]);
    let mut with_iss = encoded.clone();
    with_iss.push(&iss_disclosure.encoded);
    g.case_sd(
        "sd_overwrite_iss",
        "a disclosure may not overwrite iss",
        &sd(g, &top, &with_iss),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    for (name, array) in [
        ("sd_disclosure_named_sd", r#"["c2FsdHNhbHRzYWx0c2FsdA","_sd",["x"]]"#),
        ("sd_disclosure_named_ellipsis", r#"["c2FsdHNhbHRzYWx0c2FsdA","...","x"]"#),
        ("sd_disclosure_one_element", r#"["c2FsdHNhbHRzYWx0c2FsdA"]"#),
        ("sd_disclosure_four_elements", r#"["c2FsdHNhbHRzYWx0c2FsdA","a",1,2]"#),
        ("sd_disclosure_name_number", r#"["c2FsdHNhbHRzYWx0c2FsdA",7,1]"#),
        ("sd_disclosure_salt_number", r#"[12345,"online_orders_12m",3]"#),
        ("sd_disclosure_empty_salt", r#"["","online_orders_12m",3]"#),
        ("sd_array_element_from_sd", r#"["c2FsdHNhbHRzYWx0c2FsdA","online_orders_12m"]"#),
    ] {
        let disclosure = raw_disclosure(array);
        let digest = edgescore::sdjwt::digest(&disclosure);
        let mut sent = encoded.clone();
        sent.push(&disclosure);
        g.case_sd(
            name,
            rule,
            &sd(g, &with_feature_digest(&claims, &digest), &sent),
            false,
            None,
            "ERR_DISCLOSURE_INVALID",
        );
    }
    for (name, text, expect) in [
        ("sd_disclosure_not_base64url", "W1siYSJd+", "ERR_MALFORMED"),
        ("sd_disclosure_padding", "WyJhIiwiYiIsMV0=", "ERR_MALFORMED"),
        ("sd_disclosure_not_json", "bm90IGpzb24", "ERR_MALFORMED"),
        ("sd_disclosure_object", "eyJhIjoxfQ", "ERR_MALFORMED"),
        ("sd_disclosure_duplicate_member", &*raw_disclosure(r#"["c2FsdA","x",{"a":1,"a":2}]"#), "ERR_MALFORMED"),
        ("sd_disclosure_trailing_bits", "WyJhIiwiYiIsMV1", "ERR_MALFORMED"),
    ] {
        let mut sent = encoded.clone();
        sent.push(text);
        g.case_sd(name, "disclosures: strict base64url and JSON", &sd(g, &claims, &sent), false, None, expect);
    }
    g.case_sd(
        "sd_empty_disclosure",
        "no empty disclosure ('~~')",
        &format!("{good}~~{}~", encoded[0]),
        false,
        None,
        "ERR_MALFORMED",
    );
    for (name, value) in [("sd_alg_sha512", Value::from("sha-512")), ("sd_alg_number", Value::from(256i64))] {
        g.case_sd(
            name,
            "_sd_alg is sha-256",
            &sd(g, &with(claims.clone(), "_sd_alg", value), &encoded),
            false,
            None,
            "ERR_DISCLOSURE_INVALID",
        );
    }
    g.case_sd(
        "sd_alg_absent_defaults_to_sha256",
        "control: without _sd_alg the digests are SHA-256 (RFC 9901 §4.1.1)",
        &sd(g, &without(claims.clone(), "_sd_alg"), &encoded),
        false,
        None,
        "ok:good",
    );
    let mut sd_string = claims.clone();
    sd_string.insert("features", Object::new().with("_sd", "not-an-array"));
    g.case_sd(
        "sd_not_array",
        "_sd is an array of digests",
        &sd(g, &sd_string, &[]),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    let mut sd_number = claims.clone();
    sd_number.insert("features", Object::new().with("_sd", vec![Value::from(1i64)]));
    g.case_sd(
        "sd_digest_not_string",
        "_sd holds digest strings",
        &sd(g, &sd_number, &[]),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    let element = raw_disclosure(r#"["c2FsdHNhbHRzYWx0c2FsdA","https://rentals.example"]"#);
    let element_digest = edgescore::sdjwt::digest(&element);
    let aud_elements =
        with(claims.clone(), "aud", raw(&format!(r#"["https://other.example",{{"...":"{element_digest}","x":1}}]"#)));
    let mut with_element = encoded.clone();
    with_element.push(&element);
    g.case_sd(
        "sd_ellipsis_with_other_member",
        "{\"...\": digest} has no other member",
        &sd(g, &aud_elements, &with_element),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    let member = Disclosure::new(&[12; 16], "x", 1i64.into()).unwrap();
    let member_from_array = with(claims.clone(), "aud", raw(&format!(r#"[{{"...":"{}"}}]"#, member.digest())));
    let mut with_member = encoded.clone();
    with_member.push(&member.encoded);
    g.case_sd(
        "sd_claim_disclosure_from_array",
        "a claim disclosure referenced from an array element",
        &sd(g, &member_from_array, &with_member),
        false,
        None,
        "ERR_DISCLOSURE_INVALID",
    );
    // Claims a verifier relies on must be signed in the clear.
    for claim in ["exp", "cnf", "vct", "status", "aud"] {
        let value = match claim {
            "exp" => Value::from(NOW + 400 * DAY),
            "cnf" => Value::Object(Object::new().with("jwk", Jwk::new(g.holder.public_key(), None).to_object())),
            "vct" => Value::from("edgescore.consumer.v1"),
            "status" => StatusReference { index: 0, uri: "https://x.example/s".to_owned() }.to_claim(),
            _ => Value::from(AUDIENCE),
        };
        let hidden = Disclosure::new(&[11; 16], claim, value).unwrap();
        let mut top = without(claims.clone(), claim);
        top.insert("_sd", vec![Value::from(hidden.digest())]);
        let mut sent = encoded.clone();
        sent.push(&hidden.encoded);
        g.case_sd(
            &format!("sd_{claim}_disclosed_selectively"),
            "SD-JWT VC: processing claims are signed in the clear",
            &sd(g, &top, &sent),
            false,
            None,
            "ERR_DISCLOSURE_INVALID",
        );
    }
    let mut reused = features.clone();
    reused.insert("shoe_size", 42i64);
    let reuse: Vec<Disclosure> =
        reused.iter().map(|(name, value)| Disclosure::new(&[5; 16], name, value.clone()).unwrap()).collect();
    let reuse_claims = with(claims.clone(), "features", sd_object(&reuse).into());
    let reuse_sent: Vec<&str> = reuse.iter().map(|d| d.encoded.as_str()).collect();
    g.case_sd(
        "sd_salt_reuse_is_not_an_error",
        "control: the same salt in every disclosure still verifies (distinct digests)",
        &sd(g, &reuse_claims, &reuse_sent),
        false,
        None,
        "ok:good",
    );
    let mut decoyed = claims.clone();
    let mut with_decoys = decoyed.get("features").and_then(Value::as_object).unwrap().clone();
    let mut digests = with_decoys.get("_sd").and_then(Value::as_array).unwrap().to_vec();
    for i in 0..5u8 {
        digests.push(edgescore::sdjwt::decoy_digest(&[i; 16]).into());
    }
    with_decoys.insert("_sd", digests);
    decoyed = with(decoyed, "features", with_decoys.into());
    g.case_sd(
        "sd_decoy_digests",
        "control: decoy digests are ignored",
        &sd(g, &decoyed, &encoded),
        false,
        None,
        "ok:good",
    );
    // Caps.
    let many: Vec<String> = (0..257).map(|i| raw_disclosure(&format!(r#"["s{i}","f{i}",1]"#))).collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    g.case_sd(
        "sd_too_many_disclosures",
        "at most 256 disclosures",
        &sd(g, &claims, &many_refs),
        false,
        None,
        "ERR_TOO_LARGE",
    );
    let long = raw_disclosure(&format!(r#"["salt","top_shopping_category","{}"]"#, "x".repeat(900)));
    let mut with_long = encoded.clone();
    with_long.push(&long);
    g.case_sd(
        "sd_disclosure_too_long",
        "a disclosure is at most 1 KiB",
        &sd(g, &claims, &with_long),
        false,
        None,
        "ERR_TOO_LARGE",
    );
    let mut padded = encoded.clone();
    let filler: Vec<String> =
        (0..40).map(|i| raw_disclosure(&format!(r#"["{}","pad{i}","{}"]"#, "s".repeat(22), "p".repeat(300)))).collect();
    padded.extend(filler.iter().map(String::as_str));
    g.case_sd("sd_too_large", "an SD-JWT is at most 16 KiB", &sd(g, &claims, &padded), false, None, "ERR_TOO_LARGE");
    // Nested disclosures deeper than the nesting cap.
    let mut inner = Value::from(1i64);
    let mut chain = Vec::new();
    for level in 0..11 {
        let disclosure = Disclosure::new(&[level as u8; 16], "n", inner).unwrap();
        inner = Value::Object(Object::new().with("_sd", vec![Value::from(disclosure.digest())]));
        chain.push(disclosure.encoded);
    }
    let deep = with(claims.clone(), "deep", inner);
    let mut deep_sent = encoded.clone();
    deep_sent.extend(chain.iter().map(String::as_str));
    g.case_sd(
        "sd_nested_too_deep",
        "revealed claims nest at most 10 levels",
        &sd(g, &deep, &deep_sent),
        false,
        None,
        "ERR_TOO_LARGE",
    );

    // Key binding over the `~` form.
    let hashed = g.hashed(bound);
    let kb = |g: &Gen, sd_hash_over: &str| {
        let claims = g.kb_claims(bound).with("sd_hash", sd_hash(sd_hash_over));
        g.kb(claims, &g.holder)
    };
    let fewer: String = {
        let mut text = format!("{bound}~");
        for d in encoded.iter().skip(1) {
            text.push_str(d);
            text.push('~');
        }
        text
    };
    g.case_sd(
        "sd_kb_over_other_disclosures",
        "KB sd_hash covers exactly the disclosures sent",
        &format!("{fewer}{}", kb(g, &hashed)),
        true,
        None,
        "ERR_HOLDER_BINDING",
    );
    g.case_sd(
        "sd_kb_over_fewer_disclosures",
        "a KB over exactly the disclosures sent verifies; the model then misses the one withheld",
        &format!("{fewer}{}", kb(g, &fewer)),
        true,
        None,
        "ERR_FEATURE_NOT_DISCLOSED",
    );
    let without_last_tilde = hashed.strip_suffix('~').unwrap();
    g.case_sd(
        "sd_kb_hash_without_last_tilde",
        "KB sd_hash includes the last '~' (RFC 9901 §4.3.1)",
        &format!("{hashed}{}", kb(g, without_last_tilde)),
        true,
        None,
        "ERR_HOLDER_BINDING",
    );
    g.case_sd(
        "sd_kb_hash_of_issuer_jwt_only",
        "KB sd_hash covers the disclosures too",
        &format!("{hashed}{}", kb(g, bound)),
        true,
        None,
        "ERR_HOLDER_BINDING",
    );
    g.case_sd(
        "sd_kb_missing",
        "a bound snapshot needs a KB-JWT after the last '~'",
        &hashed,
        true,
        None,
        "ERR_HOLDER_BINDING",
    );
    g.case_sd(
        "sd_trailing_junk_bound",
        "what follows the last '~' is a KB-JWT",
        &format!("{hashed}junk"),
        true,
        None,
        "ERR_MALFORMED",
    );
    g.case_sd(
        "sd_trailing_junk_unbound",
        "what follows the last '~' is a KB-JWT, refused without cnf",
        &format!("{}junk", g.hashed(good)),
        true,
        None,
        "ERR_HOLDER_BINDING",
    );
    g.case_sd(
        "sd_kb_then_tilde",
        "the KB-JWT is last (before a '~' it is read as a disclosure)",
        &format!("{hashed}{}~", kb(g, &hashed)),
        true,
        None,
        "ERR_MALFORMED",
    );
    let vc_typ = sign_raw(
        &header(&[("alg", "EdDSA".into()), ("typ", "vc+sd-jwt".into()), ("kid", demo::DEMO_KID.into())]),
        claims.to_json().as_bytes(),
        &g.issuer,
    );
    g.case("sd_typ_vc_sd_jwt", "typ is dc+sd-jwt", &vc_typ, "ERR_WRONG_TYPE");
}

/// Token Status List: the status a verifier holds decides; the list token is verified like
/// any other token, and inflated with a cap.
fn status_cases(g: &mut Gen) {
    let uri = "https://demo-bureau.example/status/7";
    let mut list = StatusList::new(2, 64).unwrap();
    list.set(1, 1).unwrap();
    list.set(2, 2).unwrap();
    list.set(3, 3).unwrap();
    let issuer = demo::issuer().unwrap();
    let token = |list: &StatusList, uri: &str, iat: i64, exp: Option<i64>, ttl: Option<i64>| {
        let iss = Some(demo::DEMO_ISSUER);
        issuer
            .sign_status_list(&StatusListToken { uri, issuer: iss, issued_at: iat, expires_at: exp, ttl, list })
            .unwrap()
    };
    let good_list = token(&list, uri, NOW - 60, Some(NOW + DAY), Some(300));
    let at = |g: &Gen, index: i64| {
        let claims =
            with(base_claims(), "status", raw(&format!(r#"{{"status_list":{{"idx":{index},"uri":"{uri}"}}}}"#)));
        g.hashed(&g.signed(&claims))
    };
    let refuse = || Object::new().with("status_unavailable", "refuse");
    let rule = "Token Status List";
    g.case_status("status_valid", "control: entry 0 is valid", &at(g, 0), Some(&good_list), refuse(), "ok:good");
    g.case_status("status_revoked", rule, &at(g, 1), Some(&good_list), refuse(), "ERR_REVOKED");
    g.case_status("status_suspended", rule, &at(g, 2), Some(&good_list), refuse(), "ERR_SUSPENDED");
    g.case_status(
        "status_application_specific",
        "value 3 is refused",
        &at(g, 3),
        Some(&good_list),
        refuse(),
        "ERR_STATUS_INVALID",
    );
    g.case_status(
        "status_index_out_of_range",
        "the index is inside the list",
        &at(g, 64),
        Some(&good_list),
        refuse(),
        "ERR_STATUS_INVALID",
    );
    g.case_status(
        "status_no_list_refused",
        "no list held: the policy refuses",
        &at(g, 0),
        None,
        refuse(),
        "ERR_STATUS_UNAVAILABLE",
    );
    let unlisted = g.hashed(&g.signed(&base_claims()));
    g.case_status(
        "status_reference_missing_required",
        "the policy's status.required: a snapshot with no status reference is refused",
        &unlisted,
        Some(&good_list),
        Object::new().with("status_required", true),
        "ERR_STATUS_INVALID",
    );
    g.case_status(
        "status_reference_missing_allowed",
        "control: without status.required a snapshot with no status reference is scored unchecked",
        &unlisted,
        Some(&good_list),
        refuse(),
        "ok:good",
    );
    g.case_status(
        "status_no_list_referred",
        "no list held: the policy refers, and says so",
        &at(g, 1),
        None,
        Object::new(),
        "unavailable:good",
    );
    let other_uri = token(&list, "https://demo-bureau.example/status/8", NOW - 60, Some(NOW + DAY), Some(300));
    g.case_status(
        "status_list_wrong_sub",
        "the list's sub must be the snapshot's uri",
        &at(g, 1),
        Some(&other_uri),
        refuse(),
        "ERR_STATUS_UNAVAILABLE",
    );
    let other_issuer = issuer
        .sign_status_list(&StatusListToken {
            uri,
            issuer: Some("https://another-bureau.example"),
            issued_at: NOW - 60,
            expires_at: Some(NOW + DAY),
            ttl: None,
            list: &StatusList::new(2, 64).unwrap(),
        })
        .unwrap();
    g.case_status(
        "status_list_of_another_issuer",
        "a list naming another iss does not speak for this issuer's snapshots",
        &at(g, 1),
        Some(&other_issuer),
        refuse(),
        "ERR_STATUS_UNAVAILABLE",
    );
    let old_list = token(&list, uri, NOW - 3 * DAY, None, Some(300));
    g.case_status(
        "status_list_older_than_policy",
        "a list older than the policy's status.max_age_seconds is not current",
        &at(g, 1),
        Some(&old_list),
        refuse().with("status_max_age", DAY),
        "ERR_STATUS_UNAVAILABLE",
    );
    for (name, claim) in [
        ("status_idx_string", r#"{"status_list":{"idx":"1","uri":"https://demo-bureau.example/status/7"}}"#),
        ("status_idx_negative", r#"{"status_list":{"idx":-1,"uri":"https://demo-bureau.example/status/7"}}"#),
        ("status_no_status_list", r#"{"other_mechanism":{}}"#),
        ("status_uri_missing", r#"{"status_list":{"idx":1}}"#),
    ] {
        let claims = with(base_claims(), "status", raw(claim));
        let presentation = g.hashed(&g.signed(&claims));
        g.case_status(
            name,
            "the status claim is {status_list: {idx, uri}}",
            &presentation,
            Some(&good_list),
            refuse(),
            "ERR_STATUS_INVALID",
        );
    }
    let (lh, lp, ls) = parts(&good_list);
    let snapshot = at(g, 0);
    let list_header =
        |typ: &str, kid: &str| header(&[("alg", "EdDSA".into()), ("typ", typ.into()), ("kid", kid.into())]);
    let list_claims = |members: &[(&str, Value)]| {
        let mut claims =
            Object::new().with("sub", uri).with("iat", NOW - 60).with("exp", NOW + DAY).with("ttl", 300i64);
        claims.insert("status_list", Object::new().with("bits", 2i64).with("lst", list.to_lst()));
        for (name, value) in members {
            claims.insert(*name, value.clone());
        }
        claims.to_json()
    };
    let signed_list =
        |typ: &str, claims: &str, key: &SecretKey| sign_raw(&list_header(typ, demo::DEMO_KID), claims.as_bytes(), key);
    let bomb = b64::encode(&miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 5 * 1024 * 1024], 9));
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (
            "status_list_wrong_typ",
            "typ is statuslist+jwt",
            signed_list("JWT", &list_claims(&[]), &g.issuer),
            "ERR_WRONG_TYPE",
        ),
        (
            "status_list_snapshot_typ",
            "a snapshot is not a status list",
            signed_list("dc+sd-jwt", &list_claims(&[]), &g.issuer),
            "ERR_WRONG_TYPE",
        ),
        (
            "status_list_forged",
            "signed by the issuer key its kid names",
            signed_list("statuslist+jwt", &list_claims(&[]), &g.attacker),
            "ERR_SIGNATURE_INVALID",
        ),
        (
            "status_list_tampered",
            "the signature covers the list",
            format!("{lh}.{}.{ls}", b64::encode(list_claims(&[("ttl", 1i64.into())]).as_bytes())),
            "ERR_SIGNATURE_INVALID",
        ),
        (
            "status_list_unknown_kid",
            "kid in the issuer JWKS",
            sign_raw(&list_header("statuslist+jwt", "attacker-1"), list_claims(&[]).as_bytes(), &g.attacker),
            "ERR_UNKNOWN_KID",
        ),
        (
            "status_list_alg_none",
            "alg allow-list",
            format!("{}.{lp}.", b64::encode(br#"{"alg":"none","typ":"statuslist+jwt","kid":"demo-bureau-2026-11"}"#)),
            "ERR_ALG_NOT_ALLOWED",
        ),
        (
            "status_list_expired",
            "exp",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[("iat", (NOW - 2 * DAY).into()), ("exp", (NOW - DAY).into())]),
                &g.issuer,
            ),
            "ERR_EXPIRED",
        ),
        (
            "status_list_from_future",
            "iat not in the future",
            signed_list("statuslist+jwt", &list_claims(&[("iat", (NOW + 3600).into())]), &g.issuer),
            "ERR_NOT_YET_VALID",
        ),
        (
            "status_list_bits_3",
            "bits is 1, 2, 4 or 8",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[("status_list", Object::new().with("bits", 3i64).with("lst", list.to_lst()).into())]),
                &g.issuer,
            ),
            "ERR_STATUS_LIST_INVALID",
        ),
        (
            "status_list_not_zlib",
            "lst is ZLIB data",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[("status_list", Object::new().with("bits", 2i64).with("lst", "AAAAAAAA").into())]),
                &g.issuer,
            ),
            "ERR_STATUS_LIST_INVALID",
        ),
        (
            "status_list_lst_padding",
            "lst is strict base64url",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[(
                    "status_list",
                    Object::new().with("bits", 2i64).with("lst", format!("{}=", list.to_lst())).into(),
                )]),
                &g.issuer,
            ),
            "ERR_MALFORMED",
        ),
        (
            "status_list_zip_bomb",
            "inflating stops at 4 MiB (a 5 MiB list in a few KB)",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[("status_list", Object::new().with("bits", 1i64).with("lst", bomb.as_str()).into())]),
                &g.issuer,
            ),
            "ERR_TOO_LARGE",
        ),
        (
            "status_list_sub_missing",
            "sub required",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[]).replacen("\"sub\":\"https://demo-bureau.example/status/7\",", "", 1),
                &g.issuer,
            ),
            "ERR_STATUS_LIST_INVALID",
        ),
        (
            "status_list_ttl_zero",
            "ttl positive",
            signed_list("statuslist+jwt", &list_claims(&[("ttl", 0i64.into())]), &g.issuer),
            "ERR_STATUS_LIST_INVALID",
        ),
        (
            "status_list_exp_before_iat",
            "exp after iat",
            signed_list("statuslist+jwt", &list_claims(&[("exp", (NOW - 120).into())]), &g.issuer),
            "ERR_STATUS_LIST_INVALID",
        ),
        (
            "status_list_unknown_member",
            "status_list members",
            signed_list(
                "statuslist+jwt",
                &list_claims(&[(
                    "status_list",
                    Object::new().with("bits", 2i64).with("lst", list.to_lst()).with("idx", 1i64).into(),
                )]),
                &g.issuer,
            ),
            "ERR_STATUS_LIST_INVALID",
        ),
    ];
    for (name, rule, list_token, expect) in cases {
        g.case_status(name, rule, &snapshot, Some(&list_token), refuse(), expect);
    }
}

fn text_case(name: &str, rule: &str, field: &str, text: &str, expect: &str) -> Value {
    Object::new().with("name", name).with("rule", rule).with(field, text).with("expect", expect).into()
}

fn jwks_cases(g: &Gen) -> Vec<Value> {
    let x = b64::encode(&g.attacker.public_key().to_bytes());
    let point = CompressedEdwardsY(g.attacker.public_key().to_bytes()).decompress().unwrap();
    let mixed = b64::encode(&(point + EIGHT_TORSION[2]).compress().to_bytes());
    let small = b64::encode(&EIGHT_TORSION[3].compress().to_bytes());
    let mut noncanonical = vec![0xeeu8];
    noncanonical.extend([0xff; 30]);
    noncanonical.push(0x7f);
    let noncanonical = b64::encode(&noncanonical);
    let key = |x: &str, kid: &str| format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"{kid}"}}"#);
    let set = |keys: &[String]| format!(r#"{{"keys":[{}]}}"#, keys.join(","));
    let many: Vec<String> = (0..33).map(|i| key(&x, &format!("k{i}"))).collect();
    let long_kid: Vec<String> = (0..8).map(|i| key(&x, &format!("{i}{}", "k".repeat(120)))).collect();
    let mut oversize = set(&long_kid);
    oversize.insert_str(1, &format!(r#""padding":"{}","#, "p".repeat(33 * 1024)));
    let cases = [
        ("jwks_ok", "control: one Ed25519 key", set(&[key(&x, "a")]), "ok"),
        ("jwks_private_member", "no private members", set(&[format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"{}","kid":"a"}}"#, b64::encode(&g.attacker.seed()))]), "ERR_KEY_INVALID"),
        ("jwks_duplicate_kid", "kid unique", set(&[key(&x, "a"), key(&b64::encode(&g.holder.public_key().to_bytes()), "a")]), "ERR_KEY_INVALID"),
        ("jwks_small_order_key", "weak keys refused", set(&[key(&small, "a")]), "ERR_KEY_INVALID"),
        ("jwks_identity_key", "weak keys refused", set(&[key(&b64::encode(&EIGHT_TORSION[0].compress().to_bytes()), "a")]), "ERR_KEY_INVALID"),
        ("jwks_mixed_order_key", "torsion-free keys only", set(&[key(&mixed, "a")]), "ERR_KEY_INVALID"),
        ("jwks_non_canonical_key", "canonical encodings only", set(&[key(&noncanonical, "a")]), "ERR_KEY_INVALID"),
        ("jwks_not_on_curve", "a point on the curve", set(&[key(&b64::encode(&[2u8; 32]), "a")]), "ERR_KEY_INVALID"),
        ("jwks_rsa_key", "OKP only", r#"{"keys":[{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","kid":"a"}]}"#.to_owned(), "ERR_KEY_INVALID"),
        ("jwks_x25519_key", "Ed25519 only", set(&[format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}","kid":"a"}}"#)]), "ERR_KEY_INVALID"),
        ("jwks_short_key", "32-byte keys", set(&[key(&b64::encode(&[9u8; 31]), "a")]), "ERR_KEY_INVALID"),
        ("jwks_padded_x", "strict base64url", set(&[key(&format!("{x}="), "a")]), "ERR_KEY_INVALID"),
        ("jwks_missing_kid", "kid required", set(&[format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#)]), "ERR_KEY_INVALID"),
        ("jwks_use_enc", "signing keys only", set(&[format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"a","use":"enc"}}"#)]), "ERR_KEY_INVALID"),
        ("jwks_alg_rs256", "key alg must be EdDSA or Ed25519", set(&[format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"a","alg":"RS256"}}"#)]), "ERR_KEY_INVALID"),
        ("jwks_empty", "at least one key", r#"{"keys":[]}"#.to_owned(), "ERR_KEY_INVALID"),
        ("jwks_no_keys_member", "JWKS shape", r#"{"kty":"OKP"}"#.to_owned(), "ERR_MALFORMED"),
        ("jwks_not_json", "JWKS shape", "keys: []".to_owned(), "ERR_MALFORMED"),
        ("jwks_too_many_keys", "at most 32 keys", set(&many), "ERR_TOO_LARGE"),
        ("jwks_oversize", "at most 32 KiB", oversize, "ERR_TOO_LARGE"),
    ];
    cases.iter().map(|(name, rule, text, expect)| text_case(name, rule, "jwks", text, expect)).collect()
}

fn model_cases(g: &Gen) -> Vec<Value> {
    let source = demo::DEMO_CONSUMER_MODEL_JSON;
    let edit = |from: &str, to: &str| {
        assert!(source.contains(from), "model text contains {from:?}");
        source.replacen(from, to, 1)
    };
    let issuer = demo::issuer().unwrap();
    let signed = issuer.sign_model(source.as_bytes()).unwrap();
    let (mh, mp, ms) = parts(&signed);
    let tampered_model =
        json::parse(edit("{\"gte\": 0.98615, \"points\": 13}", "{\"gte\": 0.98615, \"points\": 700}").as_bytes())
            .unwrap()
            .to_json();
    let attacker_model = sign_raw(
        &header(&[("alg", "EdDSA".into()), ("typ", "edgescore-model+jwt".into()), ("kid", "attacker-1".into())]),
        source.as_bytes(),
        &g.attacker,
    );
    let snapshot_typ =
        sign_raw(&snapshot_header(), json::parse(source.as_bytes()).unwrap().to_json().as_bytes(), &g.issuer);
    let model_text_cases = [
        ("model_ok", "control: the demo consumer model", source.to_owned(), "ok"),
        (
            "model_future_version",
            "format_version supported",
            edit("\"format_version\": 2", "\"format_version\": 3"),
            "ERR_UNSUPPORTED_VERSION",
        ),
        (
            "model_version_string",
            "format_version a number",
            edit("\"format_version\": 2", "\"format_version\": \"2\""),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_unknown_member",
            "strict members (typos)",
            edit("\"demo\": true", "\"demo\": true, \"bands_typo\": []"),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_bin_two_predicates",
            "one predicate per bin",
            edit("{\"missing\": true, \"points\": -2}", "{\"missing\": true, \"else\": true, \"points\": -2}"),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_range_on_category",
            "ranges need numeric features",
            edit("{\"in\": [\"luxury\", \"gaming\"], \"points\": -10}", "{\"gte\": 1, \"points\": -10}"),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_empty_range",
            "ranges not empty",
            edit(
                "{\"gte\": 0.9269, \"lt\": 0.98615, \"points\": 3}",
                "{\"gte\": 0.98615, \"lt\": 0.9269, \"points\": 3}",
            ),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_too_many_decimal_places",
            "points have at most six decimal places",
            edit("{\"gte\": 0.98615, \"points\": 13}", "{\"gte\": 0.98615, \"points\": 13.0000001}"),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_v1_fractional_points",
            "format_version 1 has whole points",
            edit("\"format_version\": 2", "\"format_version\": 1").replacen(
                "{\"gte\": 0.98615, \"points\": 13}",
                "{\"gte\": 0.98615, \"points\": 13.5}",
                1,
            ),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_v1_ok",
            "control: the demo consumer model read as format_version 1 (it uses nothing newer)",
            edit("\"format_version\": 2", "\"format_version\": 1"),
            "ok",
        ),
        (
            "model_reason_without_text",
            "every reason code has texts",
            edit("\"reason_code\": \"R01\"", "\"reason_code\": \"R99\""),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_unknown_feature",
            "characteristics read schema features",
            edit("\"feature\": \"defaults_24m\"", "\"feature\": \"defaults_36m\""),
            "ERR_MODEL_INVALID",
        ),
        (
            "model_unknown_dimension",
            "five dimensions",
            edit("\"dimension\": \"relationships\"", "\"dimension\": \"friends\""),
            "ERR_MODEL_INVALID",
        ),
        ("model_bands_descending", "band cut-offs ascend", edit("\"min\": 600", "\"min\": 540"), "ERR_MODEL_INVALID"),
        ("model_not_json", "model is JSON", "format_version = 1".to_owned(), "ERR_MODEL_INVALID"),
    ];
    let mut cases: Vec<Value> = model_text_cases
        .iter()
        .map(|(name, rule, text, expect)| text_case(name, rule, "model", text, expect))
        .collect();
    for (name, rule, token, expect) in [
        ("signed_model_ok", "control: the signed demo model", signed.clone(), "ok"),
        (
            "signed_model_tampered",
            "model signature covers the model",
            format!("{mh}.{}.{ms}", b64::encode(tampered_model.as_bytes())),
            "ERR_SIGNATURE_INVALID",
        ),
        ("signed_model_unknown_kid", "model key selected by kid", attacker_model, "ERR_UNKNOWN_KID"),
        ("signed_model_snapshot_typ", "typ must name a model", snapshot_typ, "ERR_WRONG_TYPE"),
        ("signed_model_padding", "strict base64url", format!("{mh}.{mp}=.{ms}"), "ERR_MALFORMED"),
    ] {
        cases.push(text_case(name, rule, "signed", &token, expect));
    }
    cases
}

fn policy_cases() -> Vec<Value> {
    let source = edgescore::policy::DEFAULT_POLICY_JSON;
    let edit = |from: &str, to: &str| {
        assert!(source.contains(from), "policy text contains {from:?}");
        source.replacen(from, to, 1)
    };
    let cases = [
        ("policy_ok", "control: the default policy", source.to_owned(), "ok"),
        (
            "policy_future_version",
            "format_version supported",
            edit("\"format_version\": 2", "\"format_version\": 9"),
            "ERR_UNSUPPORTED_VERSION",
        ),
        (
            "policy_status_in_version_1",
            "status needs format_version 2",
            edit("\"format_version\": 2", "\"format_version\": 1"),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_status_unknown_action",
            "status.unavailable is refuse or refer",
            edit("\"unavailable\": \"refer\"", "\"unavailable\": \"ignore\""),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_status_zero_age",
            "status.max_age_seconds is positive",
            edit("\"max_age_seconds\": 86400", "\"max_age_seconds\": 0"),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_status_required_not_boolean",
            "status.required is true or false",
            edit("\"max_age_seconds\": 86400", "\"max_age_seconds\": 86400, \"required\": \"yes\""),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_status_required",
            "control: status.required true",
            edit("\"max_age_seconds\": 86400", "\"max_age_seconds\": 86400, \"required\": true"),
            "ok",
        ),
        (
            "policy_reduced_without_percent",
            "reduced_deposit needs a percent",
            edit(", \"deposit_percent\": 50", ""),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_unknown_decision",
            "four decisions",
            edit("\"decision\": \"refer\"", "\"decision\": \"approve\""),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_negative_amount",
            "amounts are whole minor units",
            edit("\"max_deposit\": 500000", "\"max_deposit\": -1"),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_fractional_amount",
            "amounts are whole minor units",
            edit("\"max_deposit\": 500000", "\"max_deposit\": 5000.5"),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_unknown_band",
            "bands must exist in the model",
            edit("[\"very_good\", \"excellent\"]", "[\"very_good\", \"platinum\"]"),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_unknown_member",
            "strict members (typos)",
            edit("\"max_deposit\": 500000", "\"max_desposit\": 500000"),
            "ERR_POLICY_INVALID",
        ),
        (
            "policy_duplicate_rule_id",
            "rule ids unique",
            edit("\"id\": \"good-band-small-deposit-free\"", "\"id\": \"top-bands-deposit-free\""),
            "ERR_POLICY_INVALID",
        ),
    ];
    cases.iter().map(|(name, rule, text, expect)| text_case(name, rule, "policy", text, expect)).collect()
}

fn context_cases() -> Vec<Value> {
    let cases = [
        ("context_ok", "control", r#"{"deposit":29900,"order_value":120000,"currency":"CNY","item":"e-bike"}"#, "ok"),
        ("context_deposit_string", "amounts are numbers", r#"{"deposit":"29900"}"#, "ERR_CONTEXT_INVALID"),
        ("context_deposit_negative", "amounts are not negative", r#"{"deposit":-1}"#, "ERR_CONTEXT_INVALID"),
        ("context_deposit_fraction", "amounts are whole minor units", r#"{"deposit":299.5}"#, "ERR_CONTEXT_INVALID"),
        ("context_misspelt_member", "strict members (typos)", r#"{"desposit":29900}"#, "ERR_CONTEXT_INVALID"),
        ("context_bad_currency", "ISO 4217 codes", r#"{"currency":"yuan"}"#, "ERR_CONTEXT_INVALID"),
        ("context_not_object", "an object", r#"[29900]"#, "ERR_CONTEXT_INVALID"),
    ];
    cases.iter().map(|(name, rule, text, expect)| text_case(name, rule, "context", text, expect)).collect()
}
