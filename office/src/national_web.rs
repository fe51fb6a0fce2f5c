//! The national side's read-only HTTP face (`ekn-office national serve`, issue 64; docs/NATIONAL.md,
//! "The HTTP face"): the national dashboard, the acts' effectiveness, themes and anomalies across
//! regions for a national analyst, and how each region's replication stands for a national
//! administrator — the figures the console's `national …` commands print, computed by the same
//! functions, never a person or an object (the anomalies' pseudonyms are withheld).
//!
//! - **Who logs in is PostgreSQL's to say.** A national analyst is already a login role in
//!   `ekn_national_analyst` (docs/NATIONAL.md); an administrator one in `ekn_national_admin`. A
//!   login connects to the national database as that role with the password given — PostgreSQL
//!   checks it as it would for `psql` (SCRAM, `pg_hba.conf`) — so the face keeps no password of its
//!   own. A superuser is refused (its password is not typed into a web form). Every request
//!   re-reads the role: made NOLOGIN, expired, dropped or taken out of its group, it is refused.
//! - **The server reads as `ekn_national_web`**, which owns nothing and reads only the published
//!   tables the figures are computed from (migration national/0002): not the chains, not the
//!   regions' connection strings — so it cannot ask a region about its slot, and shows what the
//!   owner's last `national status` found instead, beside PostgreSQL's own view of each subscription.
//! - Bounded as the office's API is: TLS off loopback, a small body, login throttles per name, per
//!   address and overall, at most four logins connecting at once, a time limit per request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use chrono::{NaiveDate, Utc};
use ekn_analytics::national_reports::{
    NationalAnomalies, NationalCells, NationalDashboard, NationalEffect, NationalHealth, RegionHealth, SlotCheck,
};
use serde::{Deserialize, Serialize};

use crate::error::OfficeError;
use crate::http::TlsFiles;
use crate::national::ANALYST_ROLE;
use crate::people::token_digest;
use crate::throttle::LoginThrottle;

/// The role the national face connects as.
pub const WEB_ROLE: &str = "ekn_national_web";
/// The group whose members see how each region's replication stands.
pub const ADMIN_ROLE: &str = "ekn_national_admin";
/// A session ends after this long idle, and this long after its login whatever it does (as the
/// office's).
const IDLE_MINUTES: i64 = 30;
const ABSOLUTE_HOURS: i64 = 12;
/// Logins connecting to PostgreSQL at once (each a connection and a SCRAM exchange).
const LOGINS_AT_ONCE: usize = 4;
/// The only body the face reads is a login's.
const MAX_BODY: usize = 8 * 1024;
/// The longest a request may take (the anomalies over a million inspections take seconds).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const IN_FLIGHT: usize = 64;
/// No PostgreSQL role name is longer.
const MAX_LOGIN_NAME: usize = 63;

#[derive(Clone)]
pub struct NationalState {
    pool: deadpool_postgres::Pool,
    /// The server's own connection settings, whose user and password a login replaces.
    login_config: tokio_postgres::Config,
    throttle: Arc<LoginThrottle>,
    logins: Arc<tokio::sync::Semaphore>,
}

impl NationalState {
    pub fn new(pool: deadpool_postgres::Pool, url: &str) -> Result<NationalState, OfficeError> {
        let login_config: tokio_postgres::Config =
            url.parse().map_err(|e| OfficeError::Config(format!("the PostgreSQL connection string: {e}")))?;
        Ok(NationalState {
            pool,
            login_config,
            throttle: Arc::default(),
            logins: Arc::new(tokio::sync::Semaphore::new(LOGINS_AT_ONCE)),
        })
    }
}

/// What `national serve` checks before it answers: that it connects as `ekn_national_web` — no
/// superuser, owning no table (a face connected as the owner would read the chains and the
/// regions' connection strings) — and that the national database is at this build's migration.
pub async fn check_serving_role(pool: &deadpool_postgres::Pool) -> Result<(), OfficeError> {
    let client = pool.get().await?;
    if let Some((who, why)) =
        crate::db::not_the_serving_role(&client, WEB_ROLE, "the owner of the national tables").await?
    {
        return Err(OfficeError::Config(format!(
            "national serve connects as {who}, {why}: it would read the chains and the regions' connection strings. \
             Connect as {WEB_ROLE} (docs/NATIONAL.md, \"The HTTP face\")"
        )));
    }
    let version: Option<i32> = client
        .query_one("SELECT max(version) FROM national_migrations", &[])
        .await
        .map_err(|_| {
            OfficeError::Config("the national tables are missing: run `ekn-office national init` as the owner".into())
        })?
        .get(0);
    let latest = crate::db::latest_national_migration();
    if version.unwrap_or(0) < latest {
        return Err(OfficeError::Config(format!(
            "the national tables are at version {} and this server needs {latest}: run `ekn-office national init` as \
             the owner first",
            version.unwrap_or(0)
        )));
    }
    Ok(())
}

