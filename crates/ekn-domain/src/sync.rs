//! The office sync protocol `ekn.sync/1` as values: what a workstation pushes (its journal's
//! entries, each with the object it concerns across the office and that object's district), what
//! it pulls (its colleagues' entries in its scope, in the office's global order), the replies and
//! refusals, and how a workstation signs a request with the key that signs its checkpoints.
//!
//! Both sides compile this one file: the workstation (`api::office`) builds the requests, the
//! office server (`ekn-office`) checks them with the same chain hash (`journal::chain_hash`), so
//! what a workstation sealed is exactly what the server stores and witnesses.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::journal::{Checkpoint, StoredEntry};

/// The protocol's version; a server answers 426 to any other. Version 2: requests carry a nonce
/// and a time within minutes of the office's, answers to a workstation are signed by the office
/// key, and the office places entries itself.
pub const PROTOCOL: u32 = 2;

/// The most entries one push may carry: a batch is one transaction on the server, and a small
/// one is cheap to send again after a timeout.
pub const MAX_BATCH: usize = 500;

/// The most entries one pull returns.
pub const MAX_PULL: i64 = 1000;

/// The request headers a workstation signs its requests with.
pub const HEADER_WORKSTATION: &str = "x-ekn-workstation";
pub const HEADER_TIME: &str = "x-ekn-time";
pub const HEADER_SIGNATURE: &str = "x-ekn-signature";
/// A random value a signed request carries once: the office refuses a second request with it.
pub const HEADER_NONCE: &str = "x-ekn-nonce";
/// The office's signature over its answer to a signed request (`reply_bytes`).
pub const HEADER_OFFICE_SIGNATURE: &str = "x-ekn-office-signature";

/// How far a signed request's time may be from the office's clock. Short, because a captured
/// request could be sent again within it: the office remembers the nonces it saw for this long.
pub const REQUEST_WINDOW_SECONDS: i64 = 5 * 60;

/// One journal entry on its way to the office: the entry exactly as the workstation's chain holds
/// it (personal data included: the office's supervisors read notes and reasons; row-level
/// security keeps them to the districts in scope), with what the office needs to place it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncEvent {
    pub entry: StoredEntry,
    /// The object the entry concerns, unique across the office: `task:<workstation>/<local id>`
    /// (local task ids collide between workstations), `appeal:<number>/<kind>` for the deadline
    /// the rules set for an appeal (the same on every workstation that imported the appeal),
    /// `appeal:<number>`, `card:<BIN>`; `None`
    /// for an entry about the workstation itself (a setting, an import).
    pub object_key: Option<String>,
    /// The object's district (its KATO code), else the author's first district: who may read it
    /// is decided on this.
    pub district: Option<String>,
    /// The highest global sequence on this object the writer had seen when writing (0: none); two
    /// writes on one object neither of which saw the other are concurrent.
    pub base_global: i64,
    /// For an entry about a task: the task's state as the workstation holds it when pushing (the
    /// office's dashboards are built from these, so they count exactly what the desks count).
    pub task: Option<TaskState>,
}

/// A task's state as the office sees it: enough for the dashboards, the overdue list and the
/// heat maps, and nothing a supervisor would not see on the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TaskState {
    pub task_kind: String,
    pub title: String,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub assignee: String,
    pub unit: String,
    pub region_code: Option<String>,
    pub category: Option<String>,
    pub event_date: chrono::NaiveDate,
    pub original_due: chrono::NaiveDate,
    pub current_due: chrono::NaiveDate,
    pub status: String,
    pub done_on: Option<chrono::NaiveDate>,
    /// The norm the due date follows and its period, and the suspensions: enough for a colleague's
    /// workstation to explain the date with its own calendar and norms, as it does its own tasks.
    #[serde(default)]
    pub norm_id: Option<String>,
    #[serde(default)]
    pub period: Option<crate::deadline::Period>,
    #[serde(default)]
    pub suspensions: Vec<crate::deadline::Suspension>,
}

