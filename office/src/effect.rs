//! The office's effectiveness figures (issue 39), computed by the code a workstation's
//! `ekn effect` computes with, over the acts in the caller's scope.
//!
//! - Recorded outcomes (tier 1): every act of response its workstations issued or imported, from
//!   the journal entries they push (`act_issued`, `act_outcome`, and `act_drafted` for what a draft
//!   left unfilled), counted by `ekn_analytics::outcome_kpis` — so over workstations holding
//!   different acts the office's numerators and denominators are the sum of theirs. An act a
//!   destruction act removed is left out, as on its workstation; the same registry act imported on
//!   two workstations (one object, one number) counts once, with the outcomes of both.
//! - What later data say of each act, and the estimated effect of acts (tiers 2 and 3), by
//!   `ekn_analytics::effect_tiers`: on violations per inspection over the registry the
//!   office's own connectors fetched (`registry`), on appeals over the appeals' facts the
//!   workstations handed over (`appeals`). Every act and every appeal of the office, in the
//!   caller's scope or not, takes part (an act keeps its object out of the controls; the figures
//!   leave the server as aggregates only). An applicant is matched across workstations by the
//!   office-wide pseudonym (appeals imported before a workstation joined: within it only). What
//!   the office lacks the data for is
//!   listed in `not_computed` rather than shown as a figure it cannot make.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use ekn_analytics::effect::EffectOutcome;
use ekn_analytics::effect_tiers::{
    body_filter, risk_deciles, tally_bodies, ActForEffect, EffectEntry, KindsAsked, RegistryIndex, StatusCounts,
};
use ekn_analytics::outcome_kpis::{kpis, ActForKpis};
use ekn_analytics::verification::{satisfied_on, ActCategory, ActFacts, DEFAULT_HORIZON_DAYS, VERIFY_RULES};
use ekn_domain::journal::{Entry, StoredEntry};
use ekn_domain::norms::NormsCatalog;
use ekn_domain::procedure::Procedure;

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Caller, Role};
use crate::registry;

pub use crate::not_computed::NotComputed;

/// Why the appeals' figures are missing when no workstation has handed over appeals.
pub const NO_APPEALS: &str = "the appeals checks (appeals after the act, of its category, a returning applicant) \
    and the estimate on appeals per quarter read the appeals' facts the workstations hand over at each sync: none \
    has handed over any yet";

/// What the office cannot see of a returning applicant, said when some appeals lack the
/// office-wide pseudonym.
pub const APPLICANTS_PER_WORKSTATION: &str = "appeals imported before their workstation joined the office carry \
    only that workstation's pseudonym of the applicant, so a returning applicant among them is matched within \
    that workstation only (importing them again gives them the office-wide pseudonym)";

pub use ekn_analytics::office_reports::{BodyActs, OfficeEffect, OfficeVerification};

/// An act as the office assembles it from one workstation's entries.
#[derive(Clone)]
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
    category: Option<String>,
    trigger: Option<String>,
    /// The other workstations holding the same registry act, merged into this one.
    also_on: Vec<String>,
    /// (stage, result, day, formal defect) in the order recorded (by day, for one registry act
    /// merged from several workstations).
    outcomes: Vec<(String, String, NaiveDate, bool)>,
}

/// What a request asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct EffectAsk<'a> {
    pub kind: Option<&'a str>,
    pub district: Option<&'a str>,
    /// Only acts prompted by this control body's inspection (`RegistryIndex::body_of_act`).
    pub body: Option<&'a str>,
    pub horizon_days: Option<u64>,
}

/// The figures for a person of the office (a prosecutor or a supervisor: their districts; an
/// analyst: the districts, as aggregates only — which these are).
pub async fn for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    ask: EffectAsk<'_>,
    today: NaiveDate,
) -> Result<OfficeEffect, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the effectiveness figures")?;
    let scope = Scope { districts: caller.person.districts.clone(), ..caller.scope() };
    compute(client, &scope, ask, today).await
}

/// The whole office's figures, for the server's console.
pub async fn whole_office(
    client: &mut deadpool_postgres::Client,
    ask: EffectAsk<'_>,
    today: NaiveDate,
) -> Result<OfficeEffect, OfficeError> {
    compute(client, &Scope::office(), ask, today).await
}

