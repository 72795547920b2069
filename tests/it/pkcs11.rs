//! The PKCS#11 signer against SoftHSM2 (Debian's `softhsm2`, which `scripts/test.sh`
//! installs): a token in a folder of its own, the demo issuer key imported into it and a key
//! generated inside it. The imported key must sign byte for byte what the key file signs,
//! through the library and through `issue-batch`; the generated one must verify.
//!
//! Without SoftHSM2 the tests say so and pass, unless `EDGESCORE_REQUIRE_SOFTHSM` is set (the
//! test command sets it, so CI cannot skip them).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, KeyType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use edgescore::issue::Issuer;
use edgescore::issuer::batch::BatchIssuer;
use edgescore::issuer::lines::Position;
use edgescore::issuer::pkcs11::{Pkcs11Config, Pkcs11Signer};
use edgescore::jwk::Jwks;
use edgescore::signer::Signer;
use edgescore::snapshot::{verify_snapshot, VerifyOptions};
use edgescore::{demo, ErrorCode};

use crate::cli::{p, workdir, BIN};

const TOKEN: &str = "edgescore-test";
const PIN: &str = "1234";
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];

/// The module, a configured token with two keys (`demo`, imported, and `generated`), and
/// the SOFTHSM2_CONF that points at it; `None` when SoftHSM2 is not installed.
struct Token {
    module: PathBuf,
    conf: PathBuf,
}

/// The token, and a turn at it: the module's sessions and login belong to the whole process, so
/// the tests in it take turns (a signer dropped by one test closes sessions another may rely on).
fn token() -> Option<(&'static Token, std::sync::MutexGuard<'static, ()>)> {
    static TOKEN_SETUP: OnceLock<Option<Token>> = OnceLock::new();
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    TOKEN_SETUP.get_or_init(setup).as_ref().map(|token| (token, turn))
}

fn setup() -> Option<Token> {
    let module = std::env::var_os("EDGESCORE_PKCS11_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"));
    if !module.exists() {
        assert!(
            std::env::var_os("EDGESCORE_REQUIRE_SOFTHSM").is_none(),
            "SoftHSM2 is required (EDGESCORE_REQUIRE_SOFTHSM) but {} is missing",
            module.display()
        );
        eprintln!("SoftHSM2 is not installed ({}): PKCS#11 tests not run", module.display());
        return None;
    }
    let dir = workdir("pkcs11-token");
    fs::create_dir_all(dir.join("tokens")).unwrap();
    let conf = dir.join("softhsm2.conf");
    let tokens = dir.join("tokens");
    fs::write(&conf, format!("directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n", p(&tokens)))
        .unwrap();
    // SoftHSM2 reads its configuration when the module is initialised, once per process.
    std::env::set_var("SOFTHSM2_CONF", &conf);
    let made = Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "5678"])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let context = Pkcs11::new(&module).unwrap();
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(cryptoki::error::Error::Pkcs11(cryptoki::error::RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(error) => panic!("{error}"),
    }
    let slot = context
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|slot| context.get_token_info(*slot).unwrap().label().trim_end() == TOKEN)
        .unwrap();
    let session = context.open_rw_session(slot).unwrap();
    session.login(UserType::User, Some(&AuthPin::from(PIN.to_owned()))).unwrap();
    // The demo issuer's key, imported.
    let demo_key = demo_private_jwk();
    let label = |name: &str| Attribute::Label(name.as_bytes().to_vec());
    let common = |name: &str| {
        vec![
            Attribute::KeyType(KeyType::EC_EDWARDS),
            Attribute::Token(true),
            label(name),
            Attribute::EcParams(ED25519_OID.to_vec()),
        ]
    };
    let mut private = common("demo");
    private.extend([
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Sign(true),
        Attribute::Value(demo_key.secret.seed().to_vec()),
    ]);
    session.create_object(&private).unwrap();
    let mut point = vec![0x04, 0x20];
    point.extend_from_slice(&demo_key.secret.public_key().to_bytes());
    let mut public = common("demo");
    public.extend([Attribute::Class(ObjectClass::PUBLIC_KEY), Attribute::Verify(true), Attribute::EcPoint(point)]);
    session.create_object(&public).unwrap();
    // A key made inside the token.
    let public_template = [
        Attribute::Token(true),
        Attribute::Verify(true),
        label("generated"),
        Attribute::EcParams(ED25519_OID.to_vec()),
    ];
    let private_template = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Sign(true),
        label("generated"),
    ];
    session.generate_key_pair(&Mechanism::EccEdwardsKeyPairGen, &public_template, &private_template).unwrap();
    Some(Token { module, conf })
}

fn config(token: &Token, key: &str, pin: &str) -> Pkcs11Config {
    Pkcs11Config {
        module: token.module.clone(),
        token_label: TOKEN.to_owned(),
        key_label: key.to_owned(),
        pin: pin.to_owned(),
    }
}

