//! `ekn connect add|list|run|runs|remove|office|network`: registry sources fetched over HTTP, the
//! office's (imported with each sync), and what they trust and go through (docs/CONNECTORS.md).
//! The API key is given as the name of an environment variable, never on the command line, and
//! is never printed.

use std::fmt::Write as _;

use clap::Subcommand;
use ekn::api::connectors::{ConnectorFlags, ConnectorRunReport, ConnectorView, NetworkView};
use ekn::api::ErrorCode;
use ekn::api::{ApiError, Session};
use ekn::api::{NetworkFlags, ProxySetting};
use ekn::i18n::{tr, tr_with};

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
            let view = session.connectors().add(&(*flags).spec(name)?)?;
            super::print(json, &view, render_view)
        }
        ConnectAction::List { json } => super::print(json, &session.connectors().list()?, |list| {
            if list.is_empty() {
                return format!("{}\n", tr("cli.connect.none"));
            }
            list.iter().map(|c| format!("{}\n", render_view(c))).collect::<String>()
        }),
        ConnectAction::Run { name, json } => {
            let mut bars = super::ProgressBars::new();
            let report = session.connectors().run(&name, &mut |p| bars.update(&name, p))?;
            bars.finish();
            super::print(json, &report, render_run)
        }
        ConnectAction::Runs { name, limit, json } => {
            super::print(json, &session.connectors().runs(&name, limit)?, |runs| {
                let mut out = String::new();
                for r in runs {
                    let vars: [(&str, &dyn std::fmt::Display); 8] = [
                        ("id", &r.id),
                        ("status", &r.status),
                        ("started", &r.started_at),
                        ("finished", &r.finished_at.as_deref().unwrap_or("—")),
                        ("requests", &r.requests),
                        ("retries", &r.retries),
                        ("too_many", &r.too_many),
                        ("error", &r.error.as_ref().map(|e| format!("\n  {e}")).unwrap_or_default()),
                    ];
                    let _ = writeln!(out, "{}", tr_with("cli.connect.run_line", &vars));
                }
                if out.is_empty() {
                    out = format!("{}\n", tr("cli.connect.no_runs"));
                }
                out
            })
        }
        ConnectAction::Remove { name } => {
            session.connectors().remove(&name)?;
            println!("{}", tr_with("cli.connect.removed", &[("name", &name)]));
            Ok(())
        }
        ConnectAction::Office { json } => super::print(json, &session.office().connectors()?, |list| {
            if list.is_empty() {
                return format!("{}\n", tr("cli.connect.office_none"));
            }
            let mut out = String::new();
            for s in list {
                let o = &s.offered;
                let state = match (s.imported_run, &s.error) {
                    (_, Some(e)) => e.clone(),
                    (Some(r), None) => {
                        let vars: [(&str, &dyn std::fmt::Display); 5] = [
                            ("run", &r),
                            ("at", &s.imported_at.as_deref().unwrap_or("—")),
                            ("inserted", &s.inserted),
                            ("updated", &s.updated),
                            ("unchanged", &s.unchanged),
                        ];
                        tr_with("cli.connect.office_imported", &vars)
                    }
                    (None, None) => tr("cli.connect.office_not_imported"),
                };
                let vars: [(&str, &dyn std::fmt::Display); 6] = [
                    ("connector", &o.connector),
                    ("data", &o.data.code()),
                    ("run", &o.run_id),
                    ("at", &o.finished_at),
                    ("records", &o.records),
                    ("state", &state),
                ];
                let _ = write!(out, "{}", tr_with("cli.connect.office_line", &vars));
                out.push('\n');
            }
            out
        }),
        ConnectAction::Network { flags, json } => {
            let view = if flags.change_anything() {
                let current = session.connectors().network()?.settings;
                let settings = flags.applied_to(current).map_err(|e| ApiError::new(ErrorCode::Io, e.0))?;
                session.connectors().set_network(&settings)?
            } else {
                session.connectors().network()?
            };
            super::print(json, &view, render_network)
        }
    }
}

