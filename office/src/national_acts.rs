//! The acts' effectiveness on the national read-side (issue 41; docs/NATIONAL.md, "The acts'
//! effectiveness"). On a region, `refresh_acts` fills the published `national_acts` with every act
//! of the office as the KPIs read it (migration 0019: kind, days, district, results; nothing that
//! names an act or a person), whole, after every push that carries an act's entries and when the
//! region is published. On the national side, `effect` computes the tier-1 KPIs — answered in time,
//! satisfied, protests upheld, days to an answer, quality at issuance, each with its denominator and
//! interval — with the workstations' own code (`analytics::outcome_kpis::kpis`), for the country and
//! for each region.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn_analytics::outcome_kpis::{kpis, ActForKpis};

use crate::error::OfficeError;

/// The entries whose arrival changes what a region publishes of its acts.
pub const ACT_KINDS: [&str; 4] = ["act_issued", "act_outcome", "act_drafted", "retention_applied"];

/// Replaces the region's published acts with the office's acts now; nothing when the office
/// publishes no region. Returns how many it published.
pub async fn refresh_acts(client: &mut deadpool_postgres::Client) -> Result<usize, OfficeError> {
    let Some(region) = crate::region::published_region(client).await? else { return Ok(0) };
    let acts = crate::effect::office_acts_for_kpis(client).await?;
    let tx = client.transaction().await?;
    // One refresh at a time: a second one's DELETE then sees the first's rows.
    tx.execute("SELECT pg_advisory_xact_lock(hashtext('ekn_national_acts'))", &[]).await?;
    tx.execute("DELETE FROM national_acts", &[]).await?;
    let column = |f: fn(&ActForKpis) -> Option<String>| acts.iter().map(f).collect::<Vec<_>>();
    let kinds: Vec<&str> = acts.iter().map(|a| a.kind.as_str()).collect();
    let issued: Vec<NaiveDate> = acts.iter().map(|a| a.issued_on).collect();
    let due: Vec<Option<NaiveDate>> = acts.iter().map(|a| a.response_due).collect();
    let norms = column(|a| a.unconfirmed_norm.clone());
    let places: Vec<&str> = acts.iter().map(|a| a.place.as_str()).collect();
    let answers = column(|a| a.answer.as_ref().map(|(r, _)| r.clone()));
    let answered_on: Vec<Option<NaiveDate>> = acts.iter().map(|a| a.answer.as_ref().map(|(_, on)| *on)).collect();
    let courts = column(|a| a.court.clone());
    let checklists: Vec<Option<bool>> = acts.iter().map(|a| a.checklist_complete).collect();
    let filled: Vec<Option<bool>> = acts.iter().map(|a| a.placeholders_filled).collect();
    let defects: Vec<bool> = acts.iter().map(|a| a.formal_defect).collect();
    tx.execute(
        "INSERT INTO national_acts(region, kind, issued_on, response_due, unconfirmed_norm, district, answer, answer_on, \
           court, checklist_complete, placeholders_filled, formal_defect) \
         SELECT $1, * FROM unnest($2::text[], $3::date[], $4::date[], $5::text[], $6::text[], $7::text[], $8::date[], \
           $9::text[], $10::bool[], $11::bool[], $12::bool[])",
        &[
            &region, &kinds, &issued, &due, &norms, &places, &answers, &answered_on, &courts, &checklists, &filled,
            &defects,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(acts.len())
}

pub use ekn_analytics::national_reports::NationalEffect;

/// Computes the KPIs over every region's published acts, as of `today`.
pub async fn effect(client: &deadpool_postgres::Client, today: NaiveDate) -> Result<NationalEffect, OfficeError> {
    let rows = client
        .query(
            "SELECT region, kind, issued_on, response_due, unconfirmed_norm, district, answer, answer_on, court, \
               checklist_complete, placeholders_filled, formal_defect FROM national_acts ORDER BY region, id",
            &[],
        )
        .await?;
    let mut by_region: BTreeMap<String, Vec<ActForKpis>> = BTreeMap::new();
    for r in &rows {
        let answer = match (r.get::<_, Option<String>>(6), r.get::<_, Option<NaiveDate>>(7)) {
            (Some(result), Some(on)) => Some((result, on)),
            _ => None,
        };
        by_region.entry(r.get(0)).or_default().push(ActForKpis {
            kind: r.get(1),
            issued_on: r.get(2),
            response_due: r.get(3),
            unconfirmed_norm: r.get(4),
            place: r.get(5),
            answer,
            court: r.get(8),
            checklist_complete: r.get(9),
            placeholders_filled: r.get(10),
            formal_defect: r.get(11),
        });
    }
    let all: Vec<ActForKpis> = by_region.values().flatten().cloned().collect();
    Ok(NationalEffect {
        today,
        totals: kpis(&all, today),
        regions: by_region.iter().map(|(region, acts)| (region.clone(), kpis(acts, today))).collect(),
    })
}
