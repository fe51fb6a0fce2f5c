//! The keys beside a database are never made anew on their own. A database whose key file is
//! missing is refused, naming the file, and nothing is written (no new key appears); with the key
//! put back, every attached document reads back byte for byte. `init --force` takes the old
//! database's documents with it, and a document sealed under a lost key is replaced when the same
//! bytes are attached again. A database another program holds answers `busy`, not `internal`.

use std::path::{Path, PathBuf};

use ekn::api::{self, ErrorCode, Session};
use ekn::domain::records::DataKind;

use crate::support::*;

fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Every file under `dir` with its bytes, to prove a refused open wrote nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// A database with one object and two documents attached to it.
fn with_documents() -> (TempDb, String, Vec<(String, Vec<u8>)>) {
    let db = TempDb::new();
    let file = db.file("inspections.csv", inspections_csv());
    db.import(DataKind::Inspections, &file).unwrap();
    let mut session = db.session();
    let object = bin(1);
    let documents = vec![
        ("объяснение.txt".to_string(), "Объяснение директора о причинах нарушения".as_bytes().to_vec()),
        ("скан.bin".to_string(), (0..=255u8).cycle().take(70_000).collect()),
    ];
    let mut stored = Vec::new();
    for (name, bytes) in &documents {
        let attached = session.evidence().attach(&object, name, bytes, None).unwrap();
        stored.push((attached.attachment.sha256, bytes.clone()));
    }
    (db, object, stored)
}

#[test]
fn a_missing_key_is_refused_by_name_and_with_it_restored_every_document_reads_back() {
    let (db, object, stored) = with_documents();
    for (suffix, what) in [(".key", "pseudonymisation and document key"), (".signing-key", "journal signing key")] {
        let key = beside(&db.path, suffix);
        let kept = db.dir.path().join("kept-aside");
        std::fs::rename(&key, &kept).unwrap();
        let before = snapshot(db.dir.path());
        let refused = Session::open(&db.path).err().expect("an open without the key is refused");
        assert_eq!(refused.code, ErrorCode::KeyMissing, "{}", refused.message);
        assert!(refused.message.contains(&key.display().to_string()), "names the file: {}", refused.message);
        assert!(refused.message.contains(what), "{}", refused.message);
        if suffix == ".signing-key" {
            let verify = api::verify_journal(&db.path, &ekn::api::Context::cli())
                .expect_err("verification needs the signing key");
            assert_eq!(verify.code, ErrorCode::KeyMissing);
        }
        assert!(!key.exists(), "no new key was made");
        assert_eq!(snapshot(db.dir.path()), before, "the refused open wrote nothing");
        std::fs::rename(&kept, &key).unwrap();
    }
    let mut session = db.session();
    for (sha256, bytes) in &stored {
        assert_eq!(&session.evidence().attachment_bytes(sha256).unwrap(), bytes, "byte for byte");
    }
    let listed = session.evidence().attachments(&object).unwrap();
    assert_eq!(listed.len(), stored.len());
    assert!(api::verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);
}

