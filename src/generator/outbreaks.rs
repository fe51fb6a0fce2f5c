//! Monthly series of a category in a district, made for measuring the theme scan (issue 40) and
//! nothing else: not the demo's registry, not the first or second generator, and not the model the
//! scan fits. Each cell's counts are gamma-Poisson (negative binomial) draws around a level with
//! its own season (a random phase and amplitude), its own slow trend and its own extra-Poisson
//! spread; a planted outbreak multiplies the mean of one to three consecutive months at the end by
//! a factor. The null twin is the same world with the factor 1 (the same seed draws the same noise).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson};

/// One world: `cells` series of `months` months at a mean level of `volume` a month.
#[derive(Debug, Clone, PartialEq)]
pub struct OutbreakWorld {
    pub cells: usize,
    pub months: usize,
    pub volume: f64,
    /// The planted factor on the first cell's last `duration` months (1.0: a null world).
    pub factor: f64,
    pub duration: usize,
    pub seed: u64,
}

/// Cell 0 carries the outbreak (when the factor is not 1); the others never do.
pub fn make(world: &OutbreakWorld) -> Vec<Vec<u32>> {
    (0..world.cells)
        .map(|cell| {
            // A stream per cell, so a planted cell's draws never shift another cell's.
            let mut rng = ChaCha8Rng::seed_from_u64(world.seed.wrapping_mul(1_000_003).wrapping_add(cell as u64));
            let phase = rng.random_range(0.0..std::f64::consts::TAU);
            let amplitude = rng.random_range(0.0..0.4);
            // Up to ±15 % a year, as a multiplicative drift.
            let trend = rng.random_range(-0.15f64..0.15) / 12.0;
            // Variance = mean × (1 + mean / shape): shape 5–50, from strongly to mildly over-dispersed.
            let shape = rng.random_range(5.0..50.0);
            let start = world.months.saturating_sub(world.duration);
            (0..world.months)
                .map(|m| {
                    let season = 1.0 + amplitude * (m as f64 / 12.0 * std::f64::consts::TAU + phase).sin();
                    let mut mean = world.volume * season * (trend * (m as f64 - world.months as f64)).exp();
                    if cell == 0 && m >= start {
                        mean *= world.factor;
                    }
                    let rate = Gamma::new(shape, mean / shape).map(|g| g.sample(&mut rng)).unwrap_or(mean);
                    if rate <= 0.0 {
                        return 0;
                    }
                    Poisson::new(rate).map(|p| p.sample(&mut rng) as u32).unwrap_or(0)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_twin_differs_only_in_the_planted_months() {
        let world = OutbreakWorld { cells: 5, months: 72, volume: 10.0, factor: 3.0, duration: 2, seed: 4 };
        let planted = make(&world);
        let null = make(&OutbreakWorld { factor: 1.0, ..world.clone() });
        assert_eq!(planted[1..], null[1..]);
        assert_eq!(planted[0][..70], null[0][..70]);
        let (a, b): (u32, u32) = (planted[0][70..].iter().sum(), null[0][70..].iter().sum());
        assert!(a > b, "{a} vs {b}");
        let mean = null.iter().flatten().map(|&c| f64::from(c)).sum::<f64>() / (5.0 * 72.0);
        assert!((5.0..20.0).contains(&mean), "{mean}");
    }
}
