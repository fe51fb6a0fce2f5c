//! `ekn themes` and the Themes screen: themes of supervision saved as versioned definitions
//! (journaled), each theme's card (its dynamics against the expected band, places, control bodies,
//! linked anomalies, member objects' risk, acts and their answers, the score taken apart), the scan
//! for rising themes and rising category × district cells, and the ranking for the plan. The
//! computation is `crate::analytics::themes`; this joins it to the store.

use super::Analytics;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::theme_timeline::{self, ThemeEvent};
use crate::analytics::farrington::{self, FarringtonParams};
use crate::analytics::practices::{Anomaly, AnomalyKind, DetectParams};
use crate::analytics::theme_reports::{one_family, scan_themes, series_start, sorted_counts, window};
pub use crate::analytics::theme_reports::{
    scan_report, score_report, KeyCount, ScoreContext, ScoredTheme, ThemeScanReport, ThemeScanRow, ThemeScoreReport,
    ThemeSummary,
};
use crate::analytics::themes::{
    self, month_number, month_text, monthly_counts, Decided, Matcher, ScanParams, ScoringWeights, SeriesKind,
    ThemeDefinition, ThemeScore,
};
use crate::api::{ApiError, ErrorCode};
use crate::domain::facts::district_text;
use crate::domain::journal::Entry;
use crate::domain::norms::Localized;
use crate::domain::triage::taxonomy::Taxonomy;
use crate::store::{About, ActForReport, DocumentCounts, OutcomeForReport, ThemeNote, ThemeVersion};

/// The longest theme name accepted.
const MAX_NAME: usize = 200;
/// At most this many values in one list of a definition.
const MAX_LIST: usize = 200;

/// A theme to save (a new version when the name exists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SaveThemeRequest {
    pub name: String,
    pub definition: ThemeDefinition,
    pub reason: String,
}

/// The themes in force (retired ones only when asked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeList {
    pub themes: Vec<ThemeSummary>,
    pub note: Localized,
}

/// One month of a theme's dynamics, with the band its past predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeMonth {
    pub month: String,
    pub observed: u32,
    /// What the same months of earlier years predict, and the upper bound (None: too little history).
    pub expected: Option<f64>,
    pub upper: Option<f64>,
    /// Above the bound (before correction for the many months shown).
    pub exceeds: bool,
}

/// An anomaly in the theme's places (and categories, for a theme of appeals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LinkedAnomaly {
    pub id: String,
    pub kind: AnomalyKind,
    pub key: String,
    pub q_value: f64,
    pub ratio: f64,
}

/// Acts issued to the theme's member objects, by kind, with their answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeActs {
    pub kind: String,
    pub issued: u64,
    pub answered: u64,
    /// Answers `satisfied` or `partly`.
    pub satisfied: u64,
}

/// The tasks about the theme's objects and appeals: counts only (a task's title can name a person).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeTasks {
    pub open: u64,
    /// Open and past their due date on the as-of date.
    pub overdue: u64,
    pub done: u64,
    /// The earliest due date of an open task.
    pub next_due: Option<NaiveDate>,
    /// Open tasks by kind (the task kind's code).
    pub by_kind: Vec<KeyCount>,
}

/// A norm the theme rests on, as the catalog in force words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeNorm {
    pub id: String,
    pub name: Option<Localized>,
    pub basis: Option<Localized>,
    /// False when the catalog marks it unconfirmed (or does not know it).
    pub verified: bool,
}

/// The theme card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeCard {
    pub theme: ThemeSummary,
    pub versions: Vec<ThemeVersion>,
    pub as_of: NaiveDate,
    pub norms: Vec<ThemeNorm>,
    /// The last 36 full months.
    pub dynamics: Vec<ThemeMonth>,
    /// Members over the last twelve months by district (KATO's four digits), largest first.
    pub districts: Vec<KeyCount>,
    /// Inspections in the theme's places and sectors over the last twelve months, by control body.
    pub bodies: Vec<KeyCount>,
    pub anomalies: Vec<LinkedAnomaly>,
    pub acts: Vec<ThemeActs>,
    /// Tasks about the objects and appeals of the last twelve months.
    pub tasks: ThemeTasks,
    /// Member appeals, member inspections and distinct member objects over the last twelve months.
    pub appeals: u64,
    pub inspections: u64,
    pub objects: u64,
    pub score: ThemeScore,
    /// The documents attached to the member objects of the last twelve months, as counts.
    pub documents: DocumentCounts,
    /// What happened to the theme and around it, newest first (at most 200 events).
    pub timeline: Vec<ThemeEvent>,
    /// Notes people wrote on the card, newest first (at most 100).
    pub notes: Vec<ThemeNote>,
    pub method: String,
    pub note: Localized,
}

