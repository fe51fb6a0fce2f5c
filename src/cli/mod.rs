//! Rendering api results for a terminal: readable text by default, the stable JSON with `--json`,
//! and a progress bar on stderr while long imports run (only when stderr is a terminal).

mod acts;
mod analytics;
mod appeals;
mod evidence;
mod tasks;

use std::fmt::Write as _;

use ekn::api::{
    ApiError, CalendarImportReport, CalendarYearView, CardBench, DeadlineReport, DeadlineRequest, ErrorCode,
    InitReport, JournalLine, JournalVerification, NormsImportReport, NormsList, RuleChoice, SearchHits, Status,
};
use ekn::domain::card::Card;
use ekn::domain::deadline::{Period, SkipReason, Suspension, Unit};
use ekn::generator::GeneratedSet;
use ekn::ingest::{ImportReport, Progress};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub use acts::{run_act, ActAction};
pub use analytics::{
    render_anomalies, render_anomaly, render_plan_score, render_risk, render_risk_training, stream_plan_json,
};
pub use appeals::{
    render_appeal_card, render_classified, render_heatmap, render_models, render_queue, render_training, render_triage,
    step_reporter,
};
pub use evidence::{render_attached, render_checklist, render_evidence_pack, render_evidence_verification};
pub use tasks::{render_dashboard, render_desk, render_reminders, render_slips, run_task, today, TaskAction};

/// Prints `value` as pretty JSON or through its text renderer.
pub fn print<T: Serialize>(json: bool, value: &T, render: fn(&T) -> String) -> Result<(), ApiError> {
    if json {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| ApiError { code: ErrorCode::Internal, message: e.to_string() })?;
        out(&format!("{text}\n"));
    } else {
        out(&render(value));
    }
    Ok(())
}

/// Writes to standard output. When the reader has gone (`ekn … | head`), the command's output is no
/// longer wanted: it ends quietly with success instead of panicking as `print!` would.
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => eprintln!("ekn: could not write the output: {e}"),
    }
}

/// One progress bar per file being imported.
pub struct ProgressBars {
    current: Option<(String, ProgressBar)>,
}

impl ProgressBars {
    pub fn new() -> Self {
        ProgressBars { current: None }
    }

    pub fn update(&mut self, name: &str, p: Progress) {
        // After the rows, an appeals import runs the pipeline: a second bar, counted in appeals.
        if p.triage_total > 0 {
            let template = "{msg} [{bar:30}] {pos}/{len} appeals {per_sec} eta {eta}";
            self.show(&format!("{name}: pipeline"), template, p.triage_total, p.triaged);
        } else {
            let template = "{msg} [{bar:30}] {bytes}/{total_bytes} {per_sec} eta {eta}";
            self.show(name, template, p.bytes_total, p.bytes_done);
        }
    }

    /// Moves the bar labelled `label` to `position`, starting it (and finishing the previous one)
    /// when the label changes.
    fn show(&mut self, label: &str, template: &str, length: u64, position: u64) {
        if self.current.as_ref().is_none_or(|(n, _)| n != label) {
            self.finish();
            let bar = ProgressBar::new(length);
            bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
            bar.set_message(label.to_string());
            self.current = Some((label.to_string(), bar));
        }
        if let Some((_, bar)) = &self.current {
            bar.set_position(position);
        }
    }

    pub fn finish(&mut self) {
        if let Some((_, bar)) = self.current.take() {
            bar.finish_and_clear();
        }
    }
}

pub fn render_init(r: &InitReport) -> String {
    let mut out = format!(
        "Database: {}\nKey file: {} (keep it with the database; it keys applicants' pseudonyms)\n",
        r.database, r.key_file
    );
    for import in &r.imports {
        out.push_str(&render_import(import));
    }
    let c = &r.counts;
    let _ = writeln!(
        out,
        "Objects: {}, inspections: {}, appeals: {}, risk scores: {}",
        c.subjects, c.inspections, c.appeals, c.risk_scores
    );
    out
}

