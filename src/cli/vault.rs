//! The vault on the command line: where a passphrase comes from (`EKN_PASSPHRASE`, else asked on
//! the terminal without echo; never an argument, which would sit in the shell's history and the
//! process list), and `ekn vault status | rekey | recover | encrypt`.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use ekn::api::{
    self, ApiError, BackupReport, Context, ErrorCode, NewVault, RestoreReport, Session, VaultPassphrase, VaultStatus,
};

use super::print;
use ekn::i18n::{tr, tr_with};

/// `ekn vault …`
#[derive(clap::Subcommand)]
pub enum VaultAction {
    /// Whether the database is encrypted, with what, and since when (needs no passphrase).
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Change the passphrase: the current one from EKN_PASSPHRASE (or the prompt), the new one
    /// from EKN_NEW_PASSPHRASE (or the prompt, twice). The recovery key stays valid.
    Rekey {
        #[arg(long)]
        json: bool,
    },
    /// Set a new passphrase with the recovery key file `ekn init --encrypt` wrote (works with the
    /// vault header lost too); the new one from EKN_NEW_PASSPHRASE (or the prompt, twice).
    Recover {
        #[arg(long, value_name = "FILE")]
        recovery: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Encrypt a plain database in place (a crash leaves the old or the new file whole), with the
    /// passphrase from EKN_PASSPHRASE (or the prompt, twice), writing the recovery key to FILE.
    /// Close `ekn serve` and the desktop app first.
    Encrypt {
        #[arg(long, value_name = "FILE")]
        recovery_out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// The context with the passphrase of the database at `db`, when it is encrypted: from
/// `EKN_PASSPHRASE`, else asked on the terminal. Without either, the open answers `vault_locked`.
pub fn unlock(db: &Path, context: Context) -> Result<Context, ApiError> {
    if !api::is_encrypted(db)? {
        return Ok(context);
    }
    match current_passphrase(db)? {
        Some(passphrase) => Ok(context.with_passphrase(passphrase)),
        None => Ok(context),
    }
}

fn current_passphrase(of: &Path) -> Result<Option<VaultPassphrase>, ApiError> {
    if let Some(text) = std::env::var_os("EKN_PASSPHRASE") {
        return Ok(Some(VaultPassphrase::new(text.to_string_lossy().into_owned())));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let text = rpassword::prompt_password(format!("{}: ", tr_with("cli.vault.prompt_of", &[("path", &of.display())])))
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("reading the passphrase: {e}")))?;
    Ok(Some(VaultPassphrase::new(text)))
}

/// A new passphrase: from the variable `var`, else asked twice on the terminal, under the words
/// of the catalogue's key `what`.
pub fn new_passphrase(var: &str, what: &str) -> Result<VaultPassphrase, ApiError> {
    if let Some(text) = std::env::var_os(var) {
        return Ok(VaultPassphrase::new(text.to_string_lossy().into_owned()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(ApiError::invalid(format!("{}: set {var}, or run this on a terminal to be asked", tr(what))));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("reading the passphrase: {e}")))
    };
    let first = VaultPassphrase::new(ask(&format!("{}: ", tr(what)))?);
    let again = VaultPassphrase::new(ask(&format!("{}: ", tr("cli.vault.prompt_again")))?);
    if first.as_str() != again.as_str() {
        return Err(ApiError::invalid("the two passphrases differ; nothing was changed"));
    }
    Ok(first)
}

/// `ekn vault …`; `context` carries the current passphrase where the database is encrypted.
pub fn run_vault(db: &Path, context: Context, action: VaultAction) -> Result<(), ApiError> {
    match action {
        VaultAction::Status { json } => print(json, &api::vault_status(db)?, render_status),
        VaultAction::Rekey { json } => {
            if context.passphrase.is_none() {
                // The open below words the refusal (not encrypted, or locked).
                api::Session::open_with(db, context.clone())?;
            }
            let new = new_passphrase("EKN_NEW_PASSPHRASE", "cli.vault.prompt_new")?;
            print(json, &api::change_passphrase(db, &new, context)?, render_status)
        }
        VaultAction::Recover { recovery, json } => {
            let new = new_passphrase("EKN_NEW_PASSPHRASE", "cli.vault.prompt_new")?;
            print(json, &api::recover_vault(db, &recovery, &new, context)?, render_status)
        }
        VaultAction::Encrypt { recovery_out, json } => {
            let new = NewVault { passphrase: new_passphrase("EKN_PASSPHRASE", "cli.vault.prompt")?, recovery_out };
            let status = api::encrypt_in_place(db, &new, context)?;
            let path = new.recovery_out.display();
            eprintln!("ekn: {}", tr_with("cli.vault.recovery_written", &[("path", &path)]));
            print(json, &status, render_status)
        }
    }
}

/// `ekn backup --out FILE`: an encrypted database's backup opens with its passphrase; a plain
/// one's with a passphrase given for it (EKN_PASSPHRASE, or asked twice).
pub fn run_backup(session: &mut Session, out: &Path, json: bool) -> Result<(), ApiError> {
    let given =
        if session.is_encrypted() { None } else { Some(new_passphrase("EKN_PASSPHRASE", "cli.vault.prompt_backup")?) };
    print(json, &session.vault().backup(out, given.as_ref())?, render_backup)
}

/// `ekn restore FILE --to PATH`, with the backup's passphrase (EKN_PASSPHRASE, or asked).
pub fn run_restore(backup: &Path, to: &Path, context: Context, json: bool) -> Result<(), ApiError> {
    let context = match current_passphrase(backup)? {
        Some(passphrase) => context.with_passphrase(passphrase),
        None => context,
    };
    print(json, &api::restore_backup(backup, to, context)?, render_restore)
}

fn render_backup(r: &BackupReport) -> String {
    let opens = match r.encrypted_with {
        ekn::domain::journal::BackupPassphrase::Database => tr("cli.backup.opens_database"),
        ekn::domain::journal::BackupPassphrase::Given => tr("cli.backup.opens_given"),
    };
    let vars: [(&str, &dyn std::fmt::Display); 7] = [
        ("file", &r.file),
        ("bytes", &r.bytes),
        ("entries", &r.journal_entries),
        ("documents", &r.documents),
        ("opens", &opens),
        ("sha256", &r.manifest_sha256),
        ("seconds", &format!("{:.1}", r.seconds)),
    ];
    format!("{}\n", tr_with("cli.backup.written", &vars))
}

fn render_restore(r: &RestoreReport) -> String {
    let vars: [(&str, &dyn std::fmt::Display); 8] = [
        ("database", &r.database),
        ("file", &r.from_file),
        ("at", &r.made_at),
        ("by", &r.made_by),
        ("entries", &r.journal_entries),
        ("documents", &r.documents),
        ("epoch", &r.epoch),
        ("seconds", &format!("{:.1}", r.seconds)),
    ];
    format!("{}\n", tr_with("cli.backup.restored", &vars))
}

fn render_status(s: &VaultStatus) -> String {
    let mut out = format!("{}\n", tr_with("cli.vault.database", &[("path", &s.database)]));
    if !s.exists {
        let _ = writeln!(out, "{}", tr("cli.vault.none_here"));
        return out;
    }
    if s.encrypted {
        let cipher = super::opt(&s.cipher);
        let vars: [(&str, &dyn std::fmt::Display); 2] = [("cipher", &cipher), ("library", &s.cipher_library)];
        let _ = writeln!(out, "{}", tr_with("cli.vault.encrypted_yes", &vars));
        let _ = writeln!(out, "{}", tr_with("cli.vault.header", &[("file", &super::opt(&s.header_file))]));
        let _ = writeln!(out, "{}", tr_with("cli.vault.kdf", &[("kdf", &super::opt(&s.kdf))]));
        let _ = writeln!(out, "{}", tr_with("cli.vault.created", &[("at", &super::opt(&s.created_at))]));
        if let Some(at) = &s.passphrase_changed_at {
            let _ = writeln!(out, "{}", tr_with("cli.vault.changed", &[("at", at)]));
        }
    } else {
        let _ = writeln!(out, "{}", tr_with("cli.vault.encrypted_no", &[("library", &s.cipher_library)]));
    }
    if s.advice.is_some() {
        let _ = writeln!(out, "{}", tr("cli.vault.advice_plain"));
    }
    out
}
