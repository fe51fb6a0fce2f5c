//! The connectors' HTTP layer against a portal at its worst, on loopback: a raw HTTP server we
//! wrote to behave like data.egov.kz's API v4 when it misbehaves — a 503, a 429 with
//! `Retry-After` in seconds and as an HTTP date, a connection that opens and stays silent, a body
//! cut off, an error object inside a 200, a result window that answers 400 beyond it, an unstable
//! order for unsorted queries, a key repeated across load epochs, a wrong API key (403). Keyset
//! paging ends with exactly the portal's rows, each once; deep `from` paging on the same portal
//! does not. A connector run publishes nothing until its last page is in, resumes from its staged
//! cursor after a refusal, and a second run writes only what changed. Never a live portal. The
//! portal and its data are shared with `connect_incremental` (modified-since runs).

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use ekn::connect::egov::{self, Dataset, PageError};
use ekn::connect::fetch::{FetchError, FetchPolicy, Fetcher};
use serde_json::{json, Value};

pub(crate) const KEY: &str = "test-key-7f3a";

/// What the portal does to one request instead of answering it.
#[derive(Clone)]
pub(crate) enum Fault {
    Status(u16, Option<String>),
    /// Accepts, reads the request, says nothing for this long, then closes.
    Hang(Duration),
    /// Promises a long body, sends the start of one, closes.
    Truncated,
    /// A 200 whose body is an error object.
    ErrorIn200,
}

pub(crate) struct Portal {
    pub(crate) url: String,
    /// Each request's decoded query, in order.
    pub(crate) seen: Arc<Mutex<Vec<HashMap<String, String>>>>,
    /// The dataset as the portal holds it now (a test may change it between runs).
    pub(crate) data: Arc<Mutex<Vec<Value>>>,
}

/// The dataset: BINs in ascending order, every seventh present in two load epochs.
fn rows(count: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for i in 0..count {
        let bin = format!("{:012}", 10_000_000 + i * 37);
        out.push(json!({"bin": bin, "epoch": 1, "name": format!("ТОО «Объект {i}»")}));
        if i % 7 == 3 {
            out.push(json!({"bin": bin, "epoch": 2, "name": format!("ТОО «Объект {i}» (обновлено)")}));
        }
    }
    out
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, String)], body: impl AsRef<[u8]>) {
    let body = body.as_ref();
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    let _ = stream.write_all(format!("{head}\r\n").as_bytes());
    let _ = stream.write_all(body);
}

