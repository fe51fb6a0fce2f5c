//! The effectiveness report (issue 39, `ekn effect`, the Effectiveness screen): the three tiers
//! side by side and never mixed in one figure — recorded outcomes as KPIs with their
//! denominators and exact intervals, by district on funnel plots; what later data say of each
//! act (counts of verified, contradicted, no data); and the estimated effect of acts on later
//! violations and appeals (`analytics::effect`), each labelled an estimate with the naive
//! before/after figure beside it. Every report names the data and the journal entry it was
//! computed on, so it can be made again and checked.

use super::Analytics;
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::acts::ActKind;
use crate::analytics::effect::{EffectOutcome, EFFECT_METHOD};
use crate::analytics::effect_tiers::{
    body_filter, risk_deciles, tally_bodies, ActForEffect, KindsAsked, RegistryIndex,
};
pub use crate::analytics::effect_tiers::{EffectEntry, StatusCounts};
pub use crate::analytics::office_reports::BodyActs;
use crate::analytics::outcome_kpis::{self, ActForKpis, Kpis};
use crate::analytics::verification::{satisfied_on, ActCategory, ActFacts, ActVerification};
use crate::analytics::verification::{DEFAULT_HORIZON_DAYS, VERIFY_RULES};
use crate::api::{ApiError, ErrorCode};

/// What the report is asked for (all acts, over the default horizon, unless narrowed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct EffectRequest {
    /// Only acts of this kind.
    pub kind: Option<ActKind>,
    /// Only objects whose KATO code starts with this (a region `19`, a district `1920`, …).
    pub district: Option<String>,
    /// Only acts a control body's findings prompted: the body of the act's trigger inspection, as
    /// the registry names it (`EffectReport::bodies` lists them).
    pub body: Option<String>,
    pub horizon_days: Option<u64>,
}

/// Tier 2: what later data say of the acts, counted per check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct VerificationCounts {
    pub next_inspection: StatusCounts,
    pub appeals: StatusCounts,
    /// The appeals of each act's violation category.
    pub category_appeals: StatusCounts,
    /// An earlier applicant returning within 90 days of a "satisfied" answer.
    pub returning_applicant: StatusCounts,
    pub rule: String,
}

/// The journal entry a report was computed at.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct JournalPoint {
    pub seq: i64,
    pub hash: String,
}

