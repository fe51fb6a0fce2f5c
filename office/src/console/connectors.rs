//! `ekn-office connector …` and `connectors-network`: the registries the office fetches once for
//! every workstation, and the connectors' network (CA bundle, proxy) handed to every workstation.

use clap::Subcommand;
use deadpool_postgres::Pool;
use ekn_connect::network::NetworkSettingsExt;
use ekn_i18n::{tr, tr_with};
use ekn_office::{people, OfficeError};

use super::{named, print_json};

#[derive(Subcommand)]
pub enum ConnectorAction {
    /// Add (or replace) an office connector (an administrator, --as): the flags of `ekn connect
    /// add`; inspections and risk scores only, the whole dataset on every run.
    Add {
        name: String,
        #[command(flatten)]
        flags: Box<ekn_connect::spec::ConnectorFlags>,
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

pub async fn connector(pool: &deadpool_postgres::Pool, action: ConnectorAction) -> Result<(), OfficeError> {
    use ekn_office::connectors;
    match action {
        ConnectorAction::Add { name, flags, as_person } => {
            let by = named(pool, as_person, "adds an office connector").await?;
            let spec = (*flags).spec(name).map_err(|e| OfficeError::Config(e.0))?;
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

pub async fn network(
    pool: &Pool,
    flags: ekn_connect::network::NetworkFlags,
    as_person: Option<String>,
    json: bool,
) -> Result<(), OfficeError> {
    let client = pool.get().await?;
    let current = ekn_office::settings::network(&client).await?;
    let shown = if flags.change_anything() {
        let name = as_person.ok_or_else(|| {
            OfficeError::Config("name the administrator setting the office's network with --as NAME".into())
        })?;
        let by = people::by_name(&client, &name).await?;
        let settings =
            flags.applied_to(current.map(|c| c.settings).unwrap_or_default()).map_err(|e| OfficeError::Config(e.0))?;
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
    Ok(())
}
