//! The office's people: their roles and districts, Argon2id password hashes, blocking, and the
//! sessions a login opens (an opaque 256-bit token of which only the SHA-256 is kept; 30 minutes
//! idle, 12 hours at most, revoked at once by a block). What each role may do is decided here,
//! in one place (`Caller`), and every handler asks it.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Scope;
use crate::error::OfficeError;
use crate::keys::random_bytes;

/// A person's role in the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads and writes their own and assigned work; reads cards of their districts.
    Prosecutor,
    /// Reads everything in the districts supervised; resolves conflicts; assigns work.
    Supervisor,
    /// Depersonalised aggregates only.
    Analyst,
    /// People and workstations; no card content.
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Prosecutor => "prosecutor",
            Role::Supervisor => "supervisor",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Role, OfficeError> {
        match text {
            "prosecutor" => Ok(Role::Prosecutor),
            "supervisor" => Ok(Role::Supervisor),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            other => Err(OfficeError::bad_request(format!(
                "unknown role '{other}': one of prosecutor, supervisor, analyst, admin"
            ))),
        }
    }
}

/// One person as `user list` shows them (never the hash).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub districts: Vec<String>,
    /// The routing table's units the person works in: appeals routed there may be handed to them.
    #[serde(default)]
    pub units: Vec<String>,
    pub blocked: bool,
    pub blocked_reason: Option<String>,
}

/// The person behind a request, and what they may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub person: Person,
    /// The workstation the request came from, when it was signed by one.
    pub workstation: Option<String>,
}

impl Caller {
    /// The scope a request runs under (what it reads, what it may write): the districts their
    /// role lets them see.
    pub fn scope(&self) -> Scope {
        let districts = match self.person.role {
            Role::Prosecutor | Role::Supervisor => self.person.districts.clone(),
            // An analyst reads aggregates computed by the server, an administrator no content.
            Role::Analyst | Role::Admin => Vec::new(),
        };
        Scope {
            districts,
            person_id: Some(self.person.id),
            writer: self.workstation.clone(),
            audit: false,
            admin: self.person.role == Role::Admin,
        }
    }

    /// The district a read by this person is logged under when the object's own is unknown: their
    /// first district, so their supervisor sees it (an administrator's, none: administrators' lines).
    pub fn home_district(&self) -> Option<String> {
        match self.person.role {
            Role::Admin => None,
            _ => self.person.districts.iter().find(|d| d.as_str() != "*").cloned(),
        }
    }

    /// Whether the caller may read one object's content in `district`.
    pub fn may_read_district(&self, district: Option<&str>) -> bool {
        match self.person.role {
            Role::Prosecutor | Role::Supervisor => {
                district.is_some_and(|d| ekn_domain::sync::in_scope(d, &self.person.districts))
            }
            Role::Analyst | Role::Admin => false,
        }
    }

    pub fn require(&self, allowed: &[Role], what: &str) -> Result<(), OfficeError> {
        if allowed.contains(&self.person.role) {
            Ok(())
        } else {
            Err(OfficeError::forbidden(format!("a {} may not {what}", self.person.role.code())))
        }
    }
}

/// Checks a name: one to 200 characters, no control characters.
fn check_name(name: &str) -> Result<(), OfficeError> {
    if name.trim().is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(OfficeError::bad_request("a person's name is 1 to 200 characters, without control characters"));
    }
    Ok(())
}

/// Parses `1910,1920`: KATO prefixes of digits, or `*` for every district.
pub fn parse_districts(text: &str) -> Result<Vec<String>, OfficeError> {
    let districts: Vec<String> = text.split(',').map(str::trim).filter(|d| !d.is_empty()).map(str::to_string).collect();
    for d in &districts {
        if d != "*" && (d.len() > 9 || !d.chars().all(|c| c.is_ascii_digit())) {
            return Err(OfficeError::bad_request(format!(
                "district '{d}' is not a KATO code prefix (up to 9 digits) or '*'"
            )));
        }
    }
    Ok(districts)
}

/// Parses `social_rights,business`: unit ids of the routing table (assets/appeals/routing.json).
pub fn parse_units(text: &str) -> Result<Vec<String>, OfficeError> {
    let table = ekn_domain::triage::RoutingTable::builtin();
    let units: Vec<String> = text.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_string).collect();
    for u in &units {
        if table.unit(u).is_none() {
            let known: Vec<&str> = table.units.iter().map(|u| u.id.as_str()).collect();
            return Err(OfficeError::bad_request(format!(
                "unit '{u}' is not in the routing table {} (its units: {})",
                table.version,
                known.join(", ")
            )));
        }
    }
    Ok(units)
}

