//! What the office tests stand on: a real, throwaway PostgreSQL cluster per test (Debian's
//! binaries; as root, run as the `postgres` user with `runuser`), set up as `docs/OFFICE.md` tells
//! an administrator — a superuser that only makes the roles, the owner `ekn` (no right to create
//! roles) that migrates, and `ekn_office_app`, the role the real `ekn-office` server connects as,
//! child process on a loopback port — and workstations as real, encrypted `ekn` databases. So
//! what the tests prove of row-level security is what runs in an office.
//!
//! A cluster is stopped when its guard drops (a panicking test too); clusters left by a test
//! process that was killed are stopped by the next run. Without PostgreSQL's binaries the tests
//! fail, saying what to install, unless `EKN_SKIP_OFFICE=1` asks them to skip (said loudly).

#![allow(dead_code)]

pub mod portal;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ekn::api::{self, Session};

/// Where Debian keeps PostgreSQL's server binaries (not on PATH): `PG_BIN`, `pg_config --bindir`,
/// else the newest `/usr/lib/postgresql/*/bin`.
fn pg_bin() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    candidates.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    candidates.pop()
}

fn is_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false)
}

/// A command run as the `postgres` user when we are root (PostgreSQL refuses to run as root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

const PREFIX: &str = "ekn-testpg-";

