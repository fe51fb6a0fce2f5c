//! Deadline use cases: compute a due date with its explanation (from a period or a norm of the
//! catalog in force, with the norm's extension cap), manage the working-day calendar's years, and
//! notice when the rules in force (calendar or norms) changed, so open deadlines are recomputed.

pub mod norms;

use crate::api::session::handles::{Journal, Kernel};
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::api::session::handles::Read;
use crate::api::{ApiError, ErrorCode};
use crate::domain::calendar::{Calendar, YearCalendar};
use crate::domain::deadline::{
    compute, compute_counted, extension_cap, Counting, Deadline, DeadlineError, Period, Suspension, Warning,
};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::{Localized, Norm, NormsCatalog};
use crate::store::About;

/// The deadlines: a due date computed with its explanation, the calendars, the norms catalogue and its versions. `Session::deadlines` lends it; it holds the kernel and nothing else.
pub struct Deadlines<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Deadlines<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Deadlines<'s> {
        Deadlines { kernel }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

impl From<DeadlineError> for ApiError {
    fn from(e: DeadlineError) -> Self {
        ApiError::new(ErrorCode::InvalidInput, e.to_string())
    }
}

/// What `ekn deadline` asks: from when, by a norm of the catalogue (the version in force on that
/// day) or a bare period — or both, where the norm lets the act set its period — the day of the
/// decision to extend (for a cap counted from it), and the days the clock stood still.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineRequest {
    pub from: NaiveDate,
    pub norm: Option<String>,
    pub period: Option<Period>,
    pub decided: Option<NaiveDate>,
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
    /// The act, article, part, paragraph and edition the period rests on.
    pub legal_basis: Option<Localized>,
    /// False for a bare period and for norms not yet checked against the law's text.
    pub verified: bool,
    pub note: Option<Localized>,
    /// The norm's revision in this database (it rises each time an imported catalogue changes it).
    pub version: Option<u32>,
    /// The version of the law the deadline is counted by: in force on the trigger's date.
    pub law: Option<Norm>,
    /// Why that version applies, in words.
    pub why: Option<Localized>,
    /// The period is the one the act set, as the norm lets it (`set_by_act`), not the norm's own.
    pub set_by_act: bool,
}

impl RuleView {
    /// The rule of `norm` (the version in force on `trigger`), counted for `period`.
    pub fn of_norm(norm: &Norm, revision: Option<u32>, period: Period, trigger: NaiveDate) -> RuleView {
        let set_by_act = norm.period() != Some(period);
        RuleView {
            period,
            text: format!("{}: {} {}", norm.name.en, period.describe(), norm.trigger.en),
            norm_id: Some(norm.id.clone()),
            name: Some(norm.name.clone()),
            trigger: Some(norm.trigger.clone()),
            legal_basis: Some(norm.basis()),
            verified: norm.verified(),
            note: norm.note(),
            version: revision,
            why: Some(why_this_version(norm, trigger)),
            law: Some(norm.clone()),
            set_by_act,
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
            law: None,
            why: None,
            set_by_act: false,
        }
    }
}

/// Why the version of `norm` governs a trigger on `trigger`, in words.
fn why_this_version(norm: &Norm, trigger: NaiveDate) -> Localized {
    let v = &norm.version;
    let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    let (t, from) = (day(trigger), day(v.in_force_from));
    let to = v.in_force_to.map(day);
    if norm.before_first_version {
        return Localized {
            ru: format!("событие {t} раньше первой редакции в каталоге (с {from}): счёт по ней НЕ ПОДТВЕРЖДЁН для этой даты"),
            kk: format!("оқиға {t} каталогтағы бірінші редакциядан ({from} бастап) бұрын: ол бойынша есеп бұл күн үшін РАСТАЛМАҒАН"),
            en: format!("the event on {t} lies before the first version in the catalogue (from {from}): counting by it is UNCONFIRMED for this date"),
        };
    }
    let estimate = !v.in_force_from_confirmed;
    Localized {
        ru: format!(
            "редакция, действующая на день события {t}: с {from}{}{}",
            if estimate { " (дата вступления в силу — оценка)" } else { "" },
            to.as_ref().map_or_else(String::new, |to| format!(" по {to}"))
        ),
        kk: format!(
            "оқиға күні {t} қолданыстағы редакция: {from} бастап{}{}",
            if estimate { " (күшіне ену күні — бағалау)" } else { "" },
            to.as_ref().map_or_else(String::new, |to| format!(" {to} дейін"))
        ),
        en: format!(
            "the version in force on the event's day {t}: from {from}{}{}",
            if estimate { " (the first day in force is an estimate)" } else { "" },
            to.as_ref().map_or_else(String::new, |to| format!(" to {to}"))
        ),
    }
}