/// Hashes a password with Argon2id (the crate's defaults: 19 MiB, 2 passes) and a random salt.
pub fn hash_password(password: &str) -> Result<String, OfficeError> {
    if password.chars().count() < 10 {
        return Err(OfficeError::bad_request("a password has at least 10 characters"));
    }
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| OfficeError::Config(format!("the salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| OfficeError::Config(format!("hashing the password: {e}")))
}

/// A hash nobody's password matches, verified for unknown names so a login takes as long either way.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$mpd8Y1VxwNxNq6S8HfS1HI2VLN0kQPVMBa5qjD5vd1Q";

fn person_from_row(row: &tokio_postgres::Row) -> Result<Person, OfficeError> {
    let role: String = row.get("role");
    let blocked_at: Option<DateTime<Utc>> = row.get("blocked_at");
    Ok(Person {
        id: row.get("id"),
        name: row.get("name"),
        role: Role::parse(&role)?,
        districts: row.get("districts"),
        units: row.get("units"),
        blocked: blocked_at.is_some(),
        blocked_reason: row.get("blocked_reason"),
    })
}

const PERSON_COLUMNS: &str = "id, name, role, districts, units, blocked_at, blocked_reason";

/// Adds a person. A name already taken is refused.
pub async fn add<C: deadpool_postgres::GenericClient>(
    client: &C,
    name: &str,
    role: Role,
    districts: &[String],
    units: &[String],
    password: &str,
) -> Result<Person, OfficeError> {
    check_name(name)?;
    if districts.is_empty() && matches!(role, Role::Prosecutor | Role::Supervisor) {
        return Err(OfficeError::bad_request(format!("a {} needs --districts", role.code())));
    }
    let hash = hash_password(password)?;
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO people(name, role, districts, units, password_hash) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO NOTHING RETURNING {PERSON_COLUMNS}"
            ),
            &[&name, &role.code(), &districts, &units, &hash],
        )
        .await?
        .ok_or_else(|| OfficeError::conflict("exists", format!("a person named '{name}' already exists")))?;
    person_from_row(&row)
}

pub async fn list(client: &tokio_postgres::Client) -> Result<Vec<Person>, OfficeError> {
    let rows = client.query(&format!("SELECT {PERSON_COLUMNS} FROM people ORDER BY name"), &[]).await?;
    rows.iter().map(person_from_row).collect()
}

/// Blocks a person: their sessions end at once, their workstations' syncs are refused.
pub async fn block<C: deadpool_postgres::GenericClient>(
    client: &C,
    name: &str,
    reason: &str,
) -> Result<Person, OfficeError> {
    if reason.trim().is_empty() {
        return Err(OfficeError::bad_request("blocking a person needs a reason"));
    }
    let row = client
        .query_opt(
            &format!(
                "UPDATE people SET blocked_at = now(), blocked_reason = $2 WHERE name = $1 RETURNING {PERSON_COLUMNS}"
            ),
            &[&name, &reason],
        )
        .await?
        .ok_or_else(|| OfficeError::not_found(format!("no person named '{name}'")))?;
    let person = person_from_row(&row)?;
    end_sessions(client, person.id).await?;
    Ok(person)
}

/// Lifts a block, with a reason (the person logs in and their workstations sync again; a
/// workstation revoked on its own stays revoked).
pub async fn unblock<C: deadpool_postgres::GenericClient>(
    client: &C,
    name: &str,
    reason: &str,
) -> Result<Person, OfficeError> {
    if reason.trim().is_empty() {
        return Err(OfficeError::bad_request("unblocking a person needs a reason"));
    }
    let row = client
        .query_opt(
            &format!(
                "UPDATE people SET blocked_at = NULL, blocked_reason = NULL WHERE name = $1 AND blocked_at IS NOT NULL \
                 RETURNING {PERSON_COLUMNS}"
            ),
            &[&name],
        )
        .await?
        .ok_or_else(|| OfficeError::not_found(format!("no blocked person named '{name}'")))?;
    person_from_row(&row)
}