fn render_network(n: &NetworkView) -> String {
    let proxy = match &n.settings.proxy {
        ProxySetting::Environment => tr("cli.connect.proxy_environment"),
        ProxySetting::Direct => tr("cli.connect.proxy_direct"),
        ProxySetting::Url(url) => url.clone(),
    };
    let bundle = if n.ca_fingerprints.is_empty() {
        tr("cli.connect.roots_only")
    } else {
        let list: Vec<String> = n.ca_fingerprints.iter().map(|f| format!("  sha256 {f}")).collect();
        let vars: [(&str, &dyn std::fmt::Display); 2] = [("n", &n.ca_fingerprints.len()), ("list", &list.join("\n"))];
        tr_with("cli.connect.roots_and", &vars)
    };
    let office = match &n.office {
        None => String::new(),
        Some(o) => {
            let vars: [(&str, &dyn std::fmt::Display); 4] = [
                ("by", &o.set_by),
                ("at", &o.set_at),
                ("n", &n.office_fingerprints.len()),
                ("proxy", &format!("{:?}", o.settings.proxy)),
            ];
            format!("\n{}", tr_with("cli.connect.from_office", &vars))
        }
    };
    let vars: [(&str, &dyn std::fmt::Display); 3] = [("proxy", &proxy), ("bundle", &bundle), ("office", &office)];
    format!("{}\n", tr_with("cli.connect.network", &vars))
}

fn render_view(c: &ConnectorView) -> String {
    let s = &c.spec;
    let last = c.last_run.as_ref().map_or_else(
        || tr("cli.connect.never_run"),
        |r| {
            let at = r.finished_at.as_deref().unwrap_or(&r.started_at);
            let vars: [(&str, &dyn std::fmt::Display); 3] = [("id", &r.id), ("status", &r.status), ("at", &at)];
            tr_with("cli.connect.last_run", &vars)
        },
    );
    let mut extra =
        s.modified_field.as_ref().map(|f| tr_with("cli.connect.changes_by", &[("field", f)])).unwrap_or_default();
    extra += &s.api_key_env.as_ref().map(|v| tr_with("cli.connect.key_in", &[("var", v)])).unwrap_or_default();
    let newest = tr("cli.connect.newest");
    let vars: [(&str, &dyn std::fmt::Display); 10] = [
        ("name", &s.name),
        ("kind", &s.kind),
        ("data", &s.data.code()),
        ("url", &s.url.trim_end_matches('/')),
        ("dataset", &s.dataset),
        ("version", &s.version.as_deref().unwrap_or(&newest)),
        ("key", &s.key_field),
        ("extra", &extra),
        ("last", &last),
        ("next", &c.next_run.as_ref().map(|n| tr_with("cli.connect.next_run", &[("at", n)])).unwrap_or_default()),
    ];
    tr_with("cli.connect.view", &vars)
}

fn render_run(r: &ConnectorRunReport) -> String {
    let resumed = if r.resumed { tr("cli.connect.resumed") } else { String::new() };
    let since = r.modified_since.as_ref().map(|m| tr_with("cli.connect.since", &[("at", m)])).unwrap_or_default();
    let vars: [(&str, &dyn std::fmt::Display); 11] = [
        ("connector", &r.connector),
        ("run", &r.run_id),
        ("resumed", &resumed),
        ("version", &r.version),
        ("since", &since),
        ("pages", &r.pages),
        ("records", &r.records),
        ("requests", &r.requests),
        ("retries", &r.retries),
        ("too_many", &r.too_many),
        ("seconds", &format!("{:.1}", r.seconds)),
    ];
    format!(
        "{}\n{}",
        tr_with("cli.connect.run", &vars),
        match &r.import {
            Some(import) => super::registry::render_import(import),
            None => tr("cli.connect.unchanged"),
        }
    )
}