fn summary(v: &ThemeVersion) -> Result<ThemeSummary, ApiError> {
    let definition: ThemeDefinition = serde_json::from_str(&v.definition).map_err(|e| {
        ApiError::new(
            ErrorCode::Corrupt,
            format!("theme «{}» version {}: its stored definition is damaged: {e}", v.name, v.version),
        )
    })?;
    Ok(ThemeSummary {
        name: v.name.clone(),
        version: v.version,
        series: definition.series_kind(),
        definition,
        retired: v.retired,
        saved_by: v.author.clone(),
        saved_at: v.at.clone(),
        reason: v.reason.clone(),
        decided: Decided::default(),
    })
}

/// Trims and checks a definition's lists (sizes bounded, values trimmed, duplicates dropped).
fn tidy(mut d: ThemeDefinition) -> Result<ThemeDefinition, ApiError> {
    for (field, list) in [
        ("categories", &mut d.categories),
        ("kato", &mut d.kato),
        ("oked", &mut d.oked),
        ("bodies", &mut d.bodies),
        ("norms", &mut d.norms),
    ] {
        if list.len() > MAX_LIST {
            return Err(ApiError::invalid(format!("{field}: at most {MAX_LIST} values")));
        }
        let mut seen = HashSet::new();
        *list = list.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty() && seen.insert(v.clone())).collect();
        if list.iter().any(|v| v.chars().count() > MAX_NAME) {
            return Err(ApiError::invalid(format!("{field}: a value is longer than {MAX_NAME} characters")));
        }
    }
    d.seed = crate::api::session::checked_note(d.seed.as_deref())?;
    Ok(d)
}

