//! The appeals pipeline run over stored appeals: after an appeals import (on the rows it wrote),
//! or on demand (`ekn appeals triage`). Each appeal gets its category from the classifier in
//! force, its priority from the rules, its route from the routing table and its duplicate group
//! from the SimHash of its masked text; each is stored as a decision with the model or rule
//! version, the digest of the inputs and an explanation — only when it differs from the decision
//! in force, so a re-run changes nothing that did not change. Open appeals get their SLA tasks
//! (consideration, and forwarding when the route says so). A person's correction is never
//! overwritten by a machine: it stays in force until another person changes it.
//!
//! Work goes in chunks, each one write with one `appeals_triaged` entry, so memory stays bounded
//! on half a million appeals and a failure loses only the chunk it happened in.

use super::Appeals;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analytics::classifier::{Classifier, Prediction};
use crate::analytics::{duplicates, parallel};
use crate::api::{ApiError, ErrorCode, NewTaskRequest};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::tasks::TaskKind;
use crate::domain::triage::{FiredRule, PriorityRules, Route, RoutingTable, Taxonomy, TriageReport};
use crate::store::{About, NewDecision, StoredDecision, TriageInput};

/// How many appeals one write handles.
const CHUNK: usize = 2_000;
/// Appeals received this many days apart or closer are compared for duplicates.
pub const DUPLICATE_WINDOW_DAYS: i64 = 60;
/// How many n-grams a stored category explanation names each way.
const EXPLAIN_TOP: usize = 5;
pub use crate::domain::triage::routing::UNASSIGNED;

/// The decided-by value of a person's correction.
pub const BY_PERSON: &str = "person";

/// Which appeals to triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriageScope {
    /// The appeals an import wrote or touched.
    Import(i64),
    /// Appeals still open.
    Open,
    All,
}

/// The priority decision's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PriorityExplanation {
    pub rules: Vec<FiredRule>,
    pub points: u32,
    pub level: String,
}

/// The route decision's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RouteExplanation {
    pub route: Route,
    /// The category the route followed, as labelled, its taxonomy code, and where it came from.
    pub category: Option<String>,
    pub category_code: Option<String>,
    pub category_source: CategorySource,
}

/// The duplicate decision's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DuplicateExplanation {
    /// The nearest earlier appeal, its distance in bits, and why the two were compared.
    pub nearest: String,
    pub distance: u32,
    pub same_applicant: bool,
    pub same_object: bool,
    pub method: String,
    pub max_distance: u32,
    pub window_days: i64,
}

/// Where the category in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CategorySource {
    /// A person's correction.
    Person,
    /// The export's label (the registering officer's).
    Registered,
    /// The classifier.
    Model,
    None,
}

/// The category in force: a person's correction, else the export's label, else the model's.
pub fn category_in_force(
    label: Option<&str>,
    decisions: &[StoredDecision],
    model_now: Option<&str>,
) -> (Option<String>, CategorySource) {
    let current = decisions.iter().find(|d| d.aspect == "category");
    if let Some(d) = current.filter(|d| d.basis == BY_PERSON) {
        return (d.value.clone(), CategorySource::Person);
    }
    if let Some(label) = label.filter(|l| !l.trim().is_empty()) {
        return (Some(label.to_string()), CategorySource::Registered);
    }
    match model_now.map(str::to_string).or_else(|| current.and_then(|d| d.value.clone())) {
        Some(c) => (Some(c), CategorySource::Model),
        None => (None, CategorySource::None),
    }
}

