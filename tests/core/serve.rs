//! `ekn serve` over real HTTP on loopback: the guards (token, Host, Origin), the method table,
//! and the prosecutor's journey the UI makes — desk, search, card, accept the suggested step,
//! the new task on the desk and the dashboard — through the same calls the browser sends.

use std::sync::Arc;

use ekn::api::host::Host;
use ekn::serve::{Server, TOKEN_HEADER};
use serde_json::{json, Value};

struct Running {
    base: String,
    token: String,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A server on a copy of the demo database.
fn start() -> Running {
    serve(false)
}

/// A server started on a missing database with the demo asked for, which makes it (the way a
/// newcomer first starts `ekn serve`).
fn start_making_the_demo() -> Running {
    serve(true)
}

fn serve(make_demo: bool) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let db = if make_demo { dir.path().join("ekn.db") } else { crate::support::demo_copy(dir.path()) };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let host = Arc::new(Host::start(&db, make_demo, ekn::domain::journal::Face::Browser, Some(today)).unwrap());
    assert_eq!(host.created_demo(), make_demo, "a missing database becomes the demo database when asked");
    let server = Server::bind(host, 0, None).unwrap();
    let base = format!("http://127.0.0.1:{}", server.address.port());
    let token = server.token.clone();
    assert!(server.url().starts_with(&base) && server.url().ends_with(&token));
    std::thread::spawn(move || server.run().unwrap());
    Running { base, token, db, _dir: dir }
}

fn agent() -> reqwest::blocking::Client {
    ekn::connect::tls::client_builder().timeout(std::time::Duration::from_secs(120)).build().unwrap()
}

impl Running {
    fn call(&self, method: &str, params: Value) -> (u16, Value) {
        let response = agent()
            .post(format!("{}/api/{method}", self.base))
            .header(TOKEN_HEADER, &self.token)
            .json(&params)
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    }

    /// A demo object whose decided appeal makes its card suggest a step, and that suggestion.
    fn object_with_suggested_step(&self) -> (String, Value) {
        (1..=400)
            .filter_map(|id| {
                let (code, task) = self.call("task", json!({"id": id}));
                (code == 200 && task["status"] == "done")
                    .then(|| task["subject_bin"].as_str().map(str::to_string))
                    .flatten()
            })
            .find_map(|bin| {
                let case = self.ok("case", json!({"bin": bin}));
                case["suggestion"]["after_task"].is_number().then(|| (bin, case["suggestion"].clone()))
            })
            .expect("some demo object has a decided appeal and a suggested step")
    }

    fn ok(&self, method: &str, params: Value) -> Value {
        let (status, body) = self.call(method, params);
        assert_eq!(status, 200, "{method}: {body}");
        body
    }
}

#[test]
fn guards_refuse_missing_token_foreign_host_and_foreign_origin() {
    let server = start();
    let url = format!("{}/api/status", server.base);
    let no_token = agent().post(&url).json(&json!({})).send().unwrap();
    assert_eq!(no_token.status(), 401);
    let wrong = agent().post(&url).header(TOKEN_HEADER, "0".repeat(64)).json(&json!({})).send().unwrap();
    assert_eq!(wrong.status(), 401);
    let rebinding = agent().post(&url).header(TOKEN_HEADER, &server.token).header("Host", "attacker.example:80");
    assert_eq!(rebinding.json(&json!({})).send().unwrap().status(), 421);
    let foreign = agent().post(&url).header(TOKEN_HEADER, &server.token).header("Origin", "http://attacker.example");
    assert_eq!(foreign.json(&json!({})).send().unwrap().status(), 403);
    let same = agent().post(&url).header(TOKEN_HEADER, &server.token).header("Origin", &server.base);
    let response = same.json(&json!({})).send().unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
    // Without a built UI the root says how to build it rather than failing silently.
    let root = agent().get(format!("{}/", server.base)).send().unwrap();
    assert_eq!(root.status(), 503);
}

#[test]
fn errors_carry_their_code_and_status() {
    let server = start();
    let (status, body) = server.call("no_such_method", json!({}));
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, body) = server.call("case", json!({"bin": "12"}));
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
    let (status, body) = server.call("case", json!({}));
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("bad parameters for 'case'"), "{body}");
}

