//! The office's effectiveness figures beyond recorded outcomes (issue 39): what the next
//! inspection found after each act, and the estimated effect of acts on violations, computed over
//! the registry the office's own connector fetched, with the workstations' code. Two prosecutors
//! import their districts' acts; the office fetches the registry of both districts, which both
//! workstations import too. The office's next-inspection counts are then the sum of theirs, its
//! estimate for one district is the very figure that district's workstation computes, a
//! tampered run is refused with its reason rather than used, and a bad horizon is refused.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::support::{inspections_in, office_cli, portal, Office, Workstation};
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
fn fetch_registry(office: &Office, csv: &str) -> portal::Portal {
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

#[test]
fn the_office_checks_acts_against_the_registry_its_connector_fetched_as_the_workstations_do() {
    let Some(office) = office_of_three() else { return };
    office.add_user("Admin Dana", "admin", "");
    let csv_a = inspections_in(&["1920"], 160);
    let csv_b = inspections_in(&["5530"], 160);
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
        ws.session().sync().unwrap();
        let (rows, count) = acts_of(csv, prefix);
        acts += count;
        let file = ws.dir.path().join("acts.csv");
        std::fs::write(&file, rows).unwrap();
        ws.session().import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {}).unwrap();
        ws.session().sync().unwrap();
    }
    assert!(acts >= 20, "the registry gives enough objects with two inspections: {acts}");

    let report = |ws: &Workstation, district: Option<&str>| {
        let s = ws.session_with(ekn::api::Context::new(
            ekn::domain::journal::Face::Cli,
            None,
            std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
        ));
        let request = ekn::api::EffectRequest { district: district.map(str::to_string), ..Default::default() };
        serde_json::to_value(s.effect_report(&request).unwrap()).unwrap()
    };
    let (ra, rb) = (report(&wa, None), report(&wb, None));
    let mut expected = BTreeMap::new();
    for r in [&ra, &rb] {
        for status in ["verified", "contradicted", "no_data"] {
            *expected.entry(status).or_insert(0) += r["verification"]["next_inspection"][status].as_u64().unwrap();
        }
    }
    assert!(expected["verified"] + expected["contradicted"] > 0, "later inspections are found: {expected:?}");

    let (status, figures) = office.get(&token, &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{figures}");
    let v = &figures["verification"];
    for (status, count) in &expected {
        assert_eq!(v["next_inspection"][*status].as_u64(), Some(*count), "{status}: {figures:#}");
    }
    assert_eq!(v["not_in_registry"], 0);
    assert_eq!(v["rule"], ra["verification"]["rule"]);
    assert_eq!(figures["registry"][0]["rows"], 320, "{figures:#}");
    assert!(figures["not_computed"].to_string().contains("appeals"));
    let effects = figures["effects"].as_array().unwrap();
    assert!(!effects.is_empty() && effects.iter().all(|e| e["outcome"] == "violations_per_inspection"), "{effects:?}");
    assert_eq!(figures["effects"][0]["kind"], "all");

    // One district's estimate at the office is the figure its own workstation computes (the
    // other district's acts lie in another region: never each other's controls).
    let violations = |r: &serde_json::Value| -> Vec<serde_json::Value> {
        r["effects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["outcome"] == "violations_per_inspection")
            .cloned()
            .collect()
    };
    let (_, district) = office.get(&token, &format!("/v1/effect?today={today}&district=1920"));
    let own_district = serde_json::Value::Array(violations(&report(&wa, Some("1920"))));
    assert!(same_figures(&serde_json::Value::Array(violations(&district)), &own_district), "{district:#}");
    // A prosecutor's own figures, and the console's, agree.
    let (_, own) = office.get(&office.login("Асель Нурланова"), &format!("/v1/effect?today={today}"));
    assert_eq!(own["verification"]["next_inspection"], ra["verification"]["next_inspection"]);
    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--today", today, "--json"], &[]);
    assert!(ok, "{err}");
    let console: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(console["verification"], figures["verification"]);
    assert_eq!(console["effects"], figures["effects"]);
    let (ok, text, err) = office_cli(&office.pg_url, &["effect", "--today", today], &[]);
    assert!(ok && text.contains("next inspection:") && text.contains("violations per inspection"), "{text}{err}");

    // A run whose records no longer match the digest it was published with is not used.
    office.pg.psql("ekn", "UPDATE office_connector_runs SET sha256 = repeat('0', 64) WHERE status = 'published'");
    let (status, refused) = office.get(&token, &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{refused}");
    assert!(refused["verification"].is_null(), "{refused:#}");
    assert!(refused["not_computed"].to_string().contains("SHA-256"), "{refused:#}");
    // A horizon out of bounds is refused with its reason.
    let (status, bad) = office.get(&token, "/v1/effect?horizon_days=5");
    assert_eq!(status, 400, "{bad}");
}

/// Whether two JSON values are equal, numbers to nine significant digits.
fn same_figures(a: &serde_json::Value, b: &serde_json::Value) -> bool {
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

/// The demo's whole registry, as `inspections_in` writes it.
fn whole_registry() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/inspections.csv");
    std::fs::read_to_string(path).unwrap().trim_start_matches('\u{feff}').to_string()
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

    // Acts three weeks after an object's last inspection before June 2025, at every object
    // inspected again since, naming that inspection as their trigger.
    let cutoff = day("2025-06-01");
    let mut by_bin: BTreeMap<String, Vec<(NaiveDate, String, u32)>> = BTreeMap::new();
    for line in registry.lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        let start = NaiveDate::parse_from_str(f[8], "%d.%m.%Y").unwrap();
        by_bin.entry(f[1].to_string()).or_default().push((start, f[0].to_string(), f[10].parse().unwrap()));
    }
    let mut rows = String::from("act_no,bin,kind,issued_on,registry_no\n");
    let mut acts = 0;
    for (bin, seen) in &by_bin {
        let Some(last) = seen.iter().filter(|(d, _, v)| *d < cutoff && *v > 0).max() else { continue };
        if !seen.iter().any(|(d, _, _)| *d > last.0 + chrono::Days::new(60)) {
            continue;
        }
        let kind = ["submission", "order", "warning"][acts % 3];
        rows.push_str(&format!("E-{acts},{bin},{kind},{},{}\n", last.0 + chrono::Days::new(21), last.1));
        acts += 1;
    }
    let file = ws.dir.path().join("acts.csv");
    std::fs::write(&file, rows).unwrap();
    ws.session().import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {}).unwrap();
    ws.session().sync().unwrap();

    let today = "2026-12-01";
    let s = ws.session_with(ekn::api::Context::new(
        ekn::domain::journal::Face::Cli,
        None,
        std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
    ));
    let own = serde_json::to_value(s.effect_report(&ekn::api::EffectRequest::default()).unwrap()).unwrap();
    drop(s);
    let violations: Vec<serde_json::Value> = own["effects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "violations_per_inspection")
        .cloned()
        .collect();
    assert!(violations[0]["n_treated"].as_u64().unwrap() >= 30, "an estimate is made: {acts} acts, {violations:#?}");
    assert!(violations[0]["ratio"].is_number(), "{violations:#?}");

    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--today", today, "--json"], &[]);
    assert!(ok, "{err}");
    let office_figures: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The same code over the same rows; sums taken in another order may differ in the last bits.
    let effects = serde_json::Value::Array(violations);
    assert!(same_figures(&office_figures["effects"], &effects), "{out}\n{effects:#}");
    assert_eq!(office_figures["verification"]["next_inspection"], own["verification"]["next_inspection"]);
    assert_eq!(office_figures["kpis"]["acts"].as_u64(), Some(acts as u64));
}
