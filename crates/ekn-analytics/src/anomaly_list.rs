//! The anomaly list as every tier shows it (a workstation, an office, the country): a run of the
//! detectors (`practices`) with each anomaly beside the people's review in force, the dismissed
//! ones after the others, and the note that says what an anomaly is and is not. Plain computation
//! over what it is handed; the reviews come from whoever keeps them.

use serde::{Deserialize, Serialize};

use crate::practices::{self, Anomaly, AnomalyKind, DatePeriod, DetectParams};
use ekn_domain::norms::Localized;
use ekn_domain::review::Review;

/// How many units of each kind were compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct UnitsJudged {
    pub kind: AnomalyKind,
    pub units: usize,
}

/// An anomaly as listed: the detector's output and the people's answer to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ListedAnomaly {
    #[serde(flatten)]
    #[ts(flatten)]
    pub anomaly: Anomaly,
    pub dismissed: bool,
    /// The dismissal (or restoration) in force, with who, when and why.
    pub review: Option<Review>,
}

/// The anomaly list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AnomalyReport {
    pub as_of: chrono::NaiveDate,
    pub window: DatePeriod,
    pub method: String,
    pub params: DetectParams,
    pub units_judged: Vec<UnitsJudged>,
    /// Listed anomalies, the strongest first; dismissed ones after the others.
    pub anomalies: Vec<ListedAnomaly>,
    pub note: Localized,
    pub seconds: f64,
}

impl AnomalyReport {
    /// The list of a run, `kind` only if given, each anomaly with the people's review in force
    /// (none where nobody reviews: an office, the national side).
    pub fn of(
        detection: &practices::Detection,
        as_of: chrono::NaiveDate,
        params: &DetectParams,
        kind: Option<AnomalyKind>,
        reviews: &std::collections::HashMap<String, Review>,
        started: std::time::Instant,
    ) -> AnomalyReport {
        let mut anomalies: Vec<ListedAnomaly> = detection
            .anomalies
            .iter()
            .filter(|a| kind.is_none_or(|k| a.kind == k))
            .map(|anomaly| {
                let review = reviews.get(&anomaly.id).cloned();
                let dismissed = review.as_ref().is_some_and(|r| r.action == "dismissed");
                ListedAnomaly { dismissed, review, anomaly: anomaly.clone() }
            })
            .collect();
        anomalies.sort_by_key(|a| a.dismissed);
        AnomalyReport {
            as_of,
            window: detection.window,
            method: practices::METHOD.into(),
            params: params.clone(),
            units_judged: detection.units_judged.iter().map(|&(kind, units)| UnitsJudged { kind, units }).collect(),
            anomalies,
            note: note(),
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

pub fn note() -> Localized {
    Localized {
        ru: "Аномалии — гипотезы для тематической проверки, а не выводы: каждая сравнивает единицу с сопоставимыми с учётом объёма и множественных сравнений.".into(),
        kk: "Ауытқулар — тақырыптық тексеруге арналған болжамдар, қорытынды емес: әрқайсысы бірлікті көлемді және көптік салыстыруларды ескере отырып салыстырмалылармен салыстырады.".into(),
        en: "Anomalies are hypotheses for a thematic check, not findings: each compares a unit with its peers, allowing for volume and for the many comparisons.".into(),
    }
}
