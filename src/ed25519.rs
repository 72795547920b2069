//! Hardened Ed25519 (RFC 8032) on curve25519-dalek: keys, verification, signing.
//!
//! Public keys are checked once, when they are loaded: 32 bytes, a point on the curve, the
//! canonical encoding of that point, not of small order, and torsion-free (in the prime-order
//! subgroup, so not "mixed order"). Anything else is `ERR_KEY_INVALID`.
//!
//! A signature verifies when it is exactly 64 bytes, its `S` is canonical (`S < L`), and `R` is
//! **byte for byte** the encoding of `R' = [S]B − [k]A` with `k = SHA-512(R ‖ A ‖ M)`, and `R'` is
//! not the identity: the cofactorless equation, exactly as `ed25519_dalek::VerifyingKey::
//! verify_strict` accepts (a property test holds the two together). Because `A` and `B` are
//! torsion-free, `R'` is torsion-free and its encoding canonical, so the byte comparison also
//! refuses every non-canonical, small-order or mixed-order `R`. Every failure is the same
//! `ERR_SIGNATURE_INVALID`.
//!
//! Speed: `[S]B − [k]A` is a double-scalar multiplication: `B` from a shared width-8 NAF table
//! (built once per process), `A` from a width-5 table built for the call. Issuer keys are
//! [`PreparedKey`]s, which after [`PreparedKey::WIDE_AFTER`] verifications also get a width-8
//! table of their own. Building a width-8 table costs 64 field inversions (about as much as six
//! verifications), so it is built only for a key that keeps being used, never when a key set
//! is loaded: a scorer's cold start does none of that work.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint, VartimeEdwardsPrecomputation};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimePrecomputedMultiscalarMul};
use sha2::{Digest, Sha512};
use zeroize::Zeroize;

use crate::error::{bail, Error, Result};

/// The length of an Ed25519 signature.
pub const SIGNATURE_LENGTH: usize = 64;

/// An Ed25519 public key that passed every check in the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
    /// `−A`: verification computes `[S]B + [k](−A)`, so no scalar is ever negated.
    minus_point: EdwardsPoint,
}

/// `L − 1`, little-endian: the canonical scalar `−1`.
const ORDER_MINUS_ONE: [u8; 32] = [
    0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// Whether `point` is in the prime-order subgroup: `[L]P = 0`, checked as `[L − 1]P = −P`
/// with a variable-time multiplication, which is cheaper than the constant-time one and fine
/// for public points.
fn is_torsion_free(point: &EdwardsPoint) -> bool {
    let minus_one = Scalar::from_bytes_mod_order(ORDER_MINUS_ONE);
    straus(basepoint_table(), &[Scalar::ZERO], &[minus_one], &[*point]) == -point
}

/// `Σ static_scalars · table points + Σ dynamic_scalars · dynamic_points`, variable time. Every
/// caller goes through this one monomorphization (slices, not arrays), which keeps the
/// WebAssembly module small.
fn straus(
    table: &VartimeEdwardsPrecomputation,
    static_scalars: &[Scalar],
    dynamic_scalars: &[Scalar],
    dynamic_points: &[EdwardsPoint],
) -> EdwardsPoint {
    table.vartime_mixed_multiscalar_mul(static_scalars.iter(), dynamic_scalars.iter(), dynamic_points.iter())
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
        if !is_torsion_free(&point) {
            bail!(KeyInvalid, "public key has a small-order component (mixed order)");
        }
        Ok(PublicKey { bytes: array, minus_point: -point })
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// Verifies `signature` over `message` strictly; every failure is `ERR_SIGNATURE_INVALID`.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        verify_with(self, message, signature, |s, k| straus(basepoint_table(), &[s], &[k], &[self.minus_point]))
    }
}

fn basepoint_table() -> &'static VartimeEdwardsPrecomputation {
    static TABLE: OnceLock<VartimeEdwardsPrecomputation> = OnceLock::new();
    TABLE.get_or_init(|| VartimeEdwardsPrecomputation::new([ED25519_BASEPOINT_POINT]))
}