impl TaskState {
    /// The office's view of a task: its fields as codes, without the norm's period and the
    /// suspensions (the caller adds them where it has them).
    pub fn of(task: &crate::tasks::Task) -> TaskState {
        TaskState {
            task_kind: task.kind.code().to_string(),
            title: task.title.clone(),
            subject_bin: task.subject_bin.clone(),
            appeal_no: task.appeal_no.clone(),
            assignee: task.assignee.clone(),
            unit: task.unit.clone(),
            region_code: task.region_code.clone(),
            category: task.category.clone(),
            event_date: task.event_date,
            original_due: task.original_due,
            current_due: task.current_due,
            status: task.status.code().to_string(),
            done_on: task.done_on,
            norm_id: task.norm_id.clone(),
            period: None,
            suspensions: Vec::new(),
        }
    }
}

/// `POST /v1/sync/push`: a contiguous run of a workstation's journal, and its newest checkpoint
/// when the run ends at the checkpoint's size (the server witnesses it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub app_version: String,
    pub workstation_id: String,
    /// The database's identity in time: the instance made at enrolment and the number of restores
    /// behind it. A restored database has a new epoch and must be re-admitted.
    pub epoch: String,
    pub events: Vec<SyncEvent>,
    pub checkpoint: Option<Checkpoint>,
}

/// The server's signature over a checkpoint it checked against the entries it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosignature {
    pub size: u64,
    pub merkle_root: String,
    pub at: String,
    /// The office's ed25519 public key, hex.
    pub office_key: String,
    /// Over `cosign_bytes(workstation, size, root, at)`, hex.
    pub signature: String,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushReply {
    /// The workstation's last entry the office now holds.
    pub accepted_through_seq: i64,
    /// Entries stored by this push.
    pub applied: usize,
    /// Entries the office already held, byte for byte (a batch sent again): skipped.
    pub duplicates: usize,
    /// The global sequence numbers given to the entries stored, when any were.
    pub global_from: Option<i64>,
    pub global_to: Option<i64>,
    /// Conflicts this push opened (object keys).
    pub conflicts: Vec<String>,
    pub cosignature: Option<Cosignature>,
    pub server_time: String,
    /// Where the office placed an entry otherwise than the push said (another district, another
    /// object): the office decides placement, and says so.
    #[serde(default)]
    pub placement: Vec<PlacementNote>,
    /// Destruction acts this push carried, as carried out on the office's copy.
    #[serde(default)]
    pub redactions: Vec<RedactionDone>,
}

/// An entry the office placed otherwise than its push said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlacementNote {
    pub seq: i64,
    pub message: String,
    /// A claim no honest workstation makes (a district outside its person's scope, another
    /// workstation's task): recorded as an incident for the administrator.
    pub suspicious: bool,
}

/// A destruction act carried out on the office's copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RedactionDone {
    pub act_number: String,
    /// The act's notice in the office's order (what replicas pull).
    pub global_seq: i64,
    /// The office's entries whose personal data it cleared.
    pub office_entries: i64,
    /// Entries about the records written before journal v2: their text is in the chain.
    pub kept_v1: i64,
    /// Entries about the records placed outside the author's districts: left to theirs.
    pub kept_outside: i64,
}

/// A destruction act as every replica pulls it: what it names and which of the office's entries
/// it cleared, so the replica clears its copies of them, its own entries among them
/// (`own_entries`, by its journal's numbers) and its own copies of the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionNotice {
    pub global_seq: i64,
    pub act_number: String,
    /// The workstation whose act it is.
    pub workstation_id: String,
    /// Appeal numbers and document keys (`sha256@BIN`), never content.
    pub records: Vec<String>,
    /// The office's entries (global numbers) it cleared.
    pub entries: Vec<i64>,
    /// Of those, the puller's own, by its journal's numbers.
    pub own_entries: Vec<i64>,
}

/// How far an act has reached: the office's copy, and the workstations that pulled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RedactionReach {
    pub act_number: String,
    pub office_at: String,
    pub office_entries: i64,
    pub kept_v1: i64,
    pub kept_outside: i64,
    /// Colleagues' workstations (person and machine) that pulled the act's notice.
    pub replicas_reached: Vec<String>,
    /// Those that have not yet (offline since): they still hold copies until their next sync.
    pub replicas_pending: Vec<String>,
}