/// Answers one request as the portal would, or with the fault planned for it.
fn serve_one(
    mut stream: TcpStream,
    data: &Mutex<Vec<Value>>,
    window: usize,
    fault: Option<Fault>,
    seen: &Mutex<Vec<HashMap<String, String>>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header == "\r\n" || header.is_empty() {
            break;
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let query: HashMap<String, String> = target
        .split_once('?')
        .map(|(_, q)| q.split('&').filter_map(|p| p.split_once('=')).map(|(k, v)| (decode(k), decode(v))).collect())
        .unwrap_or_default();
    seen.lock().unwrap().push(query.clone());
    match fault {
        Some(Fault::Status(status, retry_after)) => {
            let headers: Vec<(&str, String)> = retry_after.map(|v| ("Retry-After", v)).into_iter().collect();
            return respond(&mut stream, status, &headers, r#"{"message":"busy"}"#);
        }
        Some(Fault::Hang(pause)) => {
            std::thread::sleep(pause);
            return;
        }
        Some(Fault::Truncated) => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n[{\"bin\":\"0000",
            );
            return;
        }
        Some(Fault::ErrorIn200) => {
            return respond(&mut stream, 200, &[], r#"{"error":"search_phase_execution_exception"}"#)
        }
        None => {}
    }
    if query.get("apiKey").map(String::as_str) != Some(KEY) {
        return respond(&mut stream, 403, &[], r#"{"message":"API key is required"}"#);
    }
    let source: Value = serde_json::from_str(query.get("source").map_or("{}", String::as_str)).unwrap_or(json!({}));
    let from = source["from"].as_u64().unwrap_or(0) as usize;
    let size = source["size"].as_u64().unwrap_or(10) as usize;
    if from + size > window {
        return respond(
            &mut stream,
            400,
            &[],
            format!(
                r#"{{"error_message":"Result window is too large, from + size must be less than or equal to: [{window}]"}}"#
            ),
        );
    }
    // The key is whatever field the query sorts by (else the BIN), as Elasticsearch would take it.
    let sort = source["sort"][0].as_object();
    let key = sort.and_then(|o| o.keys().next().cloned()).unwrap_or_else(|| "bin".into());
    let descending = sort.and_then(|o| o.values().next()).and_then(Value::as_str) == Some("desc");
    // The ranges: one `range`, or several under `bool.must`; `gt` and `gte` on text values.
    let ranges: Vec<&Value> = match source["query"]["bool"]["must"].as_array() {
        Some(clauses) => clauses.iter().map(|c| &c["range"]).collect(),
        None => vec![&source["query"]["range"]],
    };
    let data = data.lock().unwrap();
    let text = |r: &Value, field: &str| r[field].as_str().unwrap_or("").to_string();
    let within = |r: &Value| {
        ranges.iter().filter_map(|range| range.as_object()).flatten().all(|(field, bounds)| {
            let value = text(r, field);
            bounds.as_object().into_iter().flatten().all(|(op, bound)| match (op.as_str(), bound.as_str()) {
                ("gt", Some(b)) => value.as_str() > b,
                ("gte", Some(b)) => value.as_str() >= b,
                _ => false,
            })
        })
    };
    let mut hits: Vec<&Value> = data.iter().filter(|r| within(r)).collect();
    if source["sort"].is_array() {
        hits.sort_by_key(|r| text(r, &key));
        if descending {
            hits.reverse();
        }
    } else {
        // Unsorted: each shard answers in its own order, different from one request to the next.
        let salt = seen.lock().unwrap().len();
        hits.sort_by_key(|r| (text(r, &key).bytes().map(|b| b as usize).sum::<usize>() * 31 + salt * 17) % 101);
    }
    let page: Vec<&Value> = hits.into_iter().skip(from).take(size).collect();
    respond(&mut stream, 200, &[], serde_json::to_string(&page).unwrap());
}

/// Starts the portal with `data`, a result window, and faults planned by request number (1-based).
pub(crate) fn portal(data: Vec<Value>, window: usize, faults: BTreeMap<usize, Fault>) -> Portal {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v4", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let data = Arc::new(Mutex::new(data));
    let (data_served, seen_by_server) = (data.clone(), seen.clone());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { continue };
            let (data, seen, fault) = (data_served.clone(), seen_by_server.clone(), faults.get(&(n + 1)).cloned());
            std::thread::spawn(move || serve_one(stream, &data, window, fault, &seen));
        }
    });
    Portal { url, seen, data }
}

fn patient() -> FetchPolicy {
    FetchPolicy {
        // Short enough to keep the hang's cost low, long enough for a loaded machine's answer.
        read_timeout: Duration::from_millis(1_500),
        total_timeout: Duration::from_secs(10),
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        min_interval: Duration::ZERO,
        ..FetchPolicy::default()
    }
}

fn dataset(portal: &Portal, key: &str, page_size: usize) -> Dataset {
    Dataset {
        base: portal.url.clone(),
        id: "gbd_ul".into(),
        version: "v1".into(),
        key_field: "bin".into(),
        api_key: Some(key.into()),
        page_size,
        since: None,
    }
}

fn identity(record: &serde_json::Map<String, Value>) -> (String, i64) {
    (record["bin"].as_str().unwrap().to_string(), record["epoch"].as_i64().unwrap())
}

#[test]
fn a_flaky_portal_still_yields_every_record_exactly_once() {
    let data = rows(1_200);
    let in_a_second = (Utc::now() + chrono::Duration::seconds(1)).to_rfc2822().replace("+0000", "GMT");
    let faults = BTreeMap::from([
        (1, Fault::Status(503, None)),
        (2, Fault::Status(429, Some("1".into()))),
        (4, Fault::Hang(Duration::from_millis(3_000))),
        (6, Fault::Truncated),
        (8, Fault::ErrorIn200),
        (10, Fault::Status(429, Some(in_a_second))),
        (12, Fault::Status(502, None)),
    ]);
    let portal = portal(data.clone(), 10_000, faults);
    let mut fetcher = Fetcher::new(patient(), Box::new(Utc::now));
    let mut got: Vec<(String, i64)> = Vec::new();
    let mut pages = 0;
    let end = egov::pages::<PageError>(&mut fetcher, &dataset(&portal, KEY, 100), None, |page| {
        pages += 1;
        got.extend(page.records.iter().map(identity));
        Ok(())
    })
    .unwrap();

    let mut expected: Vec<(String, i64)> = data.iter().map(|r| identity(r.as_object().unwrap())).collect();
    expected.sort();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted.len(), got.len());
    assert_eq!(sorted, expected, "every record once, none lost, none twice");
    assert_eq!(end.as_ref().and_then(Value::as_str), expected.last().map(|(b, _)| b.as_str()));
    // Seven faults, each retried (a slow machine may add a timeout of its own); two answered 429.
    assert!(fetcher.stats.retries >= 7 && fetcher.stats.too_many == 2, "{:?}", fetcher.stats);
    assert_eq!(fetcher.stats.requests as usize, pages + fetcher.stats.retries as usize);
    // Every request paged by the key from 0, never deeper.
    for query in portal.seen.lock().unwrap().iter() {
        let source: Value = serde_json::from_str(&query["source"]).unwrap();
        assert_eq!((source["from"].as_u64(), source["sort"][0]["bin"].as_str()), (Some(0), Some("asc")), "{source}");
    }
    // A group of one BIN's two epochs is never split between pages.
    assert!(got.windows(2).all(|w| w[0].0 <= w[1].0));
}

