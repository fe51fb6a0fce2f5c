//! The office's own connectors: a registry the office fetches once, on a schedule, for every
//! workstation — instead of each laptop knocking on the portal with its own key. The connector is
//! the workstation's (`ekn_connect::spec::ConnectorSpec`, the same checks, the same patient
//! fetcher and keyset paging); what differs is where a run is staged and how it is published.
//!
//! A run stages each page in PostgreSQL (`office_connector_pages`) before asking for the next; a
//! run cut off (killed, offline, refused) keeps its pages and the next run resumes after its last
//! cursor. Only when the last page is in is the run **published**: its records are assembled into
//! one JSON array (the field map applied, `ekn_connect::spec::mapped_records`) whose size and
//! SHA-256 go on the run. Every pull then names the newest published run of each connector
//! (`pull::pull`), and a workstation that has not imported it downloads the records
//! (`records`, signed) and imports them through its own validation, masking, provenance and
//! journal. So the office never publishes half a run, and a workstation never imports one.
//!
//! Not here: appeals (an applicant is pseudonymised with each workstation's key at the door; the
//! office would keep the raw texts), and modified-since (each published run is the whole dataset,
//! so a workstation that joins later, or missed a run, still gets all of it).

use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use ekn_connect::egov::{self, Dataset, PageError};
use ekn_connect::fetch::{FetchPolicy, Fetcher, Validators};
use ekn_connect::spec::ConnectorSpec;
use ekn_domain::records::DataKind;
use ekn_domain::sync::OfficeConnectorRun;
use serde::Serialize;
use serde_json::Value;
use tokio::runtime::Handle;

use crate::people::{Person, Role};
use crate::OfficeError;

/// An office connector with its newest run, for `ekn-office connector list`.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeConnector {
    pub spec: ConnectorSpec,
    pub added_by: String,
    pub added_at: String,
    pub last_run: Option<RunRow>,
    /// When its schedule runs it next (RFC 3339); `None` without a schedule.
    pub next_run: Option<String>,
}

/// One run as kept.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub status: String,
    pub version: String,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub requests: i32,
    pub retries: i32,
    pub too_many: i32,
    pub error: Option<String>,
    pub refused: bool,
    pub records: Option<i64>,
    pub bytes: Option<i64>,
    pub pages: i64,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub connector: String,
    pub run_id: i64,
    pub resumed: bool,
    /// `published`, or `unchanged` when a file had not changed (304).
    pub status: String,
    pub pages: i64,
    pub records: i64,
    pub bytes: i64,
    pub requests: u32,
    pub retries: u32,
    pub too_many: u32,
    pub seconds: f64,
}

fn admin(by: &Person, what: &str) -> Result<(), OfficeError> {
    if by.role != Role::Admin {
        return Err(OfficeError::Config(format!("{} is not an administrator: only one {what}", by.name)));
    }
    Ok(())
}

/// Adds (or replaces) an office connector, checked as a workstation checks its own, and refused
/// for what the office must not do (appeals, modified-since; see the module's note).
pub async fn add(client: &tokio_postgres::Client, by: &Person, spec: &ConnectorSpec) -> Result<(), OfficeError> {
    admin(by, "adds the office's connectors")?;
    spec.check().map_err(|e| OfficeError::bad_request(e.0))?;
    if spec.data == DataKind::Appeals {
        return Err(OfficeError::bad_request(
            "the office does not fetch appeals: an applicant is pseudonymised at the door of each workstation with \
             its own key, and the office would keep the raw texts; run an appeals connector on a workstation",
        ));
    }
    if spec.modified_field.is_some() {
        return Err(OfficeError::bad_request(
            "an office connector reads the whole dataset on every run (a workstation that missed a run still gets all \
             of it): leave out --modified-field",
        ));
    }
    let value = serde_json::to_value(spec).map_err(|e| OfficeError::Config(e.to_string()))?;
    client
        .execute(
            "INSERT INTO office_connectors(name, spec, added_by) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, added_by = excluded.added_by, added_at = now()",
            &[&spec.name, &value, &by.name],
        )
        .await?;
    Ok(())
}

