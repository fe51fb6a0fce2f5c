//! Scoring a plan of upcoming inspections with the local risk model, fast enough for a plan of
//! 200,000 rows. The registry replayed for the model (what is known about every object and body
//! today) and the index of similar past cases are built once per data version and model and kept
//! by the session (`RiskContext`); the plan's own earlier rows are laid on top of that history
//! without copying it (`risk::Added`). Rows are ranked on their probabilities alone; the words,
//! similar cases and checks of a row are made only when the row is handed out, most likely first,
//! to a `PlanSink` — a list for the UI and the text view, a stream for `ekn risk score --json`.

use super::Analytics;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use crate::analytics::risk::{Added, History, RawFeatures, RiskModel, Visit};
use crate::analytics::similar::SimilarIndex;
use crate::api::analytics::risk::{
    base_rate, check_signals, checks, checks_for, hypothesis_note, level, similar_cases, TOP_CONTRIBUTIONS,
};
use crate::api::analytics::words::in_words;
use crate::api::{ApiError, CheckView, PlanScore, PlanTimings, ScoredRow};
use crate::domain::facts::{day_of, district_of, Registry};
use crate::domain::records::InspectionKind;
use crate::ingest::plan::{read_plan, read_plan_bytes, PlanFile};
use crate::store::ModelRecord;

/// The registry replayed for one model version: what the model knows about every object and body
/// as of the newest inspection, the similar-case index, and codes to find objects and bodies by.
pub(in crate::api) struct RiskContext {
    pub registry: Arc<Registry>,
    pub history: History,
    pub index: SimilarIndex,
    pub subject_codes: HashMap<String, u32>,
    pub body_codes: HashMap<String, u32>,
    /// Per object: the index of its newest inspection in the registry, if it has one.
    pub newest_inspection: Vec<Option<u32>>,
}

/// Where a scored plan's rows go, most likely first.
pub trait PlanSink {
    /// The plan's figures, before any row (`rows` empty, `rows_total` set).
    fn header(&mut self, header: &PlanScore) -> Result<(), ApiError>;
    /// One row, in rank order. Returns false when no more rows are wanted.
    fn row(&mut self, row: ScoredRow) -> Result<bool, ApiError>;
}

/// Collects the rows handed out into the plan score.
#[derive(Default)]
struct Collected(Option<PlanScore>);

impl PlanSink for Collected {
    fn header(&mut self, header: &PlanScore) -> Result<(), ApiError> {
        self.0 = Some(header.clone());
        Ok(())
    }

    fn row(&mut self, row: ScoredRow) -> Result<bool, ApiError> {
        if let Some(score) = self.0.as_mut() {
            score.rows.push(row);
        }
        Ok(true)
    }
}

/// One plan row, ranked before it is put in words.
struct Ranked {
    row: usize,
    visit: Visit,
    raw: RawFeatures,
    probability: f64,
}

