//! Anomalies of inspection practice across regions on the national read-side (issue 41;
//! docs/NATIONAL.md, "Anomalies across regions").
//!
//! On a region, what the detectors read is published without anything that names an object or a
//! person (migration 0020): `refresh_inspections` keeps `national_inspections` — each inspection of
//! the region's own territory in the registry its connectors fetched, under keyed hashes of its
//! registry number and of its object's BIN (the key never leaves the region) — by difference;
//! `refresh_appeal_days` refills `national_appeal_days`, the appeals counted by region, category,
//! days and outcome. On the national side, `anomalies` rebuilds one registry from every region's
//! rows (or one region's, the drill-down) and runs the workstations' own detectors over it
//! (`analytics::practices::detect`: funnels, exact tails, Benjamini–Hochberg across the country),
//! so a body × district of one region is compared with its peers in every region. The objects
//! behind an anomaly are named by their region's pseudonyms only; the region's office, which holds
//! the key, is the one that can say which objects they are.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use ekn_analytics::anomaly_list::AnomalyReport;
use ekn_analytics::practices::{detect, DetectParams};
use ekn_domain::facts::{
    date_of, day_of, district_text, AppealFact, AppealOutcome, InspectionFact, Registry, SubjectFact,
};
use ekn_domain::privacy::keyed;
use ekn_domain::records::InspectionKind;
use futures_util::TryStreamExt;

use crate::db::Scope;
use crate::error::OfficeError;
use crate::registry::{self, Held};

/// The region's key for the published pseudonyms: made once, kept, never published.
async fn pseudonym_key(client: &deadpool_postgres::Client) -> Result<[u8; 32], OfficeError> {
    let fresh: [u8; 32] = crate::keys::random_bytes()?;
    client
        .execute(
            "INSERT INTO national_pseudonym_key(id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
            &[&fresh.as_slice()],
        )
        .await?;
    let key: Vec<u8> = client.query_one("SELECT key FROM national_pseudonym_key WHERE id = 1", &[]).await?.get(0);
    key.try_into().map_err(|_| OfficeError::Config("the national pseudonym key is damaged".into()))
}

/// An object's published pseudonym: `n:` and 24 hex digits of the keyed hash of its BIN.
fn subject_pseudonym(key: &[u8; 32], bin: &str) -> String {
    format!("n:{}", keyed(key, &format!("subject\0{bin}")))
}

