//! Seeded price paths: geometric Brownian motion of the external price.
//!
//! `p_{t+1} = p_t·exp(σ√Δt·Z_t − σ²Δt/2)` with `Z_t` standard normal, so the
//! price is a martingale. The normals come from a ChaCha8 stream seeded
//! explicitly (never from the clock) through Box–Muller, with `libm`'s
//! pure-Rust `log`, `sin` and `cos`, so a seed gives the same path on every
//! platform, byte for byte.
//!
//! Paths for different volatilities share their normals (common random
//! numbers): `σ` only scales them, which makes comparisons across `σ` and
//! fee levels far less noisy than independent draws.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Hours in a (365-day) year, the unit of `σ`.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// SplitMix64's finaliser: a well-mixed 64-bit value from `seed` and a
/// stream index, so that path `i` of run `seed` has its own stream.
///
/// ```
/// # use damm_sim::gbm::sub_seed;
/// assert_ne!(sub_seed(1, 0), sub_seed(1, 1));
/// assert_ne!(sub_seed(1, 0), sub_seed(2, 0));
/// assert_eq!(sub_seed(7, 3), sub_seed(7, 3));
/// ```
#[must_use]
pub fn sub_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed
        .wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic random stream for one path.
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream for `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A uniform draw in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `0..n` (`n > 0`; modulo bias below `2^−40` for
    /// the small `n` used here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }

    /// `len` standard normals by Box–Muller.
    pub fn normals(&mut self, len: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(len + 1);
        while out.len() < len {
            let u1 = 1.0 - self.uniform(); // (0, 1]: the log is finite
            let u2 = self.uniform();
            let radius = libm::sqrt(-2.0 * libm::log(u1));
            let angle = 2.0 * core::f64::consts::PI * u2;
            out.push(radius * libm::cos(angle));
            out.push(radius * libm::sin(angle));
        }
        out.truncate(len);
        out
    }
}

/// The GBM price path `p_0..=p_len` from `p0`, annual volatility `sigma` and
/// step `dt_hours`, driven by `normals` (one per step).
///
/// ```
/// # use damm_sim::gbm::prices;
/// let p = prices(1.0, 0.0, 1.0, &[0.3, -1.0]);
/// assert_eq!(p, vec![1.0, 1.0, 1.0]); // no volatility, no drift
/// ```
#[must_use]
pub fn prices(p0: f64, sigma: f64, dt_hours: f64, normals: &[f64]) -> Vec<f64> {
    let dt = dt_hours / HOURS_PER_YEAR;
    let vol = sigma * libm::sqrt(dt);
    let drift = -0.5 * sigma * sigma * dt;
    let mut out = Vec::with_capacity(normals.len() + 1);
    let mut log_p = libm::log(p0);
    out.push(p0);
    for z in normals {
        log_p += drift + vol * z;
        out.push(libm::exp(log_p));
    }
    out
}