impl Analytics<'_> {
    /// The registry replayed for `record`'s model, built once per data version and model version.
    pub(in crate::api) fn risk_context(
        &self,
        record: &ModelRecord,
        model: &RiskModel,
    ) -> Result<Rc<RiskContext>, ApiError> {
        let key = format!("{}|{}", self.read().store().analytics_version()?, record.name);
        if let Some((k, context)) = self.read().memo().risk.borrow().as_ref() {
            if *k == key {
                return Ok(context.clone());
            }
        }
        let registry = self.read().analytics_registry()?;
        let mut history = History::new(&registry, &model.params);
        history.replay(&registry, |_, _, _| {});
        let mut newest_inspection = vec![None; registry.subjects.len()];
        for (i, fact) in registry.inspections.iter().enumerate() {
            if let Some(slot) = newest_inspection.get_mut(fact.subject as usize) {
                *slot = Some(i as u32);
            }
        }
        let context = Rc::new(RiskContext {
            index: SimilarIndex::new(&registry),
            subject_codes: registry.subjects.iter().enumerate().map(|(i, s)| (s.bin.clone(), i as u32)).collect(),
            body_codes: registry.bodies.iter().enumerate().map(|(i, b)| (b.clone(), i as u32)).collect(),
            newest_inspection,
            history,
            registry,
        });
        *self.read().memo().risk.borrow_mut() = Some((key, context.clone()));
        Ok(context)
    }

    /// Scores a plan file of upcoming inspections; the `top` rows (all when None) come with their
    /// reasons, most likely first.
    pub fn score_plan(&mut self, file: &Path, top: Option<usize>) -> Result<PlanScore, ApiError> {
        let mut collected = Collected::default();
        self.score_plan_into(file, top, &mut collected)?;
        Ok(collected.0.expect("a scored plan hands out its header"))
    }

    /// Scores a plan uploaded through the UI.
    pub fn score_plan_bytes(
        &mut self,
        name: &str,
        bytes: Arc<[u8]>,
        top: Option<usize>,
    ) -> Result<PlanScore, ApiError> {
        let started = Instant::now();
        let plan = read_plan_bytes(name, bytes)?;
        let mut collected = Collected::default();
        self.score_plan_file(plan, started, top, &mut collected)?;
        Ok(collected.0.expect("a scored plan hands out its header"))
    }

    /// Scores a plan file and hands its rows to `sink` one by one (`ekn risk score --json` streams
    /// them, so a plan of any size needs no more memory than its rows' numbers).
    pub fn score_plan_into(
        &mut self,
        file: &Path,
        top: Option<usize>,
        sink: &mut dyn PlanSink,
    ) -> Result<(), ApiError> {
        let started = Instant::now();
        let plan = read_plan(file)?;
        self.score_plan_file(plan, started, top, sink)
    }

    /// Ranks `plan` (read since `started`) and hands out its `top` rows.
    fn score_plan_file(
        &mut self,
        plan: PlanFile,
        started: Instant,
        top: Option<usize>,
        sink: &mut dyn PlanSink,
    ) -> Result<(), ApiError> {
        let read = started.elapsed().as_secs_f64();
        let (record, model) = self.read().risk_model(None)?;
        let context = self.risk_context(&record, &model)?;
        let history = started.elapsed().as_secs_f64() - read;
        let registry = &context.registry;
        // Objects and bodies the registry does not know get fresh codes after its own.
        let mut bodies: Vec<String> = registry.bodies.clone();
        let mut new_bodies: HashMap<String, u32> = HashMap::new();
        let mut new_subjects: HashMap<String, u32> = HashMap::new();
        let visits: Vec<Visit> = plan
            .rows
            .iter()
            .map(|(_, row)| {
                let bin = row.subject.id.as_str();
                let subject = match context.subject_codes.get(bin) {
                    Some(&code) => code,
                    None => {
                        let next = (registry.subjects.len() + new_subjects.len()) as u32;
                        *new_subjects.entry(bin.to_string()).or_insert(next)
                    }
                };
                let body = match context.body_codes.get(&row.control_body).or(new_bodies.get(&row.control_body)) {
                    Some(&code) => code,
                    None => {
                        bodies.push(row.control_body.clone());
                        new_bodies.insert(row.control_body.clone(), bodies.len() as u32 - 1);
                        bodies.len() as u32 - 1
                    }
                };
                let kato = row.subject.kato.as_ref().map(|k| k.code.as_str());
                Visit {
                    subject,
                    body,
                    kind: row.kind,
                    day: day_of(row.start_date),
                    district: kato.and_then(district_of),
                    region: kato.and_then(|k| k.get(..2)).and_then(|r| r.parse().ok()),
                    oked_section: row.subject.oked.as_ref().map(|o| o.section as u8),
                }
            })
            .collect();
        // The plan's earlier rows count as visits for its later ones: features in date order.
        let mut order: Vec<usize> = (0..visits.len()).collect();
        order.sort_by_key(|&i| (visits[i].day, i));
        let bound = model.bind(&bodies);
        let mut added = Added::default();
        let mut ranked: Vec<Ranked> = order
            .into_iter()
            .map(|i| {
                let raw = context.history.features_with(&visits[i], &added);
                added.record_visit(&visits[i]);
                Ranked { row: i, visit: visits[i], raw, probability: bound.probability(&raw) }
            })
            .collect();
        ranked.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.row.cmp(&b.row)));
        let seconds = started.elapsed().as_secs_f64();
        let wanted = top.map_or(ranked.len(), |t| t.min(ranked.len()));
        let inputs = format!("{}:{}", plan.sha256, record.arrays_sha256);
        let purpose = format!("plan scored: {}", plan.file);
        self.log_predictions(&record.name, &purpose, wanted, &crate::api::sha256_hex(inputs.as_bytes()), None)?;
        let base = base_rate(&model);
        sink.header(&PlanScore {
            model: record.name.clone(),
            target: model.target,
            file: plan.file.clone(),
            sha256: plan.sha256.clone(),
            base_rate: base,
            rows_total: ranked.len(),
            checks_version: checks().version.clone(),
            note: hypothesis_note(),
            seconds,
            timings: PlanTimings { read, history, ranking: seconds - read - history },
            rows: Vec::new(),
        })?;
        // The checks depend only on the kind and three signals: made once per combination.
        let mut norms: HashMap<(InspectionKind, [bool; 3]), Vec<CheckView>> = HashMap::new();
        for r in ranked.iter().take(wanted) {
            let (line, row) = &plan.rows[r.row];
            let relative = r.probability / base.max(1e-9);
            let signals = check_signals(&r.raw);
            let scored = ScoredRow {
                line: *line,
                registry_no: row.registry_no.clone(),
                subject_bin: row.subject.id.as_str().to_string(),
                control_body: row.control_body.clone(),
                kind: row.kind,
                start_date: row.start_date,
                probability: r.probability,
                relative_risk: relative,
                level: level(relative).into(),
                contributions: bound
                    .contributions(&r.raw, &bodies)
                    .iter()
                    .take(TOP_CONTRIBUTIONS)
                    .map(in_words)
                    .collect(),
                similar: similar_cases(&context.index, registry, &r.visit, &bodies),
                norms: norms
                    .entry((r.visit.kind, signals))
                    .or_insert_with(|| checks_for(r.visit.kind, signals))
                    .clone(),
            };
            if !sink.row(scored)? {
                break;
            }
        }
        Ok(())
    }
}