/// Stops clusters whose test process is gone (it was killed before its guards dropped).
///
/// The owner's pid is part of the directory's name (`ekn-testpg-<pid>-…`), not a file written after the
/// directory: tests run in parallel, and a file written a moment later let another test's sweep see a
/// directory with no owner yet and delete it under its creator (a CI run failed so).
fn stop_orphans(bin: &Path) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with(PREFIX) {
            continue;
        }
        let owner = name[PREFIX.len()..].split('-').next().and_then(|p| p.parse::<u32>().ok());
        if owner.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists()) {
            continue;
        }
        let data = entry.path().join("data");
        if data.join("postmaster.pid").exists() {
            let _ = as_postgres(&bin.join("pg_ctl")).arg("-D").arg(&data).args(["-m", "immediate", "stop"]).output();
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// A PostgreSQL cluster of its own, on a Unix socket in its directory and a random port.
pub struct TestPg {
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    /// The server's options, to start it again the same way.
    options: String,
}

impl TestPg {
    /// Starts a cluster; without PostgreSQL's binaries the test fails saying what to install,
    /// unless `EKN_SKIP_OFFICE=1` asks to skip (then `None`, and the skip is said).
    pub fn start() -> Option<TestPg> {
        TestPg::start_with("")
    }

    /// A cluster that can publish by logical replication (a region of the national read-side):
    /// `wal_level=logical`, and a replication slot's WAL capped as docs/NATIONAL.md says.
    pub fn start_logical() -> Option<TestPg> {
        TestPg::start_with(
            "-c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10 -c max_slot_wal_keep_size=64MB",
        )
    }

    /// A cluster started with these server options besides the tests' own.
    pub fn start_with(extra: &str) -> Option<TestPg> {
        let Some(bin) = pg_bin() else {
            if std::env::var("EKN_SKIP_OFFICE").as_deref() == Ok("1") {
                eprintln!("SKIPPED (EKN_SKIP_OFFICE=1): PostgreSQL's server binaries are not installed");
                return None;
            }
            panic!(
                "PostgreSQL's server binaries are not installed (apt install postgresql; scripts/setup does); \
                 set EKN_SKIP_OFFICE=1 to skip the office's tests knowingly"
            );
        };
        stop_orphans(&bin);
        let prefix = format!("{PREFIX}{}-", std::process::id());
        let dir = tempfile::Builder::new().prefix(&prefix).tempdir().unwrap().keep();
        if is_root() {
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().unwrap().success();
            assert!(ok, "chown of the cluster's directory failed");
        }
        let data = dir.join("data");
        let out = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"])
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let options = format!(
            "-k {} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off {extra}",
            dir.display()
        );
        let pg = TestPg { dir, port, bin, options };
        pg.start_server();
        // docs/OFFICE.md, word for word: the owner, the server's role, the database.
        pg.admin("createuser", &["ekn"]);
        pg.admin("createuser", &["ekn_office_app"]);
        pg.admin("createdb", &["-O", "ekn", "ekn"]);
        Some(pg)
    }

    fn start_server(&self) {
        let out = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "-o", &self.options, "start"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// `kill -9` of the postmaster and every one of its children (a machine that lost power),
    /// then the cluster started again: PostgreSQL recovers from its WAL.
    pub fn crash_and_restart(&self) {
        let pid_file = std::fs::read_to_string(self.dir.join("data/postmaster.pid")).unwrap();
        let pid = pid_file.lines().next().unwrap().trim().to_string();
        let children = Command::new("pgrep").args(["-P", &pid]).output().unwrap();
        let mut victims = vec![pid];
        victims.extend(String::from_utf8_lossy(&children.stdout).lines().map(str::to_string));
        let ok = Command::new("kill").arg("-9").args(&victims).status().unwrap().success();
        assert!(ok, "kill -9 {victims:?}");
        // Gone means gone: no victim left that still holds the shared memory or the socket.
        let started = Instant::now();
        while victims.iter().any(|pid| Path::new(&format!("/proc/{pid}")).exists()) {
            assert!(started.elapsed() < Duration::from_secs(20), "the killed processes did not go: {victims:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
        self.start_server();
    }

    /// Runs one of PostgreSQL's client programs as the cluster's superuser (what `sudo -u postgres`
    /// is in the documentation).
    pub fn admin(&self, program: &str, args: &[&str]) {
        let out = Command::new(self.bin.join(program))
            .args(["-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", SUPERUSER])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// The connection string of database `db` as `user` (over the Unix socket).
    pub fn url_as(&self, user: &str, db: &str) -> String {
        format!("host={} port={} user={user} dbname={db}", self.dir.display(), self.port)
    }

    /// These roles log in with their passwords (SCRAM), as a deployment's `pg_hba.conf` says for
    /// people; every other role keeps the tests' trust over the socket.
    pub fn require_passwords(&self, roles: &[&str]) {
        let file = self.dir.join("data").join("pg_hba.conf");
        let before = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("local all {} scram-sha-256\n{before}", roles.join(","))).unwrap();
        self.psql("postgres", "SELECT pg_reload_conf()");
    }

    /// Runs SQL with psql as the cluster's superuser (the test looking behind the office's back);
    /// returns its output (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.psql_as(SUPERUSER, db, sql).unwrap_or_else(|e| panic!("psql {sql}: {e}"))
    }

    /// Runs SQL with psql as `user`: its output, or PostgreSQL's refusal.
    pub fn psql_as(&self, user: &str, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args(["-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", user, "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
            .output()
            .unwrap();
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// The files a table's rows are in (its heap and TOAST), for a test that reads the bytes.
    pub fn table_files(&self, table: &str) -> Vec<PathBuf> {
        let data = self.dir.join("data");
        let mut files = Vec::new();
        let main = self.psql("ekn", &format!("SELECT pg_relation_filepath('{table}')"));
        files.push(data.join(main));
        let toast = self.psql(
            "ekn",
            &format!(
                "SELECT coalesce(pg_relation_filepath(reltoastrelid), '') FROM pg_class WHERE relname = '{table}'"
            ),
        );
        if !toast.is_empty() {
            files.push(data.join(toast));
        }
        files
    }
}

/// The cluster's bootstrap superuser: makes the roles and databases, and lets a test look behind
/// the office's back; the office itself never connects as it.
pub const SUPERUSER: &str = "pgsuper";

impl Drop for TestPg {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `ekn-office` binary as a child process serving on a loopback port, connected as
/// `ekn_office_app`.
pub struct OfficeServer {
    pub child: Child,
    pub url: String,
    app_url: String,
    key_file: PathBuf,
    port: u16,
}

pub fn office_bin() -> &'static str {
    env!("CARGO_BIN_EXE_ekn-office")
}

/// Runs `ekn-office ARGS` to completion against `pg_url`, with `env`; returns (success, stdout, stderr).
pub fn office_cli(pg_url: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = Command::new(office_bin());
    c.args(args)
        .env("EKN_OFFICE_PG", pg_url)
        .env_remove("EKN_OFFICE_USER")
        .env_remove("EKN_OFFICE_PASSWORD")
        .env_remove("EKN_OFFICE_KEY_FILE");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The test TLS material's directory (`fixtures/tls`).
pub fn tls_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/tls").join(name)
}

impl OfficeServer {
    pub fn start(app_url: &str, key_file: &Path) -> OfficeServer {
        OfficeServer::start_on(app_url, key_file, free_port())
    }

    /// Starts the server on `port` and waits until it answers.
    pub fn start_on(app_url: &str, key_file: &Path, port: u16) -> OfficeServer {
        OfficeServer::start_with(app_url, key_file, port, None)
    }

    /// Starts the server serving TLS with `cert` and `key` (files of `fixtures/tls`) on `port`.
    pub fn start_tls(app_url: &str, key_file: &Path, port: u16, cert: &str, key: &str) -> OfficeServer {
        OfficeServer::start_with(app_url, key_file, port, Some((tls_fixture(cert), tls_fixture(key))))
    }

    fn start_with(app_url: &str, key_file: &Path, port: u16, tls: Option<(PathBuf, PathBuf)>) -> OfficeServer {
        let mut command = Command::new(office_bin());
        command.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
        if let Some((cert, key)) = &tls {
            command.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        }
        let mut child = command
            .env("EKN_OFFICE_PG", app_url)
            .env("EKN_OFFICE_KEY_FILE", key_file)
            // The office connectors' schedule looks every second, so a test need not wait a minute.
            .env("EKN_OFFICE_CONNECTORS_EVERY_S", "1")
            // The API key the office connectors' test portal wants, in the server's environment
            // as an administrator would put it there.
            .env("EKN_TEST_OFFICE_KEY", "office-key-1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let url = match tls {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        // Owned from here on: a failed start below still stops the child when this drops.
        let server = OfficeServer { child, url, app_url: app_url.to_string(), key_file: key_file.to_path_buf(), port };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(line.contains("listening on"), "the server said: {line}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the office server did not answer");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// kill -9, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        let fresh = OfficeServer::start_on(&self.app_url, &self.key_file, self.port);
        *self = fresh;
    }
}

impl Drop for OfficeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A migrated office database with its server running.
pub struct Office {
    pub server: OfficeServer,
    /// The owner's connection: migrate and the console's changes.
    pub pg_url: String,
    /// The server's connection (`ekn_office_app`).
    pub app_url: String,
    /// The office key's secret (made by the first migrate).
    pub key_file: PathBuf,
    pub pg: TestPg,
}

/// A blocking HTTP client for the tests' own requests (the product's one HTTP stack).
pub fn http() -> reqwest::blocking::Client {
    ekn::connect::tls::client_builder().timeout(Duration::from_secs(60)).build().unwrap()
}

impl Office {
    pub fn start() -> Option<Office> {
        Office::start_on(TestPg::start()?)
    }

    /// An office on a cluster already started (a region that publishes: `TestPg::start_logical`).
    pub fn start_on(pg: TestPg) -> Option<Office> {
        let pg_url = pg.url_as("ekn", "ekn");
        let app_url = pg.url_as("ekn_office_app", "ekn");
        let key_file = pg.dir.join("office.key");
        let key = key_file.display().to_string();
        let (ok, _, err) = office_cli(&pg_url, &["migrate", "--key-file", &key], &[]);
        assert!(ok, "migrate: {err}");
        let server = OfficeServer::start(&app_url, &key_file);
        Some(Office { server, pg_url, app_url, key_file, pg })
    }

    pub fn add_user(&self, name: &str, role: &str, districts: &str) {
        self.add_user_in_units(name, role, districts, "");
    }

    /// A person who works in the routing table's `units` (comma-separated ids).
    pub fn add_user_in_units(&self, name: &str, role: &str, districts: &str, units: &str) {
        let (ok, out, err) = office_cli(
            &self.pg_url,
            &["user", "add", name, "--role", role, "--districts", districts, "--units", units],
            &[("EKN_OFFICE_PASSWORD", PASSWORD)],
        );
        assert!(ok, "user add {name}: {out}{err}");
    }

    /// A bearer token for `name`.
    pub fn login(&self, name: &str) -> String {
        let reply: serde_json::Value = http()
            .post(format!("{}/v1/login", self.server.url))
            .json(&serde_json::json!({ "name": name, "password": PASSWORD }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        reply["token"].as_str().unwrap_or_else(|| panic!("login {name}: {reply}")).to_string()
    }

    /// GET with a bearer token: (status, JSON body).
    pub fn get(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let response = http()
            .get(format!("{}{path}", self.server.url))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(serde_json::Value::Null))
    }

    /// POST JSON with a bearer token: (status, JSON body).
    pub fn post(&self, token: &str, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let response = http()
            .post(format!("{}{path}", self.server.url))
            .header("authorization", format!("Bearer {token}"))
            .json(&body)
            .send()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(serde_json::Value::Null))
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

/// A workstation: a real, encrypted `ekn` database in its own directory (an office takes no
/// other).
pub struct Workstation {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    /// The vault's passphrase.
    pub passphrase: Option<ekn::api::VaultPassphrase>,
}

/// The passphrase of every test workstation's vault.
pub const VAULT_PASSPHRASE: &str = "correct horse battery staple for the vault";

/// Rows of the demo's inspections export whose KATO code begins with one of `prefixes`, as a
/// small CSV export of their own (the same header).
pub fn inspections_in(prefixes: &[&str], per_prefix: usize) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/inspections.csv"))
        .unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for prefix in prefixes {
        let rows: Vec<&str> = lines
            .clone()
            .filter(|l| l.split(';').nth(3).is_some_and(|kato| kato.starts_with(prefix)))
            .take(per_prefix)
            .collect();
        assert_eq!(rows.len(), per_prefix, "the demo has too few inspections in {prefix}");
        for row in rows {
            out += row;
            out.push('\n');
        }
    }
    out
}

/// Whether two JSON values are equal, numbers to nine significant digits.
pub fn same_figures(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_figures(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_figures(v, w)))
        }
        _ => a == b,
    }
}

/// The demo's appeals whose KATO code begins with `prefix` (all of them for ""), as an export of
/// their own (the first seven fields are never quoted).
pub fn appeals_in(prefix: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/appeals.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for row in lines.filter(|l| l.split(',').nth(6).is_some_and(|kato| kato.starts_with(prefix))) {
        out += row;
        out.push('\n');
    }
    out
}

/// `count` appeals of the demo's export whose KATO code begins with `prefix`, as an export of
/// their own in which they are still under consideration (a working office has answered most of
/// the demo's appeals, so the status, decision date and outcome are cleared here): each gets its
/// SLA tasks on import.
pub fn open_appeals_in(prefix: &str, count: usize) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/appeals.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    // The first seven fields are never quoted, nor are the last three (status, decided, outcome).
    let rows: Vec<&str> =
        lines.filter(|l| l.split(',').nth(6).is_some_and(|kato| kato.starts_with(prefix))).take(count).collect();
    assert_eq!(rows.len(), count, "the demo has too few appeals in {prefix}");
    for row in rows {
        let before_status = row.rsplitn(4, ',').nth(3).unwrap();
        out += &format!("{before_status},на рассмотрении,,\n");
    }
    out
}

/// The BIN and KATO of each row of a CSV made by `inspections_in`.
pub fn bins_of(csv: &str) -> Vec<(String, String)> {
    csv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[1].to_string(), f[3].to_string())
        })
        .collect()
}

impl Workstation {
    /// A new encrypted database with the inspections of `csv` imported.
    pub fn new(csv: &str) -> Workstation {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        let passphrase = ekn::api::VaultPassphrase::new(VAULT_PASSPHRASE);
        let vault =
            ekn::api::vault::NewVault { passphrase: passphrase.clone(), recovery_out: dir.path().join("recovery.txt") };
        api::init_encrypted(&path, None, false, &vault, api::Context::cli(), &mut |_, _| {}).unwrap();
        let ws = Workstation { dir, path, passphrase: Some(passphrase) };
        let file = ws.dir.path().join("inspections.csv");
        std::fs::write(&file, csv).unwrap();
        ws.session()
            .registry()
            .import(ekn::domain::records::DataKind::Inspections, &file, None, false, None, &mut |_| {})
            .unwrap();
        ws
    }

    /// A new plain (unencrypted) database, to be refused by an office.
    pub fn plain(csv: &str) -> Workstation {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        api::init(&path, None, false, api::Context::cli(), &mut |_, _| {}).unwrap();
        let file = dir.path().join("inspections.csv");
        std::fs::write(&file, csv).unwrap();
        let mut s = Session::open(&path).unwrap();
        s.registry()
            .import(ekn::domain::records::DataKind::Inspections, &file, None, false, None, &mut |_| {})
            .unwrap();
        Workstation { dir, path, passphrase: None }
    }

    /// Runs SQL on the workstation's database behind the product's back (a lost answer, a
    /// queued read sent again), with SQLCipher's own client keyed by the vault.
    pub fn sqlite(&self, sql: &str) {
        let conn = self.raw();
        conn.execute_batch(sql).unwrap();
    }

    /// The database opened raw (SQLCipher keyed by the vault, or plain).
    pub fn raw(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        if let Some(passphrase) = &self.passphrase {
            let header = ekn::store::vault::Header::read(&self.path).unwrap();
            let key = header.open(passphrase, &self.path).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.sqlcipher_key().as_str())).unwrap();
        }
        conn
    }

    /// Imports an appeals export (the rules give the open ones their SLA tasks).
    pub fn import_appeals(&self, csv: &str) {
        let file = self.dir.path().join("appeals.csv");
        std::fs::write(&file, csv).unwrap();
        self.session()
            .registry()
            .import(ekn::domain::records::DataKind::Appeals, &file, None, false, None, &mut |_| {})
            .unwrap();
    }

    pub fn session(&self) -> Session {
        self.session_with(api::Context { person: None, ..api::Context::cli() })
    }

    /// A session in `context`, with the vault's passphrase.
    pub fn session_with(&self, context: api::Context) -> Session {
        let context = match &self.passphrase {
            Some(p) => context.with_passphrase(p.clone()),
            None => context,
        };
        Session::open_with(&self.path, context).unwrap()
    }

    pub fn join(&self, office: &Office, user: &str, name: &str) -> ekn::api::office::OfficeStatus {
        self.try_join(office, user, name).unwrap()
    }

    pub fn try_join(
        &self,
        office: &Office,
        user: &str,
        name: &str,
    ) -> Result<ekn::api::office::OfficeStatus, ekn::api::ApiError> {
        self.session().office_join(&ekn::api::office::JoinParams {
            url: office.server.url.clone(),
            user: user.into(),
            password: PASSWORD.into(),
            workstation_name: Some(name.into()),
            tls_ca: None,
            tls_pin: None,
        })
    }
}

