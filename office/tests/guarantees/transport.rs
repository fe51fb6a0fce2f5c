//! Nobody on the network can read or replay what passes, and nobody can take the office down:
//! plain HTTP is refused off loopback at both ends; the office serves TLS itself and a workstation
//! trusts only the CA or the certificate fixed at joining; every answer to a workstation is signed
//! by the office key it learnt at joining, so a machine in the middle cannot answer in the office's
//! name; a signed request is taken once and only within minutes; hostile logins are refused
//! without growing the server's memory, while honest work goes on.

use std::io::{Read, Write};
use std::net::TcpListener;

use ekn::api::office::JoinParams;
use ekn::api::ErrorCode;

use crate::support::{
    free_port, http, inspections_in, office_cli, tls_fixture, Office, OfficeServer, Rogue, Workstation, PASSWORD,
};

fn office() -> Option<Office> {
    let office = Office::start()?;
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Dina Seitkali", "prosecutor", "1940");
    Some(office)
}

fn join(
    ws: &Workstation,
    url: &str,
    user: &str,
    ca: Option<&str>,
    pin: Option<&str>,
) -> Result<(), ekn::api::ApiError> {
    ws.session()
        .office_join(&JoinParams {
            url: url.into(),
            user: user.into(),
            password: PASSWORD.into(),
            workstation_name: Some("PC".into()),
            tls_ca: ca.map(|f| std::fs::read_to_string(tls_fixture(f)).unwrap()),
            tls_pin: pin.map(str::to_string),
        })
        .map(|_| ())
}

#[test]
fn plain_http_is_refused_off_loopback_at_both_ends() {
    let Some(office) = office() else { return };
    let ws = Workstation::new(&inspections_in(&["1940"], 1));
    // TEST-NET-1: refused before any connection is tried, so the password never leaves.
    let refused = join(&ws, "http://192.0.2.10:8740", "Асель Нурланова", None, None).unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(refused.message.contains("plain HTTP") && refused.message.contains("https://"), "{}", refused.message);
    // The server will not listen off loopback without TLS.
    let key = office.key_file.display().to_string();
    let listen = format!("0.0.0.0:{}", free_port());
    let (ok, _, err) = office_cli(&office.app_url, &["serve", "--listen", &listen, "--key-file", &key], &[]);
    assert!(!ok && err.contains("reachable from the network") && err.contains("--tls-cert"), "{err}");
    // A plain database may not join at all.
    let plain = Workstation::plain(&inspections_in(&["1940"], 1));
    let refused = plain.try_join(&office, "Асель Нурланова", "PC").unwrap_err();
    assert!(refused.message.contains("encrypted database"), "{}", refused.message);
}

#[test]
fn an_office_serving_tls_is_joined_with_its_ca_or_its_confirmed_certificate_and_no_other() {
    let Some(mut office) = office() else { return };
    let port = free_port();
    office.server.kill();
    office.server = OfficeServer::start_tls(&office.app_url, &office.key_file, port, "portal.pem", "portal.key");
    let url = office.server.url.clone();
    let (wa, wd) = (Workstation::new(&inspections_in(&["1940"], 1)), Workstation::new(&inspections_in(&["1940"], 1)));
    // No public CA signed the office's certificate: refused, naming the certificate it presented.
    let refused = join(&wa, &url, "Асель Нурланова", None, None).unwrap_err();
    assert!(refused.message.contains("--pin"), "{}", refused.message);
    let fingerprint = refused.message.split("SHA-256 ").nth(1).unwrap()[..64].to_string();
    // With the office's CA, or with its certificate's fingerprint confirmed: joined, and syncing.
    join(&wa, &url, "Асель Нурланова", Some("office-ca.pem"), None).unwrap();
    join(&wd, &url, "Dina Seitkali", None, Some(&fingerprint)).unwrap();
    wa.session().office().sync().unwrap();
    wd.session().office().sync().unwrap();
    // A wrong pin is refused before the password is sent.
    let other = Workstation::new(&inspections_in(&["1940"], 1));
    assert!(join(&other, &url, "Dina Seitkali", None, Some(&"ab".repeat(32))).is_err());
    // Another certificate on the same address (a machine in the middle, or a silent swap): both refuse it.
    office.server.kill();
    office.server =
        OfficeServer::start_tls(&office.app_url, &office.key_file, port, "other-office.pem", "other-office.key");
    for ws in [&wa, &wd] {
        let refused = ws.session().office().sync().unwrap_err();
        assert!(refused.message.contains("did not prove who it is"), "{}", refused.message);
    }
}

