//! The office's PostgreSQL: the connection pools, the numbered migrations, the checks that the
//! server connects exactly as deployed, and the one way the server touches data — a transaction
//! under the caller's scope (`scoped`), with the caller's districts and identity set locally, so
//! row-level security judges every row even if a query forgot a condition.
//!
//! Two roles (docs/OFFICE.md): the owner migrates and administers on the console; the server
//! connects as `ekn_office_app`, which owns nothing, is no superuser and cannot bypass row-level
//! security — `serve` refuses any other connection, so what the tests prove of RLS is what runs.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::NoTls;

use crate::error::OfficeError;

pub use crate::APP_ROLE;

/// The migrations, in order; each runs once, in its own transaction.
const MIGRATIONS: [(i32, &str); 25] = [
    (1, include_str!("../migrations/0001_office.sql")),
    (2, include_str!("../migrations/0002_routing.sql")),
    (3, include_str!("../migrations/0003_conflict_notices.sql")),
    (4, include_str!("../migrations/0004_office_settings.sql")),
    (5, include_str!("../migrations/0005_office_connectors.sql")),
    (6, include_str!("../migrations/0006_deployed_roles.sql")),
    (7, include_str!("../migrations/0007_placement.sql")),
    (8, include_str!("../migrations/0008_retention.sql")),
    (9, include_str!("../migrations/0009_dashboard_aggregates.sql")),
    (10, include_str!("../migrations/0010_office_journal.sql")),
    (11, include_str!("../migrations/0011_office_calendar.sql")),
    (12, include_str!("../migrations/0012_national_publication.sql")),
    (13, include_str!("../migrations/0013_analyze_after_bulk.sql")),
    (14, include_str!("../migrations/0014_office_appeals.sql")),
    (15, include_str!("../migrations/0015_national_appeals_cosignatures.sql")),
    (16, include_str!("../migrations/0016_appeal_papers.sql")),
    (17, include_str!("../migrations/0017_appeal_flags.sql")),
    (18, include_str!("../migrations/0018_push_cheaper.sql")),
    (19, include_str!("../migrations/0019_national_acts.sql")),
    (20, include_str!("../migrations/0020_national_practice.sql")),
    (21, include_str!("../migrations/0021_office_norms.sql")),
    (22, include_str!("../migrations/0022_admin_in_app.sql")),
    (23, include_str!("../migrations/0023_national_task_districts.sql")),
    (24, include_str!("../migrations/0024_national_effect.sql")),
    (25, include_str!("../migrations/0025_national_effect_by_kind.sql")),
];

/// The newest migration this server knows.
pub fn latest_migration() -> i32 {
    MIGRATIONS[MIGRATIONS.len() - 1].0
}

/// How long a request waits for a connection before it is answered "busy": a pool exhausted by
/// slow clients must not hold every other request for ever.
pub const POOL_WAIT: Duration = Duration::from_secs(5);

/// A pool over `url` (a `postgres://` URL or a `host=… user=…` string). The plain protocol is
/// refused to anything but a Unix socket or loopback (L5): a database across the network is
/// reached through a tunnel or a socket on the same host (docs/OFFICE.md).
pub fn pool(url: &str, size: usize) -> Result<Pool, OfficeError> {
    let config: tokio_postgres::Config =
        url.parse().map_err(|e| OfficeError::Config(format!("the PostgreSQL connection string: {e}")))?;
    for host in config.get_hosts() {
        if let tokio_postgres::config::Host::Tcp(name) = host {
            let loopback = name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(OfficeError::Config(format!(
                    "the office reaches PostgreSQL without TLS: '{name}' is neither a Unix socket nor loopback; \
                     run the server on the database's host or through a tunnel (docs/OFFICE.md)"
                )));
            }
        }
    }
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let timeouts = Timeouts {
        wait: Some(POOL_WAIT),
        create: Some(Duration::from_secs(10)),
        recycle: Some(Duration::from_secs(5)),
    };
    Pool::builder(manager)
        .max_size(size)
        .timeouts(timeouts)
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| OfficeError::Config(format!("the pool: {e}")))
}

/// Applies the migrations not yet applied, as the owner, and makes or checks the office key
/// (`key_file`). Returns the numbers applied.
pub async fn migrate(pool: &Pool, key_file: &std::path::Path) -> Result<Vec<i32>, OfficeError> {
    let mut client = pool.get().await?;
    let who: String = client.query_one("SELECT current_user::text", &[]).await?.get(0);
    if who == APP_ROLE {
        return Err(OfficeError::Config(format!(
            "migrate connects as {APP_ROLE}, the role the server serves as: connect as the database's owner (docs/OFFICE.md)"
        )));
    }
    let applied = apply(&mut client, "schema_migrations", &MIGRATIONS).await?;
    crate::keys::ensure_office_key(&client, key_file).await?;
    Ok(applied)
}

/// The national database's migrations (`migrations/national/`), in order, kept apart from the
/// office's: a national database is not an office's, and an office's is not a national one.
const NATIONAL_MIGRATIONS: [(i32, &str); 5] = [
    (1, include_str!("../migrations/national/0001_national.sql")),
    (2, include_str!("../migrations/national/0002_national_web.sql")),
    (3, include_str!("../migrations/national/0003_task_districts.sql")),
    (4, include_str!("../migrations/national/0004_national_effect.sql")),
    (5, include_str!("../migrations/national/0005_national_effect_by_kind.sql")),
];

/// The newest national migration this build knows (`national serve` refuses an older database).
pub fn latest_national_migration() -> i32 {
    NATIONAL_MIGRATIONS.iter().map(|(v, _)| *v).max().unwrap_or(0)
}

