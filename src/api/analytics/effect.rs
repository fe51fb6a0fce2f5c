//! The effectiveness report (issue 39, `ekn effect`, the Effectiveness screen): the three tiers
//! side by side and never mixed in one figure — recorded outcomes as KPIs with their
//! denominators and exact intervals, by district on funnel plots; what later data say of each
//! act (counts of verified, contradicted, no data); and the estimated effect of acts on later
//! violations and appeals (`analytics::effect`), each labelled an estimate with the naive
//! before/after figure beside it. Every report names the data and the journal entry it was
//! computed on, so it can be made again and checked.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::acts::ActKind;
use crate::analytics::effect::{self, ActEvent, EffectOutcome, ObjectFacts, Panel, EFFECT_METHOD};
use crate::analytics::outcome_kpis::{self, ActForKpis, Kpis};
use crate::analytics::verification::{
    satisfied_on, verify_rows, ActCategory, ActFacts, AppealRow, InspectionRow, VerificationStatus,
};
use crate::analytics::verification::{DEFAULT_HORIZON_DAYS, VERIFY_RULES};
use crate::api::{ApiError, ErrorCode, Session};
use crate::domain::facts::{date_of, district_text};

/// What the report is asked for (all acts, over the default horizon, unless narrowed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct EffectRequest {
    /// Only acts of this kind.
    pub kind: Option<ActKind>,
    /// Only objects whose KATO code starts with this (a region `19`, a district `1920`, …).
    pub district: Option<String>,
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct StatusCounts {
    pub verified: u64,
    pub contradicted: u64,
    pub no_data: u64,
}

/// Tier 3: one estimate, for a kind of act and a scope (docs/EFFECT.md lists its figures).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EffectEntry {
    /// `all`, or the kind of act.
    pub kind: String,
    /// `all`, or the KATO prefix asked for.
    pub scope: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub figures: effect::EffectFigures,
    /// Always true: this is an estimate, not a count.
    pub estimate: bool,
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

impl Session {
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
        let today = self.today();
        let registry = self.analytics_registry()?;
        let (acts, outcomes) = self.store.acts_for_report()?;
        let norms = self.norms()?;

        // Each object's place (district, region, OKED section) from its inspections.
        let subject_of: HashMap<&str, usize> =
            registry.subjects.iter().enumerate().map(|(i, s)| (s.bin.as_str(), i)).collect();
        let n = registry.subjects.len();
        let mut district_of: Vec<Option<u16>> = vec![None; n];
        let mut stratum: Vec<(Option<u8>, Option<u8>)> = vec![(None, None); n];
        let mut inspections: Vec<Vec<(NaiveDate, u32)>> = vec![Vec::new(); n];
        let mut inspection_rows: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut day_of_registry_no: HashMap<&str, NaiveDate> = HashMap::new();
        let wanted_numbers: std::collections::HashSet<&str> =
            acts.iter().filter_map(|a| a.trigger_registry_no.as_deref()).collect();
        for (index, i) in registry.inspections.iter().enumerate() {
            let s = i.subject as usize;
            district_of[s] = district_of[s].or(i.district);
            stratum[s] = (stratum[s].0.or(i.oked_section), stratum[s].1.or(i.region));
            inspections[s].push((date_of(i.day), i.violations));
            inspection_rows[s].push(index);
            if wanted_numbers.contains(&*i.registry_no) {
                day_of_registry_no.insert(&i.registry_no, date_of(i.day));
            }
        }
        let mut appeals: Vec<Vec<NaiveDate>> = vec![Vec::new(); n];
        let mut appeal_rows: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (index, a) in registry.appeals.iter().enumerate() {
            if let Some(s) = a.subject {
                appeals[s as usize].push(date_of(a.received));
                appeal_rows[s as usize].push(index);
            }
        }
        for list in &mut appeals {
            list.sort();
        }
        let in_district = |s: usize| match district {
            None => true,
            Some(prefix) => district_of[s].map(district_text).is_some_and(|d| {
                if prefix.len() <= 4 {
                    d.starts_with(prefix)
                } else {
                    prefix.starts_with(&d)
                }
            }),
        };
        let deciles = self.risk_deciles(&subject_of)?;

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
        // What the category and returning-applicant checks read: appeals' categories as the
        // taxonomy's codes, and the acted-on objects' applicants and text fingerprints.
        let taxonomy = crate::domain::triage::Taxonomy::builtin();
        let category_codes: Vec<Option<&str>> =
            registry.categories.iter().map(|label| taxonomy.resolve(label).map(|c| c.code.as_str())).collect();
        let identities = self.store.appeal_identities_of_acted()?;
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

