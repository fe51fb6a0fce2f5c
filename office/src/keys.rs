//! The office's own ed25519 key, made once and never replaced silently: with it the office
//! cosigns each workstation checkpoint it witnessed and signs every answer to a workstation, and a
//! workstation learns its public half when it joins. The secret half lives in a file only the
//! server's user reads (`--key-file`, `EKN_OFFICE_KEY_FILE`), not in the database: the role the
//! server connects as could otherwise read it, and so could anything that reached its SQL. The
//! database keeps the public half, against which the file is checked at every start. The office's
//! pseudonym key, which every workstation of the office pseudonymises applicants under, is
//! derived from the secret (`pseudonym_key`).

use std::path::Path;

use ed25519_dalek::SigningKey;
use rand::TryRngCore;

use crate::error::OfficeError;

/// The office's pseudonym key, derived from its secret (SHA-256 over a label naming its use and
/// the secret): the same for as long as the office key is, never stored, and telling nothing of
/// the secret. Every enrolled workstation holds it.
pub fn pseudonym_key(key: &SigningKey) -> [u8; 32] {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(b"ekn office applicant pseudonym key v1\0");
    hash.update(key.to_bytes());
    hash.finalize().into()
}

/// Makes the office key when the database has none and writes its secret to `file`; moves a
/// secret an older office kept in the database out to `file`; checks that `file` holds the key
/// the database names. Never makes a second key for a database that has one.
pub async fn ensure_office_key(client: &tokio_postgres::Client, file: &Path) -> Result<String, OfficeError> {
    let row = client.query_opt("SELECT secret, public_hex FROM office_key WHERE id = 1", &[]).await?;
    match row {
        None => {
            let secret: [u8; 32] = random_bytes()?;
            let key = SigningKey::from_bytes(&secret);
            let public = hex::encode(key.verifying_key().to_bytes());
            write_key_file(file, &secret)?;
            client
                .execute(
                    "INSERT INTO office_key(id, secret, public_hex) VALUES (1, NULL, $1) ON CONFLICT (id) DO NOTHING",
                    &[&public],
                )
                .await?;
            // Two migrators at once: the one that lost keeps the winner's key, never its own.
            load_checked(client, file).await.map(|_| public)
        }
        Some(row) => {
            let stored: Option<Vec<u8>> = row.get(0);
            let public: String = row.get(1);
            if let Some(secret) = stored {
                let secret: [u8; 32] = secret
                    .try_into()
                    .map_err(|_| OfficeError::Config("the office key in the database is damaged".into()))?;
                if !file.exists() {
                    write_key_file(file, &secret)?;
                }
                check_public(&read_key_file(file)?, &public, file)?;
                client.execute("UPDATE office_key SET secret = NULL WHERE id = 1", &[]).await?;
            }
            load_checked(client, file).await.map(|_| public)
        }
    }
}

/// The office key from `file`, checked against the public half the database names.
pub async fn load_checked(client: &tokio_postgres::Client, file: &Path) -> Result<SigningKey, OfficeError> {
    let public: Option<String> =
        client.query_opt("SELECT public_hex FROM office_key WHERE id = 1", &[]).await?.map(|r| r.get(0));
    let public = public.ok_or_else(|| {
        OfficeError::Config("the office has no key yet: run `ekn-office migrate --key-file FILE` as the owner".into())
    })?;
    let key = read_key_file(file)?;
    check_public(&key, &public, file)?;
    Ok(key)
}

fn check_public(key: &SigningKey, public: &str, file: &Path) -> Result<(), OfficeError> {
    if hex::encode(key.verifying_key().to_bytes()) != public {
        return Err(OfficeError::Config(format!(
            "{} holds another key than the one this office's workstations trust (public key {public}); restore the \
             office's own key file from its backup — a new key would be refused by every workstation",
            file.display()
        )));
    }
    Ok(())
}

fn write_key_file(file: &Path, secret: &[u8; 32]) -> Result<(), OfficeError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(file).map_err(|e| {
        OfficeError::Config(format!("cannot write the office key to {} ({e}); it is never overwritten", file.display()))
    })?;
    out.write_all(format!("{}\n", hex::encode(secret)).as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(|e| OfficeError::Config(format!("cannot write the office key to {}: {e}", file.display())))
}

fn read_key_file(file: &Path) -> Result<SigningKey, OfficeError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        OfficeError::Config(format!(
            "cannot read the office key {} ({e}); give --key-file (EKN_OFFICE_KEY_FILE) as at migrate",
            file.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).map(|m| m.permissions().mode()).unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(OfficeError::Config(format!(
                "{} may be read by other users (mode {:o}): chmod 600 it",
                file.display(),
                mode & 0o777
            )));
        }
    }
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| OfficeError::Config(format!("{} is not an office key (64 hex digits)", file.display())))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// The office's public key as the database names it.
pub async fn public_key<C: deadpool_postgres::GenericClient>(client: &C) -> Result<String, OfficeError> {
    Ok(client.query_one("SELECT public_hex FROM office_key WHERE id = 1", &[]).await?.get(0))
}

/// `N` bytes from the operating system's random generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], OfficeError> {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| OfficeError::Config(format!("no randomness: {e}")))?;
    Ok(bytes)
}