/// The shared verification: signature shape, canonical `S`, `k`, then `R` against
/// `combine(S, k) = [S]B + [k](−A)`.
fn verify_with(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
    combine: impl FnOnce(Scalar, Scalar) -> EdwardsPoint,
) -> Result<()> {
    let Ok(bytes) = <[u8; SIGNATURE_LENGTH]>::try_from(signature) else {
        return Err(Error::signature_invalid());
    };
    let (r_bytes, s_bytes) = bytes.split_at(32);
    let s_array: [u8; 32] = s_bytes.try_into().map_err(|_| Error::signature_invalid())?;
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_array)) else {
        return Err(Error::signature_invalid());
    };
    let k = Scalar::from_hash(Sha512::new().chain_update(r_bytes).chain_update(key.bytes).chain_update(message));
    let expected_r = combine(s, k);
    if expected_r.is_identity() || expected_r.compress().as_bytes() != r_bytes {
        return Err(Error::signature_invalid());
    }
    Ok(())
}

/// Public keys that passed every check, remembered (up to [`KeyCache::CAPACITY`], oldest out
/// first) so a key seen again skips decompression and the torsion check, which together cost
/// about as much as a signature verification. A scorer keeps one for holder keys: a person
/// presenting again finds their key here.
#[derive(Default)]
pub struct KeyCache {
    ring: Mutex<(Vec<PublicKey>, usize)>,
}

impl KeyCache {
    /// How many keys are remembered.
    pub const CAPACITY: usize = 1024;

    /// [`PublicKey::from_bytes`], answered from the cache when the key was seen before.
    pub fn load(&self, bytes: &[u8]) -> Result<PublicKey> {
        if let Ok(ring) = self.ring.lock() {
            if let Some(key) = ring.0.iter().find(|key| key.bytes.as_slice() == bytes) {
                return Ok(*key);
            }
        }
        let key = PublicKey::from_bytes(bytes)?;
        if let Ok(mut ring) = self.ring.lock() {
            let (keys, next) = &mut *ring;
            if keys.len() < KeyCache::CAPACITY {
                keys.push(key);
            } else if let Some(slot) = keys.get_mut(*next) {
                *slot = key;
            }
            *next = (*next + 1) % KeyCache::CAPACITY;
        }
        Ok(key)
    }
}

impl Clone for KeyCache {
    /// A clone starts empty: the cache is only an optimisation.
    fn clone(&self) -> KeyCache {
        KeyCache::default()
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache").finish_non_exhaustive()
    }
}

/// A public key prepared for repeated verification (issuer keys): after
/// [`PreparedKey::WIDE_AFTER`] verifications it builds width-8 NAF tables for `B` and the key
/// (about 20 KB, once), and verifies with them from then on. Clones share the count and the
/// tables.
#[derive(Clone)]
pub struct PreparedKey {
    inner: Arc<Prepared>,
}

struct Prepared {
    key: PublicKey,
    uses: AtomicU32,
    tables: OnceLock<VartimeEdwardsPrecomputation>,
}

impl PreparedKey {
    /// How many verifications a key makes with the shared table for `B` before it gets tables
    /// of its own: building them costs about as much as six verifications and saves about a
    /// twelfth of one each time, so they pay for a key that keeps being used.
    pub const WIDE_AFTER: u32 = 64;

    /// Prepares `key` (no work until it is used).
    pub fn new(key: PublicKey) -> PreparedKey {
        PreparedKey { inner: Arc::new(Prepared { key, uses: AtomicU32::new(0), tables: OnceLock::new() }) }
    }

    /// Prepares `key` with its tables built now (for a verifier that knows it will use it often).
    pub fn with_tables(key: PublicKey) -> PreparedKey {
        let prepared = PreparedKey::new(key);
        prepared
            .inner
            .tables
            .get_or_init(|| VartimeEdwardsPrecomputation::new([ED25519_BASEPOINT_POINT, key.minus_point]));
        prepared
    }

    /// The key.
    pub fn key(&self) -> &PublicKey {
        &self.inner.key
    }

    /// As [`PublicKey::verify_strict`]; faster once the key has tables of its own.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let inner = &*self.inner;
        let tables = match inner.tables.get() {
            Some(tables) => Some(tables),
            None if inner.uses.fetch_add(1, Ordering::Relaxed) >= PreparedKey::WIDE_AFTER => {
                Some(inner.tables.get_or_init(|| {
                    VartimeEdwardsPrecomputation::new([ED25519_BASEPOINT_POINT, inner.key.minus_point])
                }))
            }
            None => None,
        };
        match tables {
            Some(tables) => verify_with(&inner.key, message, signature, |s, k| straus(tables, &[s, k], &[], &[])),
            None => inner.key.verify_strict(message, signature),
        }
    }

    /// Whether the key has its own tables yet.
    pub fn has_tables(&self) -> bool {
        self.inner.tables.get().is_some()
    }
}

