//! The office's HTTP/JSON API. Two ways in: a person's bearer token (after `POST /v1/login`), or a
//! workstation's signature over the request with the key it enrolled (its journal's signing key),
//! which is how `ekn sync` works for weeks without a password. Either way the request becomes a
//! `Caller` (the `Authed` extractor: no route can forget it), and what the caller may do is
//! decided in `people::Caller`.
//!
//! What a peer on the network could do to the server is bounded here:
//! - TLS (rustls) is served by the office itself; a listener off loopback without it is refused.
//! - A signed request carries a fresh nonce and a time within five minutes of the office's; a
//!   nonce seen before is refused (the office keeps them in PostgreSQL past the window), so a
//!   captured request cannot be sent again. Every answer to a signed request is signed by the
//!   office key the workstation learnt at joining, over the request's nonce.
//! - Logins: a small body, a bounded name, throttles per name, per address and overall that
//!   forget what is old, the database connection given back before the hash, and a bounded number
//!   of hashes at once.
//! - Every request has a time limit and the server a bound on requests in flight; a slow client
//!   cannot hold a connection with half a header; a pool connection is waited for five seconds at
//!   most; connector downloads stream from a pool of their own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use ekn_domain::sync::{
    reply_bytes, verify_request, ConflictNotice, PushRequest, RedactionReach, RequestSignature, HEADER_NONCE,
    HEADER_OFFICE_SIGNATURE, HEADER_SIGNATURE, HEADER_TIME, HEADER_WORKSTATION, REQUEST_WINDOW_SECONDS,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::access::{self, AccessEvent, AccessQuery};
use crate::error::OfficeError;
use crate::people::{self, Caller, Role};
use crate::throttle::LoginThrottle;
use crate::{conflicts, dashboard, effect, office, pull, push, workstations};

/// The largest body a request may carry: a push is at most 500 entries, which with their notes
/// stays well under this.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// A login's body: a name and a password.
const MAX_LOGIN_BODY: usize = 8 * 1024;
/// The longest a request may take (a connector's records stream on a route of its own).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Requests in flight at once; more wait their turn.
const IN_FLIGHT: usize = 256;
/// Argon2id hashes at once (each 19 MiB and tens of milliseconds of one core), and how many
/// logins may wait for one.
const HASHES_AT_ONCE: usize = 2;
const HASHES_QUEUED: usize = 64;
/// The longest an answer to a workstation may be, read whole to be signed (a pull page is far less).
const MAX_SIGNED_ANSWER: usize = 128 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub pool: deadpool_postgres::Pool,
    /// A small pool of its own for connector downloads, which hold a connection for minutes.
    pub downloads: deadpool_postgres::Pool,
    pub office_key: Arc<SigningKey>,
    throttle: Arc<LoginThrottle>,
    checker: Arc<people::PasswordChecker>,
}

impl AppState {
    pub fn new(pool: deadpool_postgres::Pool, downloads: deadpool_postgres::Pool, office_key: SigningKey) -> AppState {
        AppState {
            pool,
            downloads,
            office_key: Arc::new(office_key),
            throttle: Arc::default(),
            checker: Arc::new(people::PasswordChecker::new(HASHES_AT_ONCE, HASHES_QUEUED)),
        }
    }

    /// The login throttles (for the benchmark's figures).
    pub fn throttle(&self) -> &LoginThrottle {
        &self.throttle
    }
}

