//! What a session knows about the world outside the data: the clock it reads (injected, so no
//! use case reads the wall clock itself and tests can fix time) and who is acting through which
//! face (so every write has an author).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};

use crate::domain::journal::Face;
use crate::store::vault::Passphrase;

/// The time and the legal date. Dates that matter legally are Kazakhstan's (UTC+5 since
/// 1 March 2024); entries are stamped in UTC.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Kazakhstan.
    fn today(&self) -> NaiveDate {
        (self.now() + Duration::hours(5)).date_naive()
    }

    /// `now` as an entry's timestamp.
    fn stamp(&self) -> String {
        self.now().to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The machine's clock with the legal date pinned (`--today`, `EKN_TODAY`): deadlines are judged
/// on that day while entries keep their real time.
#[derive(Debug, Clone, Copy)]
pub struct PinnedDay(pub NaiveDate);

impl Clock for PinnedDay {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn today(&self) -> NaiveDate {
        self.0
    }
}

/// A clock that never moves, for tests that compare entries.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The clock for an optional pinned day.
pub fn clock_for(today: Option<NaiveDate>) -> Arc<dyn Clock> {
    match today {
        Some(day) => Arc::new(PinnedDay(day)),
        None => Arc::new(SystemClock),
    }
}

/// How a face opens a session: through which face, as whom (when the face knows: `--as`,
/// `EKN_USER`), and on which clock.
#[derive(Clone)]
pub struct Context {
    pub face: Face,
    /// The person named on the command line; otherwise Settings' "me", else the OS user.
    pub person: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// The passphrase that opens an encrypted database, as the face asked for it (the command
    /// line from `EKN_PASSPHRASE` or its prompt, the UI from its lock screen). Never printed.
    pub passphrase: Option<Passphrase>,
}

impl Context {
    pub fn new(face: Face, person: Option<String>, clock: Arc<dyn Clock>) -> Context {
        let person = person.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
        Context { face, person, clock, passphrase: None }
    }

    /// The same context with the passphrase of an encrypted database.
    pub fn with_passphrase(self, passphrase: Passphrase) -> Context {
        Context { passphrase: Some(passphrase), ..self }
    }

    /// The command line with nothing pinned.
    pub fn cli() -> Context {
        Context::new(Face::Cli, None, Arc::new(SystemClock))
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("face", &self.face)
            .field("person", &self.person)
            .field("passphrase", &self.passphrase.as_ref().map(|_| "…"))
            .finish()
    }
}

/// The operating system's user, the author of last resort.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown user".into())
}

/// Today's date in Kazakhstan by the machine's clock (for faces choosing a default).
pub fn today_in_kazakhstan() -> NaiveDate {
    SystemClock.today()
}
