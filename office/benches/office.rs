//! Figures for docs/PERFORMANCE.md, printed, never asserted: a push of 100,000 journal entries
//! to a real `ekn-office` on a real throwaway PostgreSQL (500 per request, as `ekn sync` sends
//! them) and PostgreSQL's own `COPY` of the same rows for the ratio, a supervisor's workstation
//! pulling them all back, the office's dashboard over 1,000,000 tasks, the heads' other screens
//! (themes scan and scores, effect, anomalies) over 100,000 appeals besides, logins per second
//! (Argon2id is meant to be slow), and what 200 hostile logins (1 MB names, then distinct unknown
//! names) do to honest logins, to a push and a pull made meanwhile, and to the server's memory.
//!
//! `cargo bench -p ekn-office --bench office` (as root: the cluster runs as `postgres`).
//! `EKN_BENCH_EVENTS`, `EKN_BENCH_TASKS` and `EKN_BENCH_APPEALS` change the sizes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use ed25519_dalek::SigningKey;
use ekn_domain::journal::{chain_hash, StoredEntry, GENESIS, JOURNAL_VERSION};
use ekn_domain::sync::{
    enrol_bytes, sign_request, PullReply, PushRequest, SyncEvent, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIME,
    HEADER_WORKSTATION, MAX_BATCH, MAX_PULL, PROTOCOL,
};
use support::{http, Office};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The server's peak (`VmHWM`) or current (`VmRSS`) resident memory, from the kernel.
fn rss_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn peak_rss_mb(pid: u32) -> f64 {
    rss_mb(pid, "VmHWM:")
}

/// A workstation enrolled by `person`, signing with `key`: its id.
fn enrol(office: &Office, person: &str, key: &SigningKey, name: &str) -> String {
    use ed25519_dalek::Signer;
    let token = office.login(person);
    let public = hex::encode(key.verifying_key().to_bytes());
    let proof = hex::encode(key.sign(&enrol_bytes(person, &public, "bench.0")).to_bytes());
    let (status, reply) = office.post(
        &token,
        "/v1/workstations/enrol",
        serde_json::json!({"name": name, "public_key": public, "epoch": "bench.0", "proof": proof}),
    );
    assert_eq!(status, 200, "{reply}");
    reply["workstation_id"].as_str().unwrap().to_string()
}

/// A signed request from a workstation: (status, body).
fn signed(office: &Office, ws: &str, key: &SigningKey, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let nonce = hex::encode(rand_nonce());
    let signed = sign_request(key, method, path, &time, nonce, body);
    let url = format!("{}{path}", office.server.url);
    let response = http()
        .request(method.parse().unwrap(), url)
        .header("content-type", "application/json")
        .header(HEADER_WORKSTATION, ws)
        .header(HEADER_TIME, signed.time)
        .header(HEADER_NONCE, signed.nonce)
        .header(HEADER_SIGNATURE, signed.signature)
        .body(body.to_vec())
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().unwrap().to_vec())
}

