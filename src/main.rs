//! The `ekn` command line: parses arguments, calls one `ekn::api` function, renders the result
//! as text or JSON. No business logic lives here.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ekn::api::{self, ApiError, ErrorCode, Session};
use ekn::domain::records::DataKind;
use ekn::generator::{self, Scale};

#[derive(Parser)]
#[command(
    name = "ekn",
    version,
    about = "ЭКН — the electronic supervision map: case cards for prosecutorial supervision"
)]
struct Args {
    /// The database file (default: the OS data directory, e.g. ~/.local/share/ekn/ekn.db).
    #[arg(long, global = true, env = "EKN_DB")]
    db: Option<PathBuf>,
    /// Who is acting, as the journal records it (default: Settings' "me", else the OS user).
    #[arg(long = "as", global = true, env = "EKN_USER", value_name = "NAME")]
    as_person: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the UI and its API to a browser on this machine (127.0.0.1), printing the URL to open.
    Serve {
        /// The port (default: any free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Create the demo database first when there is none.
        #[arg(long)]
        demo: bool,
        /// The built UI (default: EKN_UI_DIR, else ui/dist of the source tree).
        #[arg(long)]
        ui: Option<PathBuf>,
        /// Judge deadlines on this date instead of today in Kazakhstan (YYYY-MM-DD).
        #[arg(long, env = "EKN_TODAY")]
        today: Option<String>,
    },
    /// Create the database; with --demo, fill it with the built-in demo data, dated around today.
    Init {
        #[arg(long)]
        demo: bool,
        /// The day the demo data is made for (default: today in Kazakhstan); the same day gives the same data.
        #[arg(long, env = "EKN_TODAY")]
        today: Option<String>,
        /// Replace an existing database (and its key file).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Import a registry export (CSV, XLSX, JSON or NDJSON) and print a report.
    Import {
        kind: Kind,
        file: PathBuf,
        /// Where the data came from (default: the file name).
        #[arg(long)]
        source: Option<String>,
        /// Import the valid rows and write the rejected ones, with reasons, to FILE.rejected.csv.
        #[arg(long)]
        skip_invalid: bool,
        /// A JSON file with the data set's legal card (purpose, legal_basis, retention, roles).
        #[arg(long)]
        legal_card: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Show the case card of one supervised object.
    Card {
        /// BIN (organisation) or IIN (individual entrepreneur), 12 digits.
        bin: String,
        #[arg(long)]
        json: bool,
    },
    /// Find objects by name or BIN, and appeals by words of their text.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// What the database holds and every import it has recorded.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Generate deterministic demo or benchmark data (the same seed gives the same bytes).
    Fixtures {
        #[arg(long, value_enum, default_value_t = ScaleArg::Demo)]
        scale: ScaleArg,
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// Output directory (default: fixtures/demo or bench-data/large).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The day the data is placed around (default: 2026-11-20, the day of the committed demo data).
        #[arg(long)]
        today: Option<String>,
        /// Plant nothing: the clean twin on which the anomaly detectors' false alarms are counted.
        #[arg(long)]
        clean: bool,
    },
    /// Compute a procedural deadline and explain it: the rule, the start, every day skipped and why.
    #[command(group(clap::ArgGroup::new("rule").required(true).args(["working_days", "calendar_days", "months", "norm"])))]
    Deadline {
        /// The triggering event's date (yyyy-mm-dd or dd.mm.yyyy); the period starts the day after.
        #[arg(long)]
        from: String,
        #[arg(long)]
        working_days: Option<u32>,
        #[arg(long)]
        calendar_days: Option<u32>,
        #[arg(long)]
        months: Option<u32>,
        /// A rule of the norms catalog, e.g. appk-76-consideration.
        #[arg(long)]
        norm: Option<String>,
        /// Days the clock stands still, FROM..TO (both included); may be repeated.
        #[arg(long)]
        suspend: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The working-day calendar: list its years, or import a year's document.
    Calendar {
        #[command(subcommand)]
        action: CalendarAction,
    },
    /// The norms catalog in force: list it, export it, or import a revised one.
    Norms {
        #[command(subcommand)]
        action: NormsAction,
    },
    /// The appeals queue (open appeals by priority, with category, route and due date), the appeal
    /// card, corrections, and the classifier: train a model version, or classify an export.
    Appeals {
        #[command(subcommand)]
        action: Option<AppealsAction>,
        /// List the queue (the default without a subcommand).
        #[arg(long)]
        queue: bool,
        /// Only this category: a taxonomy code (a group covers its categories) or a label.
        #[arg(long)]
        category: Option<String>,
        /// Only this unit of the routing table.
        #[arg(long)]
        unit: Option<String>,
        /// Only this district (the first 4 digits of KATO).
        #[arg(long)]
        district: Option<String>,
        /// Only this priority level (urgent, high, normal).
        #[arg(long)]
        priority: Option<String>,
        /// Only appeals past their consideration deadline.
        #[arg(long)]
        overdue: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print the heat map of open and overdue appeals by district × category.
        #[arg(long)]
        heatmap: bool,
        #[arg(long)]
        json: bool,
    },
    /// Practices of control bodies and districts that stand out from their peers (frequent
    /// visits, illegal shares, unplanned growth, refused spikes, unusual sanctions), judged on a
    /// funnel with false-discovery control: hypotheses for a thematic check, never findings.
    Anomalies {
        #[command(subcommand)]
        action: Option<AnomaliesAction>,
        /// Only this kind (frequent_visits, illegal_share, unplanned_growth, refused_spike, sanction_combination).
        #[arg(long)]
        kind: Option<String>,
        /// The false-discovery rate controlled across each kind's units.
        #[arg(long, default_value_t = 0.05)]
        fdr: f64,
        /// The least observed/expected ratio listed.
        #[arg(long, default_value_t = 1.5)]
        min_ratio: f64,
        #[arg(long)]
        json: bool,
    },
    /// Acts of response from Word templates: check the templates, draft an act, record one issued.
    Act {
        #[command(subcommand)]
        action: cli::ActAction,
    },
    /// An object's evidence: attach documents, tick checklist items, see what is missing; pack
    /// the card, analytics, acts, documents and journal excerpt into a BagIt bag signed by the
    /// office, or verify one.
    Evidence {
        #[command(subcommand)]
        action: EvidenceAction,
    },
    /// The local risk model of the next inspection going wrong: train it on the registry, score a
    /// plan of upcoming inspections, explain an object's risk beside the imported scores.
    Risk {
        #[command(subcommand)]
        action: RiskAction,
    },
    /// Every model version: what it was trained on, by whom, when, and how well it did on held-out data.
    Models {
        /// Print the passport of this version (data, method, held-out figures, bias by region, limits).
        #[arg(long)]
        passport: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The journal: who did what, when and why; verify that nothing was changed behind its back.
    Journal {
        #[command(subcommand)]
        action: Option<JournalAction>,
        /// Entries about this object (BIN/IIN).
        #[arg(long)]
        object: Option<String>,
        /// Entries about this task.
        #[arg(long)]
        task: Option<i64>,
        /// Entries about this appeal.
        #[arg(long)]
        appeal: Option<String>,
        /// The newest N entries (default 200).
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Procedural tasks: create, depend, extend, suspend, note, finish, follow the suggested next step.
    Task {
        #[command(subcommand)]
        action: cli::TaskAction,
    },
    /// The prosecutor's desk: due today, overdue, the next 7 working days, by urgency with reasons.
    Desk {
        #[arg(long)]
        assignee: Option<String>,
        /// The day to look from (default: today in Kazakhstan).
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Reminders that fire now (5 and 1 working days before, on the day, daily while overdue).
    Reminders {
        /// List the reminders due on `--today` (the only mode for now; kept explicit).
        #[arg(long)]
        due: bool,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// What slips through: responses without control, overdue tasks without extension or note, steps not followed up.
    Slips {
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Supervisor figures per assignee and unit, and overdue work by district × category.
    Dashboard {
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Measure: add COUNT synthetic tasks to the database (use a scratch one) and time the graph and views.
    BenchTasks {
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        #[arg(long)]
        today: Option<String>,
    },
    /// Measure: journal writes one by one, then bulk entries up to --entries, then a full verify (use a scratch database).
    BenchJournal {
        #[arg(long, default_value_t = 1000)]
        writes: usize,
        #[arg(long, default_value_t = 1_000_000)]
        entries: usize,
    },
    /// Measure: score a plan in full --runs times in one session — reading it, replaying the
    /// registry (first run only), ranking, putting every row in words as JSON (prints figures).
    BenchRisk {
        plan: PathBuf,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Measure: card assembly latency over a sample of objects (prints figures, asserts nothing).
    Bench {
        #[arg(long, default_value_t = 2000)]
        samples: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CalendarAction {
    /// The years the calendar knows, shipped or imported.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add or replace a year from a document in the format of assets/calendar/kz-YYYY.json.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum JournalAction {
    /// Walk the chain, check the signed checkpoint, and compare every journaled record with its
    /// last entry; exit 0 only when all holds, non-zero naming each problem.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Start a new signed checkpoint over the journal as it stands (journaled, with your reason),
    /// when the old one was lost or no longer matches.
    Seal {
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum NormsAction {
    /// Every norm in force with its period, basis, cap, version and whether it is confirmed.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The catalog in force as JSON in the format of assets/norms.json (to stdout, or to --out FILE).
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a revised catalog: checked, versioned, recorded with its SHA-256; open deadlines that follow a changed norm are recomputed.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AppealsAction {
    /// Train a new model version on a labelled export (CSV/XLSX/JSON with `text` and `category`):
    /// evaluated on a stratified held-out split, then trained on everything and registered.
    Train {
        file: PathBuf,
        /// Also learn from the categories people corrected in this database.
        #[arg(long)]
        include_corrections: bool,
        #[arg(long)]
        json: bool,
    },
    /// One appeal's card: masked text and what was masked, category with its explanation,
    /// priority rules, duplicates, route, SLA steps, decisions and history.
    Show {
        appeal_no: String,
        #[arg(long)]
        json: bool,
    },
    /// Correct an appeal's category, with a reason (journaled; the route follows).
    Reclassify {
        appeal_no: String,
        category: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Send an appeal to another unit of the routing table, with a reason (journaled).
    Reroute {
        appeal_no: String,
        unit: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Run the pipeline again (after training a new model, or editing the rules): open appeals,
    /// or every appeal with --all. Only decisions that change are written.
    Triage {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Classify every row of an export with the newest model, without storing anything.
    Classify {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AnomaliesAction {
    /// One anomaly: its figures, explanation, funnel and the inspections or appeals behind it.
    Show {
        id: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Dismiss an anomaly with a reason (journaled; it stays listed as dismissed).
    Dismiss {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a dismissal back, with a reason (journaled).
    Restore {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TargetArg {
    DeclaredIllegal,
    AppealSatisfied,
    ViolationsFound,
}

impl From<TargetArg> for ekn::analytics::risk::Target {
    fn from(target: TargetArg) -> Self {
        match target {
            TargetArg::DeclaredIllegal => Self::DeclaredIllegal,
            TargetArg::AppealSatisfied => Self::AppealSatisfied,
            TargetArg::ViolationsFound => Self::ViolationsFound,
        }
    }
}

#[derive(Subcommand)]
enum EvidenceAction {
    /// Assemble the object's evidence package (BagIt 1.0, signed) into a new directory, or a zip.
    Pack {
        bin: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        zip: bool,
        #[arg(long)]
        json: bool,
    },
    /// Check a package (directory or zip): every problem, each naming its file. Exit 0 only when
    /// all holds.
    Verify {
        path: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Attach a document to an object (kept once per SHA-256, encrypted beside the database).
    Attach {
        bin: String,
        file: PathBuf,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Tick (or with --untick, untick) a checklist item, optionally naming the attached document
    /// (its SHA-256) that satisfies it.
    Tick {
        bin: String,
        item: String,
        #[arg(long)]
        untick: bool,
        #[arg(long)]
        document: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The object's checklists: the stage's and each act's, what satisfies each item, what is missing.
    Checklist {
        bin: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum RiskAction {
    /// Train a new version on the inspection history in the database: judged on the most recent
    /// 20% first (AUC, calibration, error by region and by control body), then refitted on all.
    Train {
        #[arg(long, value_enum, default_value_t = TargetArg::DeclaredIllegal)]
        target: TargetArg,
        #[arg(long)]
        json: bool,
    },
    /// Score a plan (upcoming inspections in the inspections format, outcome columns not needed):
    /// probability, contributions in words, similar past cases and what to check, most likely first.
    /// With --json every row is streamed (one per line inside the document); the text shows the
    /// first 20 unless --top says otherwise.
    Score {
        file: PathBuf,
        /// Only the N most likely rows.
        #[arg(long)]
        top: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Write the examples training sees (time split, label, features; codes, no names) as CSV,
    /// to refit them with another tool (scripts/compare-sklearn.py).
    Features {
        #[arg(long, value_enum, default_value_t = TargetArg::DeclaredIllegal)]
        target: TargetArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// An object's local-model risk beside its imported external scores, with the reasons.
    Explain {
        bin: String,
        #[arg(long)]
        json: bool,
    },
    /// Override the local estimate of an object with your own (high, medium, low) or withdraw
    /// an override (withdrawn), with a reason (journaled).
    Override {
        bin: String,
        assessment: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Inspections,
    Appeals,
    Risk,
}

impl From<Kind> for DataKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Inspections => DataKind::Inspections,
            Kind::Appeals => DataKind::Appeals,
            Kind::Risk => DataKind::Risk,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ScaleArg {
    Demo,
    Large,
}

fn main() -> ExitCode {
    api::init_logging();
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ekn: error [{}]: {}", e.code, e.message);
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), ApiError> {
    let db = args.db.clone().unwrap_or_else(api::default_db_path);
    let context = api::Context::new(ekn::domain::journal::Face::Cli, args.as_person.clone(), api::clock_for(None));
    let open = || Session::open_with(&db, context.clone());
    match args.command {
        Command::Serve { port, demo, ui, today } => {
            let today = today.map(|t| cli::today(Some(&t))).transpose()?;
            let host = std::sync::Arc::new(ekn::api::host::Host::start(
                &db,
                demo,
                ekn::domain::journal::Face::Browser,
                today,
            )?);
            if host.created_demo() {
                eprintln!("ekn: created the demo database at {}", db.display());
            }
            let server = ekn::serve::Server::bind(host, port, Some(ui.unwrap_or_else(ekn::serve::default_ui_dir)))?;
            // The URL carries the session token: print it to the terminal only, never to a log.
            cli::out(&format!("{}\n", server.url()));
            eprintln!("ekn: serving {} — open the URL above; Ctrl+C stops", db.display());
            server.run()
        }
        Command::Init { demo, today, force, json } => {
            let today = cli::today(today.as_deref())?;
            let mut bars = cli::ProgressBars::new();
            let context = api::Context::new(context.face, context.person.clone(), api::clock_for(Some(today)));
            let report = api::init(&db, demo.then_some(today), force, context, &mut |name, p| bars.update(name, p))?;
            bars.finish();
            cli::print(json, &report, cli::render_init)
        }
        Command::Import { kind, file, source, skip_invalid, legal_card, json } => {
            let mut session = open()?;
            let mut bars = cli::ProgressBars::new();
            let name = file.display().to_string();
            let report = session.import(kind.into(), &file, source, skip_invalid, legal_card.as_deref(), &mut |p| {
                bars.update(&name, p)
            })?;
            bars.finish();
            cli::print(json, &report, cli::render_import)
        }
        Command::Card { bin, json } => cli::print(json, &open()?.card(&bin)?, cli::render_card),
        Command::Search { text, limit, json } => cli::print(json, &open()?.search(&text, limit)?, cli::render_search),
        Command::Status { json } => cli::print(json, &open()?.status()?, cli::render_status),
        Command::Fixtures { scale, seed, out, today, clean } => {
            let today = match today {
                Some(text) => cli::today(Some(&text))?,
                None => generator::ANCHOR,
            };
            let scale = match scale {
                ScaleArg::Demo => Scale::Demo,
                ScaleArg::Large => Scale::Large,
            };
            let out = out.unwrap_or_else(|| generator::default_out(scale));
            let set = generator::generate_with(scale, seed, today, !clean, &out)
                .map_err(|e| ApiError { code: ErrorCode::Io, message: format!("{}: {e}", out.display()) })?;
            cli::print(false, &set, cli::render_fixtures)
        }
        Command::Deadline { from, working_days, calendar_days, months, norm, suspend, json } => {
            let request = cli::deadline_request(&from, working_days, calendar_days, months, norm, &suspend)?;
            // Without a database the shipped calendar is used; with one, its imported years too.
            let report = match open() {
                Ok(session) => session.deadline(&request)?,
                Err(e) if e.code == ErrorCode::NoDatabase => api::compute_deadline(
                    &api::builtin_calendar(),
                    &ekn::domain::norms::NormsCatalog::builtin(),
                    &request,
                )?,
                Err(e) => return Err(e),
            };
            cli::print(json, &report, cli::render_deadline)
        }
        Command::Calendar { action: CalendarAction::List { json } } => {
            cli::print(json, &open()?.calendar_years()?, cli::render_calendar_years)
        }
        Command::Calendar { action: CalendarAction::Import { file } } => {
            cli::print(false, &open()?.import_calendar(&file)?, cli::render_calendar_import)
        }
        Command::Norms { action: NormsAction::List { json } } => {
            cli::print(json, &open()?.norms_list()?, cli::render_norms)
        }
        Command::Norms { action: NormsAction::Export { out } } => {
            let text = open()?.norms_export()?;
            match out {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| ApiError { code: ErrorCode::Io, message: format!("{}: {e}", path.display()) }),
                None => {
                    cli::out(&text);
                    Ok(())
                }
            }
        }
        Command::Norms { action: NormsAction::Import { file, json } } => {
            cli::print(json, &open()?.import_norms(&file)?, cli::render_norms_import)
        }
        Command::Appeals {
            action: None, category, unit, district, priority, overdue, limit, heatmap, json, ..
        } => {
            let filter = api::QueueFilter {
                category,
                unit,
                district,
                region: None,
                priority,
                overdue_only: overdue,
                limit: Some(limit),
            };
            let queue = open()?.appeal_queue(&filter)?;
            if heatmap {
                cli::print(json, &queue.heatmap, cli::render_heatmap)
            } else {
                cli::print(json, &queue, cli::render_queue)
            }
        }
        Command::Appeals { action: Some(action), .. } => match action {
            AppealsAction::Train { file, include_corrections, json } => {
                let params = ekn::analytics::classifier::TrainParams::default();
                let progress = cli::step_reporter(json);
                let report = open()?.train_appeals_model(&file, &params, include_corrections, &progress)?;
                cli::print(json, &report, cli::render_training)
            }
            AppealsAction::Classify { file, json } => {
                cli::print(json, &open()?.classify_file(&file)?, cli::render_classified)
            }
            AppealsAction::Show { appeal_no, json } => {
                cli::print(json, &open()?.appeal_card(&appeal_no)?, cli::render_appeal_card)
            }
            AppealsAction::Reclassify { appeal_no, category, reason, json } => {
                let mut session = open()?;
                session.correct_appeal(&appeal_no, "category", &category, &reason)?;
                cli::print(json, &session.appeal_card(&appeal_no)?, cli::render_appeal_card)
            }
            AppealsAction::Reroute { appeal_no, unit, reason, json } => {
                let mut session = open()?;
                session.correct_appeal(&appeal_no, "route", &unit, &reason)?;
                cli::print(json, &session.appeal_card(&appeal_no)?, cli::render_appeal_card)
            }
            AppealsAction::Triage { all, json } => {
                let scope = if all { api::TriageScope::All } else { api::TriageScope::Open };
                let report = open()?.triage(scope, &|done, total| {
                    if !json {
                        eprint!("\r  … {done}/{total} appeals");
                    }
                })?;
                if !json {
                    eprintln!();
                }
                cli::print(json, &report, cli::render_triage)
            }
        },
        Command::Anomalies { action: None, kind, fdr, min_ratio, json } => {
            let kind = match kind.as_deref() {
                None => None,
                Some(k) => Some(ekn::analytics::practices::AnomalyKind::from_code(k.trim()).ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("--kind '{k}': not one of frequent_visits, illegal_share, unplanned_growth, refused_spike, sanction_combination"),
                    )
                })?),
            };
            let params = ekn::analytics::practices::DetectParams { fdr, min_ratio, ..Default::default() };
            cli::print(json, &open()?.anomalies(&params, kind)?, cli::render_anomalies)
        }
        Command::Anomalies { action: Some(action), .. } => match action {
            AnomaliesAction::Show { id, limit, json } => {
                cli::print(json, &open()?.anomaly_detail(&id, limit)?, cli::render_anomaly)
            }
            AnomaliesAction::Dismiss { id, reason, json } => {
                cli::print(json, &open()?.review_anomaly(&id, "dismiss", &reason)?, cli::render_anomaly)
            }
            AnomaliesAction::Restore { id, reason, json } => {
                cli::print(json, &open()?.review_anomaly(&id, "restore", &reason)?, cli::render_anomaly)
            }
        },
        Command::Risk { action } => match action {
            RiskAction::Train { target, json } => {
                let target = target.into();
                let progress = cli::step_reporter(json);
                let params = ekn::analytics::risk::RiskParams::default();
                cli::print(json, &open()?.train_risk_model(target, &params, &progress)?, cli::render_risk_training)
            }
            RiskAction::Score { file, top, json: true } => cli::stream_plan_json(&mut open()?, &file, top),
            RiskAction::Score { file, top, json: false } => {
                cli::print(false, &open()?.score_plan(&file, Some(top.unwrap_or(20)))?, cli::render_plan_score)
            }
            RiskAction::Features { target, out } => {
                let rows = open()?.export_risk_examples(target.into(), &out)?;
                cli::out(&format!("{rows} example(s) written to {}\n", out.display()));
                Ok(())
            }
            RiskAction::Explain { bin, json } => cli::print(json, &open()?.explain_risk(&bin)?, cli::render_risk),
            RiskAction::Override { bin, assessment, reason, json } => {
                cli::print(json, &open()?.override_risk(&bin, &assessment, &reason)?, cli::render_risk)
            }
        },
        Command::Models { passport: None, json } => cli::print(json, &open()?.models()?, cli::render_models),
        Command::Models { passport: Some(name), json } => {
            cli::print(json, &open()?.model_passport(&name)?, |p: &api::ModelPassport| p.markdown.clone())
        }
        Command::Journal { action: None, object, task, appeal, limit, json } => {
            let query = api::JournalQuery { object, task, appeal, limit };
            cli::print(json, &open()?.journal(&query)?, cli::render_journal)
        }
        Command::Evidence { action: EvidenceAction::Pack { bin, out, zip, json } } => {
            cli::print(json, &open()?.pack_evidence(&bin, &out, zip)?, cli::render_evidence_pack)
        }
        Command::Evidence { action: EvidenceAction::Attach { bin, file, note, json } } => {
            let bytes =
                std::fs::read(&file).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", file.display())))?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            cli::print(json, &open()?.attach_evidence(&bin, &name, &bytes, note.as_deref())?, cli::render_attached)
        }
        Command::Evidence { action: EvidenceAction::Tick { bin, item, untick, document, note, json } } => {
            let request = api::ChecklistMarkRequest { bin, item, ticked: !untick, document, note };
            let state = open()?.mark_checklist(&request)?;
            cli::print(json, &state, |s: &api::ChecklistState| {
                format!("[{}] {} {}\n", if s.satisfied { "x" } else { " " }, s.id, s.en)
            })
        }
        Command::Evidence { action: EvidenceAction::Checklist { bin, json } } => {
            let session = open()?;
            let today = session.today();
            cli::print(json, &session.case_screen(&bin, today)?, cli::render_checklist)
        }
        Command::Act { action } => cli::run_act(&db, context.clone(), action),
        Command::Evidence { action: EvidenceAction::Verify { path, json } } => {
            let report = open()?.verify_evidence(&path)?;
            cli::print(json, &report, cli::render_evidence_verification)?;
            match report.messages.first() {
                None => Ok(()),
                Some(first) => Err(ApiError::new(
                    ErrorCode::EvidenceBroken,
                    format!("the package does not verify: {} problem(s); the first: {first}", report.messages.len()),
                )),
            }
        }
        Command::Journal { action: Some(JournalAction::Verify { json }), .. } => {
            let report = api::verify_journal(&db)?;
            cli::print(json, &report, cli::render_verification)?;
            if report.ok {
                Ok(())
            } else {
                Err(ApiError::new(
                    ErrorCode::JournalBroken,
                    format!(
                        "the journal does not verify: {} problem(s); the first: {}",
                        report.problems.len(),
                        report.problems[0].text()
                    ),
                ))
            }
        }
        Command::Journal { action: Some(JournalAction::Seal { reason }), .. } => {
            cli::print(false, &open()?.reseal_journal(&reason)?, cli::render_verification)
        }
        Command::Task { action } => cli::run_task(&db, context.clone(), action),
        Command::Desk { assignee, today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.desk(today, assignee.as_deref())?, cli::render_desk)
        }
        Command::Reminders { due: _, today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.reminders(today)?, cli::render_reminders)
        }
        Command::Slips { today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.slips(today)?, cli::render_slips)
        }
        Command::Dashboard { today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.dashboard(today)?, cli::render_dashboard)
        }
        Command::BenchTasks { count, today } => {
            let today = cli::today(today.as_deref())?;
            if !db.exists() {
                api::init(&db, None, false, context.clone(), &mut |_, _| {})?;
            }
            cli::print(true, &open()?.bench_tasks(count, today)?, |_| String::new())
        }
        Command::BenchJournal { writes, entries } => {
            if !db.exists() {
                api::init(&db, None, false, context.clone(), &mut |_, _| {})?;
            }
            cli::print(true, &open()?.bench_journal(writes, entries)?, |_| String::new())
        }
        Command::BenchRisk { plan, runs } => cli::print(true, &open()?.bench_risk(&plan, runs)?, |_| String::new()),
        Command::Bench { samples, json } => cli::print(json, &open()?.bench_card(samples)?, cli::render_bench),
    }
}
