//! Appeals at the office: the facts of the appeals each workstation holds (`POST /v1/appeals`,
//! signed, from the workstation itself), without a person in them — number, object, place,
//! category, days, outcome, the applicant's pseudonym (under the office's key, or for an appeal
//! imported before the workstation joined, under its own) and the masked text's SimHash. The office checks every field (a peer's values are hostile until
//! checked), places each appeal itself — at its KATO code when the sender's districts hold it,
//! in the sender's own district when it names no place, and not at all when it lies outside
//! them — and keeps one copy per appeal and workstation. Readers (`held`) take one copy per
//! number. Each appeal also takes its cell in the national picture (`office_appeal_cells`:
//! district, category code, month — kept by the first workstation to hand it over), which the
//! published counts follow (migration 0015). What rests on appeals in the office's figures reads
//! them: the effectiveness report's appeals checks and its estimate on appeals per quarter
//! (`effect`), the themes' scan (`themes`).

use std::collections::HashMap;

use chrono::Datelike;

use ekn_domain::facts::AppealIdentity;
use ekn_domain::facts::{day_of, kato_number, AppealFact, AppealOutcome, Registry, SubjectFact};
use ekn_domain::ids::SubjectId;
use ekn_domain::sync::{in_scope, AppealFactWire, AppealsReceipt, MAX_APPEAL_FACTS};
use sha2::{Digest, Sha256};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::Caller;

/// What is wrong with one fact, naming its field.
fn check(fact: &AppealFactWire) -> Result<(), (&'static str, String)> {
    let no = fact.appeal_no.trim();
    if no.is_empty() || no.len() > 64 || no.chars().any(char::is_control) || no != fact.appeal_no {
        return Err(("appeal_no", "a number of 1 to 64 characters, no spaces around it, no control characters".into()));
    }
    if let Some(bin) = &fact.subject_bin {
        // A BIN, or an individual entrepreneur's IIN (the object a workstation keys its card by).
        if SubjectId::parse(bin).is_err() {
            return Err(("subject_bin", "not a valid BIN or IIN (12 digits with its check digit)".into()));
        }
    }
    if let Some(kato) = &fact.kato {
        if kato.is_empty() || kato.len() > 9 || !kato.bytes().all(|b| b.is_ascii_digit()) {
            return Err(("kato", "a KATO code is 1 to 9 digits".into()));
        }
    }
    if let Some(category) = &fact.category {
        if category.chars().count() > 200 || category.chars().any(char::is_control) {
            return Err(("category", "at most 200 characters, no control characters".into()));
        }
    }
    let year = |d: chrono::NaiveDate| chrono::Datelike::year(&d);
    if !(1991..=2100).contains(&year(fact.received)) {
        return Err(("received", format!("{} is not a day an appeal was received", fact.received)));
    }
    if fact.decided.is_some_and(|d| d < fact.received || year(d) > 2100) {
        return Err(("decided", "a decision comes on or after the day the appeal was received".into()));
    }
    if fact.outcome.as_deref().is_some_and(|o| AppealOutcome::from_code(o).is_none()) {
        return Err(("outcome", "satisfied, refused or explained".into()));
    }
    if let Some(p) = &fact.applicant {
        let hex = p.strip_prefix("p:").or_else(|| p.strip_prefix("o:")).unwrap_or("");
        if hex.len() != 24 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(("applicant", "a pseudonym is p: or o: and 24 hexadecimal digits".into()));
        }
    }
    Ok(())
}

