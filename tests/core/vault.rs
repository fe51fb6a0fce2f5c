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

use crate::support::{bin, files_under, inspections_csv};

pub(crate) const PASSPHRASE: &str = "Жетісу-2026 көктем";

fn context_with(passphrase: &str) -> Context {
    Context::cli().with_passphrase(VaultPassphrase::new(passphrase))
}

/// A new encrypted database in a folder of its own; the recovery key goes to another folder, as
/// the person is told (it is printed and handed over, never kept beside the database).
pub(crate) struct Vault {
    pub(crate) dir: tempfile::TempDir,
    elsewhere: tempfile::TempDir,
    pub(crate) path: PathBuf,
    recovery: PathBuf,
}

impl Vault {
    pub(crate) fn new() -> Vault {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        let recovery = elsewhere.path().join("recovery.txt");
        let new = NewVault { passphrase: VaultPassphrase::new(PASSPHRASE), recovery_out: recovery.clone() };
        let report = api::init_encrypted(&path, None, false, &new, Context::cli(), &mut |_, _| {}).unwrap();
        assert!(report.encrypted);
        Vault { dir, elsewhere, path, recovery }
    }

    pub(crate) fn session(&self) -> Session {
        Session::open_with(&self.path, context_with(PASSPHRASE)).unwrap()
    }

    /// The registry's sample, from outside the database's folder.
    pub(crate) fn import_sample(&self) {
        let csv = self.elsewhere.path().join("inspections.csv");
        std::fs::write(&csv, inspections_csv()).unwrap();
        self.session().registry().import(DataKind::Inspections, &csv, None, false, None, &mut |_| {}).unwrap();
    }
}

