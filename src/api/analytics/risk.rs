//! The local risk model's use cases: train a version on the registry in the database (held-out
//! figures on the most recent period first, then refitted on everything, registered with the
//! digest of the imports it used — journaled), score a plan of upcoming inspections, explain an
//! object's risk beside the imported external scores (never mixed), and let a person override the
//! local estimate with a reason. Every prediction shown or exported is journaled
//! (`predictions_made`: model version, purpose, count, digest of the inputs). Outputs concern
//! organisations and the practices of control bodies, never citizens; each says it is a
//! hypothesis to verify by procedural means.

use super::Analytics;
use std::path::Path;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analytics::risk::{self, RawFeatures, RiskMetrics, RiskModel, RiskParams, Target, Visit};
use crate::analytics::similar::SimilarIndex;
use crate::api::analytics::words::{in_words, kind_words};
use crate::api::session::handles::Read;
use crate::api::{ApiError, ErrorCode};
use crate::domain::card::RiskView;
use crate::domain::facts::{date_of, day_of, Registry};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::Localized;
use crate::domain::records::InspectionKind;
use crate::store::About;
use crate::store::{ModelRecord, NewModel, NewReview, Review};

/// The kind of model in the registry, and the prefix of its version names.
pub const RISK_MODEL: &str = "risk_model";
const NAME_PREFIX: &str = "risk";
/// How many contributions a scored row names.
pub(in crate::api) const TOP_CONTRIBUTIONS: usize = 5;
/// How many similar past cases a scored row names.
const SIMILAR: usize = 3;

/// The sentence every risk output carries.
pub fn hypothesis_note() -> Localized {
    Localized {
        ru: "Оценка локальной модели — гипотеза и приоритет для проверки процессуальными средствами, а не вывод о нарушении. Она относится к организациям и практике органов контроля, а не к гражданам; «чёрных списков» нет.".into(),
        kk: "Жергілікті модельдің бағасы — процестік құралдармен тексерілетін болжам мен басымдық, бұзушылық туралы қорытынды емес. Ол азаматтарға емес, ұйымдарға және бақылау органдарының тәжірибесіне қатысты; «қара тізімдер» жоқ.".into(),
        en: "The local model's estimate is a hypothesis and a priority to verify by procedural means, not a finding of a breach. It concerns organisations and the practice of control bodies, never citizens; there are no black lists.".into(),
    }
}

/// What training did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskTrainReport {
    pub model: ModelRecord,
    pub metrics: RiskMetrics,
    pub params: RiskParams,
    /// Inspections with a known outcome the model learnt from.
    pub examples: usize,
    pub features: usize,
    pub seconds: f64,
}

/// One contribution, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ContributionView {
    pub feature: String,
    pub value: String,
    /// Added log-odds against the average inspection (positive raises the risk).
    pub effect: f64,
    /// exp(effect): how many times the odds are multiplied.
    pub odds_ratio: f64,
    pub text: Localized,
}

/// A past inspection like the one scored, with its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SimilarCase {
    pub registry_no: String,
    pub date: chrono::NaiveDate,
    pub subject_bin: String,
    pub control_body: String,
    pub kind: InspectionKind,
    /// The same object (and body), rather than the same body, district and kind.
    pub same_object: bool,
    pub violations: u32,
    pub appealed: Option<bool>,
    pub declared_illegal: Option<bool>,
}

/// A person's own assessment of an object's risk, or the withdrawal of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RiskAssessment {
    High,
    Medium,
    Low,
    #[serde(alias = "withdraw")]
    Withdrawn,
}

/// What the prosecutor would check (assets/analytics/checks.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CheckView {
    pub id: String,
    pub text: Localized,
    /// The act and article, or None for the office's practice.
    pub basis: Option<Localized>,
    /// False until the article is checked against the law's text: shown as UNCONFIRMED.
    pub verified: bool,
}

/// One row of a scored plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScoredRow {
    pub line: u64,
    pub registry_no: String,
    pub subject_bin: String,
    pub control_body: String,
    pub kind: InspectionKind,
    pub start_date: chrono::NaiveDate,
    pub probability: f64,
    /// probability / the training base rate.
    pub relative_risk: f64,
    /// `high` (at least twice the base rate), `medium` (at least 1.25 times), `low`.
    pub level: String,
    pub contributions: Vec<ContributionView>,
    pub similar: Vec<SimilarCase>,
    pub norms: Vec<CheckView>,
}

