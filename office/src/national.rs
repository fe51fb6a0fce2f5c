//! The national read-side (docs/NATIONAL.md): regional offices publish de-personalised tables
//! (migration 0012: the dashboard's counts without people, and each workstation's chain of
//! hashes); a national PostgreSQL subscribes to every region by PostgreSQL's own logical
//! replication into tables partitioned by region, re-checks each region's chains, and computes the
//! national dashboard with the workstations' code. No federation of our own: the database moves
//! the rows, exactly once and in order, and resumes after an outage from its replication slot.
//!
//! - On a region, as its owner: `publish` sets the region's code, fills the published tables and
//!   lets the national reader (a role with REPLICATION) read them.
//! - On the national database, as a superuser (PostgreSQL 15 lets only superusers create
//!   subscriptions): `init` attaches regions, `status` says how far each is, `verify` re-checks
//!   the chains, `resync` starts a region over (an invalidated slot), `dashboard` the figures.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn_domain::calendar::Calendar;
use ekn_domain::tasks::{dashboard_of_counts, Task};

use crate::dashboard::CountedGroup;
pub use crate::region::{check_region, published_region};
use serde::Serialize;

pub use ekn_analytics::national_reports::{NationalAppeals, NationalDashboard, RegionFigures};

use crate::error::OfficeError;

/// The national role that reads aggregates only (its members log in; it reads the counts, never
/// the chains or the regions' connection strings).
pub const ANALYST_ROLE: &str = "ekn_national_analyst";

/// A PostgreSQL identifier we create or grant to: lower-case letters, digits and `_`, quoted anyway.
fn check_role(role: &str) -> Result<(), OfficeError> {
    let ok = !role.is_empty()
        && role.len() <= 63
        && role.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(OfficeError::bad_request(format!("a role name of lower-case letters, digits and _, not {role:?}")))
    }
}

/// On a region, as its owner: the region's code set, the published tables filled from what the
/// office holds, and `reader` (the national side's replication role) allowed to read them.
pub async fn publish(client: &mut deadpool_postgres::Client, region: &str, reader: &str) -> Result<u64, OfficeError> {
    check_region(region)?;
    check_role(reader)?;
    let tx = client.transaction().await?;
    tx.execute("UPDATE office_region SET region = $1 WHERE id = 1", &[&region]).await?;
    tx.execute("SELECT ekn_national_refill()", &[]).await?;
    tx.batch_execute(&format!(
        "GRANT SELECT ON national_task_counts, national_chain, national_appeal_counts, national_cosignatures, \
         national_acts, national_inspections, national_appeal_days, national_effect_estimates, office_region TO \"{reader}\"; GRANT SELECT (id, public_hex) ON office_key TO \"{reader}\""
    ))
    .await
    .map_err(|e| {
        OfficeError::Config(format!("granting the national reader {reader}: {e} (create it first: docs/NATIONAL.md)"))
    })?;
    let cells: i64 = tx.query_one("SELECT count(*) FROM national_task_counts", &[]).await?.get(0);
    tx.commit().await?;
    // The acts are assembled from the journal by the office's code, not by SQL: after the refill.
    crate::national_acts::refresh_acts(client).await?;
    crate::national_practice::refresh_inspections(client).await?;
    crate::national_practice::refresh_appeal_days(client).await?;
    crate::national_acts::refresh_estimates(client, crate::dashboard::kazakhstan_today()).await?;
    Ok(cells as u64)
}

/// What a background refresh brings up to date on a region.
#[derive(Debug, Clone, Copy)]
pub enum Published {
    /// After a push carrying an act's entries (`national_acts::ACT_KINDS`).
    Acts,
    /// After a run of a connector of inspections was published.
    Inspections,
    /// After a batch of appeals' facts changed something.
    AppealDays,
}

