//! The working-day calendar the office counts with: the one shipped with ЭКН, with each year
//! replaced by the newest document any workstation imported (`ekn calendar import`). A workstation
//! sends the document after it pushed the journal entry of its import (`POST /v1/calendar`,
//! signed); the office takes it only when that workstation's own entry names the document's
//! SHA-256, parses it as the workstation did, and puts it in force from the entry's place in the
//! office's order — a later import anywhere wins, an older one sent late does not.

use std::fmt::Write as _;

use ekn_domain::calendar::{Calendar, YearCalendar};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::Caller;

/// A year's document as a workstation sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarDocument {
    pub year: i32,
    pub document: String,
}

/// What the office made of a document it was sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarReceipt {
    pub year: i32,
    pub sha256: String,
    /// Whether it is the year's document in force now.
    pub in_force: bool,
}

/// The calendar the office counts with, and a sentence saying what it is (the dashboard's
/// `calendar`).
pub struct OfficeCalendar {
    pub calendar: Calendar,
    pub note: String,
}

/// The most a year's document may weigh (an import refuses larger files too).
const MAX_DOCUMENT: usize = 1024 * 1024;

/// Takes a year's document from the workstation that imported it.
pub async fn receive(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    sent: &CalendarDocument,
) -> Result<CalendarReceipt, OfficeError> {
    let Some(ws) = &caller.workstation else {
        return Err(OfficeError::forbidden("a calendar is sent by the workstation that imported it"));
    };
    if sent.document.len() > MAX_DOCUMENT {
        return Err(OfficeError::bad_request(format!("a calendar year is at most {MAX_DOCUMENT} bytes")));
    }
    let year = YearCalendar::from_json(&sent.document)
        .map_err(|e| OfficeError::bad_request(format!("the calendar for {}: {e}", sent.year)))?;
    if year.year != sent.year {
        return Err(OfficeError::bad_request(format!(
            "the document is the calendar for {}, not {}",
            year.year, sent.year
        )));
    }
    let sha256 = hex::encode(Sha256::digest(sent.document.as_bytes()));
    let tx = scoped(client, &caller.scope()).await?;
    // The workstation's own journal entry of the import: the document must be the one it names.
    let entries = tx
        .query(
            "SELECT global_seq, entry->>'payload' FROM events \
             WHERE ws = $1 AND kind = 'calendar_imported' AND superseded_by IS NULL ORDER BY global_seq DESC",
            &[ws],
        )
        .await?;
    let named = entries.iter().find_map(|row| {
        let payload: Option<String> = row.get(1);
        let payload: serde_json::Value = serde_json::from_str(&payload?).ok()?;
        (payload["year"].as_i64() == Some(i64::from(sent.year)) && payload["sha256"].as_str() == Some(sha256.as_str()))
            .then(|| row.get::<_, i64>(0))
    });
    let Some(entry_global) = named else {
        return Err(OfficeError::conflict(
            "not_journaled",
            format!(
                "no calendar_imported entry of this workstation names the {} document {sha256}: push the journal first",
                sent.year
            ),
        ));
    };
    tx.execute(
        "INSERT INTO office_calendars(year, sha256, document, ws, person_id, entry_global) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (year, sha256) DO UPDATE SET ws = excluded.ws, person_id = excluded.person_id, \
           entry_global = excluded.entry_global WHERE office_calendars.entry_global < excluded.entry_global",
        &[&sent.year, &sha256, &sent.document, ws, &caller.person.id, &entry_global],
    )
    .await?;
    let newest: String = tx
        .query_one(
            "SELECT sha256 FROM office_calendars WHERE year = $1 ORDER BY entry_global DESC LIMIT 1",
            &[&sent.year],
        )
        .await?
        .get(0);
    tx.commit().await?;
    Ok(CalendarReceipt { year: sent.year, in_force: newest == sha256, sha256 })
}

/// The SHA-256 of every document the office holds: a workstation sends only those it lacks.
pub async fn held(tx: &deadpool_postgres::Transaction<'_>) -> Result<Vec<String>, OfficeError> {
    let rows = tx.query("SELECT sha256 FROM office_calendars ORDER BY year, sha256", &[]).await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The calendar in force: the shipped one with each year's newest import over it.
pub async fn in_force(client: &mut deadpool_postgres::Client) -> Result<OfficeCalendar, OfficeError> {
    let tx = scoped(client, &Scope::office()).await?;
    let rows = tx
        .query(
            "SELECT DISTINCT ON (c.year) c.year, c.document, c.sha256, c.ws, c.entry_global FROM office_calendars c \
             ORDER BY c.year, c.entry_global DESC",
            &[],
        )
        .await?;
    tx.commit().await?;
    let mut calendar = Calendar::builtin();
    let mut note = String::from("the calendar shipped with ЭКН (2018–2027, statutory rules outside them)");
    for row in &rows {
        let (year, document, sha256, ws): (i32, String, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        // Checked when it was taken; a document that no longer parses (a damaged row) is said, not used.
        match YearCalendar::from_json(&document) {
            Ok(parsed) => {
                calendar.set_year(parsed);
                let _ = write!(
                    note,
                    "; {year} as imported on workstation {ws} (SHA-256 {})",
                    &sha256[..12.min(sha256.len())]
                );
            }
            Err(e) => {
                tracing::warn!(year, error = %e, "a stored calendar year does not parse; the shipped one is used");
                let _ = write!(note, "; {year}: the imported document is damaged, the shipped year is used");
            }
        }
    }
    Ok(OfficeCalendar { calendar, note })
}
