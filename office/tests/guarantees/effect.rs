//! The office's effectiveness figures beyond recorded outcomes (issue 39): what later data say of
//! each act, and the estimated effect of acts on violations and on appeals, computed over the
//! registry the office's own connector fetched and the appeals' facts the workstations handed
//! over, with the workstations' code. Two prosecutors import their districts' acts and appeals;
//! the office fetches the registry of both districts, which both workstations import too. The
//! office's counts of every check are then the sum of theirs, its estimates for one district are
//! the very figures that district's workstation computes, a tampered run is refused with its
//! reason rather than used, and a bad horizon is refused. What a workstation hands over is
//! checked and placed by the office: a hostile batch is refused naming its field, an appeal of
//! another district is not taken.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::support::{appeals_in, inspections_in, office_cli, portal, same_figures, Office, Rogue, Workstation};
use crate::{day, office_of_three};

/// The registry's rows as (BIN, start date) pairs.
fn starts(csv: &str) -> Vec<(String, NaiveDate)> {
    csv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[1].to_string(), NaiveDate::parse_from_str(f[8], "%d.%m.%Y").unwrap())
        })
        .collect()
}

/// An export of acts: one per object with two or more inspections, issued the day after its
/// first, of kinds in turn, the first third naming that inspection as its trigger.
fn acts_of(csv: &str, prefix: &str) -> (String, usize) {
    let mut by_bin: BTreeMap<String, Vec<(NaiveDate, String)>> = BTreeMap::new();
    for (line, (bin, start)) in csv.lines().skip(1).zip(starts(csv)) {
        by_bin.entry(bin).or_default().push((start, line.split(';').next().unwrap().to_string()));
    }
    let mut rows = String::from("act_no,bin,kind,issued_on,outcome,outcome_on,registry_no\n");
    let mut count = 0;
    for (i, (bin, mut seen)) in by_bin.into_iter().filter(|(_, v)| v.len() >= 2).enumerate() {
        seen.sort();
        let (first, registry_no) = &seen[0];
        let kind = ["submission", "order", "warning", "protest"][i % 4];
        let issued = *first + chrono::Days::new(1);
        let (outcome, on) =
            if i % 2 == 0 { ("satisfied", (issued + chrono::Days::new(20)).to_string()) } else { ("", String::new()) };
        let trigger = if i % 3 == 0 { registry_no.as_str() } else { "" };
        rows.push_str(&format!("{prefix}-{i},{bin},{kind},{issued},{outcome},{on},{trigger}\n"));
        count += 1;
    }
    (rows, count)
}

/// The office's administrator (Admin Dana) adds a connector of inspections that fetches `csv` as a
/// file from a loopback portal, and runs it: one published run. The portal lives as long as its value.
pub(super) fn fetch_registry(office: &Office, csv: &str) -> portal::Portal {
    let server = portal::portal(Vec::new(), "key", None, &[]);
    *server.file.lock().unwrap() = csv.to_string();
    let file_url = server.url.replace("/api/v4", "/files/inspections.csv");
    let admin = [("EKN_OFFICE_USER", "Admin Dana")];
    let (ok, out, err) = office_cli(
        &office.pg_url,
        &["connector", "add", "registry", "--kind", "http-file", "--data", "inspections", "--url", &file_url],
        &admin,
    );
    assert!(ok, "{out}{err}");
    let (ok, out, err) = office_cli(&office.pg_url, &["connector", "run", "registry", "--json"], &admin);
    assert!(ok && out.contains("\"published\""), "{out}{err}");
    server
}

/// The district of a workstation's acts' prefix.
fn prefix_of(acts_prefix: &str) -> String {
    if acts_prefix == "A" { "1940" } else { "5532" }.to_string()
}