/// The answer of `ekn deadline`: `due` first, the latest date an extension may reach, then the
/// rule and the full explanation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DeadlineReport {
    pub due: NaiveDate,
    /// The cap of the norm's extensions (ISO date), or null when the rule allows none or counts it
    /// from a decision not given.
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

/// How a version counts its period, for the engine.
pub fn counting_of(norm: &Norm) -> Counting {
    Counting {
        first_day: norm.version.first_day,
        direction: norm.version.direction,
        registration: norm.version.registration,
        end_moves: norm.end_rule.as_ref().is_none_or(|r| r.moves),
    }
}

/// The period a deadline under `norm` runs for: the act's own where the norm lets the act set it
/// (never shorter than the law's minimum), else the norm's; refused in words otherwise.
pub fn period_under(
    norm: &Norm,
    given: Option<Period>,
    event: NaiveDate,
    calendar: &Calendar,
) -> Result<Period, ApiError> {
    match (given, norm.period(), &norm.version.set_by_act) {
        (None, Some(own), _) => Ok(own),
        (None, None, Some(_)) => Err(ApiError::invalid(format!(
            "norm {}: the period is the one the act sets ({}); give it",
            norm.id,
            norm.version.set_by_act.as_ref().map_or("", |s| s.text.en.as_str())
        ))),
        (None, None, None) => Err(ApiError::invalid(format!(
            "norm {} sets no period in days ({}); give the period the prosecutor named",
            norm.id,
            norm.version.note_en.as_deref().unwrap_or("no period")
        ))),
        (Some(p), own, set) => {
            p.check()?;
            match (own, set) {
                (Some(own), None) if own != p => Err(ApiError::invalid(format!(
                    "norm {} sets {} itself; the act cannot set another (give the period without the norm to count a period by hand)",
                    norm.id,
                    own.describe()
                ))),
                (None, None) | (Some(_), None) => Ok(p),
                (_, Some(set)) => {
                    if let Some(min) = set.min {
                        let counting = counting_of(norm);
                        let given_due = compute_counted(calendar, event, p, &[], counting)?.due;
                        let min_due = compute_counted(calendar, event, min, &[], counting)?.due;
                        if given_due < min_due {
                            return Err(ApiError::invalid(format!(
                                "norm {}: the act may set a period of at least {} (due no earlier than {min_due}); {} ends on {given_due}",
                                norm.id,
                                min.describe(),
                                p.describe()
                            )));
                        }
                    }
                    Ok(p)
                }
            }
        }
    }
}