        let in_scope_act = |a: &crate::store::ActForReport| -> Option<(usize, NaiveDate)> {
            let s = *subject_of.get(a.bin.as_str())?;
            let issued = date(&a.issued_on)?;
            let kind_ok = request.kind.is_none_or(|k| k.code() == a.kind);
            (kind_ok && in_district(s)).then_some((s, issued))
        };

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
                    .and_then(|id| norms.catalog.get(id))
                    .filter(|n| !n.verified)
                    .map(|n| n.id.clone()),
                place: district_of[s].map(district_text).unwrap_or_else(|| "—".into()),
                answer: answer.map(|(r, on)| (r.to_string(), on)),
                court: latest.get(&(a.id, "court")).map(|(r, _)| r.to_string()),
                checklist_complete: a.checklist_missing.as_ref().map(Vec::is_empty),
                placeholders_filled: a.draft_unfilled.as_ref().map(Vec::is_empty),
                formal_defect: defective.contains(&a.id),
            });
            // Tier 2.
            let rows: Vec<InspectionRow<'_>> = inspection_rows[s]
                .iter()
                .map(|&i| {
                    let f = &registry.inspections[i];
                    InspectionRow { start_date: date_of(f.day), violations: f.violations, registry_no: &f.registry_no }
                })
                .collect();
            let appeal_list: Vec<AppealRow<'_>> = appeal_rows[s]
                .iter()
                .map(|&i| {
                    let appeal = &registry.appeals[i];
                    let (applicant, simhash) =
                        identities.get(&*appeal.appeal_no).map(|(p, h)| (p.as_deref(), *h)).unwrap_or((None, None));
                    AppealRow {
                        received: date_of(appeal.received),
                        appeal_no: &appeal.appeal_no,
                        applicant,
                        simhash: simhash.map(|h| h as u64),
                        category: appeal.category.and_then(|c| category_codes[c as usize]),
                    }
                })
                .collect();
            let facts = ActFacts {
                act_id: a.id,
                issued_on: issued,
                response_due: a.response_due.as_deref().and_then(date),
                category: ActCategory::of(a.category.as_deref()),
                satisfied_on: satisfied.get(&a.id).copied().flatten(),
            };
            let v = verify_rows(&facts, &rows, &appeal_list, horizon, today);
            verification.next_inspection.add(v.next_inspection.status);
            verification.appeals.add(v.appeals.status);
            verification.category_appeals.add(v.category_appeals.status);
            verification.returning_applicant.add(v.returning_applicant.status);
        }
        let kpis = outcome_kpis::kpis(&for_kpis, today);

        // Tier 3.
        let since = registry
            .inspections
            .first()
            .map(|i| date_of(i.day))
            .into_iter()
            .chain(appeals.iter().filter_map(|a| a.first().copied()))
            .min()
            .unwrap_or(today);
        let panel = Panel {
            objects: (0..n)
                .map(|s| ObjectFacts {
                    stratum: format!("{:?}/{:?}", stratum[s].0, stratum[s].1),
                    risk_decile: deciles[s],
                })
                .collect(),
            inspections,
            appeals,
            acts: acts
                .iter()
                .filter_map(|a| {
                    let s = *subject_of.get(a.bin.as_str())?;
                    Some(ActEvent {
                        object: s,
                        kind: a.kind.clone(),
                        issued_on: date(&a.issued_on)?,
                        trigger: a.trigger_registry_no.as_deref().and_then(|no| day_of_registry_no.get(no).copied()),
                    })
                })
                .collect(),
            since,
            as_of: today,
        };
        let scope = district.unwrap_or("all").to_string();
        let mut effects = Vec::new();
        let mut add = |kind: &str, figures: Vec<effect::EffectFigures>| {
            effects.extend(figures.into_iter().map(|figures| EffectEntry {
                kind: kind.to_string(),
                scope: scope.clone(),
                figures,
                estimate: true,
            }));
        };
        let in_place = |e: &ActEvent| in_district(e.object);
        match request.kind {
            Some(kind) => {
                add(kind.code(), effect::estimate(&panel, &|e| e.kind == kind.code() && in_place(e), horizon))
            }
            None => {
                add("all", effect::estimate(&panel, &in_place, horizon));
                for kind in [ActKind::Protest, ActKind::Submission, ActKind::Order, ActKind::Warning] {
                    if panel.acts.iter().any(|e| e.kind == kind.code() && in_place(e)) {
                        add(kind.code(), effect::estimate(&panel, &|e| e.kind == kind.code() && in_place(e), horizon));
                    }
                }
            }
        }
        Ok(EffectReport {
            as_of: today,
            horizon_days: horizon,
            default_horizon_days: DEFAULT_HORIZON_DAYS,
            kind: request.kind,
            district: district.map(str::to_string),
            kpis,
            verification,
            effects,
            method: EFFECT_METHOD.into(),
            data_digest: hex::encode(digest.finalize()),
            journal: self.store.journal_head()?.map(|(seq, hash)| JournalPoint { seq, hash }),
        })
    }
}

