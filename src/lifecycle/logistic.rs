//! Logistic regression by Newton–Raphson (iteratively reweighted least squares) with a small L2
//! penalty on the slopes (not the intercept).
//!
//! Hand-written because the problem is small (hundreds to a few hundred thousand rows, tens of
//! WoE columns): each step solves a `(k+1)×(k+1)` system by Cholesky. The penalty keeps the
//! system positive definite when WoE columns are collinear.

use crate::error::{bail, Result};

/// A fitted model: `ln(p / (1 − p)) = intercept + Σ coefficients·x`.
#[derive(Clone, Debug, PartialEq)]
pub struct Logistic {
    /// Intercept.
    pub intercept: f64,
    /// One coefficient per column.
    pub coefficients: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
}

impl Logistic {
    /// The linear predictor (log-odds) of one row.
    pub fn log_odds(&self, row: &[f64]) -> f64 {
        self.intercept + self.coefficients.iter().zip(row).map(|(b, x)| b * x).sum::<f64>()
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits `y` (1 or 0) on the rows `x` (each `k` wide) with penalty `l2 · Σ β²/2`.
pub fn fit(x: &[Vec<f64>], y: &[bool], l2: f64) -> Result<Logistic> {
    let width = x.first().map_or(0, Vec::len);
    if x.len() != y.len() || x.is_empty() || x.iter().any(|row| row.len() != width) {
        bail!(DataInvalid, "the regression needs rows of equal width, one class per row");
    }
    let dim = width + 1;
    let mut beta = vec![0.0; dim];
    let positives = y.iter().filter(|v| **v).count() as f64;
    let n = y.len() as f64;
    if positives == 0.0 || positives == n {
        bail!(DataInvalid, "the regression needs rows of both classes");
    }
    if let Some(first) = beta.first_mut() {
        *first = (positives / (n - positives)).ln();
    }
    for iteration in 1..=100 {
        // Gradient g = Xᵀ(y − p) − λβ and Hessian H = XᵀWX + λI (intercept unpenalised).
        let mut gradient = vec![0.0; dim];
        let mut hessian = vec![0.0; dim * dim];
        for (row, &target) in x.iter().zip(y) {
            let z =
                beta.first().copied().unwrap_or(0.0) + beta.iter().skip(1).zip(row).map(|(b, v)| b * v).sum::<f64>();
            let p = sigmoid(z);
            let w = (p * (1.0 - p)).max(1e-12);
            let residual = f64::from(u8::from(target)) - p;
            for i in 0..dim {
                let xi = if i == 0 { 1.0 } else { row.get(i - 1).copied().unwrap_or(0.0) };
                if let Some(g) = gradient.get_mut(i) {
                    *g += xi * residual;
                }
                for j in 0..=i {
                    let xj = if j == 0 { 1.0 } else { row.get(j - 1).copied().unwrap_or(0.0) };
                    if let Some(h) = hessian.get_mut(i * dim + j) {
                        *h += w * xi * xj;
                    }
                }
            }
        }
        for i in 1..dim {
            let b = beta.get(i).copied().unwrap_or(0.0);
            if let Some(g) = gradient.get_mut(i) {
                *g -= l2 * b;
            }
            if let Some(h) = hessian.get_mut(i * dim + i) {
                *h += l2;
            }
        }
        let step = solve_cholesky(&hessian, &gradient, dim)?;
        let mut largest: f64 = 0.0;
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
            largest = largest.max(s.abs());
        }
        if !largest.is_finite() {
            bail!(DataInvalid, "the regression diverged");
        }
        if largest < 1e-10 {
            return Ok(split(beta, iteration));
        }
    }
    Ok(split(beta, 100))
}

fn split(beta: Vec<f64>, iterations: usize) -> Logistic {
    let mut iter = beta.into_iter();
    let intercept = iter.next().unwrap_or(0.0);
    Logistic { intercept, coefficients: iter.collect(), iterations }
}

/// Solves `A x = b` for a symmetric positive definite `A` given by its lower triangle
/// (row-major, `dim × dim`).
fn solve_cholesky(a: &[f64], b: &[f64], dim: usize) -> Result<Vec<f64>> {
    let at = |m: &[f64], i: usize, j: usize| m.get(i * dim + j).copied().unwrap_or(0.0);
    let mut l = vec![0.0; dim * dim];
    for i in 0..dim {
        for j in 0..=i {
            let mut sum = at(a, i, j);
            for k in 0..j {
                sum -= at(&l, i, k) * at(&l, j, k);
            }
            let value = if i == j {
                if sum <= 0.0 || !sum.is_finite() {
                    bail!(DataInvalid, "the regression's system is singular (collinear columns)");
                }
                sum.sqrt()
            } else {
                sum / at(&l, j, j)
            };
            if let Some(slot) = l.get_mut(i * dim + j) {
                *slot = value;
            }
        }
    }
    // Forward then backward substitution.
    let mut z = vec![0.0; dim];
    for i in 0..dim {
        let mut sum = b.get(i).copied().unwrap_or(0.0);
        for k in 0..i {
            sum -= at(&l, i, k) * z.get(k).copied().unwrap_or(0.0);
        }
        if let Some(slot) = z.get_mut(i) {
            *slot = sum / at(&l, i, i);
        }
    }
    let mut out = vec![0.0; dim];
    for i in (0..dim).rev() {
        let mut sum = z.get(i).copied().unwrap_or(0.0);
        for k in i + 1..dim {
            sum -= at(&l, k, i) * out.get(k).copied().unwrap_or(0.0);
        }
        if let Some(slot) = out.get_mut(i) {
            *slot = sum / at(&l, i, i);
        }
    }
    Ok(out)
}
