//! The supervisor's figures: per assignee, per unit and in total (open, due soon, overdue, done
//! on time and late, the median lateness), and overdue work by district × category.
//!
//! One computation for a workstation's tasks and for the office's aggregates: the office keeps
//! counts of tasks that look alike to the dashboard (same status, dates, assignee, unit, district,
//! category) and hands each group with its count to [`dashboard_of_counts`], which adds a group's
//! contribution as many times as it has tasks — the same figures, without a task in memory.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::super::calendar::Calendar;
use super::super::deadline::working_days_between;
use super::{signed_working_days, Task, TaskGraph, TaskStatus};

/// Per-person or per-unit deadline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Figures {
    pub open: usize,
    pub due_within_3_working_days: usize,
    pub overdue: usize,
    pub done_on_time_last_90_days: usize,
    pub done_late_last_90_days: usize,
    /// Median working days late over tasks finished late in the last 90 days and tasks overdue now.
    pub median_days_late: Option<f64>,
}

/// The supervisor's dashboard figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub totals: Figures,
    pub by_assignee: BTreeMap<String, Figures>,
    pub by_unit: BTreeMap<String, Figures>,
    /// Overdue open tasks by district (region code) and category.
    pub overdue_matrix: BTreeMap<String, BTreeMap<String, usize>>,
}

/// `GET /v1/dashboard` (and `ekn-office dashboard --json`): the office's deadline figures over
/// the tasks in the caller's scope. One type for the office that writes it and the workstation
/// that reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeDashboard {
    /// The figures, over the office's tasks in scope (the same shape as a workstation's own).
    #[serde(flatten)]
    pub figures: Dashboard,
    /// The same figures for each person whose workstation holds the tasks (the owner, or the
    /// person a supervisor assigned the task to). Empty for an analyst: aggregates only.
    pub by_owner: BTreeMap<String, Figures>,
    /// The same figures for each district (the first four KATO digits of the task's place): the
    /// Deadlines screen's region opens into them. Empty from an office older than this field.
    #[serde(default)]
    pub by_district: BTreeMap<String, Figures>,
    /// How many tasks and workstations the figures are over, and the conflicts still open.
    pub tasks: usize,
    pub workstations: usize,
    pub open_conflicts: usize,
    /// The working-day calendar the figures were computed with.
    pub calendar: String,
    /// When the office computed these figures, by the office's clock.
    #[ts(type = "string")]
    pub computed_at: DateTime<Utc>,
}

/// What one task adds to the figures of its assignee, its unit and the totals.
#[derive(Default)]
struct Contribution {
    open: bool,
    due_soon: bool,
    overdue: bool,
    done_on_time: bool,
    done_late: bool,
    days_late: Option<i32>,
}

/// Figures being added up; lateness kept as a histogram (days late → how many tasks), so a group
/// of a thousand alike tasks is one entry, not a thousand.
#[derive(Default)]
struct Accumulator {
    figures: Figures,
    late: BTreeMap<i32, usize>,
}

impl Accumulator {
    fn add(&mut self, c: &Contribution, n: usize) {
        let f = &mut self.figures;
        f.open += usize::from(c.open) * n;
        f.due_within_3_working_days += usize::from(c.due_soon) * n;
        f.overdue += usize::from(c.overdue) * n;
        f.done_on_time_last_90_days += usize::from(c.done_on_time) * n;
        f.done_late_last_90_days += usize::from(c.done_late) * n;
        if let Some(days) = c.days_late {
            *self.late.entry(days).or_default() += n;
        }
    }

    fn finish(self) -> Figures {
        let mut figures = self.figures;
        figures.median_days_late = median(&self.late);
        figures
    }
}

/// Computes the dashboard over every task of the graph.
pub fn dashboard(graph: &TaskGraph, calendar: &Calendar, today: NaiveDate) -> Dashboard {
    dashboard_of_counts(graph.tasks().map(|task| (task, 1)), calendar, today)
}

/// The dashboard over groups of alike tasks, each `(task, n)` counting as `n` copies of `task`.
/// Only the fields the figures read matter: status, current due date, date done, assignee, unit,
/// region code, category (or kind when there is none).
pub fn dashboard_of_counts<'a>(
    groups: impl IntoIterator<Item = (&'a Task, usize)>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Dashboard {
    let window_start = today - chrono::Days::new(90);
    let mut totals = Accumulator::default();
    let mut by_assignee: BTreeMap<String, Accumulator> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, Accumulator> = BTreeMap::new();
    let mut matrix: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (task, n) in groups {
        if n == 0 {
            continue;
        }
        let mut c = Contribution::default();
        match task.status {
            TaskStatus::Open => {
                let days = signed_working_days(calendar, today, task.current_due);
                c.open = true;
                c.due_soon = (0..=3).contains(&days);
                if days < 0 {
                    c.overdue = true;
                    c.days_late = Some(-days);
                    let district = task.region_code.clone().unwrap_or_else(|| "—".into());
                    let category = task.category.clone().unwrap_or_else(|| task.kind.code().to_string());
                    *matrix.entry(district).or_default().entry(category).or_default() += n;
                }
            }
            TaskStatus::Done => {
                if let Some(done) = task.done_on.filter(|d| *d >= window_start && *d <= today) {
                    if done <= task.current_due {
                        c.done_on_time = true;
                    } else {
                        c.done_late = true;
                        c.days_late = Some(working_days_between(calendar, task.current_due, done) as i32);
                    }
                }
            }
            TaskStatus::Cancelled => {}
        }
        totals.add(&c, n);
        by_assignee.entry(task.assignee.clone()).or_default().add(&c, n);
        by_unit.entry(task.unit.clone()).or_default().add(&c, n);
    }
    Dashboard {
        today,
        totals: totals.finish(),
        by_assignee: by_assignee.into_iter().map(|(k, v)| (k, v.finish())).collect(),
        by_unit: by_unit.into_iter().map(|(k, v)| (k, v.finish())).collect(),
        overdue_matrix: matrix,
    }
}