/// The digest of what the pipeline reads of an appeal: a decision made from the same inputs by
/// the same version need not be made again.
pub fn inputs_digest(a: &TriageInput, category: Option<&str>) -> String {
    let mut h = Sha256::new();
    for part in [
        Some(a.appeal_no.as_str()),
        Some(a.received.as_str()),
        a.text.as_deref(),
        a.applicant_category.as_deref(),
        a.applicant_pseudonym.as_deref(),
        a.subject_bin.as_deref(),
        a.kato.as_deref(),
        a.label.as_deref(),
        category,
    ] {
        match part {
            Some(p) => {
                h.update((p.len() as u64).to_le_bytes());
                h.update(p.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

/// What an appeal's planning starts from: its decisions in force, the model's new judgement (when
/// it was classified again), the model's name and the digest of the appeal's inputs.
struct Judged<'a> {
    current: &'a [StoredDecision],
    prediction: Option<Prediction>,
    model: Option<&'a str>,
    inputs: String,
}

/// A decision to write, owned.
struct Planned {
    appeal_id: i64,
    aspect: &'static str,
    value: Option<String>,
    confidence: Option<f64>,
    basis: String,
    inputs: String,
    explanation: String,
}

/// Whether the decision in force already says this.
fn unchanged(current: Option<&StoredDecision>, p: &Planned) -> bool {
    current.is_some_and(|c| c.basis == p.basis && c.inputs_sha256 == p.inputs && c.value == p.value)
}

/// What of an appeal a person corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionAspect {
    Category,
    Route,
}

impl CorrectionAspect {
    /// The decision's aspect as stored.
    pub fn code(self) -> &'static str {
        match self {
            CorrectionAspect::Category => "category",
            CorrectionAspect::Route => "route",
        }
    }
}

/// Classifies texts on both cores. A part that panics fails the run (no predictions are paired
/// with the wrong appeals), before anything of the chunk is written.
fn classify_all(model: &Classifier, texts: &[Option<&str>]) -> Vec<Option<Prediction>> {
    classify_with(texts, |t| model.predict(t, EXPLAIN_TOP))
}

fn classify_with<P: Send>(texts: &[Option<&str>], predict: impl Fn(&str) -> P + Sync) -> Vec<Option<P>> {
    parallel::map_parts(texts, 2, |part| part.iter().map(|t| t.map(&predict)).collect::<Vec<_>>())
        .into_iter()
        .flatten()
        .collect()
}

impl Appeals<'_> {
    /// Runs the pipeline over the appeals of `scope`.
    pub fn triage(&mut self, scope: TriageScope, progress: &dyn Fn(usize, usize)) -> Result<TriageReport, ApiError> {
        let started = std::time::Instant::now();
        let ids = match scope {
            TriageScope::Import(id) => self.read().store().appeal_ids(Some(id))?,
            TriageScope::Open => self.read().store().open_appeal_ids()?,
            TriageScope::All => self.read().store().appeal_ids(None)?,
        };
        let classifier = match self.classifier() {
            Ok(found) => Some(found),
            Err(e) if e.code == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        };
        let mut report = TriageReport {
            appeals: 0,
            decisions: 0,
            tasks: 0,
            duplicates: 0,
            model: classifier.as_ref().map(|(r, _)| r.name.clone()),
            seconds: 0.0,
        };
        // Heads of duplicate groups decided in this run, before they are readable from storage.
        let mut heads: HashMap<i64, String> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let inputs = self.read().store().triage_inputs(chunk)?;
            let currents =
                inputs.iter().map(|a| self.read().store().current_decisions(a.id)).collect::<Result<Vec<_>, _>>()?;
            let digests: Vec<String> = inputs.iter().map(|a| inputs_digest(a, None)).collect();
            // Only texts the model in force has not judged on these same inputs are classified
            // again, so a re-run costs reading, not predicting; a person's category is never re-judged.
            let texts: Vec<Option<&str>> = inputs
                .iter()
                .zip(&currents)
                .zip(&digests)
                .map(|((a, current), digest)| {
                    let judged = match (&classifier, current.iter().find(|d| d.aspect == "category")) {
                        (None, _) => true,
                        (Some(_), Some(d)) if d.basis == BY_PERSON => true,
                        (Some((r, _)), Some(d)) => d.basis == r.name && d.inputs_sha256 == *digest,
                        (Some(_), None) => false,
                    };
                    if judged {
                        None
                    } else {
                        a.text.as_deref()
                    }
                })
                .collect();
            let predictions = match &classifier {
                Some((_, model)) => classify_all(model, &texts),
                None => vec![None; inputs.len()],
            };
            let mut planned: Vec<Planned> = Vec::new();
            let mut requests: Vec<NewTaskRequest> = Vec::new();
            let model_name = classifier.as_ref().map(|(r, _)| r.name.as_str());
            for (((a, prediction), current), digest) in inputs.iter().zip(predictions).zip(&currents).zip(digests) {
                let judged = Judged { current, prediction, model: model_name, inputs: digest };
                self.plan_appeal(a, judged, &mut heads, &mut planned, &mut requests)?;
            }
            report.appeals += inputs.len();
            report.duplicates += planned.iter().filter(|p| p.aspect == "duplicate").count();
            let (decisions, tasks) = self.write_triage(&planned, &requests, &report)?;
            report.decisions += decisions;
            report.tasks += tasks;
            progress(report.appeals, ids.len());
        }
        report.seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            target: "ekn::triage",
            appeals = report.appeals,
            decisions = report.decisions,
            tasks = report.tasks,
            seconds = report.seconds,
            "triage done"
        );
        Ok(report)
    }

    /// Decides one appeal's aspects and the SLA tasks it lacks.
    fn plan_appeal(
        &self,
        a: &TriageInput,
        judged: Judged<'_>,
        heads: &mut HashMap<i64, String>,
        planned: &mut Vec<Planned>,
        requests: &mut Vec<NewTaskRequest>,
    ) -> Result<(), ApiError> {
        let Judged { current, prediction, model: model_name, inputs } = judged;
        let in_force = |aspect: &str| current.iter().find(|d| d.aspect == aspect);
        // Category: the model's view is stored even when a label or a person decides, so the card
        // can show where they disagree — but never on top of a person's correction.
        if let (Some(p), Some(model)) = (&prediction, model_name) {
            let decision = Planned {
                appeal_id: a.id,
                aspect: "category",
                value: Some(p.category.clone()),
                confidence: Some(p.confidence),
                basis: model.to_string(),
                inputs: inputs.clone(),
                explanation: crate::api::json_text(p),
            };
            let by_person = in_force("category").is_some_and(|d| d.basis == BY_PERSON);
            if !by_person && !unchanged(in_force("category"), &decision) {
                planned.push(decision);
            }
        }
        let (category, source) =
            category_in_force(a.label.as_deref(), current, prediction.as_ref().map(|p| p.category.as_str()));
        let code = category.as_deref().and_then(|c| Taxonomy::builtin().resolve(c)).map(|c| c.code.clone());

        let rules = PriorityRules::builtin();
        let fired = rules.judge_appeal(a.text.as_deref().unwrap_or(""), a.applicant_category.as_deref(), received(a));
        let points = fired.iter().map(|f| f.points).sum();
        let level = rules.level(points).code.clone();
        let decision = Planned {
            appeal_id: a.id,
            aspect: "priority",
            value: Some(level.clone()),
            confidence: None,
            basis: rules.version.clone(),
            inputs: inputs.clone(),
            explanation: crate::api::json_text(&PriorityExplanation { rules: fired, points, level }),
        };
        if !unchanged(in_force("priority"), &decision) {
            planned.push(decision);
        }

        let routing = RoutingTable::builtin();
        let route = routing.route(code.as_deref(), a.kato.as_deref());
        let route_inputs = inputs_digest(a, category.as_deref());
        let decision = Planned {
            appeal_id: a.id,
            aspect: "route",
            value: Some(route.unit.clone()),
            confidence: None,
            basis: routing.version.clone(),
            inputs: route_inputs,
            explanation: crate::api::json_text(&RouteExplanation {
                route: route.clone(),
                category: category.clone(),
                category_code: code.clone(),
                category_source: source,
            }),
        };
        let route_by_person = in_force("route").is_some_and(|d| d.basis == BY_PERSON);
        if !route_by_person && !unchanged(in_force("route"), &decision) {
            planned.push(decision);
        }

        let duplicate = self.duplicate_of(a, heads)?;
        // A repeat is considered with the first appeal of its group: it gets no SLA of its own.
        let repeats_another = duplicate.is_some() || in_force("duplicate").is_some_and(|d| d.value.is_some());
        if let Some(d) = duplicate {
            if !unchanged(in_force("duplicate"), &d) {
                planned.push(d);
            }
        }

        if a.open && !repeats_another {
            let tasks = self.read().store().appeal_tasks(a.id)?;
            let has = |kind: TaskKind| tasks.iter().any(|t| t.kind == kind.code());
            let unit_id = match in_force("route").filter(|d| d.basis == BY_PERSON) {
                Some(d) => d.value.clone().unwrap_or_else(|| route.unit.clone()),
                None => route.unit.clone(),
            };
            let unit = routing.unit(&unit_id).map_or(unit_id.clone(), |u| u.name_ru.clone());
            let norms = &crate::domain::procedure::Procedure::builtin().norms;
            let request = |kind: TaskKind, norm: &str| NewTaskRequest {
                kind,
                title: None,
                subject_bin: None,
                appeal_no: Some(a.appeal_no.clone()),
                assignee: UNASSIGNED.into(),
                unit: unit.clone(),
                norm: Some(norm.into()),
                period: None,
                event_date: None,
                depends_on: vec![],
            };
            if route.forward_to.is_some() && !has(TaskKind::ForwardAppeal) {
                requests.push(request(TaskKind::ForwardAppeal, &norms.appeal_forwarding));
            }
            if !has(TaskKind::ConsiderAppeal) {
                requests.push(request(TaskKind::ConsiderAppeal, &norms.appeal_consideration));
            }
        }
        Ok(())
    }

    /// The duplicate decision of an appeal: the nearest earlier appeal of the same applicant or
    /// about the same object within the window whose fingerprint is near, and the head of its group.
    fn duplicate_of(&self, a: &TriageInput, heads: &mut HashMap<i64, String>) -> Result<Option<Planned>, ApiError> {
        let Some(own) = a.simhash.map(|h| h as u64) else { return Ok(None) };
        let short = a.text.as_deref().map_or(0, |t| t.split_whitespace().count()) < duplicates::MIN_WORDS;
        let candidates = self.read().store().duplicate_candidates(a, DUPLICATE_WINDOW_DAYS)?;
        let earlier = candidates.into_iter().filter(|c| (c.received.as_str(), c.id) < (a.received.as_str(), a.id));
        let nearest = earlier
            .filter_map(|c| {
                let d = duplicates::distance(own, c.simhash? as u64);
                let near = if short { d == 0 } else { d <= duplicates::MAX_DISTANCE };
                near.then_some((d, c))
            })
            .min_by_key(|(d, c)| (*d, std::cmp::Reverse(c.received.clone())));
        let Some((distance, c)) = nearest else { return Ok(None) };
        let head = match heads.get(&c.id) {
            Some(h) => h.clone(),
            None => self
                .read()
                .store()
                .current_decisions(c.id)?
                .into_iter()
                .find(|d| d.aspect == "duplicate")
                .and_then(|d| d.value)
                .unwrap_or_else(|| c.appeal_no.clone()),
        };
        heads.insert(a.id, head.clone());
        Ok(Some(Planned {
            appeal_id: a.id,
            aspect: "duplicate",
            value: Some(head),
            confidence: Some(duplicates::similarity(own, c.simhash.unwrap_or_default() as u64)),
            basis: duplicates::METHOD.into(),
            inputs: inputs_digest(a, Some(&c.appeal_no)),
            explanation: crate::api::json_text(&DuplicateExplanation {
                nearest: c.appeal_no.clone(),
                distance,
                same_applicant: c.same_applicant,
                same_object: !c.same_applicant,
                method: duplicates::METHOD.into(),
                max_distance: duplicates::MAX_DISTANCE,
                window_days: DUPLICATE_WINDOW_DAYS,
            }),
        }))
    }

    /// Writes one chunk's decisions and tasks with its journal entry.
    fn write_triage(
        &mut self,
        planned: &[Planned],
        requests: &[NewTaskRequest],
        report: &TriageReport,
    ) -> Result<(usize, usize), ApiError> {
        if planned.is_empty() && requests.is_empty() {
            return Ok((0, 0));
        }
        let plans = requests.iter().map(|r| self.read().plan_task(r)).collect::<Result<Vec<_>, _>>()?;
        let appeals = planned.iter().map(|p| p.appeal_id).collect::<std::collections::HashSet<_>>().len();
        let model = report.model.clone();
        let written = self.journal().run(|w| {
            let mut first = i64::MAX;
            for p in planned {
                let id = w.insert_decision(&NewDecision {
                    appeal_id: p.appeal_id,
                    aspect: p.aspect,
                    value: p.value.as_deref(),
                    confidence: p.confidence,
                    basis: &p.basis,
                    inputs_sha256: &p.inputs,
                    explanation: &p.explanation,
                    reason: None,
                })?;
                first = first.min(id);
            }
            let mut tasks = 0;
            for plan in &plans {
                tasks += crate::api::tasks::write_task(w, plan)?.len();
            }
            let state = w.decisions_state(first)?;
            let entry = Entry::AppealsTriaged {
                appeals,
                decisions: planned.len(),
                tasks,
                model,
                taxonomy: Taxonomy::builtin().version.clone(),
                priority_rules: PriorityRules::builtin().version.clone(),
                routing: RoutingTable::builtin().version.clone(),
                duplicates_method: duplicates::METHOD.into(),
                tables: vec![state.clone()],
            };
            // The digest is the state just computed from the new rows: recomputing the whole
            // table for every chunk would make a large run quadratic.
            w.append_with_digest(&entry, About::default(), Some(decisions_record()), Some(state.digest))?;
            Ok((planned.len(), tasks))
        })?;
        Ok(written)
    }

    /// A person's correction of an appeal's category or route,
    /// with a reason; the route follows a corrected category unless a person set it too.
    pub fn correct(
        &mut self,
        appeal_no: &str,
        aspect: CorrectionAspect,
        to: &str,
        reason: &str,
    ) -> Result<Vec<StoredDecision>, ApiError> {
        let kind = aspect;
        let aspect = kind.code();
        crate::api::checked_reason(reason, &format!("a correction of the {aspect}"))?;
        let to = to.trim();
        if to.is_empty() || to.chars().count() > 200 {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("the new {aspect} must be 1 to 200 characters"),
            ));
        }
        let a = self
            .read()
            .store()
            .triage_input(appeal_no.trim())?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no appeal {}", appeal_no.trim())))?;
        let routing = RoutingTable::builtin();
        let value = match kind {
            CorrectionAspect::Category => to.to_string(),
            CorrectionAspect::Route => match routing.units.iter().find(|u| {
                [&u.id, &u.name_ru, &u.name_kk, &u.name_en].iter().any(|n| n.to_lowercase() == to.to_lowercase())
            }) {
                Some(u) => u.id.clone(),
                None => {
                    let known = routing.units.iter().map(|u| u.id.as_str()).collect::<Vec<_>>().join(", ");
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("'{to}' is not a unit of the routing table ({known})"),
                    ));
                }
            },
        };
        let current = self.read().store().current_decisions(a.id)?;
        let from = match aspect {
            "category" => category_in_force(a.label.as_deref(), &current, None).0,
            _ => current.iter().find(|d| d.aspect == "route").and_then(|d| d.value.clone()),
        };
        let inputs = inputs_digest(&a, Some(&value));
        let explanation = crate::api::json_text(&serde_json::json!({ "from": from, "reason": reason.trim() }));
        // The route follows a corrected category, unless a person chose the route.
        let reroute = (aspect == "category" && !current.iter().any(|d| d.aspect == "route" && d.basis == BY_PERSON))
            .then(|| {
                let code = Taxonomy::builtin().resolve(&value).map(|c| c.code.clone());
                let route = routing.route(code.as_deref(), a.kato.as_deref());
                let explanation = crate::api::json_text(&RouteExplanation {
                    route: route.clone(),
                    category: Some(value.clone()),
                    category_code: code,
                    category_source: CategorySource::Person,
                });
                (route.unit, explanation)
            })
            .filter(|(unit, _)| {
                current.iter().find(|d| d.aspect == "route").and_then(|d| d.value.as_ref()) != Some(unit)
            });
        let entry_from = from.clone();
        self.journal().run(|w| {
            let first = w.insert_decision(&NewDecision {
                appeal_id: a.id,
                aspect: if aspect == "category" { "category" } else { "route" },
                value: Some(&value),
                confidence: None,
                basis: BY_PERSON,
                inputs_sha256: &inputs,
                explanation: &explanation,
                reason: Some(reason.trim()),
            })?;
            if let Some((unit, explanation)) = &reroute {
                w.insert_decision(&NewDecision {
                    appeal_id: a.id,
                    aspect: "route",
                    value: Some(unit),
                    confidence: None,
                    basis: &routing.version,
                    inputs_sha256: &inputs,
                    explanation,
                    reason: None,
                })?;
            }
            let state = w.decisions_state(first)?;
            let entry = Entry::AppealCorrected {
                appeal_no: a.appeal_no.clone(),
                aspect: aspect.to_string(),
                from: entry_from,
                to: value.clone(),
                reason: reason.trim().to_string(),
                tables: vec![state.clone()],
            };
            let about = About { subject_bin: a.subject_bin.clone(), appeal_no: Some(a.appeal_no.clone()) };
            w.append_with_digest(&entry, about, Some(decisions_record()), Some(state.digest))?;
            Ok(())
        })?;
        Ok(self.read().store().decision_history(a.id)?)
    }
}

fn received(a: &TriageInput) -> chrono::NaiveDate {
    a.received.parse().unwrap_or_default()
}

fn decisions_record() -> RecordRef {
    RecordRef::Table(crate::store::triage::DECISIONS.into())
}

#[cfg(test)]
mod tests {
    use super::classify_with;

    #[test]
    fn every_text_keeps_its_own_prediction() {
        let texts = [Some("a"), None, Some("bb"), Some("ccc"), None];
        assert_eq!(classify_with(&texts, str::len), vec![Some(1), None, Some(2), Some(3), None]);
    }

    #[test]
    fn a_panic_while_classifying_fails_the_run_instead_of_shifting_predictions() {
        let texts = [Some("ok"), Some("boom"), Some("ok"), Some("ok")];
        let run = std::panic::catch_unwind(|| {
            classify_with(&texts, |t| {
                assert_ne!(t, "boom", "a fault inside the model");
                t.len()
            })
        });
        assert!(run.is_err(), "the run fails; it never returns the second half's predictions for the first half");
    }
}