#[test]
fn the_prosecutors_journey_through_the_api() {
    let server = start_making_the_demo();
    let home = server.ok("home", json!({"assignee": ""}));
    let overdue_before = home["desk"]["overdue"].as_array().unwrap().len();
    assert!(overdue_before > 0, "the demo desk has overdue work");
    assert!(!home["high_risk"].as_array().unwrap().is_empty());

    // An object whose appeal was decided: the card suggests the next step after that task.
    let dashboard = server.ok("dashboard", json!({}));
    let open_before = dashboard["totals"]["open"].as_u64().unwrap();
    let status = server.ok("status", json!({}));
    assert_eq!(status["demo"], json!(true));
    let (bin, suggestion) = server.object_with_suggested_step();

    let hits = server.ok("search", json!({"text": &bin[..6]}));
    assert!(hits["subjects"].as_array().unwrap().iter().any(|s| s["bin"] == bin.as_str()));
    let case = server.ok("case", json!({"bin": bin}));
    for block in ["grounds", "acts", "checklist", "tasks"] {
        assert!(case[block].is_array(), "{block}");
    }
    assert!(!case["card"]["appeals"].as_array().unwrap().is_empty());
    assert!(!case["checklist"].as_array().unwrap().is_empty());

    let created = server.ok(
        "accept_step",
        json!({"bin": bin, "assignee": "Иванов В.", "unit": "Отдел надзора за законностью проверок", "working_days": 10}),
    );
    let task = &created["created"][0];
    assert_eq!(task["kind"], suggestion["kind"]);
    let new_id = task["id"].as_i64().unwrap();
    let after = server.ok("case", json!({"bin": bin}));
    assert!(after["suggestion"].is_null(), "work is under way, so nothing more is suggested");
    assert!(after["tasks"].as_array().unwrap().iter().any(|t| t["id"] == new_id));
    let desk = server.ok("home", json!({"assignee": "Иванов В."}));
    let on_desk = ["due_today", "overdue", "next_7_working_days"]
        .iter()
        .flat_map(|k| desk["desk"][k].as_array().unwrap().clone())
        .any(|t| t["id"] == new_id)
        || desk["desk"]["later"].as_u64().unwrap() > 0;
    assert!(on_desk, "the new task is on its assignee's desk");
    let dashboard = server.ok("dashboard", json!({}));
    assert_eq!(dashboard["totals"]["open"].as_u64().unwrap(), open_before + 1);
    assert!(dashboard["by_assignee"]["Иванов В."]["open"].as_u64().unwrap() > 0);
    let detail = server.ok("task", json!({"id": new_id}));
    assert!(detail["log"].as_array().unwrap().iter().any(|e| e.to_string().contains("created")), "{detail}");
}

#[test]
fn declining_a_step_needs_a_reason_and_is_logged() {
    let server = start();
    let (bin, suggestion) = server.object_with_suggested_step();
    let after = suggestion["after_task"].as_i64().unwrap();
    let (status, _) = server.call("decline_step", json!({"bin": bin, "reason": "  "}));
    assert_eq!(status, 400);
    server.ok("decline_step", json!({"bin": bin, "reason": "the facts do not call for an inspection"}));
    let log = server.ok("task", json!({"id": after}))["log"].clone();
    assert!(log.as_array().unwrap().iter().any(|e| e.to_string().contains("suggestion_declined")), "{log}");
}