/// Computes a deadline under a norm's version (with its cap and the warnings of every part that
/// is not confirmed law) or a bare period. Shared by `ekn deadline`, task details and the case
/// card, so every explanation says the same things. `decided` is the day of the decision to
/// extend, for a cap counted from it.
pub fn explain(
    calendar: &Calendar,
    norm: Option<&Norm>,
    period: Period,
    event: NaiveDate,
    original_due: Option<NaiveDate>,
    decided: Option<NaiveDate>,
    suspensions: &[Suspension],
) -> Result<Deadline, ApiError> {
    let Some(norm) = norm else {
        let mut deadline = compute(calendar, event, period, suspensions)?;
        deadline.warnings.insert(0, Warning::HandPeriod);
        return Ok(deadline);
    };
    let mut deadline = compute_counted(calendar, event, period, suspensions, counting_of(norm))?;
    let mut warnings = Vec::new();
    if !norm.verified() {
        warnings.push(Warning::UnverifiedNorm { norm_id: norm.id.clone() });
    }
    let v = &norm.version;
    if norm.before_first_version {
        warnings.push(Warning::BeforeFirstVersion { norm_id: norm.id.clone(), first_from: v.in_force_from });
    } else if !v.in_force_from_confirmed && v.in_force_certain_from.is_none_or(|certain| event < certain) {
        warnings.push(Warning::UnconfirmedInForce {
            norm_id: norm.id.clone(),
            from: v.in_force_from,
            certain_from: v.in_force_certain_from,
        });
    }
    if let (Some(raw), Some(rule)) = (deadline.raw_end, &norm.end_rule) {
        if !rule.confirmed && !calendar.is_working(raw) {
            warnings.push(Warning::UnconfirmedEndRule { norm_id: norm.id.clone(), raw_end: raw, due: deadline.due });
        }
    }
    for caveat in norm.caveats.iter().filter(|c| event >= c.from) {
        warnings.push(Warning::Caveat {
            norm_id: norm.id.clone(),
            from: caveat.from,
            text_ru: caveat.text.ru.clone(),
            text_kk: caveat.text.kk.clone(),
            text_en: caveat.text.en.clone(),
        });
    }
    if let Some(cap) = &norm.cap {
        let original = original_due.unwrap_or(deadline.due);
        if let Some((cap_date, cap_warnings)) = extension_cap(calendar, cap, event, original, decided, suspensions)? {
            if !cap.verified {
                warnings.push(Warning::UnverifiedCap { norm_id: norm.id.clone() });
            }
            if !cap.end_confirmed && cap_date.date != cap_date.raw_date {
                warnings.push(Warning::UnconfirmedCapEnd { norm_id: norm.id.clone() });
            }
            for w in cap_warnings {
                if !deadline.warnings.contains(&w) {
                    deadline.warnings.push(w);
                }
            }
            deadline.extension_cap = Some(cap_date);
        } else if !cap.verified {
            warnings.push(Warning::UnverifiedCap { norm_id: norm.id.clone() });
        }
    }
    warnings.append(&mut deadline.warnings);
    deadline.warnings = warnings;
    Ok(deadline)
}

/// Where a trigger falls in the unconfirmed days between a version's estimated first day and the
/// day it is certain, the due date under the version before: which of the two governs is not
/// confirmed, so both are said.
pub fn boundary_warning(
    calendar: &Calendar,
    catalog: &NormsCatalog,
    norm: &Norm,
    period: Period,
    event: NaiveDate,
) -> Option<Warning> {
    let v = &norm.version;
    if v.in_force_from_confirmed || v.in_force_certain_from.is_none_or(|certain| event >= certain) {
        return None;
    }
    let entry = catalog.entry(&norm.id)?;
    let index = entry.versions.iter().position(|w| w.in_force_from == v.in_force_from)?;
    let previous = catalog.resolve(entry, index.checked_sub(1)?, false);
    let other_period = if norm.period() == Some(period) { previous.period()? } else { period };
    let other = compute_counted(calendar, event, other_period, &[], counting_of(&previous)).ok()?;
    Some(Warning::VersionBoundary {
        norm_id: norm.id.clone(),
        other_from: previous.version.in_force_from,
        other_due: other.due,
    })
}

/// Computes a deadline on the given calendar and norms catalogue.
pub fn compute_deadline(
    calendar: &Calendar,
    catalog: &NormsCatalog,
    request: &DeadlineRequest,
) -> Result<DeadlineReport, ApiError> {
    let (rule, norm, period) = match (&request.norm, request.period) {
        (None, Some(period)) => {
            period.check()?;
            (RuleView::of_period(period, request.from), None, period)
        }
        (None, None) => return Err(ApiError::invalid("give a period or a norm")),
        (Some(id), given) => {
            let norm = catalog.at(id, request.from).map_err(|_| {
                let known: Vec<&str> = catalog.norms.iter().map(|n| n.id.as_str()).collect();
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("no norm '{id}' in the catalog (known: {})", known.join(", ")),
                )
            })?;
            let period = period_under(&norm, given, request.from, calendar)?;
            (RuleView::of_norm(&norm, None, period, request.from), Some(norm), period)
        }
    };
    let mut explanation =
        explain(calendar, norm.as_ref(), period, request.from, None, request.decided, &request.suspensions)?;
    if let Some(w) = norm.as_ref().and_then(|n| boundary_warning(calendar, catalog, n, period, request.from)) {
        explanation.warnings.insert(0, w);
    }
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

