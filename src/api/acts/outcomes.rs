//! Recording what became of an issued act (issue 39, tier 1: facts, never estimates): a person
//! records a stage's result (the addressee's answer, its consideration, a court's decision) with
//! its date, the measures it reports and the document that says so; an answer read from an
//! attached document proposes its outcome, which a person confirms by recording it. Every
//! outcome is append-only and journaled with its author.

use super::Acts;
use crate::api::session::handles::Read;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::verification::{
    satisfied_on, verify, ActCategory, ActFacts, ActVerification, DEFAULT_HORIZON_DAYS,
};
use crate::api::{ApiError, ErrorCode};
use crate::domain::journal::Entry;
use crate::domain::outcomes::{defect_mismatch, mismatch, ActResult, ActStage, Measures};
use crate::domain::reconcile::folded_number;
use crate::store::{About, ActOutcomeRow, IssuedAct, NewActOutcome};

/// Recording one outcome of an act (also the rpc's `act_outcome` parameters).
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ActOutcomeRequest {
    pub act: i64,
    pub stage: ActStage,
    pub result: ActResult,
    /// The day of the answer or decision; today when not given.
    pub on: Option<NaiveDate>,
    #[serde(default)]
    pub measures: Measures,
    /// The SHA-256 of a document attached to the act's object that says so.
    pub document: Option<String>,
    /// The fact (a confirmed `outcome` of a read answer) this records, when it came from one.
    pub from_fact: Option<i64>,
    /// The act was returned (rejected, withdrawn) or overturned for a formal defect.
    #[serde(default)]
    pub formal_defect: bool,
}

/// An outcome a read document proposes for an act: a confirmed answer that replies to the act's
/// number (or, for an act without a number, to its date) and says how it was met.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct OutcomeProposal {
    pub act_id: i64,
    pub stage: ActStage,
    pub result: ActResult,
    /// The answer's own confirmed date, if any.
    pub on: Option<String>,
    pub document: String,
    pub file_name: String,
    pub fact_id: i64,
    /// Which confirmed facts tie the answer to the act.
    pub why: String,
}

/// An act with what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActDetail {
    pub subject_bin: String,
    pub act: IssuedAct,
    /// Oldest first; the latest at each stage is in force.
    pub outcomes: Vec<ActOutcomeRow>,
    pub proposals: Vec<OutcomeProposal>,
    /// What later registry data say of it (tier 2), over the default horizon.
    pub verification: ActVerification,
}

/// Measures written as `disciplined=2,admin_cases=1,restored=150000.50,eliminated=да` (restored in
/// tenge; yes/no in any of the product's languages), read by the importers' own value parsers. Pairs
/// are separated by `;` when there is one (so a sum may carry a decimal comma), else by `,`.
pub fn parse_measures(text: &str) -> Result<Measures, ApiError> {
    use crate::ingest::values::{parse_count, parse_tenge, parse_yes_no};
    let bad = |why: String| ApiError::invalid(format!("measures: {why}"));
    let mut m = Measures::default();
    let separator = if text.contains(';') { ';' } else { ',' };
    for pair in text.split(separator).map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').ok_or_else(|| bad(format!("'{pair}' is not key=value")))?;
        let key = key.trim();
        let field = |e: String| bad(format!("{key}: {e}"));
        match key {
            "disciplined" => m.disciplined = Some(parse_count(value).map_err(field)?),
            "admin_cases" => m.admin_cases = Some(parse_count(value).map_err(field)?),
            "restored" => m.restored_tiyn = Some(parse_tenge(value).map_err(field)?),
            "eliminated" => m.eliminated = Some(parse_yes_no(value).map_err(field)?),
            other => return Err(bad(format!("no measure '{other}'; disciplined, admin_cases, restored, eliminated"))),
        }
    }
    Ok(m)
}

