//! The office's HTTP/JSON API. Two ways in: a person's bearer token (after `POST /v1/login`), or a
//! workstation's signature over the request with the key it enrolled (its journal's signing key),
//! which is how `ekn sync` works for weeks without a password. Either way the request becomes a
//! `Caller`, and what the caller may do is decided in `people::Caller`, nowhere else.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use ekn::domain::sync::{
    verify_request, ConflictNotice, PushRequest, HEADER_SIGNATURE, HEADER_TIME, HEADER_WORKSTATION,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::access::{self, AccessEvent, AccessQuery};
use crate::error::OfficeError;
use crate::people::{self, Caller, Role};
use crate::{conflicts, dashboard, office, sync};

/// A signed request's time may be this far from the office's clock (workstations' clocks drift;
/// a replayed push is a no-op and a replayed pull tells nothing the wire did not).
const SKEW: chrono::Duration = chrono::Duration::hours(24);

/// Failed logins per name before a pause.
const LOGIN_FAILURES: usize = 5;
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct AppState {
    pub pool: deadpool_postgres::Pool,
    failures: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
}

impl AppState {
    pub fn new(pool: deadpool_postgres::Pool) -> AppState {
        AppState { pool, failures: Arc::default() }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/login", post(login))
        .route("/v1/logout", post(logout))
        .route("/v1/workstations/enrol", post(enrol))
        .route("/v1/sync/push", post(push))
        .route("/v1/sync/pull", get(pull))
        .route("/v1/access", post(access_batch))
        .route("/v1/access-log", get(access_log))
        .route("/v1/cards/{bin}", get(card))
        .route("/v1/tasks", get(tasks))
        .route("/v1/dashboard", get(dashboard))
        .route("/v1/conflicts", get(conflicts))
        .route("/v1/conflicts/{id}/resolve", post(resolve))
        .route("/v1/assign", post(assign))
        .route("/v1/connectors/{name}/runs/{run}/records", get(connector_records))
        // A push is at most 500 entries; with their notes that stays well under this.
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
        .with_state(state)
}

/// Serves until the process is stopped.
pub async fn serve(state: AppState, listen: SocketAddr) -> Result<(), OfficeError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| OfficeError::Config(format!("cannot listen on {listen}: {e}")))?;
    let bound = listener.local_addr().map_err(|e| OfficeError::Config(e.to_string()))?;
    println!("ekn-office: listening on http://{bound}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| OfficeError::Config(format!("the server stopped: {e}")))
}

fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, OfficeError> {
    serde_json::from_slice(body).map_err(|e| OfficeError::bad_request(format!("the request's JSON: {e}")))
}

/// The caller of a request: a workstation's signature, else a bearer token.
async fn caller(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Caller, OfficeError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let client = state.pool.get().await?;
    if let Some(ws_id) = header(HEADER_WORKSTATION) {
        let (Some(time), Some(signature)) = (header(HEADER_TIME), header(HEADER_SIGNATURE)) else {
            return Err(OfficeError::unauthorized("a workstation's request needs its time and signature"));
        };
        let ws = sync::workstation(&client, &ws_id)
            .await?
            .ok_or_else(|| OfficeError::unauthorized("this workstation is not enrolled in the office; join again"))?;
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        verify_request(&ws.public_key, &signature, method.as_str(), path, &time, body)
            .map_err(OfficeError::unauthorized)?;
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&time)
            .map_err(|_| OfficeError::unauthorized("the request's time is not RFC 3339"))?
            .with_timezone(&Utc);
        if (Utc::now() - at).abs() > SKEW {
            return Err(OfficeError::unauthorized(format!(
                "the workstation's clock says {time}, more than a day from the office's; set the clock"
            )));
        }
        let person = people::by_id(&client, ws.person_id).await?;
        if person.blocked {
            return Err(OfficeError::unauthorized("the person this workstation is enrolled to is blocked"));
        }
        return Ok(Caller { person, workstation: Some(ws.id) });
    }
    let token = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer ").map(str::to_string))
        .ok_or_else(|| OfficeError::unauthorized("log in first (no bearer token and no workstation signature)"))?;
    Ok(Caller { person: people::session_person(&client, &token).await?, workstation: None })
}

#[derive(Serialize)]
struct Health {
    protocol: u32,
    office_key: String,
    server_time: String,
}

async fn health(State(state): State<AppState>) -> Result<Json<Health>, OfficeError> {
    let client = state.pool.get().await?;
    let key: String = client.query_one("SELECT public_hex FROM office_key WHERE id = 1", &[]).await?.get(0);
    Ok(Json(Health { protocol: ekn::domain::sync::PROTOCOL, office_key: key, server_time: Utc::now().to_rfc3339() }))
}

#[derive(Deserialize)]
struct LoginRequest {
    name: String,
    password: String,
}

