//! A [`Signer`] whose Ed25519 key lives in a PKCS#11 token (an HSM, or SoftHSM2 in the
//! tests), feature `pkcs11`, native only. The key never leaves the token: each signature is
//! one `C_Sign` with mechanism `CKM_EDDSA` (PKCS#11 3.0, pure Ed25519 without parameters), so
//! the signature is byte for byte the one a key file with the same key makes.
//!
//! The token is found by label, the key by label among its private keys of type
//! `CKK_EC_EDWARDS`; its public half is read from the public key object with the same label
//! (`CKA_EC_POINT`, a DER OCTET STRING or the bare 32 bytes) and must be on edwards25519
//! (`CKA_EC_PARAMS`: the OID 1.3.101.112 or the name `edwards25519`). Opening the signer makes
//! one signature and verifies it, so a wrong key pair is refused before any token is issued.
//!
//! Sessions: one logs in (PKCS#11 logins belong to the application, so every later session
//! shares it); signing threads take a session from a pool and open one when the pool is
//! empty, so `threads` signers sign in parallel. Failures are `ERR_SIGNING_FAILED` with the
//! token's return value name; the PIN never appears in a message.

use std::path::PathBuf;
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as Pkcs11Error, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::ed25519::{PublicKey, SIGNATURE_LENGTH};
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::signer::Signer;

/// DER of the OID 1.3.101.112 (id-Ed25519), one form of `CKA_EC_PARAMS` for Ed25519 keys.
const ED25519_OID_DER: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER PrintableString `edwards25519`, the other form PKCS#11 3.0 allows.
const ED25519_NAME_DER: &[u8] = b"\x13\x0cedwards25519";

/// Where the key is and how to log in.
#[derive(Clone)]
pub struct Pkcs11Config {
    /// The PKCS#11 module (a shared library), e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    /// The token's label.
    pub token_label: String,
    /// The key's label (`CKA_LABEL` of the private and the public key object).
    pub key_label: String,
    /// The user PIN.
    pub pin: String,
}

impl std::fmt::Debug for Pkcs11Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Config")
            .field("module", &self.module)
            .field("token_label", &self.token_label)
            .field("key_label", &self.key_label)
            .finish_non_exhaustive()
    }
}

/// An Ed25519 key held in a PKCS#11 token.
pub struct Pkcs11Signer {
    context: Pkcs11,
    slot: Slot,
    key: ObjectHandle,
    public: PublicKey,
    /// Sessions free for signing.
    pool: Mutex<Vec<Session>>,
    /// The session that logged in, kept open so the login lasts (in a mutex: a session may
    /// move between threads but not be shared).
    _login: Mutex<Session>,
}

fn failed(what: &str, error: Pkcs11Error) -> Error {
    let reason = match error {
        Pkcs11Error::Pkcs11(rv, function) => format!("{function}: {rv:?}"),
        other => truncate(&other.to_string(), 200).to_owned(),
    };
    Error::with_message(ErrorCode::SigningFailed, format!("PKCS#11: {what}: {reason}"))
}