#[test]
fn deep_from_paging_on_the_same_portal_loses_records_and_hits_the_window() {
    let data = rows(1_200);
    let portal = portal(data.clone(), 1_000, BTreeMap::new());
    let mut fetcher = Fetcher::new(patient(), Box::new(Utc::now));
    let url = format!("{}/gbd_ul/v1", portal.url);
    let mut seen = std::collections::BTreeSet::new();
    let mut refused = None;
    for page in 0.. {
        let source = json!({"from": page * 200, "size": 200}).to_string();
        match fetcher.get_json(&url, &[("apiKey", KEY), ("source", &source)], "a deep page") {
            Ok(Value::Array(rows)) if rows.is_empty() => break,
            Ok(Value::Array(rows)) => seen.extend(rows.iter().map(|r| identity(r.as_object().unwrap()))),
            Ok(other) => panic!("{other}"),
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    assert!(seen.len() < data.len(), "unstable order and the window lose records: {} of {}", seen.len(), data.len());
    match refused {
        Some(FetchError::Refused(message)) => {
            assert!(message.contains("400") && message.contains("window"), "{message}")
        }
        other => panic!("the window is refused with a 400, not retried: {other:?}"),
    }
}

#[test]
fn a_wrong_key_is_refused_at_once_and_never_repeated_in_the_message() {
    let portal = portal(rows(50), 10_000, BTreeMap::new());
    let mut fetcher = Fetcher::new(patient(), Box::new(Utc::now));
    let wrong = "wrong-key-secret-123";
    let err = egov::next_page(&mut fetcher, &dataset(&portal, wrong, 20), None).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("403") && message.contains("API key"), "{message}");
    assert!(!message.contains(wrong), "the key never appears in a message: {message}");
    assert_eq!((fetcher.stats.requests, fetcher.stats.retries), (1, 0));
}

#[test]
fn a_run_resumes_after_its_cursor_and_a_portal_asking_too_long_a_wait_stops_it() {
    let data = rows(300);
    let portal = portal(data.clone(), 10_000, BTreeMap::from([(3, Fault::Status(429, Some("3600".into())))]));
    let mut fetcher = Fetcher::new(patient(), Box::new(Utc::now));
    let ds = dataset(&portal, KEY, 60);
    let first = egov::next_page(&mut fetcher, &ds, None).unwrap();
    let second = egov::next_page(&mut fetcher, &ds, first.cursor.as_ref()).unwrap();
    assert!(second.records.iter().all(|r| r["bin"].as_str() > first.cursor.as_ref().and_then(Value::as_str)));
    // The third request is told to come back in an hour: past the cap, the run stops, resumable.
    let stopped = egov::next_page(&mut fetcher, &ds, second.cursor.as_ref()).unwrap_err();
    assert_eq!(stopped, PageError::Fetch(FetchError::WaitTooLong { seconds: 3600 }));
    let mut rest = Vec::new();
    egov::pages::<PageError>(&mut fetcher, &ds, second.cursor.clone(), |p| {
        rest.extend(p.records.iter().map(identity));
        Ok(())
    })
    .unwrap();
    let total = first.records.len() + second.records.len() + rest.len();
    assert_eq!(total, data.len(), "resumed from the cursor: nothing lost, nothing twice");
}

#[test]
fn an_answer_that_is_not_a_dataset_names_the_record_and_the_field() {
    let portal = portal(rows(30), 10_000, BTreeMap::new());
    let mut fetcher = Fetcher::new(patient(), Box::new(Utc::now));
    let mut ds = dataset(&portal, KEY, 10);
    ds.key_field = "iin".into();
    let err = egov::next_page(&mut fetcher, &ds, None).unwrap_err().to_string();
    assert!(err.contains("record 1") && err.contains("'iin'") && err.contains("--key-field"), "{err}");
}

/// The first `count` rows of the demo's inspections export as the portal's JSON records.
pub(crate) fn inspection_records(count: usize) -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/inspections.csv")).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let headers: Vec<&str> = lines.next().unwrap().split(';').collect();
    lines
        .take(count)
        .map(|line| {
            let cells: Vec<&str> = line.split(';').collect();
            Value::Object(headers.iter().zip(cells).map(|(h, c)| (h.to_string(), json!(c))).collect())
        })
        .collect()
}

