//! The workstation in an office: joining (a person logs in once; the workstation is enrolled
//! with the key that signs its journal, and from then on the journal's author is that person),
//! syncing (push the journal's entries not yet pushed, pull colleagues' entries in scope, carry
//! out the destruction acts the office hands on, send the calendar years imported here and the
//! reads queued for the office's access log), and the link's status. Offline is normal: nothing is marked sent before the office said
//! it took it, and sending again is harmless.
//!
//! Joining asks for an encrypted database: a joined workstation holds colleagues' work and the key
//! that signs for it, and a plain file copied off a laptop would keep syncing as its owner. The
//! office is trusted as fixed at joining (`OfficeTrust`); a workstation the office revoked, or
//! whose person it blocked, purges everything it pulled.

mod access_log;
mod admin;
mod analyst;
mod appeals;
mod calendars;
mod client;
mod conflicts;
mod heads;
mod imports;
mod national;
mod norms;
mod office_journal;
mod papers;
mod report;

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::session::handles::{Journal, Kernel, Read, Sealer};
use crate::api::session::journal::read_checkpoint;
use crate::api::{ApiError, ErrorCode};
use crate::domain::journal::{Actor, Entry, StoredEntry};
use crate::domain::sync::{
    AccessEvent, Colleague, PullReply, PushReply, PushRequest, SyncEvent, MAX_BATCH, MAX_PULL, PROTOCOL,
};
use crate::store::office::OfficeLink;
use crate::store::{About, Stamp};

/// The office this workstation joined: its status, sync (push, pull, the papers, the catalogues), assignments, conflicts, the office's connectors. `Session::office` lends it; it holds the kernel, the signing key its requests are signed with, and whether the database is encrypted.
pub struct Office<'s> {
    kernel: Kernel<'s>,
    /// The workstation's signing key: it signs every request to the office.
    sealer: Sealer<'s>,
    /// Whether the database is encrypted (a workstation joins only then).
    encrypted: bool,
}

impl<'s> Office<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>, sealer: Sealer<'s>, encrypted: bool) -> Office<'s> {
        Office { kernel, sealer, encrypted }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

/// More people than any office has: a longer list from an office is refused, not shown.
const MAX_COLLEAGUES: usize = 20_000;

pub use access_log::{AccessLogParams, AccessLogView};
pub use admin::{AdminActParams, AdminAction, AdminOverview, AdminSession, AdminView, OfficeLoginParams};
pub use analyst::{AnalystSession, AnalystView};
pub use client::{presented_fingerprint, Auth, OfficeClient, OfficeTrust};
pub(in crate::api) use conflicts::date_in_force;
pub use conflicts::ResolveParams;
pub use heads::{
    OfficeAnomalies, OfficeAnomaliesView, OfficeAppealsMap, OfficeAppealsMapView, OfficeDashboard, OfficeDashboardView,
    OfficeEffect, OfficeEffectView, OfficeThemeScan, OfficeThemeScanView, OfficeThemeScores, OfficeThemeScoresView,
};
pub use imports::{OfficeConnectorState, OfficeImport};
pub use national::{CountryParams, CountryView, NationalLoginParams, NationalSession};
pub use office_journal::{OfficeJournalParams, OfficeJournalView};
pub use report::{AccessLogReportParams, OfficeReport, ReportFileParams, ReportFormat, ReportParams};

/// What joining needs: the office's address, the person's name and password, and what to call
/// this machine; for an office whose certificate no public CA signed, its CA (PEM) or the
/// fingerprint of its certificate as the administrator announced it. The password is sent once,
/// to log in, and never kept.
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct JoinParams {
    pub url: String,
    pub user: String,
    pub password: String,
    pub workstation_name: Option<String>,
    #[serde(default)]
    pub tls_ca: Option<String>,
    #[serde(default)]
    pub tls_pin: Option<String>,
}

impl std::fmt::Debug for JoinParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinParams").field("url", &self.url).field("user", &self.user).field("password", &"…").finish()
    }
}

/// The link to the office as the faces show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct OfficeStatus {
    pub link: Option<OfficeLink>,
    /// This workstation's journal entries the office does not hold yet.
    pub pending_entries: i64,
    pub pulled_entries: i64,
    pub colleagues_tasks: usize,
    pub queued_reads: usize,
}