/// A scored plan, most likely to go wrong first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlanScore {
    pub model: String,
    pub target: Target,
    pub file: String,
    pub sha256: String,
    pub base_rate: f64,
    /// How many rows the plan has; `rows` holds the first of them by rank (all, unless fewer
    /// were asked for).
    pub rows_total: usize,
    pub checks_version: String,
    pub note: Localized,
    /// Reading the plan and ranking its rows, all told (`timings` splits it).
    pub seconds: f64,
    pub timings: PlanTimings,
    /// Most likely first. Last, so that `ekn risk score --json` can stream them.
    pub rows: Vec<ScoredRow>,
}

/// Where a plan's scoring spent its time, in seconds (docs/PERFORMANCE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlanTimings {
    /// Reading and checking the plan file.
    pub read: f64,
    /// Reading the registry and replaying it for the model: once per data and model version in a
    /// session, 0 when already done.
    pub history: f64,
    /// Every row's features (the plan's earlier rows seen by its later ones) and probability, and
    /// the ranking.
    pub ranking: f64,
}

/// The local model's view of one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LocalRisk {
    pub model: String,
    pub target: Target,
    pub probability: f64,
    pub relative_risk: f64,
    pub level: String,
    pub base_rate: f64,
    /// The visit the estimate is for (the body that visited last, the kind it used, today).
    pub assumed: Localized,
    pub contributions: Vec<ContributionView>,
    pub similar: Vec<SimilarCase>,
    pub norms: Vec<CheckView>,
}

/// An object's risk: the local estimate beside the imported scores, never mixed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RiskExplanation {
    pub subject_bin: String,
    pub name: Option<String>,
    pub local: Option<LocalRisk>,
    /// Why there is no local estimate (no model trained, no inspection to go by).
    pub local_missing: Option<Localized>,
    pub external: Vec<RiskView>,
    /// A person's override in force, if any.
    pub overridden: Option<Review>,
    pub note: Localized,
}

#[derive(Debug, Clone, Deserialize)]
pub(in crate::api) struct ChecksFile {
    pub version: String,
    checks: Vec<CheckItem>,
}

#[derive(Debug, Clone, Deserialize)]
struct CheckItem {
    id: String,
    applies: Applies,
    text_ru: String,
    text_kk: String,
    text_en: String,
    basis: Option<CheckBasis>,
    verified: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct Applies {
    kinds: Vec<String>,
    signal: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct CheckBasis {
    act_ru: String,
    act_kk: String,
    act_en: String,
    article: Option<String>,
}

pub(in crate::api) fn checks() -> &'static ChecksFile {
    static FILE: std::sync::OnceLock<ChecksFile> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        serde_json::from_str(include_str!("../../../assets/analytics/checks.json"))
            .expect("assets/analytics/checks.json is valid (tested)")
    })
}

/// The signals a check may depend on: a recent visit of the same body, satisfied appeals about
/// the object, earlier inspections of it declared illegal.
pub(in crate::api) fn check_signals(raw: &RawFeatures) -> [bool; 3] {
    [raw.numbers[1] > 0.0, raw.numbers[4] > 0.0, raw.numbers[6] > 0.0]
}

/// The checks that apply to a visit of `kind` with these signals (`check_signals`).
pub(in crate::api) fn checks_for(kind: InspectionKind, signals: [bool; 3]) -> Vec<CheckView> {
    let [recent_visit, satisfied_appeals, prior_illegal] = signals;
    checks()
        .checks
        .iter()
        .filter(|c| c.applies.kinds.iter().any(|k| k == kind.code()))
        .filter(|c| match c.applies.signal.as_deref() {
            None => true,
            Some("recent_visit_same_body") => recent_visit,
            Some("satisfied_appeals") => satisfied_appeals,
            Some("prior_illegal") => prior_illegal,
            Some(_) => false,
        })
        .map(|c| CheckView {
            id: c.id.clone(),
            text: Localized { ru: c.text_ru.clone(), kk: c.text_kk.clone(), en: c.text_en.clone() },
            basis: c.basis.as_ref().map(|b| {
                let article = |word: &str| b.article.as_ref().map_or(String::new(), |a| format!(", {word} {a}"));
                Localized {
                    ru: format!("{}{}", b.act_ru, article("ст.")),
                    kk: format!("{}{}", b.act_kk, article("бап")),
                    en: format!("{}{}", b.act_en, article("art.")),
                }
            }),
            verified: c.verified,
        })
        .collect()
}