#[test]
fn the_command_line_says_which_key_is_missing() {
    let (db, _, _) = with_documents();
    std::fs::remove_file(beside(&db.path, ".key")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ekn"))
        .args(["--db", db.path.to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.starts_with("ekn: error [key_missing]: "), "{said}");
    assert!(said.contains(".key") && said.contains("copy"), "{said}");
    assert!(!beside(&db.path, ".key").exists());
}

#[test]
fn init_force_takes_the_old_documents_with_it_and_a_document_attached_again_reads_back() {
    let (db, object, stored) = with_documents();
    let files = beside(&db.path, ".files");
    assert!(files.is_dir());
    api::init(&db.path, None, true, api::Context::cli(), &mut |_, _| {}).unwrap();
    assert!(!files.exists(), "the documents only the old key opened went with the old database");
    let file = db.file("again.csv", inspections_csv());
    db.import(DataKind::Inspections, &file).unwrap();
    let mut session = db.session();
    let (sha256, bytes) = &stored[0];
    let attached = session.evidence().attach(&object, "объяснение.txt", bytes, None).unwrap();
    assert!(attached.new);
    assert_eq!(&session.evidence().attachment_bytes(sha256).unwrap(), bytes);
}

#[test]
fn a_document_sealed_under_a_lost_key_is_named_so_and_replaced_when_attached_again() {
    let (db, object, stored) = with_documents();
    let (sha256, bytes) = &stored[0];
    // Another database's sealed copy of the same content, put where this one keeps it (as a
    // restore from the wrong backup would).
    let other = TempDb::new();
    let file = other.file("inspections.csv", inspections_csv());
    other.import(DataKind::Inspections, &file).unwrap();
    other.session().evidence().attach(&object, "x.txt", bytes, None).unwrap();
    let relative = Path::new(&sha256[..2]).join(sha256);
    std::fs::copy(beside(&other.path, ".files").join(&relative), beside(&db.path, ".files").join(&relative)).unwrap();
    let mut session = db.session();
    let refused = session.evidence().attachment_bytes(sha256).unwrap_err();
    assert_eq!(refused.code, ErrorCode::KeyMismatch, "{}", refused.message);
    assert!(refused.message.contains("another key"), "{}", refused.message);
    // Attaching the same bytes records nothing new but seals them again under this key.
    let again = session.evidence().attach(&object, "объяснение.txt", bytes, None).unwrap();
    assert!(!again.new, "the attachment was already recorded");
    assert_eq!(&session.evidence().attachment_bytes(sha256).unwrap(), bytes);
}

#[test]
fn a_lost_key_is_replaced_only_on_purpose_with_a_reason_and_the_journal_says_so() {
    let (db, _, stored) = with_documents();
    let refused = api::reset_keys(&db.path, "ключ на месте", api::Context::cli()).unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput, "a key that exists is never replaced");
    std::fs::remove_file(beside(&db.path, ".key")).unwrap();
    std::fs::remove_file(beside(&db.path, ".signing-key")).unwrap();
    let refused = api::reset_keys(&db.path, "  ", api::Context::cli()).unwrap_err();
    assert_eq!(refused.code, ErrorCode::ReasonRequired);
    assert!(!beside(&db.path, ".key").exists());
    let reset = api::reset_keys(&db.path, "ноутбук заменён, копии ключа нет", api::Context::cli()).unwrap();
    assert_eq!(reset.files.len(), 2);
    let mut session = db.session();
    let journal = session.journal(&api::JournalQuery::default()).unwrap();
    assert!(journal.iter().any(|l| l.kind == "keys_reset"), "journaled");
    assert!(
        api::verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok,
        "a new checkpoint, signed by the new key"
    );
    // The documents sealed by the lost key are named as such, not passed off as readable.
    let refused = session.evidence().attachment_bytes(&stored[0].0).unwrap_err();
    assert_eq!(refused.code, ErrorCode::KeyMismatch);
}

#[test]
fn a_database_another_program_holds_is_busy_not_internal() {
    // Another process holding the write lock (an import beside `ekn serve`) is worth trying again:
    // the code says so, after the store's five-second wait.
    let db = TempDb::new();
    let mut session = db.session();
    let holder = rusqlite::Connection::open(&db.path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let kazakh = api::Preferences { language: "kk".into(), ..Default::default() };
    let refused = session.screens().set_preferences(&kazakh).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Busy, "{}", refused.message);
    // Opening a session while the lock is held answers the same: opening writes too.
    let opening = api::Session::open(&db.path).err().expect("opening waits on the same lock");
    assert_eq!(opening.code, ErrorCode::Busy, "{}", opening.message);
    holder.execute_batch("ROLLBACK").unwrap();
    session.screens().set_preferences(&kazakh).expect("once the other program lets go, the same write succeeds");
}
