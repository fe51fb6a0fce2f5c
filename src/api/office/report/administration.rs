//! The administrator's screen and the access log as files a head hands on (issue 64): the office's
//! people, workstations, incidents, connectors' runs and the administrators' journal as the office
//! showed them to its administrator; and the access log's lines a supervisor or administrator read,
//! with the filter and what this workstation checked of their chain. Each says first the office,
//! who asked and when the office answered.

use super::build::Words;
use super::{Cell, Report, Table};
use crate::api::office::{AccessLogParams, AccessLogView, AdminView};
use crate::i18n::Lang;

fn text(value: &Option<String>) -> Cell {
    Cell::from(value.clone().unwrap_or_default())
}

/// The administration as a report in `lang`.
pub fn administration(view: &AdminView, lang: Lang) -> Report {
    let w = Words(lang);
    let o = &view.overview;
    let lines = vec![
        (w.t("cli.xlsx.office"), view.office.clone()),
        (w.t("cli.xlsx.asked_by"), format!("{} ({})", view.person, w.t("cli.xlsx.role.admin"))),
        (w.t("cli.xlsx.computed_at"), o.at.to_rfc3339()),
        w.made_by(),
    ];
    let people = Table {
        title: w.t("cli.xlsx.sheet.people"),
        heads: w.heads(&["cli.xlsx.person", "cli.xlsx.role", "cli.xlsx.districts", "cli.xlsx.blocked"]),
        rows: o
            .people
            .iter()
            .map(|p| {
                vec![
                    Cell::from(p.name.as_str()),
                    Cell::from(p.role.as_str()),
                    Cell::from(p.districts.join(", ")),
                    Cell::from(if p.blocked {
                        p.blocked_reason.clone().unwrap_or_else(|| "✓".into())
                    } else {
                        String::new()
                    }),
                ]
            })
            .collect(),
        wide: vec![(0, 30.0), (3, 40.0)],
    };
    let workstations = Table {
        title: w.t("cli.xlsx.sheet.workstations"),
        heads: w.heads(&[
            "cli.xlsx.id",
            "cli.xlsx.workstation",
            "cli.xlsx.person",
            "cli.xlsx.epoch",
            "cli.xlsx.last_sync",
            "cli.xlsx.blocked",
            "cli.xlsx.revoked",
        ]),
        rows: o
            .workstations
            .iter()
            .map(|ws| {
                vec![
                    Cell::from(ws.id.as_str()),
                    Cell::from(ws.name.as_str()),
                    Cell::from(ws.person.as_str()),
                    Cell::from(ws.epoch.as_str()),
                    text(&ws.last_push_at.clone().or_else(|| ws.last_pull_at.clone())),
                    text(&ws.blocked_reason),
                    Cell::from(match (&ws.revoked_at, &ws.revoked_reason) {
                        (Some(at), reason) => format!("{at} {}", reason.clone().unwrap_or_default()),
                        _ => String::new(),
                    }),
                ]
            })
            .collect(),
        wide: vec![(0, 30.0), (6, 40.0)],
    };
    let incidents = Table {
        title: w.t("cli.xlsx.sheet.incidents"),
        heads: w.heads(&["cli.xlsx.at", "cli.xlsx.kind", "cli.xlsx.workstation", "cli.xlsx.detail"]),
        rows: o
            .incidents
            .iter()
            .map(|i| {
                vec![
                    Cell::from(i.at.to_rfc3339()),
                    Cell::from(i.kind.as_str()),
                    text(&i.workstation),
                    Cell::from(i.detail.as_str()),
                ]
            })
            .collect(),
        wide: vec![(3, 60.0)],
    };
    let runs = Table {
        title: w.t("cli.xlsx.sheet.runs"),
        heads: w.heads(&[
            "cli.xlsx.connector",
            "cli.xlsx.id",
            "cli.xlsx.status",
            "cli.xlsx.person",
            "cli.xlsx.at",
            "cli.xlsx.records",
            "cli.xlsx.detail",
        ]),
        rows: o
            .connectors
            .iter()
            .flat_map(|c| {
                c.runs.iter().map(move |r| {
                    vec![
                        Cell::from(c.name.as_str()),
                        Cell::Number(r.id as f64),
                        Cell::from(r.status.as_str()),
                        Cell::from(r.started_by.as_str()),
                        Cell::from(r.started_at.as_str()),
                        Cell::from(r.records.map(|n| n as f64)),
                        text(&r.error),
                    ]
                })
            })
            .collect(),
        wide: vec![(6, 50.0)],
    };
    let journal = Table {
        title: w.t("cli.xlsx.sheet.admin_journal"),
        heads: w.heads(&["cli.xlsx.at", "cli.xlsx.person", "cli.xlsx.kind", "cli.xlsx.subject", "cli.xlsx.reason"]),
        rows: o
            .journal
            .iter()
            .map(|l| {
                vec![
                    Cell::from(l.at.to_rfc3339()),
                    Cell::from(l.admin.as_str()),
                    Cell::from(l.action.as_str()),
                    Cell::from(l.subject.as_str()),
                    Cell::from(l.reason.as_str()),
                ]
            })
            .collect(),
        wide: vec![(4, 50.0)],
    };
    Report {
        lang,
        stem: format!("office-administration-{}", o.at.date_naive()),
        title: w.t("cli.xlsx.administration_title"),
        offline: None,
        lines,
        summary: None,
        tables: vec![incidents, people, workstations, runs, journal],
    }
}