/// A re-admitted restored database began a new stream: the entries of its old stream from
/// `from_seq` on are superseded, and what they made is undone on the replica too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetractionNotice {
    pub global_seq: i64,
    pub workstation_id: String,
    /// The superseded stream's epoch.
    pub epoch: String,
    pub from_seq: i64,
    /// The tasks those entries touched, each with the state that stands now (`None`: gone).
    pub tasks: Vec<RetractedTask>,
}

/// A task a retraction touched, with the state that stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetractedTask {
    pub object_key: String,
    pub state: Option<TaskState>,
}

/// One entry pulled from a colleague's workstation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledEvent {
    pub global_seq: i64,
    pub workstation_id: String,
    pub epoch: String,
    /// The enrolled person whose workstation wrote it.
    pub author: String,
    pub event: SyncEvent,
}

/// `GET /v1/sync/pull?since=N&limit=M`: the entries after `since` in the caller's scope, in the
/// office's order; `next` is the cursor to ask from next (the last global sequence looked at,
/// even when it was not in scope, so nothing is read twice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullReply {
    pub events: Vec<PulledEvent>,
    pub next: i64,
    pub more: bool,
    /// Work a supervisor assigned or reassigned in the same stretch of the office's order, on
    /// tasks the caller may see (their own scope, or assigned to them).
    #[serde(default)]
    pub assignments: Vec<AssignmentNotice>,
    /// Conflicts opened, extended or resolved in the same stretch, on objects the caller may see:
    /// the due date in force follows them on every workstation, not only on the office.
    #[serde(default)]
    pub conflicts: Vec<ConflictNotice>,
    /// The earlier entries of tasks newly assigned to the caller in this stretch (written before
    /// the task was in their scope), so the assignee holds the task's whole history.
    #[serde(default)]
    pub history: Vec<PulledEvent>,
    /// The connectors' network the office sets for all its workstations (`None`: it sets none,
    /// or an older server).
    #[serde(default)]
    pub network: Option<OfficeNetwork>,
    /// The newest published run of each of the office's own connectors (the office fetching a
    /// registry for the whole office): a workstation that has not imported it fetches its
    /// records (`GET /v1/connectors/{name}/runs/{run_id}/records`) and imports them.
    #[serde(default)]
    pub connector_runs: Vec<OfficeConnectorRun>,
    /// Destruction acts numbered in this stretch: every replica clears its copies.
    #[serde(default)]
    pub redactions: Vec<RedactionNotice>,
    /// Restored databases' superseded streams in this stretch, undone on the replica.
    #[serde(default)]
    pub retractions: Vec<RetractionNotice>,
    /// The SHA-256 of every calendar year document the office holds (`None`: an office that
    /// takes none): the workstation sends each imported year the office lacks (`POST /v1/calendar`),
    /// so the office counts working days with the newest calendar any workstation imported.
    #[serde(default)]
    pub calendars_held: Option<Vec<String>>,
    /// How many appeals this workstation's copies at the office number, on the last page of a
    /// pull (`None` on the others, or from an office that takes none). Fewer than it handed over — an office restored from a backup — makes the
    /// workstation hand every appeal over again.
    #[serde(default)]
    pub appeals_held: Option<u64>,
    /// The norms catalogue the office confirmed (`None`: it confirmed none, or an older server).
    #[serde(default)]
    pub norms: Option<OfficeNormsNotice>,
}

/// A run of an office connector, published: every page of it fetched and staged at the office,
/// its records assembled (the field map applied) into one body with this digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeConnectorRun {
    pub connector: String,
    pub run_id: i64,
    pub data: crate::records::DataKind,
    /// The name the body is imported under (its extension says its format: a JSON array of an
    /// egov-v4 dataset's records, or the published file as it was).
    pub file_name: String,
    /// Where it came from, as the import's provenance says it: the address, dataset, version,
    /// the keyset's range and the pages.
    pub source: String,
    pub records: i64,
    pub bytes: i64,
    pub sha256: String,
    pub finished_at: String,
}

/// The connectors' network an office's administrator set for every workstation: an extra CA
/// bundle (its HTTPS-inspecting firewall) and a proxy, with who set it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeNetwork {
    pub settings: crate::network::NetworkSettings,
    pub set_by: String,
    pub set_at: String,
}

