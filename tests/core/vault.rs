//! Encryption at rest as a thief, a forgetful prosecutor and a power cut would meet it: every file
//! the program leaves in the database's folder read byte by byte for what the office put in; a
//! wrong or missing passphrase that opens nothing and changes nothing; the passphrase changed and a
//! forgotten one replaced with the recovery key (with the vault header lost, too); and a plain
//! database encrypted in place, whole, also when the process is killed at any moment of it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ekn::api::{self, Context, ErrorCode, NewVault, Session, VaultPassphrase};
use ekn::domain::records::DataKind;

use crate::support::{bin, inspections_csv};

const PASSPHRASE: &str = "Жетісу-2026 көктем";

fn context_with(passphrase: &str) -> Context {
    Context::cli().with_passphrase(VaultPassphrase::new(passphrase))
}

/// A new encrypted database in a folder of its own; the recovery key goes to another folder, as
/// the person is told (it is printed and handed over, never kept beside the database).
struct Vault {
    dir: tempfile::TempDir,
    elsewhere: tempfile::TempDir,
    path: PathBuf,
    recovery: PathBuf,
}

impl Vault {
    fn new() -> Vault {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        let recovery = elsewhere.path().join("recovery.txt");
        let new = NewVault { passphrase: VaultPassphrase::new(PASSPHRASE), recovery_out: recovery.clone() };
        let report = api::init_encrypted(&path, None, false, &new, Context::cli(), &mut |_, _| {}).unwrap();
        assert!(report.encrypted);
        Vault { dir, elsewhere, path, recovery }
    }

    fn session(&self) -> Session {
        Session::open_with(&self.path, context_with(PASSPHRASE)).unwrap()
    }

    /// The registry's sample, from outside the database's folder.
    fn import_sample(&self) {
        let csv = self.elsewhere.path().join("inspections.csv");
        std::fs::write(&csv, inspections_csv()).unwrap();
        self.session().import(DataKind::Inspections, &csv, None, false, None, &mut |_| {}).unwrap();
    }
}

/// Every file under `dir` with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// The files under `dir` in which any of `needles` occurs (as UTF-8 or, for ASCII, as UTF-16LE
/// too, the way SQLite may store text), with the needle.
fn leaks(dir: &Path, needles: &[&str]) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for (path, bytes) in files_under(dir) {
        for needle in needles {
            let utf8 = needle.as_bytes().to_vec();
            let utf16: Vec<u8> = needle.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            if [utf8, utf16].iter().any(|n| bytes.windows(n.len()).any(|w| w == n.as_slice())) {
                found.push((path.clone(), needle.to_string()));
            }
        }
    }
    found
}