/// The access log's lines as read (with `params`' filter) as a report in `lang`.
pub fn access_log(view: &AccessLogView, params: &AccessLogParams, asker: &super::build::Asker, lang: Lang) -> Report {
    let w = Words(lang);
    let c = &view.check;
    let held = if c.broken.is_empty() {
        w.with(
            "cli.xlsx.chain_holds",
            &[("lines", &c.lines), ("linked", &c.linked_pairs), ("pairs", &c.adjacent_pairs)],
        )
    } else {
        let broken = c.broken.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        w.with("cli.xlsx.chain_broken", &[("broken", &broken), ("hashes", &c.hashes_hold), ("lines", &c.lines)])
    };
    let filter = [params.person.as_deref(), params.subject.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    let lines = vec![
        (w.t("cli.xlsx.office"), asker.office.clone()),
        (w.t("cli.xlsx.asked_by"), format!("{} ({})", asker.person, asker.role)),
        (w.t("cli.xlsx.fetched_at"), view.fetched_at.to_rfc3339()),
        (w.t("cli.xlsx.filter"), if filter.is_empty() { "—".into() } else { filter.join(" · ") }),
        (w.t("cli.xlsx.chain"), held),
        w.made_by(),
    ];
    let table = Table {
        title: w.t("cli.xlsx.sheet.access_log"),
        heads: w.heads(&[
            "cli.xlsx.id",
            "cli.xlsx.at",
            "cli.xlsx.person",
            "cli.xlsx.role",
            "cli.xlsx.kind",
            "cli.xlsx.subject",
            "cli.xlsx.district",
            "cli.xlsx.outcome",
        ]),
        rows: view
            .lines
            .iter()
            .map(|l| {
                vec![
                    Cell::Number(l.seq as f64),
                    Cell::from(l.at.to_rfc3339()),
                    Cell::from(l.person.as_str()),
                    Cell::from(l.role.as_str()),
                    Cell::from(l.action.as_str()),
                    text(&l.subject),
                    text(&l.district),
                    Cell::from(l.outcome.as_str()),
                ]
            })
            .collect(),
        wide: vec![(2, 30.0)],
    };
    Report {
        lang,
        stem: format!("office-access-log-{}", view.fetched_at.date_naive()),
        title: w.t("cli.xlsx.access_log_title"),
        offline: None,
        lines,
        summary: None,
        tables: vec![table],
    }
}
