//! Deadline use cases: compute a due date with its explanation (from a period or a norm of the
//! catalog), and manage the working-day calendar's years.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{ApiError, Session};
use crate::domain::calendar::{Calendar, YearCalendar};
use crate::domain::deadline::{compute, Deadline, Period, Suspension};
use crate::domain::norms::NormsCatalog;

/// Which rule a deadline follows: a bare period, or a norm of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleChoice {
    Period(Period),
    Norm(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineRequest {
    pub from: NaiveDate,
    pub rule: RuleChoice,
    pub suspensions: Vec<Suspension>,
}

/// The rule behind a deadline, as the explanation shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RuleView {
    pub period: Period,
    pub text: String,
    pub norm_id: Option<String>,
    pub name_ru: Option<String>,
    pub name_kk: Option<String>,
    pub name_en: Option<String>,
    pub legal_basis: Option<String>,
    /// False for a bare period and for norms not yet checked against the law's text.
    pub verified: bool,
    pub note: Option<String>,
}

/// The answer of `ekn deadline`: `due` first, then the rule and the full explanation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DeadlineReport {
    pub due: NaiveDate,
    pub rule: RuleView,
    pub explanation: Deadline,
    /// Years of the calendar the computation could use.
    pub calendar_years: Vec<i32>,
}

/// The calendar shipped with the product, for use without a database.
pub fn builtin_calendar() -> Calendar {
    Calendar::builtin()
}

/// Computes a deadline on the given calendar.
pub fn compute_deadline(calendar: &Calendar, request: &DeadlineRequest) -> Result<DeadlineReport, ApiError> {
    let rule = match &request.rule {
        RuleChoice::Period(period) => {
            if period.amount == 0 {
                return Err(ApiError::new("invalid_input", "a period must be at least 1"));
            }
            RuleView {
                period: *period,
                text: format!("{} from the day after {}", period.describe(), request.from),
                norm_id: None,
                name_ru: None,
                name_kk: None,
                name_en: None,
                legal_basis: None,
                verified: false,
                note: Some("a period given by hand, not a norm of the catalog".into()),
            }
        }
        RuleChoice::Norm(id) => {
            let catalog = NormsCatalog::builtin();
            let norm = catalog.get(id).ok_or_else(|| {
                let known: Vec<&str> = catalog.norms.iter().map(|n| n.id.as_str()).collect();
                ApiError::new("not_found", format!("no norm '{id}' in the catalog (known: {})", known.join(", ")))
            })?;
            RuleView {
                period: norm.period,
                text: format!("{}: {} {}", norm.name_en, norm.period.describe(), norm.trigger_ru),
                norm_id: Some(norm.id.clone()),
                name_ru: Some(norm.name_ru.clone()),
                name_kk: Some(norm.name_kk.clone()),
                name_en: Some(norm.name_en.clone()),
                legal_basis: Some(norm.basis.describe()),
                verified: norm.verified,
                note: norm.note.clone(),
            }
        }
    };
    for s in &request.suspensions {
        if s.to < s.from {
            return Err(ApiError::new(
                "invalid_input",
                format!("a suspension ends ({}) before it starts ({})", s.to, s.from),
            ));
        }
    }
    let mut explanation = compute(calendar, request.from, rule.period, &request.suspensions);
    if !rule.verified {
        explanation.warnings.insert(
            0,
            match &rule.norm_id {
                Some(id) => format!("the period of norm {id} is UNCONFIRMED against the law's text"),
                None => "the period was given by hand; it is not a verified norm".into(),
            },
        );
    }
    Ok(DeadlineReport {
        due: explanation.due,
        rule,
        explanation,
        calendar_years: calendar.years().map(|y| y.year).collect(),
    })
}

/// One year of the calendar as `ekn calendar list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CalendarYearView {
    pub year: i32,
    /// `shipped` (assets/calendar) or `imported` (ekn calendar import).
    pub origin: &'static str,
    pub holidays: usize,
    pub moved_days_off: usize,
    pub transfers: usize,
    pub unconfirmed: usize,
    pub sha256: Option<String>,
    pub source_file: Option<String>,
}