/// Sets the districts a person's role covers (replacing the list); their sessions end, so what
/// they read next is judged on the new scope.
pub async fn set_districts<C: deadpool_postgres::GenericClient>(
    client: &C,
    name: &str,
    districts: &[String],
) -> Result<Person, OfficeError> {
    let before = by_name(client, name).await?;
    if districts.is_empty() && matches!(before.role, Role::Prosecutor | Role::Supervisor) {
        return Err(OfficeError::bad_request(format!("a {} needs districts", before.role.code())));
    }
    let row = client
        .query_one(
            &format!("UPDATE people SET districts = $2 WHERE id = $1 RETURNING {PERSON_COLUMNS}"),
            &[&before.id, &districts],
        )
        .await?;
    end_sessions(client, before.id).await?;
    person_from_row(&row)
}

/// Sets a person's password (Argon2id); their sessions end.
pub async fn set_password<C: deadpool_postgres::GenericClient>(
    client: &C,
    name: &str,
    password: &str,
) -> Result<Person, OfficeError> {
    let person = by_name(client, name).await?;
    let hash = hash_password(password)?;
    client.execute("UPDATE people SET password_hash = $2 WHERE id = $1", &[&person.id, &hash]).await?;
    end_sessions(client, person.id).await?;
    Ok(person)
}

async fn end_sessions<C: deadpool_postgres::GenericClient>(client: &C, person_id: i64) -> Result<(), OfficeError> {
    client
        .execute("UPDATE sessions SET revoked_at = now() WHERE person_id = $1 AND revoked_at IS NULL", &[&person_id])
        .await?;
    Ok(())
}

/// Sets the units a person works in (replacing the previous list).
pub async fn set_units(client: &tokio_postgres::Client, name: &str, units: &[String]) -> Result<Person, OfficeError> {
    let row = client
        .query_opt(
            &format!("UPDATE people SET units = $2 WHERE name = $1 RETURNING {PERSON_COLUMNS}"),
            &[&name, &units],
        )
        .await?
        .ok_or_else(|| OfficeError::not_found(format!("no person named '{name}'")))?;
    person_from_row(&row)
}

pub async fn by_id(client: &tokio_postgres::Client, id: i64) -> Result<Person, OfficeError> {
    let row = client
        .query_opt(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1"), &[&id])
        .await?
        .ok_or_else(|| OfficeError::unauthorized("the person is no longer known to the office"))?;
    person_from_row(&row)
}

pub async fn by_name<C: deadpool_postgres::GenericClient>(client: &C, name: &str) -> Result<Person, OfficeError> {
    let row = client
        .query_opt(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE name = $1"), &[&name])
        .await?
        .ok_or_else(|| OfficeError::not_found(format!("no person named '{name}'")))?;
    person_from_row(&row)
}

/// What a login answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginReply {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub person: Person,
}

const IDLE: i64 = 30;
const ABSOLUTE_HOURS: i64 = 12;

/// What the office keeps of a bearer token (the administrators' journal asks the database with it).
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The longest name a login looks up: no person's name is longer (`check_name`).
pub const MAX_NAME: usize = 200;

/// Checks a name and a password and opens a session. A wrong password, an unknown name and a
/// blocked person get the same answer, after the same work. The database connection is given
/// back before the hash runs (a slow hash must not hold a connection every push needs), and at
/// most `hashing`'s permits of hashes run at once; a login that cannot get one in time is
/// answered busy rather than queued for ever.
pub async fn login(
    pool: &deadpool_postgres::Pool,
    checker: &PasswordChecker,
    name: &str,
    password: &str,
) -> Result<LoginReply, OfficeError> {
    let refused = || OfficeError::unauthorized("wrong name or password, or the person is blocked");
    if name.chars().count() > MAX_NAME || password.len() > 1024 {
        return Err(refused());
    }
    let (person, hash) = {
        let client = pool.get().await?;
        match client.query_opt("SELECT id, password_hash FROM ekn_login($1)", &[&name]).await? {
            Some(row) => (Some(by_id(&client, row.get(0)).await?), row.get::<_, String>(1)),
            // An unknown name costs the same hash as a known one (no telling names apart by time).
            None => (None, DUMMY_HASH.to_string()),
        }
    };
    let matches = checker.check(password, hash).await?;
    let Some(person) = person else { return Err(refused()) };
    if !matches || person.blocked {
        return Err(refused());
    }
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
    let now = Utc::now();
    let expires_at = now + Duration::hours(ABSOLUTE_HOURS);
    pool.get()
        .await?
        .execute(
            "INSERT INTO sessions(token_sha256, person_id, created_at, last_seen, expires_at) VALUES ($1, $2, $3, $3, $4)",
            &[&token_digest(&token), &person.id, &now, &expires_at],
        )
        .await?;
    Ok(LoginReply { token, expires_at, person })
}

/// How long a login waits for its turn to hash before it is answered busy.
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The most memory a stored hash may ask a check to take (the crate's default is 19 MiB; a hash
/// asking for more was not made here, and is refused rather than allocated).
const MAX_HASH_KIB: u32 = 64 * 1024;

/// One password check waiting for a hashing thread.
type CheckJob = (String, String, tokio::sync::oneshot::Sender<bool>);

/// The hashing threads: a fixed few, each with its Argon2 memory allocated once and reused, so a
/// flood of logins neither runs more hashes at once than there are threads nor leaves each
/// short-lived thread's 19 MiB behind in the allocator (a pool of blocking threads did: the
/// server's memory grew by hundreds of megabytes for good). Checks wait in a bounded queue; a
/// login that finds it full, or waits too long, is answered busy.
pub struct PasswordChecker {
    queue: std::sync::mpsc::SyncSender<CheckJob>,
}

impl PasswordChecker {
    pub fn new(threads: usize, queued: usize) -> PasswordChecker {
        let (queue, jobs) = std::sync::mpsc::sync_channel::<CheckJob>(queued);
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        for n in 0..threads {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new().name(format!("ekn-argon2-{n}")).spawn(move || {
                let mut memory: Vec<argon2::Block> = Vec::new();
                loop {
                    let job = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((password, hash, reply)) = job else { return };
                    let _ = reply.send(verify_with(&password, &hash, &mut memory));
                }
            });
            if let Err(e) = spawned {
                tracing::error!(target: "ekn_office", error = %e, "a password-checking thread could not start");
            }
        }
        PasswordChecker { queue }
    }

    /// Whether `password` matches `hash`; busy when too many checks wait.
    pub async fn check(&self, password: &str, hash: String) -> Result<bool, OfficeError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.queue.try_send((password.to_string(), hash, reply)).map_err(|_| busy())?;
        tokio::time::timeout(HASH_WAIT, answer).await.map_err(|_| busy())?.map_err(|_| busy())
    }
}

/// Checks a password against an Argon2id PHC string with `memory` (grown once to the hash's cost,
/// then reused).
fn verify_with(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let Ok(params) = argon2::Params::try_from(&parsed) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    if params.m_cost() > MAX_HASH_KIB {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let argon = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = vec![0u8; expected.len()];
    if argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks]).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    argon2::password_hash::Output::new(&out).is_ok_and(|got| got == expected)
}

