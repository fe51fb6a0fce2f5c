//! Deadline use cases: compute a due date with its explanation (from a period or a norm of the
//! catalog in force, with the norm's extension cap), manage the working-day calendar's years, and
//! notice when the rules in force (calendar or norms) changed, so open deadlines are recomputed.

pub mod norms;

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::api::{ApiError, ErrorCode, Session};
use crate::domain::calendar::{Calendar, YearCalendar};
use crate::domain::deadline::{compute, extension_cap, Deadline, DeadlineError, Period, Suspension, Warning};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::{Localized, Norm, NormsCatalog};
use crate::store::About;

impl From<DeadlineError> for ApiError {
    fn from(e: DeadlineError) -> Self {
        ApiError::new(ErrorCode::InvalidInput, e.to_string())
    }
}

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

/// The rule behind a deadline, as the explanation shows it, in the three languages.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RuleView {
    pub period: Period,
    /// The rule in English words, for the command line.
    pub text: String,
    pub norm_id: Option<String>,
    pub name: Option<Localized>,
    pub trigger: Option<Localized>,
    pub legal_basis: Option<Localized>,
    /// False for a bare period and for norms not yet checked against the law's text.
    pub verified: bool,
    pub note: Option<Localized>,
    /// The norm's version in force (it rises each time an imported catalog changes the norm).
    pub version: Option<u32>,
}

impl RuleView {
    pub fn of_norm(norm: &Norm, version: Option<u32>) -> RuleView {
        RuleView {
            period: norm.period,
            text: format!("{}: {} {}", norm.name_en, norm.period.describe(), norm.trigger_en),
            norm_id: Some(norm.id.clone()),
            name: Some(norm.name()),
            trigger: Some(Localized {
                ru: norm.trigger_ru.clone(),
                kk: norm.trigger_kk.clone(),
                en: norm.trigger_en.clone(),
            }),
            legal_basis: Some(norm.basis.describe()),
            verified: norm.verified,
            note: norm.note(),
            version,
        }
    }

    pub fn of_period(period: Period, from: NaiveDate) -> RuleView {
        RuleView {
            period,
            text: format!("{} from the day after {from}", period.describe()),
            norm_id: None,
            name: None,
            trigger: None,
            legal_basis: None,
            verified: false,
            note: Some(Localized {
                ru: "срок задан вручную, это не норма каталога".into(),
                kk: "мерзім қолмен берілген, бұл каталог нормасы емес".into(),
                en: "a period given by hand, not a norm of the catalog".into(),
            }),
            version: None,
        }
    }
}

/// The answer of `ekn deadline`: `due` first, the latest date an extension may reach, then the
/// rule and the full explanation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DeadlineReport {
    pub due: NaiveDate,
    /// The cap of the norm's extensions (ISO date), or null when the rule allows none.
    pub extension_cap: Option<NaiveDate>,
    pub rule: RuleView,
    pub explanation: Deadline,
    /// Years of the calendar the computation could use.
    pub calendar_years: Vec<i32>,
}

/// The calendar shipped with the product, for use without a database.
pub fn builtin_calendar() -> Calendar {
    Calendar::builtin()
}

/// Computes a deadline under a norm (with its cap and the warnings of unverified parts) or a
/// bare period. Shared by `ekn deadline`, task details and the case card, so every explanation
/// says the same things.
pub fn explain(
    calendar: &Calendar,
    norm: Option<&Norm>,
    period: Period,
    event: NaiveDate,
    original_due: Option<NaiveDate>,
    suspensions: &[Suspension],
) -> Result<Deadline, ApiError> {
    let mut deadline = compute(calendar, event, period, suspensions)?;
    match norm {
        Some(norm) => {
            if let Some(cap) = &norm.extension_cap {
                let original = original_due.unwrap_or(deadline.due);
                let (cap_date, cap_warnings) = extension_cap(calendar, cap, event, original, suspensions)?;
                if !cap.verified {
                    deadline.warnings.push(Warning::UnverifiedCap { norm_id: norm.id.clone() });
                }
                for w in cap_warnings {
                    if !deadline.warnings.contains(&w) {
                        deadline.warnings.push(w);
                    }
                }
                deadline.extension_cap = Some(cap_date);
            }
            if !norm.verified {
                deadline.warnings.insert(0, Warning::UnverifiedNorm { norm_id: norm.id.clone() });
            }
        }
        None => deadline.warnings.insert(0, Warning::HandPeriod),
    }
    Ok(deadline)
}