/// What an assignment through the office did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Assigned {
    pub task_id: i64,
    pub object_key: String,
    pub assigned_to: String,
    pub assigned_by: String,
    pub at: String,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SyncReport {
    pub pushed: usize,
    /// Entries the office already held (a batch sent again after a lost answer).
    pub duplicates: usize,
    pub pulled: usize,
    pub reads_sent: usize,
    pub pushed_through: i64,
    pub pull_cursor: i64,
    /// Objects on which this push opened a conflict a supervisor must resolve.
    pub conflicts: Vec<String>,
    /// The size of this workstation's journal the office last cosigned.
    pub cosigned_size: Option<u64>,
    /// Why the network settings the office handed out were not applied (the sync itself went on:
    /// a bad setting at the office must not stop colleagues' work from flowing).
    pub network_refused: Option<String>,
    /// The office connectors' runs this sync imported, or tried to.
    pub office_imports: Vec<OfficeImport>,
    /// Entries the office placed otherwise than this workstation said (it decides placement).
    pub placement: Vec<crate::domain::sync::PlacementNote>,
    /// This workstation's destruction acts the office carried out on its copy in this sync.
    pub acts: Vec<String>,
    /// Calendar years this workstation imported that it sent to the office in this sync.
    pub calendars_sent: usize,
    /// The SHA-256 of the norms catalogue the office confirmed, when this sync took it.
    pub norms_taken: Option<String>,
    /// Why the office's norms catalogue was not applied (the sync itself went on).
    pub norms_refused: Option<String>,
    /// Appeals this sync handed to the office as facts (new or changed since it last took them).
    pub appeals_sent: usize,
    /// Appeals the office did not take: placed outside this person's districts.
    pub appeals_outside: usize,
    /// Papers of appeals whose task went to a colleague, handed to the office in this sync (new
    /// or changed), and those withdrawn because their task came back.
    pub papers_sent: usize,
    pub papers_withdrawn: usize,
    /// Colleagues' appeals this workstation holds after the sync because their task was
    /// assigned to its person.
    pub papers_held: usize,
    pub seconds: f64,
}

#[derive(Deserialize)]
struct LoginReply {
    token: String,
    person: OfficePerson,
}

#[derive(Debug, Clone, Deserialize)]
struct OfficePerson {
    name: String,
    role: String,
    districts: Vec<String>,
}

#[derive(Serialize)]
struct EnrolRequest<'a> {
    name: &'a str,
    public_key: String,
    epoch: String,
    /// This key's signature over the person, the key and the epoch: the office enrols only a key
    /// the enrolling workstation holds.
    proof: String,
}

#[derive(Deserialize)]
struct EnrolReply {
    workstation_id: String,
    office_key: String,
    person: OfficePerson,
    /// The office's pseudonym key (64 hex digits; an older office sends none).
    #[serde(default)]
    pseudonym_key: Option<String>,
}

/// The first twelve hex digits of a secret's SHA-256: enough to tell two apart, nothing of it.
fn short_digest(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))[..12].to_string()
}

/// A join refused because the office's certificate is signed by no CA this machine trusts: the
/// message names the certificate the office presented, for a person to compare with the one the
/// administrator announced and confirm with a pin (nothing was sent: the password never left).
fn untrusted_office(error: ApiError, url: &str, trust: &OfficeTrust) -> ApiError {
    if trust.ca_pem.is_some() || trust.pin.is_some() || !error.message.contains("did not prove who it is") {
        return error;
    }
    match presented_fingerprint(url) {
        Ok(fingerprint) => ApiError::new(
            ErrorCode::OfficeRefused,
            format!(
                "{} The office presents a certificate with SHA-256 {fingerprint}: if it is the one the administrator \
                 announced, join with --pin {fingerprint} (or give the office's CA with --ca FILE)",
                error.message
            ),
        ),
        Err(_) => error,
    }
}

/// An act number as one segment of a path (an act number may hold a slash: "12/2026").
fn percent_path(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A fresh random instance id (hex of 16 bytes).
fn new_instance() -> String {
    use rand::TryRngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).expect("the operating system's random generator works");
    hex::encode(bytes)
}

fn host_name() -> String {
    crate::disk::read_to_string(std::path::Path::new("/etc/hostname"))
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "workstation".into())
}

