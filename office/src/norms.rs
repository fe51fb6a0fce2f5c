//! The norms catalogue the office confirmed: an administrator imports it once on the server's
//! console (`ekn-office norms import FILE --as NAME`); the office checks it exactly as a workstation
//! checks its own import (`ekn_domain::norms::NormsCatalog`), keeps it verbatim with its SHA-256
//! and the file it came from, and records the import in its own journal. Every pull names the
//! catalogue in force (`PullReply::norms`); a workstation that does not hold it fetches it
//! (`GET /v1/norms`), checks it again and journals whom it came from. The office's own figures
//! (`effect`) count with it too.

use ekn_domain::norms::NormsCatalog;
use ekn_domain::sync::{OfficeNormsDocument, OfficeNormsNotice, MAX_NORMS_DOCUMENT};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Person, Role};

/// One import, as `ekn-office norms list` shows it (newest first; the first is in force).
#[derive(Debug, Clone, Serialize)]
pub struct ImportedCatalog {
    #[serde(flatten)]
    pub notice: OfficeNormsNotice,
    /// How many of its norms have a version in force today that is not confirmed by a quote.
    pub unconfirmed_today: usize,
    pub in_force: bool,
}

const NOTICE_COLUMNS: &str = "sha256, source_file, norms, imported_by, imported_at";

fn notice_from_row(row: &tokio_postgres::Row) -> OfficeNormsNotice {
    let norms: i32 = row.get(2);
    OfficeNormsNotice {
        sha256: row.get(0),
        source_file: row.get(1),
        norms: usize::try_from(norms).unwrap_or(0),
        imported_by: row.get(3),
        imported_at: row.get::<_, chrono::DateTime<chrono::Utc>>(4).to_rfc3339(),
    }
}

/// Checks a catalogue as a workstation's import would: its size, then every rule the catalogue's
/// reader enforces (versions that do not overlap, quotes on verified versions, known acts).
pub fn check(document: &str, file: &str) -> Result<NormsCatalog, OfficeError> {
    if document.len() > MAX_NORMS_DOCUMENT {
        return Err(OfficeError::bad_request(format!(
            "{file}: {} bytes is too large for a norms catalogue (at most {MAX_NORMS_DOCUMENT})",
            document.len()
        )));
    }
    NormsCatalog::from_json(document).map_err(|e| OfficeError::bad_request(format!("{file}: {e}")))
}

/// Imports the office's catalogue, by an administrator; returns what the pulls will name. The
/// same document imported again is refused (nothing would change, and workstations would see a
/// second import of what they hold).
pub async fn import(
    client: &mut deadpool_postgres::Client,
    by: &Person,
    document: &str,
    file: &str,
) -> Result<OfficeNormsNotice, OfficeError> {
    if by.role != Role::Admin {
        return Err(OfficeError::Config(format!(
            "{} is not an administrator: only one imports the office's norms",
            by.name
        )));
    }
    let catalog = check(document, file)?;
    let sha256 = hex::encode(Sha256::digest(document.as_bytes()));
    let norms = i32::try_from(catalog.norms.len()).unwrap_or(i32::MAX);
    let scope = Scope { person_id: Some(by.id), admin: true, ..Scope::default() };
    let tx = scoped(client, &scope).await?;
    let newest: Option<String> =
        tx.query_opt("SELECT sha256 FROM office_norm_catalogs ORDER BY id DESC LIMIT 1", &[]).await?.map(|r| r.get(0));
    if newest.as_deref() == Some(sha256.as_str()) {
        return Err(OfficeError::bad_request(format!("{file}: this catalogue ({sha256}) is already the office's")));
    }
    // Its place in the office's order, from the counter pushes take theirs from.
    let global: i64 =
        tx.query_one("UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last", &[]).await?.get(0);
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO office_norm_catalogs(sha256, document, source_file, norms, person_id, imported_by, \
                 global_seq) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {NOTICE_COLUMNS}"
            ),
            &[&sha256, &document, &file, &norms, &by.id, &by.name, &global],
        )
        .await?;
    let notice = notice_from_row(&row);
    let decision = crate::journal::Decision {
        person: Some((by.id, &by.name)),
        kind: "norms_imported",
        object_key: "norms",
        district: None,
        global_seq: global,
        detail: serde_json::json!({ "sha256": sha256, "file": file, "norms": catalog.norms.len() }),
    };
    crate::journal::append(&tx, decision).await?;
    tx.commit().await?;
    Ok(notice)
}

/// The catalogue in force at the office, as pulls name it.
pub async fn in_force<C: deadpool_postgres::GenericClient>(
    client: &C,
) -> Result<Option<OfficeNormsNotice>, OfficeError> {
    let row = client
        .query_opt(&format!("SELECT {NOTICE_COLUMNS} FROM office_norm_catalogs ORDER BY id DESC LIMIT 1"), &[])
        .await?;
    Ok(row.as_ref().map(notice_from_row))
}

/// The catalogue in force with its document (`GET /v1/norms`), if the office confirmed one.
pub async fn document<C: deadpool_postgres::GenericClient>(
    client: &C,
) -> Result<Option<OfficeNormsDocument>, OfficeError> {
    let row = client
        .query_opt(
            &format!("SELECT {NOTICE_COLUMNS}, document FROM office_norm_catalogs ORDER BY id DESC LIMIT 1"),
            &[],
        )
        .await?;
    Ok(row.map(|r| OfficeNormsDocument { notice: notice_from_row(&r), document: r.get(5) }))
}

/// The catalogue the office's own figures count with: the one in force, else the shipped one.
pub async fn catalog<C: deadpool_postgres::GenericClient>(client: &C) -> Result<NormsCatalog, OfficeError> {
    match document(client).await? {
        Some(d) => NormsCatalog::from_json(&d.document).map_err(|e| {
            OfficeError::Config(format!("the office's norms catalogue {} is damaged: {e}", d.notice.source_file))
        }),
        None => Ok(NormsCatalog::builtin()),
    }
}

/// Every import, newest first.
pub async fn list<C: deadpool_postgres::GenericClient>(
    client: &C,
    today: chrono::NaiveDate,
) -> Result<Vec<ImportedCatalog>, OfficeError> {
    let rows = client
        .query(&format!("SELECT {NOTICE_COLUMNS}, document FROM office_norm_catalogs ORDER BY id DESC"), &[])
        .await?;
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let document: String = r.get(5);
            let unconfirmed_today = NormsCatalog::from_json(&document)
                .map_or(0, |c| c.norms.iter().filter(|n| c.at(&n.id, today).is_ok_and(|law| !law.verified())).count());
            ImportedCatalog { notice: notice_from_row(r), unconfirmed_today, in_force: i == 0 }
        })
        .collect())
}
