//! Several programs on one database at once, as the README promises (issue 58): `ekn serve` and
//! the desktop app's host beside command-line processes, plain and encrypted. Every write that
//! was answered as done is there after the others close, after a clean stop and after `kill -9`;
//! the journal verifies and SQLite's integrity check passes.
//!
//! The failure this pins: a process that opened its own database file outside SQLite (to read its
//! first bytes) and closed it lost every POSIX lock its connections held; the next program to
//! close the database took itself for the last one and deleted the write-ahead log under the
//! server, whose later writes vanished when it stopped, and the signed checkpoint then ran ahead
//! of the journal. `/proc/locks` shows whether a process still holds its lock on the file.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::support::{bin, csv_line, inspection_rows, INSPECTION_HEADER_RU};
use crate::vault::{Vault, PASSPHRASE};

const TODAY: &str = "2026-11-20";

fn ekn(db: &Path, passphrase: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ekn"));
    command.arg("--db").arg(db).env_remove("EKN_USER").env_remove("EKN_NEW_PASSPHRASE");
    match passphrase {
        Some(p) => command.env("EKN_PASSPHRASE", p),
        None => command.env_remove("EKN_PASSPHRASE"),
    };
    command
}

fn run(db: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    ekn(db, passphrase).args(args).output().unwrap()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The inode of a file, as `/proc/locks` names it.
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

/// Whether process `pid` holds a POSIX lock on the file with inode `ino` (`/proc/locks`: id, kind,
/// mode, access, pid, major:minor:inode, start, end).
fn holds_lock(pid: u32, ino: u64) -> bool {
    let locks = std::fs::read_to_string("/proc/locks").expect("/proc/locks is readable on Linux");
    locks.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // "1: POSIX ADVISORY READ 1234 fd:01:5678 …"; a waiting lock is marked "->" and shifts by one.
        let fields = if fields.get(1) == Some(&"->") { &fields[1..] } else { &fields[..] };
        fields.len() >= 6
            && fields[1] == "POSIX"
            && fields[4] == pid.to_string()
            && fields[5].rsplit(':').next() == Some(&ino.to_string())
    })
}

/// `ekn serve` on a database, as a separate program: its address, token and process.
struct Served {
    child: Child,
    base: String,
    token: String,
}

