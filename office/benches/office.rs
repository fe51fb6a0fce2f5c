//! Figures for docs/PERFORMANCE.md, printed, never asserted: a push of 100,000 journal entries
//! to a real `ekn-office` on a real throwaway PostgreSQL (500 per request, as `ekn sync` sends
//! them), a supervisor's workstation pulling them all back, the office's dashboard over
//! 1,000,000 tasks, and logins per second (Argon2id is meant to be slow).
//!
//! `cargo bench -p ekn-office --bench office` (as root: the cluster runs as `postgres`).
//! `EKN_BENCH_EVENTS` and `EKN_BENCH_TASKS` change the sizes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use ekn::domain::deadline::{Period, Unit};
use ekn::domain::journal::{chain_hash, StoredEntry, GENESIS, JOURNAL_VERSION};
use ekn::domain::sync::{
    sign_request, PullReply, PushRequest, SyncEvent, TaskState, HEADER_SIGNATURE, HEADER_TIME, HEADER_WORKSTATION,
    MAX_BATCH, MAX_PULL, PROTOCOL,
};
use support::Office;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The server's peak resident memory, from the kernel.
fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A workstation enrolled by `person`, signing with `key`: its id.
fn enrol(office: &Office, person: &str, key: &SigningKey, name: &str) -> String {
    let token = office.login(person);
    let (status, reply) = office.post(
        &token,
        "/v1/workstations/enrol",
        serde_json::json!({"name": name, "public_key": hex::encode(key.verifying_key().to_bytes()), "epoch": "bench.0"}),
    );
    assert_eq!(status, 200, "{reply}");
    reply["workstation_id"].as_str().unwrap().to_string()
}

/// A signed request from a workstation: (status, body).
fn signed(office: &Office, ws: &str, key: &SigningKey, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let signature = sign_request(key, method, path, &time, body);
    let url = format!("{}{path}", office.server.url);
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(&url)
        .header("content-type", "application/json")
        .header(HEADER_WORKSTATION, ws)
        .header(HEADER_TIME, time)
        .header(HEADER_SIGNATURE, signature)
        .body(body.to_vec())
        .unwrap();
    let mut response = agent.run(request).unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().with_config().limit(256 * 1024 * 1024).read_to_vec().unwrap())
}