/// Takes a batch of appeal facts from the workstation that holds them.
pub async fn receive(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    facts: &[AppealFactWire],
) -> Result<AppealsReceipt, OfficeError> {
    let Some(ws) = &caller.workstation else {
        return Err(OfficeError::forbidden("appeals are handed over by the workstation that holds them"));
    };
    if facts.len() > MAX_APPEAL_FACTS {
        return Err(OfficeError::bad_request(format!("at most {MAX_APPEAL_FACTS} appeals a request")));
    }
    for (i, fact) in facts.iter().enumerate() {
        check(fact).map_err(|(field, why)| {
            OfficeError::bad_request(format!("appeal {} of the batch, field {field}: {why}", i + 1))
        })?;
    }
    let home = caller.home_district();
    let mut receipt = AppealsReceipt::default();
    let tx = scoped(client, &caller.scope()).await?;
    let insert = tx
        .prepare(
            "INSERT INTO office_appeals(appeal_no, ws, district, subject_bin, kato, category, received, decided, \
               outcome, applicant, simhash, fingerprint, severe, repeat) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (appeal_no, ws) DO UPDATE SET district = excluded.district, subject_bin = excluded.subject_bin, \
               kato = excluded.kato, category = excluded.category, received = excluded.received, \
               decided = excluded.decided, outcome = excluded.outcome, applicant = excluded.applicant, \
               simhash = excluded.simhash, fingerprint = excluded.fingerprint, severe = excluded.severe, \
               repeat = excluded.repeat, updated_at = now() \
             WHERE office_appeals.fingerprint <> excluded.fingerprint",
        )
        .await?;
    let cell = tx
        .prepare(
            "INSERT INTO office_appeal_cells(appeal_no, ws, district, category, month) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (appeal_no) DO UPDATE SET district = excluded.district, category = excluded.category, \
               month = excluded.month \
             WHERE office_appeal_cells.ws = excluded.ws AND (office_appeal_cells.district, office_appeal_cells.category, \
               office_appeal_cells.month) IS DISTINCT FROM (excluded.district, excluded.category, excluded.month)",
        )
        .await?;
    let taxonomy = ekn_domain::triage::Taxonomy::builtin();
    for fact in facts {
        let district = match &fact.kato {
            Some(kato) if in_scope(kato, &caller.person.districts) => Some(kato.clone()),
            Some(_) => {
                receipt.outside += 1;
                receipt.not_taken.push(fact.appeal_no.clone());
                continue;
            }
            None => home.clone(),
        };
        let fingerprint = hex::encode(Sha256::digest(serde_json::to_vec(fact).unwrap_or_default()));
        let changed = tx
            .execute(
                &insert,
                &[
                    &fact.appeal_no,
                    ws,
                    &district,
                    &fact.subject_bin,
                    &fact.kato,
                    &fact.category,
                    &fact.received,
                    &fact.decided,
                    &fact.outcome,
                    &fact.applicant,
                    &fact.simhash,
                    &fingerprint,
                    &fact.severe,
                    &fact.repeat,
                ],
            )
            .await?;
        if changed == 0 {
            receipt.unchanged += 1;
            continue;
        }
        receipt.stored += 1;
        // Its cell in the national picture: kept by the first workstation to hand it over.
        let cell_district = fact.kato.as_deref().or(district.as_deref()).and_then(|d| d.get(..4)).map(str::to_string);
        let category = fact.category.as_deref().map(|label| taxonomy.code_or_label(label));
        let month = fact.received.with_day(1).unwrap_or(fact.received);
        tx.execute(&cell, &[&fact.appeal_no, ws, &cell_district, &category, &month]).await?;
    }
    tx.commit().await?;
    Ok(receipt)
}

/// The appeals in `scope`, one copy per number (the most recently sent), in the order received.
/// A workstation's own pseudonym (`p:`) means the same applicant only there, so it is qualified
/// by the workstation (`ws:<id>/p:…`); the office-wide one (`o:`) stands as it is.
pub async fn held(client: &mut deadpool_postgres::Client, scope: &Scope) -> Result<Vec<AppealFactWire>, OfficeError> {
    let tx = scoped(client, scope).await?;
    let rows = tx
        .query(
            "SELECT DISTINCT ON (appeal_no) appeal_no, subject_bin, kato, category, received, decided, outcome, \
               applicant, simhash, ws, severe, repeat FROM office_appeals \
             ORDER BY appeal_no, updated_at DESC, ws",
            &[],
        )
        .await?;
    tx.commit().await?;
    let mut out: Vec<AppealFactWire> = rows
        .iter()
        .map(|r| {
            let ws: String = r.get(9);
            AppealFactWire {
                appeal_no: r.get(0),
                subject_bin: r.get(1),
                kato: r.get(2),
                category: r.get(3),
                received: r.get(4),
                decided: r.get(5),
                outcome: r.get(6),
                applicant: r.get::<_, Option<String>>(7).map(|p| {
                    if p.starts_with("o:") {
                        p
                    } else {
                        format!("ws:{ws}/{p}")
                    }
                }),
                simhash: r.get(8),
                severe: r.get(10),
                repeat: r.get(11),
            }
        })
        .collect();
    out.sort_by(|a, b| (a.received, &a.appeal_no).cmp(&(b.received, &b.appeal_no)));
    Ok(out)
}