/// Computes a deadline on the given calendar and norms catalog.
pub fn compute_deadline(
    calendar: &Calendar,
    catalog: &NormsCatalog,
    request: &DeadlineRequest,
) -> Result<DeadlineReport, ApiError> {
    let (rule, norm) = match &request.rule {
        RuleChoice::Period(period) => (RuleView::of_period(*period, request.from), None),
        RuleChoice::Norm(id) => {
            let norm = catalog.get(id).ok_or_else(|| {
                let known: Vec<&str> = catalog.norms.iter().map(|n| n.id.as_str()).collect();
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("no norm '{id}' in the catalog (known: {})", known.join(", ")),
                )
            })?;
            (RuleView::of_norm(norm, None), Some(norm))
        }
    };
    let explanation = explain(calendar, norm, rule.period, request.from, None, &request.suspensions)?;
    Ok(DeadlineReport {
        due: explanation.due,
        extension_cap: explanation.extension_cap.as_ref().map(|c| c.date),
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
    /// Unconfirmed holidays and transfers, and pending elements (transfers not yet published…).
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
    pub recomputed: Vec<crate::api::Recomputed>,
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
                ApiError::new(ErrorCode::Internal, format!("the stored calendar for {} is damaged: {e}", stored.year))
            })?;
            calendar.set_year(year);
        }
        Ok(calendar)
    }

    /// A digest of the rules in force: every calendar document (shipped and imported), the
    /// statutory rules, and the norms catalog. When it differs from the one recorded, a rule
    /// changed (a new release, an imported calendar or catalog) and open deadlines are recomputed,
    /// each move logged.
    pub(in crate::api) fn recompute_if_rules_changed(&mut self) -> Result<Vec<crate::api::Recomputed>, ApiError> {
        let calendar = self.calendar()?;
        let norms = self.norms()?;
        let mut hasher = Sha256::new();
        for year in calendar.years() {
            hasher.update(serde_json::to_vec(year).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?);
        }
        hasher.update(
            serde_json::to_vec(&calendar.rules().holidays)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
        );
        hasher.update(norms.sha256.as_bytes());
        let fingerprint = hex::encode(hasher.finalize());
        let recorded = self.store.setting("rules_fingerprint")?;
        if recorded.as_deref() == Some(fingerprint.as_str()) {
            return Ok(Vec::new());
        }
        // A database from before the norms were versioned recorded only its calendar's digest.
        let known_before = recorded.is_some() || self.store.setting("calendar_fingerprint")?.is_some();
        let moved = if known_before { self.recompute_open_deadlines()? } else { Vec::new() };
        let stamp = self.system_stamp();
        self.write_as(stamp, |w| {
            w.set_setting("rules_fingerprint", &fingerprint)?;
            let entry = Entry::RulesChanged { fingerprint: fingerprint.clone(), recomputed: moved.len() };
            w.append(&entry, About::default(), Some(RecordRef::Setting("rules_fingerprint".into())))?;
            Ok(())
        })?;
        Ok(moved)
    }

    pub fn deadline(&self, request: &DeadlineRequest) -> Result<DeadlineReport, ApiError> {
        let norms = self.norms()?;
        let mut report = compute_deadline(&*self.calendar()?, &norms.catalog, request)?;
        report.rule.version = report.rule.norm_id.as_deref().and_then(|id| norms.version(id));
        Ok(report)
    }

    /// Adds or replaces one year of the working-day calendar from a document in the format of
    /// assets/calendar/kz-YYYY.json.
    pub fn import_calendar(&mut self, file: &Path) -> Result<CalendarImportReport, ApiError> {
        let name = file.display().to_string();
        let size = std::fs::metadata(file).map_err(|e| ApiError::of_file(&name, &e))?.len();
        // A year's document is a few kilobytes; anything far larger is not one.
        if size > 1024 * 1024 {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{name}: {size} bytes is too large for a calendar year"),
            ));
        }
        let text = crate::disk::read_to_string(file)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{name}: {e}")))?;
        let year = YearCalendar::from_json(&text)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{name}: {e}")))?;
        let replaced = self.calendar()?.has_year(year.year);
        let sha256 = crate::api::sha256_hex(&text);
        let entry = Entry::CalendarImported { year: year.year, sha256: sha256.clone(), file: name.clone(), replaced };
        self.write(|w| {
            w.put_calendar_year(year.year, &text, &sha256, &name)?;
            w.append(&entry, About::default(), Some(RecordRef::CalendarYear(year.year)))?;
            Ok(())
        })?;
        self.calendar_cache.take();
        let recomputed = self.recompute_if_rules_changed()?;
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
                        + y.transfers.iter().filter(|t| !t.confirmed).count()
                        + y.pending.len(),
                    sha256: imported.map(|s| s.sha256.clone()),
                    source_file: imported.map(|s| s.source_file.clone()),
                }
            })
            .collect())
    }
}
