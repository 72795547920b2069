//! Discrimination and stability metrics, in `f64` (analytics, not scoring), for the model
//! lifecycle and the issuer side (features `lifecycle` or `issuer`; never in the WebAssembly
//! package).
//!
//! Scores are "higher is better" (a higher score or probability of being good means less
//! risk). AUC is the probability that a random good row scores above a random bad row, ties
//! counted as one half (the Mann–Whitney statistic with average ranks). KS is the largest gap
//! between the cumulative score distributions of bad and good rows. Gini is `2·AUC − 1`.

/// AUC, KS and Gini of one set of scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Discrimination {
    /// Area under the ROC curve.
    pub auc: f64,
    /// Kolmogorov–Smirnov statistic.
    pub ks: f64,
    /// `2·AUC − 1`.
    pub gini: f64,
}

/// AUC, KS and Gini of `scores` (higher is better) against `is_bad`. `None` when either class
/// is absent or the lengths differ.
pub fn discrimination(scores: &[f64], is_bad: &[bool]) -> Option<Discrimination> {
    if scores.len() != is_bad.len() || scores.iter().any(|s| !s.is_finite()) {
        return None;
    }
    let bads = is_bad.iter().filter(|b| **b).count();
    let goods = is_bad.len() - bads;
    if bads == 0 || goods == 0 {
        return None;
    }
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(is_bad.iter().copied()).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Walk groups of tied scores from the lowest: average ranks for AUC, cumulative shares for KS.
    let mut rank_sum_good = 0.0;
    let mut seen = 0usize;
    let (mut cum_bad, mut cum_good) = (0usize, 0usize);
    let mut ks: f64 = 0.0;
    let mut start = 0usize;
    while start < order.len() {
        let value = order.get(start).map_or(0.0, |p| p.0);
        let end = order.iter().skip(start).position(|p| p.0 != value).map_or(order.len(), |offset| start + offset);
        let group = order.get(start..end).unwrap_or(&[]);
        let group_bad = group.iter().filter(|p| p.1).count();
        let group_good = group.len() - group_bad;
        let average_rank = (seen + 1 + seen + group.len()) as f64 / 2.0;
        rank_sum_good += average_rank * group_good as f64;
        seen += group.len();
        cum_bad += group_bad;
        cum_good += group_good;
        ks = ks.max((cum_bad as f64 / bads as f64 - cum_good as f64 / goods as f64).abs());
        start = end;
    }
    let goods_f = goods as f64;
    let auc = (rank_sum_good - goods_f * (goods_f + 1.0) / 2.0) / (goods_f * bads as f64);
    Some(Discrimination { auc, ks, gini: 2.0 * auc - 1.0 })
}

/// The share floor used in PSI for empty buckets (so an empty bucket gives a large, finite term).
pub const PSI_FLOOR: f64 = 1e-4;

/// Population stability index `Σ (a − e)·ln(a / e)` over bucket shares, shares below
/// [`PSI_FLOOR`] raised to it. `expected` is the reference, `actual` the population.
pub fn psi(expected: &[f64], actual: &[f64]) -> f64 {
    expected
        .iter()
        .zip(actual)
        .map(|(e, a)| {
            let (e, a) = (e.max(PSI_FLOOR), a.max(PSI_FLOOR));
            (a - e) * (a / e).ln()
        })
        .sum()
}

/// The usual reading of a PSI value: below 0.1 no shift, 0.1 to 0.25 investigate, above 0.25 a
/// significant shift.
pub fn psi_verdict(value: f64) -> &'static str {
    if value < 0.1 {
        "no_shift"
    } else if value <= 0.25 {
        "investigate"
    } else {
        "significant_shift"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        // goods 3, 2, 1; bads 2, 0: pairs (g>b): 3>2, 3>0, 2=2 (½), 2>0, 1<2, 1>0 → 4.5 of 6.
        let d = discrimination(&[3.0, 2.0, 1.0, 2.0, 0.0], &[false, false, false, true, true]).unwrap();
        assert!((d.auc - 0.75).abs() < 1e-12);
        assert!((d.gini - 0.5).abs() < 1e-12);
        // KS: after score 0 bads 1/2, goods 0 → 0.5; after 1: 0.5 − 1/3; after 2: 1 − 2/3.
        assert!((d.ks - 0.5).abs() < 1e-12);
        assert!(discrimination(&[1.0], &[true]).is_none());
    }

    #[test]
    fn auc_counts_pairs_and_ties() {
        let auc = |cases: &[(f64, bool)]| {
            let (scores, is_bad): (Vec<f64>, Vec<bool>) = cases.iter().copied().unzip();
            discrimination(&scores, &is_bad).map(|d| d.auc)
        };
        assert_eq!(auc(&[(1.0, true), (2.0, false)]), Some(1.0));
        assert_eq!(auc(&[(2.0, true), (1.0, false)]), Some(0.0));
        assert_eq!(auc(&[(1.0, true), (1.0, false)]), Some(0.5));
        // Goods 3, 5; bads 1, 3: pairs (3>1) 1, (3=3) .5, (5>1) 1, (5>3) 1 → 3.5 / 4.
        assert_eq!(auc(&[(3.0, false), (1.0, true), (5.0, false), (3.0, true)]), Some(0.875));
        assert_eq!(auc(&[(1.0, false)]), None);
        assert!(discrimination(&[1.0, 2.0], &[true]).is_none(), "lengths differ");
        assert!(discrimination(&[f64::NAN, 2.0], &[true, false]).is_none(), "not finite");
    }

    #[test]
    fn psi_and_verdicts() {
        assert!(psi(&[0.5, 0.5], &[0.5, 0.5]).abs() < 1e-15);
        let value = psi(&[0.5, 0.5], &[0.7, 0.3]);
        let expected = 0.2 * (0.7f64 / 0.5).ln() + (-0.2) * (0.3f64 / 0.5).ln();
        assert!((value - expected).abs() < 1e-12);
        assert_eq!(psi_verdict(0.05), "no_shift");
        assert_eq!(psi_verdict(0.2), "investigate");
        assert_eq!(psi_verdict(0.3), "significant_shift");
    }
}