/// Removes an office connector and its staged pages; its runs stay in the history, and the
/// workstations stop being offered them.
pub async fn remove(client: &mut tokio_postgres::Client, by: &Person, name: &str) -> Result<(), OfficeError> {
    admin(by, "removes the office's connectors")?;
    let tx = client.transaction().await?;
    let removed = tx.execute("DELETE FROM office_connectors WHERE name = $1", &[&name]).await?;
    if removed == 0 {
        return Err(OfficeError::not_found(format!("no office connector '{name}'")));
    }
    tx.execute(
        "DELETE FROM office_connector_pages WHERE run_id IN (SELECT id FROM office_connector_runs WHERE connector = $1)",
        &[&name],
    )
    .await?;
    tx.execute(
        "UPDATE office_connector_runs SET status = 'failed', error = 'the connector was removed', finished_at = now() \
         WHERE connector = $1 AND status = 'staging'",
        &[&name],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

const RUN_COLUMNS: &str = "r.id, r.status, r.version, r.started_by, r.started_at, r.finished_at, r.requests, \
    r.retries, r.too_many, r.error, r.refused, r.records, r.bytes, \
    (SELECT count(*) FROM office_connector_pages p WHERE p.run_id = r.id)";

fn run_row(row: &tokio_postgres::Row) -> RunRow {
    RunRow {
        id: row.get(0),
        status: row.get(1),
        version: row.get(2),
        started_by: row.get(3),
        started_at: row.get::<_, DateTime<Utc>>(4).to_rfc3339(),
        finished_at: row.get::<_, Option<DateTime<Utc>>>(5).map(|t| t.to_rfc3339()),
        requests: row.get(6),
        retries: row.get(7),
        too_many: row.get(8),
        error: row.get(9),
        refused: row.get(10),
        records: row.get(11),
        bytes: row.get(12),
        pages: row.get(13),
    }
}

/// The office's connectors with their newest run.
pub async fn list<C: deadpool_postgres::GenericClient>(client: &C) -> Result<Vec<OfficeConnector>, OfficeError> {
    let rows = client.query("SELECT name, spec, added_by, added_at FROM office_connectors ORDER BY name", &[]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.get(0);
        let spec: ConnectorSpec = serde_json::from_value(row.get(1))
            .map_err(|e| OfficeError::Config(format!("office connector {name}'s spec: {e}")))?;
        let last_run = runs(client, &name, 1).await?.pop();
        let added_at = row.get::<_, DateTime<Utc>>(3);
        let next_run = spec.every_hours.map(|hours| {
            let from = last_run
                .as_ref()
                .and_then(|r| DateTime::parse_from_rfc3339(&r.started_at).ok())
                .map_or(added_at, |t| t.with_timezone(&Utc));
            (from + chrono::Duration::hours(i64::from(hours))).to_rfc3339()
        });
        out.push(OfficeConnector { spec, added_by: row.get(2), added_at: added_at.to_rfc3339(), last_run, next_run });
    }
    Ok(out)
}

/// A connector's runs, newest first.
pub async fn runs<C: deadpool_postgres::GenericClient>(
    client: &C,
    name: &str,
    limit: i64,
) -> Result<Vec<RunRow>, OfficeError> {
    let rows = client
        .query(
            &format!(
                "SELECT {RUN_COLUMNS} FROM office_connector_runs r WHERE r.connector = $1 ORDER BY r.id DESC LIMIT $2"
            ),
            &[&name, &limit],
        )
        .await?;
    Ok(rows.iter().map(run_row).collect())
}

/// The newest published run of every connector, as a pull names it.
pub async fn offered<C: deadpool_postgres::GenericClient>(client: &C) -> Result<Vec<OfficeConnectorRun>, OfficeError> {
    let rows = client
        .query(
            "SELECT DISTINCT ON (r.connector) r.connector, r.id, c.spec->>'data', r.file_name, r.source, r.records, \
             r.bytes, r.sha256, r.finished_at \
             FROM office_connector_runs r JOIN office_connectors c ON c.name = r.connector \
             WHERE r.status = 'published' ORDER BY r.connector, r.id DESC",
            &[],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let data: String = row.get(2);
        out.push(OfficeConnectorRun {
            connector: row.get(0),
            run_id: row.get(1),
            data: DataKind::from_code(&data)
                .ok_or_else(|| OfficeError::Config(format!("an office connector's data kind '{data}'")))?,
            file_name: row.get(3),
            source: row.get(4),
            records: row.get(5),
            bytes: row.get(6),
            sha256: row.get(7),
            finished_at: row.get::<_, DateTime<Utc>>(8).to_rfc3339(),
        });
    }
    Ok(out)
}

/// The connectors whose schedule is due, or whose run was cut off by a silence or a kill (one
/// the portal refused waits for a person, like a workstation's).
pub async fn due(pool: &Pool, now: DateTime<Utc>) -> Result<Vec<String>, OfficeError> {
    let client = pool.get().await?;
    Ok(list(&client)
        .await?
        .into_iter()
        .filter(|c| {
            let cut_off = c.last_run.as_ref().is_some_and(|r| r.status == "staging" && !r.refused);
            let scheduled =
                c.next_run.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).is_some_and(|t| t <= now);
            c.spec.every_hours.is_some() && (scheduled || cut_off)
        })
        .map(|c| c.spec.name)
        .collect())
}

/// Runs the due connectors one after another, forever, looking every `every`; a failure is logged
/// and kept on its run, and the others still run. Started by `serve`.
pub async fn schedule(pool: Pool, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let names = match due(&pool, Utc::now()).await {
            Ok(names) => names,
            Err(e) => {
                tracing::warn!(error = %e, "the office connectors' schedule could not be read");
                continue;
            }
        };
        for name in names {
            match run(pool.clone(), name.clone(), "schedule".into()).await {
                Ok(r) => tracing::info!(
                    connector = name.as_str(),
                    run = r.run_id,
                    records = r.records,
                    status = r.status.as_str(),
                    "office connector run"
                ),
                // The console is running it (or another server): not a failure.
                Err(e) if e.code() == "run_under_way" => {
                    tracing::debug!(connector = name.as_str(), "office connector run under way elsewhere")
                }
                Err(e) => tracing::warn!(connector = name.as_str(), error = %e, "office connector run failed"),
            }
        }
    }
}