/// The norms catalogue an office's administrator confirmed for every workstation, as each pull
/// names it: a workstation that does not hold this one fetches it (`GET /v1/norms`). Lenient like
/// the `PullReply` it travels in: a field a newer office adds must not stop an older workstation's
/// pulls (the document itself is checked by its digest and read strictly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeNormsNotice {
    pub sha256: String,
    /// The file the administrator imported it from, as they named it.
    pub source_file: String,
    pub norms: usize,
    pub imported_by: String,
    pub imported_at: String,
}

/// The office's norms catalogue itself (`GET /v1/norms`): the notice and the document verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeNormsDocument {
    pub notice: OfficeNormsNotice,
    pub document: String,
}

/// The most an office's norms catalogue may weigh, on both sides (the shipped one is ~110 KB).
pub const MAX_NORMS_DOCUMENT: usize = 4 * 1024 * 1024;

/// A supervisor's assignment as a workstation pulls it: numbered in the office's global order
/// like an entry, so a puller neither misses nor repeats one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentNotice {
    pub global_seq: i64,
    pub object_key: String,
    /// The person whose workstation holds the task.
    pub holder: String,
    pub district: Option<String>,
    pub task: TaskState,
    pub assigned_to: String,
    pub assigned_by: String,
    pub reason: String,
    pub at: String,
}

/// A person a supervisor may give work to, as the office offers them (`GET /v1/people`): the
/// office's prosecutors and supervisors, not blocked, whose districts meet the supervisor's, with
/// the open tasks they hold now in the supervisor's districts (so the load is seen before choosing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Colleague {
    pub name: String,
    /// `prosecutor` or `supervisor`.
    pub role: String,
    pub districts: Vec<String>,
    pub units: Vec<String>,
    pub open_tasks: u64,
}

/// Two or more writes on one object that did not see each other, as a supervisor reads it and a
/// workstation pulls it: numbered in the office's order each time it opens, grows or is resolved
/// (a later notice on the same conflict replaces an earlier one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ConflictNotice {
    pub global_seq: i64,
    pub id: i64,
    pub object_key: String,
    pub district: Option<String>,
    /// The task as the office holds it, when the object is a task (its title, its dates).
    pub task: Option<TaskState>,
    pub entries: Vec<ConflictEntry>,
    pub opened_at: String,
    /// The due date in force: while the conflict is open the earliest any entry set (or the
    /// task's own, when earlier); once resolved, the chosen entry's.
    pub due_in_force: Option<chrono::NaiveDate>,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// The global sequence of the entry whose date the supervisor kept.
    pub chosen: Option<i64>,
    pub reason: Option<String>,
}

impl ConflictNotice {
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }
}

/// One of a conflict's entries: who wrote it on which workstation, and what it set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ConflictEntry {
    pub global_seq: i64,
    pub workstation_id: String,
    /// The entry's number in its workstation's journal.
    pub seq: i64,
    pub author: String,
    pub kind: String,
    pub at: String,
    pub old_due: Option<chrono::NaiveDate>,
    pub new_due: Option<chrono::NaiveDate>,
    pub detail: String,
}

/// Why a server refused a request, as its JSON body says; the workstation's error repeats it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// `gap`, `fork`, `epoch_mismatch`, `bad_chain`, `bad_checkpoint`, `blocked`, `unauthorized`,
    /// `forbidden`, `not_found`, `bad_request`, `protocol`, `conflict`, `internal`.
    pub error: String,
    pub message: String,
    /// For `gap`: the sequence the server expected next.
    pub expected_seq: Option<i64>,
}

/// A read the office's access log records (`POST /v1/access` carries a workstation's queued
/// ones; the office logs its own the same way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    /// `card`, `appeal`, `package`, `search`, `export`, `access_log`, `dashboard`, `conflicts`.
    pub action: String,
    pub subject: Option<String>,
    pub district: Option<String>,
    /// `allowed`, `refused`, `not_found`.
    pub outcome: String,
    /// When the read was made (a queued offline read keeps its own time).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The workstation's own number for a queued read: the office logs it once per epoch.
    pub local_id: Option<i64>,
    /// The epoch of the database that queued it: a database restored from a backup numbers its
    /// reads again from where the backup stood, and those are other reads than the ones logged.
    #[serde(default)]
    pub epoch: Option<String>,
    pub detail: Option<String>,
}

