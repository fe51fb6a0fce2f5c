//! The office's effectiveness figures (issue 39): the recorded outcomes of every act of response
//! its workstations issued or imported, counted by the very code a workstation's `ekn effect`
//! counts with (`ekn::analytics::outcome_kpis`), over the acts in the caller's scope — so over
//! workstations holding different acts the office's numerators and denominators are the sum of
//! theirs. The acts come from the journal entries the workstations push (`act_issued`,
//! `act_outcome`, and `act_drafted` for what a draft left unfilled); an act a destruction act
//! removed is left out, as on its workstation. The same registry act imported on two
//! workstations (one object, one number) counts once, with the outcomes of both.
//!
//! What later data say of each act and the estimated effect are not computed here: they read the
//! registry's rows (inspections, appeals), which the office does not hold — each workstation's
//! `ekn effect` computes them, and the report says so rather than show a figure it cannot make.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use ekn::analytics::outcome_kpis::{kpis, ActForKpis, Kpis};
use ekn::domain::journal::{Entry, StoredEntry};
use ekn::domain::norms::NormsCatalog;
use ekn::domain::procedure::Procedure;
use serde::Serialize;

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Caller, Role};

/// What the office says instead of the tiers it cannot compute.
pub const NOT_HERE: &str = "what later data say of each act and the estimated effect read the registry's \
    inspections and appeals, which the office does not hold: each workstation's `ekn effect` computes them";

/// `GET /v1/effect` and `ekn-office effect --json`.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeEffect {
    pub as_of: NaiveDate,
    /// `protest`, `submission`, `order`, `warning` when narrowed to one kind.
    pub kind: Option<String>,
    /// The KATO prefix narrowed to.
    pub district: Option<String>,
    /// The workstation report's `kpis`, computed by the same code.
    pub kpis: Kpis,
    /// How many workstations the acts came from, and how many acts two of them share (counted once).
    pub workstations: usize,
    pub shared_acts: usize,
    /// Tiers 2 and 3 are not computed at the office; this says why.
    pub not_computed: String,
}

/// An act as the office assembles it from one workstation's entries.
struct OfficeAct {
    ws: String,
    subject_bin: String,
    number: Option<String>,
    kind: String,
    issued_on: NaiveDate,
    response_due: Option<NaiveDate>,
    district: Option<String>,
    imported: bool,
    checklist_missing: usize,
    draft_seq: Option<i64>,
    /// (stage, result, day, formal defect) in the order recorded (by day, for one registry act
    /// merged from several workstations).
    outcomes: Vec<(String, String, NaiveDate, bool)>,
}

/// The figures for a person of the office (a prosecutor or a supervisor: their districts; an
/// analyst: the districts, as aggregates only — which these are).
pub async fn for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    kind: Option<&str>,
    district: Option<&str>,
    today: NaiveDate,
) -> Result<OfficeEffect, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the effectiveness figures")?;
    let scope = Scope { districts: caller.person.districts.clone(), ..caller.scope() };
    compute(client, &scope, kind, district, today).await
}

/// The whole office's figures, for the server's console.
pub async fn whole_office(
    client: &mut deadpool_postgres::Client,
    kind: Option<&str>,
    district: Option<&str>,
    today: NaiveDate,
) -> Result<OfficeEffect, OfficeError> {
    compute(client, &Scope::office(), kind, district, today).await
}

fn check_filters(kind: Option<&str>, district: Option<&str>) -> Result<(), OfficeError> {
    if kind.is_some_and(|k| !matches!(k, "protest" | "submission" | "order" | "warning")) {
        return Err(OfficeError::bad_request("a kind of act is protest, submission, order or warning"));
    }
    if district.is_some_and(|d| d.is_empty() || d.len() > 9 || !d.bytes().all(|b| b.is_ascii_digit())) {
        return Err(OfficeError::bad_request("a district is a KATO code or its first digits (19, 1920, …)"));
    }
    Ok(())
}