fn check_filters(ask: EffectAsk<'_>) -> Result<(), OfficeError> {
    if ask.kind.is_some_and(|k| !matches!(k, "protest" | "submission" | "order" | "resolution" | "warning")) {
        return Err(OfficeError::bad_request("a kind of act is protest, submission, order or warning"));
    }
    if ask.district.is_some_and(|d| d.is_empty() || d.len() > 9 || !d.bytes().all(|b| b.is_ascii_digit())) {
        return Err(OfficeError::bad_request("a district is a KATO code or its first digits (19, 1920, …)"));
    }
    if ask.horizon_days.is_some_and(|h| !(30..=3650).contains(&h)) {
        return Err(OfficeError::bad_request("the horizon is 30 to 3650 days"));
    }
    Ok(())
}

/// Every act in `scope` its workstations pushed and no destruction act removed, merged: one
/// registry act (object and number) on several workstations is one act with the outcomes of
/// all. Returns the acts and which drafts left nothing unfilled.
async fn acts_in(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
) -> Result<(Vec<OfficeAct>, HashMap<(String, i64), bool>), OfficeError> {
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
                category,
                trigger_registry_no,
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
                        category,
                        trigger: trigger_registry_no,
                        also_on: Vec::new(),
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

    let mut merged: BTreeMap<(String, String), OfficeAct> = BTreeMap::new();
    let mut own: Vec<OfficeAct> = Vec::new();
    for ((_, act_id), act) in acts {
        let key = match &act.number {
            Some(n) => format!("act:{}:{n}", act.subject_bin),
            None => format!("act:{}:#{act_id}", act.subject_bin),
        };
        if gone.contains(&(None, key.clone())) || gone.contains(&(Some(act.ws.clone()), key)) {
            continue;
        }
        match act.number.clone() {
            Some(number) => match merged.get_mut(&(act.subject_bin.clone(), number.clone())) {
                Some(first) => {
                    first.also_on.push(act.ws.clone());
                    // Two workstations' records interleave: in order of their days (a stable
                    // sort, so one workstation's order stands among equal days).
                    first.outcomes.extend(act.outcomes);
                    first.outcomes.sort_by_key(|(_, _, on, _)| *on);
                    first.category = first.category.take().or(act.category);
                    first.trigger = first.trigger.take().or(act.trigger);
                }
                None => {
                    merged.insert((act.subject_bin.clone(), number), act);
                }
            },
            None => own.push(act),
        }
    }
    Ok((merged.into_values().chain(own).collect(), unfilled))
}