impl Office<'_> {
    /// The link to the office, or `not_joined`.
    fn linked(&self) -> Result<OfficeLink, ApiError> {
        self.read().store().office_link()?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotJoined,
                "this workstation has not joined an office (ekn office join URL --user NAME)",
            )
        })
    }

    /// This database's epoch as the office knows it: the instance made when it joined and the
    /// number of restores behind it. A copy keeps it (and is caught as a fork when both copies
    /// write); a restore changes it (and the office asks for re-admission).
    fn sync_epoch(&self, link: &OfficeLink) -> Result<String, ApiError> {
        Ok(format!("{}.{}", link.instance, self.read().store().epoch()?))
    }

    /// Joins the office at `params.url` as `params.user`. `Session::office_join` calls it and
    /// then pseudonymises under the office's key too (the session's own keys change).
    pub(in crate::api) fn join(&mut self, params: &JoinParams) -> Result<OfficeStatus, ApiError> {
        if !self.encrypted {
            return Err(ApiError::invalid(
                "a workstation joins an office with an encrypted database: it will hold colleagues' work and the key \
                 that signs for this machine, and a plain file copied off it would keep syncing as its owner. Encrypt \
                 it first (ekn vault encrypt --recovery-out FILE; Settings → Vault)",
            ));
        }
        let existing = self.read().store().office_link()?;
        let trust = OfficeTrust { ca_pem: params.tls_ca.clone(), pin: params.tls_pin.clone() };
        let client = OfficeClient::new(&params.url, &trust, None)?;
        if let Some(link) = &existing {
            if link.url.trim_end_matches('/') != client.base() {
                return Err(ApiError::invalid(format!(
                    "this workstation already belongs to the office at {}; a workstation joins one office",
                    link.url
                )));
            }
            if link.person != params.user {
                return Err(ApiError::new(
                    ErrorCode::NotEnrolledPerson,
                    format!(
                        "this workstation is enrolled to {}; it cannot be joined again as {}",
                        link.person, params.user
                    ),
                ));
            }
        }
        let login: LoginReply = client
            .call(
                "POST",
                "/v1/login",
                Some(&serde_json::json!({ "name": params.user, "password": params.password })),
                Auth::None,
            )
            .map_err(|e| untrusted_office(e, &params.url, &trust))?;
        let instance = existing.as_ref().map_or_else(new_instance, |l| l.instance.clone());
        let name = params.workstation_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(host_name);
        let epoch = format!("{instance}.{}", self.read().store().epoch()?);
        let public_key = self.sealer.public_hex();
        let proof = {
            let bytes = crate::domain::sync::enrol_bytes(&login.person.name, &public_key, &epoch);
            hex::encode(self.sealer.sign(&bytes).to_bytes())
        };
        let enrolled: Result<EnrolReply, ApiError> = client.call(
            "POST",
            "/v1/workstations/enrol",
            Some(&EnrolRequest { name: &name, public_key, epoch, proof }),
            Auth::Bearer(&login.token),
        );
        let _ = client.call::<serde_json::Value>("POST", "/v1/logout", None::<&()>, Auth::Bearer(&login.token));
        let enrolled = enrolled?;
        if let Some(link) = &existing {
            if link.workstation_id != enrolled.workstation_id {
                return Err(ApiError::new(
                    ErrorCode::OfficeRefused,
                    "the office enrolled this workstation under another id than before; ask the administrator",
                ));
            }
            if link.office_key != enrolled.office_key {
                // A key is never replaced silently: another office key is another office, or one
                // that lost its key — an administrator's matter, not a sync's.
                return Err(ApiError::new(
                    ErrorCode::OfficeRefused,
                    format!(
                        "the office answers with another key ({}) than the one this workstation learnt at joining ({}); \
                         nothing was changed — ask the administrator",
                        enrolled.office_key, link.office_key
                    ),
                ));
            }
        }
        if let Some(key) = &enrolled.pseudonym_key {
            if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's pseudonym key is not 64 hex digits"));
            }
            // Never replaced silently: pseudonyms made under the old key would stop matching.
            if let Some(held) = existing.as_ref().and_then(|l| l.pseudonym_key.as_ref()).filter(|held| *held != key) {
                return Err(ApiError::new(
                    ErrorCode::OfficeRefused,
                    format!(
                        "the office hands out another pseudonym key than the one this workstation holds (SHA-256 {} \
                         against {}); nothing was changed — ask the administrator",
                        short_digest(key),
                        short_digest(held)
                    ),
                ));
            }
        }
        let person = enrolled.person;
        debug_assert_eq!(person.name, login.person.name);
        let link = OfficeLink {
            url: client.base().to_string(),
            workstation_id: enrolled.workstation_id.clone(),
            workstation_name: name.clone(),
            person: person.name.clone(),
            role: person.role.clone(),
            districts: person.districts.clone(),
            office_key: enrolled.office_key.clone(),
            instance,
            joined_at: self.read().clock().stamp(),
            pushed_through: 0,
            pull_cursor: 0,
            last_sync_at: None,
            last_error: None,
            tls_ca: trust.ca_pem.clone(),
            tls_pin: trust.pin.clone(),
            pseudonym_key: enrolled.pseudonym_key.clone(),
        };
        // The join is the first entry the enrolled person writes.
        let stamp = Stamp {
            at: self.read().clock().stamp(),
            actor: Actor { person: person.name.clone(), face: self.read().context().face },
        };
        self.journal().run_as(stamp, |w| {
            w.set_office_link(&link)?;
            let entry = Entry::OfficeJoined {
                office: link.url.clone(),
                workstation_id: link.workstation_id.clone(),
                workstation_name: name.clone(),
                person: person.name.clone(),
                role: person.role.clone(),
                districts: person.districts.clone(),
                office_key: link.office_key.clone(),
            };
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        self.status()
    }

    /// A client of the office this workstation joined, trusting it as fixed at joining and
    /// requiring its key's signature on every answer.
    pub(in crate::api) fn office_client(&self, link: &OfficeLink) -> Result<OfficeClient, ApiError> {
        let trust = OfficeTrust { ca_pem: link.tls_ca.clone(), pin: link.tls_pin.clone() };
        OfficeClient::new(&link.url, &trust, Some(&link.office_key))
    }

    /// A request signed by this workstation now.
    pub(in crate::api) fn office_auth<'a>(&'a self, link: &'a OfficeLink) -> Auth<'a> {
        Auth::Workstation { id: &link.workstation_id, key: self.sealer.key(), at: self.read().clock().now() }
    }

    /// The link and what waits to be sent.
    pub fn status(&self) -> Result<OfficeStatus, ApiError> {
        let link = self.read().store().office_link()?;
        let pending = match &link {
            Some(l) => (self.read().store().journal_len()? - l.pushed_through).max(0),
            None => 0,
        };
        Ok(OfficeStatus {
            pending_entries: pending,
            pulled_entries: self.read().store().remote_event_count()?,
            colleagues_tasks: self.read().store().remote_tasks()?.len(),
            queued_reads: self.read().store().queued_reads(100_000)?.len(),
            link,
        })
    }

    /// A task's key across the office: an appeal's rule-made deadline is the appeal's, any other
    /// task this workstation's; a colleague's (negative number) keeps the key it was pulled with.
    fn task_object_key(&self, workstation_id: &str, id: i64) -> Result<String, ApiError> {
        if id < 0 {
            return match self.read().store().remote_task_numbered(id)? {
                Some(remote) => Ok(remote.object_key),
                None => Err(ApiError::new(ErrorCode::NotFound, format!("no task {id}"))),
            };
        }
        Ok(local_task_key(workstation_id, id, self.read().store().appeal_task_identity(id)?.as_ref()))
    }

    /// Assigns a task (this workstation's or a colleague's) to a person of the office, with a
    /// reason: a supervisor's decision, recorded by the office under the enrolled person's name
    /// and pulled by every workstation that sees the task.
    pub fn assign(&mut self, id: i64, person: &str, reason: &str) -> Result<Assigned, ApiError> {
        let person = person.trim();
        if person.is_empty() || person.chars().count() > 120 {
            return Err(ApiError::invalid("name the person to assign the task to (at most 120 characters)"));
        }
        let Some(reason) = crate::api::checked_note(Some(reason))? else {
            return Err(ApiError::invalid("assigning work needs a reason"));
        };
        let link = self.linked()?;
        if id > 0 && self.read().graph()?.task(id).is_none() {
            return Err(ApiError::new(ErrorCode::NotFound, format!("no task {id}")));
        }
        let object_key = self.task_object_key(&link.workstation_id, id)?;
        let client = self.office_client(&link)?;
        let at = self.read().clock().stamp();
        let body = serde_json::json!({ "object_key": object_key, "person": person, "reason": reason.trim() });
        let _: serde_json::Value = client.call("POST", "/v1/assign", Some(&body), self.office_auth(&link))?;
        self.journal().store().record_assignment(&object_key, person, &link.person, reason.trim(), &at)?;
        Ok(Assigned { task_id: id, object_key, assigned_to: person.to_string(), assigned_by: link.person, at })
    }

    /// Whom the supervisor may give work to, as the office offers them: its prosecutors and
    /// supervisors whose districts meet the supervisor's, each with the open tasks they hold there.
    pub fn people(&mut self) -> Result<Vec<Colleague>, ApiError> {
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        let people: Vec<Colleague> = client.call("GET", "/v1/people", None::<&()>, self.office_auth(&link))?;
        // The office's answer is checked like any peer's: a name as the office allows one, no more
        // people than an office has.
        if people.len() > MAX_COLLEAGUES
            || people.iter().any(|c| {
                c.name.trim().is_empty() || c.name.chars().count() > 200 || c.name.chars().any(char::is_control)
            })
        {
            return Err(ApiError::new(
                ErrorCode::OfficeRefused,
                "the office's list of people is not one an office sends",
            ));
        }
        Ok(people)
    }

    /// Places a batch of entries in the office: for each, the object it concerns across the
    /// office, its district, what the writer had seen of it, and a task's state. The lookups are
    /// one query per kind for the whole batch (`Store::placements`).
    fn sync_events(&self, link: &OfficeLink, batch: Vec<StoredEntry>) -> Result<Vec<SyncEvent>, ApiError> {
        let mut found = self.read().store().placements(&batch)?;
        let mut placed = Vec::with_capacity(batch.len());
        for entry in batch {
            let mut task = None;
            let (object_key, district): (Option<String>, Option<String>) = if let Some(id) = entry.task_id {
                let object_key = if id < 0 {
                    found
                        .remote_keys
                        .get(&id)
                        .cloned()
                        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?
                } else {
                    local_task_key(&link.workstation_id, id, found.appeal_identities.get(&id))
                };
                let kato = found.tasks.get(&id).and_then(|p| p.kato.clone());
                task = found.tasks.get(&id).map(|p| {
                    let mut state = p.state.clone();
                    state.period = Some(p.period);
                    state.suspensions = found.suspensions.remove(&id).unwrap_or_default();
                    state
                });
                (Some(object_key), kato)
            } else if let Some(no) = &entry.appeal_no {
                (Some(format!("appeal:{no}")), found.appeal_katos.get(no).cloned().flatten())
            } else if let Some(bin) = &entry.subject_bin {
                (Some(format!("card:{bin}")), found.subject_katos.get(bin).cloned().flatten())
            } else {
                (None, None)
            };
            // Where the object lives, when this workstation knows and it is within the person's
            // districts; otherwise nothing is claimed and the office places the entry in the author's
            // own district (it decides placement, and would refuse a claim outside the scope).
            let district =
                district.filter(|d| !d.trim().is_empty() && crate::domain::sync::in_scope(d, &link.districts));
            placed.push((entry, object_key, district, task));
        }
        let keys: Vec<&str> = placed.iter().filter_map(|(_, key, _, _)| key.as_deref()).collect();
        let seen = self.read().store().seen_on_objects(&keys)?;
        Ok(placed
            .into_iter()
            .map(|(entry, object_key, district, task)| {
                let base_global = object_key.as_ref().and_then(|k| seen.get(k).copied()).unwrap_or(0);
                SyncEvent { entry, object_key, district, base_global, task }
            })
            .collect())
    }

    /// Pushes, pulls and sends the queued reads. Each step keeps what it finished: a sync cut
    /// off half-way resumes where it stopped. The office's refusal of this workstation (revoked,
    /// or its person blocked) purges what was pulled from it.
    pub fn sync(&mut self) -> Result<SyncReport, ApiError> {
        let started = Instant::now();
        let result = self.sync_steps(started);
        let at = self.read().clock().stamp();
        if let Err(e) = &result {
            if e.code == ErrorCode::OfficeRevoked {
                self.purge_pulled(&e.message)?;
            }
        }
        match &result {
            Ok(_) => self.read().store().record_sync_end(&at, None)?,
            Err(e) => self.read().store().record_sync_end(&at, Some(&e.message))?,
        }
        result
    }

    /// Forgets what was pulled from the office, journaled: colleagues' entries, tasks,
    /// assignments, conflicts. The person's own work stays.
    fn purge_pulled(&mut self, why: &str) -> Result<(), ApiError> {
        let link = self.linked()?;
        self.read().store().secure_delete()?;
        let (remote_entries, remote_tasks) = self.journal().store().purge_pulled()?;
        let stamp = self.read().system_stamp();
        self.journal().run_as(stamp, |w| {
            let entry =
                Entry::OfficePurged { office: link.url.clone(), why: why.to_string(), remote_entries, remote_tasks };
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        self.read().store().checkpoint_truncate()?;
        Ok(())
    }

    fn sync_steps(&mut self, started: Instant) -> Result<SyncReport, ApiError> {
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        let epoch = self.sync_epoch(&link)?;
        let key = self.sealer.key().clone();
        let clock = self.read().context().clock.clone();
        let auth = || Auth::Workstation { id: &link.workstation_id, key: &key, at: clock.now() };
        let mut report = SyncReport {
            pushed: 0,
            duplicates: 0,
            pulled: 0,
            reads_sent: 0,
            pushed_through: link.pushed_through,
            pull_cursor: link.pull_cursor,
            conflicts: Vec::new(),
            cosigned_size: None,
            network_refused: None,
            office_imports: Vec::new(),
            placement: Vec::new(),
            acts: Vec::new(),
            calendars_sent: 0,
            norms_taken: None,
            norms_refused: None,
            appeals_sent: 0,
            appeals_outside: 0,
            papers_sent: 0,
            papers_withdrawn: 0,
            papers_held: 0,
            seconds: 0.0,
        };

        // Push: the journal from the first entry the office does not hold, a batch at a time.
        loop {
            let batch = self.read().store().journal_batch(report.pushed_through + 1, MAX_BATCH)?;
            let Some(last) = batch.last().map(|e| e.seq) else { break };
            let checkpoint = match read_checkpoint(self.read().database(), self.sealer.key())? {
                Some(Ok(cp)) if cp.size as i64 == last => Some(cp),
                _ => None,
            };
            let events = self.sync_events(&link, batch)?;
            let request = PushRequest {
                protocol: PROTOCOL,
                app_version: env!("CARGO_PKG_VERSION").into(),
                workstation_id: link.workstation_id.clone(),
                epoch: epoch.clone(),
                events,
                checkpoint,
            };
            let reply: PushReply = client.call("POST", "/v1/sync/push", Some(&request), auth())?;
            if let Some(cosignature) = &reply.cosignature {
                cosignature
                    .verify(&link.workstation_id, &link.office_key)
                    .map_err(|e| ApiError::new(ErrorCode::OfficeRefused, format!("the office's cosignature: {e}")))?;
                report.cosigned_size = Some(cosignature.size);
            }
            let cosignature = reply.cosignature.as_ref().map(|c| serde_json::to_string(c).unwrap_or_default());
            self.read().store().record_pushed(reply.accepted_through_seq, cosignature.as_deref())?;
            report.pushed += reply.applied;
            report.duplicates += reply.duplicates;
            report.conflicts.extend(reply.conflicts);
            report.placement.extend(reply.placement);
            report.acts.extend(reply.redactions.iter().map(|r| r.act_number.clone()));
            if reply.accepted_through_seq < last {
                return Err(ApiError::new(
                    ErrorCode::OfficeRefused,
                    format!("the office took entries up to {} of a batch ending at {last}", reply.accepted_through_seq),
                ));
            }
            report.pushed_through = reply.accepted_through_seq;
        }

        // Pull: the office's order from the cursor, a page at a time, each page kept whole.
        let (connector_runs, calendars_held, appeals_held, office_norms) = loop {
            let path = format!("/v1/sync/pull?since={}&limit={MAX_PULL}", report.pull_cursor);
            let reply: PullReply = client.call("GET", &path, None::<&()>, auth())?;
            if !reply.redactions.is_empty() {
                // What a destruction act clears leaves no freed page behind in this file.
                self.read().store().secure_delete()?;
            }
            report.pulled += self.journal().store().store_pulled(&reply)?;
            if let Some(network) = &reply.network {
                match self.kernel.lend().connectors().receive_office_network(network) {
                    Err(e) if e.code == ErrorCode::OfficeRefused => {
                        tracing::warn!(reason = e.message.as_str(), "the office's network settings were not applied");
                        report.network_refused = Some(e.message);
                    }
                    other => other?,
                }
            }
            report.pull_cursor = reply.next.max(report.pull_cursor);
            if !reply.more {
                break (reply.connector_runs, reply.calendars_held, reply.appeals_held, reply.norms);
            }
        };
        // The calendar years imported here that the office lacks (their entries were just pushed).
        if let Some(held) = &calendars_held {
            report.calendars_sent = self.send_calendars(&client, &auth, held)?;
        }
        // Every page up to the cursor is stored: the office counts what its acts reached from this.
        if report.pull_cursor > link.pull_cursor {
            let ack = serde_json::json!({ "through": report.pull_cursor });
            client.call_empty("POST", "/v1/sync/ack", Some(&ack), auth())?;
        }
        // The norms catalogue the office confirmed, before the deadlines of what follows are used.
        match self.take_office_catalogue(&client, &auth, office_norms.as_ref())? {
            norms::NormsTaken::Held => {}
            norms::NormsTaken::Taken(sha256) => report.norms_taken = Some(sha256),
            norms::NormsTaken::Refused(why) => report.norms_refused = Some(why),
        }
        // Colleagues' destruction acts on this workstation's own copies, each a journaled write.
        self.kernel.lend().retention().receive_redactions()?;
        // How far this workstation's own acts have reached.
        for act in self.read().store().acts_to_follow()? {
            match client.call::<crate::domain::sync::RedactionReach>(
                "GET",
                &format!("/v1/retention/{}", percent_path(&act)),
                None::<&()>,
                auth(),
            ) {
                Ok(reach) => self.read().store().record_act_reach(&act, &reach, &self.read().clock().stamp())?,
                // Not carried to the office yet (an act applied since this sync's push): next time.
                Err(e) if e.code == ErrorCode::OfficeRefused && e.message.contains("not_found") => {}
                Err(e) => return Err(e),
            }
        }
        // The office connectors' runs, once colleagues' work is in.
        report.office_imports = self.receive_office_runs(&client, &auth, &connector_runs)?;
        // The appeals' facts, once destruction acts and imports have had their say on them.
        let appeals = self.send_appeals(&client, &auth, &link.districts, appeals_held)?;
        report.appeals_sent = appeals.stored + appeals.unchanged;
        report.appeals_outside = appeals.outside;
        // The appeals whose task went to a colleague, and those given to this person with theirs.
        let papers = self.sync_papers(&client, &auth, &link.person)?;
        report.papers_sent = papers.sent;
        report.papers_withdrawn = papers.withdrawn;
        report.papers_held = papers.held;

        // The reads queued for the office's access log.
        loop {
            let reads = self.read().store().queued_reads(500)?;
            let Some(last) = reads.last().map(|r| r.id) else { break };
            let events: Vec<AccessEvent> = reads
                .into_iter()
                .map(|r| AccessEvent {
                    action: r.action,
                    subject: r.subject,
                    district: r.district,
                    outcome: "allowed".into(),
                    at: DateTime::parse_from_rfc3339(&r.at).map_or_else(|_| clock.now(), |t| t.with_timezone(&Utc)),
                    local_id: Some(r.id),
                    epoch: Some(epoch.clone()),
                    detail: r.detail,
                })
                .collect();
            let count = events.len();
            let _: serde_json::Value = client.call("POST", "/v1/access", Some(&events), auth())?;
            self.read().store().mark_reads_sent(last)?;
            report.reads_sent += count;
        }
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// The office-wide key of this workstation's task `id`: the appeal's, when the task is the
/// appeal's first rule-made deadline of its kind (`identity`: appeal and kind), else this
/// workstation's own.
fn local_task_key(workstation_id: &str, id: i64, identity: Option<&(String, String)>) -> String {
    match identity {
        Some((appeal, kind)) => format!("appeal:{appeal}/{kind}"),
        None => format!("task:{workstation_id}/{id}"),
    }
}
