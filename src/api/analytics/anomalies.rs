//! `ekn anomalies` and the Analytics screen's list: the practices that stand out from their peers
//! (`analytics::practices`), with each one's funnel plot, the inspections or appeals behind it,
//! and a person's dismissal (with a reason, journaled; a dismissed anomaly stays listed as
//! dismissed, never deleted).

use super::Analytics;
use std::rc::Rc;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::analytics::anomaly_list::{AnomalyReport, ListedAnomaly, UnitsJudged};
use crate::analytics::practices::{self, AnomalyKind, DetectParams, Evidence, FunnelPlot};
use crate::api::{ApiError, ErrorCode};
use crate::domain::facts::{date_of, district_text, region_text, Registry};
use crate::domain::journal::Entry;
use crate::domain::records::InspectionKind;
use crate::store::About;
use crate::store::{NewReview, Review};

/// One inspection behind an anomaly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EvidenceInspection {
    pub registry_no: String,
    pub date: chrono::NaiveDate,
    pub subject_bin: String,
    pub subject_name: Option<String>,
    pub control_body: String,
    pub kind: InspectionKind,
    pub district: Option<String>,
    pub violations: u32,
    pub sanctions: String,
    pub appealed: Option<bool>,
    pub declared_illegal: Option<bool>,
}

/// One appeal behind an anomaly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EvidenceAppeal {
    pub appeal_no: String,
    pub received: chrono::NaiveDate,
    pub decided: Option<chrono::NaiveDate>,
    pub region_code: Option<String>,
    pub category: Option<String>,
    pub subject_bin: Option<String>,
}

/// An anomaly opened: its funnel and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AnomalyDetail {
    pub anomaly: ListedAnomaly,
    pub funnel: Option<FunnelPlot>,
    /// The first rows behind it (at most `limit`), and how many there are.
    pub inspections: Vec<EvidenceInspection>,
    pub appeals: Vec<EvidenceAppeal>,
    pub evidence_total: usize,
}

/// What a person does with an anomaly: dismiss it (it stays listed, marked), or take a dismissal back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyReview {
    #[serde(alias = "dismissed")]
    Dismiss,
    #[serde(alias = "restored")]
    Restore,
}

impl AnomalyReview {
    /// The review's action as stored.
    pub fn code(self) -> &'static str {
        match self {
            AnomalyReview::Dismiss => "dismissed",
            AnomalyReview::Restore => "restored",
        }
    }
}

