//! Native benchmark of the core: verify + score (with and without holder binding), issue and
//! present, against a bare Ed25519 verification measured in the same run.
//!
//! `cargo bench --features cli --bench core` prints medians of 25 samples per case and each
//! case's ratio to the bare verification. Figures, not assertions: these machines are shared.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use edgescore::issue::{self, KeyBinding, SnapshotClaims};
use edgescore::jwk::Jwk;
use edgescore::policy::{OrderContext, Policy};
use edgescore::scorer::{Disclosure, ScoreRequest, Scorer};
use edgescore::snapshot::VerifyOptions;
use edgescore::{demo, ed25519::SecretKey};

const NOW: i64 = 1_790_000_000;
const SAMPLES: usize = 25;

fn median(f: impl FnMut()) -> Duration {
    common::median(SAMPLES, Duration::from_millis(20), f)
}

fn main() {
    let issuer = demo::issuer().expect("demo issuer");
    let holder = SecretKey::from_seed(&[7; 32]);
    let person = demo::people().expect("people").into_iter().find(|p| p.id == "lin").expect("lin");
    let claims = SnapshotClaims {
        issuer: demo::DEMO_ISSUER.to_owned(),
        subject: "demo-lin".to_owned(),
        jti: "bench".to_owned(),
        issued_at: NOW - 60,
        expires_at: NOW + 86_400,
        schema: person.schema.clone(),
        features: issue::schema_features(demo::consumer_model().expect("model").model(), &person.features),
        holder: None,
        ..Default::default()
    };
    let salt = || [9u8; 16];
    let unbound = issuer.issue(&claims, &mut { salt }).expect("issue");
    let bound_claims = SnapshotClaims { holder: Some(Jwk::new(holder.public_key(), None)), ..claims.clone() };
    let bound = issuer.issue(&bound_claims, &mut { salt }).expect("issue");
    let audience = "https://rentals.example";
    let binding = |key| KeyBinding { key, nonce: "nonce-1", audience, issued_at: NOW - 1 };
    let presentation = issue::present(&bound, None, Some(binding(&holder))).expect("present");
    let scorer = Scorer::new(
        demo::jwks().expect("jwks"),
        demo::consumer_model().expect("model"),
        Policy::default_rentals(),
        VerifyOptions { audience: Some(audience.to_owned()), ..VerifyOptions::default() },
    )
    .expect("scorer");
    let context = OrderContext { deposit: Some(29_900), ..OrderContext::default() };
    let plain = ScoreRequest { now: NOW, context: context.clone(), ..ScoreRequest::default() };
    let with_binding = ScoreRequest { now: NOW, nonce: Some("nonce-1"), context, disclose: Disclosure::Full };
    scorer.score(&unbound, &plain).expect("unbound scores");
    scorer.score(&presentation, &with_binding).expect("bound scores");

    let issuer_jwt = unbound.split('~').next().expect("issuer JWT");
    let message = issuer_jwt.rsplit_once('.').map(|(input, _)| input.to_owned()).expect("signing input");
    let signature = demo_signature(&message);
    let public = demo::jwks().expect("jwks");
    let key = public.find(demo::DEMO_KID).expect("demo key").clone();

    let baseline = median(|| {
        black_box(key.verify_strict(black_box(message.as_bytes()), black_box(&signature))).expect("verifies");
    });
    // 200 presentations by 200 different holders: each round by a fresh scorer (no holder key
    // seen before), then by a scorer that has seen them all (holder keys remembered).
    let holders: Vec<SecretKey> = (0..200u32).map(|i| SecretKey::from_seed(&[(i % 256) as u8 ^ 0x5a; 32])).collect();
    let many: Vec<(String, String)> = holders
        .iter()
        .enumerate()
        .map(|(i, holder)| {
            let claims = SnapshotClaims {
                jti: format!("bench-{i}"),
                holder: Some(Jwk::new(holder.public_key(), None)),
                ..claims.clone()
            };
            let snapshot = issuer.issue(&claims, &mut { salt }).expect("issue");
            let presentation = issue::present(&snapshot, None, Some(binding(holder))).expect("present");
            (snapshot, presentation)
        })
        .collect();
    let fresh_scorer = || {
        Scorer::new(
            demo::jwks().expect("jwks"),
            demo::consumer_model().expect("model"),
            Policy::default_rentals(),
            VerifyOptions { audience: Some(audience.to_owned()), ..VerifyOptions::default() },
        )
        .expect("scorer")
    };
    let requests: Vec<ScoreRequest<'_>> =
        many.iter().map(|_| ScoreRequest { now: NOW, nonce: Some("nonce-1"), ..ScoreRequest::default() }).collect();
    let per_item = |time: Duration| time / many.len() as u32;
    let new_holders = per_item(median(|| {
        let scorer = fresh_scorer();
        for ((_, presentation), request) in many.iter().zip(&requests) {
            black_box(scorer.score(presentation, request)).expect("scores");
        }
    }));
    let warm = fresh_scorer();
    for ((_, presentation), request) in many.iter().zip(&requests) {
        warm.score(presentation, request).expect("scores");
    }
    let known_holders = per_item(median(|| {
        for ((_, presentation), request) in many.iter().zip(&requests) {
            black_box(warm.score(presentation, request)).expect("scores");
        }
    }));

    let cases: Vec<(&str, Duration)> = vec![
        ("bare Ed25519 verify_strict (baseline)", baseline),
        (
            "score: unbound SD-JWT (verify, 20 disclosures, score, policy)",
            median(|| {
                black_box(scorer.score(black_box(&unbound), &plain)).expect("scores");
            }),
        ),
        (
            "score: SD-JWT + key binding (2 verifies, 20 disclosures, full)",
            median(|| {
                black_box(scorer.score(black_box(&presentation), &with_binding)).expect("scores");
            }),
        ),
        ("200 presentations, holders new to the scorer (each)", new_holders),
        ("200 presentations, holders the scorer has seen (each)", known_holders),
        (
            "issue: sign an SD-JWT snapshot (20 disclosures)",
            median(|| {
                black_box(issuer.issue(black_box(&claims), &mut { salt })).expect("issues");
            }),
        ),
        (
            "present: choose disclosures, sign a key-binding JWT",
            median(|| {
                black_box(issue::present(&bound, None, Some(binding(&holder)))).expect("presents");
            }),
        ),
        (
            "load: verify and parse the signed demo model",
            median(|| {
                black_box(demo::consumer_model()).expect("model");
            }),
        ),
    ];
    println!("edgescore native benchmark: median of {SAMPLES} samples per case");
    println!("{:<68} {:>12} {:>10}", "case", "median", "× baseline");
    for (name, time) in cases {
        println!(
            "{name:<68} {:>9.1} µs {:>10.2}",
            time.as_secs_f64() * 1e6,
            time.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}

/// The snapshot's own signature over `message` (Ed25519 is deterministic, so re-signing gives it).
fn demo_signature(message: &str) -> Vec<u8> {
    let jwk = edgescore::jwk::PrivateJwk::parse(demo::DEMO_ISSUER_PRIVATE_JWK.as_bytes()).expect("demo key");
    jwk.secret.sign(message.as_bytes()).to_vec()
}