/// Brings the region's published inspections to the registry the office holds now: rows added,
/// changed and gone, one transaction. Nothing when the office publishes no region; an unreadable
/// registry leaves what was published and says why. Returns how many inspections are published.
pub async fn refresh_inspections(client: &mut deadpool_postgres::Client) -> Result<usize, OfficeError> {
    let Some(region) = crate::region::published_region(client).await? else { return Ok(0) };
    let code: u8 = region.parse().map_err(|_| OfficeError::Config(format!("the office's region {region:?}")))?;
    let held = match registry::held(&*client).await? {
        Held::Registry(held) => Some(held),
        Held::NoRun => None,
        Held::Unreadable(reason) => {
            return Err(OfficeError::Config(format!("the published inspections were kept as they were: {reason}")))
        }
    };
    let key = pseudonym_key(client).await?;
    let empty = Registry::default();
    let r = held.as_ref().map_or(&empty, |h| &h.registry);
    // The region's own territory only: another region's inspections are its office's to publish.
    let mine: Vec<&InspectionFact> = r.inspections.iter().filter(|f| f.region == Some(code)).collect();
    let keys: Vec<String> = mine.iter().map(|f| keyed(&key, &format!("inspection\0{}", f.registry_no))).collect();
    let subjects: Vec<String> =
        mine.iter().map(|f| subject_pseudonym(&key, &r.subjects[f.subject as usize].bin)).collect();
    let bodies: Vec<&str> = mine.iter().map(|f| r.bodies[f.body as usize].as_str()).collect();
    let kinds: Vec<&str> = mine.iter().map(|f| f.kind.code()).collect();
    let days: Vec<NaiveDate> = mine.iter().map(|f| date_of(f.day)).collect();
    let districts: Vec<String> = mine.iter().map(|f| f.district.map(district_text).unwrap_or_default()).collect();
    let sections: Vec<Option<String>> =
        mine.iter().map(|f| f.oked_section.map(|s| char::from(s).to_string())).collect();
    let violations: Vec<i32> = mine.iter().map(|f| i32::try_from(f.violations).unwrap_or(i32::MAX)).collect();
    let sanctions: Vec<&str> = mine.iter().map(|f| r.sanction_sets[f.sanctions as usize].as_str()).collect();
    let appealed: Vec<Option<bool>> = mine.iter().map(|f| f.appealed).collect();
    let illegal: Vec<Option<bool>> = mine.iter().map(|f| f.declared_illegal).collect();
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext('ekn_national_inspections'))", &[]).await?;
    tx.execute("DELETE FROM national_inspections WHERE region <> $1", &[&region]).await?;
    tx.execute(
        "DELETE FROM national_inspections WHERE region = $1 AND key NOT IN (SELECT unnest($2::text[]))",
        &[&region, &keys],
    )
    .await?;
    // Only what changed is written, so a daily run that changed a few rows replicates a few rows.
    tx.execute(
        "INSERT INTO national_inspections AS n(region, key, subject, body, kind, day, district, oked_section, \
           violations, sanctions, appealed, declared_illegal) \
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], \
           $9::int[], $10::text[], $11::bool[], $12::bool[]) \
         ON CONFLICT (region, key) DO UPDATE SET subject = excluded.subject, body = excluded.body, kind = excluded.kind, \
           day = excluded.day, district = excluded.district, oked_section = excluded.oked_section, \
           violations = excluded.violations, sanctions = excluded.sanctions, appealed = excluded.appealed, \
           declared_illegal = excluded.declared_illegal \
         WHERE (n.subject, n.body, n.kind, n.day, n.district, n.oked_section, n.violations, n.sanctions, n.appealed, \
           n.declared_illegal) IS DISTINCT FROM (excluded.subject, excluded.body, excluded.kind, excluded.day, \
           excluded.district, excluded.oked_section, excluded.violations, excluded.sanctions, excluded.appealed, \
           excluded.declared_illegal)",
        &[
            &region, &keys, &subjects, &bodies, &kinds, &days, &districts, &sections, &violations, &sanctions,
            &appealed, &illegal,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(mine.len())
}

/// Brings the region's published appeal counts to the appeals' facts the office holds (one copy
/// per number): cells added, changed and gone, one transaction. Nothing when the office publishes
/// no region. Returns how many appeals.
pub async fn refresh_appeal_days(client: &mut deadpool_postgres::Client) -> Result<usize, OfficeError> {
    let Some(region) = crate::region::published_region(client).await? else { return Ok(0) };
    let appeals = crate::appeals::held(client, &Scope::office()).await?;
    type Cell = (Option<String>, Option<String>, NaiveDate, Option<NaiveDate>, Option<String>);
    let mut counts: HashMap<Cell, i64> = HashMap::new();
    for a in &appeals {
        let place = a.kato.as_deref().and_then(|k| k.get(..2)).map(str::to_string);
        let cell = (place, a.category.clone(), a.received, a.decided, a.outcome.clone());
        *counts.entry(cell).or_default() += 1;
    }
    let rows: Vec<(Cell, i64)> = counts.into_iter().collect();
    // A cell's name is its five values as JSON: unambiguous whatever a category's label holds.
    let cells: Vec<String> = rows.iter().map(|(c, _)| serde_json::to_string(c).unwrap_or_default()).collect();
    let places: Vec<Option<&str>> = rows.iter().map(|((p, ..), _)| p.as_deref()).collect();
    let categories: Vec<Option<&str>> = rows.iter().map(|((_, c, ..), _)| c.as_deref()).collect();
    let received: Vec<NaiveDate> = rows.iter().map(|((_, _, r, ..), _)| *r).collect();
    let decided: Vec<Option<NaiveDate>> = rows.iter().map(|((_, _, _, d, _), _)| *d).collect();
    let outcomes: Vec<Option<&str>> = rows.iter().map(|((.., o), _)| o.as_deref()).collect();
    let n: Vec<i64> = rows.iter().map(|(_, n)| *n).collect();
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext('ekn_national_appeal_days'))", &[]).await?;
    tx.execute("DELETE FROM national_appeal_days WHERE region <> $1", &[&region]).await?;
    tx.execute(
        "DELETE FROM national_appeal_days WHERE region = $1 AND cell NOT IN (SELECT unnest($2::text[]))",
        &[&region, &cells],
    )
    .await?;
    tx.execute(
        "INSERT INTO national_appeal_days AS d(region, cell, appeal_region, category, received, decided, outcome, n) \
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::text[], $8::bigint[]) \
         ON CONFLICT (region, cell) DO UPDATE SET n = excluded.n WHERE d.n <> excluded.n",
        &[&region, &cells, &places, &categories, &received, &decided, &outcomes, &n],
    )
    .await?;
    tx.commit().await?;
    Ok(appeals.len())
}

