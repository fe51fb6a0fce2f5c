//! Tiers 2 and 3 of the effectiveness report over any registry — what later data say of each act
//! and the estimated effect of acts — computed by one piece of code for a workstation's
//! `ekn effect` (its SQLite registry) and the office's `ekn-office effect` (the registry its own
//! connectors fetched, `ingest::registry`), so the two cannot drift apart.
//!
//! `RegistryIndex` lays a `Registry` out per object once: its place (district, region, OKED
//! section), its inspections and appeals by day, and the days of the inspections acts name as
//! their trigger. A caller then asks it, act by act, for the checks (`verify`), and once for the
//! estimates (`estimates`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::effect::{self, ActEvent, ObjectFacts, Panel};
use crate::effect_staggered;
use crate::verification::{verify_rows, ActFacts, ActVerification, AppealRow, InspectionRow};
use ekn_domain::acts::ActKind;
use ekn_domain::facts::AppealIdentity;
use ekn_domain::facts::{date_of, district_text, Registry};

/// How many acts' checks said verified, contradicted, or found no data (tier 2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct StatusCounts {
    pub verified: u64,
    pub contradicted: u64,
    pub no_data: u64,
}

impl StatusCounts {
    /// Counts one check's status.
    pub fn add(&mut self, status: crate::verification::VerificationStatus) {
        match status {
            crate::verification::VerificationStatus::Verified => self.verified += 1,
            crate::verification::VerificationStatus::Contradicted => self.contradicted += 1,
            crate::verification::VerificationStatus::NoData => self.no_data += 1,
        }
    }
}

/// Tier 3: one estimate, for a kind of act and a scope (docs/EFFECT.md lists its figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
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
    /// The matched design's figures for the same acts and outcome (issue 39's method): a
    /// sensitivity check beside the headline, never mixed into it.
    #[serde(default)]
    pub matched: Option<effect::EffectFigures>,
}

/// The kinds of act whose effect is estimated one by one besides all acts together, in the order
/// the figures list them (an answer to an appeal is no act of response).
pub const KINDS_ESTIMATED: [ActKind; 5] =
    [ActKind::Protest, ActKind::Submission, ActKind::Order, ActKind::Resolution, ActKind::Warning];

/// Which estimates `RegistryIndex::estimates` makes of the acts asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindsAsked {
    /// All kinds together, and each kind present on its own (the report's table, and what a
    /// region publishes for the country).
    OverallAndEach,
    /// One kind's.
    One(ActKind),
}

impl KindsAsked {
    /// One kind when one is asked, else the overall entry and each kind's.
    pub fn of(kind: Option<ActKind>) -> KindsAsked {
        kind.map_or(KindsAsked::OverallAndEach, KindsAsked::One)
    }
}

/// An act as the estimator needs it: its object's BIN, kind, day, and the registry number of the
/// inspection that prompted it when the export said.
pub struct ActForEffect<'a> {
    pub bin: &'a str,
    pub kind: &'a str,
    pub issued_on: NaiveDate,
    pub trigger_registry_no: Option<&'a str>,
    /// Whether its effect is asked for (with the kind, district and body filters); an act not asked
    /// for only keeps its object out of the controls.
    pub asked: bool,
}

/// The longest body name a request may carry (the registry's longest is about 150 characters).
pub const MAX_BODY_CHARS: usize = 400;

/// The body filter as a person or a peer sent it: trimmed, none when blank, refused when it is not
/// one line of a name's length — the workstation's report and the office's check it alike.
pub fn body_filter(body: Option<&str>) -> Result<Option<&str>, &'static str> {
    let body = body.map(str::trim).filter(|b| !b.is_empty());
    if body.is_some_and(|b| b.chars().count() > MAX_BODY_CHARS || b.chars().any(char::is_control)) {
        return Err("a control body is named as the registry names it (one line)");
    }
    Ok(body)
}

/// How many acts each body prompted (`None`: no inspection before the act), most acts first —
/// the choices of the body filter, counted the same at a workstation and at the office.
pub fn tally_bodies<'a>(bodies: impl IntoIterator<Item = Option<&'a str>>) -> Vec<crate::office_reports::BodyActs> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for body in bodies.into_iter().flatten() {
        *counts.entry(body).or_default() += 1;
    }
    let mut out: Vec<crate::office_reports::BodyActs> =
        counts.into_iter().map(|(body, acts)| crate::office_reports::BodyActs { body: body.into(), acts }).collect();
    out.sort_by(|a, b| b.acts.cmp(&a.acts).then_with(|| a.body.cmp(&b.body)));
    out
}