/// `ekn effect study`: the estimator over `seeds` generated worlds of `objects` objects for each
/// planted ratio (none, −10 %, −25 %, −40 %), over the default horizon; with `first_violation`,
/// worlds whose acts follow each object's first violating inspection (clean before windows).
pub fn effect_study(
    seeds: u64,
    objects: usize,
    first_violation: bool,
) -> Vec<crate::analytics::effect_study::StudyRow> {
    use crate::generator::effects::ActRule;
    let rule = if first_violation { ActRule::FirstViolation } else { ActRule::BadInspection };
    crate::analytics::effect_study::study(seeds, objects, &[1.0, 0.9, 0.75, 0.6], DEFAULT_HORIZON_DAYS, rule)
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
        std::fs::write(dir.join(format!("{name}.csv")), csv).map_err(io)?;
        estimates.push((name, figures(m.outcome, &m.units, m.without_trigger, m.unmatched)));
    }
    let json = serde_json::to_string_pretty(&estimates.into_iter().collect::<std::collections::BTreeMap<_, _>>())
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    std::fs::write(dir.join("ekn-estimate.json"), json).map_err(io)
}

impl Session {
    /// Each object's risk decile (0–9) by its latest score among the scored, or `None`.
    fn risk_deciles(&self, subject_of: &HashMap<&str, usize>) -> Result<Vec<Option<u8>>, ApiError> {
        let mut scored: Vec<(f64, usize)> = self
            .store
            .latest_risk_scores()?
            .into_iter()
            .filter_map(|(bin, score)| subject_of.get(bin.as_str()).map(|&s| (score, s)))
            .collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut deciles = vec![None; subject_of.len()];
        let total = scored.len().max(1);
        for (rank, (_, s)) in scored.iter().enumerate() {
            deciles[*s] = Some((rank * 10 / total) as u8);
        }
        Ok(deciles)
    }
}

impl StatusCounts {
    fn add(&mut self, status: VerificationStatus) {
        match status {
            VerificationStatus::Verified => self.verified += 1,
            VerificationStatus::Contradicted => self.contradicted += 1,
            VerificationStatus::NoData => self.no_data += 1,
        }
    }
}