pub fn router(state: NationalState) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/login", post(login))
        .route("/v1/logout", post(logout))
        .route("/v1/national/dashboard", get(dashboard))
        .route("/v1/national/effect", get(effect))
        .route("/v1/national/themes", get(themes))
        .route("/v1/national/anomalies", get(anomalies))
        .route("/v1/national/status", get(status))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower::limit::ConcurrencyLimitLayer::new(IN_FLIGHT))
        .with_state(state)
}

/// Serves the face until the process is stopped (TLS as the office's; clear text on loopback only).
pub async fn serve(state: NationalState, listen: SocketAddr, tls: Option<TlsFiles>) -> Result<(), OfficeError> {
    crate::http::serve_router(router(state), listen, tls).await
}

#[derive(Serialize)]
struct Health {
    service: &'static str,
    server_time: String,
}

async fn health() -> Json<Health> {
    Json(Health { service: "ekn-national", server_time: Utc::now().to_rfc3339() })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    name: String,
    password: String,
}

/// Who a national session belongs to, and what it may read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NationalPerson {
    pub name: String,
    /// Reads the figures (`ekn_national_analyst`).
    pub analyst: bool,
    /// Reads how each region's replication stands (`ekn_national_admin`).
    pub admin: bool,
}

#[derive(Serialize)]
struct LoginReply {
    token: String,
    expires_at: chrono::DateTime<Utc>,
    person: NationalPerson,
}

async fn login(
    State(state): State<NationalState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<LoginReply>, OfficeError> {
    crate::http::login_is_json(&headers)?;
    let request: LoginRequest =
        serde_json::from_slice(&body).map_err(|e| OfficeError::bad_request(format!("the request's JSON: {e}")))?;
    let refused = || OfficeError::unauthorized("wrong name or password, or the role may not log in here");
    if request.name.is_empty()
        || request.name.len() > MAX_LOGIN_NAME
        || request.name.chars().any(char::is_control)
        || request.password.len() > 1024
    {
        return Err(refused());
    }
    let address = peer.ip().to_string();
    if let Some(why) = state.throttle.refuses(&request.name, &address) {
        return Err(OfficeError::refused(StatusCode::TOO_MANY_REQUESTS, "throttled", why));
    }
    let person = match connect_as(&state, &request.name, &request.password).await {
        Ok(Some(person)) => person,
        Ok(None) => {
            state.throttle.failed(&request.name, &address);
            return Err(refused());
        }
        Err(e) => return Err(e),
    };
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::keys::random_bytes::<32>()?);
    let now = Utc::now();
    let expires_at = now + chrono::Duration::hours(ABSOLUTE_HOURS);
    let client = state.pool.get().await?;
    // Sessions past their end are forgotten as new ones begin, so the table holds only live ones.
    client
        .execute(
            "DELETE FROM national_web_sessions WHERE expires_at <= $1 OR last_seen <= $2",
            &[&now, &(now - chrono::Duration::minutes(IDLE_MINUTES))],
        )
        .await?;
    client
        .execute(
            "INSERT INTO national_web_sessions(token_sha256, login, created_at, last_seen, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
            &[&token_digest(&token), &person.name, &now, &expires_at],
        )
        .await?;
    Ok(Json(LoginReply { token, expires_at, person }))
}

