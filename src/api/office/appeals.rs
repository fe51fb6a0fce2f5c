//! The appeals this workstation holds, carried to its office as facts without a person in them
//! (`AppealFactWire`: number, object, place, category, days, outcome, the applicant's keyed
//! pseudonym and the text's SimHash — never a text, a name or an IIN), so the office counts
//! what rests on appeals over every workstation (the effectiveness report's appeals checks and
//! estimate; docs/OFFICE.md, "Appeals at the office"). Only the appeals of the person's
//! districts go (an appeal without a place goes too; the office places it in the person's own
//! district), and only those new or changed since the office last took them.

use super::client::{Auth, OfficeClient};
use super::Office;
use crate::api::ApiError;
use crate::domain::sync::{in_scope, AppealsReceipt, MAX_APPEAL_FACTS};

impl Office<'_> {
    /// Sends the appeals the office lacks or holds otherwise; returns what the office made of them.
    pub(super) fn send_appeals<'a>(
        &mut self,
        client: &OfficeClient,
        auth: &dyn Fn() -> Auth<'a>,
        districts: &[String],
        held_at_office: Option<u64>,
    ) -> Result<AppealsReceipt, ApiError> {
        let mut sent = self.read().store().office_appeals_sent()?;
        // The office holds fewer than were handed over (restored from a backup): all again.
        if held_at_office.is_some_and(|held| held < sent.len() as u64) {
            tracing::warn!("the office holds fewer appeals than were handed over; handing them all over again");
            sent.clear();
        }
        // What triage found in each (harm or a threat; a repeat), for the theme scores at the office.
        let flags =
            self.read().store().appeal_flags(&crate::analytics::themes::ScoringWeights::builtin().severity_rules)?;
        let due: Vec<_> = self
            .read()
            .store()
            .appeal_facts_for_office(&flags)?
            .into_iter()
            .filter(|a| a.place.as_deref().is_none_or(|k| in_scope(k, districts)))
            .filter(|a| sent.get(&a.facts.appeal_no) != Some(&a.fingerprint))
            .collect();
        let mut total = AppealsReceipt::default();
        for batch in due.chunks(MAX_APPEAL_FACTS) {
            let facts: Vec<_> = batch.iter().map(|a| &a.facts).collect();
            let receipt: AppealsReceipt = client.call("POST", "/v1/appeals", Some(&facts), auth())?;
            let done: Vec<(&str, &str)> = batch
                .iter()
                .filter(|a| !receipt.not_taken.contains(&a.facts.appeal_no))
                .map(|a| (a.facts.appeal_no.as_str(), a.fingerprint.as_str()))
                .collect();
            self.journal().store().record_appeals_sent(&done)?;
            total.stored += receipt.stored;
            total.unchanged += receipt.unchanged;
            total.outside += receipt.outside;
        }
        Ok(total)
    }
}