impl Analytics<'_> {
    fn theme_versions_in_force(&self, include_retired: bool) -> Result<Vec<ThemeSummary>, ApiError> {
        let mut latest: BTreeMap<String, ThemeVersion> = BTreeMap::new();
        for v in self.read().store().theme_versions(None)? {
            latest.insert(v.name.clone(), v);
        }
        latest.values().filter(|v| include_retired || !v.retired).map(|v| self.with_decided(summary(v)?)).collect()
    }

    /// A theme with people's decisions about its items.
    fn with_decided(&self, mut theme: ThemeSummary) -> Result<ThemeSummary, ApiError> {
        for d in self.read().store().theme_decisions(&theme.name)? {
            theme.decided.record(&d.item_kind, &d.decision, d.item_key);
        }
        Ok(theme)
    }

    /// The themes in force, by name.
    pub fn themes(&self, include_retired: bool) -> Result<ThemeList, ApiError> {
        Ok(ThemeList { themes: self.theme_versions_in_force(include_retired)?, note: themes::note() })
    }

    pub(in crate::api) fn theme_in_force(&self, name: &str) -> Result<(ThemeSummary, Vec<ThemeVersion>), ApiError> {
        let versions = self.read().store().theme_versions(Some(name.trim()))?;
        let last = versions
            .last()
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no theme is named «{}»", name.trim())))?;
        Ok((self.with_decided(summary(last)?)?, versions))
    }

    /// Saves a theme: a new version of its definition, journaled with the author and reason.
    /// Saving the same definition again is refused (nothing would change).
    pub fn save_theme(&mut self, request: &SaveThemeRequest) -> Result<ThemeSummary, ApiError> {
        self.write_theme(&request.name, Some(request.definition.clone()), &request.reason)
    }

    /// Retires a theme (a last version marked retired, the definition kept).
    pub fn retire_theme(&mut self, name: &str, reason: &str) -> Result<ThemeSummary, ApiError> {
        self.write_theme(name, None, reason)
    }

    fn write_theme(
        &mut self,
        name: &str,
        definition: Option<ThemeDefinition>,
        reason: &str,
    ) -> Result<ThemeSummary, ApiError> {
        let name = name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(ApiError::invalid(format!("a theme's name is 1 to {MAX_NAME} printable characters")));
        }
        let reason = crate::api::checked_reason(reason, "saving a theme")?;
        let previous = self.read().store().theme_versions(Some(&name))?.pop();
        let (definition, retired) = match definition {
            Some(d) => {
                let d = tidy(d)?;
                d.validate(Taxonomy::builtin()).map_err(ApiError::invalid)?;
                let norms = self.read().norms()?;
                if let Some(unknown) = d.norms.iter().find(|id| norms.catalog.entry(id).is_none()) {
                    return Err(ApiError::invalid(format!("norms: '{unknown}' is not in the norms catalog in force")));
                }
                (d, false)
            }
            None => {
                let Some(previous) = &previous else {
                    return Err(ApiError::new(ErrorCode::NotFound, format!("no theme is named «{name}»")));
                };
                if previous.retired {
                    return Err(ApiError::invalid(format!("theme «{name}» is already retired")));
                }
                (summary(previous)?.definition, true)
            }
        };
        let json = serde_json::to_string(&definition).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        if let Some(p) = &previous {
            if !retired
                && !p.retired
                && serde_json::from_str::<serde_json::Value>(&p.definition).ok() == serde_json::from_str(&json).ok()
            {
                return Err(ApiError::invalid(format!(
                    "theme «{name}» already has this definition (version {})",
                    p.version
                )));
            }
        }
        self.journal().run(|w| {
            let version = w.insert_theme_version(&name, &json, retired, &reason)?;
            let entry = Entry::ThemeSaved {
                name: name.clone(),
                version,
                definition: json.clone(),
                retired,
                reason: reason.clone(),
            };
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        Ok(self.theme_in_force(&name)?.0)
    }

    /// The scan: each theme's and each category × district cell's last `months` full months before
    /// `as_of` (default today) judged against their past.
    pub fn theme_scan(&self, as_of: Option<NaiveDate>, months: Option<u32>) -> Result<ThemeScanReport, ApiError> {
        let started = std::time::Instant::now();
        let as_of = as_of.unwrap_or_else(|| self.read().today());
        let registry = self.read().analytics_registry()?;
        let list = self.theme_versions_in_force(false)?;
        Ok(scan_report(&registry, &list, &one_family, as_of, months, started))
    }

    /// The themes ranked for the plan by the lower bound of their score.
    pub fn theme_scores(&self, as_of: Option<NaiveDate>) -> Result<ThemeScoreReport, ApiError> {
        let as_of = as_of.unwrap_or_else(|| self.read().today());
        let registry = self.read().analytics_registry()?;
        let list = self.theme_versions_in_force(false)?;
        let context = gather_score_context(self, &ScoringWeights::builtin())?;
        Ok(score_report(&registry, &list, &one_family, as_of, &context))
    }

    /// The theme card.
    pub fn theme_card(&self, name: &str, as_of: Option<NaiveDate>) -> Result<ThemeCard, ApiError> {
        let as_of = as_of.unwrap_or_else(|| self.read().today());
        let (theme, versions) = self.theme_in_force(name)?;
        let registry = self.read().analytics_registry()?;
        let taxonomy = Taxonomy::builtin();
        let matcher = Matcher::new(&theme.definition, &registry, taxonomy).with_decisions(&theme.decided, &registry);
        let last = month_number(as_of) - 1;
        let first = last - 35;
        // The series starts where its data do: a month before the registry's first appeal (or
        // inspection) is no data, not a month without members.
        let data_start = series_start(&registry, theme.series).unwrap_or(last + 1);
        let counts = monthly_counts(matcher.member_days(&registry).into_iter(), data_start, last);
        let params = FarringtonParams::default();
        let dynamics: Vec<ThemeMonth> = (first..=last)
            .map(|m| {
                let t = m - data_start;
                let j = (t >= 0).then(|| farrington::judge(&counts, t as usize, &params)).flatten();
                ThemeMonth {
                    month: month_text(m),
                    observed: if t >= 0 { counts[t as usize] } else { 0 },
                    expected: j.as_ref().map(|j| j.expected),
                    upper: j.as_ref().map(|j| j.upper),
                    exceeds: j.is_some_and(|j| j.exceeds),
                }
            })
            .collect();

        let (from, to) = window(as_of);
        let in_window = |day: i32| day > from && day <= to;
        let mut districts: HashMap<String, u64> = HashMap::new();
        let mut objects: HashSet<u32> = HashSet::new();
        let mut appeal_numbers: HashSet<&str> = HashSet::new();
        let (mut appeals, mut inspections) = (0u64, 0u64);
        for a in registry.appeals.iter().filter(|a| in_window(a.received) && matcher.appeal(a)) {
            appeals += 1;
            appeal_numbers.insert(&a.appeal_no);
            objects.extend(a.subject);
            if let Some(k) = a.kato {
                *districts.entry(district_text((k / 100_000) as u16)).or_default() += 1;
            }
        }
        let mut bodies: HashMap<String, u64> = HashMap::new();
        // Inspections in the theme's places and sectors: categories do not apply to them.
        let places = ThemeDefinition { categories: Vec::new(), ..theme.definition.clone() };
        let place_matcher = Matcher::new(&places, &registry, taxonomy).with_decisions(&theme.decided, &registry);
        for f in registry.inspections.iter().filter(|f| in_window(f.day) && place_matcher.inspection(f)) {
            *bodies.entry(registry.bodies.get(f.body as usize).cloned().unwrap_or_default()).or_default() += 1;
            if theme.series == SeriesKind::Inspections {
                inspections += 1;
                objects.insert(f.subject);
                if let Some(k) = f.kato {
                    *districts.entry(district_text((k / 100_000) as u16)).or_default() += 1;
                }
            }
        }

        let bins: HashSet<&str> =
            objects.iter().filter_map(|&s| registry.subjects.get(s as usize)).map(|s| s.bin.as_str()).collect();
        let (all_acts, all_outcomes) = self.read().store().acts_for_report()?;
        let acts = self.theme_acts(&bins, &all_acts, &all_outcomes)?;
        let documents = self.read().store().documents_of_objects(&bins)?;
        let graph = self.read().graph()?;
        let mut tasks = ThemeTasks::default();
        let mut kinds: HashMap<String, u64> = HashMap::new();
        for task in graph.tasks().filter(|t| {
            t.subject_bin.as_deref().is_some_and(|b| bins.contains(b))
                || t.appeal_no.as_deref().is_some_and(|n| appeal_numbers.contains(n))
        }) {
            if task.is_open() {
                tasks.open += 1;
                tasks.overdue += u64::from(task.current_due < as_of);
                tasks.next_due = Some(tasks.next_due.map_or(task.current_due, |d| d.min(task.current_due)));
                *kinds.entry(task.kind.code().to_string()).or_default() += 1;
            } else if task.done_on.is_some() {
                tasks.done += 1;
            }
        }
        tasks.by_kind = sorted_counts(kinds);
        let norms_in_force = self.read().norms()?;
        let norms = theme
            .definition
            .norms
            .iter()
            .map(|id| {
                // The version in force today: a theme names its norms as they stand now.
                let norm = norms_in_force.at(id, self.read().today());
                ThemeNorm {
                    id: id.clone(),
                    name: norm.as_ref().map(|n| n.name.clone()),
                    basis: norm.as_ref().map(|n| n.basis()),
                    verified: norm.as_ref().is_some_and(|n| n.verified()),
                }
            })
            .collect();

        let weights = ScoringWeights::builtin();
        let context = gather_score_context(self, &weights)?;
        let anomalies = context
            .linked(&theme.definition, taxonomy)
            .map(|a| LinkedAnomaly {
                id: a.id.clone(),
                kind: a.kind,
                key: a.key.clone(),
                q_value: a.q_value,
                ratio: a.ratio,
            })
            .collect();
        // Judged in the same family as the ranking (every theme in force), so the card's growth
        // and the ranking's agree; a retired theme is judged with them.
        let mut family = self.theme_versions_in_force(false)?;
        if !family.iter().any(|t| t.name == theme.name) {
            family.push(theme.clone());
        }
        let scan = scan_themes(&registry, taxonomy, &family, as_of, &ScanParams::default());
        let row = scan
            .iter()
            .find(|r| r.name == theme.name)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the theme left its own scan"))?;
        let (inputs, _) = context.inputs(&registry, &theme, row, as_of);
        let decisions = self.read().store().theme_decisions(&theme.name)?;
        let notes = self.read().store().theme_notes(&theme.name, super::theme_notes::NOTES_ON_CARD)?;
        let timeline =
            theme_timeline::timeline(&versions, &decisions, &notes, &dynamics, &all_acts, &all_outcomes, &bins);
        Ok(ThemeCard {
            timeline,
            notes,
            documents,
            versions,
            as_of,
            norms,
            dynamics,
            districts: sorted_counts(districts),
            bodies: sorted_counts(bodies),
            anomalies,
            acts,
            tasks,
            appeals,
            inspections,
            objects: objects.len() as u64,
            score: themes::score(&inputs, &weights),
            method: farrington::METHOD.into(),
            note: themes::note(),
            theme,
        })
    }

    fn theme_acts(
        &self,
        bins: &HashSet<&str>,
        acts: &[ActForReport],
        outcomes: &[OutcomeForReport],
    ) -> Result<Vec<ThemeActs>, ApiError> {
        let mut answer: HashMap<i64, String> = HashMap::new();
        for o in outcomes.iter().filter(|o| o.stage == "answer") {
            answer.insert(o.act_id, o.result.clone());
        }
        let mut by_kind: BTreeMap<String, ThemeActs> = BTreeMap::new();
        for act in acts.iter().filter(|a| bins.contains(a.bin.as_str())) {
            let row = by_kind.entry(act.kind.clone()).or_insert_with(|| ThemeActs {
                kind: act.kind.clone(),
                issued: 0,
                answered: 0,
                satisfied: 0,
            });
            row.issued += 1;
            if let Some(result) = answer.get(&act.id) {
                row.answered += 1;
                row.satisfied += u64::from(result == "satisfied" || result == "partly");
            }
        }
        Ok(by_kind.into_values().collect())
    }
}