/// The most appeal facts one `POST /v1/appeals` carries.
pub const MAX_APPEAL_FACTS: usize = 1000;

/// One appeal as it travels to the office (`POST /v1/appeals`): the facts analytics count with
/// and nothing that names a person — no text, no applicant's IIN or name, no channel. The
/// applicant is a keyed pseudonym — the office-wide one, or this workstation's own for an appeal
/// imported before it joined (the office qualifies those by the workstation) — and the text only
/// its SimHash fingerprint, which is what the returning-applicant check compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealFactWire {
    pub appeal_no: String,
    /// The supervised object's BIN, when the appeal names one.
    pub subject_bin: Option<String>,
    /// The appeal's KATO code: where the office places it (one without is placed in the
    /// sender's own district; the workstation sends only appeals of its person's districts, by
    /// this code or else its object's).
    pub kato: Option<String>,
    /// The category in force (a person's correction over the pipeline's, over the import's).
    pub category: Option<String>,
    pub received: chrono::NaiveDate,
    pub decided: Option<chrono::NaiveDate>,
    /// `satisfied`, `refused`, `explained`.
    pub outcome: Option<String>,
    /// `o:` and 24 hex digits under the office's key (imported after joining), else `p:` and 24
    /// under this workstation's own.
    pub applicant: Option<String>,
    pub simhash: Option<i64>,
    /// Triage's priority rules found harm or a threat in it (the theme scores' severity; the
    /// rules are `ScoringWeights::severity_rules`). Left out when false, so an appeal without it
    /// keeps the fingerprint it was sent with.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub severe: bool,
    /// Triage found it a repeat of an earlier appeal (a duplicate group's member).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repeat: bool,
}

/// What the office made of a batch of appeal facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealsReceipt {
    /// Stored or changed.
    pub stored: usize,
    /// Held already as sent.
    pub unchanged: usize,
    /// Not taken: placed outside the sender's districts (an appeal of another district is not
    /// this person's to hand to the office).
    pub outside: usize,
    /// The numbers of those not taken (the workstation offers them again at its next sync, in
    /// case the person's districts grow).
    #[serde(default)]
    pub not_taken: Vec<String>,
}

/// The bytes a workstation signs for a request: the method, the path with its query, the time,
/// the nonce and the body's SHA-256, each length-prefixed.
pub fn request_bytes(method: &str, path_and_query: &str, time: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let body_hash = hex::encode(Sha256::digest(body));
    let mut out = b"ekn.request/2".to_vec();
    for part in [method, path_and_query, time, nonce, body_hash.as_str()] {
        out.extend((part.len() as u64).to_le_bytes());
        out.extend(part.as_bytes());
    }
    out
}

/// A signed request's headers' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSignature {
    pub time: String,
    pub nonce: String,
    pub signature: String,
}

/// Signs a request with the workstation's key at `time`, with `nonce` (16 random bytes in hex,
/// fresh for each request: the caller draws them).
pub fn sign_request(
    key: &SigningKey,
    method: &str,
    path_and_query: &str,
    time: &str,
    nonce: String,
    body: &[u8],
) -> RequestSignature {
    let signature = hex::encode(key.sign(&request_bytes(method, path_and_query, time, &nonce, body)).to_bytes());
    RequestSignature { time: time.to_string(), nonce, signature }
}