fn rand_nonce() -> [u8; 16] {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    bytes[8..].copy_from_slice(&(std::process::id() as u64).to_le_bytes());
    bytes
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

fn main() {
    let Some(office) = Office::start() else { return };
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Supervisor Saule", "supervisor", "1940");
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
                district: Some("194010000".into()),
                base_global: 0,
                task: Some(support::bench_task_state(task)),
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

    // PostgreSQL's own COPY of the same rows into a table like `events` (its indexes included),
    // from a file the server wrote: the floor a set-based push is compared with.
    let dump = std::env::temp_dir().join(format!("ekn-bench-events-{}.copy", std::process::id()));
    let dump = dump.to_string_lossy().to_string();
    office.pg.psql("ekn", &format!("COPY events TO '{dump}'"));
    office.pg.psql("ekn", "CREATE TABLE events_copy (LIKE events INCLUDING ALL)");
    let started = Instant::now();
    office.pg.psql("ekn", &format!("COPY events_copy FROM '{dump}'"));
    let copy = started.elapsed().as_secs_f64();
    office.pg.psql("ekn", "DROP TABLE events_copy");
    let _ = std::fs::remove_file(&dump);
    println!(
        "COPY of the same {events} rows into a table like events: {copy:.2} s = {:.0} rows/s; the push takes {:.1}× as long",
        events as f64 / copy,
        push / copy
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
             SELECT 'bench:' || g, '{ws}', (SELECT id FROM people WHERE name = 'Асель Нурланова'), '1940' || (g % 10), \
               jsonb_build_object('task_kind', 'gather_information', 'title', 'task ' || g, 'subject_bin', NULL, \
                 'appeal_no', NULL, 'assignee', 'assignee ' || (g % 40), 'unit', 'unit ' || (g % 5), \
                 'region_code', '1940' || (g % 10), 'category', 'category ' || (g % 12), \
                 'event_date', d - 14, 'original_due', d, 'current_due', d, \
                 'status', CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END, \
                 'done_on', CASE WHEN g % 3 = 0 THEN d - (g % 5) END), \
               d, CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END, d, 0 \
             FROM (SELECT g, DATE '2026-06-01' + (g % 365) AS d FROM generate_series(1, {tasks}) g) s"
        ),
    );
    let groups = office.pg.psql("ekn", "SELECT count(*) FROM dashboard_counts");
    println!(
        "({tasks} tasks written in {:.1} s, counted as they were stored into {groups} rows of dashboard_counts)",
        started.elapsed().as_secs_f64()
    );
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

    // The heads' other screens over `appeals` appeals' facts besides (written straight into the
    // table as the dashboard's tasks are): eight categories over ten districts and three years.
    let appeals = size("EKN_BENCH_APPEALS", 100_000);
    let started = Instant::now();
    office.pg.psql(
        "ekn",
        &format!(
            "SET ekn.writer = '{ws}'; \
             INSERT INTO office_appeals(appeal_no, ws, district, subject_bin, kato, category, received, decided, outcome, \
               applicant, fingerprint) \
             SELECT 'B-' || g, '{ws}', '1940' || (g % 10), lpad((g % 5000)::text, 12, '0'), '1940' || (g % 10) || '10000', \
               (ARRAY['жилищно-коммунальное хозяйство', 'трудовые права', 'социальные выплаты', 'здравоохранение', \
                      'предпринимательство', 'экология', 'защита прав потребителей', 'процессуальные жалобы'])[1 + g % 8], \
               d, CASE WHEN g % 4 = 0 THEN NULL ELSE d + 20 END, \
               CASE WHEN g % 4 = 0 THEN NULL ELSE (ARRAY['satisfied', 'refused', 'explained'])[1 + g % 3] END, \
               'o:' || lpad(to_hex(g % 30000), 24, '0'), md5(g::text) \
             FROM (SELECT g, DATE '2023-11-23' + (g % 1095) AS d FROM generate_series(1, {appeals}) g) s"
        ),
    );
    println!("({appeals} appeals' facts written in {:.1} s)", started.elapsed().as_secs_f64());
    for (screen, path) in [
        ("themes scan", "/v1/themes/scan?as_of=2026-11-23"),
        ("themes scores", "/v1/themes/scores?as_of=2026-11-23"),
        ("effect", "/v1/effect?today=2026-11-23"),
        ("anomalies", "/v1/anomalies?today=2026-11-23"),
    ] {
        for run in 1..=2 {
            let started = Instant::now();
            let (status, answer) = office.get(&token, path);
            assert_eq!(status, 200, "{screen}: {answer}");
            println!(
                "{screen} over {appeals} appeals and {tasks} tasks (run {run}): {:.2} s; server's peak RSS {:.0} MB",
                started.elapsed().as_secs_f64(),
                peak_rss_mb(office.server.child.id())
            );
        }
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

    hostile_logins(&office, &ws, &key);
}

/// 200 hostile logins (a 1 MB name each, then distinct unknown names with wrong passwords) from
/// eight clients, while honest logins, a push and a pull go on: what each takes meanwhile, and the
/// server's memory before, at the peak and after.
fn hostile_logins(office: &Office, ws: &str, key: &SigningKey) {
    let pid = office.server.child.id();
    let before = rss_mb(pid, "VmRSS:");
    let url = format!("{}/v1/login", office.server.url);
    let started = Instant::now();
    let (refused, honest, push_ms, pull_ms) = std::thread::scope(|scope| {
        let attackers: Vec<_> = (0..8)
            .map(|client| {
                let url = url.clone();
                scope.spawn(move || {
                    // Each attacker from an address of its own on the loopback range (127.0.0.2…),
                    // the honest person from 127.0.0.1: the per-address throttle tells them apart.
                    let from: std::net::IpAddr = format!("127.0.0.{}", client + 2).parse().unwrap();
                    let attacker = ekn_connect::tls::client_builder().local_address(from).build().unwrap();
                    let mut refused = 0;
                    for i in 0..25 {
                        let name = if i % 2 == 0 { "Ж".repeat(512 * 1024) } else { format!("nobody-{client}-{i}") };
                        let body = serde_json::json!({ "name": name, "password": "wrong password" });
                        let status = attacker.post(&url).json(&body).send().map(|r| r.status().as_u16()).unwrap_or(0);
                        if status != 200 {
                            refused += 1;
                        }
                    }
                    refused
                })
            })
            .collect();
        let honest = scope.spawn(|| {
            let started = Instant::now();
            let mut times = Vec::new();
            while started.elapsed().as_secs_f64() < 5.0 {
                let t = Instant::now();
                office.login("Supervisor Saule");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        let t = Instant::now();
        let (status, _) = signed(office, ws, key, "GET", "/v1/sync/pull?since=0&limit=1000", &[]);
        assert_eq!(status, 200);
        let pull_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let request = PushRequest {
            protocol: PROTOCOL,
            app_version: "bench".into(),
            workstation_id: ws.to_string(),
            epoch: "bench.0".into(),
            events: Vec::new(),
            checkpoint: None,
        };
        let (status, body) = signed(office, ws, key, "POST", "/v1/sync/push", &serde_json::to_vec(&request).unwrap());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let push_ms = t.elapsed().as_secs_f64() * 1000.0;
        let refused: usize = attackers.into_iter().map(|a| a.join().unwrap()).sum();
        (refused, honest.join().unwrap(), push_ms, pull_ms)
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut sorted = honest.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    std::thread::sleep(std::time::Duration::from_secs(2));
    println!(
        "hostile logins: 200 sent ({refused} refused) in {seconds:.1} s; meanwhile {} honest logins ({:.1}/s, median \
         {median:.0} ms), an empty push {push_ms:.0} ms, a pull of 1,000 entries {pull_ms:.0} ms; server RSS {before:.0} MB \
         before, {:.0} MB after (peak {:.0} MB)",
        honest.len(),
        honest.len() as f64 / 5.0,
        rss_mb(pid, "VmRSS:"),
        peak_rss_mb(pid)
    );
}