/// The whole report (`ekn effect --json`; docs/EFFECT.md is its contract).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EffectReport {
    pub as_of: NaiveDate,
    pub horizon_days: u64,
    pub default_horizon_days: u64,
    pub kind: Option<ActKind>,
    pub district: Option<String>,
    pub body: Option<String>,
    /// The control bodies whose findings prompted the acts of the asked kind and district (the
    /// body filter aside), most acts first: the choices of the body filter.
    pub bodies: Vec<BodyActs>,
    pub kpis: Kpis,
    pub verification: VerificationCounts,
    pub effects: Vec<EffectEntry>,
    pub method: String,
    /// SHA-256 over the registry's imports and every act and outcome the report read.
    pub data_digest: String,
    pub journal: Option<JournalPoint>,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl Analytics<'_> {
    /// The effectiveness report over the acts in scope, as of today.
    pub fn effect_report(&self, request: &EffectRequest) -> Result<EffectReport, ApiError> {
        let horizon = request.horizon_days.unwrap_or(DEFAULT_HORIZON_DAYS);
        if !(30..=3650).contains(&horizon) {
            return Err(ApiError::invalid("the horizon is 30 to 3650 days"));
        }
        let district = request.district.as_deref().map(str::trim).filter(|d| !d.is_empty());
        if district.is_some_and(|d| d.len() > 9 || !d.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ApiError::invalid("a district is a KATO code or its first digits (19, 1920, …)"));
        }
        let body = body_filter(request.body.as_deref()).map_err(ApiError::invalid)?;
        let today = self.read().today();
        let registry = self.read().analytics_registry()?;
        let (acts, outcomes) = self.read().store().acts_for_report()?;
        let norms = self.read().norms()?;
        let index = RegistryIndex::new(&registry, acts.iter().filter_map(|a| a.trigger_registry_no.as_deref()));
        let deciles = risk_deciles(self.read().store().latest_risk_scores()?, index.subjects());

        // Acts: the latest outcome at each stage, and the day of a "satisfied" latest answer.
        let mut latest: HashMap<(i64, &str), (&str, NaiveDate)> = HashMap::new();
        let mut satisfied: HashMap<i64, Option<NaiveDate>> = HashMap::new();
        let defective: std::collections::HashSet<i64> =
            outcomes.iter().filter(|o| o.formal_defect).map(|o| o.act_id).collect();
        for o in &outcomes {
            if let Some(on) = date(&o.on) {
                latest.insert((o.act_id, o.stage.as_str()), (o.result.as_str(), on));
                if o.stage == "answer" {
                    satisfied.insert(o.act_id, satisfied_on([(o.stage.as_str(), o.result.as_str(), on)]));
                }
            }
        }
        // What the returning-applicant check reads: the acted-on objects' applicants and text
        // fingerprints.
        let identities = self.read().store().appeal_identities_of_acted()?;
        let mut digest = Sha256::new();
        digest.update(crate::api::analytics::risk::registry_digest(&registry).as_bytes());
        for a in &acts {
            digest.update(
                format!(
                    "{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}\n",
                    a.id, a.bin, a.kind, a.issued_on, a.response_due, a.category, a.checklist_missing, a.draft_unfilled
                )
                .as_bytes(),
            );
        }
        for o in &outcomes {
            digest.update(format!("{}|{}|{}|{}|{}\n", o.act_id, o.stage, o.result, o.on, o.formal_defect).as_bytes());
        }

        // Each act's body: the one whose inspection prompted it.
        let body_of: HashMap<i64, &str> = acts
            .iter()
            .filter_map(|a| {
                let s = index.subject(&a.bin)?;
                Some((a.id, index.body_of_act(s, date(&a.issued_on)?, a.trigger_registry_no.as_deref())?))
            })
            .collect();
        let in_kind_and_district = |a: &crate::store::ActForReport| -> Option<(usize, NaiveDate)> {
            let s = index.subject(&a.bin)?;
            let issued = date(&a.issued_on)?;
            let kind_ok = request.kind.is_none_or(|k| k.code() == a.kind);
            (kind_ok && index.in_district(s, district)).then_some((s, issued))
        };
        let body_ok = |a: &crate::store::ActForReport| body.is_none_or(|b| body_of.get(&a.id) == Some(&b));
        let in_scope_act = |a: &crate::store::ActForReport| -> Option<(usize, NaiveDate)> {
            in_kind_and_district(a).filter(|_| body_ok(a))
        };
        let bodies = tally_bodies(
            acts.iter().filter(|a| in_kind_and_district(a).is_some()).map(|a| body_of.get(&a.id).copied()),
        );

        // Tier 1 (`analytics::outcome_kpis`, the office's code too), and tier 2, act by act.
        let mut for_kpis = Vec::new();
        let mut verification = VerificationCounts { rule: VERIFY_RULES.into(), ..Default::default() };
        for a in &acts {
            let Some((s, issued)) = in_scope_act(a) else { continue };
            let answer = latest.get(&(a.id, "answer")).copied();
            for_kpis.push(ActForKpis {
                kind: a.kind.clone(),
                issued_on: issued,
                response_due: a.response_due.as_deref().and_then(date),
                unconfirmed_norm: a
                    .norm_id
                    .as_ref()
                    .and_then(|id| norms.at(id, issued))
                    .filter(|n| !n.verified())
                    .map(|n| n.id.clone()),
                place: index.place(s),
                answer: answer.map(|(r, on)| (r.to_string(), on)),
                court: latest.get(&(a.id, "court")).map(|(r, _)| r.to_string()),
                checklist_complete: a.checklist_missing.as_ref().map(Vec::is_empty),
                placeholders_filled: a.draft_unfilled.as_ref().map(Vec::is_empty),
                formal_defect: defective.contains(&a.id),
            });
            // Tier 2.
            let facts = ActFacts {
                act_id: a.id,
                issued_on: issued,
                response_due: a.response_due.as_deref().and_then(date),
                category: ActCategory::of(a.category.as_deref()),
                satisfied_on: satisfied.get(&a.id).copied().flatten(),
            };
            verification.add(&index.verify(s, &facts, &identities, horizon, today));
        }
        let kpis = outcome_kpis::kpis(&for_kpis, today);

        // Tier 3.
        let for_effect: Vec<ActForEffect<'_>> = acts
            .iter()
            .filter_map(|a| {
                Some(ActForEffect {
                    bin: &a.bin,
                    kind: &a.kind,
                    issued_on: date(&a.issued_on)?,
                    trigger_registry_no: a.trigger_registry_no.as_deref(),
                    asked: body_ok(a),
                })
            })
            .collect();
        let effects = index.estimates(&for_effect, &deciles, KindsAsked::of(request.kind), district, horizon, today);
        Ok(EffectReport {
            as_of: today,
            horizon_days: horizon,
            default_horizon_days: DEFAULT_HORIZON_DAYS,
            kind: request.kind,
            district: district.map(str::to_string),
            body: body.map(str::to_string),
            bodies,
            kpis,
            verification,
            effects,
            method: EFFECT_METHOD.into(),
            data_digest: hex::encode(digest.finalize()),
            journal: self.read().store().journal_head()?.map(|(seq, hash)| JournalPoint { seq, hash }),
        })
    }
}

