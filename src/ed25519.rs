//! Hardened Ed25519 (RFC 8032) on top of ed25519-dalek and curve25519-dalek.
//!
//! Public keys are checked once, when they are loaded: 32 bytes, a point on the curve, the
//! canonical encoding of that point, not of small order, and torsion-free (in the prime-order
//! subgroup, so not "mixed order"). Anything else is `ERR_KEY_INVALID`.
//!
//! A signature verifies when it is exactly 64 bytes, its `S` is canonical (`S < L`), its `R`
//! is a point not of small order, and `R` equals `[S]B − [k]A` **byte for byte**
//! (`ed25519_dalek::VerifyingKey::verify_strict`, the cofactorless equation). Because `A` and
//! `B` are torsion-free, `[S]B − [k]A` is torsion-free and its encoding canonical, so the byte
//! comparison also refuses every non-canonical or mixed-order `R`. Every failure is the same
//! `ERR_SIGNATURE_INVALID`.

use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::error::{bail, Error, Result};

/// The length of an Ed25519 signature.
pub const SIGNATURE_LENGTH: usize = 64;

/// An Ed25519 public key that passed every check in the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Loads a public key, refusing weak and non-canonical ones with `ERR_KEY_INVALID`.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey> {
        let Ok(array) = <[u8; 32]>::try_from(bytes) else {
            bail!(KeyInvalid, "an Ed25519 public key is 32 bytes, not {}", bytes.len());
        };
        let Some(point) = CompressedEdwardsY(array).decompress() else {
            bail!(KeyInvalid, "public key is not a point on the curve");
        };
        if point.compress().to_bytes() != array {
            bail!(KeyInvalid, "public key is not canonically encoded");
        }
        if point.is_small_order() {
            bail!(KeyInvalid, "public key is a weak key of small order");
        }
        if !point.is_torsion_free() {
            bail!(KeyInvalid, "public key has a small-order component (mixed order)");
        }
        let key = VerifyingKey::from_bytes(&array)
            .map_err(|_| Error::new(crate::ErrorCode::KeyInvalid, "public key rejected"))?;
        Ok(PublicKey { key })
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Verifies `signature` over `message` strictly; every failure is `ERR_SIGNATURE_INVALID`.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let Ok(bytes) = <[u8; SIGNATURE_LENGTH]>::try_from(signature) else {
            return Err(Error::signature_invalid());
        };
        let mut s = [0u8; 32];
        s.copy_from_slice(bytes.get(32..).unwrap_or_default());
        if Option::<Scalar>::from(Scalar::from_canonical_bytes(s)).is_none() {
            return Err(Error::signature_invalid());
        }
        let signature = Signature::from_bytes(&bytes);
        self.key.verify_strict(message, &signature).map_err(|_| Error::signature_invalid())
    }
}

/// An Ed25519 private key (the 32-byte seed of RFC 8032).
pub struct SecretKey {
    key: SigningKey,
}

impl SecretKey {
    /// The key for a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        SecretKey { key: SigningKey::from_bytes(seed) }
    }

    /// The key for a seed of any length; anything but 32 bytes is `ERR_KEY_INVALID`.
    pub fn from_seed_slice(seed: &[u8]) -> Result<SecretKey> {
        let Ok(array) = <[u8; 32]>::try_from(seed) else {
            bail!(KeyInvalid, "an Ed25519 private key is 32 bytes, not {}", seed.len());
        };
        Ok(SecretKey::from_seed(&array))
    }

    /// The seed.
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey { key: self.key.verifying_key() }
    }

    /// The deterministic Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LENGTH] {
        self.key.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey").finish_non_exhaustive()
    }
}