/// The median of a histogram (value → how many times it occurs): the middle value of the sorted
/// list it stands for, or the mean of the two middle ones.
fn median(histogram: &BTreeMap<i32, usize>) -> Option<f64> {
    let count: usize = histogram.values().sum();
    if count == 0 {
        return None;
    }
    // The value at a 0-based position of the sorted list (positions below `count` always have one).
    let at = |position: usize| {
        let mut seen = 0;
        histogram
            .iter()
            .find(|(_, &n)| {
                seen += n;
                position < seen
            })
            .map_or(0, |(&value, _)| value)
    };
    if count % 2 == 1 {
        Some(f64::from(at(count / 2)))
    } else {
        Some((f64::from(at(count / 2 - 1)) + f64::from(at(count / 2))) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use crate::calendar::Calendar;

    #[test]
    fn slips_are_found_and_the_dashboard_counts() {
        let calendar = Calendar::builtin();
        let mut done_check = task(4, TaskKind::InspectionCheck, "2024-04-10", TaskStatus::Done);
        done_check.done_on = Some(d("2024-04-12"));
        let tasks = vec![
            task(1, TaskKind::IssueResponse, "2024-04-15", TaskStatus::Open),
            task(2, TaskKind::FollowUp, "2024-04-16", TaskStatus::Open),
            task(3, TaskKind::FollowUp, "2024-05-20", TaskStatus::Open),
            done_check,
        ];
        let graph = TaskGraph::build(tasks, &[(2, 1)]);
        let today = d("2024-04-22");
        let slips = graph.slips(&calendar, today);
        let kinds: Vec<(i64, SlipKind)> = slips.iter().map(|s| (s.task_id, s.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, SlipKind::ResponseWithoutControl),
                (1, SlipKind::OverdueWithoutExtensionOrNote),
                (2, SlipKind::OverdueWithoutExtensionOrNote),
                (4, SlipKind::NotFollowedUp),
            ]
        );
        assert_eq!(slips[1].chain, vec![2]);
        let board = dashboard(&graph, &calendar, today);
        assert_eq!((board.totals.open, board.totals.overdue, board.totals.done_late_last_90_days), (3, 2, 1));
        // Late: task 1 by 5 working days, task 2 by 4, task 4 finished 2 working days late.
        assert_eq!(board.totals.median_days_late, Some(4.0));
        assert_eq!(board.overdue_matrix["75"]["экология"], 2);
        assert_eq!(board.by_assignee["Серіков Б."].open, 2);
    }

    /// A group counted n times gives the figures of n copies of its task, the median included
    /// (an even count of lateness values averages the two middle ones).
    #[test]
    fn counted_groups_equal_their_copies() {
        let calendar = Calendar::builtin();
        let today = d("2024-04-22");
        let mut done_late = task(4, TaskKind::InspectionCheck, "2024-04-10", TaskStatus::Done);
        done_late.done_on = Some(d("2024-04-12"));
        let mut cancelled = task(5, TaskKind::FollowUp, "2024-04-01", TaskStatus::Cancelled);
        cancelled.unit = "другой".into();
        let groups = [
            (task(1, TaskKind::IssueResponse, "2024-04-15", TaskStatus::Open), 3),
            (task(2, TaskKind::FollowUp, "2024-04-24", TaskStatus::Open), 2),
            (done_late, 1),
            (cancelled, 4),
            (task(6, TaskKind::FollowUp, "2024-04-16", TaskStatus::Open), 0),
        ];
        let mut copies = Vec::new();
        for (task, n) in &groups {
            for copy in 0..*n {
                copies.push(Task { id: task.id * 100 + copy as i64, ..task.clone() });
            }
        }
        let expected = dashboard(&TaskGraph::build(copies, &[]), &calendar, today);
        let counted = dashboard_of_counts(groups.iter().map(|(t, n)| (t, *n)), &calendar, today);
        assert_eq!(counted, expected);
        assert_eq!((counted.totals.open, counted.totals.overdue), (5, 3));
        // Late: 5, 5, 5 (open) and 2 (done): the sorted list 2 5 5 5 has the median 5.
        assert_eq!(counted.totals.median_days_late, Some(5.0));
    }
}
