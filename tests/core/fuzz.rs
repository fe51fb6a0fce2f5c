//! A session that never dies: arbitrary JSON thrown at every declared method. Each call may
//! succeed or fail with an error, but none may panic (a panic answers `internal` "failed inside"),
//! and after every call the session still answers. The parameters are built from the names the
//! methods really take, so the values reach the use cases, not only the parameter parser.

use std::sync::OnceLock;

use ekn::api::host::Host;
use ekn::api::{rpc, ErrorCode};
use ekn::domain::journal::Face;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn host() -> &'static Host {
    static HOST: OnceLock<(tempfile::TempDir, Host)> = OnceLock::new();
    &HOST
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let db = crate::support::demo_copy(dir.path());
            let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20);
            let host = Host::start(&db, false, Face::Browser, today).unwrap();
            (dir, host)
        })
        .1
}

/// The parameter names of the declared methods, read from the table's own types, so generated
/// objects hit real fields of every method (a list kept by hand once missed five methods' fields,
/// and those methods never got past parameter parsing).
fn keys() -> Vec<String> {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let cfg = ts_rs::Config::new().with_large_int("number");
        let mut keys: Vec<String> = rpc::METHODS.iter().flat_map(|m| (m.types)(&cfg).param_fields).collect();
        keys.sort();
        keys.dedup();
        keys
    })
    .clone()
}

#[test]
fn the_fuzzer_knows_every_field_a_method_takes() {
    let keys = keys();
    for field in ["appeal_no", "aspect", "action", "assessment", "sha256", "item", "ticked", "upload", "bin"] {
        assert!(keys.iter().any(|k| k == field), "{field} missing from {keys:?}");
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop_oneof![Just(0i64), Just(-1), Just(1), Just(i64::MAX), Just(i64::MIN), Just(u32::MAX as i64 + 1)]
            .prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("2026-11-20"),
            Just("9999-12-31"),
            Just("0001-01-01"),
            Just("2024-02-30"),
            Just("190143002855"),
            Just("inspections"),
            Just("ru"),
            Just("kk"),
            Just("category"),
            Just("route"),
            Just("dismiss"),
            Just("restore"),
            Just("high"),
            Just("withdrawn"),
            Just("submission"),
            Just("../ekn.db"),
            Just("AAAA"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(proptest::sample::select(keys()), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_at_every_method_never_kills_the_session(
        method in proptest::sample::select(rpc::METHODS.iter().map(|m| m.name).collect::<Vec<_>>()),
        params in value(),
    ) {
        let host = host();
        if let Err(e) = host.call(method, params.clone()) {
            prop_assert!(
                !(e.code == ErrorCode::Internal && e.message.contains("failed inside")),
                "{method}({params}) panicked: {}", e.message
            );
        }
        let status = host.call("status", json!({}));
        prop_assert!(status.is_ok(), "after {method}({params}) the session no longer answers: {status:?}");
    }
}

#[test]
fn after_the_storm_the_journal_still_verifies() {
    let host = host();
    for method in rpc::METHODS {
        let _ = host.call(method.name, json!({"id": -1, "bin": "x", "limit": 0}));
    }
    let report = ekn::api::verify_journal(host.database(), &ekn::api::Context::cli()).unwrap();
    assert!(report.ok, "{:?}", report.problems);
}
