//! The seeded, stratified train/test split.
//!
//! Rows are numbered from 0 in input order. For each class (bad, then good) the row numbers of
//! that class, in input order, are shuffled by Fisher–Yates driven by SplitMix64 seeded with the
//! seed (swap index `next() mod (i + 1)` for `i` from the last position down to 1); the first
//! `round(test_share · n_class)` shuffled rows of each class are test rows, the rest training
//! rows. The same seed and data always give the same split, on every platform.

use crate::error::{bail, Result};

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, well-known generator, enough for shuffling.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Which rows are test rows (`true`), by the procedure in the module documentation.
/// `is_bad` holds the class of each row.
pub fn stratified_split(is_bad: &[bool], test_share: f64, seed: u64) -> Result<Vec<bool>> {
    if !(test_share > 0.0 && test_share < 1.0) {
        bail!(DataInvalid, "the test share must be between 0 and 1");
    }
    let mut is_test = vec![false; is_bad.len()];
    let mut rng = SplitMix64::new(seed);
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..is_bad.len()).filter(|&row| is_bad.get(row) == Some(&class)).collect();
        for i in (1..rows.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        let test_count = (test_share * rows.len() as f64).round() as usize;
        if test_count == 0 || test_count >= rows.len() {
            bail!(DataInvalid, "the split leaves no {} rows in training or test", if class { "bad" } else { "good" });
        }
        for row in rows.into_iter().take(test_count) {
            if let Some(slot) = is_test.get_mut(row) {
                *slot = true;
            }
        }
    }
    Ok(is_test)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs for seed 0 of the reference implementation (Vigna's splitmix64.c).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn stratified_and_deterministic() {
        let is_bad: Vec<bool> = (0..1000).map(|i| i % 10 < 3).collect();
        let a = stratified_split(&is_bad, 0.3, 7).unwrap();
        let b = stratified_split(&is_bad, 0.3, 7).unwrap();
        let c = stratified_split(&is_bad, 0.3, 8).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let test_bad = a.iter().zip(&is_bad).filter(|(t, b)| **t && **b).count();
        let test_good = a.iter().zip(&is_bad).filter(|(t, b)| **t && !**b).count();
        assert_eq!((test_bad, test_good), (90, 210));
    }
}
