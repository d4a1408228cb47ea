//! Surge tests: is the last count of a weekly series unusual against the
//! weeks before it?
//!
//! Each test compares the current count with a baseline of the previous
//! `baseline_weeks` counts (3 by default, as analysts compare "this week"
//! with "the previous three"):
//!
//! - **poisson**: the exact upper tail P(X ≥ count) for X ~ Poisson(baseline
//!   mean). Right when counts vary as independent events do; claim counts
//!   are usually more variable than that (overdispersed), so it flags too
//!   readily on a volatile history.
//! - **negative_binomial**: the exact upper tail under a negative binomial
//!   with the baseline's mean and variance (method of moments). On a history
//!   no more variable than Poisson it falls back to the Poisson tail and
//!   says so.
//! - **ears_c1**, **ears_c2**, **ears_c3**: the CDC's Early Aberration
//!   Reporting System statistics, on weeks instead of days: C1 is z =
//!   (count − mean) / sd over the previous `baseline_weeks`; C2 the same
//!   with a guard band of two weeks between baseline and current week; C3
//!   the sum of max(0, C2 − 1) over the current and two previous weeks. The
//!   standard deviation is floored at `min_sigma`, so that a flat history
//!   (10, 10, 10) does not divide by zero.
//!
//! A test that lacks the history it needs says so (`surge: false`, a
//! `note`), rather than guessing.

use serde::Serialize;

/// Settings of the surge tests.
#[derive(Debug, Clone)]
pub struct SurgeOptions {
    /// Weeks in the baseline.
    pub baseline_weeks: usize,
    /// A tail probability below this is a surge (Poisson, negative binomial).
    pub alpha: f64,
    /// EARS C1/C2 flag z above this.
    pub z_threshold: f64,
    /// EARS C3 flags a sum above this.
    pub c3_threshold: f64,
    /// Floor of the baseline's standard deviation in EARS.
    pub min_sigma: f64,
    /// A week with fewer than this is never a surge, whatever the tests
    /// say: against an empty baseline every count has a tail probability
    /// of 0, and one incident in a quiet province is not a surge.
    pub min_count: u64,
}

impl Default for SurgeOptions {
    fn default() -> Self {
        SurgeOptions {
            baseline_weeks: 3,
            alpha: 0.01,
            z_threshold: 3.0,
            c3_threshold: 2.0,
            min_sigma: 1.0,
            min_count: 3,
        }
    }
}

/// One test's verdict on the last count of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurgeResult {
    /// `poisson`, `negative_binomial`, `ears_c1`, `ears_c2` or `ears_c3`.
    pub test: &'static str,
    /// The count tested (the series' last).
    pub count: u64,
    /// Mean of the baseline weeks the test used.
    pub baseline: f64,
    /// count / baseline (`None` when the baseline is 0).
    pub ratio: Option<f64>,
    /// Upper tail probability (Poisson, negative binomial).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// The EARS statistic (z for C1/C2, the sum for C3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<f64>,
    /// Whether the test flags a surge.
    pub surge: bool,
    /// What the test assumed or lacked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Runs every test on the last count of `series` (oldest first).
/// A count below `min_count` is reported but not flagged.
pub fn run_all(series: &[u64], opts: &SurgeOptions) -> Vec<SurgeResult> {
    let mut out = vec![
        poisson(series, opts),
        negative_binomial(series, opts),
        ears(series, opts, Ears::C1),
        ears(series, opts, Ears::C2),
        ears(series, opts, Ears::C3),
    ];
    for r in &mut out {
        if r.surge && r.count < opts.min_count {
            r.surge = false;
            r.note = Some(format!(
                "{} is below the minimum count of {} for a surge",
                r.count, opts.min_count
            ));
        }
    }
    out
}

/// The current count and the baseline weeks before it, skipping `guard`
/// weeks; `None` when the series is too short.
fn split(series: &[u64], weeks: usize, guard: usize) -> Option<(u64, &[u64])> {
    let (&count, before) = series.split_last()?;
    let end = before.len().checked_sub(guard)?;
    let start = end.checked_sub(weeks)?;
    (weeks > 0).then_some((count, &before[start..end]))
}

fn mean(xs: &[u64]) -> f64 {
    xs.iter().sum::<u64>() as f64 / xs.len().max(1) as f64
}

