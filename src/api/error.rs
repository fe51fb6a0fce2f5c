//! Errors as every face shows them: a stable `ErrorCode` to switch on (the UI words it in the
//! reader's language, the command line prints it in brackets, `ekn serve` maps it to a status) and a
//! sentence in English for the command line and the logs; the layers' own errors are turned into it
//! here, once.

use serde::Serialize;

use crate::ingest::IngestError;
use crate::store::StoreError;

/// The stable codes of errors: the UI words each one in the reader's language and never shows
/// the English sentence; the command line prints the code in brackets before the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    NoDatabase,
    DatabaseExists,
    DatabaseTooNew,
    Io,
    Internal,
    /// A decision (extension, suspension, refusal, override) was given without its reason.
    ReasonRequired,
    /// The date asked for is not a working day.
    NotWorkingDay,
    /// An extension beyond the norm's cap.
    BeyondCap,
    /// The task waits for open tasks.
    Blocked,
    /// The task is already done or cancelled.
    Closed,
    /// A file or request larger than the product accepts.
    TooLarge,
    /// Nothing is suggested for the object now.
    NothingSuggested,
    /// `ekn serve` refuses a request naming another host (DNS rebinding).
    ForbiddenHost,
    /// `ekn serve` refuses a request from another web page.
    ForbiddenOrigin,
    /// `ekn serve` refuses a request without the session token.
    Unauthorized,
    /// `ekn journal verify` found a problem.
    JournalBroken,
    /// `ekn evidence verify` found a problem with a package.
    EvidenceBroken,
    /// Another process holds the database's write lock (an import beside `ekn serve`): try again.
    Busy,
    /// Another program has the database open where it is to be replaced or removed (`init
    /// --force`, encryption in place): close it first. Nothing was changed.
    InUse,
    /// A key file of an existing database is missing; it is never made anew on its own.
    KeyMissing,
    /// A stored document was sealed with another key than the database's.
    KeyMismatch,
    /// A stored value the product cannot have written (a damaged row).
    Corrupt,
    /// The database is encrypted and needs its passphrase.
    VaultLocked,
    /// The passphrase does not open the database; nothing was written.
    WrongPassphrase,
    /// The office server did not answer (offline, wrong address): nothing is lost, sync again later.
    OfficeUnreachable,
    /// The office refused a request (a fork, a gap, a restored database not re-admitted, a
    /// blocked person, a wrong password); the message says which and what to do.
    OfficeRefused,
    /// The office revoked this workstation, or blocked its person: what was pulled from the office
    /// was purged here; the person's own work stays.
    OfficeRevoked,
    /// The workstation has not joined an office.
    NotJoined,
    /// A typed name differs from the person this workstation is enrolled to.
    NotEnrolledPerson,
    /// A registry portal refused a connector's request (its key, dataset, version or key field):
    /// trying again will not help; nothing was published.
    PortalRefused,
    /// A registry portal did not answer after every retry, or asked to wait too long: nothing was
    /// published, and the next run resumes from what is staged.
    PortalUnavailable,
    /// The person cancelled long work (reading a document); nothing was recorded.
    Cancelled,
    /// `ekn norms check` found quotes of the catalogue that a newer text of the law no longer has.
    NormsOutdated,
}

impl ErrorCode {
    /// Every code, for what must cover them all (the user guide's topics, the UI's texts). A new
    /// variant fails to compile in `listed` below until it is added here too.
    pub const ALL: [ErrorCode; 35] = [
        Self::NotFound,
        Self::InvalidInput,
        Self::NoDatabase,
        Self::DatabaseExists,
        Self::DatabaseTooNew,
        Self::Io,
        Self::Internal,
        Self::ReasonRequired,
        Self::NotWorkingDay,
        Self::BeyondCap,
        Self::Blocked,
        Self::Closed,
        Self::TooLarge,
        Self::NothingSuggested,
        Self::ForbiddenHost,
        Self::ForbiddenOrigin,
        Self::Unauthorized,
        Self::JournalBroken,
        Self::EvidenceBroken,
        Self::Busy,
        Self::InUse,
        Self::KeyMissing,
        Self::KeyMismatch,
        Self::Corrupt,
        Self::VaultLocked,
        Self::WrongPassphrase,
        Self::OfficeUnreachable,
        Self::OfficeRefused,
        Self::OfficeRevoked,
        Self::NotJoined,
        Self::NotEnrolledPerson,
        Self::PortalRefused,
        Self::PortalUnavailable,
        Self::Cancelled,
        Self::NormsOutdated,
    ];

