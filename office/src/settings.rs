//! What the office sets once for every workstation, kept in `office_settings` and handed out with
//! every pull. Today that is the connectors' network: the extra CA bundle of an office whose
//! firewall inspects HTTPS, and its proxy. An administrator sets it on the server's console
//! (`ekn-office connectors-network --as NAME …`), checked by the same rules a workstation applies
//! to its own (certificates usable as trust anchors, no private key, no proxy password).

use chrono::{DateTime, Utc};
use ekn_connect::network::{NetworkSettings, NetworkSettingsExt};
use ekn_domain::sync::OfficeNetwork;

use crate::people::{Person, Role};
use crate::OfficeError;

const NETWORK: &str = "connectors.network";

/// The office's connector network settings, if an administrator ever set them.
pub async fn network<C: deadpool_postgres::GenericClient>(client: &C) -> Result<Option<OfficeNetwork>, OfficeError> {
    let Some(row) =
        client.query_opt("SELECT value, set_by, set_at FROM office_settings WHERE key = $1", &[&NETWORK]).await?
    else {
        return Ok(None);
    };
    let settings: NetworkSettings = serde_json::from_value(row.get(0))
        .map_err(|e| OfficeError::Config(format!("the office's network settings: {e}")))?;
    Ok(Some(OfficeNetwork { settings, set_by: row.get(1), set_at: row.get::<_, DateTime<Utc>>(2).to_rfc3339() }))
}

/// Sets the office's network settings, checked first; returns the bundle's fingerprints. Only
/// an administrator sets them; `settings` back to the defaults clears what the office hands out.
pub async fn set_network(
    client: &tokio_postgres::Client,
    by: &Person,
    settings: &NetworkSettings,
) -> Result<Vec<String>, OfficeError> {
    if by.role != Role::Admin {
        return Err(OfficeError::Config(format!(
            "{} is not an administrator: only one sets the office's network",
            by.name
        )));
    }
    let fingerprints = settings.check().map_err(|e| OfficeError::bad_request(e.0))?;
    let value = serde_json::to_value(settings).map_err(|e| OfficeError::Config(e.to_string()))?;
    client
        .execute(
            "INSERT INTO office_settings(key, value, set_by) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = now()",
            &[&NETWORK, &value, &by.name],
        )
        .await?;
    Ok(fingerprints)
}