/// What a theme's score reads besides the registry, gathered from this database: triage's flags,
/// each object's latest risk score, the anomalies listed and not dismissed.
fn gather_score_context(analytics: &Analytics<'_>, weights: &ScoringWeights) -> Result<ScoreContext, ApiError> {
    let flags = analytics.read().store().appeal_flags(&weights.severity_rules)?;
    let risks: HashMap<String, f64> = analytics.read().store().latest_risk_scores()?.into_iter().collect();
    let anomalies: Vec<Anomaly> = analytics
        .anomalies(&DetectParams::default(), None)?
        .anomalies
        .into_iter()
        .filter(|l| !l.dismissed)
        .map(|l| l.anomaly)
        .collect();
    Ok(ScoreContext::new(flags, risks, anomalies))
}

/// `ekn themes study`: the scan's power and false alarms on `generator::outbreaks` (needs no
/// database); `progress(done, total)` after each setting.
pub fn themes_study(worlds: u64, progress: &mut dyn FnMut(usize, usize)) -> crate::studies::themes::ThemesStudy {
    use crate::studies::themes::{study, StudySpec};
    study(&StudySpec::standard(worlds), progress)
}

/// `ekn themes study --export DIR`: a few worlds' series and ЭКН's judgements of them, for R's
/// `surveillance::farringtonFlexible` to judge the same (scripts/themes/oracle.R).
pub fn export_themes_study(dir: &std::path::Path, worlds: u64) -> Result<(), ApiError> {
    let (series, judged) = crate::studies::themes::export(worlds);
    let io =
        |path: &std::path::Path, e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for (name, text) in [("series.csv", series), ("judged.csv", judged)] {
        let path = dir.join(name);
        crate::disk::write(&path, text).map_err(|e| io(&path, e))?;
    }
    Ok(())
}
