//! A confirmed period of a document opens a task: "в течение 10 рабочих дней" in an answer becomes
//! a task whose due date the deadline engine counts from the date the person names (the
//! document's own confirmed date unless they name another). Only a person's confirmed value is
//! used — a proposed fact never starts a clock — and one fact opens one task.

use super::Evidence;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::api::tasks::{write_task, CreatedTasks, NewTaskRequest};
use crate::api::ApiError;
use crate::domain::deadline::{Period, Unit};
use crate::domain::tasks::TaskKind;

/// What opening a task from a fact asks (also the rpc's `fact_task` parameters).
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TaskFromFact {
    pub fact: i64,
    /// The object, when the document is attached to more than one.
    pub bin: Option<String>,
    /// `follow_up` unless another kind is named.
    pub kind: Option<TaskKind>,
    /// The date the period runs from; the document's confirmed date when not given.
    pub from: Option<NaiveDate>,
    pub assignee: String,
    pub unit: String,
    pub title: Option<String>,
}

/// The task opened and the date its period was counted from, with why that date.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct FactTask {
    pub fact: i64,
    pub created: CreatedTasks,
    pub counted_from: NaiveDate,
    /// `given` (the person named it) or `document_date` (the document's confirmed date).
    pub from_source: String,
}

/// A confirmed period's JSON value as the deadline engine's period.
fn period_of(value: &serde_json::Value) -> Option<Period> {
    let amount = u32::try_from(value.get("value")?.as_u64()?).ok()?;
    let unit = match value.get("unit")?.as_str()? {
        "working_days" => Unit::WorkingDays,
        "calendar_days" => Unit::CalendarDays,
        "months" => Unit::Months,
        _ => return None,
    };
    Some(Period { amount, unit })
}

/// A period as a task's title says it (titles are Russian, like the product's other default titles).
fn in_russian(period: Period) -> String {
    let unit = match period.unit {
        Unit::WorkingDays => "раб. дн.",
        Unit::CalendarDays => "календ. дн.",
        Unit::Months => "мес.",
    };
    format!("{} {unit}", period.amount)
}

impl Evidence<'_> {
    /// Opens a task with the period a person confirmed from a document.
    pub fn task_from_fact(&mut self, request: &TaskFromFact) -> Result<FactTask, ApiError> {
        let (bin, subject_id, sha256, kind, file_name) = self.fact_subject(request.fact, request.bin.as_deref())?;
        if kind != "period" {
            return Err(ApiError::invalid(format!("fact {} is a {kind}; only a period opens a task", request.fact)));
        }
        let fact = self.fact_row(request.fact, subject_id)?;
        if fact.status != "confirmed" {
            return Err(ApiError::invalid(format!(
                "fact {} is {}: confirm the period first (`ekn docs confirm {}`)",
                request.fact, fact.status, request.fact
            )));
        }
        if let Some(task) = fact.task_id {
            return Err(ApiError::invalid(format!("fact {} has opened task {task} already", request.fact)));
        }
        let value: serde_json::Value = serde_json::from_str(&fact.value)
            .map_err(|_| ApiError::invalid(format!("fact {} holds no period", request.fact)))?;
        let period =
            period_of(&value).ok_or_else(|| ApiError::invalid(format!("fact {} holds no period", request.fact)))?;
        let (counted_from, from_source) = match request.from {
            Some(date) => (date, "given"),
            None => {
                let date = self
                    .read().store()
                    .confirmed_facts(subject_id)?
                    .into_iter()
                    .find(|(f, _, sha)| *sha == sha256 && f.kind == "date")
                    .and_then(|(f, _, _)| serde_json::from_str::<String>(&f.value).ok())
                    .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "«{file_name}» has no confirmed date: confirm it, or give the date the period runs from (--from)"
                        ))
                    })?;
                (date, "document_date")
            }
        };
        let task_request = NewTaskRequest {
            kind: request.kind.unwrap_or(TaskKind::FollowUp),
            title: Some(request.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
                format!("Срок по документу «{file_name}» (факт {}): {}", request.fact, in_russian(period))
            })),
            subject_bin: Some(bin.clone()),
            appeal_no: None,
            assignee: request.assignee.clone(),
            // As when accepting a suggested step: a workstation without a unit set files it under "—".
            unit: Some(request.unit.trim()).filter(|u| !u.is_empty()).unwrap_or("—").to_string(),
            norm: None,
            period: Some(period),
            event_date: Some(counted_from),
            depends_on: Vec::new(),
        };
        if task_request.assignee.trim().is_empty() {
            return Err(ApiError::invalid("choose who takes the task (--assignee; Settings → me)"));
        }
        let plan = self.read().plan_task(&task_request)?;
        let proposed = fact.proposed.clone();
        let ids = self.journal().run(|w| {
            let ids = write_task(w, &plan)?;
            w.insert_fact_task(subject_id, &sha256, "period", &proposed, ids[0])?;
            Ok(ids)
        })?;
        Ok(FactTask {
            fact: request.fact,
            created: self.read().created(ids)?,
            counted_from,
            from_source: from_source.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_value_becomes_the_engines_period_and_nothing_else_does() {
        let p = period_of(&serde_json::json!({"value": 10, "unit": "working_days"})).unwrap();
        assert_eq!((p.amount, p.unit), (10, Unit::WorkingDays));
        assert_eq!(period_of(&serde_json::json!({"value": 1, "unit": "months"})).unwrap().unit, Unit::Months);
        assert!(period_of(&serde_json::json!({"value": 10, "unit": "weeks"})).is_none());
        assert!(period_of(&serde_json::json!({"value": -1, "unit": "months"})).is_none());
        assert!(period_of(&serde_json::json!("10 days")).is_none());
    }
}