/// Entry `seq` of a synthetic journal: a note on one of 1,000 tasks, chained to `prev`.
fn entry(seq: i64, prev: &str) -> StoredEntry {
    let task = seq % 1_000;
    let mut e = StoredEntry {
        seq,
        at: "2026-11-23T09:00:00Z".into(),
        person: "Асель Нурланова".into(),
        face: "cli".into(),
        kind: "task_noted".into(),
        subject_bin: Some("020341004031".into()),
        appeal_no: None,
        task_id: Some(task),
        record: Some(format!("task:{task}")),
        state_digest: Some("0".repeat(64)),
        old_due: None,
        new_due: None,
        detail: format!("task {task}: a note of about the length a prosecutor writes, number {seq}"),
        payload: format!(r#"{{"kind":"task_noted","task_id":{task},"note":"заметка {seq}"}}"#),
        version: JOURNAL_VERSION,
        personal_digest: None,
        prev_hash: prev.to_string(),
        hash: String::new(),
        personal: None,
        redacted_by: None,
    };
    e.hash = chain_hash(&e);
    e
}

fn state(task: i64) -> TaskState {
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    TaskState {
        task_kind: "gather_information".into(),
        title: format!("task {task}"),
        subject_bin: Some("020341004031".into()),
        appeal_no: None,
        assignee: "Асель Нурланова".into(),
        unit: "надзор".into(),
        region_code: Some("1920".into()),
        category: None,
        event_date: day("2026-11-02"),
        original_due: day("2026-11-16"),
        current_due: day("2026-11-16"),
        status: "open".into(),
        done_on: None,
        norm_id: None,
        period: Some(Period { amount: 10, unit: Unit::WorkingDays }),
        suspensions: Vec::new(),
    }
}

fn main() {
    let Some(office) = Office::start() else { return };
    office.add_user("Асель Нурланова", "prosecutor", "1920");
    office.add_user("Supervisor Saule", "supervisor", "1920");
    let events = size("EKN_BENCH_EVENTS", 100_000);
    let tasks = size("EKN_BENCH_TASKS", 1_000_000);

    // Push.
    let key = SigningKey::from_bytes(&[7; 32]);
    let ws = enrol(&office, "Асель Нурланова", &key, "bench PC");
    let mut prev = GENESIS.to_string();
    let mut batches = Vec::new();
    let mut seq = 0i64;
    while (seq as usize) < events {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while batch.len() < MAX_BATCH && (seq as usize) < events {
            seq += 1;
            let e = entry(seq, &prev);
            prev = e.hash.clone();
            let task = e.task_id.unwrap();
            batch.push(SyncEvent {
                entry: e,
                object_key: Some(format!("task:{ws}/{task}")),
                district: Some("192010000".into()),
                base_global: 0,
                task: Some(state(task)),
            });
        }
        let request = PushRequest {
            protocol: PROTOCOL,
            app_version: "bench".into(),
            workstation_id: ws.clone(),
            epoch: "bench.0".into(),
            events: batch,
            checkpoint: None,
        };
        batches.push(serde_json::to_vec(&request).unwrap());
    }
    let bytes: usize = batches.iter().map(Vec::len).sum();
    let started = Instant::now();
    for body in &batches {
        let (status, reply) = signed(&office, &ws, &key, "POST", "/v1/sync/push", body);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&reply));
    }
    let push = started.elapsed().as_secs_f64();
    println!(
        "push: {events} entries in {} requests ({:.1} MB of JSON) in {push:.1} s = {:.0} entries/s",
        batches.len(),
        bytes as f64 / 1e6,
        events as f64 / push
    );

    // Pull, by the supervisor's workstation.
    let sup_key = SigningKey::from_bytes(&[9; 32]);
    let sup = enrol(&office, "Supervisor Saule", &sup_key, "supervisor's PC");
    let started = Instant::now();
    let (mut since, mut pulled, mut pages) = (0i64, 0usize, 0usize);
    loop {
        let path = format!("/v1/sync/pull?since={since}&limit={MAX_PULL}");
        let (status, body) = signed(&office, &sup, &sup_key, "GET", &path, &[]);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let reply: PullReply = serde_json::from_slice(&body).unwrap();
        pulled += reply.events.len();
        pages += 1;
        since = reply.next;
        if !reply.more {
            break;
        }
    }
    let pull = started.elapsed().as_secs_f64();
    println!("pull: {pulled} entries in {pages} pages in {pull:.1} s = {:.0} entries/s", pulled as f64 / pull);

    // The dashboard over `tasks` tasks: the tasks are written straight into the table (a push of a
    // million would time the push again), spread over the year around today.
    let started = Instant::now();
    office.pg.psql(
        "ekn",
        &format!(
            "SET ekn.writer = '{ws}'; \
             INSERT INTO office_tasks(object_key, ws, owner_id, district, state, current_due, status, effective_due, updated_global) \
             SELECT 'bench:' || g, '{ws}', (SELECT id FROM people WHERE name = 'Асель Нурланова'), '1920' || (g % 10), \
               jsonb_build_object('task_kind', 'gather_information', 'title', 'task ' || g, 'subject_bin', NULL, \
                 'appeal_no', NULL, 'assignee', 'assignee ' || (g % 40), 'unit', 'unit ' || (g % 5), \
                 'region_code', '1920' || (g % 10), 'category', 'category ' || (g % 12), \
                 'event_date', d - 14, 'original_due', d, 'current_due', d, \
                 'status', CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END, \
                 'done_on', CASE WHEN g % 3 = 0 THEN d - (g % 5) END), \
               d, CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END, d, 0 \
             FROM (SELECT g, DATE '2026-06-01' + (g % 365) AS d FROM generate_series(1, {tasks}) g) s"
        ),
    );
    println!("({tasks} tasks written in {:.1} s)", started.elapsed().as_secs_f64());
    let token = office.login("Supervisor Saule");
    for run in 1..=2 {
        let started = Instant::now();
        let (status, board) = office.get(&token, "/v1/dashboard?today=2026-11-23");
        assert_eq!(status, 200, "{board}");
        println!(
            "dashboard over {} tasks (run {run}): {:.2} s; server's peak RSS {:.0} MB",
            board["tasks"],
            started.elapsed().as_secs_f64(),
            peak_rss_mb(office.server.child.id())
        );
    }

    // Logins: Argon2id's cost per attempt, one after another and from four clients at once.
    let count = 40;
    let started = Instant::now();
    for _ in 0..count {
        office.login("Supervisor Saule");
    }
    let serial = started.elapsed().as_secs_f64();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..count / 4 {
                    office.login("Асель Нурланова");
                }
            });
        }
    });
    let parallel = started.elapsed().as_secs_f64();
    println!(
        "logins: {:.1}/s one at a time ({:.0} ms each), {:.1}/s from four clients",
        count as f64 / serial,
        serial * 1000.0 / count as f64,
        count as f64 / parallel
    );
}
