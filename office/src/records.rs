//! The records of an office connector's published run, read a piece at a time so that neither
//! publishing (which hashes them) nor a download (which streams them) holds the whole body: `[`,
//! each staged page's records with the field map applied, comma-joined, `]` — or, for a file, the
//! published file as it was. `connectors` publishes with it, `http` serves it to workstations and
//! `registry` reads it back for the office's own figures.

use ekn_connect::spec::{mapped_records, ConnectorSpec};

use crate::OfficeError;

/// The records of a run, read a piece at a time so that neither publishing (which hashes them) nor
/// a download (which streams them) holds the whole body: `[`, each page's records with the field
/// map applied, comma-joined, `]` — or, for a file, the published file as it was.
pub struct RecordsBody {
    spec: ConnectorSpec,
    run_id: i64,
    pages: std::vec::IntoIter<i32>,
    wrote_records: bool,
    state: Piece,
}

#[derive(PartialEq)]
enum Piece {
    Opening,
    Pages,
    Done,
}

impl RecordsBody {
    /// The records of `name`'s published run `run_id` (only a published run still held is served).
    pub async fn published<C: deadpool_postgres::GenericClient>(
        client: &C,
        name: &str,
        run_id: i64,
    ) -> Result<RecordsBody, OfficeError> {
        let row = client
            .query_opt(
                "SELECT c.spec FROM office_connector_runs r JOIN office_connectors c ON c.name = r.connector \
                 WHERE r.id = $1 AND r.connector = $2 AND r.status = 'published'",
                &[&run_id, &name],
            )
            .await?
            .ok_or_else(|| OfficeError::not_found(format!("office connector {name} has no published run {run_id}")))?;
        let spec: ConnectorSpec = serde_json::from_value(row.get(0))
            .map_err(|e| OfficeError::Config(format!("office connector {name}: {e}")))?;
        RecordsBody::of(client, spec, run_id).await
    }

    pub(crate) async fn of<C: deadpool_postgres::GenericClient>(
        client: &C,
        spec: ConnectorSpec,
        run_id: i64,
    ) -> Result<RecordsBody, OfficeError> {
        let pages: Vec<i32> = client
            .query("SELECT page FROM office_connector_pages WHERE run_id = $1 ORDER BY page", &[&run_id])
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if pages.is_empty() {
            return Err(OfficeError::not_found(format!(
                "office connector {}: the pages of run {run_id} are no longer held (a newer run replaced it)",
                spec.name
            )));
        }
        Ok(RecordsBody { spec, run_id, pages: pages.into_iter(), wrote_records: false, state: Piece::Opening })
    }

    /// The next piece of the body, or `None` at its end.
    pub async fn next<C: deadpool_postgres::GenericClient>(
        &mut self,
        client: &C,
    ) -> Result<Option<Vec<u8>>, OfficeError> {
        let file = self.spec.kind == "http-file";
        if self.state == Piece::Done {
            return Ok(None);
        }
        if self.state == Piece::Opening && !file {
            self.state = Piece::Pages;
            return Ok(Some(b"[".to_vec()));
        }
        self.state = Piece::Pages;
        while let Some(page) = self.pages.next() {
            let body: Vec<u8> = client
                .query_one(
                    "SELECT body FROM office_connector_pages WHERE run_id = $1 AND page = $2",
                    &[&self.run_id, &page],
                )
                .await?
                .get(0);
            if file {
                self.pages = Vec::new().into_iter();
                self.state = Piece::Done;
                return Ok(Some(body));
            }
            let mut part = mapped_records(&body, &self.spec.map).map_err(|e| {
                OfficeError::Config(format!("office connector {}: staged page {page}: {e}", self.spec.name))
            })?;
            if part.is_empty() {
                continue;
            }
            if self.wrote_records {
                part.insert(0, b',');
            }
            self.wrote_records = true;
            return Ok(Some(part));
        }
        self.state = Piece::Done;
        Ok(if file { None } else { Some(b"]".to_vec()) })
    }
}