#[test]
fn the_office_checks_acts_against_the_registry_its_connector_fetched_as_the_workstations_do() {
    let Some(office) = office_of_three() else { return };
    office.add_user("Admin Dana", "admin", "");
    let csv_a = inspections_in(&["1940"], 160);
    let csv_b = inspections_in(&["5532"], 160);
    let (wa, wb) = (Workstation::new(&csv_a), Workstation::new(&csv_b));
    wa.join(&office, "Асель Нурланова", "office PC");
    wb.join(&office, "Bekzat Omarov", "laptop");
    let today = "2026-12-01";

    // Without a published run of inspections the office says why it cannot check the acts.
    let token = office.login("Supervisor Saule");
    let (status, bare) = office.get(&token, &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{bare}");
    assert!(bare["verification"].is_null() && bare["effects"].as_array().unwrap().is_empty(), "{bare:#}");
    let reasons = bare["not_computed"].to_string();
    assert!(reasons.contains("appeals") && reasons.contains("no published run"), "{reasons}");

    // The office fetches both districts' registry as one file; each workstation imports it.
    let both = format!("{csv_a}{}", csv_b.split_once('\n').unwrap().1);
    let _portal = fetch_registry(&office, &both);

    // Each imports its own district's acts (some naming the inspection that prompted them).
    let mut acts = 0;
    for (ws, csv, prefix) in [(&wa, &csv_a, "A"), (&wb, &csv_b, "B")] {
        ws.session().office().sync().unwrap();
        let (rows, count) = acts_of(csv, prefix);
        acts += count;
        let file = ws.dir.path().join("acts.csv");
        std::fs::write(&file, rows).unwrap();
        ws.session()
            .registry()
            .import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {})
            .unwrap();
        ws.import_appeals(&appeals_in(&prefix_of(prefix)));
        let synced = ws.session().office().sync().unwrap();
        assert!(synced.appeals_sent > 0 && synced.appeals_outside == 0, "{synced:?}");
        // Sent once: the next sync hands over nothing that did not change.
        let again = ws.session().office().sync().unwrap();
        assert_eq!((again.appeals_sent, again.appeals_outside), (0, 0), "{again:?}");
    }
    assert!(acts >= 20, "the registry gives enough objects with two inspections: {acts}");
    // An office restored from a backup that predates them: each workstation hands its appeals
    // over again (the pull says how many the office holds of it).
    office.pg.psql("ekn", "DELETE FROM office_appeals");
    for ws in [&wa, &wb] {
        let again = ws.session().office().sync().unwrap();
        assert!(again.appeals_sent > 0, "{again:?}");
    }

    let report = |ws: &Workstation, district: Option<&str>| {
        let mut s = ws.session_with(ekn::api::Context::new(
            ekn::domain::journal::Face::Cli,
            None,
            std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
        ));
        let request = ekn::api::EffectRequest { district: district.map(str::to_string), ..Default::default() };
        serde_json::to_value(s.analytics().effect_report(&request).unwrap()).unwrap()
    };
    let (ra, rb) = (report(&wa, None), report(&wb, None));
    let checks = ["next_inspection", "appeals", "category_appeals", "returning_applicant"];
    let mut expected = BTreeMap::new();
    for r in [&ra, &rb] {
        for check in checks {
            for status in ["verified", "contradicted", "no_data"] {
                *expected.entry((check, status)).or_insert(0) += r["verification"][check][status].as_u64().unwrap();
            }
        }
    }
    let found = |check| expected[&(check, "verified")] + expected[&(check, "contradicted")];
    assert!(found("next_inspection") > 0, "later inspections are found: {expected:?}");
    assert!(found("appeals") > 0, "later appeals are found: {expected:?}");

    let (status, figures) = office.get(&token, &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{figures}");
    let v = &figures["verification"];
    for ((check, status), count) in &expected {
        assert_eq!(v[*check][*status].as_u64(), Some(*count), "{check} {status}: {figures:#}");
    }
    let held = appeals_in("1940").lines().count() + appeals_in("5532").lines().count() - 2;
    assert_eq!(figures["appeals_held"].as_u64(), Some(held as u64), "{figures:#}");
    assert_eq!(v["not_in_registry"], 0);
    assert_eq!(v["rule"], ra["verification"]["rule"]);
    assert_eq!(figures["registry"][0]["rows"], 320, "{figures:#}");
    // Registry and appeals held, every appeal with the office-wide pseudonym: nothing left out.
    assert_eq!(figures["not_computed"], serde_json::json!([]), "{figures:#}");
    let effects = figures["effects"].as_array().unwrap();
    for outcome in ["violations_per_inspection", "appeals_per_quarter"] {
        assert!(effects.iter().any(|e| e["outcome"] == outcome && e["kind"] == "all"), "{outcome}: {effects:?}");
    }

    // One district's estimates at the office are the figures its own workstation computes (the
    // other district's acts lie in another region: never each other's controls).
    let (_, district) = office.get(&token, &format!("/v1/effect?today={today}&district=1940"));
    let own_district = report(&wa, Some("1940"));
    assert!(same_figures(&district["effects"], &own_district["effects"]), "{district:#}\n{own_district:#}");
    // A prosecutor's own figures, and the console's, agree.
    let (_, own) = office.get(&office.login("Асель Нурланова"), &format!("/v1/effect?today={today}"));
    for check in checks {
        assert_eq!(own["verification"][check], ra["verification"][check], "{check}");
    }
    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--today", today, "--json"], &[]);
    assert!(ok, "{err}");
    let console: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(console["verification"], figures["verification"]);
    assert_eq!(console["effects"], figures["effects"]);
    let (ok, text, err) = office_cli(&office.pg_url, &["effect", "--today", today], &[]);
    assert!(ok && text.contains("next inspection:") && text.contains("violations per inspection"), "{text}{err}");
    assert!(text.contains("returning applicant:") && text.contains("appeals per quarter"), "{text}");

    // A run whose records no longer match the digest it was published with is not used.
    office.pg.psql("ekn", "UPDATE office_connector_runs SET sha256 = repeat('0', 64) WHERE status = 'published'");
    let (status, refused) = office.get(&token, &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{refused}");
    assert!(refused["not_computed"].to_string().contains("SHA-256"), "{refused:#}");
    assert_eq!(refused["not_computed"][0]["code"], "registry_unreadable", "{refused:#}");
    // The console says why in the person's language, with the registry's fault quoted.
    let (ok, text, err) = office_cli(&office.pg_url, &["effect", "--today", today], &[("EKN_LANG", "ru")]);
    assert!(ok && text.contains("реестр офиса не читается") && text.contains("SHA-256"), "{text}{err}");
    // Without the registry the appeals' figures stand on their own.
    assert!(refused["verification"]["next_inspection"].is_null(), "{refused:#}");
    assert_eq!(refused["verification"]["appeals"], figures["verification"]["appeals"], "{refused:#}");
    let outcomes: Vec<&serde_json::Value> =
        refused["effects"].as_array().unwrap().iter().map(|e| &e["outcome"]).collect();
    assert!(!outcomes.is_empty() && outcomes.iter().all(|o| *o == "appeals_per_quarter"), "{refused:#}");
    // A horizon out of bounds is refused with its reason.
    let (status, bad) = office.get(&token, "/v1/effect?horizon_days=5");
    assert_eq!(status, 400, "{bad}");
}

#[test]
fn the_office_checks_and_places_the_appeals_a_workstation_hands_over() {
    let Some(office) = office_of_three() else { return };
    let rogue = Rogue::enrol(&office, "Асель Нурланова", 71);
    let fact = |no: &str, kato: Option<&str>| {
        serde_json::json!({
            "appeal_no": no, "subject_bin": null, "kato": kato, "category": "трудовые права",
            "received": "2026-10-01", "decided": null, "outcome": null,
            "applicant": "p:0123456789abcdef01234567", "simhash": 42
        })
    };
    let send = |facts: serde_json::Value| {
        let body = serde_json::to_vec(&facts).unwrap();
        rogue.signed("POST", "/v1/appeals", &body, None)
    };
    // Her district's appeal is placed there, one without a place in her own district, and one
    // of a colleague's district is not taken.
    let (status, receipt, _) =
        send(serde_json::json!([fact("A-1", Some("194010000")), fact("A-2", None), fact("B-1", Some("553210000"))]));
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt, serde_json::json!({"stored": 2, "unchanged": 0, "outside": 1, "not_taken": ["B-1"]}));
    let placed = office.pg.psql("ekn", "SELECT appeal_no || '=' || district FROM office_appeals ORDER BY appeal_no");
    assert_eq!(placed, "A-1=194010000\nA-2=1940");
    // Sent again: nothing changes; changed: stored again.
    let (_, receipt, _) = send(serde_json::json!([fact("A-1", Some("194010000"))]));
    assert_eq!(receipt["unchanged"], 1, "{receipt}");
    // Row-level security: the colleague's district sees none of them, hers both.
    let sees = |districts: &str| {
        office
            .pg
            .psql_as(
                "ekn_office_app",
                "ekn",
                &format!(
                    "BEGIN; SELECT set_config('ekn.districts', '{districts}', true); \
                     SELECT count(*) FROM office_appeals; COMMIT;"
                ),
            )
            .unwrap()
    };
    assert!(sees("5532").lines().any(|l| l == "0"), "{}", sees("5532"));
    assert!(sees("1940").lines().any(|l| l == "2"), "{}", sees("1940"));

    // Hostile values are refused with the field named, and nothing of the batch is kept.
    let mut bad = fact("A-3", Some("194010000"));
    bad["subject_bin"] = "123".into();
    let mut bad_pseudonym = fact("A-7", None);
    bad_pseudonym["applicant"] = "p:zz".into();
    for (facts, field) in [
        (serde_json::json!([fact("A-4", Some("194010000")), bad]), "appeal 2 of the batch, field subject_bin"),
        (serde_json::json!([{"received": "2026-10-01"}]), "appeal_no"),
        (serde_json::json!([fact("A-5", Some("19x"))]), "field kato"),
        (serde_json::json!([fact(" A-6", None)]), "field appeal_no"),
        (serde_json::json!([bad_pseudonym]), "field applicant"),
    ] {
        let (status, refused, _) = send(facts);
        assert_eq!(status, 400, "{refused}");
        assert!(refused.to_string().contains(field), "{field}: {refused}");
    }
    let many: Vec<serde_json::Value> = (0..1001).map(|i| fact(&format!("M-{i}"), None)).collect();
    let (status, refused, _) = send(serde_json::Value::Array(many));
    assert_eq!(status, 400, "{refused}");
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM office_appeals"), "2");
    // A person's session is not a workstation: it cannot hand appeals over.
    let token = office.login("Асель Нурланова");
    let (status, _) = office.post(&token, "/v1/appeals", serde_json::json!([fact("A-8", None)]));
    assert!(status == 403 || status == 401, "{status}");
}

/// The demo's whole registry, as `inspections_in` writes it.
fn whole_registry() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/inspections.csv");
    std::fs::read_to_string(path).unwrap().trim_start_matches('\u{feff}').to_string()
}

