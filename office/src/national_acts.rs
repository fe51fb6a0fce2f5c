//! The acts' effectiveness on the national read-side (issue 41; docs/NATIONAL.md, "The acts'
//! effectiveness"). On a region, `refresh_acts` fills the published `national_acts` with every act
//! of the office as the KPIs read it (migration 0019: kind, days, district, results; nothing that
//! names an act or a person), whole, after every push that carries an act's entries and when the
//! region is published. On the national side, `effect` computes the tier-1 KPIs — answered in time,
//! satisfied, protests upheld, days to an answer, quality at issuance, each with its denominator and
//! interval — with the workstations' own code (`analytics::outcome_kpis::kpis`), for the country and
//! for each region.
//!
//! Tier 3 (issue 62): an act never reaches the national side with its object, so the country cannot
//! fit the acts' effect itself. Each region publishes its office's own estimate instead
//! (`refresh_estimates`: the stacked design's headline over the office's registry, for all acts
//! and for each kind of act, one row per outcome and kind — `national_effect_estimates`,
//! migrations 0024 and 0025), and `effect` pools the regions' rows of each outcome and kind
//! (`ekn_analytics::effect_pool`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn_analytics::effect::EffectOutcome;
use ekn_analytics::effect_pool::RegionEstimate;
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

/// One row of `national_effect_estimates` as the office writes it: the outcome, the kind of act
/// («all» or one kind's code), the ratio and its interval, acted-on objects and controls, the
/// pre-trend test's p-value.
type PublishedEstimate<'a> = (&'static str, &'a str, f64, [f64; 2], i64, i64, Option<f64>);

/// Replaces the region's published estimates of the acts' effect with the office's own now, as of
/// `today` (`effect::whole_office`: every district, all acts together and each kind of act on its
/// own; the headline of each outcome and kind that has one, nothing of one without). Nothing when
/// the office publishes no region; how many rows it published. The estimate reads the office's
/// registry and every act: seconds on a large office, so it runs in the background after the acts
/// or the registry change (`national::refresh_estimates_in_background`), one at a time, and at
/// `national publish`.
pub async fn refresh_estimates(client: &mut deadpool_postgres::Client, today: NaiveDate) -> Result<usize, OfficeError> {
    let Some(region) = crate::region::published_region(client).await? else { return Ok(0) };
    let effect = crate::effect::whole_office(client, crate::effect::EffectAsk::default(), today).await?;
    let rows: Vec<PublishedEstimate<'_>> = effect
        .effects
        .iter()
        .filter(|e| e.scope == "all")
        .filter_map(|e| {
            let f = &e.figures;
            let (ratio, ci) = (f.ratio?, f.ci95?);
            let outcome = f.outcome.code();
            let finite = ratio.is_finite() && ratio > 0.0 && ci[0] > 0.0 && ci[1] >= ci[0] && ci[1].is_finite();
            finite.then_some((
                outcome,
                e.kind.as_str(),
                ratio,
                ci,
                f.n_treated as i64,
                f.n_controls as i64,
                f.pre_trend_p,
            ))
        })
        .collect();
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext('ekn_national_effect_estimates'))", &[]).await?;
    tx.execute("DELETE FROM national_effect_estimates", &[]).await?;
    for (outcome, kind, ratio, ci, treated, controls, pre_trend_p) in &rows {
        tx.execute(
            "INSERT INTO national_effect_estimates(region, outcome, act_kind, ratio, ci_low, ci_high, n_treated, \
               n_controls, pre_trend_p, method, as_of) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[&region, outcome, kind, ratio, &ci[0], &ci[1], treated, controls, pre_trend_p, &effect.method, &today],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
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
    let estimates = region_estimates(client).await?;
    Ok(NationalEffect {
        today,
        totals: kpis(&all, today),
        regions: by_region.iter().map(|(region, acts)| (region.clone(), kpis(acts, today))).collect(),
        pooled: ekn_analytics::effect_pool::pool(&estimates),
        estimates,
    })
}

/// Every region's published estimate, by region, outcome and kind of act. A row a region's table
/// holds but no estimate can be (an outcome or a kind this side does not know, an interval that is
/// none, a method that is no short printable line) is left out: the region's database is a peer's,
/// and one bad row must not make the app refuse the whole country's figures.
async fn region_estimates(client: &deadpool_postgres::Client) -> Result<Vec<RegionEstimate>, OfficeError> {
    let rows = client
        .query(
            "SELECT region, outcome, act_kind, ratio, ci_low, ci_high, n_treated, n_controls, pre_trend_p, method, \
               as_of FROM national_effect_estimates ORDER BY region, outcome, act_kind",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let outcome = EffectOutcome::from_code(&r.get::<_, String>(1))?;
            let kind: String = r.get(2);
            if !ekn_analytics::effect_pool::kind_is_pooled(&kind) {
                return None;
            }
            let method: String = r.get(9);
            if method.chars().count() > 200 || method.chars().any(char::is_control) {
                return None;
            }
            let ci95 = [r.get::<_, f64>(4), r.get::<_, f64>(5)];
            Some(RegionEstimate {
                region: r.get(0),
                outcome,
                kind,
                ratio: r.get(3),
                log_se: ekn_analytics::effect_pool::log_se_from_ci(ci95)?,
                ci95,
                n_treated: u64::try_from(r.get::<_, i64>(6)).ok()?,
                n_controls: u64::try_from(r.get::<_, i64>(7)).ok()?,
                pre_trend_p: r.get(8),
                method,
                as_of: r.get(10),
            })
        })
        .collect())
}
