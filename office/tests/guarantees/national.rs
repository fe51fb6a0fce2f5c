//! The national read-side on PostgreSQL's own logical replication (issue 41, part 3): two regional
//! offices on clusters of their own publish de-personalised tables, a third cluster subscribes to
//! both; the national figures — deadlines, and appeals by region × category — equal the sum of the
//! regions' after every change, a kill -9 of the
//! national cluster mid-stream loses and repeats nothing, a row tampered with in a region is named
//! (a chain's link, or the office's cosignature of a workstation's checkpoint, checked against the
//! office key pinned at attaching),
//! no citizen's identifier or appeal text reaches a byte of the national data directory, an
//! analyst reads the aggregates and nothing else, and a slot invalidated while the national side was
//! away is detected and started over by `national resync`. Themes, the acts' effectiveness and the
//! anomalies of inspection practice computed nationally for one region are its office's own.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{
    add_matrix, appeals_in, inspections_in, office_cli, open_appeals_in, same_figures, Office, TestPg, Workstation,
    SUPERUSER,
};
use crate::{add_task, day};

const FIGURES: [&str; 5] =
    ["open", "due_within_3_working_days", "overdue", "done_on_time_last_90_days", "done_late_last_90_days"];

fn figures(totals: &serde_json::Value) -> Vec<u64> {
    FIGURES.iter().map(|f| totals[f].as_u64().unwrap_or_else(|| panic!("{f} in {totals}"))).collect()
}

fn json_of(url: &str, args: &[&str]) -> serde_json::Value {
    let (ok, out, err) = office_cli(url, args, &[]);
    assert!(ok, "{args:?}: {err}{out}");
    serde_json::from_str(&out).unwrap()
}