/// `ekn effect study`: the estimator over `seeds` generated worlds of `objects` objects for each
/// planted ratio (none, −10 %, −25 %, −40 %), over the default horizon; with `first_violation`,
/// worlds whose acts follow each object's first violating inspection (clean before windows).
pub fn effect_study(seeds: u64, objects: usize, first_violation: bool) -> Vec<crate::studies::effect::StudyRow> {
    use crate::generator::effects::ActRule;
    let rule = if first_violation { ActRule::FirstViolation } else { ActRule::BadInspection };
    crate::studies::effect::study(seeds, objects, &[1.0, 0.9, 0.75, 0.6], DEFAULT_HORIZON_DAYS, rule)
}

/// `ekn effect study --export`: one generated world's matched units (planted −25 %, seed 0) as CSV,
/// one file per outcome, and ЭКН's estimate as JSON, for an independent implementation to fit
/// (scripts/effect/oracle.py).
pub fn export_effect_world(dir: &std::path::Path, objects: usize, first_violation: bool) -> Result<(), ApiError> {
    use crate::analytics::effect::{figures, match_units};
    use crate::generator::effects::{make, ActRule, EffectWorld};
    use std::fmt::Write as _;
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let rule = if first_violation { ActRule::FirstViolation } else { ActRule::BadInspection };
    let panel = make(EffectWorld { objects, planted_ratio: 0.75, seed: 0, rule });
    let mut estimates = Vec::new();
    for m in match_units(&panel, &|_| true, 365) {
        let name = match m.outcome {
            EffectOutcome::ViolationsPerInspection => "violations",
            EffectOutcome::AppealsPerQuarter => "appeals",
        };
        let mut csv = String::from("object,weight,treated,y_pre,e_pre,y_post,e_post,y_early,e_early,y_late,e_late\n");
        for u in &m.units {
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{},{},{},{},{},{}",
                u.object,
                u.weight,
                u8::from(u.treated),
                u.y_pre,
                u.e_pre,
                u.y_post,
                u.e_post,
                u.y_early,
                u.e_early,
                u.y_late,
                u.e_late
            );
        }
        crate::disk::write(dir.join(format!("{name}.csv")), csv).map_err(io)?;
        estimates.push((name, figures(m.outcome, &m.units, m.without_trigger, m.unmatched)));
    }
    let json = serde_json::to_string_pretty(&estimates.into_iter().collect::<std::collections::BTreeMap<_, _>>())
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    crate::disk::write(dir.join("ekn-estimate.json"), json).map_err(io)
}

impl VerificationCounts {
    /// Counts one act's four checks.
    pub fn add(&mut self, v: &ActVerification) {
        self.next_inspection.add(v.next_inspection.status);
        self.appeals.add(v.appeals.status);
        self.category_appeals.add(v.category_appeals.status);
        self.returning_applicant.add(v.returning_applicant.status);
    }
}
