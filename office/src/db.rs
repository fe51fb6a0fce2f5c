//! The office's PostgreSQL: the connection pool, the numbered migrations, and the one way the
//! server touches data — a transaction under the caller's scope (`scoped`), in which the server
//! acts as the non-owner role `ekn_office_app` with the caller's districts and identity set
//! locally, so row-level security judges every row even if a query forgot a condition.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::error::OfficeError;

/// The migrations, in order; each runs once, in its own transaction.
const MIGRATIONS: [(i32, &str); 5] = [
    (1, include_str!("../migrations/0001_office.sql")),
    (2, include_str!("../migrations/0002_routing.sql")),
    (3, include_str!("../migrations/0003_conflict_notices.sql")),
    (4, include_str!("../migrations/0004_office_settings.sql")),
    (5, include_str!("../migrations/0005_office_connectors.sql")),
];

/// A pool over `url` (a `postgres://` URL or a `host=… user=…` string). TLS to a remote database is
/// left to a socket on the same host or a tunnel (see docs/OFFICE.md): the server speaks plain
/// protocol only over a Unix socket or loopback.
pub fn pool(url: &str, size: usize) -> Result<Pool, OfficeError> {
    let config: tokio_postgres::Config =
        url.parse().map_err(|e| OfficeError::Config(format!("the PostgreSQL connection string: {e}")))?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager).max_size(size).build().map_err(|e| OfficeError::Config(format!("the pool: {e}")))
}

/// Applies the migrations not yet applied, as the connecting (owning) role. Returns their numbers.
pub async fn migrate(pool: &Pool) -> Result<Vec<i32>, OfficeError> {
    let mut client = pool.get().await?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, \
             applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        let tx = client.transaction().await?;
        // One migrator at a time: two servers started together must not both apply a migration.
        tx.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", &[]).await?;
        let done = tx.query_opt("SELECT 1 FROM schema_migrations WHERE version = $1", &[&version]).await?.is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO schema_migrations(version) VALUES ($1)", &[&version]).await?;
            applied.push(version);
        }
        tx.commit().await?;
    }
    crate::keys::ensure_office_key(&client).await?;
    Ok(applied)
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
}

/// Begins a transaction acting as `ekn_office_app` under `scope`. Every setting is `SET LOCAL`
/// (`set_config(…, true)`), so nothing leaks to the next request on the same pooled connection.
pub async fn scoped<'c>(
    client: &'c mut deadpool_postgres::Client,
    scope: &Scope,
) -> Result<deadpool_postgres::Transaction<'c>, OfficeError> {
    let tx = client.transaction().await?;
    tx.batch_execute("SET LOCAL ROLE ekn_office_app").await?;
    let districts = scope.districts.join(",");
    let person = scope.person_id.map(|p| p.to_string()).unwrap_or_default();
    let writer = scope.writer.clone().unwrap_or_default();
    let audit = if scope.audit { "on" } else { "off" };
    tx.execute(
        "SELECT set_config('ekn.districts', $1, true), set_config('ekn.person', $2, true), \
         set_config('ekn.writer', $3, true), set_config('ekn.audit', $4, true)",
        &[&districts, &person, &writer, &audit],
    )
    .await?;
    Ok(tx)
}
