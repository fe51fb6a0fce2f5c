//! A registry with acts of response and a planted effect (issue 39), made to test the effect
//! estimator (`analytics::effect`) on data it was not built from: written apart from the demo's
//! generator and from the estimator, with the trap the estimator must avoid built in.
//!
//! Objects differ in their level of violations (log-normal, and by stratum) and are inspected at
//! their own pace over six years. Now and then an inspection catches a passing spike (three
//! times the object's level). Prosecutors act after a bad inspection — four violations or more —
//! with some probability, so acted-on objects are both worse than most (selection) and caught at
//! a high point (regression to the mean: their next inspection would find fewer anyway). After an
//! act every later inspection's mean, and the rate of appeals, is multiplied by the planted
//! ratio (1.0 for the null twin: acts change nothing). Acts come at different times (staggered).
//! Half of the acts name the inspection that prompted them; the estimator finds the others'.
//!
//! A second kind of world (`ActRule::FirstViolation`) is the large registry's pattern: cleaner
//! objects, and prosecutors act after an object's *first* inspection that finds any violation, so
//! the year before every act is clean — the estimator must then compare after rates alone. There
//! every act names the inspection that prompted it.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::second::{normal, poisson};
use crate::analytics::effect::{ActEvent, ObjectFacts, Panel};

/// When prosecutors act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActRule {
    /// After an inspection with four violations or more, at any time.
    #[default]
    BadInspection,
    /// After an object's first inspection with any violation (objects a third as bad).
    FirstViolation,
}

/// How big a world to make, and how acts come.
#[derive(Debug, Clone, Copy)]
pub struct EffectWorld {
    pub objects: usize,
    /// The planted ratio on later violations and appeals (0.75: a quarter fewer; 1.0: none).
    pub planted_ratio: f64,
    pub seed: u64,
    pub rule: ActRule,
}

/// The last day of the world's data.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("a valid date")
}

const YEARS: u64 = 6;
const SPIKE_PROBABILITY: f64 = 0.12;
const SPIKE_FACTOR: f64 = 3.0;
const ACT_THRESHOLD: u32 = 4;
const ACT_PROBABILITY: f64 = 0.35;

/// Makes the world: its panel (objects, inspections, appeals, acts) as the estimator reads it.
pub fn make(world: EffectWorld) -> Panel {
    let mut rng = ChaCha8Rng::seed_from_u64(world.seed ^ 0x00EF_FEC7);
    let end = as_of();
    let start = end.checked_sub_days(Days::new(YEARS * 365)).expect("a valid date");
    let span = (end - start).num_days() as u64;
    let strata: Vec<(String, f64)> = (0..24)
        .map(|s| {
            (format!("{}-{:02}", ["A", "C", "F", "G", "H", "I"][s % 6], 10 + s / 6), (0.3 * normal(&mut rng)).exp())
        })
        .collect();
    let mut panel = Panel { as_of: end, since: start, ..Panel::default() };
    for object in 0..world.objects {
        let (stratum, stratum_level) = &strata[rng.random_range(0..strata.len())];
        let cleaner = if world.rule == ActRule::FirstViolation { 1.0 / 3.0 } else { 1.0 };
        let level = cleaner * stratum_level * (0.6 * normal(&mut rng) - 0.2).exp();
        let inspections_per_year = rng.random_range(0.8..3.0);
        let appeals_per_quarter = (0.8 * normal(&mut rng) - 0.7).exp();
        // Inspection days, uniformly over the span.
        let count = poisson(&mut rng, inspections_per_year * YEARS as f64) as usize;
        let mut days: Vec<NaiveDate> = (0..count).map(|_| start + Days::new(rng.random_range(0..span))).collect();
        days.sort();
        let mut acted_on: Option<NaiveDate> = None;
        let mut violated_before = false;
        let mut inspections = Vec::with_capacity(days.len());
        for day in days {
            let spike = if rng.random::<f64>() < SPIKE_PROBABILITY { SPIKE_FACTOR } else { 1.0 };
            let after = acted_on.is_some_and(|a| day > a);
            let mean = level * spike * if after { world.planted_ratio } else { 1.0 };
            let v = poisson(&mut rng, mean);
            inspections.push((day, v));
            let prompts = match world.rule {
                ActRule::BadInspection => v >= ACT_THRESHOLD,
                ActRule::FirstViolation => v >= 1 && !violated_before,
            };
            violated_before |= v >= 1;
            if acted_on.is_none() && prompts && rng.random::<f64>() < ACT_PROBABILITY {
                let issued = day + Days::new(rng.random_range(5..60));
                if issued < end {
                    acted_on = Some(issued);
                    panel.acts.push(ActEvent {
                        object,
                        kind: ["submission", "order", "protest"][rng.random_range(0..3)].into(),
                        issued_on: issued,
                        // In a first-violation world every act names its inspection (as the large
                        // registry's export does): a worse inspection between it and the act
                        // would otherwise be taken for the trigger and its clean year lost.
                        trigger: (world.rule == ActRule::FirstViolation || rng.random_bool(0.5)).then_some(day),
                    });
                }
            }
        }
        // Appeals: a Poisson process per quarter-length step, lower after the act.
        let mut appeals = Vec::new();
        let mut day = start;
        while day < end {
            let after = acted_on.is_some_and(|a| day > a);
            let mean = appeals_per_quarter * if after { world.planted_ratio } else { 1.0 } / 13.0;
            for _ in 0..poisson(&mut rng, mean) {
                appeals.push(day + Days::new(rng.random_range(0..7)));
            }
            day = day + Days::new(7);
        }
        appeals.sort();
        appeals.retain(|d| *d <= end);
        panel.objects.push(ObjectFacts {
            stratum: stratum.clone(),
            risk_decile: None,
            identity: panel.objects.len() as u64,
        });
        panel.inspections.push(inspections);
        panel.appeals.push(appeals);
    }
    panel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_world_and_acts_follow_bad_inspections() {
        let w = EffectWorld { objects: 500, planted_ratio: 0.75, seed: 7, rule: ActRule::BadInspection };
        let (a, b) = (make(w), make(w));
        assert_eq!(a.acts, b.acts);
        assert!(!a.acts.is_empty());
        for act in &a.acts {
            // A bad inspection in the 60 days before every act (the act's trigger).
            let spike = a.inspections[act.object]
                .iter()
                .any(|(d, v)| *d < act.issued_on && (act.issued_on - *d).num_days() <= 60 && *v >= ACT_THRESHOLD);
            assert!(spike, "{act:?}");
            assert!(act.trigger.is_none_or(|t| a.inspections[act.object].iter().any(|(d, _)| *d == t)));
        }
    }

    #[test]
    fn in_a_first_violation_world_every_act_follows_the_objects_first_violating_inspection() {
        let w = EffectWorld { objects: 800, planted_ratio: 1.0, seed: 3, rule: ActRule::FirstViolation };
        let panel = make(w);
        assert!(panel.acts.len() > 30, "{}", panel.acts.len());
        for act in &panel.acts {
            let rows = &panel.inspections[act.object];
            let first = rows.iter().find(|(_, v)| *v >= 1).expect("an act follows a violation");
            assert!(first.0 < act.issued_on && (act.issued_on - first.0).num_days() < 60, "{act:?}");
        }
    }
}