async fn login(State(state): State<AppState>, body: Bytes) -> Result<Json<people::LoginReply>, OfficeError> {
    let request: LoginRequest = json(&body)?;
    {
        let mut failures = state.failures.lock().unwrap_or_else(|p| p.into_inner());
        let recent = failures.entry(request.name.clone()).or_default();
        recent.retain(|t| t.elapsed() < LOGIN_WINDOW);
        if recent.len() >= LOGIN_FAILURES {
            return Err(OfficeError::refused(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "too many failed logins for this name; wait 15 minutes",
            ));
        }
    }
    let client = state.pool.get().await?;
    match people::login(&client, &request.name, &request.password).await {
        Ok(reply) => Ok(Json(reply)),
        Err(e) => {
            state
                .failures
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(request.name)
                .or_default()
                .push(Instant::now());
            Err(e)
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<StatusCode, OfficeError> {
    let client = state.pool.get().await?;
    if let Some(token) =
        headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        people::logout(&client, token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn enrol(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<sync::EnrolReply>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &body).await?;
    let request: sync::EnrolRequest = json(&body)?;
    let client = state.pool.get().await?;
    Ok(Json(sync::enrol(&client, &caller, &request).await?))
}

async fn push(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ekn::domain::sync::PushReply>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &body).await?;
    let Some(ws_id) = &caller.workstation else {
        return Err(OfficeError::unauthorized("only an enrolled workstation pushes, with its signature"));
    };
    let request: PushRequest = json(&body)?;
    let client = state.pool.get().await?;
    let ws =
        sync::workstation(&client, ws_id).await?.ok_or_else(|| OfficeError::unauthorized("unknown workstation"))?;
    drop(client);
    Ok(Json(sync::push(&state.pool, &ws, &caller.person, &request).await?))
}

#[derive(Deserialize)]
struct PullQuery {
    since: Option<i64>,
    limit: Option<i64>,
}

async fn pull(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<PullQuery>,
) -> Result<Json<ekn::domain::sync::PullReply>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    if let Some(ws) = &caller.workstation {
        let client = state.pool.get().await?;
        if let Some(reason) = sync::workstation(&client, ws).await?.and_then(|w| w.blocked_reason) {
            return Err(OfficeError::refused(
                StatusCode::FORBIDDEN,
                "blocked",
                format!("this workstation's sync is blocked until an administrator acts ({reason})"),
            ));
        }
    }
    Ok(Json(sync::pull(&state.pool, &caller, query.since.unwrap_or(0), query.limit.unwrap_or(1000)).await?))
}

/// The records of an office connector's published run, for an enrolled workstation to import
/// (JSON, or the published file as it was; the pull named its size and SHA-256), streamed a page
/// at a time: a million records never sit whole in the server's memory. A failure half-way ends
/// the body short, which the workstation's size check catches (it tries again at its next sync).
async fn connector_records(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path((name, run)): Path<(String, i64)>,
) -> Result<axum::body::Body, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    let Some(ws) = &caller.workstation else {
        return Err(OfficeError::forbidden("a connector's records go to enrolled workstations, which import them"));
    };
    let mut client = state.pool.get().await?;
    if let Some(reason) = sync::workstation(&client, ws).await?.and_then(|w| w.blocked_reason) {
        return Err(OfficeError::refused(
            StatusCode::FORBIDDEN,
            "blocked",
            format!("this workstation's sync is blocked until an administrator acts ({reason})"),
        ));
    }
    let scope = caller.read_scope();
    // Refusals (no such run, its pages gone) are answered before the body starts.
    let tx = crate::db::scoped(&mut client, &scope).await?;
    crate::connectors::RecordsBody::published(&tx, &name, run).await?;
    tx.commit().await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::spawn(async move {
        let streamed = async {
            let tx = crate::db::scoped(&mut client, &scope).await?;
            let mut body = crate::connectors::RecordsBody::published(&tx, &name, run).await?;
            while let Some(piece) = body.next(&tx).await? {
                if sender.send(piece).await.is_err() {
                    break; // the workstation went away
                }
            }
            tx.commit().await?;
            Ok::<(), OfficeError>(())
        };
        if let Err(e) = streamed.await {
            tracing::warn!(connector = name.as_str(), run, error = %e, "an office connector's records stopped half-way");
        }
    });
    let pieces = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|piece| (Ok::<_, std::io::Error>(Bytes::from(piece)), receiver))
    });
    Ok(axum::body::Body::from_stream(pieces))
}

#[derive(Serialize, Deserialize)]
pub struct Written {
    pub written: usize,
}

async fn access_batch(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Written>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &body).await?;
    let events: Vec<AccessEvent> = json(&body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(Written { written: access::append(&mut client, &caller, &events).await? }))
}

async fn access_log(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<AccessQuery>,
) -> Result<Json<Vec<access::AccessLine>>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    let mut client = state.pool.get().await?;
    Ok(Json(access::read(&mut client, &caller, &query).await?))
}

async fn card(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(bin): Path<String>,
) -> Result<Json<office::OfficeCard>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    let mut client = state.pool.get().await?;
    Ok(Json(office::card(&mut client, &caller, &bin).await?))
}

async fn tasks(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Vec<office::OfficeTask>>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    let mut client = state.pool.get().await?;
    Ok(Json(office::tasks(&mut client, &caller).await?))
}

#[derive(Deserialize)]
struct DashboardQuery {
    /// The day the figures are for (default: today in Kazakhstan by the office's clock).
    today: Option<chrono::NaiveDate>,
}

async fn dashboard(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<DashboardQuery>,
) -> Result<Json<dashboard::OfficeDashboard>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    let today = query.today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(dashboard::for_caller(&mut client, &caller, today).await?))
}

async fn conflicts(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Vec<ConflictNotice>>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &[]).await?;
    let mut client = state.pool.get().await?;
    Ok(Json(conflicts::conflicts(&mut client, &caller).await?))
}

async fn resolve(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<ConflictNotice>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &body).await?;
    let request: conflicts::Resolution = json(&body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(conflicts::resolve(&mut client, &caller, id, &request).await?))
}

async fn assign(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<office::OfficeTask>, OfficeError> {
    let caller = caller(&state, &method, &uri, &headers, &body).await?;
    caller.require(&[Role::Supervisor], "assign work")?;
    let request: office::Assignment = json(&body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(office::assign(&mut client, &caller, &request).await?))
}
