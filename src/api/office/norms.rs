//! The norms catalogue the office confirmed, taken by this workstation: every pull names the
//! catalogue in force at the office (its SHA-256, file, who imported it and when); when this
//! workstation has not taken that one yet, the sync fetches it (`GET /v1/norms`) and hands it to
//! `take_office_norms`, which checks it again, stores it, journals whom it came from and recounts
//! what the change of law allows. A catalogue this workstation cannot use is reported in the sync's
//! report, not applied; colleagues' work still flows.

use super::client::{Auth, OfficeClient};
use super::Office;
use crate::api::{ApiError, ErrorCode};
use crate::domain::sync::{OfficeNormsDocument, OfficeNormsNotice};

/// What a sync did with the office's catalogue.
pub(super) enum NormsTaken {
    /// Already held (or the office confirmed none).
    Held,
    /// Taken: its SHA-256.
    Taken(String),
    /// Not applied, and why.
    Refused(String),
}

impl Office<'_> {
    pub(super) fn take_office_catalogue<'a>(
        &mut self,
        client: &OfficeClient,
        auth: &dyn Fn() -> Auth<'a>,
        named: Option<&OfficeNormsNotice>,
    ) -> Result<NormsTaken, ApiError> {
        let Some(named) = named else { return Ok(NormsTaken::Held) };
        if self.read().store().latest_office_norm_catalog()?.is_some_and(|held| held.sha256 == named.sha256) {
            return Ok(NormsTaken::Held);
        }
        // The catalogue in force at the office may have changed since the pull named one: take
        // whichever it sends now, as long as it is whole (checked against its own notice). An answer
        // the office refuses or that is not understood is this catalogue's failure, not the sync's.
        let taken = client
            .call::<OfficeNormsDocument>("GET", "/v1/norms", None::<&()>, auth())
            .and_then(|sent| self.kernel.lend().deadlines().take_office_norms(&sent));
        match taken {
            Ok(report) => Ok(NormsTaken::Taken(report.sha256)),
            Err(e) if e.code == ErrorCode::OfficeRefused => {
                tracing::warn!(reason = e.message.as_str(), "the office's norms catalogue was not applied");
                Ok(NormsTaken::Refused(e.message))
            }
            Err(e) => Err(e),
        }
    }
}
