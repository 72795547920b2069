//! The verifier's own configuration: bad options are `ERR_CONFIG_INVALID`, never a silent default.

use edgescore::policy::Policy;
use edgescore::scorer::{Disclosure, Scorer};
use edgescore::snapshot::VerifyOptions;
use edgescore::{demo, ErrorCode};

fn build(options: VerifyOptions, policy: Policy) -> edgescore::Result<Scorer> {
    Scorer::new(demo::jwks()?, demo::consumer_model()?, policy, options)
}

#[test]
fn bad_options_are_config_errors() {
    let cases = [
        VerifyOptions { leeway_seconds: 2 * 86_400, ..VerifyOptions::default() },
        VerifyOptions { presentation_max_age_seconds: 0, ..VerifyOptions::default() },
        VerifyOptions { audience: Some(String::new()), ..VerifyOptions::default() },
        VerifyOptions { issuers: vec!["x".repeat(300)], ..VerifyOptions::default() },
    ];
    for options in cases {
        let error = build(options.clone(), Policy::default_rentals()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ConfigInvalid, "{options:?}");
    }
    assert_eq!(Disclosure::parse("everything").unwrap_err().code(), ErrorCode::ConfigInvalid);
}

#[test]
fn audience_comes_from_the_policy_unless_they_disagree() {
    let mut policy = Policy::default_rentals();
    policy.audience = Some("https://rentals.example".to_owned());
    let scorer = build(VerifyOptions::default(), policy.clone()).unwrap();
    assert_eq!(scorer.options().audience.as_deref(), Some("https://rentals.example"));
    let options = VerifyOptions { audience: Some("https://other.example".to_owned()), ..VerifyOptions::default() };
    assert_eq!(build(options, policy).unwrap_err().code(), ErrorCode::ConfigInvalid);
}

#[test]
fn error_codes_are_stable_strings() {
    for code in ErrorCode::ALL {
        assert!(code.as_str().starts_with("ERR_"));
        assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
    }
    assert_eq!(ErrorCode::ALL.len(), 33);
}