impl Acts<'_> {
    /// An act with its outcomes, what read documents propose for it, and what later data say of it
    /// over `horizon_days` (a year when not given) — `ekn act show`.
    pub fn detail_over(&self, act_id: i64, horizon_days: Option<u64>) -> Result<ActDetail, ApiError> {
        let (bin, subject_id, act) = self.read().act_of(act_id)?;
        let horizon = horizon_days.unwrap_or(DEFAULT_HORIZON_DAYS).clamp(1, 3650);
        let outcomes: Vec<ActOutcomeRow> = self
            .read()
            .store()
            .act_outcomes_of_subject(subject_id)?
            .into_iter()
            .filter(|o| o.act_id == act_id)
            .collect();
        let proposals = self.read().outcome_proposals(subject_id, std::slice::from_ref(&act), &outcomes)?;
        let card = self.read().card_content(&bin)?;
        let verification =
            self.read()
                .act_verifications(&card, std::slice::from_ref(&act), &outcomes, horizon)
                .pop()
                .ok_or_else(|| ApiError::new(ErrorCode::Corrupt, format!("act {act_id} has no readable dates")))?;
        self.read().logged().card_part(&bin, &format!("act {act_id}"))?;
        Ok(ActDetail { subject_bin: bin, act, outcomes, proposals, verification })
    }

    /// An act with its outcomes and verification over the default horizon.
    pub fn detail(&self, act_id: i64) -> Result<ActDetail, ApiError> {
        self.detail_over(act_id, None)
    }

    /// Records what became of an act at one stage; journaled with its author.
    pub fn record_outcome(&mut self, request: &ActOutcomeRequest) -> Result<ActDetail, ApiError> {
        let (bin, subject_id, act) = self.read().act_of(request.act)?;
        if let Some(why) = mismatch(request.stage, request.result) {
            return Err(ApiError::invalid(why));
        }
        if let Some(why) = request.formal_defect.then(|| defect_mismatch(request.result)).flatten() {
            return Err(ApiError::invalid(why));
        }
        let on = request.on.unwrap_or_else(|| self.read().today());
        let issued_on = NaiveDate::parse_from_str(&act.issued_on, "%Y-%m-%d")
            .map_err(|_| ApiError::new(ErrorCode::Corrupt, format!("act {} has no readable issue date", act.id)))?;
        if on < issued_on {
            return Err(ApiError::invalid(format!("an outcome on {on} comes before the act was issued ({issued_on})")));
        }
        if on > self.read().today() {
            return Err(ApiError::invalid(format!("an outcome on {on} is in the future")));
        }
        let m = request.measures;
        if m.disciplined.is_some_and(|n| n > 10_000) || m.admin_cases.is_some_and(|n| n > 10_000) {
            return Err(ApiError::invalid("measures: at most 10,000 people or cases"));
        }
        if m.restored_tiyn.is_some_and(|t| !(0..=i64::MAX / 2).contains(&t)) {
            return Err(ApiError::invalid("measures: the amount restored is not a sum of money"));
        }
        let document = request.document.as_deref().map(|d| d.trim().to_ascii_lowercase());
        if let Some(sha) = &document {
            if !self.read().store().attachments(subject_id)?.iter().any(|a| &a.sha256 == sha) {
                return Err(ApiError::invalid(format!("document {sha} is not attached to {bin}; attach it first")));
            }
        }
        // From a read answer: the proposal must stand for this act, and it names the document.
        let (source, document) = match request.from_fact {
            Some(fact) => {
                let recorded = self.read().store().act_outcomes_of_subject(subject_id)?;
                let proposal = self
                    .read()
                    .outcome_proposals(subject_id, std::slice::from_ref(&act), &recorded)?
                    .into_iter()
                    .find(|p| p.fact_id == fact)
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "fact {fact} proposes no outcome for act {} (see `ekn act show`)",
                            act.id
                        ))
                    })?;
                if document.as_deref().is_some_and(|d| d != proposal.document) {
                    return Err(ApiError::invalid(format!("fact {fact} is from another document")));
                }
                ("document", Some(proposal.document))
            }
            None => ("person", document),
        };
        let entry = Entry::ActOutcome {
            act_id: act.id,
            subject_bin: bin.clone(),
            stage: request.stage.code().into(),
            result: request.result.code().into(),
            on,
            measures: m,
            document: document.clone(),
            source: source.into(),
            import_id: None,
            formal_defect: request.formal_defect,
        };
        self.journal().run(|w| {
            w.insert_act_outcome(&NewActOutcome {
                act_id: act.id,
                stage: request.stage.code(),
                result: request.result.code(),
                on: &on.to_string(),
                measures: m,
                document: document.as_deref(),
                source,
                import: None,
                formal_defect: request.formal_defect,
            })?;
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        self.detail(act.id)
    }
}

