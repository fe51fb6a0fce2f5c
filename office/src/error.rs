//! What can go wrong in the office server, and how each becomes an HTTP answer: a status and a
//! `Refusal` body the workstation repeats in its own error, so a prosecutor reads why a sync was
//! refused (a fork, a gap, a restored database not yet re-admitted) and not a bare code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ekn::domain::sync::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("{0}")]
    Config(String),
    #[error("the database: {}", describe_db(.0))]
    Db(#[from] tokio_postgres::Error),
    #[error("the database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// A refusal the caller must act on, with its HTTP status.
    #[error("{}", .1.message)]
    Refused(StatusCode, Refusal),
}

/// A database error in words: PostgreSQL's own message and code (tokio-postgres alone says only
/// "db error"), and for a refused privilege what to do about it.
fn describe_db(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) if db.code() == &tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE => format!(
            "{} ({}): this needs the owner's connection — migrate and the console's changes to people, workstations, \
             connectors and settings run as the database's owner, the server as {} (docs/OFFICE.md)",
            db.message(),
            db.code().code(),
            crate::db::APP_ROLE
        ),
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let source = std::error::Error::source(e).map(|s| format!(": {s}")).unwrap_or_default();
            format!("{e}{source}")
        }
    }
}

impl OfficeError {
    pub fn refused(status: StatusCode, code: &str, message: impl Into<String>) -> OfficeError {
        OfficeError::Refused(status, Refusal { error: code.into(), message: message.into(), expected_seq: None })
    }

    pub fn bad_request(message: impl Into<String>) -> OfficeError {
        OfficeError::refused(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> OfficeError {
        OfficeError::refused(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> OfficeError {
        OfficeError::refused(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> OfficeError {
        OfficeError::refused(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> OfficeError {
        OfficeError::refused(StatusCode::CONFLICT, code, message)
    }

    /// The refusal's code, for tests and logs.
    pub fn code(&self) -> &str {
        match self {
            OfficeError::Refused(_, r) => &r.error,
            OfficeError::Config(_) => "config",
            OfficeError::Db(_) | OfficeError::Pool(_) => "internal",
        }
    }
}

impl IntoResponse for OfficeError {
    fn into_response(self) -> Response {
        let (status, refusal) = match self {
            OfficeError::Refused(status, refusal) => (status, refusal),
            // Every connection busy for longer than the pool waits: the office is overloaded, not broken.
            OfficeError::Pool(deadpool_postgres::PoolError::Timeout(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                Refusal {
                    error: "busy".into(),
                    message: "the office is busy; nothing was lost, try again in a minute".into(),
                    expected_seq: None,
                },
            ),
            other => {
                // The database's own message can quote a row; it goes to the server's log, not
                // to the caller, and never with parameters.
                let database = match &other {
                    OfficeError::Db(e) => e.as_db_error().map(|d| format!("{}: {}", d.code().code(), d.message())),
                    _ => None,
                };
                tracing::error!(target: "ekn_office", error = %other, database = ?database, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Refusal {
                        error: "internal".into(),
                        message: "the office server failed; try again later".into(),
                        expected_seq: None,
                    },
                )
            }
        };
        (status, axum::Json(refusal)).into_response()
    }
}