/// Checks a request's signature against the enrolled public key (hex).
pub fn verify_request(
    public_key_hex: &str,
    signed: &RequestSignature,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> Result<(), String> {
    let key = parse_public_key(public_key_hex)?;
    if signed.nonce.len() != 32 || !signed.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the request's nonce is not 16 bytes of hex".into());
    }
    let bytes: [u8; 64] = hex::decode(&signed.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the request's signature is not 64 bytes of hex")?;
    key.verify(
        &request_bytes(method, path_and_query, &signed.time, &signed.nonce, body),
        &Signature::from_bytes(&bytes),
    )
    .map_err(|_| "the request's signature does not match the workstation's enrolled key".to_string())
}

/// The bytes the office signs for its answer to a signed request: the request's nonce (so an
/// answer cannot be replayed to another request), the status and the body's SHA-256.
pub fn reply_bytes(nonce: &str, status: u16, body: &[u8]) -> Vec<u8> {
    let body_hash = hex::encode(Sha256::digest(body));
    let status = status.to_string();
    let mut out = b"ekn.reply/1".to_vec();
    for part in [nonce, status.as_str(), body_hash.as_str()] {
        out.extend((part.len() as u64).to_le_bytes());
        out.extend(part.as_bytes());
    }
    out
}

/// Checks the office's signature over an answer against the office key learnt at joining.
pub fn verify_reply(
    office_key_hex: &str,
    signature_hex: &str,
    nonce: &str,
    status: u16,
    body: &[u8],
) -> Result<(), String> {
    let key = parse_public_key(office_key_hex)?;
    let bytes: [u8; 64] = hex::decode(signature_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the office's signature is not 64 bytes of hex")?;
    key.verify(&reply_bytes(nonce, status, body), &Signature::from_bytes(&bytes))
        .map_err(|_| "the answer is not signed by the office's key learnt at joining".to_string())
}

/// The bytes a workstation signs to prove at enrolment that it holds the key it enrols (nobody
/// can enrol a colleague's public key, which checkpoints and evidence packages publish).
pub fn enrol_bytes(person: &str, public_key_hex: &str, epoch: &str) -> Vec<u8> {
    let mut out = b"ekn.enrol/1".to_vec();
    for part in [person, public_key_hex, epoch] {
        out.extend((part.len() as u64).to_le_bytes());
        out.extend(part.as_bytes());
    }
    out
}

/// Checks an enrolment's proof of possession.
pub fn verify_enrol(person: &str, public_key_hex: &str, epoch: &str, proof_hex: &str) -> Result<(), String> {
    let key = parse_public_key(public_key_hex)?;
    let bytes: [u8; 64] = hex::decode(proof_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the enrolment's proof is not 64 bytes of hex")?;
    key.verify(&enrol_bytes(person, public_key_hex, epoch), &Signature::from_bytes(&bytes))
        .map_err(|_| "the enrolment is not signed by the key it enrols".to_string())
}

/// An ed25519 public key from its hex.
pub fn parse_public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] =
        hex::decode(hex_key).ok().and_then(|b| b.try_into().ok()).ok_or("a public key is 32 bytes of hex")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "not an ed25519 public key".to_string())
}

/// The bytes the office signs to cosign a workstation's checkpoint.
pub fn cosign_bytes(workstation_id: &str, size: u64, merkle_root: &str, at: &str) -> Vec<u8> {
    let mut out = b"ekn.cosign/1".to_vec();
    for part in [workstation_id, &size.to_string(), merkle_root, at] {
        out.extend((part.len() as u64).to_le_bytes());
        out.extend(part.as_bytes());
    }
    out
}

impl Cosignature {
    /// Checks the office's signature (against the key the workstation learnt when it joined).
    pub fn verify(&self, workstation_id: &str, trusted_office_key: &str) -> Result<(), String> {
        if self.office_key != trusted_office_key {
            return Err("cosigned by another key than the office's".into());
        }
        let key = parse_public_key(&self.office_key)?;
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the cosignature is not 64 bytes of hex")?;
        key.verify(
            &cosign_bytes(workstation_id, self.size, &self.merkle_root, &self.at),
            &Signature::from_bytes(&bytes),
        )
        .map_err(|_| "the cosignature does not match".to_string())
    }
}

/// Entry kinds that move a deadline: two of them on one task written without seeing each other
/// are a conflict a supervisor resolves.
pub const DEADLINE_KINDS: [&str; 3] = ["task_extended", "task_suspended", "task_recomputed"];

/// Entry kinds that change an appeal's route or category: a reclassification against a reroute.
pub const APPEAL_DECISION_KINDS: [&str; 1] = ["appeal_corrected"];

/// Whether two writes on one object conflict: both change its deadline, or both correct one
/// appeal's decisions, and neither saw the other.
pub fn conflicting_kinds(a: &str, b: &str) -> bool {
    (DEADLINE_KINDS.contains(&a) && DEADLINE_KINDS.contains(&b))
        || (APPEAL_DECISION_KINDS.contains(&a) && APPEAL_DECISION_KINDS.contains(&b))
}

