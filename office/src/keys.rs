//! The office's own ed25519 key, made once at the first migration and never replaced silently:
//! with it the office cosigns each workstation checkpoint it witnessed, and a workstation learns
//! its public half when it joins.

use ed25519_dalek::SigningKey;
use rand::TryRngCore;

use crate::error::OfficeError;

/// Makes the office key when there is none (a second call changes nothing).
pub async fn ensure_office_key(client: &tokio_postgres::Client) -> Result<(), OfficeError> {
    let secret: [u8; 32] = random_bytes()?;
    let key = SigningKey::from_bytes(&secret);
    let public = hex::encode(key.verifying_key().to_bytes());
    client
        .execute(
            "INSERT INTO office_key(id, secret, public_hex) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
            &[&secret.as_slice(), &public],
        )
        .await?;
    Ok(())
}

/// The office key, read inside a transaction (as the application role).
pub async fn office_key(tx: &deadpool_postgres::Transaction<'_>) -> Result<SigningKey, OfficeError> {
    let row = tx.query_one("SELECT secret FROM office_key WHERE id = 1", &[]).await?;
    let secret: Vec<u8> = row.get(0);
    let bytes: [u8; 32] =
        secret.try_into().map_err(|_| OfficeError::Config("the office key in the database is damaged".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// `N` bytes from the operating system's random generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], OfficeError> {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| OfficeError::Config(format!("no randomness: {e}")))?;
    Ok(bytes)
}