impl std::fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedKey").field("key", &self.inner.key).finish_non_exhaustive()
    }
}

impl PartialEq for PreparedKey {
    fn eq(&self, other: &PreparedKey) -> bool {
        self.inner.key == other.inner.key
    }
}

impl Eq for PreparedKey {}

/// Something that verifies Ed25519 signatures strictly.
pub trait Verifier {
    /// Verifies `signature` over `message`; every failure is `ERR_SIGNATURE_INVALID`.
    fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<()>;
}

impl Verifier for PublicKey {
    fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        PublicKey::verify_strict(self, message, signature)
    }
}

impl Verifier for PreparedKey {
    fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        PreparedKey::verify_strict(self, message, signature)
    }
}

/// An Ed25519 private key (the 32-byte seed of RFC 8032), with its expanded form.
///
/// Signing follows RFC 8032 §5.1.6 on curve25519-dalek's constant-time base multiplication
/// (the nonce `r` is secret): `r = H(prefix ‖ M)`, `R = [r]B`, `k = H(R ‖ A ‖ M)`,
/// `S = r + k·s`. The RFC's test vectors and a property test against ed25519-dalek hold it to
/// byte-identical signatures. The seed and the expanded key are zeroed when dropped.
pub struct SecretKey {
    seed: [u8; 32],
    scalar: Scalar,
    prefix: [u8; 32],
    public: PublicKey,
}

impl SecretKey {
    /// The key for a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        let mut hash: [u8; 64] = Sha512::digest(seed).into();
        let (low, high) = hash.split_at(32);
        let mut clamped = [0u8; 32];
        clamped.copy_from_slice(low);
        let mut prefix = [0u8; 32];
        prefix.copy_from_slice(high);
        hash.zeroize();
        if let Some(first) = clamped.first_mut() {
            *first &= 248;
        }
        if let Some(last) = clamped.last_mut() {
            *last = (*last & 127) | 64;
        }
        // [s]B only depends on s mod L, and so does S = r + k·s.
        let scalar = Scalar::from_bytes_mod_order(clamped);
        clamped.zeroize();
        let point = EdwardsPoint::mul_base(&scalar);
        let public = PublicKey { bytes: point.compress().to_bytes(), minus_point: -point };
        SecretKey { seed: *seed, scalar, prefix, public }
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
        self.seed
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The deterministic Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LENGTH] {
        let r = Scalar::from_hash(Sha512::new().chain_update(self.prefix).chain_update(message));
        let big_r = EdwardsPoint::mul_base(&r).compress().to_bytes();
        let k =
            Scalar::from_hash(Sha512::new().chain_update(big_r).chain_update(self.public.bytes).chain_update(message));
        let s = r + k * self.scalar;
        let mut signature = [0u8; SIGNATURE_LENGTH];
        let (r_part, s_part) = signature.split_at_mut(32);
        r_part.copy_from_slice(&big_r);
        s_part.copy_from_slice(s.as_bytes());
        signature
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.seed.zeroize();
        self.prefix.zeroize();
        self.scalar.zeroize();
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey").finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_key_gets_its_tables_after_being_used_and_verifies_the_same_before_and_after() {
        let secret = SecretKey::from_seed(&[7; 32]);
        let prepared = PreparedKey::new(secret.public_key());
        let copy = prepared.clone();
        let signature = secret.sign(b"message");
        let mut forged = signature;
        forged[40] ^= 1;
        // Clones share the count: half the uses through each, the forged half refused.
        for _ in 0..PreparedKey::WIDE_AFTER / 2 {
            prepared.verify_strict(b"message", &signature).unwrap();
            assert_eq!(copy.verify_strict(b"message", &forged).unwrap_err().code(), crate::ErrorCode::SignatureInvalid);
        }
        assert!(!prepared.has_tables());
        prepared.verify_strict(b"message", &signature).unwrap();
        assert!(prepared.has_tables() && copy.has_tables());
        assert_eq!(copy.verify_strict(b"message", &forged).unwrap_err().code(), crate::ErrorCode::SignatureInvalid);
        assert!(prepared.verify_strict(b"other", &signature).is_err());
        assert!(PreparedKey::with_tables(secret.public_key()).has_tables());
    }
}
