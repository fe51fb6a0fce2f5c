//! Storing tasks: loading the whole graph, the task's history (a view of the journal), and the
//! task writes of the one write path, so a task, its dependencies and its journal entries are
//! written together or not at all.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, StoreError, Write};
use crate::domain::deadline::{Period, Suspension, Unit};
use crate::domain::journal::PERSONAL_PLACEHOLDER;
use crate::domain::tasks::{Task, TaskKind, TaskStatus};

/// A task to create; its due date is already computed.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub kind: TaskKind,
    pub title: String,
    pub subject_id: Option<i64>,
    pub appeal_id: Option<i64>,
    pub assignee: String,
    pub unit: String,
    pub region_code: Option<String>,
    pub category: Option<String>,
    pub norm_id: Option<String>,
    /// The version of the norm the task is counted under: its first day in force.
    pub norm_version: Option<NaiveDate>,
    /// The period is the one the act set, as the norm lets it.
    pub period_set_by_act: bool,
    pub period: Period,
    pub event_date: NaiveDate,
    pub due: NaiveDate,
}

/// What a task keeps of the law it is counted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskLaw {
    /// The version of its norm it is counted under (its first day in force); None for a task made
    /// before versions by date, which is counted under the version in force on its trigger.
    pub norm_version: Option<NaiveDate>,
    /// The day of the decision that last extended it.
    pub extension_decided: Option<NaiveDate>,
    /// Its period is the one the act set, as its norm lets it.
    pub period_set_by_act: bool,
}

/// What the store knows about an appeal that a task is about.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealFacts {
    pub id: i64,
    pub subject_id: Option<i64>,
    pub received: NaiveDate,
    pub region_code: Option<String>,
    pub category: Option<String>,
}

/// One entry of a task's history: a view of the journal's entries about the task.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct LogEntry {
    pub seq: i64,
    pub at: String,
    /// Who: the person and the face they came through.
    pub person: String,
    pub face: String,
    pub action: String,
    pub old_due: Option<NaiveDate>,
    pub new_due: Option<NaiveDate>,
    pub detail: Option<String>,
}

fn unit_code(unit: Unit) -> &'static str {
    match unit {
        Unit::WorkingDays => "working_days",
        Unit::CalendarDays => "calendar_days",
        Unit::Months => "months",
    }
}

fn unit_from_code(code: &str) -> Option<Unit> {
    Some(match code {
        "working_days" => Unit::WorkingDays,
        "calendar_days" => Unit::CalendarDays,
        "months" => Unit::Months,
        _ => return None,
    })
}

pub(super) const TASK_COLUMNS: &str =
    "t.id, t.kind, t.title, s.bin, a.appeal_no, t.assignee, t.unit, t.region_code, t.category,
    t.norm_id, t.event_date, t.original_due, t.current_due, t.status, t.done_on, t.note,
    (SELECT max(r.score) FROM risk_scores r WHERE r.subject_id = t.subject_id
        AND r.computed = (SELECT max(r2.computed) FROM risk_scores r2 WHERE r2.subject_id = t.subject_id)),
    substr(coalesce(s.kato, a.kato), 1, 4)";

pub(super) fn task_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    let bad = |i: usize, code: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown code '{code}'").into(),
        )
    };
    let kind: String = r.get(1)?;
    let status: String = r.get(13)?;
    Ok(Task {
        id: r.get(0)?,
        kind: TaskKind::from_code(&kind).ok_or_else(|| bad(1, kind.clone()))?,
        title: r.get(2)?,
        subject_bin: r.get(3)?,
        appeal_no: r.get(4)?,
        assignee: r.get(5)?,
        unit: r.get(6)?,
        region_code: r.get(7)?,
        category: r.get(8)?,
        norm_id: r.get(9)?,
        event_date: r.get(10)?,
        original_due: r.get(11)?,
        current_due: r.get(12)?,
        status: TaskStatus::from_code(&status).ok_or_else(|| bad(13, status.clone()))?,
        done_on: r.get(14)?,
        note: r.get(15)?,
        risk: r.get(16)?,
        district: r.get(17)?,
    })
}

