//! Key material: `keygen`, the issuer's signing key (`--key` / `--demo-key`) and the holder
//! key files other commands read.

use std::path::{Path, PathBuf};

use clap::Args;
use edgescore::demo;
use edgescore::ed25519::SecretKey;
use edgescore::issue::Issuer;
use edgescore::issuer::pkcs11::{Pkcs11Config, Pkcs11Signer};
use edgescore::json::{self, Object, Value};
use edgescore::jwk::{Jwk, Jwks, PrivateJwk};
use edgescore::jws::SigningAlg;

use crate::input::{self, usage, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct KeygenArgs {
    /// Write the private JWK here (otherwise both go to stdout).
    #[arg(long, value_name = "FILE")]
    pub private: Option<PathBuf>,
    /// Write the public JWKS here.
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// Key id (default: the RFC 7638 thumbprint).
    #[arg(long)]
    pub kid: Option<String>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub(crate) struct SigningKeyArgs {
    /// The issuer's private JWK.
    #[arg(long, value_name = "FILE", required_unless_present_any = ["demo_key", "pkcs11_module"])]
    pub key: Option<PathBuf>,
    /// Sign with the embedded demo issuer key (demo only).
    #[arg(long, conflicts_with = "key")]
    pub demo_key: bool,
    /// Sign with an Ed25519 key held in a PKCS#11 token: the module (shared library).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["key", "demo_key"], requires_all = ["pkcs11_token", "pkcs11_key"])]
    pub pkcs11_module: Option<PathBuf>,
    /// The PKCS#11 token's label.
    #[arg(long, value_name = "LABEL", requires = "pkcs11_module")]
    pub pkcs11_token: Option<String>,
    /// The PKCS#11 key's label (its private and public key objects).
    #[arg(long, value_name = "LABEL", requires = "pkcs11_module")]
    pub pkcs11_key: Option<String>,
    /// A file holding the token's user PIN (default: the EDGESCORE_PKCS11_PIN environment
    /// variable).
    #[arg(long, value_name = "FILE", requires = "pkcs11_module")]
    pub pkcs11_pin_file: Option<PathBuf>,
    /// `kid` of the PKCS#11 key (default: its RFC 7638 thumbprint).
    #[arg(long, value_name = "KID", requires = "pkcs11_module")]
    pub pkcs11_kid: Option<String>,
    /// Header `alg`: EdDSA (default) or Ed25519.
    #[arg(long, default_value = "EdDSA")]
    pub alg: String,
    /// Sign with a --key file that its group or others may read (refused otherwise).
    #[arg(long)]
    pub allow_insecure_key_permissions: bool,
}

pub(crate) fn keygen(args: KeygenArgs) -> CliResult<Output> {
    let seed = input::random_bytes::<32>()?;
    let secret = SecretKey::from_seed(&seed);
    let kid = args.kid.unwrap_or_else(|| edgescore::jwk::thumbprint(&secret.public_key()));
    let private = PrivateJwk { kid: Some(kid.clone()), secret };
    let jwks = Jwks::from_jwks([private.public_jwk()])?;
    let private_json = private.to_object();
    let jwks_json = json::parse_object(jwks.to_json().as_bytes())?;
    match (args.private, args.jwks) {
        (None, None) => {
            Ok(Output::Json(Object::new().with("kid", kid).with("private_jwk", private_json).with("jwks", jwks_json)))
        }
        (Some(private_path), Some(jwks_path)) => {
            if jwks_path.exists() && !args.force {
                return Err(usage(format!("{} exists; pass --force to overwrite", jwks_path.display())));
            }
            input::write_private(&private_path, &(private_json.to_json_pretty() + "\n"), args.force)?;
            input::write_new(&jwks_path, &(jwks_json.to_json_pretty() + "\n"), args.force)?;
            Ok(Output::Json(
                Object::new()
                    .with("kid", kid)
                    .with("private_jwk", private_path.display().to_string())
                    .with("jwks", jwks_path.display().to_string()),
            ))
        }
        _ => Err(usage("give both --private and --jwks, or neither")),
    }
}

impl SigningKeyArgs {
    /// The `iss` to sign as: the one given, else with `--demo-key` the demo issuer's.
    pub(crate) fn issuer_name(&self, given: Option<&str>) -> CliResult<String> {
        match (given, self.demo_key) {
            (Some(iss), _) => Ok(iss.to_owned()),
            (None, true) => Ok(demo::DEMO_ISSUER.to_owned()),
            (None, false) => Err(usage("--iss is required with --key")),
        }
    }
}

pub(crate) fn signing_issuer(args: &SigningKeyArgs) -> CliResult<Issuer> {
    let alg = SigningAlg::parse(&args.alg).map_err(|e| usage(e.message().to_owned()))?;
    let issuer = match (&args.key, &args.pkcs11_module) {
        (Some(path), _) => {
            input::check_private_key_permissions(path, args.allow_insecure_key_permissions)?;
            Issuer::new(PrivateJwk::parse(&input::read_bytes(path)?)?)
        }
        (None, Some(module)) => pkcs11_issuer(args, module)?,
        (None, None) => demo::issuer()?,
    };
    Ok(issuer.with_alg(alg))
}

fn pkcs11_issuer(args: &SigningKeyArgs, module: &Path) -> CliResult<Issuer> {
    let pin = match &args.pkcs11_pin_file {
        Some(path) => {
            input::check_private_key_permissions(path, args.allow_insecure_key_permissions)?;
            let text = String::from_utf8(input::read_bytes(path)?).map_err(|_| usage("the PIN file is not text"))?;
            text.trim_end_matches(['\r', '\n']).to_owned()
        }
        None => std::env::var("EDGESCORE_PKCS11_PIN")
            .map_err(|_| usage("give the PKCS#11 user PIN in --pkcs11-pin-file or EDGESCORE_PKCS11_PIN"))?,
    };
    let config = Pkcs11Config {
        module: module.to_owned(),
        token_label: args.pkcs11_token.clone().unwrap_or_default(),
        key_label: args.pkcs11_key.clone().unwrap_or_default(),
        pin,
    };
    let signer = Pkcs11Signer::open(&config)?;
    Ok(Issuer::with_signer(Box::new(signer), args.pkcs11_kid.clone())?)
}

/// A holder key file: a public JWK, a private JWK (its public half is used), or a JWKS of one.
pub(crate) fn read_holder_public(path: &Path) -> CliResult<Jwk> {
    let object = json::parse_object(&input::read_bytes(path)?)?;
    if object.contains("d") {
        return Ok(PrivateJwk::from_object(&object)?.public_jwk());
    }
    if let Some(Value::Array(keys)) = object.get("keys") {
        if let [Value::Object(only)] = keys.as_slice() {
            return Ok(Jwk::from_object(only)?);
        }
        return Err(usage("the holder JWKS must hold exactly one key"));
    }
    Ok(Jwk::from_object(&object)?)
}
