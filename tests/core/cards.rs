//! Golden case cards from the demo database: the JSON contract the UI will read, pinned.
//! Snapshots live in tests/core/snapshots; a deliberate change is reviewed and accepted with
//! `INSTA_UPDATE=always cargo test` (or cargo-insta), never by editing the expectation by hand.

use std::sync::OnceLock;

use ekn::api::Session;

/// The demo database, one copy for this module (the cards only read it).
fn demo() -> &'static std::path::Path {
    static DB: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = crate::support::demo_copy(dir.path());
        (dir, path)
    });
    path
}

fn truth() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string("fixtures/demo/ground_truth.json").unwrap()).unwrap()
}

/// Strips pseudonyms, which depend on the random key of each database.
fn stable(card: &ekn::domain::card::Card) -> serde_json::Value {
    let mut value = serde_json::to_value(card).unwrap();
    for appeal in value["appeals"].as_array_mut().unwrap() {
        if !appeal["applicant"].is_null() {
            appeal["applicant"] = "p:…".into();
        }
    }
    value
}

#[test]
fn the_card_of_an_object_the_planted_control_body_visits_too_often() {
    let bin = truth()["frequent_visits"]["subjects"][0].as_str().unwrap().to_string();
    let card = Session::open(demo()).unwrap().registry().card(&bin).unwrap();
    assert!(card.indicators.inspections_total >= 8, "the planted visits are on the card");
    insta::assert_json_snapshot!("frequent_visits_card", stable(&card));
}

#[test]
fn the_card_of_an_object_with_appeals_and_risk() {
    let mut session = Session::open(demo()).unwrap();
    // The first organisation (in search order) that has inspections, appeals and risk scores.
    let card = session
        .registry()
        .search("ТОО", 200)
        .unwrap()
        .subjects
        .iter()
        .map(|s| session.registry().card(&s.bin).unwrap())
        .find(|c| !c.inspections.is_empty() && !c.appeals.is_empty() && !c.risk.is_empty())
        .expect("the demo set has busy organisations");
    insta::assert_json_snapshot!("busy_card", stable(&card));
}

#[test]
fn an_object_known_only_from_appeals_has_a_card_with_empty_indicators() {
    let mut session = Session::open(demo()).unwrap();
    let hits = session.registry().search("ИП", 200).unwrap();
    let card = hits
        .subjects
        .iter()
        .map(|s| session.registry().card(&s.bin).unwrap())
        .find(|c| c.subject.id_kind == "iin")
        .expect("the demo set has individual entrepreneurs");
    assert_eq!(card.subject.id_kind, "iin");
    let json = serde_json::to_value(&card).unwrap();
    assert_eq!(json["schema"], "ekn.card/1");
    for key in ["subject", "indicators", "inspections", "appeals", "risk"] {
        assert!(json.get(key).is_some(), "{key} is part of the contract");
    }
}

#[test]
fn search_finds_objects_by_name_substring_bin_prefix_and_appeals_by_words() {
    let mut session = Session::open(demo()).unwrap();
    let by_name = session.registry().search("Үміт", 50).unwrap();
    assert!(
        !by_name.subjects.is_empty() && by_name.subjects.iter().all(|s| s.name.as_deref().unwrap().contains("Үміт"))
    );
    // Case and ё do not matter; three letters in the middle of a word are enough.
    let lower = session.registry().search("үмі", 50).unwrap();
    assert_eq!(lower.subjects.len(), by_name.subjects.len());
    let prefix = &by_name.subjects[0].bin[..6];
    let by_bin = session.registry().search(prefix, 50).unwrap();
    assert!(by_bin.subjects.iter().all(|s| s.bin.starts_with(prefix)) && !by_bin.subjects.is_empty());
    let kazakh = session.registry().search("жалақы", 50).unwrap();
    assert!(kazakh.appeals.iter().all(|a| a.excerpt.to_lowercase().contains("жалақ")) && !kazakh.appeals.is_empty());
    let russian = session.registry().search("мусор вывозит", 50).unwrap();
    assert!(!russian.appeals.is_empty());
    // Query syntax is text, not syntax: an unbalanced quote is no error. No name holds `"ТОО` (the
    // demo's names use «»), while appeal texts are matched by the word, with the quote left out.
    let quote = session.registry().search("\"ТОО", 5).unwrap();
    assert!(quote.subjects.is_empty(), "{:?}", quote.subjects);
    assert!(
        !quote.appeals.is_empty() && quote.appeals.iter().all(|a| a.excerpt.contains("ТОО")),
        "{:?}",
        quote.appeals
    );
}

#[test]
fn a_card_for_an_unknown_or_invalid_bin_is_a_clear_error() {
    let mut session = Session::open(demo()).unwrap();
    let err = session.registry().card("12345").unwrap_err();
    assert_eq!(err.code.code(), "invalid_input");
    assert!(err.message.contains("must be exactly 12 digits"), "{}", err.message);
    let unknown = crate::support::bin(9999);
    let err = session.registry().card(&unknown).unwrap_err();
    assert_eq!(err.code.code(), "not_found");
}
