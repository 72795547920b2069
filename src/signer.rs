//! The one way the issuer's tokens get signed: a [`Signer`] makes pure Ed25519 signatures
//! (RFC 8032) for a key that may live in this process ([`SecretKey`], the file signer) or
//! elsewhere (a PKCS#11 token, a cloud KMS). Snapshots, models and key-binding JWS are all
//! signed through it ([`crate::jws::sign`]), so a key held in an HSM signs exactly what a
//! key file would, byte for byte (Ed25519 signatures are deterministic).
//!
//! The trait is pure: it does no I/O itself. An implementation that talks to a device lives
//! outside the core (the PKCS#11 signer is `edgescore::issuer::pkcs11`, feature `pkcs11`).

use crate::ed25519::{PublicKey, SecretKey, SIGNATURE_LENGTH};
use crate::error::Result;

/// Makes Ed25519 signatures with one key.
pub trait Signer: Send + Sync {
    /// The public key signatures verify under.
    fn public_key(&self) -> PublicKey;

    /// The Ed25519 signature of `message`. A signer outside the process that fails returns
    /// `ERR_SIGNING_FAILED`; a signer in the process never fails.
    fn sign(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LENGTH]>;
}

/// The file signer: a private key in memory (read from a private JWK).
impl Signer for SecretKey {
    fn public_key(&self) -> PublicKey {
        SecretKey::public_key(self)
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LENGTH]> {
        Ok(SecretKey::sign(self, message))
    }
}