pub(in crate::api) fn level(relative: f64) -> &'static str {
    if relative >= 2.0 {
        "high"
    } else if relative >= 1.25 {
        "medium"
    } else {
        "low"
    }
}

pub(in crate::api) fn base_rate(model: &RiskModel) -> f64 {
    crate::analytics::logistic::sigmoid(model.base_logit)
}

/// The most recent past inspections like `visit` (`analytics::similar`), as the faces show them.
pub(in crate::api) fn similar_cases(
    index: &SimilarIndex,
    registry: &Registry,
    visit: &Visit,
    bodies: &[String],
) -> Vec<SimilarCase> {
    index
        .pick(registry, visit, SIMILAR)
        .into_iter()
        .map(|(i, same_object)| {
            let f = &registry.inspections[i];
            SimilarCase {
                registry_no: f.registry_no.to_string(),
                date: date_of(f.day),
                subject_bin: registry.subjects.get(f.subject as usize).map(|s| s.bin.clone()).unwrap_or_default(),
                control_body: bodies.get(f.body as usize).cloned().unwrap_or_default(),
                kind: f.kind,
                same_object,
                violations: f.violations,
                appealed: f.appealed,
                declared_illegal: f.declared_illegal,
            }
        })
        .collect()
}

/// The digest of the imports a registry was read from: a model names the data it learnt from.
pub(in crate::api) fn registry_digest(registry: &Registry) -> String {
    let mut h = Sha256::new();
    for (id, sha) in &registry.imports {
        h.update(id.to_le_bytes());
        h.update(sha.as_bytes());
    }
    h.update((registry.inspections.len() as u64).to_le_bytes());
    hex::encode(h.finalize())
}