/// A published table refreshed in the background, after the write it follows committed: a
/// failure loses nothing (the next refresh, or `national publish`, brings it up to date) and is
/// logged. Nothing when the office publishes no region.
pub fn refresh_in_background(pool: &deadpool_postgres::Pool, what: Published) {
    let pool = pool.clone();
    tokio::spawn(async move {
        let refreshed = async {
            let mut client = pool.get().await?;
            match what {
                Published::Acts => crate::national_acts::refresh_acts(&mut client).await,
                Published::Inspections => crate::national_practice::refresh_inspections(&mut client).await,
                Published::AppealDays => crate::national_practice::refresh_appeal_days(&mut client).await,
            }
        }
        .await;
        if let Err(e) = refreshed {
            tracing::warn!(target: "ekn_office", error = %e, what = ?what, "refreshing a published table failed");
        }
    });
}

/// Whether an estimates refresh is running (1), running with another asked for meanwhile (2), or
/// not (0): a burst of pushes costs two computations, not one each.
static ESTIMATES_STATE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// The office's published estimates of the acts' effect refreshed in the background after acts
/// arrived (`national_acts::refresh_estimates`, seconds on a large office): one computation at a
/// time, and one more after it when asked again while it ran. A failure is logged, as above.
pub fn refresh_estimates_in_background(pool: &deadpool_postgres::Pool) {
    use std::sync::atomic::Ordering::SeqCst;
    // Running already: ask for one more pass after it, and leave (a pass that ended meanwhile
    // leaves 0: start one).
    loop {
        match ESTIMATES_STATE.compare_exchange(0, 1, SeqCst, SeqCst) {
            Ok(_) => break,
            Err(2) => return,
            Err(_) => {
                if ESTIMATES_STATE.compare_exchange(1, 2, SeqCst, SeqCst).is_ok() {
                    return;
                }
            }
        }
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            let refreshed = async {
                let mut client = pool.get().await?;
                crate::national_acts::refresh_estimates(&mut client, crate::dashboard::kazakhstan_today()).await
            }
            .await;
            if let Err(e) = refreshed {
                tracing::warn!(target: "ekn_office", error = %e, "refreshing the published estimates failed");
            }
            // Nothing asked meanwhile: done. Else (2, which only this pass lowers) once more.
            if ESTIMATES_STATE.compare_exchange(1, 0, SeqCst, SeqCst).is_ok() {
                break;
            }
            ESTIMATES_STATE.store(1, SeqCst);
        }
    });
}

fn subscription(region: &str) -> String {
    format!("ekn_region_{region}")
}

/// PostgreSQL's own words for an error (the driver's `Display` says only "db error").
fn db_text(e: &tokio_postgres::Error) -> String {
    e.as_db_error().map_or_else(|| e.to_string(), |d| format!("{} ({})", d.message(), d.code().code()))
}

/// Connects to a region with the connection string it was attached with.
async fn region_client(conninfo: &str) -> Result<tokio_postgres::Client, OfficeError> {
    let (client, connection) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls)
        .await
        .map_err(|e| OfficeError::Config(format!("the region's database: {}", db_text(&e))))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Attaches regions (`19=CONNINFO`): each gets its partitions and a subscription to its
/// `ekn_national` publication, which copies what the region holds and then streams every change.
pub async fn init(client: &mut deadpool_postgres::Client, regions: &[(String, String)]) -> Result<(), OfficeError> {
    crate::db::migrate_national(client).await?;
    for (region, conninfo) in regions {
        check_region(region)?;
        // The region must be published under the same code, or its rows would land elsewhere.
        let remote = region_client(conninfo).await?;
        let published: Option<String> = remote
            .query_one("SELECT region FROM office_region WHERE id = 1", &[])
            .await
            .map_err(|e| {
                OfficeError::Config(format!("region {region}: {} (is it an office at migration 12?)", db_text(&e)))
            })?
            .get(0);
        if published.as_deref() != Some(region.as_str()) {
            return Err(OfficeError::Config(format!(
                "region {region}'s office publishes as {published:?}: run `ekn-office national publish --region {region}` \
                 there first"
            )));
        }
        // The office key its cosignatures are checked against, pinned now and never replaced
        // silently (another key is another office, or one that lost its key).
        let key: String = remote
            .query_one("SELECT public_hex FROM office_key WHERE id = 1", &[])
            .await
            .map_err(|e| {
                OfficeError::Config(format!(
                    "region {region}: its office key: {} (run `ekn-office national publish` there again)",
                    db_text(&e)
                ))
            })?
            .get(0);
        drop(remote);
        let pinned: Option<Option<String>> = client
            .query_opt("SELECT office_key FROM national_regions WHERE region = $1", &[region])
            .await?
            .map(|r| r.get(0));
        if let Some(Some(pinned)) = &pinned {
            if *pinned != key {
                return Err(OfficeError::Config(format!(
                    "region {region}'s office now signs with key {key}, not {pinned} as when it was attached: nothing \
                     was changed — a new office key is an administrator's matter"
                )));
            }
        }
        attach(client, region, conninfo).await?;
        client.execute("UPDATE national_regions SET office_key = $2 WHERE region = $1", &[region, &key]).await?;
    }
    Ok(())
}