/// A decided appeal of the demo's export whose KATO begins with `prefix`, moved to 2020 (received
/// 2 March, decided 20 March): five years on, its retention period has ended. Its number and the
/// export of it alone.
pub fn decided_appeal_in(prefix: &str) -> (String, String) {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/appeals.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines
        .find(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f.get(6).is_some_and(|kato| kato.starts_with(prefix)) && !l.ends_with(",,") && !l.ends_with(',')
        })
        .unwrap_or_else(|| panic!("the demo has no decided appeal in {prefix}"));
    let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
    let no = fields[0].clone();
    fields[1] = "2020-03-02".into();
    // The decided date is the second field from the end (the outcome is last; the text before may hold commas).
    let n = fields.len();
    fields[n - 2] = "2020-03-20".into();
    (no, format!("{header}\n{}\n", fields.join(",")))
}

/// A workstation enrolled with a key the test holds, which sends whatever it likes, signed: what
/// a modified client, or a thief with a copied key, can put to the office.
pub struct Rogue {
    pub ws: String,
    pub key: ed25519_dalek::SigningKey,
    pub url: String,
    pub epoch: String,
    seq: i64,
    prev: String,
}

impl Rogue {
    /// Enrols a new key for `person` (who logs in with the tests' password).
    pub fn enrol(office: &Office, person: &str, seed: u8) -> Rogue {
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let epoch = format!("rogue{seed}.0");
        let proof = hex::encode(key.sign(&ekn::domain::sync::enrol_bytes(person, &public, &epoch)).to_bytes());
        let token = office.login(person);
        let (status, reply) = office.post(
            &token,
            "/v1/workstations/enrol",
            serde_json::json!({"name": format!("rogue {seed}"), "public_key": public, "epoch": epoch, "proof": proof}),
        );
        assert_eq!(status, 200, "{reply}");
        Rogue {
            ws: reply["workstation_id"].as_str().unwrap().to_string(),
            key,
            url: office.server.url.clone(),
            epoch,
            seq: 0,
            prev: ekn::domain::journal::GENESIS.to_string(),
        }
    }

