//! What can go wrong in the office server, and how each becomes an HTTP answer: a status and a
//! `Refusal` body the workstation repeats in its own error, so a prosecutor reads why a sync was
//! refused (a fork, a gap, a restored database not yet re-admitted) and not a bare code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ekn_domain::sync::Refusal;

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
            crate::APP_ROLE
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

    /// The error for the console in the language `ekn-office` chose: English as it always was
    /// (the sentence alone); in Russian or Kazakh the code in brackets, its text from the shared
    /// catalogue (`office.error.*`), and the English sentence as the detail it is.
    pub fn in_words(&self) -> String {
        use ekn_i18n::{tr, Lang};
        if ekn_i18n::lang() == Lang::En {
            return self.to_string();
        }
        let code = self.code();
        format!(
            "{} [{code}]: {}\n  {}: {self}",
            tr("cli.error"),
            tr(&format!("office.error.{code}")),
            tr("cli.error_details")
        )
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

#[cfg(test)]
mod tests {
    use ekn_i18n::{catalogue, Entry, Lang};

    /// The string literals that follow `marker` (after a status, for `refused`), across the
    /// office's sources: every refusal code the server can answer with.
    fn codes_after(text: &str, marker: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (at, _) in text.match_indices(marker) {
            let mut rest = text[at + marker.len()..].trim_start();
            if marker.starts_with("refused(") {
                rest = rest.split_once(',').map_or("", |(_, after)| after).trim_start();
            }
            if let Some(literal) = rest.strip_prefix('"') {
                if let Some((code, _)) = literal.split_once('"') {
                    found.push(code.to_string());
                }
            }
        }
        found
    }

    #[test]
    fn every_refusal_code_the_office_answers_with_has_its_three_texts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut codes = vec!["config".to_string(), "internal".to_string()];
        // Every source file, the console's folder included.
        let mut files = Vec::new();
        let mut folders = vec![dir];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for file in files {
            let whole = std::fs::read_to_string(file).unwrap();
            // The code before any test module (this one names the markers themselves).
            let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
            for marker in ["refused(", "conflict(", "refusal(", "error: "] {
                codes.extend(codes_after(text, marker));
            }
        }
        codes.sort();
        codes.dedup();
        for code in ["fork", "gap", "epoch_mismatch", "throttled", "busy", "forbidden"] {
            assert!(codes.iter().any(|c| c == code), "the scan finds '{code}' (found {codes:?})");
        }
        for code in &codes {
            for lang in Lang::ALL {
                let key = format!("office.error.{code}");
                assert!(
                    matches!(catalogue(lang).get(&key), Some(Entry::Text(t)) if !t.trim().is_empty()),
                    "{key} has no text in {lang:?}"
                );
            }
        }
    }
}
