//! `ekn connect add|list|run|runs|remove|office|network`: registry sources fetched over HTTP, the
//! office's (imported with each sync), and what they trust and go through (docs/CONNECTORS.md).
//! The API key is given as the name of an environment variable, never on the command line, and
//! is never printed.

use std::fmt::Write as _;

use clap::Subcommand;
use ekn::api::connectors::{ConnectorFlags, ConnectorRunReport, ConnectorView, NetworkView};
use ekn::api::ErrorCode;
use ekn::api::{ApiError, Session};
use ekn::connect::network::{NetworkFlags, ProxySetting};

#[derive(Subcommand)]
pub enum ConnectAction {
    /// Add (or replace) a connector: a data.egov.kz API v4 dataset (`--kind egov-v4`) read as one
    /// kind of ЭКН data, paged by its key field; or a CSV/XLSX/JSON file published at `--url`
    /// (`--kind http-file`), fetched again only when it changed.
    Add {
        name: String,
        #[command(flatten)]
        flags: Box<ConnectorFlags>,
        #[arg(long)]
        json: bool,
    },
    /// The connectors with their last run.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Run a connector: fetch (resuming a run cut off), stage, publish in one import.
    Run {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// A connector's runs, newest first.
    Runs {
        name: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Remove a connector
    Remove { name: String },
    /// The office's connectors (registries the office fetches for every workstation) and what
    /// this workstation imported of them with its syncs.
    Office {
        #[arg(long)]
        json: bool,
    },
    /// What the connectors trust and go through; without options, shows it. An office whose
    /// firewall inspects HTTPS gives its CA here (added to Mozilla's roots; verification is never
    /// turned off).
    Network {
        #[command(flatten)]
        flags: NetworkFlags,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(session: &mut Session, action: ConnectAction) -> Result<(), ApiError> {
    match action {
        ConnectAction::Add { name, flags, json } => {
            let view = session.connector_add(&(*flags).spec(name)?)?;
            super::print(json, &view, render_view)
        }
        ConnectAction::List { json } => super::print(json, &session.connectors()?, |list| {
            if list.is_empty() {
                return "no connectors (ekn connect add …)".into();
            }
            list.iter().map(render_view).collect::<Vec<_>>().join("\n")
        }),
        ConnectAction::Run { name, json } => {
            let mut bars = super::ProgressBars::new();
            let report = session.connector_run(&name, &mut |p| bars.update(&name, p))?;
            bars.finish();
            super::print(json, &report, render_run)
        }
        ConnectAction::Runs { name, limit, json } => {
            super::print(json, &session.connector_runs(&name, limit)?, |runs| {
                let mut out = String::new();
                for r in runs {
                    let _ = writeln!(
                        out,
                        "run {} {} {} → {}  {} requests, {} retries, {} × 429{}",
                        r.id,
                        r.status,
                        r.started_at,
                        r.finished_at.as_deref().unwrap_or("—"),
                        r.requests,
                        r.retries,
                        r.too_many,
                        r.error.as_ref().map(|e| format!("\n  {e}")).unwrap_or_default()
                    );
                }
                if out.is_empty() {
                    out = "no runs yet".into();
                }
                out
            })
        }
        ConnectAction::Remove { name } => {
            session.connector_remove(&name)?;
            println!("connector {name} removed (its runs stay in the history)");
            Ok(())
        }
        ConnectAction::Office { json } => super::print(json, &session.office_connectors()?, |list| {
            if list.is_empty() {
                return "the office offers no connectors (or this workstation has not joined one, or not synced)"
                    .into();
            }
            let mut out = String::new();
            for s in list {
                let o = &s.offered;
                let _ = write!(
                    out,
                    "{}  {}  run {} of {} ({} records) — {}",
                    o.connector,
                    o.data.code(),
                    o.run_id,
                    o.finished_at,
                    o.records,
                    match (s.imported_run, &s.error) {
                        (_, Some(e)) => e.clone(),
                        (Some(r), None) => format!(
                            "run {r} imported at {}: {} inserted, {} updated, {} unchanged",
                            s.imported_at.as_deref().unwrap_or("—"),
                            s.inserted,
                            s.updated,
                            s.unchanged
                        ),
                        (None, None) => "not imported yet: ekn sync".into(),
                    }
                );
                out.push('\n');
            }
            out.trim_end().to_string()
        }),
        ConnectAction::Network { flags, json } => {
            let view = if flags.change_anything() {
                let current = session.connectors_network()?.settings;
                let settings = flags.applied_to(current).map_err(|e| ApiError::new(ErrorCode::Io, e.0))?;
                session.connectors_network_set(&settings)?
            } else {
                session.connectors_network()?
            };
            super::print(json, &view, render_network)
        }
    }
}

fn render_network(n: &NetworkView) -> String {
    let proxy = match &n.settings.proxy {
        ProxySetting::Environment => "from the environment (HTTPS_PROXY, NO_PROXY)".to_string(),
        ProxySetting::Direct => "none: straight to the portals".to_string(),
        ProxySetting::Url(url) => url.clone(),
    };
    let bundle = if n.ca_fingerprints.is_empty() {
        "Mozilla's roots only".to_string()
    } else {
        let list: Vec<String> = n.ca_fingerprints.iter().map(|f| format!("  sha256 {f}")).collect();
        format!("Mozilla's roots and {} extra CA certificate(s):\n{}", n.ca_fingerprints.len(), list.join("\n"))
    };
    let office = match &n.office {
        None => String::new(),
        Some(o) => format!(
            "\nfrom the office (set by {} at {}): {} CA certificate(s), proxy {:?}; its proxy applies while this \
             workstation's is the environment's",
            o.set_by,
            o.set_at,
            n.office_fingerprints.len(),
            o.settings.proxy
        ),
    };
    format!("proxy: {proxy}\ntrusted: {bundle}{office}\n")
}

fn render_view(c: &ConnectorView) -> String {
    let s = &c.spec;
    let last = c.last_run.as_ref().map_or_else(
        || "never run".to_string(),
        |r| format!("last run {} {} ({})", r.id, r.status, r.finished_at.as_deref().unwrap_or(&r.started_at)),
    );
    format!(
        "{}: {} {} {}/{}/{} keyed on {}{}; {last}",
        s.name,
        s.kind,
        s.data.code(),
        s.url.trim_end_matches('/'),
        s.dataset,
        s.version.as_deref().unwrap_or("(newest)"),
        s.key_field,
        s.modified_field.as_ref().map(|f| format!(", changes by {f}")).unwrap_or_default()
            + &s.api_key_env.as_ref().map(|v| format!(", key in ${v}")).unwrap_or_default()
    ) + &c.next_run.as_ref().map(|n| format!("; next run {n}")).unwrap_or_default()
}

fn render_run(r: &ConnectorRunReport) -> String {
    format!(
        "connector {} run {}{} ({}{}): {} page(s), {} record(s), {} request(s), {} retr(ies), {} × 429 in {:.1} s\n{}",
        r.connector,
        r.run_id,
        if r.resumed { " (resumed)" } else { "" },
        r.version,
        r.modified_since.as_ref().map(|m| format!(", changed since {m}")).unwrap_or_default(),
        r.pages,
        r.records,
        r.requests,
        r.retries,
        r.too_many,
        r.seconds,
        match &r.import {
            Some(import) => super::registry::render_import(import),
            None => "the file has not changed since the last run (304): nothing to import".into(),
        }
    )
}
