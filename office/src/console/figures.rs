//! `ekn-office dashboard`, `effect`, `anomalies` and `themes …`: the office's figures over every
//! workstation's work (or one person's scope with `--as`), as JSON or in words — the same words
//! `ekn` prints for a workstation's own, and what the office did not compute, and why.

use clap::Subcommand;
use deadpool_postgres::Pool;
use ekn_i18n::{tr, tr_count, tr_with};
use ekn_office::people::{self, Caller};
use ekn_office::{dashboard, effect, OfficeError};

use super::print_json;

#[derive(Subcommand)]
pub enum ThemesAction {
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
    ekn_i18n::office_lines::not_computed_line(omitted)
}

/// The office's scan as text (one wording with a workstation's `ekn office themes`).
fn print_themes_scan(scan: &ekn_office::themes::OfficeThemeScan) {
    print!("{}", ekn_i18n::office_lines::themes_scan_text(scan));
}

/// The effectiveness figures in words (one wording with a workstation's `ekn office effect`).
fn print_effect(e: &effect::OfficeEffect) {
    print!("{}", ekn_i18n::office_lines::effect_text(e));
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
    let row = |name: &str, f: &ekn_domain::tasks::Figures| {
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

/// The dashboard (`check`: its kept counts recounted from every task, exiting non-zero on a difference).
pub async fn dashboard(
    pool: &Pool,
    today: Option<chrono::NaiveDate>,
    as_person: Option<String>,
    json: bool,
    check: bool,
) -> Result<(), OfficeError> {
    if check {
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
    } else {
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
    Ok(())
}

pub async fn effect(
    pool: &Pool,
    ask: effect::EffectAsk<'_>,
    today: Option<chrono::NaiveDate>,
    as_person: Option<String>,
    json: bool,
) -> Result<(), OfficeError> {
    let today = today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = pool.get().await?;
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
    Ok(())
}

pub async fn anomalies(pool: &Pool, today: Option<chrono::NaiveDate>, json: bool) -> Result<(), OfficeError> {
    let today = today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = pool.get().await?;
    let found = ekn_office::anomalies::whole_office(&mut client, today).await?;
    if json {
        print_json(&found);
    } else {
        print!("{}", ekn_i18n::office_lines::anomalies_text(&found));
    }
    Ok(())
}

pub async fn themes(pool: &Pool, action: ThemesAction) -> Result<(), OfficeError> {
    match action {
        ThemesAction::Scan { as_of, months, as_person, json } => {
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
        ThemesAction::Scores { as_of, as_person, json } => {
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
                print!("{}", ekn_i18n::theme_lines::scores_text(&scores.scores));
                let vars: [(&str, &dyn std::fmt::Display); 2] =
                    [("appeals", &scores.appeals_held), ("themes", &scores.owners.len())];
                println!("{}", tr_with("cli.themes.office_read", &vars));
                for omitted in &scores.not_computed {
                    println!("{}", not_computed_line(omitted));
                }
            }
        }
    }
    Ok(())
}