/// A task's period from its stored columns.
pub(super) fn period_of(id: i64, amount: u32, unit: &str) -> Result<Period, StoreError> {
    let unit = unit_from_code(unit)
        .ok_or_else(|| StoreError::Corrupt(format!("task {id} has an unknown period unit '{unit}'")))?;
    Ok(Period { amount, unit })
}

/// Every task, and every `(task, depends_on)` edge: what `TaskGraph::build` takes.
pub type StoredGraph = (Vec<Task>, Vec<(i64, i64)>);

impl Store {
    /// Every task and every dependency: the input of `TaskGraph::build`.
    pub fn load_task_graph(&self) -> Result<StoredGraph, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t LEFT JOIN subjects s ON s.id = t.subject_id
             LEFT JOIN appeals a ON a.id = t.appeal_id ORDER BY t.id"
        );
        let tasks = self.conn.prepare(&sql)?.query_map([], task_row)?.collect::<Result<Vec<_>, _>>()?;
        let dependencies = self
            .conn
            .prepare("SELECT task_id, depends_on FROM task_dependencies")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((tasks, dependencies))
    }

    /// What a task keeps of the law it is counted by; None when there is no such task.
    pub fn task_law(&self, id: i64) -> Result<Option<TaskLaw>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT norm_version, extension_decided, period_set_by_act FROM tasks WHERE id = ?1",
                [id],
                |r| Ok(TaskLaw { norm_version: r.get(0)?, extension_decided: r.get(1)?, period_set_by_act: r.get(2)? }),
            )
            .optional()?)
    }

    /// The rule a task's due date was computed from: its period and its suspensions.
    pub fn task_rule(&self, id: i64) -> Result<Option<(Period, Vec<Suspension>)>, StoreError> {
        let period = self
            .conn
            .query_row("SELECT period_amount, period_unit FROM tasks WHERE id = ?1", [id], |r| {
                Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        let Some((amount, unit)) = period else { return Ok(None) };
        let period = period_of(id, amount, &unit)?;
        let suspensions = self
            .conn
            .prepare("SELECT from_date, to_date FROM task_suspensions WHERE task_id = ?1 ORDER BY from_date")?
            .query_map([id], |r| Ok(Suspension { from: r.get(0)?, to: r.get(1)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some((period, suspensions)))
    }

    pub fn task_log(&self, id: i64) -> Result<Vec<LogEntry>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT id, at, person, face, action, old_due, new_due, detail FROM task_log WHERE task_id = ?1 ORDER BY id",
            )?
            .query_map([id], |r| {
                Ok(LogEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    person: r.get(2)?,
                    face: r.get(3)?,
                    action: r.get(4)?,
                    old_due: r.get(5)?,
                    new_due: r.get(6)?,
                    detail: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<LogEntry>, _>>()?;
        // A journal v2 line keeps a person's words apart: put them back (or name the act that
        // destroyed them) the way every other face shows the entry.
        rows.into_iter()
            .map(|mut line| {
                if line.detail.as_deref().is_some_and(|d| d.contains(PERSONAL_PLACEHOLDER)) {
                    if let Some(entry) = self.journal_entry(line.seq)? {
                        line.detail = Some(entry.shown().0);
                    }
                }
                Ok(line)
            })
            .collect()
    }

    pub fn subject_bin(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT bin FROM subjects WHERE id = ?1", [id], |r| r.get(0)).optional()?)
    }

    pub fn subject_id(&self, bin: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.conn.query_row("SELECT id FROM subjects WHERE bin = ?1", [bin], |r| r.get(0)).optional()?)
    }

    pub fn appeal_facts(&self, appeal_no: &str) -> Result<Option<AppealFacts>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, subject_id, received, region_code, category FROM appeals WHERE appeal_no = ?1",
                [appeal_no],
                |r| {
                    Ok(AppealFacts {
                        id: r.get(0)?,
                        subject_id: r.get(1)?,
                        received: r.get(2)?,
                        region_code: r.get(3)?,
                        category: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Appeals received on or after `since`, oldest first: `(appeal_no, received, decided)`.
    /// The demo uses them to give the deadline views real work.
    pub fn appeals_received_since(
        &self,
        since: NaiveDate,
    ) -> Result<Vec<(String, NaiveDate, Option<NaiveDate>)>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT appeal_no, received, decided FROM appeals WHERE received >= ?1 ORDER BY received, appeal_no",
            )?
            .query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// Writes to tasks, inside the one write path (`Write`): the use case changes the task, then
/// journals what it did with the task as the record, so the entry digests the new state.
impl Write<'_> {
    pub fn insert_task(&self, task: &NewTask) -> Result<i64, StoreError> {
        self.tx.execute(
            "INSERT INTO tasks(kind, title, subject_id, appeal_id, assignee, unit, region_code, category, norm_id,
                period_amount, period_unit, event_date, original_due, current_due, created_at, norm_version,
                period_set_by_act)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15, ?16)",
            params![
                task.kind.code(),
                task.title,
                task.subject_id,
                task.appeal_id,
                task.assignee,
                task.unit,
                task.region_code,
                task.category,
                task.norm_id,
                task.period.amount,
                unit_code(task.period.unit),
                task.event_date,
                task.due,
                self.stamp().at,
                task.norm_version,
                task.period_set_by_act
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Records the day of the decision that extended a task (a cap may count from it).
    pub fn set_extension_decided(&self, task: i64, decided: NaiveDate) -> Result<(), StoreError> {
        self.tx.execute("UPDATE tasks SET extension_decided = ?2 WHERE id = ?1", params![task, decided])?;
        Ok(())
    }

    /// Puts a task under a norm and the version of it it is counted by (a recount, or a norm that
    /// left the catalogue for another).
    pub fn set_norm(&self, task: i64, norm_id: &str, version: Option<NaiveDate>) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE tasks SET norm_id = ?2, norm_version = ?3 WHERE id = ?1",
            params![task, norm_id, version],
        )?;
        Ok(())
    }

    pub fn add_dependency(&self, task: i64, depends_on: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO task_dependencies(task_id, depends_on) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![task, depends_on],
        )?;
        Ok(())
    }

    /// Sets the current due date (extension, suspension, recomputation); `original` too when given.
    pub fn set_due(&self, task: i64, new: NaiveDate, original: Option<NaiveDate>) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE tasks SET current_due = ?2, original_due = coalesce(?3, original_due) WHERE id = ?1",
            params![task, new, original],
        )?;
        Ok(())
    }

    /// Sets the period a task is counted by (when the norm it follows changed).
    pub fn set_period(&self, task: i64, period: Period) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE tasks SET period_amount = ?2, period_unit = ?3 WHERE id = ?1",
            params![task, period.amount, unit_code(period.unit)],
        )?;
        Ok(())
    }

    pub fn add_suspension(&self, task: i64, suspension: Suspension) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO task_suspensions(task_id, from_date, to_date) VALUES (?1, ?2, ?3)",
            params![task, suspension.from, suspension.to],
        )?;
        Ok(())
    }

    pub fn set_status(&self, task: i64, status: TaskStatus, on: Option<NaiveDate>) -> Result<(), StoreError> {
        self.tx
            .execute("UPDATE tasks SET status = ?2, done_on = ?3 WHERE id = ?1", params![task, status.code(), on])?;
        Ok(())
    }

    pub fn set_note(&self, task: i64, note: &str) -> Result<(), StoreError> {
        self.tx.execute("UPDATE tasks SET note = ?2 WHERE id = ?1", params![task, note])?;
        Ok(())
    }
}