/// Acts (an import's CSV, and how many) three weeks after an object's last inspection with
/// violations before June 2025, at every object of `registry` inspected again since, naming that
/// inspection as their trigger: enough acted-on objects with data after them for an estimate.
/// Only every `every`-th such object gets one, so a small registry keeps controls.
pub(super) fn acts_after_violations(registry: &str, prefix: &str, every: usize) -> (String, usize) {
    let cutoff = day("2025-06-01");
    let mut by_bin: BTreeMap<String, Vec<(NaiveDate, String, u32)>> = BTreeMap::new();
    for line in registry.lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        let start = NaiveDate::parse_from_str(f[8], "%d.%m.%Y").unwrap();
        by_bin.entry(f[1].to_string()).or_default().push((start, f[0].to_string(), f[10].parse().unwrap()));
    }
    let mut rows = String::from("act_no,bin,kind,issued_on,registry_no\n");
    let mut acts = 0;
    let mut eligible = 0;
    for (bin, seen) in &by_bin {
        let Some(last) = seen.iter().filter(|(d, _, v)| *d < cutoff && *v > 0).max() else { continue };
        if !seen.iter().any(|(d, _, _)| *d > last.0 + chrono::Days::new(60)) {
            continue;
        }
        eligible += 1;
        if (eligible - 1) % every != 0 {
            continue;
        }
        let kind = ["submission", "order", "warning"][acts % 3];
        rows.push_str(&format!("{prefix}-{acts},{bin},{kind},{},{}\n", last.0 + chrono::Days::new(21), last.1));
        acts += 1;
    }
    (rows, acts)
}

