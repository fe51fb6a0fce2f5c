//! The national side's read-only HTTP face (issue 64): `ekn-office national serve` connected as
//! `ekn_national_web`, exactly as deployed, over the national cluster the national test built from
//! two regions. Logins are PostgreSQL's own (SCRAM passwords of login roles in the analyst or the
//! administrator group); what an analyst reads is the console's national figures, never an
//! object's pseudonym; the regions' replication is the administrator's alone; a role made NOLOGIN
//! loses its session at its next request; and the server's role reads neither the chains nor a
//! region's connection string. The app's Country screen reads the same face through the core.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use ekn::api::office::{CountryParams, NationalLoginParams, NationalSession, ReportFormat};
use ekn::api::ErrorCode;
use ekn::i18n::Lang;

use crate::support::{free_port, http, office_bin, office_cli, same_figures, TestPg};

/// A running `ekn-office national serve`, stopped when dropped.
struct NationalFace {
    child: Child,
    url: String,
}

impl Drop for NationalFace {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_face(pg_url: &str) -> NationalFace {
    let port = free_port();
    let mut child = Command::new(office_bin())
        .args(["national", "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("EKN_OFFICE_PG", pg_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let face = NationalFace { child, url: format!("http://127.0.0.1:{port}") };
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    assert!(line.contains("listening on"), "the national face said: {line}");
    face
}

fn login(face: &NationalFace, name: &str, password: &str) -> (u16, serde_json::Value) {
    let answer = http()
        .post(format!("{}/v1/login", face.url))
        .json(&serde_json::json!({ "name": name, "password": password }))
        .send()
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().unwrap_or(serde_json::Value::Null))
}

fn get(face: &NationalFace, token: &str, path: &str) -> (u16, serde_json::Value) {
    let answer = http().get(format!("{}{path}", face.url)).bearer_auth(token).send().unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().unwrap_or(serde_json::Value::Null))
}

fn console(national: &str, args: &[&str]) -> serde_json::Value {
    let (ok, out, err) = office_cli(national, args, &[]);
    assert!(ok, "{args:?}: {err}{out}");
    serde_json::from_str(&out).unwrap()
}

/// Every anomaly's id, unit and counts (not the time the detectors took).
fn listed(report: &serde_json::Value) -> Vec<String> {
    report["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{}|{}|{}|{}", a["id"], a["unit"], a["observed"], a["expected"]))
        .collect()
}

