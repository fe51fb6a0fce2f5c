//! The demo data built into the program: the files `ekn fixtures --scale demo --seed 2024` writes,
//! committed under fixtures/demo/ and embedded here, so `ekn init --demo` works from any directory
//! and goes through the same importer as a real export.

use chrono::NaiveDate;

use super::{ApiError, NewTaskRequest, Session};
use crate::domain::records::DataKind;
use crate::domain::tasks::TaskKind;

pub static DEMO_FILES: &[(DataKind, &str, &[u8])] = &[
    (DataKind::Inspections, "fixtures/demo/inspections.csv", include_bytes!("../../fixtures/demo/inspections.csv")),
    (DataKind::Appeals, "fixtures/demo/appeals.csv", include_bytes!("../../fixtures/demo/appeals.csv")),
    (DataKind::Risk, "fixtures/demo/risk.csv", include_bytes!("../../fixtures/demo/risk.csv")),
];

const ASSIGNEES: [(&str, &str); 4] = [
    ("Ахметова А.", "Отдел по надзору за соблюдением прав граждан"),
    ("Серіков Б.", "Отдел по надзору за соблюдением прав граждан"),
    ("Иванов В.", "Отдел надзора за законностью проверок"),
    ("Жұмабаева Г.", "Отдел надзора за законностью проверок"),
];

/// Gives the demo database deadline work: every appeal received since 1 August 2026 gets its
/// consideration task under АППК art. 76; those already decided are closed on their decision date
/// (on time or late, as the dates fall). Deterministic: appeals in order, assignees in turn.
pub(super) fn create_demo_tasks(session: &mut Session) -> Result<usize, ApiError> {
    let since = NaiveDate::from_ymd_opt(2026, 8, 1).expect("valid date");
    let appeals = session.store.appeals_received_since(since)?;
    let mut created = 0;
    for (i, (appeal_no, _received, decided)) in appeals.iter().enumerate() {
        let (assignee, unit) = ASSIGNEES[i % ASSIGNEES.len()];
        let request = NewTaskRequest {
            kind: TaskKind::ConsiderAppeal,
            title: None,
            subject_bin: None,
            appeal_no: Some(appeal_no.clone()),
            assignee: assignee.into(),
            unit: unit.into(),
            norm: Some("appk-76-consideration".into()),
            period: None,
            event_date: None,
            depends_on: vec![],
        };
        let task = session.add_task(&request)?.created.remove(0).task;
        if let Some(decided) = decided {
            session.complete_task(task.id, *decided)?;
        }
        created += 1;
    }
    Ok(created)
}
