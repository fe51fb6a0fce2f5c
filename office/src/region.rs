//! The region an office publishes as on the national read-side (docs/NATIONAL.md): two digits of
//! KATO, checked wherever one is taken, and the one this office's database says it publishes as.
//! `national` sets it; the tables each part publishes (`national_acts`, `national_practice`) read it.

use crate::OfficeError;

/// A region's code: two digits, as KATO numbers regions (`19` Almaty region, `55` Pavlodar).
pub fn check_region(region: &str) -> Result<(), OfficeError> {
    if region.len() == 2 && region.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(OfficeError::bad_request(format!("a region is two digits of KATO (19, 55, 75), not {region:?}")))
    }
}

/// The region this office publishes as, if it publishes.
pub async fn published_region(client: &deadpool_postgres::Client) -> Result<Option<String>, OfficeError> {
    Ok(client.query_one("SELECT region FROM office_region WHERE id = 1", &[]).await?.get(0))
}