/// The face over `national_pg`'s database `national` (whose owner's connection is `national`),
/// with both regions attached and caught up.
pub(super) fn face_holds(national_pg: &TestPg, national: &str, today: &str) {
    // Analysts and an administrator log in with passwords PostgreSQL checks (SCRAM); the server's
    // own role connects over the socket as deployed.
    national_pg.require_passwords(&["aigerim", "nurlan", "eve"]);
    national_pg.psql(
        "national",
        "CREATE ROLE aigerim LOGIN PASSWORD 'analyst-pw-1' IN ROLE ekn_national_analyst; \
         CREATE ROLE nurlan LOGIN PASSWORD 'admin-pw-1' IN ROLE ekn_national_admin; \
         CREATE ROLE eve LOGIN PASSWORD 'eve-pw-1'",
    );
    // The face refuses to serve as the owner or a superuser: it would read the chains.
    let (ok, _, err) = office_cli(national, &["national", "serve", "--listen", "127.0.0.1:0"], &[]);
    assert!(!ok && err.contains("ekn_national_web"), "{err}");
    // Its own role reads no chain and no region's connection string.
    for sql in ["SELECT count(*) FROM national_chain", "SELECT conninfo FROM national_regions"] {
        let refused = national_pg.psql_as("ekn_national_web", "national", sql).unwrap_err();
        assert!(refused.contains("permission denied"), "{sql}: {refused}");
    }
    let face = serve_face(&national_pg.url_as("ekn_national_web", "national"));

    // A wrong password, a role in neither group, a superuser, a name that is no role: one answer.
    for (name, password) in
        [("aigerim", "wrong"), ("eve", "eve-pw-1"), (crate::support::SUPERUSER, ""), ("nobody", "x")]
    {
        let (status, body) = login(&face, name, password);
        assert_eq!(status, 401, "{name}: {body}");
    }
    let (status, body) = get(&face, "no-such-token", "/v1/national/dashboard");
    assert_eq!(status, 401, "{body}");

    // A session long ended is forgotten when the next one begins (the table holds live ones only).
    national_pg.psql(
        "national",
        "INSERT INTO national_web_sessions VALUES ('stale', 'aigerim', now() - interval '2 days', \
         now() - interval '2 days', now() - interval '1 day')",
    );
    // The analyst reads the console's figures.
    let (status, analyst) = login(&face, "aigerim", "analyst-pw-1");
    assert_eq!(
        national_pg.psql("national", "SELECT count(*) FROM national_web_sessions WHERE token_sha256 = 'stale'"),
        "0"
    );
    assert_eq!(status, 200, "{analyst}");
    assert_eq!(analyst["person"]["analyst"], true);
    assert_eq!(analyst["person"]["admin"], false);
    let token = analyst["token"].as_str().unwrap().to_string();
    let (status, board) = get(&face, &token, &format!("/v1/national/dashboard?today={today}"));
    assert_eq!(status, 200, "{board}");
    let expected = console(national, &["national", "dashboard", "--today", today, "--json"]);
    assert!(same_figures(&board, &expected), "{board}\n{expected}");
    assert!(board["tasks"].as_u64().unwrap() > 0);
    // The appeals by district, for a region's districts on the map: KATO districts of both regions,
    // as many as the regions counted.
    let by_district = board["appeals"]["by_district"].as_object().unwrap();
    assert!(
        by_district.keys().all(|d| d.len() == 4 && (d.starts_with("19") || d.starts_with("55"))),
        "{by_district:?}"
    );
    let counted: u64 = by_district.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(counted, board["appeals"]["total"].as_u64().unwrap());
    let (status, effect) = get(&face, &token, &format!("/v1/national/effect?today={today}"));
    assert_eq!(status, 200, "{effect}");
    let expected = console(national, &["national", "effect", "--today", today, "--json"]);
    assert!(same_figures(&effect, &expected), "{effect}\n{expected}");
    let (status, themes) = get(&face, &token, &format!("/v1/national/themes?as_of={today}&region=19"));
    assert_eq!(status, 200, "{themes}");
    let expected = console(national, &["national", "themes", "--as-of", today, "--region", "19", "--json"]);
    assert!(same_figures(&themes, &expected), "{themes}\n{expected}");
    // Anomalies: the console's list, without a single object's pseudonym.
    let (status, anomalies) = get(&face, &token, &format!("/v1/national/anomalies?today={today}"));
    assert_eq!(status, 200, "{anomalies}");
    let expected = console(national, &["national", "anomalies", "--today", today, "--json"]);
    assert_eq!(listed(&anomalies), listed(&expected));
    assert!(!listed(&expected).is_empty(), "the regions' registries give anomalies");
    assert!(expected.to_string().contains("\"n:"), "the console names objects by pseudonyms");
    assert!(!anomalies.to_string().contains("\"n:"), "the face withholds them: {anomalies}");
    assert_eq!(anomalies["objects_withheld"], true);
    // A hostile query is refused, not judged: a region that is no region, an unknown parameter.
    for path in ["/v1/national/themes?region=1%27", "/v1/national/anomalies?region=999", "/v1/national/effect?x=1"] {
        let (status, body) = get(&face, &token, path);
        assert_eq!(status, 400, "{path}: {body}");
    }
    // The regions' replication is the administrator's.
    let (status, body) = get(&face, &token, "/v1/national/status");
    assert_eq!(status, 403, "{body}");

    // The administrator sees each region's replication, and not the figures.
    let (status, admin) = login(&face, "nurlan", "admin-pw-1");
    assert_eq!(status, 200, "{admin}");
    let admin_token = admin["token"].as_str().unwrap().to_string();
    let (status, body) = get(&face, &admin_token, "/v1/national/dashboard");
    assert_eq!(status, 403, "{body}");
    let (ok, out, err) = office_cli(national, &["national", "status"], &[]);
    assert!(ok, "{out}{err}");
    let (status, health) = get(&face, &admin_token, "/v1/national/status");
    assert_eq!(status, 200, "{health}");
    let regions: Vec<&str> =
        health["regions"].as_array().unwrap().iter().map(|r| r["region"].as_str().unwrap()).collect();
    assert_eq!(regions, ["19", "55"]);
    for region in health["regions"].as_array().unwrap() {
        assert_eq!(region["enabled"], true, "{region}");
        assert_eq!(region["copying"], 0, "{region}");
        assert_eq!(region["worker"], true, "{region}");
        assert_eq!(region["last_check"]["caught_up"], true, "{region}");
        assert!(region["last_check"]["slot"].is_string(), "{region}");
    }

    // The app's Country screen reads the same face through the core: the analyst's figures with a
    // region drilled into, the administrator's replication.
    let app_login = |user: &str, password: &str| {
        NationalSession::login(
            &NationalLoginParams {
                url: face.url.clone(),
                user: user.into(),
                password: password.into(),
                tls_ca: None,
                tls_pin: None,
            },
            chrono::Utc::now(),
        )
    };
    let refused = app_login("aigerim", "wrong").err().expect("a wrong password");
    assert_eq!(refused.code, ErrorCode::OfficeRefused, "{refused:?}");
    let (mut app, first) = app_login("aigerim", "analyst-pw-1").unwrap();
    assert!(first.analyst && !first.admin && first.health.is_none() && first.dashboard.is_some());
    let day: chrono::NaiveDate = today.parse().unwrap();
    let drilled =
        app.country(&CountryParams { region: Some("19".into()), today: Some(day) }, chrono::Utc::now()).unwrap();
    let expected = console(national, &["national", "dashboard", "--today", today, "--json"]);
    assert!(same_figures(&serde_json::to_value(&drilled.dashboard).unwrap(), &expected));
    let expected = console(national, &["national", "themes", "--as-of", today, "--region", "19", "--json"]);
    assert!(same_figures(&serde_json::to_value(&drilled.themes).unwrap(), &expected));
    let expected = console(national, &["national", "anomalies", "--today", today, "--region", "19", "--json"]);
    assert_eq!(listed(&serde_json::to_value(&drilled.anomalies).unwrap()), listed(&expected));
    assert_eq!(drilled.region.as_deref(), Some("19"));
    assert!(drilled.stale.is_none());
    // The Country screen as a file a head hands on: a workbook in Kazakh read back by another
    // library — both regions' rows, and no object's pseudonym in any cell — and a PDF printed by
    // Chromium, read back by poppler.
    let (name, bytes) = app.report(ReportFormat::Xlsx, Lang::Kk).unwrap();
    assert!(name.starts_with("country-19-") && name.ends_with(".xlsx"), "{name}");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let mut cells = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        cells.extend(range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>());
    }
    assert!(cells.iter().any(|c| c == "Бүкіл ел") && cells.iter().any(|c| c == "55"), "{cells:?}");
    // The drilled region's districts as the map draws them, and no other region's.
    let districts = book.worksheet_range("Аудандар бойынша").expect("the districts' sheet");
    let codes: Vec<String> = districts.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(!codes.is_empty() && codes.iter().all(|c| c.starts_with("19")), "{codes:?}");
    assert!(!cells.iter().any(|c| c.contains("n:")), "no pseudonym in the workbook");
    let (name, pdf) = app.report(ReportFormat::Pdf, Lang::Kk).unwrap();
    assert!(name.ends_with(".pdf"), "{name}");
    let text = crate::support::pdf_text(&pdf);
    assert!(text.contains("Ел көрсеткіштері") && text.contains("Бүкіл ел"), "{text}");
    let (_, admin_view) = app_login("nurlan", "admin-pw-1").unwrap();
    assert!(admin_view.admin && admin_view.dashboard.is_none() && admin_view.anomalies.is_none());
    assert_eq!(admin_view.health.as_ref().map(|h| h.regions.len()), Some(2));
    // A face that names objects in its anomalies is not the face the app trusts.
    let hostile = hostile_face(national, today);
    let refused = NationalSession::login(
        &NationalLoginParams {
            url: hostile.clone(),
            user: "aigerim".into(),
            password: "analyst-pw-1".into(),
            tls_ca: None,
            tls_pin: None,
        },
        chrono::Utc::now(),
    )
    .err()
    .expect("a face naming objects is refused");
    assert!(refused.code == ErrorCode::OfficeRefused && refused.message.contains("naming objects"), "{refused:?}");

    // A role made NOLOGIN by the national DBA loses its session at its next request.
    national_pg.psql("national", "ALTER ROLE aigerim NOLOGIN");
    let (status, body) = get(&face, &token, &format!("/v1/national/dashboard?today={today}"));
    assert_eq!(status, 401, "{body}");
    national_pg.psql("national", "ALTER ROLE aigerim LOGIN");
    let (status, _) = get(&face, &token, &format!("/v1/national/dashboard?today={today}"));
    assert_eq!(status, 401, "a session ended stays ended");
    // Logging out ends the administrator's session.
    let out = http().post(format!("{}/v1/logout", face.url)).bearer_auth(&admin_token).send().unwrap();
    assert_eq!(out.status().as_u16(), 204);
    let (status, _) = get(&face, &admin_token, "/v1/national/status");
    assert_eq!(status, 401);
    // No session's token is stored, only its digest.
    let stored = national_pg.psql("national", "SELECT string_agg(token_sha256, ',') FROM national_web_sessions");
    assert!(!stored.contains(&token) && !stored.contains(&admin_token));

    // The face stops: the app keeps the last figures and says why they are not fresher.
    let (mut app, _) = app_login("aigerim", "analyst-pw-1").unwrap();
    drop(face);
    let kept = app.country(&CountryParams::default(), chrono::Utc::now()).unwrap();
    assert!(kept.stale.is_some() && kept.dashboard.is_some(), "{:?}", kept.stale);
    drop(app);
}

/// A loopback "national face" that logs anyone in and answers with the console's figures, objects'
/// pseudonyms and all (what a face that forgot to withhold them would send). Serves until the test
/// process ends.
fn hostile_face(national: &str, today: &str) -> String {
    use std::io::{Read, Write};
    let answers: Vec<(&str, String)> = vec![
        ("/v1/login", r#"{"token":"t","expires_at":"2030-01-01T00:00:00Z","person":{"name":"aigerim","analyst":true,"admin":false}}"#.into()),
        ("/v1/national/dashboard", console(national, &["national", "dashboard", "--today", today, "--json"]).to_string()),
        ("/v1/national/effect", console(national, &["national", "effect", "--today", today, "--json"]).to_string()),
        ("/v1/national/themes", console(national, &["national", "themes", "--as-of", today, "--json"]).to_string()),
        ("/v1/national/anomalies", console(national, &["national", "anomalies", "--today", today, "--json"]).to_string()),
    ];
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            let mut body = vec![0u8; length.min(1 << 16)];
            let _ = stream.read_exact(&mut body);
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let answer = answers.iter().find(|(p, _)| path.starts_with(p)).map_or("{}", |(_, a)| a.as_str());
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    url
}
