//! The `ekn-office` console, one module per kind of work as `src/cli/` is for `ekn`: the command
//! tree (`Args`, `Command`) and the dispatch here, with `migrate` and `serve`; the office's people
//! and workstations (`people`), what it recorded (`records`), its figures (`figures`), its
//! connectors and network (`connectors`), its norms (`norms`), destruction (`retention`) and the
//! national read-side (`national`). Each prints in the person's language.

mod connectors;
mod figures;
mod national;
mod norms;
mod people;
mod records;
mod retention;

use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use ekn_i18n::{tr, tr_count, tr_with};
use ekn_office::{db, http, OfficeError};

#[derive(Parser)]
#[command(name = "ekn-office", version, about = "ЭКН office server: sync, people and roles, conflicts, the access log")]
pub struct Args {
    /// The office's PostgreSQL (`postgres://…` or `host=/run/postgresql user=ekn dbname=ekn`).
    #[arg(long, global = true, env = "EKN_OFFICE_PG", hide_env_values = true)]
    pg: Option<String>,
    /// The language of messages and errors: ru, kk or en (default: EKN_LANG, else the locale's
    /// LC_ALL / LC_MESSAGES / LANG when it names one of the three, else English).
    #[arg(long, global = true, value_parser = language)]
    pub lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// `--lang`'s value: one of the three languages of the shared catalogue.
fn language(text: &str) -> Result<String, String> {
    ekn_i18n::Lang::parse(text)
        .map(|l| l.code().to_string())
        .ok_or_else(|| format!("'{text}' is not a language of ЭКН (ru, kk, en)"))
}

#[derive(Subcommand)]
pub enum Command {
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
        action: people::UserAction,
    },
    /// Destruction acts carried out on the office's copy: list them with how far each reached,
    /// or sweep (rewrite the table the destroyed data lived in, so its bytes leave the files).
    Retention {
        #[command(subcommand)]
        action: retention::RetentionAction,
    },
    /// Enrolled workstations: list, re-admit a restored or copied database, revoke one.
    Workstation {
        #[command(subcommand)]
        action: people::WorkstationAction,
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
        /// Only acts prompted by this control body's inspection, as the registry names it.
        #[arg(long)]
        body: Option<String>,
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
        action: figures::ThemesAction,
    },
    /// The connectors' network every workstation receives with its pulls: an extra CA bundle (the
    /// office's HTTPS-inspecting firewall) and a proxy. Without options, shows it. Set by an
    /// administrator named with --as.
    ConnectorsNetwork {
        #[command(flatten)]
        flags: ekn_connect::network::NetworkFlags,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The office's own connectors: a registry fetched once for every workstation, on a schedule
    /// while `serve` runs; each workstation imports a published run with its next sync.
    Connector {
        #[command(subcommand)]
        action: connectors::ConnectorAction,
    },
    /// The norms catalogue the office confirmed (docs/DEADLINES.md): imported once by an
    /// administrator, taken by every workstation with its next sync.
    Norms {
        #[command(subcommand)]
        action: norms::NormsAction,
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
        action: national::NationalAction,
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
pub struct KeyFile {
    /// The file with the office key's secret (mode 600; made by the first migrate, checked against
    /// the database at every start; back it up with the database).
    #[arg(long = "key-file", env = "EKN_OFFICE_KEY_FILE")]
    pub path: std::path::PathBuf,
}

pub(super) fn password() -> Result<String, OfficeError> {
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

/// The person a console command acts as (`--as`), who must exist.
pub(super) async fn named(
    pool: &deadpool_postgres::Pool,
    as_person: Option<String>,
    what: &str,
) -> Result<ekn_office::people::Person, OfficeError> {
    let name =
        as_person.ok_or_else(|| OfficeError::Config(format!("name the administrator who {what} with --as NAME")))?;
    let client = pool.get().await?;
    ekn_office::people::by_name(&client, &name).await
}

pub(super) fn print_json<T: serde::Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

pub async fn run(args: Args) -> Result<(), OfficeError> {
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
            Ok(())
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
            Ok(())
        }
        Command::Retention { action } => retention::retention(&pool, action).await,
        Command::Connector { action } => connectors::connector(&pool, action).await,
        Command::ConnectorsNetwork { flags, as_person, json } => {
            connectors::network(&pool, flags, as_person, json).await
        }
        Command::Norms { action } => norms::norms(&pool, action).await,
        Command::National { action } => national::run(&pool, &url, action).await,
        Command::User { action } => people::user(&pool, action).await,
        Command::Workstation { action } => people::workstation(&pool, action).await,
        Command::Incidents { limit, json } => people::incidents(&pool, limit, json).await,
        Command::Conflicts { json } => records::conflicts(&pool, json).await,
        Command::Journal { object, verify, json } => records::journal(&pool, object, verify, json).await,
        Command::AccessLog { subject, user, as_person, verify, json } => {
            records::access_log(&pool, subject, user, as_person, verify, json).await
        }
        Command::Dashboard { today, as_person, json, check } => {
            figures::dashboard(&pool, today, as_person, json, check).await
        }
        Command::Effect { kind, district, body, horizon_days, today, as_person, json } => {
            let ask = ekn_office::effect::EffectAsk {
                kind: kind.as_deref(),
                district: district.as_deref(),
                body: body.as_deref(),
                horizon_days,
            };
            figures::effect(&pool, ask, today, as_person, json).await
        }
        Command::Anomalies { today, json } => figures::anomalies(&pool, today, json).await,
        Command::Themes { action } => figures::themes(&pool, action).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use ekn_i18n::{catalogue, Lang};

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