#[test]
fn upload_preview_and_import_with_progress() {
    let server = start();
    let csv = "registry_no;bin;control_body;kind;start_date;violations\n\
               R-1;000740000728;ДГД;planned;2026-01-10;1\n\
               R-2;123;ДГД;planned;2026-01-11;0\n";
    let encoded = base64_encode(csv.as_bytes());
    let uploaded = server.ok("upload", json!({"name": "../../etc/inspections.csv", "base64": encoded}));
    let id = uploaded["upload"].as_str().unwrap().to_string();
    assert!(!id.contains('/') && !id.contains("etc"), "an upload id names no path: {id}");
    let preview = server.ok("import_preview", json!({"upload": id, "skip_invalid": false}));
    assert_eq!(preview["kind"], "inspections");
    assert_eq!(preview["kind_guessed"], true);
    assert_eq!(preview["rows_checked"], 2);
    assert_eq!(preview["errors"][0]["line"], 3);
    assert_eq!(preview["errors"][0]["field"], "bin");
    let (status, refused) = server.call("import_file", json!({"upload": id, "skip_invalid": false}));
    assert_eq!(status, 400, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("line 3"), "{refused}");
    // The import is finished, so the upload is gone; the screen sends the file again.
    let (status, _) = server.call("import_file", json!({"upload": id, "skip_invalid": true}));
    assert_eq!(status, 404);
    let again = server.ok("upload", json!({"name": "inspections.csv", "base64": base64_encode(csv.as_bytes())}));
    let id = again["upload"].as_str().unwrap().to_string();
    let report = server.ok("import_file", json!({"upload": id, "skip_invalid": true}));
    assert_eq!((report["inserted"].as_u64(), report["rejected"].as_u64()), (Some(1), Some(1)));
    assert!(report["journal_seq"].as_i64().unwrap() > 0, "the import is one journal entry");
    let progress = server.ok("import_progress", json!({}));
    assert_eq!(progress["running"], false);
    assert_eq!(progress["rows"], 2);
    // The rejected rows can be downloaded once from the Import screen.
    let rejected = server.ok("rejected_rows", json!({"upload": id}));
    assert_eq!(rejected["file_name"], "inspections.csv.rejected.csv");
    let text = String::from_utf8(base64_decode(rejected["base64"].as_str().unwrap())).unwrap();
    assert!(text.contains("3;bin;") && text.contains("R-2"), "{text}");
    let (status, _) = server.call("rejected_rows", json!({"upload": id}));
    assert_eq!(status, 404, "handed over once");
    let (status, _) = server.call("import_preview", json!({"upload": "../ekn.db", "skip_invalid": false}));
    assert_eq!(status, 404);
    // A discarded upload is gone.
    let third = server.ok("upload", json!({"name": "x.csv", "base64": base64_encode(csv.as_bytes())}));
    server.ok("discard_upload", json!({"upload": third["upload"]}));
    let (status, _) = server.call("import_preview", json!({"upload": third["upload"], "skip_invalid": false}));
    assert_eq!(status, 404);
}

#[test]
fn a_failed_ui_import_answers_the_line_and_the_column_as_data() {
    let server = start();
    let csv = crate::support::inspections_csv().replacen("01.02.2022", "31.02.2025", 1);
    assert!(csv.contains("31.02.2025"), "the fixture has the date to spoil");
    let windows = csv.replace('\n', "\r\n");
    for (name, text) in [("lf.csv", csv), ("crlf.csv", windows)] {
        let upload = server.ok("upload", json!({"name": name, "base64": base64_encode(text.as_bytes())}));
        let (status, refused) = server.call("import_file", json!({"upload": upload["upload"], "skip_invalid": false}));
        assert_eq!(status, 400, "{refused}");
        assert_eq!(refused["code"], "invalid_input");
        let detail = &refused["detail"];
        assert_eq!(detail["file"], name, "{refused}");
        assert_eq!(detail["position"], "line");
        assert_eq!(detail["field"], "start_date");
        assert_eq!(detail["value"], "31.02.2025");
        let line = detail["line"].as_u64().unwrap();
        let expected = text.lines().position(|l| l.contains("31.02.2025")).unwrap() as u64 + 1;
        assert_eq!(line, expected, "{name}: the line the bad value is on");
    }
}