/// Runs a connector now: resumes its run cut off, or starts one; stages every page; publishes.
/// One run of a connector at a time across every server and console on the database (an
/// advisory lock held by the run's connection, released if the process dies).
pub async fn run(pool: Pool, name: String, by: String) -> Result<RunReport, OfficeError> {
    let handle = Handle::current();
    let blocking = pool.clone();
    let report = tokio::task::spawn_blocking(move || run_blocking(&handle, &blocking, &name, &by))
        .await
        .map_err(|e| OfficeError::Config(format!("the connector run stopped: {e}")))??;
    // A region that publishes brings its published inspections to the new registry; a failure
    // loses nothing (the next run or `national publish` does it) and is logged.
    if report.status == "published" {
        let refreshed = async { crate::national_practice::refresh_inspections(&mut pool.get().await?).await }.await;
        if let Err(e) = refreshed {
            tracing::warn!(target: "ekn_office", error = %e, "refreshing the published inspections failed");
        }
        // The estimates of the acts' effect read the registry: brought to the new one (awaited, as
        // the inspections are: a console's run ends with its process).
        let today = crate::dashboard::kazakhstan_today();
        let refreshed = async { crate::national_acts::refresh_estimates(&mut pool.get().await?, today).await }.await;
        if let Err(e) = refreshed {
            tracing::warn!(target: "ekn_office", error = %e, "refreshing the published estimates failed");
        }
    }
    Ok(report)
}

