//! Summary statistics over paths (analytics only, `f64`).

/// Mean and quantiles of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub count: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Summarises `values` (non-finite values are left out). Quantiles
/// interpolate linearly between order statistics (Hyndman–Fan type 7, the
/// default of R and NumPy). An empty sample gives NaNs.
///
/// ```
/// # use damm_sim::stats::summarize;
/// let s = summarize(&[3.0, 1.0, 2.0, 4.0, 5.0]);
/// assert_eq!((s.mean, s.p50, s.min, s.max), (3.0, 3.0, 1.0, 5.0));
/// assert!((s.p5 - 1.2).abs() < 1e-12 && (s.p95 - 4.8).abs() < 1e-12);
/// ```
#[must_use]
pub fn summarize(values: &[f64]) -> Summary {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let count = sorted.len();
    let mean = if count == 0 {
        f64::NAN
    } else {
        sorted.iter().sum::<f64>() / count as f64
    };
    Summary {
        count,
        mean,
        p5: quantile(&sorted, 0.05),
        p50: quantile(&sorted, 0.5),
        p95: quantile(&sorted, 0.95),
        min: sorted.first().copied().unwrap_or(f64::NAN),
        max: sorted.last().copied().unwrap_or(f64::NAN),
    }
}

/// The `q`-quantile of an ascending sample (type 7); NaN if empty.
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        len => {
            let h = (len - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = libm::floor(h) as usize;
            let hi = (lo + 1).min(len - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Arithmetic mean (NaN if empty).
#[must_use]
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}