#[test]
fn a_ui_evidence_pack_leaves_no_decrypted_document_on_disk() {
    let server = start();
    let bin =
        server.ok("search", json!({"text": "ТОО", "limit": 1}))["subjects"][0]["bin"].as_str().unwrap().to_string();
    // A scanned explanation naming a citizen: its bytes must never lie on disk in the clear.
    let secret = "Объяснение гражданина Сейткали Айгерим Нурлановны, тел. +7 701 555 12 34".repeat(20);
    let upload = server.ok("upload", json!({"name": "объяснение.txt", "base64": base64_encode(secret.as_bytes())}));
    server.ok("evidence_attach", json!({"bin": bin, "upload": upload["upload"], "note": null}));
    let packed = server.ok("evidence_pack", json!({"bin": bin}));
    let zip = base64_decode(packed["file"]["base64"].as_str().unwrap());
    // The download holds the document (it is what goes to court)...
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut found = false;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        found |= bytes == secret.as_bytes();
    }
    assert!(found, "the package carries the attached document");
    assert!(packed["report"]["path"].as_str().unwrap().starts_with("download:"), "{}", packed["report"]);
    // ...and nothing under the database's directory does, zips included.
    let needle = &secret.as_bytes()[..60];
    let mut paths = vec![server.db.parent().unwrap().to_path_buf()];
    let mut checked = 0;
    while let Some(path) = paths.pop() {
        if path.is_dir() {
            paths.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} holds the document in the clear",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "zip") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).unwrap();
                let mut inner = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut inner).unwrap();
                assert!(!inner.windows(needle.len()).any(|w| w == needle), "{} holds it zipped", path.display());
            }
        }
        checked += 1;
    }
    assert!(checked >= 5, "the database, its keys, checkpoint and the sealed document were read ({checked})");
}