impl Pkcs11Signer {
    /// Loads the module, finds the token and the key, logs in and checks the key with one
    /// signature.
    pub fn open(config: &Pkcs11Config) -> Result<Pkcs11Signer> {
        let context = Pkcs11::new(&config.module).map_err(|e| failed("cannot load the module", e))?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(Pkcs11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(error) => return Err(failed("cannot initialise the module", error)),
        }
        let slot = find_token(&context, &config.token_label)?;
        let login = context.open_ro_session(slot).map_err(|e| failed("cannot open a session", e))?;
        match login.login(UserType::User, Some(&AuthPin::from(config.pin.clone()))) {
            Ok(()) | Err(Pkcs11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(error) => return Err(failed("cannot log in", error)),
        }
        let label = Attribute::Label(config.key_label.as_bytes().to_vec());
        let private = login
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), label.clone()])
            .map_err(|e| failed("cannot search the token", e))?;
        let [key] = private.as_slice() else {
            bail!(
                SigningFailed,
                "PKCS#11: {} private keys labelled {:?} (need exactly one)",
                private.len(),
                truncate(&config.key_label, 64)
            );
        };
        let key_type =
            login.get_attributes(*key, &[AttributeType::KeyType]).map_err(|e| failed("cannot read the key", e))?;
        if !matches!(key_type.as_slice(), [Attribute::KeyType(kind)] if *kind == KeyType::EC_EDWARDS) {
            bail!(SigningFailed, "PKCS#11: the key labelled {:?} is not an EdDSA key", truncate(&config.key_label, 64));
        }
        let public = read_public_key(&login, label, &config.key_label)?;
        let signer =
            Pkcs11Signer { context, slot, key: *key, public, pool: Mutex::new(Vec::new()), _login: Mutex::new(login) };
        let probe = b"edgescore PKCS#11 key check";
        let signature = signer.sign(probe)?;
        if signer.public.verify_strict(probe, &signature).is_err() {
            bail!(SigningFailed, "PKCS#11: the key's signature does not verify under its public key object");
        }
        Ok(signer)
    }

    fn session(&self) -> Result<Session> {
        let pooled = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        match pooled {
            Some(session) => Ok(session),
            None => self.context.open_ro_session(self.slot).map_err(|e| failed("cannot open a session", e)),
        }
    }
}

impl Signer for Pkcs11Signer {
    fn public_key(&self) -> PublicKey {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LENGTH]> {
        let session = self.session()?;
        let mechanism = Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure));
        let signed = session.sign(&mechanism, self.key, message);
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(session);
        }
        let signature = signed.map_err(|e| failed("C_Sign failed", e))?;
        <[u8; SIGNATURE_LENGTH]>::try_from(signature.as_slice()).map_err(|_| {
            Error::with_message(
                ErrorCode::SigningFailed,
                format!("PKCS#11: a {}-byte signature, not an Ed25519 one", signature.len()),
            )
        })
    }
}

fn find_token(context: &Pkcs11, label: &str) -> Result<Slot> {
    let slots = context.get_slots_with_token().map_err(|e| failed("cannot list the slots", e))?;
    for slot in slots {
        let info = context.get_token_info(slot).map_err(|e| failed("cannot read a token", e))?;
        if info.label().trim_end() == label {
            return Ok(slot);
        }
    }
    bail!(SigningFailed, "PKCS#11: no token labelled {:?}", truncate(label, 64))
}

fn read_public_key(session: &Session, label: Attribute, key_label: &str) -> Result<PublicKey> {
    let found = session
        .find_objects(&[Attribute::Class(ObjectClass::PUBLIC_KEY), label])
        .map_err(|e| failed("cannot search the token", e))?;
    let [public] = found.as_slice() else {
        bail!(
            SigningFailed,
            "PKCS#11: {} public keys labelled {:?} (need exactly one)",
            found.len(),
            truncate(key_label, 64)
        );
    };
    let attributes = session
        .get_attributes(*public, &[AttributeType::EcParams, AttributeType::EcPoint])
        .map_err(|e| failed("cannot read the public key", e))?;
    let (mut params, mut point) = (None, None);
    for attribute in attributes {
        match attribute {
            Attribute::EcParams(bytes) => params = Some(bytes),
            Attribute::EcPoint(bytes) => point = Some(bytes),
            _ => {}
        }
    }
    if !params.as_deref().is_some_and(|p| p == ED25519_OID_DER || p == ED25519_NAME_DER) {
        bail!(SigningFailed, "PKCS#11: the key labelled {:?} is not on edwards25519", truncate(key_label, 64));
    }
    let point = point.unwrap_or_default();
    let raw = match point.as_slice() {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
        bare if bare.len() == 32 => bare,
        _ => bail!(SigningFailed, "PKCS#11: the public key's CKA_EC_POINT is not an Ed25519 point"),
    };
    PublicKey::from_bytes(raw).map_err(|e| e.recode(ErrorCode::SigningFailed))
}