fn run_blocking(handle: &Handle, pool: &Pool, name: &str, by: &str) -> Result<RunReport, OfficeError> {
    let started = std::time::Instant::now();
    let client = handle.block_on(pool.get())?;
    let lock = format!("ekn.office_connector.{name}");
    let locked: bool = handle.block_on(client.query_one("SELECT pg_try_advisory_lock(hashtext($1))", &[&lock]))?.get(0);
    if !locked {
        return Err(OfficeError::conflict(
            "run_under_way",
            format!("a run of office connector {name} is under way; it publishes when its last page is in"),
        ));
    }
    let result = run_locked(handle, &client, name, by, started);
    let _ = handle.block_on(client.execute("SELECT pg_advisory_unlock(hashtext($1))", &[&lock]));
    result
}

fn run_locked(
    handle: &Handle,
    client: &deadpool_postgres::Client,
    name: &str,
    by: &str,
    started: std::time::Instant,
) -> Result<RunReport, OfficeError> {
    let block =
        |sql: &str, params: &[&(dyn tokio_postgres::types::ToSql + Sync)]| handle.block_on(client.execute(sql, params));
    let row = handle
        .block_on(client.query_opt("SELECT spec FROM office_connectors WHERE name = $1", &[&name]))?
        .ok_or_else(|| OfficeError::not_found(format!("no office connector '{name}' (ekn-office connector list)")))?;
    let spec: ConnectorSpec =
        serde_json::from_value(row.get(0)).map_err(|e| OfficeError::Config(format!("office connector {name}: {e}")))?;
    let api_key = match &spec.api_key_env {
        Some(var) => Some(std::env::var(var).map_err(|_| {
            OfficeError::Config(format!(
                "office connector {name}: the environment variable {var}, which holds its API key, is not set for \
                 the office server"
            ))
        })?),
        None => None,
    };
    let network = handle.block_on(crate::settings::network(client))?.map(|n| n.settings).unwrap_or_default();
    let mut policy = FetchPolicy::on(&network)
        .map_err(|e| OfficeError::Config(format!("office connector {name}: the office's network settings: {}", e.0)))?;
    if let Some(seconds) = spec.read_timeout_s {
        policy.read_timeout = Duration::from_secs(seconds);
    }
    let mut fetcher = Fetcher::new(policy, Box::new(Utc::now));
    // A refusal (a retry cannot help) is told apart from a portal away for a while.
    let failed = |e: &PageError, message: String| (e.is_refusal(), format!("office connector {name}: {message}"));

    // The run: the one cut off, else a new one (with the dataset's version asked first, so a
    // refusal there leaves no run behind).
    let staging = handle.block_on(client.query_opt(
        "SELECT id, version FROM office_connector_runs WHERE connector = $1 AND status = 'staging' ORDER BY id DESC LIMIT 1",
        &[&name],
    ))?;
    let (run_id, version, resumed) = match staging {
        Some(row) => (row.get::<_, i64>(0), row.get::<_, String>(1), true),
        None => {
            let version = if spec.kind == "http-file" {
                "file".to_string()
            } else {
                match &spec.version {
                    Some(v) => v.clone(),
                    None => egov::newest_version(&mut fetcher, &spec.url, &spec.dataset, api_key.as_deref())
                        .map_err(|e| OfficeError::Config(format!("office connector {name}: {e}")))?,
                }
            };
            let id: i64 = handle
                .block_on(client.query_one(
                    "INSERT INTO office_connector_runs(connector, status, version, started_by) \
                     VALUES ($1, 'staging', $2, $3) RETURNING id",
                    &[&name, &version, &by],
                ))?
                .get(0);
            (id, version, false)
        }
    };
    let note_requests = |fetcher: &Fetcher| {
        let s = fetcher.stats;
        block(
            "UPDATE office_connector_runs SET requests = requests + $2, retries = retries + $3, too_many = too_many + $4 \
             WHERE id = $1",
            &[&run_id, &(s.requests as i32), &(s.retries as i32), &(s.too_many as i32)],
        )
    };
    let give_up = |refused: bool, message: &str| {
        block("UPDATE office_connector_runs SET error = $2, refused = $3 WHERE id = $1", &[&run_id, &message, &refused])
    };
    let report = |status: &str, pages: i64, records: i64, bytes: i64, fetcher: &Fetcher| RunReport {
        connector: name.to_string(),
        run_id,
        resumed,
        status: status.to_string(),
        pages,
        records,
        bytes,
        requests: fetcher.stats.requests,
        retries: fetcher.stats.retries,
        too_many: fetcher.stats.too_many,
        seconds: started.elapsed().as_secs_f64(),
    };

    if spec.kind == "http-file" {
        // The validators of the file last published, so an unchanged file is not fetched again.
        let last = handle.block_on(client.query_opt(
            "SELECT etag, last_modified FROM office_connector_runs WHERE connector = $1 AND status = 'published' \
             ORDER BY id DESC LIMIT 1",
            &[&name],
        ))?;
        let known = Validators {
            etag: last.as_ref().and_then(|r| r.get(0)),
            last_modified: last.as_ref().and_then(|r| r.get(1)),
        };
        let fetched = fetcher.get_file(&spec.url, &known, &format!("office connector {name}'s file"));
        note_requests(&fetcher)?;
        let (body, validators) = match fetched {
            Err(e) => {
                let e = PageError::Fetch(e);
                let (refused, message) = failed(&e, format!("{e}. Nothing was published"));
                give_up(refused, &message)?;
                return Err(OfficeError::Config(message));
            }
            Ok(None) => {
                block(
                    "UPDATE office_connector_runs SET status = 'unchanged', finished_at = now(), error = NULL WHERE id = $1",
                    &[&run_id],
                )?;
                return Ok(report("unchanged", 0, 0, 0, &fetcher));
            }
            Ok(Some(answer)) => answer,
        };
        block("DELETE FROM office_connector_pages WHERE run_id = $1", &[&run_id])?;
        block(
            "INSERT INTO office_connector_pages(run_id, page, body, records, cursor) VALUES ($1, 1, $2, 0, NULL)",
            &[&run_id, &body],
        )?;
        block(
            "UPDATE office_connector_runs SET etag = $2, last_modified = $3 WHERE id = $1",
            &[&run_id, &validators.etag, &validators.last_modified],
        )?;
        let file_name = spec.file_name().unwrap_or_else(|| format!("office-connector-{name}-run-{run_id}"));
        let source = format!("{} (fetched by the office)", spec.url);
        let (records, bytes) = publish(handle, client, &spec, run_id, &file_name, &source)?;
        return Ok(report("published", 1, records, bytes, &fetcher));
    }

    // A dataset: every page after the last staged cursor, each staged before the next is asked.
    let staged = handle.block_on(client.query_opt(
        "SELECT page, cursor FROM office_connector_pages WHERE run_id = $1 ORDER BY page DESC LIMIT 1",
        &[&run_id],
    ))?;
    let mut page_no: i32 = staged.as_ref().map_or(0, |r| r.get(0));
    let cursor: Option<Value> =
        staged.and_then(|r| r.get::<_, Option<String>>(1)).and_then(|c| serde_json::from_str(&c).ok());
    let dataset = Dataset {
        base: spec.url.clone(),
        id: spec.dataset.clone(),
        version: version.clone(),
        key_field: spec.key_field.clone(),
        api_key,
        page_size: spec.page_size,
        since: None,
    };
    let fetched = egov::pages::<Stop>(&mut fetcher, &dataset, cursor, |page| {
        page_no += 1;
        let body = serde_json::to_vec(&page.records).map_err(|e| Stop::Office(OfficeError::Config(e.to_string())))?;
        let cursor = page.cursor.as_ref().map(Value::to_string);
        block(
            "INSERT INTO office_connector_pages(run_id, page, body, records, cursor) VALUES ($1, $2, $3, $4, $5)",
            &[&run_id, &page_no, &body, &(page.records.len() as i32), &cursor],
        )
        .map_err(|e| Stop::Office(e.into()))?;
        Ok(())
    });
    note_requests(&fetcher)?;
    match fetched {
        Ok(_) => {}
        Err(Stop::Office(e)) => return Err(e),
        Err(Stop::Page(e)) => {
            let staged: i64 = handle
                .block_on(
                    client.query_one("SELECT count(*) FROM office_connector_pages WHERE run_id = $1", &[&run_id]),
                )?
                .get(0);
            let (refused, message) = failed(
                &e,
                format!("{e}. Nothing was published; {staged} page(s) are staged and the next run resumes after them"),
            );
            give_up(refused, &message)?;
            return Err(OfficeError::Config(message));
        }
    }
    let upto = handle
        .block_on(client.query_opt(
            "SELECT cursor FROM office_connector_pages WHERE run_id = $1 AND cursor IS NOT NULL ORDER BY page DESC LIMIT 1",
            &[&run_id],
        ))?
        .map_or_else(|| "the start".to_string(), |r| r.get(0));
    let source = format!(
        "{}/{}/{version}, keyset on {} up to {upto}, {page_no} page(s) (fetched by the office)",
        spec.url.trim_end_matches('/'),
        spec.dataset,
        spec.key_field
    );
    let file_name = format!("office-connector-{name}-run-{run_id}.json");
    let (records, bytes) = publish(handle, client, &spec, run_id, &file_name, &source)?;
    Ok(report("published", i64::from(page_no), records, bytes, &fetcher))
}