pub fn router(state: AppState) -> Router {
    let limited = Router::new()
        .route("/v1/health", get(health))
        .route("/v1/login", post(login).layer(DefaultBodyLimit::max(MAX_LOGIN_BODY)))
        .route("/v1/logout", post(logout))
        .route("/v1/workstations/enrol", post(enrol))
        .route("/v1/sync/push", post(push))
        .route("/v1/sync/pull", get(pull))
        .route("/v1/sync/ack", post(ack))
        .route("/v1/access", post(access_batch))
        .route("/v1/access-log", get(access_log))
        .route("/v1/journal", get(office_journal))
        .route("/v1/cards/{bin}", get(card))
        .route("/v1/tasks", get(tasks))
        .route("/v1/dashboard", get(dashboard))
        .route("/v1/effect", get(effect_figures))
        .route("/v1/anomalies", get(anomalies))
        .route("/v1/admin", get(admin_overview))
        .route("/v1/admin/act", post(admin_act))
        .route("/v1/themes/scan", get(themes_scan))
        .route("/v1/themes/scores", get(themes_scores))
        .route("/v1/conflicts", get(conflicts))
        .route("/v1/conflicts/{id}/resolve", post(resolve))
        .route("/v1/assign", post(assign))
        .route("/v1/people", get(people_to_assign))
        .route("/v1/calendar", post(calendar_document))
        .route("/v1/norms", get(norms_document))
        .route("/v1/appeals", post(appeal_facts))
        .route("/v1/appeals/papers", post(appeal_papers).get(given_papers))
        .route("/v1/appeals/map", get(appeals_map))
        .route("/v1/retention/{act}", get(retention_reach))
        .layer(axum::middleware::from_fn_with_state(state.clone(), sign_answer))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT));
    Router::new()
        .merge(limited)
        // A connector's records stream for as long as the workstation reads them (minutes for a
        // million records), on the downloads' own pool; their digest is in the signed pull.
        .route("/v1/connectors/{name}/runs/{run}/records", get(connector_records))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower::limit::ConcurrencyLimitLayer::new(IN_FLIGHT))
        .layer(axum::middleware::map_response(close_after_refused_body))
        .with_state(state)
}