/// The files under `dir` in which any of `needles` occurs (as UTF-8 or, for ASCII, as UTF-16LE
/// too, the way SQLite may store text), with the needle.
pub(crate) fn leaks(dir: &Path, needles: &[&str]) -> Vec<(PathBuf, String)> {
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
    s.registry().import(DataKind::Inspections, &csv, None, false, None, &mut |_| {}).unwrap();
    assert!(
        leaks(plain.path(), &needles).iter().any(|(_, n)| n == "Кайнар Алем"),
        "a plain database holds the registry's names in clear"
    );
    drop(s);

    let vault = Vault::new();
    vault.import_sample();
    let mut s = vault.session();
    s.evidence().attach(&object, "акт.txt", document.as_bytes(), Some("с выезда")).unwrap();
    let (report, _, zip) = s.evidence().package_download(&object).unwrap();
    assert!(!zip.is_empty() && !report.contents.is_empty());
    let card = s.registry().card(&object).unwrap();
    assert_eq!(card.subject.bin, object);

    // With the session still open (its write-ahead log on disk too): nothing readable anywhere.
    let on_disk = files_under(vault.dir.path());
    assert!(on_disk.len() >= 2, "the database and its header at least: {:?}", on_disk.keys());
    let leaked = leaks(vault.dir.path(), &needles);
    assert!(leaked.is_empty(), "readable on disk: {leaked:?}");
    let db_bytes = &on_disk[&vault.path];
    assert!(!db_bytes.starts_with(SQLITE_MAGIC), "the database does not even say it is SQLite");
    for key_file in ["ekn.db.key", "ekn.db.signing-key"] {
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
    let mut s = vault.session();
    let sha256 = s.evidence().attachments(&object).unwrap()[0].sha256.clone();
    let (_, bytes) = s.evidence().attachment_of(&object, &sha256).unwrap();
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
    let cards = vault.session().registry().status().unwrap();

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
    let mut s = Session::open_with(&vault.path, context_with(fourth)).unwrap();
    assert_eq!(s.registry().status().unwrap().counts.subjects, cards.counts.subjects, "nothing lost");

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
    s.registry().import(DataKind::Inspections, &csv, None, false, None, &mut |_| {}).unwrap();
    s.evidence().attach(&bin(1), "note.txt", "записка инспектора Кайнар Алем".as_bytes(), None).unwrap();
    std::fs::remove_file(&csv).unwrap();
    (dir, path)
}

#[test]
fn a_plain_database_is_encrypted_in_place_with_everything_in_it() {
    let (dir, path) = plain_with_sample();
    let mut before = Session::open(&path).unwrap();
    let (status, card, journal) = (
        before.registry().status().unwrap(),
        serde_json::to_value(before.registry().card(&bin(1)).unwrap()).unwrap(),
        api::verify_journal(&path, &Context::cli()).unwrap(),
    );
    let sha = before.evidence().attachments(&bin(1)).unwrap()[0].sha256.clone();
    drop(before);
    for key_file in ["ekn.db.key", "ekn.db.signing-key"] {
        assert!(dir.path().join(key_file).exists(), "{key_file}: a plain database keeps it beside itself");
    }

    let recovery = tempfile::tempdir().unwrap();
    let new = NewVault { passphrase: VaultPassphrase::new(PASSPHRASE), recovery_out: recovery.path().join("r.txt") };
    let report = api::encrypt_in_place(&path, &new, Context::cli()).unwrap();
    assert!(report.encrypted);

    assert!(leaks(dir.path(), &["Кайнар Алем", &bin(1)]).is_empty(), "nothing of the plain file is left");
    let names: Vec<_> = files_under(dir.path()).into_keys().collect();
    assert!(
        names.iter().all(|p| !p.to_string_lossy().ends_with(".key") && !p.to_string_lossy().ends_with(".signing-key")),
        "the loose keys are gone: {names:?}"
    );
    assert_eq!(Session::open(&path).err().unwrap().code, ErrorCode::VaultLocked);
    let mut after = Session::open_with(&path, context_with(PASSPHRASE)).unwrap();
    assert_eq!(after.registry().status().unwrap().counts.subjects, status.counts.subjects);
    let card_after = serde_json::to_value(after.registry().card(&bin(1)).unwrap()).unwrap();
    assert_eq!(card_after, card);
    let (_, bytes) = after.evidence().attachment_of(&bin(1), &sha).unwrap();
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
    let plain = crate::support::demo_copy(source.path());
    let expected = Session::open(&plain).unwrap().registry().status().unwrap();

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
        let mut s = Session::open_with(&db, context.clone())
            .unwrap_or_else(|e| panic!("killed after {step}/10 of the run ({kind}): {e}"));
        assert_eq!(s.registry().status().unwrap().counts.subjects, expected.counts.subjects, "step {step} ({kind})");
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
        if kind == "plain" && outcomes["plain"] == 1 {
            // A run that never switched can simply be run again (with a new recovery file); once
            // is enough to show it, and each run costs the whole encryption.
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

#[test]
fn a_backup_of_a_database_in_use_restores_to_the_same_cards_and_a_journal_that_verifies() {
    let vault = Vault::new();
    vault.import_sample();
    let mut s = vault.session();
    s.evidence().attach(&bin(1), "акт.txt", "акт выездной проверки Кайнар Алем".as_bytes(), None).unwrap();
    let card = serde_json::to_value(s.registry().card(&bin(1)).unwrap()).unwrap();
    let sha = s.evidence().attachments(&bin(1)).unwrap()[0].sha256.clone();

    // Made while another session has the database open and writes right after.
    let other = vault.session();
    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("ekn-2026-11-22.ekn-backup");
    let report = s.vault().backup(&out, None).unwrap();
    assert_eq!(report.documents, 1);
    assert!(report.bytes > 0 && out.exists());
    drop(other);
    s.evidence().attach(&bin(2), "позже.txt", b"after the backup", None).unwrap();
    assert_eq!(refused(s.vault().backup(&out, None)).code, ErrorCode::InvalidInput, "never over an existing file");
    assert!(leaks(backups.path(), &["Кайнар Алем", &bin(1), "выездной"]).is_empty(), "the backup is encrypted too");
    let backup_bytes = std::fs::read(&out).unwrap();

    // A wrong passphrase restores nothing.
    let target = tempfile::tempdir().unwrap();
    let to = target.path().join("restored.db");
    let wrong = refused(api::restore_backup(&out, &to, context_with("не тот пароль")));
    assert_eq!(wrong.code, ErrorCode::WrongPassphrase, "{wrong}");
    assert!(files_under(target.path()).is_empty(), "nothing written on a wrong passphrase");

    // A stale write-ahead log where the new database is to go would be replayed into it: refused.
    let stale = target.path().join("restored.db-wal");
    std::fs::write(&stale, b"left from another database").unwrap();
    let refused_stale = refused(api::restore_backup(&out, &to, context_with(PASSPHRASE)));
    assert!(refused_stale.message.contains("restored.db-wal"), "{refused_stale}");
    std::fs::remove_file(&stale).unwrap();

    let restored = api::restore_backup(&out, &to, context_with(PASSPHRASE)).unwrap();
    assert_eq!((restored.epoch, restored.documents), (1, 1));
    let mut r = Session::open_with(&to, context_with(PASSPHRASE)).unwrap();
    assert_eq!(serde_json::to_value(r.registry().card(&bin(1)).unwrap()).unwrap(), card, "the same card");
    assert!(r.evidence().attachments(&bin(2)).unwrap().is_empty(), "what came after the backup is not in it");
    let (_, bytes) = r.evidence().attachment_of(&bin(1), &sha).unwrap();
    assert_eq!(bytes, "акт выездной проверки Кайнар Алем".as_bytes());
    let verified = api::verify_journal(&to, &context_with(PASSPHRASE)).unwrap();
    assert!(verified.ok, "{verified:?}");
    let kinds: Vec<String> = r
        .journal(&api::JournalQuery { limit: Some(1000), ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|l| l.kind)
        .collect();
    assert_eq!(kinds.last().map(String::as_str), Some("restored"), "{kinds:?}");
    assert!(leaks(target.path(), &["Кайнар Алем", &bin(1)]).is_empty());

    // Never over an existing database; and the backup file itself is untouched by restoring.
    assert_eq!(refused(api::restore_backup(&out, &to, context_with(PASSPHRASE))).code, ErrorCode::InvalidInput);
    assert_eq!(std::fs::read(&out).unwrap(), backup_bytes);
    // The original journals the backup.
    let original: Vec<String> = s
        .journal(&api::JournalQuery { limit: Some(1000), ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|l| l.kind)
        .collect();
    assert!(original.contains(&"backup_made".to_string()), "{original:?}");
}

/// A change made to one member of a backup, by name.
type MemberEdit<'a> = dyn Fn(&str, &mut Vec<u8>) + 'a;

/// Rewrites a backup with `edit` applied to its members (name → bytes), keeping the order.
fn rewrite_backup(from: &Path, to: &Path, edit: &MemberEdit<'_>) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).unwrap();
        let name = member.name().to_string();
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        edit(&name, &mut bytes);
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn a_damaged_or_altered_backup_is_refused_naming_what_and_leaves_nothing() {
    let vault = Vault::new();
    vault.import_sample();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.ekn-backup");
    vault.session().vault().backup(&out, None).unwrap();

    let sha_hex = |bytes: &[u8]| {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(bytes))
    };
    let cases: Vec<(&str, Box<MemberEdit<'static>>, &str)> = vec![
        (
            "a page of the database flipped",
            Box::new(|name, bytes| {
                if name == "database.sqlcipher" {
                    let at = bytes.len() / 2;
                    bytes[at] ^= 0x55;
                }
            }),
            "database.sqlcipher does not match its manifest",
        ),
        (
            "the manifest edited",
            Box::new(|name, bytes| {
                if name == "manifest.json" {
                    *bytes =
                        String::from_utf8(bytes.clone()).unwrap().replace("\"epoch\": 0", "\"epoch\": 7").into_bytes();
                }
            }),
            "signature does not verify",
        ),
        (
            "a member added",
            Box::new(|name, bytes| {
                if name == "vault.json" {
                    bytes.extend_from_slice(b" ");
                }
            }),
            "vault.json does not match its manifest",
        ),
    ];
    for (what, edit, says) in cases {
        let altered = dir.path().join(format!("{}.ekn-backup", what.replace(' ', "-")));
        rewrite_backup(&out, &altered, &*edit);
        let target = tempfile::tempdir().unwrap();
        let err = refused(api::restore_backup(&altered, &target.path().join("r.db"), context_with(PASSPHRASE)));
        assert_eq!(err.code, ErrorCode::Corrupt, "{what}: {err}");
        assert!(err.message.contains(says) && err.message.contains(&*altered.display().to_string()), "{what}: {err}");
        assert!(files_under(target.path()).is_empty(), "{what}: nothing left behind");
    }
    // The database replaced and its digest in the manifest updated: only the signature can tell.
    let forged = dir.path().join("forged.ekn-backup");
    let other = Vault::new();
    let other_out = other.dir.path().join("o.ekn-backup");
    other.session().vault().backup(&other_out, None).unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&other_out).unwrap()).unwrap();
    let mut foreign = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("database.sqlcipher").unwrap(), &mut foreign).unwrap();
    let mut old_sha = String::new();
    {
        let mut a = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        let mut db = Vec::new();
        std::io::Read::read_to_end(&mut a.by_name("database.sqlcipher").unwrap(), &mut db).unwrap();
        old_sha.push_str(&sha_hex(&db));
    }
    let new_sha = sha_hex(&foreign);
    rewrite_backup(&out, &forged, &|name, bytes| match name {
        "database.sqlcipher" => *bytes = foreign.clone(),
        "manifest.json" => *bytes = String::from_utf8(bytes.clone()).unwrap().replace(&old_sha, &new_sha).into_bytes(),
        _ => {}
    });
    let target = tempfile::tempdir().unwrap();
    let err = refused(api::restore_backup(&forged, &target.path().join("r.db"), context_with(PASSPHRASE)));
    assert!(files_under(target.path()).is_empty(), "nothing left behind: {err}");
    assert!(matches!(err.code, ErrorCode::Corrupt | ErrorCode::KeyMismatch), "{err}");
}

#[test]
fn a_plain_database_is_backed_up_and_restored_through_the_binary() {
    let (dir, plain) = plain_with_sample();
    let card = serde_json::to_value(Session::open(&plain).unwrap().registry().card(&bin(1)).unwrap()).unwrap();
    let out = dir.path().join("plain.ekn-backup");
    let backup = ekn()
        .arg("--db")
        .arg(&plain)
        .args(["backup", "--out"])
        .arg(&out)
        .arg("--json")
        .env("EKN_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let report: serde_json::Value = serde_json::from_slice(&backup.stdout).unwrap();
    assert_eq!(report["encrypted_with"], "given");
    let bytes = std::fs::read(&out).unwrap();
    assert!(!bytes.windows("Кайнар Алем".len()).any(|w| w == "Кайнар Алем".as_bytes()));

    let without = ekn().args(["restore"]).arg(&out).arg("--to").arg(dir.path().join("x.db")).output().unwrap();
    let err = String::from_utf8_lossy(&without.stderr);
    assert!(err.starts_with("ekn: error [vault_locked]:"), "{err}");

    let to = dir.path().join("restored").join("ekn.db");
    std::fs::create_dir(to.parent().unwrap()).unwrap();
    let restore =
        ekn().args(["restore"]).arg(&out).arg("--to").arg(&to).env("EKN_PASSPHRASE", PASSPHRASE).output().unwrap();
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let verify =
        ekn().arg("--db").arg(&to).args(["journal", "verify"]).env("EKN_PASSPHRASE", PASSPHRASE).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    let mut restored = Session::open_with(&to, context_with(PASSPHRASE)).unwrap();
    assert_eq!(serde_json::to_value(restored.registry().card(&bin(1)).unwrap()).unwrap(), card);
    assert!(api::is_encrypted(&to).unwrap(), "a restored database is encrypted");
}

#[test]
fn the_lock_screen_opens_an_encrypted_database_over_real_http_and_a_wrong_passphrase_keeps_it_shut() {
    use ekn::api::host::Host;
    use ekn::serve::{Server, TOKEN_HEADER};
    use serde_json::{json, Value};

    let vault = Vault::new();
    vault.import_sample();
    let host = std::sync::Arc::new(Host::start(&vault.path, false, ekn::domain::journal::Face::Browser, None).unwrap());
    let server = Server::bind(host, 0, None).unwrap();
    let base = format!("http://127.0.0.1:{}", server.address.port());
    let token = server.token.clone();
    std::thread::spawn(move || server.run().unwrap());
    let agent = ekn::connect::tls::client_builder().build().unwrap();
    let call = |method: &str, params: Value| -> (u16, Value) {
        let response =
            agent.post(format!("{base}/api/{method}")).header(TOKEN_HEADER, &token).json(&params).send().unwrap();
        (response.status().as_u16(), response.json().unwrap())
    };

    let (code, state) = call("vault_state", json!({}));
    assert_eq!(code, 200);
    assert_eq!((state["encrypted"].as_bool(), state["locked"].as_bool()), (Some(true), Some(true)));
    let (code, locked) = call("card", json!({"bin": bin(1)}));
    assert_ne!(code, 200);
    assert_eq!(locked["code"], "vault_locked", "{locked}");
    let (code, status) = call("status", json!({}));
    assert_ne!(code, 200);
    assert_eq!(status["code"], "vault_locked");

    let before = files_under(vault.dir.path());
    let (code, wrong) = call("unlock", json!({"passphrase": "не тот пароль"}));
    assert_ne!(code, 200);
    assert_eq!(wrong["code"], "wrong_passphrase", "{wrong}");
    assert_eq!(files_under(vault.dir.path()), before, "a wrong passphrase changes nothing");
    assert_eq!(call("vault_state", json!({})).1["locked"], true);

    let (code, opened) = call("unlock", json!({"passphrase": PASSPHRASE}));
    assert_eq!(code, 200, "{opened}");
    assert_eq!(opened["locked"], false);
    let (code, card) = call("case", json!({"bin": bin(1)}));
    assert_eq!(code, 200, "{card}");
    assert!(card.to_string().contains("Кайнар Алем"));
    // A second unlock (another tab) is harmless.
    assert_eq!(call("unlock", json!({"passphrase": "anything at all"})).0, 200);

    // Settings → Vault: back up now, then the last backup is shown; the passphrase changed.
    let (code, overview) = call("vault_overview", json!({}));
    assert_eq!(code, 200, "{overview}");
    assert_eq!((overview["status"]["encrypted"].as_bool(), overview["epoch"].as_i64()), (Some(true), Some(0)));
    assert!(overview["last_backup"].is_null());
    let (code, made) = call("backup_now", json!({"passphrase": null}));
    assert_eq!(code, 200, "{made}");
    let file = made["file"].as_str().unwrap().to_string();
    assert!(file.starts_with(&*vault.dir.path().join("backups").display().to_string()), "{file}");
    let overview = call("vault_overview", json!({})).1;
    assert!(file.ends_with(overview["last_backup"]["file"].as_str().unwrap()), "{overview}");
    let (code, wrong) = call("rekey", json!({"current": "не тот пароль", "new": "новый пароль офиса"}));
    assert_ne!(code, 200);
    assert_eq!(wrong["code"], "wrong_passphrase");
    let (code, changed) = call("rekey", json!({"current": PASSPHRASE, "new": "новый пароль офиса"}));
    assert_eq!(code, 200, "{changed}");
    Session::open_with(&vault.path, context_with("новый пароль офиса")).unwrap();
    // The backup made before opens with the passphrase of its day: restored from Settings to a
    // new file beside the database, by name only (a path is refused), never over a file.
    let name = Path::new(&file).file_name().unwrap().to_str().unwrap().to_string();
    let overview = call("vault_overview", json!({})).1;
    assert_eq!(overview["backups"][0].as_str(), Some(name.as_str()), "{overview}");
    let (code, refused) = call("restore_backup", json!({"file": file, "to": "r.db", "passphrase": PASSPHRASE}));
    assert!(code != 200 && refused["code"] == "invalid_input", "{refused}");
    let (code, refused) = call("restore_backup", json!({"file": name, "to": "../r.db", "passphrase": PASSPHRASE}));
    assert!(code != 200 && refused["code"] == "invalid_input", "{refused}");
    let (code, restored) = call("restore_backup", json!({"file": name, "to": "r.db", "passphrase": PASSPHRASE}));
    assert_eq!(code, 200, "{restored}");
    assert_eq!((restored["epoch"].as_i64(), restored["journal_verified"].as_bool()), (Some(1), Some(true)));
    assert!(vault.dir.path().join("r.db").is_file());
    let (code, again) = call("restore_backup", json!({"file": name, "to": "r.db", "passphrase": PASSPHRASE}));
    assert_ne!(code, 200, "{again}");
    Session::open_with(&vault.dir.path().join("r.db"), context_with(PASSPHRASE)).unwrap();
}