/// A registry laid out per object.
pub struct RegistryIndex<'r> {
    registry: &'r Registry,
    subject_of: HashMap<&'r str, usize>,
    district_of: Vec<Option<u16>>,
    /// (OKED section, region): objects are compared within it.
    stratum: Vec<(Option<u8>, Option<u8>)>,
    inspections: Vec<Vec<(NaiveDate, u32)>>,
    inspection_rows: Vec<Vec<usize>>,
    appeals: Vec<Vec<NaiveDate>>,
    appeal_rows: Vec<Vec<usize>>,
    day_of_registry_no: HashMap<&'r str, NaiveDate>,
    /// Each appeal category of the registry as the taxonomy's code.
    category_codes: Vec<Option<&'static str>>,
}

impl<'r> RegistryIndex<'r> {
    /// Lays `registry` out; `triggers` are the registry numbers acts name as their trigger.
    pub fn new<'t>(registry: &'r Registry, triggers: impl IntoIterator<Item = &'t str>) -> RegistryIndex<'r> {
        let wanted: HashSet<&str> = triggers.into_iter().collect();
        let subject_of: HashMap<&str, usize> =
            registry.subjects.iter().enumerate().map(|(i, s)| (s.bin.as_str(), i)).collect();
        let n = registry.subjects.len();
        let mut district_of: Vec<Option<u16>> = vec![None; n];
        let mut stratum: Vec<(Option<u8>, Option<u8>)> = vec![(None, None); n];
        let mut inspections: Vec<Vec<(NaiveDate, u32)>> = vec![Vec::new(); n];
        let mut inspection_rows: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut day_of_registry_no = HashMap::new();
        for (index, i) in registry.inspections.iter().enumerate() {
            let s = i.subject as usize;
            district_of[s] = district_of[s].or(i.district);
            stratum[s] = (stratum[s].0.or(i.oked_section), stratum[s].1.or(i.region));
            inspections[s].push((date_of(i.day), i.violations));
            inspection_rows[s].push(index);
            if wanted.contains(&*i.registry_no) {
                day_of_registry_no.insert(&*i.registry_no, date_of(i.day));
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
        let taxonomy = ekn_domain::triage::Taxonomy::builtin();
        let category_codes =
            registry.categories.iter().map(|label| taxonomy.resolve(label).map(|c| c.code.as_str())).collect();
        RegistryIndex {
            registry,
            subject_of,
            district_of,
            stratum,
            inspections,
            inspection_rows,
            appeals,
            appeal_rows,
            day_of_registry_no,
            category_codes,
        }
    }

    /// The object of a BIN, when the registry knows it.
    pub fn subject(&self, bin: &str) -> Option<usize> {
        self.subject_of.get(bin).copied()
    }

    /// The objects in the registry's order, by BIN (for the risk deciles).
    pub fn subjects(&self) -> &HashMap<&'r str, usize> {
        &self.subject_of
    }

    /// Whether object `s` lies in `district` (a KATO prefix; none is everywhere).
    pub fn in_district(&self, s: usize, district: Option<&str>) -> bool {
        match district {
            None => true,
            Some(prefix) => self.district_of[s].map(district_text).is_some_and(|d| {
                if prefix.len() <= 4 {
                    d.starts_with(prefix)
                } else {
                    prefix.starts_with(&d)
                }
            }),
        }
    }

    /// The control body whose inspection prompted an act at object `s` issued on `issued`: the
    /// inspection the act names, else the worst of the half-year before it — the trigger tier 3
    /// reads (`effect::trigger_of`). `None` without an inspection in that half-year. The report's
    /// figures "by body" are over the acts a body's findings prompted.
    pub fn body_of_act(&self, s: usize, issued: NaiveDate, trigger_registry_no: Option<&str>) -> Option<&'r str> {
        let act = ActEvent {
            object: s,
            kind: String::new(),
            issued_on: issued,
            trigger: trigger_registry_no.and_then(|no| self.day_of_registry_no.get(no).copied()),
        };
        let (day, violations) = effect::trigger_of(&self.inspections[s], &act)?;
        let registry = self.registry;
        let rows = self.inspection_rows[s].iter().map(|&i| &registry.inspections[i]);
        let on_day: Vec<_> = rows.filter(|f| date_of(f.day) == day && f.violations == violations).collect();
        // Of two inspections that day alike, the one the act names.
        let row =
            on_day.iter().find(|f| trigger_registry_no.is_some_and(|no| *f.registry_no == *no)).or(on_day.first())?;
        registry.bodies.get(row.body as usize).map(String::as_str)
    }

    /// Object `s`'s district as KATO writes it, or `—`.
    pub fn place(&self, s: usize) -> String {
        self.district_of[s].map(district_text).unwrap_or_else(|| "—".into())
    }