/// Whether an act placed in `place` (its district) lies in `prefix`.
/// Each act as the KPIs read it: its latest answer and court decision, its period's norm when it
/// is unconfirmed (in the office's catalogue), its quality at issuance.
fn kpi_inputs(acts: &[OfficeAct], unfilled: &HashMap<(String, i64), bool>, catalog: &NormsCatalog) -> Vec<ActForKpis> {
    let procedure = Procedure::builtin();
    acts.iter()
        .map(|act| {
            // The latest outcome at each stage, as the workstation reads it: the last recorded.
            let latest = |stage: &str| act.outcomes.iter().rev().find(|(s, _, _, _)| s == stage);
            let unconfirmed_norm = procedure
                .act(&act.kind)
                .and_then(|a| a.norm.as_deref())
                .and_then(|id| catalog.at(id, act.issued_on).ok())
                .filter(|n| !n.verified())
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
        .collect()
}

/// Every act of the office as the KPIs read it — what a region publishes to the national side
/// (`national_acts`: no object, no number, no addressee, no person).
pub async fn office_acts_for_kpis(client: &mut deadpool_postgres::Client) -> Result<Vec<ActForKpis>, OfficeError> {
    let (acts, unfilled) = acts_in(client, &Scope::office()).await?;
    let catalog = crate::norms::catalog(&*client).await?;
    Ok(kpi_inputs(&acts, &unfilled, &catalog))
}

fn placed_in(place: Option<&str>, prefix: Option<&str>) -> bool {
    let Some(prefix) = prefix else { return true };
    let place = place.map(|d| d.chars().take(4).collect::<String>());
    place.as_deref().is_some_and(|d| if prefix.len() <= 4 { d.starts_with(prefix) } else { prefix.starts_with(d) })
}

async fn compute(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    ask: EffectAsk<'_>,
    today: NaiveDate,
) -> Result<OfficeEffect, OfficeError> {
    check_filters(ask)?;
    let body = body_filter(ask.body).map_err(OfficeError::bad_request)?;
    let ask = EffectAsk { body, ..ask };
    let horizon = ask.horizon_days.unwrap_or(DEFAULT_HORIZON_DAYS);
    let (all, unfilled) = acts_in(client, scope).await?;
    let in_kind_and_district: Vec<OfficeAct> = all
        .iter()
        .filter(|act| ask.kind.is_none_or(|k| k == act.kind) && placed_in(act.district.as_deref(), ask.district))
        .cloned()
        .collect();
    // Appeals and acts of the whole office take part in tiers 2 and 3 whoever asks: the
    // figures leave the server as aggregates only.
    let appeals = crate::appeals::held(client, &Scope::office()).await?;
    let mut not_computed = Vec::new();
    if appeals.is_empty() {
        not_computed.push(NotComputed::new("no_appeals", NO_APPEALS));
    } else if appeals.iter().any(|a| a.applicant.as_deref().is_some_and(|p| p.starts_with("ws:"))) {
        not_computed.push(NotComputed::new("applicants_per_workstation", APPLICANTS_PER_WORKSTATION));
    }
    let held = registry::held(&*client).await?.or_note(
        &mut not_computed,
        NotComputed::new(
            "no_registry",
            "what the next inspection found after each act and the estimated effect on violations read the \
                 registry's inspections: the office has no published run of a connector of inspections \
                 (`ekn-office connector add … --data inspections`), so each workstation's `ekn effect` computes them",
        ),
        ("registry_unreadable", "what the next inspection found after each act and the estimated effect on violations"),
    );
    let (acts, bodies) = by_body(in_kind_and_district, held.as_deref(), ask.body)?;
    // Among the acts asked for: how many copies on other workstations were merged, and from how
    // many workstations they came.
    let shared: usize = acts.iter().map(|a| a.also_on.len()).sum();
    let workstations: HashSet<&str> =
        acts.iter().flat_map(|a| std::iter::once(a.ws.as_str()).chain(a.also_on.iter().map(String::as_str))).collect();

    let catalog = crate::norms::catalog(&*client).await?;
    let for_kpis = kpi_inputs(&acts, &unfilled, &catalog);

    let (verification, effects, runs) = if held.is_none() && appeals.is_empty() {
        (None, Vec::new(), Vec::new())
    } else {
        // Every act of the office keeps its object out of the controls, whatever was asked for:
        // the filters narrow the acts asked for, never the office's acts (before, an office-wide
        // caller's kind filter let objects acted on by other kinds stand as controls).
        let everyone =
            if scope.districts.iter().any(|d| d == "*") { all } else { acts_in(client, &Scope::office()).await?.0 };
        let data = OfficeData { held: held.as_deref(), appeals: &appeals };
        let (verification, effects) = tiers(&data, &acts, &everyone, ask, horizon, today);
        (Some(verification), effects, held.map(|h| h.runs.clone()).unwrap_or_default())
    };
    Ok(OfficeEffect {
        as_of: today,
        horizon_days: horizon,
        default_horizon_days: DEFAULT_HORIZON_DAYS,
        kind: ask.kind.map(str::to_string),
        district: ask.district.map(str::to_string),
        body: ask.body.map(str::to_string),
        bodies,
        kpis: kpis(&for_kpis, today),
        verification,
        effects,
        method: ekn_analytics::effect::EFFECT_METHOD.into(),
        registry: runs,
        appeals_held: appeals.len(),
        workstations: workstations.len(),
        shared_acts: shared,
        not_computed,
        computed_at: Some(chrono::Utc::now()),
    })
}

/// The acts a body's findings prompted (all of them without `body`), and how many acts each body
/// prompted among `acts` — read off the office's registry as a workstation reads its own
/// (`RegistryIndex::body_of_act`). Without a registry no act's body is known: asking for one is
/// refused rather than answered with nothing.
fn by_body(
    acts: Vec<OfficeAct>,
    held: Option<&registry::OfficeRegistry>,
    body: Option<&str>,
) -> Result<(Vec<OfficeAct>, Vec<BodyActs>), OfficeError> {
    let Some(held) = held else {
        if body.is_some() {
            return Err(OfficeError::bad_request(
                "which body's inspection prompted an act is read from the registry, and the office holds none",
            ));
        }
        return Ok((acts, Vec::new()));
    };
    let index = RegistryIndex::new(&held.registry, acts.iter().filter_map(|a| a.trigger.as_deref()));
    let body_of: Vec<Option<&str>> = acts
        .iter()
        .map(|a| index.subject(&a.subject_bin).and_then(|s| index.body_of_act(s, a.issued_on, a.trigger.as_deref())))
        .collect();
    let bodies = tally_bodies(body_of.iter().copied());
    let keep: Vec<bool> = body_of.iter().map(|b| body.is_none_or(|w| *b == Some(w))).collect();
    let acts = acts.into_iter().zip(keep).filter(|(_, k)| *k).map(|(a, _)| a).collect();
    Ok((acts, bodies))
}

/// What tiers 2 and 3 read at the office: the registry its connectors fetched, when one is
/// published, and the appeals its workstations handed over.
struct OfficeData<'a> {
    held: Option<&'a registry::OfficeRegistry>,
    appeals: &'a [ekn_domain::sync::AppealFactWire],
}

/// Tiers 2 and 3 over what the office holds: each check of each act asked for where its data
/// are held, and the estimates (`everyone`: the whole office's acts, which keep their objects out
/// of the controls whether asked for or not).
fn tiers(
    data: &OfficeData<'_>,
    acts: &[OfficeAct],
    everyone: &[OfficeAct],
    ask: EffectAsk<'_>,
    horizon: u64,
    today: NaiveDate,
) -> (OfficeVerification, Vec<EffectEntry>) {
    let all = everyone;
    let base = data.held.map(|h| &h.registry);
    let in_inspections: HashSet<&str> =
        base.map(|r| r.subjects.iter().map(|s| s.bin.as_str()).collect()).unwrap_or_default();
    let (registry, identities) =
        crate::appeals::registry_with(base, data.appeals, all.iter().map(|a| a.subject_bin.as_str()));
    let (inspections, appeals) = (data.held.is_some(), !data.appeals.is_empty());
    let index = RegistryIndex::new(&registry, all.iter().filter_map(|a| a.trigger.as_deref()));
    let latest_risk = data.held.map(|h| h.latest_risk.clone()).unwrap_or_default();
    let deciles = risk_deciles(latest_risk, index.subjects());
    let counts = |held: bool| held.then(StatusCounts::default);
    let mut verification = OfficeVerification {
        next_inspection: counts(inspections),
        appeals: counts(appeals),
        category_appeals: counts(appeals),
        returning_applicant: counts(appeals),
        not_in_registry: 0,
        rule: VERIFY_RULES.into(),
    };
    for (i, act) in acts.iter().enumerate() {
        let Some(s) = index.subject(&act.subject_bin) else { continue };
        let facts = ActFacts {
            act_id: i as i64,
            issued_on: act.issued_on,
            response_due: act.response_due,
            category: ActCategory::of(act.category.as_deref()),
            satisfied_on: satisfied_on(
                act.outcomes.iter().map(|(stage, result, on, _)| (stage.as_str(), result.as_str(), *on)),
            ),
        };
        let checked = index.verify(s, &facts, &identities, horizon, today);
        let add = |counts: &mut Option<StatusCounts>, status| {
            if let Some(c) = counts {
                c.add(status);
            }
        };
        if inspections && !in_inspections.contains(act.subject_bin.as_str()) {
            verification.not_in_registry += 1;
        } else {
            add(&mut verification.next_inspection, checked.next_inspection.status);
        }
        add(&mut verification.appeals, checked.appeals.status);
        add(&mut verification.category_appeals, checked.category_appeals.status);
        add(&mut verification.returning_applicant, checked.returning_applicant.status);
    }
    // The acts asked for are those the caller sees that pass the filters; the rest of the
    // office's only keep their objects out of the controls.
    let asked: HashSet<(&str, Option<&str>, NaiveDate, &str)> =
        acts.iter().map(|a| (a.subject_bin.as_str(), a.number.as_deref(), a.issued_on, a.kind.as_str())).collect();
    let for_effect: Vec<ActForEffect<'_>> = all
        .iter()
        .map(|a| ActForEffect {
            bin: &a.subject_bin,
            kind: &a.kind,
            issued_on: a.issued_on,
            trigger_registry_no: a.trigger.as_deref(),
            asked: asked.contains(&(a.subject_bin.as_str(), a.number.as_deref(), a.issued_on, a.kind.as_str())),
        })
        .collect();
    let kinds = KindsAsked::of(ask.kind.and_then(ekn_domain::acts::ActKind::parse));
    let effects = index
        .estimates(&for_effect, &deciles, kinds, ask.district, horizon, today)
        .into_iter()
        .filter(|e| match e.figures.outcome {
            EffectOutcome::ViolationsPerInspection => inspections,
            EffectOutcome::AppealsPerQuarter => appeals,
        })
        .collect();
    (verification, effects)
}