/// What importing a calendar year did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CalendarImportReport {
    pub year: i32,
    pub sha256: String,
    /// True when the year already had a document (shipped or imported) that this one replaces.
    pub replaced: bool,
    /// Open tasks whose due date moved because of this document.
    pub recomputed: Vec<super::Recomputed>,
}

impl Session {
    /// The shipped calendar with the imported years laid over it (built once per session).
    pub fn calendar(&self) -> Result<std::rc::Rc<Calendar>, ApiError> {
        if let Some(cached) = self.calendar_cache.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let calendar = std::rc::Rc::new(self.load_calendar()?);
        *self.calendar_cache.borrow_mut() = Some(calendar.clone());
        Ok(calendar)
    }

    fn load_calendar(&self) -> Result<Calendar, ApiError> {
        let mut calendar = Calendar::builtin();
        for stored in self.store.calendar_years()? {
            let year = YearCalendar::from_json(&stored.document).map_err(|e| {
                ApiError::new("internal", format!("the stored calendar for {} is damaged: {e}", stored.year))
            })?;
            calendar.set_year(year);
        }
        Ok(calendar)
    }

    /// A digest of every calendar document in force (shipped and imported). When it differs from
    /// the one recorded, a calendar file changed (a new release, an edited asset) and open
    /// deadlines are recomputed, each move logged.
    pub(super) fn recompute_if_calendar_changed(&mut self) -> Result<Vec<super::Recomputed>, ApiError> {
        let calendar = self.calendar()?;
        let mut hasher = Sha256::new();
        for year in calendar.years() {
            hasher.update(serde_json::to_vec(year).expect("calendar documents serialise"));
        }
        let fingerprint = hex::encode(hasher.finalize());
        let recorded = self.store.setting("calendar_fingerprint")?;
        if recorded.as_deref() == Some(fingerprint.as_str()) {
            return Ok(Vec::new());
        }
        let moved = if recorded.is_some() { self.recompute_open_deadlines()? } else { Vec::new() };
        self.store.set_setting("calendar_fingerprint", &fingerprint)?;
        Ok(moved)
    }

    pub fn deadline(&self, request: &DeadlineRequest) -> Result<DeadlineReport, ApiError> {
        compute_deadline(&*self.calendar()?, request)
    }

    /// Adds or replaces one year of the working-day calendar from a document in the format of
    /// assets/calendar/kz-YYYY.json.
    pub fn import_calendar(&mut self, file: &Path) -> Result<CalendarImportReport, ApiError> {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).map_err(|e| ApiError::new("not_found", format!("{name}: {e}")))?;
        let year =
            YearCalendar::from_json(&text).map_err(|e| ApiError::new("invalid_input", format!("{name}: {e}")))?;
        let replaced = self.calendar()?.has_year(year.year);
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        self.store.put_calendar_year(year.year, &text, &sha256, &name)?;
        self.calendar_cache.take();
        let recomputed = self.recompute_if_calendar_changed()?;
        Ok(CalendarImportReport { year: year.year, sha256, replaced, recomputed })
    }

    pub fn calendar_years(&self) -> Result<Vec<CalendarYearView>, ApiError> {
        let stored = self.store.calendar_years()?;
        let calendar = self.calendar()?;
        Ok(calendar
            .years()
            .map(|y| {
                let imported = stored.iter().find(|s| s.year == y.year);
                CalendarYearView {
                    year: y.year,
                    origin: if imported.is_some() { "imported" } else { "shipped" },
                    holidays: y.holidays.len(),
                    moved_days_off: y.moved_days_off.len(),
                    transfers: y.transfers.len(),
                    unconfirmed: y.holidays.iter().filter(|h| !h.confirmed).count()
                        + y.transfers.iter().filter(|t| !t.confirmed).count(),
                    sha256: imported.map(|s| s.sha256.clone()),
                    source_file: imported.map(|s| s.source_file.clone()),
                }
            })
            .collect())
    }
}
