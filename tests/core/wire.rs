//! The TypeScript twins of the API's wire types (ui/src/lib/types) must match the Rust types.
//! This test generates them afresh and compares; `EKN_UPDATE_TYPES=1 cargo test wire` rewrites
//! them. CI runs it, so a change to a Rust type without regenerating fails the build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ekn::api::host::{ImportProgress, UploadParams, Uploaded};
use ekn::api::rpc::{
    AcceptParams, BinParams, CompleteParams, DeclineParams, ExtendParams, HomeParams, ImportParams, NoteParams,
    SearchParams, TaskParams,
};
use ekn::api::{
    ApiError, CalendarYearView, CaseScreen, CreatedTasks, HomeScreen, NormsList, OverdueRow, Preferences, Status,
    TaskDetail,
};
use ekn::domain::tasks::{Dashboard, Slip};
use ekn::ingest::{ImportReport, Preview};
use ekn::store::{RegionOverview, SearchHits};
use ts_rs::{Config, TS};

fn generate(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t>::export_all(&cfg).expect(concat!("export ", stringify!($t))); )* };
    }
    export!(
        ApiError,
        Status,
        Preferences,
        HomeScreen,
        SearchHits,
        CaseScreen,
        TaskDetail,
        Dashboard,
        OverdueRow,
        RegionOverview,
        Slip,
        CalendarYearView,
        NormsList,
        Preview,
        ImportReport,
        ImportProgress,
        Uploaded,
        UploadParams,
        SearchParams,
        BinParams,
        HomeParams,
        TaskParams,
        AcceptParams,
        DeclineParams,
        NoteParams,
        CompleteParams,
        ExtendParams,
        ImportParams,
        CreatedTasks,
    );
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