    /// What the registry says after an act of object `s`. `identities` are appeals' applicants
    /// and text fingerprints by number (none where the appeals are not held).
    pub fn verify(
        &self,
        s: usize,
        facts: &ActFacts,
        identities: &HashMap<String, AppealIdentity>,
        horizon_days: u64,
        today: NaiveDate,
    ) -> ActVerification {
        let rows: Vec<InspectionRow<'_>> = self.inspection_rows[s]
            .iter()
            .map(|&i| {
                let f = &self.registry.inspections[i];
                InspectionRow { start_date: date_of(f.day), violations: f.violations, registry_no: &f.registry_no }
            })
            .collect();
        let appeals: Vec<AppealRow<'_>> = self.appeal_rows[s]
            .iter()
            .map(|&i| {
                let appeal = &self.registry.appeals[i];
                let (applicant, simhash) =
                    identities.get(&*appeal.appeal_no).map(|(p, h)| (p.as_deref(), *h)).unwrap_or((None, None));
                AppealRow {
                    received: date_of(appeal.received),
                    appeal_no: &appeal.appeal_no,
                    applicant,
                    simhash: simhash.map(|h| h as u64),
                    category: appeal.category.and_then(|c| self.category_codes[c as usize]),
                }
            })
            .collect();
        verify_rows(facts, &rows, &appeals, horizon_days, today)
    }

    /// The estimates for the acts asked for (`kinds`, `district`): an overall entry and one per
    /// kind present, the overall entry alone, or one kind's. Every act, asked for or not, keeps
    /// its object out of the controls. `deciles` are the objects' risk deciles (by index).
    pub fn estimates(
        self,
        acts: &[ActForEffect<'_>],
        deciles: &[Option<u8>],
        kinds: KindsAsked,
        district: Option<&str>,
        horizon_days: u64,
        today: NaiveDate,
    ) -> Vec<EffectEntry> {
        let since = self
            .registry
            .inspections
            .first()
            .map(|i| date_of(i.day))
            .into_iter()
            .chain(self.appeals.iter().filter_map(|a| a.first().copied()))
            .min()
            .unwrap_or(today);
        let n = self.registry.subjects.len();
        let asked: HashSet<(usize, NaiveDate, &str)> =
            acts.iter().filter(|a| a.asked).filter_map(|a| Some((self.subject(a.bin)?, a.issued_on, a.kind))).collect();
        let acts: Vec<ActEvent> = acts
            .iter()
            .filter_map(|a| {
                Some(ActEvent {
                    object: self.subject(a.bin)?,
                    kind: a.kind.to_string(),
                    issued_on: a.issued_on,
                    trigger: a.trigger_registry_no.and_then(|no| self.day_of_registry_no.get(no).copied()),
                })
            })
            .collect();
        let in_place: Vec<bool> = (0..n).map(|s| self.in_district(s, district)).collect();
        let panel = Panel {
            objects: (0..n)
                .map(|s| ObjectFacts {
                    stratum: format!("{:?}/{:?}", self.stratum[s].0, self.stratum[s].1),
                    risk_decile: deciles.get(s).copied().flatten(),
                    identity: effect::identity_of(&self.registry.subjects[s].bin),
                })
                .collect(),
            inspections: self.inspections,
            appeals: self.appeals,
            acts,
            since,
            as_of: today,
        };
        let scope = district.unwrap_or("all").to_string();
        let mut effects = Vec::new();
        let mut add = |kind: &str, figures: Vec<(effect::EffectFigures, Option<effect::EffectFigures>)>| {
            effects.extend(figures.into_iter().map(|(figures, matched)| EffectEntry {
                kind: kind.to_string(),
                scope: scope.clone(),
                figures,
                estimate: true,
                matched,
            }));
        };
        let placed = |e: &ActEvent| in_place[e.object] && asked.contains(&(e.object, e.issued_on, e.kind.as_str()));
        match kinds {
            KindsAsked::One(kind) => add(
                kind.code(),
                effect_staggered::estimate(&panel, &|e| e.kind == kind.code() && placed(e), horizon_days),
            ),
            KindsAsked::OverallAndEach => {
                add("all", effect_staggered::estimate(&panel, &placed, horizon_days));
                for kind in KINDS_ESTIMATED {
                    if panel.acts.iter().any(|e| e.kind == kind.code() && placed(e)) {
                        add(
                            kind.code(),
                            effect_staggered::estimate(&panel, &|e| e.kind == kind.code() && placed(e), horizon_days),
                        );
                    }
                }
            }
        }
        effects
    }
}

/// Each object's risk decile (0–9) by its latest score among the scored objects, or `None`.
pub fn risk_deciles(
    latest: impl IntoIterator<Item = (String, f64)>,
    subject_of: &HashMap<&str, usize>,
) -> Vec<Option<u8>> {
    let mut scored: Vec<(f64, usize)> =
        latest.into_iter().filter_map(|(bin, score)| subject_of.get(bin.as_str()).map(|&s| (score, s))).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut deciles = vec![None; subject_of.len()];
    let total = scored.len().max(1);
    for (rank, (_, s)) in scored.iter().enumerate() {
        deciles[*s] = Some((rank * 10 / total) as u8);
    }
    deciles
}