/// A server on loopback that answers every request with `status` and `body`, and `headers`.
fn fake_office(status: u16, body: String, headers: Vec<(String, String)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20).flatten() {
            let mut stream = stream;
            let mut buffer = vec![0u8; 1 << 20];
            let _ = stream.read(&mut buffer);
            let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
            let answer = format!(
                "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    port
}

#[test]
fn answers_are_the_offices_own_and_a_signed_request_is_taken_once() {
    let Some(office) = office() else { return };
    let rogue = Rogue::enrol(&office, "Асель Нурланова", 7);
    let office_key: String =
        http().get(format!("{}/v1/health", office.server.url)).send().unwrap().json::<serde_json::Value>().unwrap()
            ["office_key"]
            .as_str()
            .unwrap()
            .to_string();
    // An answer is signed over the request's nonce.
    let nonce = hex::encode(crate::support::rand_bytes());
    let (status, bytes, signature) = rogue.signed_raw("GET", "/v1/sync/pull?since=0", &nonce);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let signature = signature.expect("the office signs its answer");
    ekn::domain::sync::verify_reply(&office_key, &signature, &nonce, 200, &bytes).unwrap();
    assert!(ekn::domain::sync::verify_reply(&office_key, &signature, "another nonce", 200, &bytes).is_err());
    // The same request again (a captured one replayed): refused.
    let (status, body, _) = rogue.signed("GET", "/v1/sync/pull?since=0", b"", Some(&nonce));
    assert_eq!((status, body["error"].as_str()), (401, Some("replayed")), "{body}");
    // One signed ten minutes ago: refused, and the office says its time.
    let old = (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339();
    let (status, body, _) = rogue.signed_at("GET", "/v1/sync/pull?since=0", b"", None, &old);
    assert_eq!((status, body["error"].as_str()), (401, Some("clock")), "{body}");

    // A workstation whose traffic reaches something else than the office (its address taken over).
    let ws = Workstation::new(&inspections_in(&["1940"], 1));
    ws.join(&office, "Dina Seitkali", "PC");
    ws.session().office().sync().unwrap();
    let pulled = ws.session().office().status().unwrap().pulled_entries;
    let forged = serde_json::json!({
        "events": [], "next": 999, "more": false, "assignments": [], "conflicts": [], "history": [],
        "network": {"settings": {"ca_bundle": null, "proxy": {"mode": "url", "url": "http://evil.example:3128"}},
                    "set_by": "Admin", "set_at": "2026-11-24T00:00:00Z"},
        "connector_runs": []
    })
    .to_string();
    for headers in [vec![], vec![("x-ekn-office-signature".to_string(), signature.clone())]] {
        let port = fake_office(200, forged.clone(), headers);
        ws.sqlite(&format!("UPDATE office_link SET url = 'http://127.0.0.1:{port}'"));
        let refused = ws.session().office().sync().unwrap_err();
        assert_eq!(refused.code, ErrorCode::OfficeUnreachable, "{}", refused.message);
        assert!(refused.message.contains("nothing was applied"), "{}", refused.message);
    }
    // Nothing of the forged answers was taken: no proxy, the cursor where it was.
    let link = ws.session().office().status().unwrap();
    assert_eq!(link.pulled_entries, pulled);
    assert!(link.link.unwrap().pull_cursor < 999);
    assert!(ws.session().connectors().network().unwrap().office.is_none());
}

/// The server's resident memory now, in MB.
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[test]
fn hostile_logins_neither_grow_the_office_nor_stop_honest_work() {
    let Some(office) = office() else { return };
    let ws = Workstation::new(&inspections_in(&["1940"], 1));
    ws.join(&office, "Dina Seitkali", "PC");
    let pid = office.server.child.id();
    let before = rss_mb(pid);
    let url = format!("{}/v1/login", office.server.url);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let attackers: Vec<_> = (0..8)
            .map(|client| {
                let url = url.clone();
                scope.spawn(move || {
                    let from: std::net::IpAddr = format!("127.0.0.{}", client + 2).parse().unwrap();
                    let attacker = ekn::connect::tls::client_builder().local_address(from).build().unwrap();
                    (0..25)
                        .map(|i| {
                            let name =
                                if i % 2 == 0 { "Ж".repeat(512 * 1024) } else { format!("nobody {client} {i}") };
                            let body = serde_json::json!({ "name": name, "password": "wrong password" });
                            attacker.post(&url).json(&body).send().map(|r| r.status().as_u16()).unwrap_or(0)
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        // Honest work meanwhile: a login and a sync.
        assert!(!office.login("Асель Нурланова").is_empty());
        ws.session().office().sync().unwrap();
        attackers.into_iter().flat_map(|a| a.join().unwrap()).collect()
    });
    assert_eq!(statuses.len(), 200);
    // A name refused for its size closes its connection, so no client sends its next request down it.
    let big = serde_json::json!({ "name": "Ж".repeat(512 * 1024), "password": "wrong password" });
    let refused = http().post(&url).json(&big).send().unwrap();
    assert_eq!(refused.status().as_u16(), 413);
    assert_eq!(refused.headers().get("connection").and_then(|v| v.to_str().ok()), Some("close"));
    assert!(statuses.iter().all(|s| matches!(s, 0 | 401 | 413 | 429)), "{statuses:?}");
    // A 1 MB name is refused by its size: answered 413, or the connection closed on the rest of it (0).
    let by_size = statuses.iter().filter(|s| matches!(s, 0 | 413)).count();
    assert_eq!(by_size, 8 * 13, "every 1 MB name (13 of each client's 25) refused by its size: {statuses:?}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let after = rss_mb(pid);
    assert!(after < before + 64.0, "the server grew from {before:.0} MB to {after:.0} MB");
    // An address that failed too often is paused; another is not.
    let from: std::net::IpAddr = "127.0.0.2".parse().unwrap();
    let paused = ekn::connect::tls::client_builder().local_address(from).build().unwrap();
    let mut last = 0;
    for _ in 0..40 {
        last = paused
            .post(&url)
            .json(&serde_json::json!({"name": "nobody", "password": "wrong password"}))
            .send()
            .unwrap()
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
    assert!(!office.login("Асель Нурланова").is_empty());
    // A login posted as a form (a page on another site) is refused.
    let form = http().post(&url).header("content-type", "text/plain").body("{}").send().unwrap();
    assert_eq!(form.status().as_u16(), 415);
}