/// Applies the national database's migrations not yet applied (`national init`, as its owner).
pub async fn migrate_national(client: &mut deadpool_postgres::Client) -> Result<Vec<i32>, OfficeError> {
    apply(client, "national_migrations", &NATIONAL_MIGRATIONS).await
}

/// Applies each of `migrations` not yet recorded in `table`, each in its own transaction with its
/// record; returns the numbers applied.
async fn apply(
    client: &mut deadpool_postgres::Client,
    table: &str,
    migrations: &[(i32, &str)],
) -> Result<Vec<i32>, OfficeError> {
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {table} (version integer PRIMARY KEY, \
             applied_at timestamptz NOT NULL DEFAULT now())"
        ))
        .await?;
    let mut applied = Vec::new();
    for &(version, sql) in migrations {
        let tx = client.transaction().await?;
        // One migrator at a time: two servers started together must not both apply a migration.
        tx.execute(&format!("LOCK TABLE {table} IN EXCLUSIVE MODE"), &[]).await?;
        let done = tx.query_opt(&format!("SELECT 1 FROM {table} WHERE version = $1"), &[&version]).await?.is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute(&format!("INSERT INTO {table}(version) VALUES ($1)"), &[&version]).await?;
            applied.push(version);
        }
        tx.commit().await?;
    }
    Ok(applied)
}

/// What `serve` checks before it answers anything: that it connects as `ekn_office_app`, which
/// owns no table, is no superuser and cannot bypass row-level security — a server connected as
/// the owner or a superuser would read past every policy, and the tests would prove nothing
/// about what runs — and that the schema is the one this server knows.
pub async fn check_serving_role(pool: &Pool) -> Result<(), OfficeError> {
    let client = pool.get().await?;
    if let Some((who, why)) = not_the_serving_role(&client, APP_ROLE, "the owner of the office's tables").await? {
        return Err(OfficeError::Config(format!(
            "serve connects as {who}, {why}: row-level security would not judge its reads. Connect as {APP_ROLE} \
             (docs/OFFICE.md: the owner migrates, the server serves as {APP_ROLE})"
        )));
    }
    let version: Option<i32> = client
        .query_one("SELECT max(version) FROM schema_migrations", &[])
        .await
        .map_err(|_| {
            OfficeError::Config("the office's tables are missing: run `ekn-office migrate` as the owner".into())
        })?
        .get(0);
    if version.unwrap_or(0) < latest_migration() {
        return Err(OfficeError::Config(format!(
            "the office's tables are at version {} and this server needs {}: run `ekn-office migrate` as the owner first",
            version.unwrap_or(0),
            latest_migration()
        )));
    }
    Ok(())
}

/// Whether this connection is `role` as a server must be — no superuser, no bypass of row-level
/// security, owning no table — or who it is and why it is not (`owner` words the table owner's case).
pub async fn not_the_serving_role(
    client: &deadpool_postgres::Client,
    role: &str,
    owner: &str,
) -> Result<Option<(String, String)>, OfficeError> {
    let row = client
        .query_one(
            "SELECT current_user::text, r.rolsuper, r.rolbypassrls, \
             EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' \
                     AND pg_has_role(current_user, t.tableowner, 'MEMBER')) \
             FROM pg_roles r WHERE r.rolname = current_user",
            &[],
        )
        .await?;
    let (who, superuser, bypass, owns): (String, bool, bool, bool) = (row.get(0), row.get(1), row.get(2), row.get(3));
    if who == role && !superuser && !bypass && !owns {
        return Ok(None);
    }
    let why = if superuser {
        "a superuser"
    } else if bypass {
        "a role that bypasses row-level security"
    } else if owns {
        owner
    } else {
        "another role"
    };
    Ok(Some((who, why.to_string())))
}

/// Who a transaction acts for: the districts row-level security lets it see, the person it logs
/// as, and the workstation whose push it is (the only one whose rows it may insert).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub districts: Vec<String>,
    pub person_id: Option<i64>,
    pub writer: Option<String>,
    /// Reading the access log (supervisors and administrators only).
    pub audit: bool,
    /// An administrator: reads the access log's lines that belong to no district.
    pub admin: bool,
}

impl Scope {
    /// The office itself, reading every district (placing a push, finding conflicts office-wide,
    /// routing, the console's whole-office views); what it reads leaves the server only as the
    /// code that asked decides.
    pub fn office() -> Scope {
        Scope { districts: vec!["*".into()], ..Scope::default() }
    }
}

/// Begins a transaction under `scope`. Every setting is `SET LOCAL` (`set_config(…, true)`), so
/// nothing leaks to the next request on the same pooled connection.
pub async fn scoped<'c>(
    client: &'c mut deadpool_postgres::Client,
    scope: &Scope,
) -> Result<deadpool_postgres::Transaction<'c>, OfficeError> {
    let tx = client.transaction().await?;
    set_scope(&tx, scope).await?;
    Ok(tx)
}

/// Sets `scope` for the rest of the transaction.
pub async fn set_scope(tx: &deadpool_postgres::Transaction<'_>, scope: &Scope) -> Result<(), OfficeError> {
    let districts = scope.districts.join(",");
    let person = scope.person_id.map(|p| p.to_string()).unwrap_or_default();
    let writer = scope.writer.clone().unwrap_or_default();
    let on = |b: bool| if b { "on" } else { "off" };
    let (audit, admin) = (on(scope.audit), on(scope.admin));
    tx.execute(
        "SELECT set_config('ekn.districts', $1, true), set_config('ekn.person', $2, true), \
         set_config('ekn.writer', $3, true), set_config('ekn.audit', $4, true), set_config('ekn.admin', $5, true)",
        &[&districts, &person, &writer, &audit, &admin],
    )
    .await?;
    Ok(())
}