/// The error of what had to be refused.
fn refused<T>(result: Result<T, api::ApiError>) -> api::ApiError {
    match result {
        Ok(_) => panic!("this had to be refused"),
        Err(e) => e,
    }
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

#[test]
fn an_encrypted_database_shows_nothing_of_what_the_office_put_in_on_disk() {
    // What the office puts in: an object's name and BIN from the registry, and a document's words.
    let object = bin(1);
    let document = "Акт проверки: нарушения санитарных норм выявлены в цехе №3";
    let needles = ["Кайнар Алем", object.as_str(), "санитарных норм", "нарушения"];

    // The same work on a plain database shows them: the search below is one that can fail.
    let plain = tempfile::tempdir().unwrap();
    let plain_db = plain.path().join("ekn.db");
    api::init(&plain_db, None, false, Context::cli(), &mut |_, _| {}).unwrap();
    let csv = tempfile::tempdir().unwrap();
    let csv = csv.path().join("inspections.csv");
    std::fs::write(&csv, inspections_csv()).unwrap();
    let mut s = Session::open(&plain_db).unwrap();
    s.import(DataKind::Inspections, &csv, None, false, None, &mut |_| {}).unwrap();
    assert!(
        leaks(plain.path(), &needles).iter().any(|(_, n)| n == "Кайнар Алем"),
        "a plain database holds the registry's names in clear"
    );
    drop(s);

    let vault = Vault::new();
    vault.import_sample();
    let mut s = vault.session();
    s.attach_evidence(&object, "акт.txt", document.as_bytes(), Some("с выезда")).unwrap();
    let (report, _, zip) = s.pack_evidence_download(&object).unwrap();
    assert!(!zip.is_empty() && !report.contents.is_empty());
    let card = s.card(&object).unwrap();
    assert_eq!(card.subject.bin, object);

    // With the session still open (its write-ahead log on disk too): nothing readable anywhere.
    let on_disk = files_under(vault.dir.path());
    assert!(on_disk.len() >= 2, "the database and its header at least: {:?}", on_disk.keys());
    let leaked = leaks(vault.dir.path(), &needles);
    assert!(leaked.is_empty(), "readable on disk: {leaked:?}");
    let db_bytes = &on_disk[&vault.path];
    assert!(!db_bytes.starts_with(SQLITE_MAGIC), "the database does not even say it is SQLite");
    for key_file in ["ekn.db.key", "ekn.db.sign"] {
        assert!(!vault.dir.path().join(key_file).exists(), "{key_file}: the keys live inside the vault");
    }
    // The header holds no key in clear: the recovery key's hex digits are nowhere in it.
    let recovery = std::fs::read_to_string(&vault.recovery).unwrap();
    let header = std::fs::read_to_string(vault.dir.path().join("ekn.db.vault")).unwrap();
    let key_line = recovery.lines().find(|l| l.starts_with("EKN-RECOVERY-1 ")).expect("the key's line");
    let key_hex: String = key_line["EKN-RECOVERY-1 ".len()..].replace('-', "")[..64].to_lowercase();
    assert_eq!(key_hex.len(), 64, "the recovery file carries 16 groups of the key: {recovery}");
    assert!(!header.to_lowercase().contains(&key_hex), "the header seals the key, never shows it");

    // Closed, the database still opens with its passphrase and the document reads back.
    drop(s);
    let s = vault.session();
    let (_, bytes) = s.attachment_of(&object, &s.attachments(&object).unwrap()[0].sha256).unwrap();
    assert_eq!(bytes, document.as_bytes());
    assert!(s.is_encrypted());
}

#[test]
fn a_wrong_or_missing_passphrase_opens_nothing_and_changes_no_byte() {
    let vault = Vault::new();
    vault.import_sample();
    let before = files_under(vault.dir.path());

    let wrong = refused(Session::open_with(&vault.path, context_with("не тот пароль")));
    assert_eq!(wrong.code, ErrorCode::WrongPassphrase, "{wrong}");
    assert!(wrong.message.contains("ekn.db"), "the error names the database: {wrong}");
    let locked = refused(Session::open_with(&vault.path, Context::cli()));
    assert_eq!(locked.code, ErrorCode::VaultLocked, "{locked}");
    let verify = api::verify_journal(&vault.path, &Context::cli()).expect_err("refused");
    assert_eq!(verify.code, ErrorCode::VaultLocked);
    let rekey = api::change_passphrase(
        &vault.path,
        &VaultPassphrase::new("совсем новый пароль"),
        context_with("не тот пароль"),
    )
    .expect_err("refused");
    assert_eq!(rekey.code, ErrorCode::WrongPassphrase);
    let too_short = api::change_passphrase(&vault.path, &VaultPassphrase::new("кыс"), context_with(PASSPHRASE))
        .expect_err("refused");
    assert_eq!(too_short.code, ErrorCode::InvalidInput);

    assert_eq!(files_under(vault.dir.path()), before, "no file added, removed or changed");
    assert!(api::verify_journal(&vault.path, &context_with(PASSPHRASE)).unwrap().ok);
}

#[test]
fn the_passphrase_changes_and_the_recovery_key_replaces_a_forgotten_one_even_without_the_header() {
    let vault = Vault::new();
    vault.import_sample();
    let cards = vault.session().status().unwrap();

    let second = "второй пароль офиса";
    let status = api::change_passphrase(&vault.path, &VaultPassphrase::new(second), context_with(PASSPHRASE)).unwrap();
    assert!(status.encrypted && status.passphrase_changed_at.is_some());
    assert_eq!(
        Session::open_with(&vault.path, context_with(PASSPHRASE)).err().unwrap().code,
        ErrorCode::WrongPassphrase,
        "the old passphrase opens nothing"
    );
    Session::open_with(&vault.path, context_with(second)).unwrap();

    // Forgotten: the recovery key sets a third.
    let third = "третий, после забытого";
    api::recover_vault(&vault.path, &vault.recovery, &VaultPassphrase::new(third), Context::cli()).unwrap();
    assert_eq!(Session::open_with(&vault.path, context_with(second)).err().unwrap().code, ErrorCode::WrongPassphrase);

    // The header lost as well: without it nothing opens, the recovery key makes a new one.
    std::fs::remove_file(vault.dir.path().join("ekn.db.vault")).unwrap();
    let missing = Session::open_with(&vault.path, context_with(third)).err().unwrap();
    assert_eq!(missing.code, ErrorCode::KeyMissing, "{missing}");
    assert!(missing.message.contains("ekn.db.vault"), "names the missing file: {missing}");
    let fourth = "четвёртый, с новым заголовком";
    api::recover_vault(&vault.path, &vault.recovery, &VaultPassphrase::new(fourth), Context::cli()).unwrap();
    let s = Session::open_with(&vault.path, context_with(fourth)).unwrap();
    assert_eq!(s.status().unwrap().counts.subjects, cards.counts.subjects, "nothing lost");

    // A recovery key of another database is refused and writes nothing.
    let other = Vault::new();
    let before = files_under(vault.dir.path());
    let refused =
        api::recover_vault(&vault.path, &other.recovery, &VaultPassphrase::new("пятый пароль тут"), Context::cli())
            .err()
            .unwrap();
    assert_eq!(refused.code, ErrorCode::KeyMismatch, "{refused}");
    assert_eq!(files_under(vault.dir.path()), before);

    // Every change is in the journal, which still verifies.
    let report = api::verify_journal(&vault.path, &context_with(fourth)).unwrap();
    assert!(report.ok, "{report:?}");
    let changes: Vec<_> = s
        .journal(&api::JournalQuery { limit: Some(1000), ..Default::default() })
        .unwrap()
        .into_iter()
        .filter(|l| l.kind == "vault_changed")
        .collect();
    assert_eq!(changes.len(), 4, "created, changed, recovered twice: {changes:?}");
}

/// A plain database with the sample in it; returns its folder and path.
fn plain_with_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ekn.db");
    api::init(&path, None, false, Context::cli(), &mut |_, _| {}).unwrap();
    let csv = dir.path().join("inspections.csv");
    std::fs::write(&csv, inspections_csv()).unwrap();
    let mut s = Session::open(&path).unwrap();
    s.import(DataKind::Inspections, &csv, None, false, None, &mut |_| {}).unwrap();
    s.attach_evidence(&bin(1), "note.txt", "записка инспектора Кайнар Алем".as_bytes(), None).unwrap();
    std::fs::remove_file(&csv).unwrap();
    (dir, path)
}

