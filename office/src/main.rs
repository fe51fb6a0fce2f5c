//! The `ekn-office` command line: migrate the office's PostgreSQL, serve the API, manage people
//! and workstations, and read the conflicts, the destruction acts and the access log on the
//! server's console. The connection comes from `--pg URL` or `EKN_OFFICE_PG`: `serve` connects as
//! `ekn_office_app` (and refuses any other role), `migrate` and the console's changes as the
//! database's owner (docs/OFFICE.md). Reading the access log names the person reading (`--as`)
//! and is logged.

use std::net::SocketAddr;
use std::process::ExitCode;

mod national_cli;

use clap::{Parser, Subcommand};
use ekn::i18n::{tr, tr_count, tr_with};
use ekn_office::access::{self, AccessQuery};
use ekn_office::people::{self, Caller, Role};
use ekn_office::{dashboard, db, effect, http, journal, retention, workstations, OfficeError};

#[derive(Parser)]
#[command(name = "ekn-office", version, about = "ЭКН office server: sync, people and roles, conflicts, the access log")]
struct Args {
    /// The office's PostgreSQL (`postgres://…` or `host=/run/postgresql user=ekn dbname=ekn`).
    #[arg(long, global = true, env = "EKN_OFFICE_PG", hide_env_values = true)]
    pg: Option<String>,
    /// The language of messages and errors: ru, kk or en (default: EKN_LANG, else the locale's
    /// LC_ALL / LC_MESSAGES / LANG when it names one of the three, else English).
    #[arg(long, global = true, value_parser = language)]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// `--lang`'s value: one of the three languages of the shared catalogue.
fn language(text: &str) -> Result<String, String> {
    ekn::i18n::Lang::parse(text)
        .map(|l| l.code().to_string())
        .ok_or_else(|| format!("'{text}' is not a language of ЭКН (ru, kk, en)"))
}

#[derive(Subcommand)]
enum Command {
    /// Create or update the office's tables (as the database's owner); make the office key on the
    /// first run (its secret goes to --key-file, never into the database).
    Migrate {
        #[command(flatten)]
        key: KeyFile,
    },
    /// Serve the office's HTTP/JSON API, connected as ekn_office_app: TLS with --tls-cert and
    /// --tls-key (required off loopback: docs/OFFICE.md).
    Serve {
        /// The address and port to listen on.
        #[arg(long, env = "EKN_OFFICE_LISTEN", default_value = "127.0.0.1:8740")]
        listen: SocketAddr,
        #[command(flatten)]
        key: KeyFile,
        /// The certificate chain the office serves TLS with (PEM).
        #[arg(long, env = "EKN_OFFICE_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// Its private key (PEM).
        #[arg(long, env = "EKN_OFFICE_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// How often the office connectors' schedule is looked at, in seconds.
        #[arg(long, env = "EKN_OFFICE_CONNECTORS_EVERY_S", default_value_t = 60)]
        connectors_every_s: u64,
    },
    /// People: add, list, block and unblock, set their units, districts and password.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Destruction acts carried out on the office's copy: list them with how far each reached,
    /// or sweep (rewrite the table the destroyed data lived in, so its bytes leave the files).
    Retention {
        #[command(subcommand)]
        action: RetentionAction,
    },
    /// Enrolled workstations: list, re-admit a restored or copied database, revoke one.
    Workstation {
        #[command(subcommand)]
        action: WorkstationAction,
    },
    /// What the office refused or noticed (forks, epochs, claims an honest workstation never makes,
    /// re-admissions, revocations), newest first: the administrator's to-do list.
    Incidents {
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Conflicts between workstations (open first).
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// The deadline dashboard over every workstation of the office (the figures of `ekn dashboard`);
    /// with --as, as that person sees it.
    Dashboard {
        /// The day the figures are for (default: today in Kazakhstan).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        #[arg(long = "as", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
        /// Recount the whole office's figures from every task's state and compare them with the
        /// counts the office keeps; exits non-zero, naming each figure, if they differ.
        #[arg(long, conflicts_with = "as_person")]
        check: bool,
    },
    /// The effectiveness of every workstation's acts of response, by the code of `ekn effect`: the
    /// recorded outcomes as KPIs (answered in time, satisfied, protests upheld, days to an answer,
    /// quality at issuance, by district); over the registry the office's connectors fetched, what
    /// the next inspection found and the estimated effect on violations; over the appeals the
    /// workstations handed over, the appeals checks and the estimated effect on appeals; with
    /// --as, over that person's scope.
    Effect {
        /// Only acts of this kind (protest, submission, resolution, order, warning).
        #[arg(long)]
        kind: Option<String>,
        /// Only objects placed in districts starting with this KATO prefix.
        #[arg(long)]
        district: Option<String>,
        /// Days after each act's period that later inspections are read over (30–3650; default 365).
        #[arg(long)]
        horizon_days: Option<u64>,
        /// The day the figures are for (default: today in Kazakhstan).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        #[arg(long = "as", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The anomalies of inspection practice over the registry the office's connectors fetched and
    /// the appeals the workstations handed over, by the detectors of `ekn anomalies`: hypotheses
    /// for a check, never findings.
    Anomalies {
        /// The day the analysis ends on (default: today in Kazakhstan).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Themes of supervision: every workstation's themes and the category × district cells of the
    /// appeals the workstations handed over, each of the last months judged against the same
    /// months of earlier years.
    Themes {
        #[command(subcommand)]
        action: ThemesAction,
    },
    /// The connectors' network every workstation receives with its pulls: an extra CA bundle (the
    /// office's HTTPS-inspecting firewall) and a proxy. Without options, shows it. Set by an
    /// administrator named with --as.
    ConnectorsNetwork {
        #[command(flatten)]
        flags: ekn::connect::network::NetworkFlags,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The office's own connectors: a registry fetched once for every workstation, on a schedule
    /// while `serve` runs; each workstation imports a published run with its next sync.
    Connector {
        #[command(subcommand)]
        action: ConnectorAction,
    },
    /// The norms catalogue the office confirmed (docs/DEADLINES.md): imported once by an
    /// administrator, taken by every workstation with its next sync.
    Norms {
        #[command(subcommand)]
        action: NormsAction,
    },
    /// The office's own journal: assignments (a supervisor's, the routing rule's), conflicts
    /// resolved, assignments withdrawn, norms imported — who decided, when, about what, and why.
    Journal {
        /// Only the entries about one task (its key, as `conflicts` and `/v1/tasks` give it).
        #[arg(long, value_name = "KEY")]
        object: Option<String>,
        /// Re-walk the whole chain instead and say whether it holds (exits non-zero, naming the
        /// first entry that does not).
        #[arg(long)]
        verify: bool,
        #[arg(long)]
        json: bool,
    },
    /// The national read-side by PostgreSQL's logical replication (docs/NATIONAL.md): `publish` on
    /// a region, `init`, `status`, `verify`, `resync`, `dashboard`, `themes`, `effect`, `anomalies`
    /// on the national database.
    National {
        #[command(subcommand)]
        action: national_cli::NationalAction,
    },
    /// Who looked at whom; the reading is logged under the person named by --as.
    AccessLog {
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        user: Option<String>,
        /// The supervisor or administrator reading the log.
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
        /// Re-walk the whole chain instead and say whether it holds.
        #[arg(long)]
        verify: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Where the office key's secret is kept.
#[derive(clap::Args)]
struct KeyFile {
    /// The file with the office key's secret (mode 600; made by the first migrate, checked against
    /// the database at every start; back it up with the database).
    #[arg(long = "key-file", env = "EKN_OFFICE_KEY_FILE")]
    path: std::path::PathBuf,
}

#[derive(Subcommand)]
enum RetentionAction {
    /// Every act, newest first, with the office's entries it cleared and the workstations it reached.
    Acts {
        #[arg(long)]
        json: bool,
    },
    /// Rewrite the table that held the destroyed personal data (VACUUM FULL, as the owner).
    Sweep,
}

#[derive(Subcommand)]
enum NormsAction {
    /// Import a catalogue (the format of `ekn norms export`), checked as a workstation checks its
    /// own; an administrator, --as. Workstations take it with their next sync.
    Import {
        file: std::path::PathBuf,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every catalogue imported, newest (in force) first.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ConnectorAction {
    /// Add (or replace) an office connector (an administrator, --as): the flags of `ekn connect
    /// add`; inspections and risk scores only, the whole dataset on every run.
    Add {
        name: String,
        #[command(flatten)]
        flags: Box<ekn::api::connectors::ConnectorFlags>,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
    },
    /// The office's connectors with their newest run and the next scheduled one.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Run one now on the console (resuming a run cut off); published, it is offered with the
    /// next pulls.
    Run {
        name: String,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A connector's runs, newest first.
    Runs {
        name: String,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Remove one (an administrator, --as); its runs stay in the history.
    Remove {
        name: String,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a person; the password from EKN_OFFICE_PASSWORD or the prompt.
    Add {
        name: String,
        #[arg(long)]
        role: String,
        /// KATO prefixes, comma-separated (`1910,1920`); `*` for all.
        #[arg(long, default_value = "")]
        districts: String,
        /// The routing table's units the person works in (`social_rights,business`): appeals
        /// routed there are handed to the member with the least open work.
        #[arg(long, default_value = "")]
        units: String,
    },
    /// Set the units a person works in (replaces the list; "" for none).
    Units { name: String, units: String },
    /// The office's people: role, districts, units, whether blocked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Block a person: their sessions end, their workstations' syncs are refused.
    Block {
        name: String,
        #[arg(long)]
        reason: String,
    },
    /// Lift a person's block, with a reason.
    Unblock {
        name: String,
        #[arg(long)]
        reason: String,
    },
    /// Set the districts a person covers (replaces the list; KATO prefixes, `*` for all); their
    /// sessions end.
    Districts { name: String, districts: String },
    /// Set a person's password (EKN_OFFICE_PASSWORD or the prompt); their sessions end.
    Password { name: String },
}

#[derive(Subcommand)]
enum WorkstationAction {
    /// The office's workstations: whose, when each last synced, whether revoked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Let a restored or copied database continue under its new epoch (it names it in its error).
    Readmit {
        id: String,
        #[arg(long)]
        epoch: String,
        #[arg(long)]
        reason: String,
    },
    /// Revoke one workstation (a stolen or retired machine), for good: everything it signs is
    /// refused and it purges what it pulled; its person's other machines go on. An administrator, --as.
    Revoke {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("EKN_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    // Help, usage and mistakes in the reader's language (read before clap parses; `choose` keeps it).
    let matches = ekn::i18n::help::matches(<Args as clap::CommandFactory>::command(), "ekn-office");
    let args = match <Args as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    ekn::i18n::choose(args.lang.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ekn-office: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ekn-office: {}", e.in_words());
            ExitCode::FAILURE
        }
    }
}

fn password() -> Result<String, OfficeError> {
    if let Ok(p) = std::env::var("EKN_OFFICE_PASSWORD") {
        return Ok(p);
    }
    let first = rpassword::prompt_password(format!("{}: ", tr("office.prompt.password")))
        .map_err(|e| OfficeError::Config(format!("the prompt: {e}")))?;
    let second = rpassword::prompt_password(format!("{}: ", tr("office.prompt.again")))
        .map_err(|e| OfficeError::Config(format!("the prompt: {e}")))?;
    if first != second {
        return Err(OfficeError::bad_request("the two passwords differ"));
    }
    Ok(first)
}

/// The effectiveness figures in words, as `ekn effect` prints them: each KPI with its numerator,
/// denominator and interval; what the next inspection found; the estimates on violations; what is
/// not computed here.
#[derive(Subcommand)]
enum ThemesAction {
    /// Each theme's and each category × district cell's last months judged (alarms with their q-values).
    Scan {
        /// The day the last judged month ends before (default: today in Kazakhstan).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// How many full months are judged (1–24).
        #[arg(long, default_value_t = 3)]
        months: u32,
        /// Only the themes and appeals of this person's districts.
        #[arg(long = "as", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The themes ranked for the plan by the lower bound of their score, each score's parts with
    /// their reasons (growth, severity, repeats, the linked anomaly, member risk).
    Scores {
        /// The day the scores are computed as of (default: today in Kazakhstan).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Only the themes and appeals of this person's districts.
        #[arg(long = "as", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// What the office did not compute, in the person's language.
fn not_computed_line(omitted: &effect::NotComputed) -> String {
    let detail = omitted.detail.clone().unwrap_or_default();
    let reason = tr_with(&format!("office.not_computed.{}", omitted.code), &[("detail", &detail)]);
    tr_with("cli.effect.not_here", &[("reason", &reason)])
}

/// The office's scan as text: the workstation's, then whose each theme is and what it read.
fn print_themes_scan(scan: &ekn_office::themes::OfficeThemeScan) {
    print!("{}", ekn::api::analytics::theme_lines::scan_text(&scan.scan));
    let vars: [(&str, &dyn std::fmt::Display); 2] = [("appeals", &scan.appeals_held), ("themes", &scan.owners.len())];
    println!("{}", tr_with("cli.themes.office_read", &vars));
    for omitted in &scan.not_computed {
        println!("{}", not_computed_line(omitted));
    }
}

fn print_effect(e: &effect::OfficeEffect) {
    use ekn::api::analytics::effect_lines;
    let k = &e.kpis;
    let head: [(&str, &dyn std::fmt::Display); 3] =
        [("workstations", &e.workstations), ("date", &ekn::i18n::local_date(e.as_of)), ("shared", &e.shared_acts)];
    println!("{}", tr_count("cli.effect.office_head", k.acts, &head));
    for line in effect_lines::kpi_lines(k) {
        println!("{line}");
    }
    println!("{}", effect_lines::funnel_line(k));
    if let Some(v) = &e.verification {
        println!("\n{}", tr_with("cli.effect.tier2", &[("rule", &v.rule)]));
        let checks = [
            ("next_inspection", &v.next_inspection),
            ("appeals", &v.appeals),
            ("category_appeals", &v.category_appeals),
            ("returning_applicant", &v.returning_applicant),
        ];
        for (check, counts) in checks {
            if let Some(counts) = counts {
                println!("{}", effect_lines::counts_line(check, counts));
            }
        }
        if v.not_in_registry > 0 {
            println!("  {}", tr_with("cli.effect.not_in_registry", &[("n", &v.not_in_registry)]));
        }
        println!("\n{}", tr_with("cli.effect.tier3", &[("method", &e.method)]));
        for entry in &e.effects {
            for line in effect_lines::effect_lines(entry) {
                println!("{line}");
            }
        }
        for run in &e.registry {
            let vars: [(&str, &dyn std::fmt::Display); 5] = [
                ("connector", &run.connector),
                ("run", &run.run_id),
                ("data", &run.data),
                ("rows", &run.rows),
                ("sha", &&run.sha256[..16.min(run.sha256.len())]),
            ];
            println!("{}", tr_with("cli.effect.office_registry", &vars));
        }
    }
    for omitted in &e.not_computed {
        println!("{}", not_computed_line(omitted));
    }
}

/// The dashboard as a table: the totals, then each person's figures.
fn print_dashboard(board: &dashboard::OfficeDashboard) {
    let vars: [(&str, &dyn std::fmt::Display); 4] = [
        ("workstations", &board.workstations),
        ("date", &board.figures.today),
        ("conflicts", &board.open_conflicts),
        ("calendar", &board.calendar),
    ];
    println!("{}", tr_count("office.dashboard.head", board.tasks, &vars));
    let columns =
        ["cli.col.open", "cli.col.due3", "cli.col.overdue", "cli.col.on_time", "cli.col.late", "cli.col.median"]
            .map(tr);
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "", columns[0], columns[1], columns[2], columns[3], columns[4], columns[5]
    );
    let row = |name: &str, f: &ekn::domain::tasks::Figures| {
        println!(
            "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            name,
            f.open,
            f.due_within_3_working_days,
            f.overdue,
            f.done_on_time_last_90_days,
            f.done_late_last_90_days,
            f.median_days_late.map_or("—".to_string(), |m| format!("{m:.1}"))
        );
    };
    row(&tr("cli.col.total"), &board.figures.totals);
    for (owner, figures) in &board.by_owner {
        row(owner, figures);
    }
}

/// The person a console command acts as (`--as`), who must exist.
async fn named(
    pool: &deadpool_postgres::Pool,
    as_person: Option<String>,
    what: &str,
) -> Result<people::Person, OfficeError> {
    let name =
        as_person.ok_or_else(|| OfficeError::Config(format!("name the administrator who {what} with --as NAME")))?;
    let client = pool.get().await?;
    people::by_name(&client, &name).await
}

async fn norms(pool: &deadpool_postgres::Pool, action: NormsAction) -> Result<(), OfficeError> {
    match action {
        NormsAction::Import { file, as_person, json } => {
            let by = named(pool, as_person, "imports the office's norms").await?;
            let name = file.display().to_string();
            let size = std::fs::metadata(&file).map_err(|e| OfficeError::Config(format!("{name}: {e}")))?.len();
            if size > ekn::domain::sync::MAX_NORMS_DOCUMENT as u64 {
                return Err(OfficeError::Config(format!(
                    "{name}: {size} bytes is too large for a norms catalogue (at most {})",
                    ekn::domain::sync::MAX_NORMS_DOCUMENT
                )));
            }
            let document = std::fs::read_to_string(&file).map_err(|e| OfficeError::Config(format!("{name}: {e}")))?;
            let notice = ekn_office::norms::import(&mut pool.get().await?, &by, &document, &name).await?;
            if json {
                print_json(&notice);
            } else {
                let vars: [(&str, &dyn std::fmt::Display); 3] =
                    [("file", &notice.source_file), ("norms", &notice.norms), ("sha", &&notice.sha256[..12])];
                println!("{}", tr_with("office.norms.imported", &vars));
            }
        }
        NormsAction::List { json } => {
            let today = chrono::Utc::now().date_naive();
            let list = ekn_office::norms::list(&pool.get().await?, today).await?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("{}", tr("office.norms.none"));
            }
            for c in list.iter().filter(|_| !json) {
                let state = if c.in_force { tr("office.norms.in_force") } else { tr("office.norms.superseded") };
                let vars: [(&str, &dyn std::fmt::Display); 7] = [
                    ("at", &c.notice.imported_at),
                    ("by", &c.notice.imported_by),
                    ("file", &c.notice.source_file),
                    ("norms", &c.notice.norms),
                    ("unconfirmed", &c.unconfirmed_today),
                    ("sha", &&c.notice.sha256[..12]),
                    ("state", &state),
                ];
                println!("{}", tr_with("office.norms.line", &vars));
            }
        }
    }
    Ok(())
}

async fn connector(pool: &deadpool_postgres::Pool, action: ConnectorAction) -> Result<(), OfficeError> {
    use ekn_office::connectors;
    match action {
        ConnectorAction::Add { name, flags, as_person } => {
            let by = named(pool, as_person, "adds an office connector").await?;
            let spec = (*flags).spec(name).map_err(|e| OfficeError::Config(e.message))?;
            let client = pool.get().await?;
            connectors::add(&client, &by, &spec).await?;
            println!(
                "office connector {} added; every workstation imports its published runs with its next sync",
                spec.name
            );
        }
        ConnectorAction::List { json } => {
            let list = connectors::list(&pool.get().await?).await?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("{}", tr("office.connector.none"));
            }
            for c in list.iter().filter(|_| !json) {
                let last = c.last_run.as_ref().map_or_else(
                    || tr("office.connector.never_run"),
                    |r| {
                        let records =
                            r.records.map(|n| tr_with("office.connector.records", &[("n", &n)])).unwrap_or_default();
                        let vars: [(&str, &dyn std::fmt::Display); 4] =
                            [("id", &r.id), ("status", &r.status), ("at", &r.started_at), ("records", &records)];
                        tr_with("office.connector.last_run", &vars)
                    },
                );
                let every = c.spec.every_hours.map_or_else(
                    || tr("office.connector.by_hand"),
                    |h| tr_with("office.connector.every", &[("hours", &h)]),
                );
                let vars: [(&str, &dyn std::fmt::Display); 7] = [
                    ("name", &c.spec.name),
                    ("kind", &c.spec.kind),
                    ("data", &c.spec.data.code()),
                    ("url", &c.spec.url),
                    ("every", &every),
                    ("last", &last),
                    ("next", &c.next_run.as_deref().unwrap_or("—")),
                ];
                println!("{}", tr_with("office.connector.line", &vars));
            }
        }
        ConnectorAction::Run { name, as_person, json } => {
            let by = named(pool, as_person, "runs an office connector").await?;
            let report = connectors::run(pool.clone(), name, by.name).await?;
            if json {
                print_json(&report);
            } else {
                let resumed = if report.resumed { tr("office.connector.resumed") } else { String::new() };
                let vars: [(&str, &dyn std::fmt::Display); 10] = [
                    ("id", &report.run_id),
                    ("status", &report.status),
                    ("resumed", &resumed),
                    ("pages", &report.pages),
                    ("records", &report.records),
                    ("bytes", &report.bytes),
                    ("requests", &report.requests),
                    ("retries", &report.retries),
                    ("too_many", &report.too_many),
                    ("seconds", &format!("{:.1}", report.seconds)),
                ];
                println!("{}", tr_with("office.connector.run", &vars));
            }
        }
        ConnectorAction::Runs { name, limit, json } => {
            let runs = connectors::runs(&pool.get().await?, &name, limit.clamp(1, 1000)).await?;
            if json {
                print_json(&runs);
            } else if runs.is_empty() {
                println!("{}", tr_with("office.connector.no_runs", &[("name", &name)]));
            }
            for r in runs.iter().filter(|_| !json) {
                let vars: [(&str, &dyn std::fmt::Display); 9] = [
                    ("id", &r.id),
                    ("status", &r.status),
                    ("by", &r.started_by),
                    ("started", &r.started_at),
                    ("finished", &r.finished_at.as_deref().unwrap_or("—")),
                    ("pages", &r.pages),
                    ("requests", &r.requests),
                    ("retries", &r.retries),
                    ("error", &r.error.as_ref().map(|e| format!("\n  {e}")).unwrap_or_default()),
                ];
                println!("{}", tr_with("office.connector.run_line", &vars));
            }
        }
        ConnectorAction::Remove { name, as_person } => {
            let by = named(pool, as_person, "removes an office connector").await?;
            let mut client = pool.get().await?;
            connectors::remove(&mut client, &by, &name).await?;
            println!("{}", tr_with("office.connector.removed", &[("name", &name)]));
        }
    }
    Ok(())
}

fn print_json<T: serde::Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

async fn run(args: Args) -> Result<(), OfficeError> {
    let url = args.pg.ok_or_else(|| OfficeError::Config("no database: give --pg URL or set EKN_OFFICE_PG".into()))?;
    let pool = db::pool(&url, 16)?;
    match args.command {
        Command::Migrate { key } => {
            let applied = db::migrate(&pool, &key.path).await?;
            let path = key.path.display();
            println!(
                "ekn-office: {}",
                tr_with("office.migrated", &[("applied", &format!("{applied:?}")), ("path", &path)])
            );
        }
        Command::Serve { listen, key, tls_cert, tls_key, connectors_every_s } => {
            db::check_serving_role(&pool).await?;
            let office_key = ekn_office::keys::load_checked(&*pool.get().await?, &key.path).await?;
            // SLA tasks left unassigned when the server last stopped between a push and its routing.
            let routed = ekn_office::routing::route_pending(&mut pool.get().await?).await?;
            if !routed.is_empty() {
                eprintln!("ekn-office: {}", tr_count("office.routed", routed.len(), &[]));
            }
            // The office connectors' schedule, beside the API.
            let every = std::time::Duration::from_secs(connectors_every_s.max(1));
            tokio::spawn(ekn_office::connectors::schedule(pool.clone(), every));
            let downloads = db::pool(&url, 4)?;
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(http::TlsFiles { cert, key }),
                _ => None,
            };
            http::serve(http::AppState::new(pool, downloads, office_key), listen, tls).await?;
        }
        Command::Retention { action } => {
            let client = pool.get().await?;
            match action {
                RetentionAction::Acts { json } => {
                    let acts = retention::acts(&client).await?;
                    if json {
                        print_json(&acts);
                    } else if acts.is_empty() {
                        println!("{}", tr("office.retention.none"));
                    }
                    for a in acts.iter().filter(|_| !json) {
                        let vars: [(&str, &dyn std::fmt::Display); 10] = [
                            ("act", &a.act_number),
                            ("by", &a.by),
                            ("ws", &a.workstation),
                            ("at", &a.at),
                            ("records", &a.records),
                            ("cleared", &a.office_entries),
                            ("kept_v1", &a.kept_v1),
                            ("outside", &a.kept_outside),
                            ("reached", &a.replicas_reached),
                            ("pending", &a.replicas_pending),
                        ];
                        println!("{}", tr_with("office.retention.act", &vars));
                    }
                }
                RetentionAction::Sweep => {
                    retention::sweep(&client).await?;
                    println!("{}", tr("office.retention.swept"));
                }
            }
        }
        Command::Connector { action } => connector(&pool, action).await?,
        Command::Norms { action } => norms(&pool, action).await?,
        Command::National { action } => national_cli::run(&pool, action).await?,
        Command::User { action } => {
            let client = pool.get().await?;
            match action {
                UserAction::Add { name, role, districts, units } => {
                    let role = Role::parse(&role)?;
                    let districts = people::parse_districts(&districts)?;
                    let units = people::parse_units(&units)?;
                    let person = people::add(&client, &name, role, &districts, &units, &password()?).await?;
                    let vars: [(&str, &dyn std::fmt::Display); 4] = [
                        ("name", &person.name),
                        ("role", &person.role.code()),
                        ("districts", &person.districts.join(",")),
                        ("units", &person.units.join(",")),
                    ];
                    println!("{}", tr_with("office.user.added", &vars));
                }
                UserAction::Units { name, units } => {
                    let person = people::set_units(&client, &name, &people::parse_units(&units)?).await?;
                    let units = person.units.join(",");
                    println!("{}", tr_with("office.units_set", &[("name", &person.name), ("units", &units)]));
                    drop(client);
                    // Tasks that found nobody in their unit before may find this person now.
                    for r in ekn_office::routing::route_pending(&mut pool.get().await?).await? {
                        println!("{} → {}: {}", r.object_key, r.person, r.reason);
                    }
                }
                UserAction::List { json } => {
                    let list = people::list(&client).await?;
                    if json {
                        print_json(&list);
                    } else {
                        for p in list {
                            let blocked = p
                                .blocked_reason
                                .map(|r| tr_with("office.user.blocked_mark", &[("reason", &r)]))
                                .unwrap_or_default();
                            println!(
                                "{:<30} {:<11} {:<20} {}{blocked}",
                                p.name,
                                p.role.code(),
                                p.districts.join(","),
                                p.units.join(",")
                            );
                        }
                    }
                }
                UserAction::Block { name, reason } => {
                    let person = people::block(&client, &name, &reason).await?;
                    println!("{}", tr_with("office.blocked", &[("name", &person.name)]));
                }
                UserAction::Unblock { name, reason } => {
                    let person = people::unblock(&client, &name, &reason).await?;
                    println!("{}", tr_with("office.unblocked", &[("name", &person.name)]));
                }
                UserAction::Districts { name, districts } => {
                    let person = people::set_districts(&client, &name, &people::parse_districts(&districts)?).await?;
                    let districts = person.districts.join(",");
                    println!(
                        "{}",
                        tr_with("office.districts_set", &[("name", &person.name), ("districts", &districts)])
                    );
                }
                UserAction::Password { name } => {
                    let person = people::set_password(&client, &name, &password()?).await?;
                    println!("{}", tr_with("office.password_set", &[("name", &person.name)]));
                }
            }
        }
        Command::Workstation { action } => {
            let client = pool.get().await?;
            match action {
                WorkstationAction::List { json } => {
                    let list = workstations::workstations(&client).await?;
                    if json {
                        print_json(&list);
                    } else {
                        for w in list {
                            let blocked = w
                                .blocked_reason
                                .map(|r| tr_with("office.user.blocked_mark", &[("reason", &r)]))
                                .unwrap_or_default();
                            let revoked = w
                                .revoked_reason
                                .map(|r| tr_with("office.workstation.revoked_mark", &[("reason", &r)]))
                                .unwrap_or_default();
                            let entries = tr_with("office.workstation.entries", &[("n", &w.last_seq)]);
                            println!("{}  {:<24} {:<20} {entries}{blocked}{revoked}", w.id, w.person, w.name);
                        }
                    }
                }
                WorkstationAction::Readmit { id, epoch, reason } => {
                    workstations::readmit(&client, &id, &epoch, &reason).await?;
                    println!("{}", tr_with("office.workstation.readmitted", &[("id", &id), ("epoch", &epoch)]));
                }
                WorkstationAction::Revoke { id, reason, as_person } => {
                    drop(client);
                    let by = named(&pool, as_person, "revokes a workstation").await?;
                    let ws = workstations::revoke(&pool.get().await?, &by, &id, &reason).await?;
                    let vars: [(&str, &dyn std::fmt::Display); 3] =
                        [("id", &ws.id), ("person", &ws.person), ("name", &ws.name)];
                    println!("{}", tr_with("office.workstation.revoked", &vars));
                }
            }
        }
        Command::Incidents { limit, json } => {
            let list = workstations::incidents(&pool.get().await?, limit.clamp(1, 10_000)).await?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("{}", tr("office.no_incidents"));
            } else {
                for i in &list {
                    println!("{}  {:<14} {}  {}", i.at, i.kind, i.workstation.as_deref().unwrap_or("—"), i.detail);
                }
            }
        }
        Command::Conflicts { json } => {
            let mut client = pool.get().await?;
            // The whole office's conflicts: the console's view, under the office's own scope.
            let tx = db::scoped(&mut client, &db::Scope::office()).await?;
            let rows = tx
                .query(
                    "SELECT c.id, c.object_key, c.district, c.events, c.resolved_at IS NOT NULL, c.reason \
                     FROM conflicts c ORDER BY c.resolved_at IS NOT NULL, c.id",
                    &[],
                )
                .await?;
            tx.commit().await?;
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.get::<_, i64>(0),
                        "object_key": r.get::<_, String>(1),
                        "district": r.get::<_, Option<String>>(2),
                        "entries": r.get::<_, Vec<i64>>(3),
                        "resolved": r.get::<_, bool>(4),
                        "reason": r.get::<_, Option<String>>(5),
                    })
                })
                .collect();
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("{}", tr("office.no_conflicts"));
            } else {
                for c in list {
                    println!("{c}");
                }
            }
        }
        Command::Dashboard { today, as_person: _, json, check: true } => {
            let today = today.unwrap_or_else(dashboard::kazakhstan_today);
            let mut client = pool.get().await?;
            let kept = dashboard::whole_office(&mut client, today).await?;
            let recounted = dashboard::recount_from_tasks(&mut client, today).await?;
            let differences = dashboard::differences(&kept, &recounted);
            if json {
                print_json(&serde_json::json!({ "tasks": kept.tasks, "differences": differences }));
            } else if differences.is_empty() {
                println!("{}", tr_count("office.counts_agree", kept.tasks, &[]));
            }
            if !differences.is_empty() {
                for d in &differences {
                    eprintln!("dashboard: {d}");
                }
                return Err(OfficeError::Config(format!(
                    "the dashboard's kept counts differ from a recount of the tasks in {} figure(s)",
                    differences.len()
                )));
            }
        }
        Command::Dashboard { today, as_person, json, check: false } => {
            let today = today.unwrap_or_else(dashboard::kazakhstan_today);
            let mut client = pool.get().await?;
            let board = match as_person {
                Some(name) => {
                    let caller = Caller { person: people::by_name(&client, &name).await?, workstation: None };
                    dashboard::for_caller(&mut client, &caller, today).await?
                }
                None => dashboard::whole_office(&mut client, today).await?,
            };
            if json {
                print_json(&board);
            } else {
                print_dashboard(&board);
            }
        }
        Command::Effect { kind, district, horizon_days, today, as_person, json } => {
            let today = today.unwrap_or_else(dashboard::kazakhstan_today);
            let mut client = pool.get().await?;
            let ask = effect::EffectAsk { kind: kind.as_deref(), district: district.as_deref(), horizon_days };
            let figures = match as_person {
                Some(name) => {
                    let caller = Caller { person: people::by_name(&client, &name).await?, workstation: None };
                    effect::for_caller(&mut client, &caller, ask, today).await?
                }
                None => effect::whole_office(&mut client, ask, today).await?,
            };
            if json {
                print_json(&figures);
            } else {
                print_effect(&figures);
            }
        }
        Command::Anomalies { today, json } => {
            let today = today.unwrap_or_else(dashboard::kazakhstan_today);
            let mut client = pool.get().await?;
            let found = ekn_office::anomalies::whole_office(&mut client, today).await?;
            if json {
                print_json(&found);
            } else {
                print!("{}", ekn::api::analytics::anomaly_lines::report_text(&found.report));
                println!("{}", tr_with("office.anomalies.read", &[("appeals", &found.appeals_held)]));
                for omitted in &found.not_computed {
                    println!("{}", not_computed_line(omitted));
                }
            }
        }
        Command::Themes { action: ThemesAction::Scan { as_of, months, as_person, json } } => {
            let as_of = as_of.unwrap_or_else(dashboard::kazakhstan_today);
            let mut client = pool.get().await?;
            let scan = match as_person {
                Some(name) => {
                    let caller = Caller { person: people::by_name(&client, &name).await?, workstation: None };
                    ekn_office::themes::for_caller(&mut client, &caller, as_of, Some(months)).await?
                }
                None => ekn_office::themes::whole_office(&mut client, as_of, Some(months)).await?,
            };
            if json {
                print_json(&scan);
            } else {
                print_themes_scan(&scan);
            }
        }
        Command::Themes { action: ThemesAction::Scores { as_of, as_person, json } } => {
            let as_of = as_of.unwrap_or_else(dashboard::kazakhstan_today);
            let mut client = pool.get().await?;
            let scores = match as_person {
                Some(name) => {
                    let caller = Caller { person: people::by_name(&client, &name).await?, workstation: None };
                    ekn_office::themes::scores_for_caller(&mut client, &caller, as_of).await?
                }
                None => ekn_office::themes::whole_office_scores(&mut client, as_of).await?,
            };
            if json {
                print_json(&scores);
            } else {
                print!("{}", ekn::api::analytics::theme_lines::scores_text(&scores.scores));
                let vars: [(&str, &dyn std::fmt::Display); 2] =
                    [("appeals", &scores.appeals_held), ("themes", &scores.owners.len())];
                println!("{}", tr_with("cli.themes.office_read", &vars));
                for omitted in &scores.not_computed {
                    println!("{}", not_computed_line(omitted));
                }
            }
        }
        Command::ConnectorsNetwork { flags, as_person, json } => {
            let client = pool.get().await?;
            let current = ekn_office::settings::network(&client).await?;
            let shown = if flags.change_anything() {
                let name = as_person.ok_or_else(|| {
                    OfficeError::Config("name the administrator setting the office's network with --as NAME".into())
                })?;
                let by = people::by_name(&client, &name).await?;
                let settings = flags
                    .applied_to(current.map(|c| c.settings).unwrap_or_default())
                    .map_err(|e| OfficeError::Config(e.0))?;
                ekn_office::settings::set_network(&client, &by, &settings).await?;
                ekn_office::settings::network(&client).await?
            } else {
                current
            };
            let fingerprints = match &shown {
                Some(n) => n.settings.check().map_err(|e| OfficeError::Config(e.0))?,
                None => Vec::new(),
            };
            if json {
                print_json(&serde_json::json!({ "network": shown, "ca_fingerprints": fingerprints }));
            } else {
                match &shown {
                    None => println!("{}", tr("office.network.none")),
                    Some(n) => {
                        let vars: [(&str, &dyn std::fmt::Display); 3] =
                            [("by", &n.set_by), ("at", &n.set_at), ("proxy", &format!("{:?}", n.settings.proxy))];
                        println!("{}", tr_with("office.network.set", &vars));
                        for f in &fingerprints {
                            println!("  CA sha256 {f}");
                        }
                    }
                }
            }
        }
        Command::Journal { object, verify, json } => {
            let mut client = pool.get().await?;
            if verify {
                match journal::verify_chain(&mut client).await? {
                    Ok(entries) => {
                        println!("{}", tr_count("office.journal_holds", entries, &[]))
                    }
                    Err(problem) => return Err(OfficeError::Config(problem)),
                }
                return Ok(());
            }
            let scope = db::Scope { admin: true, ..db::Scope::office() };
            let entries = journal::read(&mut client, &scope, object.as_deref()).await?;
            if json {
                print_json(&entries);
            } else if entries.is_empty() {
                println!("{}", tr("office.no_entries"));
            } else {
                for e in entries {
                    println!(
                        "{:>6}  {}  {:<22} {:<20} {:<28} {}",
                        e.seq,
                        e.at.format("%Y-%m-%d %H:%M:%S"),
                        e.kind,
                        e.person.as_deref().unwrap_or("(the office's rule)"),
                        e.object_key,
                        e.detail
                    );
                }
            }
        }
        Command::AccessLog { subject, user, as_person, verify, json } => {
            if verify {
                let mut client = pool.get().await?;
                match access::verify_chain(&mut client).await? {
                    Ok(lines) => println!("{}", tr_count("office.access_log_holds", lines, &[])),
                    Err(problem) => return Err(OfficeError::Config(problem)),
                }
                return Ok(());
            }
            let name = as_person.ok_or_else(|| {
                OfficeError::bad_request(
                    "reading the access log is logged: name the reader with --as or EKN_OFFICE_USER",
                )
            })?;
            let mut client = pool.get().await?;
            let person = people::by_name(&client, &name).await?;
            let caller = Caller { person, workstation: None };
            let lines = access::read(&mut client, &caller, &AccessQuery { subject, user, limit: None }).await?;
            if json {
                print_json(&lines);
            } else {
                for l in lines {
                    println!(
                        "{:>6}  {}  {:<20} {:<10} {:<10} {:<14} {:<9} {}",
                        l.seq,
                        l.at.format("%Y-%m-%d %H:%M:%S"),
                        l.person,
                        l.role,
                        l.action,
                        l.subject.unwrap_or_default(),
                        l.outcome,
                        l.detail.unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use ekn::i18n::{catalogue, Lang};

    #[test]
    fn every_command_has_its_words_in_russian_and_kazakh() {
        for sub in super::Args::command().get_subcommands() {
            for lang in [Lang::Ru, Lang::Kk] {
                let key = format!("cli.help.ekn-office.cmd.{}", sub.get_name());
                assert!(
                    catalogue(lang).contains_key(&key),
                    "{key} has no {lang:?} text: a new command needs its words"
                );
            }
        }
    }
}