/// Connects to the national database as `name` with `password`: PostgreSQL judges the password.
/// `None` when it refuses, or the role is a superuser or in neither group (the same answer, so
/// a name cannot be told apart from a password).
async fn connect_as(state: &NationalState, name: &str, password: &str) -> Result<Option<NationalPerson>, OfficeError> {
    let _permit = tokio::time::timeout(Duration::from_secs(10), state.logins.acquire())
        .await
        .map_err(|_| {
            OfficeError::refused(StatusCode::SERVICE_UNAVAILABLE, "busy", "too many logins at once; try again")
        })?
        .map_err(|_| OfficeError::Config("the login gate closed".into()))?;
    let mut config = state.login_config.clone();
    config.user(name).password(password).application_name("ekn-national-login");
    config.connect_timeout(Duration::from_secs(5));
    let connected = config.connect(tokio_postgres::NoTls).await;
    let (client, connection) = match connected {
        Ok(pair) => pair,
        // An authentication failure, or a role that does not exist or may not log in: refused.
        Err(e) if e.as_db_error().is_some() => return Ok(None),
        Err(e) => return Err(OfficeError::Config(format!("the national database refused a login's connection: {e}"))),
    };
    let driver = tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT r.rolsuper, pg_has_role(current_user, $1, 'MEMBER'), pg_has_role(current_user, $2, 'MEMBER') \
             FROM pg_roles r WHERE r.rolname = current_user",
            &[&ANALYST_ROLE, &ADMIN_ROLE],
        )
        .await;
    drop(client);
    driver.abort();
    let row = row?;
    let (superuser, analyst, admin): (bool, bool, bool) = (row.get(0), row.get(1), row.get(2));
    if superuser || !(analyst || admin) {
        return Ok(None);
    }
    Ok(Some(NationalPerson { name: name.to_string(), analyst, admin }))
}

async fn logout(State(state): State<NationalState>, headers: HeaderMap) -> Result<StatusCode, OfficeError> {
    if let Some(token) = bearer(&headers) {
        state
            .pool
            .get()
            .await?
            .execute("DELETE FROM national_web_sessions WHERE token_sha256 = $1", &[&token_digest(&token)])
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| t.len() <= 100)
        .map(str::to_string)
}

/// A request's caller: a live session whose role still may log in and is still in its group.
pub struct NationalCaller(pub NationalPerson);

impl FromRequestParts<NationalState> for NationalCaller {
    type Rejection = OfficeError;

    async fn from_request_parts(parts: &mut Parts, state: &NationalState) -> Result<Self, Self::Rejection> {
        let token =
            bearer(&parts.headers).ok_or_else(|| OfficeError::unauthorized("log in first (no bearer token)"))?;
        let client = state.pool.get().await?;
        let now = Utc::now();
        let ended = || OfficeError::unauthorized("the session has ended; log in again");
        let login: String = client
            .query_opt(
                "UPDATE national_web_sessions SET last_seen = $2 WHERE token_sha256 = $1 AND expires_at > $2 \
                 AND last_seen > $3 RETURNING login",
                &[&token_digest(&token), &now, &(now - chrono::Duration::minutes(IDLE_MINUTES))],
            )
            .await?
            .ok_or_else(ended)?
            .get(0);
        // The role as PostgreSQL holds it now: a role made NOLOGIN, expired, dropped or taken out
        // of its group ends its sessions at once.
        let row = client
            .query_opt(
                "SELECT pg_has_role(r.oid, $2, 'MEMBER'), pg_has_role(r.oid, $3, 'MEMBER') FROM pg_roles r \
                 WHERE r.rolname = $1 AND r.rolcanlogin AND NOT r.rolsuper \
                   AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now())",
                &[&login, &ANALYST_ROLE, &ADMIN_ROLE],
            )
            .await?;
        let Some(row) = row else {
            client.execute("DELETE FROM national_web_sessions WHERE login = $1", &[&login]).await?;
            return Err(ended());
        };
        let (analyst, admin): (bool, bool) = (row.get(0), row.get(1));
        if !(analyst || admin) {
            client.execute("DELETE FROM national_web_sessions WHERE login = $1", &[&login]).await?;
            return Err(ended());
        }
        Ok(NationalCaller(NationalPerson { name: login, analyst, admin }))
    }
}