/// Why paging stopped: the portal (kept on the run, resumed later) or the office's own database.
enum Stop {
    Page(PageError),
    Office(OfficeError),
}

impl From<PageError> for Stop {
    fn from(e: PageError) -> Stop {
        Stop::Page(e)
    }
}

/// Publishes a run whose pages are all staged: its records' count, size and SHA-256 set on it,
/// in the same transaction that makes it the connector's newest published run and lets the
/// pages of the one it replaces go.
fn publish(
    handle: &Handle,
    client: &deadpool_postgres::Client,
    spec: &ConnectorSpec,
    run_id: i64,
    file_name: &str,
    source: &str,
) -> Result<(i64, i64), OfficeError> {
    handle.block_on(async {
        use sha2::Digest;
        let mut body = crate::records::RecordsBody::of(client, spec.clone(), run_id).await?;
        let (mut hasher, mut bytes) = (sha2::Sha256::new(), 0i64);
        while let Some(piece) = body.next(client).await? {
            hasher.update(&piece);
            bytes += piece.len() as i64;
        }
        let sha256 = hex::encode(hasher.finalize());
        let records: i64 = if spec.kind == "http-file" {
            0
        } else {
            client
                .query_one(
                    "SELECT coalesce(sum(records), 0)::bigint FROM office_connector_pages WHERE run_id = $1",
                    &[&run_id],
                )
                .await?
                .get(0)
        };
        client.batch_execute("BEGIN").await?;
        let published = async {
            client
                .execute(
                    "UPDATE office_connector_runs SET status = 'published', finished_at = now(), error = NULL, \
                     file_name = $2, source = $3, records = $4, bytes = $5, sha256 = $6 WHERE id = $1",
                    &[&run_id, &file_name, &source, &records, &bytes, &sha256],
                )
                .await?;
            client
                .execute(
                    "DELETE FROM office_connector_pages WHERE run_id IN (SELECT id FROM office_connector_runs \
                     WHERE connector = $1 AND id < $2 AND status = 'published')",
                    &[&spec.name, &run_id],
                )
                .await
        }
        .await;
        match published {
            Ok(_) => client.batch_execute("COMMIT").await?,
            Err(e) => {
                let _ = client.batch_execute("ROLLBACK").await;
                return Err(e.into());
            }
        }
        Ok((records, bytes))
    })
}