#[test]
fn a_plain_database_is_encrypted_in_place_with_everything_in_it() {
    let (dir, path) = plain_with_sample();
    let before = Session::open(&path).unwrap();
    let (status, card, journal) = (
        before.status().unwrap(),
        serde_json::to_value(before.card(&bin(1)).unwrap()).unwrap(),
        api::verify_journal(&path, &Context::cli()).unwrap(),
    );
    let sha = before.attachments(&bin(1)).unwrap()[0].sha256.clone();
    drop(before);

    let recovery = tempfile::tempdir().unwrap();
    let new = NewVault { passphrase: VaultPassphrase::new(PASSPHRASE), recovery_out: recovery.path().join("r.txt") };
    let report = api::encrypt_in_place(&path, &new, Context::cli()).unwrap();
    assert!(report.encrypted);

    assert!(leaks(dir.path(), &["Кайнар Алем", &bin(1)]).is_empty(), "nothing of the plain file is left");
    let names: Vec<_> = files_under(dir.path()).into_keys().collect();
    assert!(
        names.iter().all(|p| !p.to_string_lossy().ends_with(".key") && !p.to_string_lossy().ends_with(".sign")),
        "the loose keys are gone: {names:?}"
    );
    assert_eq!(Session::open(&path).err().unwrap().code, ErrorCode::VaultLocked);
    let after = Session::open_with(&path, context_with(PASSPHRASE)).unwrap();
    assert_eq!(after.status().unwrap().counts.subjects, status.counts.subjects);
    let card_after = serde_json::to_value(after.card(&bin(1)).unwrap()).unwrap();
    assert_eq!(card_after, card);
    let (_, bytes) = after.attachment_of(&bin(1), &sha).unwrap();
    assert_eq!(bytes, "записка инспектора Кайнар Алем".as_bytes(), "documents read with the same key");
    let verified = api::verify_journal(&path, &context_with(PASSPHRASE)).unwrap();
    assert!(verified.ok, "{verified:?}");
    assert_eq!(verified.entries, journal.entries + 1, "one entry more: the encryption");

    // Twice is refused; so is a recovery file that exists.
    let again = NewVault { passphrase: VaultPassphrase::new(PASSPHRASE), recovery_out: recovery.path().join("r2.txt") };
    assert_eq!(api::encrypt_in_place(&path, &again, Context::cli()).err().unwrap().code, ErrorCode::InvalidInput);
}