/// The most appeals one national run expands into facts (about 50 bytes each in memory): five
/// years of the country's five million a year.
const MAX_APPEALS: usize = 25_000_000;

/// The index of `value` among `list` (a registry's categories or sets of measures, 16-bit
/// indexes), added when new; refused past 65,536 distinct values rather than wrapped.
fn intern(
    of: &mut HashMap<String, u16>,
    list: &mut Vec<String>,
    value: String,
    what: &str,
) -> Result<u16, OfficeError> {
    if let Some(&at) = of.get(&value) {
        return Ok(at);
    }
    let at = u16::try_from(list.len())
        .map_err(|_| OfficeError::Config(format!("more than 65,536 distinct {what} published; nothing was judged")))?;
    of.insert(value.clone(), at);
    list.push(value);
    Ok(at)
}

pub use ekn_analytics::national_reports::NationalAnomalies;

/// Rebuilds the registry from the published rows (every region's, or `region`'s) and runs the
/// detectors over it, as of `today`.
pub async fn anomalies(
    client: &deadpool_postgres::Client,
    today: NaiveDate,
    region: Option<&str>,
) -> Result<NationalAnomalies, OfficeError> {
    if let Some(r) = region {
        crate::region::check_region(r)?;
    }
    let started = std::time::Instant::now();
    // The counts first: a query sent while the inspections stream would wait behind them.
    let appeals = client
        .query(
            "SELECT region, appeal_region, category, received, decided, outcome, n FROM national_appeal_days \
             WHERE $1::text IS NULL OR region = $1 ORDER BY received, region, cell",
            &[&region],
        )
        .await?;
    // Streamed, row by row into the registry: a million rows are never held twice.
    let inspections = client
        .query_raw(
            "SELECT region, key, subject, body, kind, day, district, oked_section, violations, sanctions, appealed, \
               declared_illegal FROM national_inspections WHERE $1::text IS NULL OR region = $1 \
             ORDER BY day, region, key",
            [&region],
        )
        .await?;
    let mut regions = BTreeSet::new();
    let mut registry = Registry::default();
    let mut subject_of: HashMap<String, u32> = HashMap::new();
    let mut body_of: HashMap<String, u32> = HashMap::new();
    let mut set_of: HashMap<String, u16> = HashMap::from([(String::new(), 0)]);
    registry.sanction_sets.push(String::new());
    futures_util::pin_mut!(inspections);
    let mut i = 0usize;
    while let Some(row) = inspections.try_next().await? {
        i += 1;
        let published: String = row.get(0);
        let section: Option<String> = row.get(7);
        let section = section.and_then(|s| s.bytes().next());
        let subject: String = row.get(2);
        let next = registry.subjects.len() as u32;
        let subject = *subject_of.entry(subject.clone()).or_insert_with(|| {
            registry.subjects.push(SubjectFact { bin: subject, name: None, oked: None, oked_section: section });
            next
        });
        let body: String = row.get(3);
        let next = registry.bodies.len() as u32;
        let body = *body_of.entry(body.clone()).or_insert_with(|| {
            registry.bodies.push(body);
            next
        });
        let sanctions = intern(&mut set_of, &mut registry.sanction_sets, row.get(9), "sets of measures")?;
        let district: String = row.get(6);
        let kind: String = row.get(4);
        registry.inspections.push(InspectionFact {
            id: i as i64,
            registry_no: row.get::<_, String>(1).into(),
            subject,
            body,
            kind: InspectionKind::from_code(&kind)
                .ok_or_else(|| OfficeError::Config(format!("region {published}: an inspection of kind {kind:?}")))?,
            day: day_of(row.get(5)),
            district: district.parse().ok(),
            region: published.parse().ok(),
            kato: None,
            oked_section: section,
            violations: u32::try_from(row.get::<_, i32>(8)).unwrap_or(0),
            sanctions,
            appealed: row.get(10),
            declared_illegal: row.get(11),
            subject_size: None,
        });
        regions.insert(published);
    }
    let mut category_of: HashMap<String, u16> = HashMap::new();
    let mut appeals_read = 0usize;
    for row in &appeals {
        regions.insert(row.get::<_, String>(0));
        let category = match row.get::<_, Option<String>>(2) {
            Some(label) => Some(intern(&mut category_of, &mut registry.categories, label, "categories")?),
            None => None,
        };
        let fact = AppealFact {
            appeal_no: "".into(),
            subject: None,
            region: row.get::<_, Option<String>>(1).and_then(|r| r.parse().ok()),
            kato: None,
            category,
            received: day_of(row.get(3)),
            decided: row.get::<_, Option<NaiveDate>>(4).map(day_of),
            outcome: row.get::<_, Option<String>>(5).as_deref().and_then(AppealOutcome::from_code),
        };
        // A count is a region's word: bounded before it becomes memory.
        let n = usize::try_from(row.get::<_, i64>(6)).unwrap_or(0);
        if appeals_read + n > MAX_APPEALS {
            return Err(OfficeError::Config(format!(
                "region {}: more than {MAX_APPEALS} appeals published (a row counts {n}); nothing was judged",
                row.get::<_, String>(0)
            )));
        }
        appeals_read += n;
        registry.appeals.extend(std::iter::repeat_n(fact, n));
    }
    let params = DetectParams::default();
    let detection = detect(&registry, today, &params);
    let report = AnomalyReport::of(&detection, today, &params, None, &HashMap::new(), started);
    Ok(NationalAnomalies {
        region: region.map(str::to_string),
        regions: regions.into_iter().collect(),
        inspections: registry.inspections.len(),
        appeals: appeals_read,
        objects_withheld: false,
        report,
    })
}

/// On a region: the BIN each published pseudonym (`n:…`) stands for, among the objects of the
/// registry the office holds (none when it is no object of it, or the key changed).
pub async fn objects(
    client: &mut deadpool_postgres::Client,
    pseudonyms: &[String],
) -> Result<Vec<(String, Option<String>)>, OfficeError> {
    if crate::region::published_region(client).await?.is_none() {
        return Err(OfficeError::Config(
            "this office publishes no region: `ekn-office national publish --region NN` first".into(),
        ));
    }
    let key = pseudonym_key(client).await?;
    let mut of: HashMap<String, String> = HashMap::new();
    if let Held::Registry(held) = registry::held(&*client).await? {
        for s in &held.registry.subjects {
            of.insert(subject_pseudonym(&key, &s.bin), s.bin.clone());
        }
    }
    Ok(pseudonyms.iter().map(|p| (p.clone(), of.get(p.trim()).cloned())).collect())
}