pub fn render_import(r: &ImportReport) -> String {
    let mut out = format!(
        "Imported {} ({}) as import #{}\n  format: {}\n  sha256: {}\n  rows: {} read, {} inserted, {} updated, {} unchanged, {} rejected ({:.2} s)\n",
        r.file,
        r.kind.code(),
        r.import_id,
        r.format,
        r.sha256,
        r.rows_read,
        r.inserted,
        r.updated,
        r.unchanged,
        r.rejected,
        r.seconds
    );
    if let Some(path) = &r.rejected_file {
        let _ = writeln!(out, "  rejected rows and reasons: {path}");
    }
    if !r.ignored_columns.is_empty() {
        let _ = writeln!(out, "  ignored columns: {}", r.ignored_columns.join(", "));
    }
    if r.masked_iins + r.masked_phones + r.masked_emails + r.masked_names + r.masked_addresses > 0 {
        let _ = writeln!(
            out,
            "  personal data masked in texts: {} IIN, {} phone, {} e-mail, {} name, {} address",
            r.masked_iins, r.masked_phones, r.masked_emails, r.masked_names, r.masked_addresses
        );
    }
    if let Some(id) = r.same_file_as_import {
        let _ = writeln!(out, "  note: the same file (same SHA-256) was already imported as import #{id}");
    }
    if let Some(t) = &r.triage {
        let _ = writeln!(
            out,
            "  pipeline: {} appeal(s) triaged by {} in {:.1} s — {} decision(s), {} SLA task(s), {} linked as duplicates",
            t.appeals,
            t.model.as_deref().unwrap_or("rules only (no classifier trained)"),
            t.seconds,
            t.decisions,
            t.tasks,
            t.duplicates
        );
    }
    out
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), |x| x.to_string())
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{:.1}%", x * 100.0))
}

pub fn render_card(card: &Card) -> String {
    let s = &card.subject;
    let i = &card.indicators;
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", s.bin, s.name.as_deref().unwrap_or("(name unknown)"));
    let _ = writeln!(
        out,
        "  region: {}   KATO: {}   OKED: {} {}",
        s.region.as_ref().map_or("—".into(), |r| format!("{} / {}", r.name_ru, r.name_kk)),
        opt(&s.kato),
        opt(&s.oked),
        s.oked_section.as_ref().map_or(String::new(), |o| format!("({} {})", o.code, o.name_ru))
    );
    let _ = writeln!(out, "\nIndicators");
    let _ = writeln!(
        out,
        "  inspections: {} ({} to {}), {} per year on average",
        i.inspections_total,
        opt(&i.first_inspection),
        opt(&i.last_inspection),
        opt(&i.mean_inspections_per_year)
    );
    let years: Vec<String> = i.inspections_per_year.iter().map(|y| format!("{}: {}", y.year, y.count)).collect();
    if !years.is_empty() {
        let _ = writeln!(out, "  by year: {}", years.join(", "));
    }
    let _ = writeln!(
        out,
        "  planned {}, unplanned {}, preventive visits {}; unplanned share {}; with violations {}",
        i.by_kind.planned,
        i.by_kind.unplanned,
        i.by_kind.preventive_visit,
        percent(i.share_unplanned),
        percent(i.share_with_violations)
    );
    let _ = writeln!(
        out,
        "  violations {}, inspections with sanctions {}, fines {:.2} KZT",
        i.violations_total, i.inspections_with_sanctions, i.fines_total_kzt
    );
    let _ = writeln!(
        out,
        "  inspections appealed {}, declared illegal {}",
        i.inspections_appealed, i.inspections_declared_illegal
    );
    let o = &i.appeals_by_outcome;
    let _ = writeln!(
        out,
        "  appeals {}: satisfied {}, refused {}, explained {}, pending {}; repeats {}",
        i.appeals_total, o.satisfied, o.refused, o.explained, o.pending, i.appeals_repeated
    );
    let _ = writeln!(out, "\nRisk");
    if card.risk.is_empty() {
        let _ = writeln!(out, "  no scores");
    }
    for r in &card.risk {
        let factors: Vec<String> = r.factors.iter().map(|f| format!("{} {}", f.name, f.value)).collect();
        let _ = writeln!(
            out,
            "  {}: {:.1} ({:?}) on {}; factors: {}",
            r.model,
            r.score,
            r.degree,
            r.computed,
            factors.join(", ")
        );
    }
    let _ = writeln!(out, "\nInspections (oldest first)");
    for x in &card.inspections {
        let _ = writeln!(
            out,
            "  {} {:<16} {:?} {} | violations {} | {}{}{}",
            x.start_date,
            x.registry_no,
            x.kind,
            x.control_body,
            x.violations,
            x.sanctions.as_deref().unwrap_or("no measures"),
            if x.appealed == Some(true) { " | appealed" } else { "" },
            if x.declared_illegal == Some(true) { " | DECLARED ILLEGAL" } else { "" }
        );
    }
    let _ = writeln!(out, "\nAppeals (oldest first)");
    for a in &card.appeals {
        let _ = writeln!(
            out,
            "  {} {} [{}] {} → {}{}",
            a.received,
            a.appeal_no,
            a.category.as_deref().unwrap_or("—"),
            a.status.as_deref().unwrap_or("—"),
            a.outcome.map_or("—", |o| o.code()),
            a.repeats.as_ref().map_or(String::new(), |r| format!(" (repeats {r})"))
        );
        if let Some(text) = &a.text {
            let short: String = text.chars().take(150).collect();
            let _ = writeln!(out, "      {short}{}", if text.chars().count() > 150 { "…" } else { "" });
        }
    }
    out
}

