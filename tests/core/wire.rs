//! The TypeScript twins of the API's wire types (ui/src/lib/types) must match the Rust types, and
//! the UI's method map (Methods.ts) must match the declared method table of src/api/wire/rpc.rs.
//! This test generates them afresh and compares; `EKN_UPDATE_TYPES=1 cargo test wire` rewrites
//! them. CI runs it, so a change to a Rust type or method without regenerating fails the build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ekn::api::{rpc, ApiError, ErrorCode};
use ts_rs::{Config, TS};

/// Every type of the declared method table, the error types, and the method map itself.
fn generate(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    rpc::export_types(&cfg).expect("export the method table's types");
    ApiError::export_all(&cfg).expect("export ApiError");
    ErrorCode::export_all(&cfg).expect("export ErrorCode");
    std::fs::write(dir.join("Methods.ts"), rpc::typescript(&cfg)).expect("write Methods.ts");
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let text = std::fs::read_to_string(&path).expect("readable");
            out.insert(path.file_name().unwrap().to_string_lossy().into_owned(), text);
        }
    }
    out
}

#[test]
fn typescript_wire_types_are_current() {
    let committed_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/types");
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path());
    let generated = files(fresh.path());
    assert!(generated.len() > 20, "expected the wire types, got {:?}", generated.keys());
    if std::env::var_os("EKN_UPDATE_TYPES").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &generated {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
        return;
    }
    let committed = files(&committed_dir);
    let stale: Vec<&String> = generated.keys().filter(|k| committed.get(*k) != generated.get(*k)).collect();
    let extra: Vec<&String> = committed.keys().filter(|k| !generated.contains_key(*k)).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "ui/src/lib/types is stale (changed or missing: {stale:?}; no longer generated: {extra:?}); \
         run `EKN_UPDATE_TYPES=1 cargo test --test core wire` and commit the result"
    );
}

#[test]
fn no_two_rust_types_share_a_typescript_file() {
    // ts-rs names a file by the type's bare name: a second `Unit` once overwrote the period's
    // `Unit.ts` without a word. Every file must come from exactly one Rust type.
    let mut by_file: BTreeMap<PathBuf, Vec<&str>> = BTreeMap::new();
    for (path, rust) in rpc::exported_types() {
        by_file.entry(path).or_default().push(rust);
    }
    let shared: Vec<_> = by_file.iter().filter(|(_, types)| types.len() > 1).collect();
    assert!(by_file.len() > 20, "expected the wire types, got {by_file:?}");
    assert!(shared.is_empty(), "Rust types sharing one TypeScript file (rename one, or #[ts(rename)]): {shared:?}");
}

#[test]
fn every_method_refuses_a_field_it_does_not_take_and_an_unknown_method_is_refused() {
    // Every parameter type refuses unknown fields, so a misspelt field is an error naming it, never
    // a silently missing value (a type without `deny_unknown_fields` fails here).
    let db = crate::support::TempDb::new();
    let host = ekn::api::host::Host::start(&db.path, false, ekn::domain::journal::Face::Browser, None).unwrap();
    for method in rpc::METHODS {
        // The name sorts before every real field, so the parser meets it before it could miss one.
        let refused = host.call(method.name, serde_json::json!({"_no_such_field": 1}));
        let e = refused.expect_err(method.name);
        assert_eq!(e.code, ErrorCode::InvalidInput, "{}: {}", method.name, e.message);
        assert!(e.message.contains("unknown field `_no_such_field`"), "{}: {}", method.name, e.message);
    }
    let unknown = host.call("stauts", serde_json::json!({})).unwrap_err();
    assert_eq!((unknown.code, unknown.message.as_str()), (ErrorCode::NotFound, "no method 'stauts'"));
}
