//! The generator is deterministic, and the committed demo data is exactly its output.

use ekn::generator::{generate, Scale, ANCHOR};

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    ["inspections.csv", "appeals.csv", "risk.csv", "ground_truth.json"]
        .iter()
        .map(|name| (name.to_string(), std::fs::read(dir.join(name)).unwrap()))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_the_committed_demo_is_its_output() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    generate(Scale::Demo, 2024, ANCHOR, a.path()).unwrap();
    generate(Scale::Demo, 2024, ANCHOR, b.path()).unwrap();
    assert_eq!(files(a.path()), files(b.path()));
    assert!(
        files(a.path()) == files(std::path::Path::new("fixtures/demo")),
        "fixtures/demo is stale: regenerate it with `ekn fixtures --scale demo --seed 2024`"
    );
    let c = tempfile::tempdir().unwrap();
    generate(Scale::Demo, 7, ANCHOR, c.path()).unwrap();
    assert_ne!(files(a.path())[0], files(c.path())[0]);
}

#[test]
fn generated_data_imports_cleanly_and_carries_the_planted_patterns() {
    let dir = tempfile::tempdir().unwrap();
    let set = generate(Scale::Demo, 99, ANCHOR, dir.path()).unwrap();
    let db = dir.path().join("gen.db");
    ekn::api::init(&db, None, false, ekn::api::Context::cli(), &mut |_, _| {}).unwrap();
    let mut session = ekn::api::Session::open(&db).unwrap();
    use ekn::domain::records::DataKind::*;
    for (kind, name) in [(Inspections, "inspections.csv"), (Appeals, "appeals.csv"), (Risk, "risk.csv")] {
        let report = session.registry().import(kind, &dir.path().join(name), None, false, None, &mut |_| {}).unwrap();
        assert_eq!(report.rejected, 0);
    }
    let status = session.registry().status().unwrap();
    assert_eq!(status.counts.inspections as usize, set.inspections);
    assert_eq!(status.counts.appeals as usize, set.appeals);

    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("ground_truth.json")).unwrap()).unwrap();
    let planted = truth["frequent_visits"]["subjects"].as_array().unwrap();
    assert_eq!(planted.len(), 12);
    for bin in planted {
        let card = session.registry().card(bin.as_str().unwrap()).unwrap();
        let by_body = card
            .inspections
            .iter()
            .filter(|i| i.control_body == truth["frequent_visits"]["control_body"].as_str().unwrap())
            .count();
        assert!(by_body >= 8, "{bin}: {by_body} visits by the planted body");
        assert!(card
            .subject
            .kato
            .as_deref()
            .unwrap()
            .starts_with(truth["frequent_visits"]["district_kato_prefix"].as_str().unwrap()));
    }
    assert!(truth["repeated_appeals"].as_u64().unwrap() > 0);
    assert!(truth["appeals_with_personal_data"].as_u64().unwrap() > 0);
}