pub fn render_search(h: &SearchHits) -> String {
    let mut out = format!("Objects ({})\n", h.subjects.len());
    for s in &h.subjects {
        let _ = writeln!(
            out,
            "  {}  {}  region {}  inspections {}",
            s.bin,
            s.name.as_deref().unwrap_or("—"),
            opt(&s.region_code),
            s.inspections
        );
    }
    let _ = writeln!(out, "Appeals ({})", h.appeals.len());
    for a in &h.appeals {
        let _ = writeln!(
            out,
            "  {} {} object {} [{}]\n      {}",
            a.received,
            a.appeal_no,
            opt(&a.subject_bin),
            opt(&a.category),
            a.excerpt
        );
    }
    out
}

pub fn render_status(s: &Status) -> String {
    let c = &s.counts;
    let mut out = format!(
        "Database: {} (schema {}{})\nObjects: {}, inspections: {}, appeals: {}, risk scores: {}, control bodies: {}\nImports:\n",
        s.database,
        s.schema_version,
        if s.demo { ", demo data" } else { "" },
        c.subjects,
        c.inspections,
        c.appeals,
        c.risk_scores,
        c.control_bodies
    );
    for i in &s.imports {
        let _ = writeln!(
            out,
            "  #{} {} {} {} rows ({} new, {} updated, {} unchanged, {} rejected), sha256 {}…, source: {}",
            i.id,
            i.started_at,
            i.kind,
            i.rows_read,
            i.inserted,
            i.updated,
            i.unchanged,
            i.rejected,
            &i.sha256[..12],
            i.source
        );
    }
    out
}

pub fn render_fixtures(g: &GeneratedSet) -> String {
    format!(
        "Generated in {}: {} objects, {} inspections, {} appeals, {} risk scores\n  {}\n",
        g.directory,
        g.subjects,
        g.inspections,
        g.appeals,
        g.risk_scores,
        g.files.join("\n  ")
    )
}

pub fn render_bench(b: &CardBench) -> String {
    let busiest: Vec<String> = b
        .busiest
        .iter()
        .map(|c| format!("{} inspections, {} appeals: {:.3} ms", c.inspections, c.appeals, c.ms))
        .collect();
    format!(
        "Card assembly over {} objects ({:.1} inspections per card on average)\n  p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms\n  busiest objects: {}\n  database: {} objects, {} inspections, {} appeals\n",
        b.cards,
        b.mean_inspections_per_card,
        b.p50_ms,
        b.p99_ms,
        b.max_ms,
        busiest.join("; "),
        b.counts.subjects,
        b.counts.inspections,
        b.counts.appeals
    )
}