fn ekn() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ekn"));
    command.env_remove("EKN_PASSPHRASE").env_remove("EKN_NEW_PASSPHRASE");
    command
}

/// Copies a plain database with its key files into a new folder.
fn copy_plain(from: &Path, to: &Path) -> PathBuf {
    for entry in std::fs::read_dir(from.parent().unwrap()).unwrap() {
        let file = entry.unwrap().path();
        if file.is_file() {
            std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
        }
    }
    to.join(from.file_name().unwrap())
}

#[test]
fn encryption_in_place_killed_at_any_moment_leaves_one_whole_database() {
    // The demo registry, big enough for the copy to take a while.
    let source = tempfile::tempdir().unwrap();
    let plain = source.path().join("ekn.db");
    let made = ekn().arg("--db").arg(&plain).args(["init", "--demo", "--today", "2026-11-20"]).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let expected = Session::open(&plain).unwrap().status().unwrap();

    let encrypt = |dir: &Path| {
        let db = copy_plain(&plain, dir);
        let child = ekn()
            .arg("--db")
            .arg(&db)
            .args(["vault", "encrypt", "--recovery-out"])
            .arg(dir.join("recovery.txt"))
            .env("EKN_PASSPHRASE", PASSPHRASE)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        (db, child)
    };

    // How long a whole run takes, to spread the kills over it.
    let whole = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (db, child) = encrypt(whole.path());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let took = started.elapsed();
    assert!(api::is_encrypted(&db).unwrap());
    println!("a whole encryption in place of the demo database took {took:?}");

    let mut outcomes = BTreeMap::<&str, usize>::new();
    for step in 0..12u32 {
        let dir = tempfile::tempdir().unwrap();
        let (db, mut child) = encrypt(dir.path());
        std::thread::sleep(took * step / 10 + Duration::from_millis(u64::from(step) * 3));
        let _ = child.kill();
        let _ = child.wait();
        // Whichever it is now, it opens whole, with all its objects, and its journal verifies.
        let (context, kind) = if api::is_encrypted(&db).unwrap() {
            (context_with(PASSPHRASE), "encrypted")
        } else {
            (Context::cli(), "plain")
        };
        *outcomes.entry(kind).or_default() += 1;
        let s = Session::open_with(&db, context.clone())
            .unwrap_or_else(|e| panic!("killed after {step}/10 of the run ({kind}): {e}"));
        assert_eq!(s.status().unwrap().counts.subjects, expected.counts.subjects, "step {step} ({kind})");
        drop(s);
        let verified = api::verify_journal(&db, &context).unwrap();
        assert!(verified.ok, "step {step} ({kind}): {verified:?}");
        let left: Vec<_> = files_under(dir.path())
            .into_keys()
            .filter(|p| {
                let name = p.to_string_lossy();
                name.ends_with(".encrypting") || name.ends_with(".plain-replaced")
            })
            .collect();
        assert!(left.is_empty(), "step {step}: the next open tidies {left:?}");
        if kind == "plain" {
            // A run that never switched can simply be run again (with a new recovery file).
            let new = NewVault {
                passphrase: VaultPassphrase::new(PASSPHRASE),
                recovery_out: dir.path().join("recovery-again.txt"),
            };
            api::encrypt_in_place(&db, &new, Context::cli()).unwrap();
            assert!(api::verify_journal(&db, &context_with(PASSPHRASE)).unwrap().ok);
        }
    }
    println!("killed runs left: {outcomes:?}");
    assert!(outcomes.get("plain").copied().unwrap_or(0) > 0, "some kills came before the switch: {outcomes:?}");
}

