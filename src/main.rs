//! The `ekn` command line: parses arguments and hands each command to its module in `cli/`, which
//! calls one `ekn::api` function and renders the result as text or JSON. No business logic lives
//! here.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ekn::api::{self, ApiError, Session};

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
    /// The language of messages and errors: ru, kk or en (default: EKN_LANG, else the locale's
    /// LC_ALL / LC_MESSAGES / LANG when it names one of the three, else English). The guide and
    /// the model passports are shown in it too.
    #[arg(long, global = true, value_parser = cli::guide::lang)]
    lang: Option<String>,
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
        /// Encrypt the database (SQLCipher) under a passphrase from EKN_PASSPHRASE or the prompt.
        #[arg(long, requires = "recovery_out")]
        encrypt: bool,
        /// With --encrypt: the new file the one-time recovery key is written to (print it, hand it
        /// to the supervisor, delete the file).
        #[arg(long, value_name = "FILE", requires = "encrypt")]
        recovery_out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Encryption at rest: status, change the passphrase, recover with the recovery key, encrypt
    /// a plain database in place.
    Vault {
        #[command(subcommand)]
        action: cli::vault::VaultAction,
    },
    /// Registry sources over HTTP: add a connector, run it (resumable, published whole), its runs.
    Connect {
        #[command(subcommand)]
        action: cli::connect::ConnectAction,
    },
    /// The office: join it (`office join URL --user NAME`), see the link (`office status`).
    Office {
        #[command(subcommand)]
        action: cli::office::OfficeAction,
    },
    /// Push this journal to the office, pull colleagues' work in scope, send the reads queued for
    /// the office's access log.
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Retention: what is due for destruction on a day (`plan`), and its lawful destruction under
    /// a numbered act (`apply`), journaled, with the act's draft.
    Retention {
        #[command(subcommand)]
        action: cli::retention::RetentionAction,
    },
    /// Back the database up to a new file: one consistent, encrypted copy (the database, its
    /// documents, the journal's checkpoint) with a signed manifest. A plain database's backup is
    /// encrypted under a passphrase from EKN_PASSPHRASE (or the prompt, twice).
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup to a new database (never over one): every member is checked against the
    /// signed manifest and the journal verified; the passphrase from EKN_PASSPHRASE (or the prompt).
    Restore {
        backup: PathBuf,
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Import a registry export (CSV, XLSX, JSON or NDJSON) and print a report.
    Import {
        kind: cli::registry::Kind,
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
    /// The database's keys: a key file that is truly lost is replaced only here, on purpose and
    /// with a reason (journaled); every other command refuses a database whose key is missing.
    Keys {
        #[command(subcommand)]
        action: cli::registry::KeysAction,
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
        #[arg(long, value_enum, default_value_t = cli::registry::ScaleArg::Demo)]
        scale: cli::registry::ScaleArg,
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
    // One period at most; a norm may come with one where it lets the act set its period.
    #[command(group(clap::ArgGroup::new("period").args(["working_days", "calendar_days", "months"])))]
    #[command(group(clap::ArgGroup::new("rule").required(true).multiple(true).args(["working_days", "calendar_days", "months", "norm"])))]
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
        /// A rule of the norms catalog, e.g. prosecutor-submission; the version in force on --from
        /// counts it. With a period too, where the norm lets the act set its own.
        #[arg(long)]
        norm: Option<String>,
        /// The day of the decision to extend, for a cap counted from it (APPC art. 76 as worded by 241-VIII).
        #[arg(long)]
        decided: Option<String>,
        /// Days the clock stands still, FROM..TO (both included); may be repeated.
        #[arg(long)]
        suspend: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The working-day calendar: list its years, or import a year's document.
    Calendar {
        #[command(subcommand)]
        action: cli::deadlines::CalendarAction,
    },
    /// The norms catalog in force: list it, export it, or import a revised one.
    Norms {
        #[command(subcommand)]
        action: cli::deadlines::NormsAction,
    },
    /// The appeals queue (open appeals by priority, with category, route and due date), the appeal
    /// card, corrections, and the classifier: train a model version, or classify an export.
    Appeals {
        #[command(subcommand)]
        action: Option<cli::appeals::AppealsAction>,
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
        action: Option<cli::analytics::AnomaliesAction>,
        /// Only this kind (frequent_visits, illegal_share, unplanned_growth, refused_spike, sanction_combination, neighbours).
        #[arg(long, value_parser = cli::typed::<api::AnomalyKind>)]
        kind: Option<api::AnomalyKind>,
        /// The false-discovery rate controlled across each kind's units.
        #[arg(long, default_value_t = 0.05)]
        fdr: f64,
        /// The least observed/expected ratio listed.
        #[arg(long, default_value_t = 1.5)]
        min_ratio: f64,
        #[arg(long)]
        json: bool,
    },
    /// What acts of response changed (docs/EFFECT.md): recorded outcomes as KPIs with their
    /// intervals, what later data say of each act, and the estimated effect on later violations
    /// and appeals — three tiers, never mixed in one figure.
    Effect {
        #[command(subcommand)]
        action: Option<cli::effect::EffectAction>,
        /// Only acts of this kind (protest, submission, resolution, order, warning).
        #[arg(long, value_parser = cli::effect::act_kind)]
        kind: Option<api::ActKind>,
        /// Only objects whose KATO code starts with this (a region 19, a district 1920).
        #[arg(long)]
        district: Option<String>,
        /// Only acts prompted by this control body's inspection, as the registry names it.
        #[arg(long)]
        body: Option<String>,
        /// Days after each act's period that later data are read for (default 365).
        #[arg(long)]
        horizon_days: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// The user guide (docs/guide/): search it in Russian, Kazakh or English, list its topics, print one.
    /// Needs no database.
    Guide {
        #[command(subcommand)]
        action: cli::guide::GuideAction,
    },
    /// Themes of supervision (docs/THEMES.md): a theme saved as a versioned definition, its card,
    /// the scan for rising themes and category × district cells, and the ranking for the plan.
    Themes {
        #[command(subcommand)]
        action: cli::themes::ThemesAction,
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
        action: cli::evidence::EvidenceAction,
    },
    /// Documents attached to an object as ЭКН read them: pages (text layer or OCR), requisites
    /// proposed as facts, and a person's confirm or reject (see docs/DOCUMENTS.md).
    Docs {
        #[command(subcommand)]
        action: cli::docs::DocsAction,
    },
    /// The local risk model of the next inspection going wrong: train it on the registry, score a
    /// plan of upcoming inspections, explain an object's risk beside the imported scores.
    Risk {
        #[command(subcommand)]
        action: cli::analytics::RiskAction,
    },
    /// Every model version: what it was trained on, by whom, when, and how well it did on held-out data.
    Models {
        #[command(subcommand)]
        action: Option<cli::analytics::ModelsAction>,
        /// Print the passport of this version (data, method, held-out figures, bias by region, limits).
        #[arg(long)]
        passport: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The journal: who did what, when and why; verify that nothing was changed behind its back.
    Journal {
        #[command(subcommand)]
        action: Option<cli::journal::JournalAction>,
        /// Entries about this object (BIN/IIN).
        #[arg(long)]
        object: Option<String>,
        /// Entries about this task (a colleague's, pulled from the office, has a negative number).
        #[arg(long, allow_negative_numbers = true)]
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

fn main() -> ExitCode {
    api::init_logging();
    // Help, usage and mistakes in the reader's language (read before clap parses; `choose` keeps it).
    let matches = ekn::i18n::help::matches(<Args as clap::CommandFactory>::command(), "ekn");
    let args = match <Args as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    ekn::i18n::choose(args.lang.as_deref());
    // With --json the answer is JSON, a failure too: the error object (code, message, and the place
    // in a file as `detail`) on standard output, beside the one line for a person on stderr.
    let json = std::env::args().any(|a| a == "--json");
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ekn: {}", cli::words::error(&e));
            if json {
                if let Ok(text) = serde_json::to_string_pretty(&e) {
                    cli::out(&format!("{text}\n"));
                }
            }
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), ApiError> {
    let db = args.db.clone().unwrap_or_else(api::default_db_path);
    let context = api::Context::new(ekn::domain::journal::Face::Cli, args.as_person.clone(), api::clock_for(None));
    // The passphrase of an encrypted database is asked once, up front, by the commands that open
    // it; creating one, the fixtures, the browser's lock screen, and the vault commands that need
    // no current passphrase do not ask.
    use cli::vault::VaultAction;
    let asks = !matches!(
        &args.command,
        Command::Init { .. }
            | Command::Restore { .. }
            | Command::Fixtures { .. }
            | Command::Anomalies { action: Some(cli::analytics::AnomaliesAction::Power { .. }), .. }
            | Command::Appeals { action: Some(cli::appeals::AppealsAction::Evaluate { .. }), .. }
            | Command::Risk { action: cli::analytics::RiskAction::Study { .. } }
            | Command::Effect { action: Some(cli::effect::EffectAction::Study { .. }), .. }
            | Command::Themes { action: cli::themes::ThemesAction::Study { .. } }
            | Command::Serve { .. }
            | Command::Vault {
                action: VaultAction::Status { .. } | VaultAction::Recover { .. } | VaultAction::Encrypt { .. }
            }
    );
    let context = if asks { cli::vault::unlock(&db, context)? } else { context };
    let open = || Session::open_with(&db, context.clone());
    // A scratch database for the measuring commands that fill one.
    let open_or_create = || {
        if !db.exists() {
            api::init(&db, None, false, context.clone(), &mut |_, _| {})?;
        }
        open()
    };
    match args.command {
        Command::Serve { port, demo, ui, today } => cli::registry::run_serve(&db, port, demo, ui, today),
        Command::Init { demo, today, force, encrypt: _, recovery_out, json } => {
            cli::registry::run_init(&db, &context, demo, today, force, recovery_out, json)
        }
        Command::Vault { action } => cli::vault::run_vault(&db, context.clone(), action),
        Command::Backup { out, json } => cli::vault::run_backup(&mut open()?, &out, json),
        Command::Retention { action } => cli::retention::run(&mut open()?, action),
        Command::Connect { action } => cli::connect::run(&mut open()?, action),
        Command::Office { action } => cli::office::run(&mut open()?, action),
        Command::Sync { json } => cli::office::run_sync(&mut open()?, json),
        Command::Restore { backup, to, json } => cli::vault::run_restore(&backup, &to, context.clone(), json),
        Command::Import { kind, file, source, skip_invalid, legal_card, json } => {
            cli::registry::run_import(&mut open()?, kind, &file, source, skip_invalid, legal_card.as_deref(), json)
        }
        Command::Keys { action } => cli::registry::run_keys(&db, &context, action),
        Command::Card { bin, json } => cli::print(json, &open()?.registry().card(&bin)?, cli::registry::render_card),
        Command::Search { text, limit, json } => {
            cli::print(json, &open()?.registry().search(&text, limit)?, cli::registry::render_search)
        }
        Command::Status { json } => cli::print(json, &open()?.registry().status()?, cli::registry::render_status),
        Command::Fixtures { scale, seed, out, today, clean } => {
            cli::registry::run_fixtures(scale, seed, out, today, clean)
        }
        Command::Deadline { from, working_days, calendar_days, months, norm, decided, suspend, json } => {
            let request = cli::deadlines::deadline_request(
                &from,
                working_days,
                calendar_days,
                months,
                norm,
                decided.as_deref(),
                &suspend,
            )?;
            cli::deadlines::run_deadline(open, &request, json)
        }
        Command::Calendar { action } => cli::deadlines::run_calendar(&mut open()?, action),
        Command::Norms { action } => cli::deadlines::run_norms(&mut open()?, action),
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
            cli::appeals::run_queue(&mut open()?, &filter, heatmap, json)
        }
        // Judging the method on a file needs no database.
        Command::Appeals {
            action: Some(cli::appeals::AppealsAction::Evaluate { file, splits, params, json }), ..
        } => cli::appeals::run_evaluate(&file, splits, params.as_deref(), json),
        Command::Appeals { action: Some(action), .. } => cli::appeals::run_appeals(&mut open()?, action),
        // The study needs no database.
        Command::Themes { action: cli::themes::ThemesAction::Study { worlds, export, json } } => {
            cli::themes::run_study(worlds, export, json)
        }
        Command::Themes { action: cli::themes::ThemesAction::Propose { labelled: Some(file), json, .. } } => {
            cli::themes::run_evaluate_proposals(&file, json)
        }
        Command::Themes { action } => cli::themes::run(&mut open()?, action),
        // The guide is built into the program: no database.
        Command::Guide { action } => cli::guide::run(action, args.lang.as_deref()),
        Command::Effect { action: None, kind, district, body, horizon_days, json } => {
            cli::effect::run_report(&mut open()?, api::EffectRequest { kind, district, body, horizon_days }, json)
        }
        // The study needs no database.
        Command::Effect {
            action: Some(cli::effect::EffectAction::Study { quarters: Some(file), export, json, .. }),
            ..
        } => cli::effect::run_quarters(&file, export, json),
        Command::Effect {
            action:
                Some(cli::effect::EffectAction::Study { seeds, objects, first_violation, export, json, quarters: None }),
            ..
        } => cli::effect::run_study(seeds, objects, first_violation, export, json),
        Command::Anomalies { action: None, kind, fdr, min_ratio, json } => {
            cli::analytics::run_anomaly_list(&mut open()?, kind, fdr, min_ratio, json)
        }
        // The power study needs no database.
        Command::Anomalies { action: Some(cli::analytics::AnomaliesAction::Power { full, json }), .. } => {
            cli::analytics::run_power(full, json)
        }
        Command::Anomalies { action: Some(action), .. } => cli::analytics::run_anomalies(&mut open()?, action),
        Command::Risk { action: cli::analytics::RiskAction::Study { per_year, years, seed, out, json } } => {
            cli::analytics::run_risk_study(per_year, years, seed, &out, json)
        }
        Command::Risk { action } => cli::analytics::run_risk(&mut open()?, action),
        Command::Models { action: Some(action), .. } => cli::analytics::run_models_action(&mut open()?, action),
        // The passport's language is the messages' (the JSON carries all three).
        Command::Models { action: None, passport, json } => cli::analytics::run_models(&mut open()?, passport, json),
        Command::Journal { action, object, task, appeal, limit, json } => {
            let query = api::JournalQuery { object, task, appeal, limit };
            cli::journal::run_journal(&db, &context, open, action, query, json)
        }
        Command::Evidence { action } => cli::evidence::run_evidence(&mut open()?, action),
        Command::Docs { action: cli::docs::DocsAction::Measure { dir, no_ocr, misses, facts, json } } => {
            cli::docs::run_measure(&dir, no_ocr, misses, facts, json)
        }
        Command::Docs { action: cli::docs::DocsAction::Dates } => cli::docs::run_dates(),
        Command::Docs { action } => cli::docs::run_docs(&mut open()?, action),
        Command::Act { action } => cli::run_act(&db, context.clone(), action),
        Command::Task { action } => cli::run_task(&db, context.clone(), action),
        Command::Desk { assignee, today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.tasks().desk(today, assignee.as_deref())?, cli::tasks::render_desk)
        }
        Command::Reminders { due: _, today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.tasks().reminders(today)?, cli::tasks::render_reminders)
        }
        Command::Slips { today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.tasks().slips(today)?, cli::tasks::render_slips)
        }
        Command::Dashboard { today, json } => {
            let today = cli::today(today.as_deref())?;
            cli::print(json, &open()?.tasks().dashboard(today)?, cli::tasks::render_dashboard)
        }
        Command::BenchTasks { count, today } => {
            let today = cli::today(today.as_deref())?;
            cli::print(true, &open_or_create()?.bench_tasks(count, today)?, |_| String::new())
        }
        Command::BenchJournal { writes, entries } => {
            cli::print(true, &open_or_create()?.bench_journal(writes, entries)?, |_| String::new())
        }
        Command::BenchRisk { plan, runs } => cli::print(true, &open()?.bench_risk(&plan, runs)?, |_| String::new()),
        Command::Bench { samples, json } => cli::print(json, &open()?.bench_card(samples)?, cli::bench::render_bench),
    }
}
