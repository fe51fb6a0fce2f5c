//! Figures of the national read-side for docs/PERFORMANCE.md, printed, never asserted: a region's
//! office on a PostgreSQL with `wal_level=logical` and a national PostgreSQL subscribed to it, as
//! `docs/NATIONAL.md` sets them up, then
//!
//! - the **lag**: journal entries pushed to the region at a steady rate (100 a second, in pushes
//!   of 10 every 100 ms, as many workstations syncing would) for ten minutes, each push's entries
//!   timed from the region's commit to their row in the national `national_chain` (polled every
//!   10 ms): the median, p95 and the worst;
//! - a **resync** of a region holding 1,000,000 published chain rows (`national resync`, timed
//!   until `national status` says caught up and the rows are all there);
//! - the **national dashboard** over 5,000,000 rows of task counts (`national dashboard --json`:
//!   wall time and the console's peak memory);
//! - the **national anomalies** over 1,000,000 published inspections and 500,000 appeals
//!   (`national anomalies --json`: wall time and peak memory);
//! - the **Country screen** over 20 regions (issue 64): the national face (`national serve` as
//!   `ekn_national_web`) answering each figure the app asks for, and the app's core logging in and
//!   drilling into a region (`NationalSession`), timed end to end over loopback HTTP.
//!
//! `cargo bench -p ekn-office --bench national` (as root: the clusters run as `postgres`).
//! `EKN_BENCH_LAG_SECONDS`, `EKN_BENCH_RATE`, `EKN_BENCH_RESYNC_ROWS`, `EKN_BENCH_DASHBOARD_ROWS`,
//! `EKN_BENCH_ANOMALY_ROWS`, `EKN_BENCH_COUNTRY_INSPECTIONS` change the sizes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ekn_domain::sync::SyncEvent;
use support::{bench_task_state, office_cli, Office, Rogue, TestPg, SUPERUSER};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Waits until `national status` exits 0 (every region attached and caught up); the seconds taken.
fn caught_up(national: &str, limit: Duration) -> f64 {
    let started = Instant::now();
    loop {
        let (ok, out, err) = office_cli(national, &["national", "status"], &[]);
        if ok {
            return started.elapsed().as_secs_f64();
        }
        assert!(started.elapsed() < limit, "not caught up: {out}{err}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The newest entry of `ws` on the national side, polled every 10 ms into `seen` (time, seq)
/// until `stop`.
fn poll_national(url: String, ws: String, seen: Arc<Mutex<Vec<(Instant, i64)>>>, stop: Arc<Mutex<bool>>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let query = client.prepare("SELECT coalesce(max(seq), 0) FROM national_chain WHERE ws = $1").await.unwrap();
        let mut last = -1i64;
        while !*stop.lock().unwrap() {
            let max: i64 = client.query_one(&query, &[&ws]).await.unwrap().get(0);
            if max != last {
                seen.lock().unwrap().push((Instant::now(), max));
                last = max;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
}

fn main() {
    let seconds = size("EKN_BENCH_LAG_SECONDS", 600);
    let rate = size("EKN_BENCH_RATE", 100).max(10);
    let resync_rows = size("EKN_BENCH_RESYNC_ROWS", 1_000_000);
    let dashboard_rows = size("EKN_BENCH_DASHBOARD_ROWS", 5_000_000);
    let anomaly_rows = size("EKN_BENCH_ANOMALY_ROWS", 1_000_000);
    let country_inspections = size("EKN_BENCH_COUNTRY_INSPECTIONS", 50_000);

    let Some(region) = TestPg::start_logical().and_then(Office::start_on) else { return };
    region.add_user("Асель Нурланова", "prosecutor", "1940");
    region.pg.psql("ekn", "CREATE ROLE ekn_national_reader WITH LOGIN REPLICATION");
    let (ok, out, err) = office_cli(&region.pg_url, &["national", "publish", "--region", "19"], &[]);
    assert!(ok, "{out}{err}");
    let national_pg = TestPg::start().expect("PostgreSQL for the national side");
    national_pg.admin("createdb", &["national"]);
    let national = national_pg.url_as(SUPERUSER, "national");
    let reader = region.pg.url_as("ekn_national_reader", "ekn");
    let (ok, out, err) = office_cli(&national, &["national", "init", "--region", &format!("19={reader}")], &[]);
    assert!(ok, "{out}{err}");
    caught_up(&national, Duration::from_secs(60));

    // The lag: pushes of 10 entries every 10/rate seconds, each timed to the national side.
    let mut rogue = Rogue::enrol(&region, "Асель Нурланова", 93);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(Mutex::new(false));
    let poller = {
        let (url, ws, seen, stop) = (national.clone(), rogue.ws.clone(), seen.clone(), stop.clone());
        std::thread::spawn(move || poll_national(url, ws, seen, stop))
    };
    let every = Duration::from_secs_f64(10.0 / rate as f64);
    let started = Instant::now();
    let mut pushes: Vec<(Instant, i64)> = Vec::new();
    let mut next = started;
    let mut task = 0i64;
    while started.elapsed() < Duration::from_secs(seconds as u64) {
        let events: Vec<SyncEvent> = (0..10)
            .map(|_| {
                task += 1;
                let id = task % 2_000;
                let entry = rogue.entry("task_noted", Some(id), None, Some("020341004031"));
                SyncEvent {
                    entry,
                    object_key: Some(format!("task:{}/{id}", rogue.ws)),
                    district: Some("194010000".into()),
                    base_global: 0,
                    task: Some(bench_task_state(id)),
                }
            })
            .collect();
        let last = events.last().map(|e| e.entry.seq).unwrap();
        let (status, reply) = rogue.push(events);
        assert_eq!(status, 200, "{reply}");
        pushes.push((Instant::now(), last));
        next += every;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let sent = started.elapsed().as_secs_f64();
    let final_seq = pushes.last().map(|p| p.1).unwrap_or(0);
    let drain = Instant::now();
    while seen.lock().unwrap().last().map(|s| s.1).unwrap_or(0) < final_seq {
        assert!(drain.elapsed() < Duration::from_secs(300), "the national side never caught up");
        std::thread::sleep(Duration::from_millis(50));
    }
    *stop.lock().unwrap() = true;
    poller.join().unwrap();
    let seen = seen.lock().unwrap();
    let mut lags: Vec<f64> = pushes
        .iter()
        .map(|(committed, seq)| {
            let arrived = seen.iter().find(|(_, max)| max >= seq).map(|(at, _)| *at).unwrap();
            arrived.saturating_duration_since(*committed).as_secs_f64() * 1000.0
        })
        .collect();
    lags.sort_by(f64::total_cmp);
    if !lags.is_empty() {
        println!(
        "lag: {} entries in {} pushes over {sent:.0} s ({:.0} entries/s): median {:.0} ms, p95 {:.0} ms, worst {:.0} ms",
        final_seq,
        pushes.len(),
        final_seq as f64 / sent,
        percentile(&lags, 0.5),
        percentile(&lags, 0.95),
        lags.last().copied().unwrap_or(0.0)
        );
    }

    // A resync of a region holding `resync_rows` published chain rows (made as the region's
    // owner would see them published: one workstation's stream of that many entries).
    let have: i64 = region.pg.psql("ekn", "SELECT count(*) FROM national_chain").parse().unwrap();
    let more = (resync_rows as i64 - have).max(0);
    region.pg.psql(
        "ekn",
        &format!(
            "INSERT INTO national_chain(region, ws, epoch, seq, global_seq, prev_hash, hash) \
             SELECT '19', 'bench-resync', 'bench.0', g, 10000000 + g, md5((g - 1)::text) || md5((g - 1)::text), \
                    md5(g::text) || md5(g::text) FROM generate_series(1, {more}) g"
        ),
    );
    caught_up(&national, Duration::from_secs(600));
    let started = Instant::now();
    let (ok, out, err) = office_cli(&national, &["national", "resync", "19"], &[]);
    assert!(ok, "{out}{err}");
    caught_up(&national, Duration::from_secs(1800));
    let rows = resync_rows as i64;
    while national_pg.psql("national", "SELECT count(*) FROM national_chain_19").parse::<i64>().unwrap() < rows {
        assert!(started.elapsed() < Duration::from_secs(1800), "the resync never finished");
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("resync: {rows} chain rows copied afresh in {:.1} s", started.elapsed().as_secs_f64());

    // The national dashboard over `dashboard_rows` rows of task counts (a partition of their own,
    // as a large region's would be: open and done tasks across 400 districts and 60 categories).
    national_pg.psql(
        "national",
        &format!(
            "CREATE TABLE national_task_counts_98 PARTITION OF national_task_counts FOR VALUES IN ('98'); \
             INSERT INTO national_task_counts_98(region, cell, place, district, category, status, due, done_on, n) \
             SELECT '98', g::text, (1900 + g % 400)::text, (1900 + g % 400)::text, 'c' || (g % 60), \
                    CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END, \
                    date '2026-06-01' + (g % 300), \
                    CASE WHEN g % 3 = 0 THEN date '2026-06-01' + (g % 280) END, 1 + g % 5 \
             FROM generate_series(1, {dashboard_rows}) g; ANALYZE national_task_counts_98;"
        ),
    );
    let (wall, peak, output) =
        timed_console(&["--pg", &national, "national", "dashboard", "--today", "2026-12-01", "--json"]);
    let board: serde_json::Value = serde_json::from_slice(&output).unwrap();
    println!(
        "national dashboard: {dashboard_rows} rows of counts ({} tasks) in {wall:.1} s, peak {peak:.0} MB",
        board["tasks"]
    );

    // The anomalies of inspection practice over `anomaly_rows` published inspections (a partition
    // of their own: 20 regions' codes inside, 60 bodies, 300,000 objects, three years) and half as
    // many appeals counted by day: the registry rebuilt from the rows, the five detectors.
    national_pg.psql(
        "national",
        &format!(
            "CREATE TABLE national_inspections_98 PARTITION OF national_inspections FOR VALUES IN ('98'); \
             INSERT INTO national_inspections_98 SELECT '98', md5(g::text), 'n:' || left(md5('s' || (g % 300000)), 24), \
               'Body ' || (g % 60), (ARRAY['planned','unplanned','preventive_visit'])[1 + g % 3], \
               date '2024-01-01' + (g % 1065), (1000 + (g % 20) * 100 + g % 10)::text, chr(65 + g % 20), g % 4, \
               CASE WHEN g % 7 = 0 THEN 'штраф' WHEN g % 11 = 0 THEN 'предписание + штраф' ELSE '' END, \
               g % 13 = 0, CASE WHEN g % 5 = 0 THEN g % 17 = 0 END \
             FROM generate_series(1, {anomaly_rows}) g; \
             CREATE TABLE national_appeal_days_98 PARTITION OF national_appeal_days FOR VALUES IN ('98'); \
             INSERT INTO national_appeal_days_98 SELECT '98', g::text, (10 + g % 20)::text, 'cat' || (g % 12), \
               date '2024-01-01' + (g % 1000), date '2024-01-01' + (g % 1000) + 20, \
               (ARRAY['satisfied','refused','explained'])[1 + g % 3], 2 \
             FROM generate_series(1, {anomaly_rows} / 4) g; ANALYZE national_inspections_98, national_appeal_days_98;"
        ),
    );
    let (wall, peak, output) = timed_console(&[
        "--pg",
        &national,
        "national",
        "anomalies",
        "--today",
        "2026-12-01",
        "--region",
        "98",
        "--json",
    ]);
    let found: serde_json::Value = serde_json::from_slice(&output).unwrap();
    println!(
        "national anomalies: {} inspections and {} appeals in {wall:.1} s, peak {peak:.0} MB",
        found["inspections"], found["appeals"]
    );
    national_pg
        .psql("national", "DROP TABLE national_task_counts_98, national_inspections_98, national_appeal_days_98");
    country_screen(&national_pg, country_inspections);
}

/// The 19 regions besides the attached 19 (two digits of KATO), for the Country screen's figures.
const OTHER_REGIONS: [&str; 19] =
    ["10", "11", "15", "23", "27", "31", "33", "35", "39", "43", "47", "55", "59", "61", "62", "63", "71", "75", "79"];

/// The Country screen over 20 regions: 19 regions' published rows made in partitions of their own
/// beside the attached region 19 (per region: 100,000 cells of task counts, 10 districts × 20
/// categories × 36 months of appeal counts, `inspections` inspections, a quarter as many appeal
/// days, 5,000 acts), the national face started as deployed, and each figure timed as the app asks
/// for it — then the app's core logging in (every figure, checked) and drilling into one region.
fn country_screen(national_pg: &TestPg, inspections: usize) {
    for code in OTHER_REGIONS {
        national_pg.psql(
            "national",
            &format!(
                "CREATE TABLE national_task_counts_{code} PARTITION OF national_task_counts FOR VALUES IN ('{code}'); \
                 INSERT INTO national_task_counts_{code}(region, cell, place, district, category, status, due, done_on, n) \
                 SELECT '{code}', g::text, '{code}' || lpad((g % 12)::text, 2, '0'), '{code}', 'c' || (g % 60), \
                        CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END, \
                        date '2026-06-01' + (g % 300), CASE WHEN g % 3 = 0 THEN date '2026-06-01' + (g % 280) END, 1 + g % 5 \
                 FROM generate_series(1, 100000) g; \
                 CREATE TABLE national_appeal_counts_{code} PARTITION OF national_appeal_counts FOR VALUES IN ('{code}'); \
                 INSERT INTO national_appeal_counts_{code}(region, cell, district, category, month, n) \
                 SELECT '{code}', d || '|' || c || '|' || m, '{code}' || lpad(d::text, 2, '0'), 'cat' || c, \
                        date '2023-12-01' + make_interval(months => m), 1 + (d * 7 + c * 3 + m) % 9 \
                 FROM generate_series(10, 19) d, generate_series(1, 20) c, generate_series(0, 35) m; \
                 CREATE TABLE national_inspections_{code} PARTITION OF national_inspections FOR VALUES IN ('{code}'); \
                 INSERT INTO national_inspections_{code} SELECT '{code}', md5('{code}' || g), \
                   'n:' || left(md5('{code}s' || (g % 15000)), 24), 'Body ' || (g % 60), \
                   (ARRAY['planned','unplanned','preventive_visit'])[1 + g % 3], date '2024-01-01' + (g % 1065), \
                   '{code}' || lpad((10 + g % 10)::text, 2, '0'), chr(65 + g % 20), g % 4, \
                   CASE WHEN g % 7 = 0 THEN 'штраф' ELSE '' END, g % 13 = 0, CASE WHEN g % 5 = 0 THEN g % 17 = 0 END \
                 FROM generate_series(1, {inspections}) g; \
                 CREATE TABLE national_appeal_days_{code} PARTITION OF national_appeal_days FOR VALUES IN ('{code}'); \
                 INSERT INTO national_appeal_days_{code} SELECT '{code}', g::text, '{code}', 'cat' || (g % 12), \
                   date '2024-01-01' + (g % 1000), date '2024-01-01' + (g % 1000) + 20, \
                   (ARRAY['satisfied','refused','explained'])[1 + g % 3], 2 \
                 FROM generate_series(1, {inspections} / 4) g; \
                 CREATE TABLE national_acts_{code} PARTITION OF national_acts FOR VALUES IN ('{code}'); \
                 INSERT INTO national_acts_{code} SELECT '{code}', g, (ARRAY['protest','submission','order','warning'])[1 + g % 4], \
                   date '2025-01-01' + (g % 600), date '2025-01-01' + (g % 600) + 30, NULL, \
                   '{code}' || lpad((10 + g % 10)::text, 2, '0'), \
                   CASE WHEN g % 5 <> 0 THEN (ARRAY['satisfied','partly','refused'])[1 + g % 3] END, \
                   CASE WHEN g % 5 <> 0 THEN date '2025-01-01' + (g % 600) + 10 + g % 40 END, \
                   CASE WHEN g % 4 = 0 AND g % 3 = 0 THEN 'upheld' END, g % 2 = 0, g % 3 <> 0, g % 29 = 0 \
                 FROM generate_series(1, 5000) g;"
            ),
        );
    }
    national_pg.psql("national", "ANALYZE");
    national_pg.require_passwords(&["bench_analyst"]);
    national_pg.psql("national", "CREATE ROLE bench_analyst LOGIN PASSWORD 'bench-pw-1' IN ROLE ekn_national_analyst");
    let port = support::free_port();
    let mut face = std::process::Command::new(support::office_bin())
        .args(["national", "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("EKN_OFFICE_PG", national_pg.url_as("ekn_national_web", "national"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the national face did not answer");
        std::thread::sleep(Duration::from_millis(50));
    }
    let http = support::http();
    let login: serde_json::Value = http
        .post(format!("{url}/v1/login"))
        .json(&serde_json::json!({"name": "bench_analyst", "password": "bench-pw-1"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    for path in [
        "/v1/national/dashboard?today=2026-12-01",
        "/v1/national/effect?today=2026-12-01",
        "/v1/national/themes?as_of=2026-12-01",
        "/v1/national/anomalies?today=2026-12-01",
        "/v1/national/themes?as_of=2026-12-01&region=35",
        "/v1/national/anomalies?today=2026-12-01&region=35",
    ] {
        let started = Instant::now();
        let answer = http.get(format!("{url}{path}")).bearer_auth(&token).send().unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{path}");
        let bytes = answer.bytes().unwrap().len();
        println!("country: {path}: {:.2} s, {:.0} KB", started.elapsed().as_secs_f64(), bytes as f64 / 1024.0);
    }
    let params = ekn::api::office::NationalLoginParams {
        url: url.clone(),
        user: "bench_analyst".into(),
        password: "bench-pw-1".into(),
        tls_ca: None,
        tls_pin: None,
    };
    let started = Instant::now();
    let (mut session, view) = ekn::api::office::NationalSession::login(&params, chrono::Utc::now()).unwrap();
    println!(
        "country: the app's login and first figures over {} regions: {:.2} s",
        view.dashboard.as_ref().map_or(0, |d| d.regions.len()),
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let drilled = session
        .country(&ekn::api::office::CountryParams { region: Some("35".into()), today: None }, chrono::Utc::now())
        .unwrap();
    println!(
        "country: the app's drill into region 35 ({} anomalies, {} alarms): {:.2} s",
        drilled.anomalies.as_ref().map_or(0, |a| a.report.anomalies.len()),
        drilled.themes.as_ref().map_or(0, |t| t.cells.alarms.len()),
        started.elapsed().as_secs_f64()
    );
    let _ = face.kill();
    let _ = face.wait();
}

/// Runs `ekn-office ARGS`: its wall time, its peak memory (MB, polled from /proc) and its output.
fn timed_console(args: &[&str]) -> (f64, f64, Vec<u8>) {
    let started = Instant::now();
    let child = std::process::Command::new(support::office_bin())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let peak = Arc::new(Mutex::new(0f64));
    let watcher = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                let hwm = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                    .unwrap_or(0.0);
                let mut p = peak.lock().unwrap();
                *p = p.max(hwm / 1024.0);
                drop(p);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let output = child.wait_with_output().unwrap();
    let wall = started.elapsed().as_secs_f64();
    watcher.join().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    let peak = *peak.lock().unwrap();
    (wall, peak, output.stdout)
}