async fn attach(client: &mut deadpool_postgres::Client, region: &str, conninfo: &str) -> Result<(), OfficeError> {
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS national_task_counts_{region} PARTITION OF national_task_counts FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_appeal_counts_{region} PARTITION OF national_appeal_counts FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_cosignatures_{region} PARTITION OF national_cosignatures FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_chain_{region} PARTITION OF national_chain FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_acts_{region} PARTITION OF national_acts FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_inspections_{region} PARTITION OF national_inspections FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_appeal_days_{region} PARTITION OF national_appeal_days FOR VALUES IN ('{region}');
             CREATE TABLE IF NOT EXISTS national_effect_estimates_{region} PARTITION OF national_effect_estimates FOR VALUES IN ('{region}');"
        ))
        .await?;
    client
        .execute(
            "INSERT INTO national_regions(region, conninfo) VALUES ($1, $2) \
             ON CONFLICT (region) DO UPDATE SET conninfo = excluded.conninfo",
            &[&region, &conninfo],
        )
        .await?;
    let exists = client.query_opt("SELECT 1 FROM pg_subscription WHERE subname = $1", &[&subscription(region)]).await?;
    if exists.is_some() {
        // Attached before: a region whose publication gained a table since (an upgrade) starts
        // sending it, its rows copied first.
        client.batch_execute(&format!("ALTER SUBSCRIPTION {} REFRESH PUBLICATION", subscription(region))).await?;
    } else {
        // Not in a transaction: creating a subscription creates the region's replication slot.
        let quoted = conninfo.replace('\'', "''");
        client
            .batch_execute(&format!(
                "CREATE SUBSCRIPTION {} CONNECTION '{quoted}' PUBLICATION ekn_national WITH (copy_data = true)",
                subscription(region)
            ))
            .await?;
    }
    Ok(())
}

/// How far one region is.
#[derive(Debug, Clone, Serialize)]
pub struct RegionStatus {
    pub region: String,
    /// The subscription exists and is enabled, its tables copied.
    pub attached: bool,
    /// Bytes of the region's WAL the national side has not confirmed.
    pub lag_bytes: Option<i64>,
    /// The region's slot: `reserved`, `extended`, `unreserved`, or `lost` (invalidated: its WAL
    /// outgrew `max_slot_wal_keep_size` while the national side was away; `resync` starts over).
    pub slot: Option<String>,
    pub caught_up: bool,
    pub problem: Option<String>,
}

