//! How well the theme scan finds a rise, and how often it raises a false one (issue 40): worlds of
//! category × district cells from `generator::outbreaks` (made for this, not the series the method
//! was built on), one cell with a planted outbreak of ×1.5 to ×4 over its last one to three months,
//! at several monthly volumes, and each world's null twin. Every world is judged as `ekn themes
//! scan` judges an office — the last three months of every cell, q-values over all of them — and
//! the study counts how often the planted cell is an alarm in a planted month (the power) and how
//! many alarms the null twins raise per 100 cell-months (false alarms). Printed by `ekn themes
//! study`; the figures are in docs/THEMES.md. `export` writes the series and the judgements for
//! the check against R's `surveillance::farringtonFlexible` (scripts/themes/oracle.R).

use std::fmt::Write as _;

use serde::Serialize;

use crate::analytics::themes::{judge_together, ScanParams};
use crate::generator::outbreaks::{make, OutbreakWorld};

/// The study's grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudySpec {
    pub worlds: u64,
    pub cells: usize,
    /// Months of history and judged months together (the last three are judged).
    pub months: usize,
    pub volumes: Vec<f64>,
    pub factors: Vec<f64>,
    pub durations: Vec<usize>,
}

impl StudySpec {
    pub fn standard(worlds: u64) -> StudySpec {
        StudySpec {
            worlds,
            cells: 50,
            months: 72,
            volumes: vec![1.0, 3.0, 10.0, 30.0],
            factors: vec![1.5, 2.0, 3.0, 4.0],
            durations: vec![1, 2, 3],
        }
    }
}

/// Power for one volume, factor and duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerRow {
    pub volume: f64,
    pub factor: f64,
    pub duration: usize,
    pub worlds: u64,
    /// Share of worlds whose planted cell is an alarm in at least one planted month.
    pub power: f64,
}

/// False alarms on the null twins at one volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NullRow {
    pub volume: f64,
    pub cell_months: u64,
    pub alarms: u64,
    /// Alarms per 100 cell-months judged.
    pub per_100: f64,
    /// Before the false-discovery correction: months above the bound per 100.
    pub above_bound_per_100: f64,
}

/// The smallest planted factor found 8 times in 10, per volume and duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Smallest {
    pub volume: f64,
    pub duration: usize,
    /// None: no factor of the grid reached 0.8.
    pub factor: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemesStudy {
    pub spec: StudySpec,
    pub method: String,
    pub power: Vec<PowerRow>,
    pub null: Vec<NullRow>,
    pub smallest: Vec<Smallest>,
}

/// Judges one world's cells as the scan does: the last three months, q over all cell-months.
fn judge_world(series: &[Vec<u32>], months: usize) -> Vec<Vec<Option<crate::analytics::themes::MonthJudged>>> {
    let judged: Vec<i32> = (months as i32 - 3..months as i32).collect();
    let input: Vec<(i32, Vec<u32>)> = series.iter().map(|s| (0, s.clone())).collect();
    judge_together(&input, &judged, &ScanParams::default())
}

pub fn study(spec: &StudySpec, progress: &mut dyn FnMut(usize, usize)) -> ThemesStudy {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let seeds: Vec<u64> = (0..spec.worlds).collect();
    let total = spec.volumes.len() * (1 + spec.factors.len() * spec.durations.len());
    let mut done = 0;
    let (mut power, mut null, mut smallest) = (Vec::new(), Vec::new(), Vec::new());
    for &volume in &spec.volumes {
        let world = |seed: u64, factor: f64, duration: usize| OutbreakWorld {
            cells: spec.cells,
            months: spec.months,
            volume,
            factor,
            duration,
            seed: seed ^ (volume.to_bits() >> 20),
        };
        // The null twins: every cell-month of every world.
        let counts: Vec<(u64, u64, u64)> = crate::analytics::parallel::map_parts(&seeds, cores, |chunk: &[u64]| {
            chunk
                .iter()
                .map(|&seed| {
                    let judged = judge_world(&make(&world(seed, 1.0, 1)), spec.months);
                    let cells = judged.iter().flatten().flatten();
                    let (mut n, mut alarms, mut above) = (0, 0, 0);
                    for j in cells {
                        n += 1;
                        alarms += u64::from(j.alarm);
                        above += u64::from(j.observed as f64 > j.upper && j.observed >= 3);
                    }
                    (n, alarms, above)
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let (n, alarms, above) = counts.iter().fold((0, 0, 0), |acc, c| (acc.0 + c.0, acc.1 + c.1, acc.2 + c.2));
        null.push(NullRow {
            volume,
            cell_months: n,
            alarms,
            per_100: 100.0 * alarms as f64 / n.max(1) as f64,
            above_bound_per_100: 100.0 * above as f64 / n.max(1) as f64,
        });
        done += 1;
        progress(done, total);
        for &duration in &spec.durations {
            let mut found = None;
            for &factor in &spec.factors {
                let hits: usize = crate::analytics::parallel::map_parts(&seeds, cores, |chunk: &[u64]| {
                    chunk
                        .iter()
                        .filter(|&&seed| {
                            let judged = judge_world(&make(&world(seed, factor, duration)), spec.months);
                            // The planted months are the last `duration` of the three judged.
                            judged[0][3 - duration.min(3)..].iter().flatten().any(|j| j.alarm)
                        })
                        .count()
                })
                .into_iter()
                .sum();
                let share = hits as f64 / spec.worlds.max(1) as f64;
                if found.is_none() && share >= 0.8 {
                    found = Some(factor);
                }
                power.push(PowerRow { volume, factor, duration, worlds: spec.worlds, power: share });
                done += 1;
                progress(done, total);
            }
            smallest.push(Smallest { volume, duration, factor: found });
        }
    }
    ThemesStudy { spec: spec.clone(), method: crate::analytics::farrington::METHOD.into(), power, null, smallest }
}

/// The series of a few worlds (null and planted, every volume) and this method's judgement of
/// their last three months, as two CSV texts: `series.csv` (world, cell, month, count) and
/// `judged.csv` (world, cell, month, observed, expected, upper, exceeds) for the R oracle.
pub fn export(worlds: u64) -> (String, String) {
    let mut series = String::from("world,cell,month,count\n");
    let mut judged = String::from("world,cell,month,observed,expected,upper,exceeds\n");
    let params = ScanParams::default();
    let mut id = 0;
    for volume in [1.0, 3.0, 10.0, 30.0] {
        for factor in [1.0, 2.0] {
            for seed in 0..worlds {
                let cells =
                    make(&OutbreakWorld { cells: 20, months: 72, volume, factor, duration: 2, seed: 9_000 + seed });
                for (c, s) in cells.iter().enumerate() {
                    for (m, count) in s.iter().enumerate() {
                        let _ = writeln!(series, "{id},{c},{m},{count}");
                    }
                    for m in 69..72 {
                        if let Some(j) = crate::analytics::farrington::judge(s, m, &params.farrington) {
                            let _ = writeln!(
                                judged,
                                "{id},{c},{m},{},{:.6},{},{}",
                                j.observed,
                                j.expected,
                                j.upper,
                                u8::from(j.exceeds)
                            );
                        }
                    }
                }
                id += 1;
            }
        }
    }
    (series, judged)
}
