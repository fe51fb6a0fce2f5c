//! The office's scan for rising themes (issue 40): every workstation's themes of supervision, and
//! every category × district cell of appeals, judged over everything the office holds — the
//! appeals' facts the workstations handed over (`appeals`) and the registry the office's own
//! connectors fetched (`registry`, for themes of inspections) — by the code `ekn themes scan`
//! runs (`ekn_analytics::theme_reports::scan_report`). A theme is a workstation's: it comes from
//! its `theme_saved` entries (the newest version of each name, unless retired) with the people's
//! `theme_member_decided` decisions, and the office names it with its author. What a caller
//! sees is what their districts hold: the themes placed there, the appeals placed there.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::not_computed::NotComputed;
use crate::people::{Caller, Role};
use crate::registry;
use chrono::NaiveDate;
use ekn_analytics::practices::DetectParams;
use ekn_analytics::theme_reports::{scan_report, score_report, ScoreContext, ThemeSummary};
use ekn_analytics::themes::{Decided, ThemeDefinition};
use ekn_domain::journal::{Entry, StoredEntry};

pub use ekn_analytics::office_reports::{OfficeThemeScan, ThemeOwner};

/// The scan for a person of the office: their districts' themes and appeals.
pub async fn for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    as_of: NaiveDate,
    months: Option<u32>,
) -> Result<OfficeThemeScan, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the themes' scan")?;
    let scope = Scope { districts: caller.person.districts.clone(), ..caller.scope() };
    let mut found = scan(client, &scope, as_of, months).await?;
    if caller.person.role == Role::Analyst {
        // A theme is a person's work, named with its author: an analyst reads the cells (category
        // × district counts judged), not whose themes there are — as the dashboard drops names.
        found.scan.themes.clear();
        found.owners.clear();
    }
    Ok(found)
}

/// The whole office's scan, for the server's console.
pub async fn whole_office(
    client: &mut deadpool_postgres::Client,
    as_of: NaiveDate,
    months: Option<u32>,
) -> Result<OfficeThemeScan, OfficeError> {
    scan(client, &Scope::office(), as_of, months).await
}

/// What a scan and the scores read: the themes in scope with their authors, the appeals' facts
/// laid over the office's registry, and what is missing for either.
struct Gathered {
    list: Vec<ThemeSummary>,
    owners: Vec<ThemeOwner>,
    appeals: Vec<ekn_domain::sync::AppealFactWire>,
    registry: ekn_domain::facts::Registry,
    held: Option<std::sync::Arc<registry::OfficeRegistry>>,
    not_computed: Vec<NotComputed>,
}

async fn gather(client: &mut deadpool_postgres::Client, scope: &Scope) -> Result<Gathered, OfficeError> {
    let (list, owners) = themes_in(client, scope).await?;
    let appeals = crate::appeals::held(client, scope).await?;
    let mut not_computed = Vec::new();
    let held = registry::held(&*client).await?.or_note(
        &mut not_computed,
        NotComputed::new(
            "themes_no_registry",
            "themes of inspections read the registry: the office has no published run of a connector of \
                 inspections (`ekn-office connector add … --data inspections`)",
        ),
        ("themes_registry_unreadable", "themes of inspections"),
    );
    if appeals.is_empty() {
        not_computed.push(NotComputed::new(
            "themes_no_appeals",
            "themes of appeals and the category × district cells read the appeals' facts the workstations hand \
             over at each sync: none in scope yet",
        ));
    }
    let (registry, _) = crate::appeals::registry_with(held.as_deref().map(|h| &h.registry), &appeals, []);
    Ok(Gathered { list, owners, appeals, registry, held, not_computed })
}

async fn scan(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    as_of: NaiveDate,
    months: Option<u32>,
) -> Result<OfficeThemeScan, OfficeError> {
    if months.is_some_and(|m| !(1..=24).contains(&m)) {
        return Err(OfficeError::bad_request("the months judged are 1 to 24"));
    }
    let started = std::time::Instant::now();
    let g = gather(client, scope).await?;
    let scan = scan_report(&g.registry, &g.list, &workstation_of(&g.owners), as_of, months, started);
    Ok(OfficeThemeScan {
        scan,
        owners: g.owners,
        appeals_held: g.appeals.len(),
        registry: g.held.map(|h| h.runs.clone()).unwrap_or_default(),
        not_computed: g.not_computed,
        computed_at: Some(chrono::Utc::now()),
    })
}

pub use ekn_analytics::office_reports::OfficeThemeScores;

/// The scores for a person of the office: their districts' themes and appeals.
pub async fn scores_for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    as_of: NaiveDate,
) -> Result<OfficeThemeScores, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the themes' scores")?;
    let scope = Scope { districts: caller.person.districts.clone(), ..caller.scope() };
    let mut found = scores(client, &scope, as_of).await?;
    if caller.person.role == Role::Analyst {
        // The scores rank people's themes by name and author: not an aggregate an analyst reads.
        found.scores.themes.clear();
        found.owners.clear();
    }
    Ok(found)
}

/// The whole office's scores, for the server's console.
pub async fn whole_office_scores(
    client: &mut deadpool_postgres::Client,
    as_of: NaiveDate,
) -> Result<OfficeThemeScores, OfficeError> {
    scores(client, &Scope::office(), as_of).await
}

