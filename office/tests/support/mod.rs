//! What the office tests stand on: a real, throwaway PostgreSQL cluster per test (Debian's
//! binaries; as root, run as the `postgres` user with `runuser`), the real `ekn-office` server as
//! a child process on a loopback port, and workstations as real `ekn` databases.
//!
//! A cluster is stopped when its guard drops (a panicking test too); clusters left by a test
//! process that was killed are stopped by the next run. Without PostgreSQL's binaries the tests
//! say so and skip; CI installs them (`scripts/setup`).

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
}

impl TestPg {
    /// Starts a cluster, or says why it cannot and returns `None` (the test then skips).
    pub fn start() -> Option<TestPg> {
        let Some(bin) = pg_bin() else {
            // CI installs them: there a missing server is a broken set-up, not a reason to skip.
            assert!(std::env::var_os("CI").is_none(), "PostgreSQL's server binaries are missing on CI");
            eprintln!(
                "SKIPPED: PostgreSQL's server binaries are not installed (apt install postgresql; scripts/setup does)"
            );
            return None;
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
            .args(["-U", "ekn", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"])
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let options = format!(
            "-k {} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            dir.display()
        );
        let out = as_postgres(&bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-w", "-o", &options, "start"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
        let pg = TestPg { dir, port, bin };
        pg.psql("postgres", "CREATE DATABASE ekn");
        Some(pg)
    }

    /// The connection string of database `db` (over the Unix socket).
    pub fn url(&self, db: &str) -> String {
        format!("host={} port={} user=ekn dbname={db}", self.dir.display(), self.port)
    }

    /// Runs SQL with psql as the cluster's superuser; returns its output (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", "ekn", "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

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

/// The `ekn-office` binary as a child process serving on a loopback port.
pub struct OfficeServer {
    pub child: Child,
    pub url: String,
    pg_url: String,
    port: u16,
}

pub fn office_bin() -> &'static str {
    env!("CARGO_BIN_EXE_ekn-office")
}

/// Runs `ekn-office ARGS` to completion against `pg_url`, with `env`; returns (success, stdout, stderr).
pub fn office_cli(pg_url: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = Command::new(office_bin());
    c.args(args).env("EKN_OFFICE_PG", pg_url).env_remove("EKN_OFFICE_USER").env_remove("EKN_OFFICE_PASSWORD");
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

impl OfficeServer {
    pub fn start(pg_url: &str) -> OfficeServer {
        OfficeServer::start_on(pg_url, free_port())
    }

    /// Starts the server on `port` and waits until it answers.
    pub fn start_on(pg_url: &str, port: u16) -> OfficeServer {
        let mut child = Command::new(office_bin())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("EKN_OFFICE_PG", pg_url)
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
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(line.contains("listening on"), "the server said: {line}");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{url}/v1/health")).call().is_err() {
            assert!(Instant::now() < deadline, "the office server did not answer");
            std::thread::sleep(Duration::from_millis(50));
        }
        OfficeServer { child, url, pg_url: pg_url.to_string(), port }
    }

    /// kill -9, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        let fresh = OfficeServer::start_on(&self.pg_url, self.port);
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
    pub pg_url: String,
    pub pg: TestPg,
}

impl Office {
    pub fn start() -> Option<Office> {
        let pg = TestPg::start()?;
        let pg_url = pg.url("ekn");
        let (ok, _, err) = office_cli(&pg_url, &["migrate"], &[]);
        assert!(ok, "migrate: {err}");
        let server = OfficeServer::start(&pg_url);
        Some(Office { server, pg_url, pg })
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
        let reply: serde_json::Value = ureq::post(&format!("{}/v1/login", self.server.url))
            .send_json(serde_json::json!({ "name": name, "password": PASSWORD }))
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        reply["token"].as_str().unwrap().to_string()
    }

    /// GET with a bearer token: (status, JSON body).
    pub fn get(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent
            .get(&format!("{}{path}", self.server.url))
            .header("authorization", format!("Bearer {token}"))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_json().unwrap_or(serde_json::Value::Null))
    }

    /// POST JSON with a bearer token: (status, JSON body).
    pub fn post(&self, token: &str, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent
            .post(&format!("{}{path}", self.server.url))
            .header("authorization", format!("Bearer {token}"))
            .send_json(body)
            .unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_json().unwrap_or(serde_json::Value::Null))
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

/// A workstation: a real `ekn` database in its own directory.
pub struct Workstation {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    /// The vault's passphrase, for a database restored from an encrypted backup.
    pub passphrase: Option<ekn::api::VaultPassphrase>,
}

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

/// Appeals of the demo's export still under consideration (no outcome yet) whose KATO code
/// begins with `prefix`, as an export of their own: each gets its SLA tasks on import.
pub fn open_appeals_in(prefix: &str, count: usize) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/appeals.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    // The first seven fields are never quoted; the outcome, last, is empty while the appeal is open.
    let rows: Vec<&str> = lines
        .filter(|l| l.split(',').nth(6).is_some_and(|kato| kato.starts_with(prefix)) && l.ends_with(",,"))
        .take(count)
        .collect();
    assert_eq!(rows.len(), count, "the demo has too few open appeals in {prefix}");
    for row in rows {
        out += row;
        out.push('\n');
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
    /// A new database with the inspections of `csv` imported.
    pub fn new(csv: &str) -> Workstation {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        api::init(&path, None, false, api::Context::cli(), &mut |_, _| {}).unwrap();
        let file = dir.path().join("inspections.csv");
        std::fs::write(&file, csv).unwrap();
        let mut s = Session::open(&path).unwrap();
        s.import(ekn::domain::records::DataKind::Inspections, &file, None, false, None, &mut |_| {}).unwrap();
        Workstation { dir, path, passphrase: None }
    }

    /// Imports an appeals export (the rules give the open ones their SLA tasks).
    pub fn import_appeals(&self, csv: &str) {
        let file = self.dir.path().join("appeals.csv");
        std::fs::write(&file, csv).unwrap();
        self.session().import(ekn::domain::records::DataKind::Appeals, &file, None, false, None, &mut |_| {}).unwrap();
    }

    pub fn session(&self) -> Session {
        let context = api::Context { person: None, ..api::Context::cli() };
        let context = match &self.passphrase {
            Some(p) => context.with_passphrase(p.clone()),
            None => context,
        };
        Session::open_with(&self.path, context).unwrap()
    }

    pub fn join(&self, office: &Office, user: &str, name: &str) -> ekn::api::office::OfficeStatus {
        self.session()
            .office_join(&ekn::api::office::JoinParams {
                url: office.server.url.clone(),
                user: user.into(),
                password: PASSWORD.into(),
                workstation_name: Some(name.into()),
            })
            .unwrap()
    }
}