#[test]
fn a_ui_import_leaves_no_raw_personal_data_on_disk() {
    let server = start();
    let (iin, phone, email) = (crate::support::iin(7), "+7 701 555 12 34", "aigerim.s@mail.kz");
    let csv = format!(
        "appeal_no,received,applicant_iin,text,category\n\
         UI-1,2026-11-02,{iin},\"Прошу проверить. Тел.: {phone}, e-mail: {email}, ИИН {iin}\",жилье\n\
         UI-2,2026-13-45,{iin},\"Повторно, тел. {phone}\",жилье\n"
    );
    let id =
        server.ok("upload", json!({"name": "appeals.csv", "base64": base64_encode(csv.as_bytes())}))["upload"].clone();
    server.ok("import_preview", json!({"upload": id, "skip_invalid": true}));
    let report = server.ok("import_file", json!({"upload": id, "skip_invalid": true}));
    assert_eq!((report["inserted"].as_u64(), report["rejected"].as_u64()), (Some(1), Some(1)));
    let rejected = server.ok("rejected_rows", json!({"upload": id}));
    let rejected = String::from_utf8(base64_decode(rejected["base64"].as_str().unwrap())).unwrap();
    for raw in [iin.as_str(), phone, email] {
        assert!(!rejected.contains(raw), "the rejected rows keep no raw {raw}: {rejected}");
    }
    // Every file under the database's directory, whatever it is (database, WAL, keys, checkpoint).
    let dir = server.db.parent().unwrap().to_path_buf();
    let mut files = vec![dir];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for raw in [iin.as_str(), phone, email] {
            assert!(!bytes.windows(raw.len()).any(|w| w == raw.as_bytes()), "{} holds a raw {raw}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 4, "the database and its files were read ({checked})");
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn a_missing_database_is_an_error_of_start_unless_the_demo_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let refused = Host::start(&missing, false, ekn::domain::journal::Face::Browser, None)
        .err()
        .expect("no database, no demo: an error");
    assert_eq!(refused.code.code(), "no_database");
    assert!(!missing.exists(), "nothing is created when the demo is not asked for");
}

/// Settings → Models re-tests the demo's appeals classifier on a labelled file sent from the
/// browser: the check names the file as sent, counts its texts per category, is journaled; a risk
/// model is refused (it is checked on the database's newer inspections), and a file without a
/// category column is refused naming the column, the upload then gone.
#[test]
fn an_appeals_model_is_re_tested_on_a_labelled_file_sent_from_the_ui() {
    let server = start();
    let models = server.ok("models", json!({}));
    let models = models.as_array().unwrap();
    let classifier = models.iter().find(|m| m["kind"] == "appeals_classifier").expect("the demo has a classifier");
    let name = classifier["name"].as_str().unwrap();
    let classes: Vec<String> = serde_json::from_str(classifier["classes"].as_str().unwrap()).unwrap();
    let mut csv = String::from("text,category\n");
    for (i, class) in classes.iter().take(3).enumerate() {
        csv.push_str(&format!("\"Жалоба номер {i}: прошу разобраться, {class}\",{class}\n"));
    }
    let upload = |text: &str| {
        let sent = server.ok("upload", json!({"name": "labelled.csv", "base64": base64_encode(text.as_bytes())}));
        sent["upload"].as_str().unwrap().to_string()
    };
    let check = server.ok("check_model", json!({"name": name, "upload": upload(&csv)}));
    assert_eq!(check["model"], name);
    assert_eq!(check["data_file"], "labelled.csv");
    assert_eq!(check["texts"], 3);
    assert_eq!(check["per_class"].as_array().unwrap().len(), 3, "{check}");
    assert!(check["journal_seq"].as_i64().unwrap() > 0);
    assert!(check["verdict"]["kk"].as_str().is_some_and(|v| !v.is_empty()));
    let fresh = server.ok("models_freshness", json!({}));
    let mine = fresh.as_array().unwrap().iter().find(|f| f["model"] == name).unwrap();
    assert_eq!(mine["last_check"][2], check["accuracy"], "{mine}");

    if let Some(risk) = models.iter().find(|m| m["kind"] == "risk_model") {
        let (status, refused) = server.call("check_model", json!({"name": risk["name"], "upload": upload(&csv)}));
        assert_eq!(status, 400, "{refused}");
        assert!(refused["message"].as_str().unwrap().contains("ekn models check"), "{refused}");
    }
    let id = upload("text,comment\nодин,два\n");
    let (status, refused) = server.call("check_model", json!({"name": name, "upload": id}));
    assert_eq!(status, 400, "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("labelled.csv") && message.contains("category"), "{message}");
    let (status, _) = server.call("check_model", json!({"name": name, "upload": id}));
    assert_eq!(status, 404, "the upload is discarded after the check, as after an import");
}

/// A document being read shows its pages' progress beside the session's work, and the person can
/// stop it: the attachment stays, unread, with nothing of the reading recorded.
#[test]
fn reading_a_scan_shows_progress_and_a_person_can_cancel_it() {
    let server = start();
    let bin =
        server.ok("search", json!({"text": "ТОО", "limit": 1}))["subjects"][0]["bin"].as_str().unwrap().to_string();
    let scan = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/documents/000-ru-submission.scan300.png"))
        .unwrap();
    let upload = server.ok(
        "upload",
        json!({"name": "scan.png", "base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &scan)}),
    )["upload"]
        .as_str()
        .unwrap()
        .to_string();
    let idle = server.ok("reading_progress", json!({}));
    assert_eq!(idle["running"], json!(false), "{idle}");
    let (base, token) = (server.base.clone(), server.token.clone());
    let attach_bin = bin.clone();
    let attaching = std::thread::spawn(move || {
        let response = agent()
            .post(format!("{base}/api/evidence_attach"))
            .header(TOKEN_HEADER, &token)
            .json(&json!({"bin": attach_bin, "upload": upload, "note": null}))
            .send()
            .unwrap();
        (response.status().as_u16(), response.json::<Value>().unwrap())
    });
    // OCR of a 300 dpi page takes seconds: the reading is seen running, then asked to stop.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let progress = server.ok("reading_progress", json!({}));
        // Running from the request's start; its page count known once the file is opened.
        if progress["running"] == json!(true) && progress["pages_total"] == json!(1) {
            assert_eq!(progress["pages_done"], json!(0), "{progress}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the reading never showed as running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let asked = server.ok("reading_cancel", json!({}));
    assert_eq!(asked["cancelling"], json!(true), "{asked}");
    let (code, attached) = attaching.join().unwrap();
    assert_eq!(code, 200, "{attached}");
    assert!(attached["read_error"].as_str().is_some_and(|e| e.contains("cancelled")), "{attached}");
    assert_eq!(server.ok("reading_progress", json!({}))["running"], json!(false));
    let documents = server.ok("documents", json!({"bin": bin}));
    let scan = documents.as_array().unwrap().iter().find(|d| d["file_name"] == json!("scan.png")).unwrap();
    assert_eq!(scan["state"], json!("unread"), "a cancelled reading records nothing: {scan}");
    // Cancelling when nothing is being read asks nothing of anyone.
    assert_eq!(server.ok("reading_cancel", json!({}))["cancelling"], json!(false));
}