#[test]
fn a_connector_run_is_published_whole_resumes_after_a_refusal_and_then_writes_only_changes() {
    let db = crate::support::TempDb::new();
    let key_var = "EKN_TEST_CONNECTOR_KEY_1";
    std::env::set_var(key_var, KEY);
    let records = inspection_records(450);
    // The third request is refused (the key was revoked half-way, say): the run stops there.
    let portal = portal(records.clone(), 10_000, BTreeMap::from([(3, Fault::Status(403, None))]));
    let mut s = db.session();
    let spec = ekn::api::connectors::ConnectorSpec {
        name: "egov-inspections".into(),
        kind: "egov-v4".into(),
        data: ekn::domain::records::DataKind::Inspections,
        url: portal.url.clone(),
        dataset: "inspections_registry".into(),
        version: Some("v2".into()),
        key_field: "Регистрационный номер".into(),
        map: vec![],
        api_key_env: Some(key_var.into()),
        read_timeout_s: Some(5),
        page_size: 100,
        every_hours: Some(24),
        modified_field: None,
    };
    s.connectors().add(&spec).unwrap();
    let before = db.registry_fingerprint();

    let refused = s.connectors().run("egov-inspections", &mut |_| {}).unwrap_err();
    assert!(refused.message.contains("403") && refused.message.contains("2 page(s) are staged"), "{}", refused.message);
    assert_eq!(refused.code, ekn::api::ErrorCode::PortalRefused);
    assert!(!refused.message.contains(KEY), "the key never appears: {}", refused.message);
    assert_eq!(db.registry_fingerprint(), before, "a run cut off publishes nothing");
    let runs = s.connectors().runs("egov-inspections", 5).unwrap();
    assert_eq!((runs.len(), runs[0].status.as_str()), (1, "staging"));

    // A refused run is not knocked on again by the background round: it waits for a person.
    assert!(s.connectors().run_due(&mut |_| {}).unwrap().is_empty(), "a refusal is not retried every round");
    // Run again (the key fixed): it resumes after the staged cursor and publishes the whole
    // dataset in one import.
    let asked_before = portal.seen.lock().unwrap().len();
    let first = s.connectors().run("egov-inspections", &mut |_| {}).unwrap();
    assert!(first.resumed);
    assert_eq!(
        (first.records, first.import.as_ref().unwrap().inserted, first.import.as_ref().unwrap().rejected),
        (450, 450, 0),
        "{first:?}"
    );
    let resumed_query: Value = serde_json::from_str(&portal.seen.lock().unwrap()[asked_before]["source"]).unwrap();
    let mut keys: Vec<&str> = records.iter().map(|r| r["Регистрационный номер"].as_str().unwrap()).collect();
    keys.sort();
    // Each full page of 100 keeps 99: its last key's group (here one row) comes whole with the next.
    assert_eq!(resumed_query["query"]["range"]["Регистрационный номер"]["gt"], keys[197], "after the two staged pages");
    let status = s.registry().status().unwrap();
    assert_eq!(status.counts.inspections, 450);
    let imports = s.journal(&ekn::api::JournalQuery::default()).unwrap();
    let entries: Vec<_> = imports.iter().filter(|l| l.kind == "import").collect();
    assert_eq!(entries.len(), 1, "one journal entry for the run");
    assert!(entries[0].detail.contains("connector-egov-inspections-run-"), "{}", entries[0].detail);
    let blobs = crate::support::files_under(&db.dir.path().join("ekn.db.files"));
    assert!(blobs.is_empty(), "no staged page is left on disk: {:?}", blobs.keys());

    // Published, it is not due again before its 24 hours.
    assert!(s.connectors().run_due(&mut |_| {}).unwrap().is_empty());
    assert!(s.connectors().list().unwrap()[0].next_run.is_some());
    // A second run reads it all again and writes nothing; a row changed on the portal is one update.
    let second = s.connectors().run("egov-inspections", &mut |_| {}).unwrap();
    assert_eq!(
        (
            second.resumed,
            second.import.as_ref().unwrap().inserted,
            second.import.as_ref().unwrap().updated,
            second.import.as_ref().unwrap().unchanged
        ),
        (false, 0, 0, 450)
    );
    portal.data.lock().unwrap()[10]["Количество нарушений"] = json!("7");
    let third = s.connectors().run("egov-inspections", &mut |_| {}).unwrap();
    assert_eq!(
        (
            third.import.as_ref().unwrap().inserted,
            third.import.as_ref().unwrap().updated,
            third.import.as_ref().unwrap().unchanged
        ),
        (0, 1, 449),
        "{:?}",
        third.import
    );
    let runs = s.connectors().runs("egov-inspections", 10).unwrap();
    assert_eq!(runs.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(), ["published"; 3]);
}

