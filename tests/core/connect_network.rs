//! What the connectors trust and go through, against real servers on loopback: a file published
//! over HTTPS with a certificate from a CA Mozilla does not know (an office's inspecting proxy, in
//! `fixtures/tls`) is refused with a message that says what to do and writes nothing; once that CA
//! is in the extra bundle the same run imports the file. A proxy kept as a setting is gone through
//! as a forward proxy: the portal's host does not even resolve here (`.invalid`), so only the proxy
//! can have answered. Bad settings are refused with the reason and change nothing. A run waiting
//! on a silent portal holds up no screen: the app runs it on a worker of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ekn::api::ErrorCode;
use ekn::connect::network::{NetworkSettings, ProxySetting};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::connect::file_connector;

const CA: &str = include_str!("../../fixtures/tls/office-ca.pem");

/// The first 100 inspections of the demo, as a published CSV.
fn published_csv() -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/inspections.csv")).unwrap();
    text.lines().take(101).map(|l| format!("{l}\n")).collect()
}

/// Reads one request's head (up to the empty line) and returns its first line.
fn read_head(reader: &mut impl BufRead) -> Option<String> {
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
    }
    Some(first.trim_end().to_string())
}

fn answer(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// An HTTPS server for `127.0.0.1` whose certificate only the test CA vouches for. Counts the
/// requests it answered (a refused handshake answers none).
fn https_file_server(body: String) -> (String, Arc<AtomicUsize>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{dir}/portal.pem")).unwrap().map(Result::unwrap).collect();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/portal.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}/opendata/inspections.csv", listener.local_addr().unwrap().port());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = BufReader::new(rustls::StreamOwned::new(connection, stream));
            // A client that does not trust the certificate ends the handshake: no request.
            if read_head(&mut tls).is_none_or(|line| line.is_empty()) {
                continue;
            }
            count.fetch_add(1, Ordering::SeqCst);
            let tls = tls.get_mut();
            let _ = tls.write_all(answer(&body).as_bytes());
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    (url, served)
}

/// An HTTP proxy, as an office's is: a tunnel (CONNECT, then the tunnelled request answered as
/// the portal would) or a forwarded request in absolute form (`GET http://host/path`), answered
/// the same. Anything else is refused. Returns its address and the request lines it received.
fn connect_proxy(body: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let Some(first) = read_head(&mut reader) else { continue };
            log.lock().unwrap().push(first.clone());
            if first.starts_with("GET http://") {
                let _ = stream.write_all(answer(&body).as_bytes());
                continue;
            }
            if !first.starts_with("CONNECT ") {
                let _ = stream.write_all(b"HTTP/1.1 405 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                continue;
            }
            let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            if read_head(&mut reader).is_some() {
                let _ = stream.write_all(answer(&body).as_bytes());
            }
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        }
    });
    (url, seen)
}

#[test]
fn an_office_ca_is_trusted_only_once_it_is_in_the_bundle() {
    let db = crate::support::TempDb::new();
    let (url, served) = https_file_server(published_csv());
    let mut s = db.session();
    s.connectors().add(&file_connector("inspected", url)).unwrap();

    // Mozilla's roots only: the handshake fails, at once (not retried), and nothing is written.
    let refused = s.connectors().run("inspected", &mut |_| {}).unwrap_err();
    assert_eq!(refused.code, ErrorCode::PortalRefused, "{refused:?}");
    assert!(refused.message.contains("certificate bundle"), "{}", refused.message);
    assert_eq!(served.load(Ordering::SeqCst), 0);
    assert_eq!(s.registry().status().unwrap().counts.inspections, 0);

    // A bundle that is not certificates is refused and changes nothing.
    let bad = NetworkSettings { ca_bundle: Some("not a certificate".into()), proxy: ProxySetting::Environment };
    assert_eq!(s.connectors().set_network(&bad).unwrap_err().code, ErrorCode::InvalidInput);
    assert!(s.connectors().network().unwrap().ca_fingerprints.is_empty());

    // The office's CA added: the same run imports the file; verification stayed on throughout.
    let set = s
        .connectors()
        .set_network(&NetworkSettings { ca_bundle: Some(CA.into()), proxy: ProxySetting::Direct })
        .unwrap();
    assert_eq!(set.ca_fingerprints.len(), 1);
    let report = s.connectors().run("inspected", &mut |_| {}).unwrap();
    assert_eq!(report.import.as_ref().map(|i| i.inserted), Some(100), "{report:?}");
    assert_eq!(served.load(Ordering::SeqCst), 1);

    // The change is on the record by fingerprint, not as the whole bundle.
    let entries = s.journal(&ekn::api::JournalQuery::default()).unwrap();
    let line = format!("{entries:?}");
    assert!(line.contains(&set.ca_fingerprints[0]), "the journal names the CA's fingerprint");
    assert!(!line.contains("BEGIN CERTIFICATE"));
    // And the setting row is a record the journal vouches for (it was journaled without its record,
    // so verification named it as existing with no entry — found by the fuzz storm, by chance order).
    let verification = ekn::api::verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
}

#[test]
fn a_proxy_kept_as_a_setting_is_gone_through_and_a_password_is_refused() {
    let db = crate::support::TempDb::new();
    let (proxy, seen) = connect_proxy(published_csv());
    let mut s = db.session();
    // `.invalid` never resolves (RFC 6761): only the proxy can answer for it.
    s.connectors()
        .add(&file_connector("behind-proxy", "http://portal.invalid/opendata/inspections.csv".into()))
        .unwrap();

    let with_password =
        NetworkSettings { ca_bundle: None, proxy: ProxySetting::Url(proxy.replace("http://", "http://clerk:secret@")) };
    let refused = s.connectors().set_network(&with_password).unwrap_err();
    assert!(refused.message.contains("HTTPS_PROXY") && !refused.message.contains("secret"), "{}", refused.message);

    s.connectors().set_network(&NetworkSettings { ca_bundle: None, proxy: ProxySetting::Url(proxy) }).unwrap();
    let report = s.connectors().run("behind-proxy", &mut |_| {}).unwrap();
    assert_eq!(report.import.as_ref().map(|i| i.inserted), Some(100), "{report:?}");
    // The request went to the proxy (the portal's name never resolves here), in a forward proxy's
    // absolute form.
    assert_eq!(seen.lock().unwrap().as_slice(), ["GET http://portal.invalid/opendata/inspections.csv HTTP/1.1"]);
}

#[test]
fn a_run_waiting_on_a_silent_portal_holds_up_no_screen() {
    // A portal that accepts the connection and never says a word.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/opendata/inspections.csv", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(16).flatten().collect();
        std::thread::sleep(std::time::Duration::from_secs(600));
        drop(held);
    });
    let db = crate::support::TempDb::new();
    db.session().connectors().add(&file_connector("silent", url)).unwrap();
    let host = std::sync::Arc::new(
        ekn::api::host::Host::start(&db.path, false, ekn::domain::journal::Face::Browser, None).unwrap(),
    );
    let running = host.clone();
    std::thread::spawn(move || running.call("connector_run", serde_json::json!({"name": "silent"})));
    std::thread::sleep(std::time::Duration::from_millis(500));
    // The screens' requests answer at once while the run waits for its silence to time out.
    let started = std::time::Instant::now();
    for method in ["status", "home", "preferences"] {
        host.call(method, serde_json::json!({})).unwrap();
    }
    let waited = started.elapsed();
    assert!(waited < std::time::Duration::from_secs(10), "a screen waited {waited:?} behind the run");
}