impl Read<'_> {
    fn act_of(&self, act_id: i64) -> Result<(String, i64, IssuedAct), ApiError> {
        self.store().issued_act(act_id)?.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("no issued act {act_id} (the card lists the acts issued)"))
        })
    }

    /// What the object's registry rows say after each of its acts (tier 2), over `horizon_days`.
    pub(in crate::api) fn act_verifications(
        &self,
        card: &crate::domain::card::Card,
        acts: &[IssuedAct],
        outcomes: &[ActOutcomeRow],
        horizon_days: u64,
    ) -> Vec<ActVerification> {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        acts.iter()
            .filter_map(|a| {
                let mut own: Vec<&ActOutcomeRow> = outcomes.iter().filter(|o| o.act_id == a.id).collect();
                own.sort_by_key(|o| o.id);
                let facts = ActFacts {
                    act_id: a.id,
                    issued_on: day(&a.issued_on)?,
                    response_due: a.response_due.as_deref().and_then(day),
                    category: ActCategory::of(a.category.as_deref()),
                    satisfied_on: satisfied_on(
                        own.iter().filter_map(|o| Some((o.stage.as_str(), o.result.as_str(), day(&o.on)?))),
                    ),
                };
                Some(verify(&facts, &card.inspections, &card.appeals, horizon_days, self.today()))
            })
            .collect()
    }

    /// What later data say of an act over the default horizon, without logging a card read (a
    /// part of a task's detail).
    pub(in crate::api) fn act_verification_of(&self, act_id: i64) -> Result<ActVerification, ApiError> {
        let (bin, subject_id, act) = self.act_of(act_id)?;
        let card =
            self.store().card(&bin)?.ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no object {bin}")))?;
        let outcomes = self.store().act_outcomes_of_subject(subject_id)?;
        self.act_verifications(&card, std::slice::from_ref(&act), &outcomes, DEFAULT_HORIZON_DAYS)
            .pop()
            .ok_or_else(|| ApiError::new(ErrorCode::Corrupt, format!("act {act_id} has no readable dates")))
    }
}

impl Read<'_> {
    /// The outcomes the object's read answers propose for its acts, not recorded yet.
    pub(in crate::api) fn outcome_proposals(
        &self,
        subject_id: i64,
        acts: &[IssuedAct],
        recorded: &[ActOutcomeRow],
    ) -> Result<Vec<OutcomeProposal>, ApiError> {
        let confirmed = self.store().confirmed_facts(subject_id)?;
        let text_of = |sha: &str, kind: &str| {
            confirmed
                .iter()
                .find(|(f, _, s)| s == sha && f.kind == kind)
                .and_then(|(f, _, _)| serde_json::from_str::<String>(&f.value).ok())
        };
        let mut out = Vec::new();
        for (fact, file_name, sha) in confirmed.iter().filter(|(f, _, _)| f.kind == "outcome") {
            let Some(result) = serde_json::from_str::<String>(&fact.value).ok().and_then(|r| ActResult::from_code(&r))
            else {
                continue;
            };
            let reply_no = text_of(sha, "in_reply_to_number").map(|n| folded_number(&n));
            let reply_date = text_of(sha, "in_reply_to_date");
            for act in acts {
                let by_number =
                    act.number.as_deref().is_some_and(|n| reply_no.as_deref() == Some(folded_number(n).as_str()));
                let by_date = act.number.is_none() && reply_date.as_deref() == Some(act.issued_on.as_str());
                let already = recorded.iter().any(|o| o.act_id == act.id && o.document.as_deref() == Some(sha));
                if (by_number || by_date) && !already {
                    out.push(OutcomeProposal {
                        act_id: act.id,
                        stage: ActStage::Answer,
                        result,
                        on: text_of(sha, "date"),
                        document: sha.clone(),
                        file_name: file_name.clone(),
                        fact_id: fact.id,
                        why: if by_number {
                            "the answer replies to the act's number".into()
                        } else {
                            "the answer replies to a letter of the act's date".into()
                        },
                    });
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_are_read_like_an_imports_values_and_a_bad_one_is_named() {
        let m = parse_measures("disciplined=2, admin_cases=1,restored=150000.50, eliminated=да").unwrap();
        assert_eq!(m.restored_tiyn, Some(15_000_050));
        let m = parse_measures("disciplined=2;admin_cases=1;restored=150 000,50;eliminated=иә").unwrap();
        assert_eq!(
            m,
            Measures {
                disciplined: Some(2),
                admin_cases: Some(1),
                restored_tiyn: Some(15_000_050),
                eliminated: Some(true)
            }
        );
        assert!(parse_measures("restored=-5").unwrap_err().message.contains("restored"));
        assert!(parse_measures("disciplined=two").unwrap_err().message.contains("disciplined"));
        assert!(parse_measures("fired=1").unwrap_err().message.contains("no measure 'fired'"));
        assert_eq!(parse_measures("").unwrap(), Measures::default());
    }
}