impl NationalCaller {
    fn analyst(&self) -> Result<(), OfficeError> {
        if self.0.analyst {
            Ok(())
        } else {
            Err(OfficeError::forbidden(format!("{} is no national analyst ({ANALYST_ROLE})", self.0.name)))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayQuery {
    today: Option<NaiveDate>,
    region: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemesQuery {
    as_of: Option<NaiveDate>,
    months: Option<u32>,
    region: Option<String>,
}

fn checked_region(region: &Option<String>) -> Result<Option<&str>, OfficeError> {
    match region.as_deref() {
        Some(r) => crate::region::check_region(r).map(|()| Some(r)),
        None => Ok(None),
    }
}

async fn dashboard(
    State(state): State<NationalState>,
    Query(query): Query<DayQuery>,
    caller: NationalCaller,
) -> Result<Json<NationalDashboard>, OfficeError> {
    caller.analyst()?;
    if query.region.is_some() {
        return Err(OfficeError::bad_request("the dashboard holds every region; drill down in its `regions`"));
    }
    let today = query.today.unwrap_or_else(crate::dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(crate::national::dashboard(&mut client, today).await?))
}

async fn effect(
    State(state): State<NationalState>,
    Query(query): Query<DayQuery>,
    caller: NationalCaller,
) -> Result<Json<NationalEffect>, OfficeError> {
    caller.analyst()?;
    if query.region.is_some() {
        return Err(OfficeError::bad_request("the effectiveness holds every region; drill down in its `regions`"));
    }
    let today = query.today.unwrap_or_else(crate::dashboard::kazakhstan_today);
    let client = state.pool.get().await?;
    Ok(Json(crate::national_acts::effect(&client, today).await?))
}

async fn themes(
    State(state): State<NationalState>,
    Query(query): Query<ThemesQuery>,
    caller: NationalCaller,
) -> Result<Json<NationalCells>, OfficeError> {
    caller.analyst()?;
    let region = checked_region(&query.region)?;
    let as_of = query.as_of.unwrap_or_else(crate::dashboard::kazakhstan_today);
    let client = state.pool.get().await?;
    Ok(Json(crate::national_themes::cells(&client, as_of, query.months, region).await?))
}

async fn anomalies(
    State(state): State<NationalState>,
    Query(query): Query<DayQuery>,
    caller: NationalCaller,
) -> Result<Json<NationalAnomalies>, OfficeError> {
    caller.analyst()?;
    let region = checked_region(&query.region)?;
    let today = query.today.unwrap_or_else(crate::dashboard::kazakhstan_today);
    let client = state.pool.get().await?;
    let mut found = crate::national_practice::anomalies(&client, today, region).await?;
    // An analyst reads aggregates: not even an object's pseudonym leaves the server (only its
    // region can turn one back, but a pseudonym still follows one object across the figures).
    for listed in &mut found.report.anomalies {
        listed.anomaly.subject_bins.clear();
    }
    found.objects_withheld = true;
    Ok(Json(found))
}

async fn status(
    State(state): State<NationalState>,
    caller: NationalCaller,
) -> Result<Json<NationalHealth>, OfficeError> {
    if !caller.0.admin {
        return Err(OfficeError::forbidden(format!("{} is no national administrator ({ADMIN_ROLE})", caller.0.name)));
    }
    let client = state.pool.get().await?;
    Ok(Json(health_of_regions(&client).await?))
}

/// Each attached region's replication as the national side sees it: its subscription (enabled,
/// tables still copying), the apply worker and the last message from the region (PostgreSQL's
/// `pg_stat_subscription`), and the owner's last check of the region's slot.
pub async fn health_of_regions(client: &tokio_postgres::Client) -> Result<NationalHealth, OfficeError> {
    let rows = client
        .query(
            "SELECT r.region, r.attached_at, coalesce(s.subenabled, false), \
               (SELECT count(*) FROM pg_subscription_rel sr WHERE sr.srsubid = s.oid AND sr.srsubstate <> 'r'), \
               EXISTS (SELECT 1 FROM pg_stat_subscription st WHERE st.subid = s.oid AND st.relid IS NULL \
                       AND st.pid IS NOT NULL), \
               (SELECT max(st.last_msg_receipt_time) FROM pg_stat_subscription st WHERE st.subid = s.oid), \
               (SELECT max(st.latest_end_time) FROM pg_stat_subscription st WHERE st.subid = s.oid), \
               c.checked_at, c.slot, c.lag_bytes, c.caught_up, c.problem \
             FROM national_regions r \
             LEFT JOIN pg_subscription s ON s.subname = 'ekn_region_' || r.region \
             LEFT JOIN national_region_checks c ON c.region = r.region \
             ORDER BY r.region",
            &[],
        )
        .await?;
    let regions = rows
        .iter()
        .map(|row| RegionHealth {
            region: row.get(0),
            attached_at: row.get(1),
            enabled: row.get(2),
            copying: u32::try_from(row.get::<_, Option<i64>>(3).unwrap_or(0)).unwrap_or(u32::MAX),
            worker: row.get(4),
            last_message_at: row.get(5),
            applied_up_to: row.get(6),
            last_check: row.get::<_, Option<chrono::DateTime<Utc>>>(7).map(|checked_at| SlotCheck {
                checked_at,
                slot: row.get(8),
                lag_bytes: row.get(9),
                caught_up: row.get(10),
                problem: row.get(11),
            }),
        })
        .collect();
    Ok(NationalHealth { regions, at: Utc::now() })
}