#[test]
fn a_run_killed_mid_way_publishes_nothing_and_the_next_run_resumes_it() {
    let db = crate::support::TempDb::new();
    let key_var = "EKN_TEST_CONNECTOR_KEY_2";
    let records = inspection_records(300);
    // The third page hangs for a minute: the command is killed while it waits.
    let portal = portal(records.clone(), 10_000, BTreeMap::from([(3, Fault::Hang(Duration::from_secs(60)))]));
    let mut s = db.session();
    let spec = ekn::api::connectors::ConnectorSpec {
        name: "killed".into(),
        kind: "egov-v4".into(),
        data: ekn::domain::records::DataKind::Inspections,
        url: portal.url.clone(),
        dataset: "inspections_registry".into(),
        version: Some("v1".into()),
        key_field: "Регистрационный номер".into(),
        map: vec![],
        api_key_env: Some(key_var.into()),
        read_timeout_s: Some(120),
        page_size: 100,
        every_hours: Some(24),
        modified_field: None,
    };
    s.connectors().add(&spec).unwrap();
    drop(s);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ekn"))
        .arg("--db")
        .arg(&db.path)
        .args(["connect", "run", "killed"])
        .env(key_var, KEY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while portal.seen.lock().unwrap().len() < 3 {
        assert!(std::time::Instant::now() < deadline, "the run never reached its third page");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup of any kind
    child.wait().unwrap();

    let mut s = db.session();
    assert_eq!(s.registry().status().unwrap().counts.inspections, 0, "a killed run publishes nothing");
    let runs = s.connectors().runs("killed", 5).unwrap();
    assert_eq!(runs[0].status, "staging");
    drop(s);
    std::env::set_var(key_var, KEY);
    // The desktop app's next background round resumes it (a run cut off is due at once).
    let mut round = db.session().connectors().run_due(&mut |_| {}).unwrap();
    assert_eq!(round.len(), 1, "{round:?}");
    let report = round.pop().unwrap().report.expect("the resumed run's report");
    assert!(report.resumed);
    assert_eq!((report.records, report.import.as_ref().unwrap().inserted), (300, 300));
    assert_eq!(db.session().registry().status().unwrap().counts.inspections, 300);
}

/// A file published over HTTP with an ETag; answers 304 to a matching If-None-Match, and the
/// faults planned by request number. Returns the file's address and the If-None-Match each
/// request sent.
fn file_server(
    file: Arc<Mutex<(String, Vec<u8>)>>,
    faults: BTreeMap<usize, Fault>,
) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/opendata/inspections.csv", listener.local_addr().unwrap());
    let sent = Arc::new(Mutex::new(Vec::new()));
    let log = sent.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut if_none_match = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("if-none-match") {
                        if_none_match = Some(value.trim().to_string());
                    }
                }
            }
            log.lock().unwrap().push(if_none_match.clone());
            if let Some(Fault::Status(status, retry_after)) = faults.get(&(n + 1)) {
                let headers: Vec<(&str, String)> =
                    retry_after.clone().map(|v| ("Retry-After", v)).into_iter().collect();
                respond(&mut stream, *status, &headers, "busy");
                continue;
            }
            let (etag, body) = file.lock().unwrap().clone();
            if if_none_match.as_deref() == Some(etag.as_str()) {
                let _ = stream.write_all(
                    format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n").as_bytes(),
                );
            } else {
                respond(&mut stream, 200, &[("ETag", etag)], &body);
            }
        }
    });
    (url, sent)
}

