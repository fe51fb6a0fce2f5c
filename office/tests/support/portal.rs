//! A data.egov.kz API v4 dataset on loopback for the office connectors' tests: keyset paging
//! (`range … gt` on the key, sorted by it, `size` rows), a key checked when one is set, and
//! chosen requests answered 403 (a key revoked half-way), so a run can be cut off and resumed.
//! The rows can change between runs. `GET /files/inspections.csv` is a published file with an ETag
//! (answered 304 when it is sent back). The portal at its worst is the core's test (tests/core/connect.rs).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;

pub struct Portal {
    /// `http://127.0.0.1:PORT/api/v4`
    pub url: String,
    pub rows: Arc<Mutex<Vec<Value>>>,
    /// The published file (`/files/inspections.csv`); its ETag is its length.
    pub file: Arc<Mutex<String>>,
    /// How many data requests it answered (or refused).
    pub requests: Arc<Mutex<usize>>,
}

/// A portal of `rows` keyed on `key_field`; `key` is the API key it wants (`None`: any);
/// the data requests numbered in `refuse` (from 1) are answered 403.
pub fn portal(rows: Vec<Value>, key_field: &str, key: Option<&str>, refuse: &[usize]) -> Portal {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v4", listener.local_addr().unwrap());
    let (rows, requests) = (Arc::new(Mutex::new(rows)), Arc::new(Mutex::new(0usize)));
    let file = Arc::new(Mutex::new(String::new()));
    let (served, counted, published) = (rows.clone(), requests.clone(), file.clone());
    let (key_field, key, refuse) =
        (key_field.to_string(), key.map(str::to_string), refuse.iter().copied().collect::<BTreeSet<_>>());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let n = {
                let mut count = counted.lock().unwrap();
                *count += 1;
                *count
            };
            answer(stream, &served, &published, &key_field, key.as_deref(), refuse.contains(&n));
        }
    });
    Portal { url, rows, file, requests }
}

fn answer(
    mut stream: TcpStream,
    rows: &Mutex<Vec<Value>>,
    file: &Mutex<String>,
    key_field: &str,
    key: Option<&str>,
    refuse: bool,
) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    reader.read_line(&mut line).unwrap();
    // The headers: read to the blank line.
    let (mut header, mut if_none_match) = (String::new(), None);
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.trim().to_string());
            }
        }
        header.clear();
    }
    let target = line.split(' ').nth(1).unwrap_or("/");
    if target.starts_with("/files/") {
        let body = file.lock().unwrap().clone();
        let etag = format!("\"{}\"", body.len());
        let _ = if if_none_match.as_deref() == Some(etag.as_str()) {
            write!(stream, "HTTP/1.1 304 Not Modified\r\netag: {etag}\r\nconnection: close\r\n\r\n")
        } else {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\netag: {etag}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
        };
        return;
    }
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query.split('&').find_map(|p| p.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| decode(v)))
    };
    let (status, body) = if refuse || key.is_some_and(|k| param("apiKey").as_deref() != Some(k)) {
        (403, r#"{"error":"forbidden"}"#.to_string())
    } else {
        let source: Value = serde_json::from_str(&param("source").unwrap_or_default()).unwrap_or(Value::Null);
        let size = source["size"].as_u64().unwrap_or(10) as usize;
        let after = source["query"]["range"][key_field]["gt"].as_str().map(str::to_string);
        let mut page: Vec<Value> = rows
            .lock()
            .unwrap()
            .iter()
            .filter(|r| after.as_deref().is_none_or(|a| r[key_field].as_str().unwrap_or("") > a))
            .cloned()
            .collect();
        page.sort_by(|a, b| a[key_field].as_str().cmp(&b[key_field].as_str()));
        page.truncate(size);
        (200, Value::Array(page).to_string())
    };
    let reason = if status == 200 { "OK" } else { "Forbidden" };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Percent-decoding of a query value (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The demo's inspections export as records (its Russian headers as the fields), the last
/// `count` of them — far from the first rows the office tests' workstations start with.
pub fn inspection_records(count: usize) -> Vec<Value> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/demo/inspections.csv")).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let headers: Vec<&str> = lines.next().unwrap().split(';').collect();
    // Rows with a quoted cell (a name with a semicolon in it) would need a CSV reader: left out.
    let all: Vec<&str> = lines.filter(|l| !l.contains('"')).collect();
    all[all.len() - count..]
        .iter()
        .map(|line| {
            let cells = line.split(';');
            Value::Object(
                headers.iter().zip(cells).map(|(h, c)| (h.to_string(), Value::String(c.to_string()))).collect(),
            )
        })
        .collect()
}