/// Waits until `national status` says every region is attached and caught up.
fn caught_up(national: &str) {
    let started = Instant::now();
    loop {
        let (ok, out, err) = office_cli(national, &["national", "status"], &[]);
        if ok {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "not caught up after 90 s: {out}{err}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// What `probe` finds within 30 s (a change is applied on the national side moments after the
/// region's slot confirms it; `status` says caught up from the slot).
fn eventually<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "not within 30 s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The national figures equal the two regions' added up, in total and region by region (once the
/// last change is applied there).
fn sums_hold(national: &str, regions: &[(&str, &Office)], today: &str) {
    let started = Instant::now();
    while let Err(differ) = std::panic::catch_unwind(|| sums_equal(national, regions, today)) {
        if started.elapsed() > Duration::from_secs(30) {
            std::panic::resume_unwind(differ);
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn sums_equal(national: &str, regions: &[(&str, &Office)], today: &str) {
    let board = json_of(national, &["national", "dashboard", "--today", today, "--json"]);
    let mut sum = vec![0u64; FIGURES.len()];
    let mut tasks = 0;
    let mut matrix = BTreeMap::new();
    let mut districts = 0;
    for (code, office) in regions {
        let own = json_of(&office.pg_url, &["dashboard", "--today", today, "--json"]);
        assert_eq!(figures(&board["regions"][code]["totals"]), figures(&own["totals"]), "region {code}: {board:#}");
        assert_eq!(board["regions"][code]["tasks"], own["tasks"], "region {code}");
        for (s, v) in sum.iter_mut().zip(figures(&own["totals"])) {
            *s += v;
        }
        tasks += own["tasks"].as_u64().unwrap();
        add_matrix(&mut matrix, &own["overdue_matrix"]);
        // Each district's figures are its office's own (office migration 0023 publishes them).
        let own_districts = own["by_district"].as_object().expect("the office's figures by district");
        assert!(!own_districts.is_empty(), "region {code} files its tasks under districts");
        for (district, totals) in own_districts {
            assert_eq!(figures(&board["by_district"][district]), figures(totals), "district {district}: {board:#}");
        }
        districts += own_districts.len();
    }
    assert_eq!(board["by_district"].as_object().map(|d| d.len()), Some(districts), "{board:#}");
    assert_eq!(figures(&board["totals"]), sum, "{board:#}");
    assert_eq!(board["tasks"].as_u64(), Some(tasks));
    // Appeals: each region's, by category, as its office holds them (each appeal once).
    let mut appeals = 0;
    for (code, office) in regions {
        let held: u64 = office.pg.psql("ekn", "SELECT count(DISTINCT appeal_no) FROM office_appeals").parse().unwrap();
        assert_eq!(board["regions"][code]["appeals"].as_u64().unwrap_or(0), held, "region {code}: {board:#}");
        let by_category = office.pg.psql(
            "ekn",
            "SELECT coalesce(category, '—') || '=' || count(*) FROM office_appeal_cells GROUP BY coalesce(category, '—')",
        );
        let national: Vec<String> = board["appeals"]["by_region_category"][code]
            .as_object()
            .map(|c| c.iter().map(|(k, v)| format!("{k}={v}")).collect())
            .unwrap_or_default();
        let mut own: Vec<String> = by_category.lines().map(str::to_string).collect();
        own.sort();
        assert_eq!(national, own, "region {code}");
        appeals += held;
    }
    assert_eq!(board["appeals"]["total"].as_u64(), Some(appeals));
    assert!(appeals > 0, "appeals reach the national side");
    // The overdue matrix, district × category, is the regions' cell by cell.
    let mut national = BTreeMap::new();
    add_matrix(&mut national, &board["overdue_matrix"]);
    assert_eq!(national, matrix);
    assert!(!matrix.is_empty());
}

fn region(name: &str, district: &str) -> Office {
    let office = Office::start_on(TestPg::start_logical().expect("PostgreSQL for the office's tests")).unwrap();
    office.add_user(name, "prosecutor", district);
    // Its administrator adds the office's connector of inspections.
    office.add_user("Admin Dana", "admin", "");
    // The national reader, as the region's DBA makes it (docs/NATIONAL.md).
    office.pg.psql("ekn", "CREATE ROLE ekn_national_reader WITH LOGIN REPLICATION");
    office
}

#[test]
fn the_country_is_the_sum_of_its_regions_by_logical_replication() {
    let r19 = region("Асель Нурланова", "1940");
    let r55 = region("Bekzat Omarov", "5532");
    // Work before the regions publish, and after: both reach the national side.
    let csv19 = inspections_in(&["1940"], 3);
    let ws19 = Workstation::new(&csv19);
    let appeals = open_appeals_in("1940", 4);
    ws19.import_appeals(&appeals);
    ws19.join(&r19, "Асель Нурланова", "office PC");
    let bin19 = crate::support::bins_of(&csv19)[0].0.clone();
    for (i, start) in ["2026-09-01", "2026-11-20", "2026-10-01"].into_iter().enumerate() {
        let id = add_task(&ws19, &bin19, &format!("task {i}"), day(start));
        if i == 2 {
            ws19.session().tasks().complete(id, day("2026-10-20")).unwrap();
        }
    }
    import_acts(&ws19, &csv19, "19");
    ws19.session().office().sync().unwrap();
    // Each region's connector fetches its territory's registry: region 19's before it publishes
    // (publishing fills the table), region 55's after (the run's publication refreshes it).
    let registry19 = region_registry("19");
    let _portal19 = super::effect::fetch_registry(&r19, &registry19);
    for (office, code) in [(&r19, "19"), (&r55, "55")] {
        let (ok, out, err) = office_cli(&office.pg_url, &["national", "publish", "--region", code], &[]);
        assert!(ok, "{err}{out}");
    }
    let csv55 = inspections_in(&["5532"], 2);
    let ws55 = Workstation::new(&csv55);
    ws55.join(&r55, "Bekzat Omarov", "laptop");
    let bin55 = crate::support::bins_of(&csv55)[0].0.clone();
    add_task(&ws55, &bin55, "check the permits", day("2026-10-05"));
    ws55.session().office().sync().unwrap();
    let registry55 = region_registry("55");
    let _portal55 = super::effect::fetch_registry(&r55, &registry55);

    // The national cluster attaches both regions, each as its reader.
    let national_pg = TestPg::start().expect("PostgreSQL for the office's tests");
    national_pg.admin("createdb", &["national"]);
    let national = national_pg.url_as(SUPERUSER, "national");
    let reader = |office: &Office| office.pg.url_as("ekn_national_reader", "ekn");
    let (ok, out, err) = office_cli(
        &national,
        &["national", "init", "--region", &format!("19={}", reader(&r19)), "--region", &format!("55={}", reader(&r55))],
        &[],
    );
    assert!(ok, "{err}{out}");
    // The national side's tables come from its numbered migrations, recorded once however often
    // `init` runs (it runs again for each region attached later).
    let versions = "SELECT string_agg(version::text, ',' ORDER BY version) FROM national_migrations";
    assert_eq!(national_pg.psql("national", versions).trim(), "1,2,3,4,5");
    // A region that does not publish under the code it is attached as is refused.
    let (ok, _, err) = office_cli(&national, &["national", "init", "--region", &format!("47={}", reader(&r55))], &[]);
    assert!(!ok && err.contains("publishes as"), "{err}");
    assert_eq!(national_pg.psql("national", versions).trim(), "1,2,3,4,5");
    caught_up(&national);
    let regions = [("19", &r19), ("55", &r55)];
    let today = "2026-12-01";
    sums_hold(&national, &regions, today);

    // More work streams in — region 55's appeals among it; the national cluster is killed
    // mid-stream and comes back.
    for i in 0..3 {
        add_task(&ws55, &bin55, &format!("more {i}"), day("2026-11-02"));
    }
    ws55.import_appeals(&appeals_in("5532"));
    // Region 55's acts arrive after it published: the push refreshes what it publishes.
    import_acts(&ws55, &csv55, "55");
    ws55.session().office().sync().unwrap();
    national_pg.crash_and_restart();
    let id = add_task(&ws19, &bin19, "after the crash", day("2026-11-10"));
    ws19.session().tasks().complete(id, day("2026-11-30")).unwrap();
    ws19.session().office().sync().unwrap();
    caught_up(&national);
    sums_hold(&national, &regions, today);
    // Nothing lost, nothing twice: the chains' rows, order-free, are the regions' own.
    let digest =
        "SELECT count(*) || ':' || coalesce(sum(hashtext(ws || epoch || seq || hash)::bigint), 0) FROM national_chain";
    let region_rows: Vec<String> = [&r19, &r55].iter().map(|o| o.pg.psql("ekn", digest)).collect();
    let sum = region_rows.iter().fold((0i64, 0i64), |acc, r| {
        let (n, s) = r.split_once(':').unwrap();
        (acc.0 + n.parse::<i64>().unwrap(), acc.1 + s.parse::<i64>().unwrap())
    });
    let expected = format!("{}:{}", sum.0, sum.1);
    eventually(|| {
        (national_pg.psql("national", &format!("{digest} WHERE region IN ('19', '55')")) == expected).then_some(())
    });
    let (ok, out, err) = office_cli(&national, &["national", "verify"], &[]);
    assert!(ok && out.contains("hold"), "{out}{err}");
    // The office's cosignatures of the workstations' checkpoints crossed too, and were checked.
    let held: i64 = [&r19, &r55]
        .iter()
        .map(|o| o.pg.psql("ekn", "SELECT count(*) FROM office_cosignatures").parse::<i64>().unwrap())
        .sum();
    assert!(held > 0, "the workstations' checkpoints were cosigned");
    eventually(|| {
        let n: i64 = national_pg.psql("national", "SELECT count(*) FROM national_cosignatures").parse().unwrap();
        (n == held).then_some(())
    });

    // Nothing personal crossed: no applicant's IIN, phone, e-mail or appeal text in any byte of the
    // national cluster's files.
    national_pg.psql("national", "CHECKPOINT");
    let mut needles: Vec<String> = Vec::new();
    for line in appeals.lines().skip(1) {
        let iin = line.split(',').nth(4).unwrap();
        if !iin.is_empty() {
            needles.push(iin.to_string());
        }
        let text = line.split('"').nth(1).unwrap_or("");
        needles.push(text.chars().take(24).collect());
        for word in text.split_whitespace().filter(|w| w.contains('@')) {
            needles.push(word.trim_end_matches(['.', ',']).to_string());
        }
    }
    // Nor an object of the registries: their BINs (an entrepreneur's is an IIN) and names.
    for registry in [&registry19, &registry55] {
        for line in registry.lines().skip(1).step_by(97) {
            let mut fields = line.split(';');
            needles.push(fields.nth(1).unwrap().to_string());
            needles.push(fields.next().unwrap().to_string());
        }
    }
    needles.retain(|n| n.len() >= 8);
    assert!(needles.len() >= 8, "{needles:?}");
    let mut found = Vec::new();
    scan(&national_pg.dir.join("data"), &needles, &mut found);
    assert!(found.is_empty(), "personal data in the national cluster: {found:?}");

    // A national analyst reads the aggregates and nothing else.
    national_pg.psql("national", "CREATE ROLE dana LOGIN IN ROLE ekn_national_analyst");
    let counted = national_pg.psql_as("dana", "national", "SELECT count(*) > 0 FROM national_task_counts").unwrap();
    assert_eq!(counted, "t");
    let counted = national_pg.psql_as("dana", "national", "SELECT sum(n) > 0 FROM national_appeal_counts").unwrap();
    assert_eq!(counted, "t");
    for table in ["national_chain", "national_regions", "national_chain_19", "national_inspections"] {
        let refused = national_pg.psql_as("dana", "national", &format!("SELECT * FROM {table}")).unwrap_err();
        assert!(refused.contains("permission denied"), "{table}: {refused}");
    }

    // A row changed behind region 19's back reaches the national side and is named there.
    r19.pg.psql(
        "ekn",
        "UPDATE national_chain SET prev_hash = repeat('f', 64) WHERE seq = 2 AND ws = (SELECT min(ws) FROM national_chain)",
    );
    caught_up(&national);
    let named = eventually(|| {
        let (ok, _, err) = office_cli(&national, &["national", "verify"], &[]);
        (!ok).then_some(err)
    });
    assert!(named.contains("region 19") && named.contains("entry 2"), "{named}");
    // A cosignature rewritten on the region no longer verifies under the office key the national
    // side pinned when it attached the region.
    r19.pg.psql("ekn", "UPDATE national_cosignatures SET merkle_root = repeat('0', 64)");
    caught_up(&national);
    let named = eventually(|| {
        let (_, _, err) = office_cli(&national, &["national", "verify"], &[]);
        err.contains("cosignature").then_some(err)
    });
    assert!(named.contains("does not match"), "{named}");

    // Region 55's slot is invalidated while the national side is away (its WAL outgrew the cap);
    // status says so and exits non-zero, resync starts it over, and the sums hold again.
    national_pg.psql("national", "ALTER SUBSCRIPTION ekn_region_55 DISABLE");
    r55.pg.psql("ekn", "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
    r55.pg.psql("ekn", "SELECT pg_reload_conf()");
    r55.pg.psql("ekn", "CREATE TABLE ballast (n bigint)");
    let started = Instant::now();
    while r55.pg.psql("ekn", "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'ekn_region_55'") != "lost"
    {
        assert!(started.elapsed() < Duration::from_secs(120), "the slot was never invalidated");
        r55.pg
            .psql("ekn", "INSERT INTO ballast SELECT generate_series(1, 200000); SELECT pg_switch_wal(); CHECKPOINT;");
    }
    let (ok, out, err) = office_cli(&national, &["national", "status"], &[]);
    assert!(!ok && out.contains("invalidated") && err.contains("55"), "{out}{err}");
    add_task(&ws55, &bin55, "while the slot was lost", day("2026-11-25"));
    ws55.session().office().sync().unwrap();
    let (ok, out, err) = office_cli(&national, &["national", "resync", "55"], &[]);
    assert!(ok, "{out}{err}");
    caught_up(&national);
    sums_hold(&national, &regions, today);
    themes_hold(&national, &regions);
    effect_holds(&national, &national_pg, &regions);
    anomalies_hold(&national, &regions, [&registry19, &registry55]);
    super::national_web::face_holds(&national_pg, &national, today);

    // A count a region published is bounded before the national side turns it into memory: a row
    // claiming thirty million appeals is refused, naming the region, and nothing is judged.
    national_pg.psql(
        "national",
        "UPDATE national_appeal_days_55 SET n = 30000000 WHERE cell = (SELECT min(cell) FROM national_appeal_days_55)",
    );
    let (ok, out, err) = office_cli(&national, &["national", "anomalies", "--today", today, "--json"], &[]);
    assert!(!ok && err.contains("region 55") && err.contains("more than 25000000 appeals"), "{out}{err}");
}

/// Every inspection of the demo registry in region `code`'s territory, as its export.
pub(super) fn region_registry(code: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/inspections.csv"))
        .unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for row in lines.filter(|l| l.split(';').nth(3).is_some_and(|kato| kato.starts_with(code))) {
        out += row;
        out.push('\n');
    }
    out
}

/// What identifies an anomaly's finding, whoever computed it: the unit, the figures, the period.
fn findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut list: Vec<serde_json::Value> = report["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            serde_json::json!([
                a["id"],
                a["kind"],
                a["key"],
                a["period"],
                a["observed"],
                a["expected"],
                a["q_value"],
                a["peers"],
                a["subject_bins"].as_array().unwrap().len()
            ])
        })
        .collect();
    list.sort_by_key(|a| a[0].as_str().unwrap().to_string());
    list
}

/// Anomalies of inspection practice: each region's, judged nationally from what it published
/// (inspections under its own pseudonyms, appeals counted), are its office's own over the registry
/// its connector fetched and the appeals its workstations handed over; the objects behind them are
/// pseudonyms that only the region turns back; the country judges every region's units together.
fn anomalies_hold(national: &str, regions: &[(&str, &Office)], registries: [&str; 2]) {
    let today = "2026-12-01";
    let bins =
        |csv: &str| -> Vec<String> { csv.lines().skip(1).map(|l| l.split(';').nth(1).unwrap().to_string()).collect() };
    let (registry19_bins, registry55_bins) = (bins(registries[0]), bins(registries[1]));
    let mut inspections = 0;
    let mut listed = 0;
    for (code, office) in regions {
        let own = json_of(&office.pg_url, &["anomalies", "--today", today, "--json"]);
        let drilled = eventually(|| {
            let d = json_of(national, &["national", "anomalies", "--today", today, "--region", code, "--json"]);
            (d["appeals"].as_u64() == own["appeals_held"].as_u64()).then_some(d)
        });
        assert_eq!(drilled["units_judged"], own["units_judged"], "region {code}: {drilled:#} against {own:#}");
        assert_eq!(drilled["window"], own["window"], "region {code}");
        // The same figures, to the last digits a sum taken in another order can change.
        let (nationally, at_office) = (serde_json::json!(findings(&drilled)), serde_json::json!(findings(&own)));
        assert!(same_figures(&nationally, &at_office), "region {code}: {nationally:#} against {at_office:#}");
        assert!(
            own["units_judged"].as_array().unwrap().iter().any(|u| u["units"].as_u64().unwrap() > 0),
            "region {code} has units to judge: {own:#}"
        );
        inspections += drilled["inspections"].as_u64().unwrap();
        listed += drilled["anomalies"].as_array().unwrap().len();
        // The objects behind them: pseudonyms nationally, the BINs only the region can tell.
        for a in drilled["anomalies"].as_array().unwrap() {
            let pseudonyms: Vec<String> =
                a["subject_bins"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
            assert!(pseudonyms.iter().all(|p| p.starts_with("n:") && p.len() == 26), "{pseudonyms:?}");
            if pseudonyms.is_empty() {
                continue;
            }
            let twin = own["anomalies"].as_array().unwrap().iter().find(|o| o["id"] == a["id"]).unwrap();
            let mut args = vec!["national", "objects", "--json"];
            args.extend(pseudonyms.iter().map(String::as_str));
            let told = json_of(&office.pg_url, &args);
            let registry_bins = if *code == "19" { &registry19_bins } else { &registry55_bins };
            let mut bins: Vec<String> =
                told.as_array().unwrap().iter().map(|p| p[1].as_str().unwrap().to_string()).collect();
            let mut expected: Vec<String> =
                twin["subject_bins"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().to_string()).collect();
            bins.sort();
            expected.sort();
            // Both list the (at most 20) most concerned objects; where more tie for the last places,
            // each side keeps the first in its own order, so only whole lists must be equal.
            if expected.len() < 20 {
                assert_eq!(bins, expected, "region {code} turns its pseudonyms back into its objects");
            } else {
                assert!(bins.iter().all(|b| registry_bins.contains(b)), "region {code}: {bins:?}");
            }
        }
    }
    assert!(listed > 0, "the demo's planted practices stand out in some region");
    let country = json_of(national, &["national", "anomalies", "--today", today, "--json"]);
    assert_eq!(country["regions"], serde_json::json!(["19", "55"]));
    assert_eq!(country["inspections"].as_u64(), Some(inspections), "{country:#}");
    // The console, in Kazakh.
    let (ok, out, err) = office_cli(national, &["national", "anomalies", "--today", today], &[("EKN_LANG", "kk")]);
    assert!(ok && out.contains("Тексеру тәжірибесінің ауытқулары") && out.contains("ел бойынша"), "{out}{err}");
}

/// Acts of response on the workstation's objects, some answered (in time or late), some not, a
/// protest upheld in court — as a registry export.
fn import_acts(ws: &Workstation, registry_csv: &str, tag: &str) {
    let bins: Vec<String> = crate::support::bins_of(registry_csv).into_iter().map(|(bin, _)| bin).collect();
    let mut rows = String::from("act_no,bin,kind,issued_on,outcome,outcome_on\n");
    let kinds = ["submission", "protest", "order", "warning"];
    let outcomes = [("satisfied", "2026-03-20"), ("partly", "2026-05-30"), ("", ""), ("rejected", "2026-03-10")];
    for (i, bin) in bins.iter().enumerate() {
        let (outcome, on) = outcomes[i % outcomes.len()];
        rows += &format!("{tag}/{i},{bin},{},2026-03-0{},{outcome},{on}\n", kinds[i % kinds.len()], 1 + i % 9);
    }
    let file = ws.dir.path().join("acts.csv");
    std::fs::write(&file, rows).unwrap();
    ws.session()
        .registry()
        .import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {})
        .unwrap();
}

/// The acts' effectiveness: each region's KPIs computed nationally from what it published are its
/// office's own (`ekn-office effect`), and the country's are computed over all the regions' acts.
fn effect_holds(national: &str, national_pg: &TestPg, regions: &[(&str, &Office)]) {
    let today = "2026-12-01";
    let country = eventually(|| {
        let e = json_of(national, &["national", "effect", "--today", today, "--json"]);
        let ready = regions.iter().all(|(code, office)| {
            let own = json_of(&office.pg_url, &["effect", "--today", today, "--json"]);
            e["regions"][code] == own["kpis"]
        });
        ready.then_some(e)
    });
    let mut acts = 0;
    for (code, office) in regions {
        let own = json_of(&office.pg_url, &["effect", "--today", today, "--json"]);
        assert!(own["kpis"]["acts"].as_u64().unwrap() > 0, "region {code} has acts: {own:#}");
        acts += own["kpis"]["acts"].as_u64().unwrap();
    }
    assert_eq!(country["totals"]["acts"].as_u64(), Some(acts), "{country:#}");
    assert!(country["totals"]["satisfied"]["denominator"].as_u64().unwrap() > 0, "{country:#}");
    // Nothing that names an act crossed: no number, no object (a BIN is twelve digits in a row).
    let rows = national_pg.psql("national", "SELECT string_agg(row_to_json(a)::text, ' ') FROM national_acts a");
    assert!(rows.contains("\"kind\"") && !rows.contains("19/") && !rows.contains("55/"), "{rows}");
    let mut run = 0;
    assert!(
        !rows.chars().any(|c| {
            run = if c.is_ascii_digit() { run + 1 } else { 0 };
            run >= 12
        }),
        "no BIN among the published acts: {rows}"
    );
    // Tier 3: each region publishes its office's own headline of the acts' effect (all acts and
    // each kind of act, every district, as its office computes it today) and the country pools them.
    type Headline = (String, String, f64, f64, f64);
    let row = |e: &serde_json::Value| -> Headline {
        let f = |v: &serde_json::Value| v.as_f64().unwrap();
        let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
        (text(&e["outcome"]), text(&e["kind"]), f(&e["ratio"]), f(&e["ci95"][0]), f(&e["ci95"][1]))
    };
    let headline = |office: &Office| -> Vec<Headline> {
        let own = json_of(&office.pg_url, &["effect", "--json"]);
        let mut rows: Vec<Headline> = own["effects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["scope"] == "all" && e["ratio"].is_f64())
            .map(row)
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows
    };
    let published = |country: &serde_json::Value, code: &str| -> Vec<Headline> {
        let mut rows: Vec<Headline> =
            country["estimates"].as_array().unwrap().iter().filter(|e| e["region"] == code).map(row).collect();
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows
    };
    let country = eventually(|| {
        let e = json_of(national, &["national", "effect", "--today", today, "--json"]);
        regions.iter().all(|(code, office)| published(&e, code) == headline(office)).then_some(e)
    });
    // These regions' registries are too sparse for an estimate (each office says why; the office's
    // own refresh over an estimable registry is `effect::the_offices_estimate_…`). A region's
    // published row, as its office writes one, reaches the country and is pooled.
    let (code, office) = regions[1];
    office.pg.psql(
        "ekn",
        &format!(
            "INSERT INTO national_effect_estimates(region, outcome, act_kind, ratio, ci_low, ci_high, n_treated, \
               n_controls, pre_trend_p, method, as_of) VALUES ('{code}', 'violations_per_inspection', 'all', 0.8, 0.64, \
               1.0, 120, 410, 0.5, 'effect-2026.11.29', '2026-11-29'), \
             ('{code}', 'violations_per_inspection', 'protest', 0.7, 0.5, 0.98, 45, 410, 0.6, 'effect-2026.11.29', \
               '2026-11-29'), \
             ('{code}', 'appeals_per_quarter', 'all', 0.9, 0.7, 1.1, 30, 80, NULL, E'x\\u001b[2J', '2026-11-29')"
        ),
    );
    let country = eventually(|| {
        let e = json_of(national, &["national", "effect", "--today", today, "--json"]);
        (e["estimates"].as_array().unwrap().len() > country["estimates"].as_array().unwrap().len()).then_some(e)
    });
    let estimates = country["estimates"].as_array().unwrap();
    let mine = estimates.iter().find(|e| e["region"] == code && e["kind"] == "all").expect("the region's row");
    // A kind's row crosses beside the all-acts one (the national side's key holds the kind).
    let protest = estimates.iter().find(|e| e["region"] == code && e["kind"] == "protest").expect("a kind's row");
    assert_eq!(protest["ratio"].as_f64(), Some(0.7), "{country:#}");
    // A row whose method carries control characters is no estimate the country shows.
    assert!(!estimates.iter().any(|e| e["outcome"] == "appeals_per_quarter"), "{country:#}");
    assert_eq!((mine["ratio"].as_f64(), mine["n_treated"].as_u64()), (Some(0.8), Some(120)), "{country:#}");
    // Its error read back from its interval: ln(1.0 / 0.64) / (2 × 1.96).
    assert!((mine["log_se"].as_f64().unwrap() - (1.0f64 / 0.64).ln() / (2.0 * 1.959_963_984_540_054)).abs() < 1e-9);
    let pooled_kinds: Vec<&str> =
        country["pooled"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert!(pooled_kinds.contains(&"all") && pooled_kinds.contains(&"protest"), "{country:#}");
    for pooled in country["pooled"].as_array().unwrap() {
        let (outcome, kind) = (pooled["outcome"].as_str().unwrap(), pooled["kind"].as_str().unwrap());
        let of_outcome: Vec<&serde_json::Value> =
            estimates.iter().filter(|e| e["outcome"] == outcome && e["kind"] == kind).collect();
        assert_eq!(pooled["regions"].as_u64(), Some(of_outcome.len() as u64), "{country:#}");
        let treated: u64 = of_outcome.iter().map(|e| e["n_treated"].as_u64().unwrap()).sum();
        assert_eq!(pooled["n_treated"].as_u64(), Some(treated), "{country:#}");
        // Pooled by inverse variance: the common figure lies within the regions' ratios.
        let ratios: Vec<f64> = of_outcome.iter().map(|e| e["ratio"].as_f64().unwrap()).collect();
        let common = pooled["common"]["ratio"].as_f64().unwrap();
        let (low, high) = ratios.iter().fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
        assert!(common >= low - 1e-9 && common <= high + 1e-9, "{country:#}");
    }
    // Nothing of an act or an object in the published estimates: outcomes, ratios, counts.
    let rows =
        national_pg.psql("national", "SELECT string_agg(row_to_json(e)::text, ' ') FROM national_effect_estimates e");
    assert!(rows.contains("\"ratio\"") && !rows.contains("19/") && !rows.contains("55/"), "{rows}");
    // The console, in Russian.
    let (ok, out, err) = office_cli(national, &["national", "effect", "--today", today], &[("EKN_LANG", "ru")]);
    assert!(ok && out.contains("Результативность актов по стране") && out.contains("Регион 55"), "{out}{err}");
    assert!(out.contains("Оценка эффекта актов (вид: все)"), "the pooled estimate in the console: {out}");
    assert!(out.contains("Оценка эффекта актов (вид: протест)"), "a kind's pooled estimate in the console: {out}");
}

/// Themes across regions: each region's category × district cells judged nationally from the
/// published counts are the figures its office's own scan gives from the appeals it holds, and the
/// country's cells are every region's, judged as one family.
fn themes_hold(national: &str, regions: &[(&str, &Office)]) {
    let as_of = "2026-12-01";
    let (mut cells, mut judged) = (0, 0);
    for (code, office) in regions {
        let drilled =
            json_of(national, &["national", "themes", "--as-of", as_of, "--months", "6", "--region", code, "--json"]);
        let own = json_of(&office.pg_url, &["themes", "scan", "--as-of", as_of, "--months", "6", "--json"]);
        assert_eq!(drilled["cells"], own["cells"], "region {code}: national {drilled:#} against the office's {own:#}");
        assert_eq!(drilled["regions"], serde_json::json!([code]));
        cells += drilled["cells"]["cells"].as_u64().unwrap();
        judged += drilled["cells"]["judged"].as_u64().unwrap();
    }
    let country = json_of(national, &["national", "themes", "--as-of", as_of, "--months", "6", "--json"]);
    assert_eq!(country["cells"]["cells"].as_u64(), Some(cells), "{country:#}");
    assert_eq!(country["cells"]["judged"].as_u64(), Some(judged), "{country:#}");
    assert!(judged > 0, "some cells have the history to be judged: {country:#}");
    assert_eq!(country["regions"], serde_json::json!(["19", "55"]));
    // The console, in Kazakh.
    let (ok, out, err) = office_cli(national, &["national", "themes", "--as-of", as_of], &[("EKN_LANG", "kk")]);
    assert!(ok && out.contains("ел бойынша") && out.contains("қара тізімдер"), "{out}{err}");
}

/// Every file under `dir` that holds one of `needles`, byte for byte.
fn scan(dir: &Path, needles: &[String], found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, needles, found);
        } else if let Ok(bytes) = std::fs::read(&path) {
            for needle in needles {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(format!("{} in {}", needle, path.display()));
                }
            }
        }
    }
}