    /// Exhaustive on purpose: the compiler names a variant missing from `ALL`'s list here.
    #[allow(dead_code)]
    const fn listed(self) {
        match self {
            Self::NotFound
            | Self::InvalidInput
            | Self::NoDatabase
            | Self::DatabaseExists
            | Self::DatabaseTooNew
            | Self::Io
            | Self::Internal
            | Self::ReasonRequired
            | Self::NotWorkingDay
            | Self::BeyondCap
            | Self::Blocked
            | Self::Closed
            | Self::TooLarge
            | Self::NothingSuggested
            | Self::ForbiddenHost
            | Self::ForbiddenOrigin
            | Self::Unauthorized
            | Self::JournalBroken
            | Self::EvidenceBroken
            | Self::Busy
            | Self::InUse
            | Self::KeyMissing
            | Self::KeyMismatch
            | Self::Corrupt
            | Self::VaultLocked
            | Self::WrongPassphrase
            | Self::OfficeUnreachable
            | Self::OfficeRefused
            | Self::OfficeRevoked
            | Self::NotJoined
            | Self::NotEnrolledPerson
            | Self::PortalRefused
            | Self::PortalUnavailable
            | Self::Cancelled
            | Self::NormsOutdated => {}
        }
    }

    /// The code as the faces print it (`not_found`), the same word serde writes.
    pub fn code(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

/// An error as the faces show it: a stable code to switch on and a sentence (English) for the
/// command line and the logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Where in a file the problem is, as data, so a face words it in the reader's language. Boxed:
    /// every `Result` of the api carries this error, and most have no place to name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<Box<ErrorDetail>>,
}

/// The place of a problem in a file a person gave: the file's name, the line (of text) or row
/// (of a sheet), the column, and the refused value where it is safe to show (never a name, an
/// IIN or an appeal's text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ErrorDetail {
    pub file: String,
    /// "line" for text files (CSV, JSON), "row" for a sheet (XLSX).
    pub position: String,
    pub line: u64,
    /// The column as ЭКН names it (`start_date`), or "—" when the problem is the record as a whole.
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub value: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), detail: None }
    }

    /// A file a person named that cannot be read: `not_found` when it is not there, `io` otherwise
    /// (a permission refused is not a missing file).
    pub fn of_file(name: &str, e: &std::io::Error) -> Self {
        let code = if e.kind() == std::io::ErrorKind::NotFound { ErrorCode::NotFound } else { ErrorCode::Io };
        ApiError::new(code, format!("{name}: {e}"))
    }

    /// A value a person gave that cannot be used (`invalid_input`).
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidInput, message)
    }
}

impl From<crate::connect::spec::SpecError> for ApiError {
    fn from(e: crate::connect::spec::SpecError) -> Self {
        ApiError::invalid(e.0)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::InUse { .. } => ErrorCode::InUse,
            e if e.is_busy() => ErrorCode::Busy,
            StoreError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::NoDatabase(_) => ErrorCode::NoDatabase,
            StoreError::KeyMissing { .. } | StoreError::VaultHeaderMissing { .. } => ErrorCode::KeyMissing,
            StoreError::VaultMismatch { .. } => ErrorCode::KeyMismatch,
            StoreError::Locked { .. } => ErrorCode::VaultLocked,
            StoreError::WrongPassphrase { .. } => ErrorCode::WrongPassphrase,
            StoreError::Corrupt(_) => ErrorCode::Corrupt,
            StoreError::Invalid(_) => ErrorCode::InvalidInput,
            StoreError::Io { .. } | StoreError::BadKey { .. } => ErrorCode::Io,
            StoreError::Sqlite(_) | StoreError::Internal(_) => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Store(inner) => match inner.downcast::<StoreError>() {
                Ok(store) => (*store).into(),
                Err(other) => ApiError::new(ErrorCode::Internal, other.to_string()),
            },
            IngestError::Invalid { ref file, position, line, ref field, ref value, .. } => {
                let detail = ErrorDetail {
                    file: file.clone(),
                    position: position.to_string(),
                    line,
                    field: field.clone(),
                    value: value.clone(),
                };
                ApiError { code: ErrorCode::InvalidInput, message: e.to_string(), detail: Some(Box::new(detail)) }
            }
            other => ApiError::new(ErrorCode::InvalidInput, other.to_string()),
        }
    }
}
