//! The registry commands of the command line: create a database (with the demo), import an
//! export, the case card, search, status, serve the UI to a browser, and the fixtures generator.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use ekn::api::{self, ApiError, Context, GeneratedSet, ImportReport, InitReport, Scale, SearchHits, Status};
use ekn::domain::card::Card;
use ekn::domain::records::DataKind;
use ekn::i18n::{tr, tr_count, tr_with};

use super::{opt, opt_percent, print, today, ProgressBars};

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Inspections,
    Appeals,
    Risk,
    /// Acts of response issued, with their outcomes (docs/EFFECT.md).
    Acts,
}

impl From<Kind> for DataKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Inspections => DataKind::Inspections,
            Kind::Appeals => DataKind::Appeals,
            Kind::Risk => DataKind::Risk,
            Kind::Acts => DataKind::Acts,
        }
    }
}

/// `ekn keys …`
#[derive(clap::Subcommand)]
pub enum KeysAction {
    /// Make a new key for each key file of the database that is missing (never for one that is
    /// there), journaled with the reason. What the lost key sealed stays unreadable without it.
    Reset {
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

/// `ekn keys reset`
pub fn run_keys(db: &Path, context: &Context, action: KeysAction) -> Result<(), ApiError> {
    match action {
        KeysAction::Reset { reason, json } => {
            print(json, &api::reset_keys(db, &reason, context.clone())?, |r: &api::KeysReset| {
                let mut text = format!("{}\n", tr_with("cli.keys.new", &[("files", &r.files.join(", "))]));
                for c in &r.consequences {
                    let _ = writeln!(text, "  - {c}");
                }
                text
            })
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScaleArg {
    Demo,
    Large,
}

/// `ekn serve`: the UI and its API on 127.0.0.1, the URL (with the session token) to standard output.
#[cfg(feature = "serve")]
pub fn run_serve(db: &Path, port: u16, demo: bool, ui: Option<PathBuf>, day: Option<String>) -> Result<(), ApiError> {
    let day = day.map(|t| today(Some(&t))).transpose()?;
    let host = std::sync::Arc::new(api::host::Host::start(db, demo, ekn::domain::journal::Face::Browser, day)?);
    if host.created_demo() {
        eprintln!("ekn: created the demo database at {}", db.display());
    }
    let server = ekn::serve::Server::bind(host, port, Some(ui.unwrap_or_else(ekn::serve::default_ui_dir)))?;
    // The URL carries the session token: print it to the terminal only, never to a log.
    super::out(&format!("{}\n", server.url()));
    eprintln!("ekn: serving {} — open the URL above; Ctrl+C stops", db.display());
    server.run()
}

/// `ekn serve` in a build without the web server (the `serve` feature): says so.
#[cfg(not(feature = "serve"))]
pub fn run_serve(_: &Path, _: u16, _: bool, _: Option<PathBuf>, _: Option<String>) -> Result<(), ApiError> {
    Err(ApiError::invalid("this build of ekn has no web server: build it with the `serve` feature (the default)"))
}

/// `ekn init`: the database, with the demo data made for `day` when asked.
pub fn run_init(
    db: &Path,
    context: &Context,
    demo: bool,
    day: Option<String>,
    force: bool,
    recovery_out: Option<PathBuf>,
    json: bool,
) -> Result<(), ApiError> {
    let day = today(day.as_deref())?;
    let context = Context::new(context.face, context.person.clone(), api::clock_for(Some(day)));
    let vault = match recovery_out {
        None => None,
        Some(recovery_out) => Some(api::NewVault {
            passphrase: super::vault::new_passphrase("EKN_PASSPHRASE", "cli.vault.prompt")?,
            recovery_out,
        }),
    };
    let mut bars = ProgressBars::new();
    let mut on_progress = |name: &str, p| bars.update(name, p);
    let report = match &vault {
        None => api::init(db, demo.then_some(day), force, context, &mut on_progress)?,
        Some(vault) => api::init_encrypted(db, demo.then_some(day), force, vault, context, &mut on_progress)?,
    };
    bars.finish();
    print(json, &report, render_init)
}

/// `ekn import`: one export file, with a progress bar on a terminal.
pub fn run_import(
    session: &mut api::Session,
    kind: Kind,
    file: &Path,
    source: Option<String>,
    skip_invalid: bool,
    legal_card: Option<&Path>,
    json: bool,
) -> Result<(), ApiError> {
    let mut bars = ProgressBars::new();
    let name = file.display().to_string();
    let report = session
        .registry()
        .import(kind.into(), file, source, skip_invalid, legal_card, &mut |p| bars.update(&name, p))?;
    bars.finish();
    print(json, &report, render_import)
}

/// `ekn fixtures`: deterministic data for the demo or for benchmarks.
pub fn run_fixtures(
    scale: ScaleArg,
    seed: u64,
    out_dir: Option<PathBuf>,
    day: Option<String>,
    clean: bool,
) -> Result<(), ApiError> {
    let day = day.map(|text| today(Some(&text))).transpose()?;
    let scale = match scale {
        ScaleArg::Demo => Scale::Demo,
        ScaleArg::Large => Scale::Large,
    };
    print(false, &api::generate_fixtures(scale, seed, day, clean, out_dir)?, render_fixtures)
}

pub fn render_init(r: &InitReport) -> String {
    let mut out = match &r.recovery_file {
        None => format!(
            "{}\n{}\n",
            tr_with("cli.init.database", &[("path", &r.database)]),
            tr_with("cli.init.key_file", &[("path", &r.key_file)])
        ),
        Some(recovery) => format!(
            "{}\n{}\n{}\n",
            tr_with("cli.init.encrypted", &[("path", &r.database)]),
            tr_with("cli.init.vault_header", &[("path", &r.key_file)]),
            tr_with("cli.init.recovery", &[("path", recovery)])
        ),
    };
    for import in &r.imports {
        out.push_str(&render_import(import));
    }
    let c = &r.counts;
    let vars: [(&str, &dyn std::fmt::Display); 4] =
        [("subjects", &c.subjects), ("inspections", &c.inspections), ("appeals", &c.appeals), ("risk", &c.risk_scores)];
    let _ = writeln!(out, "{}", tr_with("cli.counts", &vars));
    out
}

pub fn render_import(r: &ImportReport) -> String {
    let seconds = format!("{:.2}", r.seconds);
    let rows: [(&str, &dyn std::fmt::Display); 5] = [
        ("inserted", &r.inserted),
        ("updated", &r.updated),
        ("unchanged", &r.unchanged),
        ("rejected", &r.rejected),
        ("seconds", &seconds),
    ];
    let mut out = format!(
        "{}\n  {}\n  sha256: {}\n  {}\n",
        tr_with("cli.import.title", &[("file", &r.file), ("kind", &r.kind.code()), ("id", &r.import_id)]),
        tr_with("cli.import.format", &[("format", &r.format)]),
        r.sha256,
        tr_count("cli.import.rows", r.rows_read, &rows),
    );
    if let Some(path) = &r.rejected_file {
        let _ = writeln!(out, "  {}", tr_with("cli.import.rejected_file", &[("path", path)]));
    }
    if !r.ignored_columns.is_empty() {
        let _ = writeln!(out, "  {}", tr_with("cli.import.ignored", &[("columns", &r.ignored_columns.join(", "))]));
    }
    if r.masked_iins + r.masked_phones + r.masked_emails + r.masked_names + r.masked_addresses > 0 {
        let masked: [(&str, &dyn std::fmt::Display); 5] = [
            ("iins", &r.masked_iins),
            ("phones", &r.masked_phones),
            ("emails", &r.masked_emails),
            ("names", &r.masked_names),
            ("addresses", &r.masked_addresses),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.import.masked", &masked));
    }
    let kato = &r.kato;
    if kato.unknown + kato.mapped > 0 {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("classifier", &kato.classifier), ("unknown", &kato.unknown), ("mapped", &kato.mapped)];
        let _ = writeln!(out, "  {}", tr_with("cli.import.kato", &vars));
        for note in &kato.notes {
            let line = match &note.current {
                None => tr_with(
                    "cli.import.kato_unknown",
                    &[("line", &note.line), ("field", &note.field), ("code", &note.code)],
                ),
                Some(current) => tr_with(
                    "cli.import.kato_mapped",
                    &[("line", &note.line), ("field", &note.field), ("code", &note.code), ("current", current)],
                ),
            };
            let _ = writeln!(out, "    {line}");
        }
        let listed = kato.notes.len() as u64;
        if kato.unknown + kato.mapped > listed {
            let _ = writeln!(
                out,
                "    {}",
                tr_with("cli.import.kato_more", &[("n", &(kato.unknown + kato.mapped - listed))])
            );
        }
    }
    if let Some(id) = r.same_file_as_import {
        let _ = writeln!(out, "  {}", tr_with("cli.import.same_file", &[("id", &id)]));
    }
    if let Some(t) = &r.triage {
        let model = t.model.clone().unwrap_or_else(|| tr("cli.import.rules_only"));
        let seconds = format!("{:.1}", t.seconds);
        let vars: [(&str, &dyn std::fmt::Display); 5] = [
            ("model", &model),
            ("seconds", &seconds),
            ("decisions", &t.decisions),
            ("tasks", &t.tasks),
            ("duplicates", &t.duplicates),
        ];
        let _ = writeln!(out, "  {}", tr_count("cli.import.pipeline", t.appeals, &vars));
    }
    out
}

pub fn render_card(card: &Card) -> String {
    use ekn::i18n::{lang, Lang};
    let s = &card.subject;
    let i = &card.indicators;
    // Words in Russian and Kazakh; English keeps the forms it always printed (scripts read them).
    let coded = |prefix: &str, value: &dyn std::fmt::Debug, serde: String| match lang() {
        Lang::En => format!("{value:?}"),
        _ => tr(&format!("{prefix}.{serde}")),
    };
    let mut out = String::new();
    let unknown = tr("cli.card.unknown_name");
    let _ = writeln!(out, "{} — {}", s.bin, s.name.as_deref().unwrap_or(&unknown));
    let region = s.region.as_ref().map_or("—".into(), |r| match lang() {
        Lang::Ru => r.name_ru.clone(),
        Lang::Kk => r.name_kk.clone(),
        Lang::En => format!("{} / {}", r.name_ru, r.name_kk),
    });
    let section = s.oked_section.as_ref().map_or(String::new(), |o| format!("({} {})", o.code, o.name_ru));
    let place: [(&str, &dyn std::fmt::Display); 4] =
        [("region", &region), ("kato", &opt(&s.kato)), ("oked", &opt(&s.oked)), ("section", &section)];
    let _ = writeln!(out, "  {}", tr_with("cli.card.place", &place));
    let _ = writeln!(out, "\n{}", tr("cli.card.indicators"));
    let inspections: [(&str, &dyn std::fmt::Display); 3] = [
        ("first", &opt(&i.first_inspection)),
        ("last", &opt(&i.last_inspection)),
        ("per_year", &opt(&i.mean_inspections_per_year)),
    ];
    let _ = writeln!(out, "  {}", tr_count("cli.card.inspections", i.inspections_total, &inspections));
    let years: Vec<String> = i.inspections_per_year.iter().map(|y| format!("{}: {}", y.year, y.count)).collect();
    if !years.is_empty() {
        let _ = writeln!(out, "  {}", tr_with("cli.card.by_year", &[("years", &years.join(", "))]));
    }
    let kinds: [(&str, &dyn std::fmt::Display); 5] = [
        ("planned", &i.by_kind.planned),
        ("unplanned", &i.by_kind.unplanned),
        ("preventive", &i.by_kind.preventive_visit),
        ("unplanned_share", &opt_percent(i.share_unplanned)),
        ("violations_share", &opt_percent(i.share_with_violations)),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.card.kinds", &kinds));
    let fines = format!("{:.2}", i.fines_total_kzt);
    let violations: [(&str, &dyn std::fmt::Display); 3] =
        [("violations", &i.violations_total), ("sanctioned", &i.inspections_with_sanctions), ("fines", &fines)];
    let _ = writeln!(out, "  {}", tr_with("cli.card.violations", &violations));
    let appealed: [(&str, &dyn std::fmt::Display); 2] =
        [("appealed", &i.inspections_appealed), ("illegal", &i.inspections_declared_illegal)];
    let _ = writeln!(out, "  {}", tr_with("cli.card.appealed", &appealed));
    let o = &i.appeals_by_outcome;
    let appeals: [(&str, &dyn std::fmt::Display); 5] = [
        ("satisfied", &o.satisfied),
        ("refused", &o.refused),
        ("explained", &o.explained),
        ("pending", &o.pending),
        ("repeats", &i.appeals_repeated),
    ];
    let _ = writeln!(out, "  {}", tr_count("cli.card.appeals", i.appeals_total, &appeals));
    let _ = writeln!(out, "\n{}", tr("cli.card.risk"));
    if card.risk.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.card.no_scores"));
    }
    for r in &card.risk {
        let factors: Vec<String> = r.factors.iter().map(|f| format!("{} {}", f.name, f.value)).collect();
        let degree = coded("degree", &r.degree, super::words::serde_name(&r.degree));
        let score = format!("{:.1}", r.score);
        let vars: [(&str, &dyn std::fmt::Display); 5] = [
            ("model", &r.model),
            ("score", &score),
            ("degree", &degree),
            ("on", &r.computed),
            ("factors", &factors.join(", ")),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.card.risk_line", &vars));
    }
    let _ = writeln!(out, "\n{}", tr("cli.card.inspections_title"));
    let no_measures = tr("cli.card.no_measures");
    for x in &card.inspections {
        let kind = coded("inspection", &x.kind, super::words::serde_name(&x.kind));
        let no = format!("{:<16}", x.registry_no);
        let vars: [(&str, &dyn std::fmt::Display); 6] = [
            ("date", &x.start_date),
            ("no", &no),
            ("kind", &kind),
            ("body", &x.control_body),
            ("violations", &x.violations),
            ("measures", &x.sanctions.as_deref().unwrap_or(&no_measures)),
        ];
        let _ = writeln!(
            out,
            "  {}{}{}",
            tr_with("cli.card.inspection_line", &vars),
            if x.appealed == Some(true) { tr("cli.card.appealed_mark") } else { String::new() },
            if x.declared_illegal == Some(true) { tr("cli.card.illegal_mark") } else { String::new() }
        );
    }
    let _ = writeln!(out, "\n{}", tr("cli.card.appeals_title"));
    for a in &card.appeals {
        let outcome = match (lang(), a.outcome) {
            (_, None) => "—".to_string(),
            (Lang::En, Some(o)) => o.code().to_string(),
            (_, Some(o)) => tr(&format!("outcome.{}", o.code())),
        };
        let _ = writeln!(
            out,
            "  {} {} [{}] {} → {outcome}{}",
            a.received,
            a.appeal_no,
            a.category.as_deref().unwrap_or("—"),
            a.status.as_deref().unwrap_or("—"),
            a.repeats.as_ref().map_or(String::new(), |r| tr_with("cli.card.repeats", &[("no", r)]))
        );
        if let Some(text) = &a.text {
            let short: String = text.chars().take(150).collect();
            let _ = writeln!(out, "      {short}{}", if text.chars().count() > 150 { "…" } else { "" });
        }
    }
    out
}

pub fn render_search(h: &SearchHits) -> String {
    let mut out = format!("{}\n", tr_with("cli.search.objects", &[("n", &h.subjects.len())]));
    for s in &h.subjects {
        let name = s.name.as_deref().unwrap_or("—");
        let line: [(&str, &dyn std::fmt::Display); 4] =
            [("bin", &s.bin), ("name", &name), ("region", &opt(&s.region_code)), ("inspections", &s.inspections)];
        let _ = writeln!(out, "  {}", tr_with("cli.search.object", &line));
    }
    let _ = writeln!(out, "{}", tr_with("cli.search.appeals", &[("n", &h.appeals.len())]));
    for a in &h.appeals {
        let received = super::words::stored_day(&a.received);
        let line: [(&str, &dyn std::fmt::Display); 4] = [
            ("received", &received),
            ("no", &a.appeal_no),
            ("bin", &opt(&a.subject_bin)),
            ("category", &opt(&a.category)),
        ];
        let _ = writeln!(out, "  {}\n      {}", tr_with("cli.search.appeal", &line), a.excerpt);
    }
    out
}

pub fn render_status(s: &Status) -> String {
    let c = &s.counts;
    let demo = if s.demo { tr("cli.status.demo") } else { String::new() };
    let counts: [(&str, &dyn std::fmt::Display); 5] = [
        ("subjects", &c.subjects),
        ("inspections", &c.inspections),
        ("appeals", &c.appeals),
        ("risk", &c.risk_scores),
        ("bodies", &c.control_bodies),
    ];
    let mut out = format!(
        "{}\n{}\n{}\n",
        tr_with("cli.status.database", &[("path", &s.database), ("schema", &s.schema_version), ("demo", &demo)]),
        tr_with("cli.status.counts", &counts),
        tr("cli.status.imports")
    );
    for i in &s.imports {
        let vars: [(&str, &dyn std::fmt::Display); 9] = [
            ("id", &i.id),
            ("at", &i.started_at),
            ("kind", &i.kind),
            ("inserted", &i.inserted),
            ("updated", &i.updated),
            ("unchanged", &i.unchanged),
            ("rejected", &i.rejected),
            ("sha", &i.sha256.get(..12).unwrap_or(&i.sha256)),
            ("source", &i.source),
        ];
        let _ = writeln!(out, "  {}", tr_count("cli.status.import", i.rows_read, &vars));
    }
    out
}

pub fn render_fixtures(g: &GeneratedSet) -> String {
    let vars: [(&str, &dyn std::fmt::Display); 5] = [
        ("dir", &g.directory),
        ("objects", &g.subjects),
        ("inspections", &g.inspections),
        ("appeals", &g.appeals),
        ("risk", &g.risk_scores),
    ];
    format!("{}\n  {}\n", tr_with("cli.generate.done", &vars), g.files.join("\n  "))
}