#[test]
fn the_binary_asks_for_what_it_needs_and_says_what_went_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    let recovery = dir.path().join("recovery.txt");
    let init = ekn()
        .arg("--db")
        .arg(&db)
        .args(["init", "--encrypt", "--recovery-out"])
        .arg(&recovery)
        .env("EKN_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert!(recovery.exists());
    let text = String::from_utf8_lossy(&init.stdout);
    assert!(text.contains("recovery.txt"), "tells where the recovery key went: {text}");

    let status = ekn().arg("--db").arg(&db).args(["vault", "status", "--json"]).output().unwrap();
    assert!(status.status.success());
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["encrypted"], true);
    assert!(status["cipher_library"].as_str().unwrap().starts_with("SQLCipher 4."), "{status}");

    // No passphrase and no terminal: a one-line error naming the database, not a hang.
    let locked = ekn().arg("--db").arg(&db).args(["status"]).output().unwrap();
    assert!(!locked.status.success());
    let err = String::from_utf8_lossy(&locked.stderr);
    assert!(err.starts_with("ekn: error [vault_locked]:") && err.contains("ekn.db"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let wrong = ekn().arg("--db").arg(&db).args(["status"]).env("EKN_PASSPHRASE", "неверный пароль").output().unwrap();
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(err.starts_with("ekn: error [wrong_passphrase]:"), "{err}");

    let right =
        ekn().arg("--db").arg(&db).args(["status", "--json"]).env("EKN_PASSPHRASE", PASSPHRASE).output().unwrap();
    assert!(right.status.success(), "{}", String::from_utf8_lossy(&right.stderr));

    let rekey = ekn()
        .arg("--db")
        .arg(&db)
        .args(["vault", "rekey"])
        .env("EKN_PASSPHRASE", PASSPHRASE)
        .env("EKN_NEW_PASSPHRASE", "новый пароль офиса")
        .output()
        .unwrap();
    assert!(rekey.status.success(), "{}", String::from_utf8_lossy(&rekey.stderr));
    let recover = ekn()
        .arg("--db")
        .arg(&db)
        .args(["vault", "recover", "--recovery"])
        .arg(&recovery)
        .env("EKN_NEW_PASSPHRASE", "после восстановления")
        .output()
        .unwrap();
    assert!(recover.status.success(), "{}", String::from_utf8_lossy(&recover.stderr));
    let journal = ekn()
        .arg("--db")
        .arg(&db)
        .args(["journal", "verify", "--json"])
        .env("EKN_PASSPHRASE", "после восстановления")
        .output()
        .unwrap();
    assert!(journal.status.success(), "{}", String::from_utf8_lossy(&journal.stderr));

    // A damaged recovery file: the error names the file and the line.
    let damaged = dir.path().join("damaged.txt");
    let text = std::fs::read_to_string(&recovery).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = lines.iter().position(|l| l.starts_with("EKN-RECOVERY-1 ")).unwrap();
    let (tag, key) = lines[at].split_at("EKN-RECOVERY-1 ".len());
    let flipped = if key.starts_with('0') { key.replacen('0', "1", 1) } else { format!("0{}", &key[1..]) };
    lines[at] = format!("{tag}{flipped}");
    std::fs::write(&damaged, lines.join("\n")).unwrap();
    let refused = ekn()
        .arg("--db")
        .arg(&db)
        .args(["vault", "recover", "--recovery"])
        .arg(&damaged)
        .env("EKN_NEW_PASSPHRASE", "ещё один пароль")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("damaged.txt") && err.contains(&format!("line {}", at + 1)),
        "{err}"
    );

    // Another database's recovery key: refused in one line (SQLCipher's own complaints silenced).
    let other = Vault::new();
    let refused = ekn()
        .arg("--db")
        .arg(&db)
        .args(["vault", "recover", "--recovery"])
        .arg(&other.recovery)
        .env("EKN_NEW_PASSPHRASE", "ещё один пароль")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.starts_with("ekn: error [key_mismatch]:") && err.lines().count() == 1, "{err}");
}