async fn compute(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    kind: Option<&str>,
    district: Option<&str>,
    today: NaiveDate,
) -> Result<OfficeEffect, OfficeError> {
    check_filters(kind, district)?;
    let tx = scoped(client, scope).await?;
    let rows = tx
        .query(
            "SELECT ws, district, entry FROM events \
             WHERE superseded_by IS NULL AND kind IN ('act_issued', 'act_outcome', 'act_drafted') \
             ORDER BY global_seq",
            &[],
        )
        .await?;
    let destroyed = tx.query("SELECT ws, records FROM redaction_acts", &[]).await?;
    tx.commit().await?;

    // Destroyed acts by key: `act:BIN:NUMBER` on any workstation, `act:BIN:#ID` on the act's own.
    let mut gone: HashSet<(Option<String>, String)> = HashSet::new();
    for row in &destroyed {
        let ws: String = row.get(0);
        let records: Vec<String> = serde_json::from_value(row.get(1)).unwrap_or_default();
        for key in records.into_iter().filter(|k| k.starts_with("act:")) {
            let own = key.contains(":#").then(|| ws.clone());
            gone.insert((own, key));
        }
    }

    let mut acts: BTreeMap<(String, i64), OfficeAct> = BTreeMap::new();
    let mut unfilled: HashMap<(String, i64), bool> = HashMap::new();
    for row in &rows {
        let ws: String = row.get(0);
        let placed: Option<String> = row.get(1);
        let Ok(stored) = serde_json::from_value::<StoredEntry>(row.get(2)) else { continue };
        match serde_json::from_str::<Entry>(&stored.payload) {
            Ok(Entry::ActDrafted { unfilled: left, .. }) => {
                unfilled.insert((ws, stored.seq), left.is_empty());
            }
            Ok(Entry::ActIssued {
                act_id,
                subject_bin,
                act_kind,
                number,
                issued_on,
                response_due,
                missing,
                import_id,
                draft_seq,
                ..
            }) => {
                acts.insert(
                    (ws.clone(), act_id),
                    OfficeAct {
                        ws,
                        subject_bin,
                        number,
                        kind: act_kind,
                        issued_on,
                        response_due,
                        district: placed,
                        imported: import_id.is_some(),
                        checklist_missing: missing.len(),
                        draft_seq,
                        outcomes: Vec::new(),
                    },
                );
            }
            Ok(Entry::ActOutcome { act_id, stage, result, on, formal_defect, .. }) => {
                if let Some(act) = acts.get_mut(&(ws, act_id)) {
                    act.outcomes.push((stage, result, on, formal_defect));
                }
            }
            _ => {}
        }
    }

    // One registry act on several workstations counts once, with every outcome recorded for it.
    let mut merged: BTreeMap<(String, String), OfficeAct> = BTreeMap::new();
    let mut own: Vec<OfficeAct> = Vec::new();
    let mut shared = 0;
    let mut workstations = HashSet::new();
    for ((_, act_id), act) in acts {
        let key = match &act.number {
            Some(n) => format!("act:{}:{n}", act.subject_bin),
            None => format!("act:{}:#{act_id}", act.subject_bin),
        };
        if gone.contains(&(None, key.clone())) || gone.contains(&(Some(act.ws.clone()), key)) {
            continue;
        }
        if kind.is_some_and(|k| k != act.kind) {
            continue;
        }
        let place = act.district.as_deref().map(|d| d.chars().take(4).collect::<String>());
        if let Some(prefix) = district {
            let inside = place.as_deref().is_some_and(|d| {
                if prefix.len() <= 4 {
                    d.starts_with(prefix)
                } else {
                    prefix.starts_with(d)
                }
            });
            if !inside {
                continue;
            }
        }
        workstations.insert(act.ws.clone());
        match act.number.clone() {
            Some(number) => match merged.get_mut(&(act.subject_bin.clone(), number.clone())) {
                Some(first) => {
                    shared += 1;
                    // Two workstations' records interleave: in order of their days (a stable
                    // sort, so one workstation's order stands among equal days).
                    first.outcomes.extend(act.outcomes);
                    first.outcomes.sort_by_key(|(_, _, on, _)| *on);
                }
                None => {
                    merged.insert((act.subject_bin.clone(), number), act);
                }
            },
            None => own.push(act),
        }
    }

    let catalog = NormsCatalog::builtin();
    let procedure = Procedure::builtin();
    let for_kpis: Vec<ActForKpis> = merged
        .into_values()
        .chain(own)
        .map(|act| {
            // The latest outcome at each stage, as the workstation reads it: the last recorded.
            let latest = |stage: &str| act.outcomes.iter().rev().find(|(s, _, _, _)| s == stage);
            let unconfirmed_norm = procedure
                .act(&act.kind)
                .and_then(|a| a.norm.as_deref())
                .and_then(|id| catalog.norms.iter().find(|n| n.id == id))
                .filter(|n| !n.verified)
                .map(|n| n.id.clone());
            let draft = act.draft_seq.and_then(|seq| unfilled.get(&(act.ws.clone(), seq)).copied());
            ActForKpis {
                kind: act.kind.clone(),
                issued_on: act.issued_on,
                response_due: act.response_due,
                unconfirmed_norm,
                place: act.district.as_deref().map(|d| d.chars().take(4).collect()).unwrap_or_else(|| "—".into()),
                answer: latest("answer").map(|(_, r, on, _)| (r.clone(), *on)),
                court: latest("court").map(|(_, r, _, _)| r.clone()),
                checklist_complete: (!act.imported).then_some(act.checklist_missing == 0),
                placeholders_filled: draft,
                formal_defect: act.outcomes.iter().any(|(_, _, _, defect)| *defect),
            }
        })
        .collect();
    Ok(OfficeEffect {
        as_of: today,
        kind: kind.map(str::to_string),
        district: district.map(str::to_string),
        kpis: kpis(&for_kpis, today),
        workstations: workstations.len(),
        shared_acts: shared,
        not_computed: NOT_HERE.into(),
    })
}