#[test]
fn the_offices_estimate_over_its_registry_is_the_workstations_own_figure() {
    let Some(office) = Office::start() else { return };
    office.add_user("Chief Ayan", "supervisor", "1,2,3,4,5,6,7");
    office.add_user("Admin Dana", "admin", "");
    let registry = whole_registry();
    let ws = Workstation::new(&registry);
    ws.join(&office, "Chief Ayan", "office PC");
    let _portal = fetch_registry(&office, &registry);

    let (rows, acts) = acts_after_violations(&registry, "E", 1);
    let file = ws.dir.path().join("acts.csv");
    std::fs::write(&file, rows).unwrap();
    ws.session()
        .registry()
        .import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {})
        .unwrap();
    ws.import_appeals(&appeals_in(""));
    ws.session().office().sync().unwrap();

    let today = "2026-12-01";
    let mut s = ws.session_with(ekn::api::Context::new(
        ekn::domain::journal::Face::Cli,
        None,
        std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
    ));
    let own = serde_json::to_value(s.analytics().effect_report(&ekn::api::EffectRequest::default()).unwrap()).unwrap();
    drop(s);
    let effects = own["effects"].as_array().unwrap();
    for outcome in ["violations_per_inspection", "appeals_per_quarter"] {
        let overall = effects.iter().find(|e| e["outcome"] == outcome && e["kind"] == "all").unwrap();
        assert!(overall["n_treated"].as_u64().unwrap() >= 30, "an estimate is made: {acts} acts, {overall:#}");
        assert!(overall["ratio"].is_number(), "{overall:#}");
    }

    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--today", today, "--json"], &[]);
    assert!(ok, "{err}");
    let office_figures: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The same code over the same rows; sums taken in another order may differ in the last bits.
    assert!(same_figures(&office_figures["effects"], &own["effects"]), "{out}\n{:#}", own["effects"]);
    for check in ["next_inspection", "appeals", "category_appeals", "returning_applicant"] {
        assert_eq!(office_figures["verification"][check], own["verification"][check], "{check}");
    }
    assert_eq!(office_figures["kpis"]["acts"].as_u64(), Some(acts as u64));

    // By body: the office reads which body's inspection prompted each act off its registry, as
    // the workstation reads it off its own — the same bodies, and the same figures narrowed to one.
    assert_eq!(office_figures["bodies"], own["bodies"]);
    let top = own["bodies"][0]["body"].as_str().expect("a body prompted the acts").to_string();
    let mut s = ws.session_with(ekn::api::Context::new(
        ekn::domain::journal::Face::Cli,
        None,
        std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
    ));
    let request = ekn::api::EffectRequest { body: Some(top.clone()), ..Default::default() };
    let own_body = serde_json::to_value(s.analytics().effect_report(&request).unwrap()).unwrap();
    drop(s);
    assert!(own_body["kpis"]["acts"].as_u64().unwrap() < acts as u64, "{top}: narrowed");
    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--today", today, "--body", &top, "--json"], &[]);
    assert!(ok, "{err}");
    let office_body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(office_body["body"].as_str(), Some(top.as_str()));
    assert_eq!(office_body["kpis"], own_body["kpis"]);
    assert!(same_figures(&office_body["effects"], &own_body["effects"]), "{out}");
    let (ok, _, err) = office_cli(&office.pg_url, &["effect", "--body", "two\nlines", "--json"], &[]);
    assert!(!ok && err.contains("one line"), "a body's name is one line: {err}");

    // Published for the country (issue 62, tier 3): the office's own headline of each outcome, over
    // all acts and over each kind of act, as it computes it today, and nothing else.
    office.pg.psql("ekn", "CREATE ROLE ekn_national_reader WITH LOGIN");
    let (ok, out, err) = office_cli(&office.pg_url, &["national", "publish", "--region", "19"], &[]);
    assert!(ok, "{err}{out}");
    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--json"], &[]);
    assert!(ok, "{err}");
    let now: serde_json::Value = serde_json::from_str(&out).unwrap();
    type Row = (String, String, f64, f64, u64);
    let mut headline: Vec<Row> = now["effects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["scope"] == "all" && e["ratio"].is_f64())
        .map(|e| {
            let (outcome, kind) = (e["outcome"].as_str().unwrap().to_string(), e["kind"].as_str().unwrap().to_string());
            let (ratio, high) = (e["ratio"].as_f64().unwrap(), e["ci95"][1].as_f64().unwrap());
            (outcome, kind, ratio, high, e["n_treated"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(headline.iter().filter(|h| h.1 == "all").count(), 2, "both outcomes estimated: {:#}", now["effects"]);
    assert!(headline.iter().any(|h| h.1 != "all"), "a kind of act estimated on its own: {:#}", now["effects"]);
    let published = office.pg.psql(
        "ekn",
        "SELECT string_agg(format('%s|%s|%s|%s|%s', outcome, act_kind, ratio, ci_high, n_treated), ',' \
           ORDER BY outcome, act_kind COLLATE \"C\") FROM national_effect_estimates WHERE region = '19'",
    );
    let published: Vec<Row> = published
        .trim()
        .split(',')
        .map(|row| {
            let f: Vec<&str> = row.split('|').collect();
            (f[0].to_string(), f[1].to_string(), f[2].parse().unwrap(), f[3].parse().unwrap(), f[4].parse().unwrap())
        })
        .collect();
    headline.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(published.len(), headline.len(), "{published:?} {headline:?}");
    for (p, h) in published.iter().zip(&headline) {
        let same = p.0 == h.0 && p.1 == h.1 && (p.2 - h.2).abs() < 1e-12 && (p.3 - h.3).abs() < 1e-12 && p.4 == h.4;
        assert!(same, "the published estimates are the office's own: {published:?} {headline:?}");
    }
}

#[test]
fn an_applicant_writing_to_two_prosecutors_is_one_applicant_at_the_office() {
    let Some(office) = office_of_three() else { return };
    office.add_user("Dina Seitkali", "prosecutor", "1940");
    let csv = inspections_in(&["1940"], 3);
    let (bin, kato) = crate::support::bins_of(&csv)[0].clone();
    let (wa, wd) = (Workstation::new(&csv), Workstation::new(&csv));
    let header = "appeal_no,received,channel,applicant_category,applicant_iin,subject_bin,kato,text,category,status,decided,outcome";
    let appeal = |no: &str, received: &str| {
        format!(
            "{header}\n{no},{received},портал,физическое лицо,530405486441,{bin},{kato},\
             ТОО не выплачивает заработную плату третий месяц,трудовые права,,,\n"
        )
    };
    // One appeal Асель imported before she joined: only her workstation's pseudonym is on it.
    wa.import_appeals(&appeal("OLD-1", "2025-01-10"));
    wa.join(&office, "Асель Нурланова", "office PC");
    wd.join(&office, "Dina Seitkali", "PC");
    // Her submission at the object, answered "satisfied"; the applicant wrote to her before it,
    // and to Dina three weeks after the answer.
    let acts = wa.dir.path().join("acts.csv");
    std::fs::write(
        &acts,
        format!("act_no,bin,kind,issued_on,outcome,outcome_on\nП-1,{bin},submission,2026-03-01,satisfied,2026-03-20\n"),
    )
    .unwrap();
    wa.session()
        .registry()
        .import(ekn::domain::records::DataKind::Acts, &acts, None, false, None, &mut |_| {})
        .unwrap();
    wa.import_appeals(&appeal("ЖТ-1", "2026-02-10"));
    wd.import_appeals(&appeal("ЖТ-2", "2026-04-10"));
    for ws in [&wa, &wd] {
        ws.session().office().sync().unwrap();
    }
    let applicant =
        |no: &str| office.pg.psql("ekn", &format!("SELECT applicant FROM office_appeals WHERE appeal_no = '{no}'"));
    assert!(applicant("ЖТ-1").starts_with("o:"), "{}", applicant("ЖТ-1"));
    assert_eq!(applicant("ЖТ-1"), applicant("ЖТ-2"), "one person, one office-wide pseudonym");
    assert!(applicant("OLD-1").starts_with("p:"), "imported before joining: {}", applicant("OLD-1"));

    // Асель's workstation sees no return (the later appeal is Dina's); the office does.
    let today = "2026-12-01";
    let mut s = wa.session_with(ekn::api::Context::new(
        ekn::domain::journal::Face::Cli,
        None,
        std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
    ));
    let own = serde_json::to_value(s.analytics().effect_report(&ekn::api::EffectRequest::default()).unwrap()).unwrap();
    drop(s);
    assert_eq!(own["verification"]["returning_applicant"]["verified"], 1, "{:#}", own["verification"]);
    let (status, figures) = office.get(&office.login("Supervisor Saule"), &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{figures}");
    let returning = &figures["verification"]["returning_applicant"];
    assert_eq!((returning["contradicted"].as_u64(), returning["verified"].as_u64()), (Some(1), Some(0)), "{figures:#}");
    // The appeal imported before joining is said to be matched within its workstation only.
    assert!(figures["not_computed"].to_string().contains("before their workstation joined"), "{figures:#}");
    // Imported again, it gains the office-wide pseudonym, and the office its new facts.
    wa.import_appeals(&appeal("OLD-1", "2025-01-10"));
    let synced = wa.session().office().sync().unwrap();
    assert_eq!(synced.appeals_sent, 1, "{synced:?}");
    assert_eq!(applicant("OLD-1"), applicant("ЖТ-1"));
}