/// Sample variance (n − 1); 0 for fewer than two values.
fn variance(xs: &[u64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    xs.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64
}

fn ratio(count: u64, baseline: f64) -> Option<f64> {
    (baseline > 0.0).then(|| count as f64 / baseline)
}

fn short(test: &'static str, series: &[u64], need: usize) -> SurgeResult {
    SurgeResult {
        test,
        count: series.last().copied().unwrap_or(0),
        baseline: 0.0,
        ratio: None,
        p_value: None,
        z: None,
        surge: false,
        note: Some(format!(
            "needs {need} weeks of history before the current week; the series has {}",
            series.len().saturating_sub(1)
        )),
    }
}

/// Exact Poisson upper tail against the baseline mean.
pub fn poisson(series: &[u64], opts: &SurgeOptions) -> SurgeResult {
    let Some((count, base)) = split(series, opts.baseline_weeks, 0) else {
        return short("poisson", series, opts.baseline_weeks);
    };
    let lambda = mean(base);
    let p = poisson_upper_tail(count, lambda);
    SurgeResult {
        test: "poisson",
        count,
        baseline: lambda,
        ratio: ratio(count, lambda),
        p_value: Some(p),
        z: None,
        surge: p < opts.alpha,
        note: (lambda == 0.0 && count > 0)
            .then(|| "nothing in the baseline weeks: any count is a departure".to_string()),
    }
}

/// Negative-binomial upper tail with the baseline's mean and variance.
pub fn negative_binomial(series: &[u64], opts: &SurgeOptions) -> SurgeResult {
    let need = opts.baseline_weeks.max(2);
    let Some((count, base)) = split(series, need, 0) else {
        return short("negative_binomial", series, need);
    };
    let (m, v) = (mean(base), variance(base));
    let (p, note) = if v > m && m > 0.0 {
        // Method of moments: variance = m + m²/r.
        let r = m * m / (v - m);
        (
            nbinom_upper_tail(count, r, r / (r + m)),
            format!("dispersion r = {r:.3} from mean {m:.2} and variance {v:.2}"),
        )
    } else {
        (
            poisson_upper_tail(count, m),
            format!("variance {v:.2} not above the mean {m:.2}: no overdispersion, Poisson tail"),
        )
    };
    SurgeResult {
        test: "negative_binomial",
        count,
        baseline: m,
        ratio: ratio(count, m),
        p_value: Some(p),
        z: None,
        surge: p < opts.alpha,
        note: Some(note),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ears {
    C1,
    C2,
    C3,
}

/// EARS z of the count at the end of `series` (C1: no guard; C2: guard 2).
fn ears_z(series: &[u64], opts: &SurgeOptions, guard: usize) -> Option<(u64, f64, f64)> {
    let (count, base) = split(series, opts.baseline_weeks, guard)?;
    let m = mean(base);
    let sd = variance(base).sqrt().max(opts.min_sigma);
    Some((count, m, (count as f64 - m) / sd))
}

fn ears(series: &[u64], opts: &SurgeOptions, which: Ears) -> SurgeResult {
    let (name, guard) = match which {
        Ears::C1 => ("ears_c1", 0),
        Ears::C2 => ("ears_c2", 2),
        Ears::C3 => ("ears_c3", 2),
    };
    if which == Ears::C3 {
        // The current and two previous weeks' C2, each with its own history.
        let need = opts.baseline_weeks + guard + 2;
        if series.len() < need + 1 {
            return short(name, series, need);
        }
        let mut sum = 0.0;
        let mut base = 0.0;
        for back in 0..3 {
            let Some((_, m, z)) = ears_z(&series[..series.len() - back], opts, guard) else {
                return short(name, series, need);
            };
            if back == 0 {
                base = m;
            }
            sum += (z - 1.0).max(0.0);
        }
        let count = series.last().copied().unwrap_or(0);
        return SurgeResult {
            test: name,
            count,
            baseline: base,
            ratio: ratio(count, base),
            p_value: None,
            z: Some(sum),
            surge: sum > opts.c3_threshold,
            note: None,
        };
    }
    let Some((count, m, z)) = ears_z(series, opts, guard) else {
        return short(name, series, opts.baseline_weeks + guard);
    };
    SurgeResult {
        test: name,
        count,
        baseline: m,
        ratio: ratio(count, m),
        p_value: None,
        z: Some(z),
        surge: z > opts.z_threshold,
        note: (variance(split(series, opts.baseline_weeks, guard).map_or(&[][..], |s| s.1)).sqrt()
            < opts.min_sigma)
            .then(|| format!("standard deviation floored at {}", opts.min_sigma)),
    }
}

/// P(X ≥ k) for X ~ Poisson(lambda), summed over the upper tail (exact to
/// double precision even for tiny tails).
pub fn poisson_upper_tail(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    let ln_pmf = |x: f64| -lambda + x * lambda.ln() - ln_gamma(x + 1.0);
    upper_tail(k, lambda, ln_pmf)
}

/// P(X ≥ k) for X ~ NegativeBinomial(r, p): failures before the r-th
/// success, mean r(1 − p)/p.
pub fn nbinom_upper_tail(k: u64, r: f64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let ln_pmf = |x: f64| {
        ln_gamma(x + r) - ln_gamma(r) - ln_gamma(x + 1.0) + r * p.ln() + x * (1.0 - p).ln()
    };
    upper_tail(k, r * (1.0 - p) / p, ln_pmf)
}

/// Σ_{x ≥ k} exp(ln_pmf(x)), stopping once past the mode the terms no
/// longer add to the sum; or 1 − Σ_{x < k} when k is below the mean (the
/// tail is then large and the complement is exact enough).
fn upper_tail(k: u64, mean: f64, ln_pmf: impl Fn(f64) -> f64) -> f64 {
    if (k as f64) < mean {
        let below: f64 = (0..k).map(|x| ln_pmf(x as f64).exp()).sum();
        return (1.0 - below).clamp(0.0, 1.0);
    }
    let mut sum = 0.0;
    let mut x = k as f64;
    loop {
        let term = ln_pmf(x).exp();
        sum += term;
        if term <= sum * 1e-17 || x > k as f64 + 1e7 {
            break;
        }
        x += 1.0;
    }
    sum.clamp(0.0, 1.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant
/// digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_below_the_minimum_is_never_a_surge() {
        let opts = SurgeOptions::default();
        let quiet = run_all(&[0, 0, 0, 2], &opts);
        assert!(quiet.iter().all(|r| !r.surge), "{quiet:?}");
        let p = quiet.iter().find(|r| r.test == "poisson").unwrap();
        assert_eq!(p.p_value, Some(0.0), "the test's own verdict is kept");
        assert!(p.note.as_deref().unwrap().contains("minimum count of 3"));
        let loud = run_all(&[0, 0, 0, 3], &opts);
        assert!(loud.iter().any(|r| r.surge));
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs() + 1e-13
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        for (n, f) in [
            (1u64, 1.0f64),
            (5, 24.0),
            (10, 362_880.0),
            (21, 2.432_902_008_176_64e18),
        ] {
            assert!(close(ln_gamma(n as f64), f.ln(), 1e-12), "Γ({n})");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
    }

    #[test]
    fn tails_match_closed_forms() {
        // P(X ≥ 3 | λ = 1) = 1 − e⁻¹(1 + 1 + 1/2).
        let want = 1.0 - (-1.0f64).exp() * 2.5;
        assert!(close(poisson_upper_tail(3, 1.0), want, 1e-12));
        assert_eq!(poisson_upper_tail(0, 4.0), 1.0);
        // r = 1 is geometric: P(X ≥ k) = (1 − p)^k.
        assert!(close(nbinom_upper_tail(7, 1.0, 0.3), 0.7f64.powi(7), 1e-10));
        assert!(close(nbinom_upper_tail(2, 1.0, 0.3), 0.7f64.powi(2), 1e-10));
    }

    #[test]
    fn the_public_example_is_a_surge() {
        // 27 claimed attacks in the week after 9 October 2019 against 10,
        // 10 and 10 in the three weeks before.
        let r = run_all(&[10, 10, 10, 27], &SurgeOptions::default());
        let by = |t: &str| r.iter().find(|x| x.test == t).unwrap().clone();
        let p = by("poisson");
        assert!(p.surge);
        assert_eq!(p.baseline, 10.0);
        assert_eq!(p.ratio, Some(2.7));
        assert!(close(p.p_value.unwrap(), 6.4229e-6, 1e-3), "{p:?}");
        // No overdispersion in a flat history: the Poisson tail again.
        let nb = by("negative_binomial");
        assert!(nb.surge && nb.note.unwrap().contains("Poisson"));
        // C1 with the floor: z = 17.
        let c1 = by("ears_c1");
        assert!(c1.surge && close(c1.z.unwrap(), 17.0, 1e-12));
        // C2 and C3 need a longer history: they say so, and do not flag.
        for t in ["ears_c2", "ears_c3"] {
            let x = by(t);
            assert!(!x.surge && x.note.unwrap().contains("needs"), "{t}");
        }
    }

    #[test]
    fn a_volatile_history_is_not_a_negative_binomial_surge() {
        let r = run_all(&[2, 25, 3, 27], &SurgeOptions::default());
        let by = |t: &str| r.iter().find(|x| x.test == t).unwrap().clone();
        let nb = by("negative_binomial");
        assert_eq!(nb.baseline, 10.0);
        assert!(!nb.surge, "{nb:?}");
        assert!(close(nb.p_value.unwrap(), 0.09802, 1e-3), "{nb:?}");
        // The Poisson test, blind to the variance, still flags it.
        assert!(by("poisson").surge);
    }

    #[test]
    fn quiet_weeks_are_not_surges_and_c2_c3_use_a_guard_band() {
        let series = [9, 11, 10, 12, 8, 10, 11, 9];
        for r in run_all(&series, &SurgeOptions::default()) {
            assert!(!r.surge, "{r:?}");
        }
        // C2's baseline skips the two weeks before the current one.
        let c2 = ears(&[1, 1, 1, 50, 50, 60], &SurgeOptions::default(), Ears::C2);
        assert_eq!(c2.baseline, 1.0);
        assert!(c2.surge);
        let c3 = ears(
            &[1, 1, 1, 1, 1, 1, 40, 45, 50],
            &SurgeOptions::default(),
            Ears::C3,
        );
        assert!(c3.surge && c3.z.unwrap() > 2.0, "{c3:?}");
    }

    #[test]
    fn short_series_and_zero_baselines() {
        let r = run_all(&[5], &SurgeOptions::default());
        assert!(r.iter().all(|x| !x.surge && x.note.is_some()));
        // A first attack after three empty weeks: ratio undefined, Poisson
        // tail 0 for λ = 0 (any count is impossible under it).
        let p = poisson(&[0, 0, 0, 1], &SurgeOptions::default());
        assert_eq!(p.ratio, None);
        assert!(p.surge);
    }
}