/// Whether two scopes of KATO prefixes share a district: one prefix holds the other (`19` and
/// `1920`), or either is `*`.
pub fn scopes_meet(a: &[String], b: &[String]) -> bool {
    a.iter().any(|p| {
        b.iter().any(|q| {
            p == "*"
                || q == "*"
                || (!p.is_empty() && !q.is_empty() && (p.starts_with(q.as_str()) || q.starts_with(p.as_str())))
        })
    })
}

/// A KATO district code is in a scope of prefixes (`1910` holds `191010000`); `*` holds all.
pub fn in_scope(district: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| p == "*" || (!p.is_empty() && district.starts_with(p.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_meet_when_one_prefix_holds_the_other() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(scopes_meet(&s(&["19"]), &s(&["1920", "5530"])));
        assert!(scopes_meet(&s(&["5530"]), &s(&["1920", "55"])));
        assert!(scopes_meet(&s(&["*"]), &s(&["75"])));
        assert!(!scopes_meet(&s(&["1920"]), &s(&["1910", "5530"])));
        assert!(!scopes_meet(&s(&[""]), &s(&["1920"])));
        assert!(!scopes_meet(&s(&[]), &s(&["1920"])));
    }

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let sig = sign_request(&key, "POST", "/v1/sync/push", "2026-11-23T00:00:00Z", "ab".repeat(16), b"{}");
        assert!(verify_request(&public, &sig, "POST", "/v1/sync/push", b"{}").is_ok());
        assert!(verify_request(&public, &sig, "POST", "/v1/sync/push", b"{ }").is_err());
        assert!(verify_request(&public, &sig, "GET", "/v1/sync/push", b"{}").is_err());
        let later = RequestSignature { time: "2026-11-24T00:00:00Z".into(), ..sig.clone() };
        assert!(verify_request(&public, &later, "POST", "/v1/sync/push", b"{}").is_err());
        let other_nonce = RequestSignature { nonce: "00".repeat(16), ..sig.clone() };
        assert!(verify_request(&public, &other_nonce, "POST", "/v1/sync/push", b"{}").is_err());
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let other_public = hex::encode(other.verifying_key().to_bytes());
        assert!(verify_request(&other_public, &sig, "POST", "/v1/sync/push", b"{}").is_err());
    }

    #[test]
    fn an_answer_is_bound_to_its_request_and_the_office_key() {
        let office = SigningKey::from_bytes(&[9u8; 32]);
        let public = hex::encode(office.verifying_key().to_bytes());
        let signature = hex::encode(office.sign(&reply_bytes("n1", 200, b"{}")).to_bytes());
        assert!(verify_reply(&public, &signature, "n1", 200, b"{}").is_ok());
        assert!(verify_reply(&public, &signature, "n2", 200, b"{}").is_err(), "replayed to another request");
        assert!(verify_reply(&public, &signature, "n1", 200, b"{ }").is_err());
        assert!(verify_reply(&public, &signature, "n1", 403, b"{}").is_err());
        let proof = hex::encode(office.sign(&enrol_bytes("A", &public, "e")).to_bytes());
        assert!(verify_enrol("A", &public, "e", &proof).is_ok());
        assert!(verify_enrol("B", &public, "e", &proof).is_err());
    }

    #[test]
    fn scope_is_by_prefix_and_an_empty_scope_holds_nothing() {
        let scope = vec!["1910".to_string(), "75".to_string()];
        assert!(in_scope("191010000", &scope));
        assert!(in_scope("751110000", &scope));
        assert!(!in_scope("192010000", &scope));
        assert!(!in_scope("191010000", &[]));
        assert!(!in_scope("191010000", &[String::new()]));
        assert!(in_scope("191010000", &["*".to_string()]));
    }

    #[test]
    fn only_deadline_moves_conflict_with_deadline_moves() {
        assert!(conflicting_kinds("task_extended", "task_suspended"));
        assert!(conflicting_kinds("appeal_corrected", "appeal_corrected"));
        assert!(!conflicting_kinds("task_extended", "task_noted"));
        assert!(!conflicting_kinds("task_done", "task_extended"));
    }
}