/// An `http-file` connector for inspections at `url`, patient for 5 s of silence.
pub(crate) fn file_connector(name: &str, url: String) -> ekn::api::connectors::ConnectorSpec {
    ekn::api::connectors::ConnectorSpec {
        name: name.into(),
        kind: "http-file".into(),
        data: ekn::domain::records::DataKind::Inspections,
        url,
        dataset: String::new(),
        version: None,
        key_field: String::new(),
        map: vec![],
        api_key_env: None,
        read_timeout_s: Some(5),
        page_size: 5000,
        every_hours: None,
        modified_field: None,
    }
}

#[test]
fn a_published_file_is_imported_again_only_when_it_changed() {
    let db = crate::support::TempDb::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/inspections.csv")).unwrap();
    let csv: String = text.lines().take(101).map(|l| format!("{l}\n")).collect();
    let file = Arc::new(Mutex::new(("\"v1\"".to_string(), csv.clone().into_bytes())));
    let (url, sent) = file_server(file.clone(), BTreeMap::from([(1, Fault::Status(503, None))]));
    let mut s = db.session();
    s.connectors().add(&file_connector("kpssu-file", url)).unwrap();

    // A 503 first, then the file: 100 inspections.
    let first = s.connectors().run("kpssu-file", &mut |_| {}).unwrap();
    assert_eq!((first.retries, first.import.as_ref().map(|i| i.inserted)), (1, Some(100)), "{first:?}");
    // Unchanged: the ETag goes back, the server answers 304, nothing is imported.
    let second = s.connectors().run("kpssu-file", &mut |_| {}).unwrap();
    assert!(second.not_modified && second.import.is_none(), "{second:?}");
    assert_eq!(sent.lock().unwrap().last().cloned().flatten().as_deref(), Some("\"v1\""));
    // Changed (one row's violations): imported again, one row updated.
    let changed = csv.replacen(";0;;;нет;нет\n", ";5;;;нет;нет\n", 1);
    assert_ne!(changed, csv, "the fixture has a row to change");
    *file.lock().unwrap() = ("\"v2\"".to_string(), changed.into_bytes());
    let third = s.connectors().run("kpssu-file", &mut |_| {}).unwrap();
    let import = third.import.as_ref().unwrap();
    assert_eq!((import.inserted, import.updated, import.unchanged), (0, 1, 99), "{import:?}");
    assert_eq!(s.registry().status().unwrap().counts.inspections, 100);
    let entries = s.journal(&ekn::api::JournalQuery::default()).unwrap();
    assert_eq!(entries.iter().filter(|l| l.kind == "import").count(), 2, "one entry per import, none for the 304");
}

