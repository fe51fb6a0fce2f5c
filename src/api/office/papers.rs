//! An appeal travels with its SLA task (`domain::papers`; docs/OFFICE.md, "An appeal travels with
//! its task"). At each sync the workstation that holds an appeal whose deadline task the office
//! gave to a colleague hands the office the appeal's paper — masked text, category, route,
//! priority, status, decisions; never the applicant — sending only new or changed ones and
//! withdrawing those whose task came back; then it takes the papers of the tasks assigned to its
//! own person, checks each (the office is a peer like any other) and keeps them in place of the
//! ones it had, so the assignee reads the appeal beside the task (`TaskDetail::appeal_paper`).

use super::Office;
use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::client::{Auth, OfficeClient};
use crate::api::{ApiError, ErrorCode};
use crate::domain::papers::{
    check, fit_text, AppealPaper, PaperDecision, PapersPage, PapersReceipt, PapersRequest, MAX_HELD_PAPERS, MAX_PAPERS,
    MAX_PAPER_DECISIONS,
};

/// What a sync did with papers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct PapersSynced {
    /// Handed to the office (new or changed).
    pub sent: usize,
    pub withdrawn: usize,
    /// Held here from colleagues after the sync.
    pub held: usize,
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
}

impl Office<'_> {
    /// The paper of one appeal held here, for the task `task_key`.
    fn appeal_paper(&self, appeal_no: &str, task_key: &str) -> Result<Option<AppealPaper>, ApiError> {
        let card = self.read().appeal_card_unlogged(appeal_no)?;
        let Some(received) = day(&card.received) else { return Ok(None) };
        let category_source = serde_json::to_value(card.category_source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "none".into());
        let skip = card.decisions.len().saturating_sub(MAX_PAPER_DECISIONS);
        Ok(Some(AppealPaper {
            appeal_no: card.appeal_no,
            task_key: task_key.to_string(),
            received,
            kato: card.kato.filter(|k| !k.trim().is_empty()),
            subject_bin: card.subject_bin,
            applicant_category: card.applicant_category,
            text: card.text.as_deref().map(fit_text),
            masked: card.masked,
            category: card.category,
            category_source,
            priority: card.priority_level,
            priority_points: card.priority_points,
            route_unit: card.route_unit,
            route_by_person: card.route_by_person,
            status: card.status,
            decided: card.decided.as_deref().and_then(day),
            outcome: card.outcome,
            decisions: card
                .decisions
                .into_iter()
                .skip(skip)
                .map(|d| PaperDecision {
                    aspect: d.aspect,
                    value: d.value,
                    basis: d.basis,
                    decided_at: d.decided_at,
                    author: d.author,
                    reason: d.reason,
                })
                .collect(),
        }))
    }

    /// Hands the office the papers of this workstation's appeals whose task went to a colleague,
    /// withdraws those whose task came back, then takes the papers of the person's own assigned
    /// tasks in place of those it had.
    pub(super) fn sync_papers<'a>(
        &mut self,
        client: &OfficeClient,
        auth: &dyn Fn() -> Auth<'a>,
        me: &str,
    ) -> Result<PapersSynced, ApiError> {
        let mut synced = PapersSynced::default();
        let sent = self.read().store().office_papers_sent()?;
        let mut due = Vec::new();
        let mut standing = HashSet::new();
        for (appeal_no, task_key) in self.read().store().appeals_assigned_away(me)? {
            let Some(paper) = self.appeal_paper(&appeal_no, &task_key)? else { continue };
            // What this workstation cannot vouch for is not handed over (the office would refuse it).
            if let Some((field, problem)) = check(&paper) {
                tracing::warn!(field, problem = problem.as_str(), "an appeal's paper was not handed to the office");
                continue;
            }
            standing.insert(task_key.clone());
            let json = serde_json::to_vec(&paper).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            let fingerprint = hex::encode(Sha256::digest(&json));
            if sent.get(&task_key) != Some(&fingerprint) {
                due.push((paper, fingerprint));
            }
        }
        let mut withdrawn: Vec<String> = sent.keys().filter(|k| !standing.contains(*k)).cloned().collect();
        withdrawn.sort();
        let mut batches: Vec<&[(AppealPaper, String)]> = due.chunks(MAX_PAPERS).collect();
        if batches.is_empty() && !withdrawn.is_empty() {
            batches.push(&[]);
        }
        for (i, batch) in batches.into_iter().enumerate() {
            let request = PapersRequest {
                papers: batch.iter().map(|(p, _)| p.clone()).collect(),
                withdrawn: if i == 0 { std::mem::take(&mut withdrawn) } else { Vec::new() },
            };
            let receipt: PapersReceipt = client.call("POST", "/v1/appeals/papers", Some(&request), auth())?;
            let refused: HashSet<&str> = receipt.refused.iter().map(|r| r.task_key.as_str()).collect();
            let taken: Vec<(&str, &str)> = batch
                .iter()
                .filter(|(p, _)| !refused.contains(p.task_key.as_str()))
                .map(|(p, f)| (p.task_key.as_str(), f.as_str()))
                .collect();
            let gone: Vec<&str> = request.withdrawn.iter().map(String::as_str).collect();
            self.journal().store().record_papers_sent(&taken, &gone)?;
            synced.sent += receipt.stored;
            synced.withdrawn += receipt.withdrawn;
        }

        // The papers given to this person, every page, checked before any is kept.
        let mut held = Vec::new();
        let mut after = String::new();
        loop {
            let path = format!("/v1/appeals/papers?after={}", super::percent_path(&after));
            let page: PapersPage = client.call("GET", &path, None::<&()>, auth())?;
            let refuse = |why: String| ApiError::new(ErrorCode::OfficeRefused, format!("the office's papers: {why}"));
            if page.papers.len() > MAX_PAPERS || held.len() + page.papers.len() > MAX_HELD_PAPERS {
                return Err(refuse(format!(
                    "more than an office gives ({MAX_PAPERS} a page, {MAX_HELD_PAPERS} in all)"
                )));
            }
            for p in &page.papers {
                if let Some((field, problem)) = check(&p.paper) {
                    return Err(refuse(format!("appeal {}: {field}: {problem}", p.paper.appeal_no)));
                }
                let plain =
                    |t: &str, max: usize| !t.is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control);
                if !plain(&p.holder, 200) || !plain(&p.updated_at, 40) || p.paper.task_key <= after {
                    return Err(refuse(format!("appeal {}: holder, time or order", p.paper.appeal_no)));
                }
                after = p.paper.task_key.clone();
            }
            held.extend(page.papers);
            if !page.more {
                break;
            }
        }
        self.journal().store().replace_remote_appeals(&held)?;
        synced.held = self.read().store().remote_appeal_count()?;
        Ok(synced)
    }
}