#[test]
fn an_imported_key_signs_as_the_key_file_does() {
    let Some((token, _turn)) = token() else { return };
    let signer = Pkcs11Signer::open(&config(token, "demo", PIN)).unwrap();
    let file_key = demo_private_jwk().secret;
    assert_eq!(signer.public_key().to_bytes(), file_key.public_key().to_bytes());
    for message in [&b""[..], b"edgescore", &[7u8; 5000]] {
        assert_eq!(Signer::sign(&signer, message).unwrap(), file_key.sign(message), "{} bytes", message.len());
    }
    // Whole snapshots, through the one Issuer type.
    let kid = demo::issuer().unwrap().kid().to_owned();
    let hsm = BatchIssuer {
        issuer: Issuer::with_signer(Box::new(signer), Some(kid)).unwrap(),
        ..BatchIssuer::demo(1_790_000_000).unwrap()
    };
    let file = BatchIssuer::demo(1_790_000_000).unwrap();
    let row = demo_row();
    let at = Position { line: 1, offset: 0 };
    assert_eq!(hsm.issue_row(at, row.as_bytes()).unwrap(), file.issue_row(at, row.as_bytes()).unwrap());
}

fn demo_private_jwk() -> edgescore::jwk::PrivateJwk {
    edgescore::jwk::PrivateJwk::parse(demo::DEMO_ISSUER_PRIVATE_JWK.as_bytes()).unwrap()
}

/// A features line for the first demo person.
fn demo_row() -> String {
    let person = &demo::people().unwrap()[0];
    edgescore::json::Object::new()
        .with("sub", person.id.as_str())
        .with("schema", demo::consumer_model().unwrap().model().schema())
        .with("features", person.features.clone())
        .to_json()
}

#[test]
fn a_key_generated_in_the_token_signs_snapshots_that_verify() {
    let Some((token, _turn)) = token() else { return };
    let signer = Pkcs11Signer::open(&config(token, "generated", PIN)).unwrap();
    let issuer = Issuer::with_signer(Box::new(signer), None).unwrap();
    let jwks = Jwks::from_jwks([issuer.public_jwk()]).unwrap();
    let batch = BatchIssuer { issuer, ..BatchIssuer::demo(1_790_000_000).unwrap() };
    let line = batch.issue_row(Position { line: 1, offset: 0 }, demo_row().as_bytes()).unwrap();
    let row = edgescore::json::parse_object(line.as_bytes()).unwrap();
    let snapshot = row.get("snapshot").and_then(edgescore::json::Value::as_str).unwrap();
    verify_snapshot(snapshot, &jwks, &VerifyOptions::default(), 1_790_000_100, None).unwrap();
    let other = verify_snapshot(snapshot, &demo::jwks().unwrap(), &VerifyOptions::default(), 1_790_000_100, None);
    assert!(other.is_err(), "a generated key is not the demo key");
}

#[test]
fn wrong_pins_tokens_and_labels_are_signing_failures() {
    let Some((token, _turn)) = token() else { return };
    let bad = [
        config(token, "demo", "0000"),
        config(token, "missing", PIN),
        Pkcs11Config { token_label: "no-such-token".to_owned(), ..config(token, "demo", PIN) },
        Pkcs11Config { module: PathBuf::from("/nonexistent/libpkcs11.so"), ..config(token, "demo", PIN) },
    ];
    for config in bad {
        let error = Pkcs11Signer::open(&config).err().unwrap();
        assert_eq!(error.code(), ErrorCode::SigningFailed, "{config:?}: {}", error.message());
        assert!(!error.message().contains(PIN) || config.pin != PIN, "the PIN is never in a message");
    }
}

#[test]
fn issue_batch_through_the_token_matches_the_key_file_byte_for_byte() {
    let Some((token, _turn)) = token() else { return };
    let dir = workdir("pkcs11-batch");
    let raw = dir.join("people.jsonl");
    let features = dir.join("features.jsonl");
    assert!(Command::new(BIN)
        .args(["synth", "--people", "200", "--seed", "12", "--out", p(&raw)])
        .output()
        .unwrap()
        .status
        .success());
    assert!(Command::new(BIN)
        .args(["features", "--in", p(&raw), "--out", p(&features)])
        .output()
        .unwrap()
        .status
        .success());
    let pin_file = dir.join("pin");
    fs::write(&pin_file, format!("{PIN}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&pin_file, fs::Permissions::from_mode(0o600)).unwrap();
    let batch = |out: &Path, signing: &[&str]| {
        let mut args =
            vec!["issue-batch", "--in", p(&features), "--out", p(out), "--now", "1790000000", "--threads", "2"];
        args.extend_from_slice(signing);
        let run = Command::new(BIN).args(&args).env("SOFTHSM2_CONF", &token.conf).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        fs::read(out).unwrap()
    };
    let from_file = batch(&dir.join("file.jsonl"), &["--demo-key"]);
    let kid = demo::issuer().unwrap().kid().to_owned();
    let hsm_args = [
        "--pkcs11-module",
        p(&token.module),
        "--pkcs11-token",
        TOKEN,
        "--pkcs11-key",
        "demo",
        "--pkcs11-pin-file",
        p(&pin_file),
        "--pkcs11-kid",
        &kid,
        "--iss",
        demo::DEMO_ISSUER,
    ];
    let from_token = batch(&dir.join("token.jsonl"), &hsm_args);
    assert_eq!(from_file.len(), from_token.len());
    assert!(from_file == from_token, "the token signs what the key file signs");
}
