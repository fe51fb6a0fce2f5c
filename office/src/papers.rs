//! An appeal travels with its SLA task (`ekn_domain::papers`; docs/OFFICE.md, "An appeal travels
//! with its task"). The workstation that holds an appeal hands over the appeal's paper when the
//! appeal's deadline task is assigned to someone else (`POST /v1/appeals/papers`), and the office
//! gives it to that person (`GET /v1/appeals/papers`) and to no one else.
//!
//! Nothing the holder says decides who reads it: the office takes a paper only for a task that
//! workstation itself pushed (`office_tasks`), only while the task is assigned to someone other
//! than the sender's person (`assignments`), and only for an appeal within the sender's districts
//! (placed like the appeal's facts). Who reads a paper is row-level security's answer: the
//! current assignee of its task, and the holder. A reassignment moves it with the task; a
//! destruction act deletes it (`retention`).

use ekn_domain::papers::{
    check, HeldPaper, PaperRefusal, PapersPage, PapersReceipt, PapersRequest, MAX_HELD_PAPERS, MAX_PAPERS,
};
use ekn_domain::sync::in_scope;

use crate::db::scoped;
use crate::error::OfficeError;
use crate::people::Caller;

/// Takes a holder's papers and withdrawals.
pub async fn receive(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    request: &PapersRequest,
) -> Result<PapersReceipt, OfficeError> {
    let Some(ws) = &caller.workstation else {
        return Err(OfficeError::forbidden("an appeal's paper is handed over by the workstation that holds it"));
    };
    if request.papers.len() > MAX_PAPERS {
        return Err(OfficeError::bad_request(format!("at most {MAX_PAPERS} papers a request")));
    }
    if request.withdrawn.len() > MAX_HELD_PAPERS || request.withdrawn.iter().any(|k| k.len() > 200) {
        return Err(OfficeError::bad_request(format!(
            "at most {MAX_HELD_PAPERS} withdrawn task keys a request, each at most 200 bytes"
        )));
    }
    let mut keys = std::collections::HashSet::new();
    for (i, paper) in request.papers.iter().enumerate() {
        if let Some((field, why)) = check(paper) {
            return Err(OfficeError::bad_request(format!(
                "paper {} of the batch (appeal {}), field {field}: {why}",
                i + 1,
                paper.appeal_no
            )));
        }
        if !keys.insert(paper.task_key.as_str()) {
            return Err(OfficeError::bad_request(format!("task {} has two papers in the batch", paper.task_key)));
        }
    }
    let home = caller.home_district();
    let mut receipt = PapersReceipt::default();
    let tx = scoped(client, &caller.scope()).await?;
    if !request.withdrawn.is_empty() {
        receipt.withdrawn = tx
            .execute("DELETE FROM office_appeal_papers WHERE task_key = ANY($1) AND ws = $2", &[&request.withdrawn, ws])
            .await? as usize;
    }
    let held = tx.prepare("SELECT 1 FROM office_tasks WHERE object_key = $1 AND ws = $2").await?;
    let assigned = tx.prepare("SELECT person_id FROM assignments WHERE object_key = $1").await?;
    let store = tx
        .prepare(
            "INSERT INTO office_appeal_papers(task_key, ws, appeal_no, district, paper) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (task_key, ws) DO UPDATE SET appeal_no = excluded.appeal_no, district = excluded.district, \
               paper = excluded.paper, updated_at = now() \
             WHERE office_appeal_papers.paper <> excluded.paper OR office_appeal_papers.district IS DISTINCT FROM excluded.district",
        )
        .await?;
    for paper in &request.papers {
        let refuse = |reason: &str| PaperRefusal { task_key: paper.task_key.clone(), reason: reason.into() };
        if tx.query_opt(&held, &[&paper.task_key, ws]).await?.is_none() {
            receipt.refused.push(refuse("not_held"));
            continue;
        }
        let assignee: Option<i64> = tx.query_opt(&assigned, &[&paper.task_key]).await?.map(|r| r.get(0));
        if assignee.is_none_or(|p| p == caller.person.id) {
            receipt.refused.push(refuse("not_assigned"));
            continue;
        }
        let district = match &paper.kato {
            Some(kato) if in_scope(kato, &caller.person.districts) => Some(kato.clone()),
            Some(_) => {
                receipt.refused.push(refuse("outside"));
                continue;
            }
            None => home.clone(),
        };
        let body = serde_json::to_value(paper).map_err(|e| OfficeError::Config(e.to_string()))?;
        tx.execute(&store, &[&paper.task_key, ws, &paper.appeal_no, &district, &body]).await?;
        receipt.stored += 1;
    }
    tx.commit().await?;
    Ok(receipt)
}

/// The papers of the tasks assigned to the caller, after the task key `after`, one per task (the
/// newest, should two workstations hold the appeal), a page at a time.
pub async fn given(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    after: &str,
) -> Result<PapersPage, OfficeError> {
    let tx = scoped(client, &caller.scope()).await?;
    // Row-level security leaves the caller's assigned tasks' papers and their own; their own
    // workstation's are not given back to it.
    let rows = tx
        .query(
            "SELECT DISTINCT ON (p.task_key) p.paper, p.updated_at, pe.name \
             FROM office_appeal_papers p JOIN workstations w ON w.id = p.ws JOIN people pe ON pe.id = w.person_id \
             WHERE p.task_key > $1 AND p.ws IS DISTINCT FROM $2 \
               AND p.task_key IN (SELECT a.object_key FROM assignments a WHERE a.person_id = $3) \
             ORDER BY p.task_key, p.updated_at DESC LIMIT $4",
            &[&after, &caller.workstation, &caller.person.id, &(MAX_PAPERS as i64 + 1)],
        )
        .await?;
    tx.commit().await?;
    let mut papers = Vec::with_capacity(rows.len().min(MAX_PAPERS));
    for row in rows.iter().take(MAX_PAPERS) {
        let paper =
            serde_json::from_value(row.get(0)).map_err(|e| OfficeError::Config(format!("a stored paper: {e}")))?;
        let updated_at: chrono::DateTime<chrono::Utc> = row.get(1);
        papers.push(HeldPaper { holder: row.get(2), updated_at: updated_at.to_rfc3339(), paper });
    }
    Ok(PapersPage { more: rows.len() > MAX_PAPERS, papers })
}