/// Every attached region's state: attached, copied, the slot's health and the lag.
pub async fn status(client: &mut deadpool_postgres::Client) -> Result<Vec<RegionStatus>, OfficeError> {
    let initialised: bool = client.query_one("SELECT to_regclass('national_regions') IS NOT NULL", &[]).await?.get(0);
    if !initialised {
        return Err(OfficeError::Config("this database attaches no region yet: ekn-office national init".into()));
    }
    let regions = client.query("SELECT region, conninfo FROM national_regions ORDER BY region", &[]).await?;
    let mut out = Vec::new();
    for row in &regions {
        let (region, conninfo): (String, String) = (row.get(0), row.get(1));
        let name = subscription(&region);
        let sub = client
            .query_opt(
                "SELECT s.subenabled, \
                   (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate <> 'r') \
                 FROM pg_subscription s WHERE s.subname = $1",
                &[&name],
            )
            .await?;
        let (enabled, copying) = sub.map_or((false, 1), |r| (r.get::<_, bool>(0), r.get::<_, i64>(1)));
        let mut status = RegionStatus {
            region: region.clone(),
            attached: enabled && copying == 0,
            lag_bytes: None,
            slot: None,
            caught_up: false,
            problem: None,
        };
        match region_client(&conninfo).await {
            Ok(remote) => {
                let slot = remote
                    .query_opt(
                        "SELECT wal_status, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint \
                         FROM pg_replication_slots WHERE slot_name = $1",
                        &[&name],
                    )
                    .await?;
                match slot {
                    Some(r) => {
                        status.slot = r.get(0);
                        status.lag_bytes = r.get(1);
                    }
                    None => status.problem = Some(format!("region {region} has no replication slot {name}")),
                }
            }
            Err(e) => status.problem = Some(e.to_string()),
        }
        if status.slot.as_deref() == Some("lost") {
            status.problem = Some(format!(
                "region {region}'s slot was invalidated (its WAL outgrew max_slot_wal_keep_size): \
                 run `ekn-office national resync {region}`"
            ));
        }
        status.caught_up = status.attached && status.problem.is_none() && status.lag_bytes.is_some_and(|l| l <= 0);
        out.push(status);
    }
    record_checks(client, &out).await?;
    Ok(out)
}

/// What `status` found, kept for the national administrator's screen (the HTTP face holds no
/// region's connection string, so it cannot ask a region about its slot itself). Nothing on a
/// national database from before the face (migration national/0002).
async fn record_checks(client: &deadpool_postgres::Client, found: &[RegionStatus]) -> Result<(), OfficeError> {
    let kept: bool = client.query_one("SELECT to_regclass('national_region_checks') IS NOT NULL", &[]).await?.get(0);
    if !kept {
        return Ok(());
    }
    for s in found {
        client
            .execute(
                "INSERT INTO national_region_checks(region, checked_at, slot, lag_bytes, caught_up, problem) \
                 VALUES ($1, now(), $2, $3, $4, $5) ON CONFLICT (region) DO UPDATE SET checked_at = now(), \
                 slot = excluded.slot, lag_bytes = excluded.lag_bytes, caught_up = excluded.caught_up, \
                 problem = excluded.problem",
                &[&s.region, &s.slot, &s.lag_bytes, &s.caught_up, &s.problem],
            )
            .await?;
    }
    Ok(())
}