impl Deadlines<'_> {
    /// A digest of the rules in force: every calendar document (shipped and imported), the
    /// statutory rules, and the norms catalog. When it differs from the one recorded, a rule
    /// changed (a new release, an imported calendar or catalog) and open deadlines are recomputed,
    /// each move logged.
    pub(in crate::api) fn recompute_if_rules_changed(&mut self) -> Result<Vec<crate::api::Recomputed>, ApiError> {
        let calendar = self.read().calendar()?;
        let norms = self.read().norms()?;
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
        let recorded = self.read().store().setting("rules_fingerprint")?;
        if recorded.as_deref() == Some(fingerprint.as_str()) {
            return Ok(Vec::new());
        }
        // A database from before the norms were versioned recorded only its calendar's digest.
        let known_before = recorded.is_some() || self.read().store().setting("calendar_fingerprint")?.is_some();
        let moved = if known_before {
            // Tasks of a norm that left the catalogue go to the one that replaced it first, so
            // they are recomputed under it.
            self.kernel.lend().tasks().move_tasks_of_retired_norms()?;
            self.kernel.lend().tasks().recompute_open_deadlines()?
        } else {
            Vec::new()
        };
        let stamp = self.read().system_stamp();
        self.journal().run_as(stamp, |w| {
            w.set_setting("rules_fingerprint", &fingerprint)?;
            let entry = Entry::RulesChanged { fingerprint: fingerprint.clone(), recomputed: moved.len() };
            w.append(&entry, About::default(), Some(RecordRef::Setting("rules_fingerprint".into())))?;
            Ok(())
        })?;
        Ok(moved)
    }

    pub fn deadline(&self, request: &DeadlineRequest) -> Result<DeadlineReport, ApiError> {
        let norms = self.read().norms()?;
        let mut report = compute_deadline(&*self.read().calendar()?, &norms.catalog, request)?;
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
        let replaced = self.read().calendar()?.has_year(year.year);
        let sha256 = crate::api::sha256_hex(&text);
        let entry = Entry::CalendarImported { year: year.year, sha256: sha256.clone(), file: name.clone(), replaced };
        self.journal().run(|w| {
            w.put_calendar_year(year.year, &text, &sha256, &name)?;
            w.append(&entry, About::default(), Some(RecordRef::CalendarYear(year.year)))?;
            Ok(())
        })?;
        let recomputed = self.recompute_if_rules_changed()?;
        Ok(CalendarImportReport { year: year.year, sha256, replaced, recomputed })
    }

    pub fn calendar_years(&self) -> Result<Vec<CalendarYearView>, ApiError> {
        let stored = self.read().store().calendar_years()?;
        let calendar = self.read().calendar()?;
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

impl Read<'_> {
    /// The shipped calendar with the imported years laid over it (built once per session).
    pub fn calendar(&self) -> Result<std::rc::Rc<Calendar>, ApiError> {
        if let Some(cached) = self.memo().calendar.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let calendar = std::rc::Rc::new(self.load_calendar()?);
        *self.memo().calendar.borrow_mut() = Some(calendar.clone());
        Ok(calendar)
    }

    fn load_calendar(&self) -> Result<Calendar, ApiError> {
        let mut calendar = Calendar::builtin();
        for stored in self.store().calendar_years()? {
            let year = YearCalendar::from_json(&stored.document).map_err(|e| {
                ApiError::new(ErrorCode::Internal, format!("the stored calendar for {} is damaged: {e}", stored.year))
            })?;
            calendar.set_year(year);
        }
        Ok(calendar)
    }
}