fn busy() -> OfficeError {
    OfficeError::refused(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "the office is checking too many logins at once; try again in a minute",
    )
}

/// The person a bearer token belongs to, when the session is alive; touches its idle clock.
pub async fn session_person(client: &tokio_postgres::Client, token: &str) -> Result<Person, OfficeError> {
    let now = Utc::now();
    let row = client
        .query_opt(
            "UPDATE sessions SET last_seen = $2 WHERE token_sha256 = $1 AND revoked_at IS NULL \
             AND expires_at > $2 AND last_seen > $3 RETURNING person_id",
            &[&token_digest(token), &now, &(now - Duration::minutes(IDLE))],
        )
        .await?
        .ok_or_else(|| OfficeError::unauthorized("the session has ended; log in again"))?;
    let person = by_id(client, row.get(0)).await?;
    if person.blocked {
        return Err(OfficeError::unauthorized("the person is blocked"));
    }
    Ok(person)
}

/// Ends a session.
pub async fn logout(client: &tokio_postgres::Client, token: &str) -> Result<(), OfficeError> {
    client.execute("UPDATE sessions SET revoked_at = now() WHERE token_sha256 = $1", &[&token_digest(token)]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[test]
    fn a_password_matches_its_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hash_password("short").is_err());
        // The check with memory reused agrees with the crate's own verification.
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse battery", &parsed).is_ok());
        let mut memory = Vec::new();
        assert!(verify_with("correct horse battery", &hash, &mut memory));
        assert!(!verify_with("correct horse batterY", &hash, &mut memory));
        assert!(!verify_with("correct horse battery", DUMMY_HASH, &mut memory));
        assert!(!verify_with("x", "not a hash", &mut memory));
    }

    #[test]
    fn districts_are_kato_prefixes() {
        assert_eq!(parse_districts("1910, 1920").unwrap(), vec!["1910", "1920"]);
        assert_eq!(parse_districts("*").unwrap(), vec!["*"]);
        assert!(parse_districts("19a0").is_err());
        assert!(parse_districts("1234567890").is_err());
    }
}