impl Analytics<'_> {
    /// Trains and registers a new version of the risk model on the registry in the database.
    pub fn train_risk_model(
        &mut self,
        target: Target,
        params: &RiskParams,
        progress: &dyn Fn(crate::analytics::Step),
    ) -> Result<RiskTrainReport, ApiError> {
        self.train_risk_model_on(target, params, progress, None)
    }

    /// Trains and registers a version; `data_note` is added to the data's description (the demo
    /// says its data are generated, and the passport repeats it).
    pub(in crate::api) fn train_risk_model_on(
        &mut self,
        target: Target,
        params: &RiskParams,
        progress: &dyn Fn(crate::analytics::Step),
        data_note: Option<&str>,
    ) -> Result<RiskTrainReport, ApiError> {
        let started = std::time::Instant::now();
        progress(crate::analytics::Step::new("reading_registry"));
        let registry = self.read().analytics_registry()?;
        let trained = risk::train(&registry, target, params, progress)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("risk model ({}): {e}", target.code())))?;
        let arrays =
            serde_json::to_vec(&trained.model).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let arrays_sha256 = crate::api::sha256_hex(&arrays);
        let data_sha256 = registry_digest(&registry);
        let features: Vec<String> =
            risk::NUMERIC.iter().chain(risk::CATEGORICAL.iter()).map(|s| s.to_string()).collect();
        let data_file = format!(
            "the database's registry: {} inspection(s) from {} import(s){}",
            registry.inspections.len(),
            registry.imports.len(),
            data_note.map_or(String::new(), |note| format!(" ({note})"))
        );
        let new = NewModel {
            kind: RISK_MODEL,
            data_file: &data_file,
            data_sha256: &data_sha256,
            texts: trained.examples as i64,
            classes: crate::api::json_text(&features),
            params: crate::api::json_text(params),
            metrics: crate::api::json_text(&trained.metrics),
            temperature: 1.0,
            c: params.c,
            char_weight: 0.0,
            arrays: &arrays,
            arrays_sha256: &arrays_sha256,
        };
        let (auc, brier) = (trained.metrics.auc.unwrap_or(f64::NAN), trained.metrics.brier);
        let id = self.journal().run(|w| {
            let (id, name) = w.put_model(NAME_PREFIX, &new)?;
            let entry = Entry::RiskModelTrained {
                model: name,
                target: target.code().into(),
                data_sha256: data_sha256.clone(),
                examples: trained.examples,
                auc,
                brier,
                arrays_sha256: arrays_sha256.clone(),
            };
            w.append(&entry, About::default(), Some(RecordRef::Model(id)))?;
            Ok(id)
        })?;
        let record = self.kernel.lend().appeals().model_record(id)?;
        Ok(RiskTrainReport {
            model: record,
            metrics: trained.metrics,
            params: params.clone(),
            examples: trained.examples,
            features: trained.model.dimension(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Writes the examples the risk model trains on (time split, label, features) to `path` as
    /// CSV, for refitting them with another tool. Object codes only, no names or BINs.
    pub fn export_risk_examples(&self, target: Target, path: &Path) -> Result<usize, ApiError> {
        let registry = self.read().analytics_registry()?;
        let params = RiskParams::default();
        let examples = risk::examples(&registry, target, &params);
        let cut = risk::time_split(&examples, params.holdout_share);
        write_examples(&examples, cut, path)?;
        self.read().logged().export(None, &format!("risk examples ({} rows, {target:?})", examples.labels.len()))?;
        Ok(examples.labels.len())
    }

    pub(in crate::api) fn log_predictions(
        &mut self,
        model: &str,
        purpose: &str,
        rows: usize,
        inputs_sha256: &str,
        bin: Option<&str>,
    ) -> Result<(), ApiError> {
        let entry = Entry::PredictionsMade {
            model: model.to_string(),
            purpose: purpose.to_string(),
            rows,
            inputs_sha256: inputs_sha256.to_string(),
        };
        self.journal().run(|w| {
            w.append(&entry, About { subject_bin: bin.map(str::to_string), appeal_no: None }, None)?;
            Ok(())
        })
    }

    /// An object's risk: the local model's estimate for its next inspection (by the body that
    /// visited last, of the kind it used, today), with reasons, similar cases and checks, beside
    /// the imported external scores.
    pub fn explain_risk(&mut self, bin: &str) -> Result<RiskExplanation, ApiError> {
        let card = self.kernel.lend().registry().card(bin)?;
        let bin = card.subject.bin.clone();
        let overridden = self.risk_override(&bin)?;
        let mut explanation = RiskExplanation {
            subject_bin: bin.clone(),
            name: card.subject.name.clone(),
            local: None,
            local_missing: None,
            external: card.risk.clone(),
            overridden,
            note: hypothesis_note(),
        };
        let (record, model) = match self.read().risk_model(None) {
            Ok(found) => found,
            Err(e) if e.code == ErrorCode::NotFound => {
                explanation.local_missing = Some(Localized {
                    ru: "Локальная модель риска ещё не обучена (ekn risk train или «Аналитика»).".into(),
                    kk: "Жергілікті тәуекел моделі әлі оқытылмаған (ekn risk train немесе «Талдау»).".into(),
                    en: "No local risk model has been trained yet (ekn risk train, or Analytics).".into(),
                });
                return Ok(explanation);
            }
            Err(e) => return Err(e),
        };
        let context = self.risk_context(&record, &model)?;
        let registry = &context.registry;
        let Some(&subject) = context.subject_codes.get(&bin) else {
            return Ok(explanation);
        };
        let Some(last) = context.newest_inspection[subject as usize].map(|i| &registry.inspections[i as usize]) else {
            explanation.local_missing = Some(Localized {
                ru: "У объекта нет проверок в реестре: оценивать следующую не по чему.".into(),
                kk: "Объектінің тізілімде тексерулері жоқ: келесісін бағалауға негіз жоқ.".into(),
                en: "The object has no inspections in the registry: there is nothing to judge its next one by.".into(),
            });
            return Ok(explanation);
        };
        let today = self.read().today();
        let visit = Visit { day: day_of(today).max(last.day + 1), ..Visit::of(last) };
        let raw = context.history.features(&visit);
        let bound = model.bind(&registry.bodies);
        let probability = bound.probability(&raw);
        let base = base_rate(&model);
        let relative = probability / base.max(1e-9);
        let body = registry.bodies.get(visit.body as usize).cloned().unwrap_or_default();
        let (k_ru, k_kk, k_en) = kind_words(visit.kind.code());
        let contributions: Vec<ContributionView> =
            bound.contributions(&raw, &registry.bodies).iter().take(TOP_CONTRIBUTIONS + 1).map(in_words).collect();
        let digest = {
            let mut h = Sha256::new();
            h.update(record.arrays_sha256.as_bytes());
            h.update(bin.as_bytes());
            h.update(format!("{raw:?}").as_bytes());
            hex::encode(h.finalize())
        };
        self.log_predictions(&record.name, "object risk explained", 1, &digest, Some(&bin))?;
        explanation.local = Some(LocalRisk {
            model: record.name,
            target: model.target,
            probability,
            relative_risk: relative,
            level: level(relative).into(),
            base_rate: base,
            assumed: Localized {
                ru: format!("Следующая проверка вида «{k_ru}» органом «{body}» на {}", today.format("%d.%m.%Y")),
                kk: format!("«{body}» органының «{k_kk}» түріндегі келесі тексеруі, {}", today.format("%d.%m.%Y")),
                en: format!("The next {k_en} inspection by “{body}”, on {}", today.format("%d.%m.%Y")),
            },
            contributions,
            similar: similar_cases(&context.index, registry, &visit, &registry.bodies),
            norms: checks_for(visit.kind, check_signals(&raw)),
        });
        Ok(explanation)
    }

    /// The override of an object's local risk estimate in force, if any.
    fn risk_override(&self, bin: &str) -> Result<Option<Review>, ApiError> {
        let last = self.read().store().reviews("risk")?.into_iter().rev().find(|r| r.key == bin);
        Ok(last.filter(|r| r.action == "override"))
    }

    /// A person overrides the local estimate of an object with their own assessment (`high`,
    /// `medium`, `low`), or withdraws an override (`withdrawn`), with a reason. Journaled.
    pub fn override_risk(
        &mut self,
        bin: &str,
        assessment: RiskAssessment,
        reason: &str,
    ) -> Result<RiskExplanation, ApiError> {
        let reason = crate::api::checked_reason(reason, "an override of a risk estimate")?;
        let (action, assessment) = match assessment {
            RiskAssessment::High => ("override", "high"),
            RiskAssessment::Medium => ("override", "medium"),
            RiskAssessment::Low => ("override", "low"),
            RiskAssessment::Withdrawn => ("withdrawn", "withdrawn"),
        };
        let card = self.read().card_content(bin)?;
        let bin = card.subject.bin.clone();
        let model = self.read().risk_model(None).ok().map(|(r, _)| r.name);
        let value = (action == "override").then_some(assessment);
        self.journal().run(|w| {
            let review_id = w.insert_review(&NewReview {
                target: "risk",
                key: &bin,
                action,
                value,
                basis: model.as_deref(),
                reason: &reason,
            })?;
            let entry = Entry::RiskOverridden {
                subject_bin: bin.clone(),
                model: model.clone(),
                probability: None,
                assessment: value.map(str::to_string),
                reason: reason.clone(),
                review_id,
            };
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        self.explain_risk(&bin)
    }
}

/// Writes the examples training sees as CSV (`risk::example_columns`), for another tool to refit.
pub(in crate::api) fn write_examples(examples: &risk::Examples, cut: usize, path: &Path) -> Result<(), ApiError> {
    let failed = |e: csv::Error| ApiError::new(ErrorCode::Internal, format!("{}: {e}", path.display()));
    let file = crate::disk::create(path)
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{}: {e}", path.display())))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(risk::example_columns()).map_err(failed)?;
    for r in 0..examples.labels.len() {
        w.write_record(risk::example_row(examples, r, cut)).map_err(failed)?;
    }
    w.flush().map_err(|e| failed(e.into()))
}

impl Read<'_> {
    /// The registry as analytics reads it, cached until an import or a decision changes it.
    pub(in crate::api) fn analytics_registry(&self) -> Result<Arc<Registry>, ApiError> {
        let version = self.store().analytics_version()?;
        if let Some((v, registry)) = self.memo().registry.borrow().as_ref() {
            if *v == version {
                return Ok(registry.clone());
            }
        }
        let registry = Arc::new(self.store().analytics_registry()?);
        *self.memo().registry.borrow_mut() = Some((version, registry.clone()));
        Ok(registry)
    }

    /// The risk model in force (the newest version, or the one named), with its record.
    pub fn risk_model(&self, name: Option<&str>) -> Result<(ModelRecord, RiskModel), ApiError> {
        let Some((record, arrays)) = self.store().model(RISK_MODEL, name)? else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                match name {
                    Some(n) => format!("no risk model '{n}'"),
                    None => "no risk model has been trained yet (ekn risk train)".to_string(),
                },
            ));
        };
        let model: RiskModel = serde_json::from_slice(&arrays).map_err(|e| {
            ApiError::new(ErrorCode::Internal, format!("model {}: its arrays cannot be read: {e}", record.name))
        })?;
        Ok((record, model))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_checks_file_is_valid_and_every_item_says_whether_it_is_verified() {
        let file = super::checks();
        assert!(!file.checks.is_empty());
        for c in &file.checks {
            assert!(!c.text_ru.is_empty() && !c.text_kk.is_empty() && !c.text_en.is_empty(), "{}", c.id);
            assert!(!c.applies.kinds.is_empty(), "{}", c.id);
        }
    }
}