#[test]
fn a_zipped_export_published_over_http_is_unpacked_in_memory_and_imported() {
    use std::io::Write as _;
    let db = crate::support::TempDb::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/inspections.csv")).unwrap();
    let csv: String = text.lines().take(51).map(|l| format!("{l}\n")).collect();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("__MACOSX/._inspections.csv", deflated).unwrap();
    zip.write_all(b"resource fork").unwrap();
    zip.start_file("export-2026-11/inspections.csv", deflated).unwrap();
    zip.write_all(csv.as_bytes()).unwrap();
    let archive = zip.finish().unwrap().into_inner();
    let (url, _) = file_server(Arc::new(Mutex::new(("\"z1\"".into(), archive))), BTreeMap::new());
    let url = url.replace("inspections.csv", "inspections.zip");
    let mut s = db.session();
    s.connectors().add(&file_connector("kpssu-zip", url)).unwrap();
    let report = s.connectors().run("kpssu-zip", &mut |_| {}).unwrap();
    let import = report.import.as_ref().unwrap();
    assert_eq!(import.inserted, 50, "{import:?}");
    assert!(import.format.starts_with("ZIP «export-2026-11/inspections.csv»: CSV"), "{}", import.format);
    assert_eq!(import.file, "inspections.zip");
    // Nothing unpacked was left beside the database.
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().contains("inspections")), "{leftovers:?}");
}

/// A connector's run through the host moves the progress bar and stops it when it returns: the
/// table declares it `with progress`, as the import it ends in (it once left the bar running).
#[test]
fn a_connector_run_through_the_host_stops_the_progress_bar_it_moved() {
    let db = crate::support::TempDb::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/inspections.csv")).unwrap();
    let csv: String = text.lines().take(101).map(|l| format!("{l}\n")).collect();
    let file = Arc::new(Mutex::new(("\"v1\"".to_string(), csv.into_bytes())));
    let (url, _) = file_server(file, BTreeMap::new());
    db.session().connectors().add(&file_connector("kpssu-file", url)).unwrap();
    let host = ekn::api::host::Host::start(&db.path, false, ekn::domain::journal::Face::Browser, None).unwrap();
    let report = host.call("connector_run", serde_json::json!({"name": "kpssu-file"})).unwrap();
    assert_eq!(report["import"]["inserted"], 100, "{report}");
    let progress = host.call("import_progress", serde_json::json!({})).unwrap();
    assert_eq!(progress["running"], false, "{progress}");
    assert!(progress["rows"].as_u64().unwrap_or(0) > 0, "the run reported its rows: {progress}");
    assert!(ekn::api::rpc::reports_progress("import_file"));
    assert!(!ekn::api::rpc::reports_progress("status"));
}