async fn scores(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<OfficeThemeScores, OfficeError> {
    let mut g = gather(client, scope).await?;
    let flags = ekn_domain::facts::AppealFlags {
        severe: g.appeals.iter().filter(|a| a.severe).map(|a| a.appeal_no.clone()).collect(),
        repeats: g.appeals.iter().filter(|a| a.repeat).map(|a| a.appeal_no.clone()).collect(),
    };
    // The anomalies over what the office holds (its registry's inspections, the appeals), as of
    // today as a workstation lists them; each object's latest risk score from the risk connectors.
    let today = crate::dashboard::kazakhstan_today();
    let anomalies = ekn_analytics::practices::detect(&g.registry, today, &DetectParams::default()).anomalies;
    let risks: HashMap<String, f64> = match &g.held {
        Some(held) => held.latest_risk.iter().cloned().collect(),
        None => {
            g.not_computed.push(NotComputed::new(
                "scores_no_registry",
                "the scores' member risk and the anomalies of inspections read the registry and risk scores the \
                 office's connectors fetch: none here, so those parts rest on the appeals alone",
            ));
            HashMap::new()
        }
    };
    // A person's dismissal of an anomaly is made and kept on their workstation.
    g.not_computed.push(NotComputed::new(
        "scores_dismissals",
        "every anomaly over the office's registry is linked; one a person dismissed on a workstation still counts here",
    ));
    let context = ScoreContext::new(flags, risks, anomalies);
    let report = score_report(&g.registry, &g.list, &workstation_of(&g.owners), as_of, &context);
    Ok(OfficeThemeScores {
        scores: report,
        owners: g.owners,
        appeals_held: g.appeals.len(),
        registry: g.held.map(|h| h.runs.clone()).unwrap_or_default(),
        not_computed: g.not_computed,
        computed_at: Some(chrono::Utc::now()),
    })
}

/// Which workstation a theme is from: each workstation's themes are one false-discovery family at
/// the office, as on the workstation, so a theme's growth does not change with how many themes the
/// colleagues keep.
fn workstation_of<'a>(owners: &'a [ThemeOwner]) -> impl Fn(&ThemeSummary) -> String + 'a {
    move |theme| owners.iter().find(|o| o.theme == theme.name).map(|o| o.workstation.clone()).unwrap_or_default()
}

/// A theme's decisions: (item kind, item key) → `accepted` or `rejected`.
type ItemDecisions = BTreeMap<(String, String), String>;

/// The themes in force in `scope`: per workstation, the newest version of each name (unless
/// retired) with the decisions on its items, named `NAME — PERSON` (two prosecutors may each
/// have a theme of one name), by that name.
async fn themes_in(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
) -> Result<(Vec<ThemeSummary>, Vec<ThemeOwner>), OfficeError> {
    let tx = scoped(client, scope).await?;
    let rows = tx
        .query(
            "SELECT e.ws, p.name, w.name, e.entry FROM events e JOIN people p ON p.id = e.person_id \
             JOIN workstations w ON w.id = e.ws \
             WHERE e.superseded_by IS NULL AND e.kind IN ('theme_saved', 'theme_member_decided') \
             ORDER BY e.global_seq",
            &[],
        )
        .await?;
    tx.commit().await?;
    // (workstation, theme name) → the newest version and its author, and the decisions.
    let mut saved: BTreeMap<(String, String), (ThemeSummary, String, String)> = BTreeMap::new();
    let mut decisions: BTreeMap<(String, String), ItemDecisions> = BTreeMap::new();
    for row in &rows {
        let (ws, person, workstation): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let Ok(stored) = serde_json::from_value::<StoredEntry>(row.get(3)) else { continue };
        match serde_json::from_str::<Entry>(&stored.payload) {
            Ok(Entry::ThemeSaved { name, version, definition, retired, .. }) => {
                // A definition the workstation checked when it was saved; one that does not parse
                // (a damaged entry) is left out rather than judged as something else.
                let Ok(definition) = serde_json::from_str::<ThemeDefinition>(&definition) else { continue };
                let summary = ThemeSummary {
                    name: name.clone(),
                    version,
                    series: definition.series_kind(),
                    definition,
                    retired,
                    saved_by: person.clone(),
                    saved_at: stored.at.clone(),
                    reason: String::new(),
                    decided: Decided::default(),
                };
                saved.insert((ws, name), (summary, person, workstation));
            }
            Ok(Entry::ThemeMemberDecided { theme, item_kind, item_key, decision, .. }) => {
                // In the office's order: the newest decision on an item stands, as on the workstation.
                decisions.entry((ws, theme)).or_default().insert((item_kind, item_key), decision);
            }
            _ => {}
        }
    }
    let mut list = Vec::new();
    let mut owners = Vec::new();
    let mut names: HashSet<String> = HashSet::new();
    for (key, (mut theme, person, workstation)) in saved {
        if theme.retired {
            continue;
        }
        for ((kind, item), decision) in decisions.remove(&key).unwrap_or_default() {
            theme.decided.record(&kind, &decision, item);
        }
        let mut qualified = format!("{} — {person}", theme.name);
        if !names.insert(qualified.clone()) {
            qualified = format!("{qualified} ({workstation})");
            names.insert(qualified.clone());
        }
        owners.push(ThemeOwner {
            theme: qualified.clone(),
            name: std::mem::replace(&mut theme.name, qualified),
            version: theme.version,
            person,
            workstation,
        });
        list.push(theme);
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    owners.sort_by(|a, b| a.theme.cmp(&b.theme));
    Ok((list, owners))
}
