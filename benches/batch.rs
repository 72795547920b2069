//! What batch verification of Ed25519 signatures would save, measured natively (a benchmark,
//! not a feature: the package verifies one signature at a time, and docs/performance.md says
//! why). The same signatures as the package's workload: each presentation has an issuer-signed
//! JWT (one issuer key for all) and a key-binding JWT (a key per holder).
//!
//! Per signature, in one run: strict single verification as edgescore does it (issuer key with
//! its width-8 tables, holder keys with the shared table for `B`); a random linear combination of
//! all signatures in one multiscalar multiplication with every hardened per-signature check kept
//! (canonical `S`; `R` canonical, not the identity and torsion-free, so the batch accepts exactly
//! what strict single verification accepts); and the same combination without the torsion check
//! on `R`, which would accept a signature its key's owner made with a mixed-order `R` that strict
//! verification refuses (so it is not an option for edgescore: results would differ).
//!
//! `cargo bench --bench batch` prints medians of 15 samples per case.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use edgescore::ed25519::{PreparedKey, PublicKey, SecretKey};
use sha2::{Digest, Sha512};

const SAMPLES: usize = 15;

fn median(f: impl FnMut()) -> Duration {
    common::median(SAMPLES, Duration::from_millis(50), f)
}

/// `L − 1`: `[L − 1]P = −P` exactly when `P` is torsion-free.
fn order_minus_one() -> Scalar {
    Scalar::ZERO - Scalar::ONE
}

struct Item {
    key: [u8; 32],
    minus_key: EdwardsPoint,
    message: Vec<u8>,
    signature: [u8; 64],
}

/// Σ z·(R − [S]B + [k]A) = 0 over all items, with `z` 128-bit from `seed` (the caller's
/// randomness); per-item checks first. Items signed by the same key share one point.
fn verify_batch(items: &[Item], seed: &[u8; 32], check_torsion: bool) -> bool {
    let mut scalars: Vec<Scalar> = Vec::with_capacity(2 * items.len() + 1);
    let mut points: Vec<EdwardsPoint> = Vec::with_capacity(2 * items.len() + 1);
    let mut b_scalar = Scalar::ZERO;
    let mut keys: Vec<([u8; 32], usize)> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let (r_bytes, s_bytes) = item.signature.split_at(32);
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes.try_into().unwrap())) else {
            return false;
        };
        let Some(r) = CompressedEdwardsY(r_bytes.try_into().unwrap()).decompress() else { return false };
        if r.compress().as_bytes() != r_bytes || r.is_identity() {
            return false;
        }
        if check_torsion
            && EdwardsPoint::vartime_double_scalar_mul_basepoint(&order_minus_one(), &r, &Scalar::ZERO) != -r
        {
            return false;
        }
        let k =
            Scalar::from_hash(Sha512::new().chain_update(r_bytes).chain_update(item.key).chain_update(&item.message));
        let mut wide = [0u8; 64];
        wide[..32].copy_from_slice(seed);
        wide[32..40].copy_from_slice(&(index as u64).to_le_bytes());
        let digest = Sha512::digest(wide);
        let mut z_bytes = [0u8; 32];
        z_bytes[..16].copy_from_slice(&digest[..16]);
        let z = Scalar::from_bytes_mod_order(z_bytes);
        b_scalar += z * s;
        scalars.push(-z);
        points.push(r);
        match keys.iter().find(|(key, _)| *key == item.key) {
            Some((_, at)) => scalars[*at] += z * k,
            None => {
                keys.push((item.key, scalars.len()));
                scalars.push(z * k);
                points.push(item.minus_key);
            }
        }
    }
    scalars.push(b_scalar);
    points.push(curve25519_dalek::constants::ED25519_BASEPOINT_POINT);
    EdwardsPoint::vartime_multiscalar_mul(&scalars, &points).is_identity()
}

fn main() {
    let issuer = SecretKey::from_seed(&[1; 32]);
    let issuer_prepared = PreparedKey::with_tables(issuer.public_key());
    let mut items = Vec::new();
    for i in 0..500u32 {
        let holder = SecretKey::from_seed(&[
            (i % 251) as u8,
            (i / 251) as u8,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
        ]);
        for (key, message) in [(&issuer, vec![b'i'; 1400]), (&holder, vec![b'k'; 120])] {
            let public = key.public_key();
            let minus_key = -CompressedEdwardsY(public.to_bytes()).decompress().unwrap();
            items.push(Item { key: public.to_bytes(), minus_key, signature: key.sign(&message), message });
        }
    }
    let holder_keys: Vec<PublicKey> = items.iter().map(|item| PublicKey::from_bytes(&item.key).unwrap()).collect();
    let seed = [42u8; 32];
    println!("Ed25519 per signature, native, median of {SAMPLES} (issuer JWT + key-binding JWT per presentation)");
    println!("{:<12} {:>14} {:>16} {:>20}", "signatures", "one at a time", "batch, exact", "batch, no R torsion");
    for count in [2usize, 16, 128, 1000] {
        let batch = &items[..count];
        let single = median(|| {
            for (item, key) in batch.iter().zip(&holder_keys) {
                let result = if item.key == issuer.public_key().to_bytes() {
                    issuer_prepared.verify_strict(&item.message, &item.signature)
                } else {
                    key.verify_strict(&item.message, &item.signature)
                };
                black_box(result).unwrap();
            }
        }) / count as u32;
        let exact = median(|| assert!(verify_batch(black_box(batch), &seed, true))) / count as u32;
        let loose = median(|| assert!(verify_batch(black_box(batch), &seed, false))) / count as u32;
        println!(
            "{count:<12} {:>11.1} µs {:>10.1} µs {:.2}× {:>12.1} µs {:.2}×",
            single.as_secs_f64() * 1e6,
            exact.as_secs_f64() * 1e6,
            single.as_secs_f64() / exact.as_secs_f64(),
            loose.as_secs_f64() * 1e6,
            single.as_secs_f64() / loose.as_secs_f64()
        );
    }
}