    /// A signed request with a fresh nonce (or `nonce` to replay one): status, body, the
    /// office's signature header.
    pub fn signed(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        nonce: Option<&str>,
    ) -> (u16, serde_json::Value, Option<String>) {
        let time = chrono::Utc::now().to_rfc3339();
        self.signed_at(method, path, body, nonce, &time)
    }

    /// The same, with the answer's bytes as they came (for checking the office's signature).
    pub fn signed_raw(&self, method: &str, path: &str, nonce: &str) -> (u16, Vec<u8>, Option<String>) {
        let (status, _, signature, raw) = self.send(method, path, b"", Some(nonce), &chrono::Utc::now().to_rfc3339());
        (status, raw, signature)
    }

    pub fn signed_at(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        nonce: Option<&str>,
        time: &str,
    ) -> (u16, serde_json::Value, Option<String>) {
        let (status, json, signature, _) = self.send(method, path, body, nonce, time);
        (status, json, signature)
    }

    /// One signed request: status, the body as JSON and as bytes, the office's signature header.
    fn send(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        nonce: Option<&str>,
        time: &str,
    ) -> (u16, serde_json::Value, Option<String>, Vec<u8>) {
        let nonce = nonce.map_or_else(|| hex::encode(rand_bytes()), str::to_string);
        let signed = ekn::domain::sync::sign_request(&self.key, method, path, time, nonce, body);
        let response = http()
            .request(method.parse().unwrap(), format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .header(ekn::domain::sync::HEADER_WORKSTATION, &self.ws)
            .header(ekn::domain::sync::HEADER_TIME, signed.time)
            .header(ekn::domain::sync::HEADER_NONCE, signed.nonce)
            .header(ekn::domain::sync::HEADER_SIGNATURE, signed.signature)
            .body(body.to_vec())
            .send()
            .unwrap();
        let status = response.status().as_u16();
        let signature = response
            .headers()
            .get(ekn::domain::sync::HEADER_OFFICE_SIGNATURE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let raw = response.bytes().unwrap().to_vec();
        (status, serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null), signature, raw)
    }

    /// The next entry of this rogue's own chain, about what the caller says.
    pub fn entry(
        &mut self,
        kind: &str,
        task_id: Option<i64>,
        appeal_no: Option<&str>,
        subject_bin: Option<&str>,
    ) -> ekn::domain::journal::StoredEntry {
        self.seq += 1;
        let mut e = ekn::domain::journal::StoredEntry {
            seq: self.seq,
            at: chrono::Utc::now().to_rfc3339(),
            person: "rogue".into(),
            face: "cli".into(),
            kind: kind.into(),
            subject_bin: subject_bin.map(str::to_string),
            appeal_no: appeal_no.map(str::to_string),
            task_id,
            record: None,
            state_digest: None,
            old_due: None,
            new_due: None,
            detail: "a rogue's entry".into(),
            payload: format!(r#"{{"kind":"{kind}"}}"#),
            version: ekn::domain::journal::JOURNAL_VERSION,
            personal_digest: None,
            prev_hash: self.prev.clone(),
            hash: String::new(),
            personal: None,
            redacted_by: None,
        };
        e.hash = ekn::domain::journal::chain_hash(&e);
        self.prev = e.hash.clone();
        e
    }

    /// Pushes `events` (entries of this rogue's chain, placed as the rogue claims).
    pub fn push(&self, events: Vec<ekn::domain::sync::SyncEvent>) -> (u16, serde_json::Value) {
        let request = ekn::domain::sync::PushRequest {
            protocol: ekn::domain::sync::PROTOCOL,
            app_version: "rogue".into(),
            workstation_id: self.ws.clone(),
            epoch: self.epoch.clone(),
            events,
            checkpoint: None,
        };
        let (status, body, _) = self.signed("POST", "/v1/sync/push", &serde_json::to_vec(&request).unwrap(), None);
        (status, body)
    }
}

/// 16 random bytes, for a nonce.
pub fn rand_bytes() -> [u8; 16] {
    use rand::TryRngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).unwrap();
    bytes
}

/// A task's state as a rogue claims it.
pub fn task_state(kind: &str, appeal_no: Option<&str>, bin: Option<&str>) -> ekn::domain::sync::TaskState {
    serde_json::from_value(serde_json::json!({
        "task_kind": kind, "title": "a rogue's task", "subject_bin": bin, "appeal_no": appeal_no,
        "assignee": "rogue", "unit": "надзор", "region_code": null, "category": null, "event_date": "2026-11-02",
        "original_due": "2026-11-16", "current_due": "2026-11-16", "status": "open", "done_on": null
    }))
    .unwrap()
}

/// Adds a dashboard's overdue matrix (district → category → count) into `sum`, cell by cell, keyed
/// `district/category`.
pub fn add_matrix(sum: &mut std::collections::BTreeMap<String, u64>, matrix: &serde_json::Value) {
    for (district, row) in matrix.as_object().unwrap() {
        for (category, n) in row.as_object().unwrap() {
            *sum.entry(format!("{district}/{category}")).or_default() += n.as_u64().unwrap();
        }
    }
}

/// The state of synthetic task `task` (the benches' pushes): open, due 16 November 2026, in 1940.
pub fn bench_task_state(task: i64) -> ekn::domain::sync::TaskState {
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    ekn::domain::sync::TaskState {
        task_kind: "gather_information".into(),
        title: format!("task {task}"),
        subject_bin: Some("020341004031".into()),
        appeal_no: None,
        assignee: "Асель Нурланова".into(),
        unit: "надзор".into(),
        region_code: Some("1940".into()),
        category: None,
        event_date: day("2026-11-02"),
        original_due: day("2026-11-16"),
        current_due: day("2026-11-16"),
        status: "open".into(),
        done_on: None,
        norm_id: None,
        period: Some(ekn::domain::deadline::Period { amount: 10, unit: ekn::domain::deadline::Unit::WorkingDays }),
        suspensions: Vec::new(),
    }
}

/// The text of a PDF as poppler's `pdftotext` reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext read the PDF");
    String::from_utf8(out.stdout).unwrap()
}
