//! `ekn office join|status|dashboard|themes|scores|effect|access-log|conflicts|people|resolve` and `ekn sync`: the workstation's link to its
//! office on the command line. The password is read from `EKN_OFFICE_PASSWORD` or asked without echo, used once to log
//! in, and never stored.

use clap::Subcommand;
use std::fmt::Write as _;

use ekn::api::office::{
    AccessLogParams, AccessLogView, JoinParams, OfficeAnomaliesView, OfficeAppealsMapView, OfficeDashboardView,
    OfficeEffectView, OfficeReport, OfficeStatus, OfficeThemeScanView, OfficeThemeScoresView, ReportFormat,
    ResolveParams, SyncReport,
};
use ekn::api::{ApiError, ErrorCode, Session};
use ekn::domain::sync::ConflictNotice;
use ekn::i18n::{tr, tr_count, tr_with};

#[derive(Subcommand)]
pub enum OfficeAction {
    /// Join the office at URL as NAME: the workstation is enrolled with its journal's signing key,
    /// and from then on every write is authored by NAME.
    Join {
        url: String,
        #[arg(long)]
        user: String,
        /// What to call this machine in the office (default: its host name).
        #[arg(long)]
        name: Option<String>,
        /// The office's own CA certificate (PEM), when no public CA signed its certificate (an
        /// internal or national CA): trusted alone for this office.
        #[arg(long, value_name = "FILE", conflicts_with = "pin")]
        ca: Option<std::path::PathBuf>,
        /// The SHA-256 fingerprint of the office's certificate as the administrator announced it:
        /// this certificate, and no other, is the office's.
        #[arg(long, value_name = "SHA256")]
        pin: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The link: office, person, what waits to be sent, when the last sync was.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The office's deadline figures over every workstation in your districts, as the office
    /// computes them for your role (the last ones kept when the office is out of reach).
    Dashboard {
        #[command(flatten)]
        out: ReportOut,
    },
    /// The office's scan of the themes and the category × district cells in your districts, over
    /// every workstation's themes and appeals (the last one kept when the office is out of reach).
    Themes {
        #[command(flatten)]
        out: ReportOut,
    },
    /// The office's ranking of the themes in your districts for the plan, each score in its parts,
    /// over every workstation's themes and appeals (the last one kept when the office is out of reach).
    Scores {
        #[arg(long)]
        json: bool,
    },
    /// The anomalies of inspection practice the office's detectors find over every workstation's
    /// appeals and its registry, as your role may read them (your districts' units; an analyst
    /// every unit without its objects); the last list kept when the office is out of reach.
    Anomalies {
        #[command(flatten)]
        out: ReportOut,
    },
    /// The appeals every workstation handed over in your districts, counted by district (open, received
    /// in the last 90 days, all), as the Appeals screen's map shows them in office scope.
    Appeals {
        #[arg(long)]
        json: bool,
    },
    /// The office's effect of acts in your districts over every workstation: the recorded outcomes,
    /// what the next inspection and the appeals say after each act, the estimate (the last figures
    /// kept when the office is out of reach).
    Effect {
        #[command(flatten)]
        out: ReportOut,
    },
    /// Who looked at whom: the office's access log as it lets you read it (a supervisor: your
    /// districts' lines; an administrator: all), newest first, with what could be checked of its chain.
    AccessLog {
        /// Only the lines about this subject (a BIN, an appeal's number)
        #[arg(long)]
        subject: Option<String>,
        /// Only the lines of this person's looking
        #[arg(long)]
        person: Option<String>,
        /// How many of the newest lines (1–10000)
        #[arg(long, default_value_t = 500)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// A supervisor's conflicts in their districts, as the office holds them now: each entry
    /// with its author and the date it set, the date in force, and how it was resolved.
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Whom a supervisor may give work to (`ekn task assign ID --to NAME`): the office's
    /// prosecutors and supervisors whose districts meet theirs, with the open tasks each holds.
    People {
        #[arg(long)]
        json: bool,
    },
    /// Resolve conflict ID (a supervisor): keep the date of the entry numbered KEEP in the
    /// office's order (`ekn office conflicts` lists them), with a reason.
    Resolve {
        id: i64,
        #[arg(long)]
        keep: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn password() -> Result<String, ApiError> {
    if let Ok(p) = std::env::var("EKN_OFFICE_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password(format!("{}: ", tr("cli.office.password_prompt")))
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read the password: {e}")))
}

pub fn run(session: &mut Session, action: OfficeAction) -> Result<(), ApiError> {
    match action {
        OfficeAction::Join { url, user, name, ca, pin, json } => {
            let tls_ca = match ca {
                Some(path) => Some(
                    ekn::api::disk::read_to_string(&path)
                        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?,
                ),
                None => None,
            };
            let params = JoinParams { url, user, password: password()?, workstation_name: name, tls_ca, tls_pin: pin };
            let status = session.office_join(&params)?;
            super::print(json, &status, render_status)
        }
        OfficeAction::Status { json } => super::print(json, &session.office().status()?, render_status),
        OfficeAction::Dashboard { out } => {
            export(session, OfficeReport::Dashboard, &out)?;
            super::print(out.json, &session.office().dashboard()?, render_office_dashboard)
        }
        OfficeAction::Themes { out } => {
            export(session, OfficeReport::Themes, &out)?;
            super::print(out.json, &session.office().theme_scan()?, render_office_themes)
        }
        OfficeAction::Scores { json } => super::print(json, &session.office().theme_scores()?, render_office_scores),
        OfficeAction::Effect { out } => {
            export(session, OfficeReport::Effect, &out)?;
            super::print(out.json, &session.office().effect()?, render_office_effect)
        }
        OfficeAction::Anomalies { out } => {
            export(session, OfficeReport::Anomalies, &out)?;
            super::print(out.json, &session.office().anomalies()?, render_office_anomalies)
        }
        OfficeAction::Appeals { json } => super::print(json, &session.office().appeals_map()?, render_office_appeals),
        OfficeAction::AccessLog { subject, person, limit, json } => {
            let params = AccessLogParams { subject, person, limit: Some(limit) };
            super::print(json, &session.office().access_log(&params)?, render_access_log)
        }
        OfficeAction::Conflicts { json } => super::print(json, &session.office().conflicts()?, |list| {
            if list.is_empty() {
                return format!("{}\n", tr("cli.office.no_conflicts"));
            }
            list.iter().map(render_conflict).collect::<Vec<_>>().join("\n")
        }),
        OfficeAction::People { json } => super::print(json, &session.office().people()?, |people| {
            people
                .iter()
                .map(|c| {
                    let vars: [(&str, &dyn std::fmt::Display); 4] = [
                        ("name", &c.name),
                        ("role", &c.role),
                        ("districts", &c.districts.join(",")),
                        ("open", &c.open_tasks),
                    ];
                    format!("{}\n", tr_with("cli.office.person_line", &vars))
                })
                .collect::<String>()
        }),
        OfficeAction::Resolve { id, keep, reason, json } => {
            let notice = session.office().resolve(&ResolveParams { id, keep, reason })?;
            super::print(json, &notice, render_conflict)
        }
    }
}

/// One line on a conflict: open with the date in force, or how it was resolved.
pub fn conflict_headline(c: &ConflictNotice) -> String {
    let due = c.due_in_force.map_or_else(|| "—".to_string(), ekn::i18n::local_date);
    match (&c.resolved_by, &c.reason) {
        (Some(by), Some(reason)) if !c.is_open() => {
            let vars: [(&str, &dyn std::fmt::Display); 4] =
                [("id", &c.id), ("by", by), ("due", &due), ("reason", reason)];
            tr_with("cli.office.conflict_resolved", &vars)
        }
        _ => tr_with("cli.office.conflict_open", &[("id", &c.id), ("due", &due)]),
    }
}

/// The conflict's entries, one per line, the kept one marked.
pub fn conflict_entries(c: &ConflictNotice) -> String {
    let mut out = String::new();
    for e in &c.entries {
        let kept = if c.chosen == Some(e.global_seq) { tr("cli.office.kept") } else { String::new() };
        let vars: [(&str, &dyn std::fmt::Display); 8] = [
            ("seq", &e.global_seq),
            ("kind", &super::words::coded("entry", &e.kind)),
            ("author", &e.author),
            ("at", &e.at),
            ("old", &e.old_due.map_or_else(|| "—".into(), ekn::i18n::local_date)),
            ("new", &e.new_due.map_or_else(|| "—".into(), ekn::i18n::local_date)),
            ("detail", &e.detail),
            ("kept", &kept),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.office.conflict_entry", &vars));
    }
    out
}

fn render_conflict(c: &ConflictNotice) -> String {
    let title = c.task.as_ref().map_or(String::new(), |t| format!(" «{}»", t.title));
    let vars: [(&str, &dyn std::fmt::Display); 2] =
        [("object", &format!("{}{title}", c.object_key)), ("district", &c.district.as_deref().unwrap_or("—"))];
    format!("{} — {}\n{}", conflict_headline(c), tr_with("cli.office.conflict_object", &vars), conflict_entries(c))
}

pub fn run_sync(session: &mut Session, json: bool) -> Result<(), ApiError> {
    let report = session.office().sync()?;
    super::print(json, &report, render_sync)
}

fn render_status(s: &OfficeStatus) -> String {
    let Some(link) = &s.link else {
        return format!("{}\n", tr("cli.office.not_joined"));
    };
    let mut out = format!(
        "{}\n{}\n{}\n",
        tr_with("cli.office.office", &[("url", &link.url)]),
        tr_with(
            "cli.office.person",
            &[("person", &link.person), ("role", &link.role), ("districts", &link.districts.join(","))]
        ),
        tr_with("cli.office.workstation", &[("name", &link.workstation_name), ("id", &link.workstation_id)])
    );
    let never = tr("cli.office.never");
    out += &format!(
        "{}\n{}\n{}\n",
        tr_with("cli.office.last_sync", &[("at", &link.last_sync_at.as_deref().unwrap_or(&never))]),
        tr_count("cli.office.to_send", s.pending_entries, &[("reads", &s.queued_reads)]),
        tr_count("cli.office.pulled", s.pulled_entries, &[("tasks", &s.colleagues_tasks)])
    );
    if let Some(error) = &link.last_error {
        out += &format!("{}\n", tr_with("cli.office.last_error", &[("error", error)]));
    }
    out
}

fn render_sync(r: &SyncReport) -> String {
    let seconds = format!("{:.1}", r.seconds);
    let vars: [(&str, &dyn std::fmt::Display); 5] = [
        ("held", &r.duplicates),
        ("pulled", &r.pulled),
        ("reads", &r.reads_sent),
        ("seconds", &seconds),
        ("through", &r.pushed_through),
    ];
    let mut out = tr_count("cli.sync.done", r.pushed, &vars);
    if let Some(size) = r.cosigned_size {
        out += &tr_with("cli.sync.cosigned", &[("size", &size)]);
    }
    if let Some(why) = &r.network_refused {
        out += &format!("\n{}", tr_with("cli.sync.network_kept", &[("why", why)]));
    }
    if let Some(sha) = &r.norms_taken {
        let short = sha.get(..12).unwrap_or(sha);
        out += &format!("\n{}", tr_with("cli.sync.norms_taken", &[("sha", &short)]));
    }
    if let Some(why) = &r.norms_refused {
        out += &format!("\n{}", tr_with("cli.sync.norms_kept", &[("why", why)]));
    }
    for key in &r.conflicts {
        out += &format!("\n{}", tr_with("cli.sync.conflict", &[("key", key)]));
    }
    for note in &r.placement {
        out += &format!("\n{}", tr_with("cli.sync.placed", &[("message", &note.message)]));
    }
    for act in &r.acts {
        out += &format!("\n{}", tr_with("cli.sync.act", &[("act", act)]));
    }
    if r.appeals_sent + r.appeals_outside > 0 {
        out += &format!("\n{}", tr_count("cli.sync.appeals", r.appeals_sent, &[("outside", &r.appeals_outside)]));
    }
    if r.papers_sent + r.papers_withdrawn + r.papers_held > 0 {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("sent", &r.papers_sent), ("withdrawn", &r.papers_withdrawn), ("held", &r.papers_held)];
        out += &format!("\n{}", tr_with("cli.sync.papers", &vars));
    }
    for i in &r.office_imports {
        out += &match (&i.import, &i.error) {
            (Some(import), _) => {
                let vars: [(&str, &dyn std::fmt::Display); 5] = [
                    ("connector", &i.connector),
                    ("run", &i.run_id),
                    ("inserted", &import.inserted),
                    ("updated", &import.updated),
                    ("unchanged", &import.unchanged),
                ];
                format!("\n{}", tr_with("cli.sync.office_import", &vars))
            }
            (None, Some(e)) => format!("\n{e}"),
            (None, None) => String::new(),
        };
    }
    out
}

/// The office's dashboard: when the office computed it (and, offline, that these are the last
/// figures kept), over how many tasks and workstations, the figures as a workstation's own are
/// printed, and each person's beside them.
fn render_office_dashboard(view: &OfficeDashboardView) -> String {
    let board = &view.dashboard;
    let mut out = String::new();
    offline_line(&mut out, view.offline.as_deref(), &view.fetched_at);
    let _ = writeln!(
        out,
        "{}",
        tr_with(
            "cli.office.figures_of",
            &[("at", &board.computed_at), ("tasks", &board.tasks), ("workstations", &board.workstations)]
        )
    );
    out.push_str(&super::tasks::render_dashboard(&board.figures));
    if !board.by_owner.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.office.by_owner"));
        for (who, f) in &board.by_owner {
            let _ = writeln!(out, "  {who}: {}", super::tasks::figures(f));
        }
    }
    let _ = writeln!(out, "{}", tr_with("cli.office.open_conflicts", &[("n", &board.open_conflicts)]));
    out
}

/// The office's theme scan: when the office computed it (offline: the last one kept), each theme's
/// author, what was not judged and why, then the scan as `ekn themes scan` prints it.
fn render_office_themes(view: &OfficeThemeScanView) -> String {
    let scan = &view.scan;
    let mut out = String::new();
    offline_line(&mut out, view.offline.as_deref(), &view.fetched_at);
    let at: &dyn std::fmt::Display = match &scan.computed_at {
        Some(at) => at,
        None => &"—",
    };
    let _ = writeln!(out, "{}", tr_with("cli.office.themes_of", &[("at", at), ("appeals", &scan.appeals_held)]));
    for owner in &scan.owners {
        let _ = writeln!(out, "  {} — {} ({})", owner.name, owner.person, owner.workstation);
    }
    out.push_str(&ekn::i18n::office_lines::themes_scan_text(scan));
    out
}

/// The office's effect of acts: when the office computed it (offline: the last figures kept), then
/// the figures as `ekn-office effect` words them.
fn render_office_effect(view: &OfficeEffectView) -> String {
    let mut out = String::new();
    offline_line(&mut out, view.offline.as_deref(), &view.fetched_at);
    if let Some(at) = &view.effect.computed_at {
        let _ = writeln!(out, "{}", tr_with("cli.office.computed_at", &[("at", at)]));
    }
    out.push_str(&ekn::i18n::office_lines::effect_text(&view.effect));
    out
}

/// The office's map of appeals as lines: when computed, then a district a line.
fn render_office_appeals(view: &OfficeAppealsMapView) -> String {
    let map = &view.map;
    let mut out = String::new();
    offline_line(&mut out, view.offline.as_deref(), &view.fetched_at);
    if let Some(at) = &map.computed_at {
        let _ = writeln!(out, "{}", tr_with("cli.office.computed_at", &[("at", at)]));
    }
    let _ = writeln!(
        out,
        "{}",
        tr_with("cli.office.appeals_held", &[("n", &map.appeals_held), ("none", &map.without_district)])
    );
    for (district, c) in &map.by_district {
        let vars: [(&str, &dyn std::fmt::Display); 4] =
            [("district", district), ("open", &c.open), ("recent", &c.received_90_days), ("total", &c.total)];
        let _ = writeln!(out, "  {}", tr_with("cli.office.appeals_line", &vars));
    }
    out
}

/// Where a heads' report goes besides the screen: a workbook, a PDF, the JSON.
#[derive(clap::Args, Debug)]
pub struct ReportOut {
    /// Also write it to this XLSX workbook (in the language of the messages)
    #[arg(long, value_name = "FILE")]
    xlsx: Option<std::path::PathBuf>,
    /// Also print it to this PDF (by Chromium, in the language of the messages)
    #[arg(long, value_name = "FILE")]
    pdf: Option<std::path::PathBuf>,
    #[arg(long)]
    json: bool,
}

/// Writes the report of one of the office's screens to the files asked for (`--xlsx`, `--pdf`), in
/// the language of the messages.
fn export(session: &mut Session, report: OfficeReport, out: &ReportOut) -> Result<(), ApiError> {
    for (path, format) in [(&out.xlsx, ReportFormat::Xlsx), (&out.pdf, ReportFormat::Pdf)] {
        if let Some(path) = path {
            let (_, bytes) = session.office().report(report, format, ekn::i18n::lang())?;
            ekn::api::disk::write(path, bytes).map_err(|e| ApiError::of_file(&path.display().to_string(), &e))?;
        }
    }
    Ok(())
}

/// The office's anomalies: when the office computed them (offline: the last list kept), what it
/// read and what it held back, and the list as `ekn anomalies` prints it.
fn render_office_anomalies(view: &OfficeAnomaliesView) -> String {
    let found = &view.anomalies;
    let mut out = String::new();
    offline_line(&mut out, view.offline.as_deref(), &view.fetched_at);
    if let Some(at) = &found.computed_at {
        let _ = writeln!(out, "{}", tr_with("cli.office.computed_at", &[("at", at)]));
    }
    out.push_str(&ekn::i18n::office_lines::anomalies_text(found));
    out
}

/// The access log: what could be checked of its chain, then a line per look, newest first.
fn render_access_log(view: &AccessLogView) -> String {
    let c = &view.check;
    let key = if c.holds() { "cli.office.access_holds" } else { "cli.office.access_broken" };
    let broken: Vec<String> = c.broken.iter().map(i64::to_string).collect();
    let vars: [(&str, &dyn std::fmt::Display); 6] = [
        ("lines", &c.lines),
        ("hashes", &c.hashes_hold),
        ("pairs", &c.adjacent_pairs),
        ("linked", &c.linked_pairs),
        ("broken", &broken.join(", ")),
        ("at", &view.fetched_at),
    ];
    let mut out = format!("{}\n", tr_with(key, &vars));
    for l in &view.lines {
        let subject = l.subject.as_deref().unwrap_or("—");
        let _ = writeln!(out, "#{} {} {} ({}) {} {} → {}", l.seq, l.at, l.person, l.role, l.action, subject, l.outcome);
    }
    out
}

/// Offline, the line every office report opens with: the figures are the last ones kept, and when
/// they came.
fn offline_line(out: &mut String, offline: Option<&str>, fetched_at: &dyn std::fmt::Display) {
    if let Some(why) = offline {
        let _ = writeln!(out, "{}", tr_with("cli.office.figures_offline", &[("at", fetched_at), ("why", &why)]));
    }
}

/// The office's ranking of the themes: when computed (offline: the last kept), the ranking as
/// `ekn themes score` prints it, and what the office did not compute.
fn render_office_scores(view: &OfficeThemeScoresView) -> String {
    let mut out = String::new();
    offline_line(&mut out, view.offline.as_deref(), &view.fetched_at);
    if let Some(at) = &view.scores.computed_at {
        let _ = writeln!(out, "{}", tr_with("cli.office.computed_at", &[("at", at)]));
    }
    out.push_str(&ekn::api::analytics::theme_lines::scores_text(&view.scores.scores));
    for missing in &view.scores.not_computed {
        let _ = writeln!(out, "{}", ekn::i18n::office_lines::not_computed_line(missing));
    }
    out
}