/// The registry with the appeals laid over it, and each appeal's applicant and text fingerprint
/// by number. An object the registry does not know — an appeal's, an act's — joins it, as it is
/// on the workstation that imported them (an act's object is always known there).
pub fn registry_with<'b>(
    base: Option<&Registry>,
    appeals: &[AppealFactWire],
    act_bins: impl IntoIterator<Item = &'b str>,
) -> (Registry, HashMap<String, AppealIdentity>) {
    let mut registry = base.cloned().unwrap_or_default();
    let mut subject_of: HashMap<String, u32> =
        registry.subjects.iter().enumerate().map(|(i, s)| (s.bin.clone(), i as u32)).collect();
    for bin in act_bins {
        if !subject_of.contains_key(bin) {
            subject_of.insert(bin.to_string(), registry.subjects.len() as u32);
            registry.subjects.push(SubjectFact { bin: bin.to_string(), name: None, oked: None, oked_section: None });
        }
    }
    let mut category_of: HashMap<String, u16> =
        registry.categories.iter().enumerate().map(|(i, c)| (c.clone(), i as u16)).collect();
    let mut identities = HashMap::new();
    for a in appeals {
        let subject = a.subject_bin.as_ref().map(|bin| {
            *subject_of.entry(bin.clone()).or_insert_with(|| {
                registry.subjects.push(SubjectFact { bin: bin.clone(), name: None, oked: None, oked_section: None });
                (registry.subjects.len() - 1) as u32
            })
        });
        let category = a.category.as_ref().map(|label| {
            *category_of.entry(label.clone()).or_insert_with(|| {
                registry.categories.push(label.clone());
                (registry.categories.len() - 1) as u16
            })
        });
        registry.appeals.push(AppealFact {
            appeal_no: a.appeal_no.as_str().into(),
            subject,
            region: a.kato.as_deref().and_then(|k| k.get(..2)).and_then(|r| r.parse().ok()),
            kato: a.kato.as_deref().and_then(kato_number),
            category,
            received: day_of(a.received),
            decided: a.decided.map(day_of),
            outcome: a.outcome.as_deref().and_then(AppealOutcome::from_code),
        });
        if a.applicant.is_some() || a.simhash.is_some() {
            identities.insert(a.appeal_no.clone(), (a.applicant.clone(), a.simhash));
        }
    }
    registry.appeals.sort_by_key(|a| a.received);
    (registry, identities)
}

pub use ekn_analytics::office_reports::{DistrictAppeals, OfficeAppealsMap};

/// The appeals the office holds in the caller's districts, counted by district for the Appeals
/// screen's map (`GET /v1/appeals/map`): open ones, received in the 90 days to `today`, all. Counts
/// only: no appeal's number, text or applicant leaves the server this way.
pub async fn map_for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &crate::people::Caller,
    today: chrono::NaiveDate,
) -> Result<OfficeAppealsMap, OfficeError> {
    use crate::people::Role;
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the office's map of appeals")?;
    let scope = Scope { districts: caller.person.districts.clone(), ..caller.scope() };
    let appeals = held(client, &scope).await?;
    let since = today - chrono::Days::new(90);
    let mut map = OfficeAppealsMap {
        today,
        by_district: std::collections::BTreeMap::new(),
        without_district: 0,
        appeals_held: appeals.len(),
        computed_at: Some(chrono::Utc::now()),
    };
    for appeal in &appeals {
        let Some(district) = crate::dashboard::district_of(appeal.kato.clone()) else {
            map.without_district += 1;
            continue;
        };
        let counts = map.by_district.entry(district).or_default();
        counts.total += 1;
        counts.open += u64::from(appeal.decided.is_none());
        counts.received_90_days += u64::from(appeal.received > since && appeal.received <= today);
    }
    Ok(map)
}
