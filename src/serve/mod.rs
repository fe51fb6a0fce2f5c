//! `ekn serve`: the UI and its API over HTTP for a browser on the same machine. The server binds
//! to loopback, prints a URL with a random session token, and answers only requests that carry
//! the token and name this server in `Host` (and in `Origin`, when a browser sends one), so
//! neither another local user nor a web page the prosecutor happens to visit can read the data.
//!
//! Every API call is `POST /api/<method>` with a JSON body, answered by the same `rpc` table as
//! the desktop app's `call` command.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

use crate::api::host::Host;
use crate::api::{ApiError, ErrorCode};

/// The header the UI sends the session token in.
pub const TOKEN_HEADER: &str = "x-ekn-token";

/// The Content-Security-Policy of every page: nothing but this server, no inline scripts. Frames
/// show only the page's own blobs (an act's PDF preview).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; frame-src blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// Uploads are sent base64-encoded in JSON: the largest upload the host accepts, plus the JSON
/// around it. A larger body is refused with 413 before it is read.
const BODY_LIMIT: usize = crate::api::host::MAX_UPLOAD_BYTES / 3 * 4 + 1024 * 1024;

struct Shared {
    host: Arc<Host>,
    token: String,
    allowed_hosts: Vec<String>,
}

/// A bound server, ready to run.
pub struct Server {
    listener: tokio::net::TcpListener,
    runtime: tokio::runtime::Runtime,
    router: Router,
    pub address: SocketAddr,
    pub token: String,
}

impl Server {
    /// Binds to `127.0.0.1:port` (0 picks a free port) and prepares the routes. `ui` is the built
    /// UI (ui/dist); without it the API still answers and `/` says how to build the UI.
    pub fn bind(host: Arc<Host>, port: u16, ui: Option<PathBuf>) -> Result<Server, ApiError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the server runtime: {e}")))?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
        let address = listener.local_addr().map_err(|e| ApiError::new(ErrorCode::Io, e.to_string()))?;
        let token = crate::api::random_token();
        let shared = Arc::new(Shared {
            host,
            token: token.clone(),
            allowed_hosts: vec![format!("127.0.0.1:{}", address.port()), format!("localhost:{}", address.port())],
        });
        let api = Router::new()
            .route("/api/{method}", post(api_call))
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(shared.clone());
        let router = match ui.filter(|dir| dir.join("index.html").is_file()) {
            Some(dir) => {
                let index = dir.join("index.html");
                api.fallback_service(tower_http::services::ServeDir::new(&dir).fallback(
                    tower_http::services::ServeFile::new(index),
                ))
            }
            None => api.fallback(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The UI is not built: run `npm --prefix ui ci && npm --prefix ui run build`, then restart `ekn serve`.",
                )
            }),
        };
        let checked = shared.clone();
        let router = router.layer(axum::middleware::from_fn(move |request, next| {
            let shared = checked.clone();
            async move { guard(shared, request, next).await }
        }));
        Ok(Server { listener, runtime, router, address, token })
    }

    /// The address to open: the UI with the session token.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.address.port(), self.token)
    }

    /// Serves until the process is stopped (Ctrl+C ends it cleanly).
    pub fn run(self) -> Result<(), ApiError> {
        let Server { listener, runtime, router, .. } = self;
        runtime
            .block_on(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = tokio::signal::ctrl_c().await;
                    })
                    .await
            })
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("server stopped: {e}")))
    }
}

/// Refuses requests that do not name this server (DNS rebinding), come from another origin, or,
/// for the API, lack the session token. Adds the security headers to every answer.
async fn guard(shared: Arc<Shared>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    let host_ok = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| shared.allowed_hosts.iter().any(|a| a == h));
    let origin_ok = match headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("")) {
        None => true,
        Some(origin) => shared.allowed_hosts.iter().any(|a| origin == format!("http://{a}")),
    };
    if !host_ok {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            ErrorCode::ForbiddenHost,
            "this server answers only 127.0.0.1 or localhost",
        );
    }
    if !origin_ok {
        return refuse(StatusCode::FORBIDDEN, ErrorCode::ForbiddenOrigin, "requests from other web pages are refused");
    }
    if request.uri().path().starts_with("/api/") && !token_ok(headers, &shared.token) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "the session token is missing or wrong; open the URL `ekn serve` printed",
        );
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Compares the whole token whatever the input, so timing does not reveal a matching prefix.
fn token_ok(headers: &HeaderMap, token: &str) -> bool {
    let given = headers.get(TOKEN_HEADER).map(|v| v.as_bytes()).unwrap_or(b"");
    given.len() == token.len() && given.iter().zip(token.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    (status, Json(ApiError::new(code, message))).into_response()
}

async fn api_call(
    State(shared): State<Arc<Shared>>,
    UrlPath(method): UrlPath<String>,
    body: axum::body::Bytes,
) -> Response {
    let params: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return refuse(StatusCode::BAD_REQUEST, ErrorCode::InvalidInput, &format!("the body is not JSON: {e}"))
            }
        }
    };
    let host = shared.host.clone();
    let started = std::time::Instant::now();
    // Only a declared method's name is logged: the path is whatever a client sent.
    let name = crate::api::rpc::METHODS.iter().find(|m| m.name == method).map_or("(unknown)", |m| m.name);
    let answer = tokio::task::spawn_blocking(move || host.call(&method, params)).await;
    tracing::debug!(target: "ekn::serve", method = name, ok = matches!(answer, Ok(Ok(_))), ms = started.elapsed().as_millis() as u64, "request");
    match answer {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(e)) => {
            let status = match e.code {
                ErrorCode::NotFound => StatusCode::NOT_FOUND,
                ErrorCode::Internal | ErrorCode::Io | ErrorCode::Corrupt => StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::KeyMissing | ErrorCode::KeyMismatch => StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                // Another process holds the write lock: the same request may pass in a moment.
                ErrorCode::Busy => StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::InUse => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            (status, Json(e)).into_response()
        }
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, &e.to_string()),
    }
}

/// Where the built UI is: `EKN_UI_DIR`, else ui/dist beside the program's source tree.
pub fn default_ui_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("EKN_UI_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui").join("dist")
}