impl Served {
    fn start(db: &Path, passphrase: Option<&str>) -> Served {
        let mut child = ekn(db, None)
            .args(["serve", "--port", "0", "--today", TODAY])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url =
            lines.find_map(|l| l.ok().filter(|l| l.starts_with("http://"))).expect("ekn serve prints its address");
        // The rest of what it prints is drained, so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let parsed = url.trim().split("/?token=").collect::<Vec<_>>();
        let served = Served { child, base: parsed[0].to_string(), token: parsed[1].to_string() };
        if let Some(passphrase) = passphrase {
            let (code, state) = served.call("unlock", json!({"passphrase": passphrase})).unwrap();
            assert_eq!(code, 200, "{state}");
        }
        served
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// One request; an error when the server is gone (killed mid-request).
    fn call(&self, method: &str, params: Value) -> Result<(u16, Value), String> {
        let agent = ekn::connect::tls::client_builder().timeout(Duration::from_secs(60)).build().unwrap();
        let response = agent
            .post(format!("{}/api/{method}", self.base))
            .header(ekn::serve::TOKEN_HEADER, &self.token)
            .json(&params)
            .send()
            .map_err(|e| e.to_string())?;
        let code = response.status().as_u16();
        Ok((code, response.json().map_err(|e| e.to_string())?))
    }

    fn ok(&self, method: &str, params: Value) -> Value {
        let (code, body) = self.call(method, params).unwrap();
        assert_eq!(code, 200, "{method}: {body}");
        body
    }

    /// Waits for the journal's verification the server starts on its own connection.
    fn verified(&self) {
        let started = Instant::now();
        loop {
            let status = self.ok("journal_status", json!({}));
            if status["checking"] == false {
                assert_eq!(status["verification"]["ok"], true, "{status}");
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "verification did not end");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl+C: the server stops as a person stops it.
    fn interrupt(mut self) {
        let _ = Command::new("kill").args(["-INT", &self.pid().to_string()]).status();
        let _ = self.child.wait();
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn new_task(title: &str) -> Value {
    json!({
        "kind": "follow_up", "title": title, "subject_bin": null, "appeal_no": null,
        "assignee": "Ахметова А.", "unit": "Отдел по надзору", "norm": "appk-76-consideration",
        "period": null, "event_date": "2026-11-16", "depends_on": []
    })
}

/// SQLite's own check of the whole file, through the product's key for an encrypted one.
fn integrity(db: &Path, passphrase: Option<&str>) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    if let Some(passphrase) = passphrase {
        let header = ekn::store::vault::Header::read(db).unwrap();
        let key = header.open(&ekn::store::vault::Passphrase::new(passphrase), db).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.sqlcipher_key().as_str())).unwrap();
    }
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

/// The reproduction of issue 58 against `ekn serve`: whatever the server does that once opened its
/// own file (verifying the journal at start, the vault's state the page asks for, the network
/// worker's session) leaves its lock in place; other programs come and go; every write it answered
/// is there after it stops, and the journal verifies.
fn a_second_program_leaves_the_servers_log_and_writes_alone(db: &Path, passphrase: Option<&str>) {
    let ino = inode(db);
    let server = Served::start(db, passphrase);
    server.verified();
    server.ok("vault_state", json!({}));
    // The network worker opens a session of its own at its first request (refused here: no office).
    let (_, refused) = server.call("sync", json!({})).unwrap();
    assert_eq!(refused["code"], "not_joined", "{refused}");
    assert!(holds_lock(server.pid(), ino), "the server holds its lock on the database file");

    // Other programs open and close the same database.
    let status: Value = serde_json::from_str(&ok(&run(db, passphrase, &["status", "--json"]))).unwrap();
    assert!(status["counts"].is_object(), "{status}");
    ok(&run(db, passphrase, &["vault", "status"]));
    ok(&run(db, passphrase, &["journal", "verify"]));
    if passphrase.is_none() {
        // What `sqlite3 ekn.db "select 1"` does.
        let other = rusqlite::Connection::open(db).unwrap();
        other.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).unwrap();
        drop(other);
    }
    let wal = ekn::store::files::DbFiles::of(db).wal;
    assert!(wal.exists(), "the write-ahead log is still beside the database");
    assert!(holds_lock(server.pid(), ino), "the server still holds its lock after the others closed");

    let created = server.ok("add_task", new_task("после другой программы"));
    let id = created["created"][0]["id"].as_i64().unwrap();
    ok(&run(db, passphrase, &["status"]));
    server.ok("note_task", json!({"id": id, "text": "записано после второго закрытия"}));
    let card = server.ok("case", json!({"bin": bin(1)}));
    assert!(card.is_object());
    server.interrupt();

    let shown: Value = serde_json::from_str(&ok(&run(db, passphrase, &["task", "show", &id.to_string(), "--json"])))
        .expect("the task the server created is there after it stopped");
    assert!(shown.to_string().contains("записано после второго закрытия"), "{shown}");
    let verify = run(db, passphrase, &["journal", "verify", "--json"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    assert_eq!(integrity(db, passphrase), "ok");
}

/// A plain database with the small registry: quick to open for many short processes.
fn plain_with_sample() -> (tempfile::TempDir, PathBuf) {
    let db = crate::support::TempDb::new();
    let csv = db.file("inspections.csv", crate::support::inspections_csv());
    db.import(ekn::domain::records::DataKind::Inspections, &csv).unwrap();
    (db.dir, db.path)
}

#[test]
fn ekn_serve_keeps_its_lock_and_its_writes_beside_other_programs_plain() {
    let (_dir, db) = plain_with_sample();
    a_second_program_leaves_the_servers_log_and_writes_alone(&db, None);
}

#[test]
fn ekn_serve_keeps_its_lock_and_its_writes_beside_other_programs_encrypted() {
    let vault = Vault::new();
    vault.import_sample();
    a_second_program_leaves_the_servers_log_and_writes_alone(&vault.path, Some(PASSPHRASE));
}

#[test]
fn the_desktop_host_keeps_its_lock_and_its_writes_beside_the_command_line() {
    // The host the desktop app runs (ekn-desktop is a thin shell over it), in this process.
    let (_dir, db) = plain_with_sample();
    let ino = inode(&db);
    let host = ekn::api::host::Host::start(
        &db,
        false,
        ekn::domain::journal::Face::Desktop,
        Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
    )
    .unwrap();
    host.call("vault_state", json!({})).unwrap();
    assert_eq!(host.call("sync", json!({})).unwrap_err().code, ekn::api::ErrorCode::NotJoined);
    let pid = std::process::id();
    assert!(holds_lock(pid, ino), "the app holds its lock on the database file");
    ok(&run(&db, None, &["status", "--json"]));
    ok(&run(&db, None, &["journal", "verify"]));
    assert!(holds_lock(pid, ino), "the app still holds its lock after the command line closed");
    let created = host.call("add_task", new_task("в приложении")).unwrap();
    let id = created["created"][0]["id"].as_i64().unwrap();
    ok(&run(&db, None, &["vault", "status"]));
    // What the command line wrote meanwhile shows in the app at once (its caches are dropped).
    let other: Value = serde_json::from_str(&ok(&run(
        &db,
        None,
        &[
            "task",
            "add",
            "--kind",
            "follow_up",
            "--title",
            "из командной строки",
            "--assignee",
            "Ахметова А.",
            "--unit",
            "Отдел по надзору",
            "--norm",
            "appk-76-consideration",
            "--from",
            "2026-11-16",
            "--json",
        ],
    )))
    .unwrap();
    let other_id = other["created"][0]["id"].as_i64().unwrap();
    let seen = host.call("task", json!({"id": other_id})).unwrap();
    assert_eq!(seen["title"], "из командной строки", "{seen}");
    host.call("note_task", json!({"id": id, "text": "после командной строки"})).unwrap();
    drop(host);
    let shown = ok(&run(&db, None, &["task", "show", &id.to_string(), "--json"]));
    assert!(shown.contains("после командной строки"), "{shown}");
    ok(&run(&db, None, &["journal", "verify"]));
    assert_eq!(integrity(&db, None), "ok");
}

#[test]
fn a_database_another_program_has_open_is_not_replaced_or_removed() {
    let (dir, db) = plain_with_sample();
    let server = Served::start(&db, None);
    server.verified();
    let forced = run(&db, None, &["init", "--force"]);
    let err = String::from_utf8_lossy(&forced.stderr).into_owned();
    assert!(err.starts_with("ekn: error [in_use]:"), "{err}");
    let encrypt = ekn(&db, None)
        .args(["vault", "encrypt", "--recovery-out"])
        .arg(dir.path().join("recovery.txt"))
        .env("EKN_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&encrypt.stderr).into_owned();
    assert!(err.starts_with("ekn: error [in_use]:"), "{err}");
    assert!(!ekn::api::is_encrypted(&db).unwrap(), "nothing was switched");
    server.ok("status", json!({}));
    server.interrupt();
    ok(&run(&db, None, &["journal", "verify"]));
}

/// What the soak recorded as answered: tasks by title with the notes they were answered to
/// hold, and imported inspections by registry number.
#[derive(Default)]
struct Answered {
    tasks: Vec<(String, Vec<String>)>,
    inspections: Vec<String>,
    refused_busy: usize,
}

fn soak_csv(prefix: &str) -> String {
    let mut text = INSPECTION_HEADER_RU.join(";");
    text.push('\n');
    for (i, mut row) in inspection_rows().into_iter().enumerate() {
        row[0] = format!("{prefix}-{i}");
        text.push_str(&csv_line(&row, ';'));
        text.push('\n');
    }
    text
}

/// An error a person is told in words when another program holds the write lock: not a loss.
fn busy(output: &Output) -> bool {
    String::from_utf8_lossy(&output.stderr).contains("[busy]")
}

/// The app's side of the soak: `ekn serve` creating tasks and noting them, killed (`-9`) or stopped
/// now and then and started again.
fn soak_app(db: &Path, seed: u64, ops: &AtomicUsize, target: usize, answered: &Mutex<Answered>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut server = Some(Served::start(db, None));
    let mut mine: Vec<(i64, String)> = Vec::new();
    let mut n = 0;
    while ops.load(Ordering::SeqCst) < target {
        n += 1;
        let served = server.get_or_insert_with(|| Served::start(db, None));
        if rng.random_bool(0.03) {
            let s = server.take().unwrap();
            if rng.random_bool(0.5) {
                s.kill()
            } else {
                s.interrupt()
            }
            continue;
        }
        ops.fetch_add(1, Ordering::SeqCst);
        if mine.is_empty() || rng.random_bool(0.5) {
            let title = format!("app-{seed}-{n}");
            match served.call("add_task", new_task(&title)) {
                Ok((200, body)) => {
                    let id = body["created"][0]["id"].as_i64().unwrap();
                    answered.lock().unwrap().tasks.push((title.clone(), Vec::new()));
                    mine.push((id, title));
                }
                Ok((_, body)) if body["code"] == "busy" => answered.lock().unwrap().refused_busy += 1,
                Ok((code, body)) => panic!("add_task answered {code}: {body}"),
                Err(_) => {} // killed meanwhile: not answered, so not counted
            }
        } else {
            let (id, title) = mine[rng.random_range(0..mine.len())].clone();
            let note = format!("note-{seed}-{n}");
            match served.call("note_task", json!({"id": id, "text": note})) {
                Ok((200, _)) => {
                    let mut a = answered.lock().unwrap();
                    a.tasks.iter_mut().find(|(t, _)| *t == title).unwrap().1.push(note);
                }
                Ok((_, body)) if body["code"] == "busy" => answered.lock().unwrap().refused_busy += 1,
                Ok((code, body)) => panic!("note_task answered {code}: {body}"),
                Err(_) => {}
            }
        }
    }
    if let Some(s) = server {
        s.interrupt();
    }
}

/// A command-line process of the soak: tasks, imports, reads, verification, backups; some killed
/// part-way (`-9`), which answers nothing and so must leave nothing half-done.
fn soak_cli(db: &Path, dir: &Path, seed: u64, ops: &AtomicUsize, target: usize, answered: &Mutex<Answered>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut n = 0;
    while ops.load(Ordering::SeqCst) < target {
        n += 1;
        ops.fetch_add(1, Ordering::SeqCst);
        let choice = rng.random_range(0..100);
        if choice < 8 {
            // Killed part-way: whatever it was doing is not answered.
            let csv = dir.join(format!("killed-{seed}-{n}.csv"));
            std::fs::write(&csv, soak_csv(&format!("K-{seed}-{n}"))).unwrap();
            let mut child = ekn(db, None)
                .args(["import", "inspections"])
                .arg(&csv)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(rng.random_range(1..150)));
            let _ = child.kill();
            let _ = child.wait();
        } else if choice < 40 {
            let title = format!("cli-{seed}-{n}");
            let args = [
                "task",
                "add",
                "--kind",
                "follow_up",
                "--title",
                &title,
                "--assignee",
                "Ахметова А.",
                "--unit",
                "Отдел по надзору",
                "--norm",
                "appk-76-consideration",
                "--from",
                "2026-11-16",
                "--json",
            ];
            let out = run(db, None, &args);
            if out.status.success() {
                let body: Value = serde_json::from_slice(&out.stdout).unwrap();
                let id = body["created"][0]["id"].as_i64().unwrap();
                answered.lock().unwrap().tasks.push((title.clone(), Vec::new()));
                let note = format!("cli-note-{seed}-{n}");
                let noted = run(db, None, &["task", "note", &id.to_string(), &note]);
                if noted.status.success() {
                    let mut a = answered.lock().unwrap();
                    a.tasks.iter_mut().find(|(t, _)| *t == title).unwrap().1.push(note);
                } else {
                    assert!(busy(&noted), "{}", String::from_utf8_lossy(&noted.stderr));
                    answered.lock().unwrap().refused_busy += 1;
                }
            } else {
                assert!(busy(&out), "{}", String::from_utf8_lossy(&out.stderr));
                answered.lock().unwrap().refused_busy += 1;
            }
        } else if choice < 60 {
            let prefix = format!("S-{seed}-{n}");
            let csv = dir.join(format!("{prefix}.csv"));
            std::fs::write(&csv, soak_csv(&prefix)).unwrap();
            let out = run(db, None, &["import", "inspections", csv.to_str().unwrap()]);
            if out.status.success() {
                answered.lock().unwrap().inspections.extend((0..3).map(|i| format!("{prefix}-{i}")));
            } else {
                assert!(busy(&out), "{}", String::from_utf8_lossy(&out.stderr));
                answered.lock().unwrap().refused_busy += 1;
            }
        } else if choice < 75 {
            let out = run(db, None, &["journal", "verify"]);
            assert!(out.status.success() || busy(&out), "{}", String::from_utf8_lossy(&out.stdout));
        } else if choice < 78 {
            let backup = dir.join(format!("b-{seed}-{n}.ekn-backup"));
            let out = ekn(db, Some(PASSPHRASE)).args(["backup", "--out"]).arg(&backup).output().unwrap();
            assert!(out.status.success() || busy(&out), "{}", String::from_utf8_lossy(&out.stderr));
        } else if choice < 88 {
            let out = run(db, None, &["status", "--json"]);
            assert!(out.status.success() || busy(&out), "{}", String::from_utf8_lossy(&out.stderr));
        } else {
            let out = run(db, None, &["card", &bin(1), "--json"]);
            assert!(out.status.success() || busy(&out), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[test]
fn a_thousand_mixed_operations_from_the_app_and_two_command_lines_lose_nothing_answered() {
    let (dir, db) = plain_with_sample();
    let target = std::env::var("EKN_SOAK_OPS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let ops = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(Mutex::new(Answered::default()));
    let started = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| soak_app(&db, 1, &ops, target, &answered));
        for seed in [2, 3] {
            let (db, dir, ops, answered) = (&db, dir.path(), &ops, &answered);
            s.spawn(move || soak_cli(db, dir, seed, ops, target, answered));
        }
    });
    let answered = Arc::try_unwrap(answered).ok().unwrap().into_inner().unwrap();
    eprintln!(
        "soak: {} operations in {:.1} s; {} tasks, {} inspections answered; {} refused as busy",
        ops.load(Ordering::SeqCst),
        started.elapsed().as_secs_f64(),
        answered.tasks.len(),
        answered.inspections.len(),
        answered.refused_busy
    );
    assert!(answered.tasks.len() > 100 && !answered.inspections.is_empty(), "the soak wrote for real");

    // Everything answered is there: read back by SQLite with no program of ours in between.
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (title, notes) in &answered.tasks {
        let id: i64 = conn
            .query_row("SELECT id FROM tasks WHERE title = ?1", [title], |r| r.get(0))
            .unwrap_or_else(|e| panic!("task {title} was answered as created but is gone: {e}"));
        for note in notes {
            let found: i64 = conn
                .query_row(
                    "SELECT count(*) FROM journal j JOIN journal_personal p ON p.seq = j.seq
                     WHERE j.task_id = ?1 AND j.kind = 'task_noted' AND p.fields LIKE '%' || ?2 || '%'",
                    rusqlite::params![id, note],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(found > 0, "the note {note} on task {title} was answered as written but is gone");
        }
    }
    for number in &answered.inspections {
        let found: i64 =
            conn.query_row("SELECT count(*) FROM inspections WHERE registry_no = ?1", [number], |r| r.get(0)).unwrap();
        assert_eq!(found, 1, "inspection {number} was answered as imported but is gone");
    }
    drop(conn);
    let verify = run(&db, None, &["journal", "verify", "--json"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    assert_eq!(integrity(&db, None), "ok");
}