impl Analytics<'_> {
    /// The detectors' run over the registry as it stands, today, with these settings (cached).
    fn detection(&self, params: &DetectParams) -> Result<(Rc<practices::Detection>, Arc<Registry>), ApiError> {
        let registry = self.read().analytics_registry()?;
        let key = format!("{}|{}|{params:?}", self.read().store().analytics_version()?, self.read().today());
        if let Some((k, detection)) = self.read().memo().detection.borrow().as_ref() {
            if *k == key {
                return Ok((detection.clone(), registry));
            }
        }
        let detection = Rc::new(practices::detect(&registry, self.read().today(), params));
        *self.read().memo().detection.borrow_mut() = Some((key, detection.clone()));
        Ok((detection, registry))
    }

    /// The latest review of each anomaly id.
    fn anomaly_reviews(&self) -> Result<std::collections::HashMap<String, Review>, ApiError> {
        Ok(self.read().store().reviews("anomaly")?.into_iter().map(|r| (r.key.clone(), r)).collect())
    }

    /// Runs the detectors and lists what passes the significance rule, `kind` only if given.
    pub fn anomalies(&self, params: &DetectParams, kind: Option<AnomalyKind>) -> Result<AnomalyReport, ApiError> {
        let started = std::time::Instant::now();
        if !(params.fdr > 0.0 && params.fdr < 1.0 && params.min_ratio >= 1.0 && params.min_ratio.is_finite()) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "the false-discovery rate must lie between 0 and 1, the least ratio be at least 1",
            ));
        }
        let (detection, _) = self.detection(params)?;
        let reviews = self.anomaly_reviews()?;
        Ok(AnomalyReport::of(&detection, self.read().today(), params, kind, &reviews, started))
    }

    /// One anomaly with its funnel plot and the first `limit` rows behind it.
    pub fn anomaly_detail(&self, id: &str, limit: usize) -> Result<AnomalyDetail, ApiError> {
        let (detection, registry) = self.detection(&DetectParams::default())?;
        let id = id.trim();
        let anomaly = detection
            .anomalies
            .iter()
            .find(|a| a.id == id || a.key == id)
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no anomaly '{id}' in today's list")))?;
        let review = self.anomaly_reviews()?.remove(&anomaly.id);
        let funnel = detection.funnels.get(&anomaly.group).cloned();
        let (mut inspections, mut appeals, mut total) = (Vec::new(), Vec::new(), 0);
        match detection.evidence.get(&anomaly.id) {
            Some(Evidence::Inspections(rows)) => {
                total = rows.len();
                for &i in rows.iter().rev().take(limit) {
                    let f = &registry.inspections[i];
                    let subject = registry.subjects.get(f.subject as usize);
                    inspections.push(EvidenceInspection {
                        registry_no: f.registry_no.to_string(),
                        date: date_of(f.day),
                        subject_bin: subject.map(|s| s.bin.clone()).unwrap_or_default(),
                        subject_name: subject.and_then(|s| s.name.clone()),
                        control_body: registry.bodies.get(f.body as usize).cloned().unwrap_or_default(),
                        kind: f.kind,
                        district: f.district.map(district_text),
                        violations: f.violations,
                        sanctions: registry.sanction_sets.get(f.sanctions as usize).cloned().unwrap_or_default(),
                        appealed: f.appealed,
                        declared_illegal: f.declared_illegal,
                    });
                }
            }
            Some(Evidence::Appeals(rows)) => {
                total = rows.len();
                for &i in rows.iter().rev().take(limit) {
                    let a = &registry.appeals[i];
                    appeals.push(EvidenceAppeal {
                        appeal_no: a.appeal_no.to_string(),
                        received: date_of(a.received),
                        decided: a.decided.map(date_of),
                        region_code: a.region.map(region_text),
                        category: a.category.and_then(|c| registry.categories.get(c as usize).cloned()),
                        subject_bin: a.subject.and_then(|s| registry.subjects.get(s as usize)).map(|s| s.bin.clone()),
                    });
                }
            }
            None => {}
        }
        Ok(AnomalyDetail {
            anomaly: ListedAnomaly {
                dismissed: review.as_ref().is_some_and(|r| r.action == "dismissed"),
                review,
                anomaly,
            },
            funnel,
            inspections,
            appeals,
            evidence_total: total,
        })
    }

    /// A person dismisses an anomaly (`dismissed`) or takes a dismissal back (`restored`), with a
    /// reason. Journaled; the anomaly stays listed, marked.
    pub fn review_anomaly(&mut self, id: &str, review: AnomalyReview, reason: &str) -> Result<AnomalyDetail, ApiError> {
        let reason = crate::api::checked_reason(reason, "a dismissal of an anomaly")?;
        let action = review.code();
        let mut detail = self.anomaly_detail(id, 50)?;
        let anomaly = detail.anomaly.anomaly.clone();
        self.journal().run(|w| {
            let review_id = w.insert_review(&NewReview {
                target: "anomaly",
                key: &anomaly.id,
                action,
                value: None,
                basis: Some(practices::METHOD),
                reason: &reason,
            })?;
            let entry = Entry::AnomalyReviewed {
                key: format!("{} ({})", anomaly.id, anomaly.key),
                anomaly_kind: anomaly.kind.code().into(),
                action: action.into(),
                reason: reason.clone(),
                review_id,
            };
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        // The detectors' output does not change with a review: only the review in force is new.
        let review = self.anomaly_reviews()?.remove(&anomaly.id);
        detail.anomaly.dismissed = review.as_ref().is_some_and(|r| r.action == "dismissed");
        detail.anomaly.review = review;
        Ok(detail)
    }
}

/// `ekn anomalies power`: the detectors' power study on the second generator's registries
/// (`studies::power`; needs no database, so no session). `full`: the grid of docs/ANALYTICS.md;
/// `progress(done, total)` after each registry.
pub fn power_study(full: bool, progress: &mut dyn FnMut(usize, usize)) -> crate::studies::power::PowerReport {
    crate::studies::power::study(&crate::studies::power::PowerGrid::standard(full), progress)
}