/// Starts a region over: its subscription and slot dropped, its partitions emptied, and a new
/// subscription copying what the region holds now (after an invalidated slot, or a restore).
pub async fn resync(client: &mut deadpool_postgres::Client, region: &str) -> Result<(), OfficeError> {
    check_region(region)?;
    let conninfo: String = client
        .query_opt("SELECT conninfo FROM national_regions WHERE region = $1", &[&region])
        .await?
        .ok_or_else(|| OfficeError::not_found(format!("region {region} is not attached")))?
        .get(0);
    let name = subscription(region);
    if client.query_opt("SELECT 1 FROM pg_subscription WHERE subname = $1", &[&name]).await?.is_some() {
        // The slot is dropped on the region by its own connection (it may be lost, or busy).
        client.batch_execute(&format!("ALTER SUBSCRIPTION {name} DISABLE")).await?;
        client.batch_execute(&format!("ALTER SUBSCRIPTION {name} SET (slot_name = NONE)")).await?;
        client.batch_execute(&format!("DROP SUBSCRIPTION {name}")).await?;
    }
    let remote = region_client(&conninfo).await?;
    // A walsender still holding the slot lets go within a moment of the subscription's end.
    for _ in 0..50 {
        let active: Option<bool> = remote
            .query_opt("SELECT active FROM pg_replication_slots WHERE slot_name = $1", &[&name])
            .await?
            .map(|r| r.get(0));
        match active {
            None => break,
            Some(false) => {
                remote.execute("SELECT pg_drop_replication_slot($1)", &[&name]).await?;
                break;
            }
            Some(true) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    client
        .batch_execute(&format!(
            "TRUNCATE national_task_counts_{region}, national_appeal_counts_{region}, national_cosignatures_{region}, \
             national_chain_{region}, national_acts_{region}, national_inspections_{region}, national_appeal_days_{region}, \
             national_effect_estimates_{region}"
        ))
        .await?;
    attach(client, region, &conninfo).await
}

/// A place where a region's published chain contradicts itself.
#[derive(Debug, Clone, Serialize)]
pub struct ChainProblem {
    pub region: String,
    pub ws: String,
    pub epoch: String,
    pub seq: i64,
    pub problem: String,
}

/// Re-checks every region's published chains: per workstation and stream, entries numbered from
/// where the stream began without a gap, each naming the hash of the one before it (the first of a
/// stream the genesis, or the entry before it in an earlier stream that a re-admission superseded).
pub async fn verify(client: &mut deadpool_postgres::Client) -> Result<(usize, Vec<ChainProblem>), OfficeError> {
    let rows = client
        .query(
            "SELECT region, ws, epoch, seq, prev_hash, hash FROM national_chain ORDER BY region, ws, seq, epoch",
            &[],
        )
        .await?;
    // Every hash by (region, ws, seq), whichever stream holds it.
    let mut hashes: BTreeMap<(String, String, i64), Vec<String>> = BTreeMap::new();
    for r in &rows {
        hashes.entry((r.get(0), r.get(1), r.get(3))).or_default().push(r.get(5));
    }
    let mut problems = Vec::new();
    let mut last: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for r in &rows {
        let (region, ws, epoch, seq, prev): (String, String, String, i64, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        let stream = (region.clone(), ws.clone(), epoch.clone());
        let problem = if let Some(before) = last.get(&stream).copied().filter(|b| seq != b + 1) {
            Some(format!("entry {seq} follows entry {before}: entries are missing"))
        } else if seq == 1 {
            (prev != ekn_domain::journal::GENESIS)
                .then(|| "the first entry does not start from the genesis".to_string())
        } else {
            let before = hashes.get(&(region.clone(), ws.clone(), seq - 1));
            (!before.is_some_and(|h| h.contains(&prev)))
                .then(|| format!("entry {seq} does not follow entry {}: its previous hash is no entry's", seq - 1))
        };
        if let Some(problem) = problem {
            problems.push(ChainProblem { region, ws, epoch, seq, problem });
        }
        last.insert(stream, seq);
    }
    problems.extend(verify_cosignatures(client, &rows).await?);
    Ok((rows.len(), problems))
}

/// Each published cosignature checked against the office key pinned when its region was attached,
/// and — for a workstation with one stream — against the Merkle root of that many entries of its
/// published chain (a re-admitted workstation's root spans streams; its signature is checked).
async fn verify_cosignatures(
    client: &mut deadpool_postgres::Client,
    chain: &[tokio_postgres::Row],
) -> Result<Vec<ChainProblem>, OfficeError> {
    let keys: BTreeMap<String, Option<String>> = client
        .query("SELECT region, office_key FROM national_regions", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // Each workstation's hashes by number, and how many streams it has.
    let mut hashes: BTreeMap<(String, String), Vec<(i64, String)>> = BTreeMap::new();
    let mut streams: BTreeMap<(String, String), std::collections::BTreeSet<String>> = BTreeMap::new();
    for r in chain {
        hashes.entry((r.get(0), r.get(1))).or_default().push((r.get(3), r.get(5)));
        streams.entry((r.get(0), r.get(1))).or_default().insert(r.get(2));
    }
    let mut problems = Vec::new();
    for row in client
        .query(
            "SELECT region, ws, epoch, size, merkle_root, at, signature FROM national_cosignatures \
             ORDER BY region, ws, size",
            &[],
        )
        .await?
    {
        let (region, ws, epoch, size): (String, String, String, i64) = (row.get(0), row.get(1), row.get(2), row.get(3));
        let cosignature = ekn_domain::sync::Cosignature {
            size: u64::try_from(size).unwrap_or(0),
            merkle_root: row.get(4),
            at: row.get(5),
            office_key: keys.get(&region).cloned().flatten().unwrap_or_default(),
            signature: row.get(6),
        };
        let problem = if cosignature.office_key.is_empty() {
            Some("the region's office key was never pinned: attach it again with `national init`".to_string())
        } else if let Err(e) = cosignature.verify(&ws, &cosignature.office_key) {
            Some(format!("the office's cosignature of {size} entries: {e}"))
        } else if streams.get(&(region.clone(), ws.clone())).is_some_and(|s| s.len() == 1) {
            let mut of_ws = hashes.get(&(region.clone(), ws.clone())).cloned().unwrap_or_default();
            of_ws.sort();
            let mut frontier = ekn_domain::merkle::Frontier::default();
            for (_, hash) in of_ws.iter().take_while(|(seq, _)| *seq <= size) {
                frontier.push(ekn_domain::journal::leaf_of(hash));
            }
            let complete = frontier.size == cosignature.size;
            let root = ekn_domain::merkle::to_hex(&frontier.root());
            (complete && root != cosignature.merkle_root).then(|| {
                format!(
                    "the office cosigned a Merkle root of {size} entries that the published chain does not have \
                     (cosigned {}, the chain's {root})",
                    cosignature.merkle_root
                )
            })
        } else {
            None
        };
        if let Some(problem) = problem {
            problems.push(ChainProblem { region, ws, epoch, seq: size, problem: format!("cosignature: {problem}") });
        }
    }
    Ok(problems)
}

/// The national figures, from the replicated counts, with the workstations' code. The counts are
/// summed in PostgreSQL first — by region, status and dates for the figures (a few thousand rows
/// however many districts and categories), and by district and category over the due dates that
/// are overdue for the matrix — so the answer does not grow with the country's rows.
pub async fn dashboard(
    client: &mut deadpool_postgres::Client,
    today: NaiveDate,
) -> Result<NationalDashboard, OfficeError> {
    let window_start = today - chrono::Days::new(90);
    let rows = client
        .query(
            "SELECT region, status, due, done_on, sum(n)::bigint FROM national_task_counts \
             WHERE status = 'open' OR (status = 'done' AND done_on BETWEEN $1 AND $2) \
             GROUP BY region, status, due, done_on",
            &[&window_start, &today],
        )
        .await?;
    let calendar = Calendar::builtin();
    let mut groups: Vec<(String, Task, usize)> = Vec::with_capacity(rows.len());
    let mut overdue_dues: std::collections::BTreeSet<NaiveDate> = std::collections::BTreeSet::new();
    for row in &rows {
        let task = counted_task_at(row, 1, today)?;
        if task.status == ekn_domain::tasks::TaskStatus::Open
            && ekn_domain::tasks::signed_working_days(&calendar, today, task.current_due) < 0
        {
            overdue_dues.insert(task.current_due);
        }
        groups.push((row.get(0), task, usize::try_from(row.get::<_, i64>(4)).unwrap_or(0)));
    }
    // The overdue matrix: open tasks whose due date is overdue by working days, by district and
    // category (a task without a category is counted under its kind, as the dashboard does).
    let overdue_dues: Vec<NaiveDate> = overdue_dues.into_iter().collect();
    let mut overdue_matrix: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for row in client
        .query(
            "SELECT district, category, sum(n)::bigint FROM national_task_counts \
             WHERE status = 'open' AND due = ANY($1) GROUP BY district, category",
            &[&overdue_dues],
        )
        .await?
    {
        let district = row.get::<_, Option<String>>(0).unwrap_or_else(|| "—".into());
        let category = row
            .get::<_, Option<String>>(1)
            .unwrap_or_else(|| ekn_domain::tasks::TaskKind::GatherInformation.code().to_string());
        *overdue_matrix.entry(district).or_default().entry(category).or_default() +=
            usize::try_from(row.get::<_, i64>(2)).unwrap_or(0);
    }
    let sizes = client.query("SELECT region, sum(n)::bigint FROM national_task_counts GROUP BY region", &[]).await?;
    let appeal_rows = client
        .query(
            "SELECT region, coalesce(category, '—'), to_char(month, 'YYYY-MM'), sum(n)::bigint \
             FROM national_appeal_counts GROUP BY 1, 2, 3",
            &[],
        )
        .await?;
    let mut appeals = NationalAppeals::default();
    for row in &appeal_rows {
        let n = u64::try_from(row.get::<_, i64>(3)).unwrap_or(0);
        appeals.total += n;
        *appeals.by_region_category.entry(row.get(0)).or_default().entry(row.get(1)).or_default() += n;
        *appeals.by_month.entry(row.get(2)).or_default() += n;
    }
    for row in client
        .query("SELECT district, sum(n)::bigint FROM national_appeal_counts WHERE district IS NOT NULL GROUP BY 1", &[])
        .await?
    {
        appeals.by_district.insert(row.get(0), u64::try_from(row.get::<_, i64>(1)).unwrap_or(0));
    }
    // Each district's totals, from the district its office files the task under (`place`, office
    // migration 0023), summed by district and dates first like the regions' figures above.
    let mut of_districts: BTreeMap<String, Vec<(Task, usize)>> = BTreeMap::new();
    for row in client
        .query(
            "SELECT status, due, done_on, sum(n)::bigint, place FROM national_task_counts \
             WHERE place IS NOT NULL AND (status = 'open' OR (status = 'done' AND done_on BETWEEN $1 AND $2)) \
             GROUP BY place, status, due, done_on",
            &[&window_start, &today],
        )
        .await?
    {
        let n = usize::try_from(row.get::<_, i64>(3)).unwrap_or(0);
        of_districts.entry(row.get(4)).or_default().push((counted_task_at(&row, 0, today)?, n));
    }
    let by_district = of_districts
        .into_iter()
        .map(|(district, groups)| {
            (district, dashboard_of_counts(groups.iter().map(|(t, n)| (t, *n)), &calendar, today).totals)
        })
        .collect();
    let board = dashboard_of_counts(groups.iter().map(|(_, t, n)| (t, *n)), &calendar, today);
    let mut regions: BTreeMap<String, RegionFigures> = BTreeMap::new();
    let regions_held: std::collections::BTreeSet<String> =
        sizes.iter().map(|r| r.get::<_, String>(0)).chain(appeals.by_region_category.keys().cloned()).collect();
    let tasks_of: BTreeMap<String, i64> =
        sizes.iter().map(|r| (r.get(0), r.get::<_, Option<i64>>(1).unwrap_or(0))).collect();
    for region in regions_held {
        let of_region = groups.iter().filter(|(r, _, _)| *r == region).map(|(_, t, n)| (t, *n));
        let totals = dashboard_of_counts(of_region, &calendar, today).totals;
        let tasks = u64::try_from(tasks_of.get(&region).copied().unwrap_or(0)).unwrap_or(0);
        let held = appeals.by_region_category.get(&region).map_or(0, |c| c.values().sum());
        regions.insert(region, RegionFigures { totals, tasks, appeals: held });
    }
    Ok(NationalDashboard {
        today,
        totals: board.totals,
        overdue_matrix,
        tasks: regions.values().map(|r| r.tasks).sum(),
        regions,
        by_district,
        appeals,
        calendar: "the calendar shipped with ЭКН (2018–2027, statutory rules outside them)".into(),
    })
}

/// A row of summed national counts as a task the dashboard's code can count: its status and dates
/// from columns `at`, `at + 1` and `at + 2` — no person, no unit, no place (the queries group by
/// what they need).
fn counted_task_at(row: &tokio_postgres::Row, at: usize, today: NaiveDate) -> Result<Task, OfficeError> {
    CountedGroup {
        status: row.get(at),
        due: row.get(at + 1),
        done_on: row.get(at + 2),
        assignee: String::new(),
        unit: String::new(),
        region: None,
        category: None,
    }
    .task(today)
}