/// A body refused for its size was not read to its end, so the connection cannot carry another
/// request: saying `Connection: close` keeps a client from reusing it for its next, honest request
/// (which would then fail on a connection the server has already dropped).
async fn close_after_refused_body(mut answer: Response) -> Response {
    if answer.status() == StatusCode::PAYLOAD_TOO_LARGE {
        answer.headers_mut().insert(axum::http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    answer
}

/// The certificate and key the office serves TLS with.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// Serves until the process is stopped: TLS when `tls` is given; plain HTTP only on loopback
/// (the password, tokens and case notes must not cross a network in clear).
pub async fn serve(state: AppState, listen: SocketAddr, tls: Option<TlsFiles>) -> Result<(), OfficeError> {
    tokio::spawn(forget_nonces(state.pool.clone()));
    serve_router(router(state), listen, tls).await
}

/// Serves `app` (the office's API, or the national side's read-only face) until the process is
/// stopped, with the same TLS, the same refusal of clear text off loopback and the same bound on
/// slow clients; prints the address it listens on once bound.
pub(crate) async fn serve_router(app: Router, listen: SocketAddr, tls: Option<TlsFiles>) -> Result<(), OfficeError> {
    if tls.is_none() && !listen.ip().is_loopback() {
        return Err(OfficeError::Config(format!(
            "{listen} is reachable from the network: serve it with TLS (--tls-cert FILE --tls-key FILE), or listen on \
             127.0.0.1 behind a TLS proxy (docs/OFFICE.md)"
        )));
    }
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        shutdown.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let printer = handle.clone();
    let scheme = if tls.is_some() { "https" } else { "http" };
    tokio::spawn(async move {
        if let Some(bound) = printer.listening().await {
            println!("ekn-office: listening on {scheme}://{bound}");
        }
    });
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let failed = |e: std::io::Error| OfficeError::Config(format!("cannot serve on {listen}: {e}"));
    match tls {
        Some(files) => {
            let config = tls_config(&files)?;
            let mut server =
                axum_server::bind_rustls(listen, axum_server::tls_rustls::RustlsConfig::from_config(config))
                    .handle(handle);
            limit_slow_clients(server.http_builder());
            server.serve(app).await.map_err(failed)
        }
        None => {
            let mut server = axum_server::bind(listen).handle(handle);
            limit_slow_clients(server.http_builder());
            server.serve(app).await.map_err(failed)
        }
    }
}

/// A client that sends its header a byte at a time is cut off rather than holding a connection.
fn limit_slow_clients(builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>) {
    builder.http1().header_read_timeout(Duration::from_secs(20)).max_buf_size(64 * 1024);
}

/// The rustls configuration from the certificate chain and key files (PEM).
fn tls_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, OfficeError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &std::path::Path, e: String| OfficeError::Config(format!("{}: {e}", what.display()));
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| bad(&files.cert, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| bad(&files.cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(bad(&files.cert, "no certificate in it".into()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad(&files.key, e.to_string()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| OfficeError::Config(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| OfficeError::Config(format!("the TLS certificate and key: {e}")))?;
    Ok(Arc::new(config))
}

/// Forgets the nonces older than both sides of the window (a request that old is refused by its
/// time anyway), every minute.
async fn forget_nonces(pool: deadpool_postgres::Pool) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        if let Ok(client) = pool.get().await {
            let cut = Utc::now() - chrono::Duration::seconds(2 * REQUEST_WINDOW_SECONDS + 60);
            if let Err(e) = client.execute("DELETE FROM request_nonces WHERE seen_at < $1", &[&cut]).await {
                tracing::warn!(target: "ekn_office", error = %e, "forgetting old request nonces failed");
            }
        }
    }
}

fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, OfficeError> {
    serde_json::from_slice(body).map_err(|e| OfficeError::bad_request(format!("the request's JSON: {e}")))
}

/// A request whose caller is known, with its body.
pub struct Authed {
    pub caller: Caller,
    pub body: Bytes,
}

impl FromRequest<AppState> for Authed {
    type Rejection = OfficeError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
            OfficeError::refused(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request is too large")
        })?;
        let path = parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str());
        let caller = caller(state, parts.method.as_str(), path, &parts.headers, &body).await?;
        Ok(Authed { caller, body })
    }
}

/// The caller of a request: a workstation's signature, else a bearer token.
async fn caller(
    state: &AppState,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Caller, OfficeError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let client = state.pool.get().await?;
    if let Some(ws_id) = header(HEADER_WORKSTATION) {
        let (Some(time), Some(nonce), Some(signature)) =
            (header(HEADER_TIME), header(HEADER_NONCE), header(HEADER_SIGNATURE))
        else {
            return Err(OfficeError::unauthorized("a workstation's request needs its time, nonce and signature"));
        };
        let ws = workstations::workstation(&client, &ws_id)
            .await?
            .ok_or_else(|| OfficeError::unauthorized("this workstation is not enrolled in the office; join again"))?;
        let signed = RequestSignature { time: time.clone(), nonce: nonce.clone(), signature };
        verify_request(&ws.public_key, &signed, method, path, body).map_err(OfficeError::unauthorized)?;
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&time)
            .map_err(|_| OfficeError::unauthorized("the request's time is not RFC 3339"))?
            .with_timezone(&Utc);
        let now = Utc::now();
        if (now - at).num_seconds().abs() > REQUEST_WINDOW_SECONDS {
            return Err(OfficeError::refused(
                StatusCode::UNAUTHORIZED,
                "clock",
                format!(
                    "the workstation's clock says {time} and the office's {}: more than {} minutes apart",
                    now.to_rfc3339(),
                    REQUEST_WINDOW_SECONDS / 60
                ),
            ));
        }
        if ws.revoked_at.is_some() {
            return Err(OfficeError::refused(
                StatusCode::UNAUTHORIZED,
                "revoked",
                format!("this workstation was revoked by the office ({})", ws.revoked_reason.unwrap_or_default()),
            ));
        }
        let fresh = client
            .execute("INSERT INTO request_nonces(nonce, ws) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&nonce, &ws.id])
            .await?;
        if fresh == 0 {
            return Err(OfficeError::refused(
                StatusCode::UNAUTHORIZED,
                "replayed",
                "this request was made before: a signed request is taken once",
            ));
        }
        let person = people::by_id(&client, ws.person_id).await?;
        if person.blocked {
            return Err(OfficeError::refused(
                StatusCode::UNAUTHORIZED,
                "person_blocked",
                "the person this workstation is enrolled to is blocked",
            ));
        }
        return Ok(Caller { person, workstation: Some(ws.id) });
    }
    let token = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer ").map(str::to_string))
        .filter(|t| t.len() <= 100)
        .ok_or_else(|| OfficeError::unauthorized("log in first (no bearer token and no workstation signature)"))?;
    Ok(Caller { person: people::session_person(&client, &token).await?, workstation: None })
}

/// Signs the answer to a workstation's signed request with the office key, over its nonce, the
/// status and the body: a workstation applies nothing (a colleague's entries, a CA bundle, a
/// proxy) that the office it joined did not say, on this very request.
async fn sign_answer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let nonce = request.headers().get(HEADER_NONCE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let answer = next.run(request).await;
    let Some(nonce) = nonce else { return answer };
    let (mut parts, body) = answer.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_SIGNED_ANSWER).await else {
        return OfficeError::Config("an answer too large to sign".into()).into_response();
    };
    let signature = hex::encode(state.office_key.sign(&reply_bytes(&nonce, parts.status.as_u16(), &bytes)).to_bytes());
    if let Ok(value) = HeaderValue::from_str(&signature) {
        parts.headers.insert(HEADER_OFFICE_SIGNATURE, value);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[derive(Serialize)]
struct Health {
    protocol: u32,
    office_key: String,
    server_time: String,
}

async fn health(State(state): State<AppState>) -> Result<Json<Health>, OfficeError> {
    Ok(Json(Health {
        protocol: ekn_domain::sync::PROTOCOL,
        office_key: hex::encode(state.office_key.verifying_key().to_bytes()),
        server_time: Utc::now().to_rfc3339(),
    }))
}

#[derive(Deserialize)]
struct LoginRequest {
    name: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<people::LoginReply>, OfficeError> {
    login_is_json(&headers)?;
    let request: LoginRequest = json(&body)?;
    // A name no person can have is refused before it is remembered anywhere.
    if request.name.is_empty() || request.name.chars().count() > people::MAX_NAME {
        return Err(OfficeError::unauthorized("wrong name or password, or the person is blocked"));
    }
    let address = peer.ip().to_string();
    if let Some(why) = state.throttle.refuses(&request.name, &address) {
        return Err(OfficeError::refused(StatusCode::TOO_MANY_REQUESTS, "throttled", why));
    }
    match people::login(&state.pool, &state.checker, &request.name, &request.password).await {
        Ok(reply) => Ok(Json(reply)),
        Err(e) => {
            if e.code() == "unauthorized" {
                state.throttle.failed(&request.name, &address);
            }
            Err(e)
        }
    }
}

/// A login's body is JSON: a form on another site cannot post JSON with this type without the
/// browser asking first.
pub(crate) fn login_is_json(headers: &HeaderMap) -> Result<(), OfficeError> {
    let json_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if json_type {
        Ok(())
    } else {
        Err(OfficeError::refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "bad_request",
            "a login is JSON (content-type: application/json)",
        ))
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

async fn enrol(State(state): State<AppState>, authed: Authed) -> Result<Json<workstations::EnrolReply>, OfficeError> {
    let request: workstations::EnrolRequest = json(&authed.body)?;
    let client = state.pool.get().await?;
    Ok(Json(workstations::enrol(&client, &authed.caller, &request, &state.office_key).await?))
}

async fn push(State(state): State<AppState>, authed: Authed) -> Result<Json<ekn_domain::sync::PushReply>, OfficeError> {
    let Some(ws_id) = &authed.caller.workstation else {
        return Err(OfficeError::unauthorized("only an enrolled workstation pushes, with its signature"));
    };
    let request: PushRequest = json(&authed.body)?;
    let ws = {
        let client = state.pool.get().await?;
        workstations::workstation(&client, ws_id)
            .await?
            .ok_or_else(|| OfficeError::unauthorized("unknown workstation"))?
    };
    Ok(Json(push::push(&state.pool, &state.office_key, &ws, &authed.caller.person, &request).await?))
}

#[derive(Deserialize)]
struct PullQuery {
    since: Option<i64>,
    limit: Option<i64>,
}

/// Refuses a workstation whose sync an administrator must look at first.
async fn not_blocked(state: &AppState, caller: &Caller) -> Result<(), OfficeError> {
    if let Some(ws) = &caller.workstation {
        let client = state.pool.get().await?;
        if let Some(reason) = workstations::workstation(&client, ws).await?.and_then(|w| w.blocked_reason) {
            return Err(OfficeError::refused(
                StatusCode::FORBIDDEN,
                "blocked",
                format!("this workstation's sync is blocked until an administrator acts ({reason})"),
            ));
        }
    }
    Ok(())
}

async fn pull(
    State(state): State<AppState>,
    Query(query): Query<PullQuery>,
    authed: Authed,
) -> Result<Json<ekn_domain::sync::PullReply>, OfficeError> {
    not_blocked(&state, &authed.caller).await?;
    let reply = pull::pull(&state.pool, &authed.caller, query.since.unwrap_or(0), query.limit.unwrap_or(1000)).await?;
    Ok(Json(reply))
}

#[derive(Deserialize)]
struct Ack {
    through: i64,
}

async fn ack(State(state): State<AppState>, authed: Authed) -> Result<StatusCode, OfficeError> {
    let ack: Ack = json(&authed.body)?;
    pull::ack(&state.pool, &authed.caller, ack.through).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The records of an office connector's published run, for an enrolled workstation to import
/// (JSON, or the published file as it was; the pull named its size and SHA-256), streamed a page
/// at a time from the downloads' own pool: a million records never sit whole in the server's
/// memory, and a slow download holds none of the connections pushes and pulls need. A failure
/// half-way ends the body short, which the workstation's size check catches.
async fn connector_records(
    State(state): State<AppState>,
    Path((name, run)): Path<(String, i64)>,
    authed: Authed,
) -> Result<Body, OfficeError> {
    let caller = authed.caller;
    if caller.workstation.is_none() {
        return Err(OfficeError::forbidden("a connector's records go to enrolled workstations, which import them"));
    }
    not_blocked(&state, &caller).await?;
    let mut client = state.downloads.get().await?;
    let scope = caller.scope();
    // Refusals (no such run, its pages gone) are answered before the body starts.
    let tx = crate::db::scoped(&mut client, &scope).await?;
    crate::records::RecordsBody::published(&tx, &name, run).await?;
    tx.commit().await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::spawn(async move {
        let streamed = async {
            let tx = crate::db::scoped(&mut client, &scope).await?;
            let mut body = crate::records::RecordsBody::published(&tx, &name, run).await?;
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
    Ok(Body::from_stream(pieces))
}

#[derive(Serialize, Deserialize)]
pub struct Written {
    pub written: usize,
}

async fn access_batch(State(state): State<AppState>, authed: Authed) -> Result<Json<Written>, OfficeError> {
    let events: Vec<AccessEvent> = json(&authed.body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(Written { written: access::append_queued(&mut client, &authed.caller, &events).await? }))
}

async fn access_log(
    State(state): State<AppState>,
    Query(query): Query<AccessQuery>,
    authed: Authed,
) -> Result<Json<Vec<access::AccessLine>>, OfficeError> {
    let mut client = state.pool.get().await?;
    Ok(Json(access::read(&mut client, &authed.caller, &query).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalQuery {
    limit: Option<i64>,
}

async fn office_journal(
    State(state): State<AppState>,
    Query(query): Query<JournalQuery>,
    authed: Authed,
) -> Result<Json<Vec<crate::journal::OfficeEntry>>, OfficeError> {
    let mut client = state.pool.get().await?;
    Ok(Json(crate::journal::newest_for(&mut client, &authed.caller, query.limit).await?))
}

async fn card(
    State(state): State<AppState>,
    Path(bin): Path<String>,
    authed: Authed,
) -> Result<Json<office::OfficeCard>, OfficeError> {
    let mut client = state.pool.get().await?;
    Ok(Json(office::card(&mut client, &authed.caller, &bin).await?))
}

#[derive(Deserialize)]
struct TasksQuery {
    after: Option<String>,
    limit: Option<i64>,
}

async fn tasks(
    State(state): State<AppState>,
    Query(page): Query<TasksQuery>,
    authed: Authed,
) -> Result<Json<Vec<office::OfficeTask>>, OfficeError> {
    let mut client = state.pool.get().await?;
    Ok(Json(office::tasks(&mut client, &authed.caller, page.after.as_deref(), page.limit).await?))
}

#[derive(Deserialize)]
struct DashboardQuery {
    /// The day the figures are for (default: today in Kazakhstan by the office's clock).
    today: Option<chrono::NaiveDate>,
}

async fn dashboard(
    State(state): State<AppState>,
    Query(query): Query<DashboardQuery>,
    authed: Authed,
) -> Result<Json<dashboard::OfficeDashboard>, OfficeError> {
    let today = query.today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(dashboard::for_caller(&mut client, &authed.caller, today).await?))
}

#[derive(Deserialize)]
struct EffectQuery {
    kind: Option<String>,
    district: Option<String>,
    /// Only acts prompted by this control body's inspection.
    body: Option<String>,
    /// Days after each act's period that later inspections are read over (default 365).
    horizon_days: Option<u64>,
    /// The day the figures are for (default: today in Kazakhstan by the office's clock).
    today: Option<chrono::NaiveDate>,
}

/// The recorded outcomes of the acts in the caller's scope (`ekn-office effect`).
async fn effect_figures(
    State(state): State<AppState>,
    Query(query): Query<EffectQuery>,
    authed: Authed,
) -> Result<Json<effect::OfficeEffect>, OfficeError> {
    let today = query.today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    let ask = effect::EffectAsk {
        kind: query.kind.as_deref(),
        district: query.district.as_deref(),
        body: query.body.as_deref(),
        horizon_days: query.horizon_days,
    };
    let figures = effect::for_caller(&mut client, &authed.caller, ask, today).await?;
    Ok(Json(figures))
}

/// An administrator's own session: a bearer token, never a workstation's signature (an
/// administrator enrols no machine, and a colleague's workstation must not act as one).
fn admin_token(headers: &HeaderMap) -> Result<String, OfficeError> {
    if headers.contains_key(HEADER_WORKSTATION) {
        return Err(OfficeError::forbidden(
            "an administrator acts with their own login, not a workstation's signature",
        ));
    }
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| t.len() <= 100)
        .map(str::to_string)
        .ok_or_else(|| OfficeError::unauthorized("log in first as an administrator"))
}

/// People, workstations, incidents and the administrators' journal (`docs/OFFICE.md`).
async fn admin_overview(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ekn_domain::office_admin::AdminOverview>, OfficeError> {
    let token = admin_token(&headers)?;
    let mut client = state.pool.get().await?;
    Ok(Json(crate::admin::overview(&mut client, &token).await?))
}

/// One administrator's action with its reason, journaled; answers the overview after it.
async fn admin_act(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ekn_domain::office_admin::AdminOverview>, OfficeError> {
    let token = admin_token(&headers)?;
    let action: ekn_domain::office_admin::AdminAction = json(&body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(crate::admin::act(&mut client, &token, &action).await?))
}

#[derive(Deserialize)]
struct AppealsMapQuery {
    /// The day the 90 days end on (default: today in Kazakhstan).
    today: Option<chrono::NaiveDate>,
}

/// The appeals in the caller's districts counted by district, for the Appeals screen's map.
async fn appeals_map(
    State(state): State<AppState>,
    Query(query): Query<AppealsMapQuery>,
    authed: Authed,
) -> Result<Json<crate::appeals::OfficeAppealsMap>, OfficeError> {
    let today = query.today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(crate::appeals::map_for_caller(&mut client, &authed.caller, today).await?))
}

#[derive(Deserialize)]
struct AnomaliesQuery {
    /// The day the analysis ends on (default: today in Kazakhstan).
    today: Option<chrono::NaiveDate>,
}

/// The anomalies of inspection practice over the whole office, listed as the caller's role may
/// read them (`ekn-office anomalies`).
async fn anomalies(
    State(state): State<AppState>,
    Query(query): Query<AnomaliesQuery>,
    authed: Authed,
) -> Result<Json<crate::anomalies::OfficeAnomalies>, OfficeError> {
    let today = query.today.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(crate::anomalies::for_caller(&mut client, &authed.caller, today).await?))
}

#[derive(Deserialize)]
struct ThemesScanQuery {
    /// The day the last judged month ends before (default: today in Kazakhstan).
    as_of: Option<chrono::NaiveDate>,
    /// How many full months are judged (1–24; default 3).
    months: Option<u32>,
}

/// The themes and category × district cells of the caller's districts, judged (`ekn-office themes scan`).
async fn themes_scan(
    State(state): State<AppState>,
    Query(query): Query<ThemesScanQuery>,
    authed: Authed,
) -> Result<Json<crate::themes::OfficeThemeScan>, OfficeError> {
    let as_of = query.as_of.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(crate::themes::for_caller(&mut client, &authed.caller, as_of, query.months).await?))
}

#[derive(Deserialize)]
struct ThemesScoresQuery {
    /// The day the scores are computed as of (default: today in Kazakhstan).
    as_of: Option<chrono::NaiveDate>,
}

/// The themes of the caller's districts ranked for the plan (`ekn-office themes scores`).
async fn themes_scores(
    State(state): State<AppState>,
    Query(query): Query<ThemesScoresQuery>,
    authed: Authed,
) -> Result<Json<crate::themes::OfficeThemeScores>, OfficeError> {
    let as_of = query.as_of.unwrap_or_else(dashboard::kazakhstan_today);
    let mut client = state.pool.get().await?;
    Ok(Json(crate::themes::scores_for_caller(&mut client, &authed.caller, as_of).await?))
}

async fn conflicts(State(state): State<AppState>, authed: Authed) -> Result<Json<Vec<ConflictNotice>>, OfficeError> {
    let mut client = state.pool.get().await?;
    Ok(Json(conflicts::conflicts(&mut client, &authed.caller).await?))
}

async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    authed: Authed,
) -> Result<Json<ConflictNotice>, OfficeError> {
    let request: conflicts::Resolution = json(&authed.body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(conflicts::resolve(&mut client, &authed.caller, id, &request).await?))
}

async fn assign(State(state): State<AppState>, authed: Authed) -> Result<Json<office::OfficeTask>, OfficeError> {
    authed.caller.require(&[Role::Supervisor], "assign work")?;
    let request: office::Assignment = json(&authed.body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(office::assign(&mut client, &authed.caller, &request).await?))
}

/// A year's calendar document from the workstation that imported it.
async fn calendar_document(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Json<crate::calendar::CalendarReceipt>, OfficeError> {
    let sent: crate::calendar::CalendarDocument = json(&authed.body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(crate::calendar::receive(&mut client, &authed.caller, &sent).await?))
}

/// The norms catalogue the office confirmed, for an enrolled workstation to take.
async fn norms_document(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Json<ekn_domain::sync::OfficeNormsDocument>, OfficeError> {
    if authed.caller.workstation.is_none() {
        return Err(OfficeError::forbidden("the office's norms go to enrolled workstations, which count with them"));
    }
    not_blocked(&state, &authed.caller).await?;
    let client = state.pool.get().await?;
    crate::norms::document(&client)
        .await?
        .map(Json)
        .ok_or_else(|| OfficeError::not_found("the office has confirmed no norms catalogue"))
}

/// The facts of appeals from the workstation that holds them.
async fn appeal_facts(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Json<ekn_domain::sync::AppealsReceipt>, OfficeError> {
    let sent: Vec<ekn_domain::sync::AppealFactWire> = json(&authed.body)?;
    let mut client = state.pool.get().await?;
    let receipt = crate::appeals::receive(&mut client, &authed.caller, &sent).await?;
    if receipt.stored > 0 {
        crate::national::refresh_in_background(&state.pool, crate::national::Published::AppealDays);
    }
    Ok(Json(receipt))
}

/// The papers of appeals whose task went to a colleague, from the workstation that holds them.
async fn appeal_papers(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Json<ekn_domain::papers::PapersReceipt>, OfficeError> {
    let sent: ekn_domain::papers::PapersRequest = json(&authed.body)?;
    let mut client = state.pool.get().await?;
    Ok(Json(crate::papers::receive(&mut client, &authed.caller, &sent).await?))
}

#[derive(Deserialize)]
struct PapersQuery {
    #[serde(default)]
    after: String,
}

/// The papers of the appeals whose tasks are assigned to the caller.
async fn given_papers(
    State(state): State<AppState>,
    Query(query): Query<PapersQuery>,
    authed: Authed,
) -> Result<Json<ekn_domain::papers::PapersPage>, OfficeError> {
    if query.after.len() > 200 {
        return Err(OfficeError::bad_request("after: a task key of at most 200 bytes"));
    }
    let mut client = state.pool.get().await?;
    Ok(Json(crate::papers::given(&mut client, &authed.caller, &query.after).await?))
}

/// Whom a supervisor may give work to, with each one's open tasks.
async fn people_to_assign(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Json<Vec<ekn_domain::sync::Colleague>>, OfficeError> {
    let mut client = state.pool.get().await?;
    Ok(Json(office::assignable(&mut client, &authed.caller).await?))
}

/// How far one of this workstation's destruction acts has reached.
async fn retention_reach(
    State(state): State<AppState>,
    Path(act): Path<String>,
    authed: Authed,
) -> Result<Json<RedactionReach>, OfficeError> {
    let Some(ws) = &authed.caller.workstation else {
        return Err(OfficeError::forbidden("an act's reach is asked by the workstation that applied it"));
    };
    let client = state.pool.get().await?;
    Ok(Json(crate::retention::reach(&client, ws, &act).await?))
}