/// Builds a deadline request from the command line's words; dates as yyyy-mm-dd or dd.mm.yyyy.
pub fn deadline_request(
    from: &str,
    working_days: Option<u32>,
    calendar_days: Option<u32>,
    months: Option<u32>,
    norm: Option<String>,
    suspend: &[String],
) -> Result<DeadlineRequest, ApiError> {
    let date = |text: &str, what: &str| {
        ekn::ingest::values::parse_date(text)
            .map_err(|reason| ApiError { code: ErrorCode::InvalidInput, message: format!("--{what}: {reason}") })
    };
    let rule = match (working_days, calendar_days, months, norm) {
        (Some(n), _, _, _) => RuleChoice::Period(Period { amount: n, unit: Unit::WorkingDays }),
        (_, Some(n), _, _) => RuleChoice::Period(Period { amount: n, unit: Unit::CalendarDays }),
        (_, _, Some(n), _) => RuleChoice::Period(Period { amount: n, unit: Unit::Months }),
        (_, _, _, Some(id)) => RuleChoice::Norm(id),
        _ => return Err(ApiError { code: ErrorCode::InvalidInput, message: "give a period or a norm".into() }),
    };
    let suspensions = suspend
        .iter()
        .map(|text| {
            let (a, b) = text.split_once("..").ok_or_else(|| ApiError {
                code: ErrorCode::InvalidInput,
                message: format!("--suspend {text}: expected FROM..TO, e.g. 2024-03-20..2024-03-25"),
            })?;
            Ok(Suspension { from: date(a, "suspend")?, to: date(b, "suspend")? })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(DeadlineRequest { from: date(from, "from")?, rule, suspensions })
}

pub fn render_deadline(r: &DeadlineReport) -> String {
    let e = &r.explanation;
    let mut out = format!("Due: {} ({})\n", r.due, r.due.format("%A"));
    let _ = writeln!(out, "Rule: {}", r.rule.text);
    if let Some(basis) = &r.rule.legal_basis {
        let _ = writeln!(out, "  legal basis: {}{}", basis.en, if r.rule.verified { "" } else { " — UNCONFIRMED" });
    }
    if let Some(note) = &r.rule.note {
        let _ = writeln!(out, "  note: {}", note.en);
    }
    match &e.extension_cap {
        Some(cap) => {
            let _ = writeln!(out, "{}", describe_cap(cap));
        }
        None if r.rule.norm_id.is_some() => {
            let _ = writeln!(out, "Extension: the norm allows none");
        }
        None => {}
    }
    let _ = writeln!(out, "Event {}; the period starts the day after, on {}", e.event, e.start);
    if let Some(raw) = e.raw_end {
        let _ = writeln!(out, "The count reaches {raw}{}", if raw == e.due { ", a working day" } else { "" });
    }
    for s in &e.suspensions {
        let _ = writeln!(out, "Clock stopped from {} to {}", s.from, s.to);
    }
    if e.skipped.is_empty() {
        let _ = writeln!(out, "No day was skipped.");
    } else {
        let _ = writeln!(out, "Days skipped:");
        for day in &e.skipped {
            let why = match &day.reason {
                SkipReason::Calendar(reason) => reason.describe(),
                SkipReason::Suspended { .. } => "clock stopped (suspension)".into(),
            };
            let _ = writeln!(out, "  {} {}  {why}", day.date, day.date.format("%a"));
        }
    }
    for w in &e.warnings {
        let _ = writeln!(out, "WARNING: {}", w.text());
    }
    out
}

fn anchor_words(anchor: ekn::domain::deadline::CapAnchor) -> &'static str {
    match anchor {
        ekn::domain::deadline::CapAnchor::Event => "the event",
        ekn::domain::deadline::CapAnchor::OriginalDue => "the original due date",
    }
}

/// The extension cap in one line: the date, what it counts from, and where a non-working end lands.
pub fn describe_cap(cap: &ekn::domain::deadline::CapDate) -> String {
    use ekn::domain::deadline::NonWorkingEnd;
    let rule = &cap.rule;
    let moved = if cap.raw_date == cap.date {
        String::new()
    } else {
        let way = match rule.on_non_working_day {
            NonWorkingEnd::NextWorkingDay => "moved to the next working day",
            NonWorkingEnd::PreviousWorkingDay => "moved back to the last working day",
        };
        format!("; {} is a day off, {way} ({})", cap.raw_date, rule.non_working_basis)
    };
    format!(
        "Extension cap: {} — {} from {} ({}){moved}; rule: {}{}",
        cap.date,
        rule.period.describe(),
        anchor_words(rule.anchor),
        cap.anchor_date,
        rule.text_en,
        if rule.verified { "" } else { " — UNCONFIRMED" }
    )
}

pub fn render_calendar_years(years: &Vec<CalendarYearView>) -> String {
    let mut out = String::from("Working-day calendar of Kazakhstan\n");
    for y in years {
        let _ = writeln!(
            out,
            "  {}  {:<8} {} holidays, {} moved days off, {} transfers{}{}",
            y.year,
            y.origin,
            y.holidays,
            y.moved_days_off,
            y.transfers,
            if y.unconfirmed > 0 { format!(", {} unconfirmed", y.unconfirmed) } else { String::new() },
            y.source_file.as_ref().map_or(String::new(), |f| format!(" (from {f})"))
        );
    }
    out
}

pub fn render_norms(list: &NormsList) -> String {
    let mut out = format!(
        "Norms catalog in force: {}{} (sha256 {}…)\n",
        list.origin,
        list.source_file.as_ref().map_or(String::new(), |f| format!(" from {f}")),
        &list.sha256[..16]
    );
    if list.shipped_differs {
        out.push_str("  note: this release ships a different catalog; the imported one stays in force\n");
    }
    for n in &list.norms {
        let _ = writeln!(
            out,
            "  {:<26} v{} {:<11} {:<18} {}",
            n.id,
            n.version,
            if n.verified { "confirmed" } else { "UNCONFIRMED" },
            n.period.describe(),
            n.name.en
        );
        let _ = writeln!(out, "      basis: {}", n.basis.en);
        if let Some(cap) = &n.extension_cap {
            let _ = writeln!(
                out,
                "      extension cap: {} from {} ({})",
                cap.period.describe(),
                anchor_words(cap.anchor),
                cap.text_en
            );
        }
        if let Some(note) = &n.note {
            let _ = writeln!(out, "      note: {}", note.en);
        }
    }
    out
}

pub fn render_norms_import(r: &NormsImportReport) -> String {
    let mut out = format!("Norms catalog imported: {} norms (sha256 {}…)\n", r.norms, &r.sha256[..16]);
    for c in &r.changes {
        let _ = writeln!(
            out,
            "  {} {}{}",
            c.change,
            c.id,
            match (c.from_version, c.to_version) {
                (Some(a), Some(b)) => format!(" v{a} → v{b}"),
                (None, Some(b)) => format!(" v{b}"),
                (Some(a), None) => format!(" (was v{a})"),
                _ => String::new(),
            }
        );
    }
    for m in &r.recomputed {
        let _ = writeln!(out, "  task #{} due {} → {}", m.task_id, m.from, m.to);
    }
    if r.changes.is_empty() {
        out.push_str("  no norm changed\n");
    }
    out
}

pub fn render_journal(lines: &Vec<JournalLine>) -> String {
    let mut out = String::new();
    for l in lines {
        let about = [
            l.subject_bin.as_ref().map(|b| format!("object {b}")),
            l.appeal_no.as_ref().map(|a| format!("appeal {a}")),
            l.task_id.map(|t| format!("task #{t}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let _ = writeln!(
            out,
            "#{:<6} {} {} ({}) {}{}: {}",
            l.seq,
            l.at,
            l.person,
            l.face,
            l.kind,
            if about.is_empty() { String::new() } else { format!(" [{about}]") },
            l.detail
        );
    }
    if lines.is_empty() {
        out.push_str("No entries.\n");
    }
    out
}

pub fn render_verification(v: &JournalVerification) -> String {
    let mut out = format!(
        "Journal: {} entries, {} records and {} tables checked in {:.2} s\n  head {}\n  Merkle root {}\n",
        v.entries,
        v.records_checked,
        v.tables_checked,
        v.seconds,
        v.head_hash.as_deref().unwrap_or("—"),
        v.merkle_root
    );
    match &v.checkpoint {
        Some(cp) => {
            let _ =
                writeln!(out, "  signed checkpoint: {} entries at {} (key {}…)", cp.size, cp.at, &cp.public_key[..16]);
        }
        None => out.push_str("  no valid signed checkpoint\n"),
    }
    if v.ok {
        out.push_str("All holds: the chain is intact, the journal extends its signed checkpoint, and every record matches its last entry.\n");
    }
    for p in &v.problems {
        let _ = writeln!(out, "PROBLEM: {}", p.text());
    }
    out
}

pub fn render_calendar_import(r: &CalendarImportReport) -> String {
    format!("Calendar {} {} (sha256 {})\n", r.year, if r.replaced { "replaced" } else { "added" }, &r.sha256[..16])
}
